#include "out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* COLUMNS as a width (20 to 10,000), or 0 when unset or not a number. */
static int env_columns(void)
{
	const char *v = getenv("COLUMNS");
	char *end;
	long n;

	if (!v || !*v)
		return 0;
	n = strtol(v, &end, 10);
	return *end == '\0' && n >= 20 && n <= 10000 ? (int)n : 0;
}

int out_columns(void)
{
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0)
		return ws.ws_col;
	if (env_columns())
		return env_columns();
	return 100;
}

int out_rows(void)
{
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		return ws.ws_row;
	return 0;
}

int out_cut(void)
{
	static int cut = -1;

	if (cut < 0)
		cut = isatty(STDOUT_FILENO) || env_columns() > 0;
	return cut;
}

/*
 * One UTF-8 character at s (s[0] != 0): its length, and the code point in
 * *cp or -1. The string ends in NUL, which no continuation byte matches,
 * so four bytes of room are never read past it.
 */
static size_t u8_next(const char *s, long *cp)
{
	return str_utf8_next(s, 4, cp);
}

/*
 * Columns a code point takes on a terminal; a short table, not wcwidth().
 * The combining blocks are U+0300, U+1AB0, U+1DC0, U+20D0 and U+FE20
 * (glibc 2.36's wcwidth() agrees on every one); marks inside a script's
 * own block (Hebrew, Devanagari...) still count one.
 */
static int cp_width(long c)
{
	if (c < 0)
		return 1;
	if ((c >= 0x300 && c <= 0x36f) || (c >= 0x1ab0 && c <= 0x1aff) ||
	    (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) ||
	    c == 0x200b || c == 0x200d || (c >= 0xfe00 && c <= 0xfe0f) ||
	    (c >= 0xfe20 && c <= 0xfe2f))
		return 0;
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	    (c >= 0x1f680 && c <= 0x1f6ff) || (c >= 0x1f900 && c <= 0x1f9ff) ||
	    (c >= 0x1fa70 && c <= 0x1faff) || (c >= 0x20000 && c <= 0x3fffd))
		return 2;
	return 1;
}

size_t out_width(const char *s)
{
	size_t w = 0;
	long c;

	while (*s) {
		s += u8_next(s, &c);
		w += (size_t)cp_width(c);
	}
	return w;
}

/* Control and bidi characters never reach the terminal raw (util.h). */
static int cp_control(long c)
{
	return term_unsafe(c);
}

void out_text(struct sbuf *b, const char *s)
{
	size_t n;
	long c;

	if (!s)
		return;
	while (*s) {
		n = u8_next(s, &c);
		if (c == '\n')
			sbuf_addc(b, '\n');
		else if (cp_control(c))
			sbuf_addc(b, ' ');
		else if (c < 0)
			sbuf_adds(b, "\xef\xbf\xbd");
		else
			sbuf_add(b, s, n);
		s += n;
	}
}

void out_cell(struct sbuf *b, const char *s, size_t width, int pad)
{
	size_t w = 0, limit, n;
	int cut, cw;
	long c;

	if (!s)
		s = "";
	cut = out_width(s) > width;
	if (cut && !out_cut()) {
		/* Off a terminal the data goes out whole; the column just widens. */
		width = out_width(s);
		cut = 0;
	}
	limit = cut ? (width > 0 ? width - 1 : 0) : width;
	while (*s) {
		n = u8_next(s, &c);
		cw = cp_width(c);
		if (w + (size_t)cw > limit)
			break;
		/* Control characters (newlines too) never reach the terminal raw. */
		if (cp_control(c))
			sbuf_addc(b, ' ');
		else if (c < 0)
			sbuf_adds(b, "\xef\xbf\xbd");
		else
			sbuf_add(b, s, n);
		w += (size_t)cw;
		s += n;
	}
	if (cut && width > 0) {
		sbuf_adds(b, "\xe2\x80\xa6");
		w++;
	}
	while (pad && w < width) {
		sbuf_addc(b, ' ');
		w++;
	}
}

