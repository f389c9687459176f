# shellcheck shell=bash
# remind_clients_common.sh: kith's reminders read and changed by clients
# nobody here wrote. vdirsyncer pulls the kith calendar of a real server
# into a vdir, khal lists its events, todoman lists its tasks and marks one
# done, vdirsyncer pushes that back, and kith logs it as a touch, once.
# Sourced by test_remind_clients*.sh after they set SERVER (radicale or
# xandikos).
#
# Every client gets its own config file under $T (vdirsyncer -c, khal -c,
# todoman -c) and runs with HOME and the XDG folders of kith_env, so
# nothing reads or writes the real home. Every client call is bounded by
# timeout. The Radicale password reaches vdirsyncer through
# password.fetch = ["command", "cat", FILE] from a 0600 file.
#
# Client quirks seen here (Debian 12: vdirsyncer 0.19.0, khal 0.10.5,
# todoman 4.1.0, python3-icalendar 4.0.3):
#  - Debian installs todoman as /usr/bin/todoman (there is no 'todo').
#    Its config is a Python file; --porcelain is an option of todoman
#    itself, before the command; 'done' sets COMPLETED to the real clock
#    (in UTC), so the log entry's date is that date or KITH_TODAY when
#    the clock is later (kith takes no date from the future).
#  - vdirsyncer's filesystem storage names a pulled item after its UID
#    (kith-day-YYYYMMDD.ics), and pushes a changed one back to the href
#    it came from, with If-Match.
#    'edit --raw' runs $EDITOR on the file itself. A task's id changes
#    when its file does: look it up again after every edit.
#  - vdirsyncer prints its progress on stderr ("Syncing kith"). Without
#    conflict_resolution an item changed on both sides stops the pair
#    (exit 1) until resolved by hand; see 5c below.
#  - khal only knows alarms with a relative TRIGGER (_can_handle_alarm):
#    kith's absolute one is kept in the file but khal shows no alarm
#    ({alarm-symbol} is empty). khal does not raise alarms anyway.
#  - khal shows an all-day event's end day inclusive (DTEND - 1 day).

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith
# Missing clients are failures, not skips: this test is about them.
for c in vdirsyncer khal timeout; do
	command -v "$c" >/dev/null 2>&1 ||
		die "$c is missing: scripts/setup installs it (khal todoman vdirsyncer python3-icalendar)"
done
# Debian's todoman is 'todoman'; upstream's (pip) is 'todo'.
TODOMAN=$(command -v todoman || command -v todo) ||
	die "todoman is missing: scripts/setup installs it (khal todoman vdirsyncer python3-icalendar)"
source "$(dirname "${BASH_SOURCE[0]}")/remind_lib.sh"
BOUND=60	# seconds any one client call may take

diag "$(vdirsyncer --version 2>&1); $(khal --version 2>&1); $("$TODOMAN" --version 2>&1)"
diag "python3-icalendar $("$PY" -c 'import icalendar; print(icalendar.__version__)')"

# client LOG CMD...: CMD bounded by $BOUND seconds, stdout to $T/LOG.out
# and stderr to $T/LOG.err, plainly (no colour, UTF-8); returns CMD's
# status (124: it timed out).
client() {
	local log=$1
	shift
	LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR=1 timeout "$BOUND" "$@" \
		>"$T/$log.out" 2>"$T/$log.err" </dev/null
}

# noise LOG: the lines of $T/LOG.err that warn or err (vdirsyncer's
# progress lines are neither).
noise() { grep -iE 'warn|error|critical|traceback|exception|skipp|invalid' "$T/$1.err"; }

# expect_quiet LOG MSG: ok when the client said nothing alarming on stderr.
expect_quiet() {
	local n
	n=$(noise "$1")
	if [[ -z $n ]]; then
		pass "$2"
	else
		not_ok "$2"
		diag "$n"
	fi
}

# vdir_names: the files in the vdir, sorted, one per line.
vdir_names() { (cd "$VDIR" && ls -1 2>/dev/null | LC_ALL=C sort); }

