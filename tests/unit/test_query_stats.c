/*
 * test_query_stats.c: what search, history and stats read from the cache,
 * and that a damaged cache is an error, never an empty chart.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache_internal.h"
#include "query.h"
#include "tap.h"

/* Any day: these queries take their dates as text. */
#define TODAY_2026_11_20 20777

static const char ana[] =
	"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u1\r\nFN:Ana Lima\r\n"
	"ORG:Forum\r\nCATEGORIES:Climbing,Choir\r\nX-KITH-CADENCE:P30D\r\n"
	"X-KITH-LOG:2026-09-15 meet 0a0a0a0a Coffee\r\n"
	"X-KITH-LOG:2026-10-01 phone 0b0b0b0b Talked about the garden\r\n"
	"END:VCARD\r\n";
/* 10 characters, 11 bytes: history's name column counts characters. */
static const char zoe[] =
	"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u2\r\nFN:Zoë Brandt\r\n"
	"CATEGORIES:Choir\r\n"
	"X-KITH-LOG:2026-11-18 email 1c1c1c1c Sent the notes\r\n"
	"END:VCARD\r\n";
static const char family[] =
	"BEGIN:VCARD\r\nVERSION:4.0\r\nUID:g1\r\nKIND:group\r\nFN:Family\r\n"
	"MEMBER:urn:uuid:u1\r\nMEMBER:urn:uuid:u2\r\nMEMBER:urn:uuid:nobody\r\n"
	"X-KITH-LOG:2026-11-19 meet 2d2d2d2d A group is not a person\r\n"
	"END:VCARD\r\n";

struct seen {
	long n, cadence, aspire, months, month_touches;
	char org[32];
};

static void on_brief(void *arg, const struct query_brief *b)
{
	struct seen *s = arg;

	s->n++;
	s->cadence += b->has_cadence;
	s->aspire += b->aspire;
	if (b->org)
		snprintf(s->org, sizeof s->org, "%s", b->org);
}

static void on_month(void *arg, const char *ym, long count)
{
	struct seen *s = arg;

	(void)ym;
	s->months++;
	s->month_touches += count;
}

struct hist {
	int n, stop_after;
	char first[64];
};

static int on_entry(void *arg, const struct person *p,
		    const struct person_log_row *e)
{
	struct hist *h = arg;

	if (h->n++ == 0)
		snprintf(h->first, sizeof h->first, "%s|%s|%s|%s", p->label, e->date,
			 e->via, e->text);
	return h->stop_after && h->n >= h->stop_after;
}

static int cmp_pair(const void *a, const void *b)
{
	const struct query_catpair *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->card > y->card) - (x->card < y->card);
}

