/*
 * query_export.c: the reads of import and export (see query_export.h).
 * Read-only; every statement runs through cache_step or cache_each.
 */
#include <stdlib.h>
#include <string.h>

#include "cache_internal.h"
#include "query_export.h"

#define WHAT "reading the people"

/* s for a LIKE pattern, with % _ and \ taken literally (ESCAPE '\'). */
static char *like_escaped(const char *s)
{
	struct sbuf b = {0};

	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			sbuf_addc(&b, '\\');
		sbuf_addc(&b, *s);
	}
	return b.buf ? sbuf_detach(&b, NULL) : xstrdup("");
}

/* The first row's id of st (text ?1 bound to v) into *id, and the number of rows up to 2 in *rows. */
static int first_id(struct cache *c, sqlite3_stmt *st, const char *v, long *id,
		    int *rows, struct kerr *err)
{
	int rc;

	*id = 0;
	*rows = 0;
	sqlite3_bind_text(st, 1, v, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, CARD_GONE);
	while ((rc = cache_step(c, st, WHAT, err)) > 0) {
		if (!*rows)
			*id = sqlite3_column_int64(st, 0);
		++*rows;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* The people the statements ask about: not groups, removed or gone. */
#define PEOPLE " FROM card WHERE is_group = 0 AND state <> ?2 AND "

static int match_uid(struct cache *c, const char *uid, long *id,
		     struct kerr *err)
{
	sqlite3_stmt *st = cache_prep(c, "SELECT id" PEOPLE "uid = ?1"
				      " ORDER BY id LIMIT 1", err);
	int rows, rc;

	if (!st)
		return -1;
	rc = first_id(c, st, uid, id, &rows, err);
	sqlite3_finalize(st);
	return rc;
}

static int match_emails(struct cache *c, const struct strv *emails, long *id,
			struct kerr *err)
{
	sqlite3_stmt *st = cache_prep(c, "SELECT id" PEOPLE "(', ' || lower(emails)"
				      " || ', ') LIKE '%, ' || lower(?1) || ', %'"
				      " ESCAPE '\\' ORDER BY id LIMIT 1", err);
	size_t i;
	int rows, rc = 0;

	*id = 0;
	if (!st)
		return -1;
	for (i = 0; i < emails->n && rc == 0 && !*id; i++) {
		char *like = like_escaped(emails->v[i]);

		rc = first_id(c, st, like, id, &rows, err);
		free(like);
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

static int match_name(struct cache *c, const char *name, long *id, int *rows,
		      struct kerr *err)
{
	sqlite3_stmt *st = cache_prep(c, "SELECT id" PEOPLE "fn = ?1 COLLATE NOCASE"
				      " ORDER BY id LIMIT 2", err);
	int rc;

	if (!st)
		return -1;
	rc = first_id(c, st, name, id, rows, err);
	sqlite3_finalize(st);
	return rc;
}

int query_import_match(struct cache *c, const char *uid,
		       const struct strv *emails, const char *name, long *id,
		       enum query_found *how, struct kerr *err)
{
	int rows = 0;

	*id = 0;
	*how = QUERY_FOUND_NONE;
	if (uid && *uid) {
		if (match_uid(c, uid, id, err) < 0)
			return -1;
		if (*id) {
			*how = QUERY_FOUND_UID;
			return 0;
		}
	}
	if (match_emails(c, emails, id, err) < 0)
		return -1;
	if (*id) {
		*how = QUERY_FOUND_EMAIL;
		return 0;
	}
	if (!name || !*name)
		return 0;
	if (match_name(c, name, id, &rows, err) < 0)
		return -1;
	if (rows > 1) {
		*id = 0;
		*how = QUERY_FOUND_AMBIGUOUS;
	} else if (rows == 1) {
		*how = QUERY_FOUND_NAME;
	}
	return 0;
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
