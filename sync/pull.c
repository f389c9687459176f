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
 *
 * One card the server cannot serve does not stop the book: a multiget
 * refused with 500 or another 4xx is split in halves until the card is
 * found, which is then asked for alone (GET); when that fails too, it is
 * noted as unreadable at the etag its listing gave, named once, and not
 * asked for again until that etag changes. The rest of the book syncs and
 * its token advances. (Xandikos answers 500 to any multiget that holds a
 * card whose bytes are not UTF-8.)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dav.h"
#include "dav_internal.h"

/*
 * Hrefs per addressbook-multiget. Radicale lists the whole book for every
 * request (80 ms at 10,000 cards), so few, large requests are faster:
 * 10 requests of 1,000 took 1.7 s where one of 10,000 took 1.0 s.
 * 10,000 hrefs make a body of 0.7-1 MB; a server or proxy that answers
 * 413 or 507 gets half as many, down to MULTIGET_MIN.
 */
#define MULTIGET_MAX 10000
#define MULTIGET_MIN 100
/*
 * But a server may take long over each card and send nothing until it has
 * them all: Xandikos looks each href up through the whole book, 6 ms a
 * card at 300 cards and 30 ms at 1,500 on a slow machine, so a multiget of
 * a 1,500-card book is 45 s of silence, and kith gives up on a server
 * silent for 30 s (http_stall_seconds). So the first multiget asks for
 * FIRST_CHUNK cards, and the next ones for as many as the last measured
 * answer says fit in a quarter of that silence (at least TIMED_MIN), on
 * the safe side of a server slower under load. A multiget that stalls
 * all the same, before any card arrived, is asked again for a quarter as
 * many, MAX_STALLS times a sync.
 */
#define FIRST_CHUNK 200
#define TIMED_MIN 16
#define MAX_STALLS 3
/*
 * Radicale computes a whole multistatus before it sends a byte, so kith's
 * storing of one answer could overlap only the server's work on the next.
 * A fetch of at least PIPELINE_MIN cards is split 70/30: the second
 * request goes out (from a thread, into a temporary file) as soon as the
 * first answer starts to arrive, and the server computes it while kith
 * stores the first. Only the small part's storing is left at the end.
 */
#define PIPELINE_MIN 2000
/*
 * Cards per transaction while a multiget streams in: a sync killed or cut
 * off keeps what it stored, and the next one asks only for the rest. Each
 * commit writes the index pages it touched again and adds a search-index
 * segment: 2,000 used a tenth less CPU than 500 at 10,000 cards.
 */
#define COMMIT_EVERY 2000
#define COMMIT_BYTES (32L << 20)	/* or every 32 MB of cards, photos counted */
/*
 * A multiget's answer is bounded by the cards it asks for, not by the
 * book: 1 MB a card on average (DAVXML_MAX_CARD bounds each one), at
 * least the 256 MB a listing gets. Once cards have arrived, batches are
 * sized so that one answer is about BATCH_BYTES: 1,300 cards with 230 kB
 * photos (295 MB) then go in five requests, each committed as it streams.
 */
#define STREAM_PER_CARD (1L << 20)
#define STREAM_MIN (256L << 20)
#define BATCH_BYTES (64L << 20)
#define MAX_TRUNCATED 100	/* 507 continuations before giving up */
/*
 * Cards asked for alone after their multigets were refused, per sync:
 * past that, the refusal is the book's (a server that refuses every
 * multiget), not one card's, and the sync fails as before.
 */
#define MAX_ALONE 64
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
	free(m->seen);
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

struct prefetch;
static void prefetch_go(struct prefetch *f);

/* The bound of a multiget's answer for n cards. */
static size_t stream_cap(size_t n)
{
	size_t cap = n * (size_t)STREAM_PER_CARD + (1u << 20);

	return cap > (size_t)STREAM_MIN ? cap : (size_t)STREAM_MIN;
}

