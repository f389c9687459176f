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

/* out_cell, cutting only when cut is set. */
static void cell_put(struct sbuf *b, const char *s, size_t width, int pad,
		     int cut_ok)
{
	size_t w = 0, limit, n;
	int cut, cw;
	long c;

	if (!s)
		s = "";
	cut = out_width(s) > width;
	if (cut && !cut_ok) {
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

void out_cell(struct sbuf *b, const char *s, size_t width, int pad)
{
	cell_put(b, s, width, pad, out_cut());
}

/* ---- tables ---------------------------------------------------------- */

void out_table_init(struct out_table *t, const struct out_col *cols,
		    size_t ncols)
{
	memset(t, 0, sizeof *t);
	t->cols = cols;
	t->ncols = ncols;
}

static struct out_table_cell *next_cell(struct out_table *t)
{
	if (t->col == 0) {
		if (t->nrows == t->alloc) {
			t->alloc = t->alloc ? 2 * t->alloc : 16;
			t->cells = xrealloc(t->cells, t->alloc * t->ncols *
					    sizeof *t->cells);
		}
		memset(t->cells + t->nrows * t->ncols, 0,
		       t->ncols * sizeof *t->cells);
		t->nrows++;
	}
	return &t->cells[(t->nrows - 1) * t->ncols + t->col];
}

void out_table_add(struct out_table *t, const char *text, const char *color)
{
	struct out_table_cell *c = next_cell(t);

	c->text = xstrdup(text ? text : "");
	c->color = color;
	t->col = (t->col + 1) % t->ncols;
}

void out_table_span(struct out_table *t, const char *text)
{
	struct out_table_cell *c = next_cell(t);

	c->text = xstrdup(text ? text : "");
	c->span = 1;
	t->col = 0;
}

void out_table_free(struct out_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].text);
	free(t->cells);
	memset(t, 0, sizeof *t);
}

static size_t frac_of(struct out_frac f, size_t n)
{
	return f.of ? n * f.part / f.of : n;
}

/* Whether a column gives way on a narrow terminal. */
static int col_gives(const struct out_col *c)
{
	return c->fit == OUT_FIT && (c->give || c->share.of);
}

/* The widths the table is laid out with; on[i] clear for a dropped column. */
struct table_plan {
	size_t *w, *nat, fill;
	unsigned char *on;
	size_t last;		/* the last column shown */
};

/* The width less the indent, the gaps and the columns that keep their width. */
static long room_of(const struct out_table *t, const struct table_plan *p,
		    size_t width)
{
	long room = (long)width - (long)t->indent;
	size_t i, n = 0;

	for (i = 0; i < t->ncols; i++) {
		if (!p->on[i])
			continue;
		if (n++)
			room -= 2;
		if (t->cols[i].fit == OUT_FIT && !col_gives(&t->cols[i]))
			room -= (long)p->w[i];
	}
	return room;
}

/* What the giving columns take, in (width) terms of the room they have. */
static long giving_sum(const struct out_table *t, const struct table_plan *p)
{
	long sum = 0;
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (p->on[i] && col_gives(&t->cols[i]))
			sum += (long)p->w[i];
	return sum;
}

/* Step 1: share columns take their part, or go (see out.h). */
static void give_shares(const struct out_table *t, struct table_plan *p,
			size_t width)
{
	long room = room_of(t, p, width), x;
	size_t i;
	int drop = 0;

	room = room > 0 ? room : 0;
	x = room - (long)t->margin;
	for (i = 0; i < t->ncols; i++) {
		const struct out_col *c = &t->cols[i];

		if (!p->on[i] || !c->share.of)
			continue;
		if (p->w[i] > frac_of(c->share, (size_t)room))
			p->w[i] = frac_of(c->share, (size_t)room);
		x -= (long)p->w[i];
		drop |= p->w[i] < c->drop;
	}
	for (i = 0; i < t->ncols; i++) {
		const struct out_col *c = &t->cols[i];

		if (!p->on[i] || !c->give || c->share.of)
			continue;
		if ((long)p->w[i] > (x > 0 ? x : 0))
			p->w[i] = x > 0 ? (size_t)x : 0;
		x -= (long)p->w[i];
		drop |= p->w[i] < c->give;
	}
	if (!drop)
		return;
	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].share.of)
			p->on[i] = 0;
	room = room_of(t, p, width);
	x = (room > 0 ? room : 0) - (long)t->margin;
	for (i = 0; i < t->ncols; i++) {
		const struct out_col *c = &t->cols[i];

		if (!p->on[i] || !c->give)
			continue;
		p->w[i] = p->nat[i] < (size_t)(x > 0 ? x : 0) ? p->nat[i] :
			  (size_t)(x > 0 ? x : 0);
		if (p->w[i] < c->least)
			p->w[i] = c->least;
		x -= (long)p->w[i];
	}
}

/* The shrinking columns give up to over columns, none below its floor. */
static void give_way(const struct out_table *t, struct table_plan *p, long over,
		     int least)
{
	size_t i;

	for (i = 0; over > 0 && i < t->ncols; i++) {
		const struct out_col *c = &t->cols[i];
		size_t floor = least ? c->least : c->give, take;

		if (!p->on[i] || !c->give || c->share.of || p->w[i] <= floor)
			continue;
		take = p->w[i] - floor < (size_t)over ? p->w[i] - floor :
		       (size_t)over;
		p->w[i] -= take;
		over -= (long)take;
	}
}

