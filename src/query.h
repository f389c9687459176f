/*
 * query.h: what the commands read from the cache, as plain structs.
 *
 * Every query of the shell lives in query.c (search, history and stats in
 * query_stats.c), so the schema has one owner: shell/ and sync/ never see
 * a statement or a column index. Each function returns 0 (or 1 for found,
 * where it says so) or -1 with err filled ("reading the log: cache PATH:
 * ..."); a busy or damaged cache is an error, never an empty result.
 * Arrays returned are the caller's to free with the named function.
 */
#ifndef KITH_QUERY_H
#define KITH_QUERY_H

#include <stddef.h>

#include "cache.h"
#include "queue.h"
#include "today.h"
#include "util.h"

/* What the commands read about a person: one card joined to its book. */
struct person {
	long id;
	char *uid, *fn, *href, *book, *org, *title, *city, *bday, *note;
	char *emails, *phones, *categories;	/* joined with ", " */
	char *cadence, *snooze, *last_contact, *last_via, *cadence_since;
	char *why;
	char *aspire;		/* why to reach out to someone not met yet, or NULL */
	int parsed, state;
	long due;		/* day number, -1 when there is no cadence */
	char *label;		/* the name to show; never NULL */
};

/* Frees p's strings and zeroes it; p may be NULL. */
void person_free(struct person *p);
/* Frees n people and the array. */
void person_free_all(struct person *v, size_t n);

/* One entry of a person's log as the cache shows it. */
struct person_log_row {
	char *id, *date, *via, *text;
	int pending;		/* typed here, not yet on the server */
};

void person_log_free(struct person_log_row *rows, size_t n);

/* Whether anybody (not a group) is in the cache: *yes 1 or 0. */
int query_any_person(struct cache *c, int *yes, struct kerr *err);

/* Card id into p (zeroed first): 1, 0 when there is no such card, or -1. */
int query_person(struct cache *c, long id, struct person *p, struct kerr *err);

/*
 * The people q names, from the most to the least exact match (href or its
 * last segment, UID, exact name, whole email, part of name or email): the
 * first kind that matches anyone decides. Up to 21 ids in ids, sorted by
 * name, their number in *n.
 */
int query_match(struct cache *c, const char *q, long ids[21], int *n,
		struct kerr *err);

/*
 * Everyone (not groups) whose name, email, organisation or categories
 * contain text (all when text is NULL), sorted by name; with only not
 * NULL, just those of its nonly ids (sorted). Free with person_free_all.
 */
int query_people(struct cache *c, const char *text, const long *only,
		 size_t nonly, struct person **out, size_t *n, struct kerr *err);

/*
 * The people of ids[0..n) that have a cadence, into people[i] (people[i].id
 * stays 0 for one not found, say changed by a sync in between), with the
 * text of each one's newest note in texts[i] (caller frees). One pass:
 * a query per person is too slow with thousands due.
 */
int query_people_of(struct cache *c, const long *ids, size_t n,
		    struct person *people, char **texts, struct kerr *err);

/* The card's log, newest first; free with person_log_free. */
int query_log(struct cache *c, long card, struct person_log_row **rows,
	      size_t *n, struct kerr *err);
/* Whether the card's log holds id: 1, 0, or -1. */
int query_log_has(struct cache *c, long card, const char *id, struct kerr *err);
/* The card's notes typed here and not yet on the server, in *n. */
int query_log_pending(struct cache *c, long card, long *n, struct kerr *err);

/*
 * The people in category name: CATEGORIES holds it, or a group card of
 * that name lists them as a MEMBER. Sorted by card id (for bsearch); with
 * writable, by name then id, and people whose card cannot take a note
 * (unparseable, deleted on the server) are left out and counted in
 * *skipped (may be NULL). Caller frees *ids.
 */
int query_category(struct cache *c, const char *name, int writable,
		   long **ids, size_t *n, size_t *skipped, struct kerr *err);

/* The people deleted on the server while notes were pending, and their notes. */
int query_gone(struct cache *c, struct person **out, long **notes, size_t *n,
	       struct kerr *err);

/* A birthday coming up. */
struct query_bday {
	long card;
	long in;		/* days until */
};

/*
 * today's candidates (people that can take a note) and the birthdays
 * within bday_days, soonest first, in one pass over the cards (with
 * 10,000 people every pass counts). Caller frees both arrays.
 */
int query_today(struct cache *c, long today, long bday_days,
		struct today_cand **out, size_t *n, struct query_bday **bd,
		size_t *nbd, struct kerr *err);

/*
 * Who already has name, or email when not NULL (case-insensitively),
 * among people not deleted: *id 0 when nobody, else the first, with *why
 * "name" or "email".
 */
int query_existing(struct cache *c, const char *name, const char *email,
		   long *id, const char **why, struct kerr *err);

/*
 * The address book url (a trailing slash either way), or with url NULL
 * the first book of the first account: *id 0 when none, else its id and
 * *book_url (caller frees).
 */
int query_book(struct cache *c, const char *url, long *id, char **book_url,
	       struct kerr *err);

/*
 * Full-text search (an FTS5 query, built by the caller): up to limit card
 * ids, best first, and a snippet for each with the match in [ ]. Caller
 * frees ids, each snippet and snips.
 */
int query_search(struct cache *c, const char *fts, long limit, long **ids,
		 char ***snips, size_t *n, struct kerr *err);

/*
 * The newest limit log entries, of card (or everyone when card is 0),
 * newest first: fn(arg, person, entry) for each; fn returns 0 to go on.
 * Both are the query's, valid during the call.
 */
typedef int (*query_history_fn)(void *arg, const struct person *p,
				const struct person_log_row *e);
int query_history(struct cache *c, long card, long limit, query_history_fn fn,
		  void *arg, struct kerr *err);

/* A person counted under a category (stats). */
struct query_catpair {
	char *name;
	long card;
};
/*
 * Every (category, person) pair: CATEGORIES values, and each member of a
 * group under the group's name. Caller frees names and the array.
 */
int query_category_pairs(struct cache *c, struct query_catpair **out,
			 size_t *n, struct kerr *err);

/*
 * Touches logged on people (not groups or removed people) since the day
 * from (YYYY-MM-DD), counted by month: fn(arg, "YYYY-MM", count).
 */
int query_touch_months(struct cache *c, const char *from,
		       void (*fn)(void *arg, const char *ym, long count),
		       void *arg, struct kerr *err);
/* All touches on people in *all, and those since from in *since. */
int query_touch_counts(struct cache *c, const char *from, long *all,
		       long *since, struct kerr *err);

/* What stats counts of a person. */
struct query_brief {
	const char *last_contact, *org, *city;	/* or NULL */
	int has_cadence, aspire;
};
/* fn(arg, brief) for everyone (not groups); brief is valid during the call. */
int query_briefs(struct cache *c, void (*fn)(void *arg,
		 const struct query_brief *b), void *arg, struct kerr *err);

/*
 * For completion: up to 200 distinct names starting with prefix (taken
 * literally), sorted; and the category names (CATEGORIES values and
 * group names), each once per card, unsorted. Appended to out.
 */
int query_names_from(struct cache *c, const char *prefix, struct strv *out,
		     struct kerr *err);
int query_category_names(struct cache *c, struct strv *out, struct kerr *err);

#endif
