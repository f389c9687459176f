/*
 * test_cmd.c: cmd_split, which turns every line typed in the shell (or
 * piped to it) into words, with quotes and backslashes as in sh; and
 * cmd_check and cmd_usage, which hold every command line to its table
 * entry before the command runs.
 */
#include <stdlib.h>
#include <string.h>

#include "shell.h"
#include "tap.h"

/*
 * Splits line and checks the words against want, a list of words each
 * ending in "\x1f" (so empty words and spaces can be written).
 */
static void is_split(const char *line, const char *want, const char *what)
{
	struct strv w = {0};
	struct sbuf got = {0};
	struct kerr err = {{0}};
	size_t i;
	int rc = cmd_split(line, &w, &err);

	for (i = 0; i < w.n; i++)
		sbuf_addf(&got, "%s\x1f", w.v[i]);
	if (rc < 0)
		sbuf_addf(&got, "error: %s", err.msg);
	is_str(got.buf ? got.buf : "", want, "%s", what);
	strv_free(&w);
	sbuf_free(&got);
}

static void test_words(void)
{
	is_split("", "", "split: an empty line is no words");
	is_split("   \t \r\n ", "", "split: blanks alone are no words");
	is_split("list", "list\x1f", "split: one word");
	is_split("show Ada Lovelace", "show\x1f" "Ada\x1f" "Lovelace\x1f", "split: words at spaces");
	is_split("   show    Ada   ", "show\x1f" "Ada\x1f", "split: many spaces, leading and trailing");
	is_split("a\tb\nc\rd", "a\x1f" "b\x1f" "c\x1f" "d\x1f", "split: tab, newline and CR separate words");
	is_split("caf\xc3\xa9 \xe4\xb8\xad", "caf\xc3\xa9\x1f\xe4\xb8\xad\x1f", "split: UTF-8 is kept");
}

static void test_quotes(void)
{
	is_split("show 'Ada Lovelace'", "show\x1f" "Ada Lovelace\x1f", "split: single quotes keep a space");
	is_split("show \"Ada Lovelace\"", "show\x1f" "Ada Lovelace\x1f", "split: double quotes keep a space");
	is_split("'a\tb  c'", "a\tb  c\x1f", "split: quoted tabs and runs of spaces are kept");
	is_split("a'b c'd", "ab cd\x1f", "split: a quote inside a word joins it");
	is_split("'a'\"b\"c", "abc\x1f", "split: adjacent quoted parts are one word");
	is_split("''", "\x1f", "split: '' is one empty word");
	is_split("\"\"", "\x1f", "split: \"\" is one empty word");
	is_split("set note ''", "set\x1f" "note\x1f\x1f", "split: an empty last argument is kept");
	is_split("a '' b", "a\x1f\x1f" "b\x1f", "split: an empty word between two");
	is_split("\"it's\"", "it's\x1f", "split: a single quote inside double quotes");
	is_split("'say \"hi\"'", "say \"hi\"\x1f", "split: double quotes inside single quotes");
	is_split("'it'\\''s'", "it's\x1f", "split: sh's '\\'' idiom");
}

static void test_escapes(void)
{
	is_split("Ada\\ Lovelace", "Ada Lovelace\x1f", "split: a backslash keeps a space");
	is_split("\\'x\\\"", "'x\"\x1f", "split: backslashed quotes are plain characters");
	is_split("a\\\\b", "a\\b\x1f", "split: \\\\ is one backslash");
	is_split("\\a", "a\x1f", "split: a backslash before a letter is dropped");
	is_split("a\\", "a\\\x1f", "split: a backslash at the end is kept");
	is_split("\"a\\\"b\"", "a\"b\x1f", "split: \\\" inside double quotes");
	is_split("\"a\\\\b\"", "a\\b\x1f", "split: \\\\ inside double quotes");
	is_split("\"a\\nb\"", "a\\nb\x1f", "split: other backslashes inside double quotes stay");
	is_split("'a\\'", "a\\\x1f", "split: no escapes inside single quotes");
	is_split("'a\\\\b'", "a\\\\b\x1f", "split: not even \\\\");
}

