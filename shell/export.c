/*
 * export.c: export --csv | --json [--log]: everyone, out again.
 *
 * The CSV's columns are ones import recognises (Name, Email, Phone,
 * Organization, Categories, Cadence, Last contact), so an export read back
 * into a fresh cache gives the same people, cadences and last contacts;
 * lists in one cell are joined with " ::: ", as Google Contacts does.
 * Every value is cleaned as for a terminal (control characters become
 * spaces, invalid UTF-8 U+FFFD; line breaks kept), since a card from a
 * server may hold anything and the export may be printed or read back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "date.h"
#include "out.h"
#include "query_export.h"
#include "shell.h"

struct export {
	struct sbuf out;
	int json, log;
	long today;		/* for the JSON's overdue_days */
	size_t n;		/* people written */
};

/* A CSV field of text from a card, made safe. */
static void field(struct sbuf *b, const char *s, int first)
{
	struct sbuf t = {0};

	if (s)
		term_clean(&t, s, strlen(s), TERM_KEEP_NL);
	csv_field(b, t.buf, first);
	sbuf_free(&t);
}

/* A list in one CSV field, " ::: " between its values. */
static void field_list(struct sbuf *b, const struct strv *l)
{
	struct sbuf t = {0};
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (i)
			sbuf_adds(&t, " ::: ");
		term_clean(&t, l->v[i], strlen(l->v[i]), 0);
	}
	csv_field(b, t.buf, 0);
	sbuf_free(&t);
}

/* YYYY-MM-DD of the person's due day, or "". */
static void due_date(const struct person *p, char out[11])
{
	out[0] = '\0';
	if (p->due >= 0)
		date_format(p->due, out);
}

static void csv_person(struct export *e, const struct query_export_person *x)
{
	const struct person *p = x->p;
	char due[11];

	due_date(p, due);
	field(&e->out, p->fn, 1);
	field(&e->out, p->uid, 0);
	field_list(&e->out, x->emails);
	field_list(&e->out, x->phones);
	field(&e->out, p->org, 0);
	field_list(&e->out, x->categories);
	field(&e->out, p->cadence, 0);
	field(&e->out, due, 0);
	field(&e->out, p->last_contact, 0);
	field(&e->out, p->snooze, 0);
	csv_row_end(&e->out);
}

/* --log: a row per entry, with who it is about (the first email for import to match by). */
static void csv_log(struct export *e, const struct query_export_person *x)
{
	size_t i;

	for (i = 0; i < x->nlog; i++) {
		const struct person_log_row *r = &x->log[i];

		field(&e->out, x->p->fn, 1);
		field(&e->out, x->p->uid, 0);
		field(&e->out, x->emails->n ? x->emails->v[0] : NULL, 0);
		field(&e->out, r->date, 0);
		field(&e->out, r->via, 0);
		field(&e->out, r->id, 0);
		field(&e->out, r->text, 0);
		csv_row_end(&e->out);
	}
}

static void json_person(struct export *e, const struct query_export_person *x)
{
	struct sbuf *b = &e->out;
	int first = 1;
	size_t i;

	/* The fields every --json gives a person (list, show, queue), and more. */
	sbuf_adds(b, e->n ? ",\n{" : "{");
	person_json_fields(b, &first, x->p, e->today);
	json_kv_strv(b, &first, "categories", x->categories);
	if (e->log) {
		json_key(b, &first, "log");
		sbuf_addc(b, '[');
		for (i = 0; i < x->nlog; i++) {
			int f = 1;

			sbuf_adds(b, i ? ",{" : "{");
			json_kv_str(b, &f, "date", x->log[i].date);
			json_kv_str(b, &f, "via", x->log[i].via);
			json_kv_str(b, &f, "id", x->log[i].id);
			json_kv_str(b, &f, "text", x->log[i].text);
			json_kv_bool(b, &f, "pending", x->log[i].pending);
			sbuf_addc(b, '}');
		}
		sbuf_addc(b, ']');
	}
	sbuf_addc(b, '}');
}

static int export_one(void *arg, const struct query_export_person *x)
{
	struct export *e = arg;

	if (e->json)
		json_person(e, x);
	else if (e->log)
		csv_log(e, x);
	else
		csv_person(e, x);
	e->n++;
	return 0;
}

/* Writes the export to stdout; an exit status (a full disk is a failure). */
static int export_write(struct export *e)
{
	size_t len = e->out.len;

	if ((len && fwrite(e->out.buf, 1, len, stdout) != len) ||
	    fflush(stdout) != 0) {
		say_error("writing the export: %s", strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cmd_export(struct ctx *ctx, int argc, char **argv)
{
	struct export e;
	struct kerr err;
	int csv, rc;

	memset(&e, 0, sizeof e);
	csv = opt_take(&argc, argv, "--csv", 0, NULL);
	e.today = ctx->today;
	e.json = opt_take(&argc, argv, "--json", 0, NULL);
	e.log = opt_take(&argc, argv, "--log", 0, NULL);
	if (csv < 0 || e.json < 0 || e.log < 0)
		return EXIT_USAGE;
	if (csv == e.json)
		return cmd_usage_error("export", "one of --csv and --json");
	if (e.json)
		sbuf_addc(&e.out, '[');
	else if (e.log)
		sbuf_adds(&e.out, "Name,UID,Email,Date,Channel,ID,Text\r\n");
	else
		sbuf_adds(&e.out, "Name,UID,Email,Phone,Organization,Categories,"
			  "Cadence,Due,Last contact,Snooze\r\n");
	if (query_export(ctx->cache, e.log, export_one, &e, &err) < 0) {
		say_error("%s", err.msg);
		sbuf_free(&e.out);
		return EXIT_FAIL;
	}
	if (e.json)
		sbuf_adds(&e.out, "]\n");
	rc = export_write(&e);
	sbuf_free(&e.out);
	return rc;
}
