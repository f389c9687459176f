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

/* One line of the file: [s, s + n), its newline and a final CR excluded. */
struct line {
	const char *s;
	size_t n;
};

static void line_trim(struct line *l)
{
	while (l->n && (*l->s == ' ' || *l->s == '\t')) {
		l->s++;
		l->n--;
	}
	while (l->n && (l->s[l->n - 1] == ' ' || l->s[l->n - 1] == '\t'))
		l->n--;
}

/* Splits text at *pos into the next line; 0 at the end. */
static int line_next(const char *text, size_t len, size_t *pos, struct line *l,
		     size_t *rawlen)
{
	const char *nl;

	if (*pos >= len)
		return 0;
	l->s = text + *pos;
	nl = memchr(l->s, '\n', len - *pos);
	l->n = nl ? (size_t)(nl - l->s) : len - *pos;
	*rawlen = l->n + (nl != NULL);
	*pos += *rawlen;
	if (l->n && l->s[l->n - 1] == '\r')
		l->n--;
	return 1;
}

static int line_is(const struct line *l, const char *word)
{
	size_t n = strlen(word);

	return l->n == n && memcmp(l->s, word, n) == 0;
}

/*
 * A section header's name: "kith", or the account name after "account".
 * Returns 'k' for [kith], 'm' for [mail], 'a' for an account (name set),
 * 'o' for another
 * section, 0 when the line is not a well-formed header.
 */
static int header(struct line l, struct line *name)
{
	struct line in;

	if (l.n < 2 || l.s[0] != '[' || l.s[l.n - 1] != ']')
		return 0;
	in.s = l.s + 1;
	in.n = l.n - 2;
	line_trim(&in);
	if (line_is(&in, "kith"))
		return 'k';
	if (line_is(&in, "mail"))
		return 'm';
	if (in.n >= 7 && memcmp(in.s, "account", 7) == 0 &&
	    (in.n == 7 || in.s[7] == ' ' || in.s[7] == '\t')) {
		name->s = in.s + 7;
		name->n = in.n - 7;
		line_trim(name);
		return 'a';
	}
	return 'o';
}

/* Splits "key = value"; 0 when there is no '='. */
static int keyval(struct line l, struct line *key, struct line *val)
{
	const char *eq = memchr(l.s, '=', l.n);

	if (!eq)
		return 0;
	key->s = l.s;
	key->n = (size_t)(eq - l.s);
	val->s = eq + 1;
	val->n = l.n - key->n - 1;
	line_trim(key);
	line_trim(val);
	return 1;
}

static const char *const managed_keys[] = {
	"url", "user", "password_command", "cafile", "book", "calendar",
	"remind", NULL
};

static char **account_field(struct config_account *a, const struct line *key)
{
	if (line_is(key, "url"))
		return &a->url;
	if (line_is(key, "user"))
		return &a->user;
	if (line_is(key, "password_command"))
		return &a->password_command;
	if (line_is(key, "cafile"))
		return &a->cafile;
	if (line_is(key, "calendar"))
		return &a->calendar;
	if (line_is(key, "remind"))
		return &a->remind;
	return NULL;
}

/* What a config without a [kith] section means. */
static void config_defaults(struct config *cfg)
{
	cfg->note_mirror = 1;
	cfg->password_timeout = 30;
	cfg->remind_days = 3;
	cfg->remind_minute = 9 * 60;
	cfg->remind_tasks = 10;
}

