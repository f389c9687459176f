#include "cache_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "date.h"

/*
 * The statements of the hot paths (storing a card from a sync, refreshing
 * its view), prepared once per connection and reused: preparing costs more
 * than running them.
 */
enum stmt_id {
	S_CARD_ID, S_CARD_INSERT, S_CARD_UPDATE, S_RAW_PUT, S_CARD_RAW,
	S_OUTBOX_APPLY, S_LOG_DELETE, S_LOG_INSERT, S_CARD_VIEW, S_FTS_PEND, S_FTS_ROW,
	S_LOG_ROWS, S_LOG_DELETE_ONE, S_OUTBOX_ANY, NSTMT
};

static const char *const stmt_sql[NSTMT] = {
	[S_CARD_ID] = "SELECT id FROM card WHERE book = ?1 AND href = ?2",
	[S_CARD_INSERT] = "INSERT INTO card(book, href, etag, state, first_seen) "
		"VALUES (?1, ?2, ?3, 0, ?4)",
	[S_CARD_UPDATE] = "UPDATE card SET etag = ?2, state = 0 WHERE id = ?1",
	[S_RAW_PUT] = "INSERT OR REPLACE INTO card_raw(id, raw) VALUES (?1, ?2)",
	[S_CARD_RAW] = "SELECT raw FROM card_raw WHERE id = ?1",
	[S_OUTBOX_APPLY] = "SELECT id, op, a, b, c, d FROM outbox "
		"WHERE card = ?1 ORDER BY id",
	[S_LOG_DELETE] = "DELETE FROM log WHERE card = ?1",
	[S_LOG_INSERT] = "INSERT OR REPLACE INTO log(card, id, date, via, "
		"text, pending) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_CARD_VIEW] =
		"UPDATE card SET parsed = ?2, why = ?3, is_group = ?4, uid = ?5,"
		" fn = ?6, org = ?7, title = ?8, city = ?9, bday = ?10,"
		" note = ?11, emails = ?12, phones = ?13, categories = ?14,"
		" members = ?15, cadence = nullif(?16, ''),"
		" snooze = nullif(?17, ''), last_contact = ?18, last_via = ?19,"
		" last_text = ?20, aspire = nullif(?21, ''),"
		" cadence_since = CASE WHEN nullif(?16, '') IS NULL THEN NULL"
		"   ELSE coalesce(cadence_since, first_seen) END"
		" WHERE id = ?1",
	[S_FTS_PEND] = "INSERT OR REPLACE INTO temp.fts_pending(id, fn, org,"
		" emails, categories, notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_FTS_ROW] = "SELECT fn, org, emails, categories, notes FROM card_fts"
		" WHERE rowid = ?1",
	[S_LOG_ROWS] = "SELECT id, date, via, text, pending FROM log "
		"WHERE card = ?1 ORDER BY rowid",
	[S_LOG_DELETE_ONE] = "DELETE FROM log WHERE card = ?1 AND id = ?2",
	[S_OUTBOX_ANY] = "SELECT 1 FROM outbox WHERE card = ?1 LIMIT 1",
};

struct cache {
	sqlite3 *db;
	char *path;
	int depth;		/* nesting of cache_begin */
	int fts_table;		/* temp.fts_pending exists */
	long fts_pending;	/* its rows, written to card_fts at commit */
	sqlite3_stmt *stmt[NSTMT];
	sqlite3_stmt *kept[CACHE_KEPT_N];
	long today;		/* the day number new rows are dated with */
	/* The last server copy read in this transaction (cache_read). */
	char *read_raw;
	size_t read_len;
	struct vcard_info read_vi;
};

/*
 * Schema migrations: entry i brings user_version from i to i + 1. Never
 * edit a released entry; append a new one.
 */
static const char *const migrations[] = {
	"CREATE TABLE account("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE book("
	"  id INTEGER PRIMARY KEY,"
	"  account INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
	"  url TEXT NOT NULL,"
	"  displayname TEXT,"
	"  sync_token TEXT,"
	"  ctag TEXT,"
	"  UNIQUE(account, url));"
	"CREATE TABLE card("
	"  id INTEGER PRIMARY KEY,"
	"  book INTEGER NOT NULL REFERENCES book(id) ON DELETE CASCADE,"
	"  href TEXT NOT NULL,"
	"  etag TEXT,"
	"  state INTEGER NOT NULL DEFAULT 0,"
	"  parsed INTEGER NOT NULL DEFAULT 1,"
	"  why TEXT,"
	"  is_group INTEGER NOT NULL DEFAULT 0,"
	"  uid TEXT, fn TEXT, org TEXT, title TEXT, city TEXT, bday TEXT,"
	"  note TEXT, emails TEXT, phones TEXT, categories TEXT, members TEXT,"
	"  cadence TEXT, snooze TEXT, last_contact TEXT, last_via TEXT,"
	"  cadence_since TEXT,"
	"  first_seen TEXT NOT NULL,"
	/*
	 * raw stays the last column: a row's other columns are then read
	 * without walking the overflow pages of a card with a photo.
	 */
	"  raw BLOB NOT NULL,"
	"  UNIQUE(book, href));"
	"CREATE INDEX card_uid ON card(uid);"
	"CREATE TABLE log("
	"  card INTEGER NOT NULL REFERENCES card(id) ON DELETE CASCADE,"
	"  id TEXT NOT NULL,"
	"  date TEXT NOT NULL,"
	"  via TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  pending INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY(card, id));"
	"CREATE INDEX log_date ON log(date);"
	"CREATE TABLE outbox("
	"  id INTEGER PRIMARY KEY,"
	"  card INTEGER NOT NULL REFERENCES card(id) ON DELETE CASCADE,"
	"  op TEXT NOT NULL,"
	"  a TEXT, b TEXT, c TEXT, d TEXT,"
	"  created TEXT NOT NULL DEFAULT (datetime('now')));"
	"CREATE INDEX outbox_card ON outbox(card);"
	"CREATE VIRTUAL TABLE card_fts USING fts5("
	"  fn, org, emails, categories, notes,"
	"  tokenize = 'unicode61 remove_diacritics 2');",
	/*
	 * 2: queue, today and stats scan every person; each card row carries
	 * its raw vCard, so a scan of the table reads the whole file. This
	 * index holds what those scans need and nothing else.
	 */
	"CREATE INDEX card_view ON card(is_group, cadence, last_contact,"
	"  cadence_since, snooze, first_seen, parsed, state, bday);"
	/* A person's newest entries (queue, next, show), without a sort. */
	"CREATE INDEX log_card_date ON log(card, date);",
	/*
	 * 3: the raw vCards move to a table of their own. With them inline a
	 * card row filled a page (a photo, several), so reading 3,000 people
	 * touched 3,000 pages; without them a page holds a dozen people.
	 * last_text is the text of the entry last_contact and last_via come
	 * from (the newest, the last written on a tie), which the queue shows
	 * for every person.
	 */
	"CREATE TABLE card_raw("
	"  id INTEGER PRIMARY KEY REFERENCES card(id) ON DELETE CASCADE,"
	"  raw BLOB NOT NULL);"
	"INSERT INTO card_raw(id, raw) SELECT id, raw FROM card;"
	"ALTER TABLE card DROP COLUMN raw;"
	"ALTER TABLE card ADD COLUMN last_text TEXT;"
	"UPDATE card SET last_text = (SELECT l.text FROM log l"
	"  WHERE l.card = card.id AND l.date = card.last_contact"
	"  ORDER BY l.rowid DESC LIMIT 1) WHERE last_contact IS NOT NULL;",
	/*
	 * 4: cards the server could not serve (a multiget and a GET of the
	 * card alone failed), at the etag its listing gave: not asked for
	 * again until that etag changes.
	 */
	"CREATE TABLE unreadable("
	"  book INTEGER NOT NULL REFERENCES book(id) ON DELETE CASCADE,"
	"  href TEXT NOT NULL,"
	"  etag TEXT,"
	"  status INTEGER NOT NULL,"
	"  since TEXT NOT NULL DEFAULT (date('now')),"
	"  PRIMARY KEY(book, href));",
	/*
	 * 5: what sync learned about the book's server (sync/learned.c):
	 * its Digest challenge, no sync-collection, and the like.
	 */
	"ALTER TABLE book ADD COLUMN learned TEXT;",
	/*
	 * 6: the day's 'today' choice, made once so that it stays the same
	 * all day whatever a sync or an add changes meanwhile.
	 */
	"CREATE TABLE today("
	"  day TEXT PRIMARY KEY,"
	"  lost INTEGER NOT NULL, due INTEGER NOT NULL, upgrade INTEGER NOT NULL);",
	/*
	 * 7: why to reach out to someone not met yet (X-KITH-ASPIRE), and
	 * today's fourth slot, which offers one of them on some days.
	 */
	"ALTER TABLE card ADD COLUMN aspire TEXT;"
	"ALTER TABLE today ADD COLUMN aspire INTEGER NOT NULL DEFAULT 0;",
	/*
	 * 8: the objects kith wrote on the account's calendar (remind.h):
	 * where each is, its etag there, and a digest of what was written,
	 * so a sync writes only what changed and a killed one goes on.
	 */
	"CREATE TABLE remind("
	"  account INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,"
	"  uid TEXT NOT NULL,"
	"  href TEXT NOT NULL,"
	"  etag TEXT,"
	"  sent TEXT,"
	"  day INTEGER NOT NULL,"
	"  card INTEGER,"
	"  PRIMARY KEY(account, uid));",
	/*
	 * 9: the mail 'capture mail' has read (src/query_mail.c), so a second
	 * run reads no message again. A Maildir message is (folder, its
	 * unique name without the ":2," flags), day set when it was passed
	 * over as older than --since (that day). (source, '') is the source
	 * as a whole: an mbox's size, mtime, the offset read to and the
	 * --since it was read with; a Maildir's count of messages and the
	 * mtimes of cur/ (mtime) and new/ (offset).
	 */
	"CREATE TABLE mail_seen("
	"  src TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  size INTEGER, mtime INTEGER, offset INTEGER,"
	"  day TEXT,"
	"  PRIMARY KEY(src, name)) WITHOUT ROWID;",
};

/* The migration that moves the raw cards out (see migrate). */
#define RAW_SPLIT 2

#define NMIGRATIONS (int)(sizeof migrations / sizeof migrations[0])

static int db_error(struct cache *c, struct kerr *err, const char *what)
{
	int code = sqlite3_errcode(c->db);

	/* A WAL or shared-memory file that cannot grow reports an I/O error. */
	if (code == SQLITE_FULL ||
	    ((code & 0xff) == SQLITE_IOERR && sqlite3_system_errno(c->db) == ENOSPC))
		kerr_set(err, "%s: the disk is full (%s): free some space and "
			 "run the command again; nothing was half-written",
			 what, c->path);
	else if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN ||
		 code == SQLITE_PERM)
		kerr_set(err, "%s: cannot write the cache %s (%s): check its "
			 "permissions", what, c->path, sqlite3_errmsg(c->db));
	else if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		kerr_set(err, "%s: the cache %s is busy (another kith is "
			 "writing): try again", what, c->path);
	else
		kerr_set(err, "%s: cache %s: %s", what, c->path,
			 sqlite3_errmsg(c->db));
	return -1;
}

