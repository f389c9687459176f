/* test_cache.c: the cache keeps server copies and the outbox apart. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache_internal.h"
#include "date.h"
#include "tap.h"

static const char card[] =
	"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Ana Lima\r\n"
	"EMAIL:ana@example.org\r\nORG:Forum\r\n"
	"X-KITH-CADENCE:P30D\r\n"
	"X-KITH-LOG:2026-10-01 phone 0a0a0a0a Talked about the garden\r\n"
	"END:VCARD\r\n";

static long count(struct cache *c, const char *sql)
{
	sqlite3_stmt *st;
	long n = -1;

	if (sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static char *db_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	char *s = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		s = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return s;
}

static char *text(struct cache *c, const char *sql)
{
	return db_text(cache_db(c), sql);
}

/*
 * The first card a connection stores is rolled back (a multiget that
 * failed): the next one is still stored and searchable.
 */
static void first_rolled_back(const char *path)
{
	struct kerr err = {0};
	struct cache *c = cache_open(path, date_today(), &err);
	long acct, book;

	if (!c) {
		ok(0, "a fresh cache opens");
		return;
	}
	acct = cache_account(c, "home", &err);
	book = cache_book(c, acct, "http://127.0.0.1/alice/book/", "Book", &err);
	ok(cache_begin(c, &err) == 0 &&
	   cache_card_put(c, book, "/alice/book/u1.vcf", "\"e1\"", card,
			  sizeof card - 1, &err) == 0, "a first card in a transaction");
	cache_rollback(c);
	ok(cache_card_put(c, book, "/alice/book/u1.vcf", "\"e1\"", card,
			  sizeof card - 1, &err) == 0,
	   "after its rollback the next card is stored: %s", err.msg);
	is_int(count(c, "SELECT count(*) FROM card_fts WHERE card_fts MATCH 'garden'"), 1,
	       "and searchable");
	cache_close(c);
	unlink(path);
}

/*
 * A cache written by the kith before migration 3 (tests/unit/data/
 * cache-v2.sql) opens upgraded: every raw card moved, byte for byte, the
 * log and the outbox as they were, last_text as a fresh view makes it.
 */
static void upgrade_from_v2(const char *path)
{
	char *src = getenv("KITH_SRCDIR"), *file, *sql, *s, *before, *raw_before;
	struct cache *c;
	struct kerr err;
	sqlite3 *db;

	file = xasprintf("%s/tests/unit/data/cache-v2.sql", src ? src : ".");
	sql = read_file(file, NULL);
	ok(sql != NULL, "the schema 2 fixture reads: %s", file);
	if (!sql || sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		ok(0, "the schema 2 fixture loads");
		free(file);
		free(sql);
		return;
	}
	raw_before = db_text(db, "SELECT group_concat(id || ':' || raw, '|') FROM"
			     " (SELECT id, raw FROM card ORDER BY id)");
	sqlite3_close(db);
	free(sql);
	free(file);

	c = cache_open(path, date_today(), &err);
	ok(c != NULL, "a schema 2 cache opens");
	if (!c)
		return;
	is_int(count(c, "PRAGMA user_version"), 9, "and is upgraded to the newest schema");
	is_int(count(c, "SELECT count(*) FROM pragma_table_info('card') WHERE name = 'raw'"),
	       0, "card no longer carries the raw vCard");
	is_int(count(c, "SELECT count(*) FROM card c JOIN card_raw r ON r.id = c.id"
		     " WHERE CAST(r.raw AS TEXT) LIKE 'BEGIN:VCARD%END:VCARD%'"), 7,
	       "every card's raw copy moved to card_raw");
	s = text(c, "SELECT group_concat(id || ':' || raw, '|') FROM"
		 " (SELECT id, raw FROM card_raw ORDER BY id)");
	ok(raw_before && s && strlen(raw_before) > 7000 && strcmp(s, raw_before) == 0,
	   "byte for byte");
	free(s);
	free(raw_before);
	is_int(count(c, "SELECT count(*) FROM outbox"), 3, "the pending notes stay queued");
	is_int(count(c, "SELECT count(*) FROM log WHERE pending = 1"), 3,
	       "and visible in the log");
	s = text(c, "SELECT last_text FROM card WHERE fn = 'Wei López'");
	is_str(s, "second call that day, about the garden",
	       "last_text is the entry written last on the newest day");
	free(s);
	s = text(c, "SELECT last_text FROM card WHERE fn = 'Zoë Lefèvre'");
	is_str(s, "Met at the forum, she moves to Lyon", "a pending entry counts");
	free(s);
	is_int(count(c, "SELECT count(*) FROM card WHERE (last_text IS NULL) !="
		     " (last_contact IS NULL)"), 0, "a last_text exactly where a last contact");
	before = text(c, "SELECT group_concat(id || ':' || coalesce(last_text, '-'), '|')"
		      " FROM card");
	ok(cache_card_refresh(c, 1, &err) == 0 && cache_card_refresh(c, 3, &err) == 0,
	   "views rebuilt from the moved copies");
	s = text(c, "SELECT group_concat(id || ':' || coalesce(last_text, '-'), '|') FROM card");
	is_str(s, before, "the migration's last_text is what a fresh view writes");
	free(s);
	free(before);
	is_int(count(c, "PRAGMA freelist_count"), 0, "the file is repacked");
	s = text(c, "PRAGMA integrity_check");
	is_str(s, "ok", "integrity_check ok after the upgrade");
	free(s);
	is_int(count(c, "SELECT count(*) FROM pragma_foreign_key_check"), 0,
	       "no dangling references");
	cache_close(c);
	unlink(path);
}

