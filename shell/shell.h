/*
 * shell.h: the command table and what every command gets.
 *
 * One table (cmd.c) drives dispatch, help, tab completion and the
 * one-shot form "kith CMD ARGS". Commands return an exit status:
 * 0 success, 1 failure (network, server, storage), 2 usage error, no such
 * person, or ambiguous.
 */
#ifndef KITH_SHELL_H
#define KITH_SHELL_H

#include <stdio.h>

#include "cache.h"
#include "query.h"
#include "config.h"
#include "util.h"

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_INTERRUPTED = 130,	/* Ctrl-C stopped a sync (128 + SIGINT) */
};

/*
 * While a command runs, SIGINT sets kith_interrupted instead of ending
 * kith (the REPL and sync); the previous handler comes back with
 * interrupt_end, which clears the flag.
 */
void interrupt_begin(struct sigaction *saved);
void interrupt_end(const struct sigaction *saved);

enum {
	NEED_CACHE = 1 << 0,	/* opens the cache first */
	/*
	 * Writes the whole cache (sync): read through system calls, not a
	 * memory map, whose pages would count as kith's resident memory.
	 * Every other command maps the cache: 'queue' at 10,000 people
	 * spends 12 ms in read calls otherwise.
	 */
	NEED_BULK = 1 << 1,
};

struct ctx {
	struct cache *cache;	/* opened on first need */
	struct config cfg;
	long today;
	int interactive;	/* the readline shell is running */
	int color;		/* stdout is a terminal and NO_COLOR unset */
	int quit;		/* set by "quit" */
};

/*
 * What a positional argument or an option's value is: what it completes
 * to in the shell. KIND_NONE, for an option, is a flag without a value.
 */
enum arg_kind {
	KIND_NONE,
	KIND_TEXT,	/* free text: nothing to complete */
	KIND_PERSON,	/* a name, part of one, an email, a UID or an href */
	KIND_CATEGORY,	/* a CATEGORIES value or a group name */
	KIND_TEMPLATE,	/* a draft template (draft_template_names) */
	KIND_CHANNEL,	/* one of sh_channels */
	KIND_ACCOUNT,	/* an account in the config */
	KIND_COMMAND,	/* a command name */
	KIND_FILE,
	KIND_URL,	/* a server or address book URL */
	KIND_DATE,	/* YYYY-MM-DD, today, yesterday, 3d, ... */
	KIND_DURATION,	/* 30d, 2w, 3m, 1y, off */
	KIND_NUMBER,
};

enum {
	/* for an option */
	ITEM_REQUIRED = 1 << 0,	/* the form needs it */
	ITEM_REPEAT = 1 << 1,	/* may be given more than once ("--category C...") */
	/* for a positional */
	ITEM_OPTIONAL = 1 << 2,	/* may be left out */
	ITEM_WORDS = 1 << 3,	/* one word or more: "show Ana Lima" is one PERSON */
};

/*
 * One item of a command's synopsis, in the order usage shows it: an
 * option when name starts with "--", else a positional named name
 * ("PERSON", "(DURATION | off)").
 */
struct cmd_item {
	const char *name;
	enum arg_kind kind;	/* of the positional, or of the option's value */
	const char *meta;	/* an option's value in usage ("CHANNEL"); NULL for a flag */
	unsigned flags;		/* ITEM_* */
};

/*
 * One way to call a command. A command with several forms takes the
 * form whose word is its first argument ("account add ..."); else,
 * among the forms without a word, the first one that has required
 * options and is given them all ("cadence --category ..."), else the
 * first one without required options.
 */
struct cmd_form {
	const char *word;	/* a subcommand, or NULL */
	const struct cmd_item *items;	/* ends with a NULL name; NULL for none */
	int word_optional;	/* the form is also taken without its word ("gone [list]") */
};

