/*
 * out.h: output for people: terminal width, UTF-8 aware columns, colour,
 * and a small JSON writer.
 */
#ifndef KITH_OUT_H
#define KITH_OUT_H

#include <stddef.h>

#include "util.h"

/* The width of stdout when it is a terminal, else COLUMNS, else 100. */
int out_columns(void);
/* The height of stdout when it is a terminal, else 0. */
int out_rows(void);
/*
 * Whether cells are cut to fit (with "…"): on a terminal, or when COLUMNS
 * is set. Off a terminal (a pipe, a file) out_cell never cuts: the data
 * goes out whole.
 */
int out_cut(void);

/*
 * Display width of s: one column per character, two for East Asian wide
 * characters and emoji, none for combining marks. Invalid bytes count one.
 */
size_t out_width(const char *s);

/*
 * Appends s to b cut to at most width columns (ending in "…" when cut,
 * and only when out_cut() says so) and padded with spaces to exactly
 * width when pad is set.
 */
void out_cell(struct sbuf *b, const char *s, size_t width, int pad);

/*
 * A table: columns measured once with out_width, padded with out_cell,
 * two spaces apart, the last column never padded. On a terminal too
 * narrow for the natural widths (and only when out_cut() would cut), the
 * columns that may give way do, in this order:
 *
 *  1. Shares: a column with a share gets at most that part of the room
 *     the giving columns have (the width less the fixed columns and the
 *     gaps); the shrinking columns take what is left less the margin.
 *     If one comes out narrower than its give, or a share column
 *     narrower than its drop, the share columns go and the shrinking ones
 *     take the whole room, at least least wide.       (list: EMAIL, NAME)
 *  2. A fill column: the shrinking columns give way down to give so that
 *     it keeps want columns, then down to least so that it keeps need.
 *                                                     (queue: NAME)
 *
 * A fill column takes the rest of the line, cut to it (at least min) on a
 * terminal and whole in a pipe; a free column is written whole with
 * out_text, never measured or cut.
 */
enum out_fit {
	OUT_FIT,		/* as wide as its widest cell (the default) */
	OUT_FILL,		/* the rest of the line; the last column */
	OUT_FREE,		/* whole, unmeasured; the last column */
};

/* part/of of a width: {2, 5} is two fifths; {0, 0} is none. */
struct out_frac {
	unsigned part, of;
};

struct out_col {
	const char *head;	/* a header line when any column has one */
	enum out_fit fit;
	int right;		/* aligned right */
	size_t min;		/* at least this wide (a fill: cut no narrower) */
	size_t max;		/* at most this wide (0: no limit), even piped */
	struct out_frac cap;	/* at most this part of the width, even piped */
	/* Giving way on a narrow terminal (0: never), as above. */
	size_t give, least;	/* a shrinking column */
	struct out_frac share;	/* a share column... */
	size_t drop;		/* ...goes when narrower than this */
	size_t want, need;	/* a fill column */
};

struct out_table_cell {
	char *text;		/* owned by the table */
	const char *color;	/* not owned: a constant such as OUT_RED */
	int span;		/* the rest of the row, written whole */
};

/*
 * Rows are added a cell at a time, left to right; a row ends after its
 * last column or a span. The columns stay the caller's and must outlive
 * the table.
 */
struct out_table {
	const struct out_col *cols;
	size_t ncols;
	size_t indent;		/* spaces before each line */
	size_t margin;		/* columns left free when giving way (1.) */
	const char *head_color;	/* around the header line, or NULL */
	struct out_table_cell *cells;	/* ncols a row */
	size_t nrows, col, alloc;
};

void out_table_init(struct out_table *t, const struct out_col *cols,
		    size_t ncols);
/* The next cell: text (copied; NULL is "") in colour (NULL or "": none). */
void out_table_add(struct out_table *t, const char *text, const char *color);
/* Text for the rest of the current row, across the columns left. */
void out_table_span(struct out_table *t, const char *text);
/*
 * Appends the table laid out for width columns, cutting cells (with "…")
 * when cut is set: out_columns() and out_cut() for stdout.
 */
void out_table_render(const struct out_table *t, struct sbuf *b, size_t width,
		      int cut);
void out_table_free(struct out_table *t);	/* accepts NULL */

/*
 * Appends s for a terminal: newlines kept, other control characters (an
 * escape sequence in a card from a server) become spaces, invalid UTF-8
 * becomes U+FFFD.
 */
void out_text(struct sbuf *b, const char *s);

/*
 * Appends text with every line wider than width broken at spaces (a word
 * wider than a line is left whole), its next parts indented under the
 * line's last column (after its last two-space gap) or two past its
 * indent. Colour sequences take no columns.
 */
void out_wrap(struct sbuf *out, const char *text, size_t width);

/* ANSI colour codes, or "" when colour is off. */
#define OUT_RED "\033[31m"
#define OUT_YELLOW "\033[33m"
#define OUT_BOLD "\033[1m"
#define OUT_DIM "\033[2m"
#define OUT_RESET "\033[0m"

/*
 * JSON text. Strings are written as valid JSON whatever the bytes:
 * quotes, backslashes and control characters are escaped, UTF-8 is kept,
 * and invalid UTF-8 becomes U+FFFD.
 */
void json_str(struct sbuf *b, const char *s);	/* NULL writes null */
/* "key": and a separating comma when needed; *first tracks the object. */
void json_key(struct sbuf *b, int *first, const char *key);
void json_kv_str(struct sbuf *b, int *first, const char *key, const char *s);
void json_kv_int(struct sbuf *b, int *first, const char *key, long v);
void json_kv_null(struct sbuf *b, int *first, const char *key);
void json_kv_bool(struct sbuf *b, int *first, const char *key, int v);
/* An array of strings from a strv. */
void json_kv_strv(struct sbuf *b, int *first, const char *key,
		  const struct strv *l);

#endif
