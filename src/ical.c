/*
 * ical.c: kith's reminders as iCalendar objects (RFC 5545), written and
 * read back.
 *
 * The writer builds each content line in one reused buffer, then folds it
 * into the output. The reader walks physical lines with memchr, unfolds
 * them into one reused buffer, and keeps a fixed stack of open components,
 * so hostile nesting costs neither recursion nor allocation.
 */
#include "ical.h"

#include "date.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ICAL_FFFD "\xef\xbf\xbd"

/* RFC 5545 3.1: a line SHOULD NOT be longer than 75 octets, CRLF excluded. */
#define ICAL_FOLD 75

/* How deep components may nest: VCALENDAR > VTODO > VALARM is three. */
#define ICAL_DEPTH_MAX 16
/* A component name kept for matching and messages (truncated beyond). */
#define ICAL_NAME_MAX 64

/* ---- text ---- */

/*
 * C0 controls, DEL and the C1 controls. RFC 5545 3.3.11 lets TEXT hold
 * none of C0 but HTAB (CONTROL excluded from TSAFE-CHAR); DEL and C1 are
 * as unwelcome on the phone that shows the reminder. HTAB goes too: kith's
 * values are one line of words, and a space reads the same.
 */
static int is_control(long cp)
{
	return (cp >= 0 && cp < 0x20) || (cp >= 0x7f && cp < 0xa0);
}

/* One decoded character of s, cleaned and escaped as TEXT. */
static void escape_char(struct sbuf *b, const char *s, size_t k, long cp,
			int keep_nl)
{
	if (cp == '\r')
		return;		/* CRLF is one line break, a lone CR none */
	if (cp < 0) {
		sbuf_adds(b, ICAL_FFFD);
	} else if (cp == '\n') {
		sbuf_adds(b, keep_nl ? "\\n" : " ");
	} else if (cp == '\\' || cp == ';' || cp == ',') {
		sbuf_addc(b, '\\');
		sbuf_addc(b, (char)cp);
	} else if (is_control(cp)) {
		sbuf_addc(b, ' ');
	} else {
		sbuf_add(b, s, k);
	}
}

static void escape_text(struct sbuf *b, const char *s, int keep_nl)
{
	size_t n = s ? strlen(s) : 0, k;
	long cp;

	for (; n; s += k, n -= k) {
		k = str_utf8_next(s, n, &cp);
		escape_char(b, s, k, cp, keep_nl);
	}
}

void ical_escape(struct sbuf *b, const char *value)
{
	escape_text(b, value, 1);
}

/* ---- writing ---- */

