#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/select.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "config.h"
#include "queue.h"
#include "shell.h"

static struct ctx *rl_ctx;	/* readline's callbacks take no argument */

/*
 * Ctrl-C. readline() on its own lets SIGINT end the process once it has
 * put the terminal back; kith reads lines through readline's callback
 * interface instead, waiting in select() without SA_RESTART, so a SIGINT
 * wakes the wait and drops the line (bash, psql and the SQLite shell do the same).
 */
static volatile sig_atomic_t got_sigint, got_sigwinch;
static char *cb_line;
static int cb_done;

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

/* Readline sees a resize only inside its own calls: one while waiting too. */
static void on_sigwinch(int sig)
{
	(void)sig;
	got_sigwinch = 1;
}

static void on_command_sigint(int sig)
{
	(void)sig;
	kith_interrupted = 1;
}

void interrupt_begin(struct sigaction *saved)
{
	struct sigaction sa;

	/* Ignored by whoever started kith (a background job): kept so. */
	sigaction(SIGINT, NULL, saved);
	if (saved->sa_handler == SIG_IGN)
		return;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_command_sigint;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
}

void interrupt_end(const struct sigaction *saved)
{
	sigaction(SIGINT, saved, NULL);
	kith_interrupted = 0;
}

int shell_confirm(const char *question)
{
	char *line = NULL;
	int yes = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return -1;
	{
		int interrupted;
		char *prompt = xasprintf("%s [y/N] ", question);

		line = shell_readline(prompt, &interrupted);
		free(prompt);
	}
	if (line) {
		const char *p = line + strspn(line, " \t");

		yes = *p == 'y' || *p == 'Y';
	}
	free(line);
	return yes;
}

static void on_line(char *line)
{
	cb_line = line;
	cb_done = 1;
	rl_callback_handler_remove();
}

char *shell_readline(const char *prompt, int *interrupted)
{
	struct sigaction sa, old, wa, oldw;
	int fd = fileno(rl_instream ? rl_instream : stdin);

	*interrupted = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, NULL, &old);
	if (old.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
	wa = sa;
	wa.sa_handler = on_sigwinch;
	sigaction(SIGWINCH, &wa, &oldw);
	got_sigwinch = 0;
	got_sigint = 0;
	cb_done = 0;
	cb_line = NULL;
	rl_callback_handler_install(prompt, on_line);
	while (!cb_done) {
		fd_set fds;
		int r;

		FD_ZERO(&fds);
		FD_SET(fd, &fds);
		r = select(fd + 1, &fds, NULL, NULL, NULL);
		if (got_sigint) {
			got_sigint = 0;
			*interrupted = 1;
			/* What readline was in the middle of, then a fresh line. */
			rl_callback_sigcleanup();
			rl_free_line_state();
			rl_echo_signal_char(SIGINT);
			rl_crlf();
			rl_callback_handler_remove();
			break;
		}
		if (got_sigwinch) {
			got_sigwinch = 0;
			rl_resize_terminal();
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rl_callback_handler_remove();
			break;
		}
		if (FD_ISSET(fd, &fds))
			rl_callback_read_char();
	}
	sigaction(SIGINT, &old, NULL);
	sigaction(SIGWINCH, &oldw, NULL);
	if (*interrupted) {
		free(cb_line);
		cb_line = NULL;
	}
	return cb_line;
}

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
	size_t skip = strlen(before), i;
	struct strv names = {0};
	struct kerr err;
	char *prefix;

	if (!rl_ctx->cache || strlen(text) + skip > 200)
		return;
	prefix = xasprintf("%s%s", before, t);
	if (query_names_from(rl_ctx->cache, prefix, &names, &err) == 0)
		for (i = 0; i < names.n; i++) {
			const char *fn = names.v[i];

			if (strlen(fn) < skip)
				continue;
			if (skip)
				strv_push(&cands, fn + skip);
			else if (strchr(fn, ' ') && !rl_completion_quote_character)
				strv_push_own(&cands, xasprintf("\"%s\"", fn));
			else
				strv_push(&cands, fn);
		}
	strv_free(&names);
	free(prefix);
}

/* Category names: CATEGORIES values and group names. */
static void add_categories(void)
{
	struct strv names = {0};
	struct kerr err;
	size_t i;

	if (!rl_ctx->cache)
		return;
	if (query_category_names(rl_ctx->cache, &names, &err) == 0)
		for (i = 0; i < names.n; i++) {
			/* a name with a space is offered quoted */
			if (strchr(names.v[i], ' '))
				strv_push_own(&cands, xasprintf("\"%s\"", names.v[i]));
			else
				strv_push(&cands, names.v[i]);
		}
	strv_free(&names);
}

/*
 * What a word of kind completes to. before: the words of the same
 * PERSON typed so far, each followed by a space ("" when it starts here).
 */
static void add_kind(enum arg_kind kind, const char *before, const char *text)
{
	const struct command *c;
	size_t i;

	switch (kind) {
	case KIND_PERSON:
		add_people(before, text);
		break;
	case KIND_CATEGORY:
		add_categories();
		break;
	case KIND_TEMPLATE:
		draft_template_names(&cands);
		break;
	case KIND_CHANNEL:
		for (i = 0; sh_channels[i]; i++)
			strv_push(&cands, sh_channels[i]);
		break;
	case KIND_ACCOUNT:
		for (i = 0; i < rl_ctx->cfg.naccounts; i++)
			strv_push(&cands, rl_ctx->cfg.accounts[i].name);
		break;
	case KIND_COMMAND:
		for (c = commands; c->name; c++)
			strv_push(&cands, c->name);
		break;
	case KIND_FILE: {
		/* import FILE, --cafile FILE: readline's own file names, a / after a folder. */
		char *f;

		rl_filename_completion_desired = 1;
		for (i = 0; (f = rl_filename_completion_function(text, (int)i)) != NULL; i++)
			strv_push_own(&cands, f);
		break;
	}
	default:
		break;	/* free text, a URL, a date, a number: nothing to offer */
	}
}

