#!/bin/bash
# test_harness.sh: proves the integration harness itself (lib.sh, the real
# Radicale and Xandikos, scripts/seed-book, scripts/faultproxy) before any
# kith test relies on it. Needs no kith binary.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_servers

# Cards for seeding: scripts/gen-cards when it exists, else a minimal
# generator that lives only in this test.
mini_gen() {   # COUNT DIR
	"$PY" - "$1" "$2" <<'EOF'
import os, sys
n, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)
for i in range(n):
    uid = "harness-%05d" % i
    lines = ["BEGIN:VCARD", "VERSION:3.0", "UID:" + uid,
             "FN:Person %d" % i, "N:%d;Person;;;" % i,
             "EMAIL;TYPE=home:p%d@example.org" % i]
    if i % 3 == 0:
        lines += ["X-KITH-CADENCE:P30D",
                  "X-KITH-LOG:2026-10-0%d phone %08x Talked about the garden" % (i % 9 + 1, i)]
    lines.append("END:VCARD")
    with open(os.path.join(out, uid + ".vcf"), "w", newline="") as f:
        f.write("\r\n".join(lines) + "\r\n")
EOF
}
seed_args=()
if [[ ! -e $KITH_SRCDIR/scripts/gen-cards ]]; then
	mini_gen 200 "$T/cards200" || die "mini generator failed"
	seed_args=(--from "$T/cards200")
	diag "scripts/gen-cards missing: seeding from this test's own generator"
fi

# ------------------------------------------------------------ servers up
start_radicale
check "radicale answers on $RADICALE_URL" wait_http "$RADICALE_URL" 1
start_xandikos
check "xandikos answers on $XANDIKOS_URL" wait_http "$XANDIKOS_URL" 1

rbook=$(make_radicale_book friends "Friends & Family") || fail "radicale MKCOL friends"
pass "radicale: extended MKCOL created $rbook"
xbook=$(make_xandikos_book friends "Friends & Family") || fail "xandikos MKCOL friends"
pass "xandikos: extended MKCOL created $xbook"

# ------------------------------------------------------------ discovery
# resolve BASE REF: an absolute URL for a Location or href
resolve() { "$PY" -c 'import sys, urllib.parse; print(urllib.parse.urljoin(sys.argv[1], sys.argv[2]))' "$1" "$2"; }

# discover NAME ROOT BOOK_URL: RFC 6764 well-known, principal, home set, book
discover() {
	local name=$1 root=$2 book=$3 code loc start principal home books
	code=$(dav_curl "${root}.well-known/carddav" -X PROPFIND -H 'Depth: 0' \
		-o /dev/null -D "$T/.wk" -w '%{http_code}')
	loc=$(tr -d '\r' <"$T/.wk" | sed -n 's/^[Ll]ocation: *//p')
	case $code in
	30[1278]) [[ -n $loc ]] || { not_ok "$name: well-known redirect has a Location"; return; }
		start=$(resolve "${root}.well-known/carddav" "$loc")
		pass "$name: /.well-known/carddav redirects ($code) to $loc" ;;
	207) start="${root}.well-known/carddav"
		pass "$name: /.well-known/carddav answers 207 itself" ;;
	*) not_ok "$name: /.well-known/carddav gives a redirect or 207 (got $code)"; return ;;
	esac
	principal=$(propfind "$start" 0 d:current-user-principal | xml_text './/d:current-user-principal/d:href')
	[[ -n $principal ]] || { not_ok "$name: current-user-principal from $start"; return; }
	pass "$name: current-user-principal is $principal"
	home=$(propfind "$(resolve "$root" "$principal")" 0 c:addressbook-home-set |
		xml_text './/c:addressbook-home-set/d:href')
	[[ -n $home ]] || { not_ok "$name: addressbook-home-set on $principal"; return; }
	pass "$name: addressbook-home-set is $home"
	books=$(propfind "$(resolve "$root" "$home")" 1 d:resourcetype d:displayname | dav_books)
	if grep -qxF "$(resolve "$root" "$book" | sed 's|^http://[^/]*||')" <<<"$books"; then
		pass "$name: the new book is listed in the home set with resourcetype addressbook"
	else
		not_ok "$name: the new book is listed in the home set with resourcetype addressbook"
		diag "books: $books"
	fi
	expect_eq "$(propfind "$book" 0 d:displayname | xml_text './/d:displayname')" \
		"Friends & Family" "$name: displayname set by MKCOL"
}
discover radicale "$RADICALE_URL" "$rbook"
discover xandikos "$XANDIKOS_URL" "$xbook"

# ------------------------------------------------------------ auth
DAV_USER=alice DAV_PASS=wrong-password propfind "$RADICALE_URL" 0 d:current-user-principal >/dev/null
expect_eq "$(last_status)" 401 "radicale: a wrong password gets 401"
curl -s -o /dev/null -w '%{http_code}' -X PROPFIND -H 'Depth: 0' "${RADICALE_URL}alice/" >"$T/.status"
expect_eq "$(last_status)" 401 "radicale: no credentials gets 401"

