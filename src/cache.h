/*
 * cache.h: the local SQLite cache.
 *
 * A card row holds the server's copy exactly as received (raw, etag) plus
 * columns extracted from it for display and search. A shell command never
 * edits the server copy: it appends an operation to the outbox, and the
 * columns the user sees (cadence, snooze, last contact, log) are always
 * "server copy + pending operations", recomputed by cache_card_refresh()
 * in the same transaction. Push drops operations only after the server
 * has stored them.
 */
#ifndef KITH_CACHE_H
#define KITH_CACHE_H

#include <stddef.h>

#include "util.h"
#include "vcard.h"

struct cache;

/* Card states (card.state). */
enum {
	CARD_SYNCED = 0,	/* on the server */
	CARD_LOCAL = 1,		/* made here, not yet on the server */
	CARD_GONE = 2,		/* deleted on the server while notes were pending */
};

/*
 * card.is_group: 0 a person, 1 a group, or CARD_KIND_REMOVED for a person
 * removed here whose DELETE waits for the next sync. Every query for people
 * or groups asks for 0 or 1, so a removed person leaves every list at once
 * and comes back with undo.
 */
#define CARD_KIND_REMOVED 2

/*
 * Opens (creating 0600 and migrating) the cache at path, or at
 * $XDG_DATA_HOME/kith/kith.db when path is NULL. today (a day number) is
 * what new cards and cadences are dated with. The caller closes it.
 * Queries for the commands are in query.h.
 */
struct cache *cache_open(const char *path, long today, struct kerr *err);
void cache_close(struct cache *c);
const char *cache_path(struct cache *c);
/*
 * bulk: read the file through system calls, for a command that writes the
 * whole cache (sync), whose mapped pages would count as kith's resident
 * memory; otherwise map it (a 'queue' at 10,000 people spends 12 ms in
 * read calls without).
 */
void cache_set_bulk(struct cache *c, int bulk);

int cache_begin(struct cache *c, struct kerr *err);
int cache_commit(struct cache *c, struct kerr *err);
void cache_rollback(struct cache *c);

/*
 * Refreshes the query planner's statistics (ANALYZE, about 10 ms for
 * 10,000 cards). Without them SQLite drives "recent log entries" through
 * the card_view index and reads every card. Call after a sync changed rows.
 */
int cache_analyze(struct cache *c, struct kerr *err);

/* Runs SQL with no result rows; -1 with err naming what failed. */
int cache_exec(struct cache *c, const char *sql, struct kerr *err);

/* Accounts and books. */
long cache_account(struct cache *c, const char *name, struct kerr *err);	/* creates */
int cache_account_delete(struct cache *c, const char *name, struct kerr *err);

struct cache_book {
	long id;
	char *url;		/* absolute URL of the collection */
	char *displayname;
	char *sync_token;	/* NULL until the first complete sync */
	char *ctag;
	char *learned;		/* what sync learned of the server; sync's to read */
};

long cache_book(struct cache *c, long account, const char *url,
		const char *displayname, struct kerr *err);	/* creates */
/* The account's books; free with cache_books_free. */
int cache_books(struct cache *c, long account, struct cache_book **books,
		size_t *n, struct kerr *err);
void cache_books_free(struct cache_book *books, size_t n);
int cache_book_set_state(struct cache *c, long book, const char *sync_token,
			 const char *ctag, struct kerr *err);
int cache_book_set_learned(struct cache *c, long book, const char *learned,
			   struct kerr *err);

/*
 * The 'today' choice of day (YYYY-MM-DD) as card ids (0 for an empty
 * slot: lost, due, upgrade, aspire), kept once made so that it is the
 * same all day. get: 1 found, 0 none yet, -1 error. put replaces, and
 * forgets days more than a month from day.
 */
int cache_today_get(struct cache *c, const char *day, long ids[4],
		    struct kerr *err);
