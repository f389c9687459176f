/*
 * people.c: the commands about people: list, show, log, unlog, cadence,
 * snooze, queue, and person_find() that turns what a user typed into one
 * card.
 *
 * Every write goes through cache_outbox_add(): the server copy is never
 * edited here, and the view columns read below are always "server copy +
 * pending operations".
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

const char *const sh_channels[] = {"phone", "email", "text", "meet",
	"video", "letter", "gift", "intro", "other", NULL};

/* Says what failed reading the cache. */
static void cache_error(const struct kerr *err)
{
	say_error("%s", err->msg);
}

/* Loads card id into p: 0, or -1 after printing why. */
int person_get(struct ctx *ctx, long id, struct person *p)
{
	struct kerr err;
	int rc = query_person(ctx->cache, id, p, &err);

	if (rc == 0)
		say_error("card %ld vanished from the cache (a sync running?): "
			  "try again", id);
	else if (rc < 0)
		cache_error(&err);
	return rc > 0 ? 0 : -1;
}

/* Splits a ", "-joined view column back into its values. */
void sh_split_list(const char *s, struct strv *out)
{
	const char *sep;

	if (!s || !*s)
		return;
	while ((sep = strstr(s, ", ")) != NULL) {
		strv_push_own(out, xstrndup(s, (size_t)(sep - s)));
		s = sep + 2;
	}
	strv_push(out, s);
}

/* The first value of a ", "-joined column, or "". */
char *sh_first_of(const char *s)
{
	const char *sep;

	if (!s)
		return xstrdup("");
	sep = strstr(s, ", ");
	return sep ? xstrndup(s, (size_t)(sep - s)) : xstrdup(s);
}

/* Joins argv[from..argc) with spaces, skipping the first "--". */
char *sh_join_words(int argc, char **argv, int from)
{
	struct sbuf b = {0};
	int i, dashes = 0, n = 0;

	for (i = from; i < argc; i++) {
		if (!dashes && strcmp(argv[i], "--") == 0) {
			dashes = 1;
			continue;
		}
		if (n++)
			sbuf_addc(&b, ' ');
		sbuf_adds(&b, argv[i]);
	}
	if (!n)
		return NULL;
	return sbuf_detach(&b, NULL);
}

const char *sh_color(struct ctx *ctx, const char *code)
{
	return ctx->color ? code : "";
}

/* Red when overdue, yellow when due within a week, else nothing. */
const char *sh_due_color(struct ctx *ctx, long due)
{
	if (due < 0 || !ctx->color)
		return "";
	if (due < ctx->today)
		return OUT_RED;
	if (due <= ctx->today + 7)
		return OUT_YELLOW;
	return "";
}

void sh_cadence_words(const char *iso, char out[32])
{
	struct duration d;

	if (iso && duration_parse(iso, &d, NULL) == 0)
		duration_words(&d, out);
	else
		snprintf(out, 32, "%s", iso ? iso : "-");
}

/* "12 days overdue", "due today", "due in 5 days". */
void sh_overdue_words(long due, long today, char out[48])
{
	long n = today - due;

	if (n > 0)
		snprintf(out, 48, "%ld day%s overdue", n, n == 1 ? "" : "s");
	else if (n == 0)
		snprintf(out, 48, "due today");
	else if (n == -1)
		snprintf(out, 48, "due tomorrow");
	else
		snprintf(out, 48, "due in %ld days", -n);
}

static const char *state_name(int state)
{
	return state == CARD_LOCAL ? "local" : state == CARD_GONE ? "gone" :
	       "synced";
}

/* The fields every JSON person carries, without the braces. */
void person_json_fields(struct sbuf *b, int *first,
			       const struct person *p, long today)
{
	struct strv emails = {0}, phones = {0};
	char due[11];

	sh_split_list(p->emails, &emails);
	sh_split_list(p->phones, &phones);
	json_kv_str(b, first, "uid", p->uid);
	json_kv_str(b, first, "fn", p->fn);
	json_kv_str(b, first, "href", p->href);
	json_kv_str(b, first, "book", p->book);
	json_kv_str(b, first, "cadence", p->cadence);
	json_kv_str(b, first, "last_contact", p->last_contact);
	if (p->due >= 0) {
		date_format(p->due, due);
		json_kv_str(b, first, "due", due);
		json_kv_int(b, first, "overdue_days", today - p->due);
	} else {
		json_kv_null(b, first, "due");
		json_kv_null(b, first, "overdue_days");
	}
	json_kv_str(b, first, "snooze", p->snooze);
	json_kv_strv(b, first, "emails", &emails);
	json_kv_strv(b, first, "phones", &phones);
	json_kv_str(b, first, "org", p->org);
	json_kv_bool(b, first, "parsed", p->parsed);
	json_kv_str(b, first, "state", state_name(p->state));
	json_kv_str(b, first, "aspire", p->aspire);
	strv_free(&emails);
	strv_free(&phones);
}

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

/* Whether cmd (a program name, no path) is on PATH. */
static int on_path(const char *cmd)
{
	const char *path = getenv("PATH"), *p, *e;
	int found = 0;

	for (p = path ? path : ""; !found && *p; p = *e ? e + 1 : e) {
		char *f;

		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		f = xasprintf("%.*s/%s", (int)(e - p), p, cmd);
		found = access(f, X_OK) == 0;
		free(f);
	}
	return found;
}

