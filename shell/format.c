/*
 * format.c: how the commands put things into words and onto the
 * terminal: colours, cadences and due dates in words, birthdays, indented
 * lines, and the pager for output taller than the terminal.
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

	pg = b->len && taller_than_terminal(b->buf, b->len) ? pager() : NULL;
	if (pg) {
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
