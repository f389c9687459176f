#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

/*
 * The table. Each form lists its options and positionals in the order
 * usage shows them; cmd_check parses by it, help and completion read it.
 */
#define ITEMS(...) ((const struct cmd_item[]){__VA_ARGS__, {NULL, KIND_NONE, NULL, 0}})
#define FORMS(...) ((const struct cmd_form[]){__VA_ARGS__, {NULL, NULL, 0}})
/* A command with one form and no subcommand. */
#define FORM(...) FORMS({NULL, ITEMS(__VA_ARGS__), 0})

#define JSON {"--json", KIND_NONE, NULL, 0}
#define PERSON {"PERSON", KIND_PERSON, NULL, ITEM_WORDS}
#define LIMIT {"--limit", KIND_NUMBER, "N", 0}
#define CATEGORY {"--category", KIND_CATEGORY, "NAME", 0}

const struct command commands[] = {
	{"account", "add, list or remove a CardDAV account", NEED_CACHE | NEED_BULK,
	 cmd_account, FORMS(
		{"add", ITEMS({"NAME", KIND_TEXT, NULL, 0}, {"URL", KIND_URL, NULL, 0},
			      {"--user", KIND_TEXT, "USER", ITEM_REQUIRED},
			      {"--password-command", KIND_TEXT, "CMD", 0},
			      {"--cafile", KIND_FILE, "FILE", 0}), 0},
		{"list", NULL, 0},
		{"remove", ITEMS({"NAME", KIND_ACCOUNT, NULL, 0}), 0})},
	{"add", "add a new person (on the server after the next sync)", NEED_CACHE,
	 cmd_add, FORM({"NAME", KIND_TEXT, NULL, ITEM_WORDS},
		{"--email", KIND_TEXT, "E", 0}, {"--phone", KIND_TEXT, "P", 0},
		{"--org", KIND_TEXT, "O", 0},
		{"--category", KIND_CATEGORY, "C", ITEM_REPEAT},
		{"--cadence", KIND_DURATION, "DURATION", 0},
		{"--aspire", KIND_TEXT, "WHY", 0}, {"--book", KIND_URL, "URL", 0},
		{"--force", KIND_NONE, NULL, 0})},
	{"cadence", "how often to reconnect: 30d, 2w, 3m, 1y, or off", NEED_CACHE,
	 cmd_cadence, FORMS(
		{NULL, ITEMS(PERSON, {"(DURATION | off)", KIND_DURATION, NULL, ITEM_WORDS}), 0},
		{NULL, ITEMS({"--category", KIND_CATEGORY, "NAME", ITEM_REQUIRED},
			     {"(DURATION | off)", KIND_DURATION, NULL, ITEM_WORDS},
			     {"--yes", KIND_NONE, NULL, 0}), 0})},
	{"capture", "touches from your mail: Maildir folders, mbox files or notmuch",
	 NEED_CACHE, cmd_capture, FORMS(
		{"mail", ITEMS({"PATH...", KIND_FILE, NULL, ITEM_OPTIONAL | ITEM_WORDS},
			       {"--me", KIND_TEXT, "ADDRESS", ITEM_REPEAT},
			       {"--since", KIND_DATE, "DATE", 0},
			       {"--dry-run", KIND_NONE, NULL, 0},
			       {"--notmuch", KIND_TEXT, "QUERY", 0},
			       {"--rescan", KIND_NONE, NULL, 0}), 0})},
	{"draft", "a message to start from: reconnect, birthday, congrats, thanks, or yours",
	 NEED_CACHE, cmd_draft, FORM(PERSON,
		{"TEMPLATE", KIND_TEMPLATE, NULL, ITEM_OPTIONAL},
		{"--edit", KIND_NONE, NULL, 0})},
	{"gone", "notes of cards deleted on the server: list, re-create, move or drop them",
	 NEED_CACHE, cmd_gone, FORMS(
		{"list", ITEMS(JSON), 1},
		{"restore", ITEMS(PERSON), 0},
		{"move", ITEMS(PERSON, {"--to", KIND_PERSON, "OTHER", ITEM_REQUIRED}), 0},
		{"drop", ITEMS(PERSON), 0})},
	{"edit", "correct a log entry (without options: in $EDITOR)", NEED_CACHE,
	 cmd_edit, FORM(PERSON, {"ID", KIND_TEXT, NULL, 0},
		{"--text", KIND_TEXT, "TEXT", 0}, {"--date", KIND_DATE, "DATE", 0},
		{"--via", KIND_CHANNEL, "CHANNEL", 0})},
	{"export", "everyone out as CSV or JSON, with --log the log", NEED_CACHE,
	 cmd_export, FORMS(
		{NULL, ITEMS({"--csv", KIND_NONE, NULL, ITEM_REQUIRED}, {"--log", KIND_NONE, NULL, 0}), 0},
		{NULL, ITEMS({"--json", KIND_NONE, NULL, ITEM_REQUIRED}, {"--log", KIND_NONE, NULL, 0}), 0})},
	{"help", "list the commands, or explain one", 0, cmd_help,
	 FORM({"COMMAND", KIND_COMMAND, NULL, ITEM_OPTIONAL})},
	{"history", "recent touches across everyone, newest first", NEED_CACHE,
	 cmd_history, FORM({"PERSON", KIND_PERSON, NULL, ITEM_OPTIONAL | ITEM_WORDS},
		JSON, LIMIT)},
	{"import", "people in from a CSV sheet or a vCard file",
	 NEED_CACHE, cmd_import, FORM({"FILE", KIND_FILE, NULL, 0},
		{"--book", KIND_URL, "URL", 0}, {"--dry-run", KIND_NONE, NULL, 0})},
	{"intro", "log an introduction on both people, each naming the other",
	 NEED_CACHE, cmd_intro, FORM({"A", KIND_PERSON, NULL, ITEM_WORDS},
		{"B", KIND_PERSON, NULL, ITEM_WORDS},
		{"TEXT...", KIND_TEXT, NULL, ITEM_OPTIONAL | ITEM_WORDS})},
	{"list", "people, with cadence, last contact and due date", NEED_CACHE,
	 cmd_list, FORM(JSON, CATEGORY,
		{"QUERY", KIND_PERSON, NULL, ITEM_OPTIONAL | ITEM_WORDS})},
	{"log", "record an interaction; restarts the clock", NEED_CACHE, cmd_log,
	 FORM(PERSON, {"--via", KIND_CHANNEL, "CHANNEL", 0},
		{"--date", KIND_DATE, "DATE", 0},
		{"TEXT...", KIND_TEXT, NULL, ITEM_OPTIONAL | ITEM_WORDS})},
	{"next", "walk the queue (or a category, least recently touched first): log, snooze, draft or skip",
	 NEED_CACHE, cmd_next, FORM(CATEGORY)},
	{"queue", "who to reach out to now, most overdue first", NEED_CACHE,
	 cmd_queue, FORM(JSON, {"--all", KIND_NONE, NULL, 0}, CATEGORY)},
	{"quit", "leave the shell", 0, cmd_quit, NULL},
	{"remind", "reminders on your calendar: setup, off, or status", NEED_CACHE,
	 cmd_remind, FORMS(
		{"status", NULL, 1},
		{"setup", ITEMS({"ACCOUNT", KIND_ACCOUNT, NULL, ITEM_OPTIONAL},
				{"--calendar", KIND_TEXT, "NAME|URL", 0},
				{"--mode", KIND_TEXT, "event|todo", 0}), 0},
		{"off", ITEMS({"ACCOUNT", KIND_ACCOUNT, NULL, ITEM_OPTIONAL}), 0})},
	{"remove", "delete a person's card (on the server at the next sync)",
	 NEED_CACHE, cmd_remove, FORM(PERSON, {"--yes", KIND_NONE, NULL, 0})},
	{"search", "full-text search: names, organisations, emails, categories, notes",
	 NEED_CACHE, cmd_search, FORM(JSON, LIMIT,
		{"TEXT...", KIND_TEXT, NULL, ITEM_WORDS})},
	{"set", "change a person's email, phone, organisation, categories (\"\" removes one)",
	 NEED_CACHE, cmd_set, FORM(PERSON, {"--email", KIND_TEXT, "E", 0},
		{"--phone", KIND_TEXT, "P", 0}, {"--org", KIND_TEXT, "O", 0},
		{"--category", KIND_CATEGORY, "A,B", 0},
		{"--aspire", KIND_TEXT, "WHY", 0})},
	{"show", "one person: card fields, cadence, snooze, log", NEED_CACHE,
	 cmd_show, FORM(JSON, PERSON)},
	{"snooze", "leave the queue until then (not a touch)", NEED_CACHE,
	 cmd_snooze, FORM(PERSON,
		{"(DURATION | DATE | off)", KIND_DATE, NULL, ITEM_WORDS})},
	{"stats", "the network at a glance: cadences, touches, spread", NEED_CACHE,
	 cmd_stats, FORM(JSON)},
	{"sync", "pull changes from the server, then push notes",
	 NEED_CACHE | NEED_BULK, cmd_sync,
	 FORM({"ACCOUNT", KIND_ACCOUNT, NULL, ITEM_OPTIONAL})},
	{"today", "three people to think of today, and birthdays this week",
	 NEED_CACHE, cmd_today, FORM(JSON)},
	{"undo", "take back the last change not yet synced (a log, cadence, snooze, add)",
	 NEED_CACHE, cmd_undo, NULL},
	{"unlog", "remove a mistaken log entry", NEED_CACHE, cmd_unlog,
	 FORM(PERSON, {"ID", KIND_TEXT, NULL, 0})},
	{"version", "print kith's version", 0, cmd_version, NULL},
	{NULL, NULL, 0, NULL, NULL},
};