/*
 * The pager for output taller than the terminal, as git does: KITH_PAGER,
 * else PAGER, else less (-F: none for what fits, -R: colours, -X: the
 * text stays on the screen) when installed. NULL: none ("" or "cat" too).
 */
static const char *pager(void)
{
	const char *p = getenv("KITH_PAGER");

	if (!p)
		p = getenv("PAGER");
	if (!p)
		return on_path("less") ? "less -FRX" : NULL;
	return *p && strcmp(p, "cat") != 0 ? p : NULL;
}

/* Whether text is taller than the terminal on stdout. */
static int taller_than_terminal(const char *text, size_t len)
{
	size_t rows = (size_t)out_rows(), lines = 0, i;

	for (i = 0; rows && i < len; i++)
		if (text[i] == '\n' && ++lines >= rows)
			return 1;
	return 0;
}

int sh_flush(struct sbuf *b)
{
	const char *pg;

	if (b->len && taller_than_terminal(b->buf, b->len) && (pg = pager())) {
		FILE *f;

		fflush(stdout);
		/* A PAGER of plain "less" gets git's options, unless LESS says others. */
		setenv("LESS", "FRX", 0);
		f = popen(pg, "w");
		if (f) {
			fwrite(b->buf, 1, b->len, f);
			pclose(f);
			sbuf_free(b);
			return EXIT_OK;
		}
	}
	if (b->len)
		fwrite(b->buf, 1, b->len, stdout);
	sbuf_free(b);
	return EXIT_OK;
}

void sh_bday_words(const char *bday, long today, char out[96])
{
	static const char *const months[] = {"January", "February", "March",
		"April", "May", "June", "July", "August", "September", "October",
		"November", "December"};
	static const char *const days[] = {"Monday", "Tuesday", "Wednesday",
		"Thursday", "Friday", "Saturday", "Sunday"};
	long in = today_bday_in(bday, today), next, wd;
	int y = 0, ny, m, d;
	char when[32];

	if (in < 0) {
		snprintf(out, 96, "%s", bday ? bday : "");
		return;
	}
	if (bday[0] != '-')
		y = atoi(bday);
	next = today + in;
	date_ymd(next, &ny, &m, &d);
	/* 2024-01-01 was a Monday. */
	wd = ((next - date_from_ymd(2024, 1, 1)) % 7 + 7) % 7;
	if (in == 0)
		snprintf(when, sizeof when, "today");
	else if (in == 1)
		snprintf(when, sizeof when, "tomorrow");
	else
		snprintf(when, sizeof when, "in %ld days", in);
	/* Apple writes 1604 for "no year"; a year to come is none either. */
	if (y > 1604 && y <= ny)
		snprintf(out, 96, "%s, %s %d %s, turns %d", when, days[wd], d,
			 months[m - 1], ny - y);
	else
		snprintf(out, 96, "%s, %s %d %s", when, days[wd], d, months[m - 1]);
}

int sh_first_run(struct ctx *ctx)
{
	struct kerr err;
	int any = 1;

	if (query_any_person(ctx->cache, &any, &err) < 0)
		cache_error(&err);
	if (!any)
		printf("No people yet. (kith account add NAME URL --user USER, then "
		       "kith sync)\n");
	return !any;
}

int sh_flush_wrapped(struct sbuf *b)
{
	struct sbuf w = {0};

	/* On a terminal (or to COLUMNS) only: a pipe gets each line whole. */
	if (!out_cut() || !b->len)
		return sh_flush(b);
	out_wrap(&w, b->buf, (size_t)out_columns());
	sbuf_free(b);
	return sh_flush(&w);
}

/* ---- person_find ---------------------------------------------------- */

static void print_candidates(struct ctx *ctx, const char *query,
			     const long *ids, int n)
{
	struct sbuf b = {0};
	struct person p;
	int i;

	sbuf_adds(&b, "kith: ambiguous person '");
	out_text(&b, query);
	sbuf_adds(&b, "', could be:\n");
	for (i = 0; i < n && i < 20; i++) {
		char *email;

		if (person_get(ctx, ids[i], &p) < 0)
			continue;
		email = sh_first_of(p.emails);
		sbuf_adds(&b, "  ");
		out_text(&b, p.label);
		if (*email) {
			sbuf_adds(&b, " <");
			out_text(&b, email);
			sbuf_addc(&b, '>');
		}
		sbuf_adds(&b, "  ");
		out_text(&b, p.href);
		sbuf_addc(&b, '\n');
		free(email);
		person_free(&p);
	}
	if (n > 20) {
		sbuf_adds(&b, "  ... and more: 'list ");
		out_text(&b, query);
		sbuf_adds(&b, "' shows them all\n");
	}
	sbuf_adds(&b, "kith: say which one by a longer part of the name, "
		  "an email or the href\n");
	fputs(b.buf, stderr);
	sbuf_free(&b);
}

/*
 * The people query names: up to 21 ids in ids, their number in *n. 0, or
 * -1 after printing the cache error. Prints nothing else.
 */