static void test_unclosed(void)
{
	struct strv w = {0};
	struct kerr err = {{0}};

	is_split("'abc", "error: unclosed ' quote", "split: an unclosed ' is an error");
	is_split("\"abc", "error: unclosed \" quote", "split: an unclosed \" is an error");
	is_split("\"", "error: unclosed \" quote", "split: a lone \" is an error");
	is_split("'", "error: unclosed ' quote", "split: a lone ' is an error");
	is_split("\"a\\\"", "error: unclosed \" quote", "split: an escaped closing quote leaves it open");
	is_split("'a\\''", "error: unclosed ' quote",
		 "split: a backslash does not escape a single quote: 'a\\' closes, ' opens");
	is_split("\"a'", "error: unclosed \" quote", "split: the other quote does not close it");
	is_split("ok 'a b' \"c", "ok\x1f" "a b\x1f" "error: unclosed \" quote",
		 "split: an error after words (the caller frees them)");
	ok(cmd_split("x 'y", &w, NULL) < 0, "split: the error needs no kerr");
	strv_free(&w);
	ok(cmd_split("x \\'y", &w, &err) == 0 && w.n == 2, "split: an escaped quote opens nothing");
	strv_free(&w);
}

static void test_long(void)
{
	struct strv w = {0};
	struct sbuf line = {0};
	size_t i, n_ok = 0;
	int rc;

	for (i = 0; i < 10000; i++)
		sbuf_addc(&line, ' ');
	sbuf_adds(&line, "x");
	for (i = 0; i < 10000; i++)
		sbuf_addc(&line, '\t');
	rc = cmd_split(line.buf, &w, NULL);
	ok(rc == 0 && w.n == 1 && strcmp(w.v[0], "x") == 0,
	   "split: one word among 20000 blanks");
	strv_free(&w);

	sbuf_reset(&line);
	for (i = 0; i < 1000; i++)
		sbuf_addf(&line, "w%zu  '' ", i);
	rc = cmd_split(line.buf, &w, NULL);
	for (i = 0; rc == 0 && i < w.n; i++) {
		char want[24];

		snprintf(want, sizeof want, "w%zu", i / 2);
		n_ok += strcmp(w.v[i], i % 2 ? "" : want) == 0;
	}
	ok(rc == 0 && w.n == 2000 && n_ok == 2000, "split: 2000 words, half of them empty");
	strv_free(&w);

	sbuf_reset(&line);
	sbuf_addc(&line, '"');
	for (i = 0; i < 100000; i++)
		sbuf_addc(&line, (char)('a' + i % 26));
	sbuf_addc(&line, '"');
	rc = cmd_split(line.buf, &w, NULL);
	ok(rc == 0 && w.n == 1 && strlen(w.v[0]) == 100000, "split: a quoted word of 100000 bytes");
	strv_free(&w);
	sbuf_free(&line);
}


/* A command of the test's own, with every kind of item. */
static const struct cmd_item t_items[] = {
	{"PERSON", KIND_PERSON, NULL, ITEM_WORDS},
	{"--via", KIND_CHANNEL, "CHANNEL", 0},
	{"--json", KIND_NONE, NULL, 0},
	{"--tag", KIND_CATEGORY, "C", ITEM_REPEAT},
	{"TEXT...", KIND_TEXT, NULL, ITEM_OPTIONAL | ITEM_WORDS},
	{NULL, KIND_NONE, NULL, 0},
};
static const struct cmd_item t_pair[] = {
	{"NAME", KIND_TEXT, NULL, 0},
	{"URL", KIND_URL, NULL, 0},
	{"--user", KIND_TEXT, "USER", ITEM_REQUIRED},
	{NULL, KIND_NONE, NULL, 0},
};
static const struct cmd_item t_one[] = {
	{"NAME", KIND_ACCOUNT, NULL, ITEM_OPTIONAL},
	{NULL, KIND_NONE, NULL, 0},
};
static const struct cmd_form t_forms[] = {
	{NULL, t_items, 0},
	{NULL, NULL, 0},
};
static const struct cmd_form t_sub_forms[] = {
	{"add", t_pair, 0},
	{"list", t_one, 1},
	{NULL, NULL, 0},
};
static const struct command t_cmd = {"tlog", "a test", 0, NULL, t_forms};
static const struct command t_sub = {"tacct", "a test", 0, NULL, t_sub_forms};
static const struct command t_bare = {"tquit", "a test", 0, NULL, NULL};

/*
 * Checks the words of line (split as the shell does) against c: want is
 * "ok", "ok FORMWORD" for a form with a word, or the error ("" for too
 * few arguments).
 */
