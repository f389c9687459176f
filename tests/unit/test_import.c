/* test_import.c: what import reads from sheets and vCard files (src/import.c). */
#include <stdlib.h>
#include <string.h>

#include <stdio.h>
#include <unistd.h>

#include "cache.h"
#include "date.h"
#include "import.h"
#include "query_export.h"
#include "tap.h"
#include "vcard.h"

static void split(const char *s, struct strv *out)
{
	const char *p = s;

	strv_free(out);
	for (;;) {
		size_t n = strcspn(p, "|");

		strv_push_own(out, xstrndup(p, n));
		if (!p[n])
			break;
		p += n + 1;
	}
}

static void test_dates(void)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{"2021-03-12", "2021-03-12"}, {"2021-03-12T10:20:00Z", "2021-03-12"},
		{"2021-03-12 08:00", "2021-03-12"}, {"2021/3/2", "2021-03-02"},
		{"12 Mar 2021", "2021-03-12"}, {"05 Jan 2024", "2024-01-05"},
		{"12-Mar-2021", "2021-03-12"}, {"March 12, 2021", "2021-03-12"},
		{"12 September 2020", "2020-09-12"}, {"1 Sept 2020", "2020-09-01"},
		{"25/12/2020", "2020-12-25"}, {"12/25/2020", "2020-12-25"},
		{"25.12.2020", "2020-12-25"}, {"05.03.2021", "2021-03-05"},
	};
	static const char *const bad[] = {"2021-02-30", "yesterday", "12 Foo 2021",
		"2021", "12/03", "", "1-2-3-4", "0000-01-01", NULL};
	struct kerr err;
	char out[11];
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		memset(out, 0, sizeof out);
		is_int(import_date(good[i].in, out, &err), 0, "'%s' is a date", good[i].in);
		is_str(out, good[i].out, "'%s' reads as %s", good[i].in, good[i].out);
	}
	for (i = 0; bad[i]; i++)
		is_int(import_date(bad[i], out, &err), -1, "'%s' is not a date", bad[i]);
	is_int(import_date("03/04/2026", out, &err), -1, "03/04/2026 is refused");
	ok(strstr(err.msg, "day/month or month/day") != NULL, "as ambiguous: %s", err.msg);
}

static void test_cadences(void)
{
	static const struct {
		const char *in, *iso;
	} good[] = {
		{"2w", "P2W"}, {"P30D", "P30D"}, {"30 days", "P30D"}, {"monthly", "P1M"},
		{"Every 2 weeks", "P2W"}, {"every week", "P1W"}, {"quarterly", "P3M"},
		{"off", ""}, {"", ""}, {"1y", "P1Y"},
	};
	struct kerr err;
	char iso[16];
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		is_int(import_cadence(good[i].in, iso, &err), 0, "'%s' is a cadence", good[i].in);
		is_str(iso, good[i].iso, "'%s' is '%s'", good[i].in, good[i].iso);
	}
	is_int(import_cadence("sometimes", iso, &err), -1, "'sometimes' is not a cadence");
	is_int(import_cadence("0d", iso, &err), -1, "'0d' is not a cadence");
}

/* Reads row under header (both "|"-separated) into r. */
static int read_row(const char *header, const char *row, struct import_row *r,
		    struct import_map *m, struct kerr *err)
{
	struct strv h = {0}, f = {0};
	int rc;

	split(header, &h);
	split(row, &f);
	rc = import_header(&h, m) == 1 ? import_row_read(m, &f, date_from_ymd(2026, 12, 1),
							   r, err) : -2;
	strv_free(&h);
	strv_free(&f);
	return rc;
}

