/* dav_internal.h: what discover.c, pull.c and push.c share. */
#ifndef KITH_DAV_INTERNAL_H
#define KITH_DAV_INTERNAL_H

#include <stdio.h>

#include "dav.h"
#include "davxml.h"
#include "digest.h"
#include "http.h"

/* learned.c: what a book's server taught an earlier sync. */
struct learned {
	char *auth;		/* dav_client_auth's answer, NULL for Basic */
	unsigned long nc;
	int no_sync;		/* syncs since sync-collection was refused; 0: ask */
	int depth1;		/* sync-collection wants Depth 1 (RFC 6578 says 0) */
	int vcard;		/* 0 not asked yet; 3 or 4: the newest version the book offers */
};
/* A server that refused sync-collection is asked again after this many syncs. */
#define LEARNED_RETRY 100

void learned_read(const char *text, struct learned *l);
void learned_free(struct learned *l);
/* l with dc's authentication as it is now, as text; NULL when empty. */
char *learned_text(struct dav_client *dc, const struct learned *l);
/* Stores l, with dc's authentication as it is now, when it changed. */
int learned_save(struct dav_client *dc, struct cache *c,
		 const struct cache_book *book, const struct learned *l,
		 struct kerr *err);

/*
 * Sends a WebDAV request whose answer is a multistatus, streaming it
 * through davxml into fn. *status gets the HTTP status; a non-207 answer
 * is returned as 0 with *status set and nothing parsed, so the caller can
 * judge it. *token (when not NULL) gets the top-level sync-token, owned
 * by the caller.
 */
int dav_multistatus(struct dav_client *dc, const char *method, const char *url,
		    const char *depth, const char *body, davxml_fn fn, void *arg,
		    long *status, char **final_url, char **token, struct kerr *err);

/*
 * Sends a REPORT and saves a 2xx answer's body to f (emptied first, and
 * again before each retry). 0 with *status set, or -1 when no answer
 * came.
 */
int dav_report_to_file(struct dav_client *dc, const char *url,
		       const char *depth, const char *body, FILE *f,
		       long *status, struct kerr *err);

/* Parses a multistatus saved in f (from its start) into fn. 0 or -1. */
int dav_multistatus_file(FILE *f, davxml_fn fn, void *arg, struct kerr *err);


#endif
