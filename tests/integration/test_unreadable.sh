#!/usr/bin/env bash
# test_unreadable.sh: one card the server cannot serve does not stop its
# book. Xandikos answers 500 to every addressbook-multiget that holds a
# card whose bytes are not valid UTF-8 (here a fold that splits "ö"); kith
# splits the refused batch until it finds the card, asks for it alone, and
# syncs the rest with its token. Through scripts/faultproxy the card's GET
# fails too: it is then noted unreadable at its etag, named once, not asked
# for again until it changes, and fetched when it does; a card kith holds
# whose newer version cannot be served is shown as last read, and says so.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith

start_xandikos
make_xandikos_book b >/dev/null || die "MKCOL failed"
book=$(seed_xandikos_book b 40) || die "seeding failed"
dir=$XANDIKOS_DIR/user/contacts/b
commit() { (cd "$dir" && git add -A && git -c user.name=t -c user.email=t@t.test commit -qm "$1"); }
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bad-1\r\nFN:Bj\xc3\r\n \xb6rn Broken\r\nEMAIL:bjorn@broken.test\r\nEND:VCARD\r\n' \
	>"$dir/zz-bad.vcf"
commit "a card with a split character"
code=$(curl -sS -o /dev/null -w '%{http_code}' -X REPORT -H 'Depth: 1' \
	-H 'Content-Type: application/xml' --data-binary \
	"<c:addressbook-multiget xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\"><d:prop><d:getetag/><c:address-data/></d:prop><d:href>/user/contacts/b/zz-bad.vcf</d:href></c:addressbook-multiget>" \
	"$book")
expect_eq "$code" 500 "Xandikos refuses a multiget holding the card (the premise)"

# ---- the real server: bisected, fetched alone
kith_env
kith account add x "$book" --user u --password-command "echo pw" >/dev/null 2>&1
kith sync >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "the sync succeeds"
grep -q "41 added" "$T/out" && pass "every card arrives, the refused one too ($(cat "$T/out"))" ||
	not_ok "every card arrives: $(cat "$T/out" "$T/err")"
kith show bjorn@broken.test >"$T/show" 2>&1 && grep -q "Björn Broken" "$T/show" &&
	pass "the card the multiget could not carry is read (its fold rejoins the character)" ||
	not_ok "the refused card is read: $(cat "$T/show")"
tok=$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" "SELECT sync_token IS NOT NULL FROM book")
expect_eq "$tok" 1 "the book's sync token is stored"
KITH_DEBUG_REQUESTS=1 kith sync >"$T/out" 2>"$T/err"
expect_eq "$(grep -c '^kith: REPORT\|^kith: GET' "$T/err")" 1 "the next sync is one request"

# ---- GET fails too: noted unreadable, skipped until it changes
start_faultproxy "$XANDIKOS_URL" --rate 0
pbook=${PROXY_URL}user/contacts/b/
kith_env
kith account add p "$pbook" --user u --password-command "echo pw" >/dev/null 2>&1
proxy_force 500 GET 20 zz-bad.vcf
kith sync >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "a sync with a card the server cannot serve at all succeeds"
grep -q "40 added" "$T/out" && pass "the other 40 cards arrive" || not_ok "the other 40 arrive: $(cat "$T/out")"
grep -q "1 unreadable on the server" "$T/out" && pass "the summary counts the unreadable card" ||
	not_ok "the summary counts it: $(cat "$T/out")"
expect_eq "$(grep -c 'cannot serve the card /user/contacts/b/zz-bad.vcf' "$T/err")" 1 \
	"the card is named once, with what to expect"
expect_eq "$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" "SELECT count(*) FROM unreadable WHERE etag IS NOT NULL")" 1 \
	"it is noted at its etag"
before=$(proxy_stat methods.GET)
reports=$(proxy_stat methods.REPORT)
kith sync >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "the next sync succeeds"
expect_eq "$(proxy_stat methods.GET)" "$before" "and does not ask for the unchanged card again"
expect_eq "$(($(proxy_stat methods.REPORT) - reports))" 1 "one REPORT, the listing"
proxy_clear
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bad-1\r\nFN:Björn Mended\r\nEMAIL:bjorn@broken.test\r\nEND:VCARD\r\n' \
	>"$dir/zz-bad.vcf"
commit "mended"
kith sync >"$T/out" 2>"$T/err"
grep -q "1 added" "$T/out" && pass "once it changes on the server it is fetched" ||
	not_ok "once it changes it is fetched: $(cat "$T/out" "$T/err")"
expect_eq "$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" "SELECT count(*) FROM unreadable")" 0 \
	"and no longer noted unreadable"
kith show bjorn@broken.test 2>&1 | grep -q "Björn Mended" && pass "the mended card is shown" ||
	not_ok "the mended card is shown"

# ---- a card kith holds whose newer version the server cannot serve
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bad-1\r\nFN:Bj\xc3\r\n \xb6rn Broken Again\r\nEMAIL:bjorn@broken.test\r\nEND:VCARD\r\n' \
	>"$dir/zz-bad.vcf"
commit "broken again"
proxy_force 500 GET 20 zz-bad.vcf
kith sync >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "a sync where a known card's new version cannot be served succeeds"
kith show bjorn@broken.test >"$T/show" 2>&1
grep -q "Björn Mended" "$T/show" && grep -q "cannot serve this card's newest version (HTTP 500" "$T/show" &&
	pass "show gives the last copy read and says the server cannot serve the newest" ||
	not_ok "show says unreadable: $(cat "$T/show")"
n=$(kith show --json bjorn@broken.test | "$PY" -c 'import json, sys; print(json.load(sys.stdin).get("server_unreadable"))')
expect_eq "$n" 500 "show --json: server_unreadable is the status"
other=$(kith list --json | "$PY" -c 'import json, sys
print([p["fn"] for p in json.load(sys.stdin) if "Björn" not in p["fn"]][0])')
kith show "$other" >"$T/show" 2>&1 && ! grep -q "cannot serve" "$T/show" &&
	pass "another card is not marked" || not_ok "another card is not marked: $(cat "$T/show")"
proxy_clear

finish
