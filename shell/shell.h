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
#include "config.h"
#include "util.h"

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

enum {
	NEED_CACHE = 1 << 0,	/* opens the cache first */
};

struct ctx {
	struct cache *cache;	/* opened on first need */
	struct config cfg;
	long today;
	int interactive;	/* the readline shell is running */
	int color;		/* stdout is a terminal and NO_COLOR unset */
	int quit;		/* set by "quit" */
};

struct command {
	const char *name;
	const char *usage;	/* arguments, after the name */
	const char *help;	/* one line */
	int min_args, max_args;	/* bounds on argc after the name; -1: no bound */
	unsigned needs;
	int (*fn)(struct ctx *ctx, int argc, char **argv);
	const char *const *options;	/* for completion; NULL-terminated */
};

extern const struct command commands[];

/* Finds a command by exact name or unique prefix; prints why not. */
const struct command *cmd_find(const char *name, FILE *err);
/* Runs one command line already split into words. */
int cmd_run(struct ctx *ctx, int argc, char **argv);
/* Splits a line into words (quotes and backslashes as in sh). -1 on open quote. */
int cmd_split(const char *line, struct strv *words, struct kerr *err);

/* The REPL: readline on a terminal, plain lines otherwise. */
int repl_run(struct ctx *ctx);

/* Opens the cache on first need; prints the error. 0 or -1. */
int ctx_cache(struct ctx *ctx);

/* One line on stderr: "kith: ..." */
void say_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Removes "--name" (and, when want_value, its value) from argv, wherever
 * it stands before a "--". Returns 1 when found (value in *value), 0 when
 * not, -1 when the value is missing (after printing why).
 */
int opt_take(int *argc, char **argv, const char *name, int want_value,
	     char **value);
/* Fails with a usage message when an unknown --option is left. */
int opt_none_left(const char *cmd, int argc, char **argv);

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
int cmd_account(struct ctx *ctx, int argc, char **argv);
int cmd_sync(struct ctx *ctx, int argc, char **argv);
int cmd_list(struct ctx *ctx, int argc, char **argv);
int cmd_show(struct ctx *ctx, int argc, char **argv);
int cmd_log(struct ctx *ctx, int argc, char **argv);
int cmd_unlog(struct ctx *ctx, int argc, char **argv);
int cmd_cadence(struct ctx *ctx, int argc, char **argv);
int cmd_snooze(struct ctx *ctx, int argc, char **argv);
int cmd_queue(struct ctx *ctx, int argc, char **argv);

#endif
