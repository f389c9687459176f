/*
 * import.c: reading the rows of a spreadsheet and the cards of a vCard
 * file for import (see import.h). Pure: the shell matches and writes.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "import.h"

/* ---- the header ---------------------------------------------------------- */

/*
 * Column names as the exports write them, lower-cased. Google's numbered
 * columns ("E-mail 2 - Value", "Organization 1 - Name") are matched by
 * col_numbered. Outlook's "Title" is Mr or Dr, so it is not the job title.
 */
static const struct {
	const char *name;
	enum import_col col;
} col_names[] = {
	{"name", IMPORT_NAME}, {"full name", IMPORT_NAME},
	{"display name", IMPORT_NAME}, {"contact", IMPORT_NAME},
	{"contact name", IMPORT_NAME}, {"person", IMPORT_NAME},
	{"first name", IMPORT_GIVEN}, {"given name", IMPORT_GIVEN},
	{"first", IMPORT_GIVEN}, {"forename", IMPORT_GIVEN},
	{"middle name", IMPORT_MIDDLE}, {"additional name", IMPORT_MIDDLE},
	{"last name", IMPORT_FAMILY}, {"family name", IMPORT_FAMILY},
	{"surname", IMPORT_FAMILY}, {"last", IMPORT_FAMILY},
	{"email", IMPORT_EMAIL}, {"e-mail", IMPORT_EMAIL}, {"emails", IMPORT_EMAIL},
	{"email address", IMPORT_EMAIL}, {"e-mail address", IMPORT_EMAIL},
	{"e-mail 2 address", IMPORT_EMAIL}, {"e-mail 3 address", IMPORT_EMAIL},
	{"mail", IMPORT_EMAIL},
	{"phone", IMPORT_PHONE}, {"phones", IMPORT_PHONE}, {"telephone", IMPORT_PHONE},
	{"tel", IMPORT_PHONE}, {"phone number", IMPORT_PHONE}, {"mobile", IMPORT_PHONE},
	{"mobile phone", IMPORT_PHONE}, {"cell", IMPORT_PHONE},
	{"cell phone", IMPORT_PHONE}, {"primary phone", IMPORT_PHONE},
	{"home phone", IMPORT_PHONE}, {"home phone 2", IMPORT_PHONE},
	{"business phone", IMPORT_PHONE}, {"business phone 2", IMPORT_PHONE},
	{"work phone", IMPORT_PHONE}, {"other phone", IMPORT_PHONE},
	{"company", IMPORT_ORG}, {"organization", IMPORT_ORG},
	{"organisation", IMPORT_ORG}, {"org", IMPORT_ORG},
	{"organization name", IMPORT_ORG}, {"employer", IMPORT_ORG},
	{"job title", IMPORT_TITLE}, {"position", IMPORT_TITLE},
	{"organization title", IMPORT_TITLE}, {"role", IMPORT_TITLE},
	{"categories", IMPORT_CATEGORIES}, {"category", IMPORT_CATEGORIES},
	{"labels", IMPORT_CATEGORIES}, {"group membership", IMPORT_CATEGORIES},
	{"groups", IMPORT_CATEGORIES}, {"tags", IMPORT_CATEGORIES},
	{"cadence", IMPORT_CADENCE}, {"frequency", IMPORT_CADENCE},
	{"reconnect", IMPORT_CADENCE}, {"reconnect every", IMPORT_CADENCE},
	{"last contact", IMPORT_LAST}, {"last contacted", IMPORT_LAST},
	{"last contact date", IMPORT_LAST}, {"last touch", IMPORT_LAST},
	{"last seen", IMPORT_LAST}, {"last met", IMPORT_LAST},
	{"connected on", IMPORT_LAST}, {"date", IMPORT_LAST},
	{"notes", IMPORT_NOTES}, {"note", IMPORT_NOTES}, {"comments", IMPORT_NOTES},
	{"comment", IMPORT_NOTES}, {"memo", IMPORT_NOTES}, {"text", IMPORT_NOTES},
	{"channel", IMPORT_CHANNEL}, {"via", IMPORT_CHANNEL},
	{"id", IMPORT_LOGID}, {"log id", IMPORT_LOGID},
};

