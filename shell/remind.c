/*
 * remind.c: kith's reminders on the user's own calendar (CalDAV), so the
 * phone's calendar or reminders app raises them.
 *
 * 'remind setup' finds or makes the calendar and saves it in the config;
 * every 'sync' then reads back the tasks kith wrote there (a task done on
 * the phone is a touch, logged once) before the cards, and writes the
 * calendar after them. What the calendar should hold is derived from the
 * cache each time; the remind table (remind.h) says what is there, so a
 * sync writes only what changed, and an href derived from each UID means
 * a write repeated after a kill can never make a second copy.
 *
 * Built into the network module with account.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "caldav.h"
#include "date.h"
#include "http.h"
#include "ical.h"
#include "out.h"
#include "queue.h"
#include "remind.h"
#include "remind_net.h"
#include "shell.h"

#define PAST_DAYS 7		/* a day's event stays this long after the day */
#define WRITE_ATTEMPTS 3	/* a write that meets 412 is re-read and tried again */

static int is_url(const char *s)
{
	return str_casestarts(s, "https://") || str_casestarts(s, "http://");
}

/* Whether URLs a and b are on one origin (scheme, host and port). */
static int same_host(const char *a, const char *b)
{
	char *o1 = http_origin(a), *o2 = http_origin(b);
	int same = o1 && o2 && strcmp(o1, o2) == 0;

	free(o1);
	free(o2);
	return same;
}

/* ---- one sync of the calendar ----------------------------------------- */

struct rsync {
	struct ctx *ctx;
	struct dav_client *dc;
	const struct config_account *a;
	long account;
	char *origin;		/* of the calendar */
	char *cal_path;		/* its path, ending in '/' */
	struct remind_row *rows;
	size_t nrows;
	long written, removed, logged, failed;
	struct kerr first;	/* the first failure, for the summary */
	struct plan pl;		/* what kith writes now (written_of), once made */
	int planned;
};

static struct remind_row *row_of(struct rsync *rs, const char *uid)
{
	size_t i;

	for (i = 0; i < rs->nrows; i++)
		if (strcmp(rs->rows[i].uid, uid) == 0)
			return &rs->rows[i];
	return NULL;
}

static char *url_of(struct rsync *rs, const char *path)
{
	return xasprintf("%s%s", rs->origin, path);
}