void say_error(const char *fmt, ...)
{
	va_list ap;
	struct sbuf b = {0};

	/* The whole line is cleaned: its arguments may be a server's words. */
	va_start(ap, fmt);
	sbuf_vaddf(&b, fmt, ap);
	va_end(ap);
	term_printf(stderr, "kith: %s\n", b.buf ? b.buf : "");
	sbuf_free(&b);
}

/* Edits (insert, delete, substitute, swap two neighbours) from a to b, capped. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[17][17];

	if (la > 16 || lb > 16)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

/* The command name a misspelling is closest to: one or two edits away. */
static const struct command *cmd_nearest(const char *name)
{
	const struct command *c, *best = NULL;
	size_t bd = 3, d;

	for (c = commands; c->name; c++) {
		d = edit_distance(name, c->name);
		if (d < bd) {
			bd = d;
			best = c;
		}
	}
	/* Two edits only for a word long enough that two are few. */
	return best && (bd == 1 || strlen(name) >= 5) ? best : NULL;
}

const struct command *cmd_find(const char *name, FILE *err)
{
	const struct command *c, *found = NULL;
	size_t len = strlen(name);
	int n = 0;

	for (c = commands; c->name; c++) {
		if (strcmp(c->name, name) == 0)
			return c;
		if (strncmp(c->name, name, len) == 0) {
			found = c;
			n++;
		}
	}
	if (n == 1)
		return found;
	if (!err)
		return NULL;
	if (n == 0) {
		const struct command *near = cmd_nearest(name);

		if (near)
			term_printf(err, "kith: unknown command: %s; did you mean '%s'? "
				    "(try 'help')\n", name, near->name);
		else
			term_printf(err, "kith: unknown command: %s (try 'help')\n", name);
		return NULL;
	}
	term_printf(err, "kith: ambiguous command: %s, could be:", name);
	n = 0;
	for (c = commands; c->name; c++)
		if (strncmp(c->name, name, len) == 0)
			fprintf(err, "%s %s", n++ ? "," : "", c->name);
	fputc('\n', err);
	return NULL;
}

