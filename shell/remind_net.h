/*
 * remind_net.h: the calendar's part in a sync (remind.c), for account.c.
 * Both are in the network module, which alone knows struct dav_client.
 */
#ifndef KITH_REMIND_NET_H
#define KITH_REMIND_NET_H

#include <time.h>

#include "config.h"
#include "dav.h"
#include "shell.h"

/*
 * Before the cards: reads back what changed among kith's objects on
 * a's calendar; a task done there is logged (and so pushed with the
 * cards). After the cards: writes the calendar for the cache as it is
 * now and prints one summary line. Each does nothing for an account
 * without a calendar, and returns 0, or -1 after saying what failed (the
 * card sync stands either way).
 */
int remind_read(struct ctx *ctx, struct dav_client *dc,
		const struct config_account *a);
int remind_write(struct ctx *ctx, struct dav_client *dc,
		 const struct config_account *a);

/*
 * A client for account a with its password (command, keyring or
 * prompt), telling the server's hints about command; NULL after saying
 * why (account.c).
 */
struct dav_client *account_client(struct ctx *ctx,
				  const struct config_account *a,
				  const char *command);

/* ---- what the calendar should hold (remind_plan.c) -------------------- */

/* One object kith wants on the calendar. */
struct want {
	char uid[48];
	long day;
	long card;		/* a task's person */
	char *href;		/* path on the server */
	char *summary, *description, *card_href;
	time_t alarm;
	long alarm_day;		/* a task's: its due day, or the day it was first written */
	int todo;
	int done;		/* matched with a row */
};

struct plan {
	struct want *v;
	size_t n;
};

/*
 * The objects for the cache as it is now: tasks (todo) or the coming
 * days' events, each named under cal_path (the calendar's path, ending in
 * '/'). 0, or -1 after saying why; free pl with plan_free either way.
 */
int plan_make(struct ctx *ctx, int todo, const char *cal_path, struct plan *pl);
void plan_free(struct plan *pl);
/* Puts w's alarm on day, at remind_time. */
void want_alarm_day(const struct ctx *ctx, struct want *w, long day);
/* The object's text (the caller frees); with stamp 0, what decides whether it changed. */
char *want_text(const struct want *w, time_t stamp, size_t *len);
/* A digest of want_text(w, 0): equal digests, equal objects. */
char *want_digest(const struct want *w);

/* The 'remind' command inside the network module. */
int kith_net_remind(struct ctx *ctx, int argc, char **argv);

#endif
