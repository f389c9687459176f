/*
 * fuzz_config.c: libFuzzer target for the config reader and writer.
 *
 * Invariants: config_parse never crashes; what it accepts renders to a
 * file that parses to the same accounts, and rendering that again changes
 * nothing; after an edit (a book added, an account removed), the result
 * still parses.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_config.c:%d: %s\n", __LINE__, #cond); \
		abort(); \
	} \
} while (0)

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void check_same(const struct config *x, const struct config *y)
{
	size_t i, j;

	check(x->naccounts == y->naccounts);
	for (i = 0; i < x->naccounts; i++) {
		const struct config_account *a = &x->accounts[i];
		const struct config_account *b = &y->accounts[i];

		check(same(a->name, b->name) && same(a->url, b->url) &&
		      same(a->user, b->user) &&
		      same(a->password_command, b->password_command) &&
		      same(a->cafile, b->cafile));
		check(a->books.n == b->books.n);
		for (j = 0; j < a->books.n; j++)
			check(strcmp(a->books.v[j], b->books.v[j]) == 0);
	}
	/* [mail] is kept as written, so it reads back the same. */
	check(x->mail_me.n == y->mail_me.n && x->mail_paths.n == y->mail_paths.n);
	for (j = 0; j < x->mail_me.n; j++)
		check(strcmp(x->mail_me.v[j], y->mail_me.v[j]) == 0);
	for (j = 0; j < x->mail_paths.n; j++)
		check(strcmp(x->mail_paths.v[j], y->mail_paths.v[j]) == 0);
	check(x->note_mirror == y->note_mirror);
	check(x->password_timeout == y->password_timeout);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg, back;
	struct kerr err;
	char *out, *again;

	memset(&cfg, 0, sizeof cfg);
	if (config_parse(&cfg, "f", (const char *)data, size, &err) < 0) {
		check(err.msg[0]);
		config_free(&cfg);
		return 0;
	}
	out = config_render(&cfg);
	memset(&back, 0, sizeof back);
	check(config_parse(&back, "f", out, strlen(out), &err) == 0);
	check_same(&cfg, &back);
	again = config_render(&back);
	check(strcmp(again, out) == 0);
	free(again);
	config_free(&back);
	free(out);

	if (cfg.naccounts) {
		strv_push(&cfg.accounts[0].books, "https://added/");
		config_account_remove(&cfg, cfg.accounts[cfg.naccounts - 1].name);
	}
	out = config_render(&cfg);
	memset(&back, 0, sizeof back);
	check(config_parse(&back, "f", out, strlen(out), &err) == 0);
	check_same(&cfg, &back);
	config_free(&back);
	free(out);
	config_free(&cfg);
	return 0;
}