int ctx_cache(struct ctx *ctx)
{
	struct kerr err;

	if (ctx->cache)
		return 0;
	ctx->cache = cache_open(getenv("KITH_DB"), ctx->today, &err);
	if (!ctx->cache) {
		say_error("%s", err.msg);
		return -1;
	}
	return 0;
}

/*
 * Every argument may end up in a card (a name, a note, an email): invalid
 * UTF-8 there makes some servers (Xandikos) refuse every multiget holding
 * the card, which stops every other client of the book, and a control
 * character is not text. Refused here, before any command sees them.
 */
static int args_ok(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *s = argv[i];
		size_t n = strlen(s), k, off;
		long c;

		for (off = 0; off < n; off += k) {
			k = str_utf8_next(s + off, n - off, &c);
			if (c < 0) {
				say_error("argument %d ('%s') is not valid UTF-8 "
					  "(byte %zu): type it again in a UTF-8 "
					  "terminal, or convert it with iconv", i,
					  s, off + 1);
				return -1;
			}
			if (c != '\t' && c != '\n' && term_unsafe(c) &&
			    (c < 0x2000 || c > 0x206f)) {
				say_error("argument %d has a control character "
					  "(U+%04lX at byte %zu): kith stores text only",
					  i, (unsigned long)c, off + 1);
				return -1;
			}
		}
	}
	return 0;
}