# snapshot NAME: copy what the vdir holds now to $T/pulled/NAME/, the
# objects as kith wrote them and vdirsyncer pulled them (checked at the end).
snapshot() {
	mkdir -p "$T/pulled/$1"
	cp "$VDIR"/*.ics "$T/pulled/$1/" 2>/dev/null
}

# ---- 1. kith, a few people with cadences and logs, event reminders

remind_people

out=$(kith remind setup 2>&1) || { diag "$out"; die "remind setup failed"; }
CAL=$(sed -n 's/^calendar = //p' "$XDG_CONFIG_HOME/kith/config")
[[ -n $CAL ]] || { diag "$out"; die "remind setup saved no calendar"; }
diag "kith's calendar: $CAL"

# ---- 2. vdirsyncer pulls the calendar into a vdir

VDIR=$T/vdir/kith
VDS=$T/vdirsyncer
mkdir -p "$VDS"
creds=
if [[ $SERVER == radicale ]]; then
	(umask 077 && printf '%s\n' "$RADICALE_PASS" >"$VDS/password")
	creds="username = \"$RADICALE_USER\"
password.fetch = [\"command\", \"cat\", \"$VDS/password\"]"
fi
cat >"$VDS/config" <<EOF
[general]
status_path = "$VDS/status/"

[pair kith]
a = "kith_vdir"
b = "kith_cal"
collections = null

[storage kith_vdir]
type = "filesystem"
path = "$VDIR/"
fileext = ".ics"

[storage kith_cal]
type = "caldav"
url = "$CAL"
$creds
EOF
vds() { client "$1" vdirsyncer -c "$VDS/config" "${@:2}"; }
if [[ $SERVER == radicale ]]; then
	if grep -qF "$RADICALE_PASS" "$VDS/config"; then
		not_ok "the password is in vdirsyncer's config"
	else
		expect_eq "$(stat -c %a "$VDS/password")" 600 "vdirsyncer's config holds no password; it reads a 0600 file"
	fi
fi

# discover asks whether to make the missing vdir: answer yes, from a pipe.
printf 'y\ny\ny\n' | LANG=C.UTF-8 timeout "$BOUND" vdirsyncer -c "$VDS/config" discover \
	>"$T/discover.out" 2>"$T/discover.err"
rc=$?
expect_eq "$rc" 0 "vdirsyncer discover exits 0"
[[ -d $VDIR ]] && pass "discover made the vdir" || { not_ok "the vdir exists"; tail -n 15 "$T/discover.err" | diag "$(cat)"; }
vds sync1 sync
expect_eq "$?" 0 "vdirsyncer sync pulls the calendar (exit 0)"
expect_quiet sync1 "vdirsyncer warns of nothing kith wrote"
expect_eq "$(vdir_names)" $'kith-day-20261204.ics\nkith-day-20261205.ics\nkith-day-20261206.ics' \
	"the vdir holds one .ics per coming day"
expect_eq "$(for f in "$VDIR"/*.ics; do ics_prop "$f" UID; done)" \
	$'kith-day-20261204\nkith-day-20261205\nkith-day-20261206' "each file is the day's event, by its UID"
snapshot events

# ---- 3. khal lists today's event, naming the people 'kith today' names

KHAL=$T/khal
mkdir -p "$KHAL"
cat >"$KHAL/config" <<EOF
[calendars]
[[kith]]
path = $VDIR
type = calendar

[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
local_timezone = UTC
default_timezone = UTC
firstweekday = 0

[default]
default_calendar = kith

[sqlite]
path = $KHAL/khal.db
EOF
khal_list() {	# LOG START RANGE
	client "$1" khal -c "$KHAL/config" list --day-format 'DAY {date}' \
		--format '{start-date}|{end-date}|{all-day}|{title}' "$2" "$3"
}
khal_list khal1 2026-12-04 3d
expect_eq "$?" 0 "khal list exits 0"
expect_eq "$(cat "$T/khal1.err")" "" "khal reads every object without a word on stderr"
expect_eq "$(grep -c '^DAY ' "$T/khal1.out")" 3 "khal lists three days"
expect_eq "$(grep -vc '^DAY ' "$T/khal1.out")" 3 "with one event each"
# today_summary JSON: the summary 'kith today --json' implies: its people
# in its order (long lost, due, upgrade, aspire), each with what to do,
# then that day's birthdays.
today_summary() {
	"$PY" - "$1" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
parts = []
for slot in ("lost", "due", "upgrade", "aspire"):
    p = t.get(slot)
    if not p:
        continue
    verb = "call" if slot == "upgrade" or p["phones"] else "write to" if p["emails"] else "reach out to"
    parts.append("%s %s" % (verb, p["fn"]))
for b in t.get("birthdays", []):
    if b["in_days"] == 0:
        parts.append("%s's birthday" % b["fn"])
print("kith: " + ", ".join(parts))
EOF
}
kith today --json >"$T/today.json"
want=$(today_summary "$T/today.json")
diag "kith today: $want"
expect_eq "$(sed -n '/^DAY 2026-12-04$/{n;p;}' "$T/khal1.out")" "2026-12-04|2026-12-04|True|$want" \
	"khal shows today's event, all day, its summary naming the people kith today names"
# What the coming days' events say is what 'today' will say on them.
for d in 2026-12-05 2026-12-06; do
	KITH_TODAY=$d kith today --json >"$T/today-$d.json"
	expect_eq "$(sed -n "/^DAY $d\$/{n;p;}" "$T/khal1.out")" "$d|$d|True|$(today_summary "$T/today-$d.json")" \
		"khal's event on $d names whom kith today will name that day"
done
grep -q "^2026-12-05|.*, Bo Chen's birthday\$" "$T/khal1.out" && pass "Bo's birthday is on the 5th" ||
	not_ok "Bo's birthday on the 5th"
client khal4 khal -c "$KHAL/config" list --day-format '' --format '[{alarm-symbol}]' 2026-12-04 1d
diag "khal's alarm symbol for today's event: $(cat "$T/khal4.out") (relative TRIGGERs only)"
client khal2 khal -c "$KHAL/config" list --format '{title}' --day-format '' 2026-12-07 3d
expect_eq "$(grep -c . "$T/khal2.out")" 0 "khal shows nothing after the coming days"
client khal3 khal -c "$KHAL/config" list --day-format '' --format '{description}' 2026-12-04 1d
"$PY" - "$T/today.json" >"$T/today.people" <<'EOF'
import json, sys
t = json.load(open(sys.argv[1]))
for slot in ("lost", "due", "upgrade", "aspire"):
    if t.get(slot):
        print(t[slot]["fn"])
for b in t.get("birthdays", []):
    if b["in_days"] == 0:
        print(b["fn"])
EOF
expect_eq "$(sed 's/: .*//' "$T/khal3.out")" "$(cat "$T/today.people")" \
	"khal shows the description, one line per person in that order"
# 'today' picks Ana or Cyrus as the one due (both overdue).
due_fn=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["due"]["fn"])' "$T/today.json")
grep -qxE "$due_fn: [0-9]+ days overdue \\(every [a-z0-9 ]+\\); last contact [0-9]+ months ago \\((meet|phone)\\): (Coffee at the forum|His new job)" "$T/khal3.out" &&
	pass "and the due person's line gives the reason, the last contact and the last note" ||
	{ not_ok "khal's description of $due_fn"; diag "$(cat "$T/khal3.out")"; }

