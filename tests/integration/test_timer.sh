#!/usr/bin/env bash
# The systemd user timer that keeps the calendar current: installed by
# meson beside kith, pointing at the installed kith, and valid as systemd
# itself reads it (systemd-analyze verify).
source "$(dirname "$0")/lib.sh"
need_kith
command -v systemd-analyze >/dev/null || die "systemd-analyze is missing (scripts/setup installs systemd)"
command -v man >/dev/null || die "man is missing (scripts/setup installs man-db)"

build=$(cd "$(dirname "$KITH_BIN")/.." && pwd)
meson install -C "$build" --no-rebuild --destdir "$T/dest" >"$T/install.log" 2>&1 ||
	{ tail -n 20 "$T/install.log" >&2; die "meson install failed"; }
svc=$(find "$T/dest" -path '*/lib/systemd/user/kith-sync.service')
tmr=$(find "$T/dest" -path '*/lib/systemd/user/kith-sync.timer')
[[ -f $svc ]] && pass "meson installs kith-sync.service under lib/systemd/user" || fail "no kith-sync.service installed"
[[ -f $tmr ]] && pass "and kith-sync.timer beside it" || fail "no kith-sync.timer installed"
exe=$(sed -n 's/^ExecStart=\([^ ]*\) sync$/\1/p' "$svc")
[[ -n $exe && -x $T/dest$exe ]] && pass "the service runs the installed kith: $exe sync" ||
	not_ok "ExecStart names the installed kith (got '$exe')"
grep -q '^Type=oneshot$' "$svc" && pass "as a oneshot service" || not_ok "oneshot"
grep -q '^OnCalendar=\*:0/30$' "$tmr" && grep -q '^Persistent=true$' "$tmr" &&
	pass "every 30 minutes, and after a sleep that missed one" || not_ok "timer schedule"
grep -q '^WantedBy=timers.target$' "$tmr" && pass "enabled through timers.target" || not_ok "WantedBy"

# systemd's own reading of the units, with the paths as installed.
mkdir -p "$T/units" "$T/man/man1"
sed "s|^ExecStart=$exe|ExecStart=$T/dest$exe|" "$svc" >"$T/units/kith-sync.service"
cp "$tmr" "$T/units/"
cp "$(find "$T/dest" -name kith.1 | head -n 1)" "$T/man/man1/" || not_ok "the man page is installed"
if out=$(MANPATH=$T/man systemd-analyze verify "$T/units/kith-sync.service" "$T/units/kith-sync.timer" 2>&1); then
	pass "systemd-analyze verify accepts both units"
else
	not_ok "systemd-analyze verify accepts both units"
	diag "$out"
fi
next=$(systemd-analyze calendar --iterations=2 "$(sed -n 's/^OnCalendar=//p' "$tmr")" 2>&1 | grep -c 'Iter\|Next elapse')
expect_eq "$next" 2 "systemd reads the schedule"
finish
