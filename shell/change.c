/*
 * change.c: a person's card changed from the shell, beyond notes: a log
 * entry corrected (edit), a field of their own set (set), the person
 * removed (remove). Each is an outbox operation like a log or a cadence:
 * the view shows it at once, the next sync sends it with If-Match, and
 * undo takes it back until then.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "date.h"
#include "out.h"
#include "shell.h"

/* ---- edit ------------------------------------------------------------- */

/* The channel as kith writes it, or NULL after saying why. */
static const char *channel(const char *via)
{
	for (int i = 0; sh_channels[i]; i++)
		if (strcasecmp(via, sh_channels[i]) == 0)
			return sh_channels[i];
	say_error("unknown channel '%s': use one of phone, email, text, meet, "
		  "video, letter, gift, intro, other", via);
	return NULL;
}

/* DATE as typed (2026-11-20, 3d, yesterday), not in the future. */
static int past_date(struct ctx *ctx, const char *when, char date[11])
{
	struct kerr err;
	long day;

	if (date_parse_user(when, ctx->today, 0, &day, &err) < 0) {
		say_error("%s", err.msg);
		return -1;
	}
	date_format(day, date);
	if (day > ctx->today) {
		say_error("%s is in the future: a log entry is what happened", date);
		return -1;
	}
	return 0;
}

/* The entry whose id is id or starts with it (4 digits at least), or NULL. */
static struct person_log_row *find_entry(struct person_log_row *rows, size_t n,
					 const char *id, int *ambiguous)
{
	struct person_log_row *hit = NULL;
	size_t len = strlen(id);

	*ambiguous = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].id, id) == 0)
			return &rows[i];
	if (len < 4)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(rows[i].id, id, len) == 0) {
			if (hit)
				*ambiguous = 1;
			hit = &rows[i];
		}
	return *ambiguous ? NULL : hit;
}

/*
 * The entry as one line in $EDITOR: "DATE CHANNEL TEXT", the way the card
 * stores it (without the id). Fills date, via and *text from what the
 * person saved; -1 after saying why.
 */
