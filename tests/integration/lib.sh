# shellcheck shell=bash
# lib.sh: shared harness for kith's integration tests.
#
#   source "$(dirname "$0")/lib.sh"
#   need_servers; start_radicale; book=$(make_radicale_book friends)
#   ...; pass "it worked" / fail "it did not"; finish
#
# Every test gets a private temporary folder $T. Servers and proxies are
# started on 127.0.0.1 only, on free ports, with their state under $T, each
# in its own process group; an EXIT trap stops them all and removes $T
# (set KITH_KEEP_TMP=1 to keep it for a post-mortem).
#
# Output is TAP (meson registers these scripts with protocol 'tap'):
# "ok N - msg" / "not ok N - msg", diagnostics as "# ...", "1..N" at the end.
#
# Server quirks found while writing this (Radicale 3.1.8, Xandikos 0.2.8 on
# Debian 12); tests and kith must live with them:
#
# Radicale 3.1.8
#  - HTTP/1.0 only (wsgiref): every response closes the connection.
#  - /.well-known/carddav answers 301 to "/" (relative Location) without
#    auth. PROPFIND / (authenticated) gives current-user-principal /alice/
#    but addressbook-home-set 404; on /alice/ the home set is /alice/ itself
#    (principal == home, the books are /alice/BOOK/).
#  - Unauthenticated or wrong-password requests get 401; failed logins are
#    delayed by [auth] delay (default 1 s, set to 0 here).
#  - Address books are made by extended MKCOL (RFC 5689); the folder holds
#    .Radicale.props {"D:displayname": ..., "tag": "VADDRESSBOOK"}.
#  - Supports sync-collection (tokens are URIs
#    http://radicale.org/ns/sync/HEX), CS:getctag (quoted), addressbook-
#    multiget/query. supported-report-set is well formed.
#  - REWRITES every card on PUT (parses with vobject, re-serialises): keeps
#    BEGIN/VERSION/UID first and then sorts the other properties by name,
#    re-escapes ';' as '\;' in unknown X- properties (X-KITH-LOG!), refolds.
#    The ETag returned by PUT is the hash of the rewritten text (so it is
#    the ETag a GET returns), but the bytes differ from what was sent.
#    Long lines are refolded at 75 octets. Cards written straight into the
#    storage folder are served re-serialised the same way.
#  - Rejects a card without UID (400) and a second card with a UID already
#    in the collection (409). If-Match / If-None-Match give 412.
#  - Slow on big books: with 10,000 cards the first request that lists them
#    takes ~35 s (it builds .Radicale.cache), a later sync-collection ~2 s,
#    but PROPFIND Depth 1 getetag stays ~33 s. Use sync-collection, and see
#    warm_radicale_book.
#  - Rescans the storage folder on every request, so files dropped into
#    collection-root/alice/BOOK/ (atomically, under its .Radicale.lock)
#    are served at once; see scripts/seed-book.
#
# Xandikos 0.2.8
#  - No authentication at all (anything goes; Authorization is ignored).
#  - HTTP/1.1 keep-alive (aiohttp). Request bodies must be sent with
#    Content-Type application/xml or text/xml, otherwise 415 (curl -d
#    sends form encoding: always pass -H 'Content-Type: application/xml').
#  - /.well-known/carddav answers 302 to "/" (relative Location).
#    PROPFIND / gives current-user-principal /user/ (--current-user-principal);
#    /user/ gives addressbook-home-set /user/contacts/. --defaults creates
#    /user/contacts/addressbook/ (and a calendar, an inbox).
#  - Extended MKCOL with resourcetype addressbook + displayname creates a
#    book (a git repository per collection, displayname in .xandikos); the
#    mkcol-response it sends back lists the props with empty values.
#  - Stores cards byte for byte (no rewriting); ETag is the git blob SHA-1.
#    Accepts cards without UID and duplicate UIDs in one collection.
#  - sync-collection supported; the token is a bare commit SHA (not a URI as
#    RFC 6578 asks) and comes after the responses; getctag is the same SHA,
#    unquoted. supported-report-set is malformed: supported-report holds the
#    report element directly, without the DAV:report wrapper.
#  - XML answers have no XML declaration and use ns0:/ns1: prefixes.
#  - Files committed straight into the collection's git repository (git add
#    + git commit) are served at once (it reads the HEAD tree).

set -u -o pipefail

PY=/usr/bin/python3
KITH_SRCDIR=${KITH_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
KITH_BIN=${KITH_BIN:-$KITH_SRCDIR/build/shell/kith}
export KITH_SRCDIR KITH_BIN

T=$(mktemp -d "${TMPDIR:-/tmp}/kith-it.XXXXXXXX") || { echo "Bail out! mktemp failed"; exit 1; }
chmod 700 "$T"
export T

_lib_pids=()
_tap_n=0
_tap_failed=0
_tap_planned=0
_kith_homes=0
_proxies=0

# ---------------------------------------------------------------- cleanup

_lib_stop_pid() {   # PID: TERM its process group, wait 5 s, then KILL
	local pid=$1 i
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

_lib_cleanup() {
	local rc=$? pid
	trap - EXIT INT TERM
	[[ -n ${SOCK:-} && -S $SOCK ]] && tmux -S "$SOCK" kill-server >/dev/null 2>&1
	for pid in "${_lib_pids[@]}"; do
		_lib_stop_pid "$pid"
	done
	if ((_tap_planned == 0 && _tap_n > 0)); then
		echo "1..$_tap_n"
	fi
	if [[ -n ${KITH_KEEP_TMP:-} ]]; then
		echo "# kept $T" >&2
	else
		rm -rf "$T"
	fi
	exit "$rc"
}
trap _lib_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# spawn LOG CMD...: run CMD in its own process group (setsid) with output to
# LOG; sets SPAWNED_PID. The EXIT trap stops it.
spawn() {
	local log=$1
	shift
	setsid "$@" >"$log" 2>&1 </dev/null &
	SPAWNED_PID=$!
	_lib_pids+=("$SPAWNED_PID")
}

# stop_pid PID: stop one process started with spawn (and its group) now.
stop_pid() {
	local pid=$1 p keep=()
	_lib_stop_pid "$pid"
	for p in "${_lib_pids[@]}"; do
		[[ $p == "$pid" ]] || keep+=("$p")
	done
	_lib_pids=("${keep[@]}")
}

# ---------------------------------------------------------------- TAP

diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

pass() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $*"
}

# not_ok MSG: record a failure and go on.
not_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $*"
	echo "FAIL: $*" >&2
}

# fail MSG / die MSG: record a failure and stop the test (exit 1).
fail() {
	not_ok "$*"
	finish
}
die() { fail "$@"; }

# check MSG CMD...: run CMD; ok if it succeeds, else not ok with its output.
check() {
	local msg=$1
	shift
	if "$@" >"$T/.check.out" 2>&1; then
		pass "$msg"
	else
		not_ok "$msg"
		diag "command failed: $*"
		tail -n 20 "$T/.check.out" | diag "$(cat)"
	fi
}