static void pairs_free(struct query_catpair *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* The figures of a small cache: two people, a group of them and one more. */
static void figures(struct cache *c, long id1, long id2)
{
	struct kerr err = {0};
	struct query_catpair *pairs;
	struct seen s = {0};
	struct hist h = {0};
	struct sbuf b = {0};
	long all = -1, since = -1, *ids;
	char **snips;
	size_t n, i;

	ok(query_category_pairs(c, &pairs, &n, &err) == 0, "category pairs: %s",
	   err.msg);
	qsort(pairs, n, sizeof *pairs, cmp_pair);
	for (i = 0; i < n; i++)
		sbuf_addf(&b, "%s%s:%ld", i ? " " : "", pairs[i].name,
			  pairs[i].card == id1 ? 1L : pairs[i].card == id2 ? 2L : 0L);
	is_str(b.buf, "Choir:1 Choir:2 Climbing:1 Family:1 Family:2",
	       "CATEGORIES and a group's members, not its unknown MEMBER");
	sbuf_free(&b);
	pairs_free(pairs, n);

	ok(query_touch_counts(c, "2026-11-01", &all, &since, &err) == 0,
	   "touch counts: %s", err.msg);
	is_int(all, 3, "every touch on people, none on the group");
	is_int(since, 1, "one since 2026-11-01");
	ok(query_touch_months(c, "2026-10-01", on_month, &s, &err) == 0,
	   "touches by month: %s", err.msg);
	is_int(s.months, 2, "two months since 2026-10-01");
	is_int(s.month_touches, 2, "with a touch each");

	ok(query_briefs(c, on_brief, &s, &err) == 0, "briefs: %s", err.msg);
	is_int(s.n, 2, "a brief per person, not the group");
	is_int(s.cadence, 1, "one with a cadence");
	is_str(s.org, "Forum", "and her organisation");

	ok(query_search(c, "\"garden\"*", 10, &ids, &snips, &n, &err) == 0,
	   "search: %s", err.msg);
	ok(n == 1 && ids[0] == id1 && snips[0] && strstr(snips[0], "[garden]"),
	   "finds the note, the match in [ ]");
	for (i = 0; i < n; i++)
		free(snips[i]);
	free(snips);
	free(ids);

	ok(query_history(c, 0, 10, on_entry, &h, &err) == 0, "history: %s",
	   err.msg);
	is_int(h.n, 3, "history: the people's touches");
	is_str(h.first, "Zoë Brandt|2026-11-18|email|Sent the notes", "newest first");
	memset(&h, 0, sizeof h);
	h.stop_after = 1;
	ok(query_history(c, id1, 10, on_entry, &h, &err) == 0 && h.n == 1,
	   "one person's history stops when fn says so");
	is_str(h.first, "Ana Lima|2026-10-01|phone|Talked about the garden",
	       "her newest");
}

/*
 * A page of the card table overwritten on disk: each query that reads
 * it fails with a message. (A busy cache cannot be staged here: in WAL
 * mode a reader never waits for a writer, and no second connection can
 * take the exclusive lock while the cache holds its shared one.)
 */
static void damaged(const char *path)
{
	struct kerr err = {0};
	struct cache *c = cache_open(path, TODAY_2026_11_20, &err);
	struct query_catpair *pairs = NULL;
	struct seen s = {0};
	struct hist h = {0};
	sqlite3_stmt *st;
	long root = 0, page = 0;
	size_t n = 99;
	char junk[512];
	int fd, hit = 0;

	if (!c) {
		ok(0, "the cache opens again: %s", err.msg);
		return;
	}
	st = cache_prep(c, "SELECT rootpage, (SELECT page_size FROM"
			" pragma_page_size) FROM sqlite_schema WHERE name = 'card'", &err);
	if (st && cache_step(c, st, "root", &err) > 0) {
		root = sqlite3_column_int64(st, 0);
		page = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	/* Into the file itself, so the damage is there when it opens again. */
	cache_exec(c, "PRAGMA wal_checkpoint(TRUNCATE)", &err);
	cache_close(c);
	memset(junk, 0xff, sizeof junk);
	fd = open(path, O_WRONLY);
	if (fd >= 0 && root > 0 && page > 0)
		hit = pwrite(fd, junk, sizeof junk, (root - 1) * page) ==
		      (ssize_t)sizeof junk;
	if (fd >= 0)
		close(fd);
	ok(hit, "the card table's first page overwritten");
	c = cache_open(path, TODAY_2026_11_20, &err);
	if (!c) {
		ok(0, "a damaged cache still opens: %s", err.msg);
		return;
	}
	err.msg[0] = 0;
	ok(query_category_pairs(c, &pairs, &n, &err) == -1 && !pairs && n == 0,
	   "category pairs: -1, not an empty list");
	ok(strstr(err.msg, "reading the cache") != NULL, "with why: %s", err.msg);
	ok(query_briefs(c, on_brief, &s, &err) == -1 && s.n == 0,
	   "briefs: -1, not nobody");
	ok(query_history(c, 0, 10, on_entry, &h, &err) == -1 && h.n == 0,
	   "history: -1, not no touches");
	cache_close(c);
}

int main(void)
{
	char dir[] = "/tmp/kith-test-query-XXXXXX", *path;
	struct kerr err = {0};
	struct cache *c;
	long acct, book, id1, id2;

	if (!mkdtemp(dir))
		return 1;
	path = xasprintf("%s/kith.db", dir);
	c = cache_open(path, TODAY_2026_11_20, &err);
	if (!c) {
		ok(0, "a new cache opens: %s", err.msg);
		return 1;
	}
	acct = cache_account(c, "home", &err);
	book = cache_book(c, acct, "http://127.0.0.1/alice/book/", "Book", &err);
	ok(cache_card_put(c, book, "/alice/book/u1.vcf", "\"e1\"", ana,
			  sizeof ana - 1, &err) == 0 &&
	   cache_card_put(c, book, "/alice/book/u2.vcf", "\"e1\"", zoe,
			  sizeof zoe - 1, &err) == 0 &&
	   cache_card_put(c, book, "/alice/book/g1.vcf", "\"e1\"", family,
			  sizeof family - 1, &err) == 0, "three cards stored: %s",
	   err.msg);
	id1 = cache_card_id(c, book, "/alice/book/u1.vcf", NULL);
	id2 = cache_card_id(c, book, "/alice/book/u2.vcf", NULL);
	figures(c, id1, id2);
	cache_close(c);
	damaged(path);

	unlink(path);
	free(path);
	{
		char *wal = xasprintf("%s/kith.db-wal", dir);
		char *shm = xasprintf("%s/kith.db-shm", dir);

		unlink(wal);
		unlink(shm);
		free(wal);
		free(shm);
	}
	rmdir(dir);
	return tap_done();
}
