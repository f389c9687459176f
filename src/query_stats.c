/*
 * query_stats.c: what looking around reads from the cache: full-text
 * search, the history of touches across everyone, and the figures of
 * stats. Read-only; every row loop is cache_each, so a busy or damaged
 * cache is an error and never a chart of zeros.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache_internal.h"
#include "query.h"
#include "queue.h"

#define WHAT "reading the cache"

/* ---- search -------------------------------------------------------------- */

struct search_rows {
	long *ids;
	char **snips;
	size_t n;
};

static int search_row(void *arg, sqlite3_stmt *st)
{
	struct search_rows *r = arg;

	r->ids = xrealloc(r->ids, (r->n + 1) * sizeof *r->ids);
	r->snips = xrealloc(r->snips, (r->n + 1) * sizeof *r->snips);
	r->ids[r->n] = sqlite3_column_int64(st, 0);
	r->snips[r->n++] = cache_col(st, 1);
	return 0;
}

int query_search(struct cache *c, const char *fts, long limit, long **ids,
		 char ***snips, size_t *n, struct kerr *err)
{
	struct search_rows r = {0};
	sqlite3_stmt *st;
	size_t i;
	int rc = -1;

	*ids = NULL;
	*snips = NULL;
	*n = 0;
	st = cache_prep(c, "SELECT f.rowid, snippet(card_fts, -1, '[', ']',"
			" '…', 8) FROM card_fts f JOIN card c ON c.id = f.rowid"
			" WHERE card_fts MATCH ?1 AND c.is_group = 0"
			" ORDER BY f.rank, c.fn COLLATE NOCASE LIMIT ?2", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, limit);
	if (cache_each(c, st, search_row, &r, WHAT, err) < 0)
		goto out;
	*ids = r.ids;
	*snips = r.snips;
	*n = r.n;
	r.ids = NULL;
	r.snips = NULL;
	r.n = 0;
	rc = 0;
out:
	sqlite3_finalize(st);
	for (i = 0; i < r.n; i++)
		free(r.snips[i]);
	free(r.snips);
	free(r.ids);
	return rc;
}

/* ---- history ------------------------------------------------------------- */

#define PERSON_NCOLS 22	/* QUERY_PERSON_COLS; the log entry's columns follow */

struct history_rows {
	query_history_fn fn;
	void *arg;
};

static int history_row(void *arg, sqlite3_stmt *st)
{
	struct history_rows *h = arg;
	struct person p;
	struct person_log_row e;
	int stop;

	query_person_read(st, &p);
	e.id = cache_col(st, PERSON_NCOLS);
	e.date = cache_col(st, PERSON_NCOLS + 1);
	e.via = cache_col(st, PERSON_NCOLS + 2);
	e.text = cache_col(st, PERSON_NCOLS + 3);
	e.pending = sqlite3_column_int(st, PERSON_NCOLS + 4);
	stop = h->fn(h->arg, &p, &e);
	person_free(&p);
	free(e.id);
	free(e.date);
	free(e.via);
	free(e.text);
	return stop != 0;
}

