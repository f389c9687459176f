/*
 * capture.c: 'capture mail', touches from the user's mail. The run
 * itself (reading, judging, logging) is src/capture_run.c; this is the
 * command: its options, the progress line, the dry run's table and the
 * summary. Built into the mail module kith-mail.so with GMime, so that
 * no other command loads GMime, GLib or libnotmuch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture_run.h"
#include "date.h"
#include "out.h"
#include "shell.h"

/* A touch --dry-run shows. */
struct dry_row {
	char date[11];
	char *person, *text;
};

struct cmd {
	struct ctx *ctx;
	struct capture_run *run;
	const struct capture_stats *st;
	char since_s[11];	/* --since as a date, or "" */
	int dry, progress;	/* progress: stderr is a terminal */
	double shown;		/* when the progress line was last written */
	struct dry_row *rows;
	size_t nrows;
};

/* ---- output ---------------------------------------------------------- */

/* 3204 as "3,204", whatever the locale. */
static void add_count(struct sbuf *b, long n)
{
	char digits[32];
	int len, i;

	len = snprintf(digits, sizeof digits, "%ld", n);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0 && digits[i - 1] != '-')
			sbuf_addc(b, ',');
		sbuf_addc(b, digits[i]);
	}
}

static void show_progress(struct cmd *r, int last)
{
	double now;
	struct sbuf b = {0};

	if (!r->progress)
		return;
	if (last) {
		fputs("\r\033[K", stderr);
		return;
	}
	now = mono_seconds();
	if (now - r->shown < 0.1)
		return;
	r->shown = now;
	/* Only kith's own numbers: nothing from a message reaches this line. */
	sbuf_adds(&b, "\rcapture: ");
	add_count(&b, r->st->messages);
	sbuf_adds(&b, " messages, ");
	add_count(&b, r->st->touches);
	sbuf_adds(&b, " touches\033[K");
	fputs(b.buf, stderr);
	fflush(stderr);
	sbuf_free(&b);
}

/* ", 900 lists": one part of the summary's parenthesis, when not zero. */
static void add_part(struct sbuf *b, int *first, long n, const char *one,
		     const char *many)
{
	if (!n)
		return;
	sbuf_adds(b, *first ? "" : ", ");
	add_count(b, n);
	sbuf_addf(b, " %s", n == 1 ? one : many);
	*first = 0;
}

static void summary(struct cmd *c)
{
	const struct capture_stats *r = c->st;
	struct sbuf b = {0};
	long skipped = r->lists + r->autos + r->crowds + r->unreadable;
	int first = 1;

	sbuf_adds(&b, c->dry ? "would capture " : "captured ");
	add_count(&b, r->touches);
	sbuf_adds(&b, r->touches == 1 ? " touch on " : " touches on ");
	add_count(&b, r->people);
	sbuf_adds(&b, r->people == 1 ? " person from " : " people from ");
	add_count(&b, r->messages);
	sbuf_adds(&b, r->messages == 1 ? " message" : " messages");
	if (skipped) {
		sbuf_adds(&b, " (");
		add_count(&b, skipped);
		sbuf_adds(&b, " skipped: ");
		add_part(&b, &first, r->lists, "list", "lists");
		add_part(&b, &first, r->autos, "auto-reply", "auto-replies");
		add_part(&b, &first, r->crowds, "to more than 20 people",
			 "to more than 20 people");
		add_part(&b, &first, r->unreadable, "unreadable", "unreadable");
		sbuf_addc(&b, ')');
	}
	if (r->older) {
		sbuf_adds(&b, "; ");
		add_count(&b, r->older);
		sbuf_addf(&b, " before %s", c->since_s);
	}
	if (r->before) {
		sbuf_adds(&b, "; ");
		add_count(&b, r->before);
		sbuf_adds(&b, " read before");
	}
	if (c->dry)
		sbuf_adds(&b, "; nothing was changed");
	sbuf_addc(&b, '\n');
	sh_flush(&b);
}

/* The hooks of the run. */
static void on_warn(void *arg, const char *msg)
{
	struct cmd *c = arg;

	if (c->progress)
		fputs("\r\033[K", stderr);
	say_error("%s", msg);
}

static void on_progress(void *arg, const struct capture_stats *st)
{
	show_progress(arg, 0);
}

static void on_planned(void *arg, const char *date, const char *person,
		       const char *text)
{
	struct cmd *c = arg;
	struct dry_row *d;

	c->rows = xrealloc(c->rows, (c->nrows + 1) * sizeof *c->rows);
	d = &c->rows[c->nrows++];
	snprintf(d->date, sizeof d->date, "%s", date);
	d->person = xstrdup(person);
	d->text = xstrdup(text);
}

static int row_cmp(const void *a, const void *b)
{
	const struct dry_row *x = a, *y = b;
	int c = strcmp(x->date, y->date);

	if (!c)
		c = strcmp(x->person, y->person);
	return c ? c : strcmp(x->text, y->text);
}

/* The touches --dry-run found, by date: folders are read in no useful order. */
static int dry_table(struct cmd *r)
{
	static const struct out_col cols[] = {
		{.head = "DATE", .min = 10, .max = 10},
		{.head = "PERSON", .min = 4, .cap = {1, 3}},
		{.head = "VIA", .min = 5, .max = 5},
		{.head = "TEXT", .fit = OUT_FILL, .min = 10},
	};
	struct out_table t;
	struct sbuf b = {0};
	size_t i;

	if (!r->nrows)
		return 0;
	qsort(r->rows, r->nrows, sizeof *r->rows, row_cmp);
	out_table_init(&t, cols, sizeof cols / sizeof *cols);
	for (i = 0; i < r->nrows; i++) {
		out_table_add(&t, r->rows[i].date, NULL);
		out_table_add(&t, r->rows[i].person, NULL);
		out_table_add(&t, "email", NULL);
		out_table_add(&t, r->rows[i].text, NULL);
	}
	out_table_render(&t, &b, (size_t)out_columns(), out_cut());
	out_table_free(&t);
	return sh_flush(&b);
}

