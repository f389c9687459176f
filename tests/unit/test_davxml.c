/* test_davxml.c: the streaming multistatus reader, fed in odd chunks. */
#include <string.h>

#include "davxml.h"
#include "tap.h"

struct got {
	int n;
	char href[8][128];
	char etag[8][64];
	int status[8];
	int book[8];
	char data[8][256];
	int has_data[8];
	long length[8];
	int vcard4[8];
	char home[128];
};

static int collect(void *arg, struct dav_response *r, struct kerr *err)
{
	struct got *g = arg;

	if (g->n >= 8)
		return 0;
	snprintf(g->href[g->n], sizeof g->href[0], "%s", r->href);
	snprintf(g->etag[g->n], sizeof g->etag[0], "%s", r->etag ? r->etag : "");
	snprintf(g->data[g->n], sizeof g->data[0], "%s", r->data.buf ? r->data.buf : "");
	g->status[g->n] = r->status;
	g->book[g->n] = r->is_addressbook;
	g->has_data[g->n] = r->has_data;
	g->length[g->n] = r->length;
	g->vcard4[g->n] = r->vcard4;
	if (r->home)
		snprintf(g->home, sizeof g->home, "%s", r->home);
	g->n++;
	return 0;
}

/* Feeds doc in chunks of step bytes; returns davxml_finish's result. */
static int parse(const char *doc, size_t step, struct got *g, char *token,
		 struct kerr *err)
{
	struct davxml *x = davxml_new(collect, g);
	size_t len = strlen(doc), i;
	int rc = 0;

	memset(g, 0, sizeof *g);
	for (i = 0; i < len && rc == 0; i += step)
		rc = davxml_push(x, doc + i, len - i < step ? len - i : step, err);
	if (rc == 0)
		rc = davxml_finish(x, err);
	if (token)
		snprintf(token, 256, "%s", davxml_sync_token(x) ? davxml_sync_token(x) : "");
	davxml_free(x);
	return rc;
}

