/*
 * remind_plan.c: what the calendar should hold, from the cache as it is
 * now: the coming days' events, or the tasks of the people due. Text
 * only; remind.c compares it with what is there and writes it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "ical.h"
#include "queue.h"
#include "remind.h"
#include "remind_net.h"
#include "shell.h"


void plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].href);
		free(p->v[i].summary);
		free(p->v[i].description);
		free(p->v[i].card_href);
	}
	free(p->v);
	memset(p, 0, sizeof *p);
}

static struct want *plan_add(struct plan *p)
{
	p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
	memset(&p->v[p->n], 0, sizeof *p->v);
	return &p->v[p->n++];
}


/* The local instant of minute (after midnight) on day, as UTC seconds. */
static time_t local_time(long day, int minute)
{
	struct tm tm;
	int y, m, d;

	date_ymd(day, &y, &m, &d);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = minute / 60;
	tm.tm_min = minute % 60;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* What to do: call someone with a number, write to someone with an email. */
static const char *verb_for(const struct person *p, int upgrade)
{
	if (upgrade || (p->phones && *p->phones))
		return "call";
	if (p->emails && *p->emails)
		return "write to";
	return "reach out to";
}

/*
 * "last contact 2 months ago (phone): Talked about the garden"; with day
 * 0, the date itself ("last contact 2026-10-02"), which stays true.
 */
static void last_words(const struct person *p, const char *note, long day,
		       struct sbuf *b)
{
	char rel[32];
	long d;

	if (!p->last_contact || date_parse(p->last_contact, &d, NULL) < 0) {
		sbuf_adds(b, "never logged");
		return;
	}
	if (day)
		date_relative(d, day, rel);
	else
		snprintf(rel, sizeof rel, "%s", p->last_contact);
	sbuf_addf(b, "last contact %s", rel);
	if (p->last_via)
		sbuf_addf(b, " (%s)", p->last_via);
	if (note && *note) {
		/* One line: the phone shows the start; the log keeps the rest. */
		size_t n = strlen(note), k = 0;

		sbuf_adds(b, ": ");
		while (k < n && k < 200) {
			long cp;
			size_t l = str_utf8_next(note + k, n - k, &cp);

			if (k + l > 200)
				break;
			sbuf_addc(b, cp == '\n' ? ' ' : note[k]);
			sbuf_add(b, note + k + 1, l - 1);
			k += l;
		}
		if (k < n)
			sbuf_adds(b, "…");
	}
}

/* The newest note of card, or NULL (the caller frees). */
static char *newest_note(struct ctx *ctx, long card)
{
	struct person_log_row *rows = NULL;
	struct kerr err;
	size_t n = 0;
	char *text = NULL;

	if (query_log(ctx->cache, card, &rows, &n, &err) == 0 && n > 0 &&
	    rows[0].text)
		text = xstrdup(rows[0].text);
	person_log_free(rows, n);
	return text;
}

/* Why a person is on the day's list, for the description. */
static void reason_words(const struct person *p, int slot, long day,
			 struct sbuf *b)
{
	char w[48], cad[32];

	switch (slot) {
	case 0:
		sbuf_adds(b, "long lost");
		break;
	case 1:
		sh_overdue_words(p->due, day, w);
		sh_cadence_words(p->cadence, cad);
		sbuf_addf(b, "%s (%s)", w, cad);
		break;
	case 2:
		sbuf_adds(b, "only emails and texts so far: call instead?");
		break;
	default:
		sbuf_adds(b, "someone new");
		if (p->aspire && *p->aspire) {
			sbuf_adds(b, ": ");
			sbuf_adds(b, p->aspire);
		}
	}
}

/*
 * Whether p was touched on day or after: done for that day, so its
 * event no longer asks for it.
 */
static int touched_since(const struct person *p, long day)
{
	long d;

	return p->last_contact && date_parse(p->last_contact, &d, NULL) == 0 &&
	       d >= day;
}

static int has_bday(const struct query_bday *bd, size_t n, long card)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (bd[i].card == card)
			return 1;
	return 0;
}

static int picked(const long ids[4], long card)
{
	return ids[0] == card || ids[1] == card || ids[2] == card || ids[3] == card;
}

/*
 * The event for day, if anybody is on it: the day's choice as 'today'
 * makes it (less those touched since), and the birthdays. 0, or -1
 * after saying why.
 */
