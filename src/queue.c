#include "queue.h"

#include <stdlib.h>
#include <string.h>

#include "cache_internal.h"
#include "date.h"

long queue_due(const char *cadence, const char *last_contact,
	       const char *cadence_since, const char *snooze)
{
	struct duration d;
	long base, due, until;

	if (!cadence || duration_parse(cadence, &d, NULL) < 0)
		return -1;
	if (last_contact && date_parse(last_contact, &base, NULL) == 0)
		;
	else if (cadence_since && date_parse(cadence_since, &base, NULL) == 0)
		;
	else
		return -1;
	due = duration_add(base, &d);
	if (snooze && date_parse(snooze, &until, NULL) == 0 && until > due)
		due = until;
	return due;
}

int queue_cmp(const void *a, const void *b)
{
	const struct queue_entry *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	if (x->overdue != y->overdue)
		return x->overdue > y->overdue ? -1 : 1;
	return x->card < y->card ? -1 : x->card > y->card;
}

struct queue_rows {
	long today;
	int all;
	struct queue_entry *v;
	size_t n, cap;
};

static int queue_row(void *arg, sqlite3_stmt *st)
{
	struct queue_rows *r = arg;
	const char *cad = (const char *)sqlite3_column_text(st, 1);
	struct queue_entry *q;
	struct duration d;
	long due;

	due = queue_due(cad, (const char *)sqlite3_column_text(st, 2),
			(const char *)sqlite3_column_text(st, 3),
			(const char *)sqlite3_column_text(st, 4));
	if (due < 0 || (!r->all && due > r->today))
		return 0;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = xrealloc(r->v, r->cap * sizeof *r->v);
	}
	q = &r->v[r->n++];
	duration_parse(cad, &d, NULL);
	q->card = sqlite3_column_int64(st, 0);
	q->due = due;
	q->overdue = r->today - due;
	q->rank = (double)q->overdue / (double)duration_days(&d);
	return 0;
}

int queue_list(struct cache *c, long today, int all, struct queue_entry **out,
	       size_t *n, struct kerr *err)
{
	struct queue_rows r = {today, all, NULL, 0, 0};
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	st = cache_prep(c, "SELECT id, cadence, last_contact, cadence_since, snooze "
			"FROM card WHERE cadence IS NOT NULL AND is_group = 0", err);
	if (!st)
		return -1;
	rc = cache_each(c, st, queue_row, &r, "reading the queue", err);
	sqlite3_finalize(st);
	if (rc < 0) {
		free(r.v);
		return -1;
	}
	if (r.n)
		qsort(r.v, r.n, sizeof *r.v, queue_cmp);
	*out = r.v;
	*n = r.n;
	return 0;
}
