/*
 * pull.c: bring the cache up to the server's state (RFC 6578 sync-
 * collection; else getctag and a PROPFIND etag listing), then fetch the
 * changed cards with addressbook-multiget (RFC 6352 section 8.7).
 *
 * Invariants: a card goes only when the server says so (404 in a sync
 * report, or absent from a complete listing); a card missing from a
 * multiget is retried, never taken as deleted; the sync token is stored
 * only in the transaction that commits the last change it covers, so a
 * killed sync resumes from the old token and re-fetches only what the
 * cache does not already hold (etags match).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dav.h"
#include "dav_internal.h"

/*
 * Hrefs per addressbook-multiget. Radicale lists the whole book for every
 * request (80 ms at 10,000 cards), so few, large requests are faster:
 * 10 requests of 1,000 took 1.7 s where one of 10,000 took 1.0 s.
 * (Xandikos's time goes by the card, about 12 ms each at 1,500, whatever
 * the request's size.) 10,000 hrefs make a body of 0.7-1 MB; a server or
 * proxy that answers 413 or 507 gets half as many, down to MULTIGET_MIN.
 */
#define MULTIGET_MAX 10000
#define MULTIGET_MIN 100
/*
 * Cards per transaction while a multiget streams in: a sync killed or cut
 * off keeps what it stored, and the next one asks only for the rest.
 */
#define COMMIT_EVERY 500
#define MAX_TRUNCATED 100	/* 507 continuations before giving up */
/*
 * Members one listing may name. A listing is held in memory (the hrefs to
 * fetch or delete), about 100 bytes per member; 200,000 is twenty times
 * the largest address books seen in practice (iCloud caps a book at
 * 50,000) and about 20 MB, so a server that lists without end cannot
 * exhaust memory.
 */
#define MAX_LISTING 200000

/* The cache's (href path, etag) pairs, sorted for lookup. */
struct etag_map {
	char **href;
	char **etag;
	char *seen;		/* listed by the server in this sync */
	size_t n, cap;
};

static int map_add(void *arg, const char *href, const char *etag)
{
	struct etag_map *m = arg;

	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->href = xrealloc(m->href, m->cap * sizeof *m->href);
		m->etag = xrealloc(m->etag, m->cap * sizeof *m->etag);
	}
	m->href[m->n] = xstrdup(href);
	m->etag[m->n] = xstrdup(etag ? etag : "");
	m->n++;
	return 0;
}

static struct etag_map *sort_map;

static int idx_cmp(const void *a, const void *b)
{
	return strcmp(sort_map->href[*(const size_t *)a],
		      sort_map->href[*(const size_t *)b]);
}

static void map_sort(struct etag_map *m)
{
	size_t *idx = xmalloc((m->n + 1) * sizeof *idx), i;
	char **h = xmalloc((m->n + 1) * sizeof *h), **e = xmalloc((m->n + 1) * sizeof *e);

	for (i = 0; i < m->n; i++)
		idx[i] = i;
	sort_map = m;
	if (m->n)
		qsort(idx, m->n, sizeof *idx, idx_cmp);
	for (i = 0; i < m->n; i++) {
		h[i] = m->href[idx[i]];
		e[i] = m->etag[idx[i]];
	}
	free(m->href);
	free(m->etag);
	free(idx);
	m->href = h;
	m->etag = e;
	m->seen = xcalloc(m->n + 1, 1);
}

static long map_find(const struct etag_map *m, const char *href)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->href[mid], href);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void map_free(struct etag_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->href[i]);
		free(m->etag[i]);
	}
	free(m->href);
	free(m->etag);
	free(m->seen);
	memset(m, 0, sizeof *m);
}

struct pull {
	struct dav_client *dc;
	struct cache *c;
	const struct cache_book *book;
	struct sync_stats *st;
	sync_progress_fn progress;
	void *parg;
	char *book_path;
	char *book_origin;	/* "scheme://host:port" of the book */
	size_t listed;		/* members named by the current listing */
	size_t fetch_cap, gone_cap;
	char **want;		/* the hrefs the current multiget asked for, sorted */
	size_t nwant;
	char *got;		/* got[i]: want[i] arrived (a retried answer repeats) */
	struct etag_map map;
	struct strv fetch;	/* href paths to fetch */
	struct strv gone;	/* href paths the server deleted */
	int truncated;		/* a 507 said there is more */
	size_t batch;		/* hrefs per multiget, halved when refused */
	size_t uncommitted;	/* cards stored in the open transaction */
	int card_errors;	/* cards that failed to store */
	struct kerr card_err;	/* the first of them */
};

