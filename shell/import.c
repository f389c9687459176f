/*
 * import.c: import FILE: people from a spreadsheet (CSV) or a vCard file.
 *
 * Each row or card is matched to someone in the cache (by UID for a card,
 * then by email, then by exact name) and gets what they lack: a cadence,
 * a log entry for the last contact. The rest become new people, created
 * like 'add' (on the server at the next sync). Everything is written in
 * one transaction; --dry-run runs the very same import and rolls it back,
 * so the plan it shows is the import, row for row, and nothing changes.
 * Reading the file is src/csv.c and src/import.c; this file decides and
 * writes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "csv.h"
#include "date.h"
#include "import.h"
#include "out.h"
#include "query_export.h"
#include "shell.h"
#include "vcard.h"

/* A file bigger than this is not a contacts export. */
#define IMPORT_FILE_MAX (512L * 1024 * 1024)
/* LinkedIn writes a few lines of notes before its header. */
#define IMPORT_PREAMBLE_MAX 50

/* What became of one row or card. */
enum plan { PLAN_MATCHED, PLAN_NEW, PLAN_SKIPPED, PLAN_FAILED, PLAN_N };

static const char *const plan_words[PLAN_N] = {"matched", "new", "skipped", "error"};

/* What one run of import carries along. */
struct run {
	struct ctx *ctx;
	const char *file;
	int dry;
	long book;
	char *book_url, *book_path;
	size_t counts[PLAN_N];
	int storage_failed;	/* the transaction is gone: stop */
	struct query_match_index *index;	/* who is in the cache, and who came in */
	struct out_table table;	/* the plan, for --dry-run */
};

/* Someone's changes: a cadence and log entries, as import adds them. */
struct changes {
	const char *cadence;	/* ISO, or "" */
	const struct vcard_log *log;
	size_t nlog;
	int by_date;		/* an entry is there already when one has its date */
};

/*
 * One row's outcome. With --dry-run a line of the plan; otherwise errors
 * go to stderr ("kith: FILE line N: ...") and skips to stdout, and what
 * was matched or added is only counted.
 */
static void report(struct run *run, size_t line, enum plan plan,
		   const char *name, const char *what)
{
	run->counts[plan]++;
	if (run->dry) {
		char *n = term_dup(name), *w = term_dup(what), l[24];

		snprintf(l, sizeof l, "%zu", line);
		out_table_add(&run->table, l, NULL);
		out_table_add(&run->table, plan_words[plan], NULL);
		out_table_add(&run->table, n, NULL);
		out_table_add(&run->table, w, NULL);
		free(n);
		free(w);
		return;
	}
	if (plan == PLAN_FAILED)
		say_error("%s line %zu: %s", run->file, line, what);
	else if (plan == PLAN_SKIPPED)
		term_printf(stdout, "%s line %zu: skipped %s: %s\n", run->file, line,
			    name && *name ? name : "a row", what);
}

/* A cache error: the transaction is rolled back, and the import stops. */
static void storage_error(struct run *run, const struct kerr *err)
{
	say_error("%s; nothing imported", err->msg);
	run->storage_failed = 1;
}

/* "label s" as one part of a row's report, ", " after the one before. */
static void what_add(struct sbuf *w, const char *label, const char *s)
{
	if (w->len)
		sbuf_adds(w, ", ");
	sbuf_adds(w, label);
	sbuf_adds(w, s);
}

/* Whether entry e is already in the card's log: 1, 0, or -1. */
static int log_present(struct run *run, long card, const struct vcard_log *e,
		       int by_date, struct kerr *err)
{
	int has = query_log_has(run->ctx->cache, card, e->id, err);

	if (has != 0 || !by_date)
		return has;
	/* A sheet's "last contact" on a day the log has is that touch again (an export read back). */
	return query_log_on(run->ctx->cache, card, e->date, err);
}

/* Adds ch's log entries the card lacks; what they were goes into w. 0 or -1. */
static int add_log(struct run *run, long card, const struct changes *ch,
		   struct sbuf *w)
{
	struct kerr err;
	size_t i;

	for (i = 0; i < ch->nlog; i++) {
		const struct vcard_log *e = &ch->log[i];
		int has = log_present(run, card, e, ch->by_date, &err);

		if (has < 0 || (has == 0 &&
				cache_outbox_add(run->ctx->cache, card, "log", e->date,
						 e->via, e->id, e->text ? e->text : "",
						 &err) < 0)) {
			storage_error(run, &err);
			return -1;
		}
		if (has == 0)
			what_add(w, "log ", e->date);
	}
	return 0;
}

