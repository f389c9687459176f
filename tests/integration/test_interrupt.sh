#!/usr/bin/env bash
# test_interrupt.sh: Ctrl-C during a long sync. A real Xandikos with 600
# cards behind scripts/faultproxy, which holds each multiget 10 ms a card,
# so a first sync takes seconds. SIGINT (what Ctrl-C sends) must stop the
# sync within a second or two, keep the cards it committed, say so, exit
# 130, and the next sync must fetch only the rest. In the shell (tmux),
# Ctrl-C stops the sync and not the shell.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith
command -v tmux >/dev/null 2>&1 || _need tmux

start_xandikos
make_xandikos_book slow >/dev/null || die "MKCOL failed"
seed_xandikos_book slow 600 --seed 5 >/dev/null || die "seeding failed"
start_faultproxy "$XANDIKOS_URL" --rate 0 --slow-per-href 0.01
book=${PROXY_URL}user/contacts/slow/
db_cards() { sqlite3 "$XDG_DATA_HOME/kith/kith.db" 'SELECT count(*) FROM card' 2>/dev/null || echo 0; }

# ---- one-shot: kill -INT while cards are arriving
kith_env
kith account add s "$book" --user u --password-command "echo pw" >/dev/null 2>&1 ||
	die "account add failed"
# A script's background job ignores SIGINT (and kith keeps it so): this
# one gets SIGINT's default back first, as a job on a terminal has it.
"$PY" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$KITH_BIN" sync >"$T/out" 2>"$T/err" &
pid=$!
for ((i = 0; i < 200; i++)); do
	(($(db_cards) > 0)) && break
	sleep 0.05
done
(($(db_cards) > 0)) || diag "no card committed before the interrupt"
t0=$(date +%s.%N)
kill -INT "$pid"
wait "$pid"
rc=$?
t1=$(date +%s.%N)
expect_eq "$rc" 130 "a sync interrupted by SIGINT exits 130"
"$PY" -c "import sys; sys.exit(0 if $t1 - $t0 < 3 else 1)" &&
	pass "and stops at once ($("$PY" -c "print('%.1f' % ($t1 - $t0))") s)" ||
	not_ok "stops at once (took $("$PY" -c "print('%.1f' % ($t1 - $t0))") s)"
grep -q "sync interrupted (Ctrl-C): the cards and notes it committed are kept" "$T/err" &&
	pass "it says what was kept and what to do" || { not_ok "says so"; diag "$(cat "$T/err")"; }
kept=$(db_cards)
((kept > 0 && kept < 600)) && pass "the cards committed before it are kept ($kept)" ||
	not_ok "cards kept: $kept"
expect_eq "$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" 'PRAGMA integrity_check')" ok "the cache is intact"
expect_eq "$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" 'SELECT count(*) FROM book WHERE sync_token IS NOT NULL')" 0 \
	"no sync token is stored for a sync that did not finish"
kith sync >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "the next sync finishes"
grep -q " $((600 - kept)) added" "$T/out" && pass "fetching only the $((600 - kept)) others" ||
	{ not_ok "only the others"; diag "$(cat "$T/out" "$T/err")"; }

# ---- in the shell: Ctrl-C stops the sync, the shell goes on
kith_env
kith account add s "$book" --user u --password-command "echo pw" >/dev/null 2>&1
start_shell
wait_for "kith>" || die "the shell did not start"
type_text "sync"
keys Enter
for ((i = 0; i < 200; i++)); do
	(($(db_cards) > 0)) && break
	sleep 0.05
done
keys C-c
wait_for "sync interrupted (Ctrl-C)" 5 && pass "Ctrl-C in the shell stops the sync, saying so" ||
	{ not_ok "the shell's sync stops"; diag "$(pane | grep -v '^$' | tail -n 8)"; }
type_text "version"
keys Enter
wait_for "kith 0." 5 && pass "and the shell goes on" || { not_ok "the shell goes on"; diag "$(pane | grep -v '^$' | tail -n 8)"; }
kept=$(db_cards)
type_text "sync"
keys Enter
wait_for " $((600 - kept)) added" 30 && pass "a sync in the same shell then fetches the $((600 - kept)) others" ||
	{ not_ok "the next sync in the shell"; diag "$(pane | grep -v '^$' | tail -n 8)"; }
expect_eq "$(db_cards)" 600 "all 600 cards then"
line=$(pane | grep " $((600 - kept)) added" | tail -n 1)
[[ $line != *"MB..."* && $line != *" cards, "* ]] &&
	pass "the summary line is clean: no progress text left on it" ||
	{ not_ok "progress text left on the summary line"; diag "$line"; }
[[ $line == "${book} ($book): "* || $line == *"($book): "* ]] &&
	pass "and names the book by its name and its URL" || { not_ok "book named with its URL"; diag "$line"; }

# ---- a failed book says so, named like the others
# (Xandikos answers a sync of a book that is not there as an empty one:
# the proxy refuses that book's requests instead.)
cfg=$XDG_CONFIG_HOME/kith/config
printf 'book = %s\n' "${PROXY_URL}user/contacts/broken/" >>"$cfg"
proxy_force 403 "" 20 "/broken/"
out=$(kith sync 2>"$T/err")
expect_eq "$?" 1 "a sync with one broken book exits 1"
proxy_clear
grep -q "${PROXY_URL}user/contacts/broken/)\?: FAILED (see above), after 0 added" <<<"$out" &&
	pass "its summary line says FAILED" || { not_ok "FAILED on the summary"; diag "$out" "$(cat "$T/err")"; }
grep -q "($book): 0 added, 0 changed, 0 removed, 0 pushed" <<<"$out" &&
	pass "the other book's line is as before" || { not_ok "the other book"; diag "$out"; }
finish