# ---- 4. tasks: todoman lists "Reconnect with NAME"

out=$(kith remind setup --mode todo 2>&1)
expect_eq "$?" 0 "remind setup --mode todo exits 0"
vds sync2 sync
expect_eq "$?" 0 "vdirsyncer sync pulls the tasks (exit 0)"
expect_quiet sync2 "vdirsyncer warns of nothing"
names=$(vdir_names)
expect_eq "$(grep -c '^kith-day-' <<<"$names")" 0 "the events left the vdir"
expect_eq "$(grep -cE '^kith-todo-[0-9a-f]{16}\.ics$' <<<"$names")" 3 "three tasks came, one per person due"
snapshot tasks
client khal5 khal -c "$KHAL/config" list --format '{title}' --day-format '' 2026-12-04 3d
expect_eq "$(cat "$T/khal5.out" "$T/khal5.err")" "" "khal shows no event once the reminders are tasks"

TODO=$T/todoman
mkdir -p "$TODO"
cat >"$TODO/config.py" <<EOF
path = "$T/vdir/*"
date_format = "%Y-%m-%d"
time_format = "%H:%M"
default_list = "kith"
cache_path = "$TODO/cache.sqlite3"
humanize = False
EOF
todo() { client "$1" "$TODOMAN" -c "$TODO/config.py" --color never "${@:2}"; }
# todo_id SUMMARY: todoman's id of the open task SUMMARY (ids change when
# a file changes: ask again after every edit).
todo_id() {
	todo todo_id --porcelain list
	"$PY" -c 'import json,sys
print(*[t["id"] for t in json.load(open(sys.argv[1])) if t["summary"] == sys.argv[2]])' "$T/todo_id.out" "$1"
}
todo todo1 list
expect_eq "$?" 0 "todoman list exits 0"
expect_eq "$(cat "$T/todo1.err")" "" "todoman reads every task without a word on stderr"
expect_eq "$(grep -o 'Reconnect with [A-Za-z ]*[a-z]' "$T/todo1.out" | LC_ALL=C sort)" \
	$'Reconnect with Ana Lima\nReconnect with Cyrus Achebe\nReconnect with Fay Brennan' \
	"todoman lists Reconnect with each overdue person"