static int stop_now(void *arg)
{
	(void)arg;
	return 1;
}

/* Counts SQLite's progress calls; interrupts the one numbered fail only. */
struct calls {
	long n, fail;
};

static int stop_once(void *arg)
{
	struct calls *k = arg;

	return k->n++ == k->fail;
}

/*
 * What push reads: the server's copy as stored, and the cards with
 * pending operations; a cache that cannot be read is an error, never
 * "nothing to push".
 */
static void outbox_reads(struct cache *c, const char *path, long book, long id)
{
	struct cache_raw r;
	struct kerr err;
	long *ids = NULL;
	size_t n = 0;
	char want[64];

	ok(cache_card_raw(c, id, &r, &err) == 0 && r.id == id &&
	   strcmp(r.href, "/alice/book/u1.vcf") == 0 && strcmp(r.etag, "\"e1\"") == 0 &&
	   r.len == sizeof card - 1 && memcmp(r.raw, card, r.len) == 0 &&
	   r.state == CARD_SYNCED && r.parsed && strcmp(r.fn, "Ana Lima") == 0,
	   "cache_card_raw gives the server's bytes and the card's state");
	cache_raw_free(&r);
	snprintf(want, sizeof want, "card %ld vanished from the cache", id + 1000);
	ok(cache_card_raw(c, id + 1000, &r, &err) < 0 && strcmp(err.msg, want) == 0 &&
	   r.raw == NULL, "a card not in the cache is an error");
	cache_raw_free(&r);
	ok(cache_outbox_cards(c, book, &ids, &n, &err) == 0 && n == 1 && ids[0] == id,
	   "cache_outbox_cards lists the card with a pending operation");
	free(ids);
	ok(cache_outbox_cards(c, book + 1000, &ids, &n, &err) == 0 && n == 0 &&
	   ids == NULL, "and none for a book without");

	/* A step that fails (as a busy or damaged file would). */
	sqlite3_progress_handler(cache_db(c), 1, stop_now, NULL);
	ok(cache_outbox_cards(c, book, &ids, &n, &err) < 0 && n == 0 && ids == NULL &&
	   strncmp(err.msg, "reading the outbox: ", 20) == 0,
	   "a failed step is an error for the outbox: %s", err.msg);
	ok(cache_card_raw(c, id, &r, &err) < 0 && r.raw == NULL &&
	   strncmp(err.msg, "reading a card: ", 16) == 0,
	   "and for a card, not 'vanished': %s", err.msg);
	cache_raw_free(&r);
	sqlite3_progress_handler(cache_db(c), 0, NULL, NULL);
}

/*
 * The log diff (write_log): cards whose entries are numbered v. Entry v
 * (under 100) has id c0de00vv; v + 100k is entry v with, for k = 1 to 4,
 * its text, its date, its channel, or its id (v + 50) changed. One
 * pending note X stays in the outbox. After every server copy the log
 * rows, in rowid order, must be the view: the copy's entries (the first
 * of an id), then X unless the copy holds it, X alone pending.
 */
#define DIFF_X 999

static int diff_id(int v)
{
	return v % 100 + (v / 100 == 4 ? 50 : 0);
}

