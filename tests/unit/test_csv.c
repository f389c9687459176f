/* test_csv.c: the RFC 4180 reader and writer (src/csv.c). */
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "tap.h"

/* All records of s as "a|b|c" lines, a bad record as "!LINE: message". */
static char *records(const char *s, size_t len)
{
	struct csv_reader r;
	struct strv f = {0};
	struct sbuf out = {0};
	struct kerr err;
	size_t line, i;

	csv_init(&r, s, len);
	for (;;) {
		enum csv_status st = csv_next(&r, &f, &line, &err);

		if (st == CSV_END)
			break;
		if (st == CSV_BAD || st == CSV_FATAL) {
			sbuf_addf(&out, "!%s%s\n", st == CSV_FATAL ? "FATAL " : "",
				  err.msg);
			continue;
		}
		sbuf_addf(&out, "%zu:", line);
		for (i = 0; i < f.n; i++)
			sbuf_addf(&out, "%s%s", i ? "|" : "", f.v[i]);
		sbuf_addc(&out, '\n');
	}
	strv_free(&f);
	return out.buf ? sbuf_detach(&out, NULL) : xstrdup("");
}

static void is_records(const char *in, const char *want, const char *what)
{
	char *got = records(in, strlen(in));

	is_str(got, want, "%s", what);
	free(got);
}

static void test_basics(void)
{
	is_records("a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n", "LF records");
	is_records("a,b\r\n1,2\r\n", "1:a|b\n2:1|2\n", "CRLF records");
	is_records("a,b\r1,2", "1:a|b\n2:1|2\n", "CR records, no final newline");
	is_records("\xef\xbb\xbfName,Email\n", "1:Name|Email\n", "a UTF-8 BOM is skipped");
	is_records("a,,c,\n", "1:a||c|\n", "empty fields, a trailing comma");
	is_records("a\n\n\r\nb\n", "1:a\n4:b\n", "empty lines skipped, lines still counted");
	is_records(",,\n", "1:||\n", "a line of commas is a record of empty fields");
	is_records("", "", "an empty file has no records");
	is_records("x\"y,z\n", "1:x\"y|z\n", "a quote inside a bare field is a character");
}

static void test_quotes(void)
{
	is_records("\"a,b\",c\n", "1:a,b|c\n", "a quoted comma");
	is_records("\"say \"\"hi\"\"\",x\n", "1:say \"hi\"|x\n", "doubled quotes");
	is_records("\"\"\n", "1:\n", "an empty quoted field");
	is_records("\"one\ntwo\",x\nnext,y\n", "1:one\ntwo|x\n3:next|y\n",
		   "a newline inside quotes, the next record's line counted");
	is_records("\"one\r\ntwo\"\r\n", "1:one\ntwo\n", "CRLF inside quotes reads as one newline");
	is_records("\"a\"b,c\nok\n",
		   "!line 1: text after the closing quote of field 1 (a quote inside a "
		   "quoted field is written \"\")\n2:ok\n",
		   "text after a closing quote spoils that record only");
	is_records("a\n\"open,b\nc\n",
		   "1:a\n!FATAL line 2: a quoted field opened here is never closed\n",
		   "an unclosed quote ends the reading, naming its line");
}

static void test_text(void)
{
	is_records("ok\nbad\xff,x\nafter\n",
		   "1:ok\n!line 2: field 1 is not valid UTF-8 (byte 4); save the file "
		   "as UTF-8 (or convert it with iconv)\n3:after\n",
		   "invalid UTF-8 names the line and field; the next record is read");
	is_records("a,b\x1b[31m\n", "!line 1: field 2 has a control character "
		   "(U+001B at byte 2)\n", "an escape character is refused");
	is_records("a,\"x\xc2\x85y\"\n", "!line 1: field 2 has a control character "
		   "(U+0085 at byte 2)\n", "a C1 control is refused");
	is_records("tab\there,Zoë Ñandú\n", "1:tab\there|Zoë Ñandú\n",
		   "tab and UTF-8 are text");
	{
		static const char nul[] = "a,b\0c\nd\n";
		char *got = records(nul, sizeof nul - 1);

		is_str(got, "!line 1: field 2 has a control character (U+0000 at "
		       "byte 2)\n2:d\n", "a NUL byte is refused, not an end");
		free(got);
	}
	is_records("\"\xe2\x80\x8fשלום\"\n", "1:\xe2\x80\x8fשלום\n", "a bidi mark is text");
}