static int kith_key(struct config *cfg, struct line key, struct line val,
		    const char *path, int lineno, struct kerr *err)
{
	char *v = xstrndup(val.s, val.n), *end;
	long n;
	int rc = 0;

	if (line_is(&key, "note_mirror")) {
		if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "1"))
			cfg->note_mirror = 1;
		else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "0"))
			cfg->note_mirror = 0;
		else {
			kerr_set(err, "%s line %d: note_mirror is on or off, "
				 "not \"%s\"", path, lineno, v);
			rc = -1;
		}
	} else if (line_is(&key, "remind_time")) {
		int h, m;
		char extra;

		if (sscanf(v, "%2d:%2d%c", &h, &m, &extra) != 2 || strlen(v) != 5 ||
		    h < 0 || h > 23 || m < 0 || m > 59) {
			kerr_set(err, "%s line %d: remind_time is a time of day "
				 "as HH:MM (09:00), not \"%s\"", path, lineno, v);
			rc = -1;
		} else {
			cfg->remind_minute = h * 60 + m;
		}
	} else if (line_is(&key, "remind_days") || line_is(&key, "remind_tasks")) {
		int days = line_is(&key, "remind_days");
		long max = days ? 14 : 100;

		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || *end || end == v || n < 1 || n > max) {
			kerr_set(err, "%s line %d: %s is a number from 1 to %ld, "
				 "not \"%s\"", path, lineno,
				 days ? "remind_days" : "remind_tasks", max, v);
			rc = -1;
		} else if (days) {
			cfg->remind_days = (int)n;
		} else {
			cfg->remind_tasks = (int)n;
		}
	} else if (line_is(&key, "password_timeout")) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || *end || end == v || n < 1 || n > 3600) {
			kerr_set(err, "%s line %d: password_timeout is a number "
				 "of seconds from 1 to 3600, not \"%s\"", path,
				 lineno, v);
			rc = -1;
		} else {
			cfg->password_timeout = (int)n;
		}
	}
	free(v);
	return rc;
}

/*
 * [mail]: me and path may be repeated (several addresses, several
 * folders); other keys are a newer kith's and ignored.
 */
static void mail_key(struct config *cfg, struct line key, struct line val)
{
	const char *home = getenv("HOME");

	if (line_is(&key, "me")) {
		strv_push_own(&cfg->mail_me, xstrndup(val.s, val.n));
	} else if (line_is(&key, "path")) {
		if (val.n >= 2 && val.s[0] == '~' && val.s[1] == '/' && home && *home)
			strv_push_own(&cfg->mail_paths, xasprintf("%s/%.*s",
				      home, (int)val.n - 2, val.s + 2));
		else
			strv_push_own(&cfg->mail_paths, xstrndup(val.s, val.n));
	}
}

/* Checks one account once its section has ended. */
static int account_check(const struct config_account *a, const char *path,
			 int lineno, struct kerr *err)
{
	if (!a->url) {
		kerr_set(err, "%s line %d: account %s has no url = ...: add the "
			 "server's URL, or remove the account", path, lineno,
			 a->name);
		return -1;
	}
	if (!str_casestarts(a->url, "https://") &&
	    !str_casestarts(a->url, "http://")) {
		kerr_set(err, "%s line %d: account %s: url must start with "
			 "https:// or http://", path, lineno, a->name);
		return -1;
	}
	if (!a->user) {
		kerr_set(err, "%s line %d: account %s has no user = ...: add the "
			 "user name", path, lineno, a->name);
		return -1;
	}
	if (a->calendar && !str_casestarts(a->calendar, "https://") &&
	    !str_casestarts(a->calendar, "http://")) {
		kerr_set(err, "%s line %d: account %s: calendar must start with "
			 "https:// or http://", path, lineno, a->name);
		return -1;
	}
	if (a->remind && strcmp(a->remind, "event") != 0 &&
	    strcmp(a->remind, "todo") != 0) {
		kerr_set(err, "%s line %d: account %s: remind is event or todo, "
			 "not \"%s\"", path, lineno, a->name, a->remind);
		return -1;
	}
	return 0;
}

