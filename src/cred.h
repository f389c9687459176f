/*
 * cred.h: passwords. Order: the account's password_command, then the
 * Secret Service keyring (libsecret), then a prompt. A password is never
 * written to a file, a log, an argument or an error message; the returned
 * strings are wiped and freed with cred_free().
 */
#ifndef KITH_CRED_H
#define KITH_CRED_H

#include "util.h"

#define CRED_MAX 4096	/* bytes in a password */

/*
 * Runs cmd with /bin/sh and returns the first line of its output (the rest
 * is ignored, as "pass show" prints metadata after the password). NULL
 * with err when it fails, prints nothing on its first line, prints a first
 * line longer than CRED_MAX, or runs longer than timeout seconds (then its
 * process group is killed).
 */
char *cred_from_command(const char *cmd, int timeout, struct kerr *err);

/*
 * Reads a password: without echo from the terminal when standard input is
 * one, else one line from standard input. NULL with err on end of input.
 */
char *cred_prompt(const char *prompt, struct kerr *err);

/* The keyring: 0 ok, -1 with err (no keyring, locked, not found). */
int cred_store(const char *account, const char *user, const char *url,
	       const char *password, struct kerr *err);
char *cred_lookup(const char *account, const char *user, struct kerr *err);
/* 0 removed, 1 there was nothing to remove, -1 error. */
int cred_clear(const char *account, const char *user, struct kerr *err);
int cred_keyring_available(void);

/* Wipes and frees a password. Accepts NULL. */
void cred_free(char *password);

#endif
