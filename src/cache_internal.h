/*
 * cache_internal.h: the SQLite connection behind struct cache, for the
 * modules of src/ that read it (query.c, query_stats.c, queue.c) and for the unit tests.
 * shell/ and sync/ never include this: they get plain structs from
 * cache.h and query.h.
 */
#ifndef KITH_CACHE_INTERNAL_H
#define KITH_CACHE_INTERNAL_H

#include <sqlite3.h>

#include "cache.h"
#include "query.h"

/* The connection. Owned by the cache. */
sqlite3 *cache_db(struct cache *c);

/* Prepares sql; NULL with err naming what failed. The caller finalizes. */
sqlite3_stmt *cache_prep(struct cache *c, const char *sql, struct kerr *err);

/*
 * A statement prepared once per connection and kept for the hot paths
 * (person_get runs a hundred times for 'today'): slot is a
 * CACHE_KEPT_* number, sql the same text every time. Reset and owned by
 * the cache; the caller calls cache_kept_done after use.
 */
enum { CACHE_KEPT_PERSON, CACHE_KEPT_N };
sqlite3_stmt *cache_kept(struct cache *c, int slot, const char *sql,
			 struct kerr *err);
void cache_kept_done(sqlite3_stmt *st);

/*
 * Steps st once: 1 for a row, 0 at its end (SQLITE_DONE), -1 with err
 * ("what: ...") for anything else. A busy or damaged cache is an error,
 * never an empty result.
 */
int cache_step(struct cache *c, sqlite3_stmt *st, const char *what,
	       struct kerr *err);

/*
 * Runs st to its end, calling row(arg, st) for every row; row returns 0
 * to go on or 1 to stop there. 0 when done, -1 with err as cache_step.
 * The row loop of query.c, query_stats.c and queue.c, so none of them
 * can forget the end check (cache.c's own loops check it by hand).
 * Leaves st to its owner (finalize, or cache_kept_done).
 */
int cache_each(struct cache *c, sqlite3_stmt *st,
	       int (*row)(void *arg, sqlite3_stmt *st), void *arg,
	       const char *what, struct kerr *err);

/* Changes the day new rows are dated with (the tests move through time). */
void cache_set_today(struct cache *c, long today);

/* A copy of a text column, or NULL. */
char *cache_col(sqlite3_stmt *st, int i);

/*
 * The columns query_person_read expects, 0 to 21 (a query may select
 * more after them), and the FROM clause they need.
 */
#define QUERY_PERSON_COLS \
	"c.id, c.uid, c.fn, c.href, b.url, c.org, c.title, c.city, c.bday," \
	" c.note, c.emails, c.phones, c.categories, c.cadence, c.snooze," \
	" c.last_contact, c.last_via, c.cadence_since, c.why, c.parsed, c.state," \
	" c.aspire"
#define QUERY_PERSON_FROM " FROM card c JOIN book b ON b.id = c.book "

/* Fills p (zeroed first) from a row selected with QUERY_PERSON_COLS. */
void query_person_read(sqlite3_stmt *st, struct person *p);

/*
 * The MEMBER values of a group (one per line, urn:uuid: or not) as a JSON
 * array of UIDs, for json_each.
 */
void query_members_json(const char *members, struct sbuf *json);

#endif
