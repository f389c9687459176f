#!/usr/bin/env bash
# Reminders when things go wrong: a write whose answer is lost, a sync
# killed in the middle of the calendar, a server that fails it, hostile
# text in an object, a server without CalDAV, a calendar on another host.
# Radicale behind scripts/faultproxy, and scripts/hostile-server.
source "$(dirname "$0")/lib.sh"
need_servers
need_kith

export KITH_TODAY=2026-12-04 TZ=UTC

# kith_objects URL: the kith objects of the calendar, one name per line, sorted.
kith_objects() {
	dav PROPFIND "$1" 1 '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>' |
		grep -o 'kith-[a-z0-9-]*\.ics' | sort
}

start_radicale
book=$(make_radicale_book friends "Friends") || die "cannot make the book"
card ana.vcf UID:ana-1 'FN:Ana Lima' 'TEL:+351 210 000 001'
card bo.vcf UID:bo-2 'FN:Bo Chen' EMAIL:bo@example.org
card cy.vcf UID:cy-3 'FN:Cyrus Achebe' 'TEL:+44 20 0000 0003'
start_faultproxy "$RADICALE_URL" --stall 30
kith_env
kith account add home "$PROXY_URL" --user "$RADICALE_USER" \
	--password-command "$(radicale_password_command)" >/dev/null 2>&1 || die "account add"
kith sync >/dev/null 2>&1 || die "first sync"
kith cadence ana 2w >/dev/null && kith log ana --date 2026-10-01 "Coffee" >/dev/null
kith cadence cy 1m >/dev/null && kith log cy --date 2026-09-01 "His job" >/dev/null
kith cadence bo 1w >/dev/null && kith log bo --date 2026-11-20 "Her exam" >/dev/null
out=$(kith remind setup 2>&1)
expect_eq "$?" 0 "remind setup through the proxy exits 0"
diag "$out"
CAL=$(sed -n 's/^calendar = //p' "$XDG_CONFIG_HOME/kith/config")
DIRECT=${RADICALE_URL}alice/kith/
expect_eq "$(kith_objects "$DIRECT" | grep -c .)" 3 "three days of events to start from"

# current_alarms HHMM: whether every kith event has its alarm at HHMM.
current_alarms() {
	local d n=0
	for d in $(kith_objects "$DIRECT"); do
		dav GET "$DIRECT$d" >"$T/d.ics"
		grep -q "TRIGGER;VALUE=DATE-TIME:2026120.T${1}00Z" "$T/d.ics" || return 1
		n=$((n + 1))
	done
	((n == 3))
}

# ---- a write lands but its answer is lost
# A new alarm time changes every event, so each is written again.
printf '[kith]\nremind_time = 08:00\n' >>"$XDG_CONFIG_HOME/kith/config"
proxy_force lostput PUT 1 kith-day
out=$(kith sync 2>&1)
diag "$out"
out=$(kith sync 2>&1)
expect_eq "$?" 0 "the sync after a lost answer exits 0"
expect_eq "$(kith_objects "$DIRECT")" $'kith-day-20261204.ics\nkith-day-20261205.ics\nkith-day-20261206.ics' \
	"after a lost answer each day is there once"
current_alarms 0800 && pass "and each holds the newest text" || not_ok "events current after a lost answer"
out=$(kith sync 2>&1)
grep -q 'calendar .*: 0 written, 0 removed' <<<"$out" && pass "then a sync writes nothing" || { not_ok "settled"; diag "$out"; }

# ---- SIGKILL while the calendar is written
sed -i 's/^remind_time = .*/remind_time = 07:30/' "$XDG_CONFIG_HOME/kith/config"
proxy_force stall PUT 1 kith-day-20261205
"$KITH_BIN" sync >"$T/killed.out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	[[ $(proxy_stat faults.stall) == 1 ]] && break
	sleep 0.1
done
expect_eq "$(proxy_stat faults.stall)" 1 "the sync is held in the middle of the calendar"
kill -9 "$pid"
wait "$pid" 2>/dev/null
proxy_clear
out=$(kith sync 2>&1)
expect_eq "$?" 0 "the sync after a SIGKILL exits 0"
diag "$out"
expect_eq "$(kith_objects "$DIRECT")" "$(kith_objects "$DIRECT" | sort -u)" "no object is there twice"
expect_eq "$(kith_objects "$DIRECT" | grep -c .)" 3 "the three days are there"
current_alarms 0730 && pass "each holds the newest text after the kill" || not_ok "events current after the kill"
out=$(kith sync 2>&1)
grep -q 'calendar .*: 0 written, 0 removed' <<<"$out" && pass "and the next sync writes nothing" || { not_ok "settled after kill"; diag "$out"; }

