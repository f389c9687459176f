/* remind.c: the rows of remind.h, in the cache's remind table. */
#include <stdlib.h>
#include <string.h>

#include "cache_internal.h"
#include "remind.h"

static int read_row(void *arg, sqlite3_stmt *st)
{
	struct {
		struct remind_row *v;
		size_t n;
	} *acc = arg;
	struct remind_row *r;

	acc->v = xrealloc(acc->v, (acc->n + 1) * sizeof *acc->v);
	r = &acc->v[acc->n++];
	r->uid = cache_col(st, 0);
	r->href = cache_col(st, 1);
	r->etag = cache_col(st, 2);
	r->sent = cache_col(st, 3);
	r->day = (long)sqlite3_column_int64(st, 4);
	r->card = (long)sqlite3_column_int64(st, 5);
	if (!r->uid)
		r->uid = xstrdup("");
	if (!r->href)
		r->href = xstrdup("");
	return 0;
}

int remind_rows(struct cache *c, long account, struct remind_row **rows,
		size_t *n, struct kerr *err)
{
	struct {
		struct remind_row *v;
		size_t n;
	} acc = {NULL, 0};
	sqlite3_stmt *st;
	int rc;

	*rows = NULL;
	*n = 0;
	st = cache_prep(c, "SELECT uid, href, etag, sent, day, card FROM remind"
			" WHERE account = ? ORDER BY uid", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, account);
	rc = cache_each(c, st, read_row, &acc, "reading the reminders", err);
	sqlite3_finalize(st);
	if (rc < 0) {
		remind_rows_free(acc.v, acc.n);
		return -1;
	}
	*rows = acc.v;
	*n = acc.n;
	return 0;
}

void remind_rows_free(struct remind_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].uid);
		free(rows[i].href);
		free(rows[i].etag);
		free(rows[i].sent);
	}
	free(rows);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

int remind_put(struct cache *c, long account, const struct remind_row *r,
	       struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	st = cache_prep(c, "INSERT OR REPLACE INTO remind(account, uid, href,"
			" etag, sent, day, card) VALUES(?, ?, ?, ?, ?, ?, ?)", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, account);
	bind_text(st, 2, r->uid);
	bind_text(st, 3, r->href);
	bind_text(st, 4, r->etag);
	bind_text(st, 5, r->sent);
	sqlite3_bind_int64(st, 6, r->day);
	if (r->card)
		sqlite3_bind_int64(st, 7, r->card);
	else
		sqlite3_bind_null(st, 7);
	rc = cache_step(c, st, "noting a reminder", err);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

int remind_drop(struct cache *c, long account, const char *uid,
		struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	st = cache_prep(c, uid ? "DELETE FROM remind WHERE account = ? AND uid = ?" :
			"DELETE FROM remind WHERE account = ?", err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, account);
	if (uid)
		sqlite3_bind_text(st, 2, uid, -1, SQLITE_TRANSIENT);
	rc = cache_step(c, st, "forgetting a reminder", err);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

long remind_card(struct cache *c, const char *href, struct kerr *err)
{
	sqlite3_stmt *st;
	long id = 0;
	int rc;

	st = cache_prep(c, "SELECT id FROM card WHERE href = ? AND is_group = 0"
			" AND parsed = 1 AND state != ? ORDER BY id LIMIT 1", err);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, href, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, CARD_GONE);
	rc = cache_step(c, st, "finding a task's person", err);
	if (rc == 1)
		id = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : id;
}