static int is_option(const struct cmd_item *it)
{
	return it->name[0] == '-' && it->name[1] == '-';
}

const struct cmd_item *cmd_option(const struct cmd_form *f, const char *name)
{
	const struct cmd_item *it;

	for (it = f && f->items ? f->items : NULL; it && it->name; it++)
		if (is_option(it) && strcmp(it->name, name) == 0)
			return it;
	return NULL;
}

/* Whether option name stands in argv[from...] before a "--", alone or as "--name=". */
static int option_given(int argc, char **argv, int from, const char *name)
{
	size_t len = strlen(name);
	int i;

	for (i = from; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strncmp(argv[i], name, len) == 0 &&
		    (argv[i][len] == '\0' || argv[i][len] == '='))
			return 1;
	}
	return 0;
}

/* Whether argv (argv[1] on) opens with f's word. */
static int form_word_given(const struct cmd_form *f, int argc, char **argv)
{
	return f->word && argc > 1 && strcmp(argv[1], f->word) == 0;
}

const struct cmd_form *cmd_form_of(const struct command *c, int argc,
				   char **argv)
{
	const struct cmd_form *f;
	int pass;

	if (!c->forms)
		return NULL;
	for (f = c->forms; f->word || f->items; f++)
		if (form_word_given(f, argc, argv))
			return f;
	/* A form its required options name first ("cadence --category"). */
	for (pass = 0; pass < 2; pass++)
		for (f = c->forms; f->word || f->items; f++) {
			const struct cmd_item *it;
			int all = 1, required = 0;

			if (f->word && !f->word_optional)
				continue;
			for (it = f->items; it && it->name; it++)
				if (is_option(it) && (it->flags & ITEM_REQUIRED)) {
					required = 1;
					all &= option_given(argc, argv, 1, it->name);
				}
			if (all && required == (pass == 0))
				return f;
		}
	return NULL;
}

/* "add, list or remove": the words of c's forms, for an error. */
static void form_words(const struct command *c, struct sbuf *b)
{
	const struct cmd_form *f;
	size_t n = 0, i = 0;

	for (f = c->forms; f->word || f->items; f++)
		n += f->word != NULL;
	for (f = c->forms; f->word || f->items; f++)
		if (f->word)
			sbuf_addf(b, "%s%s", i++ == 0 ? "" : i == n ? " or " : ", ",
				  f->word);
}

/* "--csv or --json": the required options of c's forms, for an error. */
static void form_required(const struct command *c, struct sbuf *b)
{
	const struct cmd_form *f;
	const struct cmd_item *it;
	size_t n = 0, i = 0;

	for (f = c->forms; f->word || f->items; f++)
		for (it = f->items; it && it->name; it++)
			n += is_option(it) && (it->flags & ITEM_REQUIRED);
	for (f = c->forms; f->word || f->items; f++)
		for (it = f->items; it && it->name; it++)
			if (is_option(it) && (it->flags & ITEM_REQUIRED))
				sbuf_addf(b, "%s%s", i++ == 0 ? "" : i == n ? " or " : ", ",
					  it->name);
}

