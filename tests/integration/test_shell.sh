#!/usr/bin/env bash
# test_shell.sh: the reconnect commands (today, draft, next, intro, add,
# search, history, stats, cadence --category) through the real binary,
# one-shot and from piped standard input, against a real Xandikos; and
# what lands in the cards on the server after sync.
source "$(dirname "$0")/lib.sh"
need_servers
need_kith
start_xandikos
book=$(make_xandikos_book shell) || die "cannot make the book"

card ana.vcf UID:ana-1 'FN:Ana Lima' 'N:Lima;Ana;;;' EMAIL:ana@example.com \
	'ORG:Acme Corp' 'CATEGORIES:Climbing' 'BDAY:1990-12-01' X-KITH-CADENCE:P2W \
	'X-KITH-LOG:2026-11-10 meet 7f3a9c2e Coffee at the forum\; she is moving to Lyon'
card bob.vcf UID:bob-1 'FN:Bob Stone' EMAIL:bob@example.com X-KITH-CADENCE:P1Y \
	'X-KITH-LOG:2025-01-05 phone 11111111 Lunch by the river'
card cleo.vcf UID:cleo-1 'FN:Cleo Park' EMAIL:cleo@example.org TEL:+44-20-555-0199 \
	'X-KITH-LOG:2026-11-01 email 22222222 Sent the article on gardens' \
	'X-KITH-LOG:2026-10-01 text 33333333 Concert tickets'
card dan.vcf UID:dan-1 'FN:Dan Wu' 'CATEGORIES:Family,Work' 'ORG:Wu & Sons'
card eve.vcf UID:eve-1 'FN:Eve Moss' 'ORG:Acme Corp'
printf '%s\r\n' BEGIN:VCARD VERSION:4.0 UID:fam-1 KIND:group FN:Family \
	MEMBER:urn:uuid:eve-1 END:VCARD >"$T/family.vcf"
put_card -n "${book}family.vcf" "$T/family.vcf" >/dev/null || die "PUT family.vcf"

kith_env
export KITH_TODAY=2026-11-27
kith add Nobody >/dev/null 2>"$T/err"
expect_eq "$?" 2 "add without an account exits 2"
grep -q "no address book yet: run 'kith account add NAME URL --user USER', then 'kith sync'" "$T/err" &&
	pass "and says to add an account and sync" || { not_ok "add without an account says what to do"; diag "$(cat "$T/err")"; }
check "account add" kith account add x "$XANDIKOS_URL" --user u --password-command 'echo x'
check "sync pulls the cards" kith sync

# ---------------------------------------------------------------- today
out=$(kith today)
expect_eq "$?" 0 "today succeeds"
expect_eq "$out" "Today, 2026-11-27:
  long lost  Bob Stone  last contact 23 months ago, phone
  due        Ana Lima   3 days overdue (every 2 weeks)
  upgrade    Cleo Park  only emails and texts so far: call instead?
Birthdays this week:
  Ana Lima: in 4 days, Tuesday 1 December, turns 36" "today: lost, due, upgrade, birthdays (weekday and age)"
expect_eq "$(kith today)" "$out" "today is the same when asked again"
kith today --json >"$T/today.json"
expect_eq "$?" 0 "today --json"
"$PY" - "$T/today.json" <<'PY' && pass "today --json fields" || not_ok "today --json fields"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["date"] == "2026-11-27", v
assert v["lost"]["fn"] == "Bob Stone" and v["lost"]["uid"] == "bob-1", v
assert v["due"]["fn"] == "Ana Lima" and v["due"]["overdue_days"] == 3, v
assert v["upgrade"]["fn"] == "Cleo Park", v
assert [(b["fn"], b["in_days"]) for b in v["birthdays"]] == [("Ana Lima", 4)], v
PY
kith today extra >/dev/null 2>&1
expect_eq "$?" 2 "today with an argument exits 2"

