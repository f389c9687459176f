/* test_ical.c: the iCalendar objects kith writes, and what it reads back. */
#include "date.h"
#include "ical.h"
#include "tap.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* 2026-12-04, a Friday; 10:30:00 UTC that day. */
#define DAY 20791L
#define STAMP ((time_t)1796380200)

/* ---- helpers ---- */

static char *wr(const struct ical_object *o)
{
	size_t n;
	char *t = ical_write(o, &n);

	if (strlen(t) != n)
		printf("# ical_write: length %zu, strlen %zu\n", n, strlen(t));
	return t;
}

/* Whether text has line (without its CRLF) as one whole physical line. */
static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, line, n) == 0 && p[n] == '\r' && p[n + 1] == '\n')
			return 1;
	return 0;
}

/*
 * Every physical line ends with CRLF, holds at most 75 octets and is
 * valid UTF-8 on its own; no bare CR or LF anywhere. 1 when all hold.
 */
static int lines_ok(const char *text)
{
	const char *p = text, *nl;
	size_t n;

	while (*p) {
		nl = strchr(p, '\n');
		if (!nl || nl == p || nl[-1] != '\r')
			return printf("# line without CRLF: %.40s\n", p), 0;
		n = (size_t)(nl - 1 - p);
		if (n > 75)
			return printf("# line of %zu octets: %.40s\n", n, p), 0;
		if (!str_utf8_valid(p, n))
			return printf("# line not UTF-8 on its own: %.40s\n", p), 0;
		if (memchr(p, '\r', n))
			return printf("# bare CR: %.40s\n", p), 0;
		p = nl + 1;
	}
	return 1;
}

/* Whether s is clean as ical_read promises: UTF-8, no control but newline. */
static int clean(const char *s)
{
	size_t n = strlen(s), k;
	long cp;

	for (; n; s += k, n -= k) {
		k = str_utf8_next(s, n, &cp);
		if (cp < 0 || (cp < 0x20 && cp != '\n') || (cp >= 0x7f && cp < 0xa0))
			return 0;
	}
	return 1;
}

static int rd(const char *text, struct ical_read *r, struct kerr *err)
{
	err->msg[0] = '\0';
	return ical_read(text, strlen(text), r, err);
}

static struct ical_object event(void)
{
	struct ical_object o = {0};

	o.uid = "kith-ev-2026-12-04";
	o.day = DAY;
	o.summary = "Get in touch: Ana, Bo";
	o.description = "Ana (last seen 3 months ago)\nBo (every 2 weeks)";
	o.stamp = STAMP;
	o.alarm = STAMP + 3600;
	return o;
}

/* ---- writing ---- */

static void test_event(void)
{
	struct ical_object o = event();
	char *t = wr(&o), *again;
	const char *want =
		"BEGIN:VCALENDAR\r\n"
		"VERSION:2.0\r\n"
		"PRODID:-//kith//kith reminders//EN\r\n"
		"CALSCALE:GREGORIAN\r\n"
		"BEGIN:VEVENT\r\n"
		"UID:kith-ev-2026-12-04\r\n"
		"DTSTAMP:20261204T103000Z\r\n"
		"LAST-MODIFIED:20261204T103000Z\r\n"
		"DTSTART;VALUE=DATE:20261204\r\n"
		"DTEND;VALUE=DATE:20261205\r\n"
		"SUMMARY:Get in touch: Ana\\, Bo\r\n"
		"DESCRIPTION:Ana (last seen 3 months ago)\\nBo (every 2 weeks)\r\n"
		"TRANSP:TRANSPARENT\r\n"
		"BEGIN:VALARM\r\n"
		"ACTION:DISPLAY\r\n"
		"DESCRIPTION:Get in touch: Ana\\, Bo\r\n"
		"TRIGGER;VALUE=DATE-TIME:20261204T113000Z\r\n"
		"END:VALARM\r\n"
		"END:VEVENT\r\n"
		"END:VCALENDAR\r\n";

	is_str(t, want, "an all-day event with a DISPLAY alarm, line for line");
	ok(has_line(t, "DTSTART;VALUE=DATE:20261204"), "DTSTART is the day");
	ok(has_line(t, "DTEND;VALUE=DATE:20261205"), "DTEND is the day after");
	ok(has_line(t, "TRIGGER;VALUE=DATE-TIME:20261204T113000Z"), "an absolute UTC TRIGGER");
	ok(!strstr(t, "ATTENDEE"), "no ATTENDEE");
	ok(!strstr(t, "X-KITH-CARD"), "no X-KITH-CARD when no card is given");
	again = wr(&o);
	is_str(again, t, "the same input writes the same text");
	free(again);
	free(t);

	/* The last day of a month and of a year roll over. */
	o.day = date_from_ymd(2026, 12, 31);
	t = wr(&o);
	ok(has_line(t, "DTEND;VALUE=DATE:20270101"), "DTEND after 2026-12-31 is 20270101");
	free(t);
	o.day = date_from_ymd(2028, 2, 28);
	t = wr(&o);
	ok(has_line(t, "DTEND;VALUE=DATE:20280229"), "DTEND after 2028-02-28 is the leap day");
	free(t);
}

