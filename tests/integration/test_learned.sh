#!/usr/bin/env bash
# test_learned.sh: kith remembers what a server cannot do, per book, so a
# no-change sync is one request. SabreDAV 1.8 wants Digest and has no
# sync-collection: without memory every sync spent a 401 (the challenge),
# a 403 (sync-collection) and then getctag. A strict Digest server (only
# nonces it issued, each good for three requests) shows that a stale nonce
# costs one more request and nothing else, that a wrong password fails in
# bounded requests, and that a challenge carrying terminal controls is never
# kept or printed. Requests are counted at the server, not by kith.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith
command -v php >/dev/null 2>&1 && [[ -f /usr/share/php/Sabre/autoload.php ]] || _need "php-cli and php-sabre-dav"
command -v sqlite3 >/dev/null 2>&1 || _need sqlite3

# ---- SabreDAV: Digest, no sync-collection
start_sabre
make_sabre_book contacts "Contacts" >/dev/null || die "make the book"
book=$(seed_sabre_book contacts 20 --seed 5) || die "seed"
printf '%s\n' "$SABRE_PASS" >"$T/pw"
chmod 600 "$T/pw"
kith_env
DB=$XDG_DATA_HOME/kith/kith.db
# requests: how many requests SabreDAV accepted since the last call (php -S
# closes every connection, so one connection is one request).
echo 0 >"$T/seen"
requests() {
	local n
	n=$(grep -c ' Accepted$' "$T/sabre.log")
	echo $((n - $(cat "$T/seen")))
	echo "$n" >"$T/seen"
}
kith account add s "$SABRE_URL" --user "$SABRE_USER" --password-command "cat $T/pw" >"$T/out" 2>&1 ||
	die "account add: $(cat "$T/out")"
grep -qF "$book" "$T/out" && pass "discovery from the SabreDAV root finds the book" || not_ok "discovery: $(cat "$T/out")"
expect_eq "$(sqlite3 "$DB" "SELECT learned LIKE 'auth Digest %' FROM book")" 1 \
	"account add keeps the Digest challenge discovery met"
requests >/dev/null
kith sync >"$T/out" 2>&1
expect_eq "$?" 0 "the first sync succeeds"
grep -q "20 added" "$T/out" && pass "20 cards" || not_ok "20 cards: $(cat "$T/out")"
first=$(requests)
((first <= 4)) && pass "the first sync: $first requests, no 401 first (the challenge was kept)" ||
	not_ok "the first sync took $first requests"
expect_eq "$(sqlite3 "$DB" "SELECT learned LIKE '%no-sync-collection%' FROM book")" 1 \
	"the book is remembered as having no sync-collection"
for k in 1 2 3; do
	kith sync >"$T/out" 2>&1 || not_ok "no-change sync $k: $(cat "$T/out")"
	expect_eq "$(requests)" 1 "no-change sync $k on SabreDAV is one request"
done
grep -q "nonce=" "$XDG_CONFIG_HOME/kith/config" && not_ok "the challenge is in the config" ||
	pass "what was learned is in the cache, not the config"
sqlite3 "$DB" "SELECT learned FROM book" | grep -qF "$SABRE_PASS" && not_ok "the password is in the cache" ||
	pass "the password is not in what was learned"

# A new card on the server: the ctag moves, the etag listing follows, and
# the next sync is one request again.
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:n1\r\nFN:Nadia New\r\nEND:VCARD\r\n' >"$T/new.vcf"
put_card -n "${book}new.vcf" "$T/new.vcf" >/dev/null ||
	die "PUT by another client: $(last_status)"
requests >/dev/null
kith sync >"$T/out" 2>&1
grep -q "1 added" "$T/out" && pass "a change on the server is seen" || not_ok "the change: $(cat "$T/out")"
requests >/dev/null
kith sync >/dev/null 2>&1
expect_eq "$(requests)" 1 "and the sync after it is one request"