# expect_eq GOT WANT MSG: ok if the strings are equal.
expect_eq() {
	if [[ $1 == "$2" ]]; then
		pass "$3"
	else
		not_ok "$3"
		diag "got:  $1" "want: $2"
	fi
}

# finish: print the plan; exit 1 if anything failed, else 0.
finish() {
	echo "1..$_tap_n"
	_tap_planned=1
	if ((_tap_failed > 0)); then
		diag "$_tap_failed of $_tap_n failed"
		exit 1
	fi
	exit 0
}

# skip_all REASON: the whole test is skipped. Prints a TAP skip plan; exits
# 77 when run by hand, 0 under meson (whose TAP parser turns any nonzero
# exit into an error; tests/integration/meson.build sets KITH_UNDER_MESON).
skip_all() {
	echo "1..0 # SKIP $*"
	_tap_planned=1
	if [[ -n ${KITH_UNDER_MESON:-} ]]; then exit 0; fi
	exit 77
}

# _need WHAT OK: skip (or fail under CI) when OK is false.
_need() {
	local what=$1
	if [[ -n ${CI:-} ]]; then
		echo "Bail out! CI is set and $what is missing: run scripts/setup"
		echo "FAIL: $what is missing (CI is set, not skipping); run scripts/setup" >&2
		_tap_planned=1
		exit 1
	fi
	skip_all "$what is missing (run scripts/setup)"
}

