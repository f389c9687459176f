/*
 * fuzz_csv.c: libFuzzer target for the CSV reader and writer.
 *
 * Invariants: csv_next never crashes and always ends; every field it
 * returns is valid UTF-8 with no control character but tab and newline,
 * within CSV_FIELD_MAX bytes; a record written back with csv_field reads
 * as the same fields.
 */
#include "csv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_csv.c:%d: %s\n", __LINE__, #cond); \
		abort(); \
	} \
} while (0)

static void check_text(const char *s)
{
	size_t n = strlen(s), k;
	long c;

	check(n <= CSV_FIELD_MAX);
	for (; n; s += k, n -= k) {
		k = str_utf8_next(s, n, &c);
		check(c >= 0);
		check(c == '\t' || c == '\n' || !term_unsafe(c) ||
		      (c >= 0x2000 && c <= 0x206f));
	}
}

static void check_rewrite(const struct strv *f)
{
	struct sbuf b = {0};
	struct csv_reader r;
	struct strv back = {0};
	struct kerr err;
	size_t i, line;

	for (i = 0; i < f->n; i++)
		csv_field(&b, f->v[i], i == 0);
	csv_row_end(&b);
	csv_init(&r, b.buf, b.len);
	/* A record of one empty field writes an empty line, which reads as none. */
	if (f->n == 1 && !*f->v[0]) {
		check(csv_next(&r, &back, &line, &err) == CSV_END);
	} else {
		check(csv_next(&r, &back, &line, &err) == CSV_ROW);
		check(back.n == f->n);
		for (i = 0; i < f->n; i++)
			check(strcmp(back.v[i], f->v[i]) == 0);
		check(csv_next(&r, &back, &line, &err) == CSV_END);
	}
	strv_free(&back);
	sbuf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_reader r;
	struct strv f = {0};
	struct kerr err;
	size_t line, i, last = 0, rounds = 0;

	csv_init(&r, (const char *)data, size);
	for (;;) {
		enum csv_status st = csv_next(&r, &f, &line, &err);

		check(rounds++ <= size + 1);
		if (st == CSV_END)
			break;
		check(line >= last);
		last = line;
		if (st != CSV_ROW) {
			check(err.msg[0]);
			check(f.n == 0);
			continue;
		}
		check(f.n >= 1 && f.n <= CSV_FIELDS_MAX);
		for (i = 0; i < f.n; i++)
			check_text(f.v[i]);
		check_rewrite(&f);
	}
	check(csv_next(&r, &f, &line, &err) == CSV_END);
	strv_free(&f);
	return 0;
}
