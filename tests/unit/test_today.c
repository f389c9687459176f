/* test_today.c: today's three, and birthdays, with fixed dates. */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "tap.h"
#include "today.h"

static long day(const char *s)
{
	long d = -1;

	date_parse(s, &d, NULL);
	return d;
}

static const struct today_cand *find(const struct today_cand *c, size_t n,
				     long card)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i].card == card)
			return &c[i];
	return NULL;
}

/*
 * A mixed address book on 2026-11-27: 1..20 lost (last touch 2024),
 * 21..30 due with cadences, 31..40 only ever emailed or texted (touched
 * recently), 41..60 touched recently with no cadence, 61..65 never logged
 * and known since 2023 (also lost), 66..70 never logged, new.
 */
static size_t book(struct today_cand *c)
{
	long t = day("2026-11-27");
	size_t n = 0;
	long i;

	for (i = 1; i <= 70; i++) {
		struct today_cand *p = &c[n++];

		memset(p, 0, sizeof *p);
		p->card = i;
		p->first_seen = day("2024-01-01");
		p->last_contact = t - 20;
		p->due = -1;
		p->cadence_days = 0;
		p->nlog = 2;
		p->written_only = 0;
		/* 31 to 35 only ever wrote and have no number: never "call instead?" */
		p->has_phone = i < 31 || i > 35;
		if (i <= 20) {
			p->last_contact = day("2024-06-01") + i;
		} else if (i <= 30) {
			p->cadence_days = i % 2 ? 14 : 30;
			p->due = t - (i - 20);
		} else if (i <= 40) {
			p->written_only = 1;
		} else if (i <= 60) {
			;
		} else if (i <= 65) {
			p->nlog = 0;
			p->last_contact = -1;
			p->first_seen = day("2023-03-01");
		} else {
			p->nlog = 0;
			p->last_contact = -1;
			p->first_seen = t - 10;
		}
	}
	return n;
}

static void test_rules(void)
{
	struct today_cand c[80];
	size_t n = book(c);
	long t = day("2026-11-27"), d;
	int lost_ok = 1, due_ok = 1, up_ok = 1, distinct = 1, all = 1;

	for (d = t; d < t + 60; d++) {
		struct today_pick p;
		const struct today_cand *x;

		today_choose(c, n, d, &p);
		if (!p.lost || !p.due || !p.upgrade)
			all = 0;
		x = find(c, n, p.lost);
		if (!x || !(x->card <= 20 || (x->card >= 61 && x->card <= 65)))
			lost_ok = 0;
		x = find(c, n, p.due);
		if (!x || x->due < 0 || x->due > d)
			due_ok = 0;
		x = find(c, n, p.upgrade);
		if (!x || !x->written_only || x->nlog == 0 || !x->has_phone)
			up_ok = 0;
		if (p.lost == p.due || p.lost == p.upgrade || p.due == p.upgrade)
			distinct = 0;
	}
	ok(all, "every slot is filled when its pool has people");
	ok(lost_ok, "lost: a year without a touch, or never logged and known for over a year");
	ok(due_ok, "due: someone due on that day");
	ok(up_ok, "upgrade: someone only ever emailed or texted, with a phone number to call");
	ok(distinct, "the three are different people");
}

static void test_due_is_urgent(void)
{
	struct today_cand c[10];
	long t = day("2026-11-27"), i, d;
	int ok_top = 1;

	/* 10 weekly friends, card i is i days overdue: 6..10 are the top five. */
	for (i = 0; i < 10; i++) {
		c[i] = (struct today_cand){.card = i + 1, .first_seen = t - 30,
			.last_contact = t - 7 - (i + 1), .due = t - (i + 1),
			.cadence_days = 7, .nlog = 1};
	}
	for (d = 0; d < 20; d++) {
		struct today_pick p;

		today_choose(c, 10, t, &p);
		if (p.due < 6)
			ok_top = 0;
	}
	ok(ok_top, "due: drawn from the five most overdue relative to cadence");
}

static void test_not_yet_due(void)
{
	struct today_cand c[1] = {{.card = 7, .first_seen = day("2026-01-01"),
		.last_contact = day("2026-11-20"), .due = day("2026-12-04"),
		.cadence_days = 14, .nlog = 1}};
	struct today_pick p;

	today_choose(c, 1, day("2026-11-27"), &p);
	is_int(p.due, 0, "due: nobody before their due date");
	today_choose(c, 1, day("2026-12-04"), &p);
	is_int(p.due, 7, "due: on the due date");
}