const struct cmd_form *cmd_check(const struct command *c, int argc,
				 char **argv, struct kerr *err)
{
	const struct cmd_form *f = cmd_form_of(c, argc, argv);
	const struct cmd_item *it;
	const char *seen[32];
	const char *extra = NULL;
	int i, nseen = 0, npos = 0, min = 0, max = 0, dashes = 0;

	err->msg[0] = '\0';
	if (!c->forms) {
		static const struct cmd_form no_args = {NULL, NULL, 0};

		if (argc > 1) {
			kerr_set(err, "%s takes no arguments", c->name);
			return NULL;
		}
		return &no_args;
	}
	if (!f) {
		struct sbuf b = {0};

		form_words(c, &b);
		if (!b.len) {
			/* No subcommands: forms told apart by a required option ("export --csv"). */
			form_required(c, &b);
			kerr_set(err, "%s needs %s", c->name, b.buf ? b.buf : "an option");
		} else if (argc > 1 && argv[1][0] != '-')
			kerr_set(err, "'%s' is not %s", argv[1], b.buf ? b.buf : "");
		else if (argc > 1)
			kerr_set(err, "%s comes first", b.buf ? b.buf : "");
		sbuf_free(&b);
		return NULL;
	}
	for (it = f->items; it && it->name; it++)
		if (!is_option(it)) {
			min += !(it->flags & ITEM_OPTIONAL);
			if (max >= 0)
				max = it->flags & ITEM_WORDS ? -1 : max + 1;
		}
	for (i = form_word_given(f, argc, argv) ? 2 : 1; i < argc; i++) {
		const char *a = argv[i], *eq;
		size_t len;
		int k;

		if (dashes || a[0] != '-' || a[1] == '\0') {
			if (max >= 0 && npos == max && !extra)
				extra = a;
			npos++;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashes = 1;
			continue;
		}
		/*
		 * "-v phone" is a typo for "--via phone", not text: a word
		 * that starts with '-' is taken as text only after "--".
		 */
		if (a[1] != '-') {
			kerr_set(err, "unknown option %s (kith's options are long, "
				 "like --via); for text that starts with '-', put "
				 "-- before it", a);
			return NULL;
		}
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		for (it = f->items; it && it->name; it++)
			if (is_option(it) && strlen(it->name) == len &&
			    strncmp(it->name, a, len) == 0)
				break;
		if (!it || !it->name) {
			kerr_set(err, "unknown option %.*s", (int)len, a);
			return NULL;
		}
		if (it->kind == KIND_NONE && eq) {
			kerr_set(err, "%s takes no value", it->name);
			return NULL;
		}
		if (it->kind != KIND_NONE && !eq) {
			if (i + 1 >= argc) {
				kerr_set(err, "%s needs a value", it->name);
				return NULL;
			}
			i++;
		}
		for (k = 0; k < nseen; k++)
			if (seen[k] == it->name && !(it->flags & ITEM_REPEAT)) {
				kerr_set(err, "%s is given twice", it->name);
				return NULL;
			}
		if (nseen < (int)(sizeof seen / sizeof seen[0]))
			seen[nseen++] = it->name;
	}
	for (it = f->items; it && it->name; it++) {
		int k, given = 0;

		if (!is_option(it) || !(it->flags & ITEM_REQUIRED))
			continue;
		for (k = 0; k < nseen; k++)
			given |= seen[k] == it->name;
		if (!given) {
			kerr_set(err, "%s%s%s needs %s", c->name, f->word ? " " : "",
				 f->word ? f->word : "", it->name);
			return NULL;
		}
	}
	if (extra) {
		struct sbuf b = {0};

		/* "gone foo": no subcommand of that name, more likely than an argument too many. */
		if (!f->word || form_word_given(f, argc, argv) || argv[1] != extra)
			kerr_set(err, "unexpected argument '%s'", extra);
		else {
			form_words(c, &b);
			kerr_set(err, "'%s' is not %s", extra, b.buf);
		}
		sbuf_free(&b);
		return NULL;
	}
	if (npos < min)
		return NULL;	/* the usage says it */
	return f;
}

