/*
 * reconnect.c: the commands of the daily work: next (walk the queue),
 * today (three people to think of) and intro (log an introduction on
 * both people).
 *
 * Writes go through the outbox like every other command (touch.c).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <readline/readline.h>

#include "date.h"
#include "out.h"
#include "queue.h"
#include "shell.h"
#include "today.h"
#include "vcard.h"

/* ---- next ---------------------------------------------------------------- */

/* The card as `next` shows it: essentials, cadence, birthday, last notes. */
static void next_card(struct ctx *ctx, const struct person *p,
		      const struct queue_entry *q, size_t i, size_t n)
{
	struct person_log_row *rows = NULL;
	struct strv emails = {0}, phones = {0};
	struct sbuf b = {0};
	char w[48], cad[32];
	size_t k, width = (size_t)out_columns();
	long bd;

	if (width > 72)
		width = 72;
	{
		/* The rule is exactly width columns, whatever the counts' digits. */
		char head[64];

		snprintf(head, sizeof head, "── %zu of %zu ", i + 1, n);
		sbuf_addf(&b, "%s%s", sh_color(ctx, OUT_DIM), head);
		for (k = out_width(head); k < width; k++)
			sbuf_adds(&b, "─");
	}
	sbuf_addf(&b, "%s\n%s", sh_color(ctx, OUT_RESET), sh_color(ctx, OUT_BOLD));
	out_text(&b, p->label);
	sbuf_adds(&b, sh_color(ctx, OUT_RESET));
	if (p->org && *p->org) {
		sbuf_adds(&b, " · ");
		out_text(&b, p->org);
	}
	sbuf_addc(&b, '\n');
	sh_split_list(p->emails, &emails);
	sh_split_list(p->phones, &phones);
	if (emails.n || phones.n) {
		sbuf_adds(&b, " ");
		for (k = 0; k < emails.n && k < 2; k++) {
			sbuf_adds(&b, " ");
			out_text(&b, emails.v[k]);
		}
		for (k = 0; k < phones.n && k < 2; k++) {
			sbuf_adds(&b, "  ");
			out_text(&b, phones.v[k]);
		}
		sbuf_addc(&b, '\n');
	}
	sh_cadence_words(p->cadence, cad);
	if (q->due >= 0) {
		sh_overdue_words(q->due, ctx->today, w);
		sbuf_addf(&b, "  %s · %s%s%s", cad, sh_due_color(ctx, q->due), w,
			  *sh_due_color(ctx, q->due) ? OUT_RESET : "");
	} else {
		sbuf_addf(&b, "  %s", cad);
	}
	if (p->aspire) {
		sbuf_adds(&b, " · someone new: ");
		out_text(&b, p->aspire);
	}
	if (p->last_contact && date_parse(p->last_contact, &bd, NULL) == 0) {
		char rel[32];

		date_relative(bd, ctx->today, rel);
		sbuf_addf(&b, " · last contact %s", rel);
	} else {
		sbuf_adds(&b, " · no contact logged yet");
	}
	sbuf_addc(&b, '\n');
	bd = today_bday_in(p->bday, ctx->today);
	if (bd >= 0 && bd <= 14) {
		char when[96];

		sh_bday_words(p->bday, ctx->today, when);
		sbuf_addf(&b, "  %sbirthday %s%s\n", sh_color(ctx, OUT_YELLOW),
			  when, sh_color(ctx, OUT_RESET));
	}
	if (person_log(ctx, p->id, &rows, &k) == 0) {
		size_t j;

		for (j = 0; j < k && j < 3; j++) {
			sbuf_addf(&b, "  %s  ", rows[j].date);
			out_cell(&b, rows[j].via, 6, 1);
			sbuf_adds(&b, "  ");
			sh_add_lines(&b, rows[j].text, 22);
			sbuf_addc(&b, '\n');
		}
		person_log_free(rows, k);
	}
	strv_free(&emails);
	strv_free(&phones);
	sh_flush_wrapped(&b);
}

/* next_log and next_snooze: the question was cancelled (Ctrl-C). */
#define NEXT_CANCELLED (-1)

static int cancelled_msg(void)
{
	printf("cancelled\n");
	return NEXT_CANCELLED;
}

