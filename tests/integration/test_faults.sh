#!/usr/bin/env bash
# test_faults.sh: the sync engine under faults, through scripts/faultproxy in
# front of a real Radicale seeded with 200 people.
#
#  (a) one forced fault of each kind, on a listing, a multiget and a PUT:
#      the sync retries and succeeds, or exits 1 with a message, and the
#      next one converges; a lost PUT answer never doubles a note
#  (b) a 20% random fault rate (every kind but stall) under 40 notes typed
#      offline across 30 people: no crash, every failed run says why, runs
#      converge, every note on the server exactly once
#  (c) a read-only book (403 on PUT): notes stay local, the user is told
#  (d) a card deleted on the server while notes were pending: kept, shown,
#      not resurrected
#  (e) a server that strips X-KITH properties: named, notes kept
#  (f) SIGKILL at random moments during a push of 40 notes: the cache stays
#      sound and the next run converges, every note on the server once
#  (g) a front proxy with a request-size limit (413): multigets shrink
#  (h) faults on the second, pipelined multiget of a 2,500-card book
#
# Every request of kith goes through the proxy; the checks read the server
# straight from Radicale.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith
command -v sqlite3 >/dev/null 2>&1 || _need sqlite3

# A stall past the timeout should not cost 30 s a time (sync/http.c).
export KITH_HTTP_TIMEOUT=2
export KITH_TODAY=2026-11-23

start_radicale
book=$(seed_radicale_book f 200 --seed 5) || fail "seeding 200 people"
start_faultproxy "$RADICALE_URL" --stall 10 --seed 42
PROXY_BOOK=${PROXY_URL}alice/f/
ORIGIN=${RADICALE_URL%/}
kith_env
DB=$XDG_DATA_HOME/kith/kith.db
kith account add f "$PROXY_BOOK" --user alice --password-command "$(radicale_password_command)" >/dev/null 2>&1 ||
	fail "account add through the proxy"

# ---------------------------------------------------------------- helpers

RUNS=0
CRASHES=0
SILENT=0
# sync_run: one 'kith sync' (the binary); sets RC, OUT, ERR; counts a
# crash (an exit other than 0 or 1, or a sanitizer report) and a failed run
# that said nothing.
sync_run() {
	RUNS=$((RUNS + 1))
	"$KITH_BIN" sync >"$T/out" 2>"$T/err"
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
	if [[ $RC != 0 && $RC != 1 ]] || grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' "$T/err"; then
		CRASHES=$((CRASHES + 1))
		diag "run $RUNS crashed (exit $RC):" "$(tail -n 30 "$T/err")"
	fi
	if [[ $RC == 1 ]] && ! grep -q '^kith: ' "$T/err"; then
		SILENT=$((SILENT + 1))
		diag "run $RUNS failed without a message"
	fi
}

# sync_ok MSG: a sync that must exit 0.
sync_ok() {
	sync_run
	if [[ $RC == 0 ]]; then pass "$1"; else not_ok "$1 (exit $RC)"; diag "$ERR"; fi
}

# sync_heals MSG: a sync that either succeeds (a retry got through) or exits
# 1 with a message; in the second case the next sync must succeed.
sync_heals() {
	sync_run
	if [[ $RC == 0 ]]; then
		pass "$1: retried, the sync succeeds"
	elif [[ $RC == 1 ]] && grep -q '^kith: .*HTTP [0-9]\{3\} (.*[a-z])' <<<"$ERR$OUT"; then
		pass "$1: exit 1 with the status and what to do"
		diag "$ERR"
		sync_ok "$1: the next sync converges"
	else
		not_ok "$1 (exit $RC)"
		diag "$ERR"
	fi
}

# sync_fails MSG REGEX: a sync that must exit 1 with a kith: line matching REGEX.
sync_fails() {
	sync_run
	if [[ $RC == 1 ]] && grep -Eq "$2" <<<"$ERR"; then
		pass "$1"
	else
		not_ok "$1 (exit $RC)"
		diag "stderr: $ERR" "want: $2"
	fi
}