static void test_rows(void)
{
	struct import_map m;
	struct import_row r;
	struct kerr err;
	struct strv h = {0};

	is_int(read_row("Name|Given Name|Family Name|Notes|Group Membership|E-mail 1 - Value|"
			"E-mail 2 - Value|Phone 1 - Value|Organization 1 - Name|Organization 1 - Title",
			"|Carla|Gomes| two\nlines |* myContacts ::: Friends ::: Climbing|"
			"c@work.example.org ::: c@home.example.org|C@WORK.example.org|+33 6 1|Acme|Eng",
			&r, &m, &err), 0, "a Google row");
	is_str(m.format, "Google Contacts", "recognised as Google Contacts");
	is_str(r.name, "Carla Gomes", "the name from its parts when Name is empty");
	is_int(r.emails.n, 2, "emails split at :::, a repeat (any case) dropped");
	is_str(r.emails.v[1], "c@home.example.org", "the second email");
	is_str(r.phones.v[0], "+33 6 1", "the phone, spaces kept");
	is_int(r.categories.n, 2, "Google's * myContacts is not a category");
	is_str(r.categories.v[1], "Climbing", "the labels in order");
	is_str(r.org, "Acme", "Organization 1 - Name");
	is_str(r.title, "Eng", "Organization 1 - Title");
	is_str(r.notes, "two\nlines", "notes trimmed, their line break kept");
	import_row_free(&r);
	import_map_free(&m);

	is_int(read_row("Title|First Name|Last Name|Job Title|E-mail Address|Mobile Phone",
			"Dr.|Erin|Walsh|CTO|erin@example.com|555", &r, &m, &err), 0, "an Outlook row");
	is_str(m.format, "Outlook", "recognised as Outlook");
	is_str(r.title, "CTO", "Outlook's Title (Dr.) is not the job title");
	import_row_free(&r);
	import_map_free(&m);

	is_int(read_row("First Name|Last Name|URL|Email Address|Company|Position|Connected On",
			"Farah|Haddad|https://x|farah@example.net|Umbrella|Analyst|12 Mar 2021",
			&r, &m, &err), 0, "a LinkedIn row");
	is_str(m.format, "LinkedIn", "recognised as LinkedIn");
	ok(m.connected, "its date is Connected On");
	is_str(r.last, "2021-03-12", "Connected On is the last contact");
	import_row_free(&r);
	import_map_free(&m);

	is_int(read_row("  NAME |e-mail|Last_Contact|Cadence|ID|Channel",
			"Gus|gus@example.org; g@example.org|2026-11-01|2w|ABCDEF01|Phone",
			&r, &m, &err), 0, "a plain sheet, headers in any case and spacing");
	is_str(r.cadence, "P2W", "its cadence");
	is_str(r.id, "abcdef01", "an ID column gives the log id, lower-cased");
	is_str(r.via, "Phone", "a channel as written (the shell checks it)");
	is_int(r.emails.n, 2, "emails split at ;");
	import_row_free(&r);
	import_map_free(&m);

	is_int(read_row("Name|Last contact", "Ivo|2027-01-01", &r, &m, &err), -1,
	       "a last contact in the future is an error");
	is_str(err.msg, "the last contact 2027-01-01 is in the future", "saying so");
	import_row_free(&r);
	import_map_free(&m);
	is_int(read_row("Name|Cadence", "Ivo|often", &r, &m, &err), -1, "a bad cadence is an error");
	import_row_free(&r);
	import_map_free(&m);
	is_int(read_row("Name|ID", "Ivo|xyz", &r, &m, &err), -1, "a bad log id is an error");
	import_row_free(&r);
	import_map_free(&m);
	is_int(read_row("Name|Email", "Short", &r, &m, &err), 0, "a short row is fine");
	is_int(r.emails.n, 0, "its missing fields are empty");
	import_row_free(&r);
	import_map_free(&m);

	split("Notes:", &h);
	is_int(import_header(&h, &m), 0, "LinkedIn's 'Notes:' line is not a header");
	split("Company|Phone", &h);
	is_int(import_header(&h, &m), 0, "a header without a name or email column is none");
	strv_free(&h);
}