static void test_bounds(void)
{
	size_t big = CSV_FIELD_MAX + 10, i;
	char *s = malloc(big + 32), *got;
	struct sbuf want = {0};

	/* A huge quoted field: an error, bounded, and the next record read. */
	s[0] = '"';
	memset(s + 1, 'x', big);
	strcpy(s + 1 + big, "\",y\nz\n");
	got = records(s, strlen(s));
	sbuf_addf(&want, "!line 1: field 1 is longer than %d bytes\n2:z\n", CSV_FIELD_MAX);
	is_str(got, want.buf, "a field over CSV_FIELD_MAX is refused");
	free(got);
	/* Exactly the limit is fine. */
	memset(s, 'x', CSV_FIELD_MAX);
	strcpy(s + CSV_FIELD_MAX, "\n");
	got = records(s, strlen(s));
	is_int(strlen(got), CSV_FIELD_MAX + 3, "a field of CSV_FIELD_MAX bytes is read");
	free(got);
	free(s);
	sbuf_free(&want);
	/* Too many fields. */
	s = malloc(CSV_FIELDS_MAX + 10);
	for (i = 0; i < CSV_FIELDS_MAX + 5; i++)
		s[i] = ',';
	strcpy(s + CSV_FIELDS_MAX + 5, "\n");
	got = records(s, strlen(s));
	ok(strstr(got, "more than 4096 fields") != NULL, "more than CSV_FIELDS_MAX fields is refused");
	free(got);
	free(s);
}

static void test_sep(void)
{
	struct csv_reader r;
	struct strv f = {0};
	struct kerr err;
	size_t line;
	static const char de[] = "Name;Firma\r\n\"M\u00fcller; Hans\";ACME, Inc.\r\n";

	csv_init(&r, de, sizeof de - 1);
	r.sep = ';';
	ok(csv_next(&r, &f, &line, &err) == CSV_ROW && f.n == 2, "fields apart by ';'");
	ok(csv_next(&r, &f, &line, &err) == CSV_ROW && f.n == 2 &&
	   strcmp(f.v[0], "M\u00fcller; Hans") == 0 && strcmp(f.v[1], "ACME, Inc.") == 0,
	   "a quoted ';' is text, a comma is then text too");
	strv_free(&f);
}

static void test_write(void)
{
	static const char *const vals[] = {"plain", "a,b", "say \"hi\"", "two\nlines",
		" lead", "", "+33 6 12", "Zoë", NULL};
	struct sbuf b = {0};
	struct csv_reader r;
	struct strv f = {0};
	struct kerr err;
	size_t line, i;

	for (i = 0; vals[i]; i++)
		csv_field(&b, vals[i], i == 0);
	csv_row_end(&b);
	is_str(b.buf, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" lead\",,+33 6 12,Zoë\r\n",
	       "fields quoted only when they must be");
	csv_init(&r, b.buf, b.len);
	is_int(csv_next(&r, &f, &line, &err), CSV_ROW, "what is written reads back");
	is_int(f.n, 8, "as many fields");
	for (i = 0; vals[i] && i < f.n; i++)
		is_str(f.v[i], vals[i], "field %zu round-trips", i + 1);
	is_int(csv_next(&r, &f, &line, &err), CSV_END, "and nothing after");
	strv_free(&f);
	sbuf_free(&b);
}

int main(void)
{
	test_basics();
	test_quotes();
	test_text();
	test_bounds();
	test_sep();
	test_write();
	return tap_done();
}
