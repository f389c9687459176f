/*
 * stats.c: looking around: search (full text), history (recent touches
 * across everyone) and stats (the network at a glance, as bar charts).
 * Read-only.
 */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "out.h"
#include "queue.h"
#include "shell.h"

/* Parses --limit N; 0 ok, -1 after printing why. */
static int take_limit(int *argc, char **argv, long *limit)
{
	char *v = NULL, *end;
	int r = opt_take(argc, argv, "--limit", 1, &v);

	if (r < 0)
		return -1;
	if (r == 0)
		return 0;
	*limit = strtol(v, &end, 10);
	if (*end || *limit < 1 || *limit > 1000000) {
		say_error("bad --limit '%s': use a number from 1 up, e.g. --limit 50",
			  v);
		return -1;
	}
	return 0;
}

/* ---- search ---------------------------------------------------------- */

/*
 * An FTS5 query that matches every word the user typed as a prefix:
 * each word becomes a quoted string ("" inside doubled), so operators,
 * colons and parentheses in the input are text, not syntax. Words with
 * no letter or digit are dropped (the tokenizer would drop them anyway).
 * NULL when nothing is left.
 */
static char *fts_query(const char *text)
{
	struct sbuf b = {0};
	const char *p = text;

	while (*p) {
		const char *e, *q;
		int word = 0;

		p += strspn(p, " \t\r\n");
		e = p + strcspn(p, " \t\r\n");
		for (q = p; q < e; q++)
			if ((unsigned char)*q >= 0x80 ||
			    (*q >= '0' && *q <= '9') || ((*q | 32) >= 'a' && (*q | 32) <= 'z'))
				word = 1;
		if (word) {
			if (b.len)
				sbuf_addc(&b, ' ');
			sbuf_addc(&b, '"');
			for (q = p; q < e; q++) {
				if (*q == '"')
					sbuf_addc(&b, '"');
				sbuf_addc(&b, *q);
			}
			sbuf_adds(&b, "\"*");
		}
		p = e;
	}
	return b.len ? sbuf_detach(&b, NULL) : (sbuf_free(&b), NULL);
}

