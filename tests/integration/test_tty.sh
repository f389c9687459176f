#!/usr/bin/env bash
# test_tty.sh: the interactive shell on a real terminal, driven in tmux:
# the prompt, tab completion of a command and of a name with a space, the
# `next` flow with single keys, and history surviving a restart.
source "$(dirname "$0")/lib.sh"
need_servers
need_kith
command -v tmux >/dev/null 2>&1 || _need tmux
command -v less >/dev/null 2>&1 || _need less
start_xandikos
book=$(make_xandikos_book tty) || die "cannot make the book"

card ana.vcf UID:ana-1 'FN:Ana Lima' EMAIL:ana@example.com 'ORG:Acme Corp' X-KITH-CADENCE:P2W \
	'X-KITH-LOG:2026-11-10 meet 7f3a9c2e Coffee at the forum'
card bob.vcf UID:bob-1 'FN:Bob Stone' EMAIL:bob@example.com
card zoe.vcf UID:zoe-1 'FN:Zoë Ñandú' EMAIL:zoe@example.net CATEGORIES:Climbing

kith_env
export KITH_TODAY=2026-11-27
check "account add" kith account add x "$book" --user u --password-command 'echo x'
check "sync" kith sync

start_shell
expect_pane "kith (1 due)>" "the prompt shows how many are due"

type_text "his"
keys Tab
expect_pane "kith (1 due)> history" "Tab completes a command prefix"
keys C-u

type_text "show An"
keys Tab
expect_pane 'kith (1 due)> show "Ana Lima"' "Tab completes a name with a space, quoted"
keys Enter
expect_pane "Acme Corp" "and the completed line runs"

type_text 'show "Bo'
keys Tab
expect_pane 'show "Bob Stone"' "a quote the user opened is closed, not doubled"
[[ $(last_line) != *'""'* ]] && pass "no doubled quote" || { not_ok "no doubled quote"; diag "$(last_line)"; }
keys C-u
type_text "show Zo"
keys Tab
expect_pane 'show "Zoë Ñandú"' "a non-ASCII name completes too"
keys C-u
type_text "log --via phone Ana L"
keys Tab
expect_pane 'log --via phone Ana Lima' "a name typed unquoted completes from its first word"
[[ $(last_line) != *'"'* ]] && pass "without adding a quote" || { not_ok "without adding a quote"; diag "$(last_line)"; }
keys C-u

type_text "draft bob co"
keys Tab
expect_pane "draft bob congrats" "Tab completes a template name as draft's second word"
keys C-u
type_text "log bob --via ph"
keys Tab
expect_pane "log bob --via phone" "Tab completes a channel after --via"
keys C-u
type_text "queue --a"
keys Tab
expect_pane "queue --all" "Tab completes an option"
keys C-u

# Ctrl-C at the prompt drops the line and gives a fresh prompt, as in bash.
keys C-l
type_text "show Ana dropped"
keys C-c
expect_pane "show Ana dropped^C" "Ctrl-C at the prompt shows ^C"
sleep 0.2
[[ $(last_line) == "kith (1 due)> " || $(last_line) == "kith (1 due)>" ]] &&
	pass "and a fresh, empty prompt" || { not_ok "a fresh prompt after Ctrl-C"; diag "$(last_line)"; }
type_text "version"
keys Enter
expect_pane "kith 0." "the shell goes on after Ctrl-C (it used to end with 130)"
[[ $(pane) != *"Acme Corp"* ]] && pass "the dropped line did not run" || not_ok "the dropped line ran"

# add of someone already there asks, on a terminal
type_text 'add ana lima'
keys Enter
expect_pane "Ana Lima <ana@example.com> has that name already; add another anyway? [y/N]" \
	"add of a name already there asks"
type_text "n"
keys Enter
expect_pane "nothing added" "and adds nothing unless told yes"
# cadence --category says whom it changes and asks first, on a terminal
type_text 'cadence --category climbing 2w'
keys Enter
expect_pane "every 2 weeks for 1 person (Zoë Ñandú)? [y/N]" "cadence --category shows whom it changes and asks"
type_text "n"
keys Enter
expect_pane "nothing changed" "and changes nothing unless told yes"

keys C-l
type_text "next"
keys Enter
expect_pane "[l]og  [s]nooze  [d]raft  s[k]ip  [q]uit" "next shows the choice"
[[ $(pane) == *"1 of 1"*"Ana Lima · Acme Corp"*"every 2 weeks · 3 days overdue"*"Coffee at the forum"* ]] &&
	pass "next shows the card" || { not_ok "next shows the card"; diag "$(pane | grep -v '^$')"; }