static void note_failure(struct rsync *rs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note_failure(struct rsync *rs, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	term_printf(stderr, "kith: calendar: %s\n", msg);
	if (!rs->failed++)
		snprintf(rs->first.msg, sizeof rs->first.msg, "%s", msg);
}

/*
 * A task kith wrote came back done: a touch on its person, dated when it
 * was completed, once whatever device sees it first (the id comes from
 * the UID and that date, so every device derives the same one).
 */
static void task_done(struct rsync *rs, const char *uid,
		      const struct ical_read *r, const char *written)
{
	struct ctx *ctx = rs->ctx;
	struct kerr err;
	long card, day;
	char date[11], id[9], *text;
	struct person p;
	int has;

	card = r->card ? remind_card(ctx->cache, r->card, &err) : 0;
	if (card <= 0) {
		if (card < 0)
			note_failure(rs, "%s", err.msg);
		return;		/* the person is gone, or the task is not one of kith's */
	}
	if (!r->completed || ical_day(r->completed, &day) < 0 ||
	    day > ctx->today || day < ctx->today - 3650)
		day = ctx->today;
	date_format(day, date);
	remind_log_id(uid, date, id);
	has = query_log_has(ctx->cache, card, id, &err);
	if (has != 0) {
		if (has < 0)
			note_failure(rs, "%s", err.msg);
		return;		/* logged already, here or by another device */
	}
	text = remind_user_text(r->description, written);
	if (person_get(ctx, card, &p) < 0) {
		free(text);
		return;
	}
	{
		char *line = text ? xstrdup(text) :
			     xasprintf("done on the phone: %s", r->summary &&
				       *r->summary ? r->summary : "task");

		if (cache_outbox_add(ctx->cache, card, "log", date,
				     remind_channel(text ? text : NULL), id, line,
				     &err) < 0)
			note_failure(rs, "%s", err.msg);
		else {
			rs->logged++;
			term_printf(stdout, "calendar: %s done on the phone: "
				    "logged %s (%s)\n", p.label, id, date);
		}
		free(line);
	}
	free(text);
	person_free(&p);
}

/*
 * What kith wrote as the description of task uid: what the plan writes
 * now, since a task's text holds only dates (plan_task) and so is the
 * same on every day and every device until the person changes.
 */
static const char *written_of(struct rsync *rs, const char *uid)
{
	size_t i;

	/* Made on the first task found done: most syncs find none. */
	if (!rs->planned) {
		rs->planned = 1;
		if (plan_make(rs->ctx, rs->a->remind && strcmp(rs->a->remind,
							       "todo") == 0,
			      rs->cal_path, &rs->pl) < 0)
			return NULL;
	}
	for (i = 0; i < rs->pl.n; i++)
		if (strcmp(rs->pl.v[i].uid, uid) == 0)
			return rs->pl.v[i].description;
	return NULL;
}

/* Reads one object of kith's that changed there; a done task is logged. */
static int read_back(struct rsync *rs, const char *path, const char *etag)
{
	struct sbuf body = {0};
	struct ical_read r;
	struct kerr err;
	char uid[REMIND_UID_MAX], *url, *got = NULL;
	long status = 0;
	int rc = 0;

	if (!remind_uid_of(path, uid))
		return 0;
	url = url_of(rs, path);
	if (caldav_get(rs->dc, url, &body, &got, &status, &err) < 0) {
		note_failure(rs, "%s", err.msg);
		free(url);
		return -1;
	}
	if (status == 404 || status == 410) {
		free(url);
		return 0;
	}
	if (status != 200) {
		dav_status_error(&err, "sync", "GET", url, status);
		note_failure(rs, "%s", err.msg);
		free(url);
		free(got);
		return -1;
	}
	if (ical_read(body.buf ? body.buf : "", body.len, &r, &err) < 0) {
		char *safe = http_redact(url);

		/* Not readable: rewritten by the plan, or left alone. */
		note_failure(rs, "%s: %s", safe, err.msg);
		free(safe);
		rc = -1;
	} else if (r.todo && r.status && strcmp(r.status, "COMPLETED") == 0) {
		task_done(rs, uid, &r, written_of(rs, uid));
	}
	ical_read_free(&r);
	{
		struct remind_row *row = row_of(rs, uid), fresh;

		memset(&fresh, 0, sizeof fresh);
		fresh.uid = uid;
		fresh.href = (char *)path;
		fresh.etag = (char *)(got ? got : etag);
		/*
		 * Changed there: the user's version stays until kith's own
		 * text changes (a note typed into an open task is kept).
		 * Found there without a row (another device, a killed
		 * sync): unknown, so written once if still wanted.
		 */
		fresh.sent = row ? row->sent : NULL;
		fresh.day = row ? row->day : 0;
		fresh.card = row ? row->card : 0;
		if (remind_put(rs->ctx->cache, rs->account, &fresh, &err) < 0) {
			note_failure(rs, "%s", err.msg);
			rc = -1;
		}
	}
	sbuf_free(&body);
	free(got);
	free(url);
	return rc;
}

struct listed {
	char **paths, **etags;
	size_t n;
};

static int on_listed(void *arg, const char *path, const char *etag)
{
	struct listed *l = arg;

	if (l->n >= 5000)
		return 0;	/* more than kith ever writes: the rest is not read */
	l->paths = xrealloc(l->paths, (l->n + 1) * sizeof *l->paths);
	l->etags = xrealloc(l->etags, (l->n + 1) * sizeof *l->etags);
	l->paths[l->n] = xstrdup(path);
	l->etags[l->n] = etag ? xstrdup(etag) : NULL;
	l->n++;
	return 0;
}

static void listed_free(struct listed *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->paths[i]);
		free(l->etags[i]);
	}
	free(l->paths);
	free(l->etags);
	memset(l, 0, sizeof *l);
}