# ------------------------------------------------------------ PUT and read back
card=$T/ann.vcf
printf '%s\r\n' 'BEGIN:VCARD' 'VERSION:3.0' 'UID:ann-1' 'FN:Ann Example' 'N:Example;Ann;;;' \
	'EMAIL;TYPE=home:ann@example.org' 'X-KITH-CADENCE:P30D' \
	'X-KITH-LOG:2026-11-20 phone 7f3a9c2e Talked about her father\, visit in spring' \
	'X-KITH-LOG:2026-10-02 email 0b91d4aa Sent the article; more soon' \
	'NOTE:Met at the garden\n— kith —\ncadence 30d' 'END:VCARD' >"$card"

for srv in radicale xandikos; do
	if [[ $srv == radicale ]]; then url=${rbook}ann-1.vcf; else url=${xbook}ann-1.vcf; fi
	etag=$(put_card -n "$url" "$card") || { not_ok "$srv: PUT a new card (HTTP $(last_status))"; continue; }
	pass "$srv: PUT a new card with If-None-Match: * ($(last_status), ETag $etag)"
	get_card "$url" >"$T/$srv.got" || not_ok "$srv: GET the card back"
	expect_eq "$(cat "$T/.etag")" "$etag" "$srv: the ETag from PUT is the ETag GET returns"
	if cmp -s "$card" "$T/$srv.got"; then
		diag "$srv stores the card byte for byte"
	else
		diag "$srv rewrote the card:" "$(diff <(tr -d '\r' <"$card") <(tr -d '\r' <"$T/$srv.got"))"
	fi
	# identical enough: same set of lines once ';' escaping is normalised
	norm() { tr -d '\r' <"$1" | sed ':a;N;$!ba;s/\n //g' | sed 's/\\;/;/g' | sort; }
	if diff <(norm "$card") <(norm "$T/$srv.got") >"$T/.diff"; then
		pass "$srv: the card reads back with the same lines (order, folding and \\; aside)"
	else
		not_ok "$srv: the card reads back with the same lines"
		diag "$(cat "$T/.diff")"
	fi
	put_card -n "$url" "$card" >/dev/null
	expect_eq "$?:$(last_status)" "1:412" "$srv: a second If-None-Match: * PUT is refused with 412"
	tok=$(sync_collection "${url%/*}/" | xml_text './d:sync-token')
	hrefs=$(sync_collection "${url%/*}/" | xml_text './/d:response/d:href')
	[[ -n $tok ]] && grep -q 'ann-1.vcf$' <<<"$hrefs"
	check "$srv: sync-collection gives a token ($tok) and lists the card" test $? = 0
done

# ------------------------------------------------------------ seeding
t0=$(date +%s%N)
sbook=$(seed_radicale_book seeded 200 "${seed_args[@]}" --seed 7 --displayname Seeded) ||
	fail "seed_radicale_book seeded 200"
members=$(propfind "$sbook" 1 d:getetag | xml_text './/d:response/d:href' | grep -c '\.vcf$')
expect_eq "$members" 200 "radicale: 200 seeded cards in a PROPFIND Depth 1 (seeded and listed in $((($(date +%s%N) - t0) / 1000000)) ms)"
n=$(sync_collection "$sbook" | xml_text './/d:response/d:href' | grep -c '\.vcf$')
expect_eq "$n" 200 "radicale: sync-collection lists the 200 seeded cards"
first=$(propfind "$sbook" 1 d:getetag | xml_text './/d:response/d:href' | grep '\.vcf$' | head -n 1)
check "radicale: a seeded card is served" get_card "$(resolve "$RADICALE_URL" "$first")"
expect_eq "$(propfind "$sbook" 0 d:displayname | xml_text './/d:displayname')" Seeded \
	"radicale: seeded book has its displayname"

xsbook=$(make_xandikos_book seeded) || fail "xandikos MKCOL seeded"
seed_xandikos_book seeded 200 "${seed_args[@]}" --seed 7 >/dev/null || fail "seed_xandikos_book seeded 200"
n=$(sync_collection "$xsbook" | xml_text './/d:response/d:href' | grep -c '\.vcf$')
expect_eq "$n" 200 "xandikos: 200 cards committed into git are served by sync-collection"

