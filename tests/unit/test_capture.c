/* test_capture.c: the rules of 'capture mail' (src/capture.c), without mail files. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "capture.h"
#include "date.h"
#include "query_mail.h"
#include "tap.h"

static void push(struct strv *l, const char *a)
{
	strv_push_own(l, capture_addr_norm(a));
}

static void test_skip(void)
{
	struct capture_msg m;
	int i;

	memset(&m, 0, sizeof m);
	push(&m.from, "ana@example.com");
	push(&m.to, "me@example.org");
	is_int(capture_skip(&m), CAPTURE_KEEP, "a plain message is kept");
	m.list = 1;
	is_int(capture_skip(&m), CAPTURE_LIST, "a list message is skipped as a list");
	m.autoreply = 1;
	is_int(capture_skip(&m), CAPTURE_LIST, "a list's auto-reply counts as the list");
	m.list = 0;
	is_int(capture_skip(&m), CAPTURE_AUTO, "an auto-reply is skipped");
	m.autoreply = 0;
	for (i = 0; i < 19; i++)
		push(&m.cc, "x@example.net");
	is_int(capture_skip(&m), CAPTURE_KEEP, "20 recipients is still a conversation");
	push(&m.bcc, "y@example.net");
	is_int(capture_skip(&m), CAPTURE_CROWD, "21 (To, Cc and Bcc together) is not");
	capture_msg_free(&m);

	ok(capture_precedence_bulk("bulk") && capture_precedence_bulk(" List ") &&
	   capture_precedence_bulk("JUNK\r\n"), "Precedence bulk, list, junk");
	ok(!capture_precedence_bulk("first-class") && !capture_precedence_bulk("bulky") &&
	   !capture_precedence_bulk(NULL), "but not other values");
	ok(capture_auto_submitted("auto-replied") &&
	   capture_auto_submitted("auto-generated; owner-email=\"x@y\"") &&
	   capture_auto_submitted("auto-notified"), "Auto-Submitted: anything but no");
	ok(!capture_auto_submitted("no") && !capture_auto_submitted(" No ") &&
	   !capture_auto_submitted("no (manually)") && !capture_auto_submitted("") &&
	   !capture_auto_submitted(NULL), "Auto-Submitted: no is a person's mail");
}

static void test_addresses(void)
{
	struct capture_set *me = capture_set_new(), *people = capture_set_new();
	struct capture_touch t[8];
	struct capture_msg m;
	char *a;
	long v[4];
	size_t n;

	a = capture_addr_norm(" <Ana.Lima@Example.COM> ");
	is_str(a, "ana.lima@example.com", "addresses are compared lower-cased, without <>");
	free(a);
	capture_set_add(me, "me@example.org", 0);
	capture_set_add(me, "me@work.example", 0);
	capture_set_add(people, "ana@example.com", 1);
	capture_set_add(people, "ana.work@example.com", 1);
	capture_set_add(people, "bob@example.com", 2);
	capture_set_add(people, "shared@example.com", 3);
	capture_set_add(people, "shared@example.com", 4);
	is_int(capture_set_get(people, "shared@example.com", v, 4), 2,
	       "an address two cards carry maps to both");
	ok(v[0] == 3 && v[1] == 4, "in the order added");

	memset(&m, 0, sizeof m);
	push(&m.from, "Me@Work.Example");
	push(&m.to, "ANA@example.com");
	push(&m.cc, "bob@example.com");
	push(&m.cc, "ana.work@example.com");
	push(&m.bcc, "stranger@example.net");
	n = capture_touches(&m, me, people, t, 8);
	is_int(n, 2, "from me: every known recipient once (Ana by two addresses)");
	ok(n == 2 && t[0].person == 1 && t[0].wrote && t[1].person == 2 && t[1].wrote,
	   "Ana then Bob, both 'wrote'");
	capture_msg_free(&m);

	push(&m.from, "bob@example.com");
	push(&m.to, "me@example.org");
	push(&m.cc, "ana@example.com");
	n = capture_touches(&m, me, people, t, 8);
	ok(n == 1 && t[0].person == 2 && !t[0].wrote,
	   "to me from Bob: a touch on Bob only ('got'), not on Ana in Cc");
	capture_msg_free(&m);

	push(&m.from, "bob@example.com");
	push(&m.to, "ana@example.com");
	is_int(capture_touches(&m, me, people, t, 8), 0,
	       "between two people, not to me: no touch");
	push(&m.delivered_to, "me@example.org");
	is_int(capture_touches(&m, me, people, t, 8), 1,
	       "unless it was delivered to me (Bcc)");
	capture_msg_free(&m);

	push(&m.from, "noreply@forms.example");
	push(&m.reply_to, "ana@example.com");
	push(&m.to, "me@example.org");
	n = capture_touches(&m, me, people, t, 8);
	ok(n == 1 && t[0].person == 1 && !t[0].wrote,
	   "from nobody known but Reply-To Ana: a touch on Ana");
	capture_msg_free(&m);

	push(&m.from, "me@example.org");
	push(&m.to, "me@work.example");
	is_int(capture_touches(&m, me, people, t, 8), 0, "a note to myself touches nobody");
	capture_msg_free(&m);

	push(&m.from, "me@example.org");
	push(&m.to, "shared@example.com");
	is_int(capture_touches(&m, me, people, t, 8), 2,
	       "to an address two cards share: both");
	capture_msg_free(&m);
	capture_set_free(me);
	capture_set_free(people);
}

static void test_ids(void)
{
	struct capture_msg m;
	char a[9], b[9], c[9], d[9], *k;

	capture_id("root@example.com", "2026-11-03", "ana-1", a);
	capture_id("root@example.com", "2026-11-03", "ana-1", b);
	is_str(a, b, "the same thread, day and person give the same id");
	is_int(strlen(a), 8, "8 hex digits");
	ok(strspn(a, "0123456789abcdef") == 8, "lower-case hex");
	capture_id("root@example.com", "2026-11-04", "ana-1", c);
	capture_id("root@example.com", "2026-11-03", "bob-1", d);
	ok(strcmp(a, c) && strcmp(a, d), "another day or another person: another id");
	capture_id("kith-mail", "", "", a);
	is_str(a, "957968e1", "the hash is fixed (every device must derive the same)");

	memset(&m, 0, sizeof m);
	m.msgid = xstrdup("m2@example.org");
	k = capture_thread_key(&m);
	is_str(k, "m2@example.org", "a message without references is its thread's root");
	free(k);
	m.thread = xstrdup("root@example.com");
	k = capture_thread_key(&m);
	is_str(k, "root@example.com", "a reply belongs to the root of its References");
	free(k);
	capture_msg_free(&m);
	m.date_raw = xstrdup("Tue, 3 Nov 2026 10:00:00 +0100");
	m.subject = xstrdup("hello");
	strv_push(&m.from, "ana@example.com");
	k = capture_thread_key(&m);
	ok(strstr(k, "Tue, 3 Nov 2026") && strstr(k, "ana@example.com") && strstr(k, "hello"),
	   "no Message-ID: derived from Date, From and Subject");
	free(k);
	capture_msg_free(&m);
}

static void test_text(void)
{
	char *t, big[600];

	t = capture_text(1, "Lunch  on\tFriday?");
	is_str(t, "wrote: Lunch on Friday?", "wrote: SUBJECT, spaces squeezed");
	free(t);
	t = capture_text(0, NULL);
	is_str(t, "got: (no subject)", "got: (no subject)");
	free(t);
	t = capture_text(0, "  \t ");
	is_str(t, "got: (no subject)", "a blank subject is none");
	free(t);
	t = capture_text(0, "evil \033]0;owned\007 \xe2\x80\xae" "txt.exe");
	ok(!strchr(t, '\033') && !strchr(t, '\007') && !strstr(t, "\xe2\x80\xae"),
	   "ESC, BEL and a bidi override never reach the text");
	is_str(t, "got: evil ]0;owned txt.exe", "they become spaces, squeezed");
	free(t);
	t = capture_text(0, "caf\xe9 \xff");
	ok(str_utf8_valid(t, strlen(t)), "invalid UTF-8 is repaired");
	is_str(t, "got: caf\xef\xbf\xbd \xef\xbf\xbd", "as U+FFFD");
	free(t);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big + 198, "\xc3\xa9", 2);
	t = capture_text(1, big);
	ok(strlen(t) <= 7 + CAPTURE_SUBJECT_MAX + 3 && str_utf8_valid(t, strlen(t)),
	   "a long subject is cut at a character");
	ok(strstr(t, "\xe2\x80\xa6") != NULL, "with an ellipsis");
	free(t);
}

static void test_split(void)
{
	const char *mb = "From a@b Tue Nov  3 10:00:00 2026\nFrom: a@b\n\nbody\nFrom here on\n\n"
		"From c@d Wed Nov  4 10:00:00 2026\r\nFrom: c@d\r\n\r\nbody\r\nFrom the start\r\n";
	size_t len = strlen(mb), pos = 0, from, start, end;
	long second = (long)(strstr(mb, "From c@d") - mb);
	struct sbuf b = {0};

	is_int(capture_header_end("A: 1\nB: 2\n\nbody", 16), 11, "headers end at the empty line");
	is_int(capture_header_end("A: 1\r\n\r\nbody", 12), 8, "CRLF too");
	is_int(capture_header_end("A: 1\nB: 2", 9), 9, "no empty line: all headers");
	is_int(capture_header_end("\nbody", 5), 1, "an empty first line: no headers");

	is_int(capture_maildir_key("1730000000.M1P2.host:2,RS"), 20, "Maildir: flags are not the name");
	is_int(capture_maildir_key("1730000000.M1P2.host!2,S"), 20, "nor with '!'");
	is_int(capture_maildir_key("1730000000.M1P2.host"), 20, "new/ has none");

	ok(capture_mbox_next(mb, len, &pos, &from, &start, &end), "the first mbox message");
	ok(from == 0 && start == 34, "its From_ line and headers");
	ok(strncmp(mb + end, "From c@d", 8) == 0,
	   "a body's 'From here' not after an empty line does not split");
	ok(capture_mbox_next(mb, len, &pos, &from, &start, &end), "the second");
	ok(end == len && !capture_mbox_next(mb, len, &pos, &from, &start, &end),
	   "it runs to the end of the file");
	is_int(capture_mbox_resume(mb, len, (size_t)second), second,
	       "an mbox goes on at a From_ line");
	is_int(capture_mbox_resume(mb, len, (size_t)second - 1), second,
	       "or one newline before it");
	is_int(capture_mbox_resume(mb, len, 40), -1, "not in the middle of a message");
	is_int(capture_mbox_resume(mb, len, len), (long)len, "nor past its end");

	{
		const char *h = "Received: a\r\n\tb\r\nbroken line\r\n\tstray\r\n"
			"Subject : hi\n  there\nX-Empty:\n\nBody: no\n";
		const char *name;
		size_t p = 0, n;

		ok(capture_header_next(h, strlen(h), &p, &name, &n, &b) &&
		   n == 8 && !strncmp(name, "Received", 8), "a field's name");
		is_str(b.buf, "a\tb", "its value unfolded (CRLF before a tab removed)");
		ok(capture_header_next(h, strlen(h), &p, &name, &n, &b) &&
		   n == 7 && !strncmp(name, "Subject", 7), "a line without a colon is passed over");
		is_str(b.buf, "hi  there", "LF folding too; the spaces stay");
		ok(capture_header_next(h, strlen(h), &p, &name, &n, &b) && n == 7 &&
		   !strcmp(b.buf, ""), "an empty value");
		ok(!capture_header_next(h, strlen(h), &p, &name, &n, &b),
		   "the empty line ends the fields: the body is not read");
	}
	sbuf_free(&b);
}

static void unfound(void *arg, const char *key, long value)
{
	struct strv *l = arg;

	strv_push(l, key);
}

static void test_set(void)
{
	struct capture_set *s = capture_set_new();
	struct strv left = {0};
	char key[32];
	long v;
	int i, all = 1;

	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "msg%d", i);
		capture_set_add(s, key, i);
	}
	is_int(capture_set_count(s), 5000, "5,000 keys");
	for (i = 0; i < 5000; i += 2) {
		snprintf(key, sizeof key, "msg%d", i);
		all &= capture_set_get(s, key, &v, 1) == 1 && v == i;
	}
	ok(all, "each found with its value across growth");
	ok(!capture_set_has(s, "msg5000"), "and no other");
	capture_set_each_unfound(s, unfound, &left);
	is_int(left.n, 2500, "the keys never asked for are the odd ones");
	strv_free(&left);
	capture_set_free(s);
}

static void add_person(void *arg, const struct query_mail_person *p)
{
	struct strv *l = arg;

	strv_push_own(l, xasprintf("%s|%s|%s", p->key, p->label, p->emails));
}

static void add_name(void *arg, const char *name, const char *day)
{
	struct strv *l = arg;

	strv_push_own(l, xasprintf("%s=%s", name, day ? day : "-"));
}

static void put(struct cache *c, long book, const char *name, const char *lines)
{
	char *href = xasprintf("/alice/book/%s.vcf", name);
	char *card = xasprintf("BEGIN:VCARD\r\nVERSION:3.0\r\n%sEND:VCARD\r\n", lines);
	struct kerr err;

	if (cache_card_put(c, book, href, "\"1\"", card, strlen(card), &err) < 0)
		ok(0, "cache_card_put %s: %s", name, err.msg);
	free(href);
	free(card);
}

/* The cache side: who capture may log on, and what it read (mail_seen). */
static void test_cache(void)
{
	char dir[] = "/tmp/kith-capture-XXXXXX", *path;
	struct mail_seen_state st, back;
	struct strv l = {0};
	struct mail_seen *seen;
	struct cache *c;
	struct kerr err;
	long acct, book;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	path = xasprintf("%s/kith.db", dir);
	c = cache_open(path, date_from_ymd(2026, 11, 27), &err);
	ok(c != NULL, "a cache opens");
	if (!c)
		goto out;
	acct = cache_account(c, "home", &err);
	book = cache_book(c, acct, "http://127.0.0.1/alice/book/", "Book", &err);
	put(c, book, "a", "UID:a-1\r\nFN:Ana\r\nEMAIL:ana@example.com\r\n"
	    "EMAIL:Ana@Work.Example\r\n");
	put(c, book, "b", "FN:Bob\r\nEMAIL:b@x\r\n");
	put(c, book, "c", "UID:c\r\nFN:Cy\r\n");
	put(c, book, "g", "UID:g\r\nFN:Group\r\nKIND:group\r\nEMAIL:list@x\r\n");
	ok(query_mail_people(c, add_person, &l, &err) == 0, "query_mail_people");
	is_int(l.n, 2, "people with an email, no group, nobody without one");
	is_str(l.n ? l.v[0] : NULL, "a-1|Ana|ana@example.com, Ana@Work.Example",
	       "keyed by UID, with every email");
	is_str(l.n > 1 ? l.v[1] : NULL, "/alice/book/b.vcf|Bob|b@x", "keyed by href without one");
	strv_free(&l);

	seen = mail_seen_open(c, &err);
	ok(seen != NULL, "mail_seen_open");
	if (!seen)
		goto out;
	ok(mail_seen_put(seen, "/m/INBOX", "1.host", NULL, &err) == 0 &&
	   mail_seen_put(seen, "/m/INBOX", "2.host", "2025-06-01", &err) == 0 &&
	   mail_seen_put(seen, "/m/Sent", "3.host", NULL, &err) == 0, "names noted");
	ok(mail_seen_each(seen, "/m/INBOX", add_name, &l, &err) == 0 && l.n == 2 &&
	   !strcmp(l.v[0], "1.host=-") && !strcmp(l.v[1], "2.host=2025-06-01"),
	   "read back per folder, with the day of one passed over");
	strv_free(&l);
	ok(mail_seen_drop(seen, "/m/INBOX", "1.host", &err) == 0 &&
	   mail_seen_each(seen, "/m/INBOX", add_name, &l, &err) == 0 && l.n == 1,
	   "a name dropped");
	strv_free(&l);
	is_int(mail_seen_state_get(seen, "/m/a.mbox", &back, &err), 0, "an mbox never read");
	memset(&st, 0, sizeof st);
	st.size = 1000;
	st.mtime = 1234567890123456789LL;
	st.offset = 900;
	strcpy(st.since, "2026-01-01");
	ok(mail_seen_state_put(seen, "/m/a.mbox", &st, &err) == 0, "an mbox's state noted");
	ok(mail_seen_state_get(seen, "/m/a.mbox", &back, &err) == 1 && back.size == 1000 &&
	   back.mtime == st.mtime && back.offset == 900 && !strcmp(back.since, "2026-01-01"),
	   "and read back");
	st.since[0] = '\0';
	ok(mail_seen_state_put(seen, "/m/a.mbox", &st, &err) == 0 &&
	   mail_seen_state_get(seen, "/m/a.mbox", &back, &err) == 1 && back.since[0] == '\0',
	   "replaced, without a since");
	ok(mail_seen_each(seen, "/m/a.mbox", add_name, &l, &err) == 0 && l.n == 0,
	   "an mbox's state is no message name");
	strv_free(&l);
	mail_seen_close(seen);
out:
	cache_close(c);
	unlink(path);
	free(path);
	path = xasprintf("%s/kith.db-wal", dir);
	unlink(path);
	free(path);
	path = xasprintf("%s/kith.db-shm", dir);
	unlink(path);
	free(path);
	rmdir(dir);
}

int main(void)
{
	test_skip();
	test_addresses();
	test_ids();
	test_text();
	test_split();
	test_set();
	test_cache();
	return tap_done();
}
