/*
 * ical.h: the iCalendar objects kith writes on the user's calendar
 * (RFC 5545), and what it reads back of them.
 *
 * Pure text work: no network, no terminal, no cache. Writing escapes
 * TEXT values (backslash, semicolon, comma, newline), folds lines at 75
 * octets without splitting a UTF-8 sequence, and ends every line with
 * CRLF. Reading unfolds, unescapes and bounds everything it returns: the
 * text came from a server and is hostile until checked.
 */
#ifndef KITH_ICAL_H
#define KITH_ICAL_H

#include <stddef.h>
#include <time.h>

#include "util.h"

/* Longest object ical_read accepts, and longest value it returns. */
#define ICAL_OBJECT_MAX (1 << 20)
#define ICAL_VALUE_MAX 8192

/*
 * What one object holds. Days are day numbers (date.h); times are UTC
 * seconds since the epoch.
 */
struct ical_object {
	int todo;		/* 0: an all-day VEVENT on day; 1: a VTODO due on day */
	const char *uid;	/* kith's own: "kith-..." */
	long day;
	const char *summary;
	const char *description;	/* may hold newlines */
	const char *card;	/* X-KITH-CARD: the person's card (a todo), or NULL */
	time_t stamp;		/* DTSTAMP (and LAST-MODIFIED) */
	time_t alarm;		/* absolute DISPLAY alarm (TRIGGER;VALUE=DATE-TIME, UTC); 0 for none */
};

/*
 * The whole VCALENDAR (VERSION 2.0, a PRODID of kith's, CALSCALE) holding
 * o as its one component: an all-day event has DTSTART;VALUE=DATE and
 * DTEND;VALUE=DATE the day after, TRANSP:TRANSPARENT; a todo has
 * DUE;VALUE=DATE and STATUS:NEEDS-ACTION. The alarm, when set, is a
 * VALARM with ACTION:DISPLAY, a DESCRIPTION (the summary) and an absolute
 * TRIGGER; never an ATTENDEE. The caller frees the text.
 *
 * Every string (NULL reads as empty) is cleaned before it is escaped:
 * invalid UTF-8 becomes U+FFFD, a CR goes, a newline stays only in the
 * description (elsewhere it is a space, as is any other control: C0, DEL,
 * C1). A day or time outside the years 0001-9999 is clamped to them, so
 * no input gives an invalid object; the same input gives the same text.
 */
char *ical_write(const struct ical_object *o, size_t *len);

/*
 * Appends value (NULL: nothing) escaped as RFC 5545 TEXT, no folding:
 * backslash, semicolon and comma get a backslash, a newline is "\n", a CR
 * goes, invalid UTF-8 becomes U+FFFD, another control a space.
 */
void ical_escape(struct sbuf *b, const char *value);

/*
 * What kith reads back of an object on the server: the first VEVENT or
 * VTODO of a VCALENDAR, its properties outside any VALARM. Strings are
 * unescaped, valid UTF-8 with no control character but newline (others
 * become a space), at most ICAL_VALUE_MAX bytes; NULL when absent.
 */
struct ical_read {
	int todo;		/* the component is a VTODO */
	char *uid;
	char *summary;
	char *description;
	char *status;		/* "COMPLETED", "NEEDS-ACTION", ... (upper-cased) */
	char *completed;	/* COMPLETED as written (a DATE-TIME) */
	char *card;		/* X-KITH-CARD */
};

/*
 * Parses text (len bytes, not necessarily NUL-terminated) into r (zeroed
 * first). 0, or -1 with err saying why (no VCALENDAR, no VEVENT or VTODO,
 * over ICAL_OBJECT_MAX, a NUL byte, unbalanced BEGIN/END, components
 * nested deeper than 16), as "calendar object: BEGIN:VTODO without END
 * (line 7)"; r is to be freed either way. What follows the first
 * VCALENDAR's END is not read.
 */
int ical_read(const char *text, size_t len, struct ical_read *r,
	      struct kerr *err);
void ical_read_free(struct ical_read *r);

/*
 * The local day (date.h day number) of a DATE-TIME or DATE value:
 * "20261204T101500Z" is UTC, converted with the local time zone;
 * "20261204T101500" (floating) and "20261204" are that date; a TZID
 * parameter is not seen here, so a time with one is taken as floating.
 * 0, or -1 when value is none of these or no real date.
 */
int ical_day(const char *value, long *day);

#endif