# server_ids HREF: the X-KITH-LOG ids of the card on the server, one a line
# (straight from Radicale, unfolded); nothing when it is absent.
server_ids() {
	get_card "$ORIGIN$1" 2>/dev/null | tr -d '\r' | sed ':a;N;$!ba;s/\n[ \t]//g' |
		sed -n 's/^X-KITH-LOG:[0-9-]* [a-z]* \([0-9a-f]\{8\}\) .*/\1/p' | sort
}

# local_ids PERSON [pending]: kith's log ids of PERSON (only the pending ones
# with "pending"), sorted.
local_ids() {
	"$KITH_BIN" show --json "$1" | "$PY" -c 'import json, sys
v = json.load(sys.stdin)
for e in v.get("log") or []:
    if len(sys.argv) < 2 or e.get("pending"):
        print(e["id"])' ${2:+"$2"} | sort
}

# note PERSON TEXT: log a note; prints its id.
note() {
	"$KITH_BIN" log "$1" --via phone "$2" | sed -n 's/^logged \([0-9a-f]\{8\}\) .*/\1/p'
}

# once HREF ID MSG: ID is on the server's card exactly once.
once() {
	local n
	n=$(server_ids "$1" | grep -c "^$2\$")
	expect_eq "$n" 1 "$3"
}

pending_total() { sqlite3 "$DB" 'SELECT count(*) FROM outbox'; }

# ---------------------------------------------------------------- start