int cache_exec(struct cache *c, const char *sql, struct kerr *err)
{
	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(c, err, "cache");
	return 0;
}

int cache_analyze(struct cache *c, struct kerr *err)
{
	return cache_exec(c, "ANALYZE", err);
}

static int user_version(struct cache *c)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL))
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int migrate(struct cache *c, struct kerr *err)
{
	int v = user_version(c), from = v;
	char sql[64];

	if (v < 0)
		return db_error(c, err, "reading the cache version");
	if (v > NMIGRATIONS) {
		kerr_set(err, "the cache %s was made by a newer kith (schema %d, "
			 "this kith knows %d): upgrade kith", c->path, v,
			 NMIGRATIONS);
		return -1;
	}
	for (; v < NMIGRATIONS; v++) {
		if (cache_begin(c, err) < 0)
			return -1;
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
		if (cache_exec(c, migrations[v], err) < 0 ||
		    cache_exec(c, sql, err) < 0) {
			cache_rollback(c);
			kerr_wrap(err, "upgrading the cache to schema %d", v + 1);
			return -1;
		}
		if (cache_commit(c, err) < 0)
			return -1;
	}
	/*
	 * Moving the raw cards out of a filled cache leaves each card row
	 * alone on a page that has room for a dozen: repack the file once.
	 * A failure (a full disk) leaves the cache as it was, only larger.
	 */
	if (from > 0 && from <= RAW_SPLIT && v > RAW_SPLIT)
		sqlite3_exec(c->db, "VACUUM", NULL, NULL, NULL);
	return 0;
}

struct cache *cache_open(const char *path, long today, struct kerr *err)
{
	struct cache *c = xcalloc(1, sizeof *c);
	char *dir = NULL;
	int fd, one = 1;

	c->today = today;

	if (path) {
		c->path = xstrdup(path);
	} else {
		dir = config_dir("data", err);
		if (!dir)
			goto fail;
		c->path = xasprintf("%s/kith.db", dir);
	}
	/* Create the file ourselves so it is private from the first byte. */
	fd = open(c->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		kerr_set(err, "cannot open the cache %s: %s", c->path,
			 strerror(errno));
		goto fail;
	}
	close(fd);
	if (sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		db_error(c, err, "opening the cache");
		goto fail;
	}
	sqlite3_busy_timeout(c->db, 5000);
	/*
	 * The -wal and -shm files stay between runs (the WAL emptied when the
	 * last connection closes): creating and deleting them took a tenth
	 * of a one-shot command's time.
	 */
	sqlite3_file_control(c->db, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
	if (cache_exec(c, "PRAGMA journal_mode = WAL;"
		       "PRAGMA journal_size_limit = 4194304;"
		       "PRAGMA foreign_keys = ON;"
		       "PRAGMA synchronous = NORMAL;", err) < 0)
		goto fail;
	if (migrate(c, err) < 0)
		goto fail;
	free(dir);
	return c;
fail:
	free(dir);
	cache_close(c);
	return NULL;
}

/* Forgets the last server copy read (cache_read), at a transaction's end and on close. */
static void read_drop(struct cache *c)
{
	free(c->read_raw);
	c->read_raw = NULL;
	c->read_len = 0;
	vcard_info_free(&c->read_vi);
}

void cache_close(struct cache *c)
{
	int i;

	if (!c)
		return;
	for (i = 0; i < NSTMT; i++)
		sqlite3_finalize(c->stmt[i]);
	for (i = 0; i < CACHE_KEPT_N; i++)
		sqlite3_finalize(c->kept[i]);
	sqlite3_close(c->db);
	free(c->path);
	read_drop(c);
	free(c);
}

sqlite3 *cache_db(struct cache *c)
{
	return c->db;
}

const char *cache_path(struct cache *c)
{
	return c->path;
}

int cache_begin(struct cache *c, struct kerr *err)
{
	if (c->depth++ > 0)
		return 0;
	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		c->depth--;
		return db_error(c, err, "starting a transaction");
	}
	return 0;
}

/*
 * Search rows wait in temp.fts_pending and go into card_fts in one
 * statement when the transaction commits. SQLite (3.40) has FTS5 write
 * its pending terms to disk at every statement of a transaction the
 * index is part of, so a row per card meant a segment per card, merged
 * again and again: a quarter of an initial sync's time.
 */
static int fts_flush(struct cache *c, struct kerr *err)
{
	if (c->fts_pending == 0)
		return 0;
	if (cache_exec(c, "DELETE FROM card_fts WHERE rowid IN"
		       " (SELECT id FROM temp.fts_pending);"
		       "INSERT INTO card_fts(rowid, fn, org, emails, categories,"
		       " notes) SELECT id, fn, org, emails, categories, notes"
		       " FROM temp.fts_pending;"
		       "DELETE FROM temp.fts_pending;", err) < 0) {
		kerr_wrap(err, "updating the search index");
		return -1;
	}
	c->fts_pending = 0;
	return 0;
}

/*
 * Ends the transaction with a ROLLBACK, which takes the temp rows along,
 * and temp.fts_pending itself when this transaction created it.
 */
