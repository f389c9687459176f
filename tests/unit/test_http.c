/* test_http.c: the href rules every server answer goes through. */
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "http.h"
#include "tap.h"

/* RFC 7616 section 3.9.1's example, answered with a fixed cnonce. */
static void test_digest(void)
{
	const char *cn = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
	struct digest_chal ch;
	char *a;

	ok(digest_parse("Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
			"algorithm=MD5, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
			"opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"", &ch) == 0,
	   "digest: RFC 7616's MD5 challenge is read");
	is_str(ch.realm, "http-auth@example.org", "digest: its realm");
	ok(ch.qop_auth && !ch.sha256 && !ch.sess && !ch.stale, "digest: qop auth, MD5");
	a = digest_authorization(&ch, "Mufasa", "Circle of Life", "GET",
				 "/dir/index.html", 1, cn);
	ok(a && strstr(a, "response=\"8ca523f5e9506fed4657c9700eebdbec\""),
	   "digest: the MD5 response is RFC 7616's");
	ok(a && strstr(a, "nc=00000001") && strstr(a, "qop=auth") &&
	   strstr(a, "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"") &&
	   strstr(a, "uri=\"/dir/index.html\""), "digest: nc, qop, opaque and uri are sent");
	free(a);
	ch.sha256 = 1;
	a = digest_authorization(&ch, "Mufasa", "Circle of Life", "GET",
				 "/dir/index.html", 1, cn);
	ok(a && strstr(a, "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\"") &&
	   strstr(a, "algorithm=SHA-256,"), "digest: the SHA-256 response is RFC 7616's");
	free(a);
	ch.sess = 1;
	a = digest_authorization(&ch, "Mufasa", "Circle of Life", "GET",
				 "/dir/index.html", 1, cn);
	ok(a && strstr(a, "2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7"),
	   "digest: SHA-256-sess");
	free(a);
	ok(digest_parse("Digest realm=\"r\", nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\"", &ch) == 0 &&
	   !ch.qop_auth, "digest: a challenge without qop (RFC 2069)");
	snprintf(ch.realm, sizeof ch.realm, "http-auth@example.org");
	a = digest_authorization(&ch, "Mufasa", "Circle of Life", "GET",
				 "/dir/index.html", 1, cn);
	ok(a && strstr(a, "7b2cc3b30e75b4777ea31027084363fd") && !strstr(a, "nc="),
	   "digest: without qop, no nc or cnonce");
	free(a);
	ok(digest_parse("Digest realm=\"r\", nonce=\"n\", stale=TRUE, algorithm=md5-sess", &ch) == 0 &&
	   ch.stale && ch.sess, "digest: stale and MD5-sess");
	ok(digest_parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256", &ch) < 0,
	   "digest: an algorithm kith does not do is left to libcurl");
	ok(digest_parse("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"", &ch) < 0,
	   "digest: auth-int alone is left to libcurl");
	ok(digest_parse("Digest realm=\"r\", nonce=\"n\", userhash=true", &ch) < 0,
	   "digest: userhash is left to libcurl");
	ok(digest_parse("Digest realm=\"r\"", &ch) < 0, "digest: no nonce, no answer");
	ok(digest_parse("Basic realm=\"r\"", &ch) < 0, "digest: Basic is not Digest");
	ok(digest_parse("Digest realm=\"a\r\nX-Evil: 1\", nonce=\"n\"", &ch) < 0,
	   "digest: a CR LF in a value is refused (no header injection)");
	ok(digest_parse("Digest realm=\"r\", nonce=\"n", &ch) < 0, "digest: an open quote is refused");
	ok(digest_parse("Digest realm=\"a \\\"q\\\" b\", nonce=\"n\"", &ch) == 0 &&
	   strcmp(ch.realm, "a \"q\" b") == 0, "digest: quoted-pair in a value");
	a = digest_authorization(&ch, "u", "p", "GET", "/", 1, "c");
	ok(a && strstr(a, "realm=\"a \\\"q\\\" b\""), "digest: and quoted again when sent");
	free(a);
	ok(digest_authorization(&ch, "us\"er", "p", "GET", "/", 1, "c") == NULL,
	   "digest: a username that needs escaping is left to libcurl");
	a = digest_authorization(&ch, "u", "p", "GET", "/", 1, NULL);
	ok(a && strstr(a, "cnonce=\"") == NULL, "digest: no qop, no cnonce even when random");
	free(a);
}

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

	test_digest();

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
