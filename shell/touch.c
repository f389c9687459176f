/*
 * touch.c: the commands that change a person: log, unlog, cadence,
 * snooze and undo.
 *
 * Every write goes through cache_outbox_add(): the server copy is never
 * edited here, and the view columns are always "server copy + pending
 * operations".
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

/* ---- log, unlog ------------------------------------------------------ */

/* Whether the card's log holds id. 1, 0, or -1 after printing why. */
static int log_has(struct ctx *ctx, long card, const char *id)
{
	struct kerr err;
	int rc = query_log_has(ctx->cache, card, id, &err);

	if (rc < 0)
		say_error("%s", err.msg);
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
	    opt_take(&argc, argv, "--date", 1, &when) < 0)
		return EXIT_USAGE;
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
	rc = person_lookup_writable(ctx, query, &p);
	if (rc != EXIT_OK)
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
		rc = EXIT_USAGE;
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

/* cadence --category NAME (DURATION | off): one outbox op per person. */
static int cadence_category(struct ctx *ctx, const char *name, const char *iso,
			    int yes)
{
	struct kerr err;
	long *ids = NULL;
	size_t n = 0, i, skipped = 0;
	int rc = EXIT_FAIL;

	if (query_category(ctx->cache, name, 1, &ids, &n, &skipped, &err) < 0) {
		say_error("%s", err.msg);
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

/*
 * The person named by argv[1..end) gets one outbox op (cadence or snooze)
 * with value, and their new status is printed. An exit status.
 */
static int set_one(struct ctx *ctx, char **argv, int end,
		   const char *op, const char *value)
{
	char *query = sh_join_words(end, argv, 1);
	struct person p;
	struct kerr err;
	int rc;

	rc = person_lookup_writable(ctx, query, &p);
	free(query);
	if (rc != EXIT_OK)
		return rc;
	rc = EXIT_FAIL;
	if (cache_outbox_add(ctx->cache, p.id, op, value, NULL, NULL, NULL,
			     &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	rc = print_status(ctx, p.id, op);
out:
	person_free(&p);
	return rc;
}

int cmd_cadence(struct ctx *ctx, int argc, char **argv)
{
	char iso[16] = "", *arg = NULL, *category = NULL;
	int end, rc, yes;

	if (opt_take(&argc, argv, "--category", 1, &category) < 0)
		return EXIT_USAGE;
	yes = opt_take(&argc, argv, "--yes", 0, NULL);
	if (yes < 0)
		return EXIT_USAGE;
	if (category) {
		if (argc != 2 && !(argc == 3 && strspn(argv[1], "0123456789") ==
				   strlen(argv[1]))) {
			return cmd_usage_error("cadence", "one DURATION after "
					       "--category NAME, e.g. cadence "
					       "--category Family 2w");
		}
		arg = argc == 3 ? xasprintf("%s %s", argv[1], argv[2]) :
		      xstrdup(argv[1]);
		rc = EXIT_USAGE;
		if (sh_cadence_arg(arg, iso) < 0)
			goto out;
		rc = cadence_category(ctx, category, iso, yes);
		goto out;
	}
	arg = value_words(argc, argv, &end);
	rc = EXIT_USAGE;
	if (sh_cadence_arg(arg, iso) < 0)
		goto out;
	rc = set_one(ctx, argv, end, "cadence", iso);
out:
	free(arg);
	return rc;
}

int cmd_snooze(struct ctx *ctx, int argc, char **argv)
{
	char date[11] = "", *arg = NULL;
	struct kerr err;
	long day;
	int end, rc;

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
	rc = set_one(ctx, argv, end, "snooze", date);
out:
	free(arg);
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
