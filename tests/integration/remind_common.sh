# shellcheck shell=bash
# remind_common.sh: reminders on a real CalDAV server, end to end through
# the kith binary. Sourced by test_remind_ENGINE.sh after they set SERVER
# (radicale or xandikos). Objects are parsed with python3-icalendar and
# checked against RFC 5545's VALARM rules (tests/unit/ical_check.py).

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith
source "$(dirname "${BASH_SOURCE[0]}")/remind_lib.sh"
remind_people

# ---- setup makes the calendar and writes the coming days
out=$(kith remind setup 2>&1)
rc=$?
expect_eq "$rc" 0 "remind setup exits 0"
CAL=$(sed -n 's/^calendar = //p' "$XDG_CONFIG_HOME/kith/config")
[[ -n $CAL ]] && pass "the calendar is saved in the config: $CAL" || { not_ok "calendar saved in the config"; diag "$out"; }
grep -q '^remind = event$' "$XDG_CONFIG_HOME/kith/config" && pass "the mode is saved (event)" || not_ok "mode saved"
dav PROPFIND "$CAL" 0 '<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:displayname/></d:prop></d:propfind>' >"$T/calprops"
grep -q 'calendar' "$T/calprops" && grep -qE '>(<!\[CDATA\[)?kith(]]>)?<' "$T/calprops" &&
	pass "the server has a calendar named kith" || { not_ok "a calendar named kith"; cat "$T/calprops" | head -c 600 | diag "$(cat)"; }
names=$(cal_names "$CAL")
expect_eq "$names" $'kith-day-20261204.ics\nkith-day-20261205.ics\nkith-day-20261206.ics' "one event for each of the next three days"

ics_get "$CAL" kith-day-20261204.ics || fail "GET today's event"
if "$PY" "$CHECK" "$T/kith-day-20261204.ics" "$T/kith-day-20261205.ics" 2>"$T/check.err" ||
	{ ics_get "$CAL" kith-day-20261205.ics && "$PY" "$CHECK" "$T/kith-day-20261204.ics" "$T/kith-day-20261205.ics" 2>"$T/check.err"; }; then
	pass "the events parse with python3-icalendar and keep RFC 5545's VALARM rules"
else
	not_ok "events valid"; diag "$(cat "$T/check.err")"
fi
sum=$(ics_prop "$T/kith-day-20261204.ics" SUMMARY)
diag "today: $sum"
kith today --json >"$T/today.json"
DUE=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["due"]["fn"])' "$T/today.json")
[[ $DUE == "Ana Lima" || $DUE == "Cyrus Achebe" ]] && pass "today's due person is one of the overdue: $DUE" || not_ok "due person: $DUE"
[[ $sum == kith:* && $sum == *"call $DUE"* ]] && pass "today's summary asks to call the due person, as 'today' does" ||
	not_ok "summary names $DUE: $sum"
expect_eq "$(ics_prop "$T/kith-day-20261204.ics" DTSTART)" 2026-12-04 "today's event is on today, all day"
expect_eq "$(ics_prop "$T/kith-day-20261204.ics" DTEND)" 2026-12-05 "and ends the next day"
expect_eq "$(ics_prop "$T/kith-day-20261204.ics" alarm)" "DISPLAY 2026-12-04T09:00:00+00:00" "its alarm is a DISPLAY at 09:00 local"
desc=$(ics_prop "$T/kith-day-20261204.ics" DESCRIPTION)
grep -qE 'Ana Lima: .*overdue.*Coffee at the forum|Cyrus Achebe: .*overdue.*His new job' <<<"$desc" &&
	pass "the description gives the reason, the last contact and the last note" || { not_ok "description"; diag "$desc"; }
ics_get "$CAL" kith-day-20261205.ics
grep -q "Bo Chen's birthday" <<<"$(ics_prop "$T/kith-day-20261205.ics" SUMMARY)" &&
	pass "tomorrow's event holds Bo's birthday" || not_ok "birthday on its day: $(ics_prop "$T/kith-day-20261205.ics" SUMMARY)"

