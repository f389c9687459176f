# shellcheck shell=bash
# remind_lib.sh: what the reminder tests share (remind_common.sh and
# remind_clients_common.sh): reading the calendar's members and objects,
# and the people every one of them starts from. Sourced after lib.sh.

"$PY" -c 'import icalendar' 2>/dev/null || die "python3-icalendar is missing (scripts/setup installs it)"
CHECK=$KITH_SRCDIR/tests/unit/ical_check.py

# cal_names URL: the names of the calendar's members (percent-decoded),
# sorted, one per line.
cal_names() {
	dav PROPFIND "$1" 1 '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>' |
		"$PY" -c 'import sys, re, urllib.parse
base = urllib.parse.urlparse(sys.argv[1]).path.rstrip("/")
names = set()
for h in re.findall(r"<(?:\w+:)?href>([^<]*)</(?:\w+:)?href>", sys.stdin.read()):
    p = urllib.parse.urlparse(h).path.rstrip("/")
    if p != base:
        names.add(urllib.parse.unquote(p.rsplit("/", 1)[-1]))
print("\n".join(sorted(names)))' "$1"
}

# ics_get URL NAME: the object into $T/NAME; 1 unless 200.
ics_get() { dav GET "$1$2" >"$T/$2" && [[ -s $T/$2 ]]; }

# ics_prop FILE PROP: PROP of the file's first VEVENT or VTODO (dates as
# YYYY-MM-DD, date-times as ISO 8601, the rest as text); "alarm" prints
# each VALARM's ACTION and TRIGGER.
ics_prop() {
	"$PY" -c 'import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
comp = [c for c in cal.walk() if c.name in ("VEVENT", "VTODO")][0]
want = sys.argv[2]
if want == "alarm":
    for a in comp.walk("VALARM"):
        t = a.decoded("TRIGGER")
        print(a.get("ACTION"), t.isoformat() if hasattr(t, "isoformat") else t)
else:
    v = comp.get(want)
    if v is None:
        sys.exit(0)
    d = comp.decoded(want)
    print(d.isoformat() if hasattr(d, "isoformat") else str(v))' "$1" "$2"
}

# put_ics URL FILE [ETAG]: PUT an object (If-Match ETAG when given); 1 unless 2xx.
put_ics() {
	local cond=()
	[[ -n ${3:-} ]] && cond=(-H "If-Match: $3")
	dav_curl "$1" -T "$2" -H 'Content-Type: text/calendar; charset=utf-8' -H 'Expect:' \
		"${cond[@]}" -o "$T/.putbody" -w '%{http_code}' >"$T/.status" 2>"$T/.curlerr"
	[[ $(cat "$T/.status") == 2* ]]
}

# etag_of URL: the object's etag, as a HEAD request gives it.
etag_of() { dav_curl "$1" -I 2>/dev/null | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p'; }

# complete_task IN OUT UTC [NOTE]: the task IN as a phone leaves it done
# (STATUS:COMPLETED, COMPLETED at UTC, e.g. 20261219T153000Z), NOTE added
# as a line of its description, into OUT.
complete_task() {
	"$PY" - "$@" <<'EOF'
import sys, icalendar, datetime
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
when = datetime.datetime.strptime(sys.argv[3], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
for c in cal.walk("VTODO"):
    c.pop("STATUS")
    c.add("STATUS", "COMPLETED")
    c.add("COMPLETED", when)
    c.add("PERCENT-COMPLETE", 100)
    if len(sys.argv) > 4:
        desc = str(c.pop("DESCRIPTION"))
        c.add("DESCRIPTION", desc + "\n" + sys.argv[4])
open(sys.argv[2], "wb").write(cal.to_ical())
EOF
}

# log_count PERSON: entries in the person's log.
log_count() { kith show --json "$1" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["log"]))'; }

# remind_people: start $SERVER with a book of six people (each with the N
# that vCard 3.0 requires and Cyrus insists on), and a kith
# (HOME1) whose account syncs them, five with cadences and a last touch;
# KITH_TODAY 2026-12-04, TZ UTC.
remind_people() {
	start_engine "$SERVER"
	ROOT=$ENGINE_URL
	book=$(make_engine_book friends "Friends") || fail "cannot make the book"
	card ana.vcf UID:ana-1 'FN:Ana Lima' 'N:Lima;Ana;;;' 'TEL:+351 210 000 001' EMAIL:ana@example.org
	card bo.vcf UID:bo-2 'FN:Bo Chen' 'N:Chen;Bo;;;' EMAIL:bo@example.org BDAY:1990-12-05
	card cy.vcf UID:cy-3 'FN:Cyrus Achebe' 'N:Achebe;Cyrus;;;' 'TEL:+44 20 0000 0003'
	card dee.vcf UID:dee-4 'FN:Dee Okafor' 'N:Okafor;Dee;;;' EMAIL:dee@example.org
	card eve.vcf UID:eve-5 'FN:Eve Adeyemi' 'N:Adeyemi;Eve;;;' 'TEL:+234 1 000 0005'
	card fay.vcf UID:fay-6 'FN:Fay Brennan' 'N:Brennan;Fay;;;' EMAIL:fay@example.org
	diag "$SERVER at $ROOT, book $book"

	export KITH_TODAY=2026-12-04 TZ=UTC
	kith_env
	HOME1=$KITH_HOME
	kith account add home "$ROOT" "${ENGINE_ACCT[@]}" >/dev/null 2>&1 || die "account add failed"
	kith sync >/dev/null 2>&1 || die "first sync failed"
	kith cadence ana 2w >/dev/null && kith log ana --date 2026-10-01 --via meet "Coffee at the forum" >/dev/null
	kith cadence cy 1m >/dev/null && kith log cy --date 2026-09-01 --via phone "His new job" >/dev/null
	kith cadence dee 3m >/dev/null && kith log dee --date 2026-11-30 --via email "Sent the photos" >/dev/null
	kith cadence eve 1w >/dev/null && kith log eve --date 2026-12-01 --via text "Her exam" >/dev/null
	kith cadence fay 1y >/dev/null && kith log fay --date 2025-06-01 --via letter "Postcard" >/dev/null
	kith sync >/dev/null 2>&1 || die "second sync failed"
}
