/* test_queue.c: due dates and queue order, over a real cache. */
#include <stdlib.h>
#include <unistd.h>

#include "cache_internal.h"
#include "date.h"
#include "queue.h"
#include "tap.h"

static long day(const char *s)
{
	long d = -1;

	date_parse(s, &d, NULL);
	return d;
}

static const char *fmt(long days)
{
	static char out[11];

	if (days < 0)
		return "none";
	date_format(days, out);
	return out;
}

static void test_due(void)
{
	is_str(fmt(queue_due("P2W", "2026-11-01", NULL, NULL)), "2026-11-15",
	       "last contact + cadence");
	is_str(fmt(queue_due("P1M", NULL, "2026-10-31", NULL)), "2026-11-30",
	       "no contact yet: from the day the cadence was set");
	is_str(fmt(queue_due("P1M", "2026-11-10", "2026-01-01", NULL)),
	       "2026-12-10", "the last contact wins over the cadence date");
	is_str(fmt(queue_due("P1W", "2026-11-01", NULL, "2026-12-01")),
	       "2026-12-01", "a later snooze moves the due date");
	is_str(fmt(queue_due("P1W", "2026-11-01", NULL, "2026-11-03")),
	       "2026-11-08", "an earlier snooze changes nothing");
	is_int(queue_due(NULL, "2026-11-01", NULL, NULL), -1, "no cadence");
	is_int(queue_due("often", "2026-11-01", NULL, NULL), -1, "a bad cadence");
	is_int(queue_due("P1W", NULL, NULL, NULL), -1, "no date to count from");
	is_str(fmt(queue_due("P1W", "garbage", "2026-11-01", NULL)),
	       "2026-11-08", "a bad last contact falls back to the cadence date");
}

static void test_cmp(void)
{
	struct queue_entry e[3] = {
		{.card = 1, .due = 0, .overdue = 3, .rank = 3.0 / 365},
		{.card = 2, .due = 0, .overdue = 3, .rank = 3.0 / 7},
		{.card = 3, .due = 0, .overdue = 3, .rank = 3.0 / 7},
	};

	qsort(e, 3, sizeof e[0], queue_cmp);
	ok(e[0].card == 2 && e[1].card == 3 && e[2].card == 1,
	   "rank first, then card id (got %ld %ld %ld)", e[0].card, e[1].card,
	   e[2].card);
}

struct fixture {
	struct cache *c;
	long book;
	char dir[64];
	char path[96];
};

static long put(struct fixture *f, const char *href, const char *raw)
{
	struct kerr err;

	if (cache_card_put(f->c, f->book, href, "\"1\"", raw, strlen(raw),
			   &err) < 0) {
		printf("# %s\n", err.msg);
		return 0;
	}
	return cache_card_id(f->c, f->book, href, NULL);
}

/* The queue as "card,card,..." for comparing in one line. */
static const char *order(struct fixture *f, long today, int all)
{
	static char out[256];
	static struct kerr err;
	struct queue_entry *q;
	size_t n, i, len = 0;

	out[0] = '\0';
	if (queue_list(f->c, today, all, &q, &n, &err) < 0)
		return err.msg;
	for (i = 0; i < n && len < sizeof out - 24; i++)
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%ld",
					i ? "," : "", q[i].card);
	free(q);
	return out;
}

#define CARD(uid, extra) \
	"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:" uid "\r\nFN:" uid "\r\n" extra \
	"END:VCARD\r\n"