static void rolled_back(struct cache *c)
{
	read_drop(c);
	c->depth = 0;
	c->fts_pending = 0;
	c->fts_table = 0;	/* CREATE TEMP TABLE IF NOT EXISTS again */
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

int cache_commit(struct cache *c, struct kerr *err)
{
	if (c->depth == 0 || --c->depth > 0)
		return 0;
	read_drop(c);
	if (fts_flush(c, err) < 0) {
		cache_rollback(c);
		return -1;
	}
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		db_error(c, err, "saving to the cache");
		rolled_back(c);
		return -1;
	}
	return 0;
}

void cache_rollback(struct cache *c)
{
	if (c->depth == 0)
		return;
	rolled_back(c);
}

/* Prepares sql and binds the text arguments (NULL binds NULL). */
static sqlite3_stmt *prep(struct cache *c, struct kerr *err, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_error(c, err, "cache query");
		return NULL;
	}
	return st;
}

/*
 * A statement of the cache's own set, ready to bind: unused since its
 * last reset. Finalized by cache_close.
 */
static sqlite3_stmt *stmt(struct cache *c, enum stmt_id id, struct kerr *err)
{
	if (!c->stmt[id] &&
	    sqlite3_prepare_v3(c->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
			       &c->stmt[id], NULL) != SQLITE_OK) {
		db_error(c, err, "cache query");
		sqlite3_finalize(c->stmt[id]);
		c->stmt[id] = NULL;
		return NULL;
	}
	return c->stmt[id];
}

/* Makes a statement of the set ready for its next use. */
static void stmt_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Runs a statement of the set to completion; -1 with err. Resets it. */
static int exec_stmt(struct cache *c, sqlite3_stmt *st, struct kerr *err,
		     const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		db_error(c, err, what);
		stmt_done(st);
		return -1;
	}
	stmt_done(st);
	return 0;
}

/* Binds text the caller keeps alive until the statement is reset. */
static void bind_static(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? xstrdup((const char *)s) : NULL;
}

/* Runs a statement to completion; -1 with err. Finalizes it. */
static int run(struct cache *c, sqlite3_stmt *st, struct kerr *err,
	       const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		db_error(c, err, what);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

sqlite3_stmt *cache_prep(struct cache *c, const char *sql, struct kerr *err)
{
	return prep(c, err, sql);
}

sqlite3_stmt *cache_kept(struct cache *c, int slot, const char *sql,
			 struct kerr *err)
{
	if (!c->kept[slot] &&
	    sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &c->kept[slot], NULL) != SQLITE_OK) {
		db_error(c, err, "cache query");
		sqlite3_finalize(c->kept[slot]);
		c->kept[slot] = NULL;
	}
	return c->kept[slot];
}

void cache_kept_done(sqlite3_stmt *st)
{
	if (st)
		stmt_done(st);
}

int cache_step(struct cache *c, sqlite3_stmt *st, const char *what,
	       struct kerr *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_error(c, err, what);
}

int cache_each(struct cache *c, sqlite3_stmt *st,
	       int (*row)(void *arg, sqlite3_stmt *st), void *arg,
	       const char *what, struct kerr *err)
{
	for (;;) {
		int r = cache_step(c, st, what, err);

		if (r <= 0)
			return r;
		if (row(arg, st))
			return 0;
	}
}

char *cache_col(sqlite3_stmt *st, int i)
{
	return col_dup(st, i);
}

void cache_set_today(struct cache *c, long today)
{
	c->today = today;
}

void cache_set_bulk(struct cache *c, int bulk)
{
	sqlite3_exec(c->db, bulk ? "PRAGMA mmap_size = 0" :
		     "PRAGMA mmap_size = 268435456", NULL, NULL, NULL);
}

long cache_account(struct cache *c, const char *name, struct kerr *err)
{
	sqlite3_stmt *st;
	long id = -1;

	st = prep(c, err, "INSERT INTO account(name) VALUES (?1) "
		  "ON CONFLICT(name) DO NOTHING");
	if (!st)
		return -1;
	bind_text(st, 1, name);
	if (run(c, st, err, "saving the account") < 0)
		return -1;
	st = prep(c, err, "SELECT id FROM account WHERE name = ?1");
	if (!st)
		return -1;
	bind_text(st, 1, name);
	if (cache_step(c, st, "reading the account", err) > 0)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

int cache_account_delete(struct cache *c, const char *name, struct kerr *err)
{
	sqlite3_stmt *st = prep(c, err, "DELETE FROM account WHERE name = ?1");

	if (!st)
		return -1;
	bind_text(st, 1, name);
	if (cache_exec(c, "DELETE FROM card_fts WHERE rowid NOT IN "
		       "(SELECT id FROM card)", err) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	if (run(c, st, err, "removing the account") < 0)
		return -1;
	return cache_exec(c, "DELETE FROM card_fts WHERE rowid NOT IN "
			  "(SELECT id FROM card)", err);
}

long cache_book(struct cache *c, long account, const char *url,
		const char *displayname, struct kerr *err)
{
	sqlite3_stmt *st;
	long id = -1;

	st = prep(c, err, "INSERT INTO book(account, url, displayname) "
		  "VALUES (?1, ?2, ?3) ON CONFLICT(account, url) DO UPDATE "
		  "SET displayname = coalesce(excluded.displayname, displayname)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, account);
	bind_text(st, 2, url);
	bind_text(st, 3, displayname);
	if (run(c, st, err, "saving the address book") < 0)
		return -1;
	st = prep(c, err, "SELECT id FROM book WHERE account = ?1 AND url = ?2");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, account);
	bind_text(st, 2, url);
	if (cache_step(c, st, "reading the address book", err) > 0)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

int cache_books(struct cache *c, long account, struct cache_book **books,
		size_t *n, struct kerr *err)
{
	sqlite3_stmt *st;
	int r;

	*books = NULL;
	*n = 0;
	st = prep(c, err, "SELECT id, url, displayname, sync_token, ctag, learned "
		  "FROM book WHERE account = ?1 ORDER BY id");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, account);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct cache_book *b;

		*books = xrealloc(*books, (*n + 1) * sizeof **books);
		b = &(*books)[(*n)++];
		b->id = sqlite3_column_int64(st, 0);
		b->url = col_dup(st, 1);
		b->displayname = col_dup(st, 2);
		b->sync_token = col_dup(st, 3);
		b->ctag = col_dup(st, 4);
		b->learned = col_dup(st, 5);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		cache_books_free(*books, *n);
		*books = NULL;
		*n = 0;
		return db_error(c, err, "reading the address books");
	}
	return 0;
}

void cache_books_free(struct cache_book *books, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(books[i].url);
		free(books[i].displayname);
		free(books[i].sync_token);
		free(books[i].ctag);
		free(books[i].learned);
	}
	free(books);
}

int cache_book_set_learned(struct cache *c, long book, const char *learned,
			   struct kerr *err)
{
	sqlite3_stmt *st = prep(c, err, "UPDATE book SET learned = ?2 WHERE id = ?1");

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, book);
	bind_text(st, 2, learned);
	return run(c, st, err, "saving what the server can do");
}

int cache_today_get(struct cache *c, const char *day, long ids[4],
		    struct kerr *err)
{
	sqlite3_stmt *st = prep(c, err, "SELECT lost, due, upgrade, aspire FROM "
				"today WHERE day = ?1");
	int rc, found = 0, i;

	if (!st)
		return -1;
	bind_text(st, 1, day);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		for (i = 0; i < 4; i++)
			ids[i] = sqlite3_column_int64(st, i);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		db_error(c, err, "reading today's choice");
		found = -1;
	}
	sqlite3_finalize(st);
	return found;
}

int cache_today_put(struct cache *c, const char *day, const long ids[4],
		    struct kerr *err)
{
	sqlite3_stmt *st;
	int i;

	/* A month of days is plenty: older ones are never asked for. */
	st = prep(c, err, "DELETE FROM today WHERE day < date(?1, '-31 days') "
		  "OR day > date(?1, '+31 days')");
	if (!st)
		return -1;
	bind_text(st, 1, day);
	if (run(c, st, err, "saving today's choice") < 0)
		return -1;
	st = prep(c, err, "INSERT OR REPLACE INTO today(day, lost, due, upgrade,"
		  " aspire) VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!st)
		return -1;
	bind_text(st, 1, day);
	for (i = 0; i < 4; i++)
		sqlite3_bind_int64(st, i + 2, ids[i]);
	return run(c, st, err, "saving today's choice");
}

int cache_book_set_state(struct cache *c, long book, const char *sync_token,
			 const char *ctag, struct kerr *err)
{
	sqlite3_stmt *st = prep(c, err, "UPDATE book SET sync_token = ?2, "
				"ctag = ?3 WHERE id = ?1");

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, book);
	bind_text(st, 2, sync_token);
	bind_text(st, 3, ctag);
	return run(c, st, err, "saving the sync state");
}

