/*
 * fuzz_ical.c: libFuzzer target for the iCalendar reader and writer.
 *
 * Invariants: ical_read never crashes, and every string it returns is
 * bounded, valid UTF-8 with no control but newline; ical_day accepts only
 * real dates. Whatever was read, written again as kith's object, gives
 * lines of at most 75 octets, each valid UTF-8, that read back to the same
 * values, and writing those again gives the same text. The raw input as a
 * summary and description writes an object that reads too.
 */
#include "date.h"
#include "ical.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant that does not hold is a crash, with its line for triage. */
#define check(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_ical.c:%d: %s\n", __LINE__, #cond); \
		abort(); \
	} \
} while (0)

static int clean(const char *s)
{
	size_t n, k;
	long cp;

	if (!s)
		return 1;
	n = strlen(s);
	if (n > ICAL_VALUE_MAX)
		return 0;
	for (; n; s += k, n -= k) {
		k = str_utf8_next(s, n, &cp);
		if (cp < 0 || (cp < 0x20 && cp != '\n') || (cp >= 0x7f && cp < 0xa0))
			return 0;
	}
	return 1;
}

/* Every physical line ends with CRLF, is at most 75 octets and UTF-8 alone. */
static int lines_ok(const char *t, size_t n)
{
	const char *p = t, *end = t + n, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl || nl == p || nl[-1] != '\r')
			return 0;
		if (nl - 1 - p > 75 || !str_utf8_valid(p, (size_t)(nl - 1 - p)))
			return 0;
		if (memchr(p, '\r', (size_t)(nl - 1 - p)))
			return 0;
		p = nl + 1;
	}
	return 1;
}

/* s with each newline a space: what a one-line property keeps of it. */
static char *one_line(const char *s)
{
	char *o = xstrdup(s ? s : "");

	for (char *p = o; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return o;
}

static void check_day(const char *v)
{
	long day;
	int y, m, d;

	if (!v || ical_day(v, &day) < 0)
		return;
	date_ymd(day, &y, &m, &d);
	/* A UTC time may fall a day outside the years 1..9999 locally. */
	check(y >= 0 && y <= 10000);
}

/* Writes what was read, reads it back, and writes it again. */
static void rewrite(const struct ical_read *r)
{
	struct ical_object o = {0};
	struct ical_read back;
	struct kerr err;
	char *t, *t2, *want;
	size_t n, n2;

	o.todo = r->todo;
	o.uid = r->uid;
	o.day = 20791;
	o.summary = r->summary;
	o.description = r->description;
	o.card = r->card;
	o.stamp = 1796380200;
	o.alarm = r->todo ? 0 : 1796383800;
	t = ical_write(&o, &n);
	check(lines_ok(t, n));
	check(ical_read(t, n, &back, &err) == 0);
	check(back.todo == r->todo);
	want = one_line(r->summary);
	check(strcmp(back.summary, want) == 0);
	free(want);
	want = one_line(r->uid);
	check(strcmp(back.uid, want) == 0);
	free(want);
	check((!r->description || !*r->description) ? !back.description
		: strcmp(back.description, r->description) == 0);
	want = one_line(r->card);
	check(!*want ? !back.card : back.card && strcmp(back.card, want) == 0);
	free(want);
	o.uid = back.uid;
	o.summary = back.summary;
	o.description = back.description;
	o.card = back.card;
	t2 = ical_write(&o, &n2);
	check(n2 == n && memcmp(t, t2, n) == 0);
	free(t2);
	ical_read_free(&back);
	free(t);
}

/* The raw bytes (to a NUL, at most 2000) as summary and description. */
static void write_raw(const uint8_t *data, size_t size)
{
	struct ical_object o = {0};
	struct ical_read back;
	struct kerr err;
	char *s = xstrndup((const char *)data, size < 2000 ? size : 2000), *t;
	size_t n;

	o.uid = s;
	o.day = (long)size * 977 - 400000;
	o.summary = s;
	o.description = s;
	o.card = s;
	o.stamp = (time_t)size * 100003;
	o.alarm = (time_t)size * -7;
	t = ical_write(&o, &n);
	check(lines_ok(t, n));
	check(ical_read(t, n, &back, &err) == 0);
	check(clean(back.summary) && clean(back.description));
	ical_read_free(&back);
	free(t);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ical_read r;
	struct kerr err;

	if (ical_read((const char *)data, size, &r, &err) == 0) {
		check(clean(r.uid) && clean(r.summary) && clean(r.description) &&
		      clean(r.status) && clean(r.completed) && clean(r.card));
		check_day(r.uid);
		check_day(r.completed);
		rewrite(&r);
	} else {
		check(strncmp(err.msg, "calendar object: ", 17) == 0);
	}
	ical_read_free(&r);
	write_raw(data, size);
	return 0;
}
