/*
 * account.c: the account and sync commands, where the shell meets sync/.
 * Built into the network module (kith-net.so), loaded by netload.c only
 * when one of them runs; it calls back into the executable for the cache,
 * the config and the shell helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cred.h"
#include "dav.h"
#include "http.h"
#include "remind_net.h"
#include "shell.h"

static int valid_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!(*s == '-' || *s == '_' || *s == '.' ||
		      (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* The account's password: its command, else the keyring, else a prompt. */
static char *password_for(const struct ctx *ctx, const struct config_account *a,
			  int may_prompt, struct kerr *err)
{
	char *pw;

	if (a->password_command)
		return cred_from_command(a->password_command,
					 ctx->cfg.password_timeout, err);
	pw = cred_lookup(a->name, a->user, err);
	if (pw || !may_prompt)
		return pw;
	{
		char *prompt = xasprintf("Password for %s (account %s): ", a->user,
					 a->name);

		pw = cred_prompt(prompt, err);
		free(prompt);
	}
	return pw;
}

/*
 * Drops the books whose URL cannot be written to the config as it is (a
 * server chose it: a newline there would become a config line of its own)
 * and names each; the number left.
 */
static size_t keep_writable_books(struct dav_book *books, size_t n)
{
	size_t i, kept = 0;
	struct kerr err;

	for (i = 0; i < n; i++) {
		if (config_value_ok("its URL", books[i].url, &err) < 0) {
			term_printf(stderr, "kith: skipping an address book%s%s%s: "
				    "%s, which kith will not write to its config\n",
				    books[i].displayname ? " (" : "",
				    books[i].displayname ? books[i].displayname : "",
				    books[i].displayname ? ")" : "", err.msg);
			free(books[i].url);
			free(books[i].displayname);
			continue;
		}
		books[kept++] = books[i];
	}
	return kept;
}