static int reload_rows(struct rsync *rs)
{
	struct kerr err;

	remind_rows_free(rs->rows, rs->nrows);
	rs->rows = NULL;
	rs->nrows = 0;
	if (remind_rows(rs->ctx->cache, rs->account, &rs->rows, &rs->nrows,
			&err) < 0) {
		note_failure(rs, "%s", err.msg);
		return -1;
	}
	return 0;
}

/*
 * Brings the rows in line with the calendar: objects of kith's that
 * changed there are read (done tasks logged), ones deleted there are
 * noted as gone (not written again unless they change here), ones found
 * there without a row (another device, a killed sync) are adopted.
 */
static int look(struct rsync *rs)
{
	struct listed l;
	struct kerr err;
	char *cal = url_of(rs, rs->cal_path);
	size_t i, j;
	int rc = 0;

	memset(&l, 0, sizeof l);
	if (caldav_list(rs->dc, cal, REMIND_UID_PREFIX, on_listed, &l, &err) < 0) {
		note_failure(rs, "%s", err.msg);
		free(cal);
		return -1;
	}
	free(cal);
	for (i = 0; i < l.n && !kith_interrupted; i++) {
		char uid[REMIND_UID_MAX];
		struct remind_row *row;

		if (!remind_uid_of(l.paths[i], uid))
			continue;
		row = row_of(rs, uid);
		if (row && row->etag && l.etags[i] && strcmp(row->etag, l.etags[i]) == 0)
			continue;	/* as kith left it */
		if (read_back(rs, l.paths[i], l.etags[i]) < 0)
			rc = -1;
	}
	for (i = 0; i < rs->nrows; i++) {
		struct remind_row *row = &rs->rows[i];

		if (!row->etag)
			continue;
		for (j = 0; j < l.n && strcmp(l.paths[j], row->href) != 0; j++)
			;
		if (j < l.n)
			continue;
		/* Deleted there (by the user, say): gone until it changes here. */
		free(row->etag);
		row->etag = NULL;
		if (remind_put(rs->ctx->cache, rs->account, row, &err) < 0) {
			note_failure(rs, "%s", err.msg);
			rc = -1;
		}
	}
	listed_free(&l);
	if (reload_rows(rs) < 0)
		rc = -1;
	return rc;
}

/* Learns the etag of an object a server stored without saying it. */
static char *etag_after(struct rsync *rs, const char *url)
{
	struct sbuf body = {0};
	struct kerr err;
	char *etag = NULL;
	long status = 0;

	if (caldav_get(rs->dc, url, &body, &etag, &status, &err) < 0 ||
	    status != 200) {
		free(etag);
		etag = NULL;
	}
	sbuf_free(&body);
	return etag;
}

