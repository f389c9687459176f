/*
 * date.h: calendar dates as day numbers, cadences as ISO 8601 durations.
 *
 * A date is the count of days since 1970-01-01 (proleptic Gregorian), so
 * "how long ago" is a subtraction. "Today" is always a parameter; only
 * date_today() looks at the clock (or at KITH_TODAY for tests).
 */
#ifndef KITH_DATE_H
#define KITH_DATE_H

#include "util.h"

/* Parses YYYY-MM-DD into a day number; -1 with err on a bad date. */
int date_parse(const char *s, long *days, struct kerr *err);
/* Writes YYYY-MM-DD (out holds 11 bytes). */
void date_format(long days, char out[11]);
/* Days in month m (1-12) of year y. */
int date_month_len(int y, int m);
void date_ymd(long days, int *y, int *m, int *d);
long date_from_ymd(int y, int m, int d);
/* KITH_TODAY=YYYY-MM-DD when set and valid, else the local date. */
long date_today(void);

/* A cadence: n units of days, weeks, months or years. */
struct duration {
	int n;
	char unit;		/* 'D', 'W', 'M', 'Y' */
};

/*
 * Parses "30d", "2w", "3m", "1y" (case-insensitive, also "30 days") or the
 * ISO form "P30D". -1 with err when it is neither.
 */
int duration_parse(const char *s, struct duration *d, struct kerr *err);
/* ISO form "P30D" (out holds 16 bytes). */
void duration_iso(const struct duration *d, char out[16]);
/* Adds the duration to a date; months and years clamp to the month's end. */
long duration_add(long days, const struct duration *d);
/* The length in days, approximate for months (30) and years (365). */
long duration_days(const struct duration *d);
/* "every 2 weeks" (out holds 32 bytes). */
void duration_words(const struct duration *d, char out[32]);

/*
 * Parses a user's date: YYYY-MM-DD, "today", "yesterday", or a duration
 * counted from today ("2w" means two weeks from today when future is set,
 * ago otherwise). -1 with err otherwise.
 */
int date_parse_user(const char *s, long today, int future, long *days,
		    struct kerr *err);

/* "3 months ago", "yesterday", "in 2 weeks" (out holds 32 bytes). */
void date_relative(long days, long today, char out[32]);

#endif