int query_history(struct cache *c, long card, long limit, query_history_fn fn,
		  void *arg, struct kerr *err)
{
	struct history_rows h = {fn, arg};
	sqlite3_stmt *st;
	int rc;

	st = cache_prep(c, "SELECT " QUERY_PERSON_COLS ", l.id, l.date, l.via, l.text,"
			" l.pending FROM log l JOIN card c ON c.id = l.card"
			" JOIN book b ON b.id = c.book WHERE c.is_group = 0"
			" AND (?1 = 0 OR l.card = ?1)"
			" ORDER BY l.date DESC, l.rowid DESC LIMIT ?2", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	sqlite3_bind_int64(st, 2, limit);
	rc = cache_each(c, st, history_row, &h, WHAT, err);
	sqlite3_finalize(st);
	return rc;
}

/* ---- stats --------------------------------------------------------------- */

struct pairs {
	struct cache *c;
	struct query_catpair *v;
	size_t n;
	sqlite3_stmt *members;	/* the people among a group's MEMBERs */
	const char *group;	/* the group being read */
	struct kerr *err;
	int failed;
};

static void pair_add(struct pairs *p, const char *name, long card)
{
	p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
	p->v[p->n].name = xstrdup(name);
	p->v[p->n++].card = card;
}

static int member_row(void *arg, sqlite3_stmt *st)
{
	struct pairs *p = arg;

	pair_add(p, p->group, sqlite3_column_int64(st, 0));
	return 0;
}

static int group_row(void *arg, sqlite3_stmt *st)
{
	struct pairs *p = arg;
	struct sbuf json = {0};
	int rc;

	query_members_json((const char *)sqlite3_column_text(st, 1), &json);
	p->group = (const char *)sqlite3_column_text(st, 0);
	sqlite3_reset(p->members);
	sqlite3_bind_text(p->members, 1, json.buf, -1, SQLITE_STATIC);
	rc = cache_each(p->c, p->members, member_row, p, WHAT, p->err);
	sqlite3_reset(p->members);
	sqlite3_clear_bindings(p->members);
	sbuf_free(&json);
	p->group = NULL;
	if (rc < 0) {
		p->failed = 1;
		return 1;
	}
	return 0;
}

static int categories_row(void *arg, sqlite3_stmt *st)
{
	struct pairs *p = arg;
	long card = sqlite3_column_int64(st, 0);
	const char *s = (const char *)sqlite3_column_text(st, 1), *sep;

	/* A ", "-joined view column; empty values are no category. */
	while (s && *s) {
		sep = strstr(s, ", ");
		if (!sep) {
			pair_add(p, s, card);
			break;
		}
		if (sep > s) {
			char *name = xstrndup(s, (size_t)(sep - s));

			pair_add(p, name, card);
			free(name);
		}
		s = sep + 2;
	}
	return 0;
}

int query_category_pairs(struct cache *c, struct query_catpair **out,
			 size_t *n, struct kerr *err)
{
	struct pairs p = {0};
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = -1;

	*out = NULL;
	*n = 0;
	p.c = c;
	p.err = err;
	/* Groups first: few rows; their members are found by the uid index. */
	p.members = cache_prep(c, "SELECT id FROM card WHERE is_group = 0 AND uid"
			       " IN (SELECT value FROM json_each(?1))", err);
	if (!p.members)
		goto out;
	st = cache_prep(c, "SELECT fn, members FROM card WHERE is_group = 1"
			" AND fn IS NOT NULL AND members IS NOT NULL", err);
	if (!st)
		goto out;
	if (cache_each(c, st, group_row, &p, WHAT, err) < 0 || p.failed)
		goto out;
	sqlite3_finalize(st);
	st = cache_prep(c, "SELECT id, categories FROM card NOT INDEXED"
			" WHERE is_group = 0 AND categories IS NOT NULL", err);
	if (!st)
		goto out;
	if (cache_each(c, st, categories_row, &p, WHAT, err) < 0)
		goto out;
	*out = p.v;
	*n = p.n;
	p.v = NULL;
	p.n = 0;
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(p.members);
	for (i = 0; i < p.n; i++)
		free(p.v[i].name);
	free(p.v);
	return rc;
}

struct months {
	void (*fn)(void *arg, const char *ym, long count);
	void *arg;
};

static int month_row(void *arg, sqlite3_stmt *st)
{
	struct months *m = arg;
	const char *ym = (const char *)sqlite3_column_text(st, 0);

	if (ym)
		m->fn(m->arg, ym, sqlite3_column_int64(st, 1));
	return 0;
}

int query_touch_months(struct cache *c, const char *from,
		       void (*fn)(void *arg, const char *ym, long count),
		       void *arg, struct kerr *err)
{
	struct months m = {fn, arg};
	sqlite3_stmt *st;
	int rc;

	/* Groups and removed people are a handful: a lookup beats a join per entry. */
	st = cache_prep(c, "SELECT substr(l.date, 1, 7), count(*) FROM log l"
			" WHERE l.card NOT IN (SELECT id FROM card WHERE is_group <> 0)"
			" AND l.date >= ?1 GROUP BY 1", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	rc = cache_each(c, st, month_row, &m, WHAT, err);
	sqlite3_finalize(st);
	return rc;
}

int query_touch_counts(struct cache *c, const char *from, long *all,
		       long *since, struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	*all = 0;
	*since = 0;
	st = cache_prep(c, "SELECT count(*), count(CASE WHEN l.date >= ?1 THEN 1"
			" END) FROM log l WHERE l.card NOT IN"
			" (SELECT id FROM card WHERE is_group <> 0)", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	rc = cache_step(c, st, WHAT, err);
	if (rc > 0) {
		*all = sqlite3_column_int64(st, 0);
		*since = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

struct briefs {
	void (*fn)(void *arg, const struct query_brief *b);
	void *arg;
};

static int brief_row(void *arg, sqlite3_stmt *st)
{
	struct briefs *r = arg;
	struct query_brief b;

	b.last_contact = (const char *)sqlite3_column_text(st, 0);
	b.has_cadence = sqlite3_column_int(st, 1);
	b.org = (const char *)sqlite3_column_text(st, 2);
	b.city = (const char *)sqlite3_column_text(st, 3);
	b.aspire = sqlite3_column_int(st, 4);
	r->fn(r->arg, &b);
	return 0;
}

int query_briefs(struct cache *c, void (*fn)(void *arg,
		 const struct query_brief *b), void *arg, struct kerr *err)
{
	struct briefs r = {fn, arg};
	sqlite3_stmt *st;
	int rc;

	/*
	 * NOT INDEXED: reading the table in order beats a seek per person
	 * through card_view, which leads with is_group.
	 */
	st = cache_prep(c, "SELECT last_contact, cadence IS NOT NULL, org, city,"
			" aspire IS NOT NULL FROM card NOT INDEXED WHERE is_group = 0",
			err);
	if (!st)
		return -1;
	rc = cache_each(c, st, brief_row, &r, WHAT, err);
	sqlite3_finalize(st);
	return rc;
}