static void plan_widths(const struct out_table *t, struct table_plan *p,
			size_t width, int cut)
{
	const struct out_col *fill = NULL;
	long room, used;
	size_t i, r;
	int shares = 0;

	for (i = 0; i < t->ncols; i++) {
		const struct out_col *c = &t->cols[i];
		size_t w = c->min;

		p->on[i] = 1;
		if (c->fit == OUT_FILL)
			fill = c;
		if (c->fit != OUT_FIT)
			continue;
		shares |= c->share.of != 0;
		if (c->head && out_width(c->head) > w)
			w = out_width(c->head);
		for (r = 0; r < t->nrows; r++) {
			const struct out_table_cell *e = &t->cells[r * t->ncols + i];

			if (e->text && !e->span && out_width(e->text) > w)
				w = out_width(e->text);
		}
		if (c->max && w > c->max)
			w = c->max;
		if (c->cap.of && w > frac_of(c->cap, width))
			w = frac_of(c->cap, width);
		p->w[i] = p->nat[i] = w > c->min ? w : c->min;
	}
	room = room_of(t, p, width);
	if (cut && giving_sum(t, p) + (long)t->margin +
	    (long)(fill ? fill->want : 0) > room) {
		if (shares)
			give_shares(t, p, width);
		if (fill) {
			room = room_of(t, p, width) - (long)t->margin;
			give_way(t, p, giving_sum(t, p) - (room - (long)fill->want), 0);
			give_way(t, p, giving_sum(t, p) - (room - (long)fill->need), 1);
		}
	}
	used = (long)t->indent;
	for (i = 0, r = 0; i < t->ncols; i++) {
		if (!p->on[i])
			continue;
		if (r++)
			used += 2;
		if (t->cols[i].fit == OUT_FIT)
			used += (long)p->w[i];
		p->last = i;
	}
	p->fill = fill && (long)width - used > (long)fill->min ?
		  (size_t)((long)width - used) : fill ? fill->min : 0;
}

/* One cell of column c at width w; the last column is not padded. */
static void cell_out(struct sbuf *b, const struct out_col *c, const char *s,
		     size_t w, int last, int cut)
{
	struct sbuf tmp = {0};
	size_t n;

	if (c->fit == OUT_FREE) {
		out_text(b, s);
		return;
	}
	if (!c->right) {
		cell_put(b, s, w, !last, cut);
		return;
	}
	cell_put(&tmp, s, w, 0, cut);
	for (n = out_width(tmp.buf ? tmp.buf : ""); n < w; n++)
		sbuf_addc(b, ' ');
	if (tmp.buf)
		sbuf_adds(b, tmp.buf);
	sbuf_free(&tmp);
}

/* One line: the header's (row NULL) or a row's. */
static void line_out(const struct out_table *t, const struct table_plan *p,
		     struct sbuf *b, const struct out_table_cell *row, int cut)
{
	size_t i, n = 0;

	for (i = 0; i < t->indent; i++)
		sbuf_addc(b, ' ');
	for (i = 0; i < t->ncols; i++) {
		const struct out_col *c = &t->cols[i];
		const struct out_table_cell *e = row ? &row[i] : NULL;
		const char *s = row ? e->text : c->head;
		const char *color = e && e->color ? e->color : "";

		if (!p->on[i])
			continue;
		if (n++)
			sbuf_adds(b, "  ");
		if (e && e->span) {
			out_text(b, s);
			break;
		}
		sbuf_adds(b, color);
		cell_out(b, c, s ? s : "", c->fit == OUT_FILL ? p->fill : p->w[i],
			 i == p->last, cut);
		if (*color)
			sbuf_adds(b, OUT_RESET);
	}
	sbuf_addc(b, '\n');
}

void out_table_render(const struct out_table *t, struct sbuf *b, size_t width,
		      int cut)
{
	struct table_plan p;
	size_t i;
	int head = 0;

	p.w = xcalloc(t->ncols ? t->ncols : 1, sizeof *p.w);
	p.nat = xcalloc(t->ncols ? t->ncols : 1, sizeof *p.nat);
	p.on = xcalloc(t->ncols ? t->ncols : 1, sizeof *p.on);
	plan_widths(t, &p, width, cut);
	for (i = 0; i < t->ncols; i++)
		head |= t->cols[i].head != NULL;
	if (head) {
		sbuf_adds(b, t->head_color ? t->head_color : "");
		line_out(t, &p, b, NULL, cut);
		if (t->head_color && *t->head_color) {
			/* The reset goes before the newline, as it always has. */
			b->buf[--b->len] = '\0';
			sbuf_adds(b, OUT_RESET);
			sbuf_addc(b, '\n');
		}
	}
	for (i = 0; i < t->nrows; i++)
		line_out(t, &p, b, &t->cells[i * t->ncols], cut);
	free(p.w);
	free(p.nat);
	free(p.on);
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
