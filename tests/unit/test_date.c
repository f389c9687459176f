/* test_date.c: dates, durations and the words for them. */
#include <stdlib.h>

#include "date.h"
#include "tap.h"

static long ymd(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static const char *fmt(long days)
{
	static char out[11];

	date_format(days, out);
	return out;
}

static void test_date_parse(void)
{
	static const char *const bad[] = {"2023-02-29", "2026-13-01",
		"2026-00-10", "2026-04-31", "2026-1-01", "2026-01-1", "",
		"2026-01-01x", "abcd-ef-gh", "2026/01/01", " 2026-01-01",
		"0000-01-01", NULL};
	struct kerr err;
	long d = -1;
	int i;

	is_int(date_parse("1970-01-01", &d, &err), 0, "1970-01-01 parses");
	is_int(d, 0, "1970-01-01 is day 0");
	is_int(date_parse("2024-02-29", &d, &err), 0, "2024-02-29 is a leap day");
	is_str(fmt(d), "2024-02-29", "2024-02-29 round-trips");
	is_int(date_parse("2000-02-29", &d, &err), 0, "2000 is a leap year");
	is_int(date_parse("1900-02-29", &d, &err), -1, "1900 is not a leap year");
	is_int(date_parse("2026-12-31", &d, &err), 0, "2026-12-31 parses");
	is_int(d, ymd(2026, 12, 31), "to the right day");
	for (i = 0; bad[i]; i++) {
		err.msg[0] = '\0';
		is_int(date_parse(bad[i], &d, &err), -1, "'%s' is rejected", bad[i]);
	}
	ok(strstr(err.msg, "YYYY-MM-DD") != NULL, "the error says the format");
	is_int(ymd(2026, 3, 1) - ymd(2026, 2, 28), 1, "days are consecutive "
	       "across February");
	is_str(fmt(ymd(1999, 12, 31) + 1), "2000-01-01", "the year turns");
}

static void test_duration_parse(void)
{
	static const struct {
		const char *s;
		int n;
		char unit;
	} good[] = {
		{"30d", 30, 'D'}, {"2w", 2, 'W'}, {"3m", 3, 'M'}, {"1y", 1, 'Y'},
		{"P30D", 30, 'D'}, {"P2W", 2, 'W'}, {"p1y", 1, 'Y'},
		{"2 weeks", 2, 'W'}, {"30 days", 30, 'D'}, {"1 day", 1, 'D'},
		{"1 year", 1, 'Y'}, {"6 months", 6, 'M'}, {"3M", 3, 'M'},
		{NULL, 0, 0},
	};
	static const char *const bad[] = {"0d", "-3d", "3x", "", "d", "P",
		"30", "P0D", "2 weekz", "3dd", "x3d", " ", "99999d", NULL};
	struct duration d;
	struct kerr err;
	char iso[16];
	int i;

	for (i = 0; good[i].s; i++) {
		d.n = 0;
		d.unit = 0;
		is_int(duration_parse(good[i].s, &d, &err), 0, "'%s' parses",
		       good[i].s);
		ok(d.n == good[i].n && d.unit == good[i].unit,
		   "'%s' is %d%c (got %d%c)", good[i].s, good[i].n,
		   good[i].unit, d.n, d.unit ? d.unit : '?');
	}
	for (i = 0; bad[i]; i++)
		is_int(duration_parse(bad[i], &d, &err), -1, "'%s' is rejected",
		       bad[i]);
	ok(strstr(err.msg, "30d") != NULL, "the error shows an example");

	duration_parse("2 weeks", &d, NULL);
	duration_iso(&d, iso);
	is_str(iso, "P2W", "2 weeks is P2W");
	duration_parse("30d", &d, NULL);
	duration_iso(&d, iso);
	is_str(iso, "P30D", "30d is P30D");
}

static void test_duration_add(void)
{
	struct duration d;

	duration_parse("1m", &d, NULL);
	is_str(fmt(duration_add(ymd(2026, 1, 31), &d)), "2026-02-28",
	       "2026-01-31 + 1m clamps to 2026-02-28");
	is_str(fmt(duration_add(ymd(2024, 1, 31), &d)), "2024-02-29",
	       "2024-01-31 + 1m clamps to the leap day");
	is_str(fmt(duration_add(ymd(2026, 12, 15), &d)), "2027-01-15",
	       "a month across the new year");
	duration_parse("1y", &d, NULL);
	is_str(fmt(duration_add(ymd(2024, 2, 29), &d)), "2025-02-28",
	       "2024-02-29 + 1y is 2025-02-28");
	duration_parse("2w", &d, NULL);
	is_str(fmt(duration_add(ymd(2026, 11, 20), &d)), "2026-12-04",
	       "2026-11-20 + 2w");
	duration_parse("30d", &d, NULL);
	is_str(fmt(duration_add(ymd(2026, 2, 1), &d)), "2026-03-03",
	       "30 days from February 1st");
	duration_parse("13m", &d, NULL);
	is_str(fmt(duration_add(ymd(2026, 5, 31), &d)), "2027-06-30",
	       "13 months clamps to June 30th");
	d.n = -1;
	d.unit = 'M';
	is_str(fmt(duration_add(ymd(2026, 3, 31), &d)), "2026-02-28",
	       "a month back from March 31st");

	duration_parse("2w", &d, NULL);
	is_int(duration_days(&d), 14, "two weeks are 14 days");
	duration_parse("3m", &d, NULL);
	is_int(duration_days(&d), 90, "three months count 90 days");
	duration_parse("1y", &d, NULL);
	is_int(duration_days(&d), 365, "a year counts 365 days");
}

static void test_words(void)
{
	struct duration d;
	char w[32];
	long t = ymd(2026, 11, 27);

	duration_parse("2w", &d, NULL);
	duration_words(&d, w);
	is_str(w, "every 2 weeks", "every 2 weeks");
	duration_parse("1m", &d, NULL);
	duration_words(&d, w);
	is_str(w, "every month", "every month");
	duration_parse("30d", &d, NULL);
	duration_words(&d, w);
	is_str(w, "every 30 days", "every 30 days");

	date_relative(t, t, w);
	is_str(w, "today", "today");
	date_relative(t - 1, t, w);
	is_str(w, "yesterday", "yesterday");
	date_relative(t + 1, t, w);
	is_str(w, "tomorrow", "tomorrow");
	date_relative(t - 5, t, w);
	is_str(w, "5 days ago", "5 days ago");
	date_relative(t - 21, t, w);
	is_str(w, "3 weeks ago", "3 weeks ago");
	date_relative(t - 92, t, w);
	is_str(w, "3 months ago", "3 months ago");
	date_relative(t - 800, t, w);
	is_str(w, "2 years ago", "2 years ago");
	date_relative(t + 14, t, w);
	is_str(w, "in 2 weeks", "in 2 weeks");
	date_relative(t - 30, t, w);
	is_str(w, "4 weeks ago", "30 days ago reads as weeks");
}

static void test_parse_user(void)
{
	long t = ymd(2026, 11, 27), d;
	struct kerr err;

	is_int(date_parse_user("today", t, 0, &d, &err), 0, "today");
	is_int(d, t, "today is today");
	is_int(date_parse_user("Yesterday", t, 0, &d, &err), 0, "Yesterday");
	is_int(d, t - 1, "yesterday is the day before");
	is_int(date_parse_user("2026-11-20", t, 0, &d, &err), 0, "an ISO date");
	is_int(d, ymd(2026, 11, 20), "the ISO date");
	is_int(date_parse_user("3d", t, 0, &d, &err), 0, "3d in the past");
	is_str(fmt(d), "2026-11-24", "3d ago");
	is_int(date_parse_user("2w", t, 1, &d, &err), 0, "2w in the future");
	is_str(fmt(d), "2026-12-11", "2w ahead");
	is_int(date_parse_user("1m", ymd(2026, 3, 31), 0, &d, &err), 0,
	       "1m in the past");
	is_str(fmt(d), "2026-02-28", "a month before March 31st clamps");
	is_int(date_parse_user("1m", ymd(2026, 1, 31), 1, &d, &err), 0,
	       "1m in the future");
	is_str(fmt(d), "2026-02-28", "a month after January 31st clamps");
	is_int(date_parse_user("2026-02-30", t, 0, &d, &err), -1,
	       "an impossible date is rejected");
	is_int(date_parse_user("next tuesday", t, 0, &d, &err), -1,
	       "words are rejected");
	ok(strstr(err.msg, "next tuesday") != NULL, "the error names the input");
	is_int(date_parse_user("", t, 0, &d, &err), -1, "empty is rejected");

	setenv("KITH_TODAY", "2026-11-27", 1);
	is_int(date_today(), t, "KITH_TODAY fixes today");
	setenv("KITH_TODAY", "2026-02-30", 1);
	ok(date_today() != ymd(2026, 3, 2), "a bad KITH_TODAY is ignored");
	unsetenv("KITH_TODAY");
	ok(date_today() > ymd(2024, 1, 1), "without it, today is the clock's");
}

int main(void)
{
	test_date_parse();
	test_duration_parse();
	test_duration_add();
	test_words();
	test_parse_user();
	return tap_done();
}
