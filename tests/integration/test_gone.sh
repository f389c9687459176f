#!/usr/bin/env bash
# test_gone.sh: the notes of a card deleted on the server. Another client
# deletes three cards on Xandikos while notes typed in kith wait for them;
# kith keeps the notes and sync warns; 'gone' lists them, and each way out
# does what it says: restore creates the card again with its notes, move
# logs them on another person (on the server, once), drop forgets them, and
# the warning stops.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith

start_xandikos
make_xandikos_book gone >/dev/null || die "MKCOL failed"
book=$(seed_xandikos_book gone 12 --seed 3) || die "seeding the book"
kith_env
kith account add x "$book" --user u --password-command "echo pw" >/dev/null 2>&1 ||
	die "account add failed"
kith sync >/dev/null 2>&1 || die "first sync failed"
mapfile -t HREFS < <(kith list --json | "$PY" -c 'import json, sys
for p in sorted(json.load(sys.stdin), key=lambda p: p["href"]): print(p["href"])')
expect_eq "${#HREFS[@]}" 12 "12 people in the cache"
seg() { local h=${HREFS[$1]%/}; echo "${h##*/}"; }
origin=${XANDIKOS_URL%/}

# log PERSON TEXT: prints the new entry's id.
note() { kith log "$1" --via phone "$2" | sed -n 's/^logged \([0-9a-f]\{8\}\) .*/\1/p'; }
# on_server HREF ID: how many times ID is on the server's card.
on_server() {
	get_card "$origin$1" 2>/dev/null | tr -d '\r' | sed ':a;N;$!ba;s/\n[ \t]//g' |
		grep -c "^X-KITH-LOG:[0-9-]* [a-z]* $2 "
}

a=$(seg 0) b=$(seg 1) c=$(seg 2) keep=$(seg 3)
ida=$(note "$a" "kept for restore")
idb=$(note "$b" "kept for move")
idb2=$(note "$b" "a second one for move")
idc=$(note "$c" "kept for drop")
for k in 0 1 2; do delete_card "$origin${HREFS[$k]}" || die "DELETE by another client"; done

kith sync >"$T/out" 2>"$T/err"
grep -q "deleted on the server.*kith gone" "$T/err" && pass "sync warns and names 'kith gone'" ||
	{ not_ok "sync warns about the deleted cards"; diag "$(cat "$T/err")"; }

kith gone >"$T/out" 2>&1
expect_eq "$?" 0 "gone lists"
expect_eq "$(grep -c 'note.* kept' "$T/out")" 3 "gone lists the three deleted cards"
grep -q "2 notes kept" "$T/out" && pass "with the number of notes kept" ||
	{ not_ok "gone counts notes"; diag "$(cat "$T/out")"; }
n=$(kith gone --json | "$PY" -c 'import json, sys; v = json.load(sys.stdin); print(len(v), sum(p["notes"] for p in v))')
expect_eq "$n" "3 4" "gone --json: three cards, four notes"

kith gone restore "$keep" >"$T/out" 2>&1
expect_eq "$?" 2 "gone restore of a person whose card exists is a usage error"
grep -q "still has a card" "$T/out" && pass "and says so" || { not_ok "says the card exists"; diag "$(cat "$T/out")"; }
kith gone frobnicate "$a" >/dev/null 2>&1
expect_eq "$?" 2 "an unknown subcommand is a usage error"
kith gone move "$b" >/dev/null 2>&1
expect_eq "$?" 2 "move without --to is a usage error"
kith gone move "$b" --to "$c" >"$T/out" 2>&1
[[ $? != 0 ]] && grep -q "deleted on the server" "$T/out" && pass "move to another deleted card is refused" ||
	{ not_ok "move to a gone card"; diag "$(cat "$T/out")"; }

# restore: created again, with its note, by the next sync.
kith gone restore "$a" >"$T/out" 2>&1
expect_eq "$?" 0 "gone restore"
# move: the notes go to a living card; the gone card is forgotten.
kith gone move "$b" --to "$keep" >"$T/out" 2>&1
expect_eq "$?" 0 "gone move"
grep -q "(2 notes)" "$T/out" && pass "move says how many notes moved" || { not_ok "move count"; diag "$(cat "$T/out")"; }
# drop: forgotten on purpose.
kith gone drop "$c" >"$T/out" 2>&1
expect_eq "$?" 0 "gone drop"

kith sync >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "the next sync succeeds"
grep -q "deleted on the server" "$T/err" && { not_ok "the warning stops"; diag "$(cat "$T/err")"; } ||
	pass "the warning stops"
get_card "$origin${HREFS[0]}" >"$T/card" 2>/dev/null
expect_eq "$(last_status)" 200 "the restored card is on the server again"
expect_eq "$(on_server "${HREFS[0]}" "$ida")" 1 "with its note, once"
grep -q $'\r$' "$T/card" && pass "sent with CRLF line endings" || not_ok "restored card has CRLF"
expect_eq "$(on_server "${HREFS[3]}" "$idb")" 1 "the first moved note is on the other card, once"
expect_eq "$(on_server "${HREFS[3]}" "$idb2")" 1 "the second moved note too"
get_card "$origin${HREFS[1]}" >/dev/null 2>&1
expect_eq "$(last_status)" 404 "the moved-from card stays deleted"
get_card "$origin${HREFS[2]}" >/dev/null 2>&1
expect_eq "$(last_status)" 404 "the dropped card stays deleted"
kith show "$b" >/dev/null 2>&1
[[ $? != 0 ]] && pass "the moved-from person is forgotten" || not_ok "moved-from person forgotten"
kith show "$c" >/dev/null 2>&1
[[ $? != 0 ]] && pass "the dropped person is forgotten" || not_ok "dropped person forgotten"
kith gone >"$T/out" 2>&1
grep -q "No notes of deleted cards" "$T/out" && pass "gone: nothing left" || { not_ok "gone empty"; diag "$(cat "$T/out")"; }
expect_eq "$(kith list --json | "$PY" -c 'import json, sys; print(len(json.load(sys.stdin)))')" 10 \
	"10 people: one restored, two forgotten"
kith sync >/dev/null 2>&1
expect_eq "$(on_server "${HREFS[0]}" "$ida")" 1 "a further sync changes nothing"

finish