static int person_match(struct ctx *ctx, const char *query, long ids[21], int *n)
{
	const char *q = query;
	struct kerr err;

	*n = 0;
	if (!ctx->cache && ctx_cache(ctx) < 0)
		return -1;
	/* A full URL is taken by its path, which is what an href is. */
	if (strncasecmp(q, "http://", 7) == 0 || strncasecmp(q, "https://", 8) == 0) {
		const char *path = strchr(strstr(q, "//") + 2, '/');

		if (path)
			q = path;
	}
	if (query_match(ctx->cache, q, ids, n, &err) < 0) {
		cache_error(&err);
		return -1;
	}
	return 0;
}

long person_find(struct ctx *ctx, const char *query)
{
	long ids[21];
	int n = 0;
	long rc = 0;

	if (person_match(ctx, query, ids, &n) < 0)
		return -1;
	if (!*query) {
		say_error("no such person: '' (try 'list')");
		return 0;
	}
	if (n == 1) {
		rc = ids[0];
	} else if (n == 0) {
		struct sbuf b = {0};

		out_text(&b, query);
		say_error("no such person: %s (try 'list %s')", b.buf, b.buf);
		sbuf_free(&b);
	} else {
		print_candidates(ctx, query, ids, n);
	}
	return rc;
}

/* Names longer than this many words are not looked for word by word. */
#define NAME_WORDS_MAX 8

int person_lookup_words(struct ctx *ctx, int argc, char **argv, int start,
			int keep, int *used, struct person *p)
{
	int k, most = argc - start - keep, n, ambiguous = 0;
	long ids[21];

	if (most > NAME_WORDS_MAX)
		most = NAME_WORDS_MAX;
	/* A name ends before "--": what follows it is never a name. */
	for (k = 0; k < most; k++)
		if (strcmp(argv[start + k], "--") == 0)
			most = k;
	*used = 0;
	for (k = most; k >= 1; k--) {
		char *q = sh_join_words(start + k, argv, start);

		if (!q)
			continue;
		if (person_match(ctx, q, ids, &n) < 0) {
			free(q);
			return EXIT_FAIL;
		}
		free(q);
		if (n == 1) {
			*used = k;
			return person_get(ctx, ids[0], p) < 0 ? EXIT_FAIL : EXIT_OK;
		}
		if (n > 1 && !ambiguous)
			ambiguous = k;	/* the longest run that names several */
	}
	if (most < 1) {
		say_error("name the person before the text (and before --)");
		return EXIT_USAGE;
	}
	{
		/* Why not: the candidates of the longest ambiguous run, or the first word. */
		char *q = sh_join_words(start + (ambiguous ? ambiguous : 1), argv, start);
		long id = person_find(ctx, q);

		free(q);
		return id < 0 ? EXIT_FAIL : EXIT_USAGE;
	}
}

/* person_find() as an exit status: EXIT_OK with *p loaded, or why not. */
int person_lookup(struct ctx *ctx, const char *query, struct person *p)
{
	long id = person_find(ctx, query);

	if (id < 0)
		return EXIT_FAIL;
	if (id == 0)
		return EXIT_USAGE;
	if (person_get(ctx, id, p) < 0)
		return EXIT_FAIL;
	return EXIT_OK;
}

/* Notes can be added only to a card kith can patch and push. */
int person_writable(const struct person *p)
{
	if (!p->parsed) {
		say_error("%s cannot be read (%s); kith keeps it exactly as the "
			  "server has it and never writes to it: fix the card "
			  "in another client, then sync", p->label,
			  p->why ? p->why : "unknown reason");
		return -1;
	}
	if (p->state == CARD_GONE) {
		say_error("%s was deleted on the server; the notes kept here "
			  "cannot be saved to it: 'gone restore' creates it "
			  "again, 'gone move' keeps the notes on someone else",
			  p->label);
		return -1;
	}
	return 0;
}

/* ---- list ------------------------------------------------------------ */

