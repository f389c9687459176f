#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int mkdir_p(const char *path, struct kerr *err)
{
	char *p = xstrdup(path), *s;
	int rc = -1;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			kerr_set(err, "cannot create folder %s: %s", p, strerror(errno));
			goto out;
		}
		*s = '/';
	}
	if (mkdir(p, 0700) < 0 && errno != EEXIST) {
		kerr_set(err, "cannot create folder %s: %s", p, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(p);
	return rc;
}

char *config_dir(const char *kind, struct kerr *err)
{
	const char *env, *fallback, *home = getenv("HOME");
	char *dir;

	if (strcmp(kind, "config") == 0) {
		env = getenv("XDG_CONFIG_HOME");
		fallback = ".config";
	} else if (strcmp(kind, "data") == 0) {
		env = getenv("XDG_DATA_HOME");
		fallback = ".local/share";
	} else {
		env = getenv("XDG_STATE_HOME");
		fallback = ".local/state";
	}
	if (env && env[0] == '/') {
		dir = xasprintf("%s/kith", env);
	} else if (home && *home) {
		dir = xasprintf("%s/%s/kith", home, fallback);
	} else {
		kerr_set(err, "neither XDG_%s_HOME nor HOME is set: set HOME",
			 strcmp(kind, "config") == 0 ? "CONFIG" :
			 strcmp(kind, "data") == 0 ? "DATA" : "STATE");
		return NULL;
	}
	if (mkdir_p(dir, err) < 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int config_load(struct config *cfg, struct kerr *err)
{
	struct config_account *acct = NULL;
	int in_kith = 0, lineno = 0, rc = -1;
	char *dir, line[4096];
	FILE *f = NULL;

	memset(cfg, 0, sizeof *cfg);
	cfg->note_mirror = 1;
	dir = config_dir("config", err);
	if (!dir)
		return -1;
	cfg->path = xasprintf("%s/config", dir);
	free(dir);
	f = fopen(cfg->path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		kerr_set(err, "cannot read %s: %s", cfg->path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		char *s = trim(line), *eq, *key, *val;

		lineno++;
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (!close)
				goto syntax;
			*close = '\0';
			s = trim(s + 1);
			in_kith = strcmp(s, "kith") == 0;
			acct = NULL;
			if (str_starts(s, "account ") || str_starts(s, "account\t"))
				acct = config_account_add(cfg, trim(s + 8));
			else if (!in_kith)
				goto syntax;
			continue;
		}
		eq = strchr(s, '=');
		if (!eq || (!acct && !in_kith))
			goto syntax;
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (in_kith) {
			if (strcmp(key, "note_mirror") == 0)
				cfg->note_mirror = !(strcmp(val, "off") == 0 ||
						     strcmp(val, "no") == 0 ||
						     strcmp(val, "0") == 0);
			continue;
		}
		if (strcmp(key, "url") == 0) {
			free(acct->url);
			acct->url = xstrdup(val);
		} else if (strcmp(key, "user") == 0) {
			free(acct->user);
			acct->user = xstrdup(val);
		} else if (strcmp(key, "password_command") == 0) {
			free(acct->password_command);
			acct->password_command = xstrdup(val);
		} else if (strcmp(key, "cafile") == 0) {
			free(acct->cafile);
			acct->cafile = xstrdup(val);
		} else if (strcmp(key, "book") == 0) {
			strv_push(&acct->books, val);
		}
		/* Unknown keys are kept for newer versions of kith: ignored. */
	}
	rc = 0;
	goto out;
syntax:
	kerr_set(err, "%s line %d: expected [account NAME], [kith] or key = value",
		 cfg->path, lineno);
out:
	fclose(f);
	return rc;
}

int config_save(const struct config *cfg, struct kerr *err)
{
	char *tmp = xasprintf("%s.tmp", cfg->path);
	struct sbuf b = {0};
	size_t i, j;
	int fd = -1, rc = -1;

	sbuf_adds(&b, "# kith configuration: accounts and preferences. No passwords here:\n"
		  "# they live in the Secret Service keyring or come from password_command.\n");
	if (!cfg->note_mirror)
		sbuf_adds(&b, "\n[kith]\nnote_mirror = off\n");
	for (i = 0; i < cfg->naccounts; i++) {
		const struct config_account *a = &cfg->accounts[i];

		sbuf_addf(&b, "\n[account %s]\nurl = %s\nuser = %s\n", a->name,
			  a->url ? a->url : "", a->user ? a->user : "");
		if (a->password_command)
			sbuf_addf(&b, "password_command = %s\n", a->password_command);
		if (a->cafile)
			sbuf_addf(&b, "cafile = %s\n", a->cafile);
		for (j = 0; j < a->books.n; j++)
			sbuf_addf(&b, "book = %s\n", a->books.v[j]);
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, b.buf, b.len) != (ssize_t)b.len || fsync(fd) < 0) {
		kerr_set(err, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		kerr_set(err, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, cfg->path) < 0) {
		kerr_set(err, "cannot replace %s: %s", cfg->path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	sbuf_free(&b);
	return rc;
}

static void account_free(struct config_account *a)
{
	free(a->name);
	free(a->url);
	free(a->user);
	free(a->password_command);
	free(a->cafile);
	strv_free(&a->books);
}

void config_free(struct config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->naccounts; i++)
		account_free(&cfg->accounts[i]);
	free(cfg->accounts);
	free(cfg->path);
	memset(cfg, 0, sizeof *cfg);
}

struct config_account *config_account(struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->naccounts; i++)
		if (strcmp(cfg->accounts[i].name, name) == 0)
			return &cfg->accounts[i];
	return NULL;
}

struct config_account *config_account_add(struct config *cfg, const char *name)
{
	struct config_account *a;

	cfg->accounts = xrealloc(cfg->accounts,
				 (cfg->naccounts + 1) * sizeof *cfg->accounts);
	a = &cfg->accounts[cfg->naccounts++];
	memset(a, 0, sizeof *a);
	a->name = xstrdup(name);
	return a;
}

int config_account_remove(struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->naccounts; i++) {
		if (strcmp(cfg->accounts[i].name, name) != 0)
			continue;
		account_free(&cfg->accounts[i]);
		memmove(&cfg->accounts[i], &cfg->accounts[i + 1],
			(cfg->naccounts - i - 1) * sizeof *cfg->accounts);
		cfg->naccounts--;
		return 0;
	}
	return -1;
}
