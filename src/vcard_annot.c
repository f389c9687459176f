/*
 * vcard_annot.c: kith's own values and the annotation verbs.
 *
 * What X-KITH-CADENCE, X-KITH-SNOOZE and X-KITH-LOG may hold, and the log
 * of a person with its id index: add, find, remove, merge, sort.
 */
#include "vcard_internal.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* ---- kith's values ---- */

/* Days in month m of year y; y 0 stands for "any year" (29 February ok). */
int vc_month_days(int y, int m)
{
	static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && (y == 0 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return 29;
	return len[m - 1];
}

/* A real calendar day, year 1 to 9999: no 30 February, no year 0. */
int vc_parse_date(const char *s, size_t n, char out[11])
{
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
		(s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > vc_month_days(y, m))
		return -1;
	memcpy(out, s, 10);
	out[10] = '\0';
	return 0;
}

int vc_parse_cadence(const char *s, size_t n, char out[16])
{
	size_t i;

	if (n < 3 || n > 15 || (s[0] != 'P' && s[0] != 'p'))
		return -1;
	long num = 0;

	for (i = 1; i < n - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		num = num * 10 + (s[i] - '0');
		if (num > 10000)
			return -1;	/* the longest cadence kith keeps */
	}
	if (num == 0 || !strchr("DWMYdwmy", s[n - 1]))
		return -1;	/* P0D is no cadence at all */
	for (i = 0; i < n; i++)
		out[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
	out[n] = '\0';
	return 0;
}

int vc_via_ok(const char *s, size_t n)
{
	if (n == 0 || n > 15)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '-'))
			return 0;
	return 1;
}

int vc_id_ok(const char *s, size_t n)
{
	if (n != 8)
		return 0;
	for (size_t i = 0; i < 8; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F')))
			return 0;
	}
	return 1;
}

/*
 * "DATE SP CHANNEL SP ID SP TEXT". Runs of spaces are accepted because a
 * server that re-folds may leave one; the text is TEXT-escaped.
 */
int vc_parse_log(const char *s, size_t n, struct vcard_log *e)
{
	const char *f[3];
	size_t fl[3], i = 0;

	while (i < n && s[i] == ' ')
		i++;
	for (int k = 0; k < 3; k++) {
		f[k] = s + i;
		while (i < n && s[i] != ' ')
			i++;
		fl[k] = (size_t)(s + i - f[k]);
		while (i < n && s[i] == ' ')
			i++;
	}
	if (vc_parse_date(f[0], fl[0], e->date) < 0 || !vc_via_ok(f[1], fl[1]) ||
	    !vc_id_ok(f[2], fl[2]))
		return -1;
	for (size_t k = 0; k < fl[1]; k++)
		e->via[k] = (char)(f[1][k] | 0x20 * (f[1][k] >= 'A' && f[1][k] <= 'Z'));
	e->via[fl[1]] = '\0';
	for (size_t k = 0; k < 8; k++)
		e->id[k] = (char)(f[2][k] | 0x20 * (f[2][k] >= 'A' && f[2][k] <= 'F'));
	e->id[8] = '\0';
	size_t tn = n - i;
	while (tn && (s[i + tn - 1] == ' ' || s[i + tn - 1] == '\r'))
		tn--;
	e->text = vc_unescape_dup(s + i, tn, 0);
	return 0;
}

/*
 * The id index: a card may carry tens of thousands of log entries, and
 * reading, merging and checking a push each look every id up, so a linear
 * search would make them quadratic. The index is a cache of log[]: pushes
 * keep it, anything that moves entries drops it (idx_n = 0), and a lookup
 * rebuilds it when it does not cover every entry.
 */
static size_t id_hash(const char *id)
{
	size_t h = 2166136261u;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h;
}

static void idx_insert(struct vcard_annot *a, size_t i)
{
	size_t m = a->idx_cap - 1, k = id_hash(a->log[i].id) & m;

	while (a->idx[k])
		k = (k + 1) & m;
	a->idx[k] = (unsigned)(i + 1);
	a->idx_n++;
}

