/*
 * test_url.c: http_resolve, http_origin and http_path, the three URL
 * helpers every href a server sends goes through before kith compares,
 * stores or writes to it. test_http.c holds the member rule built on them.
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "tap.h"

#define BOOK "https://dav.example.com/dav/book/"
#define BOOK_ORIGIN "https://dav.example.com:443"

/* is_str on a result the caller frees; NULL wants NULL. */
static void is_own(char *got, const char *want, const char *what)
{
	if (want)
		is_str(got ? got : "(null)", want, "%s", what);
	else
		ok(got == NULL, "%s (got '%s')", what, got ? got : "(null)");
	free(got);
}

static void is_resolve(const char *base, const char *ref, const char *want,
		       const char *what)
{
	is_own(http_resolve(base, ref), want, what);
}

static void is_origin(const char *url, const char *want, const char *what)
{
	is_own(http_origin(url), want, what);
}

static void is_path(const char *href, const char *want, const char *what)
{
	is_own(http_path(href), want, what);
}

/* Whether http_path gives a and b the same path. */
static int same_path(const char *a, const char *b)
{
	char *pa = http_path(a), *pb = http_path(b);
	int same = strcmp(pa, pb) == 0;

	free(pa);
	free(pb);
	return same;
}

/* Whether the origin of url is the book's. */
static int on_book_origin(const char *url)
{
	char *o = url ? http_origin(url) : NULL;
	int same = o && strcmp(o, BOOK_ORIGIN) == 0;

	free(o);
	return same;
}

/* RFC 3986 5.4.1's normal examples, those of them with an http result. */
static void test_resolve_rfc(void)
{
	static const char *const ex[][2] = {
		{"g", "http://a/b/c/g"},
		{"./g", "http://a/b/c/g"},
		{"g/", "http://a/b/c/g/"},
		{"/g", "http://a/g"},
		{"?y", "http://a/b/c/d;p?y"},
		{"g?y", "http://a/b/c/g?y"},
		{"g#s", "http://a/b/c/g#s"},
		{"g?y#s", "http://a/b/c/g?y#s"},
		{";x", "http://a/b/c/;x"},
		{"g;x?y#s", "http://a/b/c/g;x?y#s"},
		{".", "http://a/b/c/"},
		{"..", "http://a/b/"},
		{"../g", "http://a/b/g"},
		{"../..", "http://a/"},
		{"../../g", "http://a/g"},
		/* 5.4.2, abnormal: no climbing above the root. */
		{"../../../g", "http://a/g"},
		{"../../../../g", "http://a/g"},
		{"/./g", "http://a/g"},
		{"/../g", "http://a/g"},
		{"g.", "http://a/b/c/g."},
		{"..g", "http://a/b/c/..g"},
		{"./../g", "http://a/b/g"},
		{"g/../h", "http://a/b/c/h"},
		{"g;x=1/../y", "http://a/b/c/y"},
		/* dot segments in a query or fragment are not path segments */
		{"g?y/../x", "http://a/b/c/g?y/../x"},
		{"g#s/../x", "http://a/b/c/g#s/../x"},
	};
	size_t i;

	for (i = 0; i < sizeof ex / sizeof ex[0]; i++) {
		char what[96];

		snprintf(what, sizeof what, "resolve: RFC 3986 5.4 \"%s\"", ex[i][0]);
		is_resolve("http://a/b/c/d;p?q", ex[i][0], ex[i][1], what);
	}
	/*
	 * RFC 3986 5.2.2: an empty reference is the base itself (without its
	 * fragment), a fragment-only one the base with that fragment.
	 * libcurl before 8.12 (curl issue 15836) dropped the last segment
	 * and the query, which names another resource: for a redirect to ""
	 * or "#x" from a principal URL, its parent collection.
	 */
	is_resolve("http://a/b/c/d;p?q", "", "http://a/b/c/d;p?q",
		   "resolve: RFC 3986 5.4 \"\" is the base");
	is_resolve("http://a/b/c/d;p?q", "#s", "http://a/b/c/d;p?q#s",
		   "resolve: RFC 3986 5.4 \"#s\" keeps the base's path and query");
	is_resolve("http://a/b/c/d;p?q#f", "", "http://a/b/c/d;p?q",
		   "resolve: \"\" drops the base's fragment");
	is_resolve("http://a/b/c/d;p?q#f", "#s", "http://a/b/c/d;p?q#s",
		   "resolve: \"#s\" replaces the base's fragment");
	is_resolve(BOOK "a.vcf", "", BOOK "a.vcf",
		   "resolve: \"\" against a card is the card, not its book");
	is_resolve("", "", NULL, "resolve: empty base and reference: NULL");
	is_resolve("not a url", "", NULL, "resolve: \"\" against no URL: NULL");
}

