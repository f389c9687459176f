/*
 * query.c: the reads of the commands about people, as plain structs.
 *
 * The person model (struct person and the columns it is read from) lives
 * here so that the schema has one owner; shell/ asks for people, logs and
 * categories and never sees a statement. Every row loop goes through
 * cache_each or cache_step, which check for SQLITE_DONE.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache_internal.h"
#include "date.h"
#include "query.h"

void query_person_read(sqlite3_stmt *st, struct person *p)
{
	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->uid = cache_col(st, 1);
	p->fn = cache_col(st, 2);
	p->href = cache_col(st, 3);
	p->book = cache_col(st, 4);
	p->org = cache_col(st, 5);
	p->title = cache_col(st, 6);
	p->city = cache_col(st, 7);
	p->bday = cache_col(st, 8);
	p->note = cache_col(st, 9);
	p->emails = cache_col(st, 10);
	p->phones = cache_col(st, 11);
	p->categories = cache_col(st, 12);
	p->cadence = cache_col(st, 13);
	p->snooze = cache_col(st, 14);
	p->last_contact = cache_col(st, 15);
	p->last_via = cache_col(st, 16);
	p->cadence_since = cache_col(st, 17);
	p->why = cache_col(st, 18);
	p->parsed = sqlite3_column_int(st, 19);
	p->state = sqlite3_column_int(st, 20);
	p->aspire = cache_col(st, 21);
	p->due = queue_due(p->cadence, p->last_contact, p->cadence_since,
			   p->snooze);
	if (!p->parsed)
		p->label = xasprintf("(unparseable: %s)", p->href ? p->href : "?");
	else if (p->fn && *p->fn)
		p->label = xstrdup(p->fn);
	else
		p->label = xasprintf("(no name: %s)", p->href ? p->href : "?");
}

void person_free(struct person *p)
{
	if (!p)
		return;
	free(p->uid);
	free(p->fn);
	free(p->href);
	free(p->book);
	free(p->org);
	free(p->title);
	free(p->city);
	free(p->bday);
	free(p->note);
	free(p->emails);
	free(p->phones);
	free(p->categories);
	free(p->cadence);
	free(p->snooze);
	free(p->last_contact);
	free(p->last_via);
	free(p->cadence_since);
	free(p->why);
	free(p->aspire);
	free(p->label);
	memset(p, 0, sizeof *p);
}

void person_free_all(struct person *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		person_free(&v[i]);
	free(v);
}

void person_log_free(struct person_log_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].id);
		free(rows[i].date);
		free(rows[i].via);
		free(rows[i].text);
	}
	free(rows);
}

/* A LIKE pattern matching s anywhere ("%s%"), with % _ and \ taken literally. */
static char *query_like(const char *s)
{
	struct sbuf b = {0};

	sbuf_addc(&b, '%');
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			sbuf_addc(&b, '\\');
		sbuf_addc(&b, *s);
	}
	sbuf_addc(&b, '%');
	return sbuf_detach(&b, NULL);
}

/* s LIKE-escaped without the % at either end: matched literally. */
static char *like_literal(const char *s)
{
	char *p = query_like(s), *bare;

	bare = xstrndup(p + 1, strlen(p) - 2);
	free(p);
	return bare;
}

/* A JSON string for json_each: only " \ and C0 controls need escaping. */
static void json_quoted(struct sbuf *b, const char *s, size_t n)
{
	size_t i;

	sbuf_addc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			sbuf_addf(b, "\\%c", ch);
		else if (ch < 0x20)
			sbuf_addf(b, "\\u%04x", ch);
		else
			sbuf_addc(b, (char)ch);
	}
	sbuf_addc(b, '"');
}