# ---- nothing changed: nothing written
out=$(kith sync 2>&1)
grep -q 'calendar .*: 0 written, 0 removed' <<<"$out" && pass "a sync with nothing new writes nothing on the calendar" ||
	{ not_ok "no-op sync"; diag "$out"; }

# ---- a touch logged in kith takes the person off the days
kith log "$DUE" --via phone "Called about the move" >/dev/null
out=$(kith sync 2>&1)
expect_eq "$?" 0 "sync after a touch exits 0"
ics_get "$CAL" kith-day-20261204.ics
sum=$(ics_prop "$T/kith-day-20261204.ics" SUMMARY)
[[ $sum != *"$DUE"* ]] && pass "the touched person leaves today's event: $sum" || not_ok "$DUE left today's event: $sum"

# ---- the user's own object in the calendar is never read or changed
cat >"$T/mine.ics" <<'EOF'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//me//by hand//EN
BEGIN:VEVENT
UID:my-own-dentist
DTSTAMP:20261201T100000Z
DTSTART:20261207T100000Z
DTEND:20261207T110000Z
SUMMARY:Dentist
END:VEVENT
END:VCALENDAR
EOF
sed -i 's/$/\r/' "$T/mine.ics"	# CRLF, as RFC 5545 says (Cyrus refuses LF)
put_ics "${CAL}my-own-dentist.ics" "$T/mine.ics" || fail "PUT the user's own event: HTTP $(last_status) $(head -c 400 "$T/.putbody")"
ics_get "$CAL" my-own-dentist.ics && cp "$T/my-own-dentist.ics" "$T/mine.before"

# ---- days pass: a past day's event stays a week, then goes
export KITH_TODAY=2026-12-06
kith sync >/dev/null 2>&1
names=$(cal_names "$CAL")
grep -q 'kith-day-20261204.ics' <<<"$names" && grep -q 'kith-day-20261208.ics' <<<"$names" &&
	pass "two days on, the past days stay and the new days come" || { not_ok "days move"; diag "$names"; }
export KITH_TODAY=2026-12-14
kith sync >/dev/null 2>&1
names=$(cal_names "$CAL")
! grep -q 'kith-day-20261204.ics' <<<"$names" && grep -q 'kith-day-20261208.ics' <<<"$names" &&
	pass "a day's event is removed a week after the day" || { not_ok "old days removed"; diag "$names"; }
ics_get "$CAL" my-own-dentist.ics && cmp -s "$T/my-own-dentist.ics" "$T/mine.before" &&
	pass "the user's own event in the calendar is untouched" || not_ok "user's event untouched"

# ---- tasks: one per due person, capped, with the person named
# Due by then: Eve (most overdue for her cadence), Fay, and Ana or Cyrus.
export KITH_TODAY=2026-12-20
printf '[kith]\nremind_tasks = 2\n' >>"$XDG_CONFIG_HOME/kith/config"
out=$(kith remind setup --mode todo 2>&1)
expect_eq "$?" 0 "remind setup --mode todo exits 0"
names=$(cal_names "$CAL")
! grep -q 'kith-day' <<<"$names" && pass "switching to tasks removes the events" || { not_ok "events removed"; diag "$names"; }
tasks=$(grep '^kith-todo-' <<<"$names")
expect_eq "$(grep -c . <<<"$tasks")" 2 "remind_tasks = 2 caps the tasks at two"
for t in $tasks; do ics_get "$CAL" "$t"; done
"$PY" "$CHECK" $(for t in $tasks; do echo "$T/$t"; done) 2>"$T/check.err" &&
	pass "the tasks parse and keep the VALARM rules" || { not_ok "tasks valid"; diag "$(cat "$T/check.err")"; }
sums=$(for t in $tasks; do ics_prop "$T/$t" SUMMARY; done | sort)
diag "$sums"
grep -q 'Reconnect with Eve Adeyemi' <<<"$sums" && pass "the most overdue person has a task: Reconnect with Eve Adeyemi" ||
	not_ok "Eve has a task"
