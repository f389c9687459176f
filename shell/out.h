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