keys l
expect_pane "via [phone]:" "one key, no Enter: l asks for the channel"
type_text "vid"
keys C-c
expect_pane "cancelled" "Ctrl-C at the channel question cancels it"
wait_count "[q]uit" 2 && pass "and asks for the choice again" ||
	{ not_ok "the choice again after Ctrl-C"; diag "$(pane | grep -v '^$' | tail -n 5)"; }
keys l
wait_count "via [phone]:" 2 && pass "l asks for the channel again" || not_ok "l asks for the channel again"
keys Enter
expect_pane "what did you talk about?" "Enter takes the default channel; then the text"
type_text "Never sent"
keys C-c
wait_count "[q]uit" 3 && [[ $(pane | grep -c cancelled) == 2 ]] &&
	pass "Ctrl-C at the text question cancels it, nothing logged" ||
	{ not_ok "Ctrl-C at the text question"; diag "$(pane | grep -v '^$' | tail -n 5)"; }
keys l
wait_count "via [phone]:" 3 && pass "and l starts over" || not_ok "l starts over"
keys Enter
wait_count "what did you talk about?" 2 || true
type_text "Tea in the garden"
expect_pane "what did you talk about? Tea in the garden" "the terminal echoes again after the raw key"
keys Enter
expect_pane "Done: 1 logged, 0 snoozed, 0 skipped; 0 still due." "next logs and finishes"
expect_pane "kith>" "the prompt comes back, nobody due"
type_text "show ana"
keys Enter
expect_pane "2026-11-27  phone   Tea in the garden" "show has the touch logged with single keys"

# Ctrl-C at the one-key choice quits next, and the terminal is sane after.
kith cadence bob 1w >/dev/null && kith log bob --date 2026-11-01 hello >/dev/null
keys C-l
type_text "next"
keys Enter
expect_pane "Bob Stone" "next again (Bob is due)"
keys C-c
expect_pane "Stopped: 0 logged" "Ctrl-C at the choice stops next"
type_text "version"
keys Enter
expect_pane "kith 0." "and the shell goes on, echoing"

# A narrow terminal: nothing runs past the edge, words are not cut (tall
# enough that help, 50 lines at 60 columns, needs no pager).
tmux -S "$SOCK" resize-window -t k -x 60 -y 50 >/dev/null 2>&1
keys C-l
type_text "help"
keys Enter
expect_pane "PERSON is a name" "help at 60 columns"
wide=$(pane | awk 'length($0) > 60' | wc -l)
expect_eq "$wide" 0 "help fits 60 columns"
pane | grep -q "a message to start from: reconnect, birthday,$" &&
	pass "help wraps at a word boundary" || { not_ok "help wraps at words"; diag "$(pane | grep -v '^$')"; }
keys C-l
type_text "next"
keys Enter
expect_pane "[l]og  [s]nooze" "next at 60 columns"
rule=$(pane | grep '── 1 of 1 ')
expect_eq "${#rule}" 60 "next's rule is exactly as wide as the terminal"
expect_eq "$(pane | awk 'length($0) > 60' | wc -l)" 0 "and the card fits"
keys q
expect_pane "Stopped: 0 logged" "q leaves next"
tmux -S "$SOCK" resize-window -t k -x 120 -y 40 >/dev/null 2>&1
keys C-l
type_text "version"
keys Enter
expect_pane "kith 0." "back at 120 columns"

type_text "quit"
keys Enter
for ((i = 0; i < 100; i++)); do
	tmux -S "$SOCK" has-session -t k 2>/dev/null || break
	sleep 0.05
done
tmux -S "$SOCK" has-session -t k 2>/dev/null && not_ok "quit leaves the shell" || pass "quit leaves the shell"
hist=$XDG_STATE_HOME/kith/history
[[ -f $hist && $(stat -c %a "$hist") == 600 ]] && pass "the history file is private" || not_ok "history file 0600"

start_shell
wait_for "kith>" || wait_for "due)>" || die "the shell did not start again"
keys Up
expect_pane "> quit" "Up shows the last command of the previous session"
keys Up
expect_pane "> version" "and the one before"
keys C-u
type_text "quit"
keys Enter

# Output taller than the terminal goes through a pager (less -FRX), as git's.
start_shell 100 12
wait_for "kith>" || wait_for "due)>" || die "the shell did not start again"
type_text "help"
keys Enter
sleep 0.5
expect_pane "account   add, list or remove" "help in a 12-line terminal starts in the pager"
[[ $(pane) != *"PERSON is a name"* ]] && pass "and waits there, one screen at a time" ||
	{ not_ok "paged"; diag "$(pane)"; }
keys q
sleep 0.3
type_text "version"
keys Enter
expect_pane "kith 0." "q leaves the pager, back in the shell"
type_text "quit"
keys Enter
finish