int config_parse(struct config *cfg, const char *path, const char *text,
		 size_t len, struct kerr *err)
{
	struct config_account *acct = NULL;
	int section = 0, lineno = 0, acct_line = 0;
	size_t pos = 0, raw, i;
	struct line l;

	config_defaults(cfg);
	if (memchr(text, '\0', len)) {
		const char *z = memchr(text, '\0', len);
		size_t k;

		for (k = 0, lineno = 1; text + k < z; k++)
			lineno += text[k] == '\n';
		kerr_set(err, "%s line %d: a NUL byte: this is not a text file",
			 path, lineno);
		return -1;
	}
	while (line_next(text, len, &pos, &l, &raw)) {
		struct line key, val, name;
		int kind;

		lineno++;
		if (l.n > CONFIG_LINE_MAX) {
			kerr_set(err, "%s line %d: longer than %d bytes; kith "
				 "never writes such a line: remove it", path,
				 lineno, CONFIG_LINE_MAX);
			return -1;
		}
		for (i = 0; i < l.n; i++) {
			unsigned char c = (unsigned char)l.s[i];

			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				kerr_set(err, "%s line %d: a control character "
					 "(0x%02x): remove it", path, lineno, c);
				return -1;
			}
		}
		if (!str_utf8_valid(l.s, l.n)) {
			kerr_set(err, "%s line %d: not valid UTF-8", path, lineno);
			return -1;
		}
		line_trim(&l);
		if (l.n == 0 || l.s[0] == '#' || l.s[0] == ';')
			continue;
		if (l.s[0] == '[') {
			kind = header(l, &name);
			if (!kind)
				goto syntax;
			if (acct && account_check(acct, path, acct_line, err) < 0)
				return -1;
			acct = NULL;
			section = kind;
			if (kind != 'a')
				continue;
			if (name.n == 0) {
				kerr_set(err, "%s line %d: [account] needs a name: "
					 "[account NAME]", path, lineno);
				return -1;
			}
			{
				char *nm = xstrndup(name.s, name.n);

				if (config_account(cfg, nm)) {
					kerr_set(err, "%s line %d: account %s is "
						 "already defined above: rename "
						 "or remove one", path, lineno, nm);
					free(nm);
					return -1;
				}
				acct = config_account_add(cfg, nm);
				free(nm);
			}
			acct_line = lineno;
			continue;
		}
		if (!keyval(l, &key, &val) || key.n == 0)
			goto syntax;
		if (!section) {
			kerr_set(err, "%s line %d: a key outside any section: put "
				 "it under [account NAME] or [kith]", path, lineno);
			return -1;
		}
		if (section == 'o')
			continue;
		if (val.n == 0 && (section == 'k' || section == 'm' ||
				   account_field(acct, &key) ||
				   line_is(&key, "book"))) {
			kerr_set(err, "%s line %d: %.*s has no value", path, lineno,
				 (int)key.n, key.s);
			return -1;
		}
		if (section == 'm') {
			mail_key(cfg, key, val);
			continue;
		}
		if (section == 'k') {
			if (kith_key(cfg, key, val, path, lineno, err) < 0)
				return -1;
			continue;
		}
		if (line_is(&key, "book")) {
			char *v = xstrndup(val.s, val.n);

			strv_push_own(&acct->books, v);
		} else {
			char **f = account_field(acct, &key);

			if (!f)
				continue;	/* unknown: a newer kith's */
			if (*f) {
				kerr_set(err, "%s line %d: %.*s is set twice in "
					 "account %s: keep one", path, lineno,
					 (int)key.n, key.s, acct->name);
				return -1;
			}
			*f = xstrndup(val.s, val.n);
		}
	}
	if (acct && account_check(acct, path, acct_line, err) < 0)
		return -1;
	cfg->text = xstrndup(text, len);
	return 0;
syntax:
	kerr_set(err, "%s line %d: expected [account NAME], [kith] or key = value",
		 path, lineno);
	return -1;
}

int config_load(struct config *cfg, struct kerr *err)
{
	struct sbuf b = {0};
	struct stat st;
	char *dir, chunk[65536];
	ssize_t n;
	int fd, rc = -1;

	memset(cfg, 0, sizeof *cfg);
	config_defaults(cfg);
	dir = config_dir("config", err);
	if (!dir)
		return -1;
	cfg->path = xasprintf("%s/config", dir);
	free(dir);
	/* O_NONBLOCK: a FIFO put in the config's place must not hang kith. */
	fd = open(cfg->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		kerr_set(err, "cannot read %s: %s", cfg->path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		kerr_set(err, "%s is not a regular file: move it away and run "
			 "account add again", cfg->path);
		goto out;
	}
	if (st.st_size > CONFIG_FILE_MAX) {
		kerr_set(err, "%s is larger than %d bytes: it is not kith's "
			 "config", cfg->path, CONFIG_FILE_MAX);
		goto out;
	}
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			kerr_set(err, "cannot read %s: %s", cfg->path,
				 strerror(errno));
			goto out;
		}
		sbuf_add(&b, chunk, (size_t)n);
		if (b.len > CONFIG_FILE_MAX) {
			kerr_set(err, "%s is larger than %d bytes: it is not "
				 "kith's config", cfg->path, CONFIG_FILE_MAX);
			goto out;
		}
	}
	rc = config_parse(cfg, cfg->path, b.buf ? b.buf : "", b.len, err);
