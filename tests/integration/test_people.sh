#!/usr/bin/env bash
# test_people.sh: the people commands (list, show, log, unlog, cadence,
# snooze, queue, PERSON matching, --json, exit codes) through the real
# binary, with cards pulled from a real Xandikos, and the notes pushed back.
source "$(dirname "$0")/lib.sh"
need_servers
need_kith
start_xandikos
book=$(make_xandikos_book people) || die "cannot make the book"

card ana.vcf UID:ana-1 'FN:Ana Lima' 'N:Lima;Ana;;;' EMAIL:ana@example.com \
	'ORG:Acme Corp' 'NOTE:Met at the climbing gym' X-KITH-CADENCE:P2W \
	'X-KITH-LOG:2026-11-10 phone 7f3a9c2e Talked about his father'
card anacosta.vcf UID:ana-2 'FN:Ana Costa' EMAIL:acosta@example.com
card bob.vcf UID:bob-1 'FN:Bob Stone' EMAIL:bob@example.com X-KITH-CADENCE:P1Y \
	'X-KITH-LOG:2025-11-24 meet 11111111 Lunch'
card zoe.vcf UID:zoe 'FN:Zoë Ñandú' EMAIL:zoe@example.net
card group.vcf UID:grp FN:Climbers X-ADDRESSBOOKSERVER-KIND:group

kith_env
export KITH_TODAY=2026-11-27
check "account add" kith account add x "$XANDIKOS_URL" --user u --password-command 'echo x'
check "sync pulls the cards" kith sync

out=$(kith list)
expect_eq "$?" 0 "list succeeds"
expect_eq "$(printf '%s\n' "$out" | awk 'NR > 1 {print $1 " " $2}' | tr '\n' ,)" \
	"Ana Costa,Ana Lima,Bob Stone,Zoë Ñandú," "list: people sorted by name, no groups"
[[ $out == *"every 2 weeks"*"2 weeks ago"*"2026-11-24"* ]] && pass "list shows cadence, last contact, due" ||
	{ not_ok "list shows cadence, last contact, due"; diag "$out"; }

out=$(kith queue)
expect_eq "$(printf '%s\n' "$out" | cut -c1-9 | tr '\n' ,)" "Ana Lima ,Bob Stone," \
	"queue: the fortnightly friend 3 days late before the yearly contact 3 days late"
[[ $out == *"3 days overdue"*"Talked about his father"* ]] && pass "queue line: overdue and the last note" ||
	{ not_ok "queue line: overdue and the last note"; diag "$out"; }

kith show ana >/dev/null 2>"$T/err"
expect_eq "$?" 2 "an ambiguous PERSON exits 2"
grep -q "ambiguous person 'ana', could be:" "$T/err" && grep -q 'anacosta.vcf' "$T/err" &&
	pass "and lists the candidates with hrefs" || { not_ok "candidates listed"; diag "$(cat "$T/err")"; }
kith show nobody >/dev/null 2>"$T/err"
expect_eq "$?" 2 "no such person exits 2"
expect_eq "$(cat "$T/err")" "kith: no such person: nobody (try 'list nobody')" "no such person: one line"
kith show Climbers >/dev/null 2>&1
expect_eq "$?" 2 "a group is not a person"
for q in 'ana lima' ana-1 ana.vcf "/${book#http://*/}ana.vcf" "${book}ana.vcf" ana@example.com 'Lima'; do
	expect_eq "$(kith show "$q" 2>&1 | head -n 1)" "Ana Lima" "PERSON '$q' finds Ana Lima"
done

expect_eq "$(kith log 'ana lima' --via phone --date 2026-11-26 Called about the trip | cut -d' ' -f1,3-)" \
	"logged for Ana Lima (2026-11-26, phone)" "log prints what it recorded"
kith log bob --via fax hi >/dev/null 2>&1
expect_eq "$?" 2 "an unknown channel exits 2"
kith log bob --date 2026-12-01 hi >/dev/null 2>&1
expect_eq "$?" 2 "a date in the future exits 2"
kith cadence bob 3x >/dev/null 2>&1
expect_eq "$?" 2 "a bad duration exits 2"
kith snooze bob yesterday >/dev/null 2>&1
expect_eq "$?" 2 "a snooze in the past exits 2"
expect_eq "$(kith cadence 'Ana Costa' 2w)" "Ana Costa: every 2 weeks (due 2026-12-11)" "cadence"
expect_eq "$(kith snooze bob 2026-12-20)" "Bob Stone: snoozed until 2026-12-20 (due 2026-12-20)" "snooze"

out=$(kith show 'ana lima')
[[ $out == *"Called about the trip  (not yet synced)"* ]] && pass "show marks the entry not yet synced" ||
	{ not_ok "not yet synced"; diag "$out"; }
expect_eq "$(kith queue | cut -c1-9 | tr '\n' ,)" "Nobody is,"  "logging restarted the clock, snooze hid Bob"

kith show --json 'ana lima' >"$T/ana.json"
expect_eq "$?" 0 "show --json"
"$PY" - "$T/ana.json" <<'PY' && pass "show --json fields" || not_ok "show --json fields"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["fn"] == "Ana Lima" and v["uid"] == "ana-1", v
assert v["cadence"] == "P2W" and v["last_contact"] == "2026-11-26", v
assert v["due"] == "2026-12-10" and v["overdue_days"] == -13, v
assert v["emails"] == ["ana@example.com"] and v["org"] == "Acme Corp", v
assert v["log"][0]["text"] == "Called about the trip" and v["log"][0]["pending"] is True, v
assert v["log"][1]["id"] == "7f3a9c2e" and v["log"][1]["pending"] is False, v
PY
kith list --json | "$PY" -c 'import json,sys; v = json.load(sys.stdin); assert [p["fn"] for p in v] == ["Ana Costa", "Ana Lima", "Bob Stone", "Zoë Ñandú"], v' &&
	pass "list --json" || not_ok "list --json"
kith queue --all --json | "$PY" -c 'import json,sys; v = json.load(sys.stdin); assert len(v) == 3, v' &&
	pass "queue --all --json" || not_ok "queue --all --json"

id=$(kith show --json bob | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["log"][0]["id"])')
kith unlog bob deadbeef >/dev/null 2>&1
expect_eq "$?" 2 "unlog of an unknown id exits 2"
check "unlog" kith unlog bob "$id"

check "sync pushes the notes" kith sync
server=$(get_card "${book}ana.vcf" | tr -d '\r')
[[ $server == *"X-KITH-LOG:2026-11-26 phone "*" Called about the trip"* ]] && pass "the log entry is on the server" ||
	{ not_ok "the log entry is on the server"; diag "$server"; }
[[ $server == *"NOTE:Met at the climbing gym"* ]] && pass "the user's note survives" || not_ok "the user's note survives"
server=$(get_card "${book}bob.vcf" | tr -d '\r')
[[ $server != *"X-KITH-LOG"* && $server == *"X-KITH-SNOOZE:2026-12-20"* ]] && pass "unlog and snooze reached the server" ||
	{ not_ok "unlog and snooze reached the server"; diag "$server"; }
out=$(kith show 'ana lima')
[[ $out != *"not yet synced"* ]] && pass "after sync nothing is pending" || { not_ok "nothing pending"; diag "$out"; }
finish