/* strv_push with a doubling capacity: listings run to many thousands. */
static void list_push(struct strv *l, size_t *cap, const char *s)
{
	if (l->n + 2 > *cap) {
		*cap = *cap < 64 ? 64 : *cap * 2;
		if (*cap < l->n + 2)
			*cap = l->n + 2;
		l->v = xrealloc(l->v, *cap * sizeof *l->v);
	}
	l->v[l->n++] = xstrdup(s);
	l->v[l->n] = NULL;
}

/*
 * The href's path when it names a member of the book: not the book
 * itself, not something elsewhere on the server, not another host (an
 * absolute href must have the book's scheme, host and port). NULL
 * otherwise: such hrefs are ignored, never stored.
 */
static char *member_path(struct pull *p, const char *href)
{
	char *path, *origin;
	size_t blen = strlen(p->book_path);

	if (strstr(href, "://")) {
		origin = http_origin(href);
		if (!origin || !p->book_origin || strcmp(origin, p->book_origin) != 0) {
			free(origin);
			return NULL;
		}
		free(origin);
	} else if (href[0] != '/') {
		return NULL;	/* RFC 4918 8.3: an absolute URI or path */
	}
	path = http_path(href);

	if (strncmp(path, p->book_path, blen) != 0 || path[blen] == '\0' ||
	    strchr(path + blen, '/')) {
		free(path);
		return NULL;
	}
	return path;
}

/* A sync report or etag listing entry: note what changed. */
static int on_listing(void *arg, struct dav_response *r, struct kerr *err)
{
	struct pull *p = arg;
	char *path;
	long i;

	if (r->status == 507) {
		p->truncated = 1;
		return 0;
	}
	path = member_path(p, r->href);
	if (!path)
		return 0;	/* the collection itself, or an href outside it */
	if (++p->listed > MAX_LISTING) {
		kerr_set(err, "%s: the server lists more than %d cards in one "
			 "answer; kith stopped reading it (a broken or hostile "
			 "server: ask its admin)", p->book->url, MAX_LISTING);
		free(path);
		return -1;
	}
	i = map_find(&p->map, path);
	if (r->status == 404) {
		if (i >= 0)
			list_push(&p->gone, &p->gone_cap, path);
	} else if (r->ok_props && r->is_collection) {
		/* a sub-collection is not a card */
	} else if (r->ok_props || r->status == 200 || r->status == 0) {
		if (i >= 0)
			p->map.seen[i] = 1;
		if (i < 0 || !r->etag || strcmp(p->map.etag[i], r->etag) != 0)
			list_push(&p->fetch, &p->fetch_cap, path);
	}
	free(path);
	return 0;
}