void query_members_json(const char *members, struct sbuf *json)
{
	const char *p = members, *e;

	sbuf_addc(json, '[');
	while (p && *p) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if (strncasecmp(p, "urn:uuid:", 9) == 0 && e - p > 9)
			p += 9;
		if (e > p) {
			if (json->buf[json->len - 1] != '[')
				sbuf_addc(json, ',');
			json_quoted(json, p, (size_t)(e - p));
		}
		p = *e ? e + 1 : e;
	}
	sbuf_addc(json, ']');
}

/* ---- people ---------------------------------------------------------- */

int query_any_person(struct cache *c, int *yes, struct kerr *err)
{
	sqlite3_stmt *st = cache_prep(c, "SELECT EXISTS (SELECT 1 FROM card "
				      "WHERE is_group = 0)", err);
	int rc;

	*yes = 0;
	if (!st)
		return -1;
	rc = cache_step(c, st, "reading the cache", err);
	if (rc > 0)
		*yes = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

int query_person(struct cache *c, long id, struct person *p, struct kerr *err)
{
	sqlite3_stmt *st = cache_kept(c, CACHE_KEPT_PERSON, "SELECT "
				      QUERY_PERSON_COLS QUERY_PERSON_FROM
				      "WHERE c.id = ?1", err);
	int rc;

	memset(p, 0, sizeof *p);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = cache_step(c, st, "reading a person", err);
	if (rc > 0)
		query_person_read(st, p);
	cache_kept_done(st);
	return rc;
}

struct id_rows {
	long *v;
	size_t n, cap, max;	/* max 0: no bound */
};

static void ids_push(struct id_rows *r, long id)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->v = xrealloc(r->v, r->cap * sizeof *r->v);
	}
	r->v[r->n++] = id;
}

static int id_row(void *arg, sqlite3_stmt *st)
{
	ids_push(arg, sqlite3_column_int64(st, 0));
	return 0;
}

int query_match(struct cache *c, const char *q, long ids[21], int *n,
		struct kerr *err)
{
	/*
	 * From the most to the least exact; the first step that matches
	 * anyone decides. Cards are identified by (book, href): UIDs and names
	 * repeat in real address books, so several matches are ambiguous.
	 */
	static const char *const steps[] = {
		/* the href, or its last path segment */
		"href = ?1 OR (instr(?1, '/') = 0 AND"
		" substr(href, -length(?1) - 1) = '/' || ?1)",
		"uid = ?1",
		"fn = ?1 COLLATE NOCASE",
		/* a whole email address */
		"(', ' || emails || ', ') LIKE '%, ' || substr(?2, 2, length(?2) - 2)"
		" || ', %' ESCAPE '\\'",
		"fn LIKE ?2 ESCAPE '\\' OR emails LIKE ?2 ESCAPE '\\'",
		NULL,
	};
	char *like;
	int i, rc = 0;

	*n = 0;
	if (!*q)
		return 0;
	like = query_like(q);
	for (i = 0; steps[i] && *n == 0; i++) {
		char *sql = xasprintf("SELECT id FROM card WHERE is_group = 0 AND "
				      "(%s) ORDER BY fn COLLATE NOCASE, id "
				      "LIMIT 21", steps[i]);
		sqlite3_stmt *st = cache_prep(c, sql, err);
		struct id_rows r = {0};

		free(sql);
		if (!st) {
			rc = -1;
			break;
		}
		sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, like, -1, SQLITE_STATIC);
		rc = cache_each(c, st, id_row, &r, "finding the person", err);
		sqlite3_finalize(st);
		if (rc == 0) {
			*n = (int)(r.n < 21 ? r.n : 21);
			if (*n)
				memcpy(ids, r.v, (size_t)*n * sizeof *ids);
		}
		free(r.v);
		if (rc < 0)
			break;
	}
	free(like);
	return rc;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

struct people_rows {
	struct person *v;
	size_t n, cap;
	const long *only;	/* sorted, or NULL for everyone */
	size_t nonly;
};