out:
	close(fd);
	sbuf_free(&b);
	return rc;
}

static int is_managed(const struct line *key)
{
	size_t i;

	for (i = 0; managed_keys[i]; i++)
		if (line_is(key, managed_keys[i]))
			return 1;
	return 0;
}

/* A line as the user wrote it, given a newline if it was the last one. */
static void add_line(struct sbuf *b, const char *raw, size_t n)
{
	sbuf_add(b, raw, n);
	if (n == 0 || raw[n - 1] != '\n')
		sbuf_addc(b, '\n');
}

static void add_kv(struct sbuf *b, const char *key, const char *val)
{
	sbuf_addf(b, "%s = %s\n", key, val);
}

/*
 * Writes one account's section body from the original lines [s, e) of
 * text: kith's lines whose value still holds stay as they were, changed
 * ones are rewritten in place, gone ones dropped, and new ones go after
 * the section's last line that is not blank or a comment.
 */
/* The single-valued keys of an account that kith writes. */
#define NSINGLE 6

static void render_account(struct sbuf *out, const struct config_account *a,
			   const char *text, size_t s, size_t e)
{
	const char *single[] = { "url", "user", "password_command", "cafile",
				 "calendar", "remind" };
	const char *vals[NSINGLE] = { a->url, a->user, a->password_command,
				      a->cafile, a->calendar, a->remind };
	int done[NSINGLE] = { 0 };
	char *book_done = xcalloc(a->books.n + 1, 1);
	struct sbuf body = {0}, tail = {0};
	size_t pos = s, raw, k, j;
	struct line l, key, val;

	while (line_next(text, e, &pos, &l, &raw)) {
		const char *rawp = l.s;
		struct line t = l;
		int keep = 1;

		line_trim(&t);
		if (t.n == 0 || t.s[0] == '#' || t.s[0] == ';') {
			add_line(&tail, rawp, raw);
			continue;
		}
		if (keyval(t, &key, &val) && is_managed(&key)) {
			keep = 0;
			for (k = 0; k < NSINGLE; k++) {
				if (!line_is(&key, single[k]))
					continue;
				if (done[k] || !vals[k])
					break;
				done[k] = 1;
				if (strlen(vals[k]) == val.n &&
				    memcmp(vals[k], val.s, val.n) == 0)
					keep = 1;
				else {
					sbuf_add(&body, tail.buf, tail.len);
					sbuf_reset(&tail);
					add_kv(&body, single[k], vals[k]);
				}
				break;
			}
			if (line_is(&key, "book")) {
				for (j = 0; j < a->books.n; j++)
					if (!book_done[j] &&
					    strlen(a->books.v[j]) == val.n &&
					    !memcmp(a->books.v[j], val.s, val.n))
						break;
				if (j < a->books.n) {
					book_done[j] = 1;
					keep = 1;
				}
			}
		}
		if (keep) {
			sbuf_add(&body, tail.buf, tail.len);
			sbuf_reset(&tail);
			add_line(&body, rawp, raw);
		}
	}
	for (k = 0; k < 4; k++)
		if (vals[k] && !done[k])
			add_kv(&body, single[k], vals[k]);
	for (j = 0; j < a->books.n; j++)
		if (!book_done[j])
			add_kv(&body, "book", a->books.v[j]);
	for (k = 4; k < NSINGLE; k++)
		if (vals[k] && !done[k])
			add_kv(&body, single[k], vals[k]);
	sbuf_add(out, body.buf, body.len);
	sbuf_add(out, tail.buf, tail.len);
	sbuf_free(&body);
	sbuf_free(&tail);
	free(book_done);
}

