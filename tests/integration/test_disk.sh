#!/usr/bin/env bash
# A full disk and a read-only cache: a clear error, nothing half-written,
# and the notes go through once there is room again. The cache lives on
# a small tmpfs of its own (the tests run as root, as CI does).
source "$(dirname "$0")/lib.sh"
need_servers
need_kith

mnt=$T/mnt
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=4m,mode=0700 tmpfs "$mnt" 2>"$T/mount.err"; then
	# Not a server that is missing but a permission: say so, and under CI fail.
	[[ -n ${CI:-} ]] && fail "cannot mount a tmpfs for the full-disk test: $(cat "$T/mount.err")"
	skip_all "cannot mount a tmpfs here (needs root): $(cat "$T/mount.err")"
fi
trap 'rc=$?; umount -l "$mnt" 2>/dev/null; (exit $rc); _lib_cleanup' EXIT

start_xandikos
book=$(make_xandikos_book friends) || fail "make book"
seed_xandikos_book friends 40 --seed 5 >/dev/null || fail "seed"
kith_env
export XDG_DATA_HOME=$mnt/data
kith account add home "$book" --user alice --password-command "echo unused" >/dev/null 2>&1 || fail "account add"
kith sync >/dev/null 2>&1 || fail "first sync"
who=$(kith list --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)[0]["uid"])')
db=$XDG_DATA_HOME/kith/kith.db

# Fill the disk to the last byte.
before=$(sqlite3 "$db" 'SELECT count(*) FROM outbox')
dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
out=$(kith log "$who" --via phone "Note typed on a full disk" 2>&1)
rc=$?
expect_eq "$rc" 1 "log on a full disk exits 1"
grep -qi "disk is full" <<<"$out" && pass "and says the disk is full" || { not_ok "says the disk is full"; diag "$out"; }
grep -qi "free some space" <<<"$out" && pass "and what to do" || { not_ok "what to do"; diag "$out"; }

# Room again: nothing was half-written, and the same command works.
rm -f "$mnt/filler"
expect_eq "$(sqlite3 "$db" 'PRAGMA integrity_check')" ok "integrity_check ok after the full disk"
expect_eq "$(sqlite3 "$db" 'SELECT count(*) FROM outbox')" "$before" "nothing half-written to the outbox"
kith log "$who" --via phone "Note typed after freeing space" >/dev/null 2>&1
expect_eq "$?" 0 "log works once there is room"
kith sync >/dev/null 2>&1
expect_eq "$?" 0 "sync pushes it"
href=$(kith show --json "$who" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["href"])')
n=$(get_card "${XANDIKOS_URL%/}$href" | tr -d '\r' | sed ':a;N;$!ba;s/\n[ \t]//g' | grep -c '^X-KITH-LOG:.*Note typed after freeing space')
expect_eq "$n" 1 "the note is on the server once"
n=$(get_card "${XANDIKOS_URL%/}$href" | grep -c 'full disk')
expect_eq "$n" 0 "the failed note is not"

# A read-only cache.
mount -o remount,ro "$mnt" || fail "remount read-only"
out=$(kith log "$who" --via phone "Note on a read-only disk" 2>&1)
rc=$?
expect_eq "$rc" 1 "log on a read-only cache exits 1"
grep -qiE "cannot (open|write) the cache" <<<"$out" && pass "and names the cache: $(head -c 120 <<<"$out")" || { not_ok "names the cache"; diag "$out"; }
mount -o remount,rw "$mnt" || fail "remount read-write"
expect_eq "$(sqlite3 "$db" 'PRAGMA integrity_check')" ok "integrity_check ok afterwards"
finish
