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

# SERVER: xandikos (the default) or sabre, the two that keep a PUT's bytes.
SERVER=${SERVER:-xandikos}
if [[ $SERVER == sabre ]]; then
	start_sabre
	book=$(make_sabre_book fidelity) || die "cannot make the book"
	printf '%s\n' "$SABRE_PASS" >"$T/pw" && chmod 600 "$T/pw"
	ACCT=(--user "$SABRE_USER" --password-command "cat $T/pw")
else
	start_xandikos
	book=$(make_xandikos_book fidelity) || die "MKCOL failed"
	ACCT=(--user u --password-command "echo pw")
fi
mkdir -p "$T/orig"
stored=0
while IFS= read -r f; do
	name=$(echo "${f#"$CORPUS"/}" | tr '/' '_')
	# One card per resource: multi-card files are not CardDAV resources.
	(($(grep -c '^BEGIN:VCARD' "$f") == 1)) || continue
	put_card -n "${book}$name" "$f" >/dev/null || continue
	# 207 is Xandikos refusing the card in a multistatus body.
	[[ $(last_status) == 201 || $(last_status) == 204 ]] || continue
	# Groups are not people: nothing is logged on them.
	grep -qi '^X-ADDRESSBOOKSERVER-KIND:group\|^KIND:group' "$f" && continue
	get_card "${book}$name" >"$T/orig/$name" 2>/dev/null || continue
	# Only what Xandikos keeps byte for byte makes a fair baseline.
	cmp -s "$f" "$T/orig/$name" || { rm -f "$T/orig/$name"; continue; }
	stored=$((stored + 1))
done < <(find "$CORPUS" -name '*.vcf' -not -path '*vcarderrors*' | sort)
# SabreDAV 1.8 refuses some (415) and re-encodes non-ASCII text in others.
min=30
[[ $SERVER == sabre ]] && min=15
((stored >= min)) && pass "$stored corpus cards stored verbatim on $SERVER" ||
	not_ok "only $stored corpus cards stored verbatim"
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
	kith log "$name" --via meet "Fidelity check: café, naïve; 1,2" >/dev/null 2>"$T/err" &&
		logged=$((logged + 1)) || diag "log $name: $(head -c 200 "$T/err")"
done
expect_eq "$logged" "$stored" "a note is logged on every stored card"
kith sync >"$T/out" 2>&1
expect_eq "$?" 0 "the notes sync"

# same ORIG NEW: every physical line outside NOTE and X-KITH-* equal, in
# order, with its ending; the old NOTE's value (unfolded) starts the new one.
mkdir -p "$T/now"
for f in "$T"/orig/*; do
	get_card "${book}$(basename "$f")" >"$T/now/$(basename "$f")"
done
report=$("$PY" - "$T/orig" "$T/now" <<'EOF'
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
        return unfold(p).split(b":", 1)[1]
    v = b""
    for l in p:
        l = l.rstrip(b"\r\n")
        v += l[:-1] if l.endswith(b"=") else l
    v = quopri.decodestring(v.split(b":", 1)[1])
    return v.replace(b"\r\n", b"\n").replace(b"\\n", b"\n")

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
)
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
    d = open(f, "rb").read()
    d = re.sub(rb"=\r?\n", b"", d)            # QP soft breaks
    d = re.sub(rb"\r?\n[ \t]", b"", d)         # folds
    if not any(l.upper().startswith(b"X-KITH-LOG") and b"Fidelity check" in quopri.decodestring(l)
               for l in d.splitlines()):
        print(f.rsplit("/", 1)[-1])
EOF
)
[[ -z $missing ]] && pass "every card holds the note on the server" ||
	not_ok "the note is missing on: $missing"

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