static int plan_day(struct ctx *ctx, long day, struct plan *pl,
		    const char *cal_path)
{
	struct today_cand *cands = NULL;
	struct query_bday *bd = NULL;
	struct sbuf sum = {0}, desc = {0};
	size_t n = 0, nbd = 0, i;
	struct kerr err;
	long ids[4];
	int count = 0, rc = -1;
	char date[11];

	if (query_today(ctx->cache, day, 0, &cands, &n, &bd, &nbd, &err) < 0) {
		say_error("%s", err.msg);
		return -1;
	}
	today_ids(ctx, day, cands, n, ids);
	sbuf_adds(&sum, "kith: ");
	for (i = 0; i < 4 + nbd; i++) {
		long id = i < 4 ? ids[i] : bd[i - 4].card;
		int bday = i >= 4 || has_bday(bd, nbd, id);
		struct person p;
		char *note, w[96];

		if (!id || (i >= 4 && picked(ids, id)))
			continue;	/* nobody there, or on the list already */
		if (person_get(ctx, id, &p) < 0)
			goto out;
		if (i < 4 && !bday && touched_since(&p, day)) {
			person_free(&p);
			continue;
		}
		if (count++)
			sbuf_adds(&sum, ", ");
		if (!bday)
			sbuf_addf(&sum, "%s ", verb_for(&p, i == 2));
		sbuf_adds(&sum, p.label);
		if (bday)
			sbuf_adds(&sum, "'s birthday");
		if (desc.len)
			sbuf_addc(&desc, '\n');
		sbuf_adds(&desc, p.label);
		sbuf_adds(&desc, ": ");
		if (bday) {
			sh_bday_words(p.bday, day, w);
			sbuf_addf(&desc, "birthday %s; ", w);
		}
		if (i < 4) {
			reason_words(&p, (int)i, day, &desc);
			sbuf_adds(&desc, "; ");
		}
		note = newest_note(ctx, p.id);
		last_words(&p, note, day, &desc);
		free(note);
		person_free(&p);
	}
	if (count) {
		struct want *w = plan_add(pl);

		date_format(day, date);
		snprintf(w->uid, sizeof w->uid, REMIND_UID_PREFIX "day-%.4s%.2s%.2s",
			 date, date + 5, date + 8);
		w->day = day;
		w->summary = sbuf_detach(&sum, NULL);
		w->description = sbuf_detach(&desc, NULL);
		w->alarm = local_time(day, ctx->cfg.remind_minute);
		w->href = xasprintf("%s%s.ics", cal_path, w->uid);
	}
	rc = 0;
out:
	sbuf_free(&sum);
	sbuf_free(&desc);
	free(cands);
	free(bd);
	return rc;
}

/* The task for one person of the queue. */
static void plan_task(struct ctx *ctx, const struct person *p, long due,
		      struct plan *pl, const char *cal_path)
{
	struct want *w = plan_add(pl);
	struct sbuf b = {0};
	uint64_t h = str_hash(STR_HASH_INIT, p->href, strlen(p->href));
	char *note;

	snprintf(w->uid, sizeof w->uid, REMIND_UID_PREFIX "todo-%016llx",
		 (unsigned long long)h);
	w->todo = 1;
	w->day = due;
	w->card = p->id;
	w->card_href = xstrdup(p->href);
	sbuf_adds(&b, "Reconnect with ");
	sbuf_adds(&b, p->label);
	w->summary = sbuf_detach(&b, NULL);
	/*
	 * Dates, not "3 days overdue": the text stays the same from day to
	 * day and from device to device, so the task is not rewritten daily,
	 * and what the user adds to it on the phone can be told apart.
	 */
	{
		char d[11], cad[32];

		date_format(due, d);
		sh_cadence_words(p->cadence, cad);
		sbuf_addf(&b, "due %s (%s); ", d, cad);
	}
	note = newest_note(ctx, p->id);
	last_words(p, note, 0, &b);
	free(note);
	w->description = sbuf_detach(&b, NULL);
	want_alarm_day(ctx, w, due > ctx->today ? due : ctx->today);
	w->href = xasprintf("%s%s.ics", cal_path, w->uid);
}

/* The queue's first people, due within the days ahead: 0 or -1. */
static int plan_tasks(struct ctx *ctx, struct plan *pl, const char *cal_path)
{
	struct queue_entry *q = NULL;
	struct kerr err;
	size_t n = 0, i, k = 0;
	long last = ctx->today + ctx->cfg.remind_days - 1;

	if (queue_list(ctx->cache, ctx->today, 1, &q, &n, &err) < 0) {
		say_error("%s", err.msg);
		return -1;
	}
	for (i = 0; i < n && k < (size_t)ctx->cfg.remind_tasks; i++) {
		struct person p;

		if (q[i].due > last)
			continue;
		if (person_get(ctx, q[i].card, &p) < 0) {
			free(q);
			return -1;
		}
		if (p.parsed && p.state != CARD_GONE && p.href) {
			plan_task(ctx, &p, q[i].due, pl, cal_path);
			k++;
		}
		person_free(&p);
	}
	free(q);
	return 0;
}

int plan_make(struct ctx *ctx, int todo, const char *cal_path,
		     struct plan *pl)
{
	long d;

	memset(pl, 0, sizeof *pl);
	if (todo)
		return plan_tasks(ctx, pl, cal_path);
	for (d = ctx->today; d < ctx->today + ctx->cfg.remind_days; d++)
		if (plan_day(ctx, d, pl, cal_path) < 0)
			return -1;
	return 0;
}

void want_alarm_day(const struct ctx *ctx, struct want *w, long day)
{
	w->alarm_day = day;
	w->alarm = local_time(day, ctx->cfg.remind_minute);
}

/* The object's text; with stamp 0, what decides whether it changed. */
char *want_text(const struct want *w, time_t stamp, size_t *len)
{
	struct ical_object o;

	memset(&o, 0, sizeof o);
	o.todo = w->todo;
	o.uid = w->uid;
	o.day = w->day;
	o.summary = w->summary;
	o.description = w->description;
	o.card = w->card_href;
	o.stamp = stamp;
	o.alarm = w->alarm;
	return ical_write(&o, len);
}

char *want_digest(const struct want *w)
{
	size_t len;
	char *text = want_text(w, 0, &len);
	char *d = xasprintf("%016llx", (unsigned long long)str_hash(STR_HASH_INIT, text, len));

	free(text);
	return d;
}