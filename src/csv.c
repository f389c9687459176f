/*
 * csv.c: RFC 4180 reading and writing (see csv.h).
 *
 * Spreadsheets differ at the edges of RFC 4180, and the reader takes what
 * they write: LF or CRLF (or an old Mac's CR) between records, a quote
 * inside an unquoted field (taken as a character, as Excel does), no
 * newline after the last record. What it refuses is what would put
 * something other than text in a card: invalid UTF-8 (a file saved as
 * Latin-1), control characters, and a quote that never closes.
 */
#include <string.h>

#include "csv.h"

void csv_init(struct csv_reader *r, const char *data, size_t len)
{
	r->p = data;
	r->end = data + len;
	r->line = 1;
	r->fatal = 0;
	r->sep = ',';
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		r->p += 3;
}

/* One field being read: its bytes (up to CSV_FIELD_MAX) and whether it overflowed. */
struct field {
	struct sbuf b;
	int too_long;
};

static void field_add(struct field *f, char c)
{
	if (f->b.len >= CSV_FIELD_MAX) {
		f->too_long = 1;
		return;
	}
	sbuf_addc(&f->b, c);
}

/* Whether p is at a record's end: CR, LF or the end of data. */
static int at_eol(const struct csv_reader *r)
{
	return r->p == r->end || *r->p == '\n' || *r->p == '\r';
}

/* Steps over one line break (CRLF, LF or CR). */
static void skip_eol(struct csv_reader *r)
{
	if (r->p < r->end && *r->p == '\r')
		r->p++;
	if (r->p < r->end && *r->p == '\n')
		r->p++;
	r->line++;
}

/*
 * A quoted field, r->p just past its opening quote. A line break inside
 * is kept as one "\n". 0, or -1 when the data ends before the quote
 * closes.
 */
static int read_quoted(struct csv_reader *r, struct field *f)
{
	while (r->p < r->end) {
		char c = *r->p;

		if (c == '"') {
			if (r->p + 1 < r->end && r->p[1] == '"') {
				field_add(f, '"');
				r->p += 2;
				continue;
			}
			r->p++;
			return 0;
		}
		if (c == '\r' || c == '\n') {
			skip_eol(r);
			field_add(f, '\n');
			continue;
		}
		field_add(f, c);
		r->p++;
	}
	return -1;
}

/* An unquoted field: up to the next comma or line break (f NULL: skipped). */
static void read_bare(struct csv_reader *r, struct field *f)
{
	while (!at_eol(r) && *r->p != r->sep) {
		if (f)
			field_add(f, *r->p);
		r->p++;
	}
}

/* Why field n (from 1) of s[0..len) cannot be text, into err; 0 when it can. */
static int field_check(const char *s, size_t len, size_t line, size_t n,
		       struct kerr *err)
{
	size_t off, k;
	long c;

	for (off = 0; off < len; off += k) {
		k = str_utf8_next(s + off, len - off, &c);
		if (c < 0) {
			kerr_set(err, "line %zu: field %zu is not valid UTF-8 (byte "
				 "%zu); save the file as UTF-8 (or convert it with "
				 "iconv)", line, n, off + 1);
			return -1;
		}
		/* As for arguments (shell/cmd.c): tab and newline are text, and so are the bidi marks. */
		if (c != '\t' && c != '\n' && term_unsafe(c) &&
		    (c < 0x2000 || c > 0x206f)) {
			kerr_set(err, "line %zu: field %zu has a control character "
				 "(U+%04lX at byte %zu)", line, n,
				 (unsigned long)c, off + 1);
			return -1;
		}
	}
	return 0;
}

/*
 * One field at r->p into fields (unless the record already has too
 * many). The record's first problem goes into err with *bad set; reading
 * goes on to the record's end either way. -1 only for an unclosed quote.
 */
static int next_field(struct csv_reader *r, struct strv *fields, int *bad,
		      struct kerr *err)
{
	struct field f = {{0}, 0};
	size_t line = r->line;
	int quoted = r->p < r->end && *r->p == '"';

	if (quoted) {
		r->p++;
		if (read_quoted(r, &f) < 0) {
			kerr_set(err, "line %zu: a quoted field opened here is never "
				 "closed", line);
			sbuf_free(&f.b);
			return -1;
		}
		if (!at_eol(r) && *r->p != r->sep && !*bad) {
			kerr_set(err, "line %zu: text after the closing quote of field "
				 "%zu (a quote inside a quoted field is written \"\")",
				 r->line, fields->n + 1);
			*bad = 1;
		}
	}
	/* After a bad closing quote, the rest up to the comma is skipped. */
	read_bare(r, quoted ? NULL : &f);
	if (f.too_long && !*bad) {
		kerr_set(err, "line %zu: field %zu is longer than %d bytes", line,
			 fields->n + 1, CSV_FIELD_MAX);
		*bad = 1;
	}
	if (!*bad && field_check(f.b.buf ? f.b.buf : "", f.b.len, line,
				 fields->n + 1, err) < 0)
		*bad = 1;
	if (fields->n >= CSV_FIELDS_MAX && !*bad) {
		kerr_set(err, "line %zu: more than %d fields", line, CSV_FIELDS_MAX);
		*bad = 1;
	}
	if (fields->n < CSV_FIELDS_MAX)
		strv_push_own(fields, f.b.buf ? sbuf_detach(&f.b, NULL) : xstrdup(""));
	else
		sbuf_free(&f.b);
	return 0;
}

enum csv_status csv_next(struct csv_reader *r, struct strv *fields,
			 size_t *line, struct kerr *err)
{
	int bad = 0;

	strv_free(fields);
	if (r->fatal)
		return CSV_END;
	while (r->p < r->end && (*r->p == '\n' || *r->p == '\r'))
		skip_eol(r);
	*line = r->line;
	if (r->p == r->end)
		return CSV_END;
	for (;;) {
		if (next_field(r, fields, &bad, err) < 0) {
			r->fatal = 1;
			strv_free(fields);
			return CSV_FATAL;
		}
		if (at_eol(r))
			break;
		r->p++;		/* the separator */
	}
	if (r->p < r->end)
		skip_eol(r);
	if (bad) {
		strv_free(fields);
		return CSV_BAD;
	}
	return CSV_ROW;
}

void csv_field(struct sbuf *b, const char *s, int first)
{
	size_t n;

	if (!first)
		sbuf_addc(b, ',');
	if (!s || !*s)
		return;
	n = strlen(s);
	/* A U+FEFF in front is quoted, or a reader would take it for a byte order mark. */
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && s[n - 1] != ' ' &&
	    !str_starts(s, "\xef\xbb\xbf")) {
		sbuf_add(b, s, n);
		return;
	}
	sbuf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			sbuf_addc(b, '"');
		sbuf_addc(b, *s);
	}
	sbuf_addc(b, '"');
}

void csv_row_end(struct sbuf *b)
{
	sbuf_adds(b, "\r\n");
}