# ---------------------------------------------------------------- draft
expect_eq "$(kith draft 'ana lima')" \
	"Hi Ana, I can't believe it has been two weeks since we last met at the forum. How have things been?" \
	"draft: first name, time in words, where from the last note"
expect_eq "$(kith draft bob)" \
	"Hi Bob, I can't believe it has been over a year since we last spoke on the phone. How have things been?" \
	"draft: over a year, by phone"
expect_eq "$(kith draft dan)" \
	"Hi Dan, it has been too long since we were properly in touch. How have things been?" \
	"draft: a phrase for someone never logged"
out=$(kith draft ana lima thanks)
[[ $out == "Hi Ana, thank you again"* ]] && pass "draft PERSON TEMPLATE (unquoted two-word name)" ||
	{ not_ok "draft with a template"; diag "$out"; }
kith draft ana nosuch >/dev/null 2>"$T/err"
expect_eq "$?" 2 "an unknown template exits 2"
grep -q "no template 'nosuch': use one of birthday, congrats, reconnect, thanks" "$T/err" &&
	pass "and lists the templates" || { not_ok "unknown template message"; diag "$(cat "$T/err")"; }
kith draft nobody >/dev/null 2>&1
expect_eq "$?" 2 "draft for no such person exits 2"
mkdir -p "$XDG_CONFIG_HOME/kith/templates"
printf 'Dear {name} ({org}), {since} already! Last time: {last}\n' >"$XDG_CONFIG_HOME/kith/templates/formal"
printf 'Yo {first}!\n' >"$XDG_CONFIG_HOME/kith/templates/reconnect"
expect_eq "$(kith draft 'Ana Lima' formal)" \
	"Dear Ana Lima (Acme Corp), two weeks already! Last time: Coffee at the forum; she is moving to Lyon" \
	"a user template with every placeholder"
expect_eq "$(kith draft 'Ana Lima')" "Yo Ana!" "a user template overrides the built-in"
rm "$XDG_CONFIG_HOME/kith/templates/reconnect"
cat >"$T/editor" <<'EOF'
#!/bin/sh
echo "$1" >"$T/edited-path"
sed -i 's/How have things been?/Coffee soon?/' "$1"
EOF
chmod +x "$T/editor"
out=$(EDITOR="$T/editor" VISUAL= kith draft --edit 'ana lima')
expect_eq "$out" "Hi Ana, I can't believe it has been two weeks since we last met at the forum. Coffee soon?" \
	"draft --edit prints what the editor left"
[[ -s $T/edited-path && ! -e $(cat "$T/edited-path") ]] && pass "and removes the temporary file" ||
	not_ok "draft --edit removes its temporary file"
out=$(VISUAL=false TMPDIR=$T kith draft --edit bob 2>&1)
expect_eq "$?" 1 "a failing editor exits 1"

# ---------------------------------------------------------------- next
expect_eq "$(kith queue | cut -c1-9 | tr '\n' ,)" "Bob Stone,Ana Lima ," "the queue before next"
out=$(printf 'l\nphone\nTalked about X\nq\n' | kith next)
expect_eq "$?" 0 "next from piped answers"
[[ $out == *"1 of 2"*"Bob Stone"*"every year"*"2025-01-05  phone   Lunch by the river"* ]] &&
	pass "next shows the card, cadence and the last notes" || { not_ok "next shows the card"; diag "$out"; }
[[ $out == *"logged "*" for Bob Stone (2026-11-27, phone)"*"Stopped: 1 logged, 0 snoozed, 0 skipped; 1 still due."* ]] &&
	pass "l, channel, text logs a touch; q stops" || { not_ok "next logs a touch"; diag "$out"; }
kith show bob | grep -q "2026-11-27  phone   Talked about X" && pass "show has the touch logged by next" ||
	{ not_ok "show has the touch"; kith show bob | diag "$(cat)"; }
