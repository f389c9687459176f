/* test_config.c: reading the config strictly, writing it back gently. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "tap.h"

static int parse(struct config *cfg, const char *text, struct kerr *err)
{
	memset(cfg, 0, sizeof *cfg);
	err->msg[0] = '\0';
	return config_parse(cfg, "cfg", text, strlen(text), err);
}

/* The text must fail to parse with an error holding want. */
static void refused(const char *text, const char *want, const char *what)
{
	struct config cfg;
	struct kerr err;
	int rc = parse(&cfg, text, &err);

	ok(rc < 0 && strstr(err.msg, want), "%s: refused (%s)", what, err.msg);
	config_free(&cfg);
}

static void test_reading(void)
{
	struct config cfg;
	struct kerr err;
	char *big;

	is_int(parse(&cfg, "# c\n[account a]\nurl = https://x/\nuser = u\n"
		     "book = https://x/b1/\nbook = https://x/b2/\n"
		     "future = kept\n[later]\nanything = goes\n"
		     "[kith]\nnote_mirror = off\npassword_timeout = 5\n", &err),
	       0, "a full config parses");
	is_int(cfg.naccounts, 1, "one account");
	is_str(cfg.accounts[0].url, "https://x/", "url");
	is_int(cfg.accounts[0].books.n, 2, "two books");
	is_int(cfg.note_mirror, 0, "note_mirror off");
	is_int(cfg.password_timeout, 5, "password_timeout 5");
	config_free(&cfg);

	is_int(parse(&cfg, "[account a]\r\nurl=http://x/\r\nuser=u", &err), 0,
	       "CRLF lines and no final newline parse");
	is_str(cfg.accounts[0].user, "u", "user without the CR");
	is_int(cfg.password_timeout, 30, "password_timeout defaults to 30");
	config_free(&cfg);

	big = calloc(1, CONFIG_LINE_MAX + 200);
	strcpy(big, "[account a]\nurl = https://x/\nuser = u\nbook = https://x/");
	memset(big + strlen(big), 'a', CONFIG_LINE_MAX);
	strcat(big, "\npassword_command = touch /tmp/PWNED\n");
	refused(big, "cfg line 4: longer than", "a line longer than the limit");
	free(big);

	refused("[account a]\nurl = https://x/\nuser = u\x1b[31m\n", "line 3: a control",
		"an ESC in a value");
	{
		static const char nul[] = "[account a]\nurl = https://x/\nuser = u\0x\n";

		memset(&cfg, 0, sizeof cfg);
		ok(config_parse(&cfg, "cfg", nul, sizeof nul - 1, &err) < 0 &&
		   strstr(err.msg, "line 3: a NUL"), "a NUL byte: refused (%s)", err.msg);
		config_free(&cfg);
	}
	refused("[account a]\nurl = https://x/\nuser = caf\xe9\n", "line 3: not valid UTF-8",
		"invalid UTF-8");
	refused("url = https://x/\n", "line 1: a key outside", "a key before any section");
	refused("[account]\nurl = https://x/\nuser = u\n", "line 1: [account] needs a name",
		"an account without a name");
	refused("[account a]\nuser = u\n", "account a has no url", "an account without url");
	refused("[account a]\nurl = https://x/\n[kith]\n", "account a has no user",
		"an account without user");
	refused("[account a]\nurl = ftp://x/\nuser = u\n", "https:// or http://",
		"a url that is not http");
	refused("[account a]\nurl = https://x/\nuser = u\n[account a]\nurl = https://y/\nuser = v\n",
		"line 4: account a is already defined", "a duplicate account");
	refused("[account a]\nurl = https://x/\nurl = https://y/\nuser = u\n",
		"line 3: url is set twice", "a duplicate key");
	refused("[account a]\nurl = https://x/\nuser = u\npassword_command =\n",
		"line 4: password_command has no value", "an empty password_command");
	refused("[account a\nurl = https://x/\n", "line 1: expected", "an unclosed header");
	refused("[account a]\nurl https://x/\n", "line 2: expected", "a line without =");
	refused("[kith]\nnote_mirror = maybe\n", "line 2: note_mirror is on or off",
		"a bad note_mirror");
	refused("[kith]\npassword_timeout = 0\n", "line 2: password_timeout",
		"a zero timeout");
	refused("[kith]\npassword_timeout = 99999999999999999999\n", "password_timeout",
		"an overflowing timeout");
}

