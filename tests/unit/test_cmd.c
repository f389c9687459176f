/*
 * test_cmd.c: cmd_split, which turns every line typed in the shell (or
 * piped to it) into words, with quotes and backslashes as in sh.
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

int main(void)
{
	test_words();
	test_quotes();
	test_escapes();
	test_unclosed();
	test_long();
	return tap_done();
}
