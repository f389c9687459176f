#!/usr/bin/env bash
# test_hostile_text.sh: every byte a server chose is made safe before it
# reaches a terminal. scripts/hostile-server --mode evil serves a book whose
# displayname and cards carry ESC sequences, C1 controls, bidi overrides and
# invalid bytes; kith's every command is run against it (errors and
# warnings included: PUTs are refused, a card is deleted with notes
# pending), and ALL of its stdout and stderr is checked. Also: hrefs with
# dot segments are never members of the book and never written to, and a
# book redirected to another host at sync time fails without syncing from
# there.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith

n_servers=0
# hostile MODE [ARGS...]: start scripts/hostile-server; sets H_URL, H_LOG.
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
	H_URL="http://127.0.0.1:$H_PORT/book/"
}

OUT=$T/all-output
: >"$OUT"
# run ARGS...: kith ARGS, its stdout and stderr appended to $OUT. Sets RC.
run() {
	{ printf '\n@@ kith %s\n' "$*"; } >>"$OUT"
	"$KITH_BIN" "$@" >>"$OUT" 2>&1
	RC=$?
}

# ---- the evil book, through every command
STATE=$T/state
hostile evil --state-file "$STATE"
kith_env
run account add evil "$H_URL" --user u --password-command "echo pw"
expect_eq "$RC" 0 "account add on the evil book works"
run account list
run sync
expect_eq "$RC" 0 "the evil book syncs"
expect_eq "$(kith list --json | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')" 2 \
	"both evil cards are stored"
for cmd in "list" "list --json" "show evil1.vcf" "show --json evil1.vcf" "show evil2.vcf" \
	"queue" "queue --all" "queue --json" "today" "today --json" "search Hostile" \
	"search forum" "history" "history --json" "stats" "stats --json" "draft evil1.vcf" \
	"draft evil2.vcf birthday" "next"; do
	# shellcheck disable=SC2086
	run $cmd </dev/null
done
run log evil1.vcf --via phone "asked about the forum"
run cadence evil2.vcf 2w
run sync
expect_eq "$RC" 1 "a refused PUT makes sync exit 1"
grep -q 'refused to store notes' "$OUT" && pass "the refused PUT is reported" ||
	not_ok "the refused PUT is reported"
echo gone >"$STATE"
run sync
grep -q 'was deleted on the server' "$OUT" && pass "the deleted card with notes is warned about" ||
	not_ok "the deleted card with notes is warned about"
run show evil1.vcf
run list

# ---- a redirect to another host, with controls in the Location
hostile evil-redirect
redirect_url=$H_URL
kith_env
run account add r "$redirect_url" --user u --password-command "echo pw"
expect_eq "$RC" 1 "account add refuses a redirect to another host"

# Everything kith printed: valid UTF-8, and no C0 control but newline and
# tab, no DEL, no C1 control, no bidi control.
bad=$("$PY" - "$OUT" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    print("invalid UTF-8 at byte %d: %r" % (e.start, data[max(0, e.start - 40):e.start + 10]))
    sys.exit()
bad = lambda c: ((ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) < 0xa0 or
                 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069 or
                 ord(c) in (0x2028, 0x2029))
for i, c in enumerate(text):
    if bad(c):
        cmd = text.rfind("\n@@ ", 0, i)
        print("U+%04X after %r in the output of %r" % (ord(c), text[max(0, i - 30):i],
              text[cmd + 4:text.find("\n", cmd + 1)]))
        break
EOF
)
if [[ -z $bad ]]; then
	pass "no control, C1, bidi character or invalid byte in any output ($(wc -l <"$OUT") lines)"
else
	not_ok "a server's bytes reached the terminal raw: $bad"
fi
grep -q 'Hostile' "$OUT" && grep -q 'Evil' "$OUT" && pass "the names are still shown, cleaned" ||
	not_ok "the names are still shown"

