/* test_mail.c: what GMime makes of real-world headers (src/mail.c). */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "mail.h"
#include "tap.h"

static long day(const char *ymd)
{
	struct kerr err;
	long d = -1;

	date_parse(ymd, &d, &err);
	return d;
}

static void test_dates(void)
{
	is_int(mail_date_day("Tue, 3 Nov 2026 10:00:00 +0100 (CET)"), day("2026-11-03"),
	       "RFC 5322 with a zone comment");
	is_int(mail_date_day("3 Nov 26 10:00 GMT"), day("2026-11-03"), "a 2-digit year, no weekday");
	is_int(mail_date_day("Wed, 03 Nov 99 10:00:00 -0500"), day("1999-11-03"),
	       "a 2-digit year of the last century");
	is_int(mail_date_day("Tue, 3 Nov 2026 23:30:00 -0800"), day("2026-11-03"),
	       "the day in the date's own zone, not UTC's");
	is_int(mail_date_day("Tue Nov  3 10:00:00 2026"), day("2026-11-03"), "asctime (an mbox From_ line)");
	is_int(mail_date_day("Tue, 3 Nov 2026 10:00:00 EST"), day("2026-11-03"), "a zone name");
	{
		static const char *const odd[] = {
			"tue, 03 nov 2026 10:00:00 +0100",	/* lower case */
			"Tuesday, 3 November 2026 10:00:00 +0100",	/* names in full */
			"Tue, 3-Nov-2026 10:00:00 +0100",	/* dashes */
			"Tue, 3 Nov 2026 10:00 +0100",		/* no seconds */
			"3 Nov 2026 10:00:00",			/* no zone */
			"2026-11-03 10:00:00 +0100",		/* ISO-ish */
			"Tue Nov 3 10:00:00 CET 2026",		/* date(1) */
			"Tue, 3 Nov 2026 10:00:00 +01:00",	/* a colon in the zone */
			NULL
		};
		int i, all = 1;

		for (i = 0; odd[i]; i++)
			if (mail_date_day(odd[i]) != day("2026-11-03")) {
				printf("# not read: %s\n", odd[i]);
				all = 0;
			}
		ok(all, "dates as mailers really write them");
	}
	is_int(mail_date_day("next tuesday"), -1, "no date");
	is_int(mail_date_day(NULL), -1, "none");
}

static void test_parse(void)
{
	const char *h =
		"Received: from x by y; Mon, 2 Nov 2026 09:00:00 +0000\n"
		"From: =?UTF-8?B?QW5hIEzDrW1h?= <Ana@Example.COM>\n"
		"To: Me <ME@example.org>, undisclosed-recipients:;\n"
		"Cc: Friends: Bob <bob@example.com>, carol@example.com;\n"
		"Subject: =?ISO-8859-1?Q?caf=E9?= and\n =?UTF-8?Q?cr=C3=A8me?=\n"
		"Message-ID: <abc@example.com>\n"
		"References: <root@x> <mid@x>\n"
		"In-Reply-To: <mid@x>\n"
		"Precedence: bulk\n"
		"Delivered-To: me@example.org\n\n";
	struct capture_msg m;

	ok(mail_parse(h, strlen(h), &m) == 0, "GMime reads a header block");
	ok(m.from.n == 1 && !strcmp(m.from.v[0], "ana@example.com"),
	   "From: an encoded name, the address lower-cased");
	ok(m.to.n == 1 && !strcmp(m.to.v[0], "me@example.org"), "To: an empty group adds nobody");
	ok(m.cc.n == 2 && !strcmp(m.cc.v[0], "bob@example.com"), "Cc: a group's members");
	is_str(m.subject, "café and crème", "a folded subject of two encoded words");
	is_str(m.msgid, "abc@example.com", "Message-ID without <>");
	is_str(m.thread, "root@x", "the thread: the first of References");
	is_int(m.day, day("2026-11-02"), "no Date: the date of the newest Received");
	ok(m.list && !m.autoreply, "Precedence: bulk is a list");
	ok(m.delivered_to.n == 1, "Delivered-To");
	capture_msg_free(&m);

	h = "From: a@b\nAuto-Submitted: auto-replied\nIn-Reply-To: <only@x>\n"
	    "Date: Tue, 3 Nov 2026 10:00:00 +0100 (CET)\n\n";
	ok(mail_parse(h, strlen(h), &m) == 0 && m.autoreply && !m.list, "an auto-reply");
	is_str(m.thread, "only@x", "In-Reply-To when there are no References");
	is_int(m.day, day("2026-11-03"), "the Date");
	ok(m.msgid == NULL, "no Message-ID");
	capture_msg_free(&m);
}

int main(void)
{
	mail_init();
	test_dates();
	test_parse();
	return tap_done();
}