struct command {
	const char *name;
	const char *help;	/* one line */
	unsigned needs;
	int (*fn)(struct ctx *ctx, int argc, char **argv);
	/*
	 * The forms, ending with one whose word and items are NULL; usage,
	 * argument checks and completion all come from them. NULL: the
	 * command takes no arguments.
	 */
	const struct cmd_form *forms;
};

extern const struct command commands[];

/* Finds a command by exact name or unique prefix; prints why not. */
const struct command *cmd_find(const char *name, FILE *err);
/*
 * Runs one command line already split into words: argv is checked
 * against the command's forms (cmd_check) before the command runs, so a
 * command reads only options its table names, each with its value.
 */
int cmd_run(struct ctx *ctx, int argc, char **argv);
/* Splits a line into words (quotes and backslashes as in sh). -1 on open quote. */
int cmd_split(const char *line, struct strv *words, struct kerr *err);

/*
 * Whether argv (argv[0] the command) fits one of c's forms: every
 * "--option" is one the form names (as "--name VALUE" or "--name=VALUE"),
 * each given once unless it repeats, a value present where one is
 * taken, the required options there, and as many positionals as the
 * form takes. Options end at "--"; before it, a word starting with '-'
 * is a mistyped option, not text. Returns the form, or NULL with why in
 * err (an empty message when the arguments are merely too few or many).
 */
const struct cmd_form *cmd_check(const struct command *c, int argc,
				 char **argv, struct kerr *err);
/*
 * The form a command line already typed is in (words[0] the command),
 * as cmd_check would pick it; NULL when a subcommand is still to come.
 */
const struct cmd_form *cmd_form_of(const struct command *c, int argc,
				   char **argv);
/* The option called name (an exact "--name") of form f, or NULL. */
const struct cmd_item *cmd_option(const struct cmd_form *f, const char *name);
/*
 * Appends "NAME ARGS" to b: the command's forms joined with " | ", or
 * form only when not NULL ("account add NAME URL ...").
 */
void cmd_usage(const struct command *c, const struct cmd_form *only,
	       struct sbuf *b);
/*
 * Prints "kith: WHY; usage: NAME ARGS" (without why when NULL) from
 * the table entry of command name. Returns EXIT_USAGE.
 */
int cmd_usage_error(const char *name, const char *why, ...)
	__attribute__((format(printf, 2, 3)));

/* The REPL: readline on a terminal, plain lines otherwise. */
int repl_run(struct ctx *ctx);
/*
 * readline() that Ctrl-C interrupts, as in bash: the line is dropped and
 * NULL returned with *interrupted set (also NULL, unset, at end of input).
 * For a terminal only; the caller frees the line.
 */
char *shell_readline(const char *prompt, int *interrupted);
/*
 * Asks question (with " [y/N] ") on a terminal: 1 for yes, 0 for anything
 * else (Ctrl-C, end of input included); -1 without a terminal to ask on.
 */
int shell_confirm(const char *question);

/* Opens the cache on first need; prints the error. 0 or -1. */
int ctx_cache(struct ctx *ctx);

/* One line on stderr: "kith: ..." */
void say_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * How a command reads its options, which cmd_run has already checked
 * against the table (so an unknown one never reaches it).
 * Removes "--name" (and, when want_value, its value) from argv, wherever
 * it stands before a "--". Returns 1 when found (value in *value), 0 when
 * not, -1 when the value is missing (after printing why).
 */
int opt_take(int *argc, char **argv, const char *name, int want_value,
	     char **value);

/*
 * Finds the one person a user means: an href (or its last segment), a
 * UID, an exact name, or a unique part of a name or email. Prints the
 * candidates when several match. Returns the card id, 0 when none or
 * ambiguous (after printing), -1 on a cache error.
 */
long person_find(struct ctx *ctx, const char *query);