long cache_card_id(struct cache *c, long book, const char *href,
		   struct kerr *err)
{
	sqlite3_stmt *st = stmt(c, S_CARD_ID, err);
	long id = 0;
	int r;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, book);
	bind_static(st, 2, href);
	r = cache_step(c, st, "reading the cards", err);
	if (r > 0)
		id = sqlite3_column_int64(st, 0);
	stmt_done(st);
	return r < 0 ? -1 : id;
}

static int card_view(struct cache *c, long card, const char *raw, size_t len,
		     int fresh, struct kerr *err);

static int put_raw(struct cache *c, long card, const char *raw, size_t len,
		   struct kerr *err)
{
	sqlite3_stmt *st = stmt(c, S_RAW_PUT, err);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	sqlite3_bind_blob(st, 2, raw, (int)len, SQLITE_STATIC);
	return exec_stmt(c, st, err, "saving a card");
}

static int card_put(struct cache *c, long book, const char *href,
		    const char *etag, const char *raw, size_t len,
		    struct kerr *err)
{
	char today[11];
	sqlite3_stmt *st;
	int fresh = 0;
	long id;

	/* One lookup, then an insert or an update by id: no upsert to redo. */
	id = cache_card_id(c, book, href, err);
	if (id < 0)
		return -1;
	if (id > 0) {
		st = stmt(c, S_CARD_UPDATE, err);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		bind_static(st, 2, etag);
	} else {
		date_format(c->today, today);
		st = stmt(c, S_CARD_INSERT, err);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, book);
		bind_static(st, 2, href);
		bind_static(st, 3, etag);
		bind_static(st, 4, today);
	}
	if (exec_stmt(c, st, err, "saving a card") < 0)
		return -1;
	if (id <= 0) {
		id = (long)sqlite3_last_insert_rowid(c->db);
		if (id <= 0)
			return db_error(c, err, "saving a card");
		fresh = 1;
	}
	if (put_raw(c, id, raw, len, err) < 0)
		return -1;
	/*
	 * The view is made from the bytes in hand, not read back. A new row
	 * has no log rows and no operations yet (they cascade away with the
	 * card they belonged to), so there is nothing to delete or apply.
	 */
	return card_view(c, id, raw, len, fresh, err);
}

/* Bytes from which a card is stored with a larger page cache. */
#define BIG_CARD (1L << 20)

int cache_card_put(struct cache *c, long book, const char *href,
		   const char *etag, const char *raw, size_t len,
		   struct kerr *err)
{
	int rc;

	/* Its row, its raw copy and its view land together or not at all. */
	if (cache_begin(c, err) < 0)
		return -1;
	/*
	 * A card of megabytes (tens of thousands of log lines) writes more
	 * log rows than SQLite's 2 MB page cache holds, which then spills to
	 * disk on every few rows: 82% of the pull of a 100,000-line card.
	 * Such a card gets a 16 MB cache while it is stored; the others keep
	 * the small one, and the sync its 23 MB peak.
	 */
	if (len >= BIG_CARD)
		sqlite3_exec(c->db, "PRAGMA cache_size = -16384", NULL, NULL, NULL);
	rc = card_put(c, book, href, etag, raw, len, err);
	if (len >= BIG_CARD)
		sqlite3_exec(c->db, "PRAGMA cache_size = -2000", NULL, NULL, NULL);
	if (rc < 0) {
		cache_rollback(c);
		return -1;
	}
	return cache_commit(c, err);
}

/*
 * The card's pending operations, or -1 with err: a cache that cannot say
 * must never read as "nothing pending", or a card deleted on the server
 * would take its notes with it.
 */
static long pending_ops(struct cache *c, long card, struct kerr *err)
{
	sqlite3_stmt *st = prep(c, err, "SELECT count(*) FROM outbox WHERE "
				"card = ?1");
	long n = 0;
	int r;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	r = cache_step(c, st, "reading the outbox", err);
	if (r > 0)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return r < 0 ? -1 : n;
}

/* Whether the person asked to remove card (a pending remove): 1, 0, -1. */
static int removing(struct cache *c, long card, struct kerr *err)
{
	sqlite3_stmt *st = prep(c, err, "SELECT 1 FROM outbox WHERE card = ?1 "
				"AND op = 'remove'");
	int r;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	r = cache_step(c, st, "reading the outbox", err);
	sqlite3_finalize(st);
	return r;
}

int cache_card_gone(struct cache *c, long book, const char *href,
		    struct kerr *err)
{
	long id = cache_card_id(c, book, href, err), n;
	char sql[128];
	int r;

	if (id <= 0)
		return id < 0 ? -1 : 0;
	n = pending_ops(c, id, err);
	if (n < 0)
		return -1;
	/* Removed here too: nothing typed here is worth keeping. */
	if (n > 0) {
		r = removing(c, id, err);
		if (r < 0)
			return -1;
		if (r > 0)
			n = 0;
	}
	if (n > 0) {
		/* Notes typed here are never dropped because the server lost the card. */
		snprintf(sql, sizeof sql, "UPDATE card SET state = %d WHERE id = %ld",
			 CARD_GONE, id);
		return cache_exec(c, sql, err) < 0 ? -1 : 1;
	}
	return cache_card_drop(c, id, err);
}

int cache_card_restore(struct cache *c, long card, struct kerr *err)
{
	char sql[128];

	snprintf(sql, sizeof sql, "UPDATE card SET state = %d, etag = NULL "
		 "WHERE id = %ld AND state = %d", CARD_LOCAL, card, CARD_GONE);
	return cache_exec(c, sql, err);
}

int cache_card_move_notes(struct cache *c, long from, long to, long *moved,
			  struct kerr *err)
{
	sqlite3_stmt *st;
	int r;

	*moved = 0;
	if (cache_begin(c, err) < 0)
		return -1;
	st = prep(c, err, "SELECT a, b, c, d FROM outbox WHERE card = ?1 AND "
		  "op = 'log' ORDER BY id");
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, from);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (cache_outbox_add(c, to, "log",
				     (const char *)sqlite3_column_text(st, 0),
				     (const char *)sqlite3_column_text(st, 1),
				     (const char *)sqlite3_column_text(st, 2),
				     (const char *)sqlite3_column_text(st, 3), err) < 0) {
			sqlite3_finalize(st);
			goto fail;
		}
		(*moved)++;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		db_error(c, err, "reading the outbox");
		goto fail;
	}
	if (cache_card_drop(c, from, err) < 0)
		goto fail;
	return cache_commit(c, err);
fail:
	cache_rollback(c);
	return -1;
}