todo todo2 --porcelain list
# id, summary, due date (UTC), completed, for each task
"$PY" - "$T/todo2.out" >"$T/todo2.tsv" <<'EOF'
import datetime, json, sys
for t in sorted(json.load(open(sys.argv[1])), key=lambda t: t["summary"]):
    due = datetime.datetime.utcfromtimestamp(t["due"]).date().isoformat() if t["due"] else "-"
    print("%s\t%s\t%s\t%s\t%s" % (t["id"], t["summary"], due, t["completed"], t["list"]))
EOF
expect_eq "$(cut -f2- "$T/todo2.tsv")" "$(printf '%s\t%s\t%s\t%s\n' \
	'Reconnect with Ana Lima' 2026-10-15 False kith \
	'Reconnect with Cyrus Achebe' 2026-10-01 False kith \
	'Reconnect with Fay Brennan' 2026-06-01 False kith)" \
	"todoman sees each task due on the person's due date, not done, in the list kith"

# ---- 5. done in todoman, pushed by vdirsyncer, logged by kith once

N=$(awk -F'\t' '$2 == "Reconnect with Cyrus Achebe" { print $1 }' "$T/todo2.tsv")
TASK=$(grep -l '^SUMMARY:Reconnect with Cyrus Achebe' "$VDIR"/*.ics | head -n 1)
TASK=${TASK##*/}
[[ -n $N && -n $TASK ]] || die "no todoman id or file for Cyrus's task"
diag "Cyrus's task: todoman id $N, $TASK"
cy_before=$(log_count cy)
todo done1 "done" "$N"
expect_eq "$?" 0 "todoman done $N exits 0"
expect_eq "$(ics_prop "$VDIR/$TASK" STATUS)" COMPLETED "todoman marked the task COMPLETED in the vdir"
expect_eq "$(ics_prop "$VDIR/$TASK" X-KITH-CARD)" "/${book#http://*/}cy.vcf" "and kept kith's X-KITH-CARD"
completed=$(ics_prop "$VDIR/$TASK" COMPLETED)
done_day=${completed:0:10}
[[ $done_day > $KITH_TODAY ]] && done_day=$KITH_TODAY	# no touch from the future
diag "COMPLETED $completed: the touch is dated $done_day"
vds sync3 sync
expect_eq "$?" 0 "vdirsyncer sync pushes the done task (exit 0)"
dav GET "$CAL$TASK" >"$T/pushed.ics"
expect_eq "$(ics_prop "$T/pushed.ics" STATUS)" COMPLETED "the server holds the task done"