int cmd_search(struct ctx *ctx, int argc, char **argv)
{
	struct sbuf b = {0};
	struct kerr err;
	char *text = NULL, *q = NULL;
	long limit = 50, *ids = NULL;
	char **snips = NULL;
	/* Names take at most a third of the width, piped too; the match the rest. */
	static const struct out_col cols[] = {
		{.min = 4, .cap = {1, 3}},
		{.fit = OUT_FILL, .min = 10},
	};
	struct out_table tab;
	size_t n = 0, i;
	struct person *people = NULL;
	int json, rc = EXIT_USAGE;

	out_table_init(&tab, cols, sizeof cols / sizeof *cols);
	json = opt_take(&argc, argv, "--json", 0, NULL);
	if (take_limit(&argc, argv, &limit) < 0)
		return EXIT_USAGE;
	text = sh_join_words(argc, argv, 1);
	q = text ? fts_query(text) : NULL;
	if (!q) {
		say_error("search needs a word to look for: search TEXT "
			  "(names, organisations, emails, categories, notes)");
		goto out;
	}
	rc = EXIT_FAIL;
	if (query_search(ctx->cache, q, limit, &ids, &snips, &n, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	people = xcalloc(n ? n : 1, sizeof *people);
	for (i = 0; i < n; i++)
		if (person_get(ctx, ids[i], &people[i]) < 0)
			goto out;
	if (json) {
		sbuf_addc(&b, '[');
		for (i = 0; i < n; i++) {
			int first = 1;

			sbuf_adds(&b, i ? ",\n{" : "{");
			person_json_fields(&b, &first, &people[i], ctx->today);
			json_kv_str(&b, &first, "match", snips[i]);
			sbuf_addc(&b, '}');
		}
		sbuf_adds(&b, "]\n");
		rc = sh_flush(&b);
		goto out;
	}
	if (n == 0) {
		struct sbuf t = {0};

		out_text(&t, text);
		printf("Nothing matches '%s'.\n", t.buf);
		sbuf_free(&t);
		rc = EXIT_OK;
		goto out;
	}
	for (i = 0; i < n; i++) {
		char *s = snips[i] ? snips[i] : xstrdup("");
		size_t k;

		/* One line: the snippet's newlines become spaces. */
		for (k = 0; s[k]; k++)
			if (s[k] == '\n' || s[k] == '\r')
				s[k] = ' ';
		snips[i] = s;
		out_table_add(&tab, people[i].label, NULL);
		out_table_add(&tab, s, NULL);
	}
	out_table_render(&tab, &b, (size_t)out_columns(), out_cut());
	if ((long)n == limit)
		sbuf_addf(&b, "(the first %ld; --limit N shows more)\n", limit);
	rc = sh_flush(&b);
out:
	for (i = 0; people && i < n; i++)
		person_free(&people[i]);
	for (i = 0; i < n; i++)
		free(snips[i]);
	free(people);
	free(snips);
	free(ids);
	free(text);
	free(q);
	out_table_free(&tab);
	sbuf_free(&b);
	return rc;
}

/* ---- history ------------------------------------------------------------- */

/* What history's rows are written with. */
struct history_out {
	struct sbuf *b;
	struct out_table *t;
	long today;
	int json, n;
};

static int history_line(void *arg, const struct person *r,
			const struct person_log_row *e)
{
	struct history_out *h = arg;
	struct sbuf *b = h->b;

	if (h->json) {
		int first = 1;

		sbuf_adds(b, h->n ? ",\n{" : "{");
		json_kv_str(b, &first, "uid", r->uid);
		json_kv_str(b, &first, "fn", r->fn);
		json_kv_str(b, &first, "href", r->href);
		json_kv_str(b, &first, "book", r->book);
		json_kv_str(b, &first, "id", e->id);
		json_kv_str(b, &first, "date", e->date);
		json_kv_str(b, &first, "via", e->via);
		json_kv_str(b, &first, "text", e->text);
		json_kv_bool(b, &first, "pending", e->pending);
		sbuf_addc(b, '}');
	} else {
		char rel[32] = "?";
		long d;
		const char *text = e->text ? e->text : "";
		char *line = xstrndup(text, strcspn(text, "\n"));

		if (e->date && date_parse(e->date, &d, NULL) == 0)
			date_relative(d, h->today, rel);
		out_table_add(h->t, rel, NULL);
		out_table_add(h->t, e->via, NULL);
		out_table_add(h->t, r->label, NULL);
		out_table_add(h->t, line, NULL);
		free(line);
	}
	h->n++;
	return 0;
}

int cmd_history(struct ctx *ctx, int argc, char **argv)
{
	/* When, via, the name (a quarter of the width at most, piped too), the note. */
	static const struct out_col cols[] = {
		{.min = 12, .max = 12},
		{.min = 6, .max = 6},
		{.min = 4, .cap = {1, 4}},
		{.fit = OUT_FILL, .min = 10},
	};
	struct out_table tab;
	struct sbuf b = {0};
	struct person p;
	struct kerr err;
	struct history_out h = {&b, &tab, ctx->today, 0, 0};
	char *query = NULL;
	long limit = 20, card = 0;
	int rc = EXIT_USAGE;

	memset(&p, 0, sizeof p);
	out_table_init(&tab, cols, sizeof cols / sizeof *cols);
	h.json = opt_take(&argc, argv, "--json", 0, NULL);
	if (take_limit(&argc, argv, &limit) < 0)
		return EXIT_USAGE;
	query = sh_join_words(argc, argv, 1);
	if (query) {
		rc = person_lookup(ctx, query, &p);
		if (rc != EXIT_OK)
			goto out;
		card = p.id;
	}
	rc = EXIT_FAIL;
	if (h.json)
		sbuf_addc(&b, '[');
	if (query_history(ctx->cache, card, limit, history_line, &h, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	if (h.json) {
		sbuf_adds(&b, "]\n");
	} else if (h.n == 0) {
		sbuf_adds(&b, card ? "No log yet for this person. (kith log PERSON "
			  "TEXT records an interaction)\n" : "No touches logged "
			  "yet. (kith log PERSON TEXT records an interaction)\n");
	} else {
		out_table_render(&tab, &b, (size_t)out_columns(), out_cut());
	}
	rc = sh_flush(&b);
out:
	out_table_free(&tab);
	person_free(&p);
	free(query);
	sbuf_free(&b);
	return rc;
}

/* ---- stats --------------------------------------------------------------- */

struct bar {
	char *label;
	long n;
};

/* Whether the terminal's character set can show block elements. */
static int unicode_ok(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

/*
 * A bar chart: one line per bar, "label  ████▌ 12", the longest bar
 * filling what the terminal width leaves. Eighth blocks on a UTF-8
 * terminal, '#' otherwise.
 */
static void chart(struct sbuf *b, const char *title, const struct bar *bars,
		  size_t n)
{
	static const char *const eighths[] = {"", "▏", "▎", "▍", "▌", "▋",
		"▊", "▉"};
	size_t cols = (size_t)out_columns(), label_w = 0, num_w = 1, bar_w, i;
	int uni = unicode_ok();
	long max = 0;
	char num[32];

	sbuf_addf(b, "\n%s\n", title);
	if (n == 0) {
		sbuf_adds(b, "  (none)\n");
		return;
	}
	for (i = 0; i < n; i++) {
		if (out_width(bars[i].label) > label_w)
			label_w = out_width(bars[i].label);
		if (bars[i].n > max)
			max = bars[i].n;
	}
	if (label_w > 24)
		label_w = 24;
	num_w = (size_t)snprintf(num, sizeof num, "%ld", max);
	if (cols > 120)
		cols = 120;
	bar_w = cols > label_w + num_w + 8 ? cols - label_w - num_w - 8 : 10;
	for (i = 0; i < n; i++) {
		/* In eighths of a column, so small differences still show. */
		long units = max ? (long)((double)bars[i].n * (double)bar_w * 8 /
					  (double)max + 0.5) : 0;
		long k;

		sbuf_adds(b, "  ");
		out_cell(b, bars[i].label, label_w, 1);
		sbuf_adds(b, "  ");
		if (bars[i].n > 0 && units == 0)
			units = 1;
		if (uni) {
			for (k = 0; k < units / 8; k++)
				sbuf_adds(b, "█");
			sbuf_adds(b, eighths[units % 8]);
		} else {
			for (k = 0; k < (units + 4) / 8 || (k == 0 && units > 0); k++)
				sbuf_addc(b, '#');
		}
		sbuf_addf(b, " %ld\n", bars[i].n);
	}
}

/* "key": [{label: bar's label, count: bar's n}, ...] */
static void bars_json(struct sbuf *b, int *first, const char *key,
		      const char *label, const char *count,
		      const struct bar *bars, size_t n)
{
	size_t i;

	json_key(b, first, key);
	sbuf_addc(b, '[');
	for (i = 0; i < n; i++) {
		int f = 1;

		sbuf_adds(b, i ? ",{" : "{");
		json_kv_str(b, &f, label, bars[i].label);
		json_kv_int(b, &f, count, bars[i].n);
		sbuf_addc(b, '}');
	}
	sbuf_addc(b, ']');
}

static void bars_free(struct bar *bars, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(bars[i].label);
	free(bars);
}

static int cmp_catpair(const void *a, const void *b)
{
	const struct query_catpair *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->card < y->card ? -1 : x->card > y->card;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_bar(const void *a, const void *b)
{
	const struct bar *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->label, y->label);
}

/*
 * People per category: CATEGORIES, and for a group card its name for
 * each of its members. A person counts once per category. The top 8.
 */
static int category_bars(struct ctx *ctx, struct bar **bars, size_t *nbars)
{
	struct query_catpair *pairs = NULL;
	struct kerr err;
	size_t n = 0, i;

	*bars = NULL;
	*nbars = 0;
	if (query_category_pairs(ctx->cache, &pairs, &n, &err) < 0) {
		say_error("%s", err.msg);
		return -1;
	}
	if (n)
		qsort(pairs, n, sizeof *pairs, cmp_catpair);
	for (i = 0; i < n; i++) {
		if (i && strcmp(pairs[i].name, pairs[i - 1].name) == 0) {
			if (pairs[i].card != pairs[i - 1].card)
				(*bars)[*nbars - 1].n++;
			continue;
		}
		*bars = xrealloc(*bars, (*nbars + 1) * sizeof **bars);
		(*bars)[*nbars].label = xstrdup(pairs[i].name);
		(*bars)[(*nbars)++].n = 1;
	}
	if (*nbars)
		qsort(*bars, *nbars, sizeof **bars, cmp_bar);
	while (*nbars > 8)
		free((*bars)[--*nbars].label);
	for (i = 0; i < n; i++)
		free(pairs[i].name);
	free(pairs);
	return 0;
}

/* The top 8 values of l by how often they occur, as bars. */
static void top_bars(struct strv *l, struct bar **bars, size_t *nbars)
{
	size_t i;

	*bars = NULL;
	*nbars = 0;
	if (l->n)
		qsort(l->v, l->n, sizeof *l->v, cmp_str);
	for (i = 0; i < l->n; i++) {
		if (i && strcmp(l->v[i], l->v[i - 1]) == 0) {
			(*bars)[*nbars - 1].n++;
			continue;
		}
		*bars = xrealloc(*bars, (*nbars + 1) * sizeof **bars);
		(*bars)[*nbars].label = xstrdup(l->v[i]);
		(*bars)[(*nbars)++].n = 1;
	}
	if (*nbars)
		qsort(*bars, *nbars, sizeof **bars, cmp_bar);
	while (*nbars > 8)
		free((*bars)[--*nbars].label);
}

/* What stats counts while the cache reads people and touches. */
struct tally {
	struct bar *months;	/* 12 */
	struct bar *hist;	/* 8 */
	struct strv orgs, cities;
	long today, people, with_cadence, aspiring;
};

static void tally_month(void *arg, const char *ym, long count)
{
	struct tally *t = arg;
	size_t i;

	for (i = 0; i < 12; i++)
		if (strcmp(t->months[i].label, ym) == 0)
			t->months[i].n = count;
}

/* Counts a person, and the days since the last contact. */
static void tally_person(void *arg, const struct query_brief *p)
{
	static const long bounds[] = {7, 28, 91, 182, 365, 730};
	struct tally *t = arg;
	long day, since;
	size_t i;

	t->people++;
	t->with_cadence += p->has_cadence;
	t->aspiring += p->aspire;
	if (p->org && *p->org)
		strv_push(&t->orgs, p->org);
	if (p->city && *p->city)
		strv_push(&t->cities, p->city);

	if (!p->last_contact || date_parse(p->last_contact, &day, NULL) < 0) {
		t->hist[7].n++;
		return;
	}
	since = t->today - day;
	for (i = 0; i < 6 && since >= bounds[i]; i++)
		;
	t->hist[i].n++;
}

int cmd_stats(struct ctx *ctx, int argc, char **argv)
{
	static const char *const spans[] = {"under a week", "1-4 weeks",
		"1-3 months", "3-6 months", "6-12 months", "1-2 years",
		"over 2 years", "never"};
	struct bar *bars = NULL, months[12], hist[8];
	struct queue_entry *q = NULL;
	struct tally t = {months, hist, {0}, {0}, ctx->today, 0, 0, 0};
	struct sbuf b = {0};
	struct kerr err;
	long touches = 0, recent = 0, overdue = 0;
	size_t nq = 0, nbars = 0, i;
	int y, m, d, rc = EXIT_FAIL, json;
	char from[11];

	memset(months, 0, sizeof months);
	memset(hist, 0, sizeof hist);
	json = opt_take(&argc, argv, "--json", 0, NULL);
	if (queue_list(ctx->cache, ctx->today, 0, &q, &nq, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	for (i = 0; i < nq; i++)
		overdue += q[i].overdue > 0;

	/* Touches per month over the last 12 months, this month last. */
	date_ymd(ctx->today, &y, &m, &d);
	for (i = 0; i < 12; i++) {
		int mm = m - 11 + (int)i, yy = y;

		while (mm < 1) {
			mm += 12;
			yy--;
		}
		months[i].label = xasprintf("%04d-%02d", yy, mm);
	}
	memcpy(from, months[0].label, 7);
	memcpy(from + 7, "-01", 4);
	if (query_touch_months(ctx->cache, from, tally_month, &t, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	date_format(ctx->today - 30, from);
	if (query_touch_counts(ctx->cache, from, &touches, &recent, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}

	/* Days since the last contact. */
	for (i = 0; i < 8; i++)
		hist[i].label = xstrdup(spans[i]);
	/* One pass over the people: count them, and the days since contact. */
	if (query_briefs(ctx->cache, tally_person, &t, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}

	if (json) {
		struct bar *orgbars, *citybars;
		size_t norg, ncity;
		int first = 1;

		top_bars(&t.orgs, &orgbars, &norg);
		top_bars(&t.cities, &citybars, &ncity);
		if (category_bars(ctx, &bars, &nbars) < 0) {
			bars_free(orgbars, norg);
			bars_free(citybars, ncity);
			goto out;
		}
		sbuf_addc(&b, '{');
		json_kv_int(&b, &first, "people", t.people);
		json_kv_int(&b, &first, "with_cadence", t.with_cadence);
		json_kv_int(&b, &first, "someone_new", t.aspiring);
		json_kv_int(&b, &first, "due", (long)nq);
		json_kv_int(&b, &first, "overdue", overdue);
		json_kv_int(&b, &first, "touches", touches);
		json_kv_int(&b, &first, "touches_30_days", recent);
		bars_json(&b, &first, "touches_per_month", "month", "touches",
			  months, 12);
		bars_json(&b, &first, "since_last_contact", "span", "people",
			  hist, 8);
		bars_json(&b, &first, "organisations", "name", "people",
			  orgbars, norg);
		bars_json(&b, &first, "cities", "name", "people", citybars, ncity);
		bars_json(&b, &first, "categories", "name", "people", bars, nbars);
		sbuf_adds(&b, "}\n");
		bars_free(orgbars, norg);
		bars_free(citybars, ncity);
		rc = sh_flush(&b);
		goto out;
	}
	sbuf_addf(&b, "%ld %s, %ld with a cadence; %zu due now, %ld overdue.\n",
		  t.people, t.people == 1 ? "person" : "people", t.with_cadence, nq,
		  overdue);
	sbuf_addf(&b, "%ld touch%s logged, %ld in the last 30 days.\n", touches,
		  touches == 1 ? "" : "es", recent);
	if (t.aspiring)
		sbuf_addf(&b, "%ld %s you would like to meet (someone new).\n",
			  t.aspiring, t.aspiring == 1 ? "person" : "people");
	chart(&b, "Touches per month", months, 12);
	chart(&b, "Since the last contact", hist, 8);
	top_bars(&t.orgs, &bars, &nbars);
	chart(&b, "Organisations (top 8)", bars, nbars);
	bars_free(bars, nbars);
	top_bars(&t.cities, &bars, &nbars);
	chart(&b, "Cities (top 8)", bars, nbars);
	bars_free(bars, nbars);
	bars = NULL;
	nbars = 0;
	if (category_bars(ctx, &bars, &nbars) < 0)
		goto out;
	chart(&b, "Categories and groups (top 8)", bars, nbars);
	rc = sh_flush(&b);
out:
	bars_free(bars, nbars);
	strv_free(&t.orgs);
	strv_free(&t.cities);
	for (i = 0; i < 12; i++)
		free(months[i].label);
	for (i = 0; i < 8; i++)
		free(hist[i].label);
	free(q);
	sbuf_free(&b);
	return rc;
}