int cmd_list(struct ctx *ctx, int argc, char **argv)
{
	struct person *people = NULL;
	size_t n = 0, i;
	size_t name_w = 4, mail_w = 5, cad_w = 7, last_w = 12, due_w = 3;
	size_t name_nat = 4, mail_nat = 5, rest, gap = 2;
	struct sbuf b = {0};
	struct kerr err;
	char *query;
	long *cat = NULL;
	size_t ncat = 0;
	int json, rc = EXIT_FAIL, in_cat = 0;

	json = opt_take(&argc, argv, "--json", 0, NULL);
	if (sh_take_category(ctx, &argc, argv, &cat, &ncat, &in_cat) < 0)
		return EXIT_USAGE;
	if (opt_none_left("list", argc, argv) < 0) {
		free(cat);
		return EXIT_USAGE;
	}
	query = sh_join_words(argc, argv, 1);
	if (query_people(ctx->cache, query, in_cat ? cat : NULL, ncat, &people,
			 &n, &err) < 0) {
		cache_error(&err);
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

	/* Column widths: the fixed columns at their widest, the rest shared. */
	for (i = 0; i < n; i++) {
		struct person *p = &people[i];
		char w[32], *email = sh_first_of(p->emails);
		size_t lw;

		sh_cadence_words(p->cadence, w);
		if (strlen(w) > cad_w)
			cad_w = strlen(w);
		if (p->last_contact) {
			long d;

			if (date_parse(p->last_contact, &d, NULL) == 0)
				date_relative(d, ctx->today, w);
			else
				snprintf(w, sizeof w, "%s", p->last_contact);
			if (strlen(w) > last_w)
				last_w = strlen(w);
		}
		if (p->due >= 0)
			due_w = 10;
		lw = out_width(p->label) + (p->state == CARD_GONE ? 24 : 0);
		if (lw > name_nat)
			name_nat = lw;
		if (out_width(email) > mail_nat)
			mail_nat = out_width(email);
		free(email);
	}
	rest = (size_t)out_columns();
	rest = rest > cad_w + last_w + due_w + 4 * gap ?
	       rest - (cad_w + last_w + due_w + 4 * gap) : 0;
	if (name_nat + mail_nat + gap <= rest || !out_cut()) {
		/* It fits, or goes to a pipe: whole and aligned. */
		name_w = name_nat;
		mail_w = mail_nat;
	} else {
		/* Emails get up to two fifths; the column goes when too narrow. */
		mail_w = mail_nat < rest * 2 / 5 ? mail_nat : rest * 2 / 5;
		name_w = rest > mail_w + gap ? rest - mail_w - gap : 0;
		if (name_w > name_nat)
			name_w = name_nat;
		if (name_w < 12 || mail_w < 10) {
			mail_w = 0;
			name_w = rest < name_nat ? rest : name_nat;
			if (name_w < 8)
				name_w = 8;
		}
	}

	sbuf_adds(&b, sh_color(ctx, OUT_BOLD));
	out_cell(&b, "NAME", name_w, 1);
	if (mail_w) {
		sbuf_adds(&b, "  ");
		out_cell(&b, "EMAIL", mail_w, 1);
	}
	sbuf_adds(&b, "  ");
	out_cell(&b, "CADENCE", cad_w, 1);
	sbuf_adds(&b, "  ");
	out_cell(&b, "LAST CONTACT", last_w, 1);
	sbuf_adds(&b, "  DUE");
	sbuf_adds(&b, sh_color(ctx, OUT_RESET));
	sbuf_addc(&b, '\n');
	for (i = 0; i < n; i++) {
		struct person *p = &people[i];
		char cad[32] = "-", last[32] = "-", due[11] = "-";
		char *name, *email = sh_first_of(p->emails);
		const char *c;

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
		out_cell(&b, name, name_w, 1);
		if (mail_w) {
			sbuf_adds(&b, "  ");
			out_cell(&b, email, mail_w, 1);
		}
		sbuf_adds(&b, "  ");
		out_cell(&b, cad, cad_w, 1);
		sbuf_adds(&b, "  ");
		out_cell(&b, last, last_w, 1);
		sbuf_adds(&b, "  ");
		c = sh_due_color(ctx, p->due);
		sbuf_adds(&b, c);
		sbuf_adds(&b, due);
		if (*c)
			sbuf_adds(&b, OUT_RESET);
		/* No trailing blanks when the due column is empty. */
		while (b.len && b.buf[b.len - 1] == ' ')
			b.buf[--b.len] = '\0';
		sbuf_addc(&b, '\n');
		free(name);
		free(email);
	}
	rc = sh_flush(&b);
out:
	person_free_all(people, n);
	free(query);
	free(cat);
	sbuf_free(&b);
	return rc;
}

/* ---- show ------------------------------------------------------------ */


/* The person's log, newest first. 0, or -1 after printing why. */
int person_log(struct ctx *ctx, long card, struct person_log_row **rows,
	       size_t *n)
{
	struct kerr err;

	if (query_log(ctx->cache, card, rows, n, &err) < 0) {
		cache_error(&err);
		return -1;
	}
	return 0;
}

/* Appends s cleaned, each line after the first indented by indent columns. */
void sh_add_lines(struct sbuf *b, const char *s, int indent)
{
	const char *e;
	char *line;

	while (s) {
		e = strchr(s, '\n');
		line = e ? xstrndup(s, (size_t)(e - s)) : xstrdup(s);
		out_text(b, line);
		free(line);
		if (!e)
			break;
		s = e + 1;
		sbuf_addf(b, "\n%*s", indent, "");
	}
}

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
	if (opt_none_left("show", argc, argv) < 0)
		return EXIT_USAGE;
	query = sh_join_words(argc, argv, 1);
	if (!query) {
		say_error("usage: show [--json] PERSON");
		return EXIT_USAGE;
	}
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

/* ---- log, unlog ------------------------------------------------------ */

/* Whether the card's log holds id. 1, 0, or -1 after printing why. */
static int log_has(struct ctx *ctx, long card, const char *id)
{
	struct kerr err;
	int rc = query_log_has(ctx->cache, card, id, &err);

	if (rc < 0)
		cache_error(&err);
	return rc;
}

int person_log_add(struct ctx *ctx, const struct person *p, const char *date,
		   const char *via, const char *text, int quiet, char id_out[9])
{
	struct kerr err;
	char id[9];
	int tries;

	/* 32 random bits; a clash within one card is unlikely but cheap to rule out. */
	for (tries = 0; tries < 16; tries++) {
		int has;

		vcard_log_newid(id);
		has = log_has(ctx, p->id, id);
		if (has < 0)
			return EXIT_FAIL;
		if (!has)
			break;
	}
	if (cache_outbox_add(ctx->cache, p->id, "log", date, via, id, text,
			     &err) < 0) {
		say_error("%s", err.msg);
		return EXIT_FAIL;
	}
	if (id_out)
		memcpy(id_out, id, 9);
	if (!quiet) {
		struct sbuf b = {0};

		sbuf_addf(&b, "logged %s for ", id);
		out_text(&b, p->label);
		sbuf_addf(&b, " (%s, %s)\n", date, via);
		sh_flush(&b);
	}
	return EXIT_OK;
}

int cmd_log(struct ctx *ctx, int argc, char **argv)
{
	char *via = NULL, *when = NULL, *text = NULL;
	char vianame[16], date[11];
	struct person p;
	struct kerr err;
	long day = ctx->today;
	int i, rc, used;

	memset(&p, 0, sizeof p);
	if (opt_take(&argc, argv, "--via", 1, &via) < 0 ||
	    opt_take(&argc, argv, "--date", 1, &when) < 0 ||
	    opt_none_left("log", argc, argv) < 0)
		return EXIT_USAGE;
	if (argc < 2) {
		say_error("log needs a PERSON: log PERSON [--via CHANNEL] [--date "
			  "DATE] [TEXT...]");
		return EXIT_USAGE;
	}
	if (!via)
		via = "other";
	for (i = 0; sh_channels[i]; i++)
		if (strcasecmp(via, sh_channels[i]) == 0)
			break;
	if (!sh_channels[i]) {
		say_error("unknown channel '%s': use one of phone, email, text, "
			  "meet, video, letter, gift, intro, other", via);
		return EXIT_USAGE;
	}
	snprintf(vianame, sizeof vianame, "%s", sh_channels[i]);
	if (when) {
		if (date_parse_user(when, ctx->today, 0, &day, &err) < 0) {
			say_error("%s", err.msg);
			return EXIT_USAGE;
		}
		if (day > ctx->today) {
			date_format(day, date);
			say_error("%s is in the future: log what happened (to be "
				  "reminded later, use snooze PERSON DATE)", date);
			return EXIT_USAGE;
		}
	}
	date_format(day, date);
	/*
	 * The longest run of words that names one person; the rest is the
	 * text, which may be nothing: "log ana --via phone" is a touch.
	 */
	rc = person_lookup_words(ctx, argc, argv, 1, 0, &used, &p);
	if (rc != EXIT_OK)
		goto out;
	text = sh_join_words(argc, argv, 1 + used);
	if (!text)
		text = xstrdup("");
	rc = EXIT_USAGE;
	if (person_writable(&p) < 0)
		goto out;
	rc = person_log_add(ctx, &p, date, vianame, text, 0, NULL);
out:
	person_free(&p);
	free(text);
	return rc;
}

int cmd_unlog(struct ctx *ctx, int argc, char **argv)
{
	char id[9], *query = NULL;
	struct person p;
	struct kerr err;
	const char *arg;
	int rc, has, i;

	memset(&p, 0, sizeof p);
	if (opt_none_left("unlog", argc, argv) < 0)
		return EXIT_USAGE;
	if (argc < 3) {
		say_error("usage: unlog PERSON ID (the ids are in 'show PERSON')");
		return EXIT_USAGE;
	}
	/* The id is the last word, so an unquoted two-word name works too. */
	arg = argv[argc - 1];
	if (strlen(arg) != 8 || strspn(arg, "0123456789abcdefABCDEF") != 8) {
		say_error("'%s' is not a log id: an id is 8 hex digits, as 'show "
			  "PERSON' lists them", arg);
		return EXIT_USAGE;
	}
	for (i = 0; i < 8; i++)
		id[i] = (char)(arg[i] >= 'A' && arg[i] <= 'F' ? arg[i] + 32 : arg[i]);
	id[8] = '\0';
	query = sh_join_words(argc - 1, argv, 1);
	rc = person_lookup(ctx, query, &p);
	if (rc != EXIT_OK)
		goto out;
	rc = EXIT_USAGE;
	if (person_writable(&p) < 0)
		goto out;
	has = log_has(ctx, p.id, id);
	if (has < 0) {
		rc = EXIT_FAIL;
		goto out;
	}
	if (!has) {
		struct sbuf b = {0};

		out_text(&b, p.label);
		say_error("%s has no log entry %s: 'show %s' lists the ids",
			  b.buf, id, query);
		sbuf_free(&b);
		goto out;
	}
	rc = EXIT_FAIL;
	if (cache_outbox_add(ctx->cache, p.id, "unlog", id, NULL, NULL, NULL,
			     &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	{
		struct sbuf b = {0};

		sbuf_addf(&b, "removed %s from the log of ", id);
		out_text(&b, p.label);
		sbuf_addc(&b, '\n');
		sh_flush(&b);
	}
	rc = EXIT_OK;
out:
	person_free(&p);
	free(query);
	return rc;
}

/* ---- cadence, snooze ------------------------------------------------- */

/*
 * The value of cadence and snooze: the last word, or the last two when
 * they read "2 weeks", so that neither a two-word name nor a two-word
 * duration needs quotes. Returns the value (caller frees) and sets *end to
 * where the person's words stop.
 */
static char *value_words(int argc, char **argv, int *end)
{
	static const char *const units[] = {"d", "day", "days", "w", "week",
		"weeks", "m", "month", "months", "y", "year", "years", NULL};
	const char *last = argv[argc - 1], *prev = argv[argc - 2];
	int i;

	*end = argc - 1;
	if (argc < 4 || strspn(prev, "0123456789") != strlen(prev))
		return xstrdup(last);
	for (i = 0; units[i]; i++)
		if (strcasecmp(last, units[i]) == 0) {
			*end = argc - 2;
			return xasprintf("%s %s", prev, last);
		}
	return xstrdup(last);
}

/* "Ana Lima: every 2 weeks (due 2026-12-07)" after a change. */
static int print_status(struct ctx *ctx, long card, const char *what)
{
	struct person p;
	struct sbuf b = {0};
	char due[11], w[32];

	if (person_get(ctx, card, &p) < 0)
		return EXIT_FAIL;
	out_text(&b, p.label);
	sbuf_adds(&b, ": ");
	if (strcmp(what, "cadence") == 0) {
		if (p.cadence) {
			sh_cadence_words(p.cadence, w);
			sbuf_adds(&b, w);
		} else {
			sbuf_adds(&b, "no cadence (not in the queue)");
		}
	} else if (p.snooze) {
		sbuf_addf(&b, "snoozed until %s", p.snooze);
	} else {
		sbuf_adds(&b, "not snoozed");
	}
	if (p.due >= 0) {
		date_format(p.due, due);
		sbuf_addf(&b, " (due %s)", due);
	} else if (strcmp(what, "snooze") == 0) {
		sbuf_adds(&b, " (no cadence, so not in the queue anyway)");
	}
	sbuf_addc(&b, '\n');
	person_free(&p);
	return sh_flush(&b);
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

/*
 * --category NAME of list or queue: the ids in *ids (caller frees), or
 * -1 when nobody is in it (said) or on error; 0 without --category.
 */
int sh_take_category(struct ctx *ctx, int *argc, char **argv, long **ids,
		     size_t *n, int *given)
{
	struct kerr err;
	char *name = NULL;

	*ids = NULL;
	*n = 0;
	*given = opt_take(argc, argv, "--category", 1, &name);
	if (*given < 0)
		return -1;
	if (!*given)
		return 0;
	if (query_category(ctx->cache, name, 0, ids, n, NULL, &err) < 0) {
		cache_error(&err);
		return -1;
	}
	if (*n == 0) {
		struct sbuf b = {0};

		out_text(&b, name);
		say_error("nobody is in the category '%s' (CATEGORIES or a group "
			  "of that name): 'stats' lists the categories", b.buf);
		sbuf_free(&b);
		return -1;
	}
	return 0;
}

/* cadence --category NAME (DURATION | off): one outbox op per person. */
static int cadence_category(struct ctx *ctx, const char *name, const char *iso,
			    int yes)
{
	struct kerr err;
	long *ids = NULL;
	size_t n = 0, i, skipped = 0;
	int rc = EXIT_FAIL;

	if (query_category(ctx->cache, name, 1, &ids, &n, &skipped, &err) < 0) {
		cache_error(&err);
		goto out;
	}
	if (n == 0) {
		struct sbuf b = {0};

		out_text(&b, name);
		say_error("nobody is in the category '%s' (CATEGORIES or a group "
			  "of that name): 'stats' lists the categories", b.buf);
		sbuf_free(&b);
		rc = EXIT_USAGE;
		goto out;
	}
	if (!yes) {
		/* On a terminal: who it is about to change, and a yes first. */
		struct sbuf q = {0};
		char w[32];
		int ok;

		if (*iso)
			sh_cadence_words(iso, w);
		else
			snprintf(w, sizeof w, "no cadence");
		sbuf_addf(&q, "%s for %zu %s (", w, n, n == 1 ? "person" : "people");
		for (i = 0; i < n && i < 5; i++) {
			struct person p;

			if (person_get(ctx, ids[i], &p) < 0)
				break;
			sbuf_adds(&q, i ? ", " : "");
			out_text(&q, p.label);
			person_free(&p);
		}
		if (n > 5)
			sbuf_addf(&q, " and %zu more", n - 5);
		sbuf_adds(&q, ")?");
		ok = shell_confirm(q.buf);
		sbuf_free(&q);
		if (ok == 0) {
			printf("nothing changed\n");
			rc = EXIT_OK;
			goto out;
		}
	}
	/* All or nothing: one transaction for the whole category. */
	if (cache_begin(ctx->cache, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (cache_outbox_add(ctx->cache, ids[i], "cadence", iso, NULL,
				     NULL, NULL, &err) < 0) {
			cache_rollback(ctx->cache);
			say_error("%s", err.msg);
			goto out;
		}
	if (cache_commit(ctx->cache, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	{
		struct sbuf b = {0};
		char w[32];

		if (*iso)
			sh_cadence_words(iso, w);
		else
			snprintf(w, sizeof w, "no cadence");
		out_text(&b, name);
		printf("%s: %s for %zu %s", b.buf, w, n, n == 1 ? "person" : "people");
		if (skipped)
			printf(" (%zu unreadable or deleted card%s left alone)",
			       skipped, skipped == 1 ? "" : "s");
		printf("\n");
		sbuf_free(&b);
	}
	rc = EXIT_OK;
out:
	free(ids);
	return rc;
}

/* "off"/"none" leave iso empty; else the ISO form of a duration. */
int sh_cadence_arg(const char *arg, char iso[16])
{
	struct duration d;
	struct kerr err;

	if (strcasecmp(arg, "off") == 0 || strcasecmp(arg, "none") == 0)
		return 0;
	if (duration_parse(arg, &d, &err) < 0) {
		say_error("%s, or off", err.msg);
		return -1;
	}
	duration_iso(&d, iso);
	return 0;
}

int cmd_cadence(struct ctx *ctx, int argc, char **argv)
{
	char iso[16] = "", *query = NULL, *arg = NULL, *category = NULL;
	struct kerr err;
	struct person p;
	int end, rc, yes;

	memset(&p, 0, sizeof p);
	if (opt_take(&argc, argv, "--category", 1, &category) < 0 ||
	    (yes = opt_take(&argc, argv, "--yes", 0, NULL)) < 0 ||
	    opt_none_left("cadence", argc, argv) < 0)
		return EXIT_USAGE;
	if (category) {
		if (argc != 2 && !(argc == 3 && strspn(argv[1], "0123456789") ==
				   strlen(argv[1]))) {
			say_error("usage: cadence --category NAME (DURATION | "
				  "off), e.g. cadence --category Family 2w");
			return EXIT_USAGE;
		}
		arg = argc == 3 ? xasprintf("%s %s", argv[1], argv[2]) :
		      xstrdup(argv[1]);
		rc = EXIT_USAGE;
		if (sh_cadence_arg(arg, iso) < 0)
			goto out;
		rc = cadence_category(ctx, category, iso, yes);
		goto out;
	}
	if (argc < 3) {
		say_error("usage: cadence PERSON (DURATION | off), e.g. cadence "
			  "ana 30d");
		return EXIT_USAGE;
	}
	arg = value_words(argc, argv, &end);
	rc = EXIT_USAGE;
	if (sh_cadence_arg(arg, iso) < 0)
		goto out;
	query = sh_join_words(end, argv, 1);
	rc = person_lookup(ctx, query, &p);
	if (rc != EXIT_OK)
		goto out;
	rc = EXIT_USAGE;
	if (person_writable(&p) < 0)
		goto out;
	rc = EXIT_FAIL;
	if (cache_outbox_add(ctx->cache, p.id, "cadence", iso, NULL, NULL, NULL,
			     &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	rc = print_status(ctx, p.id, "cadence");
out:
	person_free(&p);
	free(query);
	free(arg);
	return rc;
}

int cmd_snooze(struct ctx *ctx, int argc, char **argv)
{
	char date[11] = "", *query = NULL, *arg = NULL;
	int end;
	struct person p;
	struct kerr err;
	long day;
	int rc;

	memset(&p, 0, sizeof p);
	if (opt_none_left("snooze", argc, argv) < 0)
		return EXIT_USAGE;
	if (argc < 3) {
		say_error("usage: snooze PERSON (DURATION | DATE | off), e.g. "
			  "snooze ana 2w");
		return EXIT_USAGE;
	}
	arg = value_words(argc, argv, &end);
	rc = EXIT_USAGE;
	if (strcasecmp(arg, "off") != 0 && strcasecmp(arg, "none") != 0) {
		if (date_parse_user(arg, ctx->today, 1, &day, &err) < 0) {
			say_error("%s, or off", err.msg);
			goto out;
		}
		date_format(day, date);
		if (day <= ctx->today) {
			say_error("cannot snooze until %s: the date must be after "
				  "today (e.g. 2w or a YYYY-MM-DD ahead)", date);
			goto out;
		}
	}
	query = sh_join_words(end, argv, 1);
	rc = person_lookup(ctx, query, &p);
	if (rc != EXIT_OK)
		goto out;
	rc = EXIT_USAGE;
	if (person_writable(&p) < 0)
		goto out;
	rc = EXIT_FAIL;
	if (cache_outbox_add(ctx->cache, p.id, "snooze", date, NULL, NULL, NULL,
			     &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	rc = print_status(ctx, p.id, "snooze");
out:
	person_free(&p);
	free(query);
	free(arg);
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
		cache_error(&err);
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
	size_t n = 0, i, got = 0;
	size_t name_w = 0, when_w = 0, cad_w = 0, cols, used, ncat = 0;
	long *cat = NULL;
	int json, all, rc = EXIT_FAIL, in_cat = 0;

	json = opt_take(&argc, argv, "--json", 0, NULL);
	all = opt_take(&argc, argv, "--all", 0, NULL);
	if (sh_take_category(ctx, &argc, argv, &cat, &ncat, &in_cat) < 0)
		return EXIT_USAGE;
	if (opt_none_left("queue", argc, argv) < 0 || argc > 1) {
		if (argc > 1)
			say_error("queue takes no PERSON: usage: queue [--json] [--all] "
				  "[--category NAME]");
		free(cat);
		return EXIT_USAGE;
	}
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
		char w[48];

		if (out_width(people[i].label) > name_w)
			name_w = out_width(people[i].label);
		when_words(&people[i], &q[i], ctx->today, w);
		if (strlen(w) > when_w)
			when_w = strlen(w);
		sh_cadence_words(people[i].cadence, w);
		if (strlen(w) > cad_w)
			cad_w = strlen(w);
	}
	cols = (size_t)out_columns();
	/* Names give way (down to 12 columns) so the last contact keeps 30. */
	used = name_w + when_w + cad_w + 6;
	if (used + 30 > cols && name_w > 12 && out_cut()) {
		size_t over = used + 30 - cols;

		name_w = name_w > over + 12 ? name_w - over : 12;
		used = name_w + when_w + cad_w + 6;
	}
	/* Narrower still: names down to 8, so that at least 10 are left. */
	if (used + 10 > cols && name_w > 8 && out_cut()) {
		size_t over = used + 10 - cols;

		name_w = name_w > over + 8 ? name_w - over : 8;
		used = name_w + when_w + cad_w + 6;
	}
	for (i = 0; i < n; i++) {
		struct person *p = &people[i];
		char w[48], cad[32], *text = texts[i];
		struct sbuf last = {0};
		const char *c = sh_due_color(ctx, q[i].due);
		long d;

		out_cell(&b, p->label, name_w, 1);
		sbuf_adds(&b, "  ");
		when_words(p, &q[i], ctx->today, w);
		sbuf_adds(&b, c);
		out_cell(&b, w, when_w, 1);
		if (*c)
			sbuf_adds(&b, OUT_RESET);
		sbuf_adds(&b, "  ");
		sh_cadence_words(p->cadence, cad);
		out_cell(&b, cad, cad_w, 1);
		sbuf_adds(&b, "  ");
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
		/* Never past the terminal's edge: a line that wraps is a broken table. */
		out_cell(&b, last.buf, !out_cut() ? out_width(last.buf) :
			 cols > used ? cols - used : 1, 0);
		sbuf_addc(&b, '\n');
		sbuf_free(&last);
	}
	rc = sh_flush(&b);
out:
	for (i = 0; i < got; i++) {
		person_free(&people[i]);
		free(texts[i]);
	}
	free(people);
	free(texts);
	free(q);
	sbuf_free(&b);
	return rc;
}

/* ---- undo ------------------------------------------------------------ */

int cmd_undo(struct ctx *ctx, int argc, char **argv)
{
	struct cache_undo u;
	struct sbuf b = {0};
	struct kerr err;
	char w[32];
	int r;

	if (opt_none_left("undo", argc, argv) < 0)
		return EXIT_USAGE;
	if (argc > 1) {
		say_error("undo takes nothing: it takes back the last change not "
			  "yet synced");
		return EXIT_USAGE;
	}
	r = cache_outbox_undo(ctx->cache, &u, &err);
	if (r < 0) {
		say_error("%s", err.msg);
		return EXIT_FAIL;
	}
	if (r == 0) {
		printf("Nothing to undo: every change is on the server already "
		       "('unlog', 'cadence' and 'snooze' change it from there).\n");
		return EXIT_OK;
	}
	sbuf_adds(&b, "undone: ");
	if (strcmp(u.op, "log") == 0) {
		sbuf_addf(&b, "the touch of %s (\"", u.value);
		out_text(&b, u.text);
		sbuf_adds(&b, "\")");
	} else if (strcmp(u.op, "unlog") == 0) {
		sbuf_addf(&b, "unlog %s", u.value);
	} else if (strcmp(u.op, "cadence") == 0) {
		sh_cadence_words(*u.value ? u.value : NULL, w);
		sbuf_addf(&b, "cadence %s", *u.value ? w : "off");
	} else if (strcmp(u.op, "snooze") == 0) {
		if (*u.value)
			sbuf_addf(&b, "snooze until %s", u.value);
		else
			sbuf_adds(&b, "the end of a snooze");
	} else if (strcmp(u.op, "create") == 0) {
		sbuf_adds(&b, "the add, never on the server, of");
	} else if (strcmp(u.op, "edit") == 0) {
		sbuf_adds(&b, "the edit of a log entry");
	} else if (strcmp(u.op, "set") == 0) {
		sbuf_addf(&b, "the change of %s", u.value);
	} else if (strcmp(u.op, "aspire") == 0) {
		sbuf_adds(&b, *u.value ? "someone new" : "the end of someone new");
	} else if (strcmp(u.op, "remove") == 0) {
		sbuf_adds(&b, "the removal of");
	} else {
		sbuf_adds(&b, u.op);
	}
	sbuf_adds(&b, strcmp(u.op, "create") == 0 ||
		  strcmp(u.op, "remove") == 0 ? " " : " for ");
	out_text(&b, u.name);
	if (u.cards == 2)
		sbuf_adds(&b, " and one other");
	else if (u.cards > 2)
		sbuf_addf(&b, " and %ld others", u.cards - 1);
	sbuf_addc(&b, '\n');
	cache_undo_free(&u);
	return sh_flush(&b);
}