static void test_fallback(void)
{
	struct today_cand c[4];
	long t = day("2026-11-27");
	struct today_pick p;
	int i;

	/* Everyone is new; 2 and 3 were seen first, 3 has a log. */
	for (i = 0; i < 4; i++)
		c[i] = (struct today_cand){.card = i + 1, .first_seen = t - 5,
			.last_contact = -1, .due = -1};
	c[1].first_seen = c[2].first_seen = t - 40;
	c[2].nlog = 1;
	c[2].last_contact = t - 3;
	today_choose(c, 4, t, &p);
	is_int(p.lost, 2, "lost, when everyone is new: the oldest-seen with no log");
	is_int(p.due, 0, "no cadence, nobody due");
	is_int(p.upgrade, 0, "no written-only touches, nobody to upgrade");
	today_choose(c, 0, t, &p);
	ok(!p.lost && !p.due && !p.upgrade, "an empty book gives nobody");
}

static void test_days(void)
{
	struct today_cand c[80];
	size_t n = book(c);
	long t = day("2026-11-27"), d;
	struct today_pick a, b, prev;
	int same = 1, repeats = 0, k;
	long seen[64];
	int nseen = 0, i;

	today_choose(c, n, t, &a);
	today_choose(c, n, t, &b);
	ok(a.lost == b.lost && a.due == b.due && a.upgrade == b.upgrade,
	   "deterministic for a given day");
	for (k = 0; k < 5; k++) {
		today_choose(c, n, t, &b);
		if (a.lost != b.lost || a.due != b.due || a.upgrade != b.upgrade)
			same = 0;
	}
	ok(same, "and stays so when asked again");

	for (d = t; d < t + 30; d++) {
		today_choose(c, n, d, &b);
		for (i = 0; i < nseen && seen[i] != b.lost; i++)
			;
		if (i == nseen && nseen < 64)
			seen[nseen++] = b.lost;
	}
	ok(nseen >= 15, "different across days (%d different lost people in 30 days)",
	   nseen);

	today_choose(c, n, t - 1, &prev);
	for (d = t; d < t + 365; d++) {
		today_choose(c, n, d, &b);
		if (b.lost == prev.lost || b.lost == prev.due || b.lost == prev.upgrade ||
		    b.due == prev.lost || b.due == prev.due || b.due == prev.upgrade ||
		    b.upgrade == prev.lost || b.upgrade == prev.due ||
		    b.upgrade == prev.upgrade)
			repeats++;
		prev = b;
	}
	is_int(repeats, 0, "nobody proposed two days running over a year");
}

static void test_small_pools(void)
{
	/* Two lost people and nobody else: they take turns. */
	struct today_cand c[2] = {
		{.card = 11, .first_seen = day("2020-01-01"), .last_contact = day("2022-01-01"), .due = -1, .nlog = 1},
		{.card = 12, .first_seen = day("2020-01-01"), .last_contact = day("2022-02-01"), .due = -1, .nlog = 1},
	};
	struct today_pick p, prev;
	long t = day("2026-11-27"), d;
	int alternate = 1;

	today_choose(c, 2, t - 1, &prev);
	for (d = t; d < t + 100; d++) {
		today_choose(c, 2, d, &p);
		if (p.lost == prev.lost || !p.lost)
			alternate = 0;
		prev = p;
	}
	ok(alternate, "a pool of two alternates day by day");

	/* One person only: no alternative, so they may come back. */
	today_choose(c, 1, t, &p);
	is_int(p.lost, 11, "a pool of one proposes that one every day");
	today_choose(c, 1, t + 1, &p);
	is_int(p.lost, 11, "even the next day");
}