sync_ok "initial sync of 200 people through the proxy"
mapfile -t HREFS < <("$KITH_BIN" list --json | "$PY" -c 'import json, sys
for p in json.load(sys.stdin): print(p["href"])')
expect_eq "${#HREFS[@]}" 200 "200 people in the cache"
seg() { local h=${HREFS[$1]}; echo "${h##*/}"; }

# ---------------------------------------------------------------- (a) single faults

# Transient faults on the first request (the sync report) and on a PUT: the
# retry succeeds; the note lands once.
i=0
for fault in 503 503noretry 500 429 notxml cut; do
	for where in REPORT PUT; do
		p=$(seg $i)
		id=$(note "$p" "single $fault on $where")
		proxy_force "$fault" "$where" 1
		t0=$SECONDS
		if [[ $fault == notxml && $where == PUT ]]; then
			# A 207 to a PUT is no "stored": not retried blindly.
			sync_heals "one $fault on $where"
		else
			sync_ok "one $fault on $where: retried, the sync succeeds"
		fi
		once "${HREFS[$i]}" "$id" "one $fault on $where: the note is on the server once"
		expect_eq "$(proxy_stat pending)" 0 "one $fault on $where: the fault was used"
		((SECONDS - t0 <= 20)) || not_ok "one $fault on $where took $((SECONDS - t0)) s"
		i=$((i + 1))
	done
done

# A multiget cut mid-body: change 20 cards on the server, cut the answer.
change_cards() {   # FROM COUNT TAG: change COUNT cards on the server, from index FROM
	local k
	for ((k = $1; k < $1 + $2; k++)); do
		get_card "$ORIGIN${HREFS[$k]}" | sed "/^TITLE[:;]/d; s/^END:VCARD/TITLE:$3\r\nEND:VCARD/" >"$T/c.vcf"
		put_card -m "$(cat "$T/.etag")" "$ORIGIN${HREFS[$k]}" "$T/c.vcf" >/dev/null || fail "PUT by another client"
	done
}
change_cards 100 20 Cut1
proxy_force cut REPORT 1 "" addressbook-multiget
sync_ok "a multiget cut mid-body is fetched again"
grep -q "20 changed" <<<"$OUT" && pass "the 20 changes arrived after the cut" || { not_ok "20 changed"; diag "$OUT"; }
expect_eq "$("$KITH_BIN" show --json "$(seg 119)" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["title"])')" Cut1 \
	"the last changed card is current"

# Persistent faults: every attempt fails; exit 1 with a message, then converge.
change_cards 120 5 Cut2
proxy_force cut REPORT 4 "" addressbook-multiget
sync_fails "a multiget cut on every attempt: exit 1, says which book" "kith: .*(alice/f/|fetching cards).*"
grep -q "sync. again\\|sync again\\|check" <<<"$ERR" && pass "the message says what to do" || { not_ok "what to do"; diag "$ERR"; }
sync_ok "the next sync converges"
grep -q "5 changed" <<<"$OUT" && pass "the 5 changes arrived" || { not_ok "5 changed"; diag "$OUT"; }

proxy_force 503noretry REPORT 4
sync_fails "503 on every attempt: exit 1 naming the status" "HTTP 503.*(later|again)"
grep -q "alice/f/" <<<"$ERR" && pass "the 503 message names the book" || { not_ok "names the book"; diag "$ERR"; }
sync_ok "after the 503s the sync converges"

p=$(seg 20)
id=$(note "$p" "500 on every PUT attempt")
proxy_force 500 PUT 4
sync_fails "500 on every PUT attempt: exit 1 naming the card and status" "HTTP 500"
grep -q "$("$KITH_BIN" show --json "$p" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["fn"])')" <<<"$ERR" &&
	pass "the PUT failure names the person" || { not_ok "names the person"; diag "$ERR"; }
expect_eq "$(local_ids "$p" pending)" "$id" "the note is still pending after the failed push"
sync_ok "the next sync pushes it"
once "${HREFS[20]}" "$id" "the note is on the server once after the 500s"

# A stall past the timeout: the attempt is given up after KITH_HTTP_TIMEOUT
# and retried.
p=$(seg 21)
id=$(note "$p" "a stall")
proxy_force stall PUT 1
t0=$SECONDS
sync_ok "a stalled PUT times out and is retried"
dt=$((SECONDS - t0))
((dt >= 2 && dt <= 15)) && pass "the stall cost the timeout, not more (${dt} s)" || not_ok "stall took ${dt} s"
once "${HREFS[21]}" "$id" "the note is on the server once after the stall"
proxy_force stall REPORT 4
t0=$SECONDS
sync_fails "a server that stalls on every attempt: exit 1" "stalled|timed out|Timeout"
dt=$((SECONDS - t0))
((dt <= 25)) && pass "four stalls cost four timeouts and the backoff (${dt} s)" || not_ok "four stalls took ${dt} s"
sync_ok "the next sync converges after the stalls"

# The PUT lands, its answer is lost (once, then on every attempt).
p=$(seg 22)
id=$(note "$p" "lost answer")
proxy_force lostput PUT 1
sync_ok "a lost PUT answer: the retry sees 412, merges, succeeds"
once "${HREFS[22]}" "$id" "a lost PUT answer does not double the note"
p=$(seg 23)
id=$(note "$p" "every answer lost")
proxy_force lostput PUT 4
# curl itself retries once on a reused connection that died, so four lost
# answers may or may not exhaust kith's attempts.
sync_run
if [[ $RC == 0 ]] || { [[ $RC == 1 ]] && grep -q '^kith: .*PUT' <<<"$ERR"; }; then
	pass "every PUT answer lost: exit $RC${ERR:+ with a message}"
else
	not_ok "every PUT answer lost: exit $RC"
	diag "$ERR"
fi
proxy_clear
sync_ok "the next sync converges after the lost answers"
once "${HREFS[23]}" "$id" "every answer lost: the note is still on the server once"
expect_eq "$(pending_total)" 0 "no note pending after the single faults"
proxy_clear

# ---------------------------------------------------------------- (c) read-only book

proxy_force 403 PUT 100
ro_ids=()
for k in 30 31 32; do ro_ids+=("$(note "$(seg $k)" "read-only $k")"); done
sync_fails "a read-only book: exit 1" "read-only"
grep -q "403" <<<"$ERR" && pass "the message gives the status 403" || { not_ok "403 in message"; diag "$ERR"; }
grep -q "stay here" <<<"$ERR" && pass "the message says the notes stay here" || { not_ok "stay here"; diag "$ERR"; }
"$KITH_BIN" show "$(seg 30)" | grep -q "read-only 30.*not yet synced" &&
	pass "show lists the note as not yet synced" || { not_ok "show not yet synced"; "$KITH_BIN" show "$(seg 30)" | diag "$(cat)"; }
expect_eq "$(server_ids "${HREFS[30]}" | grep -c "^${ro_ids[0]}\$")" 0 "the note did not reach the server"
proxy_clear
sync_ok "the book writable again: the sync pushes"
for k in 0 1 2; do once "${HREFS[30 + k]}" "${ro_ids[$k]}" "read-only note $k on the server once"; done

# ---------------------------------------------------------------- (d) deleted on the server

p=$(seg 40)
id=$(note "$p" "deleted meanwhile")
delete_card "$ORIGIN${HREFS[40]}" || fail "DELETE by another client"
sync_run
grep -q "deleted on the server" <<<"$OUT$ERR" && pass "sync says the card was deleted on the server" ||
	{ not_ok "sync says deleted"; diag "$OUT" "$ERR"; }
[[ $RC == 0 || $RC == 1 ]] && pass "sync exits cleanly ($RC)" || not_ok "exit $RC"
get_card "$ORIGIN${HREFS[40]}" >/dev/null
expect_eq "$(last_status)" 404 "the deleted card is not resurrected"
"$KITH_BIN" show "$p" >"$T/show" 2>&1
grep -q "deleted on the server" "$T/show" && grep -q "deleted meanwhile" "$T/show" &&
	pass "show keeps the note and says the card is gone" || { not_ok "show gone"; diag "$(cat "$T/show")"; }
sync_run
get_card "$ORIGIN${HREFS[40]}" >/dev/null
expect_eq "$(last_status)" 404 "still not resurrected by the next sync"
expect_eq "$(local_ids "$p" pending)" "$id" "the note is still kept locally"

# ---------------------------------------------------------------- (e) a server that strips X-KITH

p=$(seg 41)
id=$(note "$p" "stripped")
proxy_force strip PUT 1
sync_fails "a server stripping X-KITH: exit 1" "did not keep kith's X-KITH"
grep -q "${PROXY_URL%/}" <<<"$ERR" && pass "the message names the server" || { not_ok "names server"; diag "$ERR"; }
expect_eq "$(local_ids "$p" pending)" "$id" "the stripped note stays pending here"
sync_ok "a server that keeps them: the next sync pushes"
once "${HREFS[41]}" "$id" "the once-stripped note is on the server once"

# ---------------------------------------------------------------- (b) 20% random faults

# HREFS[40] is gone with a note kept; leave it aside.
declare -A want=()
for ((n = 0; n < 40; n++)); do
	k=$((50 + n % 30))
	id=$(note "$(seg $k)" "offline note $n; with a semicolon, and a comma")
	[[ -n $id ]] || not_ok "log offline note $n"
	want[$k]+="$id "
done
proxy_rate 0.2
curl -sS -f -o /dev/null -X POST -d faults=503,503noretry,500,429,cut,lostput,notxml "${PROXY_URL}__fault"
RUNS=0
CRASHES=0
SILENT=0
converged=0
failed_runs=0
t0=$SECONDS
for ((r = 1; r <= 15 && SECONDS - t0 < 100; r++)); do
	sync_run
	if [[ $RC == 0 ]]; then converged=$r; break; fi
	failed_runs=$((failed_runs + 1))
	diag "random-fault run $r: exit $RC: $(grep '^kith: ' "$T/err" | head -n 2)"
done
faults=$(proxy_stats | "$PY" -c 'import json,sys; s=json.load(sys.stdin); print(sum(s["faults"].values()), s["requests"])')
proxy_rate 0
diag "20% faults: converged on run $converged after $failed_runs failed run(s); faults/requests: $faults; $((SECONDS - t0)) s"
((converged > 0)) && pass "20% faults: converged in $converged run(s)" || not_ok "20% faults: no convergence in 15 runs"
expect_eq "$CRASHES" 0 "20% faults: kith never crashed (exit 0 or 1, no sanitizer report)"
expect_eq "$SILENT" 0 "20% faults: every failed run printed a message"
expect_eq "$(pending_total)" 1 "20% faults: nothing pending but the deleted card's note"
dups=0
missing=0
mismatch=0
for k in "${!want[@]}"; do
	sids=$(server_ids "${HREFS[$k]}")
	for id in ${want[$k]}; do
		c=$(grep -c "^$id\$" <<<"$sids")
		((c == 0)) && missing=$((missing + 1))
		((c > 1)) && dups=$((dups + 1))
	done
	[[ $sids == "$(local_ids "$(seg $k)")" ]] || { mismatch=$((mismatch + 1)); diag "person $k: server $sids, local $(local_ids "$(seg $k)")"; }
done
expect_eq "$missing" 0 "20% faults: no note missing on the server"
expect_eq "$dups" 0 "20% faults: no note twice on the server"
expect_eq "$mismatch" 0 "20% faults: kith's log ids equal the server's for all 30 people"

# ---------------------------------------------------------------- (f) SIGKILL during a push

# Notes go to people 100..199; whenever the outbox runs low, 10 more are
# typed, so that most kills land inside a push.
cursor=100
add_notes() {   # COUNT
	local n
	for ((n = 0; n < $1; n++)); do
		note "$(seg $cursor)" "killed push $cursor" >/dev/null
		cursor=$((cursor + 1))
	done
}
add_notes 40
kills=0
midpush=0
bad_ic=0
RANDOM=7
for ((r = 0; r < 10; r++)); do
	(($(pending_total) > 6 || cursor + 10 > 200)) || add_notes 10
	before=$(pending_total)
	"$KITH_BIN" sync >/dev/null 2>&1 &
	pid=$!
	sleep "0.$((RANDOM % 9 + 1))$((RANDOM % 10))"
	kill -KILL "$pid" 2>/dev/null && kills=$((kills + 1))
	wait "$pid" 2>/dev/null
	ic=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
	[[ $ic == ok ]] || { bad_ic=$((bad_ic + 1)); diag "integrity_check after kill $r: $ic"; }
	after=$(pending_total)
	((after < before && after > 1)) && midpush=$((midpush + 1))
	diag "kill $r: pending ops $before -> $after"
done
diag "SIGKILL: $kills kill(s) landed, $midpush in the middle of a push; $((cursor - 100)) notes"
((midpush >= 3)) && pass "at least 3 kills landed in the middle of a push ($midpush)" || not_ok "only $midpush kills landed mid-push"
expect_eq "$bad_ic" 0 "integrity_check ok after every kill"
for ((r = 1; r <= 3; r++)); do
	sync_run
	[[ $RC == 0 ]] && break
done
expect_eq "$RC" 0 "the sync after the kills converges"
expect_eq "$(pending_total)" 1 "after the kills nothing pending but the deleted card's note"
dups=0
missing=0
for ((k = 100; k < cursor; k++)); do
	sids=$(server_ids "${HREFS[$k]}")
	lids=$(local_ids "$(seg $k)")
	for id in $lids; do
		c=$(grep -c "^$id\$" <<<"$sids")
		((c == 0)) && missing=$((missing + 1))
		((c > 1)) && dups=$((dups + 1))
	done
	[[ -n $lids ]] || missing=$((missing + 1))
done
expect_eq "$missing" 0 "after the kills every note is on the server"
expect_eq "$dups" 0 "after the kills no note is on the server twice"
# ---------------------------------------------------------------- (g) a request-size limit
# A front proxy that refuses bodies over 8 KB (nginx's client_max_body_size):
# the multiget of all 200 cards (about 12 KB of hrefs) gets 413, then kith
# asks for them in halves.
start_faultproxy "$RADICALE_URL" --max-body 8000
kith_env
kith account add g "${PROXY_URL}alice/f/" --user alice --password-command "$(radicale_password_command)" >/dev/null 2>&1 ||
	fail "account add through the size-limited proxy"
sync_ok "behind a proxy that refuses request bodies over 8 KB, the sync gets through"
expect_eq "$(proxy_stat faults.413)" 1 "one multiget was refused as too large"
on_server=$(find "$RADICALE_STORE/alice/f" -maxdepth 1 -name '*.vcf' | wc -l)
expect_eq "$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" 'SELECT count(*) FROM card')" "$on_server" \
	"and every card on the server arrived, in smaller multigets"
