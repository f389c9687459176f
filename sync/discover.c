/*
 * discover.c: from a URL a user typed to the address books behind it
 * (RFC 6764 section 6, RFC 6352 section 7).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dav.h"
#include "dav_internal.h"

/* A multistatus streaming into davxml; a retried request starts afresh. */
struct ms_ctx {
	struct davxml *x;
	davxml_fn fn;
	void *arg;
};

static void ms_reset(void *arg)
{
	struct ms_ctx *m = arg;

	davxml_free(m->x);
	m->x = davxml_new(m->fn, m->arg);
}

static int ms_push(void *arg, const char *buf, size_t len, struct kerr *err)
{
	struct ms_ctx *m = arg;

	if (davxml_push(m->x, buf, len, err) == 0)
		return 0;
	return davxml_permanent(m->x) ? HTTP_SINK_PERMANENT : -1;
}

/* A WebDAV request with an XML body whose answer streams into sink. */
static void xml_request(struct http_req *req, const char *method,
			const char *url, const char *depth, const char *body,
			int (*sink)(void *, const char *, size_t, struct kerr *),
			void (*reset)(void *), void *arg)
{
	memset(req, 0, sizeof *req);
	req->method = method;
	req->url = url;
	req->depth = depth;
	req->content_type = "application/xml; charset=utf-8";
	req->body = body;
	req->body_len = body ? strlen(body) : 0;
	req->follow = 1;
	req->sink = sink;
	req->reset = reset;
	req->arg = arg;
}

void dav_status_error(struct kerr *err, const char *doing, const char *method,
		      const char *url, long status)
{
	char *safe = http_redact(url), hint[256];

	switch (status) {
	case 401:
		snprintf(hint, sizeof hint, " (wrong user or password: run 'kith "
			 "account add' again, or fix password_command)");
		break;
	case 403:
		snprintf(hint, sizeof hint, " (the server refused: the account "
			 "may not have access)");
		break;
	case 404:
		snprintf(hint, sizeof hint, " (no such resource: check the URL)");
		break;
	case 429:
	case 503:
		snprintf(hint, sizeof hint, " (the server is busy: run 'kith %s' "
			 "again later)", doing);
		break;
	case 412:
		snprintf(hint, sizeof hint, " (the resource changed meanwhile: "
			 "run 'kith %s' again)", doing);
		break;
	default:
		if (status >= 500)
			snprintf(hint, sizeof hint, " (a server error: run 'kith %s' "
				 "again later, or ask its admin)", doing);
		else
			snprintf(hint, sizeof hint, " (an answer kith did not expect: "
				 "run 'kith %s' again; if it persists, check the "
				 "URL or ask the server's admin)", doing);
	}
	kerr_set(err, "%s %s: HTTP %ld%s", method, safe, status, hint);
	free(safe);
}

int dav_multistatus(struct dav_client *dc, const char *method, const char *url,
		    const char *depth, const char *body, davxml_fn fn, void *arg,
		    long *status, char **final_url, char **token, struct kerr *err)
{
	struct http_resp resp;
	struct http_req req;
	struct ms_ctx m;
	int rc = -1;

	memset(&m, 0, sizeof m);
	m.fn = fn;
	m.arg = arg;
	xml_request(&req, method, url, depth, body, ms_push, ms_reset, &m);
	if (http_request(dc, &req, &resp, err) < 0)
		goto out;
	*status = resp.status;
	if (final_url)
		*final_url = xstrdup(resp.final_url);
	if (resp.status != 207) {
		rc = 0;
		goto out;
	}
	if (davxml_finish(m.x, err) < 0) {
		char *safe = http_redact(url);

		kerr_wrap(err, "%s %s", method, safe);
		free(safe);
		goto out;
	}
	if (token) {
		const char *t = davxml_sync_token(m.x);

		*token = t ? xstrdup(t) : NULL;
	}
	rc = 0;
out:
	http_resp_free(&resp);
	davxml_free(m.x);
	return rc;
}