static void diff_entry(struct sbuf *b, int v, const char *sep, int pending)
{
	if (v == DIFF_X) {
		sbuf_addf(b, "2026-11-19%smeet%sc0ffee01%snew", sep, sep, sep);
	} else {
		int e = v % 100, k = v / 100;

		sbuf_addf(b, "%d-%02d-%02d%s%s%s%08x%s%s %d", k == 2 ? 2025 : 2026,
			  1 + e % 12, 1 + e % 28, sep, k == 3 ? "email" : "phone",
			  sep, 0xc0de0000u + (unsigned)diff_id(v), sep,
			  k == 1 ? "edited" : "note", e);
	}
	if (pending >= 0)
		sbuf_addf(b, "|%d", pending);
}

static char *diff_card(const int *v, size_t n)
{
	struct sbuf b = {0};

	sbuf_adds(&b, "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:diff\r\nFN:Dia Ferro\r\n");
	for (size_t i = 0; i < n; i++) {
		sbuf_adds(&b, "X-KITH-LOG:");
		diff_entry(&b, v[i], " ", -1);
		sbuf_adds(&b, "\r\n");
	}
	sbuf_adds(&b, "END:VCARD\r\n");
	return sbuf_detach(&b, NULL);
}

/*
 * What the log rows must read for the copy v[0..n) minus the entry gone,
 * with X in the outbox when x.
 */
static char *diff_want(const int *v, size_t n, int gone, int x)
{
	struct sbuf b = {0};
	int seen[100] = {0}, has_x = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i] == DIFF_X) {
			has_x = 1;
		} else if (seen[diff_id(v[i])] || diff_id(v[i]) == gone) {
			continue;
		} else {
			seen[diff_id(v[i])] = 1;
		}
		if (b.len)
			sbuf_addc(&b, '\n');
		diff_entry(&b, v[i], "|", 0);
	}
	if (x && !has_x) {
		if (b.len)
			sbuf_addc(&b, '\n');
		diff_entry(&b, DIFF_X, "|", 1);
	}
	return sbuf_detach(&b, NULL);
}

static void diff_step(struct cache *c, long book, const int *v, size_t n,
		      int gone, const char *what)
{
	struct kerr err = {0};
	char *raw = diff_card(v, n), *got;
	char *want = diff_want(v, n, gone, count(c, "SELECT count(*) FROM outbox"
						 " WHERE c = 'c0ffee01'") > 0);

	ok(cache_card_put(c, book, "/alice/book/diff.vcf", "\"d\"", raw,
			  strlen(raw), &err) == 0, "%s: stored", what);
	got = text(c, "SELECT group_concat(date || '|' || via || '|' || id || '|' ||"
		   " text || '|' || pending, char(10)) FROM (SELECT l.* FROM log l"
		   " JOIN card c ON c.id = l.card WHERE c.uid = 'diff' ORDER BY l.rowid)");
	is_str(got, want, "%s: the log rows are the view, in card order", what);
	free(got);
	free(want);
	free(raw);
}

static long diff_rowid(struct cache *c, int v)
{
	char sql[80];

	snprintf(sql, sizeof sql, "SELECT rowid FROM log WHERE id = '%08x'",
		 0xc0de0000u + (unsigned)v);
	return count(c, sql);
}

