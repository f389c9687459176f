/*
 * person.c: what the commands about people share: person_find() that
 * turns what a user typed into one card, loading a person and their log,
 * the fields every JSON person carries, and --category.
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

/* Loads card id into p: 0, or -1 after printing why. */
int person_get(struct ctx *ctx, long id, struct person *p)
{
	struct kerr err;
	int rc = query_person(ctx->cache, id, p, &err);

	if (rc == 0)
		say_error("card %ld vanished from the cache (a sync running?): "
			  "try again", id);
	else if (rc < 0)
		say_error("%s", err.msg);
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

int sh_first_run(struct ctx *ctx)
{
	struct kerr err;
	int any = 1;

	if (query_any_person(ctx->cache, &any, &err) < 0)
		say_error("%s", err.msg);
	if (!any)
		printf("No people yet. (kith account add NAME URL --user USER, then "
		       "kith sync)\n");
	return !any;
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
		say_error("%s", err.msg);
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

int person_lookup_writable(struct ctx *ctx, const char *query,
			   struct person *p)
{
	int rc = person_lookup(ctx, query, p);

	if (rc == EXIT_OK && person_writable(p) < 0) {
		person_free(p);
		rc = EXIT_USAGE;
	}
	return rc;
}

/* The person's log, newest first. 0, or -1 after printing why. */
int person_log(struct ctx *ctx, long card, struct person_log_row **rows,
	       size_t *n)
{
	struct kerr err;

	if (query_log(ctx->cache, card, rows, n, &err) < 0) {
		say_error("%s", err.msg);
		return -1;
	}
	return 0;
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
		say_error("%s", err.msg);
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