out=$(kith sync 2>&1)
expect_eq "$?" 0 "kith sync after the task was done exits 0"
diag "$out"
expect_eq "$(grep -cE "^calendar: Cyrus Achebe done on the phone: logged [0-9a-f]{8} \\($done_day\\)$" <<<"$out")" 1 \
	"kith says it logged the done task"
expect_eq "$(log_count cy)" $((cy_before + 1)) "Cyrus's log has exactly one new entry"
kith show --json cy | "$PY" -c 'import json,sys
e = json.load(sys.stdin)["log"][0]
print(e["date"], e["via"], e["text"], sep="|")' >"$T/cy.last"
expect_eq "$(cat "$T/cy.last")" "$done_day|other|done on the phone: Reconnect with Cyrus Achebe" \
	"dated by todoman's COMPLETED, channel other, the task's summary as its text"
! grep -qxF "$TASK" <<<"$(cal_names "$CAL")" && pass "kith removed the done task from the calendar" ||
	not_ok "the done task is still on the calendar"
out=$(kith sync 2>&1)
expect_eq "$(log_count cy)" $((cy_before + 1)) "a second kith sync adds nothing"
grep -q 'calendar .*: 0 written, 0 removed' <<<"$out" && pass "and writes nothing on the calendar" ||
	{ not_ok "second sync wrote"; diag "$out"; }

# A second kith with the same account sees the touch once.
kith_env
kith account add home "$ROOT" "${ENGINE_ACCT[@]}" >/dev/null 2>&1 || die "second account add failed"
kith sync >/dev/null 2>&1
out=$(kith remind setup --mode todo 2>&1)
expect_eq "$?" 0 "the second kith's remind setup --mode todo exits 0"
grep -qF "$CAL" <<<"$out" && pass "it finds the same calendar" || { not_ok "same calendar"; diag "$out"; }
kith sync >/dev/null 2>&1
expect_eq "$(log_count cy)" $((cy_before + 1)) "the second kith sees the entry once"
kith show --json cy | "$PY" -c 'import json,sys
e = json.load(sys.stdin)["log"][0]
print(e["date"], e["via"], e["text"], sep="|")' >"$T/cy2.last"
expect_eq "$(cat "$T/cy2.last")" "$(cat "$T/cy.last")" "the same entry"

vds sync4 sync
expect_eq "$?" 0 "vdirsyncer sync again exits 0"
! grep -qxF "$TASK" <<<"$(vdir_names)" && pass "the vdir no longer holds the done task" ||
	not_ok "the done task is still in the vdir"
expect_eq "$(vdir_names | grep -c '^kith-todo-')" 2 "the two other tasks stay"
todo todo3 --porcelain list
expect_eq "$("$PY" -c 'import json,sys; print("\n".join(sorted(t["summary"] for t in json.load(open(sys.argv[1])))))' "$T/todo3.out")" \
	$'Reconnect with Ana Lima\nReconnect with Fay Brennan' "todoman lists the two others"
snapshot final

# ---- 5b. a line the user adds in the task's text is the log entry

# 'todoman edit --raw' opens the file in $EDITOR: this one adds a line to
# the description, as the user would there, and todoman keeps it.
cat >"$T/editor" <<EOF
#!/bin/sh
exec "$PY" - "\$1" <<'PY'
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
for c in cal.walk("VTODO"):
    desc = str(c.pop("DESCRIPTION"))
    c.add("DESCRIPTION", desc + "\nSent her a letter about the trip")
open(sys.argv[1], "wb").write(cal.to_ical())
PY
EOF
chmod +x "$T/editor"
N=$(todo_id "Reconnect with Fay Brennan")
FTASK=$(grep -l '^SUMMARY:Reconnect with Fay Brennan' "$VDIR"/*.ics | head -n 1)
FTASK=${FTASK##*/}
fay_before=$(log_count fay)
EDITOR=$T/editor VISUAL=$T/editor todo edit1 edit --raw "$N"
expect_eq "$?" 0 "todoman edit --raw $N exits 0"
N=$(todo_id "Reconnect with Fay Brennan")
todo done2 "done" "$N"
expect_eq "$?" 0 "todoman done $N exits 0"
grep -q 'Sent her a letter about the trip' <<<"$(ics_prop "$VDIR/$FTASK" DESCRIPTION)" &&
	pass "todoman keeps the line the user added" || not_ok "the added line is in the vdir"