static void idx_rebuild(struct vcard_annot *a)
{
	size_t cap = 64;

	while (cap < 2 * a->nlog)
		cap *= 2;
	free(a->idx);
	a->idx = xcalloc(cap, sizeof *a->idx);
	a->idx_cap = cap;
	a->idx_n = 0;
	for (size_t i = 0; i < a->nlog; i++)
		idx_insert(a, i);
}

static void idx_drop(struct vcard_annot *a)
{
	a->idx_n = 0;
}

/* The first entry with this id, or -1. The index is a cache: const holds. */
static long annot_find(const struct vcard_annot *ca, const char *id)
{
	struct vcard_annot *a = (struct vcard_annot *)ca;
	size_t m, k;

	if (a->nlog < 16) {
		for (size_t i = 0; i < a->nlog; i++)
			if (strcmp(a->log[i].id, id) == 0)
				return (long)i;
		return -1;
	}
	if (a->idx_n != a->nlog || !a->idx_cap)
		idx_rebuild(a);
	m = a->idx_cap - 1;
	for (k = id_hash(id) & m; a->idx[k]; k = (k + 1) & m)
		if (strcmp(a->log[a->idx[k] - 1].id, id) == 0)
			return (long)a->idx[k] - 1;
	return -1;
}

void vc_annot_push(struct vcard_annot *a, const struct vcard_log *e, int own)
{
	if (a->nlog == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 8;
		a->log = xrealloc(a->log, a->cap * sizeof *a->log);
	}
	a->log[a->nlog] = *e;
	if (!own)
		a->log[a->nlog].text = xstrdup(e->text ? e->text : "");
	a->nlog++;
	/* Keep a full index full while it has room; else rebuild on need. */
	if (a->idx_cap && a->idx_n == a->nlog - 1 && 2 * a->nlog <= a->idx_cap)
		idx_insert(a, a->nlog - 1);
}

/*
 * The reader pushes every good line and drops the repeated ids once at
 * the end, into an index sized for them all: looking each id up as it
 * came rebuilt the index at every doubling, a quarter of reading a card
 * with 25,000 log lines.
 */
void vc_annot_dedupe(struct vcard_annot *a)
{
	size_t i, j, w = 0, cap = 64, m, k;

	if (a->nlog < 16) {
		for (i = 0; i < a->nlog; i++) {
			for (j = 0; j < w; j++)
				if (strcmp(a->log[j].id, a->log[i].id) == 0)
					break;
			if (j < w)
				free(a->log[i].text);
			else
				a->log[w++] = a->log[i];
		}
		a->nlog = w;
		idx_drop(a);
		return;
	}
	while (cap < 2 * a->nlog)
		cap *= 2;
	free(a->idx);
	a->idx = xcalloc(cap, sizeof *a->idx);
	a->idx_cap = cap;
	m = cap - 1;
	for (i = 0; i < a->nlog; i++) {
		for (k = id_hash(a->log[i].id) & m; a->idx[k]; k = (k + 1) & m)
			if (strcmp(a->log[a->idx[k] - 1].id, a->log[i].id) == 0)
				break;
		if (a->idx[k]) {
			free(a->log[i].text);
			continue;
		}
		a->log[w] = a->log[i];
		a->idx[k] = (unsigned)++w;
	}
	a->nlog = w;
	a->idx_n = w;
}

/* ---- annotations ---- */

void vcard_annot_free(struct vcard_annot *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nlog; i++)
		free(a->log[i].text);
	free(a->log);
	free(a->idx);
	free(a->aspire);
	memset(a, 0, sizeof *a);
}

void vcard_annot_copy(struct vcard_annot *dst, const struct vcard_annot *src)
{
	memset(dst, 0, sizeof *dst);
	memcpy(dst->cadence, src->cadence, sizeof dst->cadence);
	memcpy(dst->snooze, src->snooze, sizeof dst->snooze);
	dst->aspire = src->aspire ? xstrdup(src->aspire) : NULL;
	for (size_t i = 0; i < src->nlog; i++)
		vc_annot_push(dst, &src->log[i], 0);
}

