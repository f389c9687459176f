#include "cred.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <termios.h>
#include <unistd.h>

#include "kith_build.h"

#if HAVE_LIBSECRET
#include <libsecret/secret.h>
#endif

void cred_free(char *password)
{
	if (!password)
		return;
	explicit_bzero(password, strlen(password));
	free(password);
}

static void chomp(char *s)
{
	s[strcspn(s, "\r\n")] = '\0';
}

static long now_ms(void)
{
	return (long)(mono_seconds() * 1000.0);
}

/*
 * The child runs in its own process group so that a timeout can stop
 * whatever it started. kith is done with it once it has exited and its
 * output is drained: a grandchild that keeps the pipe open (an agent it
 * started) does not hold kith.
 */
char *cred_from_command(const char *cmd, int timeout, struct kerr *err)
{
	char buf[CRED_MAX + 2];
	size_t n = 0;
	int fds[2], status = 0, reaped = 0, open_fd = 1;
	long deadline;
	char *nl, *pw;
	pid_t pid;

	if (timeout <= 0)
		timeout = 30;
	if (pipe(fds) < 0) {
		kerr_set(err, "password command: pipe: %s", strerror(errno));
		return NULL;
	}
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		kerr_set(err, "password command: fork: %s", strerror(errno));
		return NULL;
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(fds[1], 1);
		close(fds[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	close(fds[1]);
	deadline = now_ms() + timeout * 1000L;
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		long left = deadline - now_ms();
		int pr;

		if (!reaped) {
			pid_t w = waitpid(pid, &status, WNOHANG);

			if (w == pid)
				reaped = 1;
		}
		if (!open_fd && reaped)
			break;
		if (left <= 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			if (!reaped)
				while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
					;
			if (open_fd)
				close(fds[0]);
			explicit_bzero(buf, sizeof buf);
			kerr_set(err, "password command did not finish within %d s, "
				 "so kith stopped it: check password_command, or "
				 "raise password_timeout in [kith] of the config",
				 timeout);
			return NULL;
		}
		if (!open_fd) {
			struct timespec ts = { 0, 10 * 1000000L };

			nanosleep(&ts, NULL);
			continue;
		}
		pr = poll(&p, 1, reaped ? 0 : (int)(left < 50 ? left : 50));
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0) {
			if (reaped)
				break;	/* exited, and nothing more to read */
			continue;
		}
		{
			char sink[4096];
			ssize_t r;

			if (n < sizeof buf - 1)
				r = read(fds[0], buf + n, sizeof buf - 1 - n);
			else
				r = read(fds[0], sink, sizeof sink);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				close(fds[0]);
				open_fd = 0;
			} else if (n < sizeof buf - 1) {
				n += (size_t)r;
			} else {
				explicit_bzero(sink, sizeof sink);
			}
		}
	}
	if (open_fd)
		close(fds[0]);
	buf[n] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		explicit_bzero(buf, sizeof buf);
		kerr_set(err, "password command failed (exit %d): check "
			 "password_command in the config",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return NULL;
	}
	nl = memchr(buf, '\n', n);
	if (!nl && n > CRED_MAX) {
		explicit_bzero(buf, sizeof buf);
		kerr_set(err, "password command printed a line longer than %d "
			 "bytes: kith will not cut a password short", CRED_MAX);
		return NULL;
	}
	if (nl)
		*nl = '\0';
	if (buf[0] && buf[strlen(buf) - 1] == '\r')
		buf[strlen(buf) - 1] = '\0';
	if (buf[0] == '\0') {
		explicit_bzero(buf, sizeof buf);
		kerr_set(err, "password command printed nothing on its first "
			 "line: check password_command in the config");
		return NULL;
	}
	pw = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	return pw;
}

char *cred_prompt(const char *prompt, struct kerr *err)
{
	struct termios old, noecho;
	int tty = isatty(0), restored = 1;
	char buf[4096];
	char *pw = NULL;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		fflush(stderr);
		if (tcgetattr(0, &old) == 0) {
			noecho = old;
			noecho.c_lflag &= ~(tcflag_t)ECHO;
			noecho.c_lflag |= ECHONL;
			restored = tcsetattr(0, TCSAFLUSH, &noecho) != 0;
		}
	}
	if (fgets(buf, sizeof buf, stdin)) {
		chomp(buf);
		pw = xstrdup(buf);
		explicit_bzero(buf, sizeof buf);
	}
	if (tty && !restored)
		tcsetattr(0, TCSAFLUSH, &old);
	if (!pw)
		kerr_set(err, "no password given (end of input)");
	return pw;
}

#if HAVE_LIBSECRET
static const SecretSchema *schema(void)
{
	static const SecretSchema s = {
		.name = "org.kith.Password",
		.flags = SECRET_SCHEMA_NONE,
		.attributes = {
			{"account", SECRET_SCHEMA_ATTRIBUTE_STRING},
			{"user", SECRET_SCHEMA_ATTRIBUTE_STRING},
			{NULL, 0},
		},
	};

	return &s;
}

static void gerr(struct kerr *err, const char *what, GError *ge)
{
	kerr_set(err, "%s: %s (is a Secret Service keyring such as "
		 "gnome-keyring running and unlocked? or set password_command)",
		 what, ge ? ge->message : "unknown error");
	if (ge)
		g_error_free(ge);
}

int cred_keyring_available(void)
{
	return 1;
}

int cred_store(const char *account, const char *user, const char *url,
	       const char *password, struct kerr *err)
{
	GError *ge = NULL;
	char *label = xasprintf("kith: %s (%s)", account, url);
	gboolean done;

	done = secret_password_store_sync(schema(), SECRET_COLLECTION_DEFAULT,
					   label, password, NULL, &ge,
					   "account", account, "user", user,
					   NULL);
	free(label);
	if (!done) {
		gerr(err, "cannot store the password in the keyring", ge);
		return -1;
	}
	return 0;
}

char *cred_lookup(const char *account, const char *user, struct kerr *err)
{
	GError *ge = NULL;
	gchar *pw;
	char *copy;

	pw = secret_password_lookup_sync(schema(), NULL, &ge, "account", account,
					 "user", user, NULL);
	if (ge) {
		gerr(err, "cannot read the password from the keyring", ge);
		return NULL;
	}
	if (!pw) {
		kerr_set(err, "no password for account '%s' in the keyring: "
			 "run 'kith account add' again or set password_command",
			 account);
		return NULL;
	}
	copy = xstrdup(pw);
	secret_password_free(pw);
	return copy;
}

int cred_clear(const char *account, const char *user, struct kerr *err)
{
	GError *ge = NULL;
	gboolean removed;

	removed = secret_password_clear_sync(schema(), NULL, &ge, "account",
					     account, "user", user, NULL);
	if (ge) {
		gerr(err, "cannot remove the password from the keyring", ge);
		return -1;
	}
	return removed ? 0 : 1;
}
#else
int cred_keyring_available(void)
{
	return 0;
}

int cred_store(const char *account, const char *user, const char *url,
	       const char *password, struct kerr *err)
{
	kerr_set(err, "kith was built without libsecret: set password_command "
		 "for account '%s'", account);
	return -1;
}

char *cred_lookup(const char *account, const char *user, struct kerr *err)
{
	kerr_set(err, "kith was built without libsecret: set password_command "
		 "for account '%s'", account);
	return NULL;
}

int cred_clear(const char *account, const char *user, struct kerr *err)
{
	return 1;
}
#endif
