/*
 * capture_run.h: one run of 'capture mail' over Maildirs, mbox files or
 * a notmuch query: the files read (headers only, src/mail.c), the rules
 * applied (src/capture.c), the touches logged in the outbox and the mail
 * read noted in the cache (src/query_mail.c), in one transaction per
 * 2,000 messages. The shell gives the options and shows what happened.
 *
 * Functions that can fail return 0 or -1 with err filled; a run stopped
 * by a failure or by kith_interrupted keeps what it committed, and
 * capture_run_finish commits the rest.
 */
#ifndef KITH_CAPTURE_RUN_H
#define KITH_CAPTURE_RUN_H

#include "cache.h"
#include "util.h"

/* What a run did so far. */
struct capture_stats {
	long messages;		/* read (skipped ones too) */
	long before;		/* passed over: read by an earlier run */
	long older;		/* passed over: dated before --since */
	long lists, autos, crowds, unreadable;	/* read and skipped */
	long touches, people;	/* logged (or, dry, to be logged), on how many */
};

struct capture_hooks {
	/* After each message read; the stats are the run's. May be NULL. */
	void (*progress)(void *arg, const struct capture_stats *st);
	/* A dry run: a touch that would be logged (date, person, text). */
	void (*planned)(void *arg, const char *date, const char *person,
			const char *text);
	/* Something below a path given that was passed over, and why. */
	void (*warn)(void *arg, const char *msg);
	void *arg;
};

struct capture_run;

/*
 * A run on cache c (today a day number): the people with emails are
 * read now. since: a day number, -1 for none; dry: log and note nothing;
 * rescan: read mail read before too. The hooks are copied.
 */
struct capture_run *capture_run_new(struct cache *c, long today, long since,
				    int dry, int rescan,
				    const struct capture_hooks *hooks,
				    struct kerr *err);
/* One of the user's own addresses; returns how many there are now. */
size_t capture_run_me(struct capture_run *r, const char *addr);
/*
 * Reads path: a Maildir, an mbox file, or a folder of them (one that is
 * neither, or missing, is an error).
 */
int capture_run_path(struct capture_run *r, const char *path, struct kerr *err);
/* Reads the messages a notmuch query finds. */
int capture_run_notmuch(struct capture_run *r, const char *query,
			struct kerr *err);
/* Commits what is left (nothing for a dry run). */
int capture_run_finish(struct capture_run *r, struct kerr *err);
const struct capture_stats *capture_run_stats(const struct capture_run *r);
/* Frees r, rolling back what capture_run_finish did not commit. */
void capture_run_free(struct capture_run *r);	/* accepts NULL */

#endif