/* Command functions, one file each area. */
int cmd_help(struct ctx *ctx, int argc, char **argv);
int cmd_quit(struct ctx *ctx, int argc, char **argv);
int cmd_version(struct ctx *ctx, int argc, char **argv);
/* netload.c: load the network module and run its command. */
int cmd_account(struct ctx *ctx, int argc, char **argv);
int cmd_sync(struct ctx *ctx, int argc, char **argv);
int cmd_remind(struct ctx *ctx, int argc, char **argv);
/* The same commands inside the network module (account.c). */
int kith_net_account(struct ctx *ctx, int argc, char **argv);
int kith_net_sync(struct ctx *ctx, int argc, char **argv);
/* netload.c: capture, in the mail module kith-mail.so (capture.c). */
int cmd_capture(struct ctx *ctx, int argc, char **argv);
int kith_mail_capture(struct ctx *ctx, int argc, char **argv);
int cmd_list(struct ctx *ctx, int argc, char **argv);
int cmd_show(struct ctx *ctx, int argc, char **argv);
int cmd_log(struct ctx *ctx, int argc, char **argv);
int cmd_unlog(struct ctx *ctx, int argc, char **argv);
int cmd_edit(struct ctx *ctx, int argc, char **argv);
int cmd_set(struct ctx *ctx, int argc, char **argv);
int cmd_remove(struct ctx *ctx, int argc, char **argv);
int cmd_undo(struct ctx *ctx, int argc, char **argv);
int cmd_cadence(struct ctx *ctx, int argc, char **argv);
int cmd_snooze(struct ctx *ctx, int argc, char **argv);
int cmd_queue(struct ctx *ctx, int argc, char **argv);

/* ---- people: shared by the commands about people (person.c, format.c) - */

/* struct person, struct person_log_row and their readers: query.h. */

/* The channels a log entry may name, NULL-terminated. */
extern const char *const sh_channels[];

/* Loads card id into p: 0, or -1 after printing why. */
int person_get(struct ctx *ctx, long id, struct person *p);
/* person_find() as an exit status: EXIT_OK with *p loaded, or why not. */
int person_lookup(struct ctx *ctx, const char *query, struct person *p);
/*
 * PERSON as people type it, unquoted, in front of other words ("log Björn
 * Mensah Talked about the garden"): the longest run of argv[start...]
 * (leaving keep words after it) that names exactly one person wins, and
 * *used gets its length. When none does, the candidates of the longest
 * ambiguous run are listed (or "no such person"). An exit status.
 */
int person_lookup_words(struct ctx *ctx, int argc, char **argv, int start,
			int keep, int *used, struct person *p);
/* 0 when notes can be added to p; -1 after printing why not. */
int person_writable(const struct person *p);
/*
 * person_lookup of someone who can take a note: EXIT_OK with *p loaded,
 * else why not (EXIT_USAGE for a card that cannot, p then freed).
 */
int person_lookup_writable(struct ctx *ctx, const char *query,
			   struct person *p);
/* The person's log, newest first (free with person_log_free). 0 or -1. */
int person_log(struct ctx *ctx, long card, struct person_log_row **rows,
	       size_t *n);
/*
 * Records a touch: date (YYYY-MM-DD), a channel from sh_channels, text.
 * Appends the outbox op with a fresh id (written to id when not NULL) and
 * prints "logged ID for NAME (DATE, VIA)" unless quiet. An exit status.
 */
int person_log_add(struct ctx *ctx, const struct person *p, const char *date,
		   const char *via, const char *text, int quiet, char id[9]);
/* The JSON fields every person carries (uid, fn, href, ...), no braces. */
void person_json_fields(struct sbuf *b, int *first, const struct person *p,
			long today);

/* Helpers for the commands' output and queries. */
void sh_split_list(const char *s, struct strv *out);	/* ", "-joined column */
char *sh_first_of(const char *s);		/* its first value, or "" */
char *sh_join_words(int argc, char **argv, int from);	/* NULL when none */
/* A cadence as typed (30d, 2w, off) as ISO 8601 in iso ("" for off); -1 after saying why. */
int sh_cadence_arg(const char *arg, char iso[16]);
const char *sh_color(struct ctx *ctx, const char *code);	/* "" without colour */
const char *sh_due_color(struct ctx *ctx, long due);
void sh_cadence_words(const char *iso, char out[32]);	/* "every 2 weeks" */
void sh_overdue_words(long due, long today, char out[48]);	/* "3 days overdue" */
void sh_add_lines(struct sbuf *b, const char *s, int indent);
int sh_flush(struct sbuf *b);			/* writes b to stdout, frees it */
/*
 * A birthday for people: "in 4 days, Tuesday 1 December, turns 36", the
 * age only when the year is known ("--08-22" has none); bday as given
 * when it is no date (out holds 96 bytes).
 */