/* "e-mail 2 - value": PREFIX N SUFFIX. */
static int numbered(const char *h, const char *prefix, const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix), hl = strlen(h), d;

	if (hl <= pl + sl || strncmp(h, prefix, pl) != 0 ||
	    strcmp(h + hl - sl, suffix) != 0)
		return 0;
	d = strspn(h + pl, "0123456789");
	return d > 0 && pl + d + sl == hl;
}

/* Google Contacts' numbered columns. */
static enum import_col col_numbered(const char *h)
{
	if (numbered(h, "e-mail ", " - value") || numbered(h, "email ", " - value"))
		return IMPORT_EMAIL;
	if (numbered(h, "phone ", " - value"))
		return IMPORT_PHONE;
	if (numbered(h, "organization ", " - name"))
		return IMPORT_ORG;
	if (numbered(h, "organization ", " - title"))
		return IMPORT_TITLE;
	return IMPORT_IGNORED;
}

/* A header field trimmed, lower-cased (ASCII) and with runs of blanks as one space. */
static char *header_key(const char *s)
{
	struct sbuf b = {0};
	int space = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isspace(c) || c == '_') {
			space = b.len > 0;
			continue;
		}
		if (space)
			sbuf_addc(&b, ' ');
		space = 0;
		sbuf_addc(&b, (char)tolower(c));
	}
	return b.buf ? sbuf_detach(&b, NULL) : xstrdup("");
}

static enum import_col col_of(const char *field)
{
	char *h = header_key(field);
	enum import_col c = col_numbered(h);
	size_t i;

	for (i = 0; c == IMPORT_IGNORED && i < sizeof col_names / sizeof col_names[0]; i++)
		if (strcmp(h, col_names[i].name) == 0)
			c = col_names[i].col;
	free(h);
	return c;
}

/* Whether a header field, as written, reads key (lower-cased). */
static int has_header(const struct strv *fields, const char *key)
{
	size_t i;
	int yes = 0;

	for (i = 0; i < fields->n && !yes; i++) {
		char *h = header_key(fields->v[i]);

		yes = strcmp(h, key) == 0;
		free(h);
	}
	return yes;
}

/* Which export a header comes from, by the columns only it has. */
static const char *header_format(const struct strv *fields)
{
	if (has_header(fields, "e-mail 1 - value"))
		return "Google Contacts";
	if (has_header(fields, "connected on"))
		return "LinkedIn";
	if (has_header(fields, "e-mail address"))
		return "Outlook";
	if (has_header(fields, "uid") && (has_header(fields, "cadence") ||
					  has_header(fields, "channel")))
		return "kith";
	return "a sheet";
}

int import_header(const struct strv *fields, struct import_map *m)
{
	size_t i;
	int findable = 0;

	memset(m, 0, sizeof *m);
	m->cols = xcalloc(fields->n ? fields->n : 1, sizeof *m->cols);
	m->ncols = fields->n;
	for (i = 0; i < fields->n; i++) {
		m->cols[i] = col_of(fields->v[i]);
		findable |= m->cols[i] == IMPORT_NAME || m->cols[i] == IMPORT_GIVEN ||
			    m->cols[i] == IMPORT_FAMILY || m->cols[i] == IMPORT_EMAIL;
	}
	if (!findable) {
		import_map_free(m);
		return 0;
	}
	m->format = header_format(fields);
	m->connected = has_header(fields, "connected on");
	return 1;
}

void import_map_free(struct import_map *m)
{
	if (!m)
		return;
	free(m->cols);
	memset(m, 0, sizeof *m);
}

/* ---- dates and cadences --------------------------------------------------- */

static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"};

/* A month's name or its first three letters (any case): 1-12, or 0. */
static int month_of(const char *s, size_t n)
{
	static const char *const full[] = {"january", "february", "march", "april",
		"may", "june", "july", "august", "september", "october", "november",
		"december"};
	int i;

	for (i = 0; i < 12; i++)
		if ((n == 3 && strncasecmp(s, months[i], 3) == 0) ||
		    (n == 4 && strncasecmp(s, "sept", 4) == 0 && i == 8) ||
		    (n == strlen(full[i]) && strncasecmp(s, full[i], n) == 0))
			return i + 1;
	return 0;
}

