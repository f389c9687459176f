/*
 * query_export.h: what import and export read from the cache (issue 15),
 * beside query.h and in its manner: plain structs, 0 or -1 with err
 * filled ("reading the people: cache PATH: ..."), a busy or damaged cache
 * an error and never an empty result. The statements are in
 * query_export.c.
 */
#ifndef KITH_QUERY_EXPORT_H
#define KITH_QUERY_EXPORT_H

#include <stddef.h>

#include "cache.h"
#include "query.h"
#include "util.h"

/* How an imported person was found in the cache. */
enum query_found {
	QUERY_FOUND_NONE,	/* nobody: a new person */
	QUERY_FOUND_UID,	/* a card with the UID of a card from a file */
	QUERY_FOUND_EMAIL,	/* someone with one of the emails */
	QUERY_FOUND_NAME,	/* the one person with exactly that name */
	QUERY_FOUND_AMBIGUOUS,	/* several people with that name, none by email */
};

/*
 * Who is in the cache, for matching the people of an import: loaded once
 * and then looked up in memory (a query a row scans every card: 20 s for
 * 5,000 rows against 10,000 people). People not deleted only: not groups,
 * not removed, not gone from the server. Free with query_match_free.
 */
struct query_match_index;
struct query_match_index *query_match_load(struct cache *c, struct kerr *err);
void query_match_free(struct query_match_index *x);	/* accepts NULL */
/*
 * Who an imported person is: by uid (when not NULL), then by any of
 * emails (case aside, any of the person's emails), then by name (the whole
 * name, ASCII case aside, as SQLite's NOCASE). *id is 0 unless found; the
 * first (oldest) card wins among several with that UID or email.
 */
void query_match_find(const struct query_match_index *x, const char *uid,
		      const struct strv *emails, const char *name, long *id,
		      enum query_found *how);
/* Adds a person the import made (card id), so that a later row finds them. */
void query_match_add(struct query_match_index *x, long id, const char *uid,
		     const struct strv *emails, const char *name);

/* Whether the card's log holds an entry dated date (YYYY-MM-DD): 1, 0, or -1. */
int query_log_on(struct cache *c, long card, const char *date,
		 struct kerr *err);

/*
 * One person as export writes them: the view (p), the card's exact lists
 * (a category may hold ", ", which p's joined columns cannot show), and
 * with the log, every entry oldest first. All the query's, valid during
 * the call.
 */
struct query_export_person {
	const struct person *p;
	const struct strv *emails, *phones, *categories;
	const struct person_log_row *log;
	size_t nlog;
};

/*
 * fn(arg, x) for everyone (not groups or removed people), by name; the
 * log read only when with_log. fn returns 0 to go on; another value
 * stops and is returned.
 */
int query_export(struct cache *c, int with_log,
		 int (*fn)(void *arg, const struct query_export_person *x),
		 void *arg, struct kerr *err);

#endif
