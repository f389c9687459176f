#!/usr/bin/env bash
# test_hostile.sh: kith against a server that lies (scripts/hostile-server):
# external entities, an entity bomb, a 1 GB answer, a 100,000-deep
# document, hrefs outside the book or on another host, a sync token of
# megabytes, a 20 MB card. Each must end in bounded time and memory, with
# exit 1 and a message (or, for the foreign hrefs, with them ignored), and
# nothing read from the local disk.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith
[[ -x /usr/bin/time ]] || _need "/usr/bin/time (Debian package time)"

SECRET="kith-secret-$(random_password)"
printf '%s\n' "$SECRET" >"$T/secret.txt"

# A sanitizer build keeps freed memory in quarantine and adds shadow pages:
# allow it more, and shrink the quarantine.
MAXRSS_KB=65536
if grep -aq __asan_init "$KITH_BIN" 2>/dev/null; then
	MAXRSS_KB=262144
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16:malloc_context_size=5
fi

n_servers=0
# hostile MODE [ARGS...]: start scripts/hostile-server; sets H_URL (the
# book URL) and H_LOG.
hostile() {
	local mode=$1 i
	shift
	n_servers=$((n_servers + 1))
	H_LOG=$T/hostile-$n_servers.log
	spawn "$T/hostile-$n_servers.out" "$PY" "$KITH_SRCDIR/scripts/hostile-server" --mode "$mode" \
		--port-file "$T/hostile-$n_servers.port" --log "$H_LOG" --secret-file "$T/secret.txt" \
		--max-seconds 240 "$@"
	for ((i = 0; i < 100; i++)); do
		[[ -s $T/hostile-$n_servers.port ]] && break
		sleep 0.1
	done
	[[ -s $T/hostile-$n_servers.port ]] || die "hostile-server did not start: $(cat "$T/hostile-$n_servers.out")"
	H_URL="http://127.0.0.1:$(cat "$T/hostile-$n_servers.port")/book/"
}

# attack NAME MODE [SERVER ARGS...]: a fresh kith, account add, one timed
# sync. Sets RC, ERR (stderr without the time report), SECS, RSS_KB.
attack() {
	local name=$1 mode=$2
	shift 2
	hostile "$mode" "$@"
	kith_env
	kith account add h "$H_URL" --user u --password-command "echo pw" >"$T/add.out" 2>&1 ||
		{ not_ok "$name: account add ($(cat "$T/add.out"))"; return 1; }
	/usr/bin/time -v -o "$T/time.txt" timeout 120 "$KITH_BIN" sync >"$T/out" 2>"$T/err"
	RC=$?
	ERR=$(cat "$T/err")
	SECS=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$T/time.txt" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%d", s }')
	RSS_KB=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/time.txt")
	diag "$name: exit $RC in ${SECS}s, max RSS ${RSS_KB} kB: $(head -c 400 "$T/err")"
	return 0
}

# refused NAME REGEX [SECONDS]: the last attack exited 1 with a kith: line
# matching REGEX, within SECONDS (default 30) and the memory bound, with no
# sanitizer report, and the secret appears nowhere.
refused() {
	local name=$1 re=$2 limit=${3:-30}
	if [[ $RC == 1 ]] && grep -Eq "^kith: .*($re)" <<<"$ERR"; then
		pass "$name: exit 1 with a clear message"
	else
		not_ok "$name: exit 1 with a message matching /$re/ (exit $RC)"
		diag "$ERR"
	fi
	((SECS <= limit)) && pass "$name: done in ${SECS}s (limit ${limit}s)" || not_ok "$name: took ${SECS}s"
	((RSS_KB <= MAXRSS_KB)) && pass "$name: max RSS ${RSS_KB} kB (limit $MAXRSS_KB)" ||
		not_ok "$name: max RSS ${RSS_KB} kB over $MAXRSS_KB"
	grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' <<<"$ERR" && not_ok "$name: sanitizer report"
	no_secret "$name"
}

# no_secret NAME: the secret file's content is in no output and no file of
# the kith home (the cache, its WAL, the config).
no_secret() {
	if grep -rqaF "$SECRET" "$KITH_HOME" "$T/out" "$T/err"; then
		not_ok "$1: the local file's content leaked into kith's output or files"
	else
		pass "$1: nothing of the local file in kith's output or files"
	fi
}

people() { "$KITH_BIN" list --json | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

# ---- the honest baseline: the harness works
attack "honest server" ok
expect_eq "$RC" 0 "honest server: sync exits 0"
expect_eq "$(people)" 1 "honest server: one person"

# ---- external entities
attack "external entity (file)" xxe
refused "external entity (file)" "entit"
expect_eq "$(people)" 0 "external entity: nothing stored"
attack "external parameter entity" xxe-param
refused "external parameter entity" "entit|malformed"

# ---- billion laughs
attack "billion laughs" laughs
refused "billion laughs" "entit"

# ---- 1 GB answers, streamed
attack "1 GB listing" big
refused "1 GB listing" "more than [0-9]+ cards|past [0-9]+ MB" 60
attack "1 GB text in one property" bigtext
refused "1 GB text in one property" "past [0-9]+ MB|malformed|longer" 90
grep -q 'streamed' "$H_LOG" && diag "$(grep streamed "$H_LOG" | tail -n 1)"

# ---- 100,000-deep nesting
attack "100,000-deep nesting" deep
refused "100,000-deep nesting" "nested deeper"

# ---- a sync token of 4 MB
attack "4 MB sync token" token
refused "4 MB sync token" "sync-token longer than"
expect_eq "$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" 'SELECT count(*) FROM book WHERE length(sync_token) > 65536')" 0 \
	"4 MB sync token: not stored"

# ---- a 20 MB card
attack "20 MB card" bigcard
refused "20 MB card" "card larger than"
expect_eq "$(people)" 0 "20 MB card: not stored"

# ---- hrefs outside the book, on another host, unasked
attack "foreign hrefs" outside
expect_eq "$RC" 0 "foreign hrefs: the honest card syncs (the others are ignored)"
expect_eq "$(people)" 1 "foreign hrefs: only the one card of the book is stored"
evil=$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" "SELECT href FROM card WHERE href LIKE '%evil%' OR href LIKE '%unasked%' OR id IN (SELECT id FROM card_raw WHERE raw LIKE '%Evil%')")
expect_eq "$evil" "" "foreign hrefs: none of them in the cache"
hrefs=$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" "SELECT href FROM card")
expect_eq "$hrefs" "/book/ok.vcf" "foreign hrefs: the stored href is the book's own"

finish
