#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "config.h"
#include "queue.h"
#include "shell.h"

static struct ctx *rl_ctx;	/* readline's callbacks take no argument */

/* Completion candidates for the word being typed, gathered up front. */
static struct strv cands;
static size_t cand_i;

static char *next_cand(const char *text, int state)
{
	size_t len;

	/* A quoted candidate ("Ana Lima") matches what is typed after its quote. */
	if (*text == '"' || *text == '\'')
		text++;
	len = strlen(text);
	if (state == 0)
		cand_i = 0;
	while (cand_i < cands.n) {
		const char *c = cands.v[cand_i++];
		const char *bare = *c == '"' ? c + 1 : c;

		if (strncasecmp(bare, text, len) == 0)
			return strdup(c);
	}
	return NULL;
}

/*
 * People whose name starts with before + text. before holds the words
 * already typed unquoted ("Efua " when completing "Efua Y"): those
 * candidates are the rest of the name from the current word on, so
 * "show Efua Y<Tab>" becomes "show Efua Yılmaz" (commands take a name
 * as several words). Alone, a name with a space is offered quoted.
 */
static void add_people(const char *before, const char *text)
{
	const char *t = text[0] == '"' || text[0] == '\'' ? text + 1 : text;
	size_t skip = strlen(before);
	sqlite3_stmt *st;
	char *like;

	if (!rl_ctx->cache || strlen(text) + skip > 200)
		return;
	like = xasprintf("%s%s%%", before, t);
	if (sqlite3_prepare_v2(cache_db(rl_ctx->cache),
			       "SELECT DISTINCT fn FROM card WHERE is_group = 0 AND "
			       "fn LIKE ?1 ORDER BY fn LIMIT 200", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, like, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *fn = (const char *)sqlite3_column_text(st, 0);

			if (!fn || strlen(fn) < skip)
				continue;
			if (skip)
				strv_push(&cands, fn + skip);
			else if (strchr(fn, ' ') && !rl_completion_quote_character)
				strv_push_own(&cands, xasprintf("\"%s\"", fn));
			else
				strv_push(&cands, fn);
		}
		sqlite3_finalize(st);
	}
	free(like);
}

/*
 * The unquoted name words typed so far after the command and its
 * options, each followed by a space: "" when the name starts here.
 */
static char *name_words(const struct strv *words)
{
	struct sbuf b = {0};
	size_t i, first = words->n;

	if (rl_completion_quote_character)
		return xstrdup("");
	while (first > 1 && words->v[first - 1][0] != '-' &&
	       (first < 3 || words->v[first - 2][0] != '-'))
		first--;
	for (i = first; i < words->n; i++)
		sbuf_addf(&b, "%s ", words->v[i]);
	return sbuf_detach(&b, NULL);
}

/* Category names: CATEGORIES values and group names. */
static void add_categories(void)
{
	sqlite3_stmt *st;

	if (!rl_ctx->cache)
		return;
	if (sqlite3_prepare_v2(cache_db(rl_ctx->cache),
			       "SELECT DISTINCT categories, is_group, fn FROM card WHERE "
			       "(is_group = 0 AND categories IS NOT NULL) OR "
			       "(is_group = 1 AND fn IS NOT NULL) LIMIT 5000", -1, &st,
			       NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st,
				sqlite3_column_int(st, 1) ? 2 : 0);
		const char *sep;

		/* ", "-joined; a name with a space is offered quoted. */
		while (s && *s) {
			size_t n;
			char *one;

			sep = strstr(s, ", ");
			n = sep ? (size_t)(sep - s) : strlen(s);
			one = xstrndup(s, n);
			if (strchr(one, ' '))
				strv_push_own(&cands, xasprintf("\"%s\"", one));
			else
				strv_push(&cands, one);
			free(one);
			s = sep ? sep + 2 : NULL;
		}
	}
	sqlite3_finalize(st);
}