# ---- the calendar fails: the cards still sync
sed -i 's/^remind_time = .*/remind_time = 07:00/' "$XDG_CONFIG_HOME/kith/config"
kith log cy --via meet "Lunch" >/dev/null
proxy_force 403 PUT 3 kith-day
out=$(kith sync 2>&1)
rc=$?
expect_eq "$rc" 1 "a calendar the server refuses makes the sync exit 1"
grep -q "calendar: PUT .*kith-day.*HTTP 403" <<<"$out" && pass "and says which object and what the server said" ||
	{ not_ok "calendar error named"; diag "$out"; }
grep -q 'Friends .*1 pushed' <<<"$out" && pass "the card with the new note was pushed all the same" || { not_ok "cards pushed"; diag "$out"; }
proxy_clear
out=$(kith sync 2>&1)
expect_eq "$?" 0 "the next sync writes the calendar"

# ---- hostile text in an object kith reads back
kith remind setup --mode todo >/dev/null 2>&1
export KITH_TODAY=2026-12-30
kith sync >/dev/null 2>&1
task=$(kith_objects "$DIRECT" | grep '^kith-todo-' | head -n 1)
[[ -n $task ]] && pass "a task to complete: $task" || fail "no task on the calendar"
dav GET "$DIRECT$task" >"$T/task.ics"
who=$(sed -n 's/^SUMMARY:Reconnect with //p' "$T/task.ics" | tr -d '\r')
etag=$(dav_curl "$DIRECT$task" -I 2>/dev/null | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p')
before=$(kith show --json "$who" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["log"]))')
"$PY" - "$T/task.ics" "$T/evil.ics" <<'EOF'
import sys
lines = open(sys.argv[1], "rb").read().decode().replace("\r\n ", "").split("\r\n")
out = []
for l in lines:
    if l.startswith("STATUS:"):
        l = "STATUS:COMPLETED\r\nCOMPLETED:20261229T120000Z"
    if l.startswith("DESCRIPTION:") and "VALARM" not in "".join(out[-3:]):
        l = "DESCRIPTION:\x1b]0;pwned\x07rang \u202eher\u202c \xc2\x9b31m back\x1b[2J"
    out.append(l)
open(sys.argv[2], "wb").write("\r\n".join(out).encode("utf-8", "surrogateescape"))
EOF
dav_curl "$DIRECT$task" -T "$T/evil.ics" -H 'Content-Type: text/calendar' -H "If-Match: $etag" -o /dev/null -w '%{http_code}' >"$T/.status"
[[ $(cat "$T/.status") == 2* ]] && pass "a completed task with terminal controls in its text is on the server" ||
	fail "PUT evil task: $(cat "$T/.status")"
kith sync >"$T/evil.out" 2>&1
kith show "$who" >>"$T/evil.out" 2>&1
kith history >>"$T/evil.out" 2>&1
if grep -qP '\x1b|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$T/evil.out"; then
	not_ok "no terminal control from the task reaches the terminal"
	diag "$(cat -v "$T/evil.out" | head -n 20)"
else
	pass "no terminal control from the task reaches the terminal"
fi
after=$(kith show --json "$who" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["log"]))')
expect_eq "$after" $((before + 1)) "the hostile task is still one touch"
href=$(kith show --json "$who" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["href"])')
dav GET "$RADICALE_URL${href#/}" >"$T/card.vcf"
if grep -qP '\x1b|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]' "$T/card.vcf"; then
	not_ok "the card on the server holds none of those controls"
else
	pass "the card on the server holds none of those controls"
fi
grep -q 'rang' "$T/card.vcf" && pass "but keeps the user's words" || { not_ok "words kept"; diag "$(grep KITH-LOG "$T/card.vcf")"; }
kith log "$who" --via phone "Called again" >/dev/null

# ---- a calendar on another host is refused before any request goes there
out=$(kith remind setup --calendar "http://127.0.0.2:9/cal/" 2>&1)
expect_eq "$?" 1 "a calendar on another host is refused"
grep -q 'another host' <<<"$out" && pass "and says why: $out" || not_ok "why: $out"
sed -i "s|^calendar = .*|calendar = http://127.0.0.2:9/cal/|" "$XDG_CONFIG_HOME/kith/config"
out=$(kith sync 2>&1)
expect_eq "$?" 1 "a config naming a calendar on another host fails the sync"
grep -q 'another host' <<<"$out" && pass "and says why" || { not_ok "sync refuses other host"; diag "$out"; }
grep -q 'Friends .*1 pushed' <<<"$out" && pass "while the cards sync" || { not_ok "cards synced"; diag "$out"; }

