/*
 * capture_run.c: one run of 'capture mail' (capture_run.h), apart from
 * the shell, which gives the options and shows what happened.
 *
 * Each message's header block is read (never its body), decoded with
 * GMime (src/mail.c), and judged by src/capture.c; a touch becomes an
 * ordinary log entry in the outbox whose id comes from the thread, the
 * day and the person, so a second run, another folder holding the same
 * message, or another device finds the entry already there. What was
 * read is noted in the cache (src/query_mail.c) in the transaction that
 * logs its touches. Built into the mail module kith-mail.so only.
 */
#include "capture_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "date.h"
#include "mail.h"
#include "query.h"
#include "query_mail.h"

#define HEADER_MAX (1 << 20)	/* a header block larger than this is not mail */
#define BATCH 2000		/* messages between commits */
#define MAX_DEPTH 8		/* folders below a path given */

struct who {
	long card;
	char *key, *label;
	int touched;
	int dirty;		/* entries added since its view was refreshed */
};

struct capture_run {
	struct cache *cache;
	long today;
	struct capture_hooks hooks;
	struct capture_stats stats;
	struct kerr err;	/* why the run stopped */
	struct mail_seen *seen;
	struct capture_set *me, *people, *logged;
	struct who *who;
	size_t nwho;
	long since;		/* day number, -1 for none */
	char since_s[11];
	int dry, rescan;
	long batch;		/* messages since the last commit */
	int open;		/* a transaction of the run's is open */
	struct sbuf buf;	/* a file's header block */
};

/* What became of one message. */
enum taken {
	TAKEN,			/* read (maybe touching nobody) */
	TAKEN_OLDER,		/* dated before --since: passed over */
	TAKEN_UNREADABLE,	/* no header kith can read */
	TAKEN_GONE,		/* the file could not be opened (moved meanwhile) */
};

/* ---- the people ------------------------------------------------------ */

/* The ", "-joined emails column, one address each. */
static void split_emails(const char *s, struct strv *out)
{
	const char *p = s ? s : "", *comma;

	while (*p) {
		comma = strstr(p, ", ");
		if (!comma) {
			strv_push(out, p);
			break;
		}
		strv_push_own(out, xstrndup(p, (size_t)(comma - p)));
		p = comma + 2;
	}
}

static void add_person(void *arg, const struct query_mail_person *p)
{
	struct capture_run *r = arg;
	struct strv emails = {0};
	struct who *w;
	size_t i;

	r->who = xrealloc(r->who, (r->nwho + 1) * sizeof *r->who);
	w = &r->who[r->nwho];
	w->card = p->card;
	w->key = xstrdup(p->key ? p->key : "");
	w->label = xstrdup(p->label ? p->label : "");
	w->touched = 0;
	split_emails(p->emails, &emails);
	for (i = 0; i < emails.n; i++) {
		char *a = capture_addr_norm(emails.v[i]);

		if (*a)
			capture_set_add(r->people, a, (long)r->nwho);
		free(a);
	}
	strv_free(&emails);
	r->nwho++;
}

size_t capture_run_me(struct capture_run *r, const char *addr)
{
	char *a = capture_addr_norm(addr);

	if (*a)
		capture_set_add(r->me, a, 0);
	free(a);
	return capture_set_count(r->me);
}

/* ---- logging --------------------------------------------------------- */

/* The views of the cards logged on since the last commit, once each. */
static int refresh_dirty(struct capture_run *r, struct kerr *err)
{
	size_t i;

	for (i = 0; i < r->nwho; i++) {
		if (!r->who[i].dirty)
			continue;
		if (cache_card_refresh(r->cache, r->who[i].card, err) < 0)
			return -1;
		r->who[i].dirty = 0;
	}
	return 0;
}

static int commit_batch(struct capture_run *r, int reopen)
{
	r->batch = 0;
	if (r->dry || !r->open)
		return 0;
	r->open = 0;
	if (refresh_dirty(r, &r->err) < 0) {
		cache_rollback(r->cache);
		return -1;
	}
	if (cache_commit(r->cache, &r->err) < 0)
		return -1;
	if (reopen) {
		if (cache_begin(r->cache, &r->err) < 0)
			return -1;
		r->open = 1;
	}
	return 0;
}

