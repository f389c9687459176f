/* main.c: kith's entry point: one command, or the shell. */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "date.h"
#include "shell.h"

int main(int argc, char **argv)
{
	struct ctx ctx;
	struct kerr err;
	int rc;

	/*
	 * Only the character set (readline's multibyte input): numbers in
	 * JSON keep their dot whatever LC_NUMERIC says, and the other
	 * categories would cost a file each at every start.
	 */
	setlocale(LC_CTYPE, "");
	umask(077);
	signal(SIGPIPE, SIG_IGN);
	memset(&ctx, 0, sizeof ctx);
	ctx.today = date_today();
	ctx.color = isatty(1) && !getenv("NO_COLOR");
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		argv[1] = "help";
	else if (argc > 1 && strcmp(argv[1], "--version") == 0)
		argv[1] = "version";
	if (config_load(&ctx.cfg, &err) < 0) {
		say_error("%s", err.msg);
		config_free(&ctx.cfg);
		return EXIT_FAIL;
	}
	if (argc > 1) {
		rc = cmd_run(&ctx, argc - 1, argv + 1);
	} else {
		ctx.interactive = isatty(0);
		rc = repl_run(&ctx);
	}
	if (fflush(stdout) != 0 && rc == EXIT_OK) {
		say_error("cannot write the output");
		rc = EXIT_FAIL;
	}
	cache_close(ctx.cache);
	config_free(&ctx.cfg);
	return rc;
}