/* [mail]: the one section whose keys repeat (capture mail). */
static void test_mail(void)
{
	struct config cfg;
	struct kerr err;
	char *render;

	setenv("HOME", "/home/ana", 1);
	is_int(parse(&cfg, "[mail]\nme = ana@example.org\nme = Ana@Work.Example\n"
		     "path = ~/Maildir\npath = /var/mail/ana\nfuture_key = 1\n"
		     "[account a]\nurl = https://x/\nuser = u\n", &err), 0,
	       "[mail] with me and path twice each parses");
	ok(cfg.mail_me.n == 2 && !strcmp(cfg.mail_me.v[1], "Ana@Work.Example"),
	   "both addresses, as written");
	ok(cfg.mail_paths.n == 2 && !strcmp(cfg.mail_paths.v[0], "/home/ana/Maildir") &&
	   !strcmp(cfg.mail_paths.v[1], "/var/mail/ana"), "both paths, ~/ as $HOME");
	is_int(cfg.naccounts, 1, "the account after it too");
	render = config_render(&cfg);
	ok(strstr(render, "[mail]\nme = ana@example.org\nme = Ana@Work.Example\npath = ~/Maildir\n") != NULL,
	   "a save keeps the [mail] section as written");
	free(render);
	config_free(&cfg);
	ok(cfg.mail_me.n == 0 && cfg.mail_paths.n == 0, "config_free empties them");
	refused("[mail]\nme =\n", "line 2: me has no value", "an empty me");
	refused("[mail]\npath =\n", "line 2: path has no value", "an empty path");
	refused("[mail]\nme = a@b\n[account a]\nurl = https://x/\nurl = https://y/\nuser = u\n",
		"line 5: url is set twice", "other keys still may not repeat");
}

static void test_writing(void)
{
	const char *orig =
		"# my accounts\n"
		"[account home]\n"
		"url=https://h/\n"
		"# the old one:\n"
		"user = me\n"
		"color = blue\n"
		"book = https://h/a/\n"
		"book = https://h/b/\n"
		"\n"
		"; trailing comment\n"
		"[account work]\n"
		"url = https://w/\n"
		"user = w\n"
		"\n"
		"[kith]\n"
		"note_mirror = off\n";
	struct config cfg, back;
	struct config_account *a;
	struct kerr err;
	char *out;

	parse(&cfg, orig, &err);
	out = config_render(&cfg);
	is_str(out, orig, "an unchanged config is written back byte for byte");
	free(out);

	a = config_account(&cfg, "home");
	free(a->user);
	a->user = xstrdup("me2");
	strv_free(&a->books);
	strv_push(&a->books, "https://h/b/");
	strv_push(&a->books, "https://h/c/");
	a->cafile = xstrdup("/etc/ca.pem");
	config_account_remove(&cfg, "work");
	a = config_account_add(&cfg, "new");
	a->url = xstrdup("https://n/");
	a->user = xstrdup("n");
	out = config_render(&cfg);
	is_str(out,
	       "# my accounts\n"
	       "[account home]\n"
	       "url=https://h/\n"
	       "# the old one:\n"
	       "user = me2\n"
	       "color = blue\n"
	       "book = https://h/b/\n"
	       "cafile = /etc/ca.pem\n"
	       "book = https://h/c/\n"
	       "\n"
	       "; trailing comment\n"
	       "[kith]\n"
	       "note_mirror = off\n"
	       "\n"
	       "[account new]\n"
	       "url = https://n/\n"
	       "user = n\n",
	       "edits touch only kith's lines; comments, unknown keys and order stay");
	memset(&back, 0, sizeof back);
	is_int(config_parse(&back, "cfg", out, strlen(out), &err), 0,
	       "what is written parses");
	is_int(back.naccounts, 2, "two accounts back");
	config_free(&back);
	free(out);
	config_free(&cfg);

	memset(&cfg, 0, sizeof cfg);
	a = config_account_add(&cfg, "first");
	a->url = xstrdup("https://f/");
	a->user = xstrdup("f");
	out = config_render(&cfg);
	ok(strncmp(out, "# kith configuration", 20) == 0 &&
	   strstr(out, "\n[account first]\nurl = https://f/\nuser = f\n"),
	   "a new file gets a heading and the account");
	free(out);
	config_free(&cfg);
}

static void test_value_ok(void)
{
	struct kerr err;
	char *big = malloc(CONFIG_VALUE_MAX + 2);

	is_int(config_value_ok("url", "https://x/a%20b/", &err), 0, "a plain URL is ok");
	is_int(config_value_ok("url", "https://x/\npassword_command=x", &err), -1,
	       "a newline is refused");
	ok(strstr(err.msg, "control character"), "and the error says why");
	is_int(config_value_ok("url", "https://x/\r", &err), -1, "a CR is refused");
	is_int(config_value_ok("url", "", &err), -1, "empty is refused");
	is_int(config_value_ok("url", " x", &err), -1, "a leading space is refused");
	is_int(config_value_ok("url", "caf\xe9", &err), -1, "invalid UTF-8 is refused");
	memset(big, 'a', CONFIG_VALUE_MAX + 1);
	big[CONFIG_VALUE_MAX + 1] = '\0';
	is_int(config_value_ok("url", big, &err), -1, "an overlong value is refused");
	free(big);
}

int main(void)
{
	test_reading();
	test_mail();
	test_writing();
	test_value_ok();
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