/* One touch: logged unless its id is already in the person's log. */
static int log_touch(struct capture_run *r, const struct capture_msg *m,
		     const struct capture_touch *t, const char *thread)
{
	struct who *w = &r->who[t->person];
	char day[11], date[11], id[9], *key, *text;
	int has, rc = -1;

	date_format(m->day, day);
	/* A clock gone wrong on the sender's side: a touch is never in the future. */
	date_format(m->day > r->today ? r->today : m->day, date);
	capture_id(thread, day, w->key, id);
	key = xasprintf("%ld %s", w->card, id);
	if (capture_set_has(r->logged, key)) {
		free(key);
		return 0;
	}
	capture_set_add(r->logged, key, 0);
	free(key);
	has = query_log_has(r->cache, w->card, id, &r->err);
	if (has < 0)
		return -1;
	if (has)
		return 0;
	text = capture_text(t->wrote, m->subject);
	if (r->dry) {
		if (r->hooks.planned)
			r->hooks.planned(r->hooks.arg, date, w->label, text);
	} else if (query_mail_log(r->cache, w->card, date, "email", id, text,
				  &r->err) < 0) {
		goto out;
	} else {
		w->dirty = 1;
	}
	r->stats.touches++;
	r->stats.people += !w->touched;
	w->touched = 1;
	rc = 0;
out:
	free(text);
	return rc;
}

/*
 * One message's header block; fallback_day is its date when it carries
 * none (a Received header, an mbox From_ line, the file's time). -1 on a
 * cache error, else what became of it (*day: its date).
 */
static int take(struct capture_run *r, const char *hdr, size_t len,
		long fallback_day, long *day)
{
	struct capture_touch t[64];
	struct capture_msg m;
	size_t n, i;
	char *thread;
	int rc = TAKEN;

	r->batch++;
	if (mail_parse(hdr, len, &m) < 0 || (!m.from.n && !m.to.n)) {
		capture_msg_free(&m);
		r->stats.messages++;
		r->stats.unreadable++;
		return TAKEN_UNREADABLE;
	}
	if (m.day < 0)
		m.day = fallback_day;
	*day = m.day;
	if (r->since >= 0 && m.day >= 0 && m.day < r->since) {
		r->stats.older++;
		capture_msg_free(&m);
		return TAKEN_OLDER;
	}
	r->stats.messages++;
	switch (capture_skip(&m)) {
	case CAPTURE_LIST: r->stats.lists++; break;
	case CAPTURE_AUTO: r->stats.autos++; break;
	case CAPTURE_CROWD: r->stats.crowds++; break;
	case CAPTURE_KEEP:
		if (m.day < 0)
			break;	/* no date at all: nothing to log it on */
		n = capture_touches(&m, r->me, r->people, t, 64);
		thread = n ? capture_thread_key(&m) : NULL;
		for (i = 0; i < n && rc >= 0; i++)
			if (log_touch(r, &m, &t[i], thread) < 0)
				rc = -1;
		free(thread);
		break;
	}
	capture_msg_free(&m);
	if (r->hooks.progress)
		r->hooks.progress(r->hooks.arg, &r->stats);
	return rc;
}

/* ---- Maildir --------------------------------------------------------- */