# need_servers: Radicale, Xandikos and the tools used to drive them.
need_servers() {
	local c missing=()
	for c in radicale xandikos htpasswd curl setsid git; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	[[ -x $PY ]] || missing+=("$PY")
	((${#missing[@]} == 0)) || _need "${missing[*]}"
}

# need_kith: the kith binary ($KITH_BIN).
need_kith() {
	[[ -x $KITH_BIN ]] || _need "the kith binary $KITH_BIN (build it: meson compile -C build)"
}

# ---------------------------------------------------------------- ports, waiting

# free_port: print a TCP port on 127.0.0.1 that is free right now.
free_port() {
	"$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# wait_http URL [SECONDS] [PID]: wait until URL answers anything over HTTP
# (gives up early when process PID has died).
wait_http() {
	local url=$1 secs=${2:-15} pid=${3:-} i code
	for ((i = 0; i < secs * 10; i++)); do
		[[ -z $pid ]] || kill -0 "$pid" 2>/dev/null || return 1
		code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" 2>/dev/null)
		[[ $code != 000 && -n $code ]] && return 0
		sleep 0.1
	done
	return 1
}

# random_password: 24 random alphanumerics.
random_password() {
	"$PY" -c 'import secrets, string
print("".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(24)))'
}

# ---------------------------------------------------------------- curl helpers

# _creds_for URL: set _U/_P for URL: explicit DAV_USER/DAV_PASS, else the
# Radicale credentials when URL is on the Radicale server (or the proxy).
_creds_for() {
	_U=${DAV_USER:-}
	_P=${DAV_PASS:-}
	_A=
	if [[ -z $_U && -n ${RADICALE_URL:-} && $1 == "$RADICALE_URL"* ]]; then
		_U=$RADICALE_USER
		_P=$RADICALE_PASS
	elif [[ -z $_U && -n ${SABRE_URL:-} && $1 == "$SABRE_URL"* ]]; then
		_U=$SABRE_USER
		_P=$SABRE_PASS
		_A=--anyauth	# Digest, unless started with basic
	elif [[ -z $_U && -n ${CALYPSO_URL:-} && $1 == "$CALYPSO_URL"* ]]; then
		_U=$CALYPSO_USER
		_P=$CALYPSO_PASS
	elif [[ -z $_U && -n ${CYRUS_URL:-} && $1 == "$CYRUS_URL"* ]]; then
		_U=$CYRUS_USER
		_P=$CYRUS_PASS
	elif [[ -z $_U && -n ${DAVICAL_URL:-} && $1 == "$DAVICAL_URL"* ]]; then
		_U=$DAVICAL_USER
		_P=$DAVICAL_PASS
	fi
}

# dav_curl URL CURL-ARGS...: curl with credentials for URL passed through a
# config file descriptor (never on the command line).
dav_curl() {
	local url=$1
	shift
	_creds_for "$url"
	if [[ -n $_U ]]; then
		curl -sS ${_A:+"$_A"} -K <(printf 'user = "%s:%s"\n' "$_U" "$_P") "$@" "$url"
	else
		curl -sS "$@" "$url"
	fi
}

# dav METHOD URL [DEPTH] [BODY]: a WebDAV request; prints the body, writes
# the status to $T/.status (read it with last_status). Returns 0 for 2xx.
dav() {
	local method=$1 url=$2 depth=${3:-} body=${4:-} args=()
	args=(-X "$method" -o "$T/.body" -w '%{http_code}')
	[[ -n $depth ]] && args+=(-H "Depth: $depth")
	[[ -n $body ]] && args+=(-H 'Content-Type: application/xml; charset=utf-8' --data-binary "$body")
	dav_curl "$url" "${args[@]}" >"$T/.status" 2>"$T/.curlerr"
	echo $? >"$T/.curl_rc"
	cat "$T/.body" 2>/dev/null
	[[ $(cat "$T/.status") == 2* ]]
}
last_status() { cat "$T/.status" 2>/dev/null; }
# last_curl_rc: curl's exit code for the last dav/put/get/delete (52: the
# server closed without answering, 18: body cut short, 28: timeout).
last_curl_rc() { cat "$T/.curl_rc" 2>/dev/null; }

# propfind URL DEPTH PROP...: PROPFIND for the named props, each given as
# d:NAME (DAV:), c:NAME (CardDAV) or cs:NAME (calendarserver).
propfind() {
	local url=$1 depth=$2 p props=""
	shift 2
	for p in "$@"; do props+="<$p/>"; done
	dav PROPFIND "$url" "$depth" "<?xml version=\"1.0\" encoding=\"utf-8\"?>
<d:propfind xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\" xmlns:cs=\"http://calendarserver.org/ns/\"><d:prop>$props</d:prop></d:propfind>"
}

# xml_text XPATH: read XML on stdin, print the text of each element matching
# the ElementTree path (prefixes d: DAV:, c: CardDAV, cs: calendarserver).
xml_text() {
	"$PY" -c 'import sys, xml.etree.ElementTree as ET
ns = {"d": "DAV:", "c": "urn:ietf:params:xml:ns:carddav", "cs": "http://calendarserver.org/ns/"}
root = ET.fromstring(sys.stdin.buffer.read())
for e in root.findall(sys.argv[1], ns):
    print((e.text or "").strip())' "$1"
}

# dav_books XML on stdin: print the href of every response whose
# resourcetype contains CardDAV addressbook.
dav_books() {
	"$PY" -c 'import sys, xml.etree.ElementTree as ET
D, C = "{DAV:}", "{urn:ietf:params:xml:ns:carddav}"
root = ET.fromstring(sys.stdin.buffer.read())
for r in root.iter(D + "response"):
    if r.find(".//" + D + "resourcetype/" + C + "addressbook") is not None:
        print(r.findtext(D + "href").strip())'
}

# sync_collection URL [TOKEN]: RFC 6578 REPORT asking for getetag; prints XML.
sync_collection() {
	dav REPORT "$1" 1 "<?xml version=\"1.0\" encoding=\"utf-8\"?>
<d:sync-collection xmlns:d=\"DAV:\"><d:sync-token>${2:-}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"
}

# mkcol_addressbook URL DISPLAYNAME: extended MKCOL (RFC 5689) of a CardDAV
# address book (RFC 6352 section 6.3.1).
mkcol_addressbook() {
	local dn
	dn=$(printf '%s' "$2" | sed 's/&/\&amp;/g; s/</\&lt;/g')
	dav MKCOL "$1" "" "<?xml version=\"1.0\" encoding=\"utf-8\"?>
<d:mkcol xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\"><d:set><d:prop>
<d:resourcetype><d:collection/><c:addressbook/></d:resourcetype>
<d:displayname>$dn</d:displayname></d:prop></d:set></d:mkcol>" >/dev/null
}

# put_card [-m ETAG | -n] URL FILE [USER PASS]: PUT a vCard (as another
# client would). -m sends If-Match: ETAG, -n sends If-None-Match: *.
# Prints the ETag the server returned (maybe empty); returns 1 unless 2xx
# (status in last_status).
put_card() {
	local cond=()
	case ${1:-} in
	-m) cond=(-H "If-Match: $2"); shift 2 ;;
	-n) cond=(-H 'If-None-Match: *'); shift ;;
	esac
	local url=$1 file=$2
	local DAV_USER=${3:-${DAV_USER:-}} DAV_PASS=${4:-${DAV_PASS:-}}
	# No Expect: 100-continue: servers that never answer it (Radicale,
	# PHP's own server) cost curl a one-second wait per PUT.
	dav_curl "$url" -T "$file" -H 'Content-Type: text/vcard; charset=utf-8' -H 'Expect:' \
		"${cond[@]}" -D "$T/.headers" -o /dev/null -w '%{http_code}' >"$T/.status" 2>"$T/.curlerr"
	echo $? >"$T/.curl_rc"
	[[ $(cat "$T/.status") == 2* ]] || return 1
	tr -d '\r' <"$T/.headers" | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' | tail -n 1
}

# get_card URL [USER PASS]: print the card; returns 1 unless 200.
# The ETag of the answer is left in $T/.etag. GET_ACCEPT, when set, is sent
# as the Accept header (a converting server's choice of vCard version).
get_card() {
	local url=$1
	local DAV_USER=${2:-${DAV_USER:-}} DAV_PASS=${3:-${DAV_PASS:-}}
	dav_curl "$url" ${GET_ACCEPT:+-H "Accept: $GET_ACCEPT"} -D "$T/.headers" -o "$T/.body" \
		-w '%{http_code}' >"$T/.status" 2>"$T/.curlerr"
	echo $? >"$T/.curl_rc"
	tr -d '\r' <"$T/.headers" | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' | tail -n 1 >"$T/.etag"
	[[ $(cat "$T/.status") == 200 ]] || return 1
	cat "$T/.body"
}

# card FILE LINES...: a CRLF vCard 3.0 of LINES (between BEGIN/VERSION and
# END), written to $T/FILE and PUT as a new card to $book/FILE.
card() {
	local f=$1
	shift
	printf '%s\r\n' BEGIN:VCARD VERSION:3.0 "$@" END:VCARD >"$T/$f"
	put_card -n "$book$f" "$T/$f" >/dev/null || die "PUT $f: HTTP $(last_status)"
}

# delete_card URL [USER PASS]: DELETE; returns 1 unless 2xx.
delete_card() {
	local url=$1
	local DAV_USER=${2:-${DAV_USER:-}} DAV_PASS=${3:-${DAV_PASS:-}}
	dav_curl "$url" -X DELETE -o /dev/null -w '%{http_code}' >"$T/.status" 2>"$T/.curlerr"
	echo $? >"$T/.curl_rc"
	[[ $(cat "$T/.status") == 2* ]]
}

# ---------------------------------------------------------------- Radicale

# start_radicale: Radicale 3 on 127.0.0.1:free port, config/storage/users in
# $T/radicale, htpasswd (apr1-md5) auth for alice with a fresh random
# password. Exports RADICALE_URL (with trailing /), RADICALE_USER,
# RADICALE_PASS, RADICALE_STORE (the collection-root folder), RADICALE_PID.
start_radicale() {
	local dir=$T/radicale port
	mkdir -p "$dir/store"
	RADICALE_USER=alice
	RADICALE_PASS=$(random_password)
	printf '%s\n' "$RADICALE_PASS" | htpasswd -i -m -c "$dir/users" "$RADICALE_USER" 2>/dev/null ||
		die "htpasswd failed"
	for _ in 1 2 3; do
		port=$(free_port)
		cat >"$dir/config" <<EOF
[server]
hosts = 127.0.0.1:$port
max_connections = 20
timeout = 60

[auth]
type = htpasswd
htpasswd_filename = $dir/users
htpasswd_encryption = md5
# no 1 s penalty on a failed login: tests provoke 401 on purpose
delay = 0

[rights]
type = owner_only

[storage]
filesystem_folder = $dir/store

[web]
type = none

[logging]
level = warning
mask_passwords = True
EOF
		spawn "$dir/radicale.log" radicale --config "$dir/config"
		RADICALE_PID=$SPAWNED_PID
		RADICALE_URL="http://127.0.0.1:$port/"
		if wait_http "$RADICALE_URL" 15 "$RADICALE_PID" && kill -0 "$RADICALE_PID" 2>/dev/null; then
			RADICALE_STORE=$dir/store/collection-root
			# the user's principal folder appears on first authenticated use
			propfind "${RADICALE_URL}$RADICALE_USER/" 0 d:resourcetype >/dev/null
			export RADICALE_URL RADICALE_USER RADICALE_PASS RADICALE_STORE RADICALE_PID
			return 0
		fi
		stop_pid "$RADICALE_PID"
	done
	tail -n 20 "$dir/radicale.log" >&2
	die "radicale did not start (log above)"
}

# radicale_password_command: write the Radicale password to a 0600 file and
# print a shell command that prints it (for kith --password-command).
radicale_password_command() {
	local f=$T/radicale/password
	(umask 077 && printf '%s\n' "$RADICALE_PASS" >"$f")
	printf "cat '%s'" "$f"
}

# make_radicale_book NAME [DISPLAYNAME]: create /alice/NAME/ by extended
# MKCOL; print its URL (returns 1 on failure: use it as
# book=$(make_radicale_book friends) || fail "...").
make_radicale_book() {
	local url="${RADICALE_URL}$RADICALE_USER/$1/"
	mkcol_addressbook "$url" "${2:-$1}" || { echo "MKCOL $url: HTTP $(last_status)" >&2; return 1; }
	echo "$url"
}

# seed_radicale_book NAME COUNT [GEN-CARDS ARGS...]: fill /alice/NAME/ with
# COUNT generated people by writing straight into Radicale's storage (under
# its lock, atomically per file; works whether the server runs or not). The
# book is created if needed. Prints the book URL; returns 1 on failure.
# SEED_FROM=DIR uses the .vcf files in DIR instead of running gen-cards.
seed_radicale_book() {
	local name=$1 count=$2
	shift 2
	"$PY" "$KITH_SRCDIR/scripts/seed-book" "$RADICALE_STORE/$RADICALE_USER/$name" \
		--count "$count" ${SEED_FROM:+--from "$SEED_FROM"} "$@" >&2 ||
		{ echo "seed-book failed for radicale book $name" >&2; return 1; }
	echo "${RADICALE_URL}$RADICALE_USER/$name/"
}

# warm_radicale_book URL: one sync-collection so Radicale builds its item
# cache now (10,000 fresh cards: about 35 s the first time, 2 s after), not
# inside a timed or timeout-bound step of the test.
warm_radicale_book() {
	dav_curl "$1" -X REPORT -H 'Depth: 1' -H 'Content-Type: application/xml' -m 300 \
		--data-binary '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>' \
		-o /dev/null -w '%{http_code}' | grep -q '^207$'
}

# ---------------------------------------------------------------- Xandikos

# start_xandikos: Xandikos on 127.0.0.1:free port serving $T/xandikos
# (--defaults: principal /user/, home /user/contacts/, a book "addressbook").
# No authentication. Exports XANDIKOS_URL, XANDIKOS_DIR, XANDIKOS_PID.
start_xandikos() {
	local dir=$T/xandikos port
	mkdir -p "$dir"
	for _ in 1 2 3; do
		port=$(free_port)
		spawn "$T/xandikos.log" xandikos -d "$dir" -l 127.0.0.1 -p "$port" --defaults
		XANDIKOS_PID=$SPAWNED_PID
		XANDIKOS_URL="http://127.0.0.1:$port/"
		if wait_http "$XANDIKOS_URL" 20 "$XANDIKOS_PID" && kill -0 "$XANDIKOS_PID" 2>/dev/null; then
			XANDIKOS_DIR=$dir
			export XANDIKOS_URL XANDIKOS_DIR XANDIKOS_PID
			return 0
		fi
		stop_pid "$XANDIKOS_PID"
	done
	tail -n 20 "$T/xandikos.log" >&2
	die "xandikos did not start (log above)"
}

# make_xandikos_book NAME [DISPLAYNAME]: create /user/contacts/NAME/ by
# extended MKCOL; print its URL.
make_xandikos_book() {
	local url="${XANDIKOS_URL}user/contacts/$1/"
	mkcol_addressbook "$url" "${2:-$1}" || { echo "MKCOL $url: HTTP $(last_status)" >&2; return 1; }
	echo "$url"
}

# seed_xandikos_book NAME COUNT [GEN-CARDS ARGS...]: fill the (existing or
# new) book with COUNT people by one git commit into its repository. Prints
# the book URL; returns 1 on failure. SEED_FROM as above.
seed_xandikos_book() {
	local name=$1 count=$2
	shift 2
	"$PY" "$KITH_SRCDIR/scripts/seed-book" "$XANDIKOS_DIR/user/contacts/$name" \
		--count "$count" ${SEED_FROM:+--from "$SEED_FROM"} "$@" >&2 ||
		{ echo "seed-book failed for xandikos book $name" >&2; return 1; }
	echo "${XANDIKOS_URL}user/contacts/$name/"
}

# ---------------------------------------------------------------- SabreDAV

# start_sabre [digest|basic]: SabreDAV 1.8 (Debian's php-sabre-dav, the
# library under Nextcloud and Baikal) under `php -S` on 127.0.0.1:free port,
# with PDO SQLite in $T/sabre/db.sqlite made from the package's own SQL
# schema. One user, sabre, with a fresh random password; Digest (the
# package's PDO backend) unless basic is asked for. One address book,
# /addressbooks/sabre/default/ ("Contacts"); see make_sabre_book. Exports
# SABRE_URL (with trailing /), SABRE_USER, SABRE_PASS, SABRE_DB, SABRE_PID.
#
# SabreDAV 1.8 quirks (Debian 12, PHP 8.2):
#  - No sync-collection: REPORT sync-collection is 403 (or 501). getctag is
#    the book's ctag column, raised by every PUT and DELETE.
#  - Digest: every request without credentials is a 401 with a fresh nonce,
#    but any nonce is accepted later (it is not checked against those sent).
#  - ETag "md5 of the card"; stores the PUT's bytes as they came.
#  - /.well-known/carddav is not handled (401, then 404).
#  - The principal is /principals/sabre/, its addressbook-home-set
#    /addressbooks/sabre/; PROPFIND / lists principals/ and addressbooks/.
start_sabre() {
	local dir=$T/sabre port sql=/usr/share/doc/php-sabre-dav/examples/sql f
	command -v php >/dev/null 2>&1 && [[ -f /usr/share/php/Sabre/autoload.php && -d $sql ]] &&
		php -m | grep -qx pdo_sqlite || _need "php-cli, php-sqlite3 and php-sabre-dav"
	mkdir -p "$dir"
	SABRE_USER=sabre
	SABRE_PASS=$(random_password)
	SABRE_DB=$dir/db.sqlite
	for f in users principals addressbooks locks; do
		# The package's schema, without its sample admin user.
		sed '/^INSERT/,/;/d' "$sql/sqlite.$f.sql"
	done | sqlite3 "$SABRE_DB" || die "sabre: cannot create the database"
	sqlite3 "$SABRE_DB" "INSERT INTO users(username, digesta1) VALUES('$SABRE_USER',
		'$(printf '%s:SabreDAV:%s' "$SABRE_USER" "$SABRE_PASS" | md5sum | cut -d' ' -f1)');
		INSERT INTO principals(uri, email, displayname) VALUES('principals/$SABRE_USER',
		'$SABRE_USER@example.org', 'Sabre User');" || die "sabre: cannot add the user"
	for _ in 1 2 3; do
		port=$(free_port)
		SABRE_DIR=$dir SABRE_AUTH=${1:-digest} SABRE_USER=$SABRE_USER SABRE_PASS=$SABRE_PASS \
		PHP_CLI_SERVER_WORKERS=4 \
			spawn "$T/sabre.log" php -S "127.0.0.1:$port" "$KITH_SRCDIR/tests/integration/servers/sabre.php"
		SABRE_PID=$SPAWNED_PID
		SABRE_URL="http://127.0.0.1:$port/"
		if wait_http "$SABRE_URL" 20 "$SABRE_PID" && kill -0 "$SABRE_PID" 2>/dev/null; then
			export SABRE_URL SABRE_USER SABRE_PASS SABRE_DB SABRE_PID
			return 0
		fi
		stop_pid "$SABRE_PID"
	done
	tail -n 20 "$T/sabre.log" >&2
	die "sabre did not start (log above)"
}