int cache_today_put(struct cache *c, const char *day, const long ids[4],
		    struct kerr *err);

/*
 * Stores the server's copy of a card (insert or replace by book and href)
 * and refreshes its view. A card that was CARD_GONE comes back as synced.
 */
int cache_card_put(struct cache *c, long book, const char *href,
		   const char *etag, const char *raw, size_t len,
		   struct kerr *err);
/*
 * The server says the card is gone. Deleted here unless operations are
 * pending, in which case it is kept as CARD_GONE so no note is lost.
 * 0 deleted, 1 kept, -1 error.
 */
int cache_card_gone(struct cache *c, long book, const char *href,
		    struct kerr *err);
/*
 * The way out for the notes of a card deleted on the server (CARD_GONE):
 * restore makes it CARD_LOCAL again, so the next sync creates it anew with
 * its notes; move_notes re-logs its pending log entries on another card
 * (*moved of them) and drops it; drop removes a card, its log and its
 * outbox, on purpose. Inside the caller's transaction when one is open.
 */
int cache_card_restore(struct cache *c, long card, struct kerr *err);
int cache_card_move_notes(struct cache *c, long from, long to, long *moved,
			  struct kerr *err);
int cache_card_drop(struct cache *c, long card, struct kerr *err);
/* Calls fn for every (href, etag) of the book that came from the server. */
int cache_card_etags(struct cache *c, long book,
		     int (*fn)(void *arg, const char *href, const char *etag),
		     void *arg, struct kerr *err);
/*
 * Cards the server could not serve: noted at the etag its listing gave
 * (or NULL), cleared when one arrives, listed for the next sync so that it
 * is asked for again only when its etag changes.
 */
int cache_unreadable_etags(struct cache *c, long book,
			   int (*fn)(void *arg, const char *href, const char *etag),
			   void *arg, struct kerr *err);
int cache_unreadable_set(struct cache *c, long book, const char *href,
			 const char *etag, long status, struct kerr *err);
int cache_unreadable_clear(struct cache *c, long book, const char *href,
			   struct kerr *err);
/*
 * Whether the server could not serve the newest version of card: 1 with
 * the status it answered and the day kith first saw it, 0 when not.
 */
int cache_card_unreadable(struct cache *c, long card, long *status,
			  char since[11], struct kerr *err);
/* The card id for (book, href), 0 when absent, -1 with err on error. */
long cache_card_id(struct cache *c, long book, const char *href,
		   struct kerr *err);

/*
 * Reads card as it will be once its pending field changes are sent (the
 * server's copy with 'set' applied). 0, or -1 with err set; vi is filled
 * (free it with vcard_info_free) either way.
 */
int cache_card_read(struct cache *c, long card, struct vcard_info *vi,
		    struct kerr *err);

/*
 * The annotations of the card's server copy as stored (its X-KITH lines,
 * no pending operation applied) into *out, which the caller frees with
 * vcard_annot_free; zeroed on error. -1 with err when the cache cannot
 * be read or has no such card.
 */
int cache_card_annot(struct cache *c, long card, struct vcard_annot *out,
		     struct kerr *err);

/* Recomputes the view columns, log rows and search index of one card. */
int cache_card_refresh(struct cache *c, long card, struct kerr *err);

/*
 * A new person made here: a CARD_LOCAL row holding raw, with a pending
 * "create" operation. Returns the card id.
 */
long cache_card_create(struct cache *c, long book, const char *href,
		       const char *raw, struct kerr *err);

/*
 * Outbox operations. Each is appended and the card's view refreshed in
 * one transaction (the caller's, when one is open).
 *   log     a=date b=via c=id d=text
 *   unlog   a=id
 *   cadence a=ISO duration or "" for off
 *   snooze  a=date or "" for none
 *   create  (no arguments)
 *   edit    a=date b=via c=id d=text: the whole new entry for log id c
 *   aspire  a=why, or "" when no longer someone new
 *   set     a=field name (cache_field_name) b=value ("" removes it)
 *   remove  a=the etag the card had when the person asked (DELETE at sync)
 */