/* One item as usage shows it: "PERSON", "[--via CHANNEL]", "[--category C]...". */
static void item_usage(const struct cmd_item *it, struct sbuf *b)
{
	int opt = is_option(it);
	int bracket = opt ? !(it->flags & ITEM_REQUIRED) : !!(it->flags & ITEM_OPTIONAL);

	sbuf_addf(b, " %s%s", bracket ? "[" : "", it->name);
	if (opt && it->kind != KIND_NONE)
		sbuf_addf(b, " %s", it->meta ? it->meta : "VALUE");
	if (bracket)
		sbuf_addc(b, ']');
	if (it->flags & ITEM_REPEAT)
		sbuf_adds(b, "...");
}

void cmd_usage(const struct command *c, const struct cmd_form *only,
	       struct sbuf *b)
{
	const struct cmd_form *f;
	const struct cmd_item *it;

	sbuf_adds(b, c->name);
	for (f = c->forms; f && (f->word || f->items); f++) {
		if (only && f != only)
			continue;
		if (f != c->forms && !only)
			sbuf_adds(b, " |");
		if (f->word)
			sbuf_addf(b, f->word_optional ? " [%s]" : " %s", f->word);
		for (it = f->items; it && it->name; it++)
			item_usage(it, b);
	}
}

int cmd_usage_error(const char *name, const char *why, ...)
{
	const struct command *c = cmd_find(name, NULL);
	struct sbuf b = {0};
	va_list ap;

	if (why) {
		va_start(ap, why);
		sbuf_vaddf(&b, why, ap);
		va_end(ap);
		sbuf_adds(&b, "; ");
	}
	sbuf_adds(&b, "usage: ");
	if (c)
		cmd_usage(c, NULL, &b);
	else
		sbuf_adds(&b, name);
	say_error("%s", b.buf);
	sbuf_free(&b);
	return EXIT_USAGE;
}

int cmd_run(struct ctx *ctx, int argc, char **argv)
{
	const struct command *c;
	struct kerr err;

	if (argc == 0)
		return EXIT_OK;
	c = cmd_find(argv[0], stderr);
	if (!c)
		return EXIT_USAGE;
	if (args_ok(argc, argv) < 0)
		return EXIT_USAGE;
	if (!cmd_check(c, argc, argv, &err)) {
		const struct cmd_form *f = cmd_form_of(c, argc, argv);
		struct sbuf b = {0};

		/* "account add" wrong: the usage of account add alone. */
		if (f && !form_word_given(f, argc, argv))
			f = NULL;
		if (err.msg[0])
			sbuf_addf(&b, "%s; ", err.msg);
		sbuf_adds(&b, "usage: ");
		cmd_usage(c, f, &b);
		say_error("%s", b.buf);
		sbuf_free(&b);
		return EXIT_USAGE;
	}
	if ((c->needs & NEED_CACHE) && ctx_cache(ctx) < 0)
		return EXIT_FAIL;
	if (c->needs & NEED_CACHE)
		cache_set_bulk(ctx->cache, !!(c->needs & NEED_BULK));
	return c->fn(ctx, argc, argv);
}

int cmd_split(const char *line, struct strv *words, struct kerr *err)
{
	const char *p = line;
	struct sbuf w = {0};

	for (;;) {
		int in_word = 0;
		char quote = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '\0')
			break;
		sbuf_reset(&w);
		for (; *p; p++) {
			if (quote) {
				if (*p == quote)
					quote = 0;
				else if (*p == '\\' && quote == '"' && p[1] &&
					 strchr("\"\\", p[1]))
					sbuf_addc(&w, *++p);
				else
					sbuf_addc(&w, *p);
			} else if (*p == '"' || *p == '\'') {
				quote = *p;
			} else if (*p == '\\' && p[1]) {
				sbuf_addc(&w, *++p);
			} else if (*p == ' ' || *p == '\t' || *p == '\n' ||
				   *p == '\r') {
				break;
			} else {
				sbuf_addc(&w, *p);
			}
			in_word = 1;
		}
		if (quote) {
			kerr_set(err, "unclosed %c quote", quote);
			sbuf_free(&w);
			return -1;
		}
		if (in_word) {
			size_t len;
			char *s = sbuf_detach(&w, &len);

			strv_push_own(words, s);
		}
	}
	sbuf_free(&w);
	return 0;
}