/* A body saved whole to a file; a retried request starts it afresh. */
static int file_push(void *arg, const char *buf, size_t len, struct kerr *err)
{
	if (fwrite(buf, 1, len, arg) != len) {
		kerr_set(err, "saving an answer to a temporary file: %s",
			 strerror(errno));
		return HTTP_SINK_PERMANENT;
	}
	return 0;
}

static void file_reset(void *arg)
{
	FILE *f = arg;

	rewind(f);
	if (ftruncate(fileno(f), 0) < 0)
		clearerr(f);	/* the next write fails, and says why */
}

int dav_report_to_file(struct dav_client *dc, const char *url,
		       const char *depth, const char *body, FILE *f,
		       long *status, struct kerr *err)
{
	struct http_resp resp;
	struct http_req req;
	int rc = -1;

	xml_request(&req, "REPORT", url, depth, body, file_push, file_reset, f);
	file_reset(f);
	if (http_request(dc, &req, &resp, err) < 0)
		goto out;
	*status = resp.status;
	if (fflush(f) != 0) {
		kerr_set(err, "saving an answer to a temporary file: %s",
			 strerror(errno));
		goto out;
	}
	rc = 0;
out:
	http_resp_free(&resp);
	return rc;
}

int dav_multistatus_file(FILE *f, davxml_fn fn, void *arg, struct kerr *err)
{
	struct davxml *x = davxml_new(fn, arg);
	char buf[65536];
	size_t n;
	int rc = -1;

	rewind(f);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		if (davxml_push(x, buf, n, err) < 0)
			goto out;
	if (ferror(f)) {
		kerr_set(err, "reading an answer back from a temporary file: %s",
			 strerror(errno));
		goto out;
	}
	rc = davxml_finish(x, err);
out:
	davxml_free(x);
	return rc;
}

static const char propfind_body[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	"<d:propfind xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\">"
	"<d:prop><d:resourcetype/><d:displayname/><d:current-user-principal/>"
	"<c:addressbook-home-set/></d:prop></d:propfind>";

/* One response of a discovery PROPFIND, as the server wrote it. */
struct seen {
	char *href, *principal, *home, *displayname;
	int collection, book;
};

struct found {
	char *principal;
	char *home;
	int self_is_book;
	char *self_name;
	struct dav_book *books;	/* children that say they are address books */
	size_t n;
	struct dav_book *colls;	/* children that are collections of any kind */
	size_t ncolls;
	long cards;		/* children that are not collections */
	struct seen *seen;	/* the answer, until it is read */
	size_t nseen;
};

static int on_response(void *arg, struct dav_response *r, struct kerr *err)
{
	struct found *f = arg;
	struct seen *e;

	(void)err;
	/* davxml bounds the answer; this bounds what discovery keeps of it. */
	if (f->nseen >= 10000)
		return 0;
	f->seen = xrealloc(f->seen, (f->nseen + 1) * sizeof *f->seen);
	e = &f->seen[f->nseen++];
	e->href = xstrdup(r->href);
	e->principal = r->principal ? xstrdup(r->principal) : NULL;
	e->home = r->home ? xstrdup(r->home) : NULL;
	e->displayname = r->displayname && *r->displayname ? xstrdup(r->displayname) : NULL;
	e->collection = r->is_collection;
	e->book = r->is_addressbook;
	return 0;
}

static void push_book(struct dav_book **v, size_t *n, char *url, const char *name)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[*n].url = url;
	(*v)[*n].displayname = name ? xstrdup(name) : NULL;
	(*n)++;
}

/* Whether a and b name the same collection (a trailing slash aside). */
static int same_collection(const char *a, const char *b)
{
	char *pa = a ? http_path(a) : NULL, *pb = b ? http_path(b) : NULL;
	size_t la = pa ? strlen(pa) : 0, lb = pb ? strlen(pb) : 0;
	int same;

	while (la > 1 && pa[la - 1] == '/')
		la--;
	while (lb > 1 && pb[lb - 1] == '/')
		lb--;
	same = pa && pb && la == lb && strncmp(pa, pb, la) == 0;
	free(pa);
	free(pb);
	return same;
}