static int is_utf8_cont(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

/*
 * Appends one content line, folded (RFC 5545 3.1): at most 75 octets a
 * physical line, a continuation starting with one space, and never a fold
 * inside a UTF-8 sequence (the RFC's SHOULD: phones show a broken
 * character otherwise). s is valid UTF-8, so backing off over
 * continuation bytes finds a lead byte within three.
 */
static void add_folded(struct sbuf *out, const char *s, size_t n)
{
	size_t room = ICAL_FOLD, cut;

	while (n > room) {
		cut = room;
		while (cut > 1 && is_utf8_cont(s[cut]))
			cut--;
		sbuf_add(out, s, cut);
		sbuf_adds(out, "\r\n ");
		s += cut;
		n -= cut;
		room = ICAL_FOLD - 1;
	}
	sbuf_add(out, s, n);
	sbuf_adds(out, "\r\n");
}

static void add_line(struct sbuf *out, const char *s)
{
	add_folded(out, s, strlen(s));
}

/* NAME:value, the value escaped as TEXT; line is scratch space. */
static void add_text(struct sbuf *out, struct sbuf *line, const char *name,
		     const char *value, int keep_nl)
{
	sbuf_reset(line);
	sbuf_adds(line, name);
	sbuf_addc(line, ':');
	escape_text(line, value, keep_nl);
	add_folded(out, line->buf, line->len);
}

/*
 * DATE and DATE-TIME hold four-digit years (RFC 5545 3.3.4, 3.3.5): the
 * seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z. A time
 * outside is clamped, so no input makes kith write an invalid object.
 */
#define ICAL_TIME_MIN ((int64_t)-62135596800LL)
#define ICAL_TIME_MAX ((int64_t)253402300799LL)

/* YYYYMMDDTHHMMSSZ of a UTC time, without gmtime (its range is the libc's). */
static void format_utc(time_t t, char out[17])
{
	int64_t s = (int64_t)t;
	long days, secs;
	int y, m, d;
	char buf[64];	/* room for any int, so the compiler sees no truncation */

	if (s < ICAL_TIME_MIN)
		s = ICAL_TIME_MIN;
	if (s > ICAL_TIME_MAX)
		s = ICAL_TIME_MAX;
	days = (long)(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
	secs = (long)(s - (int64_t)days * 86400);
	date_ymd(days, &y, &m, &d);
	snprintf(buf, sizeof buf, "%04d%02d%02dT%02ld%02ld%02ldZ", y, m, d,
		 secs / 3600, secs / 60 % 60, secs % 60);
	memcpy(out, buf, 16);
	out[16] = '\0';
}

static void format_date(long day, char out[9])
{
	int y, m, d;
	char buf[48];

	date_ymd(day, &y, &m, &d);
	snprintf(buf, sizeof buf, "%04d%02d%02d", y, m, d);
	memcpy(out, buf, 8);
	out[8] = '\0';
}

/* A day with four-digit years on it and on the day after (DTEND). */
static long clamp_day(long day)
{
	long lo = date_from_ymd(1, 1, 1), hi = date_from_ymd(9999, 12, 30);

	return day < lo ? lo : day > hi ? hi : day;
}

static void add_dates(struct sbuf *out, const struct ical_object *o)
{
	char when[9], next[9];
	long day = clamp_day(o->day);

	format_date(day, when);
	format_date(day + 1, next);
	if (o->todo) {
		sbuf_addf(out, "DUE;VALUE=DATE:%s\r\n", when);
		return;
	}
	/* RFC 5545 3.6.1: an all-day event's DTEND is the day after, exclusive. */
	sbuf_addf(out, "DTSTART;VALUE=DATE:%s\r\n", when);
	sbuf_addf(out, "DTEND;VALUE=DATE:%s\r\n", next);
}

/*
 * RFC 5545 3.6.6: a DISPLAY alarm MUST have DESCRIPTION and TRIGGER and
 * no ATTENDEE. An absolute TRIGGER is a UTC DATE-TIME (3.8.6.3); it rings
 * at that moment wherever the phone is, where a relative one would follow
 * a DATE start to each device's own midnight.
 */
static void add_alarm(struct sbuf *out, struct sbuf *line,
		      const struct ical_object *o)
{
	struct sbuf what = {0};
	char at[17];

	escape_text(&what, o->summary, 0);
	format_utc(o->alarm, at);
	add_line(out, "BEGIN:VALARM");
	add_line(out, "ACTION:DISPLAY");
	sbuf_reset(line);
	sbuf_adds(line, "DESCRIPTION:");
	sbuf_adds(line, what.len ? what.buf : "kith");
	add_folded(out, line->buf, line->len);
	sbuf_addf(out, "TRIGGER;VALUE=DATE-TIME:%s\r\n", at);
	add_line(out, "END:VALARM");
	sbuf_free(&what);
}

static void add_component(struct sbuf *out, struct sbuf *line,
			  const struct ical_object *o)
{
	char stamp[17];

	format_utc(o->stamp, stamp);
	add_line(out, o->todo ? "BEGIN:VTODO" : "BEGIN:VEVENT");
	add_text(out, line, "UID", o->uid, 0);
	sbuf_addf(out, "DTSTAMP:%s\r\n", stamp);
	sbuf_addf(out, "LAST-MODIFIED:%s\r\n", stamp);
	add_dates(out, o);
	add_text(out, line, "SUMMARY", o->summary, 0);
	if (o->description && *o->description)
		add_text(out, line, "DESCRIPTION", o->description, 1);
	if (o->card && *o->card)
		add_text(out, line, "X-KITH-CARD", o->card, 0);
	/* A reminder does not make the user look busy to people who invite them. */
	add_line(out, o->todo ? "STATUS:NEEDS-ACTION" : "TRANSP:TRANSPARENT");
	if (o->alarm)
		add_alarm(out, line, o);
	add_line(out, o->todo ? "END:VTODO" : "END:VEVENT");
}

char *ical_write(const struct ical_object *o, size_t *len)
{
	struct sbuf out = {0}, line = {0};

	add_line(&out, "BEGIN:VCALENDAR");
	add_line(&out, "VERSION:2.0");
	add_line(&out, "PRODID:-//kith//kith reminders//EN");
	add_line(&out, "CALSCALE:GREGORIAN");
	add_component(&out, &line, o);
	add_line(&out, "END:VCALENDAR");
	sbuf_free(&line);
	return sbuf_detach(&out, len);
}

/* ---- reading: lines ---- */

struct comp {
	char name[ICAL_NAME_MAX];
	size_t line;
};

struct reader {
	const char *p, *end;
	size_t lineno;		/* physical lines consumed */
	size_t start;		/* physical line (1-based) the current one began on */
	struct sbuf line;	/* the current content line, unfolded */
	struct comp stack[ICAL_DEPTH_MAX];
	int depth;
	int calendar;		/* a VCALENDAR was opened */
	int found;		/* the VEVENT or VTODO was opened */
	int inside;		/* ... and is open now */
};

/*
 * The next content line into rd->line, unfolded (RFC 5545 3.1: CRLF, or
 * LF alone as many writers end lines, followed by one space or tab);
 * 0 at the end of the text.
 */
static int next_line(struct reader *rd)
{
	const char *nl;
	size_t n;

	if (rd->p >= rd->end)
		return 0;
	sbuf_reset(&rd->line);
	sbuf_add(&rd->line, "", 0);
	rd->start = rd->lineno + 1;
	for (;;) {
		nl = memchr(rd->p, '\n', (size_t)(rd->end - rd->p));
		n = (size_t)((nl ? nl : rd->end) - rd->p);
		if (n && rd->p[n - 1] == '\r')
			n--;
		sbuf_add(&rd->line, rd->p, n);
		rd->p = nl ? nl + 1 : rd->end;
		rd->lineno++;
		if (rd->p >= rd->end || (*rd->p != ' ' && *rd->p != '\t'))
			return 1;
		rd->p++;
	}
}

/* A content line split: NAME[;PARAM=...]:value. */
struct cline {
	const char *name;
	size_t nname;
	const char *value;
	size_t nvalue;
};

/*
 * The value starts after the first colon that is not inside a quoted
 * parameter value (RFC 5545 3.1: param-value may be a DQUOTE'd string
 * holding ':' and ';'). -1 for a line with no value at all.
 */
static int split_line(const char *s, size_t n, struct cline *c)
{
	size_t i = 0;
	int quoted = 0;

	while (i < n && s[i] != ';' && s[i] != ':')
		i++;
	c->name = s;
	c->nname = i;
	for (; i < n; i++) {
		if (s[i] == '"') {
			quoted = !quoted;
		} else if (s[i] == ':' && !quoted) {
			c->value = s + i + 1;
			c->nvalue = n - i - 1;
			return 0;
		}
	}
	return -1;
}

static int name_is(const char *s, size_t n, const char *want)
{
	return n == strlen(want) && strncasecmp(s, want, n) == 0;
}

/*
 * A component name as kept on the stack and shown in messages: trimmed,
 * upper-cased, anything but a name's letters, digits and '-' shown as '?'
 * (the text is a server's and a message may reach a terminal).
 */
static void comp_name(const char *s, size_t n, char out[ICAL_NAME_MAX])
{
	size_t k = 0;

	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	for (; k < n && k < ICAL_NAME_MAX - 1; k++) {
		unsigned char c = (unsigned char)s[k];

		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
			c = '?';
		out[k] = (char)c;
	}
	out[k] = '\0';
}

/* ---- reading: values ---- */

enum value_kind {
	VALUE_TEXT,		/* RFC 5545 3.3.11: unescaped */
	VALUE_UPPER,		/* a token such as STATUS: upper-cased */
	VALUE_PLAIN,		/* as written, only cleaned */
};

/* The escapes 3.3.11 defines: "\\", "\;", "\,", "\n" and "\N". */
static int unescape_to(char c, char *out)
{
	if (c == 'n' || c == 'N')
		*out = '\n';
	else if (c == '\\' || c == ';' || c == ',')
		*out = c;
	else
		return -1;
	return 0;
}

/* One character of a value, cleaned: invalid UTF-8 becomes U+FFFD, a control a space. */
static void clean_char(struct sbuf *b, const char *s, size_t k, long cp)
{
	if (cp < 0)
		sbuf_adds(b, ICAL_FFFD);
	else if (is_control(cp))
		sbuf_addc(b, ' ');
	else
		sbuf_add(b, s, k);
}

/*
 * The value decoded: at most ICAL_VALUE_MAX bytes, cut at a character. An
 * escape 3.3.11 does not define keeps its backslash, so a sloppy writer's
 * "C:\temp" reads as written.
 */
static char *read_value(const char *s, size_t n, enum value_kind kind)
{
	struct sbuf b = {0};
	size_t k, before;
	long cp;
	char c;

	sbuf_add(&b, "", 0);
	for (; n; s += k, n -= k) {
		before = b.len;
		k = str_utf8_next(s, n, &cp);
		if (kind == VALUE_TEXT && cp == '\\' && n > 1 && unescape_to(s[1], &c) == 0) {
			sbuf_addc(&b, c);
			k = 2;
		} else {
			clean_char(&b, s, k, cp);
		}
		if (b.len > ICAL_VALUE_MAX) {
			b.len = before;
			b.buf[before] = '\0';
			break;
		}
	}
	for (k = 0; kind == VALUE_UPPER && k < b.len; k++)
		if (b.buf[k] >= 'a' && b.buf[k] <= 'z')
			b.buf[k] = (char)(b.buf[k] - 'a' + 'A');
	return sbuf_detach(&b, NULL);
}

/* The properties kith reads back, and where each goes. */
static const struct {
	const char *name;
	size_t offset;
	enum value_kind kind;
} ical_props[] = {
	{"UID", offsetof(struct ical_read, uid), VALUE_TEXT},
	{"SUMMARY", offsetof(struct ical_read, summary), VALUE_TEXT},
	{"DESCRIPTION", offsetof(struct ical_read, description), VALUE_TEXT},
	{"STATUS", offsetof(struct ical_read, status), VALUE_UPPER},
	{"COMPLETED", offsetof(struct ical_read, completed), VALUE_PLAIN},
	{"X-KITH-CARD", offsetof(struct ical_read, card), VALUE_TEXT},
};

/* A property of the component; the first of each name counts. */
static void take_prop(struct ical_read *r, const struct cline *c)
{
	for (size_t i = 0; i < sizeof ical_props / sizeof ical_props[0]; i++) {
		char **slot = (char **)((char *)r + ical_props[i].offset);

		if (!name_is(c->name, c->nname, ical_props[i].name))
			continue;
		if (!*slot)
			*slot = read_value(c->value, c->nvalue, ical_props[i].kind);
		return;
	}
}

/* ---- reading: components ---- */

static int on_begin(struct reader *rd, struct ical_read *r,
		    const struct cline *c, struct kerr *err)
{
	struct comp *top;

	if (rd->depth == ICAL_DEPTH_MAX) {
		kerr_set(err, "calendar object: components nested deeper than %d (line %zu)",
			 ICAL_DEPTH_MAX, rd->start);
		return -1;
	}
	top = &rd->stack[rd->depth];
	comp_name(c->value, c->nvalue, top->name);
	top->line = rd->start;
	if (rd->depth == 0 && strcmp(top->name, "VCALENDAR") != 0) {
		kerr_set(err, "calendar object: BEGIN:%s outside a VCALENDAR (line %zu)",
			 top->name, rd->start);
		return -1;
	}
	rd->depth++;
	rd->calendar = 1;
	/* The first VEVENT or VTODO of the VCALENDAR itself; VTIMEZONE and the rest are not kith's. */
	if (rd->depth == 2 && !rd->found &&
	    (!strcmp(top->name, "VEVENT") || !strcmp(top->name, "VTODO"))) {
		rd->found = rd->inside = 1;
		r->todo = !strcmp(top->name, "VTODO");
	}
	return 0;
}

/* 1 when the VCALENDAR closed, 0 for another END, -1 for one that closes nothing open. */
static int on_end(struct reader *rd, const struct cline *c, struct kerr *err)
{
	char name[ICAL_NAME_MAX];
	int i;

	comp_name(c->value, c->nvalue, name);
	for (i = rd->depth - 1; i >= 0; i--)
		if (!strcmp(rd->stack[i].name, name))
			break;
	if (i < 0) {
		kerr_set(err, "calendar object: END:%s without BEGIN (line %zu)",
			 name, rd->start);
		return -1;
	}
	if (i < rd->depth - 1) {
		/* It closes an outer component: the inner one never ended. */
		kerr_set(err, "calendar object: BEGIN:%s without END (line %zu)",
			 rd->stack[rd->depth - 1].name, rd->stack[rd->depth - 1].line);
		return -1;
	}
	rd->depth--;
	if (rd->depth == 1)
		rd->inside = 0;
	return rd->depth == 0;
}

/* 1 when the VCALENDAR closed, 0 to go on, -1 on an error. */
static int on_line(struct reader *rd, struct ical_read *r, struct kerr *err)
{
	struct cline c;

	/* A line with no colon (a blank line at the end, say) carries nothing. */
	if (split_line(rd->line.buf, rd->line.len, &c) < 0)
		return 0;
	if (name_is(c.name, c.nname, "BEGIN"))
		return on_begin(rd, r, &c, err);
	if (name_is(c.name, c.nname, "END"))
		return on_end(rd, &c, err);
	if (rd->inside && rd->depth == 2)
		take_prop(r, &c);
	return 0;
}

/* The whole text's limits, before a line is read. */
static int check_text(const char *text, size_t len, struct kerr *err)
{
	const char *nul;
	size_t line = 1;

	if (len > ICAL_OBJECT_MAX) {
		kerr_set(err, "calendar object: %zu bytes, more than the %d kith reads",
			 len, ICAL_OBJECT_MAX);
		return -1;
	}
	nul = len ? memchr(text, '\0', len) : NULL;
	if (!nul)
		return 0;
	for (const char *p = text; p < nul; p++)
		line += *p == '\n';
	kerr_set(err, "calendar object: a NUL byte (line %zu)", line);
	return -1;
}

static int read_lines(struct reader *rd, struct ical_read *r, struct kerr *err)
{
	int rc = 0;

	/* What follows the first VCALENDAR's END is not read. */
	while (rc == 0 && next_line(rd))
		rc = on_line(rd, r, err);
	if (rc < 0)
		return -1;
	if (rd->depth > 0) {
		kerr_set(err, "calendar object: BEGIN:%s without END (line %zu)",
			 rd->stack[rd->depth - 1].name, rd->stack[rd->depth - 1].line);
		return -1;
	}
	if (!rd->calendar) {
		kerr_set(err, "calendar object: no BEGIN:VCALENDAR");
		return -1;
	}
	if (!rd->found) {
		kerr_set(err, "calendar object: no VEVENT or VTODO in the VCALENDAR");
		return -1;
	}
	return 0;
}

int ical_read(const char *text, size_t len, struct ical_read *r,
	      struct kerr *err)
{
	struct reader rd;
	int rc;

	memset(r, 0, sizeof *r);
	if (!text)
		len = 0;
	if (check_text(text, len, err) < 0)
		return -1;
	/* RFC 5545 has no byte order mark, but some exporters write one first. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	memset(&rd, 0, sizeof rd);
	rd.p = text;
	rd.end = text + len;
	rc = read_lines(&rd, r, err);
	sbuf_free(&rd.line);
	return rc;
}

void ical_read_free(struct ical_read *r)
{
	if (!r)
		return;
	free(r->uid);
	free(r->summary);
	free(r->description);
	free(r->status);
	free(r->completed);
	free(r->card);
	memset(r, 0, sizeof *r);
}

/* ---- dates ---- */

/* The number in s[0..n), all digits; -1 when one is not. */
static int digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The local date at a UTC time: localtime_r knows the zone's rules, mktime is not needed. */
static int local_day(long utc_day, int h, int mi, int s, long *day)
{
	time_t t = (time_t)utc_day * 86400 + h * 3600 + mi * 60 + s;
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return -1;
	*day = date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return 0;
}

int ical_day(const char *value, long *day)
{
	int y, m, d, h = 0, mi = 0, s = 0;
	size_t n;

	if (!value)
		return -1;
	n = strlen(value);
	if (n != 8 && n != 15 && n != 16)
		return -1;
	y = digits(value, 4);
	m = digits(value + 4, 2);
	d = digits(value + 6, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > date_month_len(y, m))
		return -1;
	if (n > 8) {
		if (value[8] != 'T' && value[8] != 't')
			return -1;
		h = digits(value + 9, 2);
		mi = digits(value + 11, 2);
		/* RFC 5545 3.3.12: a second of 60 is a leap second. */
		s = digits(value + 13, 2);
		if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
			return -1;
	}
	if (n == 16 && value[15] != 'Z' && value[15] != 'z')
		return -1;
	if (n == 16)
		return local_day(date_from_ymd(y, m, d), h, mi, s, day);
	*day = date_from_ymd(y, m, d);
	return 0;
}
