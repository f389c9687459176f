/*
 * dav.h: the CardDAV engine. Discovery (RFC 6764, RFC 6352), pull
 * (RFC 6578 sync-collection, else getctag and etags, then
 * addressbook-multiget) and push (PUT with If-Match / If-None-Match).
 *
 * Errors are graded by reach: a card that fails does not stop its book,
 * a book that fails does not stop the account. Functions return 0 when
 * everything worked, -1 with err set to the first failure (what failed,
 * which book or card, which HTTP status, what to do); what succeeded is
 * committed either way.
 */
#ifndef KITH_DAV_H
#define KITH_DAV_H

#include <stddef.h>

#include "cache.h"
#include "util.h"

struct dav_client;

struct dav_opts {
	const char *user;
	const char *password;	/* copied and wiped on free; never logged */
	const char *cafile;	/* extra CA bundle, or NULL */
};

struct dav_client *dav_client_new(const struct dav_opts *opts, struct kerr *err);
/*
 * A second client with dc's credentials and origin rules, for a request
 * in another thread (one client is never used by two threads at once).
 * Freeing it adds its requests to dc's count; free it before dc.
 */
struct dav_client *dav_client_dup(struct dav_client *dc, struct kerr *err);
void dav_client_free(struct dav_client *dc);
/*
 * For sync: a redirect to another origin than the first request's is an
 * error, not followed (discovery decides where the books are; a sync
 * takes data only from there).
 */
void dav_client_pin(struct dav_client *dc);
/* Requests sent so far (for the no-change sync check). */
long dav_client_requests(struct dav_client *dc);
/* The command the user is in ("sync", "account add"), for hints. */
void dav_client_doing(struct dav_client *dc, const char *command);
/*
 * What the client learned about authenticating: NULL (Basic), "Digest"
 * (left to libcurl), or the server's Digest challenge, which kith answers
 * itself, with *nc requests made on its nonce. Not secret: a challenge
 * holds no password. restore gives a new client what an earlier one
 * learned, so that its first request is already authenticated.
 */
const char *dav_client_auth(struct dav_client *dc, unsigned long *nc);
void dav_client_auth_restore(struct dav_client *dc, const char *challenge,
			     unsigned long nc);

/* Calendar components a CalDAV collection takes (RFC 4791 5.2.3). */
enum {
	DAV_COMP_VEVENT = 1 << 0,
	DAV_COMP_VTODO = 1 << 1,
	DAV_COMP_OTHER = 1 << 2,
};

/* "GET https://host/path: 403 Forbidden" into err, with a hint for command doing. */
void dav_status_error(struct kerr *err, const char *doing, const char *method,
		      const char *url, long status);

struct dav_book {
	char *url;
	char *displayname;
};

/*
 * Finds the address books reachable from url (a server root or an
 * address book): PROPFIND on it, then /.well-known/carddav, then the
 * principal's addressbook-home-set. The caller frees with dav_books_free.
 */
int dav_discover(struct dav_client *dc, const char *url, struct dav_book **books,
		 size_t *n, struct kerr *err);
void dav_books_free(struct dav_book *books, size_t n);

struct sync_stats {
	long added, changed, removed, pushed;
	long failed;		/* cards that could not be fetched or pushed */
	long bytes;		/* bytes received */
	long cards;		/* cards received */
	long kept;		/* deleted on the server with notes kept here */
	long unreadable;	/* cards the server could not serve (see pull.c) */
};

/* Called now and then during long transfers. */
typedef void (*sync_progress_fn)(void *arg, const struct sync_stats *st);

/*
 * A problem with one card, told as it happens while the book goes on:
 * SYNC_WARN a card held back on purpose (deleted on the server with its
 * notes kept here, a removal called off because the card changed there),
 * SYNC_FAIL a card that could not be pushed (its notes stay queued; it
 * counts in failed), SYNC_SKIP a card the server cannot serve (skipped
 * until it changes there). msg is one line without "kith: " or a newline,
 * owned by sync and valid during the call only.
 */
enum sync_report {
	SYNC_WARN,
	SYNC_FAIL,
	SYNC_SKIP,
};
typedef void (*sync_report_fn)(void *arg, enum sync_report kind, const char *msg);

/*
 * Pulls book into the cache. progress and report (either may be NULL)
 * get arg; report hears of each card skipped.
 */
int sync_pull(struct dav_client *dc, struct cache *c, const struct cache_book *book,
	      struct sync_stats *st, sync_progress_fn progress,
	      sync_report_fn report, void *arg, struct kerr *err);

/*
 * Sends book's outbox. Every card's problems go to report (NULL: told to
 * no one); the return and err say only how many failed. Asks once which
 * vCard versions book offers, and keeps it in book->learned.
 */
int sync_push(struct dav_client *dc, struct cache *c, struct cache_book *book,
	      int note_mirror, struct sync_stats *st, sync_report_fn report,
	      void *arg, struct kerr *err);
/*
 * Keeps what dc learned while syncing book (its Digest challenge, the
 * requests made on it) for the next sync; call after the push.
 */
int sync_remember(struct dav_client *dc, struct cache *c,
		  const struct cache_book *book, struct kerr *err);

#endif