int cache_card_drop(struct cache *c, long card, struct kerr *err)
{
	sqlite3_stmt *st;
	char sql[128];

	st = prep(c, err, "DELETE FROM card WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	if (run(c, st, err, "removing a card") < 0)
		return -1;
	if (c->fts_table) {
		snprintf(sql, sizeof sql, "DELETE FROM temp.fts_pending WHERE id = %ld", card);
		if (cache_exec(c, sql, err) < 0)
			return -1;
	}
	snprintf(sql, sizeof sql, "DELETE FROM card_fts WHERE rowid = %ld", card);
	return cache_exec(c, sql, err);
}

int cache_card_etags(struct cache *c, long book,
		     int (*fn)(void *arg, const char *href, const char *etag),
		     void *arg, struct kerr *err)
{
	sqlite3_stmt *st = prep(c, err, "SELECT href, etag FROM card WHERE "
				"book = ?1 AND state = 0");
	int rc = 0, r;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, book);
	while (rc == 0) {
		r = cache_step(c, st, "reading the cards' etags", err);
		if (r <= 0) {
			rc = r;
			break;
		}
		rc = fn(arg, (const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return rc;
}

int cache_unreadable_etags(struct cache *c, long book,
			   int (*fn)(void *arg, const char *href, const char *etag),
			   void *arg, struct kerr *err)
{
	sqlite3_stmt *st = prep(c, err, "SELECT href, coalesce(etag, '') FROM "
				"unreadable WHERE book = ?1");
	int rc = 0, r;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, book);
	while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn(arg, (const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1));
	if (rc == 0 && r != SQLITE_DONE)
		rc = db_error(c, err, "reading the unreadable cards");
	sqlite3_finalize(st);
	return rc;
}

int cache_unreadable_set(struct cache *c, long book, const char *href,
			 const char *etag, long status, struct kerr *err)
{
	sqlite3_stmt *st = prep(c, err, "INSERT OR REPLACE INTO unreadable(book,"
				" href, etag, status) VALUES (?1, ?2, ?3, ?4)");
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, book);
	bind_static(st, 2, href);
	bind_static(st, 3, etag && *etag ? etag : NULL);
	sqlite3_bind_int64(st, 4, status);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(c, err, "noting an unreadable card");
	sqlite3_finalize(st);
	return rc;
}

int cache_card_unreadable(struct cache *c, long card, long *status,
			  char since[11], struct kerr *err)
{
	sqlite3_stmt *st = prep(c, err, "SELECT u.status, u.since FROM unreadable u"
				" JOIN card c ON c.book = u.book AND c.href = u.href"
				" WHERE c.id = ?1");
	int r;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(st, 1);

		*status = sqlite3_column_int64(st, 0);
		snprintf(since, 11, "%s", d ? d : "");
		r = 1;
	} else {
		r = r == SQLITE_DONE ? 0 : db_error(c, err, "reading the unreadable cards");
	}
	sqlite3_finalize(st);
	return r;
}

int cache_unreadable_clear(struct cache *c, long book, const char *href,
			   struct kerr *err)
{
	sqlite3_stmt *st = prep(c, err, "DELETE FROM unreadable WHERE book = ?1"
				" AND href = ?2");
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, book);
	bind_static(st, 2, href);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(c, err, "updating the unreadable cards");
	sqlite3_finalize(st);
	return rc;
}

long cache_card_create(struct cache *c, long book, const char *href,
		       const char *raw, struct kerr *err)
{
	char today[11];
	sqlite3_stmt *st;
	long id;

	date_format(c->today, today);
	if (cache_begin(c, err) < 0)
		return -1;
	st = prep(c, err, "INSERT INTO card(book, href, state, first_seen) "
		  "VALUES (?1, ?2, ?3, ?4)");
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, book);
	bind_text(st, 2, href);
	sqlite3_bind_int(st, 3, CARD_LOCAL);
	bind_text(st, 4, today);
	if (run(c, st, err, "saving the new card") < 0)
		goto fail;
	id = (long)sqlite3_last_insert_rowid(c->db);
	if (put_raw(c, id, raw, strlen(raw), err) < 0)
		goto fail;
	if (cache_outbox_add(c, id, "create", NULL, NULL, NULL, NULL, err) < 0)
		goto fail;
	if (cache_commit(c, err) < 0)
		return -1;
	return id;
fail:
	cache_rollback(c);
	return -1;
}

static const char *const field_names[] = {
	[VCARD_EMAIL] = "email", [VCARD_PHONE] = "phone", [VCARD_ORG] = "org",
	[VCARD_CATEGORIES] = "category",
};

int cache_field_parse(const char *name)
{
	for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++)
		if (strcmp(name, field_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *cache_field_name(enum vcard_field f)
{
	return field_names[f];
}

void cache_pending_free(struct cache_pending *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nset; i++)
		free(p->set[i].value);
	free(p->set);
	free(p->remove_etag);
	memset(p, 0, sizeof *p);
}

char *cache_pending_patch(const struct cache_pending *p, const char *raw,
			  size_t len, size_t *outlen, struct kerr *err)
{
	char *cur = xstrndup(raw, len), *next;
	size_t n = len;

	for (size_t i = 0; i < p->nset; i++) {
		next = vcard_set(cur, n, p->set[i].field, p->set[i].value, &n, err);
		free(cur);
		if (!next)
			return NULL;
		cur = next;
	}
	*outlen = n;
	return cur;
}

int cache_outbox_apply(struct cache *c, long card, struct vcard_annot *annot,
		       long *last_op, struct cache_pending *pend,
		       struct kerr *err)
{
	sqlite3_stmt *st = stmt(c, S_OUTBOX_APPLY, err);
	int step;

	if (pend)
		memset(pend, 0, sizeof *pend);
	if (!st)
		return -1;
	if (last_op)
		*last_op = 0;
	sqlite3_bind_int64(st, 1, card);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *op = (const char *)sqlite3_column_text(st, 1);
		const char *a = (const char *)sqlite3_column_text(st, 2);
		const char *b = (const char *)sqlite3_column_text(st, 3);

		if (last_op)
			*last_op = sqlite3_column_int64(st, 0);
		if (strcmp(op, "log") == 0) {
			struct vcard_log e;

			memset(&e, 0, sizeof e);
			snprintf(e.date, sizeof e.date, "%s", a ? a : "");
			snprintf(e.via, sizeof e.via, "%s",
				 (const char *)sqlite3_column_text(st, 3));
			snprintf(e.id, sizeof e.id, "%s",
				 (const char *)sqlite3_column_text(st, 4));
			e.text = (char *)sqlite3_column_text(st, 5);
			vcard_annot_add(annot, &e);
			/* The first touch makes someone new an ordinary contact. */
			free(annot->aspire);
			annot->aspire = NULL;
		} else if (strcmp(op, "edit") == 0) {
			long i = vcard_annot_find(annot, (const char *)
						  sqlite3_column_text(st, 4));

			/* Gone on the server meanwhile: nothing left to edit. */
			if (i >= 0) {
				struct vcard_log *e = &annot->log[i];

				snprintf(e->date, sizeof e->date, "%s", a ? a : "");
				snprintf(e->via, sizeof e->via, "%s", b ? b : "");
				free(e->text);
				e->text = xstrdup((const char *)sqlite3_column_text(st, 5));
			}
		} else if (strcmp(op, "aspire") == 0) {
			free(annot->aspire);
			annot->aspire = a && *a ? xstrdup(a) : NULL;
		} else if (strcmp(op, "set") == 0) {
			int f = cache_field_parse(a ? a : "");

			if (pend && f >= 0) {
				pend->set = xrealloc(pend->set, (pend->nset + 1) *
						     sizeof *pend->set);
				pend->set[pend->nset].field = (enum vcard_field)f;
				pend->set[pend->nset].value = xstrdup(b ? b : "");
				pend->nset++;
			}
		} else if (strcmp(op, "remove") == 0) {
			if (pend) {
				pend->remove = 1;
				free(pend->remove_etag);
				pend->remove_etag = a ? xstrdup(a) : NULL;
			}
		} else if (strcmp(op, "unlog") == 0) {
			vcard_annot_remove(annot, a ? a : "");
		} else if (strcmp(op, "cadence") == 0) {
			snprintf(annot->cadence, sizeof annot->cadence, "%s",
				 a ? a : "");
		} else if (strcmp(op, "snooze") == 0) {
			snprintf(annot->snooze, sizeof annot->snooze, "%s",
				 a ? a : "");
		}
	}
	if (step != SQLITE_DONE) {
		db_error(c, err, "reading the outbox");
		stmt_done(st);
		cache_pending_free(pend);
		return -1;
	}
	stmt_done(st);
	return 0;
}

int cache_card_etag(struct cache *c, long card, char **etag, struct kerr *err)
{
	sqlite3_stmt *st = prep(c, err, "SELECT etag FROM card WHERE id = ?1");
	int step;

	*etag = NULL;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_text(st, 0))
		*etag = xstrdup((const char *)sqlite3_column_text(st, 0));
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		db_error(c, err, "reading a card");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

int cache_outbox_cancel(struct cache *c, long card, const char *op,
			struct kerr *err)
{
	sqlite3_stmt *st;

	if (cache_begin(c, err) < 0)
		return -1;
	st = prep(c, err, "DELETE FROM outbox WHERE card = ?1 AND op = ?2");
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, card);
	bind_text(st, 2, op);
	if (run(c, st, err, "changing the outbox") < 0 ||
	    cache_card_refresh(c, card, err) < 0)
		goto fail;
	return cache_commit(c, err);
fail:
	cache_rollback(c);
	return -1;
}