# ---- dot segments: never members, never written to
hostile outside
kith_env
kith account add h "$H_URL" --user u --password-command "echo pw" >/dev/null 2>&1
kith sync >"$T/out" 2>"$T/err"
hrefs=$(sqlite3 "$XDG_DATA_HOME/kith/kith.db" "SELECT href FROM card ORDER BY href" | tr '\n' ' ')
expect_eq "$hrefs" "/book/ok.vcf " "hrefs with dot segments or encoded separators are not members"
kith log ok.vcf --via phone "hello" >/dev/null 2>&1
kith sync >"$T/out" 2>"$T/err"
puts=$("$PY" -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["method"] in ("PUT", "DELETE"): print(r["path"])' "$H_LOG" | sort -u | tr '\n' ' ')
expect_eq "$puts" "/book/ok.vcf " "kith writes only to the card itself, never to / or the book"

# A card in the cache with a dot-segment href (an older kith stored them;
# a new person's href made from a hostile book URL) is never written to.
kith add "Dot Person" >/dev/null 2>&1
sqlite3 "$XDG_DATA_HOME/kith/kith.db" "UPDATE card SET href = '/book/..' WHERE state = 1"
: >"$H_LOG"
kith sync >"$T/out" 2>"$T/err"
grep -q 'will not write to' "$T/err" && pass "a stored dot-segment href is refused at push" ||
	not_ok "a stored dot-segment href is refused at push ($(cat "$T/err"))"
puts=$("$PY" -c 'import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["method"] in ("PUT", "DELETE") and r["path"] != "/book/ok.vcf": print(r["path"])' "$H_LOG")
expect_eq "$puts" "" "no PUT for the dot-segment href"

# ---- text typed with invalid UTF-8 never reaches a card
outbox() { sqlite3 "$XDG_DATA_HOME/kith/kith.db" "SELECT count(*) FROM outbox"; }
before=$(outbox)
err=$(printf 'log Honest caf\xe9 talk\n' | "$KITH_BIN" 2>&1 >/dev/null)
grep -q 'not valid UTF-8' <<<"$err" && pass "a piped log text with invalid UTF-8 is refused" ||
	not_ok "a piped log text with invalid UTF-8 is refused ($err)"
"$KITH_BIN" log Honest "$(printf 'caf\xe9')" >/dev/null 2>"$T/err"
expect_eq "$?" 2 "a one-shot log text with invalid UTF-8 exits 2"
"$KITH_BIN" add "$(printf 'Bj\xf6rn Mensah')" >/dev/null 2>"$T/err"
expect_eq "$?" 2 "a name with invalid UTF-8 is refused by add"
"$KITH_BIN" log Honest "$(printf 'esc \033[31m red')" >/dev/null 2>"$T/err"
expect_eq "$?" 2 "a log text with an escape character is refused"
grep -q 'control character' "$T/err" && pass "and the error says why" || not_ok "control character message ($(cat "$T/err"))"
expect_eq "$(outbox)" "$before" "nothing was queued for the server"
mkdir -p "$XDG_CONFIG_HOME/kith/templates"
printf 'Hi {first}, caf\xe9?\n' >"$XDG_CONFIG_HOME/kith/templates/latin1"
"$KITH_BIN" draft Honest latin1 >/dev/null 2>"$T/err"
expect_eq "$?" 1 "a template file that is not UTF-8 is refused"
grep -q 'not valid UTF-8' "$T/err" && pass "and the error names the template" || not_ok "template message ($(cat "$T/err"))"

# ---- a book redirected to another host at sync time
hostile ok
ok_url=$H_URL
ok_port=$H_PORT
kith_env
kith account add moved "$ok_url" --user u --password-command "echo pw" >/dev/null 2>&1
kith sync >/dev/null 2>&1
# Now the book answers with a redirect to another origin (127.0.0.2 is
# this machine too, but another host to a browser or to curl).
hostile redirect --redirect-to "http://127.0.0.2:$ok_port"
sed -i "s|$ok_url|$H_URL|" "$XDG_CONFIG_HOME/kith/config"
kith sync >"$T/out" 2>"$T/err"
expect_eq "$?" 1 "a book redirected to another host at sync time fails"
grep -q 'on another host' "$T/err" && pass "and says it was redirected to another host" ||
	not_ok "the redirect message ($(cat "$T/err"))"

finish