static const char multiget[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	"<D:multistatus xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:carddav\">\n"
	" <D:response><D:href>/alice/book/a%40b.vcf</D:href>\n"
	"  <D:propstat><D:prop><D:getetag>\"e1\"</D:getetag>\n"
	"   <C:address-data>BEGIN:VCARD\r\nFN:A &amp; B &lt;x&gt;\r\nEND:VCARD\r\n</C:address-data>\n"
	"  </D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>\n"
	" </D:response>\n"
	" <D:response><D:href>/alice/book/gone.vcf</D:href>\n"
	"  <D:status>HTTP/1.1 404 Not Found</D:status></D:response>\n"
	" <D:response><D:href>/alice/book/c.vcf</D:href>\n"
	"  <D:propstat><D:prop><D:getetag>\"e3\"</D:getetag></D:prop>"
	"<D:status>HTTP/1.1 200 OK</D:status></D:propstat>\n"
	"  <D:propstat><D:prop><C:address-data/></D:prop>"
	"<D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>\n"
	" </D:response>\n"
	" <D:sync-token>http://example.org/ns/sync/42</D:sync-token>\n"
	"</D:multistatus>\n";

int main(void)
{
	struct kerr err;
	char token[256];
	struct got g;
	size_t step;

	ok(parse(multiget, 1 << 20, &g, token, &err) == 0, "parses a multiget in one piece");
	is_int(g.n, 3, "three responses");
	is_str(g.href[0], "/alice/book/a%40b.vcf", "href kept percent-encoded");
	is_str(g.etag[0], "\"e1\"", "etag");
	/* XML 1.0 section 2.11: a literal CRLF in text reads as LF. */
	is_str(g.data[0], "BEGIN:VCARD\nFN:A & B <x>\nEND:VCARD\n",
	       "address-data with predefined entities decoded");
	is_int(g.status[1], 404, "a deleted member has status 404");
	ok(!g.has_data[2], "address-data in a 404 propstat is not data");
	is_str(g.etag[2], "\"e3\"", "etag from the 200 propstat of a split response");
	is_str(token, "http://example.org/ns/sync/42", "top-level sync-token");

	for (step = 1; step < 40; step += 7) {
		ok(parse(multiget, step, &g, token, &err) == 0 && g.n == 3 &&
		   strcmp(g.data[0], "BEGIN:VCARD\nFN:A & B <x>\nEND:VCARD\n") == 0,
		   "same result fed %zu byte(s) at a time", step);
	}

	ok(parse("<html><body>Proxy error</body></html>", 7, &g, NULL, &err) < 0,
	   "an HTML page is refused");
	ok(strstr(err.msg, "not a WebDAV multistatus") != NULL, "and says why: %s", err.msg);
	ok(parse("Service Unavailable", 100, &g, NULL, &err) < 0, "plain text is refused");
	ok(parse("", 100, &g, NULL, &err) < 0, "an empty body is refused");
	ok(parse("<D:multistatus xmlns:D=\"DAV:\"><D:response><D:href>/x</D:href>",
		 100, &g, NULL, &err) < 0, "a document cut short is refused");
	ok(strstr(err.msg, "cut short") || strstr(err.msg, "malformed"),
	   "and says so: %s", err.msg);

	/* Hostile documents: no entity is ever expanded, no file read. */
	ok(parse("<?xml version=\"1.0\"?>\n<!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		 "<D:multistatus xmlns:D=\"DAV:\"><D:response><D:href>&x;</D:href>"
		 "</D:response></D:multistatus>", 64, &g, NULL, &err) < 0 && g.n == 0,
	   "an external entity is refused");
	ok(strstr(err.msg, "entity") != NULL, "naming the entity: %s", err.msg);
	ok(parse("<?xml version=\"1.0\"?>\n<!DOCTYPE m [<!ENTITY a \"aaaaaaaaaa\">"
		 "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
		 "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
		 "<D:multistatus xmlns:D=\"DAV:\"><D:response><D:href>&c;</D:href>"
		 "</D:response></D:multistatus>", 64, &g, NULL, &err) < 0 && g.n == 0,
	   "an entity bomb is refused");
	{
		struct sbuf deep = {0};
		int i;

		sbuf_adds(&deep, "<D:multistatus xmlns:D=\"DAV:\">");
		for (i = 0; i < 100000; i++)
			sbuf_adds(&deep, "<a>");
		ok(parse(deep.buf, 4096, &g, NULL, &err) < 0, "100,000 nested elements are refused");
		sbuf_free(&deep);
	}
	{
		struct sbuf big = {0};
		int i;

		sbuf_adds(&big, "<D:multistatus xmlns:D=\"DAV:\"><D:sync-token>");
		for (i = 0; i < 200000; i++)
			sbuf_adds(&big, "tokentoken");
		sbuf_adds(&big, "</D:sync-token></D:multistatus>");
		ok(parse(big.buf, 65536, &g, NULL, &err) < 0, "a 2 MB sync token is refused");
		ok(strstr(err.msg, "64 kB") != NULL, "naming the limit: %s", err.msg);
		sbuf_free(&big);
	}

	ok(parse("<?xml version=\"1.0\"?><d:multistatus xmlns:d=\"DAV:\" "
		 "xmlns:card=\"urn:ietf:params:xml:ns:carddav\"><d:response>"
		 "<d:href>/dav/</d:href><d:propstat><d:prop><card:addressbook-home-set>"
		 "<d:href>/dav/addressbooks/alice/</d:href></card:addressbook-home-set>"
		 "<d:resourcetype><d:collection/></d:resourcetype></d:prop>"
		 "<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
		 "<d:response><d:href>/dav/addressbooks/alice/x/</d:href><d:propstat><d:prop>"
		 "<d:resourcetype><d:collection/><card:addressbook/></d:resourcetype></d:prop>"
		 "<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
		 "</d:multistatus>", 13, &g, NULL, &err) == 0,
	   "a discovery answer parses");
	is_str(g.home, "/dav/addressbooks/alice/", "addressbook-home-set href");
	ok(!g.book[0] && g.book[1], "only the address book is one");

	/* RFC 6352 6.2.2, as Cyrus answers it; and what a card's length says. */
	ok(parse("<multistatus xmlns=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:carddav\">"
		 "<response><href>/b/</href><propstat><prop><C:supported-address-data>"
		 "<C:address-data-type content-type=\"text/vcard\" version=\"3.0\"/>"
		 "<C:address-data-type content-type=\"text/vcard\" version=\"4.0\"/>"
		 "</C:supported-address-data></prop><status>HTTP/1.1 200 OK</status></propstat>"
		 "</response><response><href>/c/</href><propstat><prop><C:supported-address-data>"
		 "<C:address-data-type content-type=\"text/vcard\" version=\"3.0\"/>"
		 "<C:address-data-type content-type=\"text/x-other\" version=\"4.0\"/>"
		 "</C:supported-address-data></prop><status>HTTP/1.1 200 OK</status></propstat>"
		 "</response><response><href>/d/</href><propstat><prop><C:supported-address-data>"
		 "<C:address-data-type version=\"4.0\"/></C:supported-address-data>"
		 "</prop><status>HTTP/1.1 404 Not Found</status></propstat></response>"
		 "<response><href>/b/x.vcf</href><propstat><prop>"
		 "<getcontentlength> 201 </getcontentlength></prop>"
		 "<status>HTTP/1.1 200 OK</status></propstat></response>"
		 "<response><href>/b/y.vcf</href><propstat><prop>"
		 "<getcontentlength>-5</getcontentlength></prop>"
		 "<status>HTTP/1.1 200 OK</status></propstat></response>"
		 "<response><href>/b/z.vcf</href><propstat><prop>"
		 "<getcontentlength>12abc</getcontentlength></prop>"
		 "<status>HTTP/1.1 200 OK</status></propstat></response>"
		 "</multistatus>", 11, &g, NULL, &err) == 0, "supported-address-data parses");
	ok(g.n == 6 && g.vcard4[0], "a book that lists text/vcard 4.0 offers vCard 4");
	ok(!g.vcard4[1], "4.0 of another content type is not vCard 4");
	ok(!g.vcard4[2], "nor is a 4.0 in a 404 propstat");
	is_int(g.length[0], -1, "a collection without getcontentlength has none (-1)");
	is_int(g.length[3], 201, "getcontentlength, whitespace trimmed");
	ok(g.length[4] == -1 && g.length[5] == -1, "a negative or non-numeric length is none");
	return tap_done();
}
