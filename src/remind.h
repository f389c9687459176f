/*
 * remind.h: what kith wrote on an account's calendar, as the cache
 * remembers it.
 *
 * One row per object kith owns there (events for days, tasks for
 * people). The calendar itself is derived: each sync computes what it
 * should hold, compares with these rows, and writes only the difference,
 * so a sync killed halfway goes on where it stopped. Every href is
 * derived from the UID, so writing the same object twice can never make
 * two of it.
 */
#ifndef KITH_REMIND_H
#define KITH_REMIND_H

#include <stddef.h>

#include "cache.h"
#include "util.h"

struct remind_row {
	char *uid;
	char *href;		/* path on the server */
	char *etag;		/* NULL: not there (never written, or deleted there) */
	char *sent;		/* digest of what kith last wrote, NULL unknown */
	long day;		/* an event's day, a task's due day */
	long card;		/* a task's person, 0 for an event */
};

/* The account's rows, by UID; free with remind_rows_free. */
int remind_rows(struct cache *c, long account, struct remind_row **rows,
		size_t *n, struct kerr *err);
void remind_rows_free(struct remind_row *rows, size_t n);
/* Inserts or replaces the row of r->uid. */
int remind_put(struct cache *c, long account, const struct remind_row *r,
	       struct kerr *err);
/* Forgets one object (uid) or, with uid NULL, all of the account's. */
int remind_drop(struct cache *c, long account, const char *uid,
		struct kerr *err);

/*
 * The person a task names (X-KITH-CARD: the card's href path), among
 * the cards that can take a note: its id, 0 when none, -1 on error.
 */
long remind_card(struct cache *c, const char *href, struct kerr *err);

#endif
