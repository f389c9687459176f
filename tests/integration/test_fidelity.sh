#!/usr/bin/env bash
# test_fidelity.sh: every card intact. The public corpus (../shared/corpus:
# Apple, Gmail, Android, Outlook, Thunderbird exports, CRLF, LF-only and
# mixed line endings, QUOTED-PRINTABLE, photos) is stored verbatim on
# Xandikos (or, with SERVER=sabre, SabreDAV), which keep a PUT's bytes; kith logs a note on every card and
# syncs; then every card on the server must differ from what was stored
# only in kith's lines: every other physical line byte-identical, its line
# ending included, and the user's NOTE text kept as written (escapes and
# all) in front of kith's block. A server that answers GET on a card with
# 500 (iCloud does, by DAVx5's account) still gets the note, from the
# multiget copy.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith

CORPUS=${KITH_CORPUS:-$KITH_SRCDIR/../shared/corpus}
[[ -d $CORPUS ]] || die "no corpus at $CORPUS"

# SERVER: xandikos (the default) or sabre, the two that keep a PUT's bytes;
# radicale, davical or calypso, which rewrite every card they store (Calypso
# also files it under its UID, whatever name it was PUT to); or cyrus, which
# rewrites and also converts on the way out (vCard 3.0 unless asked for
# 4.0). On a rewriting server the baseline is its own copy (in both
# versions), and on Cyrus a card must stay in the version it is stored in.
SERVER=${SERVER:-xandikos}
REWRITES=
[[ $SERVER == xandikos || $SERVER == sabre ]] || REWRITES=1
start_engine "$SERVER"
book=$(make_engine_book fidelity) || die "cannot make the book"
ACCT=("${ENGINE_ACCT[@]}")
mkdir -p "$T/orig" "$T/orig4" "$T/ver"
# A card of the test's own beside the corpus: vCard 4 whose 3.0 form is
# not the same text (a data: URI photo, a tel: URI, KIND, GENDER), to
# tell a server's stored version from its conversion.
EXTRA=()
if [[ -n $REWRITES ]]; then
	printf '%s\r\n' BEGIN:VCARD VERSION:4.0 UID:kith-fidelity-v4 KIND:individual \
		"FN:Ngozi Adeyemi" "N:Adeyemi;Ngozi;;;" GENDER:F ANNIVERSARY:20090808 \
		"TEL;VALUE=uri;TYPE=cell:tel:+234-1-555-0100" "EMAIL;TYPE=work:ngozi@example.org" \
		"PHOTO:data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==" \
		END:VCARD >"$T/kith-v4.vcf"
	EXTRA=("$T/kith-v4.vcf")