static void seen_free(struct found *f)
{
	size_t i;

	for (i = 0; i < f->nseen; i++) {
		free(f->seen[i].href);
		free(f->seen[i].principal);
		free(f->seen[i].home);
		free(f->seen[i].displayname);
	}
	free(f->seen);
	f->seen = NULL;
	f->nseen = 0;
}

/*
 * Reads the collected answer against base, the URL that answered (after
 * redirects): hrefs resolve against it, and the response for its own path
 * speaks for the resource asked about.
 */
static void read_seen(struct found *f, const char *base)
{
	size_t i;

	for (i = 0; i < f->nseen; i++) {
		struct seen *e = &f->seen[i];
		/* Calypso answers for "/a/" as "/a": the same collection. */
		char *url = http_resolve(base, e->href);
		int self = url && same_collection(url, base);

		free(url);

		/*
		 * Only the resource asked about speaks for the user: Radicale 3
		 * gives a child principal's home set as "/" when listed from
		 * the root.
		 */
		if (self && e->principal && !f->principal)
			f->principal = http_resolve(base, e->principal);
		if (self && e->home && !f->home)
			f->home = http_resolve(base, e->home);
		if ((e->book || e->collection) && !http_path_plain(e->href)) {
			/* "/alice/../" would resolve to the server root: not a book. */
			char *safe = http_redact(e->href);

			if (e->book)
				term_printf(stderr, "kith: warning: skipped the address "
					    "book %s: its URL has '.' or '..' segments\n", safe);
			free(safe);
		} else if (self) {
			if (e->book) {
				f->self_is_book = 1;
				free(f->self_name);
				f->self_name = e->displayname ? xstrdup(e->displayname) : NULL;
			}
		} else if (e->collection || e->book) {
			char *child = http_resolve(base, e->href);

			if (child && e->book)
				push_book(&f->books, &f->n, xstrdup(child), e->displayname);
			if (child && e->collection)
				push_book(&f->colls, &f->ncolls, xstrdup(child), e->displayname);
			free(child);
		} else {
			f->cards++;
		}
	}
	seen_free(f);
}

/*
 * PROPFIND url at depth; fills f. -1 on transport/XML errors; *status set.
 * One request, redirects included: the answer is read against the URL
 * that gave it (DAViCal redirects /.well-known/carddav to its principal).
 */
static int probe(struct dav_client *dc, const char *url, const char *depth,
		 struct found *f, long *status, char **final, struct kerr *err)
{
	int rc;

	*final = NULL;
	rc = dav_multistatus(dc, "PROPFIND", url, depth, propfind_body,
			     on_response, f, status, final, NULL, err);
	if (rc == 0 && *status == 207)
		read_seen(f, *final ? *final : url);
	else
		seen_free(f);	/* what a broken answer left */
	if (rc == 0 && !*final)
		*final = xstrdup(url);
	return rc;
}

void dav_books_free(struct dav_book *books, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(books[i].url);
		free(books[i].displayname);
	}
	free(books);
}

static void found_free(struct found *f)
{
	free(f->principal);
	free(f->home);
	free(f->self_name);
	dav_books_free(f->books, f->n);
	dav_books_free(f->colls, f->ncolls);
	memset(f, 0, sizeof *f);
}

/*
 * Keeps the books on the origin the user typed. Credentials never go to
 * another host, so a book there (a redirect, or an absolute href naming
 * another server) would later receive the password at sync: it is
 * dropped, and when none is left that is an error saying what to do.
 */