int opt_take(int *argc, char **argv, const char *name, int want_value,
	     char **value)
{
	size_t len = strlen(name);
	int i, j, take;

	for (i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strncmp(argv[i], name, len) != 0)
			continue;
		if (argv[i][len] == '=' && want_value) {
			*value = argv[i] + len + 1;
			take = 1;
		} else if (argv[i][len] == '\0') {
			take = 1;
			if (want_value) {
				if (i + 1 >= *argc) {
					say_error("%s needs a value", name);
					return -1;
				}
				*value = argv[i + 1];
				take = 2;
			}
		} else {
			continue;
		}
		for (j = i; j + take <= *argc; j++)
			argv[j] = argv[j + take];
		*argc -= take;
		return 1;
	}
	return 0;
}

/* What 'help COMMAND' adds to the usage: an example or two, and notes. */
static const struct {
	const char *name, *text;
} help_more[] = {
	{"account", "example: account add home https://dav.example.org/ --user ana\n"
	 "         account add work https://cloud.example.org/remote.php/dav/ "
	 "--user ana --password-command \"pass show dav/work\""},
	{"add", "example: add Lena Berg --email lena@example.org --category Friends --cadence 2w\n"
	 "         add Wangari Njoroge --aspire \"plants forests; ask about the school project\"\n"
	 "--aspire marks someone you would like to know: 'today' offers them now and then,\n"
	 "and the first touch you log makes them an ordinary contact"},
	{"cadence", "example: cadence Ana Lima 2w; cadence --category Family 1m; cadence ana off\n"
	 "durations: 30d, 2w, 3m, 1y (days, weeks, months, years)"},
	{"capture", "example: capture mail ~/Maildir --me ana@example.org --dry-run\n"
	 "         capture mail ~/mail/sent.mbox --since 2026-01-01\n"
	 "         capture mail --notmuch 'date:2026..'\n"
	 "mail you wrote to someone in your contacts, or they wrote to you, is an email\n"
	 "touch (\"wrote: SUBJECT\", \"got: SUBJECT\"); lists, auto-replies and mail to more\n"
	 "than 20 people are skipped; one entry per person, thread and day, the same on\n"
	 "every device; mail read before is not read again (--rescan reads it all)\n"
	 "config: under [mail], 'me = ADDRESS' and 'path = ~/Maildir' lines, repeatable"},
	{"draft", "example: draft Ana Lima; draft Ana Lima thanks --edit"},
	{"edit", "example: edit Ana Lima 7f3a9c2e --text Talked about the garden\n"
	 "         edit ana 7f3a --date 2026-11-20 --via meet\n"
	 "         edit ana 7f3a (on a terminal: the entry as one line in $EDITOR)\n"
	 "the id, or its first 4 or more digits, is in 'show'"},
	{"gone", "example: gone; gone restore Ana Lima; gone move Ana Lima --to \"Ana Lima-Sousa\""},
	{"export", "example: export --csv > people.csv; export --json --log > kith.json\n"
	 "the CSV reads back with 'import'; --log --csv is a row per log entry"},
	{"history", "example: history --limit 10; history Ana Lima"},
	{"import", "example: import contacts.csv --dry-run; import Connections.csv; "
	 "import phone.vcf\n"
	 "sheets: Google Contacts, Outlook, LinkedIn Connections.csv, or columns such as\n"
	 "Name, Email, Phone, Company, Categories, Cadence, Last contact, Notes;\n"
	 "a person is matched by email, then by exact name; importing again changes nothing"},
	{"intro", "example: intro Ana Lima Bob Stone both into climbing"},
	{"list", "example: list; list acme; list --category Family --json"},
	{"log", "example: log Ana Lima --via phone Talked about the garden\n"
	 "         log ana --via meet --date 3d Coffee at the forum\n"
	 "         log ana -- -5 degrees and snow (text that starts with -)\n"
	 "channels: phone, email, text, meet, video, letter, gift, intro, other\n"
	 "dates: YYYY-MM-DD, today, yesterday, 3d (three days ago), 2w"},
	{"next", "example: next; next --category Friends\n"
	 "keys: l log (asks the channel and the text), s snooze, d draft, "
	 "k skip, q quit; Ctrl-C cancels a question\n"
	 "with --category: everyone in it, cadence or not, least recently touched "
	 "first,\nso a circle of people comes round again and again"},
	{"queue", "example: queue; queue --all; queue --category Friends"},
	{"remind", "example: remind setup; remind setup home --mode todo; "
	 "remind setup --calendar Personal; remind off\n"
	 "events: one all-day event per coming day with today's people and an alarm;\n"
	 "tasks: one per due person, and a task ticked off on the phone is logged;\n"
	 "written at every sync (systemctl --user enable --now kith-sync.timer)"},
	{"remove", "example: remove Ana Lima; remove ana --yes\n"
	 "asks on a terminal; the card is deleted with If-Match at the next sync, and kept\n"
	 "(with a warning) if it changed on the server since; 'undo' takes it back until then"},
	{"search", "example: search garden; search lyon --json"},
	{"set", "example: set Ana Lima --email ana@new.example.org --phone \"+33 6 12 34 56 78\"\n"
	 "         set ana --org Acme --category Friends,Climbing; set ana --org \"\"\n"
	 "--email and --phone change the first one shown; --category sets the whole list;\n"
	 "\"\" removes the field; other fields on the card stay as they are"},
	{"show", "example: show Ana Lima; show ana@example.org --json"},
	{"snooze", "example: snooze Ana Lima 2w; snooze ana 2027-01-15; snooze ana off"},
	{"sync", "example: sync; sync home\nCtrl-C stops it; what it fetched is kept"},
	{"today", "example: today; today --json"},
	{"undo", "example: log ana Lunhc typo; undo (the log is gone, nothing was sent)"},
	{"unlog", "example: unlog Ana Lima 7f3a9c2e (the ids are in 'show')"},
	{NULL, NULL},
};