/* Splits s into up to 3 tokens of digits or letters: their starts and lengths. */
static int date_tokens(const char *s, const char *tok[3], size_t len[3])
{
	int n = 0;

	while (*s) {
		size_t k;

		if (isdigit((unsigned char)*s))
			k = strspn(s, "0123456789");
		else if (isalpha((unsigned char)*s))
			for (k = 0; isalpha((unsigned char)s[k]); k++)
				;
		else if (strchr(" ,./-", *s)) {
			s++;
			continue;
		} else
			return -1;
		if (n == 3)
			return -1;
		tok[n] = s;
		len[n++] = k;
		s += k;
	}
	return n;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]) || v > 100000)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return n ? v : -1;
}

/* A calendar day as three numbers. */
struct ymd {
	int y, m, d;
};

static struct ymd ymd_of(int y, int m, int d)
{
	struct ymd v = {y, m, d};

	return v;
}

/*
 * The day three tokens give, in any of the orders import_date takes;
 * dmy: the numbers were written with dots (12.03.2021), which is day
 * first wherever it is written. *ambiguous when day and month cannot be
 * told apart.
 */
static int date_ymd_of(const char *tok[3], const size_t len[3], int dmy,
		       struct ymd *v, int *ambiguous)
{
	int a = num(tok[0], len[0]), b = num(tok[1], len[1]), c = num(tok[2], len[2]);
	int mon0 = month_of(tok[0], len[0]), mon1 = month_of(tok[1], len[1]);
	int year_last = len[2] == 4 && c >= 0;

	*ambiguous = 0;
	if (len[0] == 4 && a >= 0 && b >= 0 && c >= 0)		/* 2021-03-12 */
		*v = ymd_of(a, b, c);
	else if (a >= 0 && mon1 && year_last)			/* 12 Mar 2021 */
		*v = ymd_of(c, mon1, a);
	else if (mon0 && b >= 0 && year_last)			/* March 12, 2021 */
		*v = ymd_of(c, mon0, b);
	else if (a >= 0 && b >= 0 && year_last && (dmy || (a > 12 && b <= 12)))
		*v = ymd_of(c, b, a);				/* 25/12/2020 */
	else if (a >= 0 && b >= 0 && year_last && b > 12 && a <= 12)
		*v = ymd_of(c, a, b);				/* 12/25/2020 */
	else if (a >= 0 && b >= 0 && year_last)
		*ambiguous = 1;
	else
		return -1;
	return 0;
}

int import_date(const char *s, char out[11], struct kerr *err)
{
	char buf[64];
	const char *tok[3];
	size_t len[3], n = strlen(s);
	struct ymd v = {0, 0, 0};
	int ambiguous;
	long day;

	/* 2021-03-12T10:00:00Z and 2021-03-12 10:00: the date part. */
	if (n > 10 && isdigit((unsigned char)s[0]) && s[4] == '-' && s[7] == '-' &&
	    (s[10] == 'T' || s[10] == ' '))
		n = 10;
	if (n >= sizeof buf)
		goto bad;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (date_tokens(buf, tok, len) != 3 ||
	    date_ymd_of(tok, len, strchr(buf, '.') && !strchr(buf, '/'), &v,
			&ambiguous) < 0)
		goto bad;
	if (ambiguous) {
		kerr_set(err, "'%s' could be day/month or month/day: write it as "
			 "YYYY-MM-DD", s);
		return -1;
	}
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", v.y, v.m, v.d);
	if (v.y < 1 || v.y > 9999 || date_parse(buf, &day, err) < 0)
		goto bad;
	memcpy(out, buf, 11);
	return 0;
bad:
	kerr_set(err, "'%s' is not a date (like 2021-03-12 or 12 Mar 2021)", s);
	return -1;
}

int import_cadence(const char *s, char iso[16], struct kerr *err)
{
	static const struct {
		const char *word, *iso;
	} words[] = {
		{"daily", "P1D"}, {"weekly", "P1W"}, {"fortnightly", "P2W"},
		{"biweekly", "P2W"}, {"monthly", "P1M"}, {"quarterly", "P3M"},
		{"yearly", "P1Y"}, {"annually", "P1Y"},
	};
	struct duration dur;
	char *t = NULL;
	size_t i;
	int rc = -1;

	iso[0] = '\0';
	if (!*s || strcasecmp(s, "off") == 0 || strcasecmp(s, "none") == 0 ||
	    strcmp(s, "-") == 0)
		return 0;
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcasecmp(s, words[i].word) == 0) {
			snprintf(iso, 16, "%s", words[i].iso);
			return 0;
		}
	/* "every week" is one week. */
	if (strncasecmp(s, "every ", 6) == 0 && isalpha((unsigned char)s[6]))
		t = xasprintf("1 %s", s + 6);
	else
		t = xstrdup(strncasecmp(s, "every ", 6) == 0 ? s + 6 : s);
	if (duration_parse(t, &dur, err) == 0) {
		duration_iso(&dur, iso);
		rc = 0;
	} else {
		kerr_set(err, "'%s' is not a cadence (like 30d, 2w, 3m, 1y or "
			 "monthly)", s);
	}
	free(t);
	return rc;
}