void sh_bday_words(const char *bday, long today, char out[96]);
/* Whether nobody is in the cache yet; if so, says how to add an account. */
int sh_first_run(struct ctx *ctx);
/* sh_flush with long lines wrapped at spaces to the terminal's width. */
int sh_flush_wrapped(struct sbuf *b);

/*
 * Asking while a command runs (ask.c). ask_key: one key, lower-cased, or
 * 'q' at end of input, Ctrl-C, Ctrl-D or Escape; without a terminal the
 * first non-blank character of the next non-empty line. ask_line: a
 * trimmed line ("" when empty), NULL at end of input or, with *cancelled
 * set, on Ctrl-C; words complete on a terminal. The caller frees it.
 */
int ask_key(const char *prompt);
char *ask_line(const char *prompt, const char *const *words, int *cancelled);

/*
 * The template name's draft for p, printed (draft.c); with edit, opened
 * in the editor first. An exit status.
 */
int draft_print(struct ctx *ctx, const struct person *p, const char *name,
		int edit);

/* Reconnecting (reconnect.c, draft.c, add.c) and looking around (stats.c). */
int cmd_next(struct ctx *ctx, int argc, char **argv);
int cmd_today(struct ctx *ctx, int argc, char **argv);
int cmd_draft(struct ctx *ctx, int argc, char **argv);
int cmd_intro(struct ctx *ctx, int argc, char **argv);
int cmd_add(struct ctx *ctx, int argc, char **argv);
int cmd_history(struct ctx *ctx, int argc, char **argv);
int cmd_stats(struct ctx *ctx, int argc, char **argv);
int cmd_search(struct ctx *ctx, int argc, char **argv);
int cmd_gone(struct ctx *ctx, int argc, char **argv);

/*
 * The 'today' choice for day among cands (card ids: lost, due, upgrade,
 * aspire; 0 for an empty slot). Today's is made once and kept for the
 * day (reconnect.c), so the calendar and the shell agree; another day's
 * is chosen afresh.
 */
void today_ids(struct ctx *ctx, long day, const struct today_cand *cands,
	       size_t n, long ids[4]);

/*
 * Draft templates: the names of the built-in and the user's templates
 * (in $XDG_CONFIG_HOME/kith/templates/), sorted, for completion.
 */
void draft_template_names(struct strv *out);
/*
 * Takes --category NAME from argv: *given says whether it was there, and
 * ids (sorted; the caller frees) the people in it, by CATEGORIES or by a
 * group of that name. -1 after saying why (nobody is in it).
 */
int sh_take_category(struct ctx *ctx, int *argc, char **argv, long **ids,
		     size_t *n, int *given);
/* text in $VISUAL/$EDITOR (vi), read back without trailing newlines; NULL after saying why. */
char *sh_edit_text(const char *text);
/* Whether e reads as an email address (name@example.org). */
int sh_email_ok(const char *e);

/* ---- import and export (import.c, export.c; issue 15) ----------------- */

int cmd_import(struct ctx *ctx, int argc, char **argv);
int cmd_export(struct ctx *ctx, int argc, char **argv);
/* A random (version 4) UUID from /dev/urandom, for a new card (add.c); out holds 37 bytes. 0 or -1 with errno. */
int sh_new_uuid(char out[37]);
/* The path of a URL ("/user/contacts/book/"), with a trailing slash (add.c). The caller frees. */
char *sh_url_path(const char *url);

#endif
