/*
 * push.c: send the outbox. For each card with pending operations: apply
 * them to the newest server copy with the vCard patch API and PUT with
 * If-Match (If-None-Match: * for a new card). On 412 the card changed on
 * the server: fetch it, re-apply, retry. Operations are dropped only in
 * the transaction that stores what the server accepted.
 *
 * After a PUT the card is read back (the server's bytes are the truth).
 * A PUT whose answer was lost and is retried gets 412; the fetched card
 * then already holds our log ids, adding an id twice is a no-op, and the
 * patched text equals the server's: nothing is sent again and nothing is
 * duplicated.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dav.h"
#include "dav_internal.h"

/*
 * Which copy of a card refetch asks for. A server that converts cards
 * (Cyrus; SabreDAV 3 and later, under Nextcloud and Baikal) answers GET in
 * vCard 3.0 unless the request asks for 4.0, whatever version it stores,
 * so a 4.0 card patched from the default copy would go back converted. On
 * a book that offers 4.0 (supported-address-data, RFC 6352 6.2.2) the
 * stored card's length (getcontentlength) tells the copies apart: the
 * default copy when its length is the stored one's, else the 4.0 copy
 * when its length is. When both have that length they read the same but
 * for VERSION (Cyrus serves either, converted, to whoever asks), and the
 * default one is kept. A server that gives no length gets its default.
 */
enum want {
	WANT_DEFAULT,	/* a plain GET: what the server serves by default */
	WANT_V4,	/* Accept: text/vcard; version=4.0 */
	WANT_STORED,	/* the version it is stored in, as above */
};

#define ACCEPT_V4 "text/vcard; version=4.0"

/* The card's getcontentlength, -1 when the server gives none. */
static int on_length(void *arg, struct dav_response *r, struct kerr *err)
{
	long *len = arg;

	(void)err;
	if (r->ok_props && r->length >= 0 && *len < 0)
		*len = r->length;
	return 0;
}

static long stored_length(struct dav_client *dc, const char *url)
{
	static const char body[] =
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<d:propfind xmlns:d=\"DAV:\"><d:prop><d:getcontentlength/>"
		"</d:prop></d:propfind>";
	struct kerr perr;
	long status = 0, len = -1;

	if (dav_multistatus(dc, "PROPFIND", url, "0", body, on_length, &len,
			    &status, NULL, NULL, &perr) < 0 || status != 207)
		return -1;
	return len;
}

/* GETs the card into the cache (the newest server copy). 404 → *gone. */
static int refetch(struct dav_client *dc, struct cache *c,
		   const struct cache_book *book, const char *url,
		   const char *href, enum want want, int *gone, struct kerr *err)
{
	struct http_resp resp;
	struct http_req req;
	long len = want == WANT_STORED ? stored_length(dc, url) : -1;
	int rc = -1, v4 = want == WANT_V4;

	*gone = 0;
	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.url = url;
	req.accept = v4 ? ACCEPT_V4 : NULL;
	if (http_request(dc, &req, &resp, err) < 0)
		return -1;
	if (resp.status == 404 || resp.status == 410) {
		*gone = 1;
		rc = 0;
		goto out;
	}
	if (resp.status != 200) {
		dav_status_error(err, "sync", "GET", url, resp.status);
		goto out;
	}
	if (!v4 && len >= 0 && resp.body.len != (size_t)len) {
		/* Not the stored copy: the 4.0 one may be. */
		struct http_resp dflt = resp;

		memset(&resp, 0, sizeof resp);
		memset(&req, 0, sizeof req);
		req.method = "GET";
		req.url = url;
		req.accept = ACCEPT_V4;
		if (http_request(dc, &req, &resp, err) < 0) {
			http_resp_free(&dflt);
			return -1;
		}
		if (resp.status != 200 || resp.body.len != (size_t)len) {
			/* Neither is: the server's default, as without a length. */
			http_resp_free(&resp);
			resp = dflt;
		} else {
			http_resp_free(&dflt);
		}
	}
	if (cache_card_put(c, book->id, href, resp.etag, resp.body.buf ?
			   resp.body.buf : "", resp.body.len, err) < 0)
		goto out;
	rc = 0;
out:
	http_resp_free(&resp);
	return rc;
}