static void test_list(void)
{
	struct fixture f;
	struct queue_entry *q = NULL;
	struct kerr err;
	long today = day("2026-11-27");
	long weekly, yearly, snoozed, later, none, group, fresh;
	char want[128];
	size_t n = 0;

	memset(&f, 0, sizeof f);
	snprintf(f.dir, sizeof f.dir, "/tmp/kith-test-queue.XXXXXX");
	if (!mkdtemp(f.dir)) {
		ok(0, "a temporary folder");
		return;
	}
	snprintf(f.path, sizeof f.path, "%s/kith.db", f.dir);
	f.c = cache_open(f.path, date_today(), &err);
	if (!ok(f.c != NULL, "a new cache opens")) {
		printf("# %s\n", err.msg);
		return;
	}
	f.book = cache_book(f.c, cache_account(f.c, "t", &err),
			    "https://dav.example/b/", "B", &err);
	ok(f.book > 0, "a book");

	/* Seen first on October 1st: the cadence counts from then. */
	cache_set_today(f.c, day("2026-10-01"));
	fresh = put(&f, "/b/fresh.vcf", CARD("fresh", "X-KITH-CADENCE:P30D\r\n"));
	cache_set_today(f.c, today);
	weekly = put(&f, "/b/weekly.vcf", CARD("weekly",
		     "X-KITH-CADENCE:P1W\r\n"
		     "X-KITH-LOG:2026-11-10 phone 00000001 earlier\r\n"
		     "X-KITH-LOG:2026-11-17 phone 00000002 three days late now\r\n"));
	yearly = put(&f, "/b/yearly.vcf", CARD("yearly",
		     "X-KITH-CADENCE:P1Y\r\n"
		     "X-KITH-LOG:2025-11-24 meet 00000003 lunch\r\n"));
	snoozed = put(&f, "/b/snoozed.vcf", CARD("snoozed",
		      "X-KITH-CADENCE:P1W\r\nX-KITH-SNOOZE:2026-12-05\r\n"
		      "X-KITH-LOG:2026-11-01 text 00000004 hi\r\n"));
	later = put(&f, "/b/later.vcf", CARD("later",
		    "X-KITH-CADENCE:P1M\r\n"
		    "X-KITH-LOG:2026-11-20 email 00000005 sent\r\n"));
	none = put(&f, "/b/none.vcf", CARD("none",
		   "X-KITH-LOG:2020-01-01 email 00000006 long ago\r\n"));
	group = put(&f, "/b/group.vcf", CARD("group",
		    "X-ADDRESSBOOKSERVER-KIND:group\r\nX-KITH-CADENCE:P1D\r\n"
		    "X-KITH-LOG:2020-01-01 other 00000007 a group\r\n"));
	ok(fresh && weekly && yearly && snoozed && later && none && group,
	   "seven cards stored");

	/*
	 * fresh: 27 days late on 30 (0.9); weekly: 3 late on 7 (0.43);
	 * yearly: 3 late on 365 (0.008).
	 */
	snprintf(want, sizeof want, "%ld,%ld,%ld", fresh, weekly, yearly);
	is_str(order(&f, today, 0), want, "most overdue relative to the "
	       "cadence first: a weekly friend 3 days late before a yearly "
	       "contact 3 days late");
	if (queue_list(f.c, today, 0, &q, &n, &err) == 0 && n == 3) {
		is_str(fmt(q[1].due), "2026-11-24", "the weekly friend was due "
		       "on the 24th");
		is_int(q[1].overdue, 3, "three days overdue");
		is_int(q[2].overdue, 3, "so is the yearly contact");
		ok(q[0].rank > q[1].rank && q[1].rank > q[2].rank, "ranks fall");
	} else {
		ok(0, "the queue has three people (%zu)", n);
	}
	free(q);
	q = NULL;

	snprintf(want, sizeof want, "%ld,%ld,%ld,%ld,%ld", fresh, weekly,
		 yearly, later, snoozed);
	is_str(order(&f, today, 1), want, "--all adds who is not yet due, "
	       "soonest first; never the group or the card without cadence");
	snprintf(want, sizeof want, "%ld,%ld,%ld", fresh, weekly, yearly);
	is_str(order(&f, day("2026-11-24"), 0), want, "on their due day both "
	       "are in the queue (ties by card)");
	snprintf(want, sizeof want, "%ld", fresh);
	is_str(order(&f, day("2026-11-23"), 0), want, "the day before, neither");

	/* Logging restarts the clock. */
	ok(cache_outbox_add(f.c, weekly, "log", "2026-11-27", "phone",
			    "0000000a", "called", &err) == 0,
	   "log an interaction with the weekly friend");
	snprintf(want, sizeof want, "%ld,%ld", fresh, yearly);
	is_str(order(&f, today, 0), want, "a log entry takes them off the queue");
	is_str(fmt(queue_due("P1W", "2026-11-27", NULL, NULL)), "2026-12-04",
	       "and due again in a week");

	/* An entry older than the newest does not move the clock. */
	ok(cache_outbox_add(f.c, yearly, "log", "2025-01-01", "other",
			    "0000000b", "old note", &err) == 0,
	   "log an older interaction with the yearly contact");
	snprintf(want, sizeof want, "%ld,%ld", fresh, yearly);
	is_str(order(&f, today, 0), want, "an older entry does not restart "
	       "the clock");

	/* Unlogging brings them back. */
	ok(cache_outbox_add(f.c, weekly, "unlog", "0000000a", NULL, NULL, NULL,
			    &err) == 0, "unlog it");
	snprintf(want, sizeof want, "%ld,%ld,%ld", fresh, weekly, yearly);
	is_str(order(&f, today, 0), want, "the weekly friend is back");

	/* Snoozing hides until the date; it is not a touch. */
	ok(cache_outbox_add(f.c, weekly, "snooze", "2026-12-01", NULL, NULL,
			    NULL, &err) == 0, "snooze the weekly friend");
	snprintf(want, sizeof want, "%ld,%ld", fresh, yearly);
	is_str(order(&f, today, 0), want, "snooze hides");
	snprintf(want, sizeof want, "%ld,%ld,%ld", fresh, yearly, weekly);
	is_str(order(&f, day("2026-12-01"), 0), want, "and the person is back "
	       "on the snooze date, due that day (after the yearly contact, "
	       "now a week late)");
	ok(cache_outbox_add(f.c, weekly, "snooze", "", NULL, NULL, NULL,
			    &err) == 0, "unsnooze");
	snprintf(want, sizeof want, "%ld,%ld,%ld", fresh, weekly, yearly);
	is_str(order(&f, today, 0), want, "snooze off: due again");

	/* Cadence off and on. */
	ok(cache_outbox_add(f.c, fresh, "cadence", "", NULL, NULL, NULL,
			    &err) == 0, "cadence off");
	snprintf(want, sizeof want, "%ld,%ld", weekly, yearly);
	is_str(order(&f, today, 0), want, "no cadence, not in the queue");
	ok(cache_outbox_add(f.c, none, "cadence", "P1W", NULL, NULL, NULL,
			    &err) == 0, "a cadence for the one without");
	snprintf(want, sizeof want, "%ld,%ld,%ld", none, weekly, yearly);
	is_str(order(&f, today, 0), want, "counted from the last contact in "
	       "2020, far overdue, first");

	cache_close(f.c);
	unlink(f.path);
	snprintf(f.path, sizeof f.path, "%s/kith.db-wal", f.dir);
	unlink(f.path);
	snprintf(f.path, sizeof f.path, "%s/kith.db-shm", f.dir);
	unlink(f.path);
	rmdir(f.dir);
}

int main(void)
{
	test_due();
	test_cmp();
	test_list();
	return tap_done();
}