static int people_row(void *arg, sqlite3_stmt *st)
{
	struct people_rows *r = arg;
	long id = sqlite3_column_int64(st, 0);

	if (r->only && (!r->nonly || !bsearch(&id, r->only, r->nonly,
					      sizeof id, cmp_long)))
		return 0;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->v = xrealloc(r->v, r->cap * sizeof *r->v);
	}
	query_person_read(st, &r->v[r->n++]);
	return 0;
}

int query_people(struct cache *c, const char *text, const long *only,
		 size_t nonly, struct person **out, size_t *n, struct kerr *err)
{
	struct people_rows r = {NULL, 0, 0, only, nonly};
	char *like = text ? query_like(text) : NULL;
	sqlite3_stmt *st;
	int rc = -1;

	*out = NULL;
	*n = 0;
	/* A text matches names, emails, organisations and categories. */
	st = cache_prep(c, "SELECT " QUERY_PERSON_COLS QUERY_PERSON_FROM
			"WHERE c.is_group = 0 AND (?1 IS NULL"
			" OR c.fn LIKE ?1 ESCAPE '\\' OR c.emails LIKE ?1 ESCAPE '\\'"
			" OR c.org LIKE ?1 ESCAPE '\\' OR c.categories LIKE ?1 ESCAPE '\\')"
			" ORDER BY c.fn IS NULL, c.fn COLLATE NOCASE, c.href", err);
	if (st) {
		if (like)
			sqlite3_bind_text(st, 1, like, -1, SQLITE_STATIC);
		rc = cache_each(c, st, people_row, &r, "listing people", err);
		sqlite3_finalize(st);
	}
	free(like);
	if (rc < 0) {
		person_free_all(r.v, r.n);
		return -1;
	}
	*out = r.v;
	*n = r.n;
	return 0;
}

struct qpos {
	long card;
	size_t i;
};

static int cmp_qpos(const void *a, const void *b)
{
	const struct qpos *x = a, *y = b;

	return x->card < y->card ? -1 : x->card > y->card;
}

struct of_rows {
	struct qpos *pos;
	size_t n;
	struct person *people;
	char **texts;
};

static int of_row(void *arg, sqlite3_stmt *st)
{
	struct of_rows *r = arg;
	struct qpos key, *hit;

	key.card = sqlite3_column_int64(st, 0);
	hit = r->n ? bsearch(&key, r->pos, r->n, sizeof *r->pos, cmp_qpos) : NULL;
	if (!hit || r->people[hit->i].id)
		return 0;
	query_person_read(st, &r->people[hit->i]);
	r->texts[hit->i] = cache_col(st, 22);
	return 0;
}

int query_people_of(struct cache *c, const long *ids, size_t n,
		    struct person *people, char **texts, struct kerr *err)
{
	struct of_rows r = {xcalloc(n ? n : 1, sizeof *r.pos), n, people, texts};
	sqlite3_stmt *st;
	size_t i;
	int rc = -1;

	for (i = 0; i < n; i++) {
		r.pos[i].card = ids[i];
		r.pos[i].i = i;
		people[i].id = 0;
		texts[i] = NULL;
	}
	qsort(r.pos, n, sizeof *r.pos, cmp_qpos);
	st = cache_prep(c, "SELECT " QUERY_PERSON_COLS ", c.last_text"
			QUERY_PERSON_FROM "WHERE c.cadence IS NOT NULL AND "
			"c.is_group = 0", err);
	if (st) {
		rc = cache_each(c, st, of_row, &r, "reading the queue", err);
		sqlite3_finalize(st);
	}
	free(r.pos);
	return rc;
}

/* ---- the log --------------------------------------------------------- */

struct log_rows {
	struct person_log_row *v;
	size_t n, cap;
};

static int log_row(void *arg, sqlite3_stmt *st)
{
	struct log_rows *r = arg;
	struct person_log_row *e;

	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		r->v = xrealloc(r->v, r->cap * sizeof *r->v);
	}
	e = &r->v[r->n++];
	e->id = cache_col(st, 0);
	e->date = cache_col(st, 1);
	e->via = cache_col(st, 2);
	e->text = cache_col(st, 3);
	e->pending = sqlite3_column_int(st, 4);
	return 0;
}