static long file_day(const struct stat *st)
{
	struct tm tm;
	time_t t = st->st_mtime;

	if (!localtime_r(&t, &tm))
		return -1;
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/*
 * The header block of the message in file path (relative to dirfd, or
 * AT_FDCWD), into r->buf; st filled.
 * Reads in 16 kB steps until the empty line that ends the headers.
 * 0, or -1 with errno (the file went away, or is no message).
 */
static int read_head(struct capture_run *r, int dirfd, const char *path,
		     struct stat *st)
{
	/* openat: the folder's path is not looked up again for each message. */
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	size_t end = 0;
	ssize_t got;

	sbuf_reset(&r->buf);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		char chunk[16384];

		got = read(fd, chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		sbuf_add(&r->buf, chunk, (size_t)got);
		end = capture_header_end(r->buf.buf, r->buf.len);
		if (end < r->buf.len || r->buf.len > HEADER_MAX)
			break;
	}
	close(fd);
	if (r->buf.len)
		r->buf.len = capture_header_end(r->buf.buf, r->buf.len);
	return got < 0 ? -1 : 0;
}

/* A message in a file of its own (Maildir, notmuch): what became of it. */
static int take_file(struct capture_run *r, int dirfd, const char *path, long *day)
{
	struct stat st;

	if (read_head(r, dirfd, path, &st) < 0) {
		r->stats.messages++;
		r->stats.unreadable++;
		return TAKEN_GONE;
	}
	return take(r, r->buf.buf ? r->buf.buf : "", r->buf.len, file_day(&st),
		    day);
}

struct maildir {
	struct capture_run *r;
	const char *src;	/* its real path: the key in mail_seen */
	char *own;		/* src when this struct owns it */
	struct capture_set *seen;
	int failed;
	int partial;		/* a message passed over by --since, or gone meanwhile */
	long dropped;		/* names forgotten: their files are gone */
};

static void seen_load(void *arg, const char *name, const char *day)
{
	struct maildir *md = arg;
	long d = -1;
	struct kerr err;

	if (day && date_parse(day, &d, &err) < 0)
		d = -1;
	capture_set_add(md->seen, name, d);
}

static void seen_prune(void *arg, const char *name, long value)
{
	struct maildir *md = arg;

	if (md->failed)
		return;
	if (mail_seen_drop(md->r->seen, md->src, name, &md->r->err) < 0)
		md->failed = 1;
	md->dropped++;
}

/*
 * Whether the message named key was read before: 1 to pass it over, 0
 * to read it (never seen, or passed over then as older than a --since
 * that no longer excludes it).
 */
static int maildir_seen(struct maildir *md, const char *key)
{
	struct capture_run *r = md->r;
	long day;

	if (!capture_set_get(md->seen, key, &day, 1))
		return 0;
	if (day < 0) {
		r->stats.before += !r->rescan;
		return !r->rescan;
	}
	if (r->since >= 0 && day < r->since) {
		r->stats.older++;
		md->partial = 1;
		return 1;
	}
	return 0;
}

/* The message in file path (relative to dirfd), named name in its folder. */
static int maildir_file(struct maildir *md, int dirfd, const char *path,
			const char *name)
{
	struct capture_run *r = md->r;
	char *key = xstrndup(name, capture_maildir_key(name));
	char daybuf[11];
	long day = -1;
	int rc = 0, t;

	if (maildir_seen(md, key))
		goto out;
	t = take_file(r, dirfd, path, &day);
	/* Both new/ and cur/ may briefly hold it: read once. */
	capture_set_add(md->seen, key, -1);
	capture_set_get(md->seen, key, &day, 0);
	if (t < 0) {
		rc = -1;
		goto out;
	}
	md->partial |= t == TAKEN_GONE || t == TAKEN_OLDER;
	if (r->dry || t == TAKEN_GONE)
		goto out;
	if (t == TAKEN_OLDER)
		date_format(day, daybuf);
	if (mail_seen_put(r->seen, md->src, key, t == TAKEN_OLDER ? daybuf : NULL,
			  &md->r->err) < 0) {
		rc = -1;
		goto out;
	}
	if (r->batch >= BATCH)
		rc = commit_batch(r, 1);
out:
	free(key);
	return rc;
}

static int maildir_sub(struct maildir *md, const char *root, const char *sub)
{
	char *dir = xasprintf("%s/%s", root, sub);
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		if (errno != ENOENT) {
			kerr_set(&md->r->err, "cannot read %s: %s", dir,
				 strerror(errno));
			rc = -1;
		}
		free(dir);
		return rc;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (kith_interrupted) {
			rc = -1;
			break;
		}
		rc = maildir_file(md, dirfd(d), e->d_name, e->d_name);
	}
	closedir(d);
	free(dir);
	return rc;
}

