#include "today.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "util.h"

enum { SLOT_LOST, SLOT_DUE, SLOT_UPGRADE, SLOT_ASPIRE, NSLOTS };

/* The due slot draws from this many of the most urgent people. */
#define DUE_TOP 5
/* How many days back the no-repeat chain starts (see today_choose). */
#define CHAIN_DAYS 7

struct chooser {
	const struct today_cand *c;
	size_t n;
	/*
	 * Per slot, indexes into c of everyone the slot could take on any day
	 * up to today (each slot's test only ever lets more people in as the
	 * days pass), in the slot's shuffled order.
	 */
	size_t *order[NSLOTS];
	size_t norder[NSLOTS];
	size_t *pool;		/* scratch: one day's pool, in shuffled order */
	long fallback_seen;	/* the earliest first_seen among the never logged */
};

/* splitmix64's finalizer: a good 64-bit mix, stable across platforms. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t card_hash(long card, int slot)
{
	return mix((uint64_t)card * 0x100000001b3ULL ^ mix((uint64_t)slot + 1));
}

/* A pool member's place in the shuffled order. */
struct keyed {
	uint64_t h;
	size_t i;
};

/*
 * Sorts k[0..n) by h, with tmp as scratch: a radix sort, a byte per pass,
 * because three sorts of every person were most of `today`'s time. No two
 * cards share a hash (card_hash is a bijection of the id), so the order
 * is total.
 */
static void sort_keyed(struct keyed *k, struct keyed *tmp, size_t n)
{
	size_t count[256], i, sum;
	struct keyed *from = k, *to = tmp, *t;
	int shift;

	for (shift = 0; shift < 64; shift += 8) {
		memset(count, 0, sizeof count);
		for (i = 0; i < n; i++)
			count[(from[i].h >> shift) & 0xff]++;
		for (i = 0, sum = 0; i < 256; i++) {
			size_t c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			to[count[(from[i].h >> shift) & 0xff]++] = from[i];
		t = from;
		from = to;
		to = t;
	}
	/* An even number of passes: the result is back in k. */
}

static int is_lost(const struct today_cand *c, long day)
{
	/* Someone not met yet is not lost: they have a slot of their own. */
	if (c->aspire && c->nlog == 0)
		return 0;
	if (c->last_contact >= 0)
		return day - c->last_contact > 365;
	return c->first_seen >= 0 && day - c->first_seen > 365;
}

static int is_fallback_lost(const struct chooser *ch, const struct today_cand *c)
{
	return c->nlog == 0 && c->last_contact < 0 && !c->aspire &&
	       c->first_seen == ch->fallback_seen;
}

static int is_due(const struct today_cand *c, long day)
{
	return c->due >= 0 && c->due <= day && c->cadence_days > 0;
}

static double due_rank(const struct today_cand *c, long day)
{
	return (double)(day - c->due) / (double)c->cadence_days;
}

/* Whether x should come before y in the queue on day. */
static int more_urgent(const struct today_cand *x, const struct today_cand *y,
		       long day)
{
	double rx = due_rank(x, day), ry = due_rank(y, day);

	if (rx != ry)
		return rx > ry;
	if (x->due != y->due)
		return x->due < y->due;
	return x->card < y->card;
}

/* Fills ch->pool with the slot's people on day; returns how many. */
static size_t pool_fill(struct chooser *ch, int slot, long day)
{
	const size_t *order = ch->order[slot];
	size_t i, m = 0, n = ch->norder[slot];

	if (slot == SLOT_LOST) {
		for (i = 0; i < n; i++)
			if (is_lost(&ch->c[order[i]], day))
				ch->pool[m++] = order[i];
		if (m == 0)
			for (i = 0; i < n; i++)
				if (is_fallback_lost(ch, &ch->c[order[i]]))
					ch->pool[m++] = order[i];
	} else if (slot == SLOT_UPGRADE || slot == SLOT_ASPIRE) {
		for (i = 0; i < n; i++)
			ch->pool[m++] = order[i];
	} else {
		/* The DUE_TOP most urgent (a total order), kept in shuffled order. */
		size_t top[DUE_TOP], ntop = 0, j, k;

		for (i = 0; i < n; i++) {
			const struct today_cand *c = &ch->c[order[i]];

			if (!is_due(c, day))
				continue;
			for (j = 0; j < ntop; j++)
				if (more_urgent(c, &ch->c[top[j]], day))
					break;
			if (j == DUE_TOP)
				continue;
			if (ntop < DUE_TOP)
				ntop++;
			for (k = ntop - 1; k > j; k--)
				top[k] = top[k - 1];
			top[j] = order[i];
		}
		for (i = 0; i < n && m < ntop; i++)
			for (j = 0; j < ntop; j++)
				if (top[j] == order[i])
					ch->pool[m++] = order[i];
	}
	return m;
}

/* Whether slot could take c on some day up to today. */
static int may_take(const struct chooser *ch, int slot,
		    const struct today_cand *c, long today)
{
	if (slot == SLOT_LOST)
		return is_lost(c, today) || is_fallback_lost(ch, c);
	if (slot == SLOT_DUE)
		return is_due(c, today);
	if (slot == SLOT_ASPIRE)
		return c->aspire && c->nlog == 0;
	/* "Call instead?" only of someone kith has a number for. */
	return c->nlog > 0 && c->written_only && c->has_phone;
}

static int in_list(long card, const long *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i] == card)
			return 1;
	return 0;
}

/* Whether card may be chosen: not taken today, nor (on pass 0) avoided. */
static int free_card(long card, int pass, const long *taken, size_t ntaken,
		     const long *avoid, size_t navoid)
{
	return !in_list(card, taken, ntaken) &&
	       (pass > 0 || !in_list(card, avoid, navoid));
}

