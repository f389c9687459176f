#!/usr/bin/env bash
# test_secrets.sh: the password and the Secret Service keyring, for real: a
# gnome-keyring-daemon on a private session bus (dbus-run-session), Radicale
# with a password. The password typed at 'account add' (standard input)
# goes to the keyring, is read back at sync, is removed by 'account remove',
# and appears in no file of kith's, no output, no process argument or
# environment. Files kith creates are 0600, its folders 0700.

# Re-run inside a private session bus, before lib.sh makes $T.
if [[ -z ${KITH_IN_DBUS:-} ]] && command -v dbus-run-session >/dev/null 2>&1 &&
	command -v gnome-keyring-daemon >/dev/null 2>&1; then
	# A keyring daemon the bus starts on demand writes its environment to
	# the bus's stdout, which is this test's TAP stream: made a comment.
	KITH_IN_DBUS=1 dbus-run-session -- bash "$0" "$@" \
		2> >(grep -v 'Failed to set fd limit' >&2) |
		sed -u 's/^GNOME_KEYRING_/# GNOME_KEYRING_/'
	exit "${PIPESTATUS[0]}"
fi

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith
for c in dbus-run-session gnome-keyring-daemon secret-tool; do
	command -v "$c" >/dev/null 2>&1 || _need "$c"
done
[[ -n ${DBUS_SESSION_BUS_ADDRESS:-} ]] || _need "a session bus (dbus-run-session)"

# The keyring daemon keeps its files apart from kith's home.
KR=$T/keyring-home
mkdir -p "$KR/.local/share" && chmod -R 700 "$KR"
printf 'keyring-unlock-pw' | HOME=$KR XDG_DATA_HOME=$KR/.local/share \
	gnome-keyring-daemon --unlock --components=secrets >"$T/keyring.env" 2>/dev/null
sed -n 's/^\(GNOME_KEYRING_CONTROL=.*\)/export \1/p' "$T/keyring.env" >"$T/keyring.sh"
source "$T/keyring.sh"
BUS=$DBUS_SESSION_BUS_ADDRESS
printf 'probe' | secret-tool store --label='kith test probe' kith-test probe >/dev/null 2>&1
[[ $(secret-tool lookup kith-test probe 2>/dev/null) == probe ]] || _need "a working gnome-keyring (secret-tool store/lookup failed)"
secret-tool clear kith-test probe >/dev/null 2>&1
pass "gnome-keyring answers on the private session bus"

start_radicale
book=$(seed_radicale_book people 300 --seed 3) || fail "seeding"
start_faultproxy "$RADICALE_URL"
kith_env
export DBUS_SESSION_BUS_ADDRESS=$BUS
PW=$RADICALE_PASS
# kith must not find the password in its environment because the test put it there.
export -n RADICALE_PASS
# kith's items carry its schema name (libsecret matches on it).
SCHEMA=(xdg:schema org.kith.Password)
ALL_OUT=$T/all-output
: >"$ALL_OUT"

# ---- account add: the password from standard input, into the keyring
printf '%s\n' "$PW" | kith account add s "$PROXY_URL" --user "$RADICALE_USER" >"$T/o" 2>&1
rc=$?
cat "$T/o" >>"$ALL_OUT"
expect_eq "$rc" 0 "account add without --password-command, the password on standard input"
grep -q "keyring" "$T/o" && pass "account add says the password is in the keyring" || { not_ok "says keyring"; diag "$(cat "$T/o")"; }
got=$(secret-tool lookup account s user "$RADICALE_USER" 2>/dev/null)
[[ $got == "$PW" ]] && pass "the keyring holds the password (secret-tool lookup account s user $RADICALE_USER)" ||
	not_ok "the keyring holds the password"
grep -q '^ *password_command' "$XDG_CONFIG_HOME/kith/config" && not_ok "the config names no password command" ||
	pass "the config names no password command"