static void log_diff(struct cache *c, long book)
{
	int v[48], w[48];
	size_t n = 40, i;
	struct vcard_annot a;
	struct kerr err = {0};
	long id, r0, r21, r39;

	for (i = 0; i < n; i++)
		v[i] = (int)i;
	diff_step(c, book, v, n, -1, "40 entries");
	id = cache_card_id(c, book, "/alice/book/diff.vcf", NULL);
	/* X before the first copy counts as pending: the outbox holds it. */
	ok(cache_outbox_add(c, id, "log", "2026-11-19", "meet", "c0ffee01", "new",
			    &err) == 0, "a note is added");
	diff_step(c, book, v, n, -1, "the same copy, a note pending");
	ok(cache_card_annot(c, id, &a, &err) == 0 && a.nlog == 40 &&
	   !vcard_annot_has(&a, "c0ffee01") && strcmp(a.cadence, "") == 0,
	   "the server copy's annotations leave the outbox out");
	vcard_annot_free(&a);
	r0 = diff_rowid(c, 0);
	r39 = diff_rowid(c, 39);
	v[n++] = DIFF_X;
	diff_step(c, book, v, n, -1, "the copy that holds the note");
	ok(cache_card_annot(c, id, &a, &err) == 0 && a.nlog == 41 &&
	   vcard_annot_has(&a, "c0ffee01") && vcard_annot_find(&a, "c0de0027") == 39,
	   "and are read from the copy stored last");
	vcard_annot_free(&a);
	ok(cache_card_annot(c, id + 1000, &a, &err) < 0 && a.nlog == 0,
	   "no card, no annotations: %s", err.msg);
	ok(diff_rowid(c, 0) == r0 && diff_rowid(c, 39) == r39,
	   "the rows already right stay");
	r21 = diff_rowid(c, 21);
	memmove(v + 20, v + 21, (n - 21) * sizeof *v);
	n--;
	diff_step(c, book, v, n, -1, "an entry gone in the middle");
	ok(diff_rowid(c, 0) == r0 && diff_rowid(c, 21) == r21 &&
	   count(c, "SELECT count(*) FROM log WHERE id = 'c0de0014'") == 0,
	   "only its row goes");
	v[10] += 100;
	diff_step(c, book, v, n, -1, "an entry's text changed");
	v[10] -= 100;
	diff_step(c, book, v, n, -1, "and back");
	for (i = 2; i <= 4; i++) {
		/* Its date, its channel, its id; then as it was. */
		v[n - 2] += (int)i * 100;
		diff_step(c, book, v, n, -1, "the last entry changed");
		v[n - 2] -= (int)i * 100;
		diff_step(c, book, v, n, -1, "and back");
	}
	for (i = 0; i < n; i++)
		w[i] = v[n - 1 - i];
	diff_step(c, book, w, n, -1, "the entries in reverse");
	diff_step(c, book, v, n, -1, "and back");
	v[n++] = 105;
	diff_step(c, book, v, n, -1, "an id twice: the first is the entry");
	n--;
	r0 = diff_rowid(c, 0);
	for (i = 40; i < 45; i++)
		v[n++] = (int)i;
	diff_step(c, book, v, n, -1, "entries from another device at the end");
	ok(diff_rowid(c, 0) == r0, "the rows before them stay");
	ok(cache_outbox_add(c, id, "unlog", "c0de001e", NULL, NULL, NULL, &err) == 0,
	   "an entry is unlogged");
	diff_step(c, book, v, n, 30, "the copy again, one entry unlogged");
	memmove(v, v + 1, (n - 1) * sizeof *v);
	n--;
	diff_step(c, book, v, n, 30, "the first entry gone");
	diff_step(c, book, v, 0, 30, "no entries at all");
	diff_step(c, book, v, n, 30, "all of them back");
	ok(cache_card_drop(c, id, &err) == 0, "the card goes, its log with it");
}