/* The person the cache has at id gets what ch adds. */
static void apply_matched(struct run *run, size_t line, long id,
			  enum query_found how, const struct changes *ch)
{
	static const char *const by[] = {
		[QUERY_FOUND_UID] = "by UID", [QUERY_FOUND_EMAIL] = "by email",
		[QUERY_FOUND_NAME] = "by name",
	};
	struct sbuf w = {0};
	struct person p;
	struct kerr err;
	char words[32];
	int found = query_person(run->ctx->cache, id, &p, &err);

	if (found <= 0) {
		if (found == 0)
			kerr_set(&err, "card %ld left the cache during the import", id);
		storage_error(run, &err);
		return;
	}
	if (!p.parsed) {
		report(run, line, PLAN_SKIPPED, p.label, "the card in the cache cannot "
		       "be read, so it takes no notes");
		goto out;
	}
	if (*ch->cadence && strcmp(ch->cadence, p.cadence ? p.cadence : "") != 0) {
		if (cache_outbox_add(run->ctx->cache, id, "cadence", ch->cadence, NULL,
				     NULL, NULL, &err) < 0) {
			storage_error(run, &err);
			goto out;
		}
		sh_cadence_words(ch->cadence, words);
		what_add(&w, "cadence ", words);
	}
	if (add_log(run, id, ch, &w) < 0)
		goto out;
	if (!w.len)
		sbuf_adds(&w, "nothing to change");
	sbuf_addf(&w, " (%s)", by[how]);
	report(run, line, PLAN_MATCHED, p.label, w.buf);
out:
	sbuf_free(&w);
	person_free(&p);
}

/*
 * A new card with raw as its text in the book (uid and emails are its
 * own, for a later row to find it by), and ch's log entries; w is what
 * goes into the report. 0 or -1 (reported).
 */
static int create_card(struct run *run, size_t line, const char *name,
		       const char *uid_of_card, const struct strv *emails,
		       const char *raw, const struct changes *ch, struct sbuf *w)
{
	struct kerr err;
	char uid[37], *href;
	long card;

	if (sh_new_uuid(uid) < 0) {
		report(run, line, PLAN_FAILED, name, "cannot read /dev/urandom for "
		       "a new card's name");
		return -1;
	}
	/* The href is kith's own choice, never the card's UID: a UID may hold any text. */
	href = xasprintf("%s%s.vcf", run->book_path, uid);
	card = cache_card_create(run->ctx->cache, run->book, href, raw, &err);
	free(href);
	if (card < 0) {
		storage_error(run, &err);
		return -1;
	}
	query_match_add(run->index, card, uid_of_card, emails, name);
	if (add_log(run, card, ch, w) < 0)
		return -1;
	report(run, line, PLAN_NEW, name, w->len ? w->buf : "");
	return 0;
}

/* ---- CSV ------------------------------------------------------------------ */

/* raw with name:value added when value is set (a second email, a title, a note). */
static char *card_add(char *raw, const char *name, const char *value,
		      struct kerr *err)
{
	char *more;
	size_t n;

	if (!raw || !value || !*value)
		return raw;
	more = vcard_add(raw, strlen(raw), name, value, &n, err);
	free(raw);
	return more;
}

/* A new person from a row, as 'add' makes one, with every email and phone. */
static void row_new(struct run *run, size_t line, const struct import_row *r,
		    const char *name, const struct changes *ch)
{
	struct sbuf w = {0};
	struct kerr err;
	char uid[37], *raw, words[32];
	size_t i;

	if (sh_new_uuid(uid) < 0) {
		report(run, line, PLAN_FAILED, name, "cannot read /dev/urandom for a "
		       "new UID");
		return;
	}
	raw = vcard_new(uid, name, r->emails.n ? r->emails.v[0] : NULL,
			r->phones.n ? r->phones.v[0] : NULL, r->org,
			r->categories.n ? (const char *const *)r->categories.v : NULL,
			r->cadence, NULL);
	for (i = 1; i < r->emails.n; i++)
		raw = card_add(raw, "EMAIL;TYPE=INTERNET", r->emails.v[i], &err);
	for (i = 1; i < r->phones.n; i++)
		raw = card_add(raw, "TEL", r->phones.v[i], &err);
	raw = card_add(raw, "TITLE", r->title, &err);
	/* Notes without a date have no log entry to go in: the card's NOTE keeps them. */
	if (!r->last[0])
		raw = card_add(raw, "NOTE", r->notes, &err);
	if (!raw) {
		report(run, line, PLAN_FAILED, name, err.msg);
		return;
	}
	if (r->emails.n)
		what_add(&w, "", r->emails.v[0]);
	if (r->cadence[0]) {
		sh_cadence_words(r->cadence, words);
		what_add(&w, "cadence ", words);
	}
	create_card(run, line, name, uid, &r->emails, raw, ch, &w);
	free(raw);
	sbuf_free(&w);
}

