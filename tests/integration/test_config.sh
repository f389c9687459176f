#!/usr/bin/env bash
# test_config.sh: a server can never write kith's config, a config kith did
# not write never crashes it, saving keeps what the user wrote, the
# password command is bounded, and odd dates from a server read sensibly.
# Driven through the real binary against scripts/hostile-server.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith

n_servers=0
# hostile MODE [ARGS...]: start scripts/hostile-server; sets H_PORT, H_LOG.
hostile() {
	local mode=$1 i
	shift
	n_servers=$((n_servers + 1))
	H_LOG=$T/hostile-$n_servers.log
	spawn "$T/hostile-$n_servers.out" "$PY" "$KITH_SRCDIR/scripts/hostile-server" --mode "$mode" \
		--port-file "$T/hostile-$n_servers.port" --log "$H_LOG" --max-seconds 240 "$@"
	for ((i = 0; i < 100; i++)); do
		[[ -s $T/hostile-$n_servers.port ]] && break
		sleep 0.1
	done
	[[ -s $T/hostile-$n_servers.port ]] || die "hostile-server did not start: $(cat "$T/hostile-$n_servers.out")"
	H_PORT=$(cat "$T/hostile-$n_servers.port")
}

CFG() { printf '%s/kith/config' "$XDG_CONFIG_HOME"; }

# ---- a server's hrefs never become config lines
PWNED=$T/PWNED
hostile confhref --state-file "$PWNED"
kith_env
kith account add z "http://127.0.0.1:$H_PORT/home/" --user u --password-command "echo pw" \
	>"$T/out" 2>"$T/err"
expect_eq "$?" 0 "account add keeps the one honest book"
grep -q "1 address book" "$T/out" && pass "one book is kept" || not_ok "one book is kept: $(cat "$T/out")"
grep -q "skipping an address book (Book 1)" "$T/err" &&
	pass "the book with the overlong URL is skipped and named" ||
	not_ok "the overlong book is named: $(head -c 300 "$T/err")"
if grep -q "touch" "$(CFG)"; then
	not_ok "no password_command reached the config: $(grep -n touch "$(CFG)" | cut -c1-200)"
else
	pass "no password_command reached the config"
fi
expect_eq "$(awk 'length > 4096' "$(CFG)" | wc -l)" 0 "no config line is longer than 4096 bytes"
kith sync >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "the honest book syncs"
[[ -e $PWNED ]] && not_ok "the server's command never runs" || pass "the server's command never runs"

# ---- a config kith did not write: an error naming file and line, not a crash
kith_env
mkdir -p "$XDG_CONFIG_HOME/kith"
# bad_config WHAT WANT: the config at $(CFG) makes `account list` fail with WANT.
bad_config() {
	local rc
	kith account list >"$T/out" 2>"$T/err"
	rc=$?
	if [[ $rc == 1 ]] && grep -q -- "$2" "$T/err"; then
		pass "$1: a clear error ($(head -c 160 "$T/err"))"
	else
		not_ok "$1: exit $rc, $(head -c 300 "$T/err")"
	fi
}
printf '[account a]\nuser = u\n' >"$(CFG)"
bad_config "an account without url" "config line 1: account a has no url"
printf '[account a]\nurl = https://x.test/\n' >"$(CFG)"
bad_config "an account without user" "config line 1: account a has no user"
printf '[account a]\nurl = https://x.test/\nuser = u\n\n[account a]\nurl = https://y.test/\nuser = v\n' >"$(CFG)"
bad_config "a duplicate account" "config line 5: account a is already defined"
{ printf '[account a]\nurl = https://x.test/\nuser = u\nbook = https://x.test/'; head -c 5000 /dev/zero | tr '\0' a; printf '\n'; } >"$(CFG)"
bad_config "a line longer than 4096 bytes" "config line 4: longer than 4096 bytes"
printf '[account a]\nurl = https://x.test/\nuser = u\x1b]0;x\x07\n' >"$(CFG)"
bad_config "a control character" "config line 3: a control character"
printf 'url = https://x.test/\n' >"$(CFG)"
bad_config "a key outside a section" "config line 1: a key outside"
printf '[kith]\npassword_timeout = soon\n' >"$(CFG)"
bad_config "a bad password_timeout" "config line 2: password_timeout"
rm -f "$(CFG)"
mkdir "$(CFG)"
bad_config "a folder where the config should be" "is not a regular file"
rmdir "$(CFG)"
mkfifo "$(CFG)"
timeout 10 "$KITH_BIN" account list >"$T/out" 2>"$T/err"
expect_eq "$?" 1 "a FIFO for a config is refused at once, not waited on"
rm -f "$(CFG)"

# ---- saving keeps what the user wrote
hostile ok
kith_env
mkdir -p "$XDG_CONFIG_HOME/kith"
cat >"$(CFG)" <<EOF
# My own notes about these accounts.
[kith]
note_mirror = on
future_option = 7

; the old server, going away
[account old]
url = http://127.0.0.1:$H_PORT/book/
user = o
password_command = echo pw
colour = green
book = http://127.0.0.1:$H_PORT/book/

[account keep]
# kept as is
url=http://127.0.0.1:$H_PORT/book/
user=k
password_command=echo pw
EOF
cp "$(CFG)" "$T/before"
kith account add new "http://127.0.0.1:$H_PORT/book/" --user n --password-command "echo pw" >/dev/null 2>&1
expect_eq "$?" 0 "account add on a hand-written config"
kith account remove old >/dev/null 2>&1
expect_eq "$?" 0 "account remove on a hand-written config"
for line in "# My own notes about these accounts." "future_option = 7" "# kept as is" \
	"url=http://127.0.0.1:$H_PORT/book/" "user=k"; do
	grep -qxF -- "$line" "$(CFG)" && pass "kept: $line" || not_ok "kept: $line"
