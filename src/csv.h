/*
 * csv.h: comma-separated values as spreadsheets write them (RFC 4180).
 *
 * The reader takes a whole file held in memory and returns one record at
 * a time: quoted fields may hold commas, doubled quotes and line breaks;
 * records end at CRLF, LF or a lone CR; a UTF-8 byte order mark at the
 * start is skipped. Every field it returns is valid UTF-8 with no control
 * character but tab and newline (a line break inside quotes reads as one
 * "\n"), because what it returns goes into vCards: a record that breaks
 * that rule is reported, naming its line, and the next record is read as
 * usual. Memory stays bounded whatever the input: a field is at most
 * CSV_FIELD_MAX bytes and a record at most CSV_FIELDS_MAX fields.
 *
 * No network, no terminal: the caller decides what to print.
 */
#ifndef KITH_CSV_H
#define KITH_CSV_H

#include <stddef.h>

#include "util.h"

#define CSV_FIELD_MAX (256 * 1024)
#define CSV_FIELDS_MAX 4096

/* What one call of csv_next found. */
enum csv_status {
	CSV_ROW,	/* a record, in fields */
	CSV_END,	/* no more records */
	CSV_BAD,	/* this record is unusable (err says why); read on */
	CSV_FATAL,	/* the rest cannot be read (a quote never closed) */
};

/* A reader over data[0..len), which must outlive it. No resources held. */
struct csv_reader {
	const char *p, *end;
	size_t line;		/* the line p is on, from 1 */
	int fatal;
	/*
	 * Between fields: ',' unless the caller sets another after csv_init
	 * (Excel in a locale with a decimal comma writes ';').
	 */
	char sep;
};

void csv_init(struct csv_reader *r, const char *data, size_t len);

/*
 * The next record into fields (emptied first; its strings belong to
 * fields, free it with strv_free), the line it starts on in *line. Lines
 * that are entirely empty are skipped; a line of commas is a record of
 * empty fields. CSV_BAD and CSV_FATAL fill err with "line N: ...".
 * After CSV_FATAL or CSV_END every call returns CSV_END.
 */
enum csv_status csv_next(struct csv_reader *r, struct strv *fields,
			 size_t *line, struct kerr *err);

/*
 * Writing: csv_field appends s (NULL is empty) as one field, after a
 * comma unless it is the first of its record, quoted when it holds a
 * comma, a quote, a line break or space at either end; csv_row_end ends
 * the record with CRLF (RFC 4180 section 2).
 */
void csv_field(struct sbuf *b, const char *s, int first);
void csv_row_end(struct sbuf *b);

#endif