static int same_origin_books(const char *url, struct dav_book **books,
			     size_t *n, struct kerr *err)
{
	char *want = http_origin(url), *other = NULL;
	size_t i, k = 0;
	int rc = 0;

	for (i = 0; i < *n; i++) {
		char *o = http_origin((*books)[i].url);

		if (want && o && strcmp(o, want) == 0) {
			(*books)[k++] = (*books)[i];
		} else {
			if (!other)
				other = http_redact((*books)[i].url);
			free((*books)[i].url);
			free((*books)[i].displayname);
		}
		free(o);
	}
	if (other && k == 0) {
		kerr_set(err, "the address books at %s are on another host than "
			 "%s; kith never sends your password to another host: if "
			 "you trust it, add the account with that URL", other, url);
		dav_books_free(*books, 0);
		*books = NULL;
		rc = -1;
	} else if (other) {
		term_printf(stderr, "kith: warning: skipped %s: it is on another host "
			"than %s\n", other, url);
	}
	*n = k;
	free(want);
	free(other);
	return rc;
}

/* Levels and requests discovery spends looking inside folders of books. */
#define FOLDER_DEPTH 3
#define FOLDER_PROBES 32

static int expand(struct dav_client *dc, const char *url, int depth, int *probes,
		  struct dav_book **books, size_t *n, struct kerr *err);

/* The books among f's children: what they say, or what is inside them. */
static int expand_children(struct dav_client *dc, const struct found *f,
			   int depth, int *probes, struct dav_book **books,
			   size_t *n, struct kerr *err)
{
	size_t i;

	for (i = 0; i < f->ncolls; i++)
		if (expand(dc, f->colls[i].url, depth, probes, books, n, err) < 0)
			return -1;
	return 0;
}

/*
 * A collection that says it is an address book but holds no cards, only
 * collections, is a folder of books: Calypso says every collection is an
 * address book and its own home set, "/" included, while its listings
 * call the real books calendars. Such a folder is looked into, down to
 * FOLDER_DEPTH levels and FOLDER_PROBES requests; a collection with cards,
 * or with nothing inside, is a book.
 */
static int expand(struct dav_client *dc, const char *url, int depth, int *probes,
		  struct dav_book **books, size_t *n, struct kerr *err)
{
	struct found f;
	char *final = NULL;
	long status = 0;
	size_t i;
	int rc = 0;

	memset(&f, 0, sizeof f);
	if ((*probes)++ >= FOLDER_PROBES)
		return 0;
	if (probe(dc, url, "1", &f, &status, &final, err) < 0) {
		rc = -1;
	} else if (status != 207) {
		rc = 0;		/* a collection that cannot be listed is not a book */
	} else if (f.self_is_book && (f.ncolls == 0 || f.cards > 0)) {
		push_book(books, n, xstrdup(final), f.self_name);
	} else if (f.self_is_book) {
		if (depth > 0)
			rc = expand_children(dc, &f, depth - 1, probes, books, n, err);
	} else {
		for (i = 0; i < f.n; i++)
			push_book(books, n, xstrdup(f.books[i].url), f.books[i].displayname);
	}
	found_free(&f);
	free(final);
	return rc;
}

/* Whether url is the server's root. */
static int is_root(const char *url)
{
	char *p = http_path(url);
	int root = !p || strcmp(p, "/") == 0 || !*p;

	free(p);
	return root;
}