int vcard_annot_add(struct vcard_annot *a, const struct vcard_log *e)
{
	if (annot_find(a, e->id) >= 0)
		return 1;
	vc_annot_push(a, e, 0);
	return 0;
}

int vcard_annot_has(const struct vcard_annot *a, const char *id)
{
	return annot_find(a, id) >= 0;
}

long vcard_annot_find(const struct vcard_annot *a, const char *id)
{
	return annot_find(a, id);
}

int vcard_annot_remove(struct vcard_annot *a, const char *id)
{
	long i = annot_find(a, id);

	if (i < 0)
		return 1;
	free(a->log[i].text);
	memmove(a->log + i, a->log + i + 1, (a->nlog - (size_t)i - 1) * sizeof *a->log);
	a->nlog--;
	idx_drop(a);
	return 0;
}

static int in_strv(const struct strv *l, const char *s)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

/* Sorts the log by date, keeping card order among equal dates (a merge sort). */
static void annot_sort(struct vcard_annot *a)
{
	size_t n = a->nlog, w, i;
	struct vcard_log *tmp;
	int sorted = 1;

	for (i = 1; i < n && sorted; i++)
		sorted = strcmp(a->log[i - 1].date, a->log[i].date) <= 0;
	if (sorted)
		return;
	tmp = xmalloc(n * sizeof *tmp);
	for (w = 1; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			size_t l = i, mid = i + w < n ? i + w : n;
			size_t r = mid, end = i + 2 * w < n ? i + 2 * w : n, o = i;

			while (l < mid && r < end)
				tmp[o++] = strcmp(a->log[r].date, a->log[l].date) < 0 ?
					   a->log[r++] : a->log[l++];
			while (l < mid)
				tmp[o++] = a->log[l++];
			while (r < end)
				tmp[o++] = a->log[r++];
		}
		memcpy(a->log, tmp, n * sizeof *tmp);
	}
	free(tmp);
	idx_drop(a);
}

/*
 * The union keeps a's entries first, then other's new ones, and then sorts
 * by date (stable), so both devices converge on the same card order.
 */
void vcard_annot_merge(struct vcard_annot *a, const struct vcard_annot *other,
		       const struct strv *removed)
{
	for (size_t i = 0; removed && i < removed->n; i++)
		vcard_annot_remove(a, removed->v[i]);
	for (size_t i = 0; i < other->nlog; i++)
		if (!in_strv(removed, other->log[i].id))
			vcard_annot_add(a, &other->log[i]);
	annot_sort(a);
	if (!a->cadence[0])
		memcpy(a->cadence, other->cadence, sizeof a->cadence);
	if (!a->snooze[0])
		memcpy(a->snooze, other->snooze, sizeof a->snooze);
	if (!a->aspire && other->aspire)
		a->aspire = xstrdup(other->aspire);
}

/* Index of the newest entry; on equal dates the later one in card order. */
long vc_annot_newest(const struct vcard_annot *a)
{
	long best = -1;

	for (size_t i = 0; i < a->nlog; i++)
		if (best < 0 || strcmp(a->log[i].date, a->log[best].date) >= 0)
			best = (long)i;
	return best;
}

const char *vcard_annot_last(const struct vcard_annot *a)
{
	long i = vc_annot_newest(a);

	return i < 0 ? NULL : a->log[i].date;
}

void vcard_log_newid(char id[9])
{
	unsigned char b[4];
	ssize_t n = getrandom(b, sizeof b, 0);

	if (n != (ssize_t)sizeof b) {
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

		n = fd >= 0 ? read(fd, b, sizeof b) : -1;
		if (fd >= 0)
			close(fd);
		if (n != (ssize_t)sizeof b) {
			/* No entropy source: still unique enough per device. */
			struct timespec ts;
			uint32_t x;

			clock_gettime(CLOCK_REALTIME, &ts);
			x = (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec * 2654435761u ^
			    (uint32_t)getpid() << 16;
			memcpy(b, &x, 4);
		}
	}
	snprintf(id, 9, "%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
}
