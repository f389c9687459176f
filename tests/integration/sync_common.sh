# shellcheck shell=bash
# sync_common.sh: the sync engine against one real server, end to end
# through the kith binary. Sourced by test_sync_ENGINE.sh after they set
# SERVER (radicale, xandikos, sabre, calypso, cyrus, davical).

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith

# jget FIELD: read kith's --json on stdin, print FIELD of the document (or
# of each element of an array), one per line.
jget() {
	"$PY" -c 'import json, sys
v = json.load(sys.stdin)
for x in (v if isinstance(v, list) else [v]):
    r = x
    for k in sys.argv[1].split("."):
        r = r[int(k)] if isinstance(r, list) else r.get(k)
    print(json.dumps(r) if isinstance(r, (list, dict)) else ("" if r is None else r))' "$1"
}

# count_people: how many people the current kith knows.
count_people() { kith list --json | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

start_engine "$SERVER"
ROOT=$ENGINE_URL
book=$(make_engine_book friends "Friends") || fail "cannot make the book"
seed_engine_book friends 30 --annotated-ratio 0.3 --seed 7 >/dev/null || fail "seeding"
USER_ARGS=("${ENGINE_ACCT[@]}")
# Calypso files a card under its UID, whatever href it was PUT to.
NEW_HREF=${book}kith-test-new-1.vcf
[[ $SERVER == calypso ]] && NEW_HREF=${book%/}/kith-test-new-1
diag "$SERVER at $ROOT, book $book"

# ---- discovery from the server root
kith_env
HOME1=$KITH_HOME
out=$(kith account add home "$ROOT" "${USER_ARGS[@]}" 2>&1)
rc=$?
expect_eq "$rc" 0 "account add from the server root succeeds"
# Calypso names its books without the trailing slash.
if grep -qF "${book%/}" <<<"$out"; then pass "discovery finds the book $book"; else not_ok "discovery finds the book"; diag "$out"; fi
pass_var=${SERVER^^}_PASS
grep -q "password" "$XDG_CONFIG_HOME/kith/config" && ! grep -qF "${!pass_var:-nopassword-here}" "$XDG_CONFIG_HOME/kith/config" &&
	pass "the config names the password command, never the password" || not_ok "config holds no password"

# ---- initial sync
out=$(kith sync 2>&1)
rc=$?
expect_eq "$rc" 0 "initial sync exits 0"
grep -q "30 added" <<<"$out" && pass "initial sync reports 30 added" || { not_ok "30 added"; diag "$out"; }
expect_eq "$(count_people)" 30 "30 people in the cache"
db=$XDG_DATA_HOME/kith/kith.db
expect_eq "$(stat -c %a "$db")" 600 "the cache is 0600"
expect_eq "$(stat -c %a "$XDG_DATA_HOME/kith")" 700 "its folder is 0700"

# ---- another client adds, changes and deletes between syncs
hrefs=$(kith list --json | jget href)
first_href=$(sed -n 1p <<<"$hrefs")
second_href=$(sed -n 2p <<<"$hrefs")
origin=${ROOT%/}
cat >"$T/new.vcf" <<'VCF'
BEGIN:VCARD
VERSION:3.0
UID:kith-test-new-1
FN:Zanele Mokoena
N:Mokoena;Zanele;;;
EMAIL;TYPE=INTERNET:zanele@example.org
END:VCARD
VCF
sed -i 's/$/\r/' "$T/new.vcf"
put_card -n "${book}kith-test-new-1.vcf" "$T/new.vcf" >/dev/null || fail "PUT by another client: HTTP $(last_status)"
get_card "$origin$second_href" >"$T/second.vcf" || fail "GET second"
sed -i 's/^\(FN[^:]*\):.*/\1:Renamed Person\r/' "$T/second.vcf"
put_card -m "$(cat "$T/.etag")" "$origin$second_href" "$T/second.vcf" >/dev/null || fail "PUT change: HTTP $(last_status)"
third_href=$(sed -n 3p <<<"$hrefs")
delete_card "$origin$third_href" || fail "DELETE: HTTP $(last_status)"
out=$(kith sync 2>&1)
expect_eq "$?" 0 "second sync exits 0"
grep -q "1 added, 1 changed, 1 removed" <<<"$out" && pass "sync sees the add, change and delete" || { not_ok "add/change/delete"; diag "$out"; }
kith show Zanele >/dev/null 2>&1 && pass "the new person is there" || not_ok "new person"
kith show "Renamed Person" >/dev/null 2>&1 && pass "the changed name is there" || not_ok "changed name"
expect_eq "$(count_people)" 30 "30 people again (one in, one out)"

# ---- a note and a cadence go into the raw card on the server
kith log Zanele --via phone --date 2026-11-01 "Talked about her move to Durban; call in spring" >/dev/null || not_ok "log"
kith cadence Zanele 2w >/dev/null || not_ok "cadence"
out=$(kith sync 2>&1)
expect_eq "$?" 0 "push sync exits 0"
grep -q "1 pushed" <<<"$out" && pass "one card pushed" || { not_ok "pushed"; diag "$out"; }
get_card "$NEW_HREF" >"$T/pushed.vcf"
# The card came in through XML (CRLF read as LF); it goes out with CRLF.
expect_eq "$(grep -c $'[^\r]$' "$T/pushed.vcf")" 0 "every line of the pushed card ends in CRLF (RFC 6350 3.2)"
raw=$(tr -d '\r' <"$T/pushed.vcf")
unfolded=$(sed ':a;N;$!ba;s/\n[ \t]//g' <<<"$raw")
grep -q '^X-KITH-CADENCE:P2W$' <<<"$unfolded" && pass "X-KITH-CADENCE in the server's card" || { not_ok "cadence on server"; diag "$raw"; }
grep -Eq '^X-KITH-LOG:2026-11-01 phone [0-9a-f]{8} Talked about her move to Durban\\?; call in spring$' <<<"$unfolded" &&
	pass "X-KITH-LOG in the server's card" || { not_ok "log on server"; diag "$unfolded"; }
grep -q '^NOTE' <<<"$unfolded" && grep -q 'kith' <<<"$(grep '^NOTE' <<<"$unfolded")" && pass "the NOTE mirror is there" || not_ok "NOTE mirror"
grep -q '^EMAIL;TYPE=INTERNET:zanele@example.org$' <<<"$unfolded" && pass "the other client's fields are intact" || not_ok "fields intact"

# ---- a second kith with its own cache sees them and adds its own
kith_env
HOME2=$KITH_HOME
kith account add home "$ROOT" "${USER_ARGS[@]}" >/dev/null 2>&1 || not_ok "second account add"
kith sync >/dev/null 2>&1
expect_eq "$?" 0 "second kith syncs"
logs=$(kith show --json Zanele | jget log)
grep -q "Durban" <<<"$logs" && pass "second kith sees the first one's note" || { not_ok "second sees note"; diag "$logs"; }
expect_eq "$(kith show --json Zanele | jget cadence)" "P2W" "second kith sees the cadence"
kith log Zanele --via meet "Coffee at the harbour" >/dev/null || not_ok "second log"
kith sync >/dev/null 2>&1 || not_ok "second push"
export HOME=$HOME1 XDG_CONFIG_HOME=$HOME1/.config XDG_DATA_HOME=$HOME1/.local/share XDG_STATE_HOME=$HOME1/.local/state
kith sync >/dev/null 2>&1 || not_ok "first kith syncs again"
logs=$(kith show --json Zanele | jget log)
grep -q "Durban" <<<"$logs" && grep -q "harbour" <<<"$logs" && pass "first kith has both notes" || { not_ok "both notes"; diag "$logs"; }

# ---- 412: another client changes the card while a note is pending
kith log Zanele --via email "Sent the photos" >/dev/null
get_card "$NEW_HREF" | sed 's/^END:VCARD/TEL;TYPE=CELL:+27 21 555 0101\r\nEND:VCARD/' >"$T/conflict.vcf"
put_card -m "$(cat "$T/.etag")" "$NEW_HREF" "$T/conflict.vcf" >/dev/null || fail "concurrent PUT: HTTP $(last_status)"
out=$(kith sync 2>&1)
expect_eq "$?" 0 "sync after a concurrent change exits 0"
raw=$(get_card "$NEW_HREF" | tr -d '\r' | sed ':a;N;$!ba;s/\n[ \t]//g')
grep -q '+27 21 555 0101' <<<"$raw" && pass "the other client's phone survived the merge" || { not_ok "phone kept"; diag "$raw"; }
n=$(grep -c '^X-KITH-LOG' <<<"$raw")
expect_eq "$n" 3 "all three notes on the server, none lost or doubled"

# ---- no-change sync: one request per address book
# Without sync-collection (SabreDAV 1.8, Calypso) kith's own push moved the
# ctag, so the sync after it lists the etags once; the next one is the test.
[[ $SERVER == sabre || $SERVER == calypso ]] && kith sync >/dev/null 2>&1
nbooks=$(kith account list | grep -c '^  book ')
out=$(KITH_DEBUG_REQUESTS=1 kith sync 2>&1)
grep -q "kith: $nbooks requests" <<<"$out" && pass "a no-change sync is one request per book ($nbooks)" || { not_ok "one request per book"; diag "$out"; }

# ---- SIGKILL during an initial sync, then a clean resume
make_engine_book big >/dev/null || fail "make big"
big=$(seed_engine_book big 1500 --photo-ratio 0.1 --seed 11) || fail "seed big"
kith_env
kith account add big "$big" "${USER_ARGS[@]}" >/dev/null 2>&1 || not_ok "account add on the book URL"
kills=0
for delay in 0.3 0.8 1.5; do
	# The binary itself, not the kith() function: $! must be kith's pid.
	"$KITH_BIN" sync >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null && kills=$((kills + 1))
	wait "$pid" 2>/dev/null
	ic=$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" 'PRAGMA integrity_check' 2>&1)
	expect_eq "$ic" ok "integrity_check ok after SIGKILL at ${delay}s"
done
kept=$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" 'SELECT count(*) FROM card')
diag "killed $kills sync(s) mid-way; $kept cards were kept"
out=$(kith sync 2>&1)
expect_eq "$?" 0 "the sync after the kills completes"
expect_eq "$(count_people)" 1500 "all 1500 cards after resuming"
[[ $out == *" $((1500 - kept)) added, 0 changed,"* ]] &&
	pass "the resumed sync fetched only the $((1500 - kept)) cards the kills left out" ||
	{ not_ok "resume fetches only the rest"; diag "$out"; }
expect_eq "$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" 'SELECT count(*) FROM book WHERE sync_token IS NOT NULL OR ctag IS NOT NULL')" 1 "the sync state is stored once complete"