static int edit_in_editor(struct ctx *ctx, const struct person_log_row *r,
			  char date[11], const char **via, char **text)
{
	char *line = xasprintf("%s %s %s", r->date, r->via, r->text ? r->text : "");
	char *got = sh_edit_text(line), *s, *w1, *w2;
	int rc = -1;

	free(line);
	if (!got)
		return -1;
	/* One line: newlines the editor left become spaces. */
	for (s = got; *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
	s = got + strspn(got, " ");
	w1 = s;
	s += strcspn(s, " ");
	if (*s)
		*s++ = '\0';
	s += strspn(s, " ");
	w2 = s;
	s += strcspn(s, " ");
	if (*s)
		*s++ = '\0';
	s += strspn(s, " ");
	if (!*w1 || !*w2) {
		say_error("the edited entry needs a date and a channel first "
			  "(\"2026-11-20 phone Talked about the garden\"); nothing "
			  "changed");
		goto out;
	}
	if (!str_utf8_valid(s, strlen(s))) {
		say_error("the edited text is not valid UTF-8; nothing changed");
		goto out;
	}
	if (past_date(ctx, w1, date) < 0)
		goto out;
	*via = channel(w2);
	if (!*via)
		goto out;
	*text = xstrdup(s);
	while (**text && (*text)[strlen(*text) - 1] == ' ')
		(*text)[strlen(*text) - 1] = '\0';
	rc = 0;
out:
	free(got);
	return rc;
}

int cmd_edit(struct ctx *ctx, int argc, char **argv)
{
	char *newtext = NULL, *when = NULL, *viaarg = NULL, *query = NULL;
	char *text = NULL, date[11], id[9];
	struct person_log_row *rows = NULL, *r;
	const char *via;
	struct person p;
	struct kerr err;
	size_t n = 0;
	int rc = EXIT_USAGE, amb, hastext;

	memset(&p, 0, sizeof p);
	hastext = opt_take(&argc, argv, "--text", 1, &newtext);
	if (hastext < 0 || opt_take(&argc, argv, "--date", 1, &when) < 0 ||
	    opt_take(&argc, argv, "--via", 1, &viaarg) < 0)
		return EXIT_USAGE;
	/* The id is the last word, so an unquoted two-word name works too. */
	snprintf(id, sizeof id, "%s", argv[argc - 1]);
	for (char *s = id; *s; s++)
		*s = (char)tolower((unsigned char)*s);
	if (strlen(argv[argc - 1]) > 8 || strspn(id, "0123456789abcdef") != strlen(id)) {
		struct sbuf b = {0};

		out_text(&b, argv[argc - 1]);
		say_error("'%s' is not a log id: an id is 8 hex digits (or its "
			  "first 4 or more), as 'show PERSON' lists them", b.buf);
		sbuf_free(&b);
		return EXIT_USAGE;
	}
	query = sh_join_words(argc - 1, argv, 1);
	rc = person_lookup_writable(ctx, query, &p);
	if (rc != EXIT_OK)
		goto out;
	rc = EXIT_FAIL;
	if (person_log(ctx, p.id, &rows, &n) < 0)
		goto out;
	rc = EXIT_USAGE;
	r = find_entry(rows, n, id, &amb);
	if (!r) {
		struct sbuf b = {0};

		out_text(&b, p.label);
		say_error("%s %s log entry %s: 'show %s' lists the ids", b.buf,
			  amb ? "has more than one" : "has no", id, query);
		sbuf_free(&b);
		goto out;
	}
	snprintf(date, sizeof date, "%s", r->date);
	via = r->via;
	if (!hastext && !when && !viaarg) {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			say_error("edit needs --text, --date or --via here (on a "
				  "terminal, it opens $EDITOR on the entry)");
			goto out;
		}
		if (edit_in_editor(ctx, r, date, &via, &text) < 0)
			goto out;
	} else {
		if (when && past_date(ctx, when, date) < 0)
			goto out;
		if (viaarg) {
			via = channel(viaarg);
			if (!via)
				goto out;
		}
		text = xstrdup(hastext ? newtext : r->text ? r->text : "");
	}
	if (strcmp(date, r->date) == 0 && strcmp(via, r->via) == 0 &&
	    strcmp(text, r->text ? r->text : "") == 0) {
		printf("nothing changed\n");
		rc = EXIT_OK;
		goto out;
	}
	rc = EXIT_FAIL;
	if (cache_outbox_add(ctx->cache, p.id, "edit", date, via, r->id, text,
			     &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	{
		struct sbuf b = {0};

		sbuf_addf(&b, "edited %s for ", r->id);
		out_text(&b, p.label);
		sbuf_addf(&b, ": %s %s ", date, via);
		out_text(&b, text);
		sbuf_addc(&b, '\n');
		sh_flush(&b);
	}
	rc = EXIT_OK;
out:
	person_log_free(rows, n);
	person_free(&p);
	free(query);
	free(text);
	return rc;
}

/* ---- set -------------------------------------------------------------- */

/* A phone number as people write one: digits, and + ( ) - . / x and spaces. */
static int phone_ok(const char *s)
{
	int digits = 0;

	if (strlen(s) > 64)
		return 0;
	for (; *s; s++) {
		if (isdigit((unsigned char)*s))
			digits++;
		else if (!strchr("+()-./ x", *s))
			return 0;
	}
	return digits > 0;
}

struct set_arg {
	const char *option;
	const char *op;		/* "set" with a field, or "aspire" */
	enum vcard_field field;
	char *value;
};

int cmd_set(struct ctx *ctx, int argc, char **argv)
{
	struct set_arg a[] = {
		{"--email", "set", VCARD_EMAIL, NULL},
		{"--phone", "set", VCARD_PHONE, NULL},
		{"--org", "set", VCARD_ORG, NULL},
		{"--category", "set", VCARD_CATEGORIES, NULL},
		{"--aspire", "aspire", VCARD_EMAIL, NULL},
	};
	const size_t na = sizeof a / sizeof a[0];
	char *query = NULL;
	struct person p;
	struct kerr err;
	size_t i, given = 0;
	int rc = EXIT_USAGE;

	memset(&p, 0, sizeof p);
	for (i = 0; i < na; i++) {
		int r = opt_take(&argc, argv, a[i].option, 1, &a[i].value);

		if (r < 0)
			return EXIT_USAGE;
		given += r > 0;
	}
	if (!given)
		return cmd_usage_error("set", "set needs a field to change "
				       "(\"\" removes one)");
	if (a[0].value && *a[0].value && !sh_email_ok(a[0].value)) {
		struct sbuf b = {0};

		out_text(&b, a[0].value);
		say_error("'%s' is not an email address (like name@example.org); "
			  "nothing changed", b.buf);
		sbuf_free(&b);
		return EXIT_USAGE;
	}
	if (a[1].value && *a[1].value && !phone_ok(a[1].value)) {
		struct sbuf b = {0};

		out_text(&b, a[1].value);
		say_error("'%s' is not a phone number (digits, with + ( ) - . / "
			  "and spaces); nothing changed", b.buf);
		sbuf_free(&b);
		return EXIT_USAGE;
	}
	for (i = 0; i < na; i++) {
		struct sbuf b = {0};

		if (!a[i].value || !*a[i].value || !term_text_unsafe(a[i].value))
			continue;
		out_text(&b, a[i].value);
		say_error("%s '%s' holds control characters; nothing changed",
			  a[i].option, b.buf);
		sbuf_free(&b);
		return EXIT_USAGE;
	}
	query = sh_join_words(argc, argv, 1);
	rc = person_lookup_writable(ctx, query, &p);
	if (rc != EXIT_OK)
		goto out;
	if (a[4].value && *a[4].value && p.last_contact) {
		struct sbuf b = {0};

		out_text(&b, p.label);
		say_error("%s is someone you are in touch with already (last "
			  "contact %s): --aspire is for people not met yet",
			  b.buf, p.last_contact);
		sbuf_free(&b);
		rc = EXIT_USAGE;
		goto out;
	}
	rc = EXIT_FAIL;
	/* Every field or none. */
	if (cache_begin(ctx->cache, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	for (i = 0; i < na; i++) {
		int r;

		if (!a[i].value)
			continue;
		if (strcmp(a[i].op, "aspire") == 0)
			r = cache_outbox_add(ctx->cache, p.id, "aspire", a[i].value,
					     NULL, NULL, NULL, &err);
		else
			r = cache_outbox_add(ctx->cache, p.id, "set",
					     cache_field_name(a[i].field),
					     a[i].value, NULL, NULL, &err);
		if (r < 0) {
			cache_rollback(ctx->cache);
			say_error("%s", err.msg);
			goto out;
		}
	}
	if (cache_commit(ctx->cache, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	{
		/* By id: the query may have been the email just changed. */
		long id = p.id;

		person_free(&p);
		if (person_get(ctx, id, &p) < 0)
			goto out;
	}
	{
		struct sbuf b = {0};
		char *first = sh_first_of(p.emails), *phone = sh_first_of(p.phones);

		out_text(&b, p.label);
		sbuf_adds(&b, ":");
		for (i = 0; i < na; i++) {
			const char *now = i == 0 ? first : i == 1 ? phone :
					  i == 2 ? p.org : i == 3 ? p.categories :
					  p.aspire;

			if (!a[i].value)
				continue;
			sbuf_addf(&b, " %s ", a[i].option + 2);
			if (now && *now)
				out_text(&b, now);
			else
				sbuf_adds(&b, "(none)");
			sbuf_adds(&b, ";");
		}
		b.buf[b.len - 1] = '\n';
		free(first);
		free(phone);
		sh_flush(&b);
	}
	rc = EXIT_OK;
out:
	person_free(&p);
	free(query);
	return rc;
}

/* ---- remove ----------------------------------------------------------- */

int cmd_remove(struct ctx *ctx, int argc, char **argv)
{
	char *query = NULL, *etag = NULL;
	struct person p;
	struct kerr err;
	int rc = EXIT_USAGE, yes;

	memset(&p, 0, sizeof p);
	yes = opt_take(&argc, argv, "--yes", 0, NULL);
	if (yes < 0)
		return EXIT_USAGE;
	query = sh_join_words(argc, argv, 1);
	rc = person_lookup(ctx, query, &p);
	if (rc != EXIT_OK)
		goto out;
	rc = EXIT_FAIL;
	if (cache_card_etag(ctx->cache, p.id, &etag, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	if (!yes) {
		struct sbuf q = {0};
		char *first = sh_first_of(p.emails);
		int ok;

		sbuf_adds(&q, "Remove ");
		out_text(&q, p.label);
		if (*first) {
			sbuf_adds(&q, " <");
			out_text(&q, first);
			sbuf_addc(&q, '>');
		}
		sbuf_adds(&q, p.state == CARD_SYNCED ?
			  ", deleting the card on the server at the next sync?" :
			  " (not on the server)?");
		ok = shell_confirm(q.buf);
		sbuf_free(&q);
		free(first);
		if (ok == 0) {
			printf("nothing changed\n");
			rc = EXIT_OK;
			goto out;
		}
	}
	if (cache_outbox_add(ctx->cache, p.id, "remove", etag, NULL, NULL, NULL,
			     &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	{
		struct sbuf b = {0};

		sbuf_adds(&b, "removed ");
		out_text(&b, p.label);
		sbuf_adds(&b, p.state == CARD_SYNCED ?
			  "; 'sync' deletes the card on the server ('undo' takes "
			  "it back until then)\n" :
			  "; 'undo' takes it back until the next sync\n");
		sh_flush(&b);
	}
	rc = EXIT_OK;
out:
	person_free(&p);
	free(query);
	free(etag);
	return rc;
}
