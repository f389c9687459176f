/* test_util.c: buffers, lists and error messages. */
#include "tap.h"
#include "util.h"

int main(void)
{
	struct sbuf b = {0};
	struct strv l = {0};
	struct kerr e;
	size_t len;
	char *s;
	int i;

	for (i = 0; i < 1000; i++)
		sbuf_addf(&b, "%d,", i);
	ok(b.len == strlen(b.buf), "sbuf stays NUL-terminated at its length");
	ok(str_starts(b.buf, "0,1,2,") && strstr(b.buf, ",999,") != NULL,
	   "sbuf_addf appends in order across growth");
	s = sbuf_detach(&b, &len);
	ok(b.buf == NULL && b.len == 0 && len == strlen(s), "detach hands the buffer over");
	free(s);
	sbuf_add(&b, "a\0b", 3);
	is_int(b.len, 3, "sbuf holds NUL bytes");
	sbuf_free(&b);

	strv_push(&l, "x");
	strv_push_own(&l, xstrdup("y"));
	ok(l.n == 2 && strcmp(l.v[1], "y") == 0 && l.v[2] == NULL,
	   "strv is NULL-terminated");
	strv_free(&l);
	ok(l.n == 0 && l.v == NULL, "strv_free empties");

	kerr_set(&e, "GET %s: HTTP %d", "/x", 503);
	kerr_wrap(&e, "book %s", "work");
	is_str(e.msg, "book work: GET /x: HTTP 503", "kerr_wrap prefixes");
	s = xasprintf("%0*d", 2000, 7);
	kerr_set(&e, "%s", s);
	kerr_wrap(&e, "outer");
	ok(strlen(e.msg) == sizeof e.msg - 1, "a long message is cut, not overrun");
	free(s);
	ok(str_casestarts("HTTPS://x", "https://"), "str_casestarts ignores case");

	/* Terminal safety: C0, DEL, C1 (raw and as UTF-8), bidi, invalid bytes. */
	s = term_dup("a\033[31mb\x7f\xc2\x9b" "c\x9b" "d\xe2\x80\xae" "e\xe2\x81\xa6" "f\n");
	is_str(s, "a [31mb  c\xef\xbf\xbd" "d e f ", "term_dup neutralises every control");
	free(s);
	s = term_dup("Bj\xc3\xb6rn \xe6\x9d\x8e \xf0\x9f\x98\x80");
	is_str(s, "Bj\xc3\xb6rn \xe6\x9d\x8e \xf0\x9f\x98\x80", "term_dup keeps text");
	free(s);
	term_clean(&b, "x\ny", 3, TERM_KEEP_NL);
	is_str(b.buf, "x\ny", "TERM_KEEP_NL keeps newlines");
	sbuf_free(&b);
	ok(str_utf8_valid("caf\xc3\xa9", 5) && !str_utf8_valid("caf\xe9", 4),
	   "str_utf8_valid tells UTF-8 from Latin-1");
	ok(!str_utf8_valid("\xed\xa0\x80", 3) && !str_utf8_valid("\xc0\xaf", 2),
	   "surrogates and overlong forms are invalid");
	ok(!str_utf8_valid("\xe2\x82", 2), "a cut character is invalid");
	return tap_done();
}