# make_sabre_book NAME [DISPLAYNAME]: an address book of the user, made in
# the database as SabreDAV's backend makes one; prints its URL.
make_sabre_book() {
	sqlite3 "$SABRE_DB" "INSERT INTO addressbooks(principaluri, displayname, uri,
		description, ctag) VALUES('principals/$SABRE_USER', '${2:-$1}', '$1', '', 1)" ||
		{ echo "sabre: cannot make the book $1" >&2; return 1; }
	echo "${SABRE_URL}addressbooks/$SABRE_USER/$1/"
}

# seed_sabre_book NAME COUNT [GEN-CARDS ARGS...]: COUNT people into the
# book, in one transaction; prints the book URL.
seed_sabre_book() {
	local name=$1 count=$2
	shift 2
	"$PY" "$KITH_SRCDIR/scripts/seed-book" --kind sabre "$SABRE_DB#$name" \
		--count "$count" ${SEED_FROM:+--from "$SEED_FROM"} "$@" >&2 ||
		{ echo "seed-book failed for sabre book $name" >&2; return 1; }
	echo "${SABRE_URL}addressbooks/$SABRE_USER/$name/"
}

# ---------------------------------------------------------------- Calypso

# start_calypso: Calypso 2.1 (git-backed, from Radicale) on 127.0.0.1:free
# port, its config, htpasswd (SHA-1) users file and storage under
# $T/calypso (HOME points there too: Calypso reads ~/.config/calypso).
# One user, calypso, with a fresh random password. Exports CALYPSO_URL
# (with trailing /), CALYPSO_USER, CALYPSO_PASS, CALYPSO_STORE, CALYPSO_PID.
#
# Calypso 2.1 quirks (Debian 12):
#  - Every collection without metadata says it is an address book and a
#    calendar, and names itself its own addressbook-home-set; "/" does too,
#    with current-user-principal /USER (no slash). In a Depth 1 listing the
#    children are calendars only. A book is a git repository folder
#    STORE/USER/NAME with .calypso-collection ([collection] is-addressbook).
#  - A card lives at BOOK/UID whatever href it was PUT to (the PUT's href
#    answers 410 afterwards); it is served as text/calendar, re-serialised.
#  - ETags are unquoted SHA-1s. HTTP/1.0, one request at a time.
#  - A PUT whose git commit fails answers 400 but leaves the file behind;
#    git runs with an empty environment, so the identity is repo config.
start_calypso() {
	local dir=$T/calypso port
	command -v calypso >/dev/null 2>&1 || _need calypso
	mkdir -p "$dir/store" "$dir/.config/calypso"
	CALYPSO_USER=calypso
	CALYPSO_PASS=$(random_password)
	CALYPSO_STORE=$dir/store
	printf '%s:{SHA}%s\n' "$CALYPSO_USER" \
		"$(printf '%s' "$CALYPSO_PASS" | openssl dgst -sha1 -binary | base64)" >"$dir/users"
	for _ in 1 2 3; do
		port=$(free_port)
		cat >"$dir/.config/calypso/config" <<CFG
[server]
host = 127.0.0.1
port = $port
pidfile = $dir/calypso.pid
[acl]
type = htpasswd
filename = $dir/users
encryption = sha1
[storage]
folder = $dir/store
CFG
		HOME=$dir spawn "$T/calypso.log" calypso -f
		CALYPSO_PID=$SPAWNED_PID
		CALYPSO_URL="http://127.0.0.1:$port/"
		if wait_http "$CALYPSO_URL" 20 "$CALYPSO_PID" && kill -0 "$CALYPSO_PID" 2>/dev/null; then
			export CALYPSO_URL CALYPSO_USER CALYPSO_PASS CALYPSO_STORE CALYPSO_PID
			return 0
		fi
		stop_pid "$CALYPSO_PID"
	done
	tail -n 20 "$T/calypso.log" >&2
	die "calypso did not start (log above)"
}

