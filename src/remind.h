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
#include <stdint.h>

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

/* ---- the rules for the objects kith owns (pure; tested in test_remind) */

#define REMIND_UID_PREFIX "kith-"
#define REMIND_UID_MAX 48	/* bytes of a UID of kith's, NUL included */

/*
 * The UID kith gave the object at path ("/cal/kith-day-20261204.ics"):
 * 1 with uid filled, 0 when the name is not one kith writes (kith- then
 * [a-z0-9-] only, then .ics).
 */
int remind_uid_of(const char *path, char uid[REMIND_UID_MAX]);
/*
 * The log id of a task completed on date (YYYY-MM-DD): 8 hex derived from
 * the UID and the date, so every device derives the same one.
 */
void remind_log_id(const char *uid, const char *date, char id[9]);
/* The channel the user's words name ("called her" is a phone call), or "other". */
const char *remind_channel(const char *text);
/*
 * What the user added to a task's description on the phone: its lines
 * that are not lines of written (what kith wrote), joined on one line,
 * at most 1000 bytes of valid UTF-8; NULL when nothing is left. The
 * caller frees it.
 */
char *remind_user_text(const char *desc, const char *written);

#endif