/* "options: --via --date": every option of every form, once. */
static void help_options(const struct command *c, struct sbuf *b)
{
	const struct cmd_form *f, *g;
	const struct cmd_item *it;
	int n = 0;

	for (f = c->forms; f && (f->word || f->items); f++)
		for (it = f->items; it && it->name; it++) {
			int dup = 0;

			if (!is_option(it))
				continue;
			for (g = c->forms; g != f; g++)
				dup |= cmd_option(g, it->name) != NULL;
			if (dup)
				continue;
			sbuf_addf(b, "%s %s", n++ ? "" : "options:", it->name);
		}
	if (n)
		sbuf_addc(b, '\n');
}

int cmd_help(struct ctx *ctx, int argc, char **argv)
{
	const struct command *c;

	struct sbuf b = {0};

	if (argc > 1) {
		c = cmd_find(argv[1], stderr);
		if (!c)
			return EXIT_USAGE;
		size_t i;

		cmd_usage(c, NULL, &b);
		sbuf_addf(&b, "\n  %s\n", c->help);
		help_options(c, &b);
		for (i = 0; help_more[i].name; i++)
			if (strcmp(help_more[i].name, c->name) == 0)
				sbuf_addf(&b, "%s\n", help_more[i].text);
		return sh_flush_wrapped(&b);
	}
	sbuf_adds(&b, "Commands (a unique prefix is enough; 'help COMMAND' for usage):\n");
	for (c = commands; c->name; c++)
		sbuf_addf(&b, "  %-9s %s\n", c->name, c->help);
	sbuf_adds(&b, "PERSON is a name, a unique part of a name or email, a UID, or an href.\n");
	return sh_flush_wrapped(&b);
}

int cmd_quit(struct ctx *ctx, int argc, char **argv)
{
	ctx->quit = 1;
	return EXIT_OK;
}

int cmd_version(struct ctx *ctx, int argc, char **argv)
{
	printf("kith %s\n", KITH_VERSION);
	return EXIT_OK;
}