# ---- a server without CalDAV
port=$(free_port)
spawn "$T/hostile.log" "$PY" "$KITH_SRCDIR/scripts/hostile-server" --port "$port" --mode ok --log "$T/hostile.jsonl" --port-file "$T/hostile.port"
wait_http "http://127.0.0.1:$port/" 15 "$SPAWNED_PID" || die "hostile-server did not start"
kith_env
kith account add plain "http://127.0.0.1:$port/book/" --user u --password-command "echo x" >/dev/null 2>&1 ||
	die "account add on the hostile server"
out=$(kith remind setup 2>&1)
expect_eq "$?" 1 "remind setup on a server without CalDAV exits 1"
grep -q 'does not offer CalDAV' <<<"$out" && pass "and says so: $out" || not_ok "says no CalDAV: $out"
! grep -q '^calendar' "$XDG_CONFIG_HOME/kith/config" && pass "and saves no calendar" || not_ok "no calendar saved"

# ---- real servers that cannot take reminders say so
# SabreDAV as the suite runs it serves CardDAV only; Calypso answers
# MKCALENDAR with 201 and makes nothing.
# refused ENGINE WHY TEXT: on a fresh ENGINE, remind setup exits 1, its
# message holds TEXT, and no calendar is saved.
refused() {
	start_engine "$1"
	make_engine_book friends >/dev/null || die "a $1 book"
	kith_env
	kith account add "$1" "$ENGINE_URL" "${ENGINE_ACCT[@]}" >/dev/null 2>&1 || die "account add on $1"
	out=$(kith remind setup 2>&1)
	expect_eq "$?" 1 "remind setup on $1 ($2) exits 1"
	grep -q "$3" <<<"$out" && pass "and says so: $3" || not_ok "$1: $out"
	! grep -q '^calendar' "$XDG_CONFIG_HOME/kith/config" && pass "saving no calendar" || not_ok "$1: no calendar saved"
}
refused sabre "CardDAV only" 'does not offer CalDAV'
refused calypso "MKCALENDAR makes nothing" 'no calendar there'

# ---- a calendar whose listing names hrefs a client must never touch
export KITH_TODAY=2026-12-04
port=$(free_port)
spawn "$T/hcal.log" "$PY" "$KITH_SRCDIR/scripts/hostile-server" --port "$port" --mode calendar \
	--log "$T/hcal.jsonl" --port-file "$T/hcal.port"
wait_http "http://127.0.0.1:$port/" 15 "$SPAWNED_PID" || die "hostile-server (calendar) did not start"
kith_env
kith account add cal "http://127.0.0.1:$port/book/" --user u --password-command "echo x" >/dev/null 2>&1 ||
	die "account add on the hostile calendar server"
kith sync >/dev/null 2>&1
kith cadence honest 1w >/dev/null 2>&1 && kith log honest --date 2026-11-01 "Coffee" >/dev/null 2>&1
out=$(kith remind setup 2>&1)
expect_eq "$?" 0 "remind setup on the hostile server finds its calendar"
grep -q "/cal/kith/" <<<"$out" && pass "the calendar named kith in its home" || { not_ok "found /cal/kith/"; diag "$out"; }
out=$(kith sync 2>&1)
diag "$out"
"$PY" - "$T/hcal.jsonl" <<'EOF2' >"$T/hcal.bad"
import json, sys, re
ok = re.compile(r"^/(|book/|book/ok\.vcf|cal/|cal/kith/|cal/kith/kith-[a-z0-9-]+\.ics|\.well-known/(carddav|caldav))$")
for line in open(sys.argv[1]):
    r = json.loads(line)
    if not ok.match(r["path"]):
        print(r["method"], r["path"][:120])
EOF2
if [[ -s $T/hcal.bad ]]; then
	not_ok "kith asks for nothing outside the calendar's own members"
	diag "$(head -n 10 "$T/hcal.bad")"
else
	pass "kith asks for nothing outside the calendar's own members ($(wc -l <"$T/hcal.jsonl") requests)"
fi
grep -q '"method": "PUT", "path": "/cal/kith/kith-day-20261204.ics"' "$T/hcal.jsonl" &&
	pass "and writes its own object there" || not_ok "writes kith-day-20261204.ics"
! grep -q 'kith-up\|kith-dot\|kith-host\|kith-other\|kith-deep\|kith-a%2F\|kith-xxxx' "$T/hcal.jsonl" &&
	pass "no request names a hostile href" || not_ok "a hostile href was used"
out=$(kith remind off 2>&1)
expect_eq "$?" 0 "remind off on the hostile server exits 0"
grep -q '"method": "DELETE", "path": "/cal/kith/kith-day-20261204.ics"' "$T/hcal.jsonl" &&
	pass "and deletes only kith's own objects" || { not_ok "off deletes its own"; diag "$out"; }
! grep -q '"method": "DELETE", "path": "/cal/kith/"' "$T/hcal.jsonl" &&
	pass "never the calendar while the listing says it holds more" || not_ok "calendar kept"

finish
