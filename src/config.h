/*
 * config.h: where kith keeps its files, and the accounts file.
 *
 * Files follow XDG: config $XDG_CONFIG_HOME/kith/config, cache
 * $XDG_DATA_HOME/kith/kith.db, history $XDG_STATE_HOME/kith/history.
 * Folders are created 0700, files 0600.
 *
 * The config file is the source of truth for accounts, so a user can read
 * and edit it; it never holds a password:
 *
 *	[account personal]
 *	url = https://dav.example.org/
 *	user = alice
 *	password_command = pass show dav/alice
 *	cafile = /etc/ssl/my-ca.pem
 *	book = https://dav.example.org/alice/contacts/
 *	calendar = https://dav.example.org/alice/calendars/kith/
 *	remind = event
 *
 *	[kith]
 *	note_mirror = on
 *	password_timeout = 30
 *	remind_days = 3
 *	remind_time = 09:00
 *	remind_tasks = 10
 *
 *	[mail]
 *	me = alice@example.org
 *	me = alice.work@example.com
 *	path = ~/Maildir
 *	path = ~/mail/archive.mbox
 *
 * [mail] is what 'capture mail' reads: the user's own addresses (me, as
 * many as there are) and the Maildir folders and mbox files to read when
 * none are named (path, as many as there are; a leading ~/ is $HOME).
 * These two keys are the only ones that may be repeated: every other
 * duplicate is an error.
 *
 * Reading is strict where a mistake could run the wrong command or talk to
 * the wrong server: a line longer than CONFIG_LINE_MAX, a control
 * character, a key outside a section, a duplicate account or key, an empty
 * value or an account without url or user is an error naming the file and
 * line. Unknown sections and keys are ignored (a newer kith may write
 * them). Writing edits only the lines kith manages (url, user,
 * password_command, cafile, book, calendar, remind) and keeps everything else the user
 * wrote: comments, unknown keys, order.
 */
#ifndef KITH_CONFIG_H
#define KITH_CONFIG_H

#include "util.h"

struct config_account {
	char *name;
	char *url;		/* the URL given at account add */
	char *user;
	char *password_command;	/* NULL when the keyring holds the password */
	char *cafile;		/* extra CA bundle, or NULL */
	struct strv books;	/* address book URLs found by discovery */
	char *calendar;		/* where reminders go ('remind setup'), or NULL */
	char *remind;		/* "event" or "todo" with a calendar */
};

#define CONFIG_LINE_MAX 4096	/* bytes in one line, its newline excluded */
#define CONFIG_VALUE_MAX 2048	/* bytes in one value kith writes */
#define CONFIG_FILE_MAX (1 << 20)

struct config {
	char *path;
	struct config_account *accounts;
	size_t naccounts;
	int note_mirror;	/* 1 unless "note_mirror = off" */
	int password_timeout;	/* seconds a password_command may take */
	int remind_days;	/* days of events written ahead (1-14, default 3) */
	int remind_minute;	/* the alarm's local time, minutes after midnight (540) */
	int remind_tasks;	/* most tasks written (1-100, default 10) */
	struct strv mail_me;	/* [mail] me: the user's addresses, as written */
	struct strv mail_paths;	/* [mail] path: Maildirs and mbox files, ~/ expanded */
	char *text;		/* the file as read, so a save can keep it */
};

/*
 * The folder for kind "config", "data" or "state", created 0700 with its
 * parents; the caller frees it. NULL with err when it cannot be made.
 */
char *config_dir(const char *kind, struct kerr *err);

/* Loads the config file (a missing file is an empty config). */
int config_load(struct config *cfg, struct kerr *err);
/*
 * Parses text (len bytes, not necessarily NUL-terminated) read from path
 * into a zeroed cfg; path only names the file in errors. 0, or -1 with err
 * naming path and line; cfg is to be freed either way.
 */
int config_parse(struct config *cfg, const char *path, const char *text,
		 size_t len, struct kerr *err);
/* The file config_save would write: cfg->text with kith's lines edited. */
char *config_render(const struct config *cfg);
/* Writes it back atomically (temp file 0600, fsync, rename). */
int config_save(struct config *cfg, struct kerr *err);
/*
 * Whether s may be written as the value of "what": not empty, at most
 * CONFIG_VALUE_MAX bytes, UTF-8, no control character, no space at either
 * end. 0, or -1 with err saying why.
 */
int config_value_ok(const char *what, const char *s, struct kerr *err);
void config_free(struct config *cfg);

struct config_account *config_account(struct config *cfg, const char *name);
/* Adds a new account (copied); the caller has checked the name is free. */
struct config_account *config_account_add(struct config *cfg, const char *name);
int config_account_remove(struct config *cfg, const char *name);

#endif