static void test_todo(void)
{
	struct ical_object o = event();
	char *t;

	o.todo = 1;
	o.uid = "kith-todo-ana-2026-12-04";
	o.summary = "Call Ana";
	o.description = NULL;
	o.card = "urn:uuid:6f1d2c3b-ana";
	t = wr(&o);
	ok(has_line(t, "BEGIN:VTODO") && has_line(t, "END:VTODO"), "a VTODO");
	ok(has_line(t, "DUE;VALUE=DATE:20261204"), "DUE is the day");
	ok(has_line(t, "STATUS:NEEDS-ACTION"), "STATUS:NEEDS-ACTION");
	ok(has_line(t, "X-KITH-CARD:urn:uuid:6f1d2c3b-ana"), "X-KITH-CARD names the card");
	ok(has_line(t, "TRIGGER;VALUE=DATE-TIME:20261204T113000Z"), "the alarm's TRIGGER");
	ok(has_line(t, "DESCRIPTION:Call Ana"), "the alarm's DESCRIPTION is the summary");
	ok(!strstr(t, "DTSTART") && !strstr(t, "DTEND") && !strstr(t, "TRANSP"),
	   "no DTSTART, DTEND or TRANSP in a todo");
	ok(!strstr(t, "ATTENDEE"), "no ATTENDEE in a todo");
	free(t);

	o.alarm = 0;
	o.description = "";
	t = wr(&o);
	ok(!strstr(t, "VALARM") && !strstr(t, "TRIGGER"), "no alarm: no VALARM");
	ok(!strstr(t, "DESCRIPTION"), "an empty description is not written");
	free(t);
}

static void test_write_clean(void)
{
	struct ical_object o = event();
	char *t;

	o.summary = "A\x1b]0;pwned\x07 B\nC\r\xff\xc3(";
	o.description = "one\r\ntwo\rthree\x7f\xc2\x85";
	t = wr(&o);
	ok(lines_ok(t), "controls and invalid UTF-8 in: the lines are still sound");
	ok(has_line(t, "SUMMARY:A ]0\\;pwned  B C\xef\xbf\xbd\xef\xbf\xbd("),
	   "ESC, BEL and a newline become spaces in SUMMARY, bad bytes U+FFFD, CR goes");
	ok(has_line(t, "DESCRIPTION:one\\ntwothree  "),
	   "CRLF is one \\n in DESCRIPTION, a lone CR goes, DEL and C1 are spaces");
	free(t);

	o.summary = "\r";
	t = wr(&o);
	ok(has_line(t, "SUMMARY:"), "a summary of only a CR is empty");
	ok(has_line(t, "DESCRIPTION:kith"), "... and the alarm's DESCRIPTION falls back to kith");
	free(t);
	o.summary = NULL;
	o.uid = NULL;
	o.description = NULL;
	t = wr(&o);
	ok(has_line(t, "DESCRIPTION:kith") && has_line(t, "UID:"),
	   "NULL summary and uid write empty values, the alarm says kith");
	free(t);

	o = event();
	o.day = 100000000L;
	o.stamp = (time_t)-99999999999LL;
	o.alarm = (time_t)999999999999LL;
	t = wr(&o);
	ok(has_line(t, "DTSTART;VALUE=DATE:99991230") && has_line(t, "DTEND;VALUE=DATE:99991231"),
	   "a day past the year 9999 is clamped so DTEND still has four digits");
	ok(has_line(t, "DTSTAMP:00010101T000000Z"), "a stamp before the year 1 is clamped");
	ok(has_line(t, "TRIGGER;VALUE=DATE-TIME:99991231T235959Z"), "an alarm after 9999 is clamped");
	free(t);
	o.stamp = (time_t)-1;
	t = wr(&o);
	ok(has_line(t, "DTSTAMP:19691231T235959Z"), "a stamp just before the epoch");
	free(t);
}