# make_calypso_book NAME [DISPLAYNAME]: the folder STORE/USER/NAME as a git
# repository marked as an address book, as Calypso's README says; prints
# its URL.
make_calypso_book() {
	local d=$CALYPSO_STORE/$CALYPSO_USER/$1
	# Calypso commits every write with an empty environment: the
	# committer's identity has to be in the repository's own config.
	mkdir -p "$d" && git -C "$d" init -q &&
		git -C "$d" config user.name calypso && git -C "$d" config user.email calypso@example.org &&
		printf '[collection]\nis-addressbook = True\nis-calendar = False\ndescription = %s\n' \
			"${2:-$1}" >"$d/.calypso-collection" ||
		{ echo "calypso: cannot make the book $1" >&2; return 1; }
	echo "${CALYPSO_URL}$CALYPSO_USER/$1/"
}

# seed_calypso_book NAME COUNT [GEN-CARDS ARGS...]: COUNT people committed
# into the book's repository in one commit; prints the book URL.
seed_calypso_book() {
	local name=$1 count=$2
	shift 2
	"$PY" "$KITH_SRCDIR/scripts/seed-book" --kind xandikos "$CALYPSO_STORE/$CALYPSO_USER/$name" \
		--count "$count" ${SEED_FROM:+--from "$SEED_FROM"} "$@" >&2 ||
		{ echo "seed-book failed for calypso book $name" >&2; return 1; }
	echo "${CALYPSO_URL}$CALYPSO_USER/$name/"
}

# ---------------------------------------------------------------- Cyrus

