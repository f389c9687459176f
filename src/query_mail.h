/*
 * query_mail.h: what 'capture mail' reads and keeps in the cache: the
 * people it can log on, and the mail it has read (table mail_seen), so
 * that a second run reads no message again.
 *
 * Functions return 0 (or 1 for found, where it says so) or -1 with err
 * filled in the cache's wording.
 */
#ifndef KITH_QUERY_MAIL_H
#define KITH_QUERY_MAIL_H

#include "cache.h"
#include "util.h"

/* A person capture may log on: a card kith can write, with an email. */
struct query_mail_person {
	long card;
	const char *key;	/* UID, else href: what the log id is derived from */
	const char *label;	/* the name, else the href */
	const char *emails;	/* ", "-joined */
};

/* fn(arg, person) for each; the strings are valid during the call. */
int query_mail_people(struct cache *c,
		      void (*fn)(void *arg, const struct query_mail_person *p),
		      void *arg, struct kerr *err);

/*
 * Appends the log operation (date, via, id, text) to card's outbox, as
 * cache_outbox_add does, but leaves the card's view to the caller, who
 * calls cache_card_refresh once per card before the transaction (which
 * must be open) commits. A capture may log thousands of entries on one
 * card, and a refresh re-reads every pending one: 3,000 took 6.7 s.
 */
int query_mail_log(struct cache *c, long card, const char *date,
		   const char *via, const char *id, const char *text,
		   struct kerr *err);

/* The mail_seen table, through statements prepared once. */
struct mail_seen;

struct mail_seen *mail_seen_open(struct cache *c, struct kerr *err);
void mail_seen_close(struct mail_seen *s);	/* accepts NULL */

/*
 * Every message name recorded under src (a Maildir's path): fn(arg,
 * name, day), day NULL for one read, else the day of one passed over as
 * older than --since.
 */
int mail_seen_each(struct mail_seen *s, const char *src,
		   void (*fn)(void *arg, const char *name, const char *day),
		   void *arg, struct kerr *err);
/* Records (or replaces) name under src; day as above (may be NULL). */
int mail_seen_put(struct mail_seen *s, const char *src, const char *name,
		  const char *day, struct kerr *err);
/* Forgets name under src (the file is gone). */
int mail_seen_drop(struct mail_seen *s, const char *src, const char *name,
		   struct kerr *err);

/*
 * What is known of a source as a whole (its row named ''): for an mbox
 * how far it was read; for a Maildir how many messages it held and the
 * times its cur/ and new/ last changed, when a run read all of them.
 */
struct mail_seen_state {
	long long size;		/* mbox: its size (-1: read partly); Maildir: messages */
	long long mtime;	/* mbox: its mtime; Maildir: cur/'s; nanoseconds */
	long long offset;	/* mbox: the offset read to; Maildir: new/'s mtime */
	char since[11];		/* mbox: the --since it was read with, or "" */
};
/* 1 with st filled, 0 when src was never read whole, -1. */
int mail_seen_state_get(struct mail_seen *s, const char *src,
			struct mail_seen_state *st, struct kerr *err);
int mail_seen_state_put(struct mail_seen *s, const char *src,
			const struct mail_seen_state *st, struct kerr *err);

#endif
