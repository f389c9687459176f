#include "date.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Howard Hinnant's days_from_civil / civil_from_days algorithms. */
long date_from_ymd(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void date_ymd(long days, int *y, int *m, int *d)
{
	long z = days + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int date_month_len(int y, int m)
{
	static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : len[m - 1];
}

int date_parse(const char *s, long *days, struct kerr *err)
{
	int y, m, d, i;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			goto bad;
	}
	if (s[10] != '\0')
		goto bad;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > date_month_len(y, m))
		goto bad;
	*days = date_from_ymd(y, m, d);
	return 0;
bad:
	kerr_set(err, "bad date '%s': use YYYY-MM-DD, e.g. 2026-11-20", s);
	return -1;
}

void date_format(long days, char out[11])
{
	int y, m, d;

	char buf[48];

	date_ymd(days, &y, &m, &d);
	/* Out of the four-digit years, show the nearest day that has them. */
	if (y > 9999) {
		y = 9999;
		m = 12;
		d = 31;
	} else if (y < 1) {
		y = 1;
		m = 1;
		d = 1;
	}
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

long date_today(void)
{
	const char *env = getenv("KITH_TODAY");
	struct tm tm;
	time_t now;
	long days;

	if (env && *env && date_parse(env, &days, NULL) == 0)
		return days;
	now = time(NULL);
	localtime_r(&now, &tm);
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int duration_parse(const char *s, struct duration *d, struct kerr *err)
{
	const char *p = s;
	char *end;
	long n;

	if (*p == 'P' || *p == 'p')
		p++;
	if (!isdigit((unsigned char)*p))
		goto bad;
	n = strtol(p, &end, 10);
	while (*end == ' ')
		end++;
	if (n < 1 || n > 10000)
		goto bad;
	d->n = (int)n;
	d->unit = (char)toupper((unsigned char)*end);
	if (!strchr("DWMY", d->unit) || d->unit == '\0')
		goto bad;
	end++;
	/* Accept the unit spelled out: "30 days", "2 weeks", "1 year". */
	if (*end) {
		static const char *const words[] = {"ay", "ays", "eek", "eeks",
			"onth", "onths", "ear", "ears", "ays", "ay", NULL};
		int i, okw = 0;

		for (i = 0; words[i]; i++)
			if (strcasecmp(end, words[i]) == 0)
				okw = 1;
		if (!okw)
			goto bad;
	}
	return 0;
bad:
	kerr_set(err, "bad duration '%s': use a number and d, w, m or y, "
		 "e.g. 30d, 2w, 3m, 1y", s);
	return -1;
}

void duration_iso(const struct duration *d, char out[16])
{
	snprintf(out, 16, "P%d%c", d->n, d->unit);
}

long duration_add(long days, const struct duration *d)
{
	int y, m, dd, mlen;
	long months;

	switch (d->unit) {
	case 'D':
		return days + d->n;
	case 'W':
		return days + 7L * d->n;
	default:
		break;
	}
	months = d->unit == 'Y' ? 12L * d->n : d->n;
	date_ymd(days, &y, &m, &dd);
	months += (long)y * 12 + (m - 1);
	y = (int)(months / 12);
	m = (int)(months % 12) + 1;
	mlen = date_month_len(y, m);
	return date_from_ymd(y, m, dd > mlen ? mlen : dd);
}

long duration_days(const struct duration *d)
{
	switch (d->unit) {
	case 'D':
		return d->n;
	case 'W':
		return 7L * d->n;
	case 'M':
		return 30L * d->n;
	default:
		return 365L * d->n;
	}
}

void duration_words(const struct duration *d, char out[32])
{
	const char *unit = d->unit == 'D' ? "day" : d->unit == 'W' ? "week" :
			   d->unit == 'M' ? "month" : "year";

	if (d->n == 1)
		snprintf(out, 32, "every %s", unit);
	else
		snprintf(out, 32, "every %d %ss", d->n, unit);
}

int date_parse_user(const char *s, long today, int future, long *days,
		    struct kerr *err)
{
	struct duration d;

	if (strcasecmp(s, "today") == 0) {
		*days = today;
		return 0;
	}
	if (strcasecmp(s, "yesterday") == 0) {
		*days = today - 1;
		return 0;
	}
	if (strcasecmp(s, "tomorrow") == 0) {
		*days = today + 1;
		return 0;
	}
	if (strlen(s) == 10 && s[4] == '-')
		return date_parse(s, days, err);
	if (duration_parse(s, &d, NULL) == 0) {
		if (future) {
			*days = duration_add(today, &d);
		} else {
			d.n = -d.n;
			*days = duration_add(today, &d);
		}
		return 0;
	}
	kerr_set(err, "bad date '%s': use YYYY-MM-DD, today, yesterday, "
		 "or a span like 3d or 2w", s);
	return -1;
}

void date_relative(long days, long today, char out[32])
{
	long diff = today - days, a = diff < 0 ? -diff : diff;
	const char *unit;
	long n;

	if (diff == 0) {
		snprintf(out, 32, "today");
		return;
	}
	if (diff == 1) {
		snprintf(out, 32, "yesterday");
		return;
	}
	if (diff == -1) {
		snprintf(out, 32, "tomorrow");
		return;
	}
	if (a < 14) {
		n = a;
		unit = "day";
	} else if (a < 60) {
		n = a / 7;
		unit = "week";
	} else if (a < 730) {
		n = a / 30;
		unit = "month";
	} else {
		n = a / 365;
		unit = "year";
	}
	snprintf(out, 32, diff > 0 ? "%ld %s%s ago" : "in %ld %s%s", n, unit,
		 n == 1 ? "" : "s");
}
