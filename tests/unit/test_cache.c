/* test_cache.c: the cache keeps server copies and the outbox apart. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
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

static char *text(struct cache *c, const char *sql)
{
	sqlite3_stmt *st;
	char *s = NULL;

	if (sqlite3_prepare_v2(cache_db(c), sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		s = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return s;
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
	c = cache_open(path, &err);
	ok(c != NULL, "a new cache opens");
	ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600, "it is created 0600");
	is_int(count(c, "PRAGMA user_version"), 2, "schema migrated to the newest version");
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
	id = cache_card_id(c, book, "/alice/book/u1.vcf");
	ok(id > 0, "and found by href");
	s = text(c, "SELECT fn || '|' || org || '|' || cadence || '|' || last_contact FROM card");
	is_str(s, "Ana Lima|Forum|P30D|2026-10-01", "view columns extracted");
	free(s);
	is_int(count(c, "SELECT count(*) FROM card_fts WHERE card_fts MATCH 'garden'"), 1,
	       "log text is searchable");

	ok(cache_outbox_add(c, id, "log", "2026-11-19", "meet", "1b1b1b1b",
			    "Lunch, she starts in Lyon", &err) == 0, "an outbox op is added");
	s = text(c, "SELECT last_contact || ' ' || last_via FROM card");
	is_str(s, "2026-11-19 meet", "the view shows the pending entry");
	free(s);
	is_int(count(c, "SELECT pending FROM log WHERE id = '1b1b1b1b'"), 1,
	       "marked pending");
	s = text(c, "SELECT raw FROM card");
	ok(s && strstr(s, "1b1b1b1b") == NULL, "the server copy is untouched");
	free(s);

	/* The server sends a new copy: pending ops still apply on top. */
	ok(cache_card_put(c, book, "/alice/book/u1.vcf", "\"e2\"", card, sizeof card - 1,
			  &err) == 0, "a newer server copy replaces the old");
	is_int(count(c, "SELECT count(*) FROM log"), 2, "pending entry survives a pull");

	ok(cache_outbox_add(c, id, "unlog", "0a0a0a0a", NULL, NULL, NULL, &err) == 0 &&
	   count(c, "SELECT count(*) FROM log") == 1, "unlog hides an entry");
	ok(cache_outbox_add(c, id, "cadence", "", NULL, NULL, NULL, &err) == 0 &&
	   count(c, "SELECT count(*) FROM card WHERE cadence IS NULL") == 1,
	   "cadence off clears it");

	/* The server deletes a card with pending notes: it is kept. */
	is_int(cache_card_gone(c, book, "/alice/book/u1.vcf", &err), 1,
	       "a card with pending notes is kept when the server deletes it");
	is_int(count(c, "SELECT state FROM card"), CARD_GONE, "marked gone");
	is_int(count(c, "SELECT count(*) FROM outbox"), 3, "its notes stay queued");
	ok(cache_outbox_done(c, id, 1000, &err) == 0 &&
	   cache_card_gone(c, book, "/alice/book/u1.vcf", &err) == 0 &&
	   count(c, "SELECT count(*) FROM card") == 0 &&
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
		free(huge);
	}
	is_str((s = text(c, "PRAGMA integrity_check")), "ok", "integrity_check ok");
	free(s);
	cache_close(c);
	c = cache_open(path, &err);
	ok(c && count(c, "SELECT count(*) FROM card") == 1, "reopens with its data");
	cache_close(c);
	unlink(path);
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