/* ---- rows ----------------------------------------------------------------- */

/* s trimmed, with line breaks and tabs as spaces unless keep_lines. The caller frees. */
static char *clean_text(const char *s, int keep_lines)
{
	size_t n = strlen(s), i;
	char *t;

	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	t = xstrndup(s, n);
	for (i = 0; !keep_lines && i < n; i++)
		if (t[i] == '\n' || t[i] == '\t' || t[i] == '\r')
			t[i] = ' ';
	return t;
}

/* Appends the values of s split at any of seps (or ":::") to l, trimmed, each once (ASCII case ignored). */
static void add_values(struct strv *l, const char *s, const char *seps)
{
	while (*s) {
		size_t n = strcspn(s, seps), k;
		const char *ddd = strstr(s, ":::");
		char *v;
		int dup = 0;

		if (ddd && (size_t)(ddd - s) < n)
			n = (size_t)(ddd - s);
		v = xstrndup(s, n);
		s += n;
		s += *s == ':' ? 3 : *s ? 1 : 0;
		{
			char *c = clean_text(v, 0);

			free(v);
			v = c;
		}
		for (k = 0; k < l->n; k++)
			dup |= strcasecmp(l->v[k], v) == 0;
		if (!*v || dup)
			free(v);
		else
			strv_push_own(l, v);
	}
}

/* Sets *slot to the cleaned value when empty (the first column with a value wins). */
static void first_value(char **slot, const char *v, int keep_lines)
{
	if (*slot && **slot)
		return;
	free(*slot);
	*slot = clean_text(v, keep_lines);
}

/* The name parts a row gives, joined: given, middle, family. */
static char *joined_name(char *parts[3])
{
	struct sbuf b = {0};
	int i;

	for (i = 0; i < 3; i++)
		if (parts[i] && *parts[i])
			sbuf_addf(&b, "%s%s", b.len ? " " : "", parts[i]);
	return b.buf ? sbuf_detach(&b, NULL) : NULL;
}

/* A categories field: Google's system groups ("* myContacts", "* starred") left out. */
static void add_categories(struct strv *l, const char *s)
{
	struct strv all = {0};
	size_t i;

	add_values(&all, s, strstr(s, ":::") ? "" : ",;");
	for (i = 0; i < all.n; i++)
		if (!(all.v[i][0] == '*' && all.v[i][1] == ' '))
			strv_push(l, all.v[i]);
	strv_free(&all);
}

/* The text fields of a row, by column. */
static void row_field(struct import_row *r, enum import_col c, const char *v,
		      char *parts[3], char **cadence, char **last, char **id)
{
	switch (c) {
	case IMPORT_NAME: first_value(&r->name, v, 0); break;
	case IMPORT_GIVEN: first_value(&parts[0], v, 0); break;
	case IMPORT_MIDDLE: first_value(&parts[1], v, 0); break;
	case IMPORT_FAMILY: first_value(&parts[2], v, 0); break;
	case IMPORT_EMAIL: add_values(&r->emails, v, ",; \t\n"); break;
	case IMPORT_PHONE: add_values(&r->phones, v, ";\n"); break;
	case IMPORT_ORG: first_value(&r->org, v, 0); break;
	case IMPORT_TITLE: first_value(&r->title, v, 0); break;
	case IMPORT_CATEGORIES: add_categories(&r->categories, v); break;
	case IMPORT_CADENCE: first_value(cadence, v, 0); break;
	case IMPORT_LAST: first_value(last, v, 0); break;
	case IMPORT_NOTES: first_value(&r->notes, v, 1); break;
	case IMPORT_CHANNEL: {
		char *t = clean_text(v, 0);

		if (!r->via[0])
			snprintf(r->via, sizeof r->via, "%s", t);
		free(t);
		break;
	}
	case IMPORT_LOGID: first_value(id, v, 0); break;
	case IMPORT_IGNORED: break;
	}
}