int cache_outbox_add(struct cache *c, long card, const char *op,
		     const char *a, const char *b, const char *cc,
		     const char *d, struct kerr *err);

/*
 * What a card's pending operations do beyond its annotations: fields of
 * the person's own to change (in order), and a removal, asked for when the
 * card had remove_etag.
 */
struct cache_set {
	enum vcard_field field;
	char *value;
};
struct cache_pending {
	struct cache_set *set;
	size_t nset;
	int remove;
	char *remove_etag;
};
void cache_pending_free(struct cache_pending *p);
/* raw with p's field changes made, or NULL with err set. The caller frees. */
char *cache_pending_patch(const struct cache_pending *p, const char *raw,
			  size_t len, size_t *outlen, struct kerr *err);
/* "email", "phone", "org", "category" and back; -1 for another name. */
int cache_field_parse(const char *name);
const char *cache_field_name(enum vcard_field f);

/*
 * Applies the card's pending operations to an annotation set, and fills
 * pend (when not NULL; free it with cache_pending_free) with the rest.
 */
int cache_outbox_apply(struct cache *c, long card, struct vcard_annot *annot,
		       long *last_op, struct cache_pending *pend,
		       struct kerr *err);
/*
 * Takes back the newest change still in the outbox (not yet on the
 * server): one log, unlog, snooze or cadence, a whole bulk cadence (the
 * run of one value written in one go), or a person added here (dropped).
 * 1 with u filled, 0 when the outbox is empty, -1 on error. Free u with
 * cache_undo_free.
 */
struct cache_undo {
	char op[16];		/* an outbox operation (cache_outbox_add) */
	char *value;		/* its first argument (a date, a duration, an id) */
	char *created;
	char *text;		/* a log's text */
	char *name;		/* the (first) person's name */
	long cards;		/* how many people it touched */
};
int cache_outbox_undo(struct cache *c, struct cache_undo *u, struct kerr *err);
void cache_undo_free(struct cache_undo *u);

/* The card's etag (NULL for one made here) in *etag, which the caller frees. */
int cache_card_etag(struct cache *c, long card, char **etag, struct kerr *err);
/* Drops the card's pending operations named op, and refreshes its view. */
int cache_outbox_cancel(struct cache *c, long card, const char *op,
			struct kerr *err);
/* Drops the card's operations with id <= last_op (they are on the server). */
int cache_outbox_done(struct cache *c, long card, long last_op, struct kerr *err);

/*
 * A card as push sends it: the server's copy exactly as stored, with what
 * decides whether and how it may be written. Filled by cache_card_raw;
 * the caller owns the strings and frees them with cache_raw_free.
 */
struct cache_raw {
	long id;
	char *href;
	char *etag;		/* NULL for a card made here */
	char *raw;		/* len bytes, NUL-terminated */
	size_t len;
	int state;		/* CARD_SYNCED, CARD_LOCAL or CARD_GONE */
	int parsed;		/* 0: kith cannot parse it and never writes it */
	char *fn;		/* the person's name, or the href without one */
};
/*
 * 0 with r filled, or -1 with err set: a cache that cannot be read, or a
 * card that is not in it. r is zeroed either way (cache_raw_free is safe).
 */
int cache_card_raw(struct cache *c, long card, struct cache_raw *r,
		   struct kerr *err);
void cache_raw_free(struct cache_raw *r);	/* accepts NULL */
/*
 * The ids of book's cards with pending operations, in id order: *cards
 * (NULL when none) is the caller's to free. A cache that cannot be read
 * is -1 with err set, never an empty outbox.
 */
int cache_outbox_cards(struct cache *c, long book, long **cards, size_t *n,
		       struct kerr *err);

#endif