static void test_ids(void)
{
	char a[9], b[9], c[9], d[9];
	struct import_row r;

	import_log_id("ana@example.org", "2026-11-01", "Lunch", a);
	import_log_id("ana@example.org", "2026-11-01", "Lunch", b);
	import_log_id("ana@example.org", "2026-11-02", "Lunch", c);
	import_log_id("ana@example.or", "g2026-11-01", "Lunch", d);
	is_str(a, b, "the same row gives the same id");
	ok(strcmp(a, c) != 0, "another date another id");
	ok(strcmp(a, d) != 0, "the parts are kept apart");
	is_int(strspn(a, "0123456789abcdef"), 8, "8 lowercase hex digits");
	memset(&r, 0, sizeof r);
	r.name = "Ana Lima";
	{
		char *k = import_row_key(&r);

		is_str(k, "ana lima", "a row's key without email: its name, lower-cased");
		free(k);
	}
	strv_push(&r.emails, "Ana@Example.org");
	{
		char *k = import_row_key(&r);

		is_str(k, "ana@example.org", "with one: the first email, lower-cased");
		free(k);
	}
	strv_free(&r.emails);
}

static void test_vcf(void)
{
	static const char file[] =
		"\xef\xbb\xbf" "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n"
		"\r\n"
		"begin:vcard\nVERSION:2.1\nFN:B\nAGENT:\nBEGIN:VCARD\nFN:Agent\nEND:VCARD\n"
		"END:VCARD\n"
		"BEGIN:VCARD\nFN:C\nEND:VCARD";
	struct import_card *cards;
	struct kerr err;
	size_t n;

	is_int(import_vcf_split(file, sizeof file - 1, &cards, &n, &err), 0, "a vCard file splits");
	is_int(n, 3, "into its three cards (an AGENT card inside its own)");
	is_int(cards[0].line, 1, "the first on line 1");
	ok(cards[0].len == 43 && memcmp(cards[0].start, "BEGIN:VCARD\r\n", 13) == 0,
	   "the first card's bytes, without the BOM");
	is_int(cards[1].line, 6, "the second on line 6");
	ok(memcmp(cards[1].start + cards[1].len - 10, "END:VCARD\n", 10) == 0 &&
	   strstr(cards[1].start, "Agent") < cards[1].start + cards[1].len,
	   "the second holds its agent");
	ok(cards[2].len == 26, "the last, without a final newline");
	free(cards);
	is_int(import_vcf_split("BEGIN:VCARD\nFN:X\nEND:VCARD\nBEGIN:VCARD\nFN:Y\n", 43,
				&cards, &n, &err), -1, "a card that never ends");
	is_str(err.msg, "line 4: a card begins here and never ends (no END:VCARD)", "names its line");
	is_int(n, 1, "the card before it is still there");
	free(cards);
}

static void test_vcard_add(void)
{
	static const char card[] = "BEGIN:VCARD\nVERSION:3.0\nX-ODD;P=1:keep\nFN:A\nEND:VCARD\n";
	struct kerr err;
	size_t n;
	char *s = vcard_add(card, sizeof card - 1, "UID", "u-1", &n, &err);

	is_str(s, "BEGIN:VCARD\nVERSION:3.0\nX-ODD;P=1:keep\nFN:A\nUID:u-1\nEND:VCARD\n",
	       "vcard_add: one line before END:VCARD, the card's LF kept");
	free(s);
	s = vcard_add(card, sizeof card - 1, "NOTE", "a, b\nc", &n, &err);
	ok(s && strstr(s, "NOTE:a\\, b\\nc\n") != NULL, "its value escaped as TEXT");
	free(s);
	s = vcard_add(card, sizeof card - 1, "NOTE", "bad \x1b[2J", &n, &err);
	ok(s == NULL, "a control character is refused");
	s = vcard_add("BEGIN:VCARD\nFN:A\n", 17, "UID", "x", &n, &err);
	ok(s == NULL, "a card without END:VCARD is refused");
}

static int count_person(void *arg, const struct query_export_person *x)
{
	long *n = arg;

	*n += 1 + (long)x->nlog * 100 + (long)x->categories->n * 10000;
	return 0;
}