/* Why a row's emails or channel cannot be used, into why; 0 when they can. */
static int row_check(const struct import_row *r, char via[16], struct sbuf *why)
{
	size_t i;

	for (i = 0; i < r->emails.n; i++)
		if (!sh_email_ok(r->emails.v[i])) {
			sbuf_addf(why, "'%s' is not an email address (like "
				  "name@example.org)", r->emails.v[i]);
			return -1;
		}
	snprintf(via, 16, "other");
	if (!r->via[0])
		return 0;
	for (i = 0; sh_channels[i]; i++)
		if (strcasecmp(r->via, sh_channels[i]) == 0) {
			snprintf(via, 16, "%s", sh_channels[i]);
			return 0;
		}
	sbuf_addf(why, "'%s' is not a channel (phone, email, text, meet, video, "
		  "letter, gift, intro, other)", r->via);
	return -1;
}

/* The log entry a row asks for, into e (its text points into r): 1, or 0 when none. */
static int row_entry(const struct import_map *m, const struct import_row *r,
		     const char *via, struct vcard_log *e)
{
	char *key;

	if (!r->last[0])
		return 0;
	memset(e, 0, sizeof *e);
	memcpy(e->date, r->last, 11);
	snprintf(e->via, sizeof e->via, "%s", via);
	e->text = r->notes && *r->notes ? r->notes :
		  m->connected ? "Connected on LinkedIn" : "";
	if (r->id[0]) {
		memcpy(e->id, r->id, 9);
		return 1;
	}
	key = import_row_key(r);
	import_log_id(key, e->date, e->text, e->id);
	free(key);
	return 1;
}

static void import_row(struct run *run, const struct import_map *m,
		       size_t line, const struct import_row *r)
{
	struct sbuf why = {0};
	struct vcard_log e;
	struct changes ch = {r->cadence, &e, 0, 1};
	enum query_found how;
	const char *name = r->name && *r->name ? r->name :
			   r->emails.n ? r->emails.v[0] : NULL;
	char via[16];
	long id;

	if (row_check(r, via, &why) < 0) {
		report(run, line, PLAN_FAILED, name, why.buf);
		goto out;
	}
	if (!name) {
		report(run, line, PLAN_SKIPPED, "", "no name and no email");
		goto out;
	}
	ch.nlog = (size_t)row_entry(m, r, via, &e);
	/* A sheet's log id is the entry's own (kith's export): only that id says it is there. */
	ch.by_date = !r->id[0];
	query_match_find(run->index, NULL, &r->emails, name, &id, &how);
	if (how == QUERY_FOUND_AMBIGUOUS)
		report(run, line, PLAN_SKIPPED, name, "several people have that name; "
		       "an email column tells them apart");
	else if (id)
		apply_matched(run, line, id, how, &ch);
	else
		row_new(run, line, r, name, &ch);
out:
	sbuf_free(&why);
}

/* Whether every field of a record is empty (",,,"). */
static int record_empty(const struct strv *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->v[i][strspn(f->v[i], " \t")])
			return 0;
	return 1;
}

/* "line 4: why" as the reader words it: the why, for the report. */
static const char *without_line(const char *msg)
{
	const char *p = str_starts(msg, "line ") ? strstr(msg, ": ") : NULL;

	return p ? p + 2 : msg;
}

/* The header with fields apart by sep: 1 found (m, *line filled), 0 not. */
static int header_with(const char *data, size_t len, char sep,
		       struct csv_reader *rd, struct import_map *m, size_t *line)
{
	struct strv f = {0};
	struct kerr err;
	size_t seen;
	int found = 0;