/* Records in book's learned text whether it offers vCard 4.0. */
static int on_versions(void *arg, struct dav_response *r, struct kerr *err)
{
	int *v4 = arg;

	(void)err;
	if (r->ok_props && r->vcard4)
		*v4 = 1;
	return 0;
}

/*
 * The newest vCard version book offers, asked once and kept with what else
 * was learned of it (3 when the server does not say).
 */
static int book_vcard(struct dav_client *dc, struct cache *c,
		      struct cache_book *book)
{
	static const char body[] =
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<d:propfind xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:carddav\">"
		"<d:prop><c:supported-address-data/></d:prop></d:propfind>";
	struct learned l;
	struct kerr perr;
	long status = 0;
	int v4 = 0, version;

	learned_read(book->learned, &l);
	if (l.vcard) {
		version = l.vcard;
		learned_free(&l);
		return version;
	}
	if (dav_multistatus(dc, "PROPFIND", book->url, "0", body, on_versions, &v4,
			    &status, NULL, NULL, &perr) < 0 || status != 207) {
		/* Asked again next sync; meanwhile, the server's default copies. */
		learned_free(&l);
		return 3;
	}
	l.vcard = v4 ? 4 : 3;
	/* Kept in book too: sync_remember saves it again after the push. */
	if (learned_save(dc, c, book, &l, &perr) == 0) {
		free(book->learned);
		book->learned = learned_text(dc, &l);
	}
	learned_free(&l);
	return v4 ? 4 : 3;
}

/* s[0..len) with every LF as CRLF; *out_len gets the new length. */
static char *lf_to_crlf(const char *s, size_t len, size_t *out_len)
{
	struct sbuf b = {0};
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n')
			sbuf_addc(&b, '\r');
		sbuf_addc(&b, s[i]);
	}
	return sbuf_detach(&b, out_len);
}

/* Whether every annotation in want reads back as the server's, got. */
static int survived(const struct vcard_annot *got, const struct vcard_annot *want)
{
	size_t i;
	int ok = 1;

	if (strcmp(got->cadence, want->cadence) != 0 ||
	    strcmp(got->snooze, want->snooze) != 0)
		ok = 0;
	for (i = 0; ok && i < want->nlog; i++)
		ok = vcard_annot_has(got, want->log[i].id);
	return ok;
}

/* Whether url names a card directly inside the book at book_url. */
static int inside_book(const char *book_url, const char *url)
{
	char *bp = http_collection_path(book_url), *bo = http_origin(book_url);
	char *m = http_member(bp, bo, url);
	int yes = m != NULL;

	free(m);
	free(bp);
	free(bo);
	return yes;
}

/* One book's push: what every card of it is pushed with. */
struct push {
	struct dav_client *dc;
	struct cache *c;
	struct cache_book *book;
	int vcard;		/* the newest version the book offers, 0 not asked yet */
	int mirror;		/* keep the NOTE mirror (DESIGN.md) */
	struct sync_stats *st;
	sync_report_fn report;	/* per-card problems, to the shell; or NULL */
	void *arg;
};