static void is_check(const struct command *c, const char *line,
		     const char *want, const char *what)
{
	struct strv w = {0};
	struct kerr err = {{0}};
	const struct cmd_form *f;
	char got[sizeof err.msg + 8];

	cmd_split(line, &w, NULL);
	f = cmd_check(c, (int)w.n, w.v, &err);
	if (f && f->word)
		snprintf(got, sizeof got, "ok %s", f->word);
	else if (f)
		snprintf(got, sizeof got, "ok");
	else
		snprintf(got, sizeof got, "%s", err.msg);
	is_str(got, want, "check: %s", what);
	strv_free(&w);
}

static void test_check_options(void)
{
	is_check(&t_cmd, "tlog ana", "ok", "a positional alone");
	is_check(&t_cmd, "tlog Ana Lima --via phone Talked", "ok",
		 "several words of PERSON, an option, text");
	is_check(&t_cmd, "tlog --via phone ana", "ok", "options may come first");
	is_check(&t_cmd, "tlog ana --via=phone", "ok", "--name=VALUE");
	is_check(&t_cmd, "tlog ana --via=", "ok", "--name= gives an empty value");
	is_check(&t_cmd, "tlog ana --via ''", "ok", "an empty value as its own word");
	is_check(&t_cmd, "tlog ana --via --json", "ok",
		 "the word after an option that takes a value is its value");
	is_check(&t_cmd, "tlog ana --nope", "unknown option --nope", "an unknown option");
	is_check(&t_cmd, "tlog ana --nope=1", "unknown option --nope",
		 "an unknown option with a value is named without it");
	is_check(&t_cmd, "tlog ana --vi phone", "unknown option --vi",
		 "no prefixes of options: --vi is not --via");
	is_check(&t_cmd, "tlog ana -v phone",
		 "unknown option -v (kith's options are long, like --via); for "
		 "text that starts with '-', put -- before it",
		 "a single dash is a mistyped option");
	is_check(&t_cmd, "tlog ana --via", "--via needs a value", "a missing value");
	is_check(&t_cmd, "tlog ana --json=yes", "--json takes no value", "a flag given a value");
	is_check(&t_cmd, "tlog ana --via a --via b", "--via is given twice", "an option twice");
	is_check(&t_cmd, "tlog ana --json --json", "--json is given twice", "a flag twice");
	is_check(&t_cmd, "tlog ana --tag a --tag=b --tag c", "ok", "a repeating option");
	is_check(&t_cmd, "tlog ana -", "ok", "a lone '-' is a word");
}

static void test_check_dashes(void)
{
	is_check(&t_cmd, "tlog ana -- -5 degrees", "ok", "\"--\" ends the options");
	is_check(&t_cmd, "tlog ana -- --nope --via", "ok",
		 "after \"--\", options are words");
	is_check(&t_cmd, "tlog ana -- --", "ok", "a second \"--\" is a word");
	is_check(&t_cmd, "tlog --", "", "\"--\" is no positional");
	is_check(&t_cmd, "tlog -- ana", "ok", "a positional after \"--\"");
	is_check(&t_cmd, "tlog --nope -- ana", "unknown option --nope",
		 "an unknown option before \"--\" is still one");
}

static void test_check_counts(void)
{
	is_check(&t_cmd, "tlog", "", "too few: a required PERSON missing");
	is_check(&t_cmd, "tlog --json", "", "options are no positionals");
	is_check(&t_cmd, "tlog --via phone", "", "nor are their values");
	is_check(&t_sub, "tacct add home https://x/ --user ana", "ok add",
		 "a subcommand with its arguments");
	is_check(&t_sub, "tacct add home --user ana", "", "one positional short");
	is_check(&t_sub, "tacct add home https://x/ extra --user ana",
		 "unexpected argument 'extra'", "one positional too many");
	is_check(&t_sub, "tacct add home https://x/", "tacct add needs --user",
		 "a required option missing");
	is_check(&t_sub, "tacct add home https://x/ --user=", "ok add",
		 "a required option with an empty value is there");
	is_check(&t_sub, "tacct list", "ok list", "a subcommand");
	is_check(&t_sub, "tacct", "ok list", "a subcommand whose word may be left out");
	is_check(&t_sub, "tacct work", "ok list",
		 "a word that is no subcommand is a positional of the form without its word");
	is_check(&t_sub, "tacct work more", "unexpected argument 'more'",
		 "and the word after it one too many");
	is_check(&t_sub, "tacct list work", "ok list", "the optional positional");
	is_check(&t_sub, "tacct list a b", "unexpected argument 'b'", "and one too many");
	is_check(&t_sub, "tacct --user ana", "unknown option --user",
		 "an option of another form");
	is_check(&t_bare, "tquit", "ok", "a command without arguments");
	is_check(&t_bare, "tquit now", "tquit takes no arguments", "given one");
	is_check(&t_bare, "tquit --json", "tquit takes no arguments", "given an option");
}