struct pull {
	struct dav_client *dc;
	struct cache *c;
	const struct cache_book *book;
	struct sync_stats *st;
	sync_progress_fn progress;
	sync_report_fn report;
	void *parg;		/* for both */
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
	long uncommitted_bytes;	/* and their bytes */
	struct prefetch *pf;	/* the next multiget, sent when this one answers */
	int card_errors;	/* cards that failed to store */
	struct kerr card_err;	/* the first of them */
	struct etag_map bad;	/* cards noted unreadable, at their etags */
	struct etag_map lmap;	/* (href, etag) the listing gave for fetch */
	int lmap_sorted;
	long refused;		/* the status of the last refused multiget */
	int alone;		/* cards asked for alone in this sync */
	int token_pending;	/* a refused batch held the token */
	double per_card;	/* seconds a card took in the last timed answer; 0: none yet */
	int stalls;		/* multigets asked again smaller after a stall */
	size_t arrived;		/* cards of the current answer stored */
	struct learned learned;	/* what the server taught earlier syncs */
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
	return http_member(p->book_path, p->book_origin, href);
}

/*
 * Whether a listing came from another collection than the book (a
 * redirect on the same host): its hrefs would all look foreign, and a
 * complete listing naming none of the cards would delete them here.
 */
static int moved(struct pull *p, const char *final, struct kerr *err)
{
	char *fp;
	int other;

	if (!final)
		return 0;
	fp = http_collection_path(final);
	other = strcmp(fp, p->book_path) != 0;
	free(fp);
	if (other)
		kerr_set(err, "the server answered for the address book %s from "
			 "%s instead: the book may have moved; run 'kith account "
			 "add' again with the server's URL to find it", p->book->url,
			 final);
	return other;
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
		if (p->bad.n && map_find(&p->bad, path) >= 0 &&
		    cache_unreadable_clear(p->c, p->book->id, path, err) < 0) {
			free(path);
			return -1;
		}
	} else if (r->ok_props && r->is_collection) {
		/* a sub-collection is not a card */
	} else if (r->ok_props || r->status == 200 || r->status == 0) {
		long b = p->bad.n ? map_find(&p->bad, path) : -1;

		if (i >= 0)
			p->map.seen[i] = 1;
		if (i >= 0 && r->etag && strcmp(p->map.etag[i], r->etag) == 0) {
			/* unchanged */
		} else if (b >= 0 && r->etag && strcmp(p->bad.etag[b], r->etag) == 0) {
			p->st->unreadable++;	/* still the version it could not serve */
		} else {
			list_push(&p->fetch, &p->fetch_cap, path);
			map_add(&p->lmap, path, r->etag);
			p->lmap_sorted = 0;
		}
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

	if (p->pf)
		prefetch_go(p->pf);	/* the answer is coming: ask for the next */
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
	if ((p->bad.n && map_find(&p->bad, path) >= 0 &&
	     cache_unreadable_clear(p->c, p->book->id, path, &cerr) < 0) ||
	    cache_card_put(p->c, p->book->id, path, r->etag, r->data.buf ?
			   r->data.buf : "", r->data.len, &cerr) < 0) {
		if (p->card_errors++ == 0)
			p->card_err = cerr;
		free(path);
		/* A storage failure (disk full) spoils the whole batch. */
		*err = cerr;
		return -1;
	}
	free(path);
	p->uncommitted_bytes += (long)r->data.len;
	if (++p->uncommitted >= COMMIT_EVERY || p->uncommitted_bytes >= COMMIT_BYTES) {
		if (cache_commit(p->c, err) < 0 || cache_begin(p->c, err) < 0)
			return -1;
		p->uncommitted = 0;
		p->uncommitted_bytes = 0;
	}
	p->arrived++;
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

static char *multiget_body(char **hrefs, size_t n)
{
	struct sbuf body = {0};
	size_t i;

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
	return sbuf_detach(&body, NULL);
}

/*
 * A multiget sent from a thread of its own (with a client of its own)
 * into a temporary file, once told to go. Only an optimization: whatever
 * goes wrong with it, the hrefs are fetched the usual way instead.
 */
struct prefetch {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int go;			/* 1: send it, -1: never mind */
	struct dav_client *dc;
	const char *url;
	char *body;
	FILE *file;		/* unlinked, mode 0600: it holds cards */
	size_t n;		/* hrefs asked for */
	long status;
	int ok;			/* a 207 answer is in file */
};

static void *prefetch_run(void *arg)
{
	struct prefetch *f = arg;
	struct kerr err;
	int go;

	pthread_mutex_lock(&f->mu);
	while (f->go == 0)
		pthread_cond_wait(&f->cv, &f->mu);
	go = f->go;
	pthread_mutex_unlock(&f->mu);
	if (go > 0 && dav_report_to_file(f->dc, f->url, "1", f->body, f->file,
					  &f->status, &err) == 0)
		f->ok = f->status == 207;
	return NULL;
}

static void prefetch_free(struct prefetch *f)
{
	if (!f)
		return;
	dav_client_free(f->dc);
	free(f->body);
	if (f->file)
		fclose(f->file);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	free(f);
}

/* Prepares the multiget of hrefs[0..n); NULL when it cannot (no matter). */
static struct prefetch *prefetch_new(struct pull *p, char **hrefs, size_t n)
{
	struct prefetch *f = xcalloc(1, sizeof *f);
	struct kerr err;

	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	f->url = p->book->url;
	f->n = n;
	f->body = multiget_body(hrefs, n);
	f->file = tmpfile();
	f->dc = f->file ? dav_client_dup(p->dc, &err) : NULL;
	if (f->dc)
		dav_client_stream_cap(f->dc, stream_cap(n));
	if (!f->dc || pthread_create(&f->thread, NULL, prefetch_run, f) != 0) {
		prefetch_free(f);
		return NULL;
	}
	return f;
}

static void prefetch_signal(struct prefetch *f, int go)
{
	pthread_mutex_lock(&f->mu);
	if (f->go == 0) {
		f->go = go;
		pthread_cond_signal(&f->cv);
	}
	pthread_mutex_unlock(&f->mu);
}

static void prefetch_go(struct prefetch *f)
{
	prefetch_signal(f, 1);
}

/* Waits for the thread (telling it to give up if it never started). */
static void prefetch_join(struct prefetch *f)
{
	prefetch_signal(f, -1);
	pthread_join(f->thread, NULL);
}

/*
 * Fetches hrefs[0..n) in one multiget, committing what arrives every
 * COMMIT_EVERY cards, token (when not NULL) with the last of them. The
 * answer is read from saved (a prefetch's 207 answer to these very hrefs)
 * when not NULL, else asked for. fresh is 0 when the same hrefs were just
 * asked for and stored in part: what arrived then is not counted twice.
 * 0 done; 1 when the server refused a request that large, or saved would
 * not parse (the caller asks again; what was stored stays); 2 when it
 * refused these hrefs with 500 or a 4xx (nothing stored: the caller
 * bisects); -1 error.
 */
static int multiget(struct pull *p, char **hrefs, size_t n, const char *token,
		    FILE *saved, int fresh, struct strv *missing, struct kerr *err)
{
	char *body = NULL;
	long status = 207;
	size_t i;
	int rc = -1, errors = p->card_errors;

	p->want = hrefs;	/* sorted: apply() sorts, and missing keeps that order */
	p->nwant = n;
	if (fresh) {
		free(p->got);
		p->got = xcalloc(n + 1, 1);
	}
	if (cache_begin(p->c, err) < 0)
		goto out;
	p->uncommitted = 0;
	p->uncommitted_bytes = 0;
	if (saved) {
		if (dav_multistatus_file(saved, on_card, p, err) < 0) {
			if (p->card_errors != errors) {
				cache_rollback(p->c);	/* the cache failed */
				goto out;
			}
			/*
			 * The answer broke off: keep the cards read before, so
			 * p->got stays true, and ask the server again.
			 */
			if (cache_commit(p->c, err) == 0)
				rc = 1;
			goto out;
		}
	} else {
		int r;

		double t0 = mono_seconds();

		body = multiget_body(hrefs, n);
		p->arrived = 0;
		dav_client_stream_cap(p->dc, stream_cap(n));
		dav_client_stall_once(p->dc, n > TIMED_MIN && p->stalls < MAX_STALLS);
		r = dav_multistatus(p->dc, "REPORT", p->book->url, "1", body,
				    on_card, p, &status, NULL, NULL, err);
		dav_client_stall_once(p->dc, 0);
		dav_client_stream_cap(p->dc, 0);
		if (r < 0 && dav_client_stalled(p->dc) && p->arrived == 0 &&
		    n > TIMED_MIN && p->stalls < MAX_STALLS) {
			/* Silent for the whole limit: a quarter as many. */
			cache_rollback(p->c);
			p->stalls++;
			p->batch = n / 4 > TIMED_MIN ? n / 4 : TIMED_MIN;
			p->per_card = 0;
			rc = 1;
			goto out;
		}
		if (r < 0) {
			cache_rollback(p->c);
			kerr_wrap(err, "fetching cards of %s", p->book->url);
			goto out;
		}
		if (status == 207 && n > 0)
			p->per_card = (mono_seconds() - t0) / (double)n;
	}
	if ((status == 413 || status == 507) && n > MULTIGET_MIN) {
		cache_rollback(p->c);
		p->batch = n / 2 > MULTIGET_MIN ? n / 2 : MULTIGET_MIN;
		rc = 1;
		goto out;
	}
	if (status == 500 || (status >= 400 && status < 500 && status != 401 &&
			      status != 403 && status != 404 && status != 405 &&
			      status != 413)) {
		/* Perhaps one card the server cannot serve: the caller bisects. */
		cache_rollback(p->c);
		p->refused = status;
		rc = 2;
		goto out;
	}
	if (status != 207) {
		cache_rollback(p->c);
		dav_status_error(err, "sync", "REPORT addressbook-multiget", p->book->url,
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
	free(body);
	return rc;
}

static void say_unreadable(struct pull *p, const char *href, long status)
{
	char *msg;

	if (!p->report)
		return;
	msg = xasprintf("%s: the server cannot serve the card %s (HTTP %ld, "
			"alone and in a multiget): kith skips it until it "
			"changes on the server; the rest of the book syncs",
			p->book->url, href, status);
	p->report(p->parg, SYNC_SKIP, msg);
	free(msg);
}

/*
 * Asks for the card at href alone, after a multiget holding it was
 * refused with status: stored when GET serves it, else noted unreadable.
 */
static int fetch_alone(struct pull *p, const char *href, long status,
		       struct kerr *err)
{
	struct http_resp resp;
	struct http_req req;
	char *url;
	long i, l;
	int rc = -1;

	if (p->alone++ >= MAX_ALONE) {
		dav_status_error(err, "sync", "REPORT addressbook-multiget", p->book->url,
				 status);
		return -1;
	}
	url = http_resolve(p->book->url, href);
	if (!url) {
		kerr_set(err, "%s: cannot resolve %s", p->book->url, href);
		return -1;
	}
	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	req.method = "GET";
	req.url = url;
	if (http_request(p->dc, &req, &resp, err) < 0)
		goto out;
	i = map_find(&p->map, href);
	if (resp.status == 200) {
		if (cache_begin(p->c, err) < 0)
			goto out;
		if (cache_unreadable_clear(p->c, p->book->id, href, err) < 0 ||
		    cache_card_put(p->c, p->book->id, href, resp.etag,
				   resp.body.buf ? resp.body.buf : "",
				   resp.body.len, err) < 0) {
			cache_rollback(p->c);
			goto out;
		}
		if (cache_commit(p->c, err) < 0)
			goto out;
		if (i >= 0)
			p->st->changed++;
		else
			p->st->added++;
		p->st->cards++;
		p->st->bytes += (long)resp.body.len;
	} else if (resp.status == 404 || resp.status == 410) {
		/* Gone since the listing: the next one says so. */
	} else {
		if (!p->lmap_sorted) {
			map_sort(&p->lmap);
			p->lmap_sorted = 1;
		}
		l = map_find(&p->lmap, href);
		if (cache_unreadable_set(p->c, p->book->id, href,
					 l >= 0 ? p->lmap.etag[l] : NULL,
					 resp.status, err) < 0)
			goto out;
		say_unreadable(p, href, resp.status != 0 ? resp.status : status);
		p->st->unreadable++;
	}
	rc = 0;
out:
	http_resp_free(&resp);
	free(url);
	return rc;
}

/*
 * hrefs[0..n) were refused together: asks for each half, and splits a
 * refused half again, down to one card asked for alone.
 */
static int bisect(struct pull *p, char **hrefs, size_t n, long status,
		  struct strv *missing, struct kerr *err)
{
	size_t h = n / 2, k, j;

	if (n == 1)
		return fetch_alone(p, hrefs[0], status, err);
	for (k = 0; k < 2; k++) {
		char **part = k ? hrefs + h : hrefs;
		size_t pn = k ? n - h : h;
		int r = multiget(p, part, pn, NULL, NULL, 1, missing, err);

		if (r == 2)
			r = bisect(p, part, pn, p->refused, missing, err);
		else if (r == 1)
			for (j = 0, r = 0; j < pn; j++)
				strv_push(missing, part[j]);
		if (r < 0)
			return -1;
	}
	return 0;
}

/*
 * How many of the rest hrefs the next multiget asks for. split: a chunk
 * that is all of a large rest is split once, so most of it is stored
 * while the server computes the other part.
 */
static size_t next_chunk(const struct pull *p, size_t rest, int split)
{
	size_t n = rest < p->batch ? rest : p->batch;

	if (p->per_card > 0) {
		/* As many as the last answer says fit in a quarter of a stall. */
		double fit = (double)http_stall_seconds() / 4.0 / p->per_card;
		size_t by_time = fit > (double)MULTIGET_MAX ? MULTIGET_MAX :
				 fit < TIMED_MIN ? TIMED_MIN : (size_t)fit;

		if (n > by_time)
			n = by_time;
	} else if (n > FIRST_CHUNK) {
		n = FIRST_CHUNK;	/* nothing measured yet */
	}
	if (p->st->cards > 0 && p->st->bytes > 0) {
		/* Sized by what arrived so far: about BATCH_BYTES an answer. */
		long avg = p->st->bytes / p->st->cards;
		size_t by_bytes = (size_t)(BATCH_BYTES / (avg > 0 ? avg : 1));

		if (by_bytes < 1)
			by_bytes = 1;
		if (n > by_bytes)
			n = by_bytes;
	}
	if (split && n == rest && rest >= PIPELINE_MIN)
		n = rest - rest * 3 / 10;
	return n;
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

	p->token_pending = 0;
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
		struct prefetch *f = NULL;	/* answering p->fetch.v + i, if any */

		for (i = 0; i < p->fetch.n; i += n) {
			FILE *saved = NULL;
			const char *tok;
			size_t next;
			int last, r;

			if (f) {
				prefetch_join(f);
				n = f->n;
				saved = f->ok ? f->file : NULL;
			} else {
				n = next_chunk(p, p->fetch.n - i, round == 0);
			}
			last = i + n >= p->fetch.n;
			/*
			 * The next multiget goes out when this one answers, once
			 * an answer was timed to size it by.
			 */
			next = last || round > 0 || p->per_card <= 0 ? 0 :
			       next_chunk(p, p->fetch.n - i - n, 0);
			p->pf = next ? prefetch_new(p, p->fetch.v + i + n, next) : NULL;
			if (p->pf && saved)
				prefetch_go(p->pf);	/* nothing to wait for */
			tok = last && missing.n == 0 && round == 0 ? token : NULL;
			r = multiget(p, p->fetch.v + i, n, tok, saved, 1, &missing, err);
			if (r == 1 && saved)	/* it did not parse: ask the server */
				r = multiget(p, p->fetch.v + i, n, tok, NULL, 0,
					     &missing, err);
			prefetch_free(f);
			f = p->pf;
			p->pf = NULL;
			if (r == 2) {
				if (tok)
					p->token_pending = 1;
				dav_client_status_once(p->dc, 1);
				r = bisect(p, p->fetch.v + i, n, p->refused,
					   &missing, err);
				dav_client_status_once(p->dc, 0);
			}
			if (r != 0 && f) {
				prefetch_join(f);
				prefetch_free(f);
				f = NULL;
			}
			if (r < 0)
				goto out;
			if (r > 0) {
				n = 0;	/* refused as too large: again, in halves */
				continue;
			}
			progress(p);
		}
		prefetch_free(f);	/* NULL: the last one never prefetches */
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
	if ((round > 1 || p->token_pending) && token) {
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
	const char *depth = p->learned.depth1 ? "1" : "0";
	char *token = p->book->sync_token ? xstrdup(p->book->sync_token) : NULL;
	int rounds = 0, full = token == NULL, rc = -1;

	for (;;) {
		char *body = sync_body(token), *newtok = NULL, *final = NULL;
		long status = 0;

		p->truncated = 0;
		p->listed = 0;
		strv_free(&p->fetch);
		strv_free(&p->gone);
		p->fetch_cap = p->gone_cap = 0;
		if (dav_multistatus(p->dc, "REPORT", p->book->url, depth, body,
				    on_listing, p, &status, &final, &newtok, err) < 0) {
			free(body);
			free(final);
			goto out;
		}
		free(body);
		if (moved(p, final, err)) {
			free(final);
			free(newtok);
			goto out;
		}
		free(final);
		final = NULL;
		if (status == 400 && strcmp(depth, "0") == 0 && rounds == 0) {
			/* RFC 6578 3.3 says Depth: 0; Google and others want 1. */
			depth = "1";
			p->learned.depth1 = 1;
			continue;
		}
		if ((status == 403 || status == 409 || status == 412 ||
		     status == 400) && token) {
			/* An invalid token (3.2 valid-sync-token): start over. */
			free(token);
			token = NULL;
			full = 1;
			rounds = 0;
			continue;
		}
		if (status == 403 || status == 400 || status == 404 ||
		    status == 405 || status == 501) {
			/* Not supported here: fall back, and remember. */
			p->learned.depth1 = 0;
			p->learned.no_sync = 1;
			rc = 1;
			goto out;
		}
		if (status != 207) {
			dav_status_error(err, "sync", "REPORT sync-collection", p->book->url,
					 status);
			goto out;
		}
		if (!newtok || !*newtok) {
			/* A listing without a token (Calypso): no sync-collection. */
			free(newtok);
			p->learned.no_sync = 1;
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
	char *final = NULL;
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
			    on_listing, p, &status, &final, NULL, err) < 0)
		goto out;
	if (moved(p, final, err))
		goto out;
	if (status != 207) {
		dav_status_error(err, "sync", "PROPFIND", p->book->url, status);
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
	free(final);
	free(cx.ctag);
	return rc;
}

int sync_pull(struct dav_client *dc, struct cache *c, const struct cache_book *book,
	      struct sync_stats *st, sync_progress_fn prog,
	      sync_report_fn report, void *arg, struct kerr *err)
{
	struct kerr lerr;
	struct pull p;
	int rc = -1, r;

	memset(&p, 0, sizeof p);
	p.dc = dc;
	p.c = c;
	p.book = book;
	p.st = st;
	p.progress = prog;
	p.report = report;
	p.parg = arg;
	p.batch = MULTIGET_MAX;
	p.book_path = http_collection_path(book->url);
	p.book_origin = http_origin(book->url);
	if (!http_path_plain(book->url)) {
		kerr_set(err, "the address book URL %s has '.' or '..' segments, so "
			 "its members cannot be told apart: fix the book line in "
			 "the config, or add the account again", book->url);
		goto out;
	}
	if (cache_card_etags(c, book->id, map_add, &p.map, err) < 0 ||
	    cache_unreadable_etags(c, book->id, map_add, &p.bad, err) < 0)
		goto out;
	map_sort(&p.map);
	map_sort(&p.bad);
	learned_read(book->learned, &p.learned);
	dav_client_auth_restore(dc, p.learned.auth, p.learned.nc);
	if (p.learned.no_sync && p.learned.no_sync < LEARNED_RETRY) {
		/* Known to refuse sync-collection: straight to getctag. */
		p.learned.no_sync++;
		r = 1;
	} else {
		p.learned.no_sync = 0;
		r = pull_sync_collection(&p, err);
	}
	if (r == 1)
		r = pull_etags(&p, err);
	if (r < 0) {
		/* What failed may be what was learned: ask afresh next time. */
		p.learned.no_sync = 0;
		p.learned.depth1 = 0;
	}
	if (learned_save(dc, c, book, &p.learned, r < 0 ? &lerr : err) < 0 && r >= 0)
		goto out;
	if (r < 0)
		goto out;
	rc = 0;
out:
	learned_free(&p.learned);
	progress(&p);
	map_free(&p.map);
	map_free(&p.bad);
	map_free(&p.lmap);
	strv_free(&p.fetch);
	strv_free(&p.gone);
	free(p.got);
	free(p.book_path);
	free(p.book_origin);
	return rc;
}