static void render_new(struct sbuf *out, const struct config_account *a)
{
	size_t j;

	if (out->len && (out->len < 2 || out->buf[out->len - 2] != '\n' ||
			 out->buf[out->len - 1] != '\n'))
		sbuf_addc(out, '\n');
	sbuf_addf(out, "[account %s]\n", a->name);
	add_kv(out, "url", a->url ? a->url : "");
	add_kv(out, "user", a->user ? a->user : "");
	if (a->password_command)
		add_kv(out, "password_command", a->password_command);
	if (a->cafile)
		add_kv(out, "cafile", a->cafile);
	for (j = 0; j < a->books.n; j++)
		add_kv(out, "book", a->books.v[j]);
	if (a->calendar)
		add_kv(out, "calendar", a->calendar);
	if (a->remind)
		add_kv(out, "remind", a->remind);
}

char *config_render(const struct config *cfg)
{
	const char *text = cfg->text ? cfg->text : "";
	size_t len = strlen(text), pos = 0, raw, i, sec_start = 0;
	char *seen = xcalloc(cfg->naccounts + 1, 1);
	const struct config_account *cur = NULL;
	int in_acct = 0, dropping = 0;
	struct sbuf out = {0};
	struct line l, name;

	if (len == 0)
		sbuf_adds(&out, "# kith configuration: accounts and preferences. "
			  "No passwords here:\n# they live in the Secret Service "
			  "keyring or come from password_command.\n");
	while (line_next(text, len, &pos, &l, &raw)) {
		struct line t = l;
		int kind;

		line_trim(&t);
		kind = t.n && t.s[0] == '[' ? header(t, &name) : 0;
		if (!kind) {
			if (!in_acct && !dropping)
				add_line(&out, l.s, raw);
			continue;
		}
		if (in_acct)
			render_account(&out, cur, text, sec_start,
				       (size_t)(l.s - text));
		in_acct = dropping = 0;
		if (kind == 'a') {
			char *nm = xstrndup(name.s, name.n);

			for (i = 0; i < cfg->naccounts; i++)
				if (!strcmp(cfg->accounts[i].name, nm))
					break;
			free(nm);
			if (i == cfg->naccounts) {
				dropping = 1;	/* removed: the whole section */
				continue;
			}
			seen[i] = 1;
			cur = &cfg->accounts[i];
			in_acct = 1;
			sec_start = pos;
		}
		add_line(&out, l.s, raw);
	}
	if (in_acct)
		render_account(&out, cur, text, sec_start, len);
	for (i = 0; i < cfg->naccounts; i++)
		if (!seen[i])
			render_new(&out, &cfg->accounts[i]);
	free(seen);
	if (!out.buf)
		sbuf_adds(&out, "");
	return sbuf_detach(&out, NULL);
}

int config_save(struct config *cfg, struct kerr *err)
{
	char *tmp = xasprintf("%s.tmp", cfg->path), *text = config_render(cfg);
	size_t len = strlen(text);
	int fd = -1, rc = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) < 0) {
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
	free(cfg->text);
	cfg->text = text;
	text = NULL;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	free(text);
	return rc;
}

int config_value_ok(const char *what, const char *s, struct kerr *err)
{
	size_t n = strlen(s), i;

	if (n == 0) {
		kerr_set(err, "%s is empty", what);
		return -1;
	}
	if (n > CONFIG_VALUE_MAX) {
		kerr_set(err, "%s is %zu bytes long; kith keeps at most %d",
			 what, n, CONFIG_VALUE_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			kerr_set(err, "%s holds a control character (0x%02x)",
				 what, c);
			return -1;
		}
	}
	if (!str_utf8_valid(s, n)) {
		kerr_set(err, "%s is not valid UTF-8", what);
		return -1;
	}
	if (s[0] == ' ' || s[n - 1] == ' ') {
		kerr_set(err, "%s starts or ends with a space", what);
		return -1;
	}
	return 0;
}

static void account_free(struct config_account *a)
{
	free(a->name);
	free(a->url);
	free(a->user);
	free(a->password_command);
	free(a->cafile);
	free(a->calendar);
	free(a->remind);
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
	strv_free(&cfg->mail_me);
	strv_free(&cfg->mail_paths);
	free(cfg->path);
	free(cfg->text);
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