/* The real table: the forms that pick by option, by word, and the usage. */
static void test_table(void)
{
	const struct command *c;
	struct sbuf b = {0};
	size_t n = 0;

	is_check(cmd_find("cadence", NULL), "cadence ana 2w", "ok", "cadence PERSON DURATION");
	is_check(cmd_find("cadence", NULL), "cadence --category Family 2w", "ok",
		 "cadence --category picks the form that requires it");
	is_check(cmd_find("cadence", NULL), "cadence --category=Family 2 weeks --yes", "ok",
		 "also as --category=NAME");
	is_check(cmd_find("cadence", NULL), "cadence ana 2w --yes", "unknown option --yes",
		 "--yes is for a category only");
	is_check(cmd_find("gone", NULL), "gone move ana --to bob", "ok move", "gone move --to");
	is_check(cmd_find("gone", NULL), "gone restore ana --to bob", "unknown option --to",
		 "--to goes with move only");
	is_check(cmd_find("gone", NULL), "gone --json", "ok list", "gone --json lists");
	is_check(cmd_find("account", NULL),
		 "account add h https://x/ --user u --cafile /ca.pem", "ok add",
		 "account add takes --cafile");
	is_check(cmd_find("capture", NULL),
		 "capture mail ~/Maildir a.mbox --me a@x --me b@y --since 3m --dry-run",
		 "ok mail", "capture mail: paths, --me twice, --since, --dry-run");
	is_check(cmd_find("capture", NULL), "capture mail --notmuch date:2026.. --rescan",
		 "ok mail", "capture mail --notmuch QUERY without a path");
	is_check(cmd_find("capture", NULL), "capture mail --since 1d --since 2d",
		 "--since is given twice", "--since once");
	is_check(cmd_find("capture", NULL), "capture ~/Maildir", "'~/Maildir' is not mail",
		 "capture needs its word");

	cmd_usage(cmd_find("account", NULL), NULL, &b);
	is_str(b.buf, "account add NAME URL --user USER [--password-command CMD] "
	       "[--cafile FILE] | list | remove NAME", "usage: every form of account");
	sbuf_reset(&b);
	cmd_usage(cmd_find("account", NULL), &cmd_find("account", NULL)->forms[0], &b);
	is_str(b.buf, "account add NAME URL --user USER [--password-command CMD] "
	       "[--cafile FILE]", "usage: one form");
	sbuf_reset(&b);
	cmd_usage(cmd_find("add", NULL), NULL, &b);
	is_str(b.buf, "add NAME [--email E] [--phone P] [--org O] [--category C]... "
	       "[--cadence DURATION] [--aspire WHY] [--book URL] [--force]",
	       "usage: a repeating option");
	sbuf_reset(&b);
	cmd_usage(cmd_find("gone", NULL), NULL, &b);
	is_str(b.buf, "gone [list] [--json] | restore PERSON | move PERSON --to OTHER "
	       "| drop PERSON", "usage: a subcommand that may be left out");
	sbuf_reset(&b);
	cmd_usage(cmd_find("quit", NULL), NULL, &b);
	is_str(b.buf, "quit", "usage: no arguments");
	sbuf_free(&b);

	/* Every option is "--name" and says what its value is. */
	for (c = commands; c->name; c++) {
		const struct cmd_form *f;
		const struct cmd_item *it;

		for (f = c->forms; f && (f->word || f->items); f++)
			for (it = f->items; it && it->name; it++)
				if (it->name[0] == '-' &&
				    (it->name[1] != '-' || (it->kind != KIND_NONE) != !!it->meta ||
				     (it->flags & (ITEM_OPTIONAL | ITEM_WORDS))))
					n++;
	}
	is_int(n, 0, "table: every option is well formed");
}

int main(void)
{
	test_words();
	test_quotes();
	test_escapes();
	test_unclosed();
	test_long();
	test_check_options();
	test_check_dashes();
	test_check_counts();
	test_table();
	return tap_done();
}