static void test_resolve(void)
{
	char *s;

	test_resolve_rfc();

	is_resolve(BOOK, "a.vcf", BOOK "a.vcf", "resolve: a relative href joins the book");
	is_resolve(BOOK, "/abs/x.vcf", "https://dav.example.com/abs/x.vcf",
		   "resolve: an absolute path replaces the book's path");
	is_resolve(BOOK, "../../../../etc/passwd", "https://dav.example.com/etc/passwd",
		   "resolve: .. stops at the root");
	is_resolve(BOOK, "./a/./b/../c.vcf", BOOK "a/c.vcf",
		   "resolve: . and .. segments are removed");
	is_resolve(BOOK, "..", "https://dav.example.com/dav/", "resolve: .. is the parent");
	is_resolve(BOOK, "...", BOOK "...", "resolve: ... is a name, not a dot segment");

	/* Another host: resolution gives it; the member rule must refuse it. */
	s = http_resolve(BOOK, "https://evil.example/dav/book/a.vcf");
	is_str(s, "https://evil.example/dav/book/a.vcf", "resolve: an absolute href keeps its host");
	ok(!on_book_origin(s), "resolve: and that is not the book's origin");
	free(s);
	s = http_resolve(BOOK, "//evil.example/dav/book/a.vcf");
	is_str(s, "https://evil.example/dav/book/a.vcf",
	       "resolve: a scheme-relative //host href takes the book's scheme and its own host");
	ok(!on_book_origin(s), "resolve: and that is not the book's origin either");
	free(s);
	s = http_resolve(BOOK, "http://dav.example.com/dav/book/a.vcf");
	ok(s && !on_book_origin(s), "resolve: http on the book's https host is another origin");
	free(s);
	s = http_resolve(BOOK, "https://dav.example.com:8443/dav/book/a.vcf");
	ok(s && !on_book_origin(s), "resolve: another port is another origin");
	free(s);
	s = http_resolve(BOOK, "https://dav.example.com:443/dav/book/a.vcf");
	ok(on_book_origin(s), "resolve: the default port spelt out is the same origin");
	free(s);
	s = http_resolve(BOOK, "HTTPS://DAV.EXAMPLE.COM/dav/book/a.vcf");
	ok(on_book_origin(s), "resolve: the book's host in capitals is the same origin");
	free(s);
	s = http_resolve(BOOK, "file:///etc/passwd");
	ok(!s || !on_book_origin(s), "resolve: a file: href has no origin of the book's");
	free(s);
	is_resolve(BOOK, "javascript:alert(1)", NULL, "resolve: javascript: is refused");

	/* Percent-encoding is kept, spaces and UTF-8 are encoded. */
	is_resolve(BOOK, "a%20b.vcf", BOOK "a%20b.vcf", "resolve: %20 is kept");
	is_resolve(BOOK, "a b.vcf", BOOK "a%20b.vcf", "resolve: a raw space is encoded");
	s = http_resolve(BOOK, "\xc3\xa9.vcf");
	ok(s && same_path(s, "/dav/book/%C3%A9.vcf"), "resolve: raw UTF-8 is encoded");
	free(s);
	s = http_resolve(BOOK, "%2e%2e/x.vcf");
	ok(s && strncmp(s, BOOK, strlen(BOOK)) == 0,
	   "resolve: %%2e%%2e is not a dot segment when resolving (RFC 3986 5.2.4)");
	free(s);

	/* Queries and fragments. */
	is_resolve(BOOK, "?q=1", BOOK "?q=1", "resolve: a query-only href keeps the path");
	is_resolve(BOOK "a.vcf?old", "?new", BOOK "a.vcf?new",
		   "resolve: a query-only href replaces the query");
	is_resolve(BOOK, "a.vcf?x=1#f", BOOK "a.vcf?x=1#f", "resolve: query and fragment kept");
	is_resolve(BOOK "?q", "a.vcf", BOOK "a.vcf", "resolve: a path href drops the base's query");

	/* Nothing to resolve against. */
	is_resolve("", "a.vcf", NULL, "resolve: an empty base is NULL");
	is_resolve("not a url", "a.vcf", NULL, "resolve: a base that is no URL is NULL");
	is_resolve("/dav/book/", "a.vcf", NULL, "resolve: a base without a host is NULL");
	is_resolve("https://h", "x.vcf", "https://h/x.vcf", "resolve: a bare host base gets a /");
}

