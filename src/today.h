/*
 * today.h: today's three people, as a thoughtful friend would choose them.
 *
 *   lost     no touch in over a year, or never logged though known for
 *            over a year; when nobody qualifies, the longest-known person
 *            with no log at all
 *   due      one of the five most urgent people in the queue
 *   upgrade  someone whose every logged touch was an email or a text, and
 *            who has a phone number: call
 *   aspire   every other day (even day numbers), someone not met yet whom
 *            the person would like to know (X-KITH-ASPIRE, nothing logged)
 *
 * Pure logic over a list of candidates with "today" as a parameter, so it
 * can be tested with fixed dates. Each slot walks its pool in an order
 * shuffled by a hash of the card id, one step per day: deterministic for a
 * day, different across days. The three are different people, and nobody
 * is proposed two days running when the pools leave another choice: the
 * days before are computed with the same function and excluded.
 */
#ifndef KITH_TODAY_H
#define KITH_TODAY_H

#include <stddef.h>

/* What the choice needs to know about one person (not a group). */
struct today_cand {
	long card;		/* card id; nonzero */
	long first_seen;	/* day number the card was first cached, -1 unknown */
	long last_contact;	/* day number of the newest touch, -1 when none */
	long due;		/* day number, -1 without a cadence */
	long cadence_days;	/* the cadence in days, > 0 when due >= 0 */
	int nlog;		/* touches logged */
	int written_only;	/* every logged touch was an email or a text */
	int has_phone;		/* the card has a phone number (TEL) */
	int aspire;		/* someone new (X-KITH-ASPIRE): never "long lost" */
};

/* The choice for one day: card ids, 0 where a slot has nobody. */
struct today_pick {
	long lost;
	long due;
	long upgrade;
	long aspire;
};

/*
 * Chooses today's three among cands[0..n) (which stays unchanged and
 * owned by the caller).
 */
void today_choose(const struct today_cand *cands, size_t n, long today,
		  struct today_pick *out);

/*
 * Days from today until the next birthday given as YYYY-MM-DD or --MM-DD
 * (0 on the day; 29 February counts as 28 February in other years), or -1
 * when bday is NULL or not such a date.
 */
long today_bday_in(const char *bday, long today);

#endif