# A forgotten challenge (another device, a new cache) is learned again.
sqlite3 "$DB" "UPDATE book SET learned = NULL"
kith sync >"$T/out" 2>&1
expect_eq "$?" 0 "a sync with nothing remembered succeeds"
kith sync >/dev/null 2>&1
expect_eq "$(requests)" 4 "it relearns: 401 and 403 once (4 requests over two syncs)"

# ---- a strict Digest server: nonces expire after three uses
n_servers=0
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
	[[ -s $T/hostile-$n_servers.port ]] || die "hostile-server did not start"
	H_URL="http://127.0.0.1:$(cat "$T/hostile-$n_servers.port")/book/"
}
hostile digest --password "$(cat "$T/pw")" --nonce-uses 3
kith_env
DB=$XDG_DATA_HOME/kith/kith.db
kith account add d "$H_URL" --user u --password-command "cat $T/pw" >"$T/out" 2>&1 || die "account add: $(cat "$T/out")"
echo 0 >"$T/hl"
hreqs() { local n; n=$(wc -l <"$H_LOG"); echo $((n - $(cat "$T/hl"))); echo "$n" >"$T/hl"; }
hreqs >/dev/null
after_add=$(cat "$T/hl")
ok_runs=0 total=0
for k in 1 2 3 4 5 6; do
	kith sync >"$T/out" 2>&1 && ok_runs=$((ok_runs + 1))
	total=$((total + $(hreqs)))
done
expect_eq "$ok_runs" 6 "six syncs against a strict Digest server all succeed"
((total <= 9)) && pass "in $total requests: a stale nonce costs one 401, no more" ||
	not_ok "six syncs took $total requests"
tail -n +"$((after_add + 1))" "$H_LOG" | grep -q '"scheme": "Basic"' &&
	not_ok "Basic went to the Digest server" || pass "after account add, the password never goes as Basic"

printf 'wrong\n' >"$T/bad"
kith_env
kith account add w "$H_URL" --user u --password-command "cat $T/bad" >"$T/out" 2>&1
[[ $? != 0 ]] && grep -q "wrong user or password" "$T/out" && pass "a wrong password is said so" ||
	not_ok "wrong password: $(cat "$T/out")"
((($(hreqs)) <= 6)) && pass "in a bounded number of requests" || not_ok "too many requests for a wrong password"

# ---- a challenge with controls and a 3000-byte nonce
hostile digest-evil --password "$(cat "$T/pw")"
kith_env
DB=$XDG_DATA_HOME/kith/kith.db
kith account add e "$H_URL" --user u --password-command "cat $T/pw" >"$T/out" 2>&1
rc=$?
if [[ $rc == 0 ]]; then
	kith sync >>"$T/out" 2>&1
	rc=$?
fi
[[ $rc == 0 || $rc == 1 ]] && pass "a hostile challenge: kith ends cleanly ($rc)" ||
	not_ok "exit $rc: $(cat "$T/out")"
grep -q $'\e' "$T/out" && not_ok "ESC reached the terminal" || pass "no ESC in what kith printed"
[[ -f $DB ]] && sqlite3 "$DB" "SELECT coalesce(learned, '') FROM book" | grep -q $'\e\|evil' &&
	not_ok "the hostile challenge was kept" || pass "the hostile challenge is not kept"

# ---- error wording: account add names account add
hostile redirect --redirect-to "http://unresolvable.invalid/"
kith_env
kith account add r "$H_URL" --user u --password-command "cat $T/pw" >"$T/out" 2>&1
[[ $? != 0 ]] && pass "account add through a redirect to an unresolvable host fails" || not_ok "it fails"
grep -q "sync again" "$T/out" && not_ok "account add says 'sync again': $(cat "$T/out")" ||
	pass "account add does not say 'sync again'"
grep -q "kith account add' again" "$T/out" && pass "it names the command to run again" ||
	not_ok "names account add: $(cat "$T/out")"

finish