# start_cyrus: Cyrus IMAP 3.6 (Debian's cyrus-imapd + cyrus-caldav, the
# engine Fastmail runs) with its httpd serving CardDAV and CalDAV on
# 127.0.0.1:free port and imapd on another (only to create the user's
# mailbox, under which Cyrus keeps the address book home). Everything lives
# in $T/cyrus: imapd.conf, cyrus.conf, the mailbox spool, the databases,
# the sockets and a sasldb with the user and an admin, each with a fresh
# random password. Exports CYRUS_URL (with trailing /), CYRUS_USER,
# CYRUS_PASS, CYRUS_PID.
#
# Cyrus refuses to run as root: as root, its processes become the package's
# cyrus user, so $T is made traversable (0711, still not listable) and
# $T/cyrus is given to that user; as anyone else, cyrus_user names the
# caller. Nothing is written outside $T (the master is told every path).
#
# Cyrus 3.6 quirks (Debian 12):
#  - The user's address book home /dav/addressbooks/user/USER/ exists only
#    once the user's INBOX does (an IMAP CREATE user/USER by an admin); it
#    then holds one book, Default/ ("personal").
#  - Stores every card re-serialised (parameters split: TYPE="a,b" becomes
#    TYPE=a;TYPE=b) and converts on the way out: GET and address-data give
#    vCard 3.0 unless the request asks for 4.0 (Accept, or address-data
#    version="4.0"), whatever version was stored; supported-address-data
#    lists 3.0 and 4.0. getcontentlength is the stored card's length.
#  - sync-collection with data: tokens, getctag, extended MKCOL. HTTP/1.1
#    keep-alive (offers h2c upgrade). /.well-known/carddav is a 301 to
#    /dav/addressbooks. Logs go to syslog only (none here).
start_cyrus() {
	local dir=$T/cyrus port iport admin=kithadmin apass cuser f
	[[ -x /usr/lib/cyrus/bin/master ]] && command -v saslpasswd2 >/dev/null 2>&1 ||
		_need "cyrus-imapd, cyrus-caldav and sasl2-bin"
	mkdir -p "$dir"/{conf,spool,sieve,run/proc,run/lock,run/socket}
	CYRUS_USER=alice
	CYRUS_PASS=$(random_password)
	apass=$(random_password)
	if ((EUID == 0)); then cuser=cyrus; chmod 711 "$T"; else cuser=$(id -un); fi
	for _ in 1 2 3; do
		port=$(free_port)
		iport=$(free_port)
		[[ $port != "$iport" ]] || continue
		cat >"$dir/imapd.conf" <<CFG
configdirectory: $dir/conf
proc_path: $dir/run/proc
mboxname_lockpath: $dir/run/lock
defaultpartition: default
partition-default: $dir/spool
sievedir: $dir/sieve
lmtpsocket: $dir/run/socket/lmtp
idlesocket: $dir/run/socket/idle
notifysocket: $dir/run/socket/notify
cyrus_user: $cuser
admins: $admin
unixhierarchysep: yes
allowplaintext: yes
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $dir/sasldb2
sasl_mech_list: PLAIN LOGIN
httpmodules: carddav caldav
servername: localhost
syslog_prefix: kith-test-cyrus
CFG
		cat >"$dir/cyrus.conf" <<CFG
START {
	recover cmd="ctl_cyrusdb -C $dir/imapd.conf -r"
}
SERVICES {
	http cmd="httpd -C $dir/imapd.conf" listen="127.0.0.1:$port" prefork=0
	imap cmd="imapd -C $dir/imapd.conf" listen="127.0.0.1:$iport" prefork=0
}
EVENTS {
}
CFG
		rm -f "$dir/sasldb2"
		for f in "$CYRUS_USER:$CYRUS_PASS" "$admin:$apass"; do
			printf '%s' "${f#*:}" | saslpasswd2 -p -c -f "$dir/sasldb2" -u localhost "${f%%:*}" ||
				die "cyrus: saslpasswd2 failed"
		done
		((EUID == 0)) && chown -R cyrus:mail "$dir"
		spawn "$T/cyrus.log" /usr/lib/cyrus/bin/master -C "$dir/imapd.conf" -M "$dir/cyrus.conf" \
			-p "$dir/run/master.pid" -D
		CYRUS_PID=$SPAWNED_PID
		CYRUS_URL="http://127.0.0.1:$port/"
		if wait_http "$CYRUS_URL" 20 "$CYRUS_PID" && kill -0 "$CYRUS_PID" 2>/dev/null &&
			CYRUS_ADMIN_PASS=$apass "$PY" - "$iport" "$admin" "$CYRUS_USER" <<'PY'
import imaplib, os, sys, time
port, admin, user = int(sys.argv[1]), sys.argv[2], sys.argv[3]
for _ in range(50):
    try:
        m = imaplib.IMAP4("127.0.0.1", port)
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("cyrus: imapd does not answer")
m.login(admin, os.environ["CYRUS_ADMIN_PASS"])
typ, data = m.create("user/" + user)
if typ != "OK":
    sys.exit("cyrus: CREATE user/%s: %r" % (user, data))
m.logout()
PY
		then
			export CYRUS_URL CYRUS_USER CYRUS_PASS CYRUS_PID
			return 0
		fi
		stop_pid "$CYRUS_PID"
	done
	tail -n 20 "$T/cyrus.log" >&2
	die "cyrus did not start (log above)"
}

# make_cyrus_book NAME [DISPLAYNAME]: an address book of the user, made by
# extended MKCOL (RFC 5689); prints its URL.
make_cyrus_book() { _mkcol_book cyrus "${CYRUS_URL}dav/addressbooks/user/$CYRUS_USER/$1/" "${2:-$1}"; }

# seed_cyrus_book NAME COUNT [GEN-CARDS ARGS...]: COUNT people PUT into the
# book over HTTP (Cyrus keeps cards in mailboxes, not plain files); prints
# the book URL.
seed_cyrus_book() {
	local url=${CYRUS_URL}dav/addressbooks/user/$CYRUS_USER/$1/
	shift
	_seed_over_http cyrus "$url" "$CYRUS_USER" "$CYRUS_PASS" "$@"
}

# _mkcol_book ENGINE URL DISPLAYNAME: an address book made by extended MKCOL
# (RFC 5689); prints its URL.
_mkcol_book() {
	mkcol_addressbook "$2" "$3" >/dev/null ||
		{ echo "$1: MKCOL $2: HTTP $(last_status)" >&2; return 1; }
	echo "$2"
}

# _seed_over_http ENGINE URL USER PASS COUNT [GEN-CARDS ARGS...]: COUNT
# people PUT into the book at URL by seed-book (the password through its
# environment, never an argument); prints URL.
_seed_over_http() {
	local engine=$1 url=$2 user=$3 pass=$4 count=$5
	shift 5
	SEED_PASSWORD=$pass "$PY" "$KITH_SRCDIR/scripts/seed-book" --kind url "$url" \
		--user "$user" --jobs 4 --count "$count" ${SEED_FROM:+--from "$SEED_FROM"} "$@" >&2 ||
		{ echo "seed-book failed for $engine book $url" >&2; return 1; }
	echo "$url"
}

# cyrus_stored_version FILENAME: the VERSION of the newest copy Cyrus keeps
# of the card PUT as FILENAME (read from its mailbox spool, where each
# card is a message whose Content-Disposition names the file); what no
# request can tell, since Cyrus converts on the way out.
cyrus_stored_version() {
	local f
	f=$(grep -rlF "filename=\"$1\"" "$T/cyrus/spool" 2>/dev/null |
		awk -F/ '{ print $NF "\t" $0 }' | sort -n | tail -n 1 | cut -f2)
	[[ -n $f ]] && tr -d '\r' <"$f" | sed -n 's/^VERSION://p' | head -n 1
}

# ---------------------------------------------------------------- DAViCal