static void test_escape(void)
{
	struct sbuf b = {0};

	ical_escape(&b, "a,b;c\\d\ne\r\nf");
	is_str(b.buf, "a\\,b\\;c\\\\d\\ne\\nf", "ical_escape: , ; \\ and newlines");
	sbuf_reset(&b);
	ical_escape(&b, NULL);
	ok(b.len == 0, "ical_escape(NULL) adds nothing");
	ical_escape(&b, "\t\x01\xe2\x82");
	is_str(b.buf, "  \xef\xbf\xbd\xef\xbf\xbd", "ical_escape: controls a space, a cut sequence U+FFFD");
	sbuf_free(&b);
}

static void round_trip(const char *summary, const char *description, const char *what)
{
	struct ical_object o = event();
	struct ical_read r;
	struct kerr err;
	char *t;

	o.summary = summary;
	o.description = description;
	o.card = "card,with;odd\\chars";
	t = wr(&o);
	ok(lines_ok(t), "%s: every line CRLF, at most 75 octets, UTF-8 alone", what);
	is_int(rd(t, &r, &err), 0, "%s: reads back", what);
	is_str(r.summary, summary, "%s: the summary", what);
	is_str(r.description, description, "%s: the description", what);
	is_str(r.card, o.card, "%s: the card", what);
	is_str(r.uid, o.uid, "%s: the uid", what);
	ical_read_free(&r);
	free(t);
}