static void say(struct push *pu, enum sync_report kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Tells the shell of a problem with one card (dav.h). */
static void say(struct push *pu, enum sync_report kind, const char *fmt, ...)
{
	struct sbuf b = {0};
	va_list ap;

	if (!pu->report)
		return;
	va_start(ap, fmt);
	sbuf_vaddf(&b, fmt, ap);
	va_end(ap);
	pu->report(pu->arg, kind, b.buf ? b.buf : "");
	sbuf_free(&b);
}

/* Drops card from the cache, in a transaction of its own. */
static int drop(struct cache *c, long id, struct kerr *err)
{
	if (cache_begin(c, err) < 0)
		return -1;
	if (cache_card_drop(c, id, err) < 0) {
		cache_rollback(c);
		return -1;
	}
	return cache_commit(c, err);
}

/*
 * A person removed here: DELETE with If-Match on the etag the card had
 * when the person asked. A card changed on the server since (another
 * device added a number) is not deleted unseen: the removal is called off
 * and the person told, so nothing they did not see is lost.
 */
static int push_remove(struct push *pu, long id, const char *asked,
		       struct kerr *err)
{
	struct dav_client *dc = pu->dc;
	struct cache *c = pu->c;
	const struct cache_book *book = pu->book;
	struct sync_stats *st = pu->st;
	struct http_resp resp;
	struct http_req req;
	struct cache_raw p;
	char *url = NULL;
	int rc = -1, gone;

	memset(&resp, 0, sizeof resp);
	if (cache_card_raw(c, id, &p, err) < 0)
		return -1;
	if (p.state != CARD_SYNCED) {
		/* Made here and never sent, or already gone on the server. */
		rc = drop(c, id, err);
		if (rc == 0)
			st->removed++;
		goto out;
	}
	if (asked && p.etag && strcmp(asked, p.etag) != 0)
		goto changed;
	url = http_resolve(book->url, p.href);
	if (!url || !inside_book(book->url, url)) {
		kerr_set(err, "%s: kith will not delete %s: it is not a card "
			 "inside the address book %s", p.fn, url ? url : p.href,
			 book->url);
		goto out;
	}
	memset(&req, 0, sizeof req);
	req.method = "DELETE";
	req.url = url;
	req.if_match = p.etag ? p.etag : "*";
	if (http_request(dc, &req, &resp, err) < 0) {
		kerr_wrap(err, "removing %s", p.fn);
		goto out;
	}
	if (resp.status == 200 || resp.status == 204 || resp.status == 404) {
		/* 404: gone already, which is what was asked. */
		rc = drop(c, id, err);
		if (rc == 0)
			st->removed++;
		goto out;
	}
	if (resp.status == 412) {
		if (refetch(dc, c, book, url, p.href, WANT_DEFAULT, &gone, err) < 0)
			goto out;
		if (gone) {
			rc = drop(c, id, err);
			if (rc == 0)
				st->removed++;
			goto out;
		}
		goto changed;
	}
	if (resp.status == 403 || resp.status == 405) {
		kerr_set(err, "%s: the server refused to delete %s (DELETE %s: "
			 "HTTP %ld: the address book is read-only?); it stays "
			 "removed here and is asked again at the next sync; "
			 "'undo' or 'kith undo' takes the removal back",
			 book->url, p.fn, p.href, resp.status);
		goto out;
	}
	dav_status_error(err, "sync", "DELETE", url, resp.status);
	kerr_wrap(err, "removing %s", p.fn);
	goto out;
changed:
	if (cache_outbox_cancel(c, id, "remove", err) < 0)
		goto out;
	say(pu, SYNC_WARN, "%s changed on the server after you removed it here, "
	    "so it was not deleted: look at it with 'show', and remove it "
	    "again if you still mean to", p.fn);
	st->kept++;
	rc = 0;
out:
	free(url);
	http_resp_free(&resp);
	cache_raw_free(&p);
	return rc;
}

/*
 * Attempts at one card before its notes wait for the next sync. Every
 * attempt but the last may end by re-reading the card from the server (a
 * 412, a 404, or the first GET of its exact bytes) and trying again.
 */
#define PUSH_ATTEMPTS 5

/* What one attempt at a card came to. */
enum outcome {
	PUSH_DONE,	/* the server holds every pending operation, or nothing was due */
	PUSH_AGAIN,	/* the card was re-read from the server: try again */
	PUSH_KEPT,	/* deleted on the server: its notes are kept here */
	PUSH_FAILED,	/* err says why; the notes stay queued */
};

/*
 * The server's copy p with the card's pending operations applied, its
 * length in *plen, or NULL with err set. want gets the annotations that
 * must read back, *last_op the newest operation applied, *v4 whether p
 * is a vCard 4.0. The caller frees the text and want.
 */
static char *push_patch(struct push *pu, const struct cache_raw *p,
			struct vcard_annot *want, long *last_op, int *v4,
			size_t *plen, struct kerr *err)
{
	struct vcard_card *vc = vcard_card_read(p->raw, p->len);
	const struct vcard_info *vi = vcard_card_info(vc);
	struct cache_pending pend;
	char *patched;

	vcard_annot_copy(want, &vi->annot);
	*v4 = vi->version == 40;
	if (cache_outbox_apply(pu->c, p->id, want, last_op, &pend, err) < 0) {
		vcard_card_free(vc);
		return NULL;
	}
	patched = vcard_card_patch(vc, want, pu->mirror, plen, err);
	vcard_card_free(vc);
	if (patched && pend.nset) {
		/* The person's own fields changed with 'set', in order. */
		char *set = cache_pending_patch(&pend, patched, *plen, plen, err);

		free(patched);
		patched = set;
	}
	cache_pending_free(&pend);
	if (!patched)
		kerr_wrap(err, "%s (%s)", p->fn, p->href);
	return patched;
}

/*
 * The server stored the card p, sent with the annotations want. Read it
 * back even with a strong ETag: servers rewrite cards (Radicale
 * re-serializes every PUT), and only the copy the server holds tells
 * whether the X-KITH properties survived. The operations up to last_op
 * are dropped in the transaction that stores that copy.
 */
static enum outcome push_stored(struct push *pu, const struct cache_raw *p,
				const char *url, const struct vcard_annot *want,
				long last_op, int sent_v4, struct kerr *err)
{
	struct vcard_annot got;
	int gone, kept;

	if (cache_begin(pu->c, err) < 0)
		return PUSH_FAILED;
	/* In the version it was sent in. */
	if (refetch(pu->dc, pu->c, pu->book, url, p->href,
		    pu->vcard == 4 && sent_v4 ? WANT_V4 : WANT_DEFAULT, &gone,
		    err) < 0 || gone) {
		cache_rollback(pu->c);
		if (gone)
			kerr_set(err, "%s vanished right after it was stored; "
				 "its notes stay queued", url);
		return PUSH_FAILED;
	}
	/* The copy just stored, as it reads (the cache read it for the view). */
	if (cache_card_annot(pu->c, p->id, &got, err) < 0) {
		cache_rollback(pu->c);
		return PUSH_FAILED;
	}
	kept = survived(&got, want);
	vcard_annot_free(&got);
	if (!kept) {
		/*
		 * A server that drops X-KITH properties would lose the notes
		 * if the outbox let go of them: they stay queued (and shown
		 * as not synced) while the server's copy is stored as it is.
		 */
		if (cache_commit(pu->c, err) < 0)
			return PUSH_FAILED;
		kerr_set(err, "the server at %s did not keep kith's X-KITH "
			 "properties on %s (%s): it cannot store kith's notes, "
			 "so they stay here, queued; use a server or address "
			 "book that keeps unknown vCard properties",
			 pu->book->url, p->fn, p->href);
		return PUSH_FAILED;
	}
	if (cache_outbox_done(pu->c, p->id, last_op, err) < 0) {
		cache_rollback(pu->c);
		return PUSH_FAILED;
	}
	if (cache_commit(pu->c, err) < 0)
		return PUSH_FAILED;
	pu->st->pushed++;
	return PUSH_DONE;
}

/*
 * One attempt at card id, from the copy the cache holds now. *exact says
 * where that copy came from across attempts: 0 not asked for yet, 1 the
 * server's exact bytes (GET), -1 GET failed and the copy is multiget's.
 */
static enum outcome push_attempt(struct push *pu, long id, int *exact,
				 struct kerr *err)
{
	enum want stored = pu->vcard == 4 ? WANT_STORED : WANT_DEFAULT;
	enum outcome rc = PUSH_FAILED;
	struct vcard_annot want;
	struct http_resp resp;
	struct http_req req;
	struct cache_raw p;
	char *url = NULL, *patched = NULL;
	size_t plen = 0;
	long last_op = 0;
	int gone, sent_v4 = 0;

	memset(&want, 0, sizeof want);
	memset(&resp, 0, sizeof resp);
	if (cache_card_raw(pu->c, id, &p, err) < 0)
		return PUSH_FAILED;
	if (p.state == CARD_GONE) {
		say(pu, SYNC_WARN, "%s was deleted on the server; its notes are "
		    "kept here: 'kith gone' lists them and the ways out", p.fn);
		pu->st->kept++;
		rc = PUSH_KEPT;
		goto out;
	}
	if (!p.parsed) {
		kerr_set(err, "%s (%s) cannot be parsed, so kith never "
			 "writes it: its notes stay here", p.fn, p.href);
		goto out;
	}
	url = http_resolve(pu->book->url, p.href);
	if (!url || !inside_book(pu->book->url, url)) {
		/*
		 * The last guard: resolving "/book/.." gives "/", and kith
		 * would PUT there with the user's password.
		 */
		kerr_set(err, "%s: kith will not write to %s: it is not a card "
			 "inside the address book %s", p.fn, url ? url : p.href,
			 pu->book->url);
		goto out;
	}
	if (p.state == CARD_SYNCED && !*exact &&
	    (stored == WANT_STORED || !memchr(p.raw, '\r', p.len))) {
		/*
		 * A copy without a CR came by multiget, where XML turned
		 * every CRLF into LF: the card's own line endings are lost
		 * there. Its exact bytes come from GET, so that every line
		 * kith does not own goes back as it was. A server that
		 * cannot serve GET (some answer 500) leaves the multiget
		 * copy, sent back with CRLF below. On a book that offers
		 * vCard 4 any copy may be a converted one: always asked
		 * for in the version it is stored in.
		 */
		struct kerr gerr;

		*exact = 1;
		if (refetch(pu->dc, pu->c, pu->book, url, p.href, stored, &gone,
			    &gerr) == 0) {
			/* Again, from the exact copy (or as deleted). */
			if (!gone || cache_card_gone(pu->c, pu->book->id, p.href,
						     err) >= 0)
				rc = PUSH_AGAIN;
			goto out;
		}
		*exact = -1;
	}
	patched = push_patch(pu, &p, &want, &last_op, &sent_v4, &plen, err);
	if (!patched)
		goto out;
	if (p.state == CARD_SYNCED && plen == p.len &&
	    memcmp(patched, p.raw, plen) == 0) {
		/* The server already holds all of it (a lost answer, or another device). */
		if (cache_outbox_done(pu->c, id, last_op, err) == 0)
			rc = PUSH_DONE;
		goto out;
	}
	if ((*exact < 0 || p.state == CARD_LOCAL) &&
	    !memchr(p.raw, '\r', p.len)) {
		/*
		 * The multiget copy, since GET failed: XML read the
		 * server's CRLF as LF (docs/decisions.md). vCard lines
		 * end in CRLF (RFC 6350 3.2): they go back that way.
		 */
		char *crlf = lf_to_crlf(patched, plen, &plen);

		free(patched);
		patched = crlf;
	}
	memset(&req, 0, sizeof req);
	req.method = "PUT";
	req.url = url;
	req.content_type = "text/vcard; charset=utf-8";
	req.body = patched;
	req.body_len = plen;
	if (p.state == CARD_LOCAL)
		req.if_none_match = 1;
	else
		req.if_match = p.etag ? p.etag : "*";
	if (http_request(pu->dc, &req, &resp, err) < 0) {
		kerr_wrap(err, "pushing notes for %s", p.fn);
		goto out;
	}
	if (resp.status == 412) {
		/* Changed on the server (or our last PUT landed): merge again. */
		if (refetch(pu->dc, pu->c, pu->book, url, p.href, stored, &gone,
			    err) < 0)
			goto out;
		if (gone && p.state == CARD_LOCAL) {
			kerr_set(err, "%s: the server refused to create %s "
				 "(412) and has no such card", p.fn, url);
			goto out;
		}
		if (gone)
			cache_card_gone(pu->c, pu->book->id, p.href, err);
		rc = PUSH_AGAIN;
		goto out;
	}
	if (resp.status == 404 && p.state == CARD_SYNCED) {
		if (cache_card_gone(pu->c, pu->book->id, p.href, err) >= 0)
			rc = PUSH_AGAIN;
		goto out;
	}
	if (resp.status == 403 || resp.status == 405) {
		kerr_set(err, "%s: the server refused to store notes for %s "
			 "(PUT %s: HTTP %ld: the address book is read-only?); "
			 "they stay here, queued: make the book writable for "
			 "this user, then sync again", pu->book->url, p.fn, p.href,
			 resp.status);
		goto out;
	}
	/* RFC 9110 9.3.4: 200, 201 or 204; a 207 or 202 is not "stored". */
	if (resp.status != 200 && resp.status != 201 && resp.status != 204) {
		dav_status_error(err, "sync", "PUT", url, resp.status);
		kerr_wrap(err, "pushing notes for %s", p.fn);
		goto out;
	}
	rc = push_stored(pu, &p, url, &want, last_op, sent_v4, err);
out:
	free(url);
	free(patched);
	http_resp_free(&resp);
	vcard_annot_free(&want);
	cache_raw_free(&p);
	return rc;
}

/* Pushes one card. 0 pushed (or nothing to do), 1 kept for later, -1 error. */
static int push_card(struct push *pu, long id, struct kerr *err)
{
	struct cache_pending pend;
	struct vcard_annot none;
	int i, rc, exact = 0;

	memset(&none, 0, sizeof none);
	rc = cache_outbox_apply(pu->c, id, &none, NULL, &pend, err);
	vcard_annot_free(&none);
	if (rc < 0)
		return -1;
	if (pend.remove) {
		rc = push_remove(pu, id, pend.remove_etag, err);
		cache_pending_free(&pend);
		return rc;
	}
	cache_pending_free(&pend);
	for (i = 0; i < PUSH_ATTEMPTS; i++) {
		switch (push_attempt(pu, id, &exact, err)) {
		case PUSH_DONE:
			return 0;
		case PUSH_KEPT:
			return 1;
		case PUSH_FAILED:
			return -1;
		case PUSH_AGAIN:
			break;
		}
	}
	kerr_set(err, "card %ld kept changing on the server during push; its "
		 "notes stay queued for the next sync", id);
	return -1;
}

int sync_push(struct dav_client *dc, struct cache *c, struct cache_book *book,
	      int note_mirror, struct sync_stats *st, sync_report_fn report,
	      void *arg, struct kerr *err)
{
	struct push pu = {dc, c, book, 0, note_mirror, st, report, arg};
	long *ids = NULL;
	size_t n = 0, i;
	long nfail = 0;
	int rc = 0;

	if (cache_outbox_cards(c, book->id, &ids, &n, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct kerr cerr;

		if (!pu.vcard)
			pu.vcard = book_vcard(dc, c, book);
		if (push_card(&pu, ids[i], &cerr) < 0) {
			/* One card's failure does not stop the others. */
			say(&pu, SYNC_FAIL, "%s", cerr.msg);
			st->failed++;
			nfail++;
		}
	}
	free(ids);
	if (nfail) {
		kerr_set(err, "%s: %ld card(s) could not be pushed; their notes "
			 "stay queued for the next sync", book->url, nfail);
		rc = -1;
	}
	return rc;
}