! grep -q 'Fay' <<<"$sums" && pass "the least overdue of three is past the cap" || not_ok "cap keeps the most overdue"
CYTASK=
for t in $tasks; do grep -q 'Eve' <<<"$(ics_prop "$T/$t" SUMMARY)" && CYTASK=$t; done
expect_eq "$(ics_prop "$T/$CYTASK" DUE)" 2026-12-08 "the task is due on the person's due date"
expect_eq "$(ics_prop "$T/$CYTASK" STATUS)" NEEDS-ACTION "and needs action"

# ---- the task follows its person: due date moved, snoozed, cadence off
X=$(grep -v Eve <<<"$sums" | head -n 1)
X=${X#Reconnect with }
xtask=
for t in $tasks; do [[ $(ics_prop "$T/$t" SUMMARY) == *"$X" ]] && xtask=$t; done
due0=$(ics_prop "$T/$xtask" DUE)
kith cadence "$X" 3w >/dev/null
kith sync >/dev/null 2>&1
ics_get "$CAL" "$xtask"
due1=$(ics_prop "$T/$xtask" DUE)
[[ -n $due1 && $due1 != "$due0" ]] && pass "a new cadence moves $X's task: due $due0, now $due1" ||
	not_ok "due date moves ($due0 -> $due1)"
kith snooze "$X" 2w >/dev/null
kith sync >/dev/null 2>&1
! grep -q "^$xtask$" <<<"$(cal_names "$CAL")" && pass "snoozing $X removes the task" || not_ok "snooze removes the task"
kith snooze "$X" off >/dev/null
kith sync >/dev/null 2>&1
grep -q "^$xtask$" <<<"$(cal_names "$CAL")" && pass "unsnoozed, it is back" || not_ok "task back after snooze off"
kith cadence "$X" off >/dev/null
kith sync >/dev/null 2>&1
! grep -q "^$xtask$" <<<"$(cal_names "$CAL")" && pass "without a cadence, no task" || not_ok "cadence off removes the task"
kith cadence "$X" 2w >/dev/null
kith sync >/dev/null 2>&1

# ---- done on the phone: logged once, on every device
cy_before=$(log_count eve)
complete_task "$T/$CYTASK" "$T/done.ics" 20261219T153000Z "Called her, she passed"
etag=$(etag_of "$CAL$CYTASK")
put_ics "$CAL$CYTASK" "$T/done.ics" "$etag" || fail "completing the task as a phone would: HTTP $(last_status)"
out=$(kith sync 2>&1)
expect_eq "$?" 0 "the sync after a task done on the phone exits 0"
diag "$out"
expect_eq "$(log_count eve)" $((cy_before + 1)) "the done task is one new log entry"
kith show --json eve >"$T/cy.json"
"$PY" -c 'import json,sys
e = json.load(open(sys.argv[1]))["log"][0]
print(e["date"], e["via"], e["text"])' "$T/cy.json" >"$T/cy.last"
expect_eq "$(cat "$T/cy.last")" "2026-12-19 phone Called her, she passed" \
	"dated when it was done, the channel its text names, the text the user added"
! grep -q "$CYTASK" <<<"$(cal_names "$CAL")" && pass "the touched person's task is removed" || not_ok "task removed"
kith sync >/dev/null 2>&1
expect_eq "$(log_count eve)" $((cy_before + 1)) "a second sync logs it no second time"

# A second device with the same account sees the touch, and adds none.
HOME1_ENV=$XDG_CONFIG_HOME
kith_env
HOME2=$KITH_HOME
kith account add home "$ROOT" "${ENGINE_ACCT[@]}" >/dev/null 2>&1
kith sync >/dev/null 2>&1
expect_eq "$(log_count eve)" $((cy_before + 1)) "a second device sees that touch once"
out=$(kith remind setup --mode todo 2>&1)
expect_eq "$?" 0 "the second device finds the same calendar by its name"
grep -qF "$CAL" <<<"$out" && pass "and uses it: $CAL" || { not_ok "same calendar"; diag "$out"; }

# Done on the phone again; the second device syncs first, then the first.
tasks=$(cal_names "$CAL" | grep '^kith-todo-')
t=$(head -n 1 <<<"$tasks")
ics_get "$CAL" "$t" || fail "GET $t"
who=$(ics_prop "$T/$t" SUMMARY)
who=${who#Reconnect with }
complete_task "$T/$t" "$T/done2.ics" 20261220T080000Z
etag=$(etag_of "$CAL$t")
put_ics "$CAL$t" "$T/done2.ics" "$etag" || fail "completing $t"
n2_before=$(log_count "$who")
kith sync >/dev/null 2>&1
expect_eq "$(log_count "$who")" $((n2_before + 1)) "the device that syncs first logs the done task ($who)"
HOME=$HOME1 XDG_CONFIG_HOME=$HOME1/.config XDG_DATA_HOME=$HOME1/.local/share XDG_STATE_HOME=$HOME1/.local/state \
	kith sync >/dev/null 2>&1
kith sync >/dev/null 2>&1
expect_eq "$(log_count "$who")" $((n2_before + 1)) "after both devices synced, the touch is there once"
n1=$(HOME=$HOME1 XDG_CONFIG_HOME=$HOME1/.config XDG_DATA_HOME=$HOME1/.local/share XDG_STATE_HOME=$HOME1/.local/state \
	kith show --json "$who" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["log"]))')
expect_eq "$n1" $((n2_before + 1)) "and once on the first device too"

# ---- a kith object changed there by hand is put back at the next sync
t=$(cal_names "$CAL" | grep '^kith-todo-' | head -n 1)
ics_get "$CAL" "$t" && cp "$T/$t" "$T/kept.ics"
sed 's/^SUMMARY:.*/SUMMARY:edited by hand/' "$T/kept.ics" >"$T/edited.ics"
etag=$(etag_of "$CAL$t")
put_ics "$CAL$t" "$T/edited.ics" "$etag" || fail "editing $t"
kith sync >/dev/null 2>&1
ics_get "$CAL" "$t"
expect_eq "$(ics_prop "$T/$t" SUMMARY)" "edited by hand" "a task edited there is left as the user made it"
export KITH_TODAY=2026-12-21
kith sync >/dev/null 2>&1
ics_get "$CAL" "$t"
expect_eq "$(ics_prop "$T/$t" SUMMARY)" "edited by hand" "the next day too: an overdue task is not rewritten daily"
if grep -q '^\[kith\]' "$XDG_CONFIG_HOME/kith/config"; then
	sed -i 's/^\[kith\]$/&\nremind_time = 08:15/' "$XDG_CONFIG_HOME/kith/config"
else
	printf '[kith]\nremind_time = 08:15\n' >>"$XDG_CONFIG_HOME/kith/config"
fi
kith sync >/dev/null 2>&1
ics_get "$CAL" "$t"
[[ $(ics_prop "$T/$t" SUMMARY) == "Reconnect with "* ]] &&
	pass "once kith's own text changes, it is written over the edit (If-Match on its new etag)" ||
	not_ok "edited task rewritten after kith's change: $(ics_prop "$T/$t" SUMMARY)"
expect_eq "$(cal_names "$CAL" | grep -c '^kith-')" "$(cal_names "$CAL" | grep '^kith-' | sort -u | grep -c .)" "no object is there twice"

# ---- off removes what kith wrote, and nothing else
out=$(kith remind off 2>&1)
expect_eq "$?" 0 "remind off exits 0"
diag "$out"
names=$(cal_names "$CAL")
! grep -q '^kith-' <<<"$names" && pass "remind off removes every object kith wrote" || { not_ok "kith objects removed"; diag "$names"; }
grep -q '^my-own-dentist.ics$' <<<"$names" && pass "and keeps the user's own event, and so the calendar" || not_ok "user's event kept"
! grep -q '^calendar = \|^remind = ' "$XDG_CONFIG_HOME/kith/config" && pass "the config no longer names the calendar" || not_ok "config cleared"
out=$(kith sync 2>&1)
! grep -q '^calendar' <<<"$out" && pass "sync no longer writes a calendar" || not_ok "sync without calendar"
out=$(kith remind 2>&1)
grep -q 'no reminders' <<<"$out" && pass "remind (status) says there are none" || { not_ok "status after off"; diag "$out"; }

finish