fi
# card_url NAME: the card's URL (Calypso's is BOOK/UID); key NAME: the last
# segment of its href, which names the person to kith unambiguously.
card_url() { if [[ $SERVER == calypso ]]; then echo "${book%/}/$(cat "$T/uid/$1")"; else echo "${book}$1"; fi; }
key() { if [[ $SERVER == calypso ]]; then cat "$T/uid/$1"; else echo "$1"; fi; }
mkdir -p "$T/uid"
stored=0
while IFS= read -r f; do
	name=$(echo "${f#"$CORPUS"/}" | tr '/' '_')
	[[ $f == "$T"/* ]] && name=$(basename "$f")
	# One card per resource: multi-card files are not CardDAV resources.
	(($(grep -c '^BEGIN:VCARD' "$f") == 1)) || continue
	uid=$(tr -d '\r' <"$f" | sed -n 's/^UID://p' | head -n 1)
	# Calypso knows a card by its UID: one card per UID there.
	if [[ $SERVER == calypso ]]; then
		[[ -n $uid && $uid != */* && ! -e $T/uid-seen/$uid ]] || continue
		mkdir -p "$T/uid-seen/$uid"
	fi
	echo "$uid" >"$T/uid/$name"
	put_card -n "${book}$name" "$f" >/dev/null || continue
	# 207 is Xandikos refusing the card in a multistatus body.
	[[ $(last_status) == 201 || $(last_status) == 204 || ($SERVER == calypso && $(last_status) == 200) ]] || continue
	# Groups are not people: nothing is logged on them.
	grep -qi '^X-ADDRESSBOOKSERVER-KIND:group\|^KIND:group' "$f" && continue
	tr -d '\r' <"$f" | sed -n 's/^VERSION:\(.*\)$/\1/p' | head -n 1 >"$T/ver/$name"
	if [[ -n $REWRITES ]]; then
		# A rewriting server's own copy, stored once more: DAViCal's
		# folding, for one, changes again on a second pass, and that is
		# the server's doing, not kith's. Sent back in its own version.
		accept=
		[[ $(cat "$T/ver/$name") == 4.0 ]] && accept="text/vcard; version=4.0"
		GET_ACCEPT=$accept get_card "$(card_url "$name")" >"$T/again" &&
			put_card -m "$(cat "$T/.etag")" "$(card_url "$name")" "$T/again" >/dev/null || continue
	fi
	get_card "$(card_url "$name")" >"$T/orig/$name" 2>/dev/null || continue
	# Only what the server keeps byte for byte makes a fair baseline; on
	# a server that rewrites cards, its own copies do: in both versions.
	if [[ -n $REWRITES ]]; then
		GET_ACCEPT="text/vcard; version=4.0" get_card "$(card_url "$name")" >"$T/orig4/$name" ||
			{ rm -f "$T/orig/$name"; continue; }
	else
		cmp -s "$f" "$T/orig/$name" || { rm -f "$T/orig/$name"; continue; }
	fi
	stored=$((stored + 1))
done < <(find "$CORPUS" -name '*.vcf' -not -path '*vcarderrors*' | sort; printf '%s\n' "${EXTRA[@]}")
# SabreDAV 1.8 refuses some (415) and re-encodes non-ASCII text in others.
min=30
[[ $SERVER == sabre ]] && min=15
[[ -n $REWRITES ]] && min=20
[[ $SERVER == radicale ]] && min=15
[[ $SERVER == calypso ]] && min=15
how=verbatim
[[ -z $REWRITES ]] || how="(rewritten)"
((stored >= min)) && pass "$stored corpus cards stored $how on $SERVER" ||
	not_ok "only $stored corpus cards stored on $SERVER"
