#include "queue.h"

#include <stdlib.h>
#include <string.h>

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

int queue_list(struct cache *c, long today, int all, struct queue_entry **out,
	       size_t *n, struct kerr *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(cache_db(c),
			       "SELECT id, cadence, last_contact, cadence_since, snooze "
			       "FROM card WHERE cadence IS NOT NULL AND is_group = 0",
			       -1, &st, NULL) != SQLITE_OK) {
		kerr_set(err, "reading the queue: %s", sqlite3_errmsg(cache_db(c)));
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *cad = (const char *)sqlite3_column_text(st, 1);
		struct queue_entry *q;
		struct duration d;
		long due;

		due = queue_due(cad, (const char *)sqlite3_column_text(st, 2),
				(const char *)sqlite3_column_text(st, 3),
				(const char *)sqlite3_column_text(st, 4));
		if (due < 0 || (!all && due > today))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		q = &(*out)[(*n)++];
		duration_parse(cad, &d, NULL);
		q->card = sqlite3_column_int64(st, 0);
		q->due = due;
		q->overdue = today - due;
		q->rank = (double)q->overdue / (double)duration_days(&d);
	}
	sqlite3_finalize(st);
	if (*n)
		qsort(*out, *n, sizeof **out, queue_cmp);
	return 0;
}