int query_log(struct cache *c, long card, struct person_log_row **rows,
	      size_t *n, struct kerr *err)
{
	sqlite3_stmt *st = cache_prep(c, "SELECT id, date, via, text, pending "
				      "FROM log WHERE card = ?1 "
				      "ORDER BY date DESC, rowid DESC", err);
	struct log_rows r = {0};
	int rc;

	*rows = NULL;
	*n = 0;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	rc = cache_each(c, st, log_row, &r, "reading the log", err);
	sqlite3_finalize(st);
	if (rc < 0) {
		person_log_free(r.v, r.n);
		return -1;
	}
	*rows = r.v;
	*n = r.n;
	return 0;
}

int query_log_has(struct cache *c, long card, const char *id, struct kerr *err)
{
	sqlite3_stmt *st = cache_prep(c, "SELECT 1 FROM log WHERE card = ?1 "
				      "AND id = ?2", err);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	rc = cache_step(c, st, "reading the log", err);
	sqlite3_finalize(st);
	return rc;
}

int query_log_pending(struct cache *c, long card, long *n, struct kerr *err)
{
	sqlite3_stmt *st = cache_prep(c, "SELECT count(*) FROM log WHERE "
				      "card = ?1 AND pending", err);
	int rc;

	*n = 0;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	rc = cache_step(c, st, "reading the log", err);
	if (rc > 0)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* ---- categories ------------------------------------------------------ */

/*
 * The people in a category: CATEGORIES holds the name (?1, LIKE-escaped),
 * or a group card of that name lists them as a MEMBER (?2: their UIDs as
 * a JSON array, looked up through the uid index).
 */
#define IN_CATEGORY \
	"c.is_group = 0 AND ((', ' || c.categories || ', ') LIKE" \
	" '%, ' || ?1 || ', %' ESCAPE '\\' OR c.uid IN" \
	" (SELECT value FROM json_each(?2)))"

struct members_rows {
	struct sbuf *json, one;
};

static int members_row(void *arg, sqlite3_stmt *st)
{
	struct members_rows *r = arg;

	sbuf_reset(&r->one);
	query_members_json((const char *)sqlite3_column_text(st, 0), &r->one);
	if (r->one.len > 2) {
		if (r->json->len > 1)
			sbuf_addc(r->json, ',');
		sbuf_add(r->json, r->one.buf + 1, r->one.len - 2);
	}
	return 0;
}

/* The UIDs of the members of the groups called name, as a JSON array. */
static int category_members(struct cache *c, const char *name, struct sbuf *json,
			    struct kerr *err)
{
	sqlite3_stmt *st = cache_prep(c, "SELECT members FROM card WHERE "
				      "is_group = 1 AND fn = ?1 COLLATE NOCASE", err);
	struct members_rows r = {json, {0}};
	int rc;

	sbuf_addc(json, '[');
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = cache_each(c, st, members_row, &r, "reading the groups", err);
	sqlite3_finalize(st);
	sbuf_free(&r.one);
	sbuf_addc(json, ']');
	return rc;
}

struct cat_rows {
	struct id_rows ids;
	int writable;
	size_t skipped;
};

static int cat_row(void *arg, sqlite3_stmt *st)
{
	struct cat_rows *r = arg;

	if (r->writable && (!sqlite3_column_int(st, 1) ||
			    sqlite3_column_int(st, 2) == CARD_GONE)) {
		r->skipped++;
		return 0;
	}
	ids_push(&r->ids, sqlite3_column_int64(st, 0));
	return 0;
}

int query_category(struct cache *c, const char *name, int writable,
		   long **ids, size_t *n, size_t *skipped, struct kerr *err)
{
	char *like = like_literal(name);
	struct sbuf members = {0};
	struct cat_rows r = {{0}, writable, 0};
	sqlite3_stmt *st = NULL;
	int rc = -1;

	*ids = NULL;
	*n = 0;
	if (skipped)
		*skipped = 0;
	if (category_members(c, name, &members, err) < 0)
		goto out;
	st = cache_prep(c, writable ?
			"SELECT c.id, c.parsed, c.state FROM card c WHERE "
			IN_CATEGORY " ORDER BY c.fn COLLATE NOCASE, c.id" :
			"SELECT c.id FROM card c WHERE " IN_CATEGORY, err);
	if (!st)
		goto out;
	sqlite3_bind_text(st, 1, like, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, members.buf, -1, SQLITE_STATIC);
	rc = cache_each(c, st, cat_row, &r, "reading the category", err);
	sqlite3_finalize(st);
	if (rc < 0) {
		free(r.ids.v);
		goto out;
	}
	if (!writable && r.ids.n)
		qsort(r.ids.v, r.ids.n, sizeof *r.ids.v, cmp_long);
	*ids = r.ids.v;
	*n = r.ids.n;
	if (skipped)
		*skipped = r.skipped;
out:
	free(like);
	sbuf_free(&members);
	return rc;
}

/* ---- gone ------------------------------------------------------------ */

struct gone_rows {
	struct person *v;
	long *notes;
	size_t n;
};

static int gone_row(void *arg, sqlite3_stmt *st)
{
	struct gone_rows *r = arg;

	r->v = xrealloc(r->v, (r->n + 1) * sizeof *r->v);
	r->notes = xrealloc(r->notes, (r->n + 1) * sizeof *r->notes);
	query_person_read(st, &r->v[r->n]);
	r->notes[r->n++] = sqlite3_column_int64(st, 22);
	return 0;
}

int query_gone(struct cache *c, struct person **out, long **notes, size_t *n,
	       struct kerr *err)
{
	sqlite3_stmt *st = cache_prep(c, "SELECT " QUERY_PERSON_COLS
				      ", (SELECT count(*) FROM log l WHERE "
				      "l.card = c.id AND l.pending)"
				      QUERY_PERSON_FROM "WHERE c.state = 2 AND "
				      "c.is_group = 0 ORDER BY c.fn, c.id", err);
	struct gone_rows r = {0};
	int rc;

	*out = NULL;
	*notes = NULL;
	*n = 0;
	if (!st)
		return -1;
	rc = cache_each(c, st, gone_row, &r, "reading the deleted cards", err);
	sqlite3_finalize(st);
	if (rc < 0) {
		person_free_all(r.v, r.n);
		free(r.notes);
		return -1;
	}
	*out = r.v;
	*notes = r.notes;
	*n = r.n;
	return 0;
}

/* ---- today ----------------------------------------------------------- */

struct touches {
	long card;
	int n, spoken;
};

static int cmp_touches(const void *a, const void *b)
{
	const struct touches *x = a, *y = b;

	return x->card < y->card ? -1 : x->card > y->card;
}

static int cmp_bday(const void *a, const void *b)
{
	const struct query_bday *x = a, *y = b;

	if (x->in != y->in)
		return x->in < y->in ? -1 : 1;
	return x->card < y->card ? -1 : x->card > y->card;
}

struct today_rows {
	long today, bday_days;
	struct touches *t;
	size_t nt, tcap;
	struct today_cand *v;
	size_t n, cap;
	struct query_bday *bd;
	size_t nbd;
};

static int touches_row(void *arg, sqlite3_stmt *st)
{
	struct today_rows *r = arg;

	if (r->nt == r->tcap) {
		r->tcap = r->tcap ? 2 * r->tcap : 256;
		r->t = xrealloc(r->t, r->tcap * sizeof *r->t);
	}
	r->t[r->nt].card = sqlite3_column_int64(st, 0);
	r->t[r->nt].n = sqlite3_column_int(st, 1);
	r->t[r->nt++].spoken = sqlite3_column_int(st, 2);
	return 0;
}

static int cand_row(void *arg, sqlite3_stmt *st)
{
	struct today_rows *r = arg;
	const char *cad = (const char *)sqlite3_column_text(st, 3);
	const char *s;
	struct today_cand *c;
	struct touches key, *hit;
	struct duration d;
	long in = today_bday_in((const char *)sqlite3_column_text(st, 6),
				r->today);

	if (in >= 0 && in <= r->bday_days) {
		r->bd = xrealloc(r->bd, (r->nbd + 1) * sizeof *r->bd);
		r->bd[r->nbd].card = sqlite3_column_int64(st, 0);
		r->bd[r->nbd++].in = in;
	}
	if (!sqlite3_column_int(st, 7) || sqlite3_column_int(st, 8) == CARD_GONE)
		return 0;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		r->v = xrealloc(r->v, r->cap * sizeof *r->v);
	}
	c = &r->v[r->n++];
	c->card = sqlite3_column_int64(st, 0);
	s = (const char *)sqlite3_column_text(st, 1);
	if (!s || date_parse(s, &c->first_seen, NULL) < 0)
		c->first_seen = -1;
	s = (const char *)sqlite3_column_text(st, 2);
	if (!s || date_parse(s, &c->last_contact, NULL) < 0)
		c->last_contact = -1;
	c->due = queue_due(cad, s, (const char *)sqlite3_column_text(st, 4),
			   (const char *)sqlite3_column_text(st, 5));
	c->cadence_days = c->due >= 0 && duration_parse(cad, &d, NULL) == 0 ?
			  duration_days(&d) : 0;
	if (c->cadence_days <= 0)
		c->due = -1;
	key.card = c->card;
	hit = r->nt ? bsearch(&key, r->t, r->nt, sizeof *r->t, cmp_touches) : NULL;
	c->nlog = hit ? hit->n : 0;
	c->written_only = hit && hit->n > 0 && hit->spoken == 0;
	c->has_phone = sqlite3_column_int(st, 9);
	c->aspire = sqlite3_column_int(st, 10);
	return 0;
}

