/*
 * queue.h: who is due. Due date = (last contact, or the date the cadence
 * was set) + cadence, unless snoozed later. Most overdue first, relative
 * to the cadence: a weekly friend three days late outranks a yearly
 * contact three days late. "Today" is always a parameter.
 */
#ifndef KITH_QUEUE_H
#define KITH_QUEUE_H

#include "cache.h"
#include "util.h"

struct queue_entry {
	long card;
	long due;		/* day number */
	long overdue;		/* today - due; negative when not yet due */
	double rank;		/* overdue / cadence days: larger is more urgent */
};

/*
 * The due date from the stored strings (any may be NULL except cadence);
 * -1 when the person has no usable cadence.
 */
long queue_due(const char *cadence, const char *last_contact,
	       const char *cadence_since, const char *snooze);

/* Orders entries: most urgent first, then by card id for stability. */
int queue_cmp(const void *a, const void *b);

/*
 * The people with a cadence, in queue order: only those due on or before
 * today unless all is set. The caller frees *out.
 */
int queue_list(struct cache *c, long today, int all, struct queue_entry **out,
	       size_t *n, struct kerr *err);

#endif