lf_only=0 mixed=0
for f in "$T"/orig/*; do
	c=$(grep -c $'\r$' "$f")
	l=$(wc -l <"$f")
	((c == 0)) && lf_only=$((lf_only + 1))
	((c > 0 && c < l)) && mixed=$((mixed + 1))
done
if [[ $SERVER == xandikos ]]; then
	((lf_only > 0 && mixed > 0)) && pass "among them $lf_only LF-only and $mixed with mixed endings" ||
		not_ok "the corpus has LF-only ($lf_only) and mixed ($mixed) cards"
else
	diag "among them $lf_only LF-only and $mixed with mixed endings"
fi

kith_env
kith account add x "$book" "${ACCT[@]}" >/dev/null 2>&1 ||
	die "account add failed"
kith sync >"$T/out" 2>&1 || diag "$(cat "$T/out")"
logged=0
for f in "$T"/orig/*; do
	name=$(basename "$f")
	# The href's last segment names the person unambiguously.
	kith log "$(key "$name")" --via meet "Fidelity check: café, naïve; 1,2" >/dev/null 2>"$T/err" &&
		logged=$((logged + 1)) || diag "log $name: $(head -c 200 "$T/err")"
done
expect_eq "$logged" "$stored" "a note is logged on every stored card"
kith sync >"$T/out" 2>&1
expect_eq "$?" 0 "the notes sync"

# same ORIG NEW: every physical line outside NOTE and X-KITH-* equal, in
# order, with its ending; the old NOTE's value (unfolded) starts the new one.
mkdir -p "$T/now" "$T/now4"
for f in "$T"/orig/*; do
	name=$(basename "$f")
	get_card "$(card_url "$name")" >"$T/now/$name"
	[[ -z $REWRITES ]] || GET_ACCEPT="text/vcard; version=4.0" get_card "$(card_url "$name")" >"$T/now4/$name"
done
cat >"$T/compare.py" <<'EOF'
import os, quopri, re, sys
orig_dir, now_dir = sys.argv[1], sys.argv[2]

def props(data):
    """Logical properties as lists of physical lines (endings kept)."""
    lines = re.findall(rb"[^\n]*\n|[^\n]+$", data)
    out = []
    for ln in lines:
        if out and ln[:1] in (b" ", b"\t"):
            out[-1].append(ln)
        elif out and out[-1][-1].rstrip(b"\r\n").endswith(b"=") and \
                b"QUOTED-PRINTABLE" in out[-1][0].upper():
            out[-1].append(ln)          # a QP soft line break
        else:
            out.append([ln])
    return out

def name(p):
    head = p[0].split(b":", 1)[0].split(b";", 1)[0]
    return head.split(b".")[-1].upper()

def unfold(p):
    qp = b"QUOTED-PRINTABLE" in p[0].upper()
    return b"".join(l.rstrip(b"\r\n") if i == 0 or qp else l.rstrip(b"\r\n")[1:]
                    for i, l in enumerate(p))

def value(p):
    """The NOTE's value as text: folds or QP soft breaks and QP undone."""
    if b"QUOTED-PRINTABLE" not in p[0].upper():
        v = unfold(p).split(b":", 1)[1]
    else:
        v = b""
        soft = True
        for l in p:
            l = l.rstrip(b"\r\n")
            if not soft and l[:1] in (b" ", b"\t"):
                l = l[1:]       # a vCard fold inside QP (DAViCal folds so)
            soft = l.endswith(b"=")
            v += l[:-1] if soft else l
        v = quopri.decodestring(v.split(b":", 1)[1]).replace(b"\r\n", b"\n")
    # Escapes read as the common clients read them (a server may have
    # added vCard 3 escapes to a 2.1 card: DAViCal does).
    return re.sub(rb"\\([,;\\nN])",
                  lambda m: b"\n" if m.group(1) in b"nN" else m.group(1), v)

bad = []
notes = 0
for n in sorted(os.listdir(orig_dir)):
    a = props(open(os.path.join(orig_dir, n), "rb").read())
    b = props(open(os.path.join(now_dir, n), "rb").read())
    keep = lambda ps: [l for p in ps if name(p) != b"NOTE" and not name(p).startswith(b"X-KITH-")
                       for l in p]
    ka, kb = keep(a), keep(b)
    if ka != kb:
        for i, (x, y) in enumerate(zip(ka, kb)):
            if x != y:
                bad.append("%s: line %d was %r, now %r" % (n, i + 1, x[:60], y[:60]))
                break
        else:
            bad.append("%s: %d lines kept of %d" % (n, len(kb), len(ka)))
        continue
    na = [p for p in a if name(p) == b"NOTE"]
    nb = [p for p in b if name(p) == b"NOTE"]
    if na and nb:
        # Kept as written: same parameters and bytes, unless vCard 2.1
        # forces QUOTED-PRINTABLE for kith's block; then the same text.
        old, new = unfold(na[0]), unfold(nb[-1])
        v21 = b"VERSION:2.1" in open(os.path.join(orig_dir, n), "rb").read()
        if v21:
            old, new = value(na[0]), value(nb[-1])
        if not new.startswith(old):
            bad.append("%s: NOTE was %r, now %r" % (n, old[:80], new[:80]))
        else:
            notes += 1
print("notes=%d" % notes)
for x in bad:
    print(x)
EOF
report=$("$PY" "$T/compare.py" "$T/orig" "$T/now")
[[ -z $REWRITES ]] || report+=$'\n'$("$PY" "$T/compare.py" "$T/orig4" "$T/now4" | grep -v '^notes=' | sed 's/^/(as 4.0) /')
bad=$(grep -v '^notes=' <<<"$report")
[[ -z $bad ]] && pass "every line kith does not own is byte-identical, endings included, on all $stored cards" ||
	not_ok "lines changed: $(head -5 <<<"$bad")"
diag "$(head -1 <<<"$report") cards had a NOTE of their own, kept as written"
grep -q 'notes=[1-9]' <<<"$report" && pass "cards with a NOTE of their own keep its text as written" ||
	not_ok "no card kept its own NOTE"
for n in ezvcard_John_Doe_GMAIL.vcf ezvcard_John_Doe_MAC_ADDRESS_BOOK.vcf; do
	[[ -f $T/now/$n ]] || continue
	if grep -q '\\\\"' "$T/now/$n"; then
		not_ok "$n: no backslash the user never typed (\\\\\")"
	else
		pass "$n: no backslash the user never typed"
	fi
done
missing=$("$PY" - "$T"/now/* <<'EOF'
import quopri, re, sys
for f in sys.argv[1:]:
    d = re.sub(rb"\r?\n[ \t]", b"", open(f, "rb").read())     # folds
    lines = []
    for l in d.splitlines():
        # QP soft breaks, in QP properties only (base64 ends in "=" too)
        if lines and lines[-1].endswith(b"=") and b"QUOTED-PRINTABLE" in lines[-1].upper():
            lines[-1] = lines[-1][:-1] + l
        else:
            lines.append(l)
    if not any(l.upper().startswith(b"X-KITH-LOG") and b"Fidelity check" in quopri.decodestring(l)
               for l in lines):
        print(f.rsplit("/", 1)[-1])
EOF
)
[[ -z $missing ]] && pass "every card holds the note on the server" ||
	not_ok "the note is missing on: $missing"

# ---- a converting server: each card stays in the version it was stored in
# where that shows. Cyrus serves every card in the version asked for; a
# card whose two copies read the same but for VERSION looks the same to
# every client whichever it is stored in, so only the others must keep
# theirs (the spool tells; no request can).
if [[ $SERVER == cyrus ]]; then
	v4=0 shows=0 changed=
	for f in "$T"/orig/*; do
		name=$(basename "$f")
		was=$(cat "$T/ver/$name")
		[[ $was == 4.0 ]] && v4=$((v4 + 1))
		diff -q <(grep -v '^VERSION:' "$f") <(grep -v '^VERSION:' "$T/orig4/$name") >/dev/null && continue
		shows=$((shows + 1))
		now=$(cyrus_stored_version "$name")
		[[ $now == "$was" ]] || changed+=" $name ($was, now ${now:-?})"
	done
	((v4 >= 2)) && pass "$v4 of them vCard 4.0" || not_ok "only $v4 vCard 4.0 cards on cyrus"
	[[ -f $T/orig/kith-v4.vcf ]] && ! diff -q <(grep -v '^VERSION:' "$T/orig/kith-v4.vcf") \
		<(grep -v '^VERSION:' "$T/orig4/kith-v4.vcf") >/dev/null &&
		pass "Cyrus's 3.0 copy of a vCard 4 card is not the same text" ||
		not_ok "the vCard 4 card's two copies differ"
	[[ -z $changed ]] && pass "the $shows cards whose copies differ keep their version after kith's note" ||
		not_ok "stored in another version:$changed"
fi

# ---- GET answers 500: the multiget copy is patched instead
[[ $SERVER == xandikos ]] || finish
start_faultproxy "$XANDIKOS_URL" --rate 0
kith_env
pbook=${PROXY_URL}user/contacts/fidelity/
kith account add p "$pbook" --user u --password-command "echo pw" >/dev/null 2>&1
kith sync >/dev/null 2>&1
target=ezvcard_rfc6350-example.vcf
[[ -f $T/orig/$target ]] || target=$(basename "$(ls "$T"/orig/* | head -1)")
kith log "$target" --via phone "through a server without GET" >/dev/null 2>&1
proxy_force 500 GET 1 "$target"
kith sync >"$T/out" 2>&1
expect_eq "$?" 0 "a sync whose GET before patching gets 500 still succeeds"
expect_eq "$(proxy_stat faults.500)" 1 "the 500 was served"
get_card "${book}$target" >"$T/p500"
grep -q "through a server without GET" "$T/p500" && pass "the note reached the server from the multiget copy" ||
	not_ok "the note reached the server from the multiget copy"

finish