int query_today(struct cache *c, long today, long bday_days,
		struct today_cand **out, size_t *n, struct query_bday **bd,
		size_t *nbd, struct kerr *err)
{
	struct today_rows r = {0};
	sqlite3_stmt *st;
	int rc = -1;

	r.today = today;
	r.bday_days = bday_days;
	*out = NULL;
	*n = 0;
	*bd = NULL;
	*nbd = 0;
	st = cache_prep(c, "SELECT card, count(*), sum(via NOT IN ('email',"
			" 'text')) FROM log GROUP BY card ORDER BY card", err);
	if (!st)
		goto out;
	rc = cache_each(c, st, touches_row, &r, "reading the log", err);
	sqlite3_finalize(st);
	if (rc < 0)
		goto out;
	rc = -1;
	st = cache_prep(c, "SELECT id, first_seen, last_contact, cadence,"
			" cadence_since, snooze, bday, parsed, state,"
			" coalesce(phones, '') <> '', aspire IS NOT NULL FROM card"
			" WHERE is_group = 0", err);
	if (!st)
		goto out;
	rc = cache_each(c, st, cand_row, &r, "reading the people", err);
	sqlite3_finalize(st);
	if (rc < 0)
		goto out;
	if (r.nbd)
		qsort(r.bd, r.nbd, sizeof *r.bd, cmp_bday);
	*out = r.v;
	*n = r.n;
	*bd = r.bd;
	*nbd = r.nbd;
	r.v = NULL;
	r.bd = NULL;
out:
	free(r.t);
	free(r.v);
	free(r.bd);
	return rc;
}