/* The id column: 8 hex digits (lower-cased into r->id), or empty. */
static int row_id(struct import_row *r, const char *id, struct kerr *err)
{
	size_t i;

	if (!id || !*id)
		return 0;
	if (strlen(id) != 8 || strspn(id, "0123456789abcdefABCDEF") != 8) {
		kerr_set(err, "'%s' is not a log id (8 hex digits)", id);
		return -1;
	}
	for (i = 0; i < 8; i++)
		r->id[i] = (char)tolower((unsigned char)id[i]);
	r->id[8] = '\0';
	return 0;
}

int import_row_read(const struct import_map *m, const struct strv *fields,
		    long today, struct import_row *r, struct kerr *err)
{
	char *parts[3] = {NULL, NULL, NULL}, *cadence = NULL, *last = NULL, *id = NULL;
	size_t i;
	int rc = -1;
	long day;

	memset(r, 0, sizeof *r);
	for (i = 0; i < m->ncols && i < fields->n; i++)
		row_field(r, m->cols[i], fields->v[i], parts, &cadence, &last, &id);
	if (!r->name || !*r->name) {
		free(r->name);
		r->name = joined_name(parts);
	}
	if (cadence && import_cadence(cadence, r->cadence, err) < 0)
		goto out;
	if (last && *last) {
		if (import_date(last, r->last, err) < 0)
			goto out;
		if (date_parse(r->last, &day, err) < 0)
			goto out;
		if (day > today) {
			kerr_set(err, "the last contact %s is in the future", r->last);
			goto out;
		}
	}
	if (row_id(r, id, err) < 0)
		goto out;
	rc = 0;
out:
	for (i = 0; i < 3; i++)
		free(parts[i]);
	free(cadence);
	free(last);
	free(id);
	return rc;
}

void import_row_free(struct import_row *r)
{
	if (!r)
		return;
	free(r->name);
	strv_free(&r->emails);
	strv_free(&r->phones);
	strv_free(&r->categories);
	free(r->org);
	free(r->title);
	free(r->notes);
	memset(r, 0, sizeof *r);
}

/* ---- log ids -------------------------------------------------------------- */

static uint64_t fnv1a(uint64_t h, const char *s)
{
	/* A separator no text holds, so ("ab", "c") and ("a", "bc") differ. */
	return str_hash(str_hash(h, s, strlen(s)), "\x1f", 1);
}

void import_log_id(const char *key, const char *date, const char *text,
		   char id[9])
{
	uint64_t h = STR_HASH_INIT;

	h = fnv1a(h, "kith-import");
	h = fnv1a(h, key ? key : "");
	h = fnv1a(h, date ? date : "");
	h = fnv1a(h, text ? text : "");
	snprintf(id, 9, "%08x", (unsigned)((h >> 32) ^ (h & 0xffffffffu)));
}

char *import_row_key(const struct import_row *r)
{
	const char *k = r->emails.n ? r->emails.v[0] : r->name ? r->name : "";
	char *s = xstrdup(k), *p;

	for (p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* ---- vCard files ---------------------------------------------------------- */

/* Whether the line s[0..n) is word (BEGIN:VCARD), blanks and case aside. */
static int line_is(const char *s, size_t n, const char *word)
{
	size_t wl = strlen(word);

	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	return n == wl && strncasecmp(s, word, wl) == 0;
}

int import_vcf_split(const char *data, size_t len, struct import_card **cards,
		     size_t *n, struct kerr *err)
{
	const char *p = data, *end = data + len, *start = NULL;
	size_t line = 1, start_line = 0, cap = 0;
	int depth = 0;

	*cards = NULL;
	*n = 0;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;

		if (line_is(p, (size_t)(next - p) - (nl != NULL), "BEGIN:VCARD")) {
			if (depth++ == 0) {
				start = p;
				start_line = line;
			}
		} else if (depth > 0 &&
			   line_is(p, (size_t)(next - p) - (nl != NULL), "END:VCARD") &&
			   --depth == 0) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 16;
				*cards = xrealloc(*cards, cap * sizeof **cards);
			}
			(*cards)[*n].start = start;
			(*cards)[*n].len = (size_t)(next - start);
			(*cards)[(*n)++].line = start_line;
		}
		p = next;
	}
	if (depth > 0) {
		kerr_set(err, "line %zu: a card begins here and never ends "
			 "(no END:VCARD)", start_line);
		return -1;
	}
	return 0;
}
