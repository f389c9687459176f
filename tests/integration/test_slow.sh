#!/usr/bin/env bash
# test_slow.sh: a server that takes long over each card and sends nothing
# until it has them all. Xandikos does that (every href is looked up
# through the whole book: 30 ms a card at 1,500 on a slow machine), so one
# multiget of a large book is a minute of silence, and kith gives up on a
# server silent for the stall limit. Here scripts/faultproxy holds each
# multiget 10 ms per href in front of a real Xandikos, with the stall limit
# at 3 s: one multiget of the 600 cards would be 6 s of silence. kith must
# size its multigets by the time the last one took, and ask a multiget that
# stalled all the same again for fewer cards.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith

start_xandikos
make_xandikos_book slow >/dev/null || die "MKCOL failed"
seed_xandikos_book slow 600 --seed 5 >/dev/null || die "seeding failed"
start_faultproxy "$XANDIKOS_URL" --rate 0 --slow-per-href 0.01 --stall 8
book=${PROXY_URL}user/contacts/slow/
export KITH_HTTP_TIMEOUT=3

# hrefs=N of every multiget the proxy saw, one per line, in the order they
# came (the log is in the order they ended; field 2 is the request number)
multigets() { sort -k2,2n "$PROXY_LOG" | sed -n 's/.* hrefs=\([0-9]*\)$/\1/p'; }

# ---- sized by time: every answer comes before the stall limit
kith_env
kith account add s "$book" --user u --password-command "echo pw" >/dev/null 2>&1 ||
	die "account add failed"
kith sync >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "a first sync of 600 cards through a slow server succeeds"
grep -q "600 added" "$T/out" && pass "all 600 cards arrive ($(cat "$T/out"))" ||
	not_ok "all 600 arrive: $(cat "$T/out" "$T/err")"
max=$(multigets | sort -n | tail -1)
[[ -n $max ]] && ((max * 10 < 3000)) &&
	pass "no multiget asked for more than the stall limit allows (largest: $max hrefs)" ||
	not_ok "multigets sized by time: $(multigets | tr '\n' ' ')"
expect_eq "$(grep -c 'stalled\|timed out\|too slow' "$T/err")" 0 "nothing stalled"
tok=$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" "SELECT sync_token IS NOT NULL FROM book")
expect_eq "$tok" 1 "the sync token is stored"

# ---- a multiget that stalls anyway is asked again for fewer cards
: >"$PROXY_LOG"
kith_env
kith account add s "$book" --user u --password-command "echo pw" >/dev/null 2>&1
proxy_force stall REPORT 1 "" addressbook-multiget
kith sync >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "a sync whose first multiget stalls succeeds"
grep -q "600 added" "$T/out" && pass "all 600 cards arrive after the stall" ||
	not_ok "all 600 after the stall: $(cat "$T/out" "$T/err")"
first=$(multigets | sed -n 1p)
second=$(multigets | sed -n 2p)
[[ -n $first && -n $second ]] && ((second * 4 <= first)) &&
	pass "the multiget after the stalled one asks for a quarter as many ($first, then $second)" ||
	not_ok "asked again smaller: $(multigets | tr '\n' ' ')"
expect_eq "$(grep -c 'stalled' "$PROXY_LOG")" 1 "the stalled multiget was not sent again as it was"

# ---- a server that stalls every multiget still fails, and says so
kith_env
kith account add s "$book" --user u --password-command "echo pw" >/dev/null 2>&1
proxy_force stall REPORT 20 "" addressbook-multiget
kith sync >"$T/out" 2>"$T/err"
rc=$?
proxy_clear
expect_eq "$rc" 1 "a server that stalls every multiget fails the sync"
grep -q "the server stalled; run 'kith sync' again later" "$T/err" &&
	pass "and the error says the server stalled" || not_ok "stall named: $(cat "$T/err")"

finish