/*
 * One slot's person on day: the pool's member at position day mod size
 * (a rotation through the shuffled pool: everyone gets a turn), unless
 * chosen already today or, while another is left, yesterday. Then the
 * pool is scanned from a position drawn from the day: stepping to the
 * neighbour instead would make tomorrow's rotation clash again, and the
 * clash would ripple on day after day. 0 when the pool is empty.
 */
static long pick(struct chooser *ch, int slot, long day, const long *taken,
		 size_t ntaken, const long *avoid, size_t navoid)
{
	size_t m = pool_fill(ch, slot, day), start, k;
	int pass;
	long card;

	if (m == 0)
		return 0;
	start = (size_t)(((day % (long)m) + (long)m) % (long)m);
	card = ch->c[ch->pool[start]].card;
	if (free_card(card, 0, taken, ntaken, avoid, navoid))
		return card;
	start = (size_t)(mix((uint64_t)day * 31 + (uint64_t)slot) % m);
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < m; k++) {
			card = ch->c[ch->pool[(start + k) % m]].card;
			if (free_card(card, pass, taken, ntaken, avoid, navoid))
				return card;
		}
	return 0;
}

static void choose_day(struct chooser *ch, long day,
		       const struct today_pick *yesterday, struct today_pick *out)
{
	long avoid[4] = {0, 0, 0, 0}, taken[3];
	size_t navoid = 0;

	if (yesterday) {
		avoid[0] = yesterday->lost;
		avoid[1] = yesterday->due;
		avoid[2] = yesterday->upgrade;
		avoid[3] = yesterday->aspire;
		navoid = 4;
	}
	out->lost = pick(ch, SLOT_LOST, day, NULL, 0, avoid, navoid);
	taken[0] = out->lost;
	out->due = pick(ch, SLOT_DUE, day, taken, 1, avoid, navoid);
	taken[1] = out->due;
	out->upgrade = pick(ch, SLOT_UPGRADE, day, taken, 2, avoid, navoid);
	taken[2] = out->upgrade;
	/* Every other day: a nudge, not a chore; turns by day / 2. */
	out->aspire = day % 2 == 0 ?
		      pick(ch, SLOT_ASPIRE, day / 2, taken, 3, avoid, navoid) : 0;
}

void today_choose(const struct today_cand *cands, size_t n, long today,
		  struct today_pick *out)
{
	struct chooser ch;
	struct today_pick prev, cur;
	struct keyed *keys;
	size_t i;
	int s;
	long d;

	memset(out, 0, sizeof *out);
	if (n == 0)
		return;
	memset(&ch, 0, sizeof ch);
	ch.c = cands;
	ch.n = n;
	ch.pool = xcalloc(n, sizeof *ch.pool);
	ch.fallback_seen = -2;
	for (i = 0; i < n; i++)
		if (cands[i].nlog == 0 && cands[i].last_contact < 0 &&
		    !cands[i].aspire &&
		    (ch.fallback_seen == -2 || cands[i].first_seen < ch.fallback_seen))
			ch.fallback_seen = cands[i].first_seen;
	keys = xcalloc(2 * n, sizeof *keys);
	for (s = 0; s < NSLOTS; s++) {
		size_t m = 0;

		for (i = 0; i < n; i++)
			if (may_take(&ch, s, &cands[i], today)) {
				keys[m].h = card_hash(cands[i].card, s);
				keys[m++].i = i;
			}
		sort_keyed(keys, keys + n, m);
		ch.order[s] = xcalloc(m ? m : 1, sizeof *ch.order[s]);
		ch.norder[s] = m;
		for (i = 0; i < m; i++)
			ch.order[s][i] = keys[i].i;
	}
	free(keys);
	/*
	 * Yesterday's choice is itself "not the day before's", and so on:
	 * start the chain a week back and walk forward, so that what is
	 * computed for yesterday is what was shown yesterday (the chains of
	 * two neighbouring days agree after the first day without a clash).
	 */
	choose_day(&ch, today - CHAIN_DAYS, NULL, &prev);
	for (d = today - CHAIN_DAYS + 1; d < today; d++) {
		choose_day(&ch, d, &prev, &cur);
		prev = cur;
	}
	choose_day(&ch, today, &prev, out);
	for (s = 0; s < NSLOTS; s++)
		free(ch.order[s]);
	free(ch.pool);
}

/* The number in s[0..n) when it is all digits, else -1. */
static int digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

long today_bday_in(const char *bday, long today)
{
	int y, m, d, ty, tm, td, year, len;
	long next;

	if (!bday)
		return -1;
	len = (int)strlen(bday);
	if (len == 10 && bday[4] == '-' && bday[7] == '-') {
		y = digits(bday, 4);
		if (y < 0)
			return -1;
		m = digits(bday + 5, 2);
		d = digits(bday + 8, 2);
	} else if (len == 7 && bday[0] == '-' && bday[1] == '-' && bday[4] == '-') {
		m = digits(bday + 2, 2);
		d = digits(bday + 5, 2);
	} else {
		return -1;
	}
	/* 29 February exists in some year; 30 February and 31 April never. */
	if (m < 1 || m > 12 || d < 1 || d > (m == 2 ? 29 : date_month_len(2000, m)))
		return -1;
	date_ymd(today, &ty, &tm, &td);
	for (year = ty; year <= ty + 1; year++) {
		int dd = d, cm, cd, cy;

		/* A day the month lacks (29 February in most years) counts as its last. */
		for (;;) {
			date_ymd(date_from_ymd(year, m, dd), &cy, &cm, &cd);
			if (cm == m || dd <= 28)
				break;
			dd--;
		}
		next = date_from_ymd(year, m, dd);
		if (next >= today)
			return next - today;
	}
	return -1;
}
