#!/usr/bin/env bash
# test_change.sh: the verbs that change a person beyond notes, through the
# real binary against a real Xandikos (which refuses invalid cards): set
# (email, phone, organisation, categories; vCard 3.0, 4.0 and 2.1 cards),
# edit of a log entry, remove with If-Match (and kept when the card changed
# on the server since), someone new (add/set --aspire, today's fourth slot,
# stats), and next --category walking a circle.
source "$(dirname "$0")/lib.sh"
need_servers
need_kith
start_xandikos
book=$(make_xandikos_book change) || die "cannot make the book"

card ana.vcf UID:ana-1 'FN:Ana Lima' 'N:Lima;Ana;;;' 'item1.EMAIL;TYPE=work:ana@old.example.org' \
	'EMAIL;TYPE=home:ana@home.example.org' 'TEL;TYPE=cell:+33 6 00 00 00 01' 'ORG:OldCo;Sales' \
	'CATEGORIES:Friends,Climbing' 'X-ODD-PROP;X-P=1:kept as it is' 'NOTE:Met at the forum' \
	'X-KITH-LOG:2026-11-20 phone 7f3a9c2e Talked about the garden'
card bob.vcf UID:bob-1 'FN:Bob Stone' EMAIL:bob@example.org CATEGORIES:Friends \
	'X-KITH-LOG:2026-06-01 meet 11111111 Lunch'
card cy.vcf UID:cy-1 'FN:Cy Twombly' CATEGORIES:Friends
card dee.vcf UID:dee-1 'FN:Dee Rivers' EMAIL:dee@example.org 'X-KITH-LOG:2026-10-01 email 22222222 Wrote'
card old.vcf UID:old-1 'FN:Olga Old' CATEGORIES:Friends 'X-KITH-LOG:2025-01-01 letter 33333333 A letter'
printf '%s\r\n' BEGIN:VCARD VERSION:4.0 UID:v4-1 'FN:Vera Four' 'TEL;VALUE=uri;TYPE=cell:tel:+1-555-0100' \
	END:VCARD >"$T/v4.vcf"
put_card -n "${book}v4.vcf" "$T/v4.vcf" >/dev/null || die "PUT v4"
printf '%s\r\n' BEGIN:VCARD VERSION:2.1 'FN:Wu Twenty' 'N:Twenty;Wu' 'TEL;CELL:555 0101' END:VCARD >"$T/v21.vcf"
put_card -n "${book}v21.vcf" "$T/v21.vcf" >/dev/null || die "PUT v21"