/* Asks for a channel and a text and logs them. An exit status. */
static int next_log(struct ctx *ctx, const struct person *p, int *logged)
{
	char date[11], *via, *text;
	int i, rc, cancelled;

	via = ask_line("via [phone]: ", sh_channels, &cancelled);
	if (cancelled)
		return cancelled_msg();
	if (!via)
		return EXIT_OK;
	if (!*via) {
		free(via);
		via = xstrdup("phone");
	}
	for (i = 0; sh_channels[i]; i++)
		if (strcasecmp(via, sh_channels[i]) == 0)
			break;
	if (!sh_channels[i]) {
		say_error("unknown channel '%s': use one of phone, email, text, "
			  "meet, video, letter, gift, intro, other; nothing logged",
			  via);
		free(via);
		return EXIT_USAGE;
	}
	free(via);
	text = ask_line("what did you talk about? ", NULL, &cancelled);
	if (cancelled)
		return cancelled_msg();
	if (!text || !*text) {
		printf("nothing logged (no text)\n");
		free(text);
		return EXIT_OK;
	}
	date_format(ctx->today, date);
	rc = person_log_add(ctx, p, date, sh_channels[i], text, 0, NULL);
	if (rc == EXIT_OK)
		++*logged;
	free(text);
	return rc;
}

/* Asks for a duration or date and snoozes. An exit status. */
static int next_snooze(struct ctx *ctx, const struct person *p, int *snoozed)
{
	char *ans, date[11];
	struct kerr err;
	long day;
	int cancelled;

	ans = ask_line("snooze for [2w]: ", NULL, &cancelled);
	if (cancelled)
		return cancelled_msg();
	if (!ans)
		return EXIT_OK;
	if (date_parse_user(*ans ? ans : "2w", ctx->today, 1, &day, &err) < 0) {
		say_error("%s; not snoozed", err.msg);
		free(ans);
		return EXIT_USAGE;
	}
	free(ans);
	date_format(day, date);
	if (day <= ctx->today) {
		say_error("cannot snooze until %s: the date must be after today; "
			  "not snoozed", date);
		return EXIT_USAGE;
	}
	if (cache_outbox_add(ctx->cache, p->id, "snooze", date, NULL, NULL, NULL,
			     &err) < 0) {
		say_error("%s", err.msg);
		return EXIT_FAIL;
	}
	{
		struct sbuf b = {0};

		out_text(&b, p->label);
		sbuf_addf(&b, ": snoozed until %s\n", date);
		sh_flush(&b);
	}
	++*snoozed;
	return EXIT_OK;
}

struct circle {
	struct queue_entry q;
	char *last;		/* last contact, NULL when never */
	char *name;
};

/* Never touched first, then the longest since; the same day by name. */
static int cmp_circle(const void *a, const void *b)
{
	const struct circle *x = a, *y = b;
	int c;

	if (!x->last != !y->last)
		return x->last ? 1 : -1;
	c = x->last ? strcmp(x->last, y->last) : 0;
	if (c == 0)
		c = strcmp(x->name, y->name);
	return c ? c : (x->q.card > y->q.card) - (x->q.card < y->q.card);
}

/*
 * The people of a category as a circle to walk round: everyone in it whose
 * card takes notes, cadence or not, least recently touched first, so that
 * walking it again and again reaches everyone in turn.
 */
static int circle_list(struct ctx *ctx, const long *ids, size_t nids,
		       struct queue_entry **out, size_t *n)
{
	struct circle *c = xcalloc(nids ? nids : 1, sizeof *c);
	size_t k = 0, i;
	int rc = 0;

	for (i = 0; i < nids; i++) {
		struct person p;

		if (person_get(ctx, ids[i], &p) < 0) {
			rc = -1;
			break;
		}
		if (p.parsed && p.state != CARD_GONE) {
			c[k].q.card = p.id;
			c[k].q.due = p.due;
			c[k].q.overdue = p.due >= 0 ? ctx->today - p.due : 0;
			c[k].last = p.last_contact ? xstrdup(p.last_contact) : NULL;
			c[k].name = xstrdup(p.label);
			k++;
		}
		person_free(&p);
	}
	qsort(c, k, sizeof *c, cmp_circle);
	*out = xcalloc(k ? k : 1, sizeof **out);
	for (i = 0; i < k; i++) {
		(*out)[i] = c[i].q;
		free(c[i].last);
		free(c[i].name);
	}
	*n = k;
	free(c);
	return rc;
}

