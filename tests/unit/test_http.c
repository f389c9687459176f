/* test_http.c: the href rules every server answer goes through. */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "tap.h"

/* member("..."): http_member against the book http://h:1/book/. */
static char *member(const char *href)
{
	return http_member("/book/", "http://h:1", href);
}

static void is_member(const char *href, const char *want, const char *what)
{
	char *got = member(href);

	if (want)
		is_str(got ? got : "(null)", want, "%s", what);
	else
		ok(got == NULL, "%s", what);
	free(got);
}

int main(void)
{
	char *s;

	is_member("/book/a.vcf", "/book/a.vcf", "a card in the book is a member");
	is_member("http://h:1/book/a.vcf", "/book/a.vcf", "an absolute URL on the origin is one");
	is_member("/book/%61%2D.vcf", "/book/a-.vcf", "unreserved escapes are decoded");
	is_member("/book/a%20b.vcf", "/book/a%20b.vcf", "other escapes stay");
	is_member("/book/", NULL, "the book itself is not a member");
	is_member("/book/.", NULL, "/book/. is not a member");
	is_member("/book/..", NULL, "/book/.. is not a member");
	is_member("/book/%2e%2e", NULL, "/book/%2e%2e is not a member");
	is_member("/book/%2E", NULL, "/book/%2E is not a member");
	is_member("/book/.%2e", NULL, "/book/.%2e is not a member");
	is_member("/book/../x.vcf", NULL, "a path out of the book is not a member");
	is_member("/book/%2e%2e/x.vcf", NULL, "an encoded path out of the book is not a member");
	is_member("/book/a%2Fb.vcf", NULL, "an encoded slash is not a member");
	is_member("/book/a%5Cb.vcf", NULL, "an encoded backslash is not a member");
	is_member("/book/a%00.vcf", NULL, "an encoded NUL is not a member");
	is_member("/book/a%1B.vcf", NULL, "an encoded control character is not a member");
	is_member("/book/sub/a.vcf", NULL, "a card in a sub-collection is not a member");
	is_member("/other/a.vcf", NULL, "another collection's card is not a member");
	is_member("http://evil:1/book/a.vcf", NULL, "another host is not a member");
	is_member("https://h:1/book/a.vcf", NULL, "another scheme is not a member");
	is_member("a.vcf", NULL, "a relative href is not a member (RFC 4918 8.3)");
	is_member("/book/a.vcf?x", "/book/a.vcf", "a query is not part of the path");

	ok(http_path_plain("http://h/book/"), "a plain book URL is plain");
	ok(!http_path_plain("http://h/alice/../book/"), "a book URL with .. is not plain");
	ok(!http_path_plain("/a/%2E/b/"), "an encoded dot is not plain");

	s = http_path("/a/%00b");
	is_str(s, "/a/%00b", "http_path keeps an encoded NUL encoded (it once cut the path)");
	free(s);
	s = http_path("http://h/A%7eb%41");
	is_str(s, "/A~bA", "http_path decodes unreserved characters");
	free(s);
	s = http_collection_path("http://h/book");
	is_str(s, "/book/", "a collection path ends in /");
	free(s);
	s = http_origin("HTTP://Example.ORG/x");
	is_str(s, "http://example.org:80", "the origin is lower-case with its port");
	free(s);
	s = http_resolve("http://h/book/", "a.vcf");
	is_str(s, "http://h/book/a.vcf", "http_resolve joins a relative href");
	free(s);
	s = http_redact("https://u:pw@h/x");
	is_str(s, "https://h/x", "http_redact drops user and password");
	free(s);
	return tap_done();
}