xpbook=$(make_xandikos_book put) || fail "xandikos MKCOL put"
if [[ ${#seed_args[@]} -gt 0 ]]; then src=(--from "$T/cards200"); else src=(); fi
"$PY" "$KITH_SRCDIR/scripts/seed-book" "$xpbook" --count 30 "${src[@]}" --seed 3 2>"$T/.seed.err"
check "seed-book by PUT: exits 0" test $? = 0
n=$(propfind "$xpbook" 1 d:getetag | xml_text './/d:response/d:href' | grep -c '\.vcf$')
expect_eq "$n" 30 "xandikos: 30 cards seeded by PUT"

# ------------------------------------------------------------ fault proxy
start_faultproxy "$RADICALE_URL" --seed 1
export DAV_USER=$RADICALE_USER DAV_PASS=$RADICALE_PASS   # the proxy URL is not RADICALE_URL
books=$(propfind "${PROXY_URL}alice/" 1 d:resourcetype | dav_books)
grep -qx '/alice/friends/' <<<"$books"
check "proxy: forwards PROPFIND with Authorization (book listed)" test $? = 0
DAV_USER=alice DAV_PASS=nope propfind "${PROXY_URL}alice/" 0 d:resourcetype >/dev/null
expect_eq "$(last_status)" 401 "proxy: passes a 401 through"
curl -s -o /dev/null -w '%{http_code}' -X PROPFIND "${PROXY_URL}.well-known/carddav" >"$T/.status"
expect_eq "$(last_status)" 301 "proxy: passes the well-known redirect through"
out=$(curl -sv -X PROPFIND -H 'Depth: 0' -o /dev/null "${PROXY_URL}.well-known/carddav" "${PROXY_URL}.well-known/carddav" 2>&1)
grep -qi 're-using existing connection\|Reusing existing connection' <<<"$out"
check "proxy: keeps the client connection alive" test $? = 0

proxy_force 503 PROPFIND 1 || fail "POST /__fault next=503"
code=$(dav_curl "${PROXY_URL}alice/" -X PROPFIND -H 'Depth: 0' -D "$T/.h" -o /dev/null -w '%{http_code}')
expect_eq "$code" 503 "proxy: forced 503 is answered"
expect_eq "$(tr -d '\r' <"$T/.h" | sed -n 's/^Retry-After: *//Ip')" 1 "proxy: the 503 carries Retry-After: 1"
propfind "${PROXY_URL}alice/" 0 d:resourcetype >/dev/null
expect_eq "$(last_status)" 207 "proxy: the request after a forced fault goes through"

proxy_force lostput PUT 1 || fail "POST /__fault next=lostput"
lost=$T/lost.vcf
sed 's/ann-1/lost-1/; s/Ann Example/Lost Put/' "$card" >"$lost"
put_card -n "${PROXY_URL}alice/friends/lost-1.vcf" "$lost" >/dev/null
expect_eq "$?:$(last_curl_rc)" "1:52" "proxy: lostput drops the client connection (curl: empty reply)"
check "proxy: the lost PUT landed upstream anyway" get_card "${rbook}lost-1.vcf"

proxy_force cut GET 1
dav_curl "${PROXY_URL}alice/friends/ann-1.vcf" -o "$T/cut.vcf" 2>/dev/null
rc=$?
check "proxy: cut sends a truncated body (curl exit $rc)" test "$rc" = 18
proxy_force notxml REPORT 1
sync_collection "${PROXY_URL}alice/friends/" >"$T/notxml.xml"
expect_eq "$(last_status)" 207 "proxy: notxml answers 207"
check "proxy: the notxml body is not XML" bash -c '! "$0" -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" "$1" 2>/dev/null' "$PY" "$T/notxml.xml"

curl -sS -f -o /dev/null -X POST -d 'rate=1' -d 'faults=500' "${PROXY_URL}__fault" || fail "POST /__fault rate=1"
codes=""
for i in 1 2 3; do propfind "${PROXY_URL}alice/" 0 d:resourcetype >/dev/null; codes+="$(last_status) "; done
expect_eq "$codes" "500 500 500 " "proxy: rate=1 faults=500 fails every request"
proxy_rate 0 || fail "POST /__fault rate=0"
propfind "${PROXY_URL}alice/" 0 d:resourcetype >/dev/null
expect_eq "$(last_status)" 207 "proxy: rate=0 forwards again"

stats=$(proxy_stats)
diag "stats: $stats"
expect_eq "$(proxy_stat faults.503):$(proxy_stat faults.lostput):$(proxy_stat faults.cut):$(proxy_stat faults.notxml):$(proxy_stat faults.500)" \
	"1:1:1:1:3" "proxy: stats count each injected fault"
n=$(grep -cE '^[0-9:]+ [0-9]+ [A-Z]+ ' "$PROXY_LOG")
expect_eq "$(proxy_stat requests)" "$n" "proxy: stats count every request, one log line each ($n)"

# a stall proxy, bounded: --stall 1 and a short life
start_faultproxy "$XANDIKOS_URL" --stall 1 --max-requests 5 --max-seconds 60
proxy_force stall
s0=$(date +%s)
curl -s -m 10 -o /dev/null -X PROPFIND -H 'Depth: 0' -H 'Content-Type: application/xml' "${PROXY_URL}user/" 2>/dev/null
rc=$?
el=$(($(date +%s) - s0))
check "proxy: stall holds about --stall seconds then closes (curl $rc after ${el}s)" \
	test "$rc" = 52 -a "$el" -ge 1 -a "$el" -lt 8
for i in 1 2 3 4; do curl -s -o /dev/null -H 'Content-Type: application/xml' -X PROPFIND "${PROXY_URL}user/"; done
sleep 1
check "proxy: exits by itself after --max-requests" bash -c '! kill -0 "$0" 2>/dev/null' "$PROXY_PID"

finish