static void test_origin(void)
{
	char *a, *b;

	is_origin("https://h.example/x", "https://h.example:443", "origin: https gets 443");
	is_origin("http://h.example/x", "http://h.example:80", "origin: http gets 80");
	is_origin("https://h.example:8443/x", "https://h.example:8443", "origin: an explicit port");
	is_origin("https://h.example:0443/x", "https://h.example:443",
		  "origin: a port with a leading zero is the same port");
	is_origin("http://h.example:/x", "http://h.example:80", "origin: an empty port is the default");
	is_origin("https://h.example:99999/x", NULL, "origin: a port above 65535 is NULL");
	is_origin("https://h.example:8080:80/", NULL, "origin: two ports are NULL");
	a = http_origin("https://h.example/x");
	b = http_origin("https://h.example:443/y");
	ok(a && b && strcmp(a, b) == 0, "origin: default port implied or spelt out compares equal");
	free(a);
	free(b);

	is_origin("https://alice:secret@h.example/x", "https://h.example:443",
		  "origin: user and password are not part of it");
	is_origin("https://alice@h.example:8443/", "https://h.example:8443",
		  "origin: a user with a port");
	is_origin("http://dav.example.com:80@evil.example/", "http://evil.example:80",
		  "origin: host:port before @ is userinfo, the host is after it");
	a = http_origin("http://u@evil.example@h.example/x");
	ok(!a || strcmp(a, "http://h.example:80") == 0,
	   "origin: two @ never give the host before the last one (got '%s')", a ? a : "(null)");
	free(a);
	is_origin("http://h.example#x@evil.example/", "http://h.example:80",
		  "origin: an @ in the fragment is not userinfo");
	is_origin("http://h.example?x=@evil.example/", "http://h.example:80",
		  "origin: nor one in the query");
	is_origin("http://h.example/x?u=https://evil.example/", "http://h.example:80",
		  "origin: a URL in the query is not the host");

	is_origin("HTTPS://DAV.Example.COM/x", "https://dav.example.com:443",
		  "origin: scheme and host are lower-cased");
	is_origin("http://ex%41mple.com/", "http://example.com:80",
		  "origin: a percent-encoded host is decoded");

	is_origin("http://[::1]:8080/x", "http://[::1]:8080", "origin: an IPv6 literal with a port");
	is_origin("http://[::1]/x", "http://[::1]:80", "origin: an IPv6 literal, default port");
	is_origin("https://[2001:DB8::A]/", "https://[2001:db8::a]:443",
		  "origin: an IPv6 literal is lower-cased");
	is_origin("http://[::1/", NULL, "origin: an unclosed IPv6 literal is NULL");
	is_origin("http://127.0.0.1:5232/", "http://127.0.0.1:5232", "origin: an IPv4 address");

	is_origin("/dav/book/", NULL, "origin: a path has none");
	is_origin("a.vcf", NULL, "origin: a relative href has none");
	is_origin("", NULL, "origin: the empty string has none");
	is_origin("http://", NULL, "origin: a scheme alone has none");
	is_origin("mailto:alice@example.com", NULL, "origin: mailto: has none");
	is_origin("file:///etc/passwd", NULL, "origin: file: has none");
}