/* The mtime of dir/sub in nanoseconds, -1 when there is none. */
static long long dir_mtime(const char *dir, const char *sub)
{
	char *p = xasprintf("%s/%s", dir, sub);
	struct stat st;
	long long t = -1;

	if (stat(p, &st) == 0)
		t = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	free(p);
	return t;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Whether the Maildir is as a run that read all of it left it: neither
 * cur/ nor new/ changed since (a message added, moved, re-flagged or
 * deleted changes its folder's mtime). Then nothing in it is read, not
 * even its names.
 */
static int maildir_unchanged(struct capture_run *r, const char *src,
			     const struct mail_seen_state *now, int *found)
{
	struct mail_seen_state st;

	*found = mail_seen_state_get(r->seen, src, &st, &r->err);
	if (*found < 0)
		return -1;
	if (!*found || r->rescan || st.mtime != now->mtime ||
	    st.offset != now->offset || st.size < 0)
		return 0;
	r->stats.before += (long)st.size;
	return 1;
}

/*
 * After a run that read all of it, the Maildir's state for the next one.
 * Only folder times a second older than the run's start are kept: a
 * message delivered in the same clock tick as the run began could leave
 * a folder's mtime as it was (notmuch guards the same way).
 */
static int maildir_note(struct maildir *md, struct mail_seen_state *now,
			long long started, int found)
{
	struct capture_run *r = md->r;
	long long margin = 1000000000LL;

	if (r->dry)
		return 0;
	if (md->partial || now->mtime > started - margin ||
	    now->offset > started - margin) {
		if (!found)
			return 0;
		return mail_seen_drop(r->seen, md->src, "", &r->err);
	}
	now->size = (long long)capture_set_count(md->seen) - md->dropped;
	return mail_seen_state_put(r->seen, md->src, now, &r->err);
}

static int maildir_read(struct capture_run *r, const char *root)
{
	struct maildir md = { r, NULL, NULL, NULL, 0, 0, 0 };
	struct mail_seen_state now;
	char *src = realpath(root, NULL);
	long long started = now_ns();
	int found, same, rc = -1;

	md.src = src ? src : root;
	memset(&now, 0, sizeof now);
	now.mtime = dir_mtime(root, "cur");
	now.offset = dir_mtime(root, "new");
	same = maildir_unchanged(r, md.src, &now, &found);
	if (same != 0) {
		free(src);
		return same < 0 ? -1 : 0;
	}
	md.seen = capture_set_new();
	if (mail_seen_each(r->seen, md.src, seen_load, &md, &r->err) < 0)
		goto out;
	if (maildir_sub(&md, root, "new") < 0 || maildir_sub(&md, root, "cur") < 0)
		goto out;
	/* Messages deleted since: forget them, so the table does not grow forever. */
	if (!r->dry)
		capture_set_each_unfound(md.seen, seen_prune, &md);
	if (md.failed || maildir_note(&md, &now, started, found) < 0)
		goto out;
	rc = 0;
out:
	capture_set_free(md.seen);
	free(src);
	return rc;
}

/* ---- mbox ------------------------------------------------------------ */

/* The date of a From_ line ("From sender Tue Nov  3 10:00:00 2026"), or -1. */
static long from_line_day(const char *line, size_t n)
{
	char *s = xstrndup(line, n);
	const char *p = s + 5;
	long day;

	while (*p == ' ')
		p++;
	while (*p && *p != ' ')
		p++;
	day = mail_date_day(p);
	free(s);
	return day;
}

struct mbox {
	const char *src;
	const char *buf;
	size_t len;
	long fallback;		/* the file's day */
	struct mail_seen_state state;
};

/* Whether the state of a read before lets this run go on from it. */
static int mbox_resumable(const struct capture_run *r, const struct mail_seen_state *s)
{
	long d;
	struct kerr err;

	if (r->rescan)
		return 0;
	if (!s->since[0])
		return 1;
	/* Read with --since S: what it passed over, a later since still excludes. */
	return r->since >= 0 && date_parse(s->since, &d, &err) == 0 &&
	       d <= r->since;
}

static int mbox_messages(struct capture_run *r, struct mbox *mb, size_t pos)
{
	size_t from, start, end;
	long day;

	while (capture_mbox_next(mb->buf, mb->len, &pos, &from, &start, &end)) {
		size_t hl = capture_header_end(mb->buf + start, end - start);

		long fallback = from_line_day(mb->buf + from, start - from);
		int t;

		if (kith_interrupted)
			return -1;
		t = take(r, mb->buf + start, hl, fallback >= 0 ? fallback :
			 mb->fallback, &day);
		if (t < 0)
			return -1;
		if (t == TAKEN_OLDER && !mb->state.since[0])
			snprintf(mb->state.since, sizeof mb->state.since, "%s",
				 r->since_s);
		mb->state.offset = (long long)end;
		if (r->batch >= BATCH && !r->dry) {
			/*
			 * Size -1: a crash now leaves an offset to go on
			 * from, never "unchanged".
			 */
			mb->state.size = -1;
			if (mail_seen_state_put(r->seen, mb->src, &mb->state,
					       &r->err) < 0)
				return -1;
			if (commit_batch(r, 1) < 0)
				return -1;
		}
	}
	return 0;
}

/*
 * Where to go on in an mbox read before up to old->offset: there when a
 * message starts there (the file was appended to), else at 0 (it changed).
 */
static long mbox_resume_at(struct mbox *mb, const struct mail_seen_state *old)
{
	long at;

	if (old->offset < 0 || old->offset > (long long)mb->len)
		return 0;
	at = capture_mbox_resume(mb->buf, mb->len, (size_t)old->offset);
	if (at < 0)
		return 0;
	snprintf(mb->state.since, sizeof mb->state.since, "%s", old->since);
	return at;
}

static int mbox_read(struct capture_run *r, const char *path, int fd,
		     const struct stat *st)
{
	struct mail_seen_state old;
	struct mbox mb;
	char *src = realpath(path, NULL);
	void *map = NULL;
	long resume = 0;
	int found, rc = -1;

	memset(&mb, 0, sizeof mb);
	mb.src = src ? src : path;
	mb.len = (size_t)st->st_size;
	mb.fallback = file_day(st);
	found = mail_seen_state_get(r->seen, mb.src, &old, &r->err);
	if (found < 0)
		goto out;
	mb.state.mtime = (long long)st->st_mtim.tv_sec * 1000000000LL +
			 st->st_mtim.tv_nsec;
	if (found && mbox_resumable(r, &old) && old.size == (long long)mb.len &&
	    old.mtime == mb.state.mtime) {
		rc = 0;		/* unchanged since it was read */
		goto out;
	}
	if (mb.len) {
		map = mmap(NULL, mb.len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			map = NULL;
			kerr_set(&r->err, "cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		mb.buf = map;
	}
	if (found && mbox_resumable(r, &old))
		resume = mbox_resume_at(&mb, &old);
	if (mbox_messages(r, &mb, (size_t)resume) < 0)
		goto out;
	mb.state.size = (long long)mb.len;
	mb.state.offset = (long long)mb.len;
	if (!r->dry &&
	    mail_seen_state_put(r->seen, mb.src, &mb.state, &r->err) < 0)
		goto out;
	rc = 0;
out:
	if (map)
		munmap(map, mb.len);
	free(src);
	return rc;
}

/* ---- paths ----------------------------------------------------------- */

static int is_dir(const char *dir, const char *sub)
{
	char *p = xasprintf("%s/%s", dir, sub);
	struct stat st;
	int yes = stat(p, &st) == 0 && S_ISDIR(st.st_mode);

	free(p);
	return yes;
}

static int is_maildir(const char *dir)
{
	return is_dir(dir, "cur") || is_dir(dir, "new");
}

/* Whether the open file starts like an mbox (or is empty, when named). */
static int looks_mbox(int fd, const struct stat *st, int given)
{
	char head[5];

	if (st->st_size == 0)
		return given;
	return pread(fd, head, 5, 0) == 5 && memcmp(head, "From ", 5) == 0;
}

static int read_path(struct capture_run *r, const char *path, int depth,
		     int given);

/* A folder or file below a path given that cannot be read: said, passed over. */
static void warn(struct capture_run *r, const char *path)
{
	struct kerr w;

	kerr_set(&w, "cannot read %s: %s; passed over", path, strerror(errno));
	if (r->hooks.warn)
		r->hooks.warn(r->hooks.arg, w.msg);
}

/*
 * A folder that is no Maildir: the Maildirs and mbox files in it (a
 * mail root such as ~/Mail, notmuch's database.path), dot entries left
 * out (.notmuch) except a Maildir++ folder (.Sent) inside a Maildir.
 */
static int read_tree(struct capture_run *r, const char *dir, int depth,
		     int in_maildir)
{
	struct dirent **names = NULL;
	int n, i, rc = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0 && depth == 0) {
		kerr_set(&r->err, "cannot read %s: %s", dir, strerror(errno));
		return -1;
	}
	if (n < 0) {
		warn(r, dir);
		return 0;
	}
	for (i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		int dot = nm[0] == '.';
		char *p;

		if (rc == 0 && strcmp(nm, ".") && strcmp(nm, "..") &&
		    strcmp(nm, "cur") && strcmp(nm, "new") && strcmp(nm, "tmp") &&
		    (!dot || in_maildir)) {
			p = xasprintf("%s/%s", dir, nm);
			if (!dot || is_maildir(p))
				rc = read_path(r, p, depth + 1, 0);
			free(p);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

static int read_path(struct capture_run *r, const char *path, int depth,
		     int given)
{
	struct stat st;
	int fd, rc = 0;

	if (depth > MAX_DEPTH)
		return 0;
	/* Below a path given, symbolic links are not followed (no loops). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (given ? 0 : O_NOFOLLOW));
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (given)
			kerr_set(&r->err, "cannot read %s: %s", path, strerror(errno));
		else if (errno != ELOOP)
			warn(r, path);
		if (fd >= 0)
			close(fd);
		return given ? -1 : 0;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		if (!is_maildir(path))
			return read_tree(r, path, depth, 0);
		rc = maildir_read(r, path);
		return rc < 0 ? -1 : read_tree(r, path, depth, 1);
	}
	if (S_ISREG(st.st_mode) && looks_mbox(fd, &st, given))
		rc = mbox_read(r, path, fd, &st);
	else if (given) {
		kerr_set(&r->err, "%s is neither a Maildir (a folder with cur/ "
			 "and new/) nor an mbox file (one that starts with "
			 "\"From \")", path);
		rc = -1;
	}
	close(fd);
	return rc;
}

/* ---- notmuch --------------------------------------------------------- */

/*
 * notmuch names files; those in a Maildir (most) are remembered as the
 * Maildir's own are, so a second run reads only what is new there too.
 */
struct nm {
	struct capture_run *r;
	struct capture_set *roots;	/* a Maildir's path, as notmuch has it -> md[] */
	struct maildir **md;
	size_t n;
	int failed;		/* a message could not be noted or logged */
};

static struct maildir *nm_maildir(struct nm *nm, const char *root)
{
	struct maildir *md;
	char *src;
	long i;

	if (capture_set_get(nm->roots, root, &i, 1))
		return nm->md[i];
	md = xcalloc(1, sizeof *md);
	md->r = nm->r;
	md->partial = 1;	/* notmuch names only some of its files */
	src = realpath(root, NULL);
	md->own = src ? src : xstrdup(root);
	md->src = md->own;
	md->seen = capture_set_new();
	if (mail_seen_each(nm->r->seen, md->src, seen_load, md,
			   &nm->r->err) < 0)
		md->failed = 1;
	nm->md = xrealloc(nm->md, (nm->n + 1) * sizeof *nm->md);
	nm->md[nm->n] = md;
	capture_set_add(nm->roots, root, (long)nm->n++);
	return md;
}

static int notmuch_file(void *arg, const char *path)
{
	struct nm *nm = arg;
	struct capture_run *r = nm->r;
	char *dir = xstrdup(path), *name = strrchr(dir, '/'), *sub;
	long day;
	int rc;

	if (name)
		*name++ = '\0';
	sub = name ? strrchr(dir, '/') : NULL;
	if (sub && (!strcmp(sub, "/cur") || !strcmp(sub, "/new"))) {
		struct maildir *md;

		*sub = '\0';
		md = nm_maildir(nm, dir);
		*sub = '/';
		rc = md->failed ? -1 : maildir_file(md, AT_FDCWD, path, name);
	} else {
		rc = take_file(r, AT_FDCWD, path, &day) < 0 ? -1 : 0;
		if (rc == 0 && r->batch >= BATCH)
			rc = commit_batch(r, 1);
	}
	free(dir);
	nm->failed |= rc < 0;
	return rc < 0 || kith_interrupted;
}

static int read_notmuch(struct capture_run *r, const char *query)
{
	struct nm nm = { r, capture_set_new(), NULL, 0, 0 };
	int rc = 0;
	size_t i;

	if (mail_notmuch_each(query, notmuch_file, &nm, &r->err) < 0)
		rc = -1;
	for (i = 0; i < nm.n; i++) {
		rc = nm.md[i]->failed ? -1 : rc;
		capture_set_free(nm.md[i]->seen);
		free(nm.md[i]->own);
		free(nm.md[i]);
	}
	free(nm.md);
	capture_set_free(nm.roots);
	return rc < 0 || nm.failed || kith_interrupted ? -1 : 0;
}

/* ---- the run --------------------------------------------------------- */

struct capture_run *capture_run_new(struct cache *c, long today, long since,
				    int dry, int rescan,
				    const struct capture_hooks *hooks,
				    struct kerr *err)
{
	struct capture_run *r = xcalloc(1, sizeof *r);

	r->cache = c;
	r->today = today;
	r->since = since;
	if (since >= 0)
		date_format(since, r->since_s);
	r->dry = dry;
	r->rescan = rescan;
	if (hooks)
		r->hooks = *hooks;
	r->me = capture_set_new();
	r->people = capture_set_new();
	r->logged = capture_set_new();
	if (query_mail_people(c, add_person, r, err) < 0)
		goto fail;
	r->seen = mail_seen_open(c, err);
	if (!r->seen)
		goto fail;
	if (!dry) {
		if (cache_begin(c, err) < 0)
			goto fail;
		r->open = 1;
	}
	mail_init();
	return r;
fail:
	capture_run_free(r);
	return NULL;
}

/* The run's error into err, after a step that failed. */
static int failed(struct capture_run *r, struct kerr *err)
{
	if (kith_interrupted && !r->err.msg[0])
		kerr_set(&r->err, "stopped (Ctrl-C); what was read is kept");
	*err = r->err;
	return -1;
}

int capture_run_path(struct capture_run *r, const char *path, struct kerr *err)
{
	r->err.msg[0] = '\0';
	if (read_path(r, path, 0, 1) < 0)
		return failed(r, err);
	return 0;
}

int capture_run_notmuch(struct capture_run *r, const char *query,
			struct kerr *err)
{
	r->err.msg[0] = '\0';
	if (read_notmuch(r, query) < 0)
		return failed(r, err);
	return 0;
}

int capture_run_finish(struct capture_run *r, struct kerr *err)
{
	if (commit_batch(r, 0) < 0) {
		*err = r->err;
		return -1;
	}
	return 0;
}

const struct capture_stats *capture_run_stats(const struct capture_run *r)
{
	return &r->stats;
}

void capture_run_free(struct capture_run *r)
{
	size_t i;

	if (!r)
		return;
	if (r->open)
		cache_rollback(r->cache);
	for (i = 0; i < r->nwho; i++) {
		free(r->who[i].key);
		free(r->who[i].label);
	}
	free(r->who);
	capture_set_free(r->me);
	capture_set_free(r->people);
	capture_set_free(r->logged);
	mail_seen_close(r->seen);
	sbuf_free(&r->buf);
	free(r);
}