int cache_outbox_done(struct cache *c, long card, long last_op,
		      struct kerr *err)
{
	sqlite3_stmt *st = prep(c, err, "DELETE FROM outbox WHERE card = ?1 "
				"AND id <= ?2");

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	sqlite3_bind_int64(st, 2, last_op);
	if (run(c, st, err, "clearing the outbox") < 0)
		return -1;
	return cache_card_refresh(c, card, err);
}

int cache_card_raw(struct cache *c, long card, struct cache_raw *r,
		   struct kerr *err)
{
	sqlite3_stmt *st = prep(c, err, "SELECT href, etag, r.raw, state, parsed,"
				" coalesce(fn, href) FROM card c JOIN card_raw r"
				" ON r.id = c.id WHERE c.id = ?1");
	int step;

	memset(r, 0, sizeof *r);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	step = cache_step(c, st, "reading a card", err);
	if (step == 0)
		kerr_set(err, "card %ld vanished from the cache", card);
	if (step == 1) {
		const void *raw = sqlite3_column_blob(st, 2);

		r->id = card;
		r->href = col_dup(st, 0);
		r->etag = col_dup(st, 1);
		r->len = (size_t)sqlite3_column_bytes(st, 2);
		r->raw = xstrndup(raw ? raw : "", r->len);
		r->state = sqlite3_column_int(st, 3);
		r->parsed = sqlite3_column_int(st, 4);
		r->fn = col_dup(st, 5);
	}
	sqlite3_finalize(st);
	return step == 1 ? 0 : -1;
}

void cache_raw_free(struct cache_raw *r)
{
	if (!r)
		return;
	free(r->href);
	free(r->etag);
	free(r->raw);
	free(r->fn);
	memset(r, 0, sizeof *r);
}

struct outbox_ids {
	long *v;
	size_t n;
};

static int ids_row(void *arg, sqlite3_stmt *st)
{
	struct outbox_ids *ids = arg;

	ids->v = xrealloc(ids->v, (ids->n + 1) * sizeof *ids->v);
	ids->v[ids->n++] = sqlite3_column_int64(st, 0);
	return 0;
}

int cache_outbox_cards(struct cache *c, long book, long **cards, size_t *n,
		       struct kerr *err)
{
	sqlite3_stmt *st = prep(c, err, "SELECT DISTINCT o.card FROM outbox o "
				"JOIN card k ON k.id = o.card WHERE k.book = ?1 "
				"ORDER BY o.card");
	struct outbox_ids ids = {NULL, 0};
	int rc;

	*cards = NULL;
	*n = 0;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, book);
	/* A busy or damaged cache is not "nothing to push". */
	rc = cache_each(c, st, ids_row, &ids, "reading the outbox", err);
	sqlite3_finalize(st);
	if (rc < 0) {
		free(ids.v);
		return -1;
	}
	*cards = ids.v;
	*n = ids.n;
	return 0;
}

int cache_outbox_undo(struct cache *c, struct cache_undo *u, struct kerr *err)
{
	sqlite3_stmt *st;
	long first, last, card, *cards = NULL;
	size_t n = 0, cap = 0, i;
	int rc = -1, step;

	memset(u, 0, sizeof *u);
	if (cache_begin(c, err) < 0)
		return -1;
	/*
	 * The newest operation, and the ones made with it: the run of the
	 * same operation and value in the same second (cadence --category
	 * writes one per person in one transaction).
	 */
	st = prep(c, err, "SELECT o.id, o.op, coalesce(o.a, ''), o.created, o.card,"
		  " coalesce(o.d, ''), coalesce(k.fn, k.href) FROM outbox o"
		  " JOIN card k ON k.id = o.card ORDER BY o.id DESC LIMIT 1");
	if (!st)
		goto out;
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		sqlite3_finalize(st);
		rc = 0;
		goto out;
	}
	if (step != SQLITE_ROW) {
		db_error(c, err, "reading the outbox");
		sqlite3_finalize(st);
		goto out;
	}
	last = sqlite3_column_int64(st, 0);
	snprintf(u->op, sizeof u->op, "%s", (const char *)sqlite3_column_text(st, 1));
	u->value = xstrdup((const char *)sqlite3_column_text(st, 2));
	u->created = xstrdup((const char *)sqlite3_column_text(st, 3));
	u->text = xstrdup((const char *)sqlite3_column_text(st, 5));
	u->name = xstrdup((const char *)sqlite3_column_text(st, 6));
	card = sqlite3_column_int64(st, 4);
	sqlite3_finalize(st);
	/*
	 * One 'set' writes a field each (and maybe someone new) on one
	 * card: taken back together too.
	 */
	st = prep(c, err, "SELECT id, card, created = ?4 AND ((op = ?2 AND"
		  " coalesce(a, '') = ?3) OR (?2 IN ('set', 'aspire') AND op IN"
		  " ('set', 'aspire') AND card = ?5)) FROM outbox WHERE id <= ?1"
		  " ORDER BY id DESC");
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, last);
	sqlite3_bind_text(st, 2, u->op, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, u->value, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, u->created, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, card);
	first = last;
	/* A single change, unless it is a run of one kind (a bulk cadence). */
	while ((step = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_int(st, 2) &&
	       (strcmp(u->op, "cadence") == 0 || strcmp(u->op, "set") == 0 ||
		strcmp(u->op, "aspire") == 0 || sqlite3_column_int64(st, 0) == last)) {
		first = sqlite3_column_int64(st, 0);
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			cards = xrealloc(cards, cap * sizeof *cards);
		}
		cards[n++] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		db_error(c, err, "reading the outbox");
		goto out;
	}
	/* A set's run is one card's. */
	u->cards = strcmp(u->op, "set") == 0 || strcmp(u->op, "aspire") == 0 ?
		   1 : (long)n;
	if (strcmp(u->op, "create") == 0) {
		/* A person added here and never synced: gone again, whole. */
		if (cache_card_drop(c, cards[0], err) < 0)
			goto out;
	} else {
		st = prep(c, err, "DELETE FROM outbox WHERE id >= ?1 AND id <= ?2");
		if (!st)
			goto out;
		sqlite3_bind_int64(st, 1, first);
		sqlite3_bind_int64(st, 2, last);
		if (run(c, st, err, "undoing") < 0)
			goto out;
		for (i = 0; i < n; i++)
			if (cache_card_refresh(c, cards[i], err) < 0)
				goto out;
	}
	rc = 1;
out:
	free(cards);
	if (rc < 0) {
		cache_rollback(c);
		cache_undo_free(u);
		return -1;
	}
	if (cache_commit(c, err) < 0) {
		cache_undo_free(u);
		return -1;
	}
	return rc;
}

void cache_undo_free(struct cache_undo *u)
{
	free(u->value);
	free(u->created);
	free(u->text);
	free(u->name);
	memset(u, 0, sizeof *u);
}

int cache_outbox_add(struct cache *c, long card, const char *op,
		     const char *a, const char *b, const char *cc,
		     const char *d, struct kerr *err)
{
	sqlite3_stmt *st;

	if (cache_begin(c, err) < 0)
		return -1;
	st = prep(c, err, "INSERT INTO outbox(card, op, a, b, c, d) "
		  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, card);
	bind_text(st, 2, op);
	bind_text(st, 3, a);
	bind_text(st, 4, b);
	bind_text(st, 5, cc);
	bind_text(st, 6, d);
	if (run(c, st, err, "saving to the outbox") < 0)
		goto fail;
	if (strcmp(op, "cadence") == 0) {
		char today[11];

		date_format(c->today, today);
		st = prep(c, err, "UPDATE card SET cadence_since = ?2 WHERE id = ?1");
		if (!st)
			goto fail;
		sqlite3_bind_int64(st, 1, card);
		bind_text(st, 2, today);
		if (run(c, st, err, "saving the cadence") < 0)
			goto fail;
	}
	if (cache_card_refresh(c, card, err) < 0)
		goto fail;
	return cache_commit(c, err);
fail:
	cache_rollback(c);
	return -1;
}

static char *join(const struct strv *l, const char *sep)
{
	struct sbuf b = {0};
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (i)
			sbuf_adds(&b, sep);
		sbuf_adds(&b, l->v[i]);
	}
	return l->n ? sbuf_detach(&b, NULL) : NULL;
}

