/*
 * query_export.c: the reads of import and export (see query_export.h).
 * Read-only; every statement runs through cache_step or cache_each.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cache_internal.h"
#include "query_export.h"

#define WHAT "reading the people"

/* ---- matching ---------------------------------------------------------- */

/* One key ("u:UID", "e:email", "n:name", lower-cased but the UID) and who has it. */
struct match_slot {
	char *key;
	long id;		/* the first (oldest) card with it */
	long count;		/* how many have it */
};

struct query_match_index {
	struct match_slot *slot;
	size_t cap, n;		/* cap a power of two, at most half full */
};

static size_t key_hash(const char *s)
{
	return (size_t)str_hash(STR_HASH_INIT, s, strlen(s));
}

/* The slot of key: its own, or the empty one where it would go. */
static struct match_slot *slot_of(const struct query_match_index *x,
				  const char *key)
{
	size_t i = key_hash(key) & (x->cap - 1);

	while (x->slot[i].key && strcmp(x->slot[i].key, key) != 0)
		i = (i + 1) & (x->cap - 1);
	return &x->slot[i];
}

static void index_grow(struct query_match_index *x)
{
	struct match_slot *old = x->slot;
	size_t oldcap = x->cap, i;

	x->cap = oldcap ? oldcap * 2 : 1024;
	x->slot = xcalloc(x->cap, sizeof *x->slot);
	for (i = 0; i < oldcap; i++)
		if (old[i].key)
			*slot_of(x, old[i].key) = old[i];
	free(old);
}

/* Counts id under prefix + s (lower-cased when fold). */
static void index_put(struct query_match_index *x, const char *prefix,
		      const char *s, int fold, long id)
{
	struct match_slot *sl;
	char *key, *p;

	if (!s || !*s)
		return;
	if (2 * (x->n + 1) > x->cap)
		index_grow(x);
	key = xasprintf("%s%s", prefix, s);
	for (p = key; fold && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	sl = slot_of(x, key);
	if (sl->key) {
		free(key);
		sl->count++;
		return;
	}
	sl->key = key;
	sl->id = id;
	sl->count = 1;
	x->n++;
}

static const struct match_slot *index_get(const struct query_match_index *x,
					  const char *prefix, const char *s,
					  int fold)
{
	const struct match_slot *sl;
	char *key, *p;

	if (!s || !*s || !x->cap)
		return NULL;
	key = xasprintf("%s%s", prefix, s);
	for (p = key; fold && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	sl = slot_of(x, key);
	free(key);
	return sl->key ? sl : NULL;
}

void query_match_add(struct query_match_index *x, long id, const char *uid,
		     const struct strv *emails, const char *name)
{
	size_t i;

	index_put(x, "u:", uid, 0, id);
	for (i = 0; emails && i < emails->n; i++)
		index_put(x, "e:", emails->v[i], 1, id);
	index_put(x, "n:", name, 1, id);
}

static int match_row(void *arg, sqlite3_stmt *st)
{
	struct query_match_index *x = arg;
	struct strv emails = {0};
	const char *e = (const char *)sqlite3_column_text(st, 2);

	/* The emails column is ", "-joined; an address holds no ", ". */
	while (e && *e) {
		size_t n = strcspn(e, ",");

		strv_push_own(&emails, xstrndup(e, n));
		e += n;
		e += strspn(e, ", ");
	}
	query_match_add(x, sqlite3_column_int64(st, 0),
			(const char *)sqlite3_column_text(st, 1), &emails,
			(const char *)sqlite3_column_text(st, 3));
	strv_free(&emails);
	return 0;
}

struct query_match_index *query_match_load(struct cache *c, struct kerr *err)
{
	struct query_match_index *x = xcalloc(1, sizeof *x);
	sqlite3_stmt *st = cache_prep(c, "SELECT id, uid, emails, fn FROM card"
				      " WHERE is_group = 0 AND state <> ?1"
				      " ORDER BY id", err);
	int rc = -1;

	if (st) {
		sqlite3_bind_int(st, 1, CARD_GONE);
		rc = cache_each(c, st, match_row, x, WHAT, err);
		sqlite3_finalize(st);
	}
	if (rc < 0) {
		query_match_free(x);
		return NULL;
	}
	return x;
}

void query_match_free(struct query_match_index *x)
{
	size_t i;

	if (!x)
		return;
	for (i = 0; i < x->cap; i++)
		free(x->slot[i].key);
	free(x->slot);
	free(x);
}

void query_match_find(const struct query_match_index *x, const char *uid,
		      const struct strv *emails, const char *name, long *id,
		      enum query_found *how)
{
	const struct match_slot *sl = index_get(x, "u:", uid, 0);
	size_t i;

	*id = 0;
	*how = QUERY_FOUND_NONE;
	if (sl) {
		*id = sl->id;
		*how = QUERY_FOUND_UID;
		return;
	}
	for (i = 0; emails && i < emails->n; i++) {
		sl = index_get(x, "e:", emails->v[i], 1);
		if (sl) {
			*id = sl->id;
			*how = QUERY_FOUND_EMAIL;
			return;
		}
	}
	sl = index_get(x, "n:", name, 1);
	if (sl && sl->count > 1)
		*how = QUERY_FOUND_AMBIGUOUS;
	else if (sl) {
		*id = sl->id;
		*how = QUERY_FOUND_NAME;
	}
}

int query_log_on(struct cache *c, long card, const char *date,
		 struct kerr *err)
{
	sqlite3_stmt *st = cache_prep(c, "SELECT 1 FROM log WHERE card = ?1"
				      " AND date = ?2 LIMIT 1", err);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
	rc = cache_step(c, st, "reading the log", err);
	sqlite3_finalize(st);
	return rc;
}

/* One person's lists and log into x, then fn. */
static int export_one(struct cache *c, const struct person *p, int with_log,
		      int (*fn)(void *arg, const struct query_export_person *x),
		      void *arg, struct kerr *err)
{
	struct query_export_person x = {p, NULL, NULL, NULL, NULL, 0};
	struct person_log_row *rows = NULL;
	struct vcard_info vi;
	size_t n = 0, i;
	int rc = -1;

	if (cache_card_read(c, p->id, &vi, err) < 0)
		goto out;
	x.emails = &vi.emails;
	x.phones = &vi.phones;
	x.categories = &vi.categories;
	if (with_log && query_log(c, p->id, &rows, &n, err) < 0)
		goto out;
	/* query_log is newest first; an export reads in the order things happened. */
	for (i = 0; i < n / 2; i++) {
		struct person_log_row t = rows[i];

		rows[i] = rows[n - 1 - i];
		rows[n - 1 - i] = t;
	}
	x.log = rows;
	x.nlog = n;
	rc = fn(arg, &x);
out:
	person_log_free(rows, n);
	vcard_info_free(&vi);
	return rc;
}

int query_export(struct cache *c, int with_log,
		 int (*fn)(void *arg, const struct query_export_person *x),
		 void *arg, struct kerr *err)
{
	struct person *people = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (query_people(c, NULL, NULL, 0, &people, &n, err) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++)
		rc = export_one(c, &people[i], with_log, fn, arg, err);
	person_free_all(people, n);
	return rc;
}