int main(void)
{
	char dir[] = "/tmp/kith-test-cache-XXXXXX", *path, *s;
	struct cache *c;
	struct kerr err;
	struct stat sb;
	long acct, book, id;

	if (!mkdtemp(dir))
		return 1;
	setenv("KITH_TODAY", "2026-11-20", 1);
	path = xasprintf("%s/kith.db", dir);
	c = cache_open(path, date_today(), &err);
	ok(c != NULL, "a new cache opens");
	ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600, "it is created 0600");
	is_int(count(c, "PRAGMA user_version"), 9, "schema migrated to the newest version");
	s = text(c, "PRAGMA journal_mode");
	is_str(s, "wal", "WAL mode");
	free(s);

	acct = cache_account(c, "home", &err);
	book = cache_book(c, acct, "http://127.0.0.1/alice/book/", "Book", &err);
	ok(acct > 0 && book > 0, "account and book rows");
	is_int(cache_book(c, acct, "http://127.0.0.1/alice/book/", NULL, &err), book,
	       "the same book URL is the same row");
	ok(cache_card_put(c, book, "/alice/book/u1.vcf", "\"e1\"", card, sizeof card - 1,
			  &err) == 0, "a server copy is stored");
	id = cache_card_id(c, book, "/alice/book/u1.vcf", NULL);
	ok(id > 0, "and found by href");
	s = text(c, "SELECT fn || '|' || org || '|' || cadence || '|' || last_contact"
		 " || '|' || last_text FROM card");
	is_str(s, "Ana Lima|Forum|P30D|2026-10-01|Talked about the garden",
	       "view columns extracted");
	free(s);
	is_int(count(c, "SELECT count(*) FROM card_fts WHERE card_fts MATCH 'garden'"), 1,
	       "log text is searchable");

	ok(cache_outbox_add(c, id, "log", "2026-11-19", "meet", "1b1b1b1b",
			    "Lunch, she starts in Lyon", &err) == 0, "an outbox op is added");
	outbox_reads(c, path, book, id);
	s = text(c, "SELECT last_contact || ' ' || last_via FROM card");
	is_str(s, "2026-11-19 meet", "the view shows the pending entry");
	free(s);
	is_int(count(c, "SELECT pending FROM log WHERE id = '1b1b1b1b'"), 1,
	       "marked pending");
	s = text(c, "SELECT raw FROM card_raw");
	ok(s && strstr(s, "1b1b1b1b") == NULL, "the server copy is untouched");
	free(s);

	/* The server sends a new copy: pending ops still apply on top. */
	ok(cache_card_put(c, book, "/alice/book/u1.vcf", "\"e2\"", card, sizeof card - 1,
			  &err) == 0, "a newer server copy replaces the old");
	is_int(count(c, "SELECT count(*) FROM log"), 2, "pending entry survives a pull");

	/* The search index follows each copy, one row per card. */
	{
		static const char renamed[] =
			"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Ana Souza\r\n"
			"END:VCARD\r\n";
		static const char other[] =
			"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u2\r\nFN:Bo Brandt\r\n"
			"END:VCARD\r\n";

		ok(cache_card_put(c, book, "/alice/book/u1.vcf", "\"e3\"", renamed,
				  sizeof renamed - 1, &err) == 0 &&
		   count(c, "SELECT count(*) FROM card_fts WHERE card_fts MATCH 'souza'") == 1 &&
		   count(c, "SELECT count(*) FROM card_fts WHERE card_fts MATCH 'lima'") == 0,
		   "a changed card is found by its new name, not its old");
		ok(cache_begin(c, &err) == 0 &&
		   cache_card_put(c, book, "/alice/book/u2.vcf", "\"f1\"", other,
				  sizeof other - 1, &err) == 0 &&
		   cache_card_put(c, book, "/alice/book/u2.vcf", "\"f2\"", other,
				  sizeof other - 1, &err) == 0 &&
		   cache_card_gone(c, book, "/alice/book/u2.vcf", &err) == 0 &&
		   cache_commit(c, &err) == 0,
		   "a card stored twice and deleted in one transaction");
		is_int(count(c, "SELECT count(*) FROM card_fts WHERE card_fts MATCH 'brandt'"), 0,
		       "leaves no search row");
		ok(cache_begin(c, &err) == 0 &&
		   cache_card_put(c, book, "/alice/book/u2.vcf", "\"f1\"", other,
				  sizeof other - 1, &err) == 0, "a card stored");
		cache_rollback(c);
		is_int(count(c, "SELECT count(*) FROM card_fts WHERE card_fts MATCH 'brandt'") +
		       count(c, "SELECT count(*) FROM temp.fts_pending"), 0,
		       "then rolled back: no search row, nothing left to write");
		ok(cache_card_put(c, book, "/alice/book/u1.vcf", "\"e2\"", card,
				  sizeof card - 1, &err) == 0 &&
		   count(c, "SELECT count(*) FROM card_fts") == count(c, "SELECT count(*) FROM card"),
		   "one search row per card");
	}

	ok(cache_outbox_add(c, id, "unlog", "0a0a0a0a", NULL, NULL, NULL, &err) == 0 &&
	   count(c, "SELECT count(*) FROM log") == 1, "unlog hides an entry");
	ok(cache_outbox_add(c, id, "cadence", "", NULL, NULL, NULL, &err) == 0 &&
	   count(c, "SELECT count(*) FROM card WHERE cadence IS NULL") == 1,
	   "cadence off clears it");

	/*
	 * The server deletes a card with pending notes while the cache fails
	 * to count them (the step right after the card's lookup): an error,
	 * and the card and its notes stay.
	 */
	{
		struct calls k = {0, -1};
		int r;

		sqlite3_progress_handler(cache_db(c), 1, stop_once, &k);
		cache_card_id(c, book, "/alice/book/u1.vcf", NULL);
		k.fail = k.n;
		k.n = 0;
		r = cache_card_gone(c, book, "/alice/book/u1.vcf", &err);
		sqlite3_progress_handler(cache_db(c), 0, NULL, NULL);
		ok(r < 0 && count(c, "SELECT count(*) FROM card WHERE state = 0") == 1 &&
		   count(c, "SELECT count(*) FROM outbox") == 3,
		   "a failed count of the pending notes keeps the card: %s",
		   r < 0 ? err.msg : "no error");
	}

	/* The server deletes a card with pending notes: it is kept. */
	is_int(cache_card_gone(c, book, "/alice/book/u1.vcf", &err), 1,
	       "a card with pending notes is kept when the server deletes it");
	is_int(count(c, "SELECT state FROM card"), CARD_GONE, "marked gone");
	is_int(count(c, "SELECT count(*) FROM outbox"), 3, "its notes stay queued");
	ok(cache_outbox_done(c, id, 1000, &err) == 0 &&
	   cache_card_gone(c, book, "/alice/book/u1.vcf", &err) == 0 &&
	   count(c, "SELECT count(*) FROM card") == 0 &&
	   count(c, "SELECT count(*) FROM card_raw") == 0 &&
	   count(c, "SELECT count(*) FROM card_fts") == 0,
	   "without pending notes the card and its index rows go");

	/* A full disk: a clear error and the old state intact. */
	ok(cache_card_put(c, book, "/alice/book/u1.vcf", "\"e1\"", card, sizeof card - 1,
			  &err) == 0, "card back");
	{
		size_t big = 4 << 20;
		char *huge = xmalloc(big + 1);
		long pages = count(c, "PRAGMA page_count");
		char sql[64];

		memset(huge, 'x', big);
		memcpy(huge, "BEGIN:VCARD\r\n", 13);
		huge[big] = '\0';
		snprintf(sql, sizeof sql, "PRAGMA max_page_count = %ld", pages + 2);
		cache_exec(c, sql, &err);
		ok(cache_card_put(c, book, "/alice/book/big.vcf", "\"e9\"", huge, big,
				  &err) < 0, "a write past a full disk fails");
		ok(strstr(err.msg, "disk is full") != NULL, "saying so: %s", err.msg);
		cache_exec(c, "PRAGMA max_page_count = 1073741823", &err);
		is_int(count(c, "SELECT count(*) FROM card"), 1, "the cache is as it was");
		is_int(count(c, "SELECT count(*) FROM card_raw"), 1,
		       "no raw copy without its card");
		free(huge);
	}
	log_diff(c, book);
	{
		/* A copy that changes nothing searchable keeps the search row. */
		static const char a[] = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:fts-1\r\n"
			"FN:Quill Ortega\r\nX-KITH-LOG:2026-11-02 phone 0f0f0f0f "
			"the orchard\r\nEND:VCARD\r\n";
		static const char b[] = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:fts-1\r\n"
			"FN:Quill Ortega-Ruiz\r\nX-KITH-LOG:2026-11-02 phone 0f0f0f0f "
			"the orchard\r\nEND:VCARD\r\n";
		const char *href = "/alice/book/fts.vcf";

		ok(cache_card_put(c, book, href, "\"q1\"", a, sizeof a - 1, &err) == 0 &&
		   cache_card_put(c, book, href, "\"q2\"", a, sizeof a - 1, &err) == 0 &&
		   count(c, "SELECT count(*) FROM card_fts WHERE card_fts MATCH "
			 "'quill AND orchard'") == 1,
		   "a copy with the same text keeps its one search row");
		ok(cache_card_put(c, book, href, "\"q3\"", b, sizeof b - 1, &err) == 0 &&
		   count(c, "SELECT count(*) FROM card_fts WHERE card_fts MATCH "
			 "'ruiz AND orchard'") == 1 &&
		   count(c, "SELECT count(*) FROM card_fts") ==
		   count(c, "SELECT count(*) FROM card"),
		   "a new name is indexed again, one row per card");
		ok(cache_card_gone(c, book, href, &err) == 0, "and goes");
	}
	is_str((s = text(c, "PRAGMA integrity_check")), "ok", "integrity_check ok");
	free(s);
	cache_close(c);
	c = cache_open(path, date_today(), &err);
	ok(c && count(c, "SELECT count(*) FROM card") == 1, "reopens with its data");
	cache_close(c);
	unlink(path);
	first_rolled_back(path);
	upgrade_from_v2(path);
	s = xasprintf("%s-wal", path);
	unlink(s);
	free(s);
	s = xasprintf("%s-shm", path);
	unlink(s);
	free(s);
	rmdir(dir);
	free(path);
	return tap_done();
}
