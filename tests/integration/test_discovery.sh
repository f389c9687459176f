#!/usr/bin/env bash
# test_discovery.sh: account add finds the real address books on servers
# that describe themselves oddly, in one request per step, and a book that
# is probably not one is said so.
#  - Calypso says every collection is an address book and its own home
#    set, "/" included: from the root, the principal URL or the book's URL
#    the books are the folders that hold cards, never "/".
#  - DAViCal's way (scripts/hostile-server --mode wellknown): the root names
#    no principal and /.well-known/carddav redirects; the redirected
#    PROPFIND is read where it landed, not sent twice.
#  - An empty book, or one at the server's root, gets a note at the first
#    sync instead of a silent "0 added".

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith
command -v calypso >/dev/null 2>&1 || _need calypso

start_calypso
make_calypso_book contacts "Contacts" >/dev/null || die "make book"
make_calypso_book family "Family" >/dev/null || die "make book"
seed_calypso_book contacts 5 --seed 1 >/dev/null || die "seed"
seed_calypso_book family 3 --seed 2 >/dev/null || die "seed"
printf '%s\n' "$CALYPSO_PASS" >"$T/pw"
chmod 600 "$T/pw"
C=$CALYPSO_URL

# add NAME URL: account add in a fresh kith; output in $T/out, exit in RC.
add() {
	kith_env
	kith account add "$1" "$2" --user "$CALYPSO_USER" --password-command "cat $T/pw" >"$T/out" 2>&1
	RC=$?
}
books_found() { sed -n 's/^  \(http[^ ]*\).*/\1/p' "$T/out" | sort | tr '\n' ' '; }
want="${C}calypso/contacts ${C}calypso/family "

for from in "$C" "${C}calypso" "${C}calypso/"; do
	add c "$from"
	expect_eq "$RC" 0 "Calypso: account add from $from succeeds"
	expect_eq "$(books_found)" "$want" "Calypso: from $from it finds the two books, not the root"
done
add c "${C}calypso/family/"
expect_eq "$(books_found)" "${C}calypso/family/ " "Calypso: the book's own URL is that book"
add c "$C"
kith sync >"$T/sync" 2>&1
expect_eq "$?" 0 "Calypso: the sync from the root succeeds"
expect_eq "$(kith list --json | "$PY" -c 'import json, sys; print(len(json.load(sys.stdin)))')" 8 \
	"Calypso: every card of both books arrives"
grep -q "holds no cards" "$T/sync" && not_ok "no empty-book note when there are cards" ||
	pass "no empty-book note when there are cards"

# A user whose home holds no book: a clear error, never "/" as the book.
mkdir -p "$CALYPSO_STORE/$CALYPSO_USER/empty-folder/inner"
rm -rf "${CALYPSO_STORE:?}/$CALYPSO_USER/contacts" "${CALYPSO_STORE:?}/$CALYPSO_USER/family"
git -C "$CALYPSO_STORE/$CALYPSO_USER/empty-folder/inner" init -q
add c "${C}calypso/empty-folder/"
[[ $RC == 0 ]] && grep -q "^  ${C}calypso/empty-folder/inner" "$T/out" &&
	pass "Calypso: an empty book inside a folder is found as itself" ||
	not_ok "Calypso: the empty inner book: $(cat "$T/out")"
kith sync >"$T/sync" 2>&1
grep -q "note: .*holds no cards on the server" "$T/sync" &&
	pass "the first sync of an empty book says so, with what to do" || not_ok "empty book note: $(cat "$T/sync")"
kith sync >"$T/sync" 2>&1
grep -q "holds no cards" "$T/sync" && not_ok "the note comes once" || pass "the note comes once"

# ---- the DAViCal way: a redirected step is one PROPFIND
spawn "$T/h.out" "$PY" "$KITH_SRCDIR/scripts/hostile-server" --mode wellknown \
	--port-file "$T/h.port" --log "$T/h.log" --max-seconds 120
for ((i = 0; i < 100; i++)); do [[ -s $T/h.port ]] && break; sleep 0.1; done
H="http://127.0.0.1:$(cat "$T/h.port")/"
kith_env
kith account add w "$H" --user u --password-command "echo pw" >"$T/out" 2>&1
expect_eq "$?" 0 "after a /.well-known/carddav redirect, account add succeeds"
grep -q "^  ${H}book/" "$T/out" && pass "and finds the book" || not_ok "the book: $(cat "$T/out")"
n=$(grep -c '"path": "/principals/u/"' "$T/h.log")
expect_eq "$n" 1 "the principal is asked once (the redirect's answer is read where it landed)"
n=$(grep -c '"method": "PROPFIND"' "$T/h.log")
expect_eq "$n" 5 "discovery is one request per step: /, / at Depth 1, well-known, principal, home"

# ---- a book at the server's root
hroot=$(mktemp -d "$T/hr.XXXX")
spawn "$T/h2.out" "$PY" "$KITH_SRCDIR/scripts/hostile-server" --mode ok \
	--port-file "$hroot/port" --log "$hroot/log" --max-seconds 120
for ((i = 0; i < 100; i++)); do [[ -s $hroot/port ]] && break; sleep 0.1; done
kith_env
kith account add r "http://127.0.0.1:$(cat "$hroot/port")/" --user u --password-command "echo pw" >"$T/out" 2>&1
grep -q "note: .*is the server's root" "$T/out" && pass "account add says when the book is the server's root" ||
	not_ok "root note: $(cat "$T/out")"

finish