	csv_init(rd, data, len);
	rd->sep = sep;
	for (seen = 0; seen < IMPORT_PREAMBLE_MAX && !found; seen++) {
		enum csv_status st = csv_next(rd, &f, line, &err);

		if (st == CSV_END || st == CSV_FATAL)
			break;
		found = st == CSV_ROW && import_header(&f, m);
	}
	strv_free(&f);
	return found;
}

/*
 * The header: the first record naming a name or email column, after at
 * most IMPORT_PREAMBLE_MAX others, with fields apart by commas, else by
 * semicolons (Excel where the decimal mark is a comma), else by tabs.
 * rd is left just after it. 1 found, 0 not (said).
 */
static int csv_header(struct run *run, const char *data, size_t len,
		      struct csv_reader *rd, struct import_map *m, size_t *line)
{
	static const char seps[] = ",;\t";
	size_t i;

	for (i = 0; seps[i]; i++)
		if (header_with(data, len, seps[i], rd, m, line))
			return 1;
	say_error("%s: no header row naming the columns (Name or First Name, "
		  "Email, ...) in its first %d lines", run->file, IMPORT_PREAMBLE_MAX);
	return 0;
}

/* The rows of a CSV file; -1 when it has no header (said). */
static int import_csv(struct run *run, const char *data, size_t len)
{
	struct csv_reader rd;
	struct import_map m;
	struct strv f = {0};
	struct kerr err;
	size_t line;

	if (!csv_header(run, data, len, &rd, &m, &line))
		return -1;
	if (run->dry)
		term_printf(stdout, "%s: %s, header on line %zu%s\n", run->file,
			    m.format, line, rd.sep == ';' ? ", fields apart by ';'" :
			    rd.sep == '\t' ? ", fields apart by tabs" : "");
	while (!run->storage_failed) {
		enum csv_status st = csv_next(&rd, &f, &line, &err);
		struct import_row r;

		if (st == CSV_END)
			break;
		if (st != CSV_ROW) {
			report(run, line, PLAN_FAILED, "", without_line(err.msg));
			continue;
		}
		if (record_empty(&f))
			continue;
		if (import_row_read(&m, &f, run->ctx->today, &r, &err) < 0)
			report(run, line, PLAN_FAILED, r.name ? r.name : "", err.msg);
		else
			import_row(run, &m, line, &r);
		import_row_free(&r);
	}
	strv_free(&f);
	import_map_free(&m);
	return 0;
}

/* ---- vCard ---------------------------------------------------------------- */

/*
 * A card from the file as it will be stored: its bytes, with a UID added
 * when it has none (a server may refuse a card without one; Radicale
 * does) and a line break after END:VCARD when the file ended without
 * one. The caller frees; NULL with err.
 */
static char *card_text(const struct import_card *c, const struct vcard_info *vi,
		       char added[48], struct kerr *err)
{
	char uid[37], *raw = xstrndup(c->start, c->len), *v, *more;
	size_t n;

	if (c->len && c->start[c->len - 1] != '\n') {
		more = xasprintf("%s\r\n", raw);
		free(raw);
		raw = more;
	}
	if (vi->uid && *vi->uid)
		return raw;
	if (sh_new_uuid(uid) < 0) {
		kerr_set(err, "cannot read /dev/urandom for a new UID: %s",
			 strerror(errno));
		free(raw);
		return NULL;
	}
	v = vi->version == 40 ? xasprintf("urn:uuid:%s", uid) : xstrdup(uid);
	snprintf(added, 48, "%s", v);
	more = vcard_add(raw, strlen(raw), "UID", v, &n, err);
	free(v);
	free(raw);
	return more;
}

/*
 * Why the bytes of c cannot be a card kith keeps, into w; 0 when they
 * can. As for a sheet's fields: UTF-8 text, with no control character
 * but the line breaks and tab (a card goes to the server as it is, and
 * some servers refuse every request holding a card that is not text).
 */
static int card_bytes_ok(const struct import_card *c, struct sbuf *w)
{
	size_t off, k;
	long cp;

	for (off = 0; off < c->len; off += k) {
		k = str_utf8_next(c->start + off, c->len - off, &cp);
		if (cp < 0) {
			sbuf_adds(w, "the card is not valid UTF-8 (convert the file, "
				  "e.g. iconv -f latin1 -t utf-8)");
			return -1;
		}
		if ((cp < 0x20 && cp != '\t' && cp != '\r' && cp != '\n') ||
		    (cp >= 0x7f && cp < 0xa0)) {
			sbuf_addf(w, "the card has a control character (U+%04lX at "
				  "byte %zu)", (unsigned long)cp, off + 1);
			return -1;
		}
	}
	return 0;
}

