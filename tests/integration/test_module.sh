#!/usr/bin/env bash
# The network code is a module loaded on use: everyday commands never load
# libcurl or libsecret, and a missing module is a clear error, not a crash.
source "$(dirname "$0")/lib.sh"
need_kith
kith_env

mod=$(dirname "$KITH_BIN")/kith-net.so
[[ -f $mod ]] && pass "the module is built beside the executable" || fail "no $mod"
if ldd "$KITH_BIN" | grep -qE 'libcurl|libsecret|libxml2'; then
	not_ok "kith itself does not link libcurl, libxml2 or libsecret"
	diag "$(ldd "$KITH_BIN")"
else
	pass "kith itself does not link libcurl, libxml2 or libsecret"
fi
grep -q libcurl <(ldd "$mod") && pass "the module links libcurl" || not_ok "the module links libcurl"

# capture mail, with GMime, GLib and libnotmuch, is a module of its own.
if ldd "$KITH_BIN" | grep -qE 'libgmime|libnotmuch|libglib'; then
	not_ok "kith itself does not link GMime, GLib or libnotmuch"
	diag "$(ldd "$KITH_BIN")"
else
	pass "kith itself does not link GMime, GLib or libnotmuch"
fi
mail=$(dirname "$KITH_BIN")/kith-mail.so
if [[ -f $mail ]]; then
	grep -q libgmime <(ldd "$mail") && pass "the mail module links GMime" || not_ok "the mail module links GMime"
	grep -qE 'libcurl|libsecret' <(ldd "$mail") && not_ok "the mail module does not link libcurl or libsecret" ||
		pass "the mail module does not link libcurl or libsecret"
	grep -qE 'libgmime|libnotmuch' <(ldd "$mod") && not_ok "the network module does not link GMime" ||
		pass "the network module does not link GMime or libnotmuch"
else
	pass "# SKIP kith was built without GMime: no mail module"
fi

# A copy of the executable with no module beside it (and none installed).
cp "$KITH_BIN" "$T/kith"
out=$("$T/kith" queue 2>&1)
expect_eq "$?" 0 "queue runs without the module"
if [[ -e /usr/local/lib/x86_64-linux-gnu/kith/kith-net.so || -e /usr/lib/x86_64-linux-gnu/kith/kith-net.so ]]; then
	pass "an installed module exists: the missing-module case is not testable here"
else
	out=$("$T/kith" sync 2>&1)
	expect_eq "$?" 1 "sync without the module exits 1"
	grep -q "cannot load kith's network module" <<<"$out" && pass "and says what is missing: $out" ||
		{ not_ok "says what is missing"; diag "$out"; }
fi
if [[ -e /usr/local/lib/x86_64-linux-gnu/kith/kith-mail.so || -e /usr/lib/x86_64-linux-gnu/kith/kith-mail.so ]]; then
	pass "an installed mail module exists: the missing-module case is not testable here"
elif [[ -f $mail ]]; then
	out=$("$T/kith" capture mail "$T" --me me@example.org 2>&1)
	expect_eq "$?" 1 "capture without the mail module exits 1"
	grep -q "cannot load kith's mail module" <<<"$out" && pass "and says what is missing: $out" ||
		{ not_ok "says the mail module is missing"; diag "$out"; }
fi
out=$(kith account list 2>&1)
expect_eq "$?" 0 "with the module beside it, account list runs"
finish