static int log_insert(struct cache *c, long card, const struct vcard_log *e,
		      int pending, struct kerr *err)
{
	sqlite3_stmt *st = stmt(c, S_LOG_INSERT, err);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	bind_static(st, 2, e->id);
	bind_static(st, 3, e->date);
	bind_static(st, 4, e->via);
	bind_static(st, 5, e->text ? e->text : "");
	sqlite3_bind_int(st, 6, pending);
	return exec_stmt(c, st, err, "updating the log");
}

/*
 * Whether the server copy holds view->log[i]: 0, or 1 when the entry is
 * pending. The view is the server's log with the outbox applied, so the
 * two mostly stand in step and the id index is rarely asked.
 */
static int log_pending(const struct vcard_annot *server,
		       const struct vcard_annot *view, size_t i)
{
	const char *id = view->log[i].id;

	if (i < server->nlog && strcmp(server->log[i].id, id) == 0)
		return 0;
	return !vcard_annot_has(server, id);
}

/* Column i of st as a field of n bytes holds it (cut, as snprintf cuts). */
static int col_field_is(sqlite3_stmt *st, int i, const char *s, size_t n)
{
	const char *t = (const char *)sqlite3_column_text(st, i);
	size_t tl = t ? strnlen(t, n - 1) : 0;

	return strlen(s) == tl && memcmp(t ? t : "", s, tl) == 0;
}

/* Whether the row st holds (id, date, via, text, pending) is e as pending. */
static int row_is(sqlite3_stmt *st, const struct vcard_log *e, int pending)
{
	const char *t = (const char *)sqlite3_column_text(st, 3);

	return col_field_is(st, 0, e->id, sizeof e->id) &&
	       col_field_is(st, 1, e->date, sizeof e->date) &&
	       col_field_is(st, 2, e->via, sizeof e->via) &&
	       strcmp(t ? t : "", e->text ? e->text : "") == 0 &&
	       (char)sqlite3_column_int(st, 4) == pending;
}

/* Appends the row st to old, its pending flag to (*pend)[old->nlog - 1]. */
static void row_push(sqlite3_stmt *st, struct vcard_annot *old, char **pend,
		     size_t *cap)
{
	struct vcard_log e;
	const char *t;

	memset(&e, 0, sizeof e);
	snprintf(e.id, sizeof e.id, "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(e.date, sizeof e.date, "%s", (const char *)sqlite3_column_text(st, 1));
	snprintf(e.via, sizeof e.via, "%s", (const char *)sqlite3_column_text(st, 2));
	t = (const char *)sqlite3_column_text(st, 3);
	e.text = (char *)(t ? t : "");
	if (vcard_annot_add(old, &e) != 0)
		return;
	if (old->nlog > *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*pend = xrealloc(*pend, *cap);
	}
	(*pend)[old->nlog - 1] = (char)sqlite3_column_int(st, 4);
}

static int log_same(const struct vcard_log *a, const struct vcard_log *b)
{
	return strcmp(a->date, b->date) == 0 && strcmp(a->via, b->via) == 0 &&
	       strcmp(a->text ? a->text : "", b->text ? b->text : "") == 0;
}

/*
 * Brings a card's log rows in line with view; an entry is pending unless
 * the server copy holds it. Rows already right stay: a card with 100,000
 * entries gets one new row for one new note, not 100,000. That holds only
 * while the rows kept are in the view's order and every new row comes
 * after them (rowid order is card order, which history and the last note
 * read); otherwise every row is written again.
 *
 * The rows are read in rowid order against the view, and only those from
 * the first that differs on are loaded and looked up by id: a push of a
 * card with 25,000 entries read them all back into a log three times,
 * a fifth of its time. The rows before that one are view->log[0..k)
 * exactly, kept in place; the view holds an id once (the reader and
 * vcard_annot_add keep the first), so no later entry is among them.
 */
static int write_log(struct cache *c, long card, const struct vcard_annot *server,
		     const struct vcard_annot *view, int fresh, struct kerr *err)
{
	struct vcard_annot tail;
	char *pend = NULL, *keep = NULL, *need = NULL;
	int rc = -1, incremental = 0;
	size_t i, k = 0, cap = 0;
	sqlite3_stmt *st;

	memset(&tail, 0, sizeof tail);
	if (!fresh) {
		long lastpos;
		int changed = 0, step;

		st = stmt(c, S_LOG_ROWS, err);
		if (!st)
			goto out;
		sqlite3_bind_int64(st, 1, card);
		step = sqlite3_step(st);
		while (step == SQLITE_ROW && k < view->nlog &&
		       row_is(st, &view->log[k], log_pending(server, view, k))) {
			k++;
			step = sqlite3_step(st);
		}
		/* From the first row that differs on, as they stand. */
		while (step == SQLITE_ROW) {
			row_push(st, &tail, &pend, &cap);
			step = sqlite3_step(st);
		}
		stmt_done(st);
		if (step != SQLITE_DONE) {
			db_error(c, err, "reading the log");
			goto out;
		}
		keep = xcalloc(tail.nlog + 1, 1);
		need = xcalloc(view->nlog + 1, 1);
		incremental = 1;
		lastpos = -1;
		for (i = k; i < view->nlog && incremental; i++) {
			const struct vcard_log *e = &view->log[i];
			long t = vcard_annot_find(&tail, e->id);

			if (t >= 0 && log_same(&tail.log[t], e) &&
			    pend[t] == log_pending(server, view, i)) {
				if (changed || t < lastpos)
					incremental = 0;
				lastpos = t;
				keep[t] = 1;
			} else {
				changed = 1;
				need[i] = 1;
			}
		}
	}
	if (!fresh && !incremental) {
		st = stmt(c, S_LOG_DELETE, err);
		if (!st)
			goto out;
		sqlite3_bind_int64(st, 1, card);
		if (exec_stmt(c, st, err, "updating the log") < 0)
			goto out;
	}
	for (i = 0; incremental && i < tail.nlog; i++) {
		if (keep[i])
			continue;
		st = stmt(c, S_LOG_DELETE_ONE, err);
		if (!st)
			goto out;
		sqlite3_bind_int64(st, 1, card);
		bind_static(st, 2, tail.log[i].id);
		if (exec_stmt(c, st, err, "updating the log") < 0)
			goto out;
	}
	for (i = 0; i < view->nlog; i++)
		if ((!incremental || need[i]) &&
		    log_insert(c, card, &view->log[i],
			       log_pending(server, view, i), err) < 0)
			goto out;
	rc = 0;
out:
	vcard_annot_free(&tail);
	free(pend);
	free(keep);
	free(need);
	return rc;
}

/*
 * Writes the log rows, the view columns and the search index of a card.
 * fresh: the row was inserted just now, so it has no log rows yet.
 */
static int same_text(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : !a && !b;
}

/*
 * Whether the card's search row already holds now[] (fn, org, emails,
 * categories, notes): 1, 0, or -1 with err. A push's read-back changes
 * nothing searchable (the note it sent was shown and indexed while
 * pending), and re-indexing a card with 25,000 log lines was a quarter
 * of that sync. Asked only while no row waits in temp.fts_pending (one
 * card per transaction, as push stores them), which then cannot hold a
 * newer row for this card than card_fts does.
 */
static int fts_same(struct cache *c, long card, const char *const now[5],
		    struct kerr *err)
{
	sqlite3_stmt *st;
	int r, i, same = 1;

	if (c->fts_pending)
		return 0;
	st = stmt(c, S_FTS_ROW, err);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	r = cache_step(c, st, "reading the search index", err);
	for (i = 0; r > 0 && i < 5 && same; i++)
		same = same_text((const char *)sqlite3_column_text(st, i), now[i]);
	stmt_done(st);
	if (r < 0)
		return -1;
	return r > 0 && same;
}

static int write_view(struct cache *c, long card, const struct vcard_info *vi,
		      const struct vcard_annot *server,
		      const struct vcard_annot *view, int removing, int fresh,
		      struct kerr *err)
{
	char *emails = join(&vi->emails, ", "), *phones = join(&vi->phones, ", ");
	char *cats = join(&vi->categories, ", "), *members = join(&vi->members, "\n");
	const char *last = vcard_annot_last(view), *last_via = NULL;
	const char *last_text = NULL;
	struct sbuf notes = {0};
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = -1;

	if (write_log(c, card, server, view, fresh, err) < 0)
		goto out;
	for (i = 0; i < view->nlog; i++) {
		const struct vcard_log *e = &view->log[i];

		if (last && strcmp(e->date, last) == 0) {
			last_via = e->via;
			last_text = e->text;
		}
		sbuf_adds(&notes, e->text ? e->text : "");
		sbuf_addc(&notes, '\n');
	}
	if (vi->note)
		sbuf_adds(&notes, vi->note);
	st = stmt(c, S_CARD_VIEW, err);
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, card);
	sqlite3_bind_int(st, 2, vi->ok);
	bind_static(st, 3, vi->why);
	sqlite3_bind_int(st, 4, removing ? CARD_KIND_REMOVED : vi->is_group);
	bind_static(st, 5, vi->uid);
	bind_static(st, 6, vi->fn);
	bind_static(st, 7, vi->org);
	bind_static(st, 8, vi->title);
	bind_static(st, 9, vi->city);
	bind_static(st, 10, vi->bday);
	bind_static(st, 11, vi->note);
	bind_static(st, 12, emails);
	bind_static(st, 13, phones);
	bind_static(st, 14, cats);
	bind_static(st, 15, members);
	bind_static(st, 16, view->cadence);
	bind_static(st, 17, view->snooze);
	bind_static(st, 18, last);
	bind_static(st, 19, last_via);
	bind_static(st, 20, last_text);
	bind_static(st, 21, view->aspire);
	if (exec_stmt(c, st, err, "updating a card") < 0)
		goto out;
	if (!fresh) {
		const char *now[] = {vi->fn, vi->org, emails, cats, notes.buf};
		int same = fts_same(c, card, now, err);

		if (same < 0)
			goto out;
		if (same) {
			rc = 0;
			goto out;
		}
	}
	/* Into card_fts at commit (fts_flush), replacing the card's row. */
	if (!c->fts_table) {
		if (cache_exec(c, "CREATE TEMP TABLE IF NOT EXISTS fts_pending("
			       "id INTEGER PRIMARY KEY, fn, org, emails,"
			       " categories, notes)", err) < 0)
			goto out;
		c->fts_table = 1;
	}
	st = stmt(c, S_FTS_PEND, err);
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, card);
	bind_static(st, 2, vi->fn);
	bind_static(st, 3, vi->org);
	bind_static(st, 4, emails);
	bind_static(st, 5, cats);
	bind_static(st, 6, notes.buf);
	if (exec_stmt(c, st, err, "updating the search index") < 0)
		goto out;
	c->fts_pending++;
	rc = 0;