done
grep -q "colour = green\|user = o" "$(CFG)" && not_ok "the removed account's section is gone" ||
	pass "the removed account's section is gone"
grep -q "^\[account new\]" "$(CFG)" && pass "the new account is added" || not_ok "the new account is added"
list=$(kith account list 2>&1)
grep -q keep <<<"$list" && grep -q new <<<"$list" && ! grep -q old <<<"$list" &&
	pass "account list reads the result" || not_ok "account list reads the result: $list"
for bad in $'https://x.test/\npassword_command=touch '"$PWNED" "https://x.test/$(head -c 3000 /dev/zero | tr '\0' a)"; do
	kith account add bad "$bad" --user u --password-command "echo pw" >"$T/out" 2>"$T/err"
	expect_eq "$?" 2 "account add refuses a URL that cannot be one config line"
done
kith account add bad2 "http://127.0.0.1:$H_PORT/book/" --user $'u\rv' --password-command "echo pw" \
	>"$T/out" 2>"$T/err"
expect_eq "$?" 2 "account add refuses a user name with a CR"
grep -q "control character" "$T/err" && pass "and says why" || not_ok "and says why: $(cat "$T/err")"

# ---- the password command is bounded
kith_env
mkdir -p "$XDG_CONFIG_HOME/kith"
printf '[kith]\npassword_timeout = 2\n' >"$(CFG)"
start=$(date +%s)
timeout 60 "$KITH_BIN" account add hang "http://127.0.0.1:$H_PORT/book/" --user u \
	--password-command "sleep 50; echo pw" >"$T/out" 2>"$T/err"
rc=$?
took=$(($(date +%s) - start))
expect_eq "$rc" 1 "a password command that hangs fails"
((took < 15)) && pass "and is stopped after password_timeout (${took} s)" ||
	not_ok "and is stopped after password_timeout (took ${took} s)"
grep -q "did not finish within 2 s.*password_timeout" "$T/err" && pass "the error says so and names the setting" ||
	not_ok "the error names the setting: $(cat "$T/err")"
pgrep -f "sleep 50; echo pw" >/dev/null && not_ok "the hung command is killed" || pass "the hung command is killed"
start=$(date +%s)
timeout 60 "$KITH_BIN" account add bg "http://127.0.0.1:$H_PORT/book/" --user u \
	--password-command "sleep 40 & echo pw" >"$T/out" 2>"$T/err"
rc=$?
took=$(($(date +%s) - start))
expect_eq "$rc" 0 "a password command that leaves a child holding its output works"
((took < 15)) && pass "without waiting for that child (${took} s)" || not_ok "without waiting for that child (${took} s)"
pkill -f "sleep 40" 2>/dev/null
timeout 60 "$KITH_BIN" account add long "http://127.0.0.1:$H_PORT/book/" --user u \
	--password-command "head -c 5000 /dev/zero | tr '\\0' a" >"$T/out" 2>"$T/err"
expect_eq "$?" 1 "a password longer than 4096 bytes is an error"
grep -q "longer than 4096 bytes" "$T/err" && pass "that says so" || not_ok "that says so: $(cat "$T/err")"
timeout 60 "$KITH_BIN" account add multi "http://127.0.0.1:$H_PORT/book/" --user u \
	--password-command "printf 'pw\\nlogin: u\\nurl: x\\n'" >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "a password command that prints metadata after the password works (pass show)"
printf '\n[account hang2]\nurl = http://127.0.0.1:%s/book/\nuser = u\npassword_command = sleep 50\n' \
	"$H_PORT" >>"$(CFG)"
start=$(date +%s)
timeout 60 "$KITH_BIN" sync hang2 >"$T/out" 2>"$T/err"
rc=$?
took=$(($(date +%s) - start))
expect_eq "$rc" 1 "sync with a hanging password command fails"
((took < 15)) && pass "within the timeout (${took} s)" || not_ok "within the timeout (${took} s)"
pkill -f "sleep 50" 2>/dev/null

# ---- odd dates from a server
hostile odddates
kith_env
kith account add o "http://127.0.0.1:$H_PORT/book/" --user u --password-command "echo pw" >/dev/null 2>&1
kith sync >/dev/null 2>&1
export KITH_TODAY=2027-02-28
out=$(kith today 2>&1; kith show ok.vcf 2>&1; kith draft ok.vcf 2>&1; kith queue --all 2>&1; kith list 2>&1)
if kith today 2>&1 | grep -q "0000-02-30\|: today ("; then
	not_ok "BDAY:0000-02-30 is never a birthday today: $(kith today 2>&1 | grep -i -A3 birthday)"
else
	pass "BDAY:0000-02-30 is never a birthday today"
fi
grep -qi "few days" <<<"$out" && not_ok "a log dated 9999-12-31 never reads as a few days since" ||
	pass "a log dated 9999-12-31 never reads as a few days since"
grep -q "P0D\|every 0" <<<"$out" && not_ok "P0D is no cadence" || pass "P0D is no cadence"
grep -q "2026-02-30\|on no day at all" <<<"$out" && not_ok "a log dated 2026-02-30 is not shown as a touch" ||
	pass "a log dated 2026-02-30 is not shown as a touch"
grep -q "Odd Dates" <<<"$out" && pass "the person is still shown" || not_ok "the person is still shown"
kith log ok.vcf --via phone "called" >/dev/null 2>&1
expect_eq "$?" 0 "a card with odd dates can be logged to"
unset KITH_TODAY

finish