static char **complete(const char *text, int start, int end)
{
	const struct command *c;
	struct strv words = {0};
	char *head;

	rl_attempted_completion_over = 1;
	strv_free(&cands);
	head = xstrndup(rl_line_buffer, (size_t)start);
	cmd_split(head, &words, NULL);
	free(head);
	if (words.n == 0) {
		for (c = commands; c->name; c++)
			strv_push(&cands, c->name);
	} else {
		c = cmd_find(words.v[0], NULL);
		if (c && c->options && text[0] == '-') {
			const char *const *o;

			for (o = c->options; *o; o++)
				strv_push(&cands, *o);
		} else if (c && c->options && words.n == 1 &&
			   strcmp(c->name, "account") == 0) {
			const char *const *o;

			for (o = c->options; *o; o++)
				if ((*o)[0] != '-')
					strv_push(&cands, *o);
		} else if (c && strcmp(words.v[words.n - 1], "--via") == 0) {
			static const char *const via[] = {"phone", "email", "text",
				"meet", "video", "letter", "gift", "intro", "other", NULL};
			const char *const *v;

			for (v = via; *v; v++)
				strv_push(&cands, *v);
		} else if (c && strcmp(c->name, "draft") == 0 && words.n == 2) {
			draft_template_names(&cands);
		} else if (c && strcmp(words.v[words.n - 1], "--category") == 0) {
			add_categories();
		} else if (c && (c->needs & NEED_CACHE) &&
			   strcmp(c->name, "add") != 0 &&
			   strcmp(c->name, "search") != 0) {
			char *before = name_words(&words);

			/* A whole name first; else the current word alone. */
			add_people(before, text);
			if (cands.n == 0 && *before)
				add_people("", text);
			free(before);
		}
	}
	strv_free(&words);
	return rl_completion_matches(text, next_cand);
}

static char *history_path(void)
{
	char *dir = config_dir("state", NULL), *p;

	if (!dir)
		return NULL;
	p = xasprintf("%s/history", dir);
	free(dir);
	return p;
}

static char *prompt(struct ctx *ctx)
{
	struct queue_entry *q = NULL;
	size_t n = 0;

	if (ctx->cache && queue_list(ctx->cache, ctx->today, 0, &q, &n, NULL) == 0 &&
	    n > 0) {
		free(q);
		return xasprintf("kith (%zu due)> ", n);
	}
	free(q);
	return xstrdup("kith> ");
}

static int run_line(struct ctx *ctx, const char *line)
{
	struct strv words = {0};
	struct kerr err;
	char **args;
	int rc;

	if (cmd_split(line, &words, &err) < 0) {
		say_error("%s", err.msg);
		strv_free(&words);
		return EXIT_USAGE;
	}
	/* Commands take options out of argv: give them a copy of the array. */
	args = xcalloc(words.n + 1, sizeof *args);
	if (words.n)
		memcpy(args, words.v, words.n * sizeof *args);
	rc = cmd_run(ctx, (int)words.n, args);
	free(args);
	strv_free(&words);
	fflush(stdout);
	return rc;
}

int repl_run(struct ctx *ctx)
{
	char *line, *hist = NULL;
	int rc = EXIT_OK;

	if (!isatty(0)) {
		/* Piped commands: no prompt; the status is the worst one seen. */
		char *buf = NULL;
		size_t cap = 0;

		while (!ctx->quit && getline(&buf, &cap, stdin) > 0) {
			int r = run_line(ctx, buf);

			if (r > rc)
				rc = r;
		}
		free(buf);
		return rc;
	}
	rl_ctx = ctx;
	rl_readline_name = "kith";
	rl_attempted_completion_function = complete;
	rl_completer_quote_characters = "\"'";
	rl_basic_word_break_characters = " \t\n";
	ctx_cache(ctx);
	hist = history_path();
	if (hist) {
		int fd = open(hist, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

		if (fd >= 0)
			close(fd);
		using_history();
		read_history(hist);
	}
	printf("kith %s: 'help' lists the commands, 'quit' leaves.\n", KITH_VERSION);
	while (!ctx->quit) {
		char *p = prompt(ctx);

		line = readline(p);
		free(p);
		if (!line) {
			putchar('\n');
			break;
		}
		if (line[strspn(line, " \t")] != '\0') {
			add_history(line);
			if (hist)
				append_history(1, hist);
			run_line(ctx, line);
		}
		free(line);
	}
	if (hist) {
		history_truncate_file(hist, 2000);
		free(hist);
	}
	strv_free(&cands);
	return EXIT_OK;
}