# start_davical: DAViCal 1.1 (PHP on PostgreSQL) under Apache in the
# foreground on 127.0.0.1:free port, its database in a private PostgreSQL
# cluster that listens on a Unix socket in $T/davical/sock only, made by
# DAViCal's own create-database.sh. The test user is DAViCal's admin, with
# a fresh random password. Exports DAVICAL_URL (with trailing /),
# DAVICAL_USER, DAVICAL_PASS, DAVICAL_PID (Apache; PostgreSQL is stopped
# by the same trap).
#
# Everything lives in $T/davical. DAViCal insists on a system path for its
# config (/etc/davical/SERVER_NAME-conf.php, else /etc/davical/config.php):
# an auto_prepend_file sets SERVER_NAME so that the first path leads into
# $T/davical, and that config file restores it; nothing in /etc is
# written. As root, PostgreSQL runs as the postgres user and Apache's
# children as www-data, so $T is made traversable (0711).
#
# DAViCal 1.1.12 quirks (Debian 12):
#  - The principal is /caldav.php/USER/; it has no address book until one
#    is made (extended MKCOL works). / answers PROPFIND with
#    current-user-principal.
#  - /.well-known/carddav is a 301 to the absolute http://HOST:PORT/caldav.php/
#    (with the rewrite rule DAViCal's docs give for Apache).
#  - Rewrites cards: escapes commas in FN, refolds long lines at 75
#    octets. sync-collection supported.
start_davical() {
	local dir=$T/davical port pg m=/usr/lib/apache2/modules php
	local as_pg=() as_web=() i
	# The newest PostgreSQL and PHP module installed (15 and 8.2 on Debian 12).
	pg=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	php=$(ls "$m"/libphp*.so 2>/dev/null | sort -V | tail -n 1)
	[[ -x $pg/postgres && -x /usr/share/davical/dba/create-database.sh && -n $php ]] &&
		command -v apache2 >/dev/null 2>&1 ||
		_need "davical, postgresql, apache2 and libapache2-mod-php"
	mkdir -p "$dir/pg" "$dir/sock" "$dir/tmp"
	chmod 755 "$dir" "$dir/sock"
	chmod 700 "$dir/pg"
	chmod 1777 "$dir/tmp"
	: >"$dir/php-error.log"
	if ((EUID == 0)); then
		chmod 711 "$T"
		chown postgres: "$dir/pg" "$dir/sock"
		chown www-data: "$dir/php-error.log"
		as_pg=(runuser -u postgres --)
		as_web=("User www-data" "Group www-data")
	fi
	"${as_pg[@]}" "$pg/initdb" -D "$dir/pg" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
		>"$T/davical-initdb.log" 2>&1 || { cat "$T/davical-initdb.log" >&2; die "davical: initdb failed"; }
	spawn "$T/davical-pg.log" "${as_pg[@]}" "$pg/postgres" -D "$dir/pg" -k "$dir/sock" \
		-c listen_addresses= -c fsync=off
	for ((i = 0; i < 100; i++)); do
		[[ -S $dir/sock/.s.PGSQL.5432 ]] && break
		sleep 0.1
	done
	[[ -S $dir/sock/.s.PGSQL.5432 ]] || { tail -n 20 "$T/davical-pg.log" >&2; die "davical: PostgreSQL did not start"; }
	DAVICAL_USER=admin
	DAVICAL_PASS=$(random_password)
	(cd "$dir/tmp" && "${as_pg[@]}" env PGHOST="$dir/sock" PGUSER=postgres TMPDIR="$dir/tmp" \
		/usr/share/davical/dba/create-database.sh davical "$DAVICAL_PASS") >"$T/davical-db.log" 2>&1 ||
		{ tail -n 20 "$T/davical-db.log" >&2; die "davical: create-database.sh failed"; }
	cat >"$dir/prepend.php" <<PHP
<?php
// DAViCal reads /etc/davical/SERVER_NAME-conf.php first: with this name
// that is $dir/davical-conf.php, which puts SERVER_NAME back.
\$_SERVER['SERVER_NAME'] = '../..$dir/davical';
PHP
	cat >"$dir/davical-conf.php" <<PHP
<?php
\$_SERVER['SERVER_NAME'] = '127.0.0.1';
\$c->domain_name = '127.0.0.1';
\$c->pg_connect[] = 'host=$dir/sock dbname=davical user=davical_app';
\$c->system_name = 'kith test DAViCal';
\$c->admin_email = 'admin@example.org';
\$c->restrict_setup_to_admin = true;
PHP
	for _ in 1 2 3; do
		port=$(free_port)
		{
			printf '%s\n' "ServerRoot $dir" "Listen 127.0.0.1:$port" "PidFile $dir/httpd.pid" \
				"DefaultRuntimeDir $dir" "Mutex file:$dir default" "ErrorLog $dir/httpd-error.log" \
				"LogLevel warn" "ServerName 127.0.0.1" "TypesConfig /etc/mime.types" \
				"StartServers 2" "MinSpareServers 1" "MaxSpareServers 4" "${as_web[@]}"
			for i in mpm_prefork authz_core mime dir rewrite; do
				echo "LoadModule ${i}_module $m/mod_$i.so"
			done
			cat <<CONF
LoadModule php_module $php
DocumentRoot /usr/share/davical/htdocs
DirectoryIndex index.php
<Directory /usr/share/davical/htdocs>
	Require all granted
	AllowOverride None
</Directory>
<FilesMatch "\\.php\$">
	SetHandler application/x-httpd-php
</FilesMatch>
php_value include_path /usr/share/awl/inc
php_value auto_prepend_file $dir/prepend.php
php_value error_log $dir/php-error.log
php_flag log_errors on
php_flag display_errors off
RewriteEngine On
RewriteRule ^/\\.well-known/(.*)\$ /caldav.php/.well-known/\$1 [NC,L]
CONF
		} >"$dir/httpd.conf"
		spawn "$T/davical.log" apache2 -f "$dir/httpd.conf" -DFOREGROUND
		DAVICAL_PID=$SPAWNED_PID
		DAVICAL_URL="http://127.0.0.1:$port/"
		if wait_http "$DAVICAL_URL" 20 "$DAVICAL_PID" && kill -0 "$DAVICAL_PID" 2>/dev/null; then
			export DAVICAL_URL DAVICAL_USER DAVICAL_PASS DAVICAL_PID
			return 0
		fi
		stop_pid "$DAVICAL_PID"
	done
	tail -n 20 "$T/davical.log" "$dir/httpd-error.log" >&2
	die "davical did not start (log above)"
}

# make_davical_book NAME [DISPLAYNAME]: an address book of the user, made by
# extended MKCOL (RFC 5689); prints its URL.
make_davical_book() { _mkcol_book davical "${DAVICAL_URL}caldav.php/$DAVICAL_USER/$1/" "${2:-$1}"; }

# seed_davical_book NAME COUNT [GEN-CARDS ARGS...]: COUNT people PUT into the
# book over HTTP; prints the book URL.
seed_davical_book() {
	local url=${DAVICAL_URL}caldav.php/$DAVICAL_USER/$1/
	shift
	_seed_over_http davical "$url" "$DAVICAL_USER" "$DAVICAL_PASS" "$@"
}

# ---------------------------------------------------------------- any engine

