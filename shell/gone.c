/*
 * gone.c: the notes of people whose card was deleted on the server.
 *
 * A card deleted on the server while notes typed here were not yet on it
 * stays in the cache (CARD_GONE) so that no note is lost, and sync warns
 * about it every time. This is the way out:
 *
 *	gone [--json]			list them, with the notes kept
 *	gone restore PERSON		create the card again at the next sync
 *	gone move PERSON --to OTHER	log the notes on OTHER, forget PERSON
 *	gone drop PERSON		forget PERSON and its notes, on purpose
 */
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "shell.h"

static int gone_list(struct ctx *ctx, int json)
{
	struct sbuf b = {0};
	struct person *gone;
	struct kerr err;
	long *kept;
	size_t n, i;

	if (query_gone(ctx->cache, &gone, &kept, &n, &err) < 0) {
		say_error("%s", err.msg);
		return EXIT_FAIL;
	}
	if (json)
		sbuf_addc(&b, '[');
	for (i = 0; i < n; i++) {
		const struct person *p = &gone[i];
		long notes = kept[i];

		if (json) {
			int f = 1;

			if (i)
				sbuf_addc(&b, ',');
			sbuf_addc(&b, '{');
			json_kv_str(&b, &f, "name", p->label);
			json_kv_str(&b, &f, "href", p->href);
			json_kv_str(&b, &f, "book", p->book);
			json_kv_int(&b, &f, "notes", notes);
			sbuf_addc(&b, '}');
		} else {
			out_text(&b, p->label);
			sbuf_addf(&b, "  %ld note%s kept  ", notes, notes == 1 ? "" : "s");
			out_text(&b, p->href);
			sbuf_addc(&b, '\n');
		}
	}
	person_free_all(gone, n);
	free(kept);
	if (json) {
		sbuf_adds(&b, "]\n");
	} else if (n == 0) {
		sbuf_adds(&b, "No notes of deleted cards: every note has a card on "
			  "the server.\n");
	} else {
		sbuf_addf(&b, "\n%zu card%s deleted on the server. For each: 'gone "
			  "restore PERSON' to create it again, 'gone move PERSON "
			  "--to OTHER' to keep the notes on someone else, or 'gone "
			  "drop PERSON' to let them go.\n", n, n == 1 ? "" : "s");
	}
	return sh_flush(&b) < 0 ? EXIT_FAIL : EXIT_OK;
}

/* The person named by argv[from..argc), who must be one of the gone. */
static int gone_person(struct ctx *ctx, int argc, char **argv, int from,
		       struct person *p)
{
	char *query = sh_join_words(argc, argv, from);
	int rc;

	memset(p, 0, sizeof *p);
	if (!query)
		return cmd_usage_error("gone", NULL);
	rc = person_lookup(ctx, query, p);
	if (rc == EXIT_OK && p->state != CARD_GONE) {
		struct sbuf b = {0};

		out_text(&b, p->label);
		say_error("%s still has a card on the server: 'gone' is for the "
			  "notes of deleted cards", b.buf);
		sbuf_free(&b);
		person_free(p);
		rc = EXIT_USAGE;
	}
	free(query);
	return rc;
}

/* Prints a line about who (and other), each made safe for the terminal. */
static void said(const char *before, const char *who, const char *after,
		 const char *other)
{
	struct sbuf b = {0};

	sbuf_adds(&b, before);
	out_text(&b, who);
	sbuf_adds(&b, after);
	if (other)
		out_text(&b, other);
	sbuf_addc(&b, '\n');
	sh_flush(&b);
}

int cmd_gone(struct ctx *ctx, int argc, char **argv)
{
	struct person p, to;
	char *other = NULL, num[64];
	struct kerr err;
	long moved = 0;
	int json, rc;

	json = opt_take(&argc, argv, "--json", 0, NULL);
	if (json < 0 || opt_take(&argc, argv, "--to", 1, &other) < 0)
		return EXIT_USAGE;
	/* The table checked the subcommand, and --to goes with move only. */
	if (argc == 1 || strcmp(argv[1], "list") == 0)
		return gone_list(ctx, json);
	rc = gone_person(ctx, argc, argv, 2, &p);
	if (rc != EXIT_OK)
		return rc;
	rc = EXIT_FAIL;
	if (strcmp(argv[1], "restore") == 0) {
		if (cache_card_restore(ctx->cache, p.id, &err) < 0) {
			say_error("%s", err.msg);
			goto out;
		}
		said("", p.label, " will be created again on the server at the "
		     "next sync, with its notes", NULL);
	} else if (strcmp(argv[1], "drop") == 0) {
		long notes = 0;

		if (query_log_pending(ctx->cache, p.id, &notes, &err) < 0) {
			say_error("%s", err.msg);
			goto out;
		}
		if (cache_begin(ctx->cache, &err) < 0 ||
		    cache_card_drop(ctx->cache, p.id, &err) < 0 ||
		    cache_commit(ctx->cache, &err) < 0) {
			say_error("%s", err.msg);
			goto out;
		}
		snprintf(num, sizeof num, " and the %ld note%s kept for it",
			 notes, notes == 1 ? "" : "s");
		said("dropped ", p.label, num, NULL);
	} else {
		memset(&to, 0, sizeof to);
		rc = person_lookup(ctx, other, &to);
		if (rc != EXIT_OK)
			goto out;
		rc = EXIT_USAGE;
		if (to.id == p.id || person_writable(&to) < 0) {
			if (to.id == p.id)
				say_error("gone move: --to names the same person");
			person_free(&to);
			goto out;
		}
		rc = EXIT_FAIL;
		if (cache_card_move_notes(ctx->cache, p.id, to.id, &moved, &err) < 0) {
			say_error("%s", err.msg);
			person_free(&to);
			goto out;
		}
		snprintf(num, sizeof num, " (%ld note%s) to ", moved,
			 moved == 1 ? "" : "s");
		said("moved the notes of ", p.label, num, to.label);
		person_free(&to);
	}
	rc = EXIT_OK;
out:
	person_free(&p);
	return rc;
}