static int have_cand(const char *s)
{
	size_t i;

	for (i = 0; i < cands.n; i++)
		if (strcmp(cands.v[i], s) == 0)
			return 1;
	return 0;
}

/* Option names: of form f, or of every form without a word when f is NULL. */
static void add_options(const struct command *c, const struct cmd_form *f)
{
	const struct cmd_form *g;
	const struct cmd_item *it;

	for (g = c->forms; g && (g->word || g->items); g++) {
		if (f ? g != f : g->word && !g->word_optional)
			continue;
		for (it = g->items; it && it->name; it++)
			if (it->name[0] == '-' && !have_cand(it->name))
				strv_push(&cands, it->name);
	}
}

/*
 * The candidates for the word after words (words->v[0] the command),
 * from the command's table entry: a subcommand, an option's name, the
 * value an option takes, or the positional the word stands for. A
 * PERSON takes several words, so after its first one the next
 * positional is offered beside the rest of the name.
 */
static void complete_args(const struct command *c, const struct strv *words,
			  const char *text)
{
	const struct cmd_form *f, *g;
	const struct cmd_item *it, *pos = NULL;
	struct sbuf before = {0};
	int i, argc = (int)words->n, dashes = 0, inpos = 0;

	f = cmd_form_of(c, argc, words->v);
	if (argc == 1 && text[0] != '-')
		for (g = c->forms; g && (g->word || g->items); g++)
			if (g->word)
				strv_push(&cands, g->word);
	if (!f) {
		if (argc == 1 && text[0] == '-')
			add_options(c, NULL);
		return;
	}
	for (it = f->items; it && it->name; it++)
		if (it->name[0] != '-') {
			pos = it;
			break;
		}
	for (i = f->word && argc > 1 && strcmp(words->v[1], f->word) == 0 ? 2 : 1;
	     i < argc; i++) {
		const char *w = words->v[i];
		const struct cmd_item *o;

		if (!dashes && strcmp(w, "--") == 0) {
			dashes = 1;
			continue;
		}
		if (!dashes && w[0] == '-' && w[1]) {
			o = cmd_option(f, w);
			if (o && o->kind != KIND_NONE) {
				if (i + 1 == argc) {
					add_kind(o->kind, "", text);
					goto out;
				}
				i++;
			}
			/* An option ends the words of a PERSON. */
			if (inpos && pos) {
				pos++;
				inpos = 0;
			}
			sbuf_reset(&before);
			continue;
		}
		/* The next positional of the form, skipping its options. */
		while (pos && pos->name && pos->name[0] == '-')
			pos++;
		if (!pos || !pos->name)
			goto out;
		if (pos->flags & ITEM_WORDS) {
			inpos = 1;
			sbuf_addf(&before, "%s ", w);
		} else {
			pos++;
		}
	}
	if (text[0] == '-' && !dashes) {
		add_options(c, f->word ? f : NULL);
		goto out;
	}
	while (pos && pos->name && pos->name[0] == '-')
		pos++;
	if (!pos || !pos->name)
		goto out;
	{
		const char *b = rl_completion_quote_character || !inpos ?
				"" : before.buf;

		add_kind(pos->kind, b, text);
		if (!inpos)
			goto out;
		/* Or the word starts the next positional ("intro Ana Lima Bo"). */
		for (it = pos + 1; it->name && it->name[0] == '-'; it++)
			;
		if (it->name && !(it->kind == pos->kind && *b == '\0'))
			add_kind(it->kind, "", text);
	}
out:
	sbuf_free(&before);
}

static char **complete(const char *text, int start, int end)
{
	const struct command *c;
	struct strv words = {0};
	char *head;

	(void)end;
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
		if (c)
			complete_args(c, &words, text);
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

	/* A line whose first word starts with '#' is a comment, as in sh. */
	if (line[strspn(line, " \t")] == '#')
		return EXIT_OK;

	if (cmd_split(line, &words, &err) < 0) {
		say_error("%s", err.msg);
		strv_free(&words);
		return EXIT_USAGE;
	}
	/* Commands take options out of argv: give them a copy of the array. */
	args = xcalloc(words.n + 1, sizeof *args);
	if (words.n)
		memcpy(args, words.v, words.n * sizeof *args);
	if (ctx->interactive) {
		/* Ctrl-C stops the command (a sync says so), not the shell. */
		struct sigaction saved;

		interrupt_begin(&saved);
		rc = cmd_run(ctx, (int)words.n, args);
		interrupt_end(&saved);
	} else {
		rc = cmd_run(ctx, (int)words.n, args);
	}
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
	if (ctx->cfg.naccounts == 0)
		printf("No account yet: 'account add NAME URL --user USER' adds your "
		       "CardDAV server, then 'sync'.\n");
	while (!ctx->quit) {
		char *p = prompt(ctx);

		int interrupted;

		line = shell_readline(p, &interrupted);
		free(p);
		if (interrupted)
			continue;	/* Ctrl-C: a fresh prompt */
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