# start_engine ENGINE: radicale, xandikos, sabre, calypso, cyrus or davical,
# started as above. Sets ENGINE, ENGINE_URL (its root, with trailing /)
# and ENGINE_ACCT, what 'kith account add' takes for its user: --user and
# a --password-command that reads a private file, never the password.
start_engine() {
	local up u p
	ENGINE=$1
	case $1 in
	radicale | xandikos | sabre | calypso | cyrus | davical) "start_$1" ;;
	*) die "no engine '$1'" ;;
	esac
	up=${1^^}
	u=${up}_USER p=${up}_PASS
	ENGINE_URL=${up}_URL
	ENGINE_URL=${!ENGINE_URL}
	if [[ $1 == xandikos ]]; then
		# Xandikos has no authentication; kith still needs some password.
		ENGINE_ACCT=(--user alice --password-command "echo unused")
	else
		(umask 077 && printf '%s\n' "${!p}" >"$T/pw-$1")
		ENGINE_ACCT=(--user "${!u}" --password-command "cat $T/pw-$1")
	fi
	export ENGINE ENGINE_URL
}

# make_engine_book NAME [DISPLAYNAME], seed_engine_book NAME COUNT [ARGS...]:
# make_ENGINE_book and seed_ENGINE_book of the engine start_engine started.
make_engine_book() { "make_${ENGINE}_book" "$@"; }
seed_engine_book() { "seed_${ENGINE}_book" "$@"; }

# ---------------------------------------------------------------- tmux

# The interactive shell on a real terminal: kith in a tmux session "k" on
# a private socket ($T/tmux.sock), stopped by the EXIT trap.
#
# start_shell [COLS ROWS]: kith in a fresh session (120x40 by default),
# with this test's home and environment (KITH_TODAY passed when set).
start_shell() {
	SOCK=$T/tmux.sock
	tmux -S "$SOCK" kill-session -t k >/dev/null 2>&1
	tmux -S "$SOCK" -f /dev/null new-session -d -s k -x "${1:-120}" -y "${2:-40}" \
		env -i PATH="$PATH" HOME="$HOME" TERM=xterm-256color LANG=C.UTF-8 \
		XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_DATA_HOME="$XDG_DATA_HOME" \
		XDG_STATE_HOME="$XDG_STATE_HOME" ${KITH_TODAY:+KITH_TODAY="$KITH_TODAY"} \
		NO_COLOR=1 INPUTRC=/dev/null "$KITH_BIN" || die "tmux new-session failed"
}
pane() { tmux -S "$SOCK" capture-pane -p -t k 2>/dev/null; }
keys() { tmux -S "$SOCK" send-keys -t k "$@"; }
type_text() { tmux -S "$SOCK" send-keys -t k -l "$1"; }
# wait_for TEXT [SECONDS]: poll the pane until TEXT shows (default 10 s).
wait_for() {
	local i
	for ((i = 0; i < ${2:-10} * 20; i++)); do
		[[ $(pane) == *"$1"* ]] && return 0
		sleep 0.05
	done
	return 1
}
# expect_pane TEXT MSG
expect_pane() {
	if wait_for "$1"; then
		pass "$2"
	else
		not_ok "$2"
		diag "waited for: $1" "$(pane | grep -v '^$' | tail -n 15)"
	fi
}
# the current (last non-empty) line of the pane
last_line() { pane | grep -v '^$' | tail -n 1; }
# wait_count TEXT N: poll until TEXT shows on N lines of the pane (10 s).
wait_count() {
	local i
	for ((i = 0; i < 200; i++)); do
		(($(pane | grep -cF -- "$1") >= $2)) && return 0
		sleep 0.05
	done
	return 1
}

# ---------------------------------------------------------------- fault proxy

# start_faultproxy UPSTREAM_URL [FAULTPROXY ARGS...]: scripts/faultproxy in
# front of UPSTREAM_URL. Exports PROXY_URL (with trailing /), PROXY_LOG,
# PROXY_PID. Each call starts another proxy (the exports name the latest).
start_faultproxy() {
	local up=$1 i n
	shift
	_proxies=$((_proxies + 1))
	n=$_proxies
	rm -f "$T/proxy-$n.port"
	spawn "$T/proxy-$n.out" "$PY" "$KITH_SRCDIR/scripts/faultproxy" "$up" \
		--port-file "$T/proxy-$n.port" --log "$T/proxy-$n.log" "$@"
	PROXY_PID=$SPAWNED_PID
	for ((i = 0; i < 100; i++)); do
		[[ -s $T/proxy-$n.port ]] && break
		kill -0 "$PROXY_PID" 2>/dev/null || break
		sleep 0.1
	done
	[[ -s $T/proxy-$n.port ]] || { cat "$T/proxy-$n.out" >&2; die "faultproxy did not start"; }
	PROXY_URL="http://127.0.0.1:$(cat "$T/proxy-$n.port")/"
	PROXY_LOG=$T/proxy-$n.log
	export PROXY_URL PROXY_LOG PROXY_PID
}

# proxy_force FAULT [METHOD] [COUNT] [PATH-SUBSTRING] [BODY-SUBSTRING]:
# force FAULT on the next COUNT (default 1) matching requests through
# $PROXY_URL.
proxy_force() {
	curl -sS -f -o /dev/null -X POST --data-urlencode "next=$1" \
		--data-urlencode "method=${2:-}" --data-urlencode "count=${3:-1}" \
		--data-urlencode "path=${4:-}" --data-urlencode "body=${5:-}" \
		"${PROXY_URL}__fault"
}

# proxy_clear: drop the forced faults of $PROXY_URL not used yet.
proxy_clear() { curl -sS -f -o /dev/null -X POST -d clear=1 "${PROXY_URL}__fault"; }

# proxy_rate R: change the random fault rate of $PROXY_URL.
proxy_rate() {
	curl -sS -f -o /dev/null -X POST --data-urlencode "rate=$1" "${PROXY_URL}__fault"
}

# proxy_stats: print the JSON statistics of $PROXY_URL.
proxy_stats() { curl -sS -f "${PROXY_URL}__fault/stats"; }

# proxy_stat KEY: one number from the stats: requests, forwarded, pending,
# faults.KIND (0 when absent) or methods.METHOD.
proxy_stat() {
	proxy_stats | "$PY" -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k, 0) if isinstance(v, dict) else 0
print(v)' "$1"
}

# ---------------------------------------------------------------- kith

# kith_env: a fresh private home for one kith (call again for a second,
# independent kith); exports HOME and the XDG_* folders under $T/home-N,
# and KITH_HOME (that folder). Call it directly, not in $(...). Also fixes the locale and drops the session bus so a
# test never touches the real keyring.
kith_env() {
	_kith_homes=$((_kith_homes + 1))
	local h=$T/home-$_kith_homes
	mkdir -p "$h/.config" "$h/.local/share" "$h/.local/state" "$h/.cache"
	chmod -R 700 "$h"
	export HOME=$h
	export XDG_CONFIG_HOME=$h/.config XDG_DATA_HOME=$h/.local/share
	export XDG_STATE_HOME=$h/.local/state XDG_CACHE_HOME=$h/.cache
	export NO_COLOR=1
	unset DBUS_SESSION_BUS_ADDRESS
	export KITH_HOME=$h
}

# kith ARGS...: run the kith under test.
kith() { "$KITH_BIN" "$@"; }