out=$(printf 'next\nd\ns\n\nquit\n' | kith)
[[ $out == *"Ana Lima"*"birthday in 4 days, Tuesday 1 December, turns 36"*"Hi Ana, I can't believe"*"Ana Lima: snoozed until 2026-12-11"*"Done: 0 logged, 1 snoozed, 0 skipped; 0 still due."* ]] &&
	pass "next in the piped shell: draft, then snooze with the default 2w" || { not_ok "next in the shell"; diag "$out"; }
out=$(printf 'x\n' | kith next)
[[ $out == "Nobody is due."* ]] && pass "next with nobody due says so" || { not_ok "next with nobody due"; diag "$out"; }
kith snooze ana off >/dev/null
out=$(printf 'x\nk\n' | kith next)
[[ $out == *"l: log a touch, s: snooze"*"Done: 0 logged, 0 snoozed, 1 skipped; 1 still due."* ]] &&
	pass "next: an unknown key explains the keys; k skips" || { not_ok "next help and skip"; diag "$out"; }
out=$(printf 'l\nfax\n' | kith next 2>&1)
[[ $out == *"unknown channel 'fax'"*"Stopped: 0 logged"* ]] && pass "next: a bad channel logs nothing" ||
	{ not_ok "next bad channel"; diag "$out"; }
out=$(printf 's\nyesterday\nq\n' | kith next 2>&1)
[[ $out == *"cannot snooze until 2026-11-26"*"Stopped: 0 logged, 0 snoozed"* ]] && pass "next: a past snooze is refused" ||
	{ not_ok "next past snooze"; diag "$out"; }
kith next extra >/dev/null 2>&1
expect_eq "$?" 2 "next with an argument exits 2"

# ---------------------------------------------------------------- intro
out=$(kith intro 'Ana Lima' bob both into climbing)
expect_eq "$?" 0 "intro succeeds"
[[ $out =~ ^logged\ [0-9a-f]{8}\ for\ Ana\ Lima\ and\ [0-9a-f]{8}\ for\ Bob\ Stone\ \(2026-11-27,\ intro\)$ ]] &&
	pass "intro says what it logged" || { not_ok "intro output"; diag "$out"; }
kith show ana | grep -q "intro   Introduced to Bob Stone: both into climbing" && pass "Ana's log names Bob" ||
	not_ok "Ana's log names Bob"
kith show bob | grep -q "intro   Introduced to Ana Lima: both into climbing" && pass "Bob's log names Ana" ||
	not_ok "Bob's log names Ana"
kith intro ana ana-1 hi >/dev/null 2>"$T/err"
expect_eq "$?" 2 "intro of a person to themself exits 2"
kith intro ana nobody hi >/dev/null 2>&1
expect_eq "$?" 2 "intro with no such person exits 2"

# ---------------------------------------------------------------- add
out=$(kith add Fay Green --email fay@example.org --org 'Green & Co' --phone '+1 555 0100' --book "$book")
expect_eq "$?" 0 "add succeeds"
[[ $out == "added Fay Green ("*".vcf in ${book}); 'sync' puts the card on the server" ]] &&
	pass "add says where the card goes" || { not_ok "add output"; diag "$out"; }