/* ---- add ------------------------------------------------------------- */

int query_existing(struct cache *c, const char *name, const char *email,
		   long *id, const char **why, struct kerr *err)
{
	sqlite3_stmt *st = cache_prep(c, "SELECT id, fn = ?1 COLLATE NOCASE FROM card"
				      " WHERE is_group = 0 AND state <> ?3 AND"
				      " (fn = ?1 COLLATE NOCASE OR (?2 IS NOT NULL AND"
				      " (', ' || lower(emails) || ', ') LIKE"
				      " '%, ' || lower(?2) || ', %' ESCAPE '\\'))"
				      " ORDER BY id LIMIT 1", err);
	char *like = email ? like_literal(email) : NULL;
	int rc;

	*id = 0;
	if (!st) {
		free(like);
		return -1;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (like)
		sqlite3_bind_text(st, 2, like, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, CARD_GONE);
	rc = cache_step(c, st, "reading the people", err);
	if (rc > 0) {
		*id = sqlite3_column_int64(st, 0);
		*why = sqlite3_column_int(st, 1) ? "name" : "email";
	}
	sqlite3_finalize(st);
	free(like);
	return rc < 0 ? -1 : 0;
}

int query_book(struct cache *c, const char *url, long *id, char **book_url,
	       struct kerr *err)
{
	sqlite3_stmt *st = cache_prep(c, url ?
				      "SELECT id, url FROM book WHERE url = ?1 OR "
				      "url = ?1 || '/' OR rtrim(url, '/') = "
				      "rtrim(?1, '/') ORDER BY id LIMIT 1" :
				      "SELECT b.id, b.url FROM book b JOIN account a "
				      "ON a.id = b.account ORDER BY a.id, b.id LIMIT 1",
				      err);
	int rc;

	*id = 0;
	*book_url = NULL;
	if (!st)
		return -1;
	if (url)
		sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
	rc = cache_step(c, st, "reading the books", err);
	if (rc > 0) {
		*id = sqlite3_column_int64(st, 0);
		*book_url = cache_col(st, 1);
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

/* ---- completion ------------------------------------------------------ */

static int name_row(void *arg, sqlite3_stmt *st)
{
	const char *fn = (const char *)sqlite3_column_text(st, 0);

	if (fn)
		strv_push(arg, fn);
	return 0;
}

int query_names_from(struct cache *c, const char *prefix, struct strv *out,
		     struct kerr *err)
{
	sqlite3_stmt *st = cache_prep(c, "SELECT DISTINCT fn FROM card WHERE "
				      "is_group = 0 AND fn LIKE ?1 ESCAPE '\\' "
				      "ORDER BY fn LIMIT 200", err);
	char *like = query_like(prefix);
	int rc;

	if (!st) {
		free(like);
		return -1;
	}
	like[0] = '\0';	/* a prefix: drop the leading % */
	sqlite3_bind_text(st, 1, like + 1, -1, SQLITE_STATIC);
	rc = cache_each(c, st, name_row, out, "reading the names", err);
	sqlite3_finalize(st);
	free(like);
	return rc;
}

static int category_row(void *arg, sqlite3_stmt *st)
{
	const char *s = (const char *)sqlite3_column_text(st,
			sqlite3_column_int(st, 1) ? 2 : 0);
	const char *sep;

	/* ", "-joined */
	while (s && *s) {
		sep = strstr(s, ", ");
		strv_push_own(arg, xstrndup(s, sep ? (size_t)(sep - s) : strlen(s)));
		s = sep ? sep + 2 : NULL;
	}
	return 0;
}

int query_category_names(struct cache *c, struct strv *out, struct kerr *err)
{
	sqlite3_stmt *st = cache_prep(c, "SELECT DISTINCT categories, is_group, fn "
				      "FROM card WHERE (is_group = 0 AND categories "
				      "IS NOT NULL) OR (is_group = 1 AND fn IS NOT "
				      "NULL) LIMIT 5000", err);
	int rc;

	if (!st)
		return -1;
	rc = cache_each(c, st, category_row, out, "reading the categories", err);
	sqlite3_finalize(st);
	return rc;
}
