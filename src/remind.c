/* remind.c: the rows of remind.h, in the cache's remind table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* ---- the rules ----------------------------------------------------------- */

void remind_log_id(const char *uid, const char *date, char id[9])
{
	char *key = xasprintf("%s\n%s", uid, date);

	snprintf(id, 9, "%08llx", (unsigned long long)
		 (str_hash(STR_HASH_INIT, key, strlen(key)) & 0xffffffffULL));
	free(key);
}

int remind_uid_of(const char *path, char uid[REMIND_UID_MAX])
{
	const char *seg = strrchr(path, '/');
	size_t n, i;

	seg = seg ? seg + 1 : path;
	n = strlen(seg);
	if (n < 5 || n - 4 >= REMIND_UID_MAX || strcmp(seg + n - 4, ".ics") != 0 ||
	    !str_starts(seg, REMIND_UID_PREFIX))
		return 0;
	for (i = 0; i < n - 4; i++)
		if (!((seg[i] >= 'a' && seg[i] <= 'z') || (seg[i] >= '0' && seg[i] <= '9') ||
		      seg[i] == '-'))
			return 0;
	memcpy(uid, seg, n - 4);
	uid[n - 4] = '\0';
	return 1;
}

const char *remind_channel(const char *text)
{
	static const struct {
		const char *word, *via;
	} words[] = {
		{"phone", "phone"}, {"call", "phone"}, {"rang", "phone"},
		{"email", "email"}, {"mail", "email"}, {"wrote", "email"},
		{"text", "text"}, {"sms", "text"}, {"message", "text"},
		{"video", "video"}, {"zoom", "video"},
		{"met", "meet"}, {"meet", "meet"}, {"lunch", "meet"},
		{"coffee", "meet"}, {"dinner", "meet"},
		{"letter", "letter"}, {"card", "letter"}, {"gift", "gift"},
	};
	size_t i, n;
	const char *s;

	if (!text)
		return "other";
	for (s = text; *s; s++) {
		if (s != text && ((s[-1] >= 'a' && s[-1] <= 'z') ||
				  (s[-1] >= 'A' && s[-1] <= 'Z')))
			continue;	/* only at the start of a word */
		for (i = 0; i < sizeof words / sizeof *words; i++) {
			n = strlen(words[i].word);
			if (strncasecmp(s, words[i].word, n) == 0)
				return words[i].via;
		}
	}
	return "other";
}

/* Whether line (n bytes) is one of the lines of text. */
static int line_in(const char *line, size_t n, const char *text)
{
	const char *s = text;

	while (s && *s) {
		const char *e = strchr(s, '\n');
		size_t k = e ? (size_t)(e - s) : strlen(s);

		if (k == n && memcmp(s, line, n) == 0)
			return 1;
		s = e ? e + 1 : NULL;
	}
	return 0;
}

char *remind_user_text(const char *desc, const char *written)
{
	struct sbuf b = {0};
	const char *s = desc ? desc : "";
	char *out;
	size_t n;

	while (*s && b.len < 1000) {
		const char *e = strchr(s, '\n');
		size_t k = e ? (size_t)(e - s) : strlen(s);

		if (!written || !line_in(s, k, written)) {
			sbuf_addc(&b, ' ');
			sbuf_add(&b, s, k);
		}
		s = e ? e + 1 : s + k;
	}
	if (b.len > 1000)
		b.len = 1000;
	for (n = 0; n < b.len; n++)
		if (b.buf[n] == '\t' || b.buf[n] == '\r')
			b.buf[n] = ' ';
	out = sbuf_detach(&b, NULL);
	/* Trim, and squeeze the spaces the cut left. */
	{
		char *r = out, *w = out;
		int space = 1;

		for (; *r; r++) {
			if (*r == ' ' && space)
				continue;
			space = *r == ' ';
			*w++ = *r;
		}
		while (w > out && w[-1] == ' ')
			w--;
		*w = '\0';
	}
	/* A cut inside a character leaves a broken tail: drop it. */
	n = strlen(out);
	while (n && !str_utf8_valid(out, n))
		out[--n] = '\0';
	if (!*out) {
		free(out);
		return NULL;
	}
	return out;
}
