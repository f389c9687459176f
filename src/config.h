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
 *
 *	[kith]
 *	note_mirror = on
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
};

struct config {
	char *path;
	struct config_account *accounts;
	size_t naccounts;
	int note_mirror;	/* 1 unless "note_mirror = off" */
};

/*
 * The folder for kind "config", "data" or "state", created 0700 with its
 * parents; the caller frees it. NULL with err when it cannot be made.
 */
char *config_dir(const char *kind, struct kerr *err);

/* Loads the config file (a missing file is an empty config). */
int config_load(struct config *cfg, struct kerr *err);
/* Writes it back atomically (temp file 0600, fsync, rename). */
int config_save(const struct config *cfg, struct kerr *err);
void config_free(struct config *cfg);

struct config_account *config_account(struct config *cfg, const char *name);
/* Adds a new account (copied); the caller has checked the name is free. */
struct config_account *config_account_add(struct config *cfg, const char *name);
int config_account_remove(struct config *cfg, const char *name);

#endif