/*
 * In an 8-bit locale isalnum() says yes to letters above 0x7f; RFC 3986's
 * unreserved ALPHA is ASCII only. kith's main() sets LC_CTYPE from the
 * environment, so http_path must not depend on it. Skipped where no such
 * locale is installed.
 */
static void test_path_locale(void)
{
	static const char *const names[] = {
		"en_US.ISO-8859-1", "de_DE.ISO-8859-1", "fr_FR.ISO-8859-1",
		"en_US.iso88591", "de_DE.iso88591", "fr_FR", "de_DE", NULL,
	};
	const char *on = NULL;
	size_t i;

	for (i = 0; names[i] && !on; i++)
		if (setlocale(LC_CTYPE, names[i]))
			on = names[i];
	if (on) {
		char *got = http_path("/%E9");

		is_str(got, "/%E9", "path: %%E9 stays encoded in %s", on);
		free(got);
	} else {
		printf("ok %d - path: %%E9 in an 8-bit locale # skip none installed\n", ++tap_n);
	}
	setlocale(LC_CTYPE, "C");
}

static void test_path(void)
{
	is_path("https://h.example/a/b", "/a/b", "path: of a URL");
	is_path("/a/b", "/a/b", "path: of an absolute path");
	is_path("a/b", "a/b", "path: a relative href stays relative");
	is_path("HTTPS://H.EXAMPLE/x", "/x", "path: an upper-case scheme");
	is_path("https://h.example", "/", "path: a URL without a path is /");
	is_path("https://h.example:8443", "/", "path: nor with a port");
	is_path("", "/", "path: the empty href is /");
	is_path("https://u:pw@h.example/x", "/x", "path: userinfo is not part of it");
	is_path("https://[::1]:8080/x", "/x", "path: after an IPv6 literal");

	is_path("/a/b?q=1", "/a/b", "path: the query is not part of it");
	is_path("/a/b#f", "/a/b", "path: nor the fragment");
	is_path("/a#f/x", "/a", "path: a / in the fragment is not part of it");
	/*
	 * The authority ends at the first '/', '?' or '#' (RFC 3986 3.2),
	 * and only a URL that starts with a scheme has one: a "://" in a
	 * query or a path segment is data.
	 */
	is_path("https://h.example?x=/y", "/", "path: a / in the query of a bare host URL is not a path");
	is_path("https://h.example#/y", "/", "path: nor one in its fragment");
	is_path("/a/b.vcf?u=http://evil.example/x", "/a/b.vcf",
		"path: a URL in the query of a path is not the path");
	is_path("/a/b://c/d", "/a/b://c/d", "path: :// inside a path is part of it");
	is_path("https://h.example/a?u=https://evil.example/b", "/a",
		"path: a URL in the query of a URL is not the path");

	/* RFC 3986 2.3 and 6.2.2: one spelling per resource. */
	is_path("/%41%2D%2e%5F%7e%7E", "/A-._~~", "path: unreserved escapes are decoded");
	is_path("/a%2fb", "/a%2Fb", "path: an encoded / stays encoded, hex upper-cased");
	is_path("/a%3Fb", "/a%3Fb", "path: an encoded ? stays encoded");
	is_path("/%25", "/%25", "path: an encoded % stays encoded");
	is_path("/%2541", "/%2541", "path: and is not decoded twice");
	is_path("/a%", "/a%", "path: a lone % is kept");
	is_path("/a%4", "/a%4", "path: a short escape is kept");
	is_path("/a%zz", "/a%zz", "path: a non-hex escape is kept");
	is_path("/a b", "/a%20b", "path: a raw space is encoded");
	is_path("/\xc3\xa9", "/%C3%A9", "path: raw UTF-8 is encoded");
	ok(same_path("/%c3%a9", "/\xc3\xa9"), "path: encoded and raw UTF-8 compare equal");
	ok(same_path("https://h.example/a%7eb", "/a~b"), "path: URL and path spellings compare equal");
	ok(!same_path("/a%2Fb", "/a/b"), "path: an encoded / is not a /");
	test_path_locale();
}

int main(void)
{
	test_resolve();
	test_origin();
	test_path();
	return tap_done();
}