/* Writes w (new, or over row): 0, or -1 after noting why. */
static int write_one(struct rsync *rs, struct want *w, struct remind_row *row)
{
	struct remind_row fresh;
	struct kerr err;
	char *url = url_of(rs, w->href), *text, *digest = want_digest(w);
	char *etag = row && row->etag ? xstrdup(row->etag) : NULL, *got = NULL;
	size_t len;
	long status = 0;
	int attempt, rc = -1;

	text = want_text(w, time(NULL), &len);
	for (attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
		struct sbuf body = {0};
		char *now = NULL;

		if (caldav_put(rs->dc, url, text, len, etag, &got, &status, &err) < 0) {
			note_failure(rs, "%s", err.msg);
			goto out;
		}
		if (status >= 200 && status < 300)
			break;
		if (status != 412) {
			dav_status_error(&err, "sync", "PUT", url, status);
			note_failure(rs, "%s", err.msg);
			goto out;
		}
		/* Changed or made there meanwhile: read it (a done task counts), then over it. */
		free(etag);
		etag = NULL;
		if (caldav_get(rs->dc, url, &body, &now, &status, &err) < 0) {
			note_failure(rs, "%s", err.msg);
			goto out;
		}
		if (status == 200) {
			struct ical_read r;

			if (ical_read(body.buf ? body.buf : "", body.len, &r, &err) == 0 &&
			    r.todo && r.status && strcmp(r.status, "COMPLETED") == 0)
				task_done(rs, w->uid, &r, w->description);
			ical_read_free(&r);
			etag = now;
			now = NULL;
		}
		free(now);
		sbuf_free(&body);
		if (status == 200 && !etag) {
			note_failure(rs, "%s changed on the server, which gives it no "
				     "etag: kith will not write over it", w->href);
			goto out;
		}
	}
	if (attempt == WRITE_ATTEMPTS) {
		note_failure(rs, "%s kept changing on the server while kith wrote "
			     "it: the next sync tries again", w->href);
		goto out;
	}
	if (!got)
		got = etag_after(rs, url);
	memset(&fresh, 0, sizeof fresh);
	fresh.uid = w->uid;
	fresh.href = w->href;
	fresh.etag = got;
	fresh.sent = digest;
	/* A task's row keeps the day of its alarm (apply), an event's its day. */
	fresh.day = w->todo ? w->alarm_day : w->day;
	fresh.card = w->card;
	if (remind_put(rs->ctx->cache, rs->account, &fresh, &err) < 0) {
		note_failure(rs, "%s", err.msg);
		goto out;
	}
	rs->written++;
	rc = 0;
out:
	free(url);
	free(text);
	free(digest);
	free(etag);
	free(got);
	return rc;
}

/* Deletes an object no longer wanted: 0, or -1 after noting why. */
static int remove_one(struct rsync *rs, const struct remind_row *row)
{
	struct kerr err;
	char *url;
	long status = 0;
	int rc = -1;

	if (!row->etag) {
		/* Not there: nothing to delete. */
		if (remind_drop(rs->ctx->cache, rs->account, row->uid, &err) < 0) {
			note_failure(rs, "%s", err.msg);
			return -1;
		}
		return 0;
	}
	url = url_of(rs, row->href);
	if (caldav_delete(rs->dc, url, row->etag, &status, &err) < 0) {
		note_failure(rs, "%s", err.msg);
		goto out;
	}
	if (status == 412) {
		/* Changed there since kith looked: the next sync reads it first. */
		note_failure(rs, "%s changed on the server meanwhile: kept until "
			     "the next sync has read it", row->href);
		goto out;
	}
	if (status != 200 && status != 204 && status != 404 && status != 410) {
		dav_status_error(&err, "sync", "DELETE", url, status);
		note_failure(rs, "%s", err.msg);
		goto out;
	}
	if (remind_drop(rs->ctx->cache, rs->account, row->uid, &err) < 0) {
		note_failure(rs, "%s", err.msg);
		goto out;
	}
	rs->removed++;
	rc = 0;
out:
	free(url);
	return rc;
}

/*
 * Whether a row is an event for a day gone by that stays its week (in
 * event mode: a switch to tasks takes every event away).
 */
static int keep_past(const struct rsync *rs, const struct remind_row *row)
{
	long today = rs->ctx->today;

	return (!rs->a->remind || strcmp(rs->a->remind, "todo") != 0) &&
	       str_starts(row->uid, REMIND_UID_PREFIX "day-") && row->day < today &&
	       row->day >= today - PAST_DAYS;
}

