/*
 * draft.c: draft, a short message to start from: the built-in and the
 * user's templates, filled in for a person, edited in $VISUAL/$EDITOR.
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
int draft_print(struct ctx *ctx, const struct person *p, const char *name,
		int edit)
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
