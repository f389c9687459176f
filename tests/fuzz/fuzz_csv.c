/*
 * fuzz_csv.c: libFuzzer target for the CSV reader and writer.
 *
 * Invariants: csv_next never crashes and always ends; every field it
 * returns is valid UTF-8 with no control character but tab and newline,
 * within CSV_FIELD_MAX bytes; a record written back with csv_field reads
 * as the same fields. The first record is also taken as an import header
 * and the others read as import rows under it (src/import.c), which
 * never crash and give dates and cadences kith can store.
 */
#include "csv.h"
#include "date.h"
#include "import.h"

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

/* A row read under the header: what it gives is what a card can hold. */
static void check_row(const struct import_map *m, const struct strv *f)
{
	struct import_row row;
	struct kerr err;
	long day;

	/* 2026-12-01: dates after it are refused. */
	if (import_row_read(m, f, 20788, &row, &err) == 0) {
		check(!row.last[0] || (date_parse(row.last, &day, &err) == 0 &&
				       day <= 20788));
		check(!row.cadence[0] || row.cadence[0] == 'P');
		check(!row.id[0] || strspn(row.id, "0123456789abcdef") == 8);
		if (row.name)
			check_text(row.name);
	} else {
		check(err.msg[0]);
	}
	import_row_free(&row);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_reader r;
	struct strv f = {0};
	struct kerr err;
	struct import_map m;
	int have_map = 0;
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
		if (have_map)
			check_row(&m, &f);
		else
			have_map = import_header(&f, &m);
	}
	check(csv_next(&r, &f, &line, &err) == CSV_END);
	if (have_map)
		import_map_free(&m);
	strv_free(&f);
	return 0;
}