/* ---- the command ----------------------------------------------------- */

struct opts {
	struct strv me;
	char *notmuch;
	long since;
	int dry, rescan;
};

/* Options into o; the paths stay in argv[2..*argc). An exit status. */
static int take_options(struct ctx *ctx, int *argc, char **argv, struct opts *o)
{
	char *v = NULL;
	struct kerr err;
	int got;

	while ((got = opt_take(argc, argv, "--me", 1, &v)) == 1)
		strv_push(&o->me, v);
	if (got < 0 || opt_take(argc, argv, "--notmuch", 1, &o->notmuch) < 0)
		return EXIT_USAGE;
	o->dry = opt_take(argc, argv, "--dry-run", 0, NULL) == 1;
	o->rescan = opt_take(argc, argv, "--rescan", 0, NULL) == 1;
	v = NULL;
	if (opt_take(argc, argv, "--since", 1, &v) < 0)
		return EXIT_USAGE;
	o->since = -1;
	if (v && date_parse_user(v, ctx->today, 0, &o->since, &err) < 0) {
		say_error("%s", err.msg);
		return EXIT_USAGE;
	}
	for (got = 2; got < *argc; got++)
		if (strcmp(argv[got], "--") == 0) {
			memmove(argv + got, argv + got + 1,
				(size_t)(*argc - got - 1) * sizeof *argv);
			(*argc)--;
			break;
		}
	return EXIT_OK;
}

/* The user's addresses into the run: the config's and --me. An exit status. */
static int add_addresses(struct cmd *c, const struct opts *o)
{
	const struct config *cfg = &c->ctx->cfg;
	size_t i, n = 0;

	for (i = 0; i < cfg->mail_me.n; i++)
		n = capture_run_me(c->run, cfg->mail_me.v[i]);
	for (i = 0; i < o->me.n; i++)
		n = capture_run_me(c->run, o->me.v[i]);
	if (n)
		return EXIT_OK;
	say_error("capture needs your own addresses to tell mail you wrote from "
		  "mail you got: give --me ADDRESS, or add 'me = ADDRESS' lines "
		  "under [mail] in %s", cfg->path ? cfg->path : "the config");
	return EXIT_USAGE;
}

/* Reads what the command line or the config names. 0, or -1 after saying why. */
static int read_all(struct cmd *c, int argc, char **argv, const char *notmuch)
{
	const struct strv *paths = &c->ctx->cfg.mail_paths;
	struct kerr err;
	int i, rc = 0;
	size_t k;

	if (notmuch)
		rc = capture_run_notmuch(c->run, notmuch, &err);
	else if (argc <= 2 && paths->n == 0) {
		say_error("no mail to read: name a Maildir or mbox file, or add "
			  "'path = ~/Maildir' under [mail] in the config");
		return -1;
	}
	for (i = 2; !notmuch && i < argc && rc == 0; i++)
		rc = capture_run_path(c->run, argv[i], &err);
	for (k = 0; !notmuch && argc <= 2 && k < paths->n && rc == 0; k++)
		rc = capture_run_path(c->run, paths->v[k], &err);
	if (rc < 0)
		say_error("%s", err.msg);
	return rc;
}

static void cmd_free(struct cmd *c, struct opts *o)
{
	size_t i;

	capture_run_free(c->run);
	for (i = 0; i < c->nrows; i++) {
		free(c->rows[i].person);
		free(c->rows[i].text);
	}
	free(c->rows);
	strv_free(&o->me);
}

int kith_mail_capture(struct ctx *ctx, int argc, char **argv)
{
	struct capture_hooks hooks = { on_progress, on_planned, on_warn, NULL };
	struct sigaction saved;
	struct opts o;
	struct cmd c;
	struct kerr err;
	int rc, got;

	memset(&c, 0, sizeof c);
	memset(&o, 0, sizeof o);
	c.ctx = ctx;
	rc = take_options(ctx, &argc, argv, &o);
	if (rc != EXIT_OK)
		goto out;
	c.dry = o.dry;
	if (o.since >= 0)
		date_format(o.since, c.since_s);
	hooks.arg = &c;
	c.run = capture_run_new(ctx->cache, ctx->today, o.since, o.dry, o.rescan,
				&hooks, &err);
	if (!c.run) {
		say_error("%s", err.msg);
		rc = EXIT_FAIL;
		goto out;
	}
	c.st = capture_run_stats(c.run);
	rc = add_addresses(&c, &o);
	if (rc != EXIT_OK)
		goto out;
	c.progress = isatty(2);
	interrupt_begin(&saved);
	got = read_all(&c, argc, argv, o.notmuch);
	rc = kith_interrupted ? EXIT_INTERRUPTED : got < 0 ? EXIT_FAIL : EXIT_OK;
	interrupt_end(&saved);
	show_progress(&c, 1);
	/* What was read is kept, even when a later folder failed or Ctrl-C came. */
	if (capture_run_finish(c.run, &err) < 0) {
		say_error("%s", err.msg);
		rc = EXIT_FAIL;
	}
	if (c.dry && dry_table(&c) < 0)
		rc = EXIT_FAIL;
	/* After a failure, the summary only when something was read. */
	if (rc == EXIT_OK || c.st->messages || c.st->older || c.st->before)
		summary(&c);
out:
	cmd_free(&c, &o);
	return rc;
}