# ---- two syncs at once never interleave
"$KITH_BIN" sync >"$T/s1.out" 2>&1 &
p1=$!
"$KITH_BIN" sync >"$T/s2.out" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
[[ $r1 == 0 && $r2 == 0 ]] && pass "two concurrent syncs both finish (the second waits)" || { not_ok "concurrent syncs"; diag "$(cat "$T/s1.out" "$T/s2.out")"; }

# ---- discovery through /.well-known/carddav (RFC 6764): one request a step
# DAViCal and Cyrus answer it with a redirect (absolute, and to a path
# other than the root): kith must not send the same PROPFIND twice.
if [[ $SERVER == davical || $SERVER == cyrus ]]; then
	kith_env
	out=$(KITH_DEBUG_REQUESTS=1 kith account add wk "${ROOT}.well-known/carddav" "${USER_ARGS[@]}" 2>&1)
	expect_eq "$?" 0 "account add from ${ROOT}.well-known/carddav succeeds"
	steps=$(sed -n 's/^kith: PROPFIND \([^:]*:[^:]*:[^:]*\): .*/\1/p' <<<"$out")
	if [[ -n $steps && -z $(sort <<<"$steps" | uniq -d) ]]; then
		pass "one PROPFIND a step: $(tr '\n' ' ' <<<"$steps")"
	else
		not_ok "a PROPFIND sent twice"; diag "$out"
	fi
fi

finish
