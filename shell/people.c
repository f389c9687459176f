/*
 * people.c: the commands that show people: list, show and queue. They
 * read the view columns, which are always "server copy + pending
 * operations" (touch.c writes them through the outbox).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "date.h"
#include "out.h"
#include "queue.h"
#include "shell.h"
#include "today.h"
#include "vcard.h"

/* people[0..n) as a JSON array of person_json_fields objects, a line each. */
static void people_json(struct sbuf *b, const struct person *people, size_t n,
			long today)
{
	size_t i;

	sbuf_addc(b, '[');
	for (i = 0; i < n; i++) {
		int first = 1;

		sbuf_adds(b, i ? ",\n{" : "{");
		person_json_fields(b, &first, &people[i], today);
		sbuf_addc(b, '}');
	}
	sbuf_adds(b, "]\n");
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static int in_ids(const long *ids, size_t n, long id)
{
	return n && bsearch(&id, ids, n, sizeof *ids, cmp_long) != NULL;
}

/* ---- list ------------------------------------------------------------ */

int cmd_list(struct ctx *ctx, int argc, char **argv)
{
	struct person *people = NULL;
	/*
	 * On a narrow terminal emails get up to two fifths of what the fixed
	 * columns leave; the column goes when too narrow.
	 */
	static const struct out_col cols[] = {
		{.head = "NAME", .give = 12, .least = 8},
		{.head = "EMAIL", .share = {2, 5}, .drop = 10},
		{.head = "CADENCE"},
		{.head = "LAST CONTACT"},
		{.head = "DUE"},
	};
	struct out_table t;
	size_t n = 0, i;
	struct sbuf b = {0};
	struct kerr err;
	char *query;
	long *cat = NULL;
	size_t ncat = 0;
	int json, rc = EXIT_FAIL, in_cat = 0;

	json = opt_take(&argc, argv, "--json", 0, NULL);
	if (sh_take_category(ctx, &argc, argv, &cat, &ncat, &in_cat) < 0)
		return EXIT_USAGE;
	out_table_init(&t, cols, sizeof cols / sizeof *cols);
	t.margin = 2;
	t.head_color = sh_color(ctx, OUT_BOLD);
	query = sh_join_words(argc, argv, 1);
	if (query_people(ctx->cache, query, in_cat ? cat : NULL, ncat, &people,
			 &n, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}

	if (json) {
		people_json(&b, people, n, ctx->today);
		rc = sh_flush(&b);
		goto out;
	}
	if (n == 0) {
		if (query)
			printf("Nobody matches '%s'.\n", query);
		else
			printf("No people yet. (kith account add NAME URL --user "
			       "USER, then kith sync)\n");
		rc = EXIT_OK;
		goto out;
	}

	for (i = 0; i < n; i++) {
		struct person *p = &people[i];
		char cad[32] = "-", last[32] = "-", due[11] = "-";
		char *name, *email = sh_first_of(p->emails);

		if (p->cadence)
			sh_cadence_words(p->cadence, cad);
		if (p->last_contact) {
			long d;

			if (date_parse(p->last_contact, &d, NULL) == 0)
				date_relative(d, ctx->today, last);
			else
				snprintf(last, sizeof last, "%s", p->last_contact);
		}
		if (p->due >= 0)
			date_format(p->due, due);
		name = p->state == CARD_GONE ?
		       xasprintf("%s (deleted on the server)", p->label) :
		       xstrdup(p->label);
		out_table_add(&t, name, NULL);
		out_table_add(&t, email, NULL);
		out_table_add(&t, cad, NULL);
		out_table_add(&t, last, NULL);
		out_table_add(&t, due, sh_due_color(ctx, p->due));
		free(name);
		free(email);
	}
	out_table_render(&t, &b, (size_t)out_columns(), out_cut());
	rc = sh_flush(&b);
out:
	out_table_free(&t);
	person_free_all(people, n);
	free(query);
	free(cat);
	sbuf_free(&b);
	return rc;
}

/* ---- show ------------------------------------------------------------ */

/* Appends "  label       value"; a value's later lines line up under it. */
static void field(struct sbuf *b, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	sbuf_addf(b, "  %-11s ", label);
	sh_add_lines(b, value, 14);
	sbuf_addc(b, '\n');
}

static void field_list(struct sbuf *b, const char *label, const struct strv *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		field(b, i ? "" : label, l->v[i]);
}

/* The card's exact lists (a value may itself contain ", "). */
static void card_lists(struct ctx *ctx, long card, struct vcard_info *vi)
{
	struct kerr err;

	if (cache_card_read(ctx->cache, card, vi, &err) < 0)
		say_error("%s", err.msg);
}

static void show_json(struct ctx *ctx, struct sbuf *b, const struct person *p,
		      const struct vcard_info *vi, const struct person_log_row *rows,
		      size_t nrows, long unreadable)
{
	struct strv cats = {0};
	int first = 1;
	size_t i;

	sbuf_addc(b, '{');
	person_json_fields(b, &first, p, ctx->today);
	json_kv_str(b, &first, "title", p->title);
	json_kv_str(b, &first, "city", p->city);
	json_kv_str(b, &first, "birthday", p->bday);
	if (vi->ok)
		json_kv_strv(b, &first, "categories", &vi->categories);
	else
		json_kv_strv(b, &first, "categories", &cats);
	json_kv_str(b, &first, "note", p->note);
	json_kv_str(b, &first, "why", p->parsed ? NULL : p->why);
	if (unreadable > 0)
		json_kv_int(b, &first, "server_unreadable", unreadable);
	json_key(b, &first, "log");
	sbuf_addc(b, '[');
	for (i = 0; i < nrows; i++) {
		int f = 1;

		sbuf_adds(b, i ? ",{" : "{");
		json_kv_str(b, &f, "id", rows[i].id);
		json_kv_str(b, &f, "date", rows[i].date);
		json_kv_str(b, &f, "via", rows[i].via);
		json_kv_str(b, &f, "text", rows[i].text);
		json_kv_bool(b, &f, "pending", rows[i].pending);
		sbuf_addc(b, '}');
	}
	sbuf_adds(b, "]}\n");
}

static void show_text(struct ctx *ctx, struct sbuf *b, const struct person *p,
		      const struct vcard_info *vi, const struct person_log_row *rows,
		      size_t nrows, long unreadable, const char *since)
{
	struct strv emails = {0}, phones = {0}, cats = {0};
	char w[32], due[11], when[48];
	size_t i, pending = 0;

	for (i = 0; i < nrows; i++)
		pending += rows[i].pending != 0;
	sbuf_adds(b, sh_color(ctx, OUT_BOLD));
	out_text(b, p->label);
	sbuf_adds(b, sh_color(ctx, OUT_RESET));
	sbuf_addc(b, '\n');
	if (p->state == CARD_GONE) {
		sbuf_addf(b, "  %sdeleted on the server; %zu note%s kept here%s\n",
			  sh_color(ctx, OUT_RED), pending, pending == 1 ? "" : "s",
			  sh_color(ctx, OUT_RESET));
		sbuf_adds(b, "  'gone' lists the ways out: restore, move or drop\n");
	} else if (p->state == CARD_LOCAL) {
		sbuf_adds(b, "  made here; not on the server until the next sync\n");
	}
	if (unreadable > 0)
		sbuf_addf(b, "  %sthe server cannot serve this card's newest version "
			  "(HTTP %ld, since %s): shown as last read; sync asks "
			  "again when it changes%s\n", sh_color(ctx, OUT_RED),
			  unreadable, since, sh_color(ctx, OUT_RESET));
	if (!p->parsed) {
		field(b, "problem", p->why ? p->why : "unknown");
		sbuf_adds(b, "  kith keeps this card exactly as the server has it "
			  "and never writes to it.\n");
	}
	if (vi->ok) {
		field_list(b, "email", &vi->emails);
		field_list(b, "phone", &vi->phones);
	} else {
		sh_split_list(p->emails, &emails);
		sh_split_list(p->phones, &phones);
		field_list(b, "email", &emails);
		field_list(b, "phone", &phones);
	}
	field(b, "org", p->org);
	field(b, "title", p->title);
	field(b, "city", p->city);
	if (p->bday && today_bday_in(p->bday, ctx->today) >= 0) {
		char bw[96];
		char *v;

		/* "1990-12-01 (in 4 days, Tuesday 1 December, turns 36)" */
		sh_bday_words(p->bday, ctx->today, bw);
		v = xasprintf("%s (%s)", p->bday[0] == '-' ? p->bday + 2 : p->bday, bw);
		field(b, "birthday", v);
		free(v);
	} else {
		field(b, "birthday", p->bday);
	}
	if (vi->ok) {
		for (i = 0; i < vi->categories.n; i++)
			strv_push(&cats, vi->categories.v[i]);
	}
	if (cats.n) {
		struct sbuf j = {0};

		for (i = 0; i < cats.n; i++) {
			if (i)
				sbuf_adds(&j, ", ");
			sbuf_adds(&j, cats.v[i]);
		}
		field(b, "categories", j.buf);
		sbuf_free(&j);
	}
	field(b, "note", p->note);
	field(b, "someone new", p->aspire);
	if (p->cadence) {
		sh_cadence_words(p->cadence, w);
		field(b, "cadence", w);
	} else if (p->parsed) {
		field(b, "cadence", "none (kith cadence PERSON 30d puts them in the queue)");
	}
	if (p->snooze) {
		long d;
		char *s;

		if (date_parse(p->snooze, &d, NULL) == 0 && d > ctx->today)
			s = xasprintf("until %s", p->snooze);
		else
			s = xasprintf("%s (over)", p->snooze);
		field(b, "snooze", s);
		free(s);
	}
	if (p->due >= 0) {
		const char *c = sh_due_color(ctx, p->due);

		date_format(p->due, due);
		if (p->due < ctx->today)
			sh_overdue_words(p->due, ctx->today, when);
		else
			date_relative(p->due, ctx->today, when);
		sbuf_addf(b, "  %-11s %s%s (%s)%s\n", "due", c, due, when,
			  *c ? OUT_RESET : "");
	}
	if (p->last_contact) {
		long d;
		char *s;

		if (date_parse(p->last_contact, &d, NULL) == 0)
			date_relative(d, ctx->today, w);
		else
			snprintf(w, sizeof w, "?");
		s = xasprintf("%s, %s%s%s", p->last_contact, w,
			      p->last_via ? ", " : "",
			      p->last_via ? p->last_via : "");
		field(b, "last", s);
		free(s);
	}
	{
		char *s = xasprintf("%s in %s", p->href, p->book);

		field(b, "card", s);
		free(s);
	}
	if (nrows == 0) {
		if (p->parsed)
			sbuf_adds(b, "\nNo log yet. (kith log PERSON TEXT records "
				  "an interaction)\n");
	} else {
		sbuf_adds(b, "\nLog, newest first:\n");
	}
	for (i = 0; i < nrows; i++) {
		const struct person_log_row *r = &rows[i];

		sbuf_adds(b, "  ");
		out_text(b, r->id);
		sbuf_adds(b, "  ");
		out_text(b, r->date);
		sbuf_adds(b, "  ");
		out_cell(b, r->via, 6, 1);
		sbuf_adds(b, "  ");
		/* A note's later lines line up under its first. */
		sh_add_lines(b, r->text ? r->text : "", 32);
		if (r->pending)
			sbuf_addf(b, "  %s(not yet synced)%s", sh_color(ctx, OUT_DIM),
				  sh_color(ctx, OUT_RESET));
		sbuf_addc(b, '\n');
	}
	strv_free(&emails);
	strv_free(&phones);
	strv_free(&cats);
}

int cmd_show(struct ctx *ctx, int argc, char **argv)
{
	struct person_log_row *rows = NULL;
	struct vcard_info vi;
	struct person p;
	struct sbuf b = {0};
	struct kerr err;
	size_t nrows = 0;
	char *query, since[11] = "";
	long status = 0;
	int json, rc;

	memset(&vi, 0, sizeof vi);
	memset(&p, 0, sizeof p);
	json = opt_take(&argc, argv, "--json", 0, NULL);
	query = sh_join_words(argc, argv, 1);
	if (!query)
		return cmd_usage_error("show", NULL);
	rc = person_lookup(ctx, query, &p);
	if (rc != EXIT_OK)
		goto out;
	rc = EXIT_FAIL;
	if (person_log(ctx, p.id, &rows, &nrows) < 0)
		goto out;
	card_lists(ctx, p.id, &vi);
	if (cache_card_unreadable(ctx->cache, p.id, &status, since, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	if (json) {
		show_json(ctx, &b, &p, &vi, rows, nrows, status);
		rc = sh_flush(&b);
	} else {
		show_text(ctx, &b, &p, &vi, rows, nrows, status, since);
		rc = sh_flush_wrapped(&b);
	}
out:
	vcard_info_free(&vi);
	person_log_free(rows, nrows);
	person_free(&p);
	free(query);
	return rc;
}

/* ---- queue ----------------------------------------------------------- */

/* "12 days overdue", or "due in 5 days (snoozed)" when a snooze set the date. */
static void when_words(const struct person *p, const struct queue_entry *q,
		       long today, char out[48])
{
	long snooze;

	sh_overdue_words(q->due, today, out);
	if (p->snooze && date_parse(p->snooze, &snooze, NULL) == 0 &&
	    snooze == q->due)
		strcat(out, " (snoozed)");
}

/*
 * Loads the people of the queue and their newest note in one query. 0, or
 * -1 after printing why.
 */
static int queue_people(struct ctx *ctx, const struct queue_entry *q, size_t n,
			struct person *people, char **texts)
{
	long *ids = xcalloc(n ? n : 1, sizeof *ids);
	struct kerr err;
	size_t i;
	int rc = -1;

	for (i = 0; i < n; i++)
		ids[i] = q[i].card;
	if (query_people_of(ctx->cache, ids, n, people, texts, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	/* One that changed in between (a sync running) is read on its own. */
	for (i = 0; i < n; i++)
		if (!people[i].id && person_get(ctx, q[i].card, &people[i]) < 0)
			goto out;
	rc = 0;
out:
	free(ids);
	return rc;
}

int cmd_queue(struct ctx *ctx, int argc, char **argv)
{
	struct queue_entry *q = NULL;
	struct person *people = NULL;
	char **texts = NULL;
	struct sbuf b = {0};
	struct kerr err;
	/*
	 * Names give way (down to 12 columns) so that the last contact keeps
	 * 30, then down to 8 so that 10 are left; the last contact is cut at
	 * the terminal's edge: a line that wraps is a broken table.
	 */
	static const struct out_col cols[] = {
		{.give = 12, .least = 8},
		{0},
		{0},
		{.fit = OUT_FILL, .min = 1, .want = 30, .need = 10},
	};
	struct out_table t;
	size_t n = 0, i, got = 0, ncat = 0;
	long *cat = NULL;
	int json, all, rc = EXIT_FAIL, in_cat = 0;

	out_table_init(&t, cols, sizeof cols / sizeof *cols);
	json = opt_take(&argc, argv, "--json", 0, NULL);
	all = opt_take(&argc, argv, "--all", 0, NULL);
	if (sh_take_category(ctx, &argc, argv, &cat, &ncat, &in_cat) < 0)
		return EXIT_USAGE;
	if (queue_list(ctx->cache, ctx->today, all, &q, &n, &err) < 0) {
		say_error("%s", err.msg);
		free(cat);
		return EXIT_FAIL;
	}
	if (in_cat) {
		/* Only the category's people, in the queue's order. */
		size_t k = 0;

		for (i = 0; i < n; i++)
			if (in_ids(cat, ncat, q[i].card))
				q[k++] = q[i];
		n = k;
	}
	free(cat);
	people = xcalloc(n ? n : 1, sizeof *people);
	texts = xcalloc(n ? n : 1, sizeof *texts);
	got = n;
	if (queue_people(ctx, q, n, people, texts) < 0)
		goto out;

	if (json) {
		people_json(&b, people, n, ctx->today);
		rc = sh_flush(&b);
		goto out;
	}
	if (n == 0) {
		if (sh_first_run(ctx))
			;
		else if (all)
			printf("Nobody has a cadence yet. (kith cadence PERSON 30d "
			       "puts someone in the queue)\n");
		else
			printf("Nobody is due. (kith queue --all shows everyone "
			       "with a cadence)\n");
		rc = EXIT_OK;
		goto out;
	}

	for (i = 0; i < n; i++) {
		struct person *p = &people[i];
		char w[48], *text = texts[i];
		struct sbuf last = {0};
		long d;

		out_table_add(&t, p->label, NULL);
		when_words(p, &q[i], ctx->today, w);
		out_table_add(&t, w, sh_due_color(ctx, q[i].due));
		sh_cadence_words(p->cadence, w);
		out_table_add(&t, w, NULL);
		if (p->last_contact && date_parse(p->last_contact, &d, NULL) == 0) {
			date_relative(d, ctx->today, w);
			sbuf_adds(&last, w);
			if (p->last_via)
				sbuf_addf(&last, ", %s", p->last_via);
			if (text && *text)
				sbuf_addf(&last, ": %s", text);
		} else {
			sbuf_adds(&last, "no contact logged yet");
		}
		out_table_add(&t, last.buf, NULL);
		sbuf_free(&last);
	}
	out_table_render(&t, &b, (size_t)out_columns(), out_cut());
	rc = sh_flush(&b);
out:
	for (i = 0; i < got; i++) {
		person_free(&people[i]);
		free(texts[i]);
	}
	free(people);
	free(texts);
	free(q);
	out_table_free(&t);
	sbuf_free(&b);
	return rc;
}
