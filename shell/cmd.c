#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

static const char *const opts_json[] = {"--json", NULL};
static const char *const opts_list[] = {"--json", "--category", NULL};
static const char *const opts_queue[] = {"--json", "--all", "--category", NULL};
static const char *const opts_log[] = {"--via", "--date", NULL};
static const char *const opts_cadence[] = {"--category", "--yes", NULL};
static const char *const opts_json_limit[] = {"--json", "--limit", NULL};
static const char *const opts_draft[] = {"--edit", NULL};
static const char *const opts_gone[] = {"list", "restore", "move", "drop", "--to", "--json", NULL};
static const char *const opts_add[] = {"--email", "--phone", "--org", "--category",
	"--cadence", "--aspire", "--book", "--force", NULL};
static const char *const opts_edit[] = {"--text", "--date", "--via", NULL};
static const char *const opts_set[] = {"--email", "--phone", "--org", "--category",
	"--aspire", NULL};
static const char *const opts_yes[] = {"--yes", NULL};
static const char *const opts_next[] = {"--category", NULL};
static const char *const opts_account[] = {"add", "list", "remove", "--user",
	"--password-command", "--cafile", NULL};

const struct command commands[] = {
	{"account", "add NAME URL --user USER [--password-command CMD] [--cafile FILE] | list | remove NAME",
	 "add, list or remove a CardDAV account", 1, -1, NEED_CACHE | NEED_BULK,
	 cmd_account, opts_account},
	{"add", "NAME [--email E] [--phone P] [--org O] [--category C]... [--cadence DURATION] [--aspire WHY] [--book URL] [--force]",
	 "add a new person (on the server after the next sync)", 1, -1, NEED_CACHE, cmd_add, opts_add},
	{"cadence", "PERSON (DURATION | off) | --category NAME (DURATION | off) [--yes]",
	 "how often to reconnect: 30d, 2w, 3m, 1y, or off", 2, -1, NEED_CACHE, cmd_cadence, opts_cadence},
	{"draft", "PERSON [TEMPLATE] [--edit]",
	 "a message to start from: reconnect, birthday, congrats, thanks, or yours",
	 1, -1, NEED_CACHE, cmd_draft, opts_draft},
	{"gone", "[--json] | restore PERSON | move PERSON --to OTHER | drop PERSON",
	 "notes of cards deleted on the server: list, re-create, move or drop them",
	 0, -1, NEED_CACHE, cmd_gone, opts_gone},
	{"edit", "PERSON ID [--text TEXT] [--date DATE] [--via CHANNEL]",
	 "correct a log entry (without options: in $EDITOR)", 2, -1, NEED_CACHE,
	 cmd_edit, opts_edit},
	{"help", "[COMMAND]", "list the commands, or explain one", 0, 1, 0, cmd_help, NULL},
	{"history", "[PERSON] [--json] [--limit N]", "recent touches across everyone, newest first",
	 0, -1, NEED_CACHE, cmd_history, opts_json_limit},
	{"intro", "A B TEXT...", "log an introduction on both people, each naming the other",
	 2, -1, NEED_CACHE, cmd_intro, NULL},
	{"list", "[--json] [--category NAME] [QUERY]",
	 "people, with cadence, last contact and due date", 0, -1, NEED_CACHE,
	 cmd_list, opts_list},
	{"log", "PERSON [--via CHANNEL] [--date DATE] [TEXT...]",
	 "record an interaction; restarts the clock", 1, -1, NEED_CACHE, cmd_log, opts_log},
	{"next", "[--category NAME]",
	 "walk the queue (or a category, least recently touched first): log, snooze, draft or skip",
	 0, -1, NEED_CACHE, cmd_next, opts_next},
	{"queue", "[--json] [--all] [--category NAME]",
	 "who to reach out to now, most overdue first", 0, -1, NEED_CACHE,
	 cmd_queue, opts_queue},
	{"quit", "", "leave the shell", 0, 0, 0, cmd_quit, NULL},
	{"remove", "PERSON [--yes]",
	 "delete a person's card (on the server at the next sync)", 1, -1,
	 NEED_CACHE, cmd_remove, opts_yes},
	{"search", "[--json] [--limit N] TEXT...",
	 "full-text search: names, organisations, emails, categories, notes",
	 1, -1, NEED_CACHE, cmd_search, opts_json_limit},
	{"set", "PERSON [--email E] [--phone P] [--org O] [--category A,B] [--aspire WHY]",
	 "change a person's email, phone, organisation, categories (\"\" removes one)",
	 2, -1, NEED_CACHE, cmd_set, opts_set},
	{"show", "[--json] PERSON", "one person: card fields, cadence, snooze, log",
	 1, -1, NEED_CACHE, cmd_show, opts_json},
	{"snooze", "PERSON (DURATION | DATE | off)",
	 "leave the queue until then (not a touch)", 2, -1, NEED_CACHE, cmd_snooze, NULL},
	{"stats", "[--json]", "the network at a glance: cadences, touches, spread",
	 0, 1, NEED_CACHE, cmd_stats, opts_json},
	{"sync", "[ACCOUNT]", "pull changes from the server, then push notes",
	 0, 1, NEED_CACHE | NEED_BULK, cmd_sync, NULL},
	{"today", "[--json]", "three people to think of today, and birthdays this week",
	 0, 1, NEED_CACHE, cmd_today, opts_json},
	{"undo", "", "take back the last change not yet synced (a log, cadence, snooze, add)",
	 0, 0, NEED_CACHE, cmd_undo, NULL},
	{"unlog", "PERSON ID", "remove a mistaken log entry", 2, -1, NEED_CACHE, cmd_unlog, NULL},
	{"version", "", "print kith's version", 0, 0, 0, cmd_version, NULL},
	{NULL, NULL, NULL, 0, 0, 0, NULL, NULL},
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

int cmd_run(struct ctx *ctx, int argc, char **argv)
{
	const struct command *c;
	int nargs;

	if (argc == 0)
		return EXIT_OK;
	c = cmd_find(argv[0], stderr);
	if (!c)
		return EXIT_USAGE;
	if (args_ok(argc, argv) < 0)
		return EXIT_USAGE;
	nargs = argc - 1;
	if (nargs < c->min_args || (c->max_args >= 0 && nargs > c->max_args)) {
		say_error("usage: %s %s", c->name, c->usage);
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

int opt_none_left(const char *cmd, int argc, char **argv)
{
	const struct command *c = cmd_find(cmd, NULL);
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (argv[i][0] == '-' && argv[i][1] == '-' && argv[i][2]) {
			say_error("unknown option %s; usage: %s %s", argv[i],
				  cmd, c ? c->usage : "");
			return -1;
		}
		/*
		 * "-v phone" is a typo for "--via phone", not text: a word
		 * that starts with '-' is taken as text only after "--".
		 */
		if (argv[i][0] == '-' && argv[i][1]) {
			say_error("unknown option %s (kith's options are long, like "
				  "--via); for text that starts with '-', put -- "
				  "before it; usage: %s %s", argv[i], cmd,
				  c ? c->usage : "");
			return -1;
		}
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
	{"draft", "example: draft Ana Lima; draft Ana Lima thanks --edit"},
	{"edit", "example: edit Ana Lima 7f3a9c2e --text Talked about the garden\n"
	 "         edit ana 7f3a --date 2026-11-20 --via meet\n"
	 "         edit ana 7f3a (on a terminal: the entry as one line in $EDITOR)\n"
	 "the id, or its first 4 or more digits, is in 'show'"},
	{"gone", "example: gone; gone restore Ana Lima; gone move Ana Lima --to Ana Lima-Sousa"},
	{"history", "example: history --limit 10; history Ana Lima"},
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

int cmd_help(struct ctx *ctx, int argc, char **argv)
{
	const struct command *c;

	struct sbuf b = {0};

	if (argc > 1) {
		c = cmd_find(argv[1], stderr);
		if (!c)
			return EXIT_USAGE;
		size_t i;

		sbuf_addf(&b, "%s %s\n  %s\n", c->name, c->usage, c->help);
		if (c->options && c->options[0]) {
			const char *const *o;

			sbuf_adds(&b, "options:");
			for (o = c->options; *o; o++)
				if ((*o)[0] == '-')
					sbuf_addf(&b, " %s", *o);
			sbuf_addc(&b, '\n');
		}
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