vds sync5 sync
expect_eq "$?" 0 "vdirsyncer sync pushes it (exit 0)"
# kith syncs the day after: the entry is dated by COMPLETED, not by the
# day kith saw it (unless the clock is past that day too).
export KITH_TODAY=2026-12-05
completed=$(ics_prop "$VDIR/$FTASK" COMPLETED)
done_day=${completed:0:10}
[[ $done_day > $KITH_TODAY ]] && done_day=$KITH_TODAY
diag "COMPLETED $completed, kith syncs on $KITH_TODAY: the touch is dated $done_day"
kith sync >"$T/ksync5.out" 2>&1
expect_eq "$?" 0 "kith sync exits 0"
expect_eq "$(log_count fay)" $((fay_before + 1)) "Fay's log has exactly one new entry"
kith show --json fay | "$PY" -c 'import json,sys
e = json.load(sys.stdin)["log"][0]
print(e["date"], e["via"], e["text"], sep="|")' >"$T/fay.last"
expect_eq "$(cat "$T/fay.last")" "$done_day|letter|Sent her a letter about the trip" \
	"its text is the line the user added, its channel the word in it"
kith sync >/dev/null 2>&1
expect_eq "$(log_count fay)" $((fay_before + 1)) "and a second sync adds none"

# ---- 5c. a task done the next morning (the 6th), before vdirsyncer pulled
#
# An overdue task keeps the alarm it was first written with, so the
# first kith sync of the next day does not rewrite it: a client that
# ticked it off meanwhile meets no conflict ("One item changed on both
# sides" in vdirsyncer, 412 on a phone), and the touch gets through.
vds sync6 sync
[[ $(vdir_names) == kith-todo-*.ics && $(vdir_names | wc -l) == 1 ]] ||
	die "one task (Ana's) should be open: $(vdir_names)"
snapshot nextday
ana_task=$(vdir_names)
etag6=$(etag_of "$CAL$ana_task")
export KITH_TODAY=2026-12-06
kith sync >"$T/ksync6.out" 2>&1
[[ -n $etag6 && $(etag_of "$CAL$ana_task") == "$etag6" ]] &&
	pass "the next day's first sync leaves the overdue task as it was (etag $etag6)" ||
	{ not_ok "no daily rewrite of $ana_task"; diag "$(grep '^calendar' "$T/ksync6.out")"; }
N=$(todo_id "Reconnect with Ana Lima")
ana_before=$(log_count ana)
todo done3 "done" "$N"
vds sync7 sync
rc=$?
expect_eq "$rc" 0 "the task done the next morning is pushed without a conflict"
((rc == 0)) || noise sync7 | head -n 2 | diag "vdirsyncer: $(cat)"
kith sync >/dev/null 2>&1
expect_eq "$(log_count ana)" $((ana_before + 1)) "and logged once"
kith show --json ana | "$PY" -c 'import json,sys
e = json.load(sys.stdin)["log"][0]
print(e["via"], e["text"], sep="|")' >"$T/ana.last"
expect_eq "$(cat "$T/ana.last")" "other|done on the phone: Reconnect with Ana Lima" "as done in todoman"

# ---- 6. everything kith wrote, as pulled, passes the checks

files=("$T"/pulled/*/*.ics)
expect_eq "${#files[@]}" 9 "nine objects pulled from kith (three days, three tasks, two and one again)"
if "$PY" "$CHECK" "${files[@]}" 2>"$T/check.err"; then
	pass "all of them parse with python3-icalendar and pass ical_check.py"
else
	not_ok "ical_check.py"
	diag "$(cat "$T/check.err")"
fi

finish