/* Makes the calendar hold the plan: writes what changed, removes the rest. */
static void apply(struct rsync *rs, struct plan *pl)
{
	size_t i, j;

	for (i = 0; i < pl->n && !kith_interrupted; i++) {
		struct want *w = &pl->v[i];
		struct remind_row *row = row_of(rs, w->uid);
		char *digest;

		w->done = 1;
		/*
		 * An overdue task keeps the alarm it was first written with:
		 * moved to each new morning it would be rewritten daily, and a
		 * phone that ticked it off meanwhile would meet a conflict.
		 */
		if (w->todo && row && row->day >= w->day && row->day <= rs->ctx->today)
			want_alarm_day(rs->ctx, w, row->day);
		if (row) {
			digest = want_digest(w);
			/* Unchanged, or deleted there and unchanged since: leave it. */
			if (row->sent && strcmp(row->sent, digest) == 0) {
				free(digest);
				continue;
			}
			free(digest);
		}
		write_one(rs, w, row);
	}
	for (i = 0; i < rs->nrows && !kith_interrupted; i++) {
		for (j = 0; j < pl->n && strcmp(pl->v[j].uid, rs->rows[i].uid) != 0; j++)
			;
		if (j < pl->n || keep_past(rs, &rs->rows[i]))
			continue;
		remove_one(rs, &rs->rows[i]);
	}
}

static int rsync_init(struct rsync *rs, struct ctx *ctx, struct dav_client *dc,
		      const struct config_account *a)
{
	struct kerr err;

	memset(rs, 0, sizeof *rs);
	rs->ctx = ctx;
	rs->dc = dc;
	rs->a = a;
	rs->account = cache_account(ctx->cache, a->name, &err);
	rs->origin = http_origin(a->calendar);
	rs->cal_path = http_collection_path(a->calendar);
	if (rs->account < 0) {
		say_error("%s", err.msg);
		return -1;
	}
	if (!same_host(a->calendar, a->url)) {
		say_error("account %s: calendar = %s is on another host than the "
			  "account's %s; kith never sends your password to another "
			  "host: run 'kith remind setup %s' again", a->name,
			  a->calendar, a->url, a->name);
		return -1;
	}
	if (!rs->origin || !rs->cal_path || !http_path_plain(a->calendar)) {
		say_error("account %s: calendar = %s is not a URL kith can use: "
			  "run 'kith remind setup %s' again", a->name, a->calendar,
			  a->name);
		return -1;
	}
	return reload_rows(rs);
}

static void rsync_free(struct rsync *rs)
{
	free(rs->origin);
	free(rs->cal_path);
	remind_rows_free(rs->rows, rs->nrows);
	plan_free(&rs->pl);
}

int remind_read(struct ctx *ctx, struct dav_client *dc,
		const struct config_account *a)
{
	struct rsync rs;
	int rc;

	if (!a->calendar)
		return 0;
	if (rsync_init(&rs, ctx, dc, a) < 0) {
		rsync_free(&rs);
		return -1;
	}
	rc = look(&rs);
	rsync_free(&rs);
	return rc;
}

int remind_write(struct ctx *ctx, struct dav_client *dc,
		 const struct config_account *a)
{
	struct rsync rs;
	struct plan pl;
	char *safe;
	double start = mono_seconds();
	int todo = a->remind && strcmp(a->remind, "todo") == 0;

	if (!a->calendar)
		return 0;
	memset(&pl, 0, sizeof pl);
	if (rsync_init(&rs, ctx, dc, a) < 0 ||
	    plan_make(ctx, todo, rs.cal_path, &pl) < 0) {
		plan_free(&pl);
		rsync_free(&rs);
		return -1;
	}
	apply(&rs, &pl);
	safe = http_redact(a->calendar);
	term_printf(stdout, "calendar %s: %s%ld written, %ld removed%s (%.1f s)\n",
		    safe, rs.failed ? "FAILED (see above), after " : "",
		    rs.written, rs.removed, todo ? " (tasks)" : "",
		    mono_seconds() - start);
	free(safe);
	plan_free(&pl);
	rsync_free(&rs);
	return rs.failed ? -1 : 0;
}

/* ---- the remind command ------------------------------------------------ */

/* The account a remind command is about: named, or the only one. */
static struct config_account *remind_account(struct ctx *ctx, const char *name)
{
	struct config_account *a;

	if (name) {
		a = config_account(&ctx->cfg, name);
		if (!a)
			say_error("no account '%s' (see 'account list')", name);
		return a;
	}
	if (ctx->cfg.naccounts == 1)
		return &ctx->cfg.accounts[0];
	if (ctx->cfg.naccounts == 0)
		say_error("no accounts yet: add one with 'kith account add NAME "
			  "URL --user USER'");
	else
		say_error("several accounts: name the one whose calendar to use "
			  "('kith remind setup ACCOUNT')");
	return NULL;
}

