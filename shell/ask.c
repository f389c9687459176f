/*
 * ask.c: asking the user while a command runs (next's single keys and
 * lines): raw keys on a terminal with the terminal restored on every
 * signal, lines otherwise, so a script can drive them.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <readline/readline.h>

#include "date.h"
#include "out.h"
#include "queue.h"
#include "shell.h"
#include "today.h"
#include "vcard.h"

/* ---- answers: single keys on a terminal, lines otherwise ------------- */

/*
 * On a terminal `next` reads one key per choice, in raw mode only while
 * it waits for that key. A signal that ends kith meanwhile must not leave
 * the terminal raw: the handler puts it back and re-raises.
 */
static struct termios saved_tio;
static volatile sig_atomic_t tio_raw;

static void tio_restore(void)
{
	if (tio_raw) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
		tio_raw = 0;
	}
}

static void on_fatal_signal(int sig)
{
	tio_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * One key. Returns the character (lower-cased), or 'q' at end of input,
 * on Ctrl-C, Ctrl-D or Escape. Without a terminal: the first non-blank
 * character of the next non-empty line.
 */
int ask_key(const char *prompt)
{
	static const int sigs[] = {SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
	struct sigaction sa, old[4];
	struct termios raw;
	unsigned char ch;
	ssize_t r;
	size_t i;

	if (!isatty(STDIN_FILENO)) {
		char *line = NULL;
		size_t cap = 0;
		int c = 'q';

		while (getline(&line, &cap, stdin) > 0) {
			char *p = line + strspn(line, " \t\r\n");

			if (*p) {
				c = tolower((unsigned char)*p);
				break;
			}
		}
		free(line);
		return c;
	}
	fputs(prompt, stdout);
	fflush(stdout);
	if (tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return 'q';
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	raw = saved_tio;
	/* No echo, no line editing, no signals from keys: Ctrl-C is 'quit'. */
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tio_raw = 1;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
	do
		r = read(STDIN_FILENO, &ch, 1);
	while (r < 0 && errno == EINTR);
	tio_restore();
	for (i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (r != 1 || ch == 3 || ch == 4 || ch == 27)
		ch = 'q';
	ch = (unsigned char)tolower(ch);
	if (isprint(ch))
		printf("%c\n", ch);
	else
		putchar('\n');
	return ch;
}

/* The words a line prompt completes (channels), for readline. */
static const char *const *line_words;

static char *line_word(const char *text, int state)
{
	static size_t i;
	size_t len = strlen(text);

	if (state == 0)
		i = 0;
	while (line_words && line_words[i]) {
		const char *w = line_words[i++];

		if (strncasecmp(w, text, len) == 0)
			return strdup(w);
	}
	return NULL;
}

static char **line_complete(const char *text, int start, int end)
{
	rl_attempted_completion_over = 1;
	return rl_completion_matches(text, line_word);
}

/*
 * One line of text, trimmed; "" for an empty answer, NULL at end of input
 * or, with *cancelled set, on Ctrl-C. On a terminal readline edits it
 * (completing words when given). The caller frees it.
 */
char *ask_line(const char *prompt, const char *const *words, int *cancelled)
{
	char *line = NULL, *s, *e;

	*cancelled = 0;
	if (isatty(STDIN_FILENO)) {
		rl_completion_func_t *saved = rl_attempted_completion_function;

		line_words = words;
		rl_attempted_completion_function = line_complete;
		line = shell_readline(prompt, cancelled);
		rl_attempted_completion_function = saved;
		line_words = NULL;
		if (!line)
			return NULL;
	} else {
		size_t cap = 0;

		if (getline(&line, &cap, stdin) <= 0) {
			free(line);
			return NULL;
		}
	}
	s = line + strspn(line, " \t");
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		e--;
	s = xstrndup(s, (size_t)(e - s));
	free(line);
	return s;
}