out:
	free(emails);
	free(phones);
	free(cats);
	free(members);
	sbuf_free(&notes);
	return rc;
}

/*
 * What the server copy raw[0..len) reads as (vcard_read), remaining owned
 * by the cache until the next cache_read or the end of the transaction
 * (a card of 100,000 lines is not held for a whole shell session). The
 * same bytes are read once: in one transaction a push stores the copy the
 * server answered, checks that kith's lines survived in it and refreshes
 * its view when the outbox lets go, and with 25,000 log lines each
 * reading was 4% of that sync.
 */
static const struct vcard_info *cache_read(struct cache *c, const char *raw,
					   size_t len)
{
	if (!raw)
		raw = "";
	if (c->read_raw && c->read_len == len && memcmp(c->read_raw, raw, len) == 0)
		return &c->read_vi;
	free(c->read_raw);
	vcard_info_free(&c->read_vi);
	c->read_raw = xmalloc(len + 1);
	memcpy(c->read_raw, raw, len);
	c->read_len = len;
	vcard_read(raw, len, &c->read_vi);
	return &c->read_vi;
}

/* Whether the card has operations in the outbox: 1, 0, or -1 with err. */
static int has_ops(struct cache *c, long card, struct kerr *err)
{
	sqlite3_stmt *st = stmt(c, S_OUTBOX_ANY, err);
	int r;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	r = cache_step(c, st, "reading the outbox", err);
	stmt_done(st);
	return r;
}

/*
 * The view of a card from its server copy raw: its annotations with the
 * pending operations applied (a fresh row has none yet).
 */
static int card_view(struct cache *c, long card, const char *raw, size_t len,
		     int fresh, struct kerr *err)
{
	const struct vcard_info *vi = cache_read(c, raw, len);
	const struct vcard_annot *view = &vi->annot;
	struct cache_pending pend;
	struct vcard_annot applied;
	struct vcard_info shown;
	int rc = -1, ops = 0;

	memset(&shown, 0, sizeof shown);
	memset(&applied, 0, sizeof applied);
	memset(&pend, 0, sizeof pend);
	/*
	 * Without operations the view is the server's annotations as read:
	 * not copied (a pull, and a push once the outbox let go of them).
	 */
	if (!fresh)
		ops = has_ops(c, card, err);
	if (ops < 0)
		goto out;
	if (ops) {
		vcard_annot_copy(&applied, &vi->annot);
		if (cache_outbox_apply(c, card, &applied, NULL, &pend, err) < 0)
			goto out;
		view = &applied;
	}
	if (pend.nset && vi->ok) {
		/*
		 * Fields changed here show as changed before the sync sends
		 * them: the view is read from the card as it will be.
		 */
		struct kerr perr;
		size_t n;
		char *r = cache_pending_patch(&pend, raw, len, &n, &perr);

		if (r)
			vcard_read(r, n, &shown);
		free(r);
	}
	rc = write_view(c, card, shown.ok ? &shown : vi, &vi->annot, view,
			pend.remove, fresh, err);
out:
	cache_pending_free(&pend);
	vcard_annot_free(&applied);
	vcard_info_free(&shown);
	return rc;
}

int cache_card_read(struct cache *c, long card, struct vcard_info *vi,
		    struct kerr *err)
{
	sqlite3_stmt *st = stmt(c, S_CARD_RAW, err);
	struct cache_pending pend;
	struct vcard_annot none;
	size_t len, n;
	char *raw, *shown;
	int step;

	memset(vi, 0, sizeof *vi);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		if (step != SQLITE_DONE)
			db_error(c, err, "reading a card");
		else
			kerr_set(err, "card %ld is not in the cache", card);
		stmt_done(st);
		return -1;
	}
	len = (size_t)sqlite3_column_bytes(st, 0);
	raw = xstrndup(len ? sqlite3_column_blob(st, 0) : "", len);
	stmt_done(st);
	memset(&none, 0, sizeof none);
	if (cache_outbox_apply(c, card, &none, NULL, &pend, err) < 0) {
		free(raw);
		return -1;
	}
	vcard_annot_free(&none);
	shown = pend.nset ? cache_pending_patch(&pend, raw, len, &n, err) : NULL;
	if (shown)
		vcard_read(shown, n, vi);
	else
		vcard_read(raw, len, vi);
	free(shown);
	free(raw);
	cache_pending_free(&pend);
	return 0;
}

int cache_card_annot(struct cache *c, long card, struct vcard_annot *out,
		     struct kerr *err)
{
	sqlite3_stmt *st = stmt(c, S_CARD_RAW, err);
	int step;

	memset(out, 0, sizeof *out);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	step = cache_step(c, st, "reading a card", err);
	if (step == 0)
		kerr_set(err, "card %ld vanished from the cache", card);
	if (step == 1)
		vcard_annot_copy(out, &cache_read(c, sqlite3_column_blob(st, 0),
						  (size_t)sqlite3_column_bytes(st, 0))->annot);
	stmt_done(st);
	return step == 1 ? 0 : -1;
}

int cache_card_refresh(struct cache *c, long card, struct kerr *err)
{
	sqlite3_stmt *st = stmt(c, S_CARD_RAW, err);
	size_t len;
	char *raw;
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, card);
	if (sqlite3_step(st) != SQLITE_ROW) {
		stmt_done(st);
		kerr_set(err, "card %ld is not in the cache", card);
		return -1;
	}
	/* A copy: the statement is done before the row is written. */
	len = (size_t)sqlite3_column_bytes(st, 0);
	raw = xmalloc(len + 1);
	if (len)
		memcpy(raw, sqlite3_column_blob(st, 0), len);
	raw[len] = '\0';
	stmt_done(st);
	/* Its view and its search row land together. */
	if (cache_begin(c, err) < 0) {
		free(raw);
		return -1;
	}
	rc = card_view(c, card, raw, len, 0, err);
	free(raw);
	if (rc < 0) {
		cache_rollback(c);
		return -1;
	}
	return cache_commit(c, err);
}