# ---- sync reads it; neither argv nor environ of kith shows it
proxy_force 503 REPORT 2   # two 1 s Retry-After waits: time to look at the process
"$KITH_BIN" sync >"$T/sync.out" 2>&1 &
pid=$!
seen_args=0
seen_env=0
looked=0
for ((i = 0; i < 40; i++)); do
	kill -0 "$pid" 2>/dev/null || break
	if [[ -r /proc/$pid/cmdline ]]; then
		looked=$((looked + 1))
		tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$PW" && seen_args=1
		tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qF "$PW" && seen_env=1
		ps -eo args 2>/dev/null | grep -F "$PW" | grep -v grep >/dev/null && seen_args=1
	fi
	sleep 0.05
done
wait "$pid"
rc=$?
cat "$T/sync.out" >>"$ALL_OUT"
expect_eq "$rc" 0 "sync with the password from the keyring"
grep -q "300 added" "$T/sync.out" && pass "sync fetched the 300 people" || { not_ok "300 added"; diag "$(cat "$T/sync.out")"; }
((looked > 3)) && pass "looked at the running sync $looked times" || not_ok "the sync ended before it could be looked at ($looked)"
expect_eq "$seen_args" 0 "the password is in no process argument during sync"
expect_eq "$seen_env" 0 "the password is not in kith's environment"

# ---- a wrong password in the keyring: a clear error that does not echo it
printf 'not-the-password' | secret-tool store --label=x "${SCHEMA[@]}" account s user "$RADICALE_USER" >/dev/null 2>&1
"$KITH_BIN" sync >"$T/o" 2>&1
rc=$?
cat "$T/o" >>"$ALL_OUT"
expect_eq "$rc" 1 "a wrong password in the keyring: exit 1"
grep -q "401" "$T/o" && grep -qi "password" "$T/o" && pass "it says 401 and points at the password" || { not_ok "401 message"; diag "$(cat "$T/o")"; }
grep -qF "not-the-password" "$T/o" && not_ok "the wrong password is echoed" || pass "the wrong password is not echoed"
printf '%s' "$PW" | secret-tool store --label=x "${SCHEMA[@]}" account s user "$RADICALE_USER" >/dev/null 2>&1

# ---- more commands, all output collected
kith log "$(kith list --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)[0]["href"].rsplit("/",1)[1])')" "secret test note" >>"$ALL_OUT" 2>&1
kith sync >>"$ALL_OUT" 2>&1 || not_ok "sync after a note"
kith account list >>"$ALL_OUT" 2>&1
printf 'list\naccount list\n' | kith >>"$ALL_OUT" 2>&1

# ---- the password in no file, no output
if grep -rqaF "$PW" "$KITH_HOME"; then
	not_ok "the password is in a file under the kith home"
	grep -rlaF "$PW" "$KITH_HOME" | diag "$(cat)"
else
	pass "the password is in no file under the kith home ($(find "$KITH_HOME" -type f | wc -l) files)"
fi
grep -qF "$PW" "$ALL_OUT" && not_ok "the password appears in kith's output" || pass "the password appears in no output of kith"
grep -qF "$PW" "$PROXY_LOG" && not_ok "the password is in the proxy log" || pass "(the proxy log holds no password either)"

# ---- files 0600, folders 0700
bad=$(find "$XDG_CONFIG_HOME/kith" "$XDG_DATA_HOME/kith" "$XDG_STATE_HOME/kith" \
	\( -type f ! -perm 600 \) -o \( -type d ! -perm 700 \) 2>/dev/null)
n=$(find "$XDG_CONFIG_HOME/kith" "$XDG_DATA_HOME/kith" "$XDG_STATE_HOME/kith" 2>/dev/null | wc -l)
expect_eq "$bad" "" "every file kith made is 0600 and every folder 0700 ($n entries)"

# ---- account remove deletes it from the keyring
kith account remove s >>"$ALL_OUT" 2>&1
expect_eq "$?" 0 "account remove"
secret-tool lookup account s user "$RADICALE_USER" >/dev/null 2>&1
[[ $? != 0 && -z $(secret-tool lookup account s user "$RADICALE_USER" 2>/dev/null) ]] &&
	pass "the keyring no longer holds the password" || not_ok "the password is still in the keyring"
grep -qF "$PW" "$ALL_OUT" && not_ok "the password appears in remove's output" || pass "remove's output holds no password"

finish