static void import_card(struct run *run, const struct import_card *c)
{
	struct vcard_info vi;
	struct sbuf w = {0};
	struct kerr err;
	enum query_found how;
	const char *name;
	char *raw = NULL;
	long id;

	memset(&vi, 0, sizeof vi);
	if (card_bytes_ok(c, &w) < 0) {
		report(run, c->line, PLAN_FAILED, "", w.buf);
		goto out;
	}
	vcard_read(c->start, c->len, &vi);
	name = vi.fn && *vi.fn ? vi.fn : vi.emails.n ? vi.emails.v[0] : NULL;
	if (!vi.ok) {
		sbuf_addf(&w, "cannot read the card: %s", vi.why);
		report(run, c->line, PLAN_FAILED, name, w.buf);
		goto out;
	}
	if (vi.is_group) {
		report(run, c->line, PLAN_SKIPPED, name, "a group, not a person");
		goto out;
	}
	if (!name) {
		report(run, c->line, PLAN_SKIPPED, "", "no name and no email");
		goto out;
	}
	query_match_find(run->index, vi.uid, &vi.emails, name, &id, &how);
	if (how == QUERY_FOUND_AMBIGUOUS) {
		report(run, c->line, PLAN_SKIPPED, name, "several people have that "
		       "name and none this card's UID or email");
	} else if (id) {
		struct changes ch = {vi.annot.cadence, vi.annot.log, vi.annot.nlog, 0};

		apply_matched(run, c->line, id, how, &ch);
	} else {
		struct changes none = {"", NULL, 0, 0};

		char uid[48];

		raw = card_text(c, &vi, uid, &err);
		if (!raw) {
			report(run, c->line, PLAN_FAILED, name, err.msg);
			goto out;
		}
		sbuf_addf(&w, "the card as it is (vCard %d.%d%s)", vi.version / 10,
			  vi.version % 10, vi.uid && *vi.uid ? "" : ", a UID added");
		create_card(run, c->line, name, vi.uid && *vi.uid ? vi.uid : uid,
			    &vi.emails, raw, &none, &w);
	}
out:
	free(raw);
	sbuf_free(&w);
	vcard_info_free(&vi);
}

/* The cards of a vCard file; -1 when it has none (said). */
static int import_vcf(struct run *run, const char *data, size_t len)
{
	struct import_card *cards = NULL;
	struct kerr err;
	size_t n = 0, i;
	int split = import_vcf_split(data, len, &cards, &n, &err);

	if (run->dry)
		term_printf(stdout, "%s: a vCard file, %zu card%s\n", run->file, n,
			    n == 1 ? "" : "s");
	for (i = 0; i < n && !run->storage_failed; i++)
		import_card(run, &cards[i]);
	if (split < 0 && !run->storage_failed) {
		size_t line = 0;

		sscanf(err.msg, "line %zu", &line);
		report(run, line, PLAN_FAILED, "", without_line(err.msg));
	}
	free(cards);
	if (n == 0 && split == 0) {
		say_error("%s: no card in it (BEGIN:VCARD ... END:VCARD)", run->file);
		return -1;
	}
	return 0;
}

/* ---- the command ---------------------------------------------------------- */

/* Whether a file is a vCard file: by its name, else by its first line. */
static int is_vcf(const char *path, const char *data, size_t len)
{
	const char *dot = strrchr(path, '.');
	size_t i = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;

	if (dot && (strcasecmp(dot, ".vcf") == 0 || strcasecmp(dot, ".vcard") == 0))
		return 1;
	if (dot && strcasecmp(dot, ".csv") == 0)
		return 0;
	while (i < len && (data[i] == ' ' || data[i] == '\r' || data[i] == '\n'))
		i++;
	return len - i >= 11 && strncasecmp(data + i, "BEGIN:VCARD", 11) == 0;
}

/* The file at path, or NULL after saying why. */
static char *read_path(const char *path, size_t *len)
{
	struct stat sb;
	char *data;

	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		say_error("%s is a folder: import takes a .csv or .vcf file", path);
		return NULL;
	}
	if (stat(path, &sb) == 0 && sb.st_size > IMPORT_FILE_MAX) {
		say_error("%s is larger than %ld MB: not a contacts export", path,
			  IMPORT_FILE_MAX >> 20);
		return NULL;
	}
	data = read_file(path, len);
	if (!data)
		say_error("cannot read %s: %s", path, strerror(errno));
	return data;
}