/* The matcher and the export walk on a real cache. */
static void test_cache(void)
{
	static const char a[] = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-a\r\nFN:Ana Lima\r\n"
		"EMAIL:ana@work.example.org\r\nEMAIL:Ana@Home.example.org\r\n"
		"CATEGORIES:Friends,Choir\r\nX-KITH-LOG:2026-10-01 phone 0b0b0b0b Call\r\nEND:VCARD\r\n";
	static const char b1[] = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-b1\r\nFN:Bo Li\r\nEND:VCARD\r\n";
	static const char b2[] = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-b2\r\nFN:bo li\r\nEND:VCARD\r\n";
	static const char g[] = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:u-g\r\nKIND:group\r\nFN:Ana Lima\r\n"
		"END:VCARD\r\n";
	char dir[] = "/tmp/kith-test-import-XXXXXX", *path;
	struct query_match_index *x;
	struct strv emails = {0};
	enum query_found how;
	struct kerr err;
	struct cache *c;
	long acct, book, id, ana, n = 0;

	if (!mkdtemp(dir))
		return;
	path = xasprintf("%s/kith.db", dir);
	c = cache_open(path, date_from_ymd(2026, 12, 1), &err);
	ok(c != NULL, "a cache");
	if (!c) {
		free(path);
		return;
	}
	acct = cache_account(c, "home", &err);
	book = cache_book(c, acct, "http://127.0.0.1/b/", "B", &err);
	ok(cache_card_put(c, book, "/b/a.vcf", "\"1\"", a, sizeof a - 1, &err) == 0 &&
	   cache_card_put(c, book, "/b/b1.vcf", "\"1\"", b1, sizeof b1 - 1, &err) == 0 &&
	   cache_card_put(c, book, "/b/b2.vcf", "\"1\"", b2, sizeof b2 - 1, &err) == 0 &&
	   cache_card_put(c, book, "/b/g.vcf", "\"1\"", g, sizeof g - 1, &err) == 0, "four cards");
	ana = cache_card_id(c, book, "/b/a.vcf", &err);
	x = query_match_load(c, &err);
	ok(x != NULL, "the matcher loads");
	strv_push(&emails, "nobody@example.org");
	strv_push(&emails, "ana@HOME.example.org");
	query_match_find(x, NULL, &emails, "Someone Else", &id, &how);
	ok(id == ana && how == QUERY_FOUND_EMAIL, "by her second email, case aside");
	query_match_find(x, "u-a", NULL, "Bo Li", &id, &how);
	ok(id == ana && how == QUERY_FOUND_UID, "by UID first");
	query_match_find(x, NULL, NULL, "ANA LIMA", &id, &how);
	ok(id == ana && how == QUERY_FOUND_NAME, "by name, case aside; the group of that name is no one");
	query_match_find(x, NULL, NULL, "Bo Li", &id, &how);
	ok(id == 0 && how == QUERY_FOUND_AMBIGUOUS, "two people called Bo Li: ambiguous");
	query_match_find(x, NULL, NULL, "Ana", &id, &how);
	ok(id == 0 && how == QUERY_FOUND_NONE, "a part of a name is no match");
	strv_free(&emails);
	strv_push(&emails, "new@example.org");
	query_match_add(x, 99, "u-new", &emails, "New Person");
	query_match_find(x, NULL, &emails, NULL, &id, &how);
	ok(id == 99 && how == QUERY_FOUND_EMAIL, "someone added during the import is found");
	strv_free(&emails);
	query_match_free(x);
	is_int(query_log_on(c, ana, "2026-10-01", &err), 1, "Ana's log has an entry on 2026-10-01");
	is_int(query_log_on(c, ana, "2026-10-02", &err), 0, "and none the next day");
	ok(query_export(c, 1, count_person, &n, &err) == 0, "the export walk");
	is_int(n, 3 + 100 + 20000, "three people (not the group), Ana's entry and her two categories");
	cache_close(c);
	{
		char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);

		unlink(path);
		unlink(wal);
		unlink(shm);
		free(wal);
		free(shm);
	}
	free(path);
	rmdir(dir);
}

int main(void)
{
	test_dates();
	test_cadences();
	test_rows();
	test_ids();
	test_vcf();
	test_vcard_add();
	test_cache();
	return tap_done();
}