/* The last segment of a collection URL ("kith" of ".../calendars/kith/"). */
static char *last_segment(const char *url)
{
	char *p = http_collection_path(url), *seg;
	size_t n;

	if (!p)
		return xstrdup("");
	n = strlen(p);
	if (n && p[n - 1] == '/')
		p[--n] = '\0';
	seg = strrchr(p, '/');
	seg = xstrdup(seg ? seg + 1 : p);
	free(p);
	return seg;
}

/* The calendar among cals that want names: its URL, a name, or its last segment. */
static const struct dav_calendar *calendar_named(const struct dav_calendar *cals,
						 size_t n, const char *want)
{
	char *wp = NULL;
	size_t i;

	if (is_url(want))
		wp = http_collection_path(want);
	for (i = 0; i < n; i++) {
		char *cp = http_collection_path(cals[i].url), *seg;
		int hit;

		if (wp) {
			hit = cp && strcmp(cp, wp) == 0;
		} else {
			seg = last_segment(cals[i].url);
			hit = (cals[i].displayname &&
			       strcasecmp(cals[i].displayname, want) == 0) ||
			      strcmp(seg, want) == 0;
			free(seg);
		}
		free(cp);
		if (hit) {
			free(wp);
			return &cals[i];
		}
	}
	free(wp);
	return NULL;
}

static void say_calendars(const struct dav_calendar *cals, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		term_printf(stderr, "  %s%s%s%s\n", cals[i].url,
			    cals[i].displayname ? " (" : "",
			    cals[i].displayname ? cals[i].displayname : "",
			    cals[i].displayname ? ")" : "");
}

/*
 * Finds the calendar to use (named, or "kith"), making "kith" when there
 * is none: its URL (the caller frees), or NULL after saying why.
 */
static char *setup_calendar(struct dav_client *dc, const struct config_account *a,
			    const char *want, int todo)
{
	struct dav_calendar *cals = NULL;
	const struct dav_calendar *c;
	struct kerr err;
	size_t n = 0;
	char *home = NULL, *url = NULL;
	int need = todo ? DAV_COMP_VTODO : DAV_COMP_VEVENT;

	if (want && is_url(want) && !same_host(want, a->url)) {
		say_error("the calendar %s is on another host than the account's "
			  "%s; kith never sends your password to another host",
			  want, a->url);
		return NULL;
	}
	if (caldav_discover(dc, a->url, &home, &cals, &n, &err) < 0) {
		/* A calendar URL given outright still works without a home set. */
		if (!want || !is_url(want)) {
			say_error("account %s: %s", a->name, err.msg);
			return NULL;
		}
		if (caldav_discover(dc, want, &home, &cals, &n, &err) < 0) {
			say_error("account %s: %s", a->name, err.msg);
			return NULL;
		}
	}
	c = calendar_named(cals, n, want ? want : "kith");
	if (!c && want && is_url(want)) {
		say_error("%s is not one of the calendars of account %s:", want,
			  a->name);
		say_calendars(cals, n);
	} else if (!c && want) {
		say_error("account %s has no calendar named \"%s\"; it has:",
			  a->name, want);
		say_calendars(cals, n);
	} else if (c && c->comps && !(c->comps & need)) {
		term_printf(stderr, "kith: the calendar %s does not take %s: give "
			    "another with --calendar, or use --mode %s\n", c->url,
			    todo ? "tasks (VTODO)" : "events (VEVENT)",
			    todo ? "event" : "todo");
	} else if (c) {
		url = xstrdup(c->url);
	} else if (!home) {
		say_error("account %s: the server names no calendar home where "
			  "kith could make its calendar: give one with --calendar",
			  a->name);
	} else if (caldav_mkcalendar(dc, home, "kith", "kith",
				     DAV_COMP_VEVENT | DAV_COMP_VTODO, &url,
				     &err) < 0) {
		say_error("%s", err.msg);
	} else {
		term_printf(stdout, "Made the calendar \"kith\" at %s\n", url);
	}
	caldav_calendars_free(cals, n);
	free(home);
	return url;
}