kith_env
export KITH_TODAY=2026-12-02
check "account add" kith account add x "$book" --user u --password-command 'echo x'
check "sync" kith sync
field() { kith show --json "$1" | "$PY" -c 'import json, sys
v = json.load(sys.stdin)
x = v
for k in sys.argv[1].split("."):
    x = x[int(k)] if isinstance(x, list) else x.get(k)
print("" if x is None else x if not isinstance(x, list) else ",".join(map(str, x)))' "$2"; }
server() { get_card "$book$1" | tr -d '\r'; }
unfolded() { get_card "$book$1" | "$PY" -c 'import sys, re
print(re.sub(r"\r?\n[ \t]", "", sys.stdin.read()).replace("\r", ""), end="")'; }

# ---- set: the view changes at once, the server at the next sync
out=$(kith set Ana Lima --email ana@new.example.org --phone "+33 6 12 34 56 78" --org Acme 2>&1)
expect_eq "$?" 0 "set Ana Lima --email --phone --org"
[[ $out == *"email ana@new.example.org"*"phone +33 6 12 34 56 78"*"org Acme"* ]] &&
	pass "says what each field is now" || { not_ok "set output"; diag "$out"; }
expect_eq "$(field ana-1 emails.0)" "ana@new.example.org" "show has the new email before the sync"
expect_eq "$(field ana-1 emails.1)" "ana@home.example.org" "and the second email is still there"
server ana.vcf | grep -q "ana@old.example.org" && pass "the server is untouched until sync" || not_ok "server untouched"
check "sync sends the change" kith sync
s=$(unfolded ana.vcf)
grep -qx 'item1.EMAIL;TYPE=work:ana@new.example.org' <<<"$s" &&
	pass "the first email took the new value, with its group and TYPE" || { not_ok "email line"; diag "$s"; }
grep -qx 'EMAIL;TYPE=home:ana@home.example.org' <<<"$s" && pass "the other email is kept" || not_ok "home email kept"
grep -qx 'TEL;TYPE=cell:+33 6 12 34 56 78' <<<"$s" && pass "the phone, with its TYPE" || { not_ok "tel line"; diag "$s"; }
grep -qx 'ORG:Acme' <<<"$s" && pass "the organisation" || { not_ok "org line"; diag "$s"; }
grep -qx 'X-ODD-PROP;X-P=1:kept as it is' <<<"$s" && grep -q '^NOTE:Met at the forum' <<<"$s" &&
	pass "a property kith does not know and the user's note are kept" || { not_ok "others kept"; diag "$s"; }
grep -q "ana@old.example.org\|OldCo" <<<"$s" && not_ok "the old values are gone" || pass "the old values are gone"
expect_eq "$(kith queue --json >/dev/null; kith show --json ana-1 | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["log"][0]["pending"])')" \
	"False" "nothing is left pending after the sync"

kith set ana --category "Family, Book club" >/dev/null 2>&1
expect_eq "$?" 0 "set --category with a list"
check "sync" kith sync
s=$(unfolded ana.vcf)
grep -qx 'CATEGORIES:Family,Book club' <<<"$s" && pass "CATEGORIES is the whole new list" || { not_ok "categories"; diag "$s"; }
kith list --category Family | grep -q "Ana Lima" && pass "list --category finds her in the new one" || not_ok "new category"
kith set ana --org "" >/dev/null 2>&1
check "sync" kith sync
unfolded ana.vcf | grep -q '^ORG' && not_ok "set --org '' removes ORG" || pass "set --org '' removes ORG"

kith set Vera Four --phone "+1 555 0199" >/dev/null 2>&1 && kith set Wu Twenty --email wü@example.org >/dev/null 2>&1
expect_eq "$?" 0 "set on a vCard 4.0 and a 2.1 card"
check "sync" kith sync
s=$(unfolded v4.vcf)
grep -qx 'TEL;VALUE=uri;TYPE=cell:tel:+1-555-0199' <<<"$s" && pass "4.0: a tel: URI stays a URI" || { not_ok "v4 tel"; diag "$s"; }
grep -q '^VERSION:4.0' <<<"$s" && pass "4.0 stays 4.0" || not_ok "v4 version"
s=$(unfolded v21.vcf)
grep -q '^EMAIL.*QUOTED-PRINTABLE' <<<"$s" && grep -q '^VERSION:2.1' <<<"$s" &&
	pass "2.1: a new non-ASCII email goes quoted-printable" || { not_ok "v21 email"; diag "$s"; }
expect_eq "$(field Wu emails.0)" "wü@example.org" "and reads back"

out=$(kith set bob@example.org --email bob@elsewhere.example.org 2>&1)
[[ $out == "Bob Stone: email bob@elsewhere.example.org" ]] && pass "set found by the email it changes" ||
	{ not_ok "set by email"; diag "$out"; }
kith undo >/dev/null
kith set ana --email not-an-address >/dev/null 2>"$T/err"
expect_eq "$?" 2 "set --email with no address is refused"
grep -q "not an email address" "$T/err" && pass "saying so" || { not_ok "email refused"; diag "$(cat "$T/err")"; }
kith set ana --phone "call me" >/dev/null 2>&1
expect_eq "$?" 2 "set --phone with letters is refused"
kith set ana >/dev/null 2>"$T/err"
expect_eq "$?" 2 "set with no field is a usage error"
kith set ana --org $'Evil\x1b[31mCo' >/dev/null 2>"$T/err"
expect_eq "$?" 2 "set with an ESC in the value is refused"
grep -q $'\x1b' "$T/err" && not_ok "the error does not echo ESC" || pass "the error does not echo ESC"

# undo takes a whole set back
kith set bob --email bob@new.example.org --org NewCo >/dev/null
out=$(kith undo 2>&1)
[[ $out == "undone: the change of "*"for Bob Stone" ]] && pass "undo: $out" || { not_ok "undo set"; diag "$out"; }
expect_eq "$(field bob-1 emails.0)" "bob@example.org" "both fields of the set are back"
expect_eq "$(field bob-1 org)" "" "the org too"

# ---- edit a log entry
out=$(kith edit Ana Lima 7f3a --text "Talked about the garden and the bees" --via meet --date 2026-11-21 2>&1)
expect_eq "$?" 0 "edit Ana Lima 7f3a (an id prefix) --text --via --date"
[[ $out == "edited 7f3a9c2e for Ana Lima: 2026-11-21 meet Talked about the garden and the bees" ]] &&
	pass "says what the entry is now" || { not_ok "edit output"; diag "$out"; }
check "sync" kith sync
s=$(unfolded ana.vcf)
grep -qx 'X-KITH-LOG:2026-11-21 meet 7f3a9c2e Talked about the garden and the bees' <<<"$s" &&
	pass "the entry is rewritten in place on the server, same id" || { not_ok "edited log"; diag "$s"; }
expect_eq "$(grep -c '^X-KITH-LOG' <<<"$s")" 1 "and not duplicated"
kith edit ana 7f3a9c2e >/dev/null 2>"$T/err" </dev/null
expect_eq "$?" 2 "edit without options off a terminal is a usage error"
grep -q "EDITOR" "$T/err" && pass "saying \$EDITOR is for a terminal" || { not_ok "edit usage"; diag "$(cat "$T/err")"; }
kith edit ana deadbeef --text x >/dev/null 2>"$T/err"
expect_eq "$?" 2 "edit of an id she does not have"
kith edit ana 7f3a --date tomorrow >/dev/null 2>&1
expect_eq "$?" 2 "edit to a date in the future is refused"
kith edit ana 7f3a --via pigeon >/dev/null 2>&1
expect_eq "$?" 2 "edit to an unknown channel is refused"
out=$(kith edit ana 7f3a --via meet 2>&1)
expect_eq "$out" "nothing changed" "edit to the same values changes nothing"

# ---- someone new
out=$(kith add Wangari Njoroge --aspire "plants forests; ask about the school project" 2>&1)
expect_eq "$?" 0 "add --aspire"
kith add Zed Zero --aspire "" >/dev/null 2>&1
expect_eq "$?" 2 "add --aspire with no reason is refused"
check "sync" kith sync
wurl=$(sed -E 's#^(https?://[^/]+).*#\1#' <<<"$book")$(kith show --json Wangari | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["href"])')
s=$(get_card "$wurl" | tr -d '\r')
grep -q 'X-KITH-ASPIRE:plants forests\\; ask about the school project' <<<"$s" &&
	pass "X-KITH-ASPIRE on the server, escaped" || { not_ok "aspire on server"; diag "$s"; }
expect_eq "$(field Wangari aspire)" "plants forests; ask about the school project" "show --json has it"
kith show Wangari | grep -q "someone new plants forests" && pass "show says someone new" || not_ok "show aspire"
# Even day numbers offer someone new: 2026-12-03 is one, 2026-12-02 not.
out=$(KITH_TODAY=2026-12-03 kith today 2>&1)
[[ $out == *"new        Wangari Njoroge  someone new: plants forests"* ]] &&
	pass "today offers her as the fourth" || { not_ok "today aspire"; diag "$out"; }
out=$(KITH_TODAY=2026-12-02 kith today 2>&1)
[[ $out == *"Wangari"* ]] && { not_ok "not every day"; diag "$out"; } || pass "and not every day"
KITH_TODAY=2026-12-03 kith today --json | "$PY" -c 'import json,sys; v=json.load(sys.stdin); assert v["aspire"]["fn"]=="Wangari Njoroge"' &&
	pass "today --json has the aspire slot" || not_ok "today json aspire"
kith stats | grep -q "1 person you would like to meet" && pass "stats counts her" || not_ok "stats aspire"
kith set dee --aspire "anything" >/dev/null 2>"$T/err"
expect_eq "$?" 2 "set --aspire on someone already in touch is refused"
kith log Wangari --via email Wrote about the project >/dev/null
expect_eq "$(field Wangari aspire)" "" "the first touch makes her an ordinary contact"
check "sync" kith sync
get_card "$wurl" | grep -q X-KITH-ASPIRE &&
	not_ok "X-KITH-ASPIRE gone from the server" || pass "X-KITH-ASPIRE gone from the server"

# ---- next --category: a circle, least recently touched first
printf 'k\nk\nk\nk\nq\n' | kith next --category Friends >"$T/next" 2>&1
order=$(grep -o '^Bob Stone\|^Cy Twombly\|^Olga Old' "$T/next" | tr '\n' ,)
expect_eq "$order" "Cy Twombly,Olga Old,Bob Stone," "never touched, then the longest ago, then the latest"
grep -q "of 3 in the circle" "$T/next" && pass "the summary counts the circle" || { not_ok "circle summary"; diag "$(cat "$T/next")"; }
printf 'l\nphone\nCaught up\nq\n' | kith next --category Friends >/dev/null 2>&1
printf 'q\n' | kith next --category Friends >"$T/next" 2>&1
head -2 "$T/next" | grep -q "Olga Old" && pass "after a touch, the next one comes first" || { not_ok "circle moves on"; diag "$(cat "$T/next")"; }
kith next --category Nobody >/dev/null 2>"$T/err"
expect_eq "$?" 2 "next --category of an empty category"

# ---- remove
out=$(kith remove Dee Rivers 2>&1 </dev/null)
expect_eq "$?" 0 "remove Dee Rivers (no terminal: no question)"
kith list | grep -q "Dee Rivers" && not_ok "she leaves the list at once" || pass "she leaves the list at once"
kith show dee >/dev/null 2>&1
expect_eq "$?" 2 "show no longer finds her"
server dee.vcf >/dev/null && pass "the card is on the server until sync" || not_ok "card until sync"
out=$(kith undo 2>&1)
[[ $out == "undone: the removal of Dee Rivers" ]] && pass "undo: $out" || { not_ok "undo remove"; diag "$out"; }
kith list | grep -q "Dee Rivers" && pass "and she is back" || not_ok "back after undo"
kith remove dee --yes >/dev/null
check "sync deletes the card" kith sync
server dee.vcf >/dev/null && not_ok "the card is gone from the server" || pass "the card is gone from the server ($(last_status))"
kith list | grep -q "Dee Rivers" && not_ok "and from the cache" || pass "and from the cache"

# changed on the server after the remove: not deleted unseen
kith remove bob --yes >/dev/null
etag=$(get_card "${book}bob.vcf" >/dev/null; cat "$T/.etag")
sed 's/^EMAIL:bob@example.org/EMAIL:bob@example.org\r\nTEL:+44 20 5555 0000/' "$T/bob.vcf" >"$T/bob2.vcf"
put_card -m "$etag" "${book}bob.vcf" "$T/bob2.vcf" >/dev/null || die "PUT bob2: $(last_status)"
kith sync >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "sync after a remove of a card changed elsewhere"
server bob.vcf | grep -q "5555 0000" && pass "the changed card is not deleted" || not_ok "changed card kept"
grep -q "Bob Stone changed on the server after you removed it here" "$T/err" &&
	pass "and sync says why" || { not_ok "warning"; diag "$(cat "$T/err")"; }
kith list | grep -q "Bob Stone" && pass "he is back in the list" || not_ok "back in list"

# a card never synced is just dropped
kith add Temp Person >/dev/null
kith remove Temp Person --yes >/dev/null
check "sync" kith sync
kith list | grep -q "Temp Person" && not_ok "a person added and removed before sync" || pass "a person added and removed before sync never reaches the server"
finish