int cmd_next(struct ctx *ctx, int argc, char **argv)
{
	struct queue_entry *q = NULL;
	struct kerr err;
	size_t n = 0, i, ncat = 0;
	long *cat = NULL;
	int logged = 0, snoozed = 0, skipped = 0, quit = 0, rc = EXIT_OK;
	int circle = 0;

	if (sh_take_category(ctx, &argc, argv, &cat, &ncat, &circle) < 0)
		return EXIT_USAGE;
	if (circle) {
		int r = circle_list(ctx, cat, ncat, &q, &n);

		free(cat);
		if (r < 0) {
			free(q);
			return EXIT_FAIL;
		}
		if (n == 0) {
			printf("Nobody in that category has a card kith can write "
			       "notes on.\n");
			free(q);
			return EXIT_OK;
		}
	} else if (queue_list(ctx->cache, ctx->today, 0, &q, &n, &err) < 0) {
		say_error("%s", err.msg);
		return EXIT_FAIL;
	}
	if (n == 0) {
		if (!sh_first_run(ctx))
			printf("Nobody is due. ('today' suggests three people anyway)\n");
		free(q);
		return EXIT_OK;
	}
	for (i = 0; i < n && !quit; i++) {
		struct person p;
		int done = 0;

		if (person_get(ctx, q[i].card, &p) < 0) {
			rc = EXIT_FAIL;
			break;
		}
		next_card(ctx, &p, &q[i], i, n);
		while (!done) {
			int key = ask_key("[l]og  [s]nooze  [d]raft  s[k]ip  [q]uit ");
			int r = EXIT_OK;

			switch (key) {
			case 'l':
				if (person_writable(&p) < 0)
					break;
				r = next_log(ctx, &p, &logged);
				done = r == EXIT_OK;
				break;
			case 's':
				if (person_writable(&p) < 0)
					break;
				r = next_snooze(ctx, &p, &snoozed);
				done = r == EXIT_OK;
				break;
			case 'd':
				r = draft_print(ctx, &p, today_bday_in(p.bday,
					ctx->today) == 0 ? "birthday" : "reconnect", 0);
				break;
			case 'k':
			case 'n':
			case ' ':
				skipped++;
				done = 1;
				break;
			case 'q':
				quit = done = 1;
				break;
			default:
				printf("l: log a touch, s: snooze, d: draft a message, "
				       "k: skip, q: quit\n");
			}
			if (r == EXIT_FAIL) {
				rc = EXIT_FAIL;
				quit = done = 1;
			}
		}
		person_free(&p);
	}
	free(q);
	q = NULL;
	if (circle) {
		printf("%s: %d logged, %d snoozed, %d skipped; %zu of %zu in the "
		       "circle.\n", quit ? "Stopped" : "Done", logged, snoozed,
		       skipped, i, n);
		return rc;
	}
	if (queue_list(ctx->cache, ctx->today, 0, &q, &n, &err) < 0)
		n = 0;
	printf("%s: %d logged, %d snoozed, %d skipped; %zu still due.\n",
	       quit ? "Stopped" : "Done", logged, snoozed, skipped, n);
	free(q);
	return rc;
}

/* ---- today --------------------------------------------------------------- */

/* today's candidates and the birthdays within bday_days: 0, or -1 after saying why. */
static int today_cands(struct ctx *ctx, long bday_days,
		       struct today_cand **out, size_t *n,
		       struct query_bday **bd, size_t *nbd)
{
	struct kerr err;

	if (query_today(ctx->cache, ctx->today, bday_days, out, n, bd, nbd,
			&err) < 0) {
		say_error("%s", err.msg);
		return -1;
	}
	return 0;
}