expect_eq "$(proxy_stat methods.REPORT)" 4 "a listing, the refused multiget, then two halves"

# ---------------------------------------------------------------- (h) the pipelined multiget
# 2,500 cards are fetched in several multigets, sized by time (200 first,
# then as many as fit; the last chunk split 70/30 when it is most of a
# large book, its second part sent from a thread into a temporary file as
# the first answer arrives). Faults on the last one: retried there, or its
# hrefs asked again, and only those.
seed_radicale_book p 2500 --seed 8 >/dev/null || fail "seeding 2500 people"
warm_radicale_book "${RADICALE_URL}alice/p/" || fail "warming the 2500-card book"
start_faultproxy "$RADICALE_URL"
on_server=$(find "$RADICALE_STORE/alice/p" -maxdepth 1 -name '*.vcf' | wc -l)
# The last href in kith's (byte) order is in the last multiget only.
tail_href=$(find "$RADICALE_STORE/alice/p" -maxdepth 1 -name '*.vcf' -printf '%f\n' | LC_ALL=C sort | tail -n 1)
# multigets: the hrefs= of each multiget through the proxy since the log
# was emptied, in the order they were sent.
multigets() { sort -k2,2n "$PROXY_LOG" | sed -n 's/.* hrefs=\([0-9]*\)$/\1/p'; }
sum_lines() { awk '{ s += $1 } END { print s + 0 }'; }
for fault in none cut notxml garble 500; do
	kith_env
	kith account add p "${PROXY_URL}alice/p/" --user alice \
		--password-command "$(radicale_password_command)" >/dev/null 2>&1 ||
		fail "account add for the pipelined book"
	[[ $fault == none ]] || proxy_force "$fault" REPORT 1 "" "$tail_href"
	: >"$PROXY_LOG"
	sync_ok "2,500 cards with a $fault fault on the last multiget: the sync succeeds"
	expect_eq "$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" 'SELECT count(*) FROM card')" "$on_server" \
		"$fault: every card arrived"
	expect_eq "$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" 'SELECT count(*) FROM card_fts')" "$on_server" \
		"$fault: and is searchable"
	[[ $OUT == *" $on_server added, 0 changed, 0 removed"* ]] && pass "$fault: each counted once" ||
		{ not_ok "$fault: counted once"; diag "$OUT"; }
	sizes=$(multigets)
	asked=$(sum_lines <<<"$sizes")
	if [[ $fault == none ]]; then
		expect_eq "$asked" "$on_server" "none: every card asked for once ($(tr '\n' ' ' <<<"$sizes"))"
		(($(wc -l <<<"$sizes") >= 3)) && pass "none: in three multigets or more" ||
			not_ok "none: multigets $(tr '\n' ' ' <<<"$sizes")"
	else
		# The faulted multiget's cards, or those of them that did not
		# arrive, are asked again; no other card is.
		faulted=$(grep -F "[$fault]" "$PROXY_LOG" | sed -n 's/.* hrefs=\([0-9]*\)$/\1/p' | head -n 1)
		((asked > on_server && asked <= on_server + ${faulted:-0})) &&
			pass "$fault: only the faulted multiget's cards asked again ($((asked - on_server)) of ${faulted:-?})" ||
			{ not_ok "$fault: asked $asked for $on_server"; diag "$(tr '\n' ' ' <<<"$sizes")"; }
	fi
done

# The last multiget cut in the middle at every attempt: the sync fails,
# but keeps the cards of the multigets before it (each committed as it
# streamed in), and the next one fetches only the others.
kith_env
kith account add p "${PROXY_URL}alice/p/" --user alice \
	--password-command "$(radicale_password_command)" >/dev/null 2>&1 ||
	fail "account add for the pipelined book"
proxy_force cut REPORT 20 "" "$tail_href"
sync_fails "every attempt at the last multiget cut off: exit 1, saying so" 'kith: .*fetching cards of'
proxy_clear
kept=$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" 'SELECT count(*) FROM card')
((kept > 0 && kept < on_server)) && pass "the cards committed before the cut are kept ($kept)" ||
	not_ok "cards committed before the cut kept (kept $kept)"
sync_ok "the next sync succeeds"
[[ $OUT == *" $((on_server - kept)) added, 0 changed"* ]] &&
	pass "and fetches only the $((on_server - kept)) others" || { not_ok "only the others fetched"; diag "$OUT"; }
expect_eq "$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" 'SELECT count(*) FROM card')" "$on_server" "all cards then"

expect_eq "$CRASHES" 0 "no crash in any run"

finish