fay=$(kith show --json fay | "$PY" -c 'import json,sys; v = json.load(sys.stdin); print(v["uid"] + " " + v["state"] + " " + v["href"])')
read -r fay_uid fay_state fay_href <<<"$fay"
[[ $fay_uid =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] && pass "a fresh v4 UUID" ||
	{ not_ok "a fresh v4 UUID"; diag "$fay"; }
expect_eq "$fay_state" local "the new card is local until sync"
expect_eq "$fay_href" "/${book#http://*/}$fay_uid.vcf" "its href is UID.vcf in that book"
kith add Gil --book http://example.invalid/nope/ >/dev/null 2>&1
expect_eq "$?" 2 "add to an unknown book exits 2"
out=$(kith add Gil Ray)
[[ $out == "added Gil Ray ("*".vcf in ${XANDIKOS_URL}user/contacts/addressbook/); "* ]] &&
	pass "add without --book: the account's first book" || { not_ok "add to the first book"; diag "$out"; }
check "log on a person added today" kith log fay --via meet Met at the conference

# ---------------------------------------------------------------- cadence --category
out=$(kith cadence --category family 1m)
expect_eq "$out" "family: every month for 2 people" "cadence --category: CATEGORIES and group members"
kith show --json dan | grep -q '"cadence":"P1M"' && kith show --json eve | grep -q '"cadence":"P1M"' &&
	pass "both got the cadence" || not_ok "both got the cadence"
kith cadence --category family 2w >/dev/null
out=$(kith undo)
[[ $out == "undone: cadence every 2 weeks for "*" and one other" ]] && pass "undo takes back a whole cadence --category" ||
	{ not_ok "undo of a bulk cadence"; diag "$out"; }
kith show --json dan | grep -q '"cadence":"P1M"' && kith show --json eve | grep -q '"cadence":"P1M"' &&
	pass "both have the month again" || not_ok "both back to P1M"
kith cadence --category Nobodies 1m >/dev/null 2>"$T/err"
expect_eq "$?" 2 "an empty category exits 2"
kith cadence --category family 3x >/dev/null 2>&1
expect_eq "$?" 2 "a bad duration for a category exits 2"
kith show Family >/dev/null 2>&1
expect_eq "$?" 2 "the group card is not a person"
names() { "$PY" -c 'import json, sys; print(",".join(p["fn"] for p in json.load(sys.stdin)))'; }
expect_eq "$(kith list --json --category family | names)" "Dan Wu,Eve Moss" \
	"list --category: CATEGORIES and group members"
expect_eq "$(kith list --json Climbing | names)" "Ana Lima" "list QUERY matches categories too"
expect_eq "$(kith queue --all --json --category Family | names)" "Dan Wu,Eve Moss" \
	"queue --category: only the category's people, in the queue's order"
kith queue --category Nobodies >/dev/null 2>"$T/err"
expect_eq "$?" 2 "queue --category of an empty category exits 2"
grep -q "nobody is in the category 'Nobodies'" "$T/err" && pass "saying so" || { not_ok "empty category message"; diag "$(cat "$T/err")"; }

# ---------------------------------------------------------------- search
out=$(kith search forum)
[[ $out == "Ana Lima"*"[forum]"* ]] && pass "search finds a word in the notes" || { not_ok "search forum"; diag "$out"; }
expect_eq "$(kith search acme | cut -c1-9 | sort | tr '\n' ,)" "Ana Lima ,Eve Moss ," "search by organisation"
expect_eq "$(kith search clim | cut -c1-9 | tr '\n' ,)" "Ana Lima ,Bob Stone," "search matches a prefix (a category, an intro note)"
out=$(kith search 'wu & "sons' 2>&1)
expect_eq "$?" 0 "search quotes what the user typed (no FTS syntax error)"
[[ $out == "Dan Wu"* ]] && pass "and still finds it" || { not_ok "search with quotes"; diag "$out"; }
kith search --json gardens | "$PY" -c 'import json,sys; v = json.load(sys.stdin); assert [p["fn"] for p in v] == ["Cleo Park"], v' &&
	pass "search --json" || not_ok "search --json"
expect_eq "$(kith search zzzz)" "Nothing matches 'zzzz'." "search with no match"
kith search '&&' >/dev/null 2>&1
expect_eq "$?" 2 "search without a word exits 2"
[[ $(kith search Family) != Family* ]] && pass "groups are not found by search" || not_ok "groups are not found by search"

# ---------------------------------------------------------------- history
out=$(kith history)
[[ $(printf '%s\n' "$out" | head -n 1) == "today         meet    Fay Green  "*"Met at the conference" ]] &&
	pass "history: relative date, channel, name, text" || { not_ok "history line"; diag "$out"; }
expect_eq "$(kith history --limit 2 | wc -l)" 2 "history --limit"
expect_eq "$(kith history --json cleo | "$PY" -c 'import json,sys; print(",".join(e["via"] for e in json.load(sys.stdin)))')" \
	"email,text" "history PERSON"
kith history --json | "$PY" -c 'import json,sys
v = json.load(sys.stdin)
assert len(v) == 8, len(v)
assert v[0]["fn"] == "Fay Green" and v[0]["via"] == "meet" and v[0]["pending"] is True, v[0]
assert [e["date"] for e in v] == sorted((e["date"] for e in v), reverse=True), v
assert all(set(e) >= {"uid", "fn", "href", "book", "id", "date", "via", "text"} for e in v)' &&
	pass "history --json" || not_ok "history --json"
kith history nobody >/dev/null 2>&1
expect_eq "$?" 2 "history of no such person exits 2"
kith history --limit 0 >/dev/null 2>&1
expect_eq "$?" 2 "a bad --limit exits 2"

# ---------------------------------------------------------------- stats
out=$(LC_ALL=C.UTF-8 kith stats)
expect_eq "$?" 0 "stats succeeds"
[[ $out == "7 people, 4 with a cadence; 0 due now, 0 overdue."* ]] && pass "stats: people and cadences" ||
	{ not_ok "stats summary"; diag "$out"; }
[[ $out == *"Touches per month"*"2026-11"*"█"*"Since the last contact"*"never"*"Organisations (top 8)"*"Acme Corp"*"██ 2"*"Categories and groups (top 8)"*"Family"* ]] &&
	pass "stats: bar charts" || { not_ok "stats charts"; diag "$out"; }
printf '%s\n' "$out" | grep -q "^  Family .* 2$" && pass "a group's members count in its category" ||
	{ not_ok "group members in category"; diag "$out"; }
out=$(LC_ALL=C kith stats)
[[ $out != *"█"* && $out == *"#"* ]] && pass "stats: ASCII bars without UTF-8" || { not_ok "ASCII bars"; diag "$out"; }
kith stats --json >"$T/stats.json"
expect_eq "$?" 0 "stats --json succeeds"
"$PY" - "$T/stats.json" "$(kith history --json --limit 1000 | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')" <<'PY' &&
import json, sys
s = json.load(open(sys.argv[1]))
assert (s["people"], s["with_cadence"], s["due"], s["overdue"]) == (7, 4, 0, 0), s
assert s["touches"] == int(sys.argv[2]), (s["touches"], sys.argv[2])
months = [m["month"] for m in s["touches_per_month"]]
assert len(months) == 12 and months[-1] == "2026-11" and months == sorted(months), months
assert sum(m["touches"] for m in s["touches_per_month"]) <= s["touches"]
assert sum(x["people"] for x in s["since_last_contact"]) == s["people"], s["since_last_contact"]
assert {"name": "Acme Corp", "people": 2} in s["organisations"], s["organisations"]
assert {"name": "Family", "people": 2} in s["categories"], s["categories"]
PY
	pass "stats --json: the same figures, as numbers" || not_ok "stats --json"

# ---------------------------------------------------------------- piped shell
out=$(printf '%s\n' today 'draft "Ana Lima" congrats' 'search gardens' 'history --limit 1' stats \
	'intro cleo dan met at the party' 'add Hal Ode' quit 'version' | kith)
expect_eq "$?" 0 "every new command from piped standard input"
[[ $out == *"Today, 2026-11-27:"*"Hi Ana, I just heard the news"*"Cleo Park"*"[gardens]"*"Fay Green"*"Touches per month"*"logged "*" for Cleo Park and "*" for Dan Wu"*"added Hal Ode"* &&
	$out != *"kith 0."* ]] && pass "and each answered in order; quit stops" || { not_ok "piped shell"; diag "$out"; }

# ---------------------------------------------------------------- on the server
check "sync pushes everything" kith sync
server=$(get_card "${book}ana.vcf" | tr -d '\r')
[[ $server == *"X-KITH-LOG:2026-11-27 intro "*" Introduced to Bob Stone: both into climbing"* ]] &&
	pass "Ana's card on the server has the intro" || { not_ok "intro on Ana's card"; diag "$server"; }
server=$(get_card "${book}bob.vcf" | tr -d '\r')
[[ $server == *"X-KITH-LOG:2026-11-27 intro "*" Introduced to Ana Lima: both into climbing"* &&
	$server == *"X-KITH-LOG:2026-11-27 phone "*" Talked about X"* ]] &&
	pass "Bob's card has the intro and the touch from next" || { not_ok "Bob's card"; diag "$server"; }
server=$(get_card "${book}$fay_uid.vcf" | tr -d '\r')
expect_eq "$(last_status)" 200 "the added card exists on the server"
[[ $server == *"UID:$fay_uid"* && $server == *"FN:Fay Green"* && $server == *"fay@example.org"* &&
	$server == *"Green & Co"* && $server == *"X-KITH-LOG:2026-11-27 meet "*" Met at the conference"* ]] &&
	pass "with its fields and the touch logged before the first sync" || { not_ok "added card content"; diag "$server"; }
server=$(get_card "${book}dan.vcf" | tr -d '\r')
[[ $server == *"X-KITH-CADENCE:P1M"* ]] && pass "the category cadence is on Dan's card" || { not_ok "Dan's cadence"; diag "$server"; }
server=$(get_card "${book}eve.vcf" | tr -d '\r')
[[ $server == *"X-KITH-CADENCE:P1M"* ]] && pass "and on Eve's (member of the group)" || { not_ok "Eve's cadence"; diag "$server"; }
expect_eq "$(get_card "${book}family.vcf" | tr -d '\r')" "$(tr -d '\r' <"$T/family.vcf")" "the group card is untouched"
out=$(kith show fay)
[[ $out != *"made here"* && $out != *"not yet synced"* ]] && pass "after sync the new card is synced" ||
	{ not_ok "new card synced"; diag "$out"; }

# ---------------------------------------------------------------- a generated book
kith_env
export KITH_TODAY=2026-11-27
make_xandikos_book generated >/dev/null || die "cannot make the generated book"
gen=$(seed_xandikos_book generated 60 --seed 5 --annotated-ratio 0.6 --groups 2 --today 2026-11-27) ||
	die "cannot seed the generated book"
check "account add (generated book)" kith account add g "$gen" --user u --password-command 'echo x'
check "sync (generated book)" kith sync
out=$(kith today)
expect_eq "$(printf '%s\n' "$out" | grep -c -E '^  (long lost|due|upgrade) ')" 3 "today on a generated book: three slots"
[[ $(printf '%s\n' "$out" | sed -n 2,3p) != *nobody* ]] && pass "a long-lost and a due person" || { not_ok "lost and due filled"; diag "$out"; }
KITH_TODAY=2026-11-28 kith today --json >"$T/t2.json"
kith today --json >"$T/t1.json"
"$PY" - "$T/t1.json" "$T/t2.json" <<'PY' && pass "nobody proposed on two days running" || not_ok "no repeat"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
pa = {a[k]["href"] for k in ("lost", "due", "upgrade") if a[k]}
pb = {b[k]["href"] for k in ("lost", "due", "upgrade") if b[k]}
assert not pa & pb, (pa, pb)
PY
n=$(kith queue --json | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
((n > 0)) && pass "the generated queue is not empty ($n due)" || not_ok "generated queue not empty"
out=$(yes k | head -n "$n" | kith next)
[[ $out == *"Done: 0 logged, 0 snoozed, $n skipped; $n still due."* ]] && pass "next walks the whole queue" ||
	{ not_ok "next walks the queue"; diag "$(printf '%s\n' "$out" | tail -n 3)"; }
check "stats on a generated book" kith stats
grep_count=$(kith list --json | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
expect_eq "$grep_count" 60 "groups are not people"
finish