static void test_round_trip(void)
{
	struct sbuf s = {0}, d = {0};
	char what[64];

	round_trip("a,b;c\\d \\n \\, end\\", "line one\nline two, with ; and \\\n\nlast",
		   "escapes");
	/*
	 * Two-, three- and four-byte characters from every offset, so that
	 * each kind straddles the 75th octet of some line.
	 */
	for (int shift = 0; shift < 4; shift++) {
		sbuf_reset(&s);
		sbuf_reset(&d);
		for (int i = 0; i < shift; i++)
			sbuf_addc(&s, 'x');
		sbuf_add(&d, s.buf, s.len);
		for (int i = 0; i < 40; i++) {
			sbuf_adds(&s, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80,");
			sbuf_adds(&d, i % 7 == 6 ? "\n" : "\xe6\x97\xa5\xd0\x96\xf0\x90\x8d\x88;");
		}
		snprintf(what, sizeof what, "long UTF-8 text, shift %d", shift);
		round_trip(s.buf, d.buf, what);
	}
	sbuf_free(&s);
	sbuf_free(&d);
}

/* ---- reading ---- */

/* As Apple Reminders writes a completed task: a VTIMEZONE first, LF kept as CRLF. */
static const char *apple_done =
	"BEGIN:VCALENDAR\r\n"
	"VERSION:2.0\r\n"
	"PRODID:-//Apple Inc.//iOS 18.1//EN\r\n"
	"CALSCALE:GREGORIAN\r\n"
	"BEGIN:VTIMEZONE\r\n"
	"TZID:Europe/Paris\r\n"
	"BEGIN:DAYLIGHT\r\n"
	"TZOFFSETFROM:+0100\r\n"
	"DTSTART:19810329T020000\r\n"
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
	"TZNAME:UTC+2\r\n"
	"TZOFFSETTO:+0200\r\n"
	"END:DAYLIGHT\r\n"
	"BEGIN:STANDARD\r\n"
	"TZOFFSETFROM:+0200\r\n"
	"DTSTART:19961027T030000\r\n"
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
	"TZNAME:UTC+1\r\n"
	"TZOFFSETTO:+0100\r\n"
	"END:STANDARD\r\n"
	"END:VTIMEZONE\r\n"
	"BEGIN:VTODO\r\n"
	"COMPLETED:20261205T103000Z\r\n"
	"CREATED:20261204T103000Z\r\n"
	"DESCRIPTION:Ana (last seen 3 months ago)\\nAsk about the move to Lyon\\, a\r\n"
	" nd the new job\r\n"
	"DTSTAMP:20261205T103012Z\r\n"
	"DUE;VALUE=DATE:20261204\r\n"
	"LAST-MODIFIED:20261205T103000Z\r\n"
	"PERCENT-COMPLETE:100\r\n"
	"SEQUENCE:1\r\n"
	"STATUS:COMPLETED\r\n"
	"SUMMARY:Call Ana\r\n"
	"UID:kith-todo-ana-2026-12-04\r\n"
	"X-APPLE-SORT-ORDER:786539412\r\n"
	"X-KITH-CARD:urn:uuid:6f1d2c3b-ana\r\n"
	"BEGIN:VALARM\r\n"
	"ACTION:DISPLAY\r\n"
	"DESCRIPTION:Reminder\r\n"
	"TRIGGER;VALUE=DATE-TIME:20261204T113000Z\r\n"
	"UID:alarm-uid-not-the-todo\r\n"
	"X-WR-ALARMUID:0C1B2A\r\n"
	"END:VALARM\r\n"
	"END:VTODO\r\n"
	"END:VCALENDAR\r\n";

/* tasks.org (ical4android) style, rewritten LF-only, names in lower case. */
static const char *tasks_org_lf =
	"begin:vcalendar\n"
	"version:2.0\n"
	"prodid:+//IDN tasks.org//android-130804//EN\n"
	"begin:vtimezone\n"
	"tzid:Asia/Tokyo\n"
	"begin:standard\n"
	"tzoffsetfrom:+0900\n"
	"tzoffsetto:+0900\n"
	"dtstart:19700101T000000\n"
	"end:standard\n"
	"end:vtimezone\n"
	"begin:vtodo\n"
	"dtstamp:20261205T011500Z\n"
	"uid:kith-todo-bo-2026-12-04\n"
	"summary;language=en:Write to Bo\\; about the trip\n"
	"x-kith-card;x-note=\"a:b;c\":bo\\,card\n"
	"description:first\\Nsecond\n"
	"  indented\n"
	"\tand a tab fold\n"
	"status:completed\n"
	"completed;tzid=Asia/Tokyo:20261205T101500\n"
	"percent-complete:100\n"
	"due;value=date:20261204\n"
	"begin:valarm\n"
	"action:display\n"
	"summary:not this\n"
	"description:not this\n"
	"end:valarm\n"
	"end:vtodo\n"
	"end:vcalendar\n";

static void test_read_clients(void)
{
	struct ical_read r;
	struct kerr err;
	long day;

	is_int(rd(apple_done, &r, &err), 0, "Apple Reminders' completed task reads");
	ok(r.todo, "... as a VTODO");
	is_str(r.uid, "kith-todo-ana-2026-12-04", "... its UID, not the VALARM's");
	is_str(r.summary, "Call Ana", "... its SUMMARY");
	is_str(r.description, "Ana (last seen 3 months ago)\nAsk about the move to Lyon, and the new job",
	       "... its folded DESCRIPTION, unfolded and unescaped, not the VALARM's");
	is_str(r.status, "COMPLETED", "... STATUS:COMPLETED");
	is_str(r.completed, "20261205T103000Z", "... COMPLETED as written");
	is_str(r.card, "urn:uuid:6f1d2c3b-ana", "... X-KITH-CARD");
	ok(ical_day(r.completed, &day) == 0, "... COMPLETED is a day");
	ical_read_free(&r);
	ok(!r.uid && !r.summary, "ical_read_free leaves NULLs");
	ical_read_free(&r);
	ical_read_free(NULL);

	is_int(rd(tasks_org_lf, &r, &err), 0, "a lower-case LF-only tasks.org task reads");
	ok(r.todo, "... as a VTODO");
	is_str(r.uid, "kith-todo-bo-2026-12-04", "... uid");
	is_str(r.summary, "Write to Bo; about the trip", "... a summary with a parameter");
	is_str(r.card, "bo,card", "... a quoted parameter holding ':' and ';'");
	is_str(r.description, "first\nsecond indentedand a tab fold",
	       "... \\N, and folds with a space or a tab (one whitespace removed)");
	is_str(r.status, "COMPLETED", "... status upper-cased");
	is_str(r.completed, "20261205T101500", "... completed with a TZID, as written");
	ok(ical_day(r.completed, &day) == 0 && day == DAY + 1, "... its day is the floating date");
	ical_read_free(&r);
}

static void test_read_shapes(void)
{
	struct ical_read r;
	struct kerr err;

	is_int(rd("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:e1\r\nEND:VEVENT\r\n"
		  "BEGIN:VTODO\r\nUID:t2\r\nEND:VTODO\r\nEND:VCALENDAR", &r, &err), 0,
	       "two components, no final CRLF: reads");
	ok(!r.todo, "... the first one, a VEVENT");
	is_str(r.uid, "e1", "... its UID only");
	ok(!r.summary && !r.description && !r.status && !r.completed && !r.card,
	   "... absent properties are NULL");
	ical_read_free(&r);

	is_int(rd("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:\nSUMMARY:second\nUID:u\n"
		  "END:VEVENT\nEND:VCALENDAR\n\n\n", &r, &err), 0, "trailing blank lines are fine");
	is_str(r.summary, "", "the first SUMMARY counts, empty or not");
	ical_read_free(&r);

	is_int(rd("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:C:\\temp \\x \\\nEND:VEVENT\n"
		  "END:VCALENDAR\n", &r, &err), 0, "undefined escapes read");
	is_str(r.summary, "C:\\temp \\x \\", "... keeping their backslash");
	ical_read_free(&r);

	is_int(rd("\xef\xbb\xbf" "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:bom\r\nEND:VTODO\r\n"
		  "END:VCALENDAR\r\n", &r, &err), 0, "a byte order mark first is skipped");
	is_str(r.uid, "bom", "... and the object reads");
	ical_read_free(&r);

	is_int(rd("BEGIN:VCALENDAR \nBEGIN:vEvEnT\nsummary:x\nend:VEVENT\nEND:vcalendar\n"
		  "BEGIN:garbage after the end\n", &r, &err), 0,
	       "mixed case and a trailing space in component names; after END:VCALENDAR is not read");
	is_str(r.summary, "x", "... summary");
	ical_read_free(&r);
}

static void expect_error(const char *text, size_t len, const char *want, const char *what)
{
	struct ical_read r;
	struct kerr err;
	int rc;

	err.msg[0] = '\0';
	rc = ical_read(text, len, &r, &err);
	ok(rc == -1 && strstr(err.msg, want), "%s: '%s'", what, err.msg);
	ical_read_free(&r);
}

static void test_read_hostile(void)
{
	static const char nul[] = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:a\0b\nEND:VEVENT\nEND:VCALENDAR\n";
	struct sbuf b = {0};
	struct ical_read r;
	struct kerr err;
	const char *t;

	expect_error(nul, sizeof nul - 1, "calendar object: a NUL byte (line 3)", "a NUL byte");
	t = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTIMEZONE\r\nTZID:UTC\r\n"
	    "END:VTIMEZONE\r\nBEGIN:VTODO\r\nUID:kith-1\r\nEND:VCALENDAR\r\n";
	expect_error(t, strlen(t), "calendar object: BEGIN:VTODO without END (line 7)",
		     "END:VTODO missing");
	t = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nEND:VEVENT\n";
	expect_error(t, strlen(t), "calendar object: BEGIN:VCALENDAR without END (line 1)",
		     "END:VCALENDAR missing");
	t = "BEGIN:VCALENDAR\nEND:VTODO\nEND:VCALENDAR\n";
	expect_error(t, strlen(t), "calendar object: END:VTODO without BEGIN (line 2)",
		     "an END with no BEGIN");
	t = "BEGIN:VCARD\nFN:x\nEND:VCARD\n";
	expect_error(t, strlen(t), "BEGIN:VCARD outside a VCALENDAR (line 1)", "a vCard");
	t = "BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nEND:VTIMEZONE\nEND:VCALENDAR\n";
	expect_error(t, strlen(t), "no VEVENT or VTODO", "no component of kith's");
	expect_error("", 0, "no BEGIN:VCALENDAR", "empty text");
	expect_error(NULL, 0, "no BEGIN:VCALENDAR", "NULL text");
	t = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nEND:VEVENT\nEND:VCALENDAR\x1b[31m\n";
	expect_error(t, strlen(t), "END:VCALENDAR??31M without BEGIN (line 5)",
		     "a name in a message shows no escape sequence");

	/* 17 levels: one more than kith follows. */
	sbuf_adds(&b, "BEGIN:VCALENDAR\nBEGIN:VEVENT\n");
	for (int i = 0; i < 15; i++)
		sbuf_adds(&b, "BEGIN:X-DEEP\n");
	expect_error(b.buf, b.len, "nested deeper than 16 (line 17)", "17 nested components");
	sbuf_reset(&b);
	sbuf_adds(&b, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:deep\n");
	for (int i = 0; i < 14; i++)
		sbuf_adds(&b, "BEGIN:X-DEEP\nUID:no\n");
	for (int i = 0; i < 14; i++)
		sbuf_adds(&b, "END:X-DEEP\n");
	sbuf_adds(&b, "END:VEVENT\nEND:VCALENDAR\n");
	is_int(ical_read(b.buf, b.len, &r, &err), 0, "16 nested components read");
	is_str(r.uid, "deep", "... the UID outside the nested ones");
	ical_read_free(&r);

	/* Over a megabyte: refused whole, before a line is read. */
	sbuf_reset(&b);
	sbuf_adds(&b, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDESCRIPTION:");
	while (b.len <= ICAL_OBJECT_MAX)
		sbuf_adds(&b, "0123456789abcdef");
	sbuf_adds(&b, "\nEND:VEVENT\nEND:VCALENDAR\n");
	expect_error(b.buf, b.len, "more than the 1048576 kith reads", "an object over 1 MB");

	/* A huge line: cut at ICAL_VALUE_MAX, at a character. */
	sbuf_reset(&b);
	sbuf_adds(&b, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x");
	for (int i = 0; i < 50000; i++)
		sbuf_adds(&b, "\xe2\x82\xac\\,");
	sbuf_adds(&b, "\nDESCRIPTION:");
	for (int i = 0; i < 300000; i++)
		sbuf_adds(&b, "\xff");
	sbuf_adds(&b, "\nEND:VEVENT\nEND:VCALENDAR\n");
	is_int(ical_read(b.buf, b.len, &r, &err), 0, "a half-megabyte object with huge lines reads");
	ok(r.summary && strlen(r.summary) <= ICAL_VALUE_MAX && strlen(r.summary) > ICAL_VALUE_MAX - 4,
	   "... the summary is cut near ICAL_VALUE_MAX (%zu bytes)", r.summary ? strlen(r.summary) : 0);
	ok(r.summary && clean(r.summary), "... at a character boundary");
	ok(r.description && strlen(r.description) <= ICAL_VALUE_MAX && clean(r.description),
	   "... invalid bytes become U+FFFD, still bounded");
	ical_read_free(&r);
	sbuf_free(&b);

	t = "BEGIN:VCALENDAR\nBEGIN:VTODO\nSUMMARY:a\x1b]2;title\x07z\\nq\r\r\n"
	    "DESCRIPTION:\xc3\x28\xed\xa0\x80\xf4\x90\x80\x80\xc2\x9b ok \xe2\x80\xae\n"
	    "UID:\x01\x02\n"
	    "END:VTODO\nEND:VCALENDAR\n";
	is_int(rd(t, &r, &err), 0, "controls and invalid UTF-8 read");
	is_str(r.summary, "a ]2;title z\nq ", "ESC, BEL, a stray CR become spaces; \\n a newline");
	is_str(r.description, "\xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd  ok \xe2\x80\xae",
	       "bad bytes, a surrogate, past U+10FFFF: U+FFFD each; C1 a space");
	is_str(r.uid, "  ", "controls in UID are spaces");
	ok(clean(r.summary) && clean(r.description) && clean(r.uid), "... all clean");
	ical_read_free(&r);
}

/* ---- dates ---- */

static long day_of(const char *v)
{
	long d = -1;

	return ical_day(v, &d) == 0 ? d : -1;
}

/* Sets TZ to a zone of the tz database; without tzdata, skips its n tests. */
static int use_zone(const char *zone, int n)
{
	char path[128];

	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
	if (access(path, R_OK) != 0) {
		for (int i = 0; i < n; i++)
			ok(1, "TZ=%s # SKIP no tzdata", zone);
		return 0;
	}
	setenv("TZ", zone, 1);
	tzset();
	return 1;
}

static void test_day(void)
{
	static const char *const bad[] = {"20261331", "20260230", "20230229",
		"00001231", "20261300", "20261200", "2026120", "202612040",
		"20261204T", "20261204T1015", "20261204X101500", "20261204T240000",
		"20261204T106000", "20261204T101561", "20261204T101500ZZ",
		"20261204T101500+0900", "2026-12-04", "", " 20261204", "2026120a",
		"-2026120", "20261204T10150Z", NULL};
	long d;

	is_int(day_of("20261204"), DAY, "DATE 20261204");
	is_int(day_of("20240229"), date_from_ymd(2024, 2, 29), "a leap day");
	is_int(day_of("00010101"), date_from_ymd(1, 1, 1), "the year 1");
	is_int(day_of("99991231"), date_from_ymd(9999, 12, 31), "the year 9999");
	is_int(day_of("20261204T235960"), DAY, "a leap second, floating");
	is_int(day_of("20261204T000000"), DAY, "floating midnight");
	for (int i = 0; bad[i]; i++)
		is_int(ical_day(bad[i], &d), -1, "'%s' is no day", bad[i]);
	is_int(ical_day(NULL, &d), -1, "NULL is no day");

	setenv("TZ", "UTC", 1);
	tzset();
	is_int(day_of("20261204T235959Z"), DAY, "UTC in UTC: the same day");
	setenv("TZ", "JST-9", 1);
	tzset();
	is_int(day_of("20261204T150000Z"), DAY + 1, "15:00Z is the next day at UTC+9 (POSIX TZ)");
	is_int(day_of("20261204T145959Z"), DAY, "14:59:59Z is still that day at UTC+9");
	is_int(day_of("20261204T200000"), DAY, "a floating time does not move");
	if (use_zone("Asia/Tokyo", 3)) {
		is_int(day_of("20261204T200000Z"), DAY + 1, "TZ=Asia/Tokyo: 20:00Z is the next day");
		is_int(day_of("20261204T100000Z"), DAY, "TZ=Asia/Tokyo: 10:00Z is the same day");
		is_int(day_of("99991231T200000Z"), date_from_ymd(9999, 12, 31) + 1,
		       "TZ=Asia/Tokyo: the last UTC evening is a day past 9999-12-31");
	}
	if (use_zone("America/Los_Angeles", 4)) {
		is_int(day_of("20261204T050000Z"), DAY - 1, "TZ=America/Los_Angeles: 05:00Z is the day before");
		is_int(day_of("20260705T065959Z"), date_from_ymd(2026, 7, 4), "... with daylight time in July");
		is_int(day_of("20260705T070000Z"), date_from_ymd(2026, 7, 5), "... UTC-7 in July");
		is_int(day_of("00010101T000000Z"), date_from_ymd(1, 1, 1) - 1, "... before the year 1 locally");
	}
	unsetenv("TZ");
	tzset();
}

/* ---- a real parser's verdict ---- */

/* A python3 that has icalendar: $PYTHON, python3 on PATH, or Debian's own. */
static const char *find_python(void)
{
	static const char *const tries[] = {"python3", "/usr/bin/python3", NULL};
	static char cmd[512];
	const char *env = getenv("PYTHON");

	if (env && *env) {
		snprintf(cmd, sizeof cmd, "'%s' -c 'import icalendar' 2>/dev/null", env);
		if (!strchr(env, '\'') && system(cmd) == 0)
			return env;
	}
	for (int i = 0; tries[i]; i++) {
		snprintf(cmd, sizeof cmd, "%s -c 'import icalendar' 2>/dev/null", tries[i]);
		if (system(cmd) == 0)
			return tries[i];
	}
	return NULL;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	int rc;

	if (!f)
		return -1;
	rc = fputs(text, f) < 0 ? -1 : 0;
	return fclose(f) == 0 ? rc : -1;
}

static void test_real_parser(void)
{
	const char *py = find_python(), *src = getenv("KITH_SRCDIR");
	struct ical_object o[4];
	struct sbuf cmd = {0};
	char dir[] = "/tmp/kith-ical-XXXXXX", path[64];
	int wrote = 0;

	if (!py || !src) {
		ok(1, "ical_check.py on kith's objects # SKIP %s",
		   py ? "KITH_SRCDIR not set" : "no python3 with icalendar");
		ok(1, "ical_check.py rejects a bad alarm # SKIP %s",
		   py ? "KITH_SRCDIR not set" : "no python3 with icalendar");
		return;
	}
	o[0] = event();
	o[1] = event();
	o[1].todo = 1;
	o[1].card = "urn:uuid:ana";
	o[2] = event();
	o[2].alarm = 0;
	o[2].summary = "\xe2\x82\xac,;\\ \x1b \xff long long long long long long long long long long long long text";
	o[3] = event();
	o[3].summary = "";
	o[3].description = "\n";
	if (!mkdtemp(dir)) {
		ok(0, "a temporary folder for ical_check.py");
		return;
	}
	sbuf_addf(&cmd, "%s %s/tests/unit/ical_check.py", py, src);
	for (int i = 0; i < 4; i++) {
		char *t = wr(&o[i]);

		snprintf(path, sizeof path, "%s/%d.ics", dir, i);
		wrote += write_file(path, t) == 0;
		sbuf_addf(&cmd, " %s", path);
		free(t);
	}
	ok(wrote == 4 && system(cmd.buf) == 0, "ical_check.py (%s) passes kith's event, todo and odd objects", py);
	snprintf(path, sizeof path, "%s/bad.ics", dir);
	write_file(path, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\n"
		   "UID:a\r\nDTSTAMP:20261204T103000Z\r\nDTSTART;VALUE=DATE:20261204\r\n"
		   "BEGIN:VALARM\r\nACTION:DISPLAY\r\nATTENDEE:mailto:a@example.org\r\n"
		   "TRIGGER;VALUE=DATE-TIME:20261204T113000\r\nEND:VALARM\r\n"
		   "END:VEVENT\r\nEND:VCALENDAR\r\n");
	sbuf_reset(&cmd);
	sbuf_addf(&cmd, "%s %s/tests/unit/ical_check.py %s 2>/dev/null", py, src, path);
	ok(system(cmd.buf) != 0, "ical_check.py rejects a DISPLAY alarm with no DESCRIPTION, an ATTENDEE, a floating TRIGGER");
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%d.ics", dir, i);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/bad.ics", dir);
	unlink(path);
	rmdir(dir);
	sbuf_free(&cmd);
}

int main(void)
{
	test_event();
	test_todo();
	test_write_clean();
	test_escape();
	test_round_trip();
	test_read_clients();
	test_read_shapes();
	test_read_hostile();
	test_day();
	test_real_parser();
	return tap_done();
}
