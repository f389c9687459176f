/*
 * test_remind.c: the rules for the calendar objects kith owns (names,
 * log ids, what a user added to a task, its channel) and the rows that
 * say what is on the calendar.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "remind.h"
#include "tap.h"

static void names(void)
{
	char uid[REMIND_UID_MAX];
	char longname[120];

	ok(remind_uid_of("/alice/kith/kith-day-20261204.ics", uid) &&
	   strcmp(uid, "kith-day-20261204") == 0, "a day's event is kith's: %s", uid);
	ok(remind_uid_of("/c/kith-todo-0123456789abcdef.ics", uid) &&
	   strcmp(uid, "kith-todo-0123456789abcdef") == 0, "so is a task");
	ok(!remind_uid_of("/c/dentist.ics", uid), "the user's own event is not");
	ok(!remind_uid_of("/c/kith-day-1.ics.bak", uid), "nor a name not ending in .ics");
	ok(!remind_uid_of("/c/kith-Day-1.ics", uid), "nor one with a capital (kith never writes one)");
	ok(!remind_uid_of("/c/kith-a%2F..ics", uid), "nor one with other characters");
	ok(!remind_uid_of("/c/kith-.ics", uid) || strcmp(uid, "kith-") == 0,
	   "the bare prefix reads as itself at most");
	ok(!remind_uid_of("/c/.ics", uid), "nor an empty name");
	memset(longname, 'a', sizeof longname);
	memcpy(longname, "/kith-", 6);
	memcpy(longname + sizeof longname - 5, ".ics", 5);
	ok(!remind_uid_of(longname, uid), "nor one longer than a UID of kith's");
}

static void log_ids(void)
{
	char a[9], b[9], c[9];

	remind_log_id("kith-todo-0123456789abcdef", "2026-12-19", a);
	remind_log_id("kith-todo-0123456789abcdef", "2026-12-19", b);
	remind_log_id("kith-todo-0123456789abcdef", "2026-12-20", c);
	is_str(a, b, "the same task and day give the same log id on any device");
	ok(strcmp(a, c) != 0, "another day gives another id");
	ok(strlen(a) == 8 && strspn(a, "0123456789abcdef") == 8, "8 hex: %s", a);
	/* FNV-1a's published value for "a", so every build derives the same. */
	ok(str_hash(STR_HASH_INIT, "a", 1) == 0xaf63dc4c8601ec8cULL, "FNV-1a 64 of \"a\"");
}

static void channels(void)
{
	is_str(remind_channel("Called her, she passed"), "phone", "\"Called\" is a phone call");
	is_str(remind_channel("we met for lunch"), "meet", "\"met\" is a meeting");
	is_str(remind_channel("sent an SMS"), "text", "case does not matter");
	is_str(remind_channel("Wrote a long email"), "email", "\"Wrote\" is an email");
	is_str(remind_channel("recalled the trip"), "other", "only at a word's start");
	is_str(remind_channel(""), "other", "nothing is other");
	is_str(remind_channel(NULL), "other", "no text is other");
}

static void user_texts(void)
{
	const char *kith = "due 2026-12-08 (every week); last contact 2026-12-01 (text): Her exam";
	char *s, *big;
	size_t i;

	s = remind_user_text("due 2026-12-08 (every week); last contact 2026-12-01 (text): Her exam\n"
			     "Called her, she passed", kith);
	is_str(s, "Called her, she passed", "the line the user added, without kith's");
	free(s);
	s = remind_user_text("Called her\n" "due 2026-12-08 (every week); last contact 2026-12-01 (text): Her exam\n"
			     "\tall good ", kith);
	is_str(s, "Called her all good", "lines before and after, joined, tabs and ends trimmed");
	free(s);
	ok(remind_user_text(kith, kith) == NULL, "nothing added is nothing");
	ok(remind_user_text(NULL, kith) == NULL, "no description is nothing");
	s = remind_user_text("just this", NULL);
	is_str(s, "just this", "without kith's text, all of it");
	free(s);
	big = xmalloc(3001);
	for (i = 0; i < 3000; i += 3)
		memcpy(big + i, "\xe2\x82\xac", 3);	/* euro signs */
	big[3000] = '\0';
	s = remind_user_text(big, kith);
	ok(s && strlen(s) <= 1000 && str_utf8_valid(s, strlen(s)),
	   "a long note is cut to 1000 bytes on a character boundary (%zu)", s ? strlen(s) : 0);
	free(s);
	free(big);
}

static void rows(void)
{
	static const char ana[] =
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nEND:VCARD\r\n";
	char dir[] = "/tmp/kith-test-remind-XXXXXX", *path, *p2;
	struct remind_row r = {0}, *v = NULL;
	struct kerr err = {0};
	struct cache *c;
	size_t n = 0;
	long acct, book, card;

	if (!mkdtemp(dir)) {
		ok(0, "a temporary folder");
		return;
	}
	path = xasprintf("%s/kith.db", dir);
	c = cache_open(path, 20791, &err);
	ok(c != NULL, "a cache opens: %s", err.msg);
	if (!c)
		return;
	acct = cache_account(c, "home", &err);
	book = cache_book(c, acct, "http://127.0.0.1/alice/book/", NULL, &err);
	ok(cache_card_put(c, book, "/alice/book/ana.vcf", "\"1\"", ana,
			  strlen(ana), &err) == 0, "a card");
	card = cache_card_id(c, book, "/alice/book/ana.vcf", &err);
	is_int(remind_card(c, "/alice/book/ana.vcf", &err), card, "a task's card is found by its href");
	is_int(remind_card(c, "/alice/book/nobody.vcf", &err), 0, "an unknown href is nobody");
	r.uid = "kith-day-20261204";
	r.href = "/alice/kith/kith-day-20261204.ics";
	r.etag = "\"e1\"";
	r.sent = "0011223344556677";
	r.day = 20791;
	ok(remind_put(c, acct, &r, &err) == 0, "a row is noted");
	r.etag = NULL;
	ok(remind_put(c, acct, &r, &err) == 0, "and replaced by UID");
	ok(remind_rows(c, acct, &v, &n, &err) == 0 && n == 1, "one row per UID");
	ok(n == 1 && v[0].etag == NULL && strcmp(v[0].sent, "0011223344556677") == 0 &&
	   v[0].day == 20791 && v[0].card == 0, "as last written");
	remind_rows_free(v, n);
	ok(remind_drop(c, acct, NULL, &err) == 0 &&
	   remind_rows(c, acct, &v, &n, &err) == 0 && n == 0, "dropped with the account's others");
	remind_rows_free(v, n);
	cache_close(c);
	unlink(path);
	p2 = xasprintf("%s-wal", path);
	unlink(p2);
	free(p2);
	p2 = xasprintf("%s-shm", path);
	unlink(p2);
	free(p2);
	free(path);
	rmdir(dir);
}

int main(void)
{
	names();
	log_ids();
	channels();
	user_texts();
	rows();
	return tap_done();
}