static int remind_setup(struct ctx *ctx, int argc, char **argv)
{
	char *want = NULL, *mode = NULL, *url = NULL;
	struct config_account *a;
	struct dav_client *dc;
	struct kerr err;
	int todo, rc = EXIT_FAIL;
	char t[32];

	if (opt_take(&argc, argv, "--calendar", 1, &want) < 0 ||
	    opt_take(&argc, argv, "--mode", 1, &mode) < 0)
		return EXIT_USAGE;
	if (mode && strcmp(mode, "event") != 0 && strcmp(mode, "todo") != 0)
		return cmd_usage_error("remind", "--mode is event or todo, not "
				       "'%s'", mode);
	a = remind_account(ctx, argc > 1 ? argv[1] : NULL);
	if (!a)
		return EXIT_USAGE;
	todo = mode ? strcmp(mode, "todo") == 0 :
	       a->remind && strcmp(a->remind, "todo") == 0;
	dc = account_client(ctx, a, "remind setup");
	if (!dc)
		return EXIT_FAIL;
	/* Kith's own requests stay on the account's server, as a sync's do. */
	dav_client_pin(dc);
	url = setup_calendar(dc, a, want, todo);
	if (!url)
		goto out;
	if (!same_host(url, a->url)) {
		say_error("the calendar %s is on another host than the account's "
			  "%s; kith never sends your password to another host",
			  url, a->url);
		goto out;
	}
	if (config_value_ok("the calendar URL", url, &err) < 0) {
		say_error("%s: kith keeps it in its config, one line per value",
			  err.msg);
		goto out;
	}
	free(a->calendar);
	free(a->remind);
	a->calendar = xstrdup(url);
	a->remind = xstrdup(todo ? "todo" : "event");
	if (config_save(&ctx->cfg, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	snprintf(t, sizeof t, "%02d:%02d", ctx->cfg.remind_minute / 60,
		 ctx->cfg.remind_minute % 60);
	if (todo)
		term_printf(stdout, "Reminders for account %s go to %s: a task "
			    "for each of up to %d people due within %d days, "
			    "with an alarm at %s. A task done on the phone is "
			    "logged at the next sync.\n", a->name, url,
			    ctx->cfg.remind_tasks, ctx->cfg.remind_days, t);
	else
		term_printf(stdout, "Reminders for account %s go to %s: an "
			    "all-day event for each of the next %d days with "
			    "its people, and an alarm at %s.\n", a->name, url,
			    ctx->cfg.remind_days, t);
	printf("Every 'kith sync' keeps them current; 'kith remind off' takes "
	       "them away.\n");
	rc = remind_write(ctx, dc, a) < 0 ? EXIT_FAIL : EXIT_OK;
out:
	free(url);
	dav_client_free(dc);
	return rc;
}

struct counted {
	long n;
};

static int count_member(void *arg, const char *path, const char *etag)
{
	(void)path;
	(void)etag;
	((struct counted *)arg)->n++;
	return 0;
}

/* Deletes everything kith wrote on a's calendar, and the calendar if kith's and empty. */
static int remind_clear(struct ctx *ctx, struct config_account *a)
{
	struct rsync rs;
	struct listed l;
	struct counted left = {0};
	struct dav_client *dc;
	struct kerr err;
	size_t i;
	long status = 0;
	char *seg;
	int rc = EXIT_FAIL;

	dc = account_client(ctx, a, "remind off");
	if (!dc)
		return EXIT_FAIL;
	dav_client_pin(dc);
	memset(&l, 0, sizeof l);
	if (rsync_init(&rs, ctx, dc, a) < 0)
		goto out;
	if (caldav_list(dc, a->calendar, REMIND_UID_PREFIX, on_listed, &l, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		struct remind_row row;
		char uid[REMIND_UID_MAX];

		if (!remind_uid_of(l.paths[i], uid))
			continue;
		memset(&row, 0, sizeof row);
		row.uid = uid;
		row.href = l.paths[i];
		/* Deleted whatever the user did to it: they asked for it gone. */
		row.etag = l.etags[i] ? l.etags[i] : "*";
		remove_one(&rs, &row);
	}
	if (rs.failed)
		goto out;
	if (remind_drop(ctx->cache, rs.account, NULL, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	seg = last_segment(a->calendar);
	if (strcmp(seg, "kith") == 0 &&
	    caldav_list(dc, a->calendar, "", count_member, &left, &err) == 0 &&
	    left.n == 0 &&
	    caldav_delete_calendar(dc, a->calendar, &status, &err) == 0 &&
	    (status == 200 || status == 204))
		term_printf(stdout, "Removed the calendar %s (kith's, and empty)\n",
			    a->calendar);
	free(seg);
	term_printf(stdout, "Reminders off for account %s: %ld removed from %s\n",
		    a->name, rs.removed, a->calendar);
	free(a->calendar);
	free(a->remind);
	a->calendar = a->remind = NULL;
	if (config_save(&ctx->cfg, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	rc = EXIT_OK;
out:
	if (rs.failed)
		say_error("some reminders could not be removed (see above): run "
			  "'kith remind off' again");
	listed_free(&l);
	rsync_free(&rs);
	dav_client_free(dc);
	return rc;
}

static int remind_off(struct ctx *ctx, int argc, char **argv)
{
	size_t i;
	int rc = EXIT_OK, any = 0;

	for (i = 0; i < ctx->cfg.naccounts; i++) {
		struct config_account *a = &ctx->cfg.accounts[i];

		if (argc > 1 && strcmp(a->name, argv[1]) != 0)
			continue;
		if (!a->calendar)
			continue;
		any = 1;
		if (remind_clear(ctx, a) != EXIT_OK)
			rc = EXIT_FAIL;
	}
	if (argc > 1 && !config_account(&ctx->cfg, argv[1])) {
		say_error("no account '%s' (see 'account list')", argv[1]);
		return EXIT_USAGE;
	}
	if (!any)
		printf("No reminders are set up%s%s.\n", argc > 1 ? " for " : "",
		       argc > 1 ? argv[1] : "");
	return rc;
}

static int remind_status(struct ctx *ctx)
{
	size_t i, k;

	for (i = 0; i < ctx->cfg.naccounts; i++) {
		const struct config_account *a = &ctx->cfg.accounts[i];
		struct remind_row *rows = NULL;
		struct kerr err;
		long acct, on = 0;
		size_t n = 0;

		if (!a->calendar) {
			term_printf(stdout, "%s: no reminders ('kith remind setup "
				    "%s' puts them on its calendar)\n", a->name,
				    a->name);
			continue;
		}
		acct = cache_account(ctx->cache, a->name, &err);
		if (acct < 0 || remind_rows(ctx->cache, acct, &rows, &n, &err) < 0) {
			say_error("%s", err.msg);
			return EXIT_FAIL;
		}
		for (k = 0; k < n; k++)
			on += rows[k].etag != NULL;
		term_printf(stdout, "%s: %s on %s, %ld on the calendar\n", a->name,
			    a->remind && strcmp(a->remind, "todo") == 0 ?
			    "tasks" : "events", a->calendar, on);
		remind_rows_free(rows, n);
	}
	if (!ctx->cfg.naccounts)
		printf("No accounts yet: add one with 'kith account add NAME URL "
		       "--user USER'\n");
	return EXIT_OK;
}

int kith_net_remind(struct ctx *ctx, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "status") == 0)
		return remind_status(ctx);
	if (strcmp(argv[1], "setup") == 0)
		return remind_setup(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "off") == 0)
		return remind_off(ctx, argc - 1, argv + 1);
	return cmd_usage_error("remind", NULL);
}