static void test_random_books(void)
{
	/* Random books: no repeat whenever a slot's pool has 4 or more people. */
	struct today_cand c[200];
	long t = day("2026-11-27"), d;
	int seed, bad = 0;

	srand(7);
	for (seed = 0; seed < 20; seed++) {
		struct today_pick p, prev;
		int i;

		for (i = 0; i < 200; i++) {
			long last = rand() % 3 ? t - rand() % 900 : -1;

			c[i] = (struct today_cand){.card = 1000 * seed + i + 1,
				.first_seen = t - 400 - rand() % 400,
				.last_contact = last, .due = -1,
				.nlog = last < 0 ? 0 : 1 + rand() % 4,
				.written_only = last >= 0 && rand() % 4 == 0,
				.has_phone = 1};
			if (rand() % 3 == 0) {
				c[i].cadence_days = (rand() % 4 + 1) * 14;
				c[i].due = (last >= 0 ? last : c[i].first_seen) +
					   c[i].cadence_days;
			}
		}
		today_choose(c, 200, t - 1, &prev);
		for (d = t; d < t + 60; d++) {
			today_choose(c, 200, d, &p);
			if (p.lost == prev.lost || p.lost == prev.due ||
			    p.lost == prev.upgrade || p.due == prev.lost ||
			    p.due == prev.due || p.due == prev.upgrade ||
			    p.upgrade == prev.lost || p.upgrade == prev.due ||
			    p.upgrade == prev.upgrade)
				bad++;
			prev = p;
		}
	}
	is_int(bad, 0, "20 random books over 60 days: no repeats");
}

static void test_bday(void)
{
	long t = day("2026-11-27");

	is_int(today_bday_in("--11-27", t), 0, "birthday today");
	is_int(today_bday_in("--12-01", t), 4, "--MM-DD in 4 days");
	is_int(today_bday_in("1980-12-04", t), 7, "YYYY-MM-DD in 7 days");
	is_int(today_bday_in("1990-11-26", t), 364, "yesterday's is next year");
	is_int(today_bday_in("--01-02", t), 36, "across the new year");
	is_int(today_bday_in("2000-02-29", day("2027-02-20")), 8,
	       "29 February counts as the 28th in a common year");
	is_int(today_bday_in("2000-02-29", day("2028-02-20")), 9,
	       "and as itself in a leap year");
	is_int(today_bday_in("soon", t), -1, "garbage is no birthday");
	is_int(today_bday_in(NULL, t), -1, "no birthday");
	is_int(today_bday_in("--13-01", t), -1, "a bad month");
	is_int(today_bday_in("--02-30", day("2027-02-28")), -1,
	       "30 February is no birthday, not today's");
	is_int(today_bday_in("1990-04-31", day("2027-04-30")), -1,
	       "31 April is no birthday");
	is_int(today_bday_in("--02-29", day("2027-02-28")), 0,
	       "--02-29 still counts on the 28th");
}

/* Someone new: every other day, in turn, never as "long lost". */
static void test_aspire(void)
{
	struct today_cand c[80];
	struct today_pick p;
	size_t n = book(c), i;
	long t = day("2026-11-27"), d, offered = 0, seen[3] = {0, 0, 0};

	for (i = 0; i < 3; i++) {
		struct today_cand *a = &c[n++];

		memset(a, 0, sizeof *a);
		a->card = 100 + (long)i;
		a->first_seen = day("2023-01-01");	/* known long, never logged */
		a->last_contact = -1;
		a->due = -1;
		a->aspire = 1;
	}
	for (d = t; d < t + 12; d++) {
		today_choose(c, n, d, &p);
		if (p.lost >= 100)
			ok(0, "someone new is never long lost (day %ld)", d);
		if (d % 2) {
			if (p.aspire)
				ok(0, "no one new on an odd day (%ld)", d);
			continue;
		}
		if (p.aspire >= 100 && p.aspire < 103) {
			offered++;
			seen[p.aspire - 100] = 1;
		}
	}
	is_int(offered, 6, "someone new on every even day");
	ok(seen[0] && seen[1] && seen[2], "each of the three in turn");
	c[n - 1].nlog = 1;	/* a touch made them an ordinary contact */
	for (d = t; d < t + 12; d++) {
		today_choose(c, n, d, &p);
		if (p.aspire == 102)
			break;
	}
	ok(d == t + 12, "someone touched is not offered as new");
}

int main(void)
{
	test_rules();
	test_due_is_urgent();
	test_not_yet_due();
	test_fallback();
	test_days();
	test_small_pools();
	test_random_books();
	test_bday();
	test_aspire();
	return tap_done();
}