/* Why the person is in the slot, in a few words (out holds 160 bytes). */
static void today_reason(struct ctx *ctx, const char *slot,
			 const struct person *p, char out[160])
{
	char w[48], rel[32];
	long d;

	if (strcmp(slot, "due") == 0) {
		sh_overdue_words(p->due, ctx->today, w);
		sh_cadence_words(p->cadence, rel);
		snprintf(out, 160, "%s (%s)", w, rel);
	} else if (strcmp(slot, "upgrade") == 0) {
		snprintf(out, 160, "only emails and texts so far: call instead?");
	} else if (strcmp(slot, "aspire") == 0) {
		/* Cut on a character boundary; out_text cleans what is shown. */
		size_t n = strlen(p->aspire ? p->aspire : ""), k = 0;

		while (k < n && k < 140) {
			long cp;
			size_t l = str_utf8_next(p->aspire + k, n - k, &cp);

			if (k + l > 140)
				break;
			k += l;
		}
		snprintf(out, 160, "someone new: %.*s%s", (int)k,
			 p->aspire ? p->aspire : "", k < n ? "…" : "");
	} else if (p->last_contact && date_parse(p->last_contact, &d, NULL) == 0) {
		date_relative(d, ctx->today, rel);
		snprintf(out, 160, "last contact %s%s%s", rel,
			 p->last_via ? ", " : "", p->last_via ? p->last_via : "");
	} else {
		snprintf(out, 160, "never logged");
	}
}

/*
 * Whether the day's choice was made already (by an earlier 'today' that
 * day) and still names people that can take a note: ids gets it. A sync
 * or an add during the day then changes nothing; a chosen card deleted
 * since makes the choice anew.
 */
static int today_kept(struct ctx *ctx, const char *date,
		      const struct today_cand *cands, size_t n, long ids[4])
{
	struct kerr err;
	size_t i, k;

	if (cache_today_get(ctx->cache, date, ids, &err) != 1)
		return 0;
	for (k = 0; k < 4; k++) {
		if (!ids[k])
			continue;
		for (i = 0; i < n && cands[i].card != ids[k]; i++)
			;
		if (i == n)
			return 0;
	}
	return 1;
}

void today_ids(struct ctx *ctx, long day, const struct today_cand *cands,
	       size_t n, long ids[4])
{
	struct today_pick pick;
	struct kerr err;
	char date[11];

	date_format(day, date);
	if (day == ctx->today && today_kept(ctx, date, cands, n, ids))
		return;
	today_choose(cands, n, day, &pick);
	ids[0] = pick.lost;
	ids[1] = pick.due;
	ids[2] = pick.upgrade;
	ids[3] = pick.aspire;
	/* Kept for the rest of the day; a cache that cannot say it just chooses again. */
	if (day == ctx->today && cache_today_put(ctx->cache, date, ids, &err) < 0)
		say_error("%s", err.msg);
}

int cmd_today(struct ctx *ctx, int argc, char **argv)
{
	static const char *const slots[] = {"lost", "due", "upgrade", "aspire"};
	static const char *const titles[] = {"long lost", "due", "upgrade",
		"new"};
	struct today_cand *cands = NULL;
	struct query_bday *bd = NULL;
	/* The title ("long lost" is always there), the name, and why, whole. */
	static const struct out_col cols[] = {{0}, {0}, {.fit = OUT_FREE}};
	struct out_table t;
	struct sbuf b = {0};
	size_t n = 0, nbd = 0, i;
	struct person people[4];
	long ids[4];
	char date[11];
	int json, rc = EXIT_FAIL, first = 1;

	memset(people, 0, sizeof people);
	out_table_init(&t, cols, sizeof cols / sizeof *cols);
	t.indent = 2;
	json = opt_take(&argc, argv, "--json", 0, NULL);
	if (today_cands(ctx, 7, &cands, &n, &bd, &nbd) < 0)
		goto out;
	today_ids(ctx, ctx->today, cands, n, ids);
	for (i = 0; i < 4; i++) {
		if (ids[i] && person_get(ctx, ids[i], &people[i]) < 0)
			goto out;
	}
	date_format(ctx->today, date);
	if (json) {
		sbuf_addc(&b, '{');
		json_kv_str(&b, &first, "date", date);
		for (i = 0; i < 4; i++) {
			int f = 1;
			char why[160];

			json_key(&b, &first, slots[i]);
			if (!ids[i]) {
				sbuf_adds(&b, "null");
				continue;
			}
			today_reason(ctx, slots[i], &people[i], why);
			sbuf_addc(&b, '{');
			person_json_fields(&b, &f, &people[i], ctx->today);
			json_kv_str(&b, &f, "reason", why);
			sbuf_addc(&b, '}');
		}
		json_key(&b, &first, "birthdays");
		sbuf_addc(&b, '[');
		for (i = 0; i < nbd; i++) {
			struct person p;
			int f = 1;

			if (person_get(ctx, bd[i].card, &p) < 0)
				goto out;
			sbuf_adds(&b, i ? ",{" : "{");
			person_json_fields(&b, &f, &p, ctx->today);
			json_kv_str(&b, &f, "birthday", p.bday);
			json_kv_int(&b, &f, "in_days", bd[i].in);
			sbuf_addc(&b, '}');
			person_free(&p);
		}
		sbuf_adds(&b, "]}\n");
		rc = sh_flush(&b);
		goto out;
	}
	if (n == 0) {
		printf("No people yet. (kith account add NAME URL --user USER, "
		       "then kith sync)\n");
		rc = EXIT_OK;
		goto out;
	}
	sbuf_addf(&b, "%sToday, %s:%s\n", sh_color(ctx, OUT_BOLD), date,
		  sh_color(ctx, OUT_RESET));
	for (i = 0; i < 4; i++) {
		char why[160];

		/* Someone new is offered on some days; no empty line for it. */
		if (i == 3 && !ids[i])
			continue;
		out_table_add(&t, titles[i], NULL);
		if (!ids[i]) {
			out_table_span(&t, i == 0 ? "nobody (everyone is in touch)" :
				       i == 1 ? "nobody is due" :
				       "nobody (no one you only email or text and have a number for)");
			continue;
		}
		out_table_add(&t, people[i].label, NULL);
		today_reason(ctx, slots[i], &people[i], why);
		out_table_add(&t, why, NULL);
	}
	out_table_render(&t, &b, (size_t)out_columns(), out_cut());
	if (nbd) {
		sbuf_adds(&b, "Birthdays this week:\n");
		for (i = 0; i < nbd; i++) {
			struct person p;

			if (person_get(ctx, bd[i].card, &p) < 0)
				goto out;
			char w[96];

			sbuf_adds(&b, "  ");
			out_text(&b, p.label);
			sh_bday_words(p.bday, ctx->today, w);
			sbuf_addf(&b, ": %s\n", w);
			person_free(&p);
		}
	}
	rc = sh_flush(&b);
out:
	for (i = 0; i < 4; i++)
		person_free(&people[i]);
	out_table_free(&t);
	sbuf_free(&b);
	free(cands);
	free(bd);
	return rc;
}