int dav_discover(struct dav_client *dc, const char *url, struct dav_book **books,
		 size_t *n, struct kerr *err)
{
	int probes = 0;
	struct found f, g;
	char *final = NULL, *wk = NULL, *principal = NULL, *home = NULL;
	long status = 0;
	int rc = -1;

	*books = NULL;
	*n = 0;
	memset(&f, 0, sizeof f);
	memset(&g, 0, sizeof g);
	/*
	 * 1. The URL itself: an address book, a principal, or a home set.
	 * Depth 0 first: at Depth 1 an address book lists every card (30 s
	 * for 10,000 on Radicale) just to say what it is.
	 */
	if (probe(dc, url, "0", &f, &status, &final, err) < 0)
		goto out;
	if (status == 207 && !f.self_is_book && !f.principal && !f.home) {
		/* Perhaps a plain collection holding the books: look inside. */
		found_free(&f);
		free(final);
		final = NULL;
		if (probe(dc, url, "1", &f, &status, &final, err) < 0)
			goto out;
	}
	if (status == 401) {
		dav_status_error(err, "account add", "PROPFIND", url, status);
		goto out;
	}
	if (status == 207 && f.self_is_book &&
	    (is_root(final) || same_collection(f.home, final))) {
		/* A book that is the root or its own home set: look inside. */
		if (expand(dc, final, FOLDER_DEPTH, &probes, books, n, err) < 0)
			goto out;
		if (*n == 0) {
			char *safe = http_redact(final);

			kerr_set(err, "%s says it is an address book but holds "
				 "neither cards nor books kith can find: give "
				 "the address book's own URL", safe);
			free(safe);
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (status == 207 && f.self_is_book) {
		*books = xcalloc(1, sizeof **books);
		(*books)[0].url = xstrdup(final);
		(*books)[0].displayname = f.self_name ? xstrdup(f.self_name) : NULL;
		*n = 1;
		rc = 0;
		goto out;
	}
	if (status == 207 && f.n > 0) {
		/* It was the home set: its children are the books. */
		*books = f.books;
		*n = f.n;
		f.books = NULL;
		f.n = 0;
		rc = 0;
		goto out;
	}
	principal = f.principal ? xstrdup(f.principal) : NULL;
	home = f.home ? xstrdup(f.home) : NULL;
	/* 2. RFC 6764 section 5: the well-known URI on the same origin. */
	if (!principal && !home) {
		char *origin = http_origin(url);

		free(final);
		final = NULL;
		if (origin) {
			wk = xasprintf("%s/.well-known/carddav", origin);
			free(origin);
			found_free(&g);
			if (probe(dc, wk, "0", &g, &status, &final, err) < 0)
				goto out;
			if (status == 207) {
				principal = g.principal ? xstrdup(g.principal) : NULL;
				home = g.home ? xstrdup(g.home) : NULL;
			}
		}
	}
	if (!principal && !home) {
		char *safe = http_redact(url);

		kerr_set(err, "no CardDAV address book found at %s (the server "
			 "gave no principal or address book home): give the "
			 "address book's URL instead", safe);
		free(safe);
		goto out;
	}
	/* 3. The principal names its addressbook-home-set. */
	if (!home) {
		found_free(&g);
		free(final);
		final = NULL;
		if (probe(dc, principal, "0", &g, &status, &final, err) < 0)
			goto out;
		if (status != 207 || !g.home) {
			if (status != 207)
				dav_status_error(err, "account add", "PROPFIND", principal, status);
			else
				kerr_set(err, "the principal %s names no "
					 "addressbook-home-set: the server may "
					 "not offer CardDAV", principal);
			goto out;
		}
		home = xstrdup(g.home);
	}
	/* 4. The home set's children that are address books. */
	found_free(&g);
	free(final);
	final = NULL;
	if (probe(dc, home, "1", &g, &status, &final, err) < 0)
		goto out;
	if (status != 207) {
		dav_status_error(err, "account add", "PROPFIND", home, status);
		goto out;
	}
	if (g.self_is_book && g.ncolls > 0 && g.cards == 0) {
		/* A home set that calls itself a book (Calypso): look inside. */
		if (expand_children(dc, &g, FOLDER_DEPTH - 1, &probes, books, n, err) < 0)
			goto out;
	} else if (g.self_is_book) {
		*books = xcalloc(1, sizeof **books);
		(*books)[0].url = xstrdup(final);
		(*books)[0].displayname = g.self_name ? xstrdup(g.self_name) : NULL;
		*n = 1;
	} else {
		*books = g.books;
		*n = g.n;
		g.books = NULL;
		g.n = 0;
	}
	if (*n == 0) {
		kerr_set(err, "the server has no address book under %s: create "
			 "one in its web interface or on your phone first", home);
		goto out;
	}
	rc = 0;
out:
	if (rc == 0 && same_origin_books(url, books, n, err) < 0)
		rc = -1;
	found_free(&f);
	found_free(&g);
	free(final);
	free(wk);
	free(principal);
	free(home);
	return rc;
}