void json_str(struct sbuf *b, const char *s)
{
	size_t n;
	long c;

	if (!s) {
		sbuf_adds(b, "null");
		return;
	}
	sbuf_addc(b, '"');
	while (*s) {
		n = u8_next(s, &c);
		if (c < 0)
			sbuf_adds(b, "\xef\xbf\xbd");
		else if (c == '"')
			sbuf_adds(b, "\\\"");
		else if (c == '\\')
			sbuf_adds(b, "\\\\");
		else if (c == '\n')
			sbuf_adds(b, "\\n");
		else if (c == '\r')
			sbuf_adds(b, "\\r");
		else if (c == '\t')
			sbuf_adds(b, "\\t");
		else if (term_unsafe(c))
			sbuf_addf(b, "\\u%04lx", c);
		else
			sbuf_add(b, s, n);
		s += n;
	}
	sbuf_addc(b, '"');
}

void json_key(struct sbuf *b, int *first, const char *key)
{
	if (!*first)
		sbuf_addc(b, ',');
	*first = 0;
	json_str(b, key);
	sbuf_addc(b, ':');
}

void json_kv_str(struct sbuf *b, int *first, const char *key, const char *s)
{
	json_key(b, first, key);
	json_str(b, s);
}

void json_kv_int(struct sbuf *b, int *first, const char *key, long v)
{
	json_key(b, first, key);
	sbuf_addf(b, "%ld", v);
}

void json_kv_null(struct sbuf *b, int *first, const char *key)
{
	json_key(b, first, key);
	sbuf_adds(b, "null");
}

void json_kv_bool(struct sbuf *b, int *first, const char *key, int v)
{
	json_key(b, first, key);
	sbuf_adds(b, v ? "true" : "false");
}

void json_kv_strv(struct sbuf *b, int *first, const char *key,
		  const struct strv *l)
{
	size_t i;

	json_key(b, first, key);
	sbuf_addc(b, '[');
	for (i = 0; i < l->n; i++) {
		if (i)
			sbuf_addc(b, ',');
		json_str(b, l->v[i]);
	}
	sbuf_addc(b, ']');
}

/* Columns of s[0..n) on a terminal, CSI sequences (colours) taking none. */
static size_t span_width(const char *s, size_t n)
{
	size_t w = 0, i = 0;
	long c;

	while (i < n) {
		if (s[i] == '\033' && i + 1 < n && s[i + 1] == '[') {
			i += 2;
			while (i < n && !(s[i] >= 0x40 && s[i] <= 0x7e))
				i++;
			i++;
			continue;
		}
		i += u8_next(s + i, &c);
		w += c < 0 ? 1 : (size_t)cp_width(c);
	}
	return w;
}

/*
 * Where a wrapped line's next part starts: under the last column of the
 * line (after the last run of two spaces in its first width columns), so
 * that a note wraps under the note; else two past the line's indent.
 */
static size_t hang_of(const char *line, size_t n, size_t width)
{
	size_t i, lead = strspn(line, " "), col = 0, hang = 0;

	if (lead > n)
		lead = n;
	for (i = lead; i + 1 < n && span_width(line, i + 2) <= width; i++)
		if (line[i] == ' ' && line[i + 1] == ' ' && line[i + 2] != ' ')
			col = span_width(line, i + 2);
	hang = col ? col : lead + 2;
	return hang < width / 2 ? hang : lead;
}

void out_wrap(struct sbuf *out, const char *text, size_t width)
{
	const char *line = text;

	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line), hang, pos = 0;
		int first = 1;

		if (width < 20 || span_width(line, n) <= width) {
			sbuf_add(out, line, n);
		} else {
			hang = hang_of(line, n, width);
			while (pos < n) {
				size_t room = first ? width : width - hang, end = pos, brk = 0;

				size_t gap = 0;

				/* The longest run of whole words that fits... */
				while (end < n && span_width(line + pos, end - pos + 1) <= room) {
					end++;
					if (end < n && line[end] == ' ')
						brk = end;
					if (end + 1 < n && line[end] == ' ' && line[end + 1] == ' ')
						gap = end;
				}
				/* ...ending at a column gap when one is far enough in
				 * ("+55 99 495 0158" stays whole). */
				if (end < n && gap > pos + room / 3)
					brk = gap;
				if (end < n && brk > pos)
					end = brk;
				else if (end < n)	/* one word wider than the line */
					while (end < n && line[end] != ' ')
						end++;
				if (!first) {
					size_t k;

					sbuf_addc(out, '\n');
					for (k = 0; k < hang; k++)
						sbuf_addc(out, ' ');
				}
				sbuf_add(out, line + pos, end - pos);
				pos = end;
				while (pos < n && line[pos] == ' ')
					pos++;
				first = 0;
			}
		}
		if (!eol)
			break;
		sbuf_addc(out, '\n');
		line = eol + 1;
	}
}