/* The whole file, or NULL after saying why. */
static char *read_input(const char *arg, size_t *len)
{
	const char *home = getenv("HOME");
	char *data, *path;

	/* Inside kith's shell no sh expands "~/contacts.csv". */
	path = str_starts(arg, "~/") && home ? xasprintf("%s%s", home, arg + 1) :
	       xstrdup(arg);
	data = read_path(path, len);
	free(path);
	return data;
}

/* The book new people go to, into run; an exit status. */
static int import_book(struct run *run, const char *url)
{
	struct kerr err;

	if (query_book(run->ctx->cache, url, &run->book, &run->book_url, &err) < 0) {
		say_error("%s", err.msg);
		return EXIT_FAIL;
	}
	if (run->book) {
		run->book_path = sh_url_path(run->book_url);
		return EXIT_OK;
	}
	if (url)
		say_error("no address book %s: 'account list' shows the books", url);
	else
		say_error("no address book yet for new people: run 'kith account add "
			  "NAME URL --user USER', then 'kith sync'");
	return EXIT_USAGE;
}

/* The plan's table, then what it adds up to. */
static void import_summary(struct run *run)
{
	size_t *k = run->counts;
	size_t total = k[PLAN_MATCHED] + k[PLAN_NEW] + k[PLAN_SKIPPED] + k[PLAN_FAILED];
	struct sbuf b = {0};

	if (run->dry && run->table.nrows)
		out_table_render(&run->table, &b, (size_t)out_columns(), out_cut());
	sbuf_addf(&b, "%s %zu: %zu matched, %zu new, %zu skipped",
		  run->dry ? "would import" : "imported", total, k[PLAN_MATCHED],
		  k[PLAN_NEW], k[PLAN_SKIPPED]);
	if (k[PLAN_FAILED])
		sbuf_addf(&b, ", %zu with errors", k[PLAN_FAILED]);
	if (run->dry)
		sbuf_adds(&b, " (--dry-run: nothing changed)");
	else if (k[PLAN_NEW])
		sbuf_adds(&b, "; 'sync' puts the new people on the server");
	sbuf_addc(&b, '\n');
	sh_flush(&b);
}

int cmd_import(struct ctx *ctx, int argc, char **argv)
{
	static const struct out_col cols[] = {
		{.head = "LINE", .right = 1}, {.head = "PLAN"},
		{.head = "NAME", .give = 12, .least = 8},
		{.head = "WHAT", .fit = OUT_FILL, .min = 10},
	};
	struct run run;
	struct kerr err;
	char *book = NULL, *data = NULL;
	size_t len = 0;
	int rc;

	memset(&run, 0, sizeof run);
	run.ctx = ctx;
	if (opt_take(&argc, argv, "--book", 1, &book) < 0)
		return EXIT_USAGE;
	run.dry = opt_take(&argc, argv, "--dry-run", 0, NULL);
	if (run.dry < 0 || argc != 2)
		return cmd_usage_error("import", NULL);
	run.file = argv[1];
	out_table_init(&run.table, cols, sizeof cols / sizeof cols[0]);
	data = read_input(run.file, &len);
	rc = EXIT_USAGE;
	if (!data)
		goto out;
	rc = import_book(&run, book);
	if (rc != EXIT_OK)
		goto out;
	rc = EXIT_FAIL;
	if (cache_begin(ctx->cache, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	run.index = query_match_load(ctx->cache, &err);
	if (!run.index) {
		cache_rollback(ctx->cache);
		say_error("%s", err.msg);
		goto out;
	}
	if ((is_vcf(run.file, data, len) ? import_vcf(&run, data, len) :
	     import_csv(&run, data, len)) < 0 || run.storage_failed) {
		cache_rollback(ctx->cache);
		goto out;
	}
	if (run.dry) {
		cache_rollback(ctx->cache);
	} else if (cache_commit(ctx->cache, &err) < 0) {
		say_error("%s; nothing imported", err.msg);
		goto out;
	}
	import_summary(&run);
	rc = run.counts[PLAN_FAILED] ? EXIT_FAIL : EXIT_OK;
out:
	query_match_free(run.index);
	out_table_free(&run.table);
	free(run.book_url);
	free(run.book_path);
	free(data);
	return rc;
}