static void progress(struct pull *p)
{
	if (p->progress)
		p->progress(p->parg, p->st);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A multiget response: store the card. A failure spoils one card only. */
static int on_card(void *arg, struct dav_response *r, struct kerr *err)
{
	struct pull *p = arg;
	struct kerr cerr;
	char *path, **w;
	long i;
	int again;

	path = member_path(p, r->href);
	if (!path)
		return 0;
	/* Only what was asked for: a server cannot slip in other cards. */
	w = bsearch(&path, p->want, p->nwant, sizeof *p->want, str_cmp);
	if (!w) {
		free(path);
		return 0;
	}
	if (!r->has_data || !r->ok_props || r->status == 404) {
		free(path);
		return 0;	/* missing: retried, never taken as deleted */
	}
	i = map_find(&p->map, path);
	if (cache_card_put(p->c, p->book->id, path, r->etag, r->data.buf ?
			   r->data.buf : "", r->data.len, &cerr) < 0) {
		if (p->card_errors++ == 0)
			p->card_err = cerr;
		free(path);
		/* A storage failure (disk full) spoils the whole batch. */
		*err = cerr;
		return -1;
	}
	free(path);
	if (++p->uncommitted >= COMMIT_EVERY) {
		if (cache_commit(p->c, err) < 0 || cache_begin(p->c, err) < 0)
			return -1;
		p->uncommitted = 0;
	}
	/* An answer cut and sent again stores a card twice: count it once. */
	again = p->got[w - p->want];
	p->got[w - p->want] = 1;
	if (again)
		return 0;
	if (i >= 0)
		p->st->changed++;
	else
		p->st->added++;
	p->st->cards++;
	p->st->bytes += (long)r->data.len;
	if (p->st->cards % 250 == 0)
		progress(p);
	return 0;
}

static char *xml_escape(const char *s)
{
	struct sbuf b = {0};

	for (; *s; s++) {
		switch (*s) {
		case '&': sbuf_adds(&b, "&amp;"); break;
		case '<': sbuf_adds(&b, "&lt;"); break;
		case '>': sbuf_adds(&b, "&gt;"); break;
		case '"': sbuf_adds(&b, "&quot;"); break;
		default: sbuf_addc(&b, *s);
		}
	}
	return sbuf_detach(&b, NULL);
}

/*
 * Fetches hrefs[0..n) in one multiget, committing what arrives every
 * COMMIT_EVERY cards, token (when not NULL) with the last of them.
 * 0 done, 1 when the server refused a request that large (nothing was
 * stored), -1 error.
 */
static int multiget(struct pull *p, char **hrefs, size_t n, const char *token,
		    struct strv *missing, struct kerr *err)
{
	struct sbuf body = {0};
	long status = 0;
	size_t i;
	int rc = -1;

	sbuf_adds(&body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		  "<c:addressbook-multiget xmlns:d=\"DAV:\" "
		  "xmlns:c=\"urn:ietf:params:xml:ns:carddav\">"
		  "<d:prop><d:getetag/><c:address-data/></d:prop>");
	for (i = 0; i < n; i++) {
		char *e = xml_escape(hrefs[i]);

		sbuf_addf(&body, "<d:href>%s</d:href>", e);
		free(e);
	}
	sbuf_adds(&body, "</c:addressbook-multiget>");
	p->want = hrefs;	/* sorted: apply() sorts, and missing keeps that order */
	p->nwant = n;
	free(p->got);
	p->got = xcalloc(n + 1, 1);
	if (cache_begin(p->c, err) < 0)
		goto out;
	p->uncommitted = 0;
	if (dav_multistatus(p->dc, "REPORT", p->book->url, "1", body.buf, on_card,
			    p, &status, NULL, NULL, err) < 0) {
		cache_rollback(p->c);
		kerr_wrap(err, "fetching cards of %s", p->book->url);
		goto out;
	}
	if ((status == 413 || status == 507) && n > MULTIGET_MIN) {
		cache_rollback(p->c);
		rc = 1;
		goto out;
	}
	if (status != 207) {
		cache_rollback(p->c);
		dav_status_error(err, "REPORT addressbook-multiget", p->book->url,
				 status);
		goto out;
	}
	if (token && cache_book_set_state(p->c, p->book->id, token, NULL, err) < 0) {
		cache_rollback(p->c);
		goto out;
	}
	if (cache_commit(p->c, err) < 0)
		goto out;
	/* What the server did not return is fetched again, never deleted. */
	for (i = 0; i < n; i++)
		if (!p->got[i])
			strv_push(missing, hrefs[i]);
	rc = 0;
out:
	sbuf_free(&body);
	return rc;
}

/*
 * Fetches p->fetch and applies p->gone; stores token (when not NULL)
 * with the last batch, and only if every card arrived.
 */
static int apply(struct pull *p, const char *token, struct kerr *err)
{
	struct strv missing = {0};
	size_t i, n;
	int round, rc = -1;

	if (cache_begin(p->c, err) < 0)
		goto out;
	for (i = 0; i < p->gone.n; i++) {
		int r = cache_card_gone(p->c, p->book->id, p->gone.v[i], err);

		if (r < 0) {
			cache_rollback(p->c);
			goto out;
		}
		/* A card kept for its notes is counted by push, which warns. */
		if (r == 0)
			p->st->removed++;
	}
	if (p->fetch.n == 0 && token &&
	    cache_book_set_state(p->c, p->book->id, token, NULL, err) < 0) {
		cache_rollback(p->c);
		goto out;
	}
	if (cache_commit(p->c, err) < 0)
		goto out;
	/* Sorted fetches hit the server's storage in order and dedupe. */
	if (p->fetch.n) {
		size_t k = 0;

		qsort(p->fetch.v, p->fetch.n, sizeof *p->fetch.v, str_cmp);
		/* A listing that names a card twice fetches it once. */
		for (i = 0; i < p->fetch.n; i++) {
			if (k > 0 && strcmp(p->fetch.v[k - 1], p->fetch.v[i]) == 0)
				free(p->fetch.v[i]);
			else
				p->fetch.v[k++] = p->fetch.v[i];
		}
		p->fetch.n = k;
		p->fetch.v[k] = NULL;
	}
	for (round = 0; round < 3 && p->fetch.n > 0; round++) {
		for (i = 0; i < p->fetch.n; i += n) {
			int last, r;

			n = p->fetch.n - i < p->batch ? p->fetch.n - i : p->batch;
			last = i + n >= p->fetch.n;
			r = multiget(p, p->fetch.v + i, n,
				     last && missing.n == 0 && round == 0 ? token : NULL,
				     &missing, err);
			if (r < 0)
				goto out;
			if (r > 0) {
				/* Refused as too large: the same hrefs, in halves. */
				p->batch = n / 2 > MULTIGET_MIN ? n / 2 : MULTIGET_MIN;
				n = 0;
				continue;
			}
			progress(p);
		}
		strv_free(&p->fetch);
		p->fetch = missing;
		p->fetch_cap = 0;
		memset(&missing, 0, sizeof missing);
	}
	if (p->fetch.n > 0) {
		p->st->failed += (long)p->fetch.n;
		kerr_set(err, "%s: the server did not return %zu card(s), e.g. %s; "
			 "they stay as they were and the next sync asks again",
			 p->book->url, p->fetch.n, p->fetch.v[0]);
		goto out;
	}
	if (round > 1 && token) {
		/* Retried cards arrived: now the token may be stored. */
		if (cache_book_set_state(p->c, p->book->id, token, NULL, err) < 0)
			goto out;
	}
	rc = 0;
out:
	strv_free(&missing);
	return rc;
}

static char *sync_body(const char *token)
{
	char *e = xml_escape(token ? token : "");
	char *b = xasprintf("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			    "<d:sync-collection xmlns:d=\"DAV:\">"
			    "<d:sync-token>%s</d:sync-token>"
			    "<d:sync-level>1</d:sync-level>"
			    "<d:prop><d:getetag/></d:prop></d:sync-collection>", e);

	free(e);
	return b;
}

/*
 * RFC 6578. Returns 0 done, 1 when the server does not support it (the
 * caller falls back), -1 error.
 */
static int pull_sync_collection(struct pull *p, struct kerr *err)
{
	const char *depth = "0";
	char *token = p->book->sync_token ? xstrdup(p->book->sync_token) : NULL;
	int rounds = 0, full = token == NULL, rc = -1;

	for (;;) {
		char *body = sync_body(token), *newtok = NULL;
		long status = 0;

		p->truncated = 0;
		p->listed = 0;
		strv_free(&p->fetch);
		strv_free(&p->gone);
		p->fetch_cap = p->gone_cap = 0;
		if (dav_multistatus(p->dc, "REPORT", p->book->url, depth, body,
				    on_listing, p, &status, NULL, &newtok, err) < 0) {
			free(body);
			goto out;
		}
		free(body);
		if (status == 400 && strcmp(depth, "0") == 0 && rounds == 0) {
			/* RFC 6578 3.3 says Depth: 0; Google and others want 1. */
			depth = "1";
			continue;
		}
		if ((status == 403 || status == 409 || status == 412 ||
		     status == 400) && token) {
			/* An invalid token (3.2 valid-sync-token): start over. */
			free(token);
			token = NULL;
			full = 1;
			rounds = 0;
			depth = "0";
			continue;
		}
		if (status == 403 || status == 400 || status == 404 ||
		    status == 405 || status == 501) {
			rc = 1;	/* not supported here: fall back */
			goto out;
		}
		if (status != 207) {
			dav_status_error(err, "REPORT sync-collection", p->book->url,
					 status);
			goto out;
		}
		if (!newtok || !*newtok) {
			free(newtok);
			rc = 1;
			goto out;
		}
		if (full && !p->truncated) {
			/* A complete initial listing: what it did not name is gone. */
			size_t i;

			for (i = 0; i < p->map.n; i++)
				if (!p->map.seen[i])
					list_push(&p->gone, &p->gone_cap,
						  p->map.href[i]);
		}
		if (apply(p, newtok, err) < 0) {
			free(newtok);
			goto out;
		}
		free(token);
		token = newtok;
		if (!p->truncated)
			break;
		/* 507: more changes follow; ask again from the new token. */
		if (++rounds > MAX_TRUNCATED) {
			kerr_set(err, "%s: the server kept truncating the sync "
				 "report; sync again to continue", p->book->url);
			goto out;
		}
		full = 0;
	}
	rc = 0;
out:
	free(token);
	return rc;
}

static const char ctag_body[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	"<d:propfind xmlns:d=\"DAV:\" xmlns:cs=\"http://calendarserver.org/ns/\">"
	"<d:prop><cs:getctag/></d:prop></d:propfind>";

static const char etag_body[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	"<d:propfind xmlns:d=\"DAV:\"><d:prop><d:getetag/><d:resourcetype/>"
	"</d:prop></d:propfind>";

struct ctag_ctx {
	struct pull *p;
	char *ctag;
};

static int on_ctag(void *arg, struct dav_response *r, struct kerr *err)
{
	struct ctag_ctx *cx = arg;

	if (r->ctag && !cx->ctag)
		cx->ctag = xstrdup(r->ctag);
	return 0;
}

/* No sync-collection: compare getctag, then a complete etag listing. */
static int pull_etags(struct pull *p, struct kerr *err)
{
	struct ctag_ctx cx = {p, NULL};
	long status = 0;
	size_t i;
	int rc = -1;

	if (dav_multistatus(p->dc, "PROPFIND", p->book->url, "0", ctag_body,
			    on_ctag, &cx, &status, NULL, NULL, err) < 0)
		goto out;
	if (status == 207 && cx.ctag && p->book->ctag &&
	    strcmp(cx.ctag, p->book->ctag) == 0) {
		rc = 0;	/* nothing changed */
		goto out;
	}
	strv_free(&p->fetch);
	strv_free(&p->gone);
	p->fetch_cap = p->gone_cap = 0;
	p->listed = 0;
	if (dav_multistatus(p->dc, "PROPFIND", p->book->url, "1", etag_body,
			    on_listing, p, &status, NULL, NULL, err) < 0)
		goto out;
	if (status != 207) {
		dav_status_error(err, "PROPFIND", p->book->url, status);
		goto out;
	}
	for (i = 0; i < p->map.n; i++)
		if (!p->map.seen[i])
			list_push(&p->gone, &p->gone_cap, p->map.href[i]);
	if (apply(p, NULL, err) < 0)
		goto out;
	if (cx.ctag && cache_book_set_state(p->c, p->book->id, NULL, cx.ctag, err) < 0)
		goto out;
	rc = 0;
out:
	free(cx.ctag);
	return rc;
}

int sync_pull(struct dav_client *dc, struct cache *c, const struct cache_book *book,
	      struct sync_stats *st, sync_progress_fn prog, void *arg,
	      struct kerr *err)
{
	struct pull p;
	int rc = -1, r;

	memset(&p, 0, sizeof p);
	p.dc = dc;
	p.c = c;
	p.book = book;
	p.st = st;
	p.progress = prog;
	p.parg = arg;
	p.batch = MULTIGET_MAX;
	p.book_path = http_path(book->url);
	if (p.book_path[strlen(p.book_path) - 1] != '/') {
		char *s = xasprintf("%s/", p.book_path);

		free(p.book_path);
		p.book_path = s;
	}
	p.book_origin = http_origin(book->url);
	if (cache_card_etags(c, book->id, map_add, &p.map, err) < 0)
		goto out;
	map_sort(&p.map);
	r = pull_sync_collection(&p, err);
	if (r == 1)
		r = pull_etags(&p, err);
	if (r < 0)
		goto out;
	rc = 0;
out:
	progress(&p);
	map_free(&p.map);
	strv_free(&p.fetch);
	strv_free(&p.gone);
	free(p.got);
	free(p.book_path);
	free(p.book_origin);
	return rc;
}
