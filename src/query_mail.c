#include "query_mail.h"

#include <stdlib.h>
#include <string.h>

#include "cache_internal.h"

struct people_rows {
	void (*fn)(void *arg, const struct query_mail_person *p);
	void *arg;
};

static int people_row(void *arg, sqlite3_stmt *st)
{
	struct people_rows *r = arg;
	struct query_mail_person p;

	p.card = sqlite3_column_int64(st, 0);
	p.key = (const char *)sqlite3_column_text(st, 1);
	p.label = (const char *)sqlite3_column_text(st, 2);
	p.emails = (const char *)sqlite3_column_text(st, 3);
	r->fn(r->arg, &p);
	return 0;
}

int query_mail_people(struct cache *c,
		      void (*fn)(void *arg, const struct query_mail_person *p),
		      void *arg, struct kerr *err)
{
	/* As person_writable: parsed, not deleted on the server, not removed. */
	sqlite3_stmt *st = cache_prep(c, "SELECT c.id,"
		" coalesce(nullif(c.uid, ''), c.href), coalesce(nullif(c.fn, ''), c.href),"
		" c.emails FROM card c WHERE c.is_group = 0 AND c.parsed = 1"
		" AND c.state != 2 AND coalesce(c.emails, '') != '' ORDER BY c.id", err);
	struct people_rows r = { fn, arg };
	int rc;

	if (!st)
		return -1;
	rc = cache_each(c, st, people_row, &r, "reading the people's emails", err);
	sqlite3_finalize(st);
	return rc;
}

int query_mail_log(struct cache *c, long card, const char *date,
		   const char *via, const char *id, const char *text,
		   struct kerr *err)
{
	/* The row cache_outbox_add writes for op "log" (cache.h). */
	sqlite3_stmt *st = cache_prep(c, "INSERT INTO outbox(card, op, a, b, c, d)"
				      " VALUES (?1, 'log', ?2, ?3, ?4, ?5)", err);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, via, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
	rc = cache_step(c, st, "saving to the outbox", err);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

enum { SEEN_EACH, SEEN_PUT, SEEN_DROP, SEEN_MBOX_GET, SEEN_MBOX_PUT, SEEN_N };

static const char *const seen_sql[SEEN_N] = {
	[SEEN_EACH] = "SELECT name, day FROM mail_seen WHERE src = ?1 AND name != ''",
	[SEEN_PUT] = "INSERT OR REPLACE INTO mail_seen(src, name, day) VALUES (?1, ?2, ?3)",
	[SEEN_DROP] = "DELETE FROM mail_seen WHERE src = ?1 AND name = ?2",
	[SEEN_MBOX_GET] = "SELECT size, mtime, offset, day FROM mail_seen"
		" WHERE src = ?1 AND name = ''",
	[SEEN_MBOX_PUT] = "INSERT OR REPLACE INTO mail_seen(src, name, size, mtime,"
		" offset, day) VALUES (?1, '', ?2, ?3, ?4, nullif(?5, ''))",
};

struct mail_seen {
	struct cache *c;
	sqlite3_stmt *st[SEEN_N];
};

struct mail_seen *mail_seen_open(struct cache *c, struct kerr *err)
{
	struct mail_seen *s = xcalloc(1, sizeof *s);
	int i;

	s->c = c;
	for (i = 0; i < SEEN_N; i++) {
		s->st[i] = cache_prep(c, seen_sql[i], err);
		if (!s->st[i]) {
			mail_seen_close(s);
			return NULL;
		}
	}
	return s;
}

void mail_seen_close(struct mail_seen *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < SEEN_N; i++)
		sqlite3_finalize(s->st[i]);
	free(s);
}

static sqlite3_stmt *seen_stmt(struct mail_seen *s, int which)
{
	sqlite3_stmt *st = s->st[which];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Steps a statement that returns no row; -1 with err. */
static int seen_done(struct mail_seen *s, sqlite3_stmt *st, const char *what,
		     struct kerr *err)
{
	int rc = cache_step(s->c, st, what, err);

	sqlite3_reset(st);
	return rc < 0 ? -1 : 0;
}

struct seen_rows {
	void (*fn)(void *arg, const char *name, const char *day);
	void *arg;
};

static int seen_row(void *arg, sqlite3_stmt *st)
{
	struct seen_rows *r = arg;

	r->fn(r->arg, (const char *)sqlite3_column_text(st, 0),
	      (const char *)sqlite3_column_text(st, 1));
	return 0;
}

int mail_seen_each(struct mail_seen *s, const char *src,
		   void (*fn)(void *arg, const char *name, const char *day),
		   void *arg, struct kerr *err)
{
	sqlite3_stmt *st = seen_stmt(s, SEEN_EACH);
	struct seen_rows r = { fn, arg };
	int rc;

	bind_text(st, 1, src);
	rc = cache_each(s->c, st, seen_row, &r, "reading the mail read before", err);
	sqlite3_reset(st);
	return rc;
}

int mail_seen_put(struct mail_seen *s, const char *src, const char *name,
		  const char *day, struct kerr *err)
{
	sqlite3_stmt *st = seen_stmt(s, SEEN_PUT);

	bind_text(st, 1, src);
	bind_text(st, 2, name);
	bind_text(st, 3, day);
	return seen_done(s, st, "noting the mail read", err);
}

int mail_seen_drop(struct mail_seen *s, const char *src, const char *name,
		   struct kerr *err)
{
	sqlite3_stmt *st = seen_stmt(s, SEEN_DROP);

	bind_text(st, 1, src);
	bind_text(st, 2, name);
	return seen_done(s, st, "forgetting mail that is gone", err);
}

int mail_seen_state_get(struct mail_seen *s, const char *src,
		       struct mail_seen_state *out, struct kerr *err)
{
	sqlite3_stmt *st = seen_stmt(s, SEEN_MBOX_GET);
	const unsigned char *day;
	int rc;

	memset(out, 0, sizeof *out);
	bind_text(st, 1, src);
	rc = cache_step(s->c, st, "reading how far an mbox was read", err);
	if (rc == 1) {
		out->size = sqlite3_column_int64(st, 0);
		out->mtime = sqlite3_column_int64(st, 1);
		out->offset = sqlite3_column_int64(st, 2);
		day = sqlite3_column_text(st, 3);
		snprintf(out->since, sizeof out->since, "%s", day ? (const char *)day : "");
	}
	sqlite3_reset(st);
	return rc;
}

int mail_seen_state_put(struct mail_seen *s, const char *src,
		       const struct mail_seen_state *in, struct kerr *err)
{
	sqlite3_stmt *st = seen_stmt(s, SEEN_MBOX_PUT);

	bind_text(st, 1, src);
	sqlite3_bind_int64(st, 2, in->size);
	sqlite3_bind_int64(st, 3, in->mtime);
	sqlite3_bind_int64(st, 4, in->offset);
	bind_text(st, 5, in->since);
	return seen_done(s, st, "noting how far an mbox was read", err);
}
