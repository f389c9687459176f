#!/usr/bin/env bash
# test_import.sh: import and export (issue 15) through the real binary
# against a real Radicale: the shapes of the common exports (Google
# Contacts old and new, Outlook, LinkedIn's Connections.csv, a plain
# sheet with BOM and CRLF), bad rows named by line while the others are
# imported, --dry-run changing nothing, new people on the server after a
# sync, a re-import changing nothing, export -> import into a fresh cache
# giving the same people, and a .vcf import keeping each card's text.
source "$(dirname "$0")/lib.sh"
need_servers
need_kith
start_engine radicale
book=$(make_radicale_book friends) || die "cannot make the book"
card ana.vcf UID:ana-1 'FN:Ana Lima' 'N:Lima;Ana;;;' EMAIL:ana@example.org X-KITH-CADENCE:P1M \
	'X-KITH-LOG:2026-10-01 phone 7f3a9c2e Called'
card bob.vcf UID:bob-1 'FN:Bob Stone' 'N:Stone;Bob;;;'

kith_env
export KITH_TODAY=2026-12-01
check "account add" kith account add r "$RADICALE_URL" "${ENGINE_ACCT[@]}"
check "sync" kith sync
H1=$KITH_HOME
# sql QUERY [ARG]: one value (or row's bytes) from the cache, read as the tests read it (Python's sqlite3).
sql() { "$PY" -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for row in db.execute(sys.argv[2], sys.argv[3:]):
    v = row[0]
    sys.stdout.buffer.write(v if isinstance(v, bytes) else str(v).encode() + b"\n")' "$XDG_DATA_HOME/kith/kith.db" "$@"; }
field() { kith show --json "$1" | "$PY" -c 'import json, sys
v = json.load(sys.stdin)
x = v.get(sys.argv[1])
print("" if x is None else ",".join(map(str, x)) if isinstance(x, list) else x)' "$2"; }
outbox() { sql 'SELECT count(*) FROM outbox'; }

# ---- Google Contacts (the older export), with --dry-run first
cat >"$T/google.csv" <<'CSV'
Name,Given Name,Additional Name,Family Name,Nickname,Birthday,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,E-mail 2 - Type,E-mail 2 - Value,Phone 1 - Type,Phone 1 - Value,Organization 1 - Type,Organization 1 - Name,Organization 1 - Title
Ana Lima,Ana,,Lima,,,,* myContacts,* Home,ANA@Example.org,,,,,,,
Carla Gomes,Carla,,Gomes,,,"Met at PyCon, ""great"" talk
on parsers",* myContacts ::: Friends,* Work,carla@work.example.org ::: carla@home.example.org,,,Mobile,+33 6 11 22 33 44,,Acme,Engineer
CSV
kith export --json --log >"$T/before.json"
out=$(kith import "$T/google.csv" --dry-run)
expect_eq "$?" 0 "import --dry-run of a Google Contacts export"
diag "$out"
[[ $out == *"Google Contacts, header on line 1"* ]] && pass "dry run names the format" ||
	{ not_ok "dry run names the format"; diag "$out"; }
grep -Eq '^ +2 +matched +Ana Lima +nothing to change \(by email\)' <<<"$out" &&
	grep -Eq '^ +3 +new +Carla Gomes +carla@work.example.org' <<<"$out" &&
	pass "dry run: a line per row, matched by email (any case) and new" ||
	{ not_ok "dry run plan"; diag "$out"; }
[[ $out == *"would import 2: 1 matched, 1 new, 0 skipped (--dry-run: nothing changed)"* ]] &&
	pass "dry run summary" || { not_ok "dry run summary"; diag "$out"; }
kith export --json --log >"$T/after.json"
cmp -s "$T/before.json" "$T/after.json" && pass "--dry-run changes nothing (export --json identical)" ||
	{ not_ok "--dry-run changed something"; diag "$(diff "$T/before.json" "$T/after.json" | head)"; }
expect_eq "$(outbox)" 0 "--dry-run queues nothing"

expect_eq "$(kith import "$T/google.csv")" \
	"imported 2: 1 matched, 1 new, 0 skipped; 'sync' puts the new people on the server" "import: the summary line"
expect_eq "$(field carla emails)" "carla@work.example.org,carla@home.example.org" "both of Carla's emails"
expect_eq "$(field carla phones)|$(field carla org)|$(field carla title)|$(field carla categories)" \
	"+33 6 11 22 33 44|Acme|Engineer|Friends" "phone, organisation, title, label (not * myContacts)"
expect_eq "$(field carla note)" 'Met at PyCon, "great" talk
on parsers' "notes without a date go into the card's NOTE, quotes and newline kept"

# ---- Google Contacts (the newer export)
cat >"$T/google2.csv" <<'CSV'
First Name,Middle Name,Last Name,Phonetic First Name,Nickname,File As,Organization Name,Organization Title,Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value
Dan,,Okafor,,,,Globex,CFO,,,* myContacts ::: Work,Work,dan@globex.example.com,Mobile,555-0100
CSV
expect_eq "$(kith import "$T/google2.csv" | tail -n 1)" \
	"imported 1: 0 matched, 1 new, 0 skipped; 'sync' puts the new people on the server" "newer Google export"
expect_eq "$(field 'Dan Okafor' emails)|$(field 'Dan Okafor' org)|$(field 'Dan Okafor' categories)" \
	"dan@globex.example.com|Globex|Work" "its name parts, email, organisation, label"

# ---- Outlook, CRLF
printf '%s\r\n' '"First Name","Middle Name","Last Name","Title","Suffix","Company","Department","Job Title","E-mail Address","E-mail 2 Address","Mobile Phone","Home Phone","Notes"' \
	'"Erin","","Walsh","Dr.","","Initech","","CTO","erin@initech.example.com","","+1 555 0101","",""' \
	'"Bob","","Stone","","","","","","","","","",""' >"$T/outlook.csv"
out=$(kith import "$T/outlook.csv" --dry-run)
grep -Eq '^ +3 +matched +Bob Stone +nothing to change \(by name\)' <<<"$out" && [[ $out == *Outlook* ]] &&
	pass "Outlook: recognised; Bob matched by his exact name" || { not_ok "Outlook dry run"; diag "$out"; }
check "Outlook import" kith import "$T/outlook.csv"
expect_eq "$(field erin title)|$(field erin phones)" "CTO|+1 555 0101" "Outlook: Job Title (not Title, Dr.), Mobile Phone"

# ---- Excel where the decimal mark is a comma writes ';' between fields
printf '%s\r\n' 'Name;E-mail;Company' '"Weber; Jonas";jonas@example.de;"Acme, GmbH"' >"$T/semicolons.csv"
out=$(kith import "$T/semicolons.csv" --dry-run)
[[ $out == *"fields apart by ';'"* ]] && grep -Eq '^ +2 +new +Weber; Jonas +jonas@example.de' <<<"$out" &&
	pass "a sheet with ';' between fields is read as one" || { not_ok "semicolon sheet"; diag "$out"; }

# ---- LinkedIn Connections.csv: notes before the header, "12 Mar 2021" dates
cat >"$T/Connections.csv" <<'CSV'
Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more about this here: https://www.linkedin.com/help/linkedin/answer/261"

First Name,Last Name,URL,Email Address,Company,Position,Connected On
Farah,Haddad,https://www.linkedin.com/in/farah-haddad,farah@example.net,Umbrella,Analyst,12 Mar 2021
Carla,Gomes,https://www.linkedin.com/in/carla-gomes,,Acme,Engineer,05 Jan 2024
CSV
out=$(kith import "$T/Connections.csv" --dry-run)
[[ $out == *"LinkedIn, header on line 4"* ]] && grep -Eq '^ +5 +new +Farah Haddad' <<<"$out" &&
	grep -Eq '^ +6 +matched +Carla Gomes +log 2024-01-05 \(by name\)' <<<"$out" &&
	pass "LinkedIn: preamble skipped, lines counted from the file's first" || { not_ok "LinkedIn dry run"; diag "$out"; }
check "LinkedIn import" kith import "$T/Connections.csv"
expect_eq "$(field farah last_contact)|$(field carla last_contact)" "2021-03-12|2024-01-05" \
	"Connected On is the last contact (12 Mar 2021 read as 2021-03-12)"
expect_eq "$(kith show --json carla | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["log"][0]["text"])')" \
	"Connected on LinkedIn" "the entry says where the date came from"

# ---- a plain sheet: BOM, CRLF, cadence, last contact, notes; and bad rows
{
	printf '\xef\xbb\xbfname,E-Mail,phone,company,Last Contact,cadence,notes\r\n'
	printf 'Gus Ortega,gus@example.org,,,2026-11-01,2w,"Coffee, then a walk\r\nalong the river"\r\n'
	printf 'ana lima,,,,2026-11-15,monthly,Lunch\r\n'
	printf ',,,,,,just a note\r\n'
	printf 'Hana Bad,hana@,,,,,\r\n'
	printf 'Ivo Late,ivo@example.org,,,2027-01-01,,\r\n'
	printf 'Kim Ctl,kim@example.org,,,,,"bad \001 char"\r\n'
	printf 'Lee Latin,lee@example.org,,,,,caf\351\r\n'
	printf 'Mo Slash,mo@example.org,,,03/04/2026,,\r\n'
	printf 'Nia Ok,nia@example.org,,,,1y,\r\n'
} >"$T/plain.csv"
kith import "$T/plain.csv" >"$T/out" 2>"$T/err"
expect_eq "$?" 1 "bad rows: exit 1"
diag "$(cat "$T/out" "$T/err")"
expect_eq "$(tail -n 1 "$T/out")" \
	"imported 9: 1 matched, 2 new, 1 skipped, 5 with errors; 'sync' puts the new people on the server" \
	"the good rows are imported all the same"
grep -q "plain.csv line 5: skipped a row: no name and no email" "$T/out" &&
	pass "a row without name or email is skipped with why" || not_ok "skip why"
# Gus's notes span lines 2 and 3, so Ana is on line 4.
for want in "plain.csv line 6: 'hana@' is not an email address" \
	"plain.csv line 7: the last contact 2027-01-01 is in the future" \
	"plain.csv line 8: field 7 has a control character (U+0001" \
	"plain.csv line 9: field 7 is not valid UTF-8" \
	"plain.csv line 10: '03/04/2026' could be day/month or month/day"; do
	grep -qF "/$want" "$T/err" && pass "error names file and line: ${want#plain.csv }" ||
		{ not_ok "error: $want"; diag "$(cat "$T/err")"; }
done
expect_eq "$(field gus cadence)|$(field gus last_contact)|$(field 'Nia Ok' cadence)" "P2W|2026-11-01|P1Y" \
	"cadence (2w, 1y) and last contact of new people"
expect_eq "$(field 'ana lima' cadence)|$(field 'ana lima' last_contact)" "P1M|2026-11-15" \
	"matched: an equal cadence (monthly) left alone, the touch logged"
expect_eq "$(sql "SELECT count(*) FROM outbox o JOIN card c ON c.id = o.card WHERE c.uid = 'ana-1' AND o.op = 'cadence'")" \
	0 "no cadence operation queued for an unchanged cadence"
expect_eq "$(kith show --json gus | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["log"][0]["text"])')" \
	"Coffee, then a walk
along the river" "the notes are the entry's text, its line break kept"

# ---- a vCard file from a phone: 3.0 with LF and odd lines, 4.0 without a UID, 2.1, a group, and Ana
printf '%s\n' BEGIN:VCARD VERSION:3.0 UID:vc-olga 'FN:Olga Petrova' 'N:Petrova;Olga;;;' \
	'item1.EMAIL;type=INTERNET;type=pref:olga@example.ru' 'item1.X-ABLabel:_$!<Other>!$_' \
	'X-ODD;X-P=1:kept as it is' 'NOTE:Line one\nline two' X-KITH-CADENCE:P3M \
	'X-KITH-LOG:2026-09-09 meet 0badc0de Tea' END:VCARD >"$T/phone.vcf"
printf '%s\r\n' BEGIN:VCARD VERSION:4.0 'FN:Pia Vier' 'EMAIL:pia@example.de' END:VCARD >>"$T/phone.vcf"
printf '%s\r\n' BEGIN:VCARD VERSION:2.1 'N:Quist;Quinn' 'FN:Quinn Quist' 'TEL;CELL:555 0199' \
	'NOTE;ENCODING=QUOTED-PRINTABLE:Caf=C3=A9 owner' END:VCARD >>"$T/phone.vcf"
printf '%s\r\n' BEGIN:VCARD VERSION:3.0 UID:grp-1 FN:Climbers X-ADDRESSBOOKSERVER-KIND:group END:VCARD >>"$T/phone.vcf"
printf '%s\r\n' BEGIN:VCARD VERSION:3.0 UID:other-ana 'FN:Ana L.' EMAIL:ana@example.org \
	'X-KITH-LOG:2026-11-20 text 1234abcd Sent the photos' END:VCARD >>"$T/phone.vcf"
out=$(kith import "$T/phone.vcf" --dry-run)
diag "$out"
grep -Eq '^ +1 +new +Olga Petrova' <<<"$out" && grep -Eq 'Pia Vier +the card as it is \(vCard 4.0, a UID added\)' <<<"$out" &&
	grep -Eq 'skipped +Climbers +a group' <<<"$out" && grep -Eq 'matched +Ana Lima +log 2026-11-20 \(by email\)' <<<"$out" &&
	pass ".vcf dry run: new, a UID added, a group skipped, a match by email" || not_ok ".vcf dry run"
check ".vcf import" kith import "$T/phone.vcf"
raw() { sql 'SELECT r.raw FROM card_raw r JOIN card c ON c.id = r.id WHERE c.fn = ?' "$1"; }
sed -n '1,/^END:VCARD/p' "$T/phone.vcf" >"$T/olga.vcf"
cmp -s <(raw 'Olga Petrova') "$T/olga.vcf" && pass ".vcf: the card's text is kept byte for byte (LF, groups, X- lines)" ||
	{ not_ok ".vcf: card text kept"; diag "$(raw 'Olga Petrova' | od -c | head)"; }
expect_eq "$(raw 'Pia Vier' | tr -d '\r' | grep -c '^UID:urn:uuid:')|$(raw 'Pia Vier' | tr -d '\r' | grep -v '^UID:')" \
	"1|BEGIN:VCARD
VERSION:4.0
FN:Pia Vier
EMAIL:pia@example.de
END:VCARD" ".vcf: a card without a UID gets one (urn:uuid: in 4.0), nothing else changes"
expect_eq "$(field olga cadence)|$(field olga last_contact)|$(field ana last_contact)" "P3M|2026-09-09|2026-11-20" \
	".vcf: the card's own kith lines count; Ana gets the file's entry"

# ---- sync: the new people reach the server
out=$(kith sync 2>&1)
expect_eq "$?" 0 "sync after the imports"
diag "$out"
n=$(propfind "$book" 1 d:getetag | grep -o '\.vcf</' | wc -l)
expect_eq "$n" 11 "the server holds the 2 people it had and the 9 imported"
kith_env
export KITH_TODAY=2026-12-01
check "a second kith: account add" kith account add r "$RADICALE_URL" "${ENGINE_ACCT[@]}"
check "a second kith: sync" kith sync
expect_eq "$(field carla emails)|$(field gus last_contact)|$(field olga cadence)" \
	"carla@work.example.org,carla@home.example.org|2026-11-01|P3M" "a second cache sees them, notes and cadences included"
[[ "$(kith show olga 2>&1)" == *Tea* ]] && pass "and Olga's log from the .vcf" || not_ok "Olga's log"

# ---- a re-import changes nothing
KITH_HOME=$H1
export HOME=$H1 XDG_CONFIG_HOME=$H1/.config XDG_DATA_HOME=$H1/.local/share XDG_STATE_HOME=$H1/.local/state
kith export --json --log >"$T/before.json"
for f in google.csv google2.csv outlook.csv Connections.csv plain.csv phone.vcf; do
	out=$(kith import "$T/$f" 2>/dev/null | tail -n 1)
	[[ $out == *" 0 new"* && $out != *sync* ]] && pass "re-import of $f: nobody new" || { not_ok "re-import of $f"; diag "$out"; }
done
expect_eq "$(outbox)" 0 "re-imports queue nothing (no new outbox entry)"
kith export --json --log >"$T/after.json"
cmp -s "$T/before.json" "$T/after.json" && pass "re-imports change nothing (export identical)" ||
	{ not_ok "re-import changed something"; diag "$(diff "$T/before.json" "$T/after.json" | head)"; }
out=$(kith sync 2>&1)
[[ $out == *" 0 pushed"* ]] && pass "sync has nothing to push" || { not_ok "sync after re-import"; diag "$out"; }

# ---- export: CSV and JSON, then a round trip into a fresh cache
kith export --csv >"$T/all.csv"
expect_eq "$?" 0 "export --csv"
expect_eq "$(head -n 1 "$T/all.csv")" $'Name,UID,Email,Phone,Organization,Categories,Cadence,Due,Last contact,Snooze\r' \
	"the CSV starts with its header"
grep -q '^Carla Gomes,[^,]*,carla@work.example.org ::: carla@home.example.org,+33 6 11 22 33 44,Acme,Friends,,,2024-01-05,' "$T/all.csv" &&
	pass "a person's row: lists joined with ' ::: '" || { not_ok "Carla's CSV row"; diag "$(grep Carla "$T/all.csv")"; }
kith export --csv --log >"$T/log.csv"
grep -q '^Gus Ortega,[^,]*,gus@example.org,2026-11-01,other,[0-9a-f]\{8\},"Coffee, then a walk$' "$T/log.csv" &&
	pass "export --csv --log: a row per entry, quoted text" || { not_ok "log CSV"; diag "$(grep -A1 Gus "$T/log.csv")"; }
"$PY" - "$T/after.json" <<'PY' && pass "export --json --log: one document, everyone with their log" || not_ok "export --json"
import json, sys
v = json.load(open(sys.argv[1]))
names = sorted(p["fn"] for p in v)
assert "Climbers" not in names and len(names) == 11, names
gus = [p for p in v if p["fn"] == "Gus Ortega"][0]
assert gus["cadence"] == "P2W" and gus["due"] == "2026-11-15" and gus["last_contact"] == "2026-11-01", gus
assert gus["log"][0]["via"] == "other" and len(gus["log"][0]["id"]) == 8, gus
PY
kith export --csv --json >/dev/null 2>&1
expect_eq "$?" 2 "export needs one of --csv and --json"

# The fresh cache knows only an empty second book: everyone is new there.
book2=$(make_radicale_book roundtrip) || die "cannot make the second book"
kith_env
export KITH_TODAY=2026-12-01
check "a fresh cache: account add (the empty book)" kith account add r "$book2" "${ENGINE_ACCT[@]}"
check "a fresh cache: sync" kith sync
out=$(kith import "$T/all.csv")
expect_eq "$?" 0 "import of the export into the fresh cache"
expect_eq "$out" "imported 11: 0 matched, 11 new, 0 skipped; 'sync' puts the new people on the server" \
	"everyone is new there"
kith export --json >"$T/fresh.json"
"$PY" - "$T/after.json" "$T/fresh.json" <<'PY' && pass "round trip: the same people, cadences and last contacts" || not_ok "round trip"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
key = lambda p: (p["fn"], p["cadence"], p["last_contact"], tuple(sorted(e.lower() for e in p["emails"])),
                 tuple(p["phones"]), p["org"], tuple(p["categories"]))
ka, kb = sorted(map(key, a)), sorted(map(key, b))
if ka != kb:
    print("\n".join("# %r" % (x,) for x in set(ka) ^ set(kb)))
    sys.exit(1)
PY
check "the round trip syncs" kith sync
expect_eq "$(propfind "$book2" 1 d:getetag | grep -o '\.vcf</' | wc -l)" 11 "and the second book holds the 11"

# ---- a hostile card: nothing of it drives the terminal, in or out (C1
# controls, since Radicale's XML cannot carry C0 ones)
printf '%s\r\n' BEGIN:VCARD VERSION:3.0 UID:evil-1 $'FN:Eve \xc2\x9b2J \xc2\x9d0;pwned \xe2\x80\xaeReversed' \
	EMAIL:eve@example.org END:VCARD >"$T/evil.vcf"
put_card -n "${book2}evil.vcf" "$T/evil.vcf" >/dev/null || die "PUT evil.vcf"
check "sync pulls the hostile card" kith sync
kith export --csv >"$T/evil.csv"
kith export --json --log >"$T/evil.json"
printf '%s\r\n' BEGIN:VCARD VERSION:3.0 $'FN:Bidi \xe2\x80\xaeName' EMAIL:bidi@example.org END:VCARD \
	BEGIN:VCARD VERSION:3.0 $'FN:Esc \e[31mRed' END:VCARD >"$T/in.vcf"
kith import "$T/in.vcf" --dry-run >"$T/evil.out" 2>"$T/evil.err"
kith import "$T/in.vcf" >>"$T/evil.out" 2>>"$T/evil.err"
expect_eq "$?" 1 "a card with an escape character is an error"
grep -q "in.vcf line 6: the card has a control character (U+001B at byte " "$T/evil.err" &&
	pass "naming the card's line" || { not_ok "escape card error"; diag "$(cat "$T/evil.err")"; }
"$PY" - "$T/evil.csv" "$T/evil.json" "$T/evil.out" "$T/evil.err" <<'PY' &&
import re, sys
for f in sys.argv[1:]:
    t = open(f, "rb").read().decode("utf-8")
    bad = re.findall("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", t)
    assert not bad, (f, bad)
PY
	pass "export and import print no control or bidi override character" || not_ok "hostile text reached the output"
grep -q '^Eve  2J  0;pwned  Reversed,evil-1,eve@example.org' "$T/evil.csv" &&
	pass "export --csv: the hostile name cleaned (controls as spaces)" || { not_ok "hostile CSV row"; diag "$(grep evil "$T/evil.csv")"; }
expect_eq "$(kith import "$T/evil.csv" | tail -n 1)" "imported 12: 12 matched, 0 new, 0 skipped" \
	"the cleaned export still reads back, everyone matched"

# ---- the log export reads back: every entry, with its id, date, channel and text
book3=$(make_radicale_book logs) || die "cannot make the third book"
kith_env
export KITH_TODAY=2026-12-01
check "a third cache: account add (an empty book)" kith account add r "$book3" "${ENGINE_ACCT[@]}"
check "a third cache: sync" kith sync
check "import of export --csv --log" kith import "$T/log.csv"
kith export --json --log >"$T/logs.json"
"$PY" - "$T/after.json" "$T/logs.json" <<'PY' && pass "the log round trip: every entry, its id kept" || not_ok "log round trip"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
logs = lambda v: sorted((p["fn"], e["date"], e["via"], e["id"], e["text"]) for p in v for e in p["log"])
la, lb = logs(a), logs(b)
if la != lb or not la:
    print("\n".join("# %r" % (x,) for x in set(la) ^ set(lb)))
    sys.exit(1)
PY
check "a second import of the log export" kith import "$T/log.csv"
expect_eq "$(kith export --json --log | cmp -s - "$T/logs.json" && echo same)" same "changes nothing"

# ---- in the shell, FILE completes to file names (and ~/ is the home)
if command -v tmux >/dev/null 2>&1; then
	mkdir -p "$HOME/exports"
	cp "$T/google.csv" "$HOME/exports/google-contacts.csv"
	start_shell
	expect_pane "kith>" "the shell starts"
	type_text "import ~/exports/goo"
	keys Tab
	expect_pane "kith> import ~/exports/google-contacts.csv" "import FILE completes a file name"
	type_text " --dry-run"
	keys Enter
	expect_pane "would import 2: 2 matched, 0 new" "and ~/ reads from the home"
fi

finish