static int account_add(struct ctx *ctx, int argc, char **argv)
{
	char *user = NULL, *cmd = NULL, *cafile = NULL, *pw = NULL;
	struct dav_book *books = NULL;
	struct config_account *a;
	struct dav_client *dc = NULL;
	struct dav_opts opts;
	struct kerr err;
	size_t n = 0, i;
	long acct;
	int rc = EXIT_FAIL;

	/* argv: add NAME URL [options], as the command table checked it */
	if (opt_take(&argc, argv, "--user", 1, &user) < 0 ||
	    opt_take(&argc, argv, "--password-command", 1, &cmd) < 0 ||
	    opt_take(&argc, argv, "--cafile", 1, &cafile) < 0)
		return EXIT_USAGE;
	if (!valid_name(argv[1])) {
		say_error("bad account name '%s': use letters, digits, '-', '_' "
			  "or '.'", argv[1]);
		return EXIT_USAGE;
	}
	if (config_account(&ctx->cfg, argv[1])) {
		say_error("account '%s' exists: 'account remove %s' first, or "
			  "pick another name", argv[1], argv[1]);
		return EXIT_USAGE;
	}
	if (!str_casestarts(argv[2], "https://") && !str_casestarts(argv[2], "http://")) {
		say_error("bad URL '%s': give an http:// or https:// URL", argv[2]);
		return EXIT_USAGE;
	}
	if (config_value_ok("the user name", user, &err) < 0 ||
	    config_value_ok("the URL", argv[2], &err) < 0 ||
	    (cmd && config_value_ok("the password command", cmd, &err) < 0) ||
	    (cafile && config_value_ok("the CA file name", cafile, &err) < 0)) {
		say_error("%s: kith keeps it in its config, one line per value",
			  err.msg);
		return EXIT_USAGE;
	}
	if (cmd)
		pw = cred_from_command(cmd, ctx->cfg.password_timeout, &err);
	else
		pw = cred_prompt(isatty(0) ? "Password: " : "", &err);
	if (!pw) {
		say_error("%s", err.msg);
		return EXIT_FAIL;
	}
	memset(&opts, 0, sizeof opts);
	opts.user = user;
	opts.password = pw;
	opts.cafile = cafile;
	dc = dav_client_new(&opts, &err);
	if (dc)
		dav_client_doing(dc, "account add");
	if (!dc || dav_discover(dc, argv[2], &books, &n, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	if (n) {
		n = keep_writable_books(books, n);
		if (n == 0) {
			say_error("account add: the server offered no address "
				  "book kith can keep: give the address book's "
				  "own URL");
			goto out;
		}
	}
	if (!cmd && cred_store(argv[1], user, argv[2], pw, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	a = config_account_add(&ctx->cfg, argv[1]);
	a->url = xstrdup(argv[2]);
	a->user = xstrdup(user);
	a->password_command = cmd ? xstrdup(cmd) : NULL;
	a->cafile = cafile ? xstrdup(cafile) : NULL;
	for (i = 0; i < n; i++)
		strv_push(&a->books, books[i].url);
	if (config_save(&ctx->cfg, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	acct = cache_account(ctx->cache, argv[1], &err);
	for (i = 0; acct > 0 && i < n; i++) {
		/* Discovery's Digest challenge spares the first sync a 401. */
		struct cache_book b = {0};

		b.id = cache_book(ctx->cache, acct, books[i].url, books[i].displayname,
				  &err);
		if (b.id < 0 || sync_remember(dc, ctx->cache, &b, &err) < 0)
			acct = -1;
	}
	if (acct < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	printf("Account %s: %zu address book%s\n", argv[1], n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		char *path = http_path(books[i].url);

		term_printf(stdout, "  %s%s%s%s\n", books[i].url, books[i].displayname ? " (" : "",
		       books[i].displayname ? books[i].displayname : "",
		       books[i].displayname ? ")" : "");
		if (!path || strcmp(path, "/") == 0)
			term_printf(stderr, "kith: note: %s is the server's root; "
				    "if the first sync finds no cards, give the "
				    "address book's own URL\n", books[i].url);
		free(path);
	}
	printf("Password %s. Run 'kith sync' to fetch the contacts.\n",
	       cmd ? "comes from the password command" :
	       "stored in the keyring");
	rc = EXIT_OK;
out:
	dav_books_free(books, n);
	dav_client_free(dc);
	cred_free(pw);
	return rc;
}

static int account_list(struct ctx *ctx)
{
	size_t i, j;

	if (ctx->cfg.naccounts == 0) {
		printf("No accounts. Add one with: kith account add NAME URL --user USER\n");
		return EXIT_OK;
	}
	for (i = 0; i < ctx->cfg.naccounts; i++) {
		const struct config_account *a = &ctx->cfg.accounts[i];
		char *safe = http_redact(a->url);

		term_printf(stdout, "%s  %s  user %s  password from %s\n", a->name, safe, a->user,
		       a->password_command ? "command" : "keyring");
		for (j = 0; j < a->books.n; j++)
			term_printf(stdout, "  book %s\n", a->books.v[j]);
		free(safe);
	}
	return EXIT_OK;
}

static int account_remove(struct ctx *ctx, const char *name)
{
	struct config_account *a = config_account(&ctx->cfg, name);
	struct kerr err;
	int rc = EXIT_OK;

	if (!a) {
		say_error("no account '%s' (see 'account list')", name);
		return EXIT_USAGE;
	}
	if (!a->password_command && cred_clear(a->name, a->user, &err) < 0) {
		say_error("%s", err.msg);
		rc = EXIT_FAIL;
	}
	if (cache_account_delete(ctx->cache, name, &err) < 0) {
		say_error("%s", err.msg);
		return EXIT_FAIL;
	}
	config_account_remove(&ctx->cfg, name);
	if (config_save(&ctx->cfg, &err) < 0) {
		say_error("%s", err.msg);
		return EXIT_FAIL;
	}
	printf("Removed account %s and its cached contacts.\n", name);
	return rc;
}

int kith_net_account(struct ctx *ctx, int argc, char **argv)
{
	if (strcmp(argv[1], "add") == 0)
		return account_add(ctx, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0 && argc == 2)
		return account_list(ctx);
	if (strcmp(argv[1], "remove") == 0 && argc == 3)
		return account_remove(ctx, argv[2]);
	return cmd_usage_error("account", NULL);
}

/* The sync lock: one sync per cache at a time, never interleaved. */
static int sync_lock(struct ctx *ctx)
{
	char *path = xasprintf("%s.lock", cache_path(ctx->cache));
	int fd, i;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		say_error("cannot open the lock %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	/* Wait up to 10 s for another sync to finish, then refuse. */
	for (i = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; i++) {
		if (i == 0)
			fprintf(stderr, "kith: another sync is running; waiting...\n");
		if (i >= 100) {
			say_error("another kith is still syncing this cache (%s): "
				  "try again when it is done", path);
			close(fd);
			free(path);
			return -1;
		}
		usleep(100000);
	}
	free(path);
	return fd;
}

struct progress {
	int tty;
	const char *book;
	double start;
	int shown;		/* a progress line is on the terminal */
};

static void on_progress(void *arg, const struct sync_stats *st)
{
	struct progress *p = arg;

	if (!p->tty)
		return;
	/* Back to the line's start, and the old text erased (EL, ECMA-48). */
	fputs("\r\033[K", stderr);
	term_printf(stderr, "%s: %ld cards, %.1f MB...", p->book, st->cards,
		    (double)st->bytes / 1e6);
	fflush(stderr);
	p->shown = 1;
}

/* Erases the progress line, so that what follows starts on a clean one. */
static void progress_clear(struct progress *p)
{
	if (p->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		p->shown = 0;
	}
}

/*
 * A problem with one card during pull or push (dav.h), on its own line
 * of stderr after the progress line is cleared: a warning for a card kept
 * back, the error for one not pushed or skipped.
 */
static void on_report(void *arg, enum sync_report kind, const char *msg)
{
	progress_clear(arg);
	if (kind == SYNC_WARN)
		term_printf(stderr, "kith: warning: %s\n", msg);
	else	/* SYNC_FAIL, SYNC_SKIP */
		term_printf(stderr, "kith: %s\n", msg);
}

/*
 * A first sync that finds no card, or a book at the server's root, is
 * more often a wrong URL than an empty address book: say so, once.
 */
static void say_empty_book(const struct cache_book *b)
{
	char *path = http_path(b->url);
	int root = !path || strcmp(path, "/") == 0;

	free(path);
	term_printf(stderr, "kith: note: %s holds no cards on the server%s; if "
		    "you expected contacts there, give the address book's own URL "
		    "('kith account add NAME URL' again; 'kith account list' shows "
		    "this one)\n", b->url, root ? " and is the server's root" : "");
}

struct dav_client *account_client(struct ctx *ctx,
				  const struct config_account *a,
				  const char *command)
{
	struct dav_client *dc;
	struct dav_opts opts;
	struct kerr err;
	char *pw = password_for(ctx, a, isatty(0), &err);

	if (!pw) {
		say_error("account %s: %s", a->name, err.msg);
		return NULL;
	}
	memset(&opts, 0, sizeof opts);
	opts.user = a->user;
	opts.password = pw;
	opts.cafile = a->cafile;
	dc = dav_client_new(&opts, &err);
	cred_free(pw);		/* the client keeps its own copy */
	if (!dc) {
		say_error("%s", err.msg);
		return NULL;
	}
	dav_client_doing(dc, command);
	return dc;
}

static int sync_account(struct ctx *ctx, struct config_account *a)
{
	struct cache_book *books = NULL;
	struct dav_client *dc = NULL;
	struct kerr err;
	size_t nbooks = 0, i;
	long acct;
	int rc = EXIT_FAIL, changed = 0;

	acct = cache_account(ctx->cache, a->name, &err);
	for (i = 0; acct > 0 && i < a->books.n; i++)
		if (cache_book(ctx->cache, acct, a->books.v[i], NULL, &err) < 0)
			acct = -1;
	if (acct < 0 || cache_books(ctx->cache, acct, &books, &nbooks, &err) < 0) {
		say_error("%s", err.msg);
		return EXIT_FAIL;
	}
	dc = account_client(ctx, a, "sync");
	if (!dc)
		goto out;
	dav_client_pin(dc);
	rc = EXIT_OK;
	/* Tasks done on the phone become touches before the cards go out. */
	if (remind_read(ctx, dc, a) < 0)
		rc = EXIT_FAIL;
	for (i = 0; i < nbooks && !kith_interrupted; i++) {
		struct sync_stats st;
		struct cache_book *fresh = NULL;
		size_t nfresh = 0, j;
		int failed = 0;
		int first = !books[i].sync_token && !books[i].ctag;
		/* Every line names the book alike: its name, then its URL. */
		char *url = http_redact(books[i].url);
		char *name = books[i].displayname && *books[i].displayname ?
			     xasprintf("%s (%s)", books[i].displayname, url) :
			     xstrdup(url);
		struct progress pr = {isatty(2), name, mono_seconds(), 0};

		memset(&st, 0, sizeof st);
		if (sync_pull(dc, ctx->cache, &books[i], &st, on_progress,
			      on_report, &pr, &err) < 0) {
			progress_clear(&pr);
			say_error("%s", err.msg);
			failed = 1;
		}
		progress_clear(&pr);
		/* Push on the newest copies, even after a partial pull. */
		if (!kith_interrupted &&
		    cache_books(ctx->cache, acct, &fresh, &nfresh, &err) == 0) {
			for (j = 0; j < nfresh; j++) {
				if (fresh[j].id != books[i].id)
					continue;
				if (sync_push(dc, ctx->cache, &fresh[j], ctx->cfg.note_mirror,
					      &st, on_report, &pr, &err) < 0) {
					say_error("%s", err.msg);
					failed = 1;
				}
				if (sync_remember(dc, ctx->cache, &fresh[j], &err) < 0) {
					say_error("%s", err.msg);
					failed = 1;
				}
			}
			cache_books_free(fresh, nfresh);
		}
		progress_clear(&pr);
		term_printf(stdout, "%s: %s%ld added, %ld changed, %ld removed, %ld pushed",
			    name, failed ? "FAILED (see above), after " : "",
			    st.added, st.changed, st.removed, st.pushed);
		if (st.kept)
			printf(", %ld deleted on the server with notes kept here", st.kept);
		if (st.failed)
			printf(", %ld failed", st.failed);
		if (st.unreadable)
			printf(", %ld unreadable on the server", st.unreadable);
		printf(" (%.1f s)\n", mono_seconds() - pr.start);
		if (first && !failed && st.cards == 0 && st.unreadable == 0)
			say_empty_book(&books[i]);
		if (failed)
			rc = EXIT_FAIL;
		if (st.added || st.removed)
			changed = 1;
		free(name);
		free(url);
	}
	if (changed && cache_analyze(ctx->cache, &err) < 0)
		say_error("%s", err.msg);	/* only the planner's statistics */
	/* The calendar last: a failure there leaves the cards synced. */
	if (!kith_interrupted && remind_write(ctx, dc, a) < 0)
		rc = EXIT_FAIL;
out:
	if (getenv("KITH_DEBUG_REQUESTS") && dc)
		fprintf(stderr, "kith: %ld requests\n", dav_client_requests(dc));
	cache_books_free(books, nbooks);
	dav_client_free(dc);
	return rc;
}

int kith_net_sync(struct ctx *ctx, int argc, char **argv)
{
	struct sigaction saved;
	int lock, rc = EXIT_OK;
	size_t i;

	if (argc > 1 && !config_account(&ctx->cfg, argv[1])) {
		say_error("no account '%s' (see 'account list')", argv[1]);
		return EXIT_USAGE;
	}
	if (ctx->cfg.naccounts == 0) {
		say_error("no accounts yet: add one with 'kith account add NAME URL "
			  "--user USER'");
		return EXIT_USAGE;
	}
	lock = sync_lock(ctx);
	if (lock < 0)
		return EXIT_FAIL;
	/* Ctrl-C: the transfer stops, what was committed stays (one-shot too). */
	interrupt_begin(&saved);
	for (i = 0; i < ctx->cfg.naccounts && !kith_interrupted; i++) {
		struct config_account *a = &ctx->cfg.accounts[i];

		if (argc > 1 && strcmp(a->name, argv[1]) != 0)
			continue;
		if (sync_account(ctx, a) != EXIT_OK)
			rc = EXIT_FAIL;
	}
	if (kith_interrupted) {
		say_error("sync interrupted (Ctrl-C): the cards and notes it "
			  "committed are kept; 'kith sync' goes on from there");
		rc = EXIT_INTERRUPTED;
	}
	interrupt_end(&saved);
	close(lock);
	return rc;
}