/* ---- intro --------------------------------------------------------------- */

int cmd_intro(struct ctx *ctx, int argc, char **argv)
{
	struct person a, b;
	struct kerr err;
	char date[11], *text = NULL, *ta = NULL, *tb = NULL, ida[9], idb[9];
	int rc, ua = 0, ub = 0;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	/* Each the longest run of words that names one person. */
	rc = person_lookup_words(ctx, argc, argv, 1, 1, &ua, &a);
	if (rc == EXIT_OK)
		rc = person_lookup_words(ctx, argc, argv, 1 + ua, 0, &ub, &b);
	if (rc != EXIT_OK)
		goto out;
	rc = EXIT_USAGE;
	if (a.id == b.id) {
		struct sbuf t = {0};

		out_text(&t, a.label);
		say_error("'%s' twice: introduce two different people", t.buf);
		sbuf_free(&t);
		goto out;
	}
	if (person_writable(&a) < 0 || person_writable(&b) < 0)
		goto out;
	text = sh_join_words(argc, argv, 1 + ua + ub);
	ta = text ? xasprintf("Introduced to %s: %s", b.label, text) :
	     xasprintf("Introduced to %s", b.label);
	tb = text ? xasprintf("Introduced to %s: %s", a.label, text) :
	     xasprintf("Introduced to %s", a.label);
	date_format(ctx->today, date);
	rc = EXIT_FAIL;
	/* Both or neither: one transaction. */
	if (cache_begin(ctx->cache, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	if (person_log_add(ctx, &a, date, "intro", ta, 1, ida) != EXIT_OK ||
	    person_log_add(ctx, &b, date, "intro", tb, 1, idb) != EXIT_OK) {
		cache_rollback(ctx->cache);
		goto out;
	}
	if (cache_commit(ctx->cache, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	{
		struct sbuf o = {0};

		sbuf_addf(&o, "logged %s for ", ida);
		out_text(&o, a.label);
		sbuf_addf(&o, " and %s for ", idb);
		out_text(&o, b.label);
		sbuf_addf(&o, " (%s, intro)\n", date);
		sh_flush(&o);
	}
	rc = EXIT_OK;
out:
	person_free(&a);
	person_free(&b);
	free(text);
	free(ta);
	free(tb);
	return rc;
}
