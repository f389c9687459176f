/*
 * reconnect.c: the commands of the daily work: next (walk the queue),
 * today (three people to think of), draft (a message to start from),
 * intro (log an introduction on both people) and add (a new person).
 *
 * Writes go through the outbox like every other command (people.c).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <readline/readline.h>

#include "date.h"
#include "out.h"
#include "queue.h"
#include "shell.h"
#include "today.h"
#include "vcard.h"

/* ---- answers: single keys on a terminal, lines otherwise ------------- */

/*
 * On a terminal `next` reads one key per choice, in raw mode only while
 * it waits for that key. A signal that ends kith meanwhile must not leave
 * the terminal raw: the handler puts it back and re-raises.
 */
static struct termios saved_tio;
static volatile sig_atomic_t tio_raw;

static void tio_restore(void)
{
	if (tio_raw) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
		tio_raw = 0;
	}
}

static void on_fatal_signal(int sig)
{
	tio_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * One key. Returns the character (lower-cased), or 'q' at end of input,
 * on Ctrl-C, Ctrl-D or Escape. Without a terminal: the first non-blank
 * character of the next non-empty line.
 */
static int ask_key(const char *prompt)
{
	static const int sigs[] = {SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
	struct sigaction sa, old[4];
	struct termios raw;
	unsigned char ch;
	ssize_t r;
	size_t i;

	if (!isatty(STDIN_FILENO)) {
		char *line = NULL;
		size_t cap = 0;
		int c = 'q';

		while (getline(&line, &cap, stdin) > 0) {
			char *p = line + strspn(line, " \t\r\n");

			if (*p) {
				c = tolower((unsigned char)*p);
				break;
			}
		}
		free(line);
		return c;
	}
	fputs(prompt, stdout);
	fflush(stdout);
	if (tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return 'q';
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	raw = saved_tio;
	/* No echo, no line editing, no signals from keys: Ctrl-C is 'quit'. */
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tio_raw = 1;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
	do
		r = read(STDIN_FILENO, &ch, 1);
	while (r < 0 && errno == EINTR);
	tio_restore();
	for (i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (r != 1 || ch == 3 || ch == 4 || ch == 27)
		ch = 'q';
	ch = (unsigned char)tolower(ch);
	if (isprint(ch))
		printf("%c\n", ch);
	else
		putchar('\n');
	return ch;
}

/* The words a line prompt completes (channels), for readline. */
static const char *const *line_words;

static char *line_word(const char *text, int state)
{
	static size_t i;
	size_t len = strlen(text);

	if (state == 0)
		i = 0;
	while (line_words && line_words[i]) {
		const char *w = line_words[i++];

		if (strncasecmp(w, text, len) == 0)
			return strdup(w);
	}
	return NULL;
}

static char **line_complete(const char *text, int start, int end)
{
	rl_attempted_completion_over = 1;
	return rl_completion_matches(text, line_word);
}

/*
 * One line of text, trimmed; "" for an empty answer, NULL at end of input
 * or, with *cancelled set, on Ctrl-C. On a terminal readline edits it
 * (completing words when given). The caller frees it.
 */
static char *ask_line(const char *prompt, const char *const *words, int *cancelled)
{
	char *line = NULL, *s, *e;

	*cancelled = 0;
	if (isatty(STDIN_FILENO)) {
		rl_completion_func_t *saved = rl_attempted_completion_function;

		line_words = words;
		rl_attempted_completion_function = line_complete;
		line = shell_readline(prompt, cancelled);
		rl_attempted_completion_function = saved;
		line_words = NULL;
		if (!line)
			return NULL;
	} else {
		size_t cap = 0;

		if (getline(&line, &cap, stdin) <= 0) {
			free(line);
			return NULL;
		}
	}
	s = line + strspn(line, " \t");
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		e--;
	s = xstrndup(s, (size_t)(e - s));
	free(line);
	return s;
}

/* ---- drafts ------------------------------------------------------------ */

/*
 * The built-in templates, each in three tones: the last touch was a while
 * ago (two weeks or more), recent, or never logged. "It has been only a
 * few days since we last met" is not how a person writes, nor is "it has
 * been a while since we last caught up" to someone never logged.
 */
enum tone { TONE_LONG, TONE_RECENT, TONE_NEVER };
#define RECENT_DAYS 14

struct builtin_template {
	const char *name;
	const char *text[3];	/* by enum tone */
};

static const struct builtin_template builtins[] = {
	{"birthday", {
	 "Happy birthday, {first}! I hope the year ahead is a kind one. It "
	 "has been {since} since we last {what}; let's catch up soon.",
	 "Happy birthday, {first}! I hope the year ahead is a kind one. It "
	 "was good that we {what} the other day; let's do it again soon.",
	 "Happy birthday, {first}! I hope the year ahead is a kind one, and "
	 "that we catch up soon."}},
	{"congrats", {
	 "Hi {first}, I just heard the news: congratulations! It has been "
	 "{since} since we last {what}, and I would love to hear how it all "
	 "came about.",
	 "Hi {first}, I just heard the news: congratulations! We {what} only "
	 "the other day, and I would love to hear how it all came about.",
	 "Hi {first}, I just heard the news: congratulations! I would love "
	 "to hear how it all came about."}},
	{"reconnect", {
	 "Hi {first}, I can't believe it has been {since} since we last "
	 "{what}. How have things been?",
	 "Hi {first}, it was good that we {what} the other day. How have "
	 "things been since?",
	 "Hi {first}, it has been too long since we were properly in touch. "
	 "How have things been?"}},
	{"thanks", {
	 "Hi {first}, thank you again, it meant a lot. It has been {since} "
	 "since we last {what}; tell me when you are free and the coffee is "
	 "on me.",
	 "Hi {first}, thank you again, it meant a lot. Tell me when you are "
	 "free and the coffee is on me.",
	 "Hi {first}, thank you again, it meant a lot. Tell me when you are "
	 "free and the coffee is on me."}},
	{NULL, {NULL, NULL, NULL}},
};

/* A template name is a file name: letters, digits, '-', '_', '.'. */
static int template_name_ok(const char *s)
{
	if (!*s || *s == '.' || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return 0;
	return 1;
}

static char *templates_dir(void)
{
	char *dir = config_dir("config", NULL), *t;

	if (!dir)
		return NULL;
	t = xasprintf("%s/templates", dir);
	free(dir);
	return t;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void draft_template_names(struct strv *out)
{
	char *dir = templates_dir();
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;
	size_t i, j, n0 = out->n;

	for (i = 0; builtins[i].name; i++)
		strv_push(out, builtins[i].name);
	while (d && (e = readdir(d)) != NULL)
		if (template_name_ok(e->d_name))
			strv_push(out, e->d_name);
	if (d)
		closedir(d);
	free(dir);
	qsort(out->v + n0, out->n - n0, sizeof *out->v, cmp_str);
	/* A user template that overrides a built-in is listed once. */
	for (i = j = n0; i < out->n; i++) {
		if (j > n0 && strcmp(out->v[j - 1], out->v[i]) == 0) {
			free(out->v[i]);
			continue;
		}
		out->v[j++] = out->v[i];
	}
	out->n = j;
}

/*
 * The template's text: the user's file (one text for every tone), else
 * the built-in in tone t; NULL if none.
 */
static char *template_text(const char *name, enum tone t)
{
	char *dir, *path, *text;
	size_t i, len;

	if (!template_name_ok(name))
		return NULL;
	dir = templates_dir();
	if (dir) {
		path = xasprintf("%s/%s", dir, name);
		text = read_file(path, &len);
		free(path);
		free(dir);
		if (text) {
			while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
				text[--len] = '\0';
			return text;
		}
	}
	for (i = 0; builtins[i].name; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return xstrdup(builtins[i].text[t]);
	return NULL;
}

static const char *const number_words[] = {"zero", "one", "two", "three",
	"four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
	"twelve"};

/* "n units" with n in words ("three months"), "a month" for one. */
static void count_words(char *out, size_t size, long n, const char *unit)
{
	if (n == 1)
		snprintf(out, size, "a %s", unit);
	else if (n <= 12)
		snprintf(out, size, "%s %ss", number_words[n], unit);
	else
		snprintf(out, size, "%ld %ss", n, unit);
}

/* Time since a day, in words for a message: "three months", "over a year". */
static void since_words(long days, char out[48])
{
	if (days < 0)
		snprintf(out, 48, "a while");	/* a touch dated ahead */
	else if (days < 3)
		snprintf(out, 48, "a few days");
	else if (days < 7)
		snprintf(out, 48, "%s days", number_words[days]);
	else if (days < 60)
		count_words(out, 48, days / 7, "week");
	else if (days < 365)
		count_words(out, 48, days / 30, "month");
	else if (days < 730)
		snprintf(out, 48, "over a year");
	else
		snprintf(out, 48, "over %s years", days / 365 <= 12 ?
			 number_words[days / 365] : "many");
}

/*
 * "at the forum" from "Coffee at the forum; she is moving": the phrase
 * after " at " or " near " up to punctuation, at most five words. NULL
 * when the text names no place.
 */
static char *place_of(const char *text)
{
	static const char *const preps[] = {"at ", "near ", NULL};
	const char *p = NULL, *e;
	size_t i;
	int words = 0;

	for (i = 0; preps[i] && !p; i++) {
		const char *s = text;

		while ((s = strcasestr(s, preps[i])) != NULL) {
			if (s == text || s[-1] == ' ') {
				p = s;
				break;
			}
			s++;
		}
	}
	if (!p)
		return NULL;
	for (e = p; *e && !strchr(";,.!?:\n()", *e); e++)
		if (*e == ' ' && ++words > 5)
			break;
	while (e > p && e[-1] == ' ')
		e--;
	if (strchr(p, ' ') >= e)	/* "at" with nothing after it */
		return NULL;
	return xstrndup(p, (size_t)(e - p));
}

/* What we last did, for "since we last {what}": "met at the forum". */
static char *what_words(const char *via, const char *where)
{
	if (!via)
		return xstrdup("caught up");
	if (strcmp(via, "phone") == 0)
		return xstrdup("spoke on the phone");
	if (strcmp(via, "email") == 0)
		return xstrdup("emailed");
	if (strcmp(via, "text") == 0)
		return xstrdup("texted");
	if (strcmp(via, "video") == 0)
		return xstrdup("had a video call");
	if (strcmp(via, "letter") == 0)
		return xstrdup("wrote to each other");
	if (strcmp(via, "meet") == 0)
		return where ? xasprintf("met %s", where) : xstrdup("met up");
	return where ? xasprintf("saw each other %s", where) :
	       xstrdup("were in touch");
}

/* The placeholders a template may use. */
static const char *const placeholders[] = {"first", "name", "since", "what",
	"where", "last", "org", NULL};

/*
 * The tone for p's drafts: when the newest touch is under RECENT_DAYS
 * old, or when there is none. rows and nrows get the log, newest first.
 */
static enum tone draft_tone(struct ctx *ctx, const struct person *p,
			    struct person_log_row **rows, size_t *nrows)
{
	long d;

	*rows = NULL;
	*nrows = 0;
	if (person_log(ctx, p->id, rows, nrows) < 0 || *nrows == 0)
		return TONE_NEVER;
	if (date_parse((*rows)[0].date, &d, NULL) == 0 && ctx->today - d >= 0 &&
	    ctx->today - d < RECENT_DAYS)
		return TONE_RECENT;
	return TONE_LONG;
}

/*
 * Fills tmpl's {placeholders} for p from its log (rows, newest first).
 * A {word} that is not a placeholder is an error naming it (NULL, after
 * saying so); other braces are text. The caller frees the result.
 */
static char *draft_fill(struct ctx *ctx, const struct person *p,
			const char *name, const char *tmpl,
			const struct person_log_row *rows, size_t nrows)
{
	char since[48] = "a while", *first, *where = NULL, *what, *last = NULL;
	const char *via = NULL, *s;
	struct sbuf b = {0};
	long d;
	size_t i;
	int failed = 0;

	if (nrows > 0) {
		via = rows[0].via;
		last = xstrndup(rows[0].text, strcspn(rows[0].text, "\n"));
		where = place_of(last);
		if (date_parse(rows[0].date, &d, NULL) == 0)
			since_words(ctx->today - d, since);
	}
	/* With {where} in the template, {what} does not say the place again. */
	what = what_words(via, strstr(tmpl, "{where}") ? NULL : where);
	first = xstrndup(p->label, strcspn(p->label, " "));
	for (s = tmpl; *s; s++) {
		const char *e = NULL, *v = NULL;
		size_t n = 0;

		if (*s == '{') {
			n = strspn(s + 1, "abcdefghijklmnopqrstuvwxyz_");
			if (n > 0 && s[1 + n] == '}')
				e = s + 1 + n;
		}
		if (e) {
			for (i = 0; placeholders[i]; i++)
				if (strlen(placeholders[i]) == n &&
				    strncmp(s + 1, placeholders[i], n) == 0)
					break;
			switch (i) {
			case 0: v = first; break;
			case 1: v = p->label; break;
			case 2: v = since; break;
			case 3: v = what; break;
			case 4: v = where ? where : ""; break;
			case 5: v = last ? last : ""; break;
			case 6: v = p->org ? p->org : ""; break;
			default: {
				struct sbuf t = {0}, l = {0};
				char *bad = xstrndup(s, n + 2);

				out_text(&t, name);
				for (i = 0; placeholders[i]; i++)
					sbuf_addf(&l, "%s{%s}", i ? ", " : "",
						  placeholders[i]);
				say_error("the template '%s' has an unknown "
					  "placeholder %s: use %s", t.buf, bad,
					  l.buf);
				free(bad);
				sbuf_free(&t);
				sbuf_free(&l);
				failed = 1;
				goto out;
			}
			}
		}
		if (v) {
			sbuf_adds(&b, v);
			s = e;
		} else {
			sbuf_addc(&b, *s);
		}
	}
out:
	free(first);
	free(where);
	free(what);
	free(last);
	if (failed) {
		sbuf_free(&b);
		return NULL;
	}
	return b.buf ? sbuf_detach(&b, NULL) : xstrdup("");
}

/* Writes text to a private temp file, opens the editor, reads it back. */
char *sh_edit_text(const char *text)
{
	const char *editor = getenv("VISUAL"), *tmp = getenv("TMPDIR");
	char *path, *cmd, *out = NULL;
	size_t len;
	pid_t pid;
	int fd, status;

	if (!editor || !*editor)
		editor = getenv("EDITOR");
	if (!editor || !*editor)
		editor = "vi";
	path = xasprintf("%s/kith-edit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);	/* 0600 */
	if (fd < 0) {
		say_error("cannot make a temporary file in %s: %s (set TMPDIR)",
			  tmp && *tmp ? tmp : "/tmp", strerror(errno));
		free(path);
		return NULL;
	}
	if (write(fd, text, strlen(text)) < 0 || write(fd, "\n", 1) < 0) {
		say_error("cannot write %s: %s", path, strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	fflush(stdout);
	/* The editor may carry arguments ("code -w"): let sh split it. */
	cmd = xasprintf("%s \"$1\"", editor);
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
		_exit(127);
	}
	free(cmd);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		say_error("the editor '%s' failed; the text is kept in %s",
			  editor, path);
		free(path);
		return NULL;
	}
	out = read_file(path, &len);
	if (out) {
		while (len && out[len - 1] == '\n')
			out[--len] = '\0';
	} else {
		say_error("cannot read %s back: %s", path, strerror(errno));
	}
out:
	unlink(path);
	free(path);
	return out;
}

/* The template name's draft for p, printed. An exit status. */
static int draft_print(struct ctx *ctx, const struct person *p,
		       const char *name, int edit)
{
	struct person_log_row *rows;
	size_t nrows;
	enum tone t = draft_tone(ctx, p, &rows, &nrows);
	char *tmpl = template_text(name, t), *text, *edited;
	struct sbuf b = {0};

	if (!tmpl) {
		struct strv names = {0};
		struct sbuf l = {0};
		size_t i;

		draft_template_names(&names);
		for (i = 0; i < names.n; i++)
			sbuf_addf(&l, "%s%s", i ? ", " : "", names.v[i]);
		out_text(&b, name);
		say_error("no template '%s': use one of %s (or write one in "
			  "$XDG_CONFIG_HOME/kith/templates/)", b.buf, l.buf);
		sbuf_free(&b);
		sbuf_free(&l);
		strv_free(&names);
		person_log_free(rows, nrows);
		return EXIT_USAGE;
	}
	if (!str_utf8_valid(tmpl, strlen(tmpl))) {
		out_text(&b, name);
		say_error("the template '%s' is not valid UTF-8: save it as UTF-8 "
			  "(iconv -t UTF-8) in $XDG_CONFIG_HOME/kith/templates/",
			  b.buf);
		sbuf_free(&b);
		free(tmpl);
		person_log_free(rows, nrows);
		return EXIT_FAIL;
	}
	text = draft_fill(ctx, p, name, tmpl, rows, nrows);
	free(tmpl);
	person_log_free(rows, nrows);
	if (!text)
		return EXIT_USAGE;
	if (edit) {
		edited = sh_edit_text(text);
		free(text);
		if (!edited)
			return EXIT_FAIL;
		text = edited;
	}
	/* The draft holds the card's names: a terminal sees them cleaned. */
	out_text(&b, text);
	sbuf_addc(&b, '\n');
	free(text);
	return sh_flush(&b);
}

int cmd_draft(struct ctx *ctx, int argc, char **argv)
{
	const char *name = "reconnect";
	struct person p;
	int edit, rc, used, left;

	memset(&p, 0, sizeof p);
	edit = opt_take(&argc, argv, "--edit", 0, NULL);
	if (opt_none_left("draft", argc, argv) < 0)
		return EXIT_USAGE;
	if (argc < 2) {
		say_error("usage: draft PERSON [TEMPLATE] [--edit]");
		return EXIT_USAGE;
	}
	/*
	 * The longest run of words that names one person ("draft Björn
	 * Mensah" is Björn Mensah, not Björn with a template "Mensah"); one
	 * word after it names the template.
	 */
	rc = person_lookup_words(ctx, argc, argv, 1, 0, &used, &p);
	if (rc != EXIT_OK)
		goto out;
	left = argc - 1 - used;
	if (left > 1 || (left == 1 && strcmp(argv[1 + used], "--") == 0)) {
		struct sbuf b = {0};
		char *rest = sh_join_words(argc, argv, 1 + used);

		out_text(&b, rest ? rest : "");
		say_error("draft takes one TEMPLATE after the person, not '%s': "
			  "draft PERSON [TEMPLATE] [--edit]", b.buf ? b.buf : "");
		sbuf_free(&b);
		free(rest);
		rc = EXIT_USAGE;
		goto out;
	}
	if (left == 1)
		name = argv[1 + used];
	rc = draft_print(ctx, &p, name, edit);
out:
	person_free(&p);
	return rc;
}

/* ---- next ---------------------------------------------------------------- */

/* The card as `next` shows it: essentials, cadence, birthday, last notes. */
static void next_card(struct ctx *ctx, const struct person *p,
		      const struct queue_entry *q, size_t i, size_t n)
{
	struct person_log_row *rows = NULL;
	struct strv emails = {0}, phones = {0};
	struct sbuf b = {0};
	char w[48], cad[32];
	size_t k, width = (size_t)out_columns();
	long bd;

	if (width > 72)
		width = 72;
	{
		/* The rule is exactly width columns, whatever the counts' digits. */
		char head[64];

		snprintf(head, sizeof head, "── %zu of %zu ", i + 1, n);
		sbuf_addf(&b, "%s%s", sh_color(ctx, OUT_DIM), head);
		for (k = out_width(head); k < width; k++)
			sbuf_adds(&b, "─");
	}
	sbuf_addf(&b, "%s\n%s", sh_color(ctx, OUT_RESET), sh_color(ctx, OUT_BOLD));
	out_text(&b, p->label);
	sbuf_adds(&b, sh_color(ctx, OUT_RESET));
	if (p->org && *p->org) {
		sbuf_adds(&b, " · ");
		out_text(&b, p->org);
	}
	sbuf_addc(&b, '\n');
	sh_split_list(p->emails, &emails);
	sh_split_list(p->phones, &phones);
	if (emails.n || phones.n) {
		sbuf_adds(&b, " ");
		for (k = 0; k < emails.n && k < 2; k++) {
			sbuf_adds(&b, " ");
			out_text(&b, emails.v[k]);
		}
		for (k = 0; k < phones.n && k < 2; k++) {
			sbuf_adds(&b, "  ");
			out_text(&b, phones.v[k]);
		}
		sbuf_addc(&b, '\n');
	}
	sh_cadence_words(p->cadence, cad);
	if (q->due >= 0) {
		sh_overdue_words(q->due, ctx->today, w);
		sbuf_addf(&b, "  %s · %s%s%s", cad, sh_due_color(ctx, q->due), w,
			  *sh_due_color(ctx, q->due) ? OUT_RESET : "");
	} else {
		sbuf_addf(&b, "  %s", cad);
	}
	if (p->aspire) {
		sbuf_adds(&b, " · someone new: ");
		out_text(&b, p->aspire);
	}
	if (p->last_contact && date_parse(p->last_contact, &bd, NULL) == 0) {
		char rel[32];

		date_relative(bd, ctx->today, rel);
		sbuf_addf(&b, " · last contact %s", rel);
	} else {
		sbuf_adds(&b, " · no contact logged yet");
	}
	sbuf_addc(&b, '\n');
	bd = today_bday_in(p->bday, ctx->today);
	if (bd >= 0 && bd <= 14) {
		char when[96];

		sh_bday_words(p->bday, ctx->today, when);
		sbuf_addf(&b, "  %sbirthday %s%s\n", sh_color(ctx, OUT_YELLOW),
			  when, sh_color(ctx, OUT_RESET));
	}
	if (person_log(ctx, p->id, &rows, &k) == 0) {
		size_t j;

		for (j = 0; j < k && j < 3; j++) {
			sbuf_addf(&b, "  %s  ", rows[j].date);
			out_cell(&b, rows[j].via, 6, 1);
			sbuf_adds(&b, "  ");
			sh_add_lines(&b, rows[j].text, 22);
			sbuf_addc(&b, '\n');
		}
		person_log_free(rows, k);
	}
	strv_free(&emails);
	strv_free(&phones);
	sh_flush_wrapped(&b);
}

/* next_log and next_snooze: the question was cancelled (Ctrl-C). */
#define NEXT_CANCELLED (-1)

static int cancelled_msg(void)
{
	printf("cancelled\n");
	return NEXT_CANCELLED;
}

/* Asks for a channel and a text and logs them. An exit status. */
static int next_log(struct ctx *ctx, const struct person *p, int *logged)
{
	char date[11], *via, *text;
	int i, rc, cancelled;

	via = ask_line("via [phone]: ", sh_channels, &cancelled);
	if (cancelled)
		return cancelled_msg();
	if (!via)
		return EXIT_OK;
	if (!*via) {
		free(via);
		via = xstrdup("phone");
	}
	for (i = 0; sh_channels[i]; i++)
		if (strcasecmp(via, sh_channels[i]) == 0)
			break;
	if (!sh_channels[i]) {
		say_error("unknown channel '%s': use one of phone, email, text, "
			  "meet, video, letter, gift, intro, other; nothing logged",
			  via);
		free(via);
		return EXIT_USAGE;
	}
	free(via);
	text = ask_line("what did you talk about? ", NULL, &cancelled);
	if (cancelled)
		return cancelled_msg();
	if (!text || !*text) {
		printf("nothing logged (no text)\n");
		free(text);
		return EXIT_OK;
	}
	date_format(ctx->today, date);
	rc = person_log_add(ctx, p, date, sh_channels[i], text, 0, NULL);
	if (rc == EXIT_OK)
		++*logged;
	free(text);
	return rc;
}

/* Asks for a duration or date and snoozes. An exit status. */
static int next_snooze(struct ctx *ctx, const struct person *p, int *snoozed)
{
	char *ans, date[11];
	struct kerr err;
	long day;
	int cancelled;

	ans = ask_line("snooze for [2w]: ", NULL, &cancelled);
	if (cancelled)
		return cancelled_msg();
	if (!ans)
		return EXIT_OK;
	if (date_parse_user(*ans ? ans : "2w", ctx->today, 1, &day, &err) < 0) {
		say_error("%s; not snoozed", err.msg);
		free(ans);
		return EXIT_USAGE;
	}
	free(ans);
	date_format(day, date);
	if (day <= ctx->today) {
		say_error("cannot snooze until %s: the date must be after today; "
			  "not snoozed", date);
		return EXIT_USAGE;
	}
	if (cache_outbox_add(ctx->cache, p->id, "snooze", date, NULL, NULL, NULL,
			     &err) < 0) {
		say_error("%s", err.msg);
		return EXIT_FAIL;
	}
	{
		struct sbuf b = {0};

		out_text(&b, p->label);
		sbuf_addf(&b, ": snoozed until %s\n", date);
		sh_flush(&b);
	}
	++*snoozed;
	return EXIT_OK;
}

struct circle {
	struct queue_entry q;
	char *last;		/* last contact, NULL when never */
	char *name;
};

/* Never touched first, then the longest since; the same day by name. */
static int cmp_circle(const void *a, const void *b)
{
	const struct circle *x = a, *y = b;
	int c;

	if (!x->last != !y->last)
		return x->last ? 1 : -1;
	if (x->last && (c = strcmp(x->last, y->last)) != 0)
		return c;
	c = strcmp(x->name, y->name);
	return c ? c : (x->q.card > y->q.card) - (x->q.card < y->q.card);
}

/*
 * The people of a category as a circle to walk round: everyone in it whose
 * card takes notes, cadence or not, least recently touched first, so that
 * walking it again and again reaches everyone in turn.
 */
static int circle_list(struct ctx *ctx, const long *ids, size_t nids,
		       struct queue_entry **out, size_t *n)
{
	struct circle *c = xcalloc(nids ? nids : 1, sizeof *c);
	size_t k = 0, i;
	int rc = 0;

	for (i = 0; i < nids; i++) {
		struct person p;

		if (person_get(ctx, ids[i], &p) < 0) {
			rc = -1;
			break;
		}
		if (p.parsed && p.state != CARD_GONE) {
			c[k].q.card = p.id;
			c[k].q.due = p.due;
			c[k].q.overdue = p.due >= 0 ? ctx->today - p.due : 0;
			c[k].last = p.last_contact ? xstrdup(p.last_contact) : NULL;
			c[k].name = xstrdup(p.label);
			k++;
		}
		person_free(&p);
	}
	qsort(c, k, sizeof *c, cmp_circle);
	*out = xcalloc(k ? k : 1, sizeof **out);
	for (i = 0; i < k; i++) {
		(*out)[i] = c[i].q;
		free(c[i].last);
		free(c[i].name);
	}
	*n = k;
	free(c);
	return rc;
}

int cmd_next(struct ctx *ctx, int argc, char **argv)
{
	struct queue_entry *q = NULL;
	struct kerr err;
	size_t n = 0, i, ncat = 0;
	long *cat = NULL;
	int logged = 0, snoozed = 0, skipped = 0, quit = 0, rc = EXIT_OK;
	int circle = 0;

	if (sh_take_category(ctx, &argc, argv, &cat, &ncat, &circle) < 0)
		return EXIT_USAGE;
	if (opt_none_left("next", argc, argv) < 0 || argc > 1) {
		if (argc > 1)
			say_error("usage: next [--category NAME]");
		free(cat);
		return EXIT_USAGE;
	}
	if (circle) {
		int r = circle_list(ctx, cat, ncat, &q, &n);

		free(cat);
		if (r < 0) {
			free(q);
			return EXIT_FAIL;
		}
		if (n == 0) {
			printf("Nobody in that category has a card kith can write "
			       "notes on.\n");
			free(q);
			return EXIT_OK;
		}
	} else if (queue_list(ctx->cache, ctx->today, 0, &q, &n, &err) < 0) {
		say_error("%s", err.msg);
		return EXIT_FAIL;
	}
	if (n == 0) {
		if (!sh_first_run(ctx))
			printf("Nobody is due. ('today' suggests three people anyway)\n");
		free(q);
		return EXIT_OK;
	}
	for (i = 0; i < n && !quit; i++) {
		struct person p;
		int done = 0;

		if (person_get(ctx, q[i].card, &p) < 0) {
			rc = EXIT_FAIL;
			break;
		}
		next_card(ctx, &p, &q[i], i, n);
		while (!done) {
			int key = ask_key("[l]og  [s]nooze  [d]raft  s[k]ip  [q]uit ");
			int r = EXIT_OK;

			switch (key) {
			case 'l':
				if (person_writable(&p) < 0)
					break;
				r = next_log(ctx, &p, &logged);
				done = r == EXIT_OK;
				break;
			case 's':
				if (person_writable(&p) < 0)
					break;
				r = next_snooze(ctx, &p, &snoozed);
				done = r == EXIT_OK;
				break;
			case 'd':
				r = draft_print(ctx, &p, today_bday_in(p.bday,
					ctx->today) == 0 ? "birthday" : "reconnect", 0);
				break;
			case 'k':
			case 'n':
			case ' ':
				skipped++;
				done = 1;
				break;
			case 'q':
				quit = done = 1;
				break;
			default:
				printf("l: log a touch, s: snooze, d: draft a message, "
				       "k: skip, q: quit\n");
			}
			if (r == EXIT_FAIL) {
				rc = EXIT_FAIL;
				quit = done = 1;
			}
		}
		person_free(&p);
	}
	free(q);
	q = NULL;
	if (circle) {
		printf("%s: %d logged, %d snoozed, %d skipped; %zu of %zu in the "
		       "circle.\n", quit ? "Stopped" : "Done", logged, snoozed,
		       skipped, i, n);
		return rc;
	}
	if (queue_list(ctx->cache, ctx->today, 0, &q, &n, &err) < 0)
		n = 0;
	printf("%s: %d logged, %d snoozed, %d skipped; %zu still due.\n",
	       quit ? "Stopped" : "Done", logged, snoozed, skipped, n);
	free(q);
	return rc;
}

/* ---- today --------------------------------------------------------------- */

/* today's candidates and the birthdays within bday_days: 0, or -1 after saying why. */
static int today_cands(struct ctx *ctx, long bday_days,
		       struct today_cand **out, size_t *n,
		       struct query_bday **bd, size_t *nbd)
{
	struct kerr err;

	if (query_today(ctx->cache, ctx->today, bday_days, out, n, bd, nbd,
			&err) < 0) {
		say_error("%s", err.msg);
		return -1;
	}
	return 0;
}

/* Why the person is in the slot, in a few words (out holds 160 bytes). */
static void today_reason(struct ctx *ctx, const char *slot,
			 const struct person *p, char out[160])
{
	char w[48], rel[32];
	long d;

	if (strcmp(slot, "due") == 0) {
		sh_overdue_words(p->due, ctx->today, w);
		sh_cadence_words(p->cadence, rel);
		snprintf(out, 160, "%s (%s)", w, rel);
	} else if (strcmp(slot, "upgrade") == 0) {
		snprintf(out, 160, "only emails and texts so far: call instead?");
	} else if (strcmp(slot, "aspire") == 0) {
		/* Cut on a character boundary; out_text cleans what is shown. */
		size_t n = strlen(p->aspire ? p->aspire : ""), k = 0;

		while (k < n && k < 140) {
			long cp;
			size_t l = str_utf8_next(p->aspire + k, n - k, &cp);

			if (k + l > 140)
				break;
			k += l;
		}
		snprintf(out, 160, "someone new: %.*s%s", (int)k,
			 p->aspire ? p->aspire : "", k < n ? "…" : "");
	} else if (p->last_contact && date_parse(p->last_contact, &d, NULL) == 0) {
		date_relative(d, ctx->today, rel);
		snprintf(out, 160, "last contact %s%s%s", rel,
			 p->last_via ? ", " : "", p->last_via ? p->last_via : "");
	} else {
		snprintf(out, 160, "never logged");
	}
}

/*
 * Whether the day's choice was made already (by an earlier 'today' that
 * day) and still names people that can take a note: ids gets it. A sync
 * or an add during the day then changes nothing; a chosen card deleted
 * since makes the choice anew.
 */
static int today_kept(struct ctx *ctx, const char *date,
		      const struct today_cand *cands, size_t n, long ids[4])
{
	struct kerr err;
	size_t i, k;

	if (cache_today_get(ctx->cache, date, ids, &err) != 1)
		return 0;
	for (k = 0; k < 4; k++) {
		if (!ids[k])
			continue;
		for (i = 0; i < n && cands[i].card != ids[k]; i++)
			;
		if (i == n)
			return 0;
	}
	return 1;
}

int cmd_today(struct ctx *ctx, int argc, char **argv)
{
	static const char *const slots[] = {"lost", "due", "upgrade", "aspire"};
	static const char *const titles[] = {"long lost", "due", "upgrade",
		"new"};
	struct today_cand *cands = NULL;
	struct query_bday *bd = NULL;
	struct today_pick pick;
	struct kerr err;
	struct sbuf b = {0};
	size_t n = 0, nbd = 0, i, name_w = 0;
	struct person people[4];
	long ids[4];
	char date[11];
	int json, rc = EXIT_FAIL, first = 1;

	memset(people, 0, sizeof people);
	json = opt_take(&argc, argv, "--json", 0, NULL);
	if (opt_none_left("today", argc, argv) < 0)
		return EXIT_USAGE;
	if (argc > 1) {
		say_error("today takes no arguments: usage: today [--json]");
		return EXIT_USAGE;
	}
	if (today_cands(ctx, 7, &cands, &n, &bd, &nbd) < 0)
		goto out;
	date_format(ctx->today, date);
	if (!today_kept(ctx, date, cands, n, ids)) {
		today_choose(cands, n, ctx->today, &pick);
		ids[0] = pick.lost;
		ids[1] = pick.due;
		ids[2] = pick.upgrade;
		ids[3] = pick.aspire;
		/* Kept for the rest of the day; a cache that cannot say it just chooses again. */
		if (cache_today_put(ctx->cache, date, ids, &err) < 0)
			say_error("%s", err.msg);
	}
	for (i = 0; i < 4; i++) {
		if (ids[i] && person_get(ctx, ids[i], &people[i]) < 0)
			goto out;
		if (ids[i] && out_width(people[i].label) > name_w)
			name_w = out_width(people[i].label);
	}
	date_format(ctx->today, date);
	if (json) {
		sbuf_addc(&b, '{');
		json_kv_str(&b, &first, "date", date);
		for (i = 0; i < 4; i++) {
			int f = 1;
			char why[160];

			json_key(&b, &first, slots[i]);
			if (!ids[i]) {
				sbuf_adds(&b, "null");
				continue;
			}
			today_reason(ctx, slots[i], &people[i], why);
			sbuf_addc(&b, '{');
			person_json_fields(&b, &f, &people[i], ctx->today);
			json_kv_str(&b, &f, "reason", why);
			sbuf_addc(&b, '}');
		}
		json_key(&b, &first, "birthdays");
		sbuf_addc(&b, '[');
		for (i = 0; i < nbd; i++) {
			struct person p;
			int f = 1;

			if (person_get(ctx, bd[i].card, &p) < 0)
				goto out;
			sbuf_adds(&b, i ? ",{" : "{");
			person_json_fields(&b, &f, &p, ctx->today);
			json_kv_str(&b, &f, "birthday", p.bday);
			json_kv_int(&b, &f, "in_days", bd[i].in);
			sbuf_addc(&b, '}');
			person_free(&p);
		}
		sbuf_adds(&b, "]}\n");
		rc = sh_flush(&b);
		goto out;
	}
	if (n == 0) {
		printf("No people yet. (kith account add NAME URL --user USER, "
		       "then kith sync)\n");
		rc = EXIT_OK;
		goto out;
	}
	sbuf_addf(&b, "%sToday, %s:%s\n", sh_color(ctx, OUT_BOLD), date,
		  sh_color(ctx, OUT_RESET));
	for (i = 0; i < 4; i++) {
		char why[160];

		/* Someone new is offered on some days; no empty line for it. */
		if (i == 3 && !ids[i])
			continue;
		sbuf_addf(&b, "  %-10s ", titles[i]);
		if (!ids[i]) {
			sbuf_addf(&b, "%s\n", i == 0 ? "nobody (everyone is in touch)" :
				  i == 1 ? "nobody is due" :
				  "nobody (no one you only email or text and have a number for)");
			continue;
		}
		out_cell(&b, people[i].label, name_w, 1);
		today_reason(ctx, slots[i], &people[i], why);
		sbuf_adds(&b, "  ");
		out_text(&b, why);
		sbuf_addc(&b, '\n');
	}
	if (nbd) {
		sbuf_adds(&b, "Birthdays this week:\n");
		for (i = 0; i < nbd; i++) {
			struct person p;

			if (person_get(ctx, bd[i].card, &p) < 0)
				goto out;
			char w[96];

			sbuf_adds(&b, "  ");
			out_text(&b, p.label);
			sh_bday_words(p.bday, ctx->today, w);
			sbuf_addf(&b, ": %s\n", w);
			person_free(&p);
		}
	}
	rc = sh_flush(&b);
out:
	for (i = 0; i < 4; i++)
		person_free(&people[i]);
	sbuf_free(&b);
	free(cands);
	free(bd);
	return rc;
}

/* ---- intro --------------------------------------------------------------- */

int cmd_intro(struct ctx *ctx, int argc, char **argv)
{
	struct person a, b;
	struct kerr err;
	char date[11], *text = NULL, *ta = NULL, *tb = NULL, ida[9], idb[9];
	int rc, ua = 0, ub = 0;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	if (opt_none_left("intro", argc, argv) < 0)
		return EXIT_USAGE;
	if (argc < 3) {
		say_error("usage: intro A B TEXT... (quote a name with a space: "
			  "intro \"Ana Lima\" bob ...)");
		return EXIT_USAGE;
	}
	/* Each the longest run of words that names one person. */
	rc = person_lookup_words(ctx, argc, argv, 1, 1, &ua, &a);
	if (rc == EXIT_OK)
		rc = person_lookup_words(ctx, argc, argv, 1 + ua, 0, &ub, &b);
	if (rc != EXIT_OK)
		goto out;
	rc = EXIT_USAGE;
	if (a.id == b.id) {
		struct sbuf t = {0};

		out_text(&t, a.label);
		say_error("'%s' twice: introduce two different people", t.buf);
		sbuf_free(&t);
		goto out;
	}
	if (person_writable(&a) < 0 || person_writable(&b) < 0)
		goto out;
	text = sh_join_words(argc, argv, 1 + ua + ub);
	ta = text ? xasprintf("Introduced to %s: %s", b.label, text) :
	     xasprintf("Introduced to %s", b.label);
	tb = text ? xasprintf("Introduced to %s: %s", a.label, text) :
	     xasprintf("Introduced to %s", a.label);
	date_format(ctx->today, date);
	rc = EXIT_FAIL;
	/* Both or neither: one transaction. */
	if (cache_begin(ctx->cache, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	if (person_log_add(ctx, &a, date, "intro", ta, 1, ida) != EXIT_OK ||
	    person_log_add(ctx, &b, date, "intro", tb, 1, idb) != EXIT_OK) {
		cache_rollback(ctx->cache);
		goto out;
	}
	if (cache_commit(ctx->cache, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	{
		struct sbuf o = {0};

		sbuf_addf(&o, "logged %s for ", ida);
		out_text(&o, a.label);
		sbuf_addf(&o, " and %s for ", idb);
		out_text(&o, b.label);
		sbuf_addf(&o, " (%s, intro)\n", date);
		sh_flush(&o);
	}
	rc = EXIT_OK;
out:
	person_free(&a);
	person_free(&b);
	free(text);
	free(ta);
	free(tb);
	return rc;
}

/* ---- add ----------------------------------------------------------------- */

/* A random (version 4) UUID from /dev/urandom; out holds 37 bytes. */
static int new_uuid(char out[37])
{
	unsigned char r[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC), i;
	size_t got = 0;

	if (fd < 0)
		return -1;
	while (got < sizeof r) {
		ssize_t k = read(fd, r + got, sizeof r - got);

		if (k <= 0 && errno != EINTR) {
			close(fd);
			return -1;
		}
		if (k > 0)
			got += (size_t)k;
	}
	close(fd);
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	for (i = 0; i < 16; i++)
		sprintf(out + 2 * i + (i >= 4) + (i >= 6) + (i >= 8) + (i >= 10),
			"%02x", r[i]);
	out[8] = out[13] = out[18] = out[23] = '-';
	out[36] = '\0';
	return 0;
}

/* The path of a URL ("/user/contacts/book/"), with a trailing slash. */
static char *url_path(const char *url)
{
	const char *p = strstr(url, "://"), *s;

	p = p ? p + 3 : url;
	s = strchr(p, '/');
	if (!s)
		return xstrdup("/");
	return s[strlen(s) - 1] == '/' ? xstrdup(s) : xasprintf("%s/", s);
}

/*
 * An email address kith will write into a card: local@domain, no spaces
 * or control characters, a domain of dot-separated labels of letters,
 * digits and hyphens (or non-ASCII, for internationalised names), at
 * most 254 bytes (RFC 5321 4.5.3.1.3). Not every address RFC 5322 allows,
 * but every one people give.
 */
int sh_email_ok(const char *e)
{
	const char *at = strrchr(e, '@'), *d, *label;
	size_t i;

	if (!at || at == e || strlen(e) > 254 || !at[1] || strchr(e, '@') != at)
		return 0;
	for (i = 0; e + i < at; i++)
		if ((unsigned char)e[i] <= ' ' || strchr("()<>,;:\\\"[]", e[i]))
			return 0;
	if (e[0] == '.' || at[-1] == '.' || strstr(e, ".."))
		return 0;
	for (label = d = at + 1;; d++) {
		if (*d == '.' || *d == '\0') {
			if (d == label || *label == '-' || d[-1] == '-')
				return 0;
			if (*d == '\0')
				break;
			label = d + 1;
		} else if (!isalnum((unsigned char)*d) && *d != '-' &&
			   (unsigned char)*d < 0x80) {
			return 0;
		}
	}
	return strchr(at + 1, '.') != NULL;
}

/*
 * Who already has name or email (case-insensitively): 0 none, else the
 * card id of the first, with why set to "name" or "email". -1 after
 * saying why.
 */
static long add_existing(struct ctx *ctx, const char *name, const char *email,
			 const char **why)
{
	struct kerr err;
	long id;

	if (query_existing(ctx->cache, name, email, &id, why, &err) < 0) {
		say_error("%s", err.msg);
		return -1;
	}
	return id;
}

int cmd_add(struct ctx *ctx, int argc, char **argv)
{
	char *email = NULL, *phone = NULL, *org = NULL, *book = NULL;
	char *name = NULL, *raw = NULL, *href = NULL, *path = NULL, uid[37];
	struct kerr err;
	long bookid = 0, card;
	char *bookurl = NULL;
	int rc = EXIT_USAGE, force;
	char *cadence = NULL, iso[16] = "", *aspire = NULL;
	struct strv cats = {0};

	if (opt_take(&argc, argv, "--email", 1, &email) < 0 ||
	    opt_take(&argc, argv, "--aspire", 1, &aspire) < 0 ||
	    opt_take(&argc, argv, "--phone", 1, &phone) < 0 ||
	    opt_take(&argc, argv, "--org", 1, &org) < 0 ||
	    opt_take(&argc, argv, "--book", 1, &book) < 0 ||
	    (force = opt_take(&argc, argv, "--force", 0, NULL)) < 0 ||
	    opt_take(&argc, argv, "--cadence", 1, &cadence) < 0)
		return EXIT_USAGE;
	/* --category as often as there are categories. */
	for (;;) {
		char *c = NULL;
		int r = opt_take(&argc, argv, "--category", 1, &c);

		if (r < 0) {
			strv_free(&cats);
			return EXIT_USAGE;
		}
		if (r == 0)
			break;
		if (*c)
			strv_push(&cats, c);
	}
	if (opt_none_left("add", argc, argv) < 0 ||
	    (cadence && sh_cadence_arg(cadence, iso) < 0)) {
		strv_free(&cats);
		return EXIT_USAGE;
	}
	name = sh_join_words(argc, argv, 1);
	if (!name || !*name) {
		say_error("usage: add NAME [--email E] [--phone P] [--org O] "
			  "[--category C]... [--cadence DURATION] [--aspire WHY] "
			  "[--book URL] [--force]");
		goto out;
	}
	if (aspire && !*aspire) {
		say_error("--aspire needs why you would like to know them "
			  "(add NAME --aspire \"builds bridges\")");
		goto out;
	}
	if (email && !sh_email_ok(email)) {
		struct sbuf b = {0};

		out_text(&b, email);
		say_error("'%s' is not an email address (like name@example.org); "
			  "nothing added", b.buf);
		sbuf_free(&b);
		goto out;
	}
	if (!force) {
		const char *why = NULL;
		long dup = add_existing(ctx, name, email, &why);
		struct person p;

		rc = EXIT_FAIL;
		if (dup < 0)
			goto out;
		rc = EXIT_USAGE;
		if (dup > 0 && person_get(ctx, dup, &p) == 0) {
			struct sbuf b = {0};
			char *first = sh_first_of(p.emails);
			int yes;

			out_text(&b, p.label);
			if (*first) {
				sbuf_adds(&b, " <");
				out_text(&b, first);
				sbuf_addc(&b, '>');
			}
			sbuf_addf(&b, " has that %s already", why);
			{
				char *q = xasprintf("%s; add another anyway?", b.buf);

				yes = shell_confirm(q);
				free(q);
			}
			if (yes != 1) {
				if (yes < 0)
					say_error("%s: nothing added ('add --force' adds "
						  "another all the same; 'show' the one "
						  "there)", b.buf);
				else
					printf("nothing added\n");
				sbuf_free(&b);
				free(first);
				person_free(&p);
				goto out;
			}
			sbuf_free(&b);
			free(first);
			person_free(&p);
		}
	}
	rc = EXIT_FAIL;
	if (query_book(ctx->cache, book, &bookid, &bookurl, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	if (!bookid) {
		rc = EXIT_USAGE;
		if (book)
			say_error("no address book %s: 'account list' shows the "
				  "books", book);
		else
			say_error("no address book yet: run 'kith account add NAME "
				  "URL --user USER', then 'kith sync'");
		goto out;
	}
	if (new_uuid(uid) < 0) {
		say_error("cannot read /dev/urandom for a new UID: %s",
			  strerror(errno));
		goto out;
	}
	raw = vcard_new(uid, name, email, phone, org,
			cats.n ? (const char *const *)cats.v : NULL, iso, aspire);
	path = url_path(bookurl);
	href = xasprintf("%s%s.vcf", path, uid);
	card = cache_card_create(ctx->cache, bookid, href, raw, &err);
	if (card < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	{
		struct sbuf b = {0};

		sbuf_adds(&b, "added ");
		out_text(&b, name);
		sbuf_addf(&b, " (%s.vcf in %s); 'sync' puts the card on the "
			  "server\n", uid, bookurl);
		sh_flush(&b);
	}
	rc = EXIT_OK;
out:
	strv_free(&cats);
	free(name);
	free(raw);
	free(href);
	free(path);
	free(bookurl);
	return rc;
}
