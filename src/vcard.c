/*
 * vcard.c: a tolerant vCard 2.1/3.0/4.0 reader and a line-preserving patcher.
 *
 * The reader walks the raw bytes once: physical lines are found with
 * memchr, a property's unfolded text points into the raw bytes unless it
 * was folded (then it is copied into one reused buffer), so a card costs
 * no allocation per line.
 *
 * The patcher reuses the same walk to learn where kith's lines and the
 * NOTE are, then copies the raw bytes around a short list of edits. Every
 * byte outside those edits is copied, never re-serialized (DESIGN.md, "The
 * card on the wire").
 */
#include "vcard.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define VCARD_FOLD 75	/* RFC 6350 3.2: lines SHOULD NOT exceed 75 octets */
#define VCARD_MIRROR_LOG 3

/* One property after unfolding; the text is valid until the next scan. */
struct vc_prop {
	const char *start, *stop;	/* its physical lines in raw, terminators included */
	const char *line;		/* unfolded text */
	size_t len;
	const char *group, *name, *params, *value;
	size_t glen, nlen, plen, vlen;
	int valid;			/* has a name and a ':' */
	int qp;				/* ENCODING=QUOTED-PRINTABLE */
	int charset;			/* a CHARSET parameter is present */
	int charset_utf8;		/* and it says UTF-8 */
	int dangling;			/* QP value ends in a soft break with nothing after */
};

struct vc_scan {
	const char *p, *end;
	struct sbuf buf;
	size_t ncrlf, nlf;
};

enum { KITH_CADENCE = 1, KITH_SNOOZE, KITH_LOG, KITH_ASPIRE };

struct kith_line {
	const char *start, *stop;
	int kind;
	int good;		/* a LOG value kith understands */
};

/* A property vcard_set may change: where it is and how it was written. */
struct core_line {
	const char *start, *stop;
	enum vcard_field field;
	int empty;		/* its value is empty */
	int tel_uri;		/* a TEL written as a tel: URI */
	char *prefix;		/* group.NAME;params as written, or rebuilt */
};

/* What vcard_patch needs to know about the first card, filled by the read. */
struct patch_ctx {
	struct kith_line *kl;
	size_t nkl, capkl;
	int ncad, nsnooze, cad_bad, snooze_bad;
	int naspire;
	struct vcard_annot seen;	/* every good LOG line, duplicates too */
	const char *note_start, *note_stop;
	int note_qp;
	int note_rebuild_prefix;	/* CHARSET/ENCODING in the old prefix */
	char *note_prefix;		/* group.NOTE;params as written */
	char *note_group;
	char *note_full;		/* decoded text of the chosen NOTE */
	char *note_raw;			/* its value as written (unfolded, escaped) */
	size_t note_rawlen;
	const char *end_line;		/* start of the first card's END:VCARD */
	int dangling;
	struct core_line *core;		/* EMAIL, TEL, ORG, CATEGORIES lines */
	size_t ncore;
};

/* ---- small helpers ---- */

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static int eq_ci(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);

	return n == m && strncasecmp(s, lit, m) == 0;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (is_ws(**s) || **s == '\r' || **s == '\n')) {
		(*s)++;
		(*n)--;
	}
	while (*n && (is_ws((*s)[*n - 1]) || (*s)[*n - 1] == '\r' || (*s)[*n - 1] == '\n'))
		(*n)--;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 3629 validation; ASCII runs are skipped eight bytes at a time. */
static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (i + 8 <= n) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if (!(w & 0x8080808080808080ULL)) {
				i += 8;
				continue;
			}
		}
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t k;
		uint32_t cp;
		if (c >= 0xc2 && c <= 0xdf) {
			k = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			k = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + k >= n)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

/* Bytes in an unknown 8-bit charset: kept when UTF-8, else read as Latin-1. */
static void add_charset(struct sbuf *o, const char *s, size_t n)
{
	if (utf8_valid((const unsigned char *)s, n)) {
		sbuf_add(o, s, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			sbuf_addc(o, (char)c);
		} else {
			sbuf_addc(o, (char)(0xc0 | (c >> 6)));
			sbuf_addc(o, (char)(0x80 | (c & 0x3f)));
		}
	}
}

static void qp_decode(struct sbuf *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int h, l;

		if (s[i] == '=' && i + 2 < n &&
		    (h = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (l = hexval((unsigned char)s[i + 2])) >= 0) {
			sbuf_addc(o, (char)(h * 16 + l));
			i += 2;
		} else {
			sbuf_addc(o, s[i]);
		}
	}
}

/*
 * RFC 6350 3.4 TEXT unescaping. Escapes vCard does not define are read as
 * the common clients read them: before ASCII punctuation (Apple and Gmail
 * write \") the backslash goes; before a letter, a digit or anything else
 * it stays, so a sloppy writer's "C:\temp" survives. CRLF (from QP) and a
 * lone CR become LF.
 */
/* Whether "\c" reads as c alone: ASCII punctuation, \, \, and \; included. */
static int unescape_punct(char c)
{
	return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
	       (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

/*
 * How many bytes of the escaped text s[0..n) unescape to exactly want
 * bytes; -1 when no escape boundary falls there. The inverse of unescape
 * for a prefix, so that the user's own text is kept as written.
 */
static long unescaped_prefix(const char *s, size_t n, size_t want)
{
	size_t i = 0, out = 0;

	while (i < n && out < want) {
		if (s[i] == '\\' && i + 1 < n) {
			char c = s[i + 1];

			if (c == 'n' || c == 'N' || unescape_punct(c)) {
				i += 2;
				out++;
			} else {
				i++;
				out++;
			}
		} else if (s[i] == '\r') {
			i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
			out++;
		} else {
			i++;
			out++;
		}
	}
	return out == want ? (long)i : -1;
}

static void unescape(struct sbuf *o, const char *s, size_t n)
{
	size_t i = 0, run = 0;

	while (i < n) {
		if (s[i] == '\\' && i + 1 < n) {
			char c = s[i + 1];

			sbuf_add(o, s + run, i - run);
			if (c == 'n' || c == 'N') {
				sbuf_addc(o, '\n');
			} else if (unescape_punct(c)) {
				sbuf_addc(o, c);
			} else {
				/* The next byte is read on its own (it may be a CR). */
				sbuf_addc(o, '\\');
				i++;
				run = i;
				continue;
			}
			i += 2;
			run = i;
		} else if (s[i] == '\r') {
			/* CRLF and a lone CR are one line break, as vcard_escape writes them. */
			sbuf_add(o, s + run, i - run);
			sbuf_addc(o, '\n');
			i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
			run = i;
		} else {
			i++;
		}
	}
	sbuf_add(o, s + run, n - run);
}

static char *unescape_dup(const char *s, size_t n, int do_trim)
{
	struct sbuf o = {0};

	if (do_trim)
		trim(&s, &n);
	unescape(&o, s, n);
	if (!o.buf)
		return xstrdup("");
	return sbuf_detach(&o, NULL);
}

/* The i-th component of a ';'-separated compound value (N, ORG, ADR). */
static int component(const char *s, size_t n, int idx, const char **cs, size_t *cn)
{
	size_t i = 0, b = 0;
	int k = 0;

	for (;;) {
		if (i == n || s[i] == ';') {
			if (k == idx) {
				*cs = s + b;
				*cn = i - b;
				return 0;
			}
			if (i == n)
				return -1;
			k++;
			b = i + 1;
		} else if (s[i] == '\\' && i + 1 < n) {
			i++;
		}
		i++;
	}
}

/* ---- parameters ---- */

struct param_it {
	const char *p, *end;
};

/* Next parameter: name (may be empty for a 2.1 bare value) and raw value. */
static int param_next(struct param_it *it, const char **nm, size_t *nl,
		      const char **v, size_t *vl)
{
	const char *s;
	int q = 0;

	if (it->p >= it->end)
		return 0;
	if (*it->p == ';')
		it->p++;
	s = it->p;
	while (it->p < it->end && (q || *it->p != ';')) {
		if (*it->p == '"')
			q = !q;
		it->p++;
	}
	const char *eq = memchr(s, '=', (size_t)(it->p - s));
	if (eq) {
		*nm = s;
		*nl = (size_t)(eq - s);
		*v = eq + 1;
		*vl = (size_t)(it->p - eq - 1);
	} else {
		*nm = s;
		*nl = 0;
		*v = s;
		*vl = (size_t)(it->p - s);
	}
	return 1;
}

/* A parameter value without quotes, RFC 6868 caret escapes decoded. */
static void param_value(struct sbuf *o, const char *v, size_t vl)
{
	for (size_t i = 0; i < vl; i++) {
		if (v[i] == '"')
			continue;
		if (v[i] == '^' && i + 1 < vl) {
			char c = v[i + 1];

			if (c == 'n' || c == 'N') {
				sbuf_addc(o, '\n');
				i++;
				continue;
			}
			if (c == '^' || c == '\'') {
				sbuf_addc(o, c == '^' ? '^' : '"');
				i++;
				continue;
			}
		}
		sbuf_addc(o, v[i]);
	}
}

/* Fills the name, group, params and value of an unfolded property. */
static void prop_split(struct vc_prop *p)
{
	const char *s = p->line, *e = p->line + p->len, *c, *q;
	int inq = 0;

	p->valid = 0;
	p->qp = p->charset = p->charset_utf8 = 0;
	for (c = s; c < e && *c != ';' && *c != ':'; c++)
		;
	if (c == e || c == s)
		return;
	p->group = s;
	p->glen = 0;
	p->name = s;
	p->nlen = (size_t)(c - s);
	q = memchr(s, '.', p->nlen);
	if (q) {
		const char *last = q;

		while ((q = memchr(last + 1, '.', (size_t)(c - last - 1))))
			last = q;
		p->glen = (size_t)(last - s);
		p->name = last + 1;
		p->nlen = (size_t)(c - last - 1);
	}
	p->params = c;
	for (q = c; q < e && (inq || *q != ':'); q++)
		if (*q == '"')
			inq = !inq;
	if (q == e) {
		/* An unterminated quote: fall back to the first colon. */
		q = memchr(c, ':', (size_t)(e - c));
		if (!q)
			return;
	}
	p->plen = (size_t)(q - c);
	p->value = q + 1;
	p->vlen = (size_t)(e - q - 1);
	p->valid = p->nlen > 0;

	if (p->plen) {
		struct param_it it = {p->params, p->params + p->plen};
		const char *nm, *v;
		size_t nl, vl;

		while (param_next(&it, &nm, &nl, &v, &vl)) {
			if ((nl == 0 || eq_ci(nm, nl, "ENCODING")) &&
			    eq_ci(v, vl, "QUOTED-PRINTABLE"))
				p->qp = 1;
			else if (eq_ci(nm, nl, "CHARSET")) {
				p->charset = 1;
				p->charset_utf8 = eq_ci(v, vl, "UTF-8");
			}
		}
	}
}

/* ---- the physical line walk ---- */

static void scan_init(struct vc_scan *sc, const char *raw, size_t len)
{
	memset(sc, 0, sizeof *sc);
	sc->p = raw;
	sc->end = raw + len;
	/* A UTF-8 BOM (some Windows exports) is not part of the first line. */
	if (len >= 3 && memcmp(raw, "\xef\xbb\xbf", 3) == 0)
		sc->p += 3;
}

/* One physical line at p: content [p, *cend), next line at *next. */
static void phys_line(struct vc_scan *sc, const char *p, const char **cend,
		      const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(sc->end - p));

	if (nl) {
		*next = nl + 1;
		if (nl > p && nl[-1] == '\r') {
			*cend = nl - 1;
			sc->ncrlf++;
		} else {
			*cend = nl;
			sc->nlf++;
		}
	} else {
		*cend = sc->end;
		*next = sc->end;
	}
}

static int is_end_line(const char *s, const char *e)
{
	size_t n = (size_t)(e - s);

	while (n && is_ws(s[n - 1]))
		n--;
	return n == 9 && strncasecmp(s, "END:VCARD", 9) == 0;
}

/* Points p->line at buffered text once a property spans several lines. */
static void to_buf(struct vc_scan *sc, struct vc_prop *p, int *inbuf)
{
	if (*inbuf)
		return;
	sbuf_reset(&sc->buf);
	sbuf_add(&sc->buf, p->line, p->len);
	*inbuf = 1;
}

/*
 * The next property: folded lines (RFC 6350 3.2, space or tab) are joined
 * byte-wise before anything is validated, so a fold inside a UTF-8
 * sequence is harmless. vCard 2.1 QUOTED-PRINTABLE values continue on the
 * next line after a soft break "=" even without leading white space; an
 * empty line or END:VCARD ends such a value. Empty lines are skipped.
 */
static int scan_next(struct vc_scan *sc, struct vc_prop *p)
{
	const char *cend, *next;
	int inbuf = 0;

	for (;;) {
		if (sc->p >= sc->end)
			return 0;
		phys_line(sc, sc->p, &cend, &next);
		if (cend > sc->p)
			break;
		sc->p = next;
	}
	p->start = sc->p;
	p->line = sc->p;
	p->len = (size_t)(cend - sc->p);
	sc->p = next;
	for (;;) {
		const char *ncend, *nnext;

		if (sc->p >= sc->end)
			break;
		/* Peek without counting the terminator twice. */
		size_t c1 = sc->ncrlf, c2 = sc->nlf;
		phys_line(sc, sc->p, &ncend, &nnext);
		if (p->len && p->line[p->len - 1] == '=' && ncend > sc->p &&
		    !is_end_line(sc->p, ncend)) {
			/* A soft break wins over a fold: the white space is text. */
			prop_split(p);
			if (p->qp) {
				to_buf(sc, p, &inbuf);
				sc->buf.len--;
				sbuf_add(&sc->buf, sc->p, (size_t)(ncend - sc->p));
				sc->p = nnext;
				p->line = sc->buf.buf;
				p->len = sc->buf.len;
				continue;
			}
		}
		if (ncend > sc->p && is_ws(*sc->p)) {
			to_buf(sc, p, &inbuf);
			sbuf_add(&sc->buf, sc->p + 1, (size_t)(ncend - sc->p - 1));
			sc->p = nnext;
			p->line = sc->buf.buf;
			p->len = sc->buf.len;
			continue;
		}
		sc->ncrlf = c1;
		sc->nlf = c2;
		break;
	}
	p->stop = sc->p;
	prop_split(p);
	p->dangling = p->qp && p->len && p->line[p->len - 1] == '=';
	return 1;
}

/* The decoded value: QP and charsets undone, TEXT escapes still in place. */
static void prop_raw_value(const struct vc_prop *p, struct sbuf *tmp,
			   const char **v, size_t *vl)
{
	if (!p->qp && !p->charset) {
		*v = p->value;
		*vl = p->vlen;
		return;
	}
	sbuf_reset(tmp);
	if (p->qp) {
		struct sbuf q = {0};

		qp_decode(&q, p->value, p->vlen);
		add_charset(tmp, q.buf ? q.buf : "", q.len);
		sbuf_free(&q);
	} else {
		add_charset(tmp, p->value, p->vlen);
	}
	*v = tmp->buf ? tmp->buf : "";
	*vl = tmp->len;
}

static int name_is(const struct vc_prop *p, const char *lit)
{
	return eq_ci(p->name, p->nlen, lit);
}

/* ---- kith's values ---- */

/* Days in month m of year y; y 0 stands for "any year" (29 February ok). */
static int month_days(int y, int m)
{
	static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && (y == 0 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return 29;
	return len[m - 1];
}

/* A real calendar day, year 1 to 9999: no 30 February, no year 0. */
static int parse_date(const char *s, size_t n, char out[11])
{
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
		(s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	int d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return -1;
	memcpy(out, s, 10);
	out[10] = '\0';
	return 0;
}

static int parse_cadence(const char *s, size_t n, char out[16])
{
	size_t i;

	if (n < 3 || n > 15 || (s[0] != 'P' && s[0] != 'p'))
		return -1;
	long num = 0;

	for (i = 1; i < n - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		num = num * 10 + (s[i] - '0');
		if (num > 10000)
			return -1;	/* the longest cadence kith keeps */
	}
	if (num == 0 || !strchr("DWMYdwmy", s[n - 1]))
		return -1;	/* P0D is no cadence at all */
	for (i = 0; i < n; i++)
		out[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
	out[n] = '\0';
	return 0;
}

static int via_ok(const char *s, size_t n)
{
	if (n == 0 || n > 15)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '-'))
			return 0;
	return 1;
}

static int id_ok(const char *s, size_t n)
{
	if (n != 8)
		return 0;
	for (size_t i = 0; i < 8; i++)
		if (hexval((unsigned char)s[i]) < 0)
			return 0;
	return 1;
}

/*
 * "DATE SP CHANNEL SP ID SP TEXT". Runs of spaces are accepted because a
 * server that re-folds may leave one; the text is TEXT-escaped.
 */
static int parse_log(const char *s, size_t n, struct vcard_log *e)
{
	const char *f[3];
	size_t fl[3], i = 0;

	while (i < n && s[i] == ' ')
		i++;
	for (int k = 0; k < 3; k++) {
		f[k] = s + i;
		while (i < n && s[i] != ' ')
			i++;
		fl[k] = (size_t)(s + i - f[k]);
		while (i < n && s[i] == ' ')
			i++;
	}
	if (parse_date(f[0], fl[0], e->date) < 0 || !via_ok(f[1], fl[1]) ||
	    !id_ok(f[2], fl[2]))
		return -1;
	for (size_t k = 0; k < fl[1]; k++)
		e->via[k] = (char)(f[1][k] | 0x20 * (f[1][k] >= 'A' && f[1][k] <= 'Z'));
	e->via[fl[1]] = '\0';
	for (size_t k = 0; k < 8; k++)
		e->id[k] = (char)(f[2][k] | 0x20 * (f[2][k] >= 'A' && f[2][k] <= 'F'));
	e->id[8] = '\0';
	size_t tn = n - i;
	while (tn && (s[i + tn - 1] == ' ' || s[i + tn - 1] == '\r'))
		tn--;
	e->text = unescape_dup(s + i, tn, 0);
	return 0;
}

/*
 * The id index: a card may carry tens of thousands of log entries, and
 * reading, merging and checking a push each look every id up, so a linear
 * search would make them quadratic. The index is a cache of log[]: pushes
 * keep it, anything that moves entries drops it (idx_n = 0), and a lookup
 * rebuilds it when it does not cover every entry.
 */
static size_t id_hash(const char *id)
{
	size_t h = 2166136261u;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h;
}

static void idx_insert(struct vcard_annot *a, size_t i)
{
	size_t m = a->idx_cap - 1, k = id_hash(a->log[i].id) & m;

	while (a->idx[k])
		k = (k + 1) & m;
	a->idx[k] = (unsigned)(i + 1);
	a->idx_n++;
}

static void idx_rebuild(struct vcard_annot *a)
{
	size_t cap = 64;

	while (cap < 2 * a->nlog)
		cap *= 2;
	free(a->idx);
	a->idx = xcalloc(cap, sizeof *a->idx);
	a->idx_cap = cap;
	a->idx_n = 0;
	for (size_t i = 0; i < a->nlog; i++)
		idx_insert(a, i);
}

static void idx_drop(struct vcard_annot *a)
{
	a->idx_n = 0;
}

/* The first entry with this id, or -1. The index is a cache: const holds. */
static long annot_find(const struct vcard_annot *ca, const char *id)
{
	struct vcard_annot *a = (struct vcard_annot *)ca;
	size_t m, k;

	if (a->nlog < 16) {
		for (size_t i = 0; i < a->nlog; i++)
			if (strcmp(a->log[i].id, id) == 0)
				return (long)i;
		return -1;
	}
	if (a->idx_n != a->nlog || !a->idx_cap)
		idx_rebuild(a);
	m = a->idx_cap - 1;
	for (k = id_hash(id) & m; a->idx[k]; k = (k + 1) & m)
		if (strcmp(a->log[a->idx[k] - 1].id, id) == 0)
			return (long)a->idx[k] - 1;
	return -1;
}

static void annot_push(struct vcard_annot *a, const struct vcard_log *e, int own)
{
	if (a->nlog == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 8;
		a->log = xrealloc(a->log, a->cap * sizeof *a->log);
	}
	a->log[a->nlog] = *e;
	if (!own)
		a->log[a->nlog].text = xstrdup(e->text ? e->text : "");
	a->nlog++;
	/* Keep a full index full while it has room; else rebuild on need. */
	if (a->idx_cap && a->idx_n == a->nlog - 1 && 2 * a->nlog <= a->idx_cap)
		idx_insert(a, a->nlog - 1);
}

/* ---- the NOTE ---- */

/* Offset of the marker line in text, or -1. */
static long note_marker(const char *t)
{
	size_t ml = strlen(VCARD_NOTE_MARKER);
	const char *p = t;

	while ((p = strstr(p, VCARD_NOTE_MARKER))) {
		if ((p == t || p[-1] == '\n') &&
		    (p[ml] == '\0' || p[ml] == '\n' || (p[ml] == '\r' && p[ml + 1] == '\n')))
			return (long)(p - t);
		p += ml;
	}
	return -1;
}

static char *note_user(const char *t)
{
	long m = note_marker(t);

	if (m < 0)
		return xstrdup(t);
	if (m > 0)
		m--;	/* the newline that ends the user's text */
	return xstrndup(t, (size_t)m);
}

/* ---- the card walk shared by read and patch ---- */

static void set_why(struct vcard_info *out, const char *why)
{
	out->ok = 0;
	free(out->why);
	out->why = xstrdup(why);
}

static void set_once(char **dst, char *s)
{
	if (*dst || !s || !*s) {
		free(s);
		return;
	}
	*dst = s;
}

/* Whether the four digits at md are a month and a day it has in year y. */
static int md_ok(int y, const char *md)
{
	int m = (md[0] - '0') * 10 + (md[1] - '0');
	int d = (md[2] - '0') * 10 + (md[3] - '0');

	return m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

static char *bday_norm(const char *s, size_t n, const char *omit)
{
	char d[16];
	size_t k = 0;
	int y;

	trim(&s, &n);
	if (n >= 2 && s[0] == '-' && s[1] == '-') {
		/* --MMDD or --MM-DD */
		for (size_t i = 2; i < n && k < 4; i++)
			if (s[i] >= '0' && s[i] <= '9')
				d[k++] = s[i];
		if (k != 4 || !md_ok(0, d))
			return NULL;
		return xasprintf("--%.2s-%.2s", d, d + 2);
	}
	for (size_t i = 0; i < n && k < 8 && s[i] != 'T'; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			d[k++] = s[i];
		else if (s[i] != '-')
			return NULL;
	}
	if (k != 8)
		return NULL;
	y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	if (!md_ok(y, d + 4))
		return NULL;	/* 0000-02-30: no such day, no birthday */
	/*
	 * Apple writes an unknown year as 1604 with X-APPLE-OMIT-YEAR=1604;
	 * others write year 0000, which no calendar has.
	 */
	if (y == 0 || (omit && strncmp(omit, d, 4) == 0))
		return xasprintf("--%.2s-%.2s", d + 4, d + 6);
	return xasprintf("%.4s-%.2s-%.2s", d, d + 4, d + 6);
}

static void kl_push(struct patch_ctx *pc, const struct vc_prop *p, int kind, int good)
{
	if (pc->nkl == pc->capkl) {
		pc->capkl = pc->capkl ? pc->capkl * 2 : 8;
		pc->kl = xrealloc(pc->kl, pc->capkl * sizeof *pc->kl);
	}
	pc->kl[pc->nkl].start = p->start;
	pc->kl[pc->nkl].stop = p->stop;
	pc->kl[pc->nkl].kind = kind;
	pc->kl[pc->nkl].good = good;
	pc->nkl++;
}

/* State of one walk over a card, beyond what ends up in vcard_info. */
struct walk {
	struct vcard_info *out;
	struct patch_ctx *pc;	/* NULL unless the walk is for a patch */
	struct sbuf tmp;	/* decoded value of the current property */
	char *note;		/* full text of the chosen NOTE */
	char *nname;		/* "Given Family" from N, for a card without FN */
};

static void take_note(struct vcard_info *out, struct patch_ctx *pc,
		      const struct vc_prop *p, const char *v, size_t vl,
		      char **chosen)
{
	char *full = unescape_dup(v, vl, 0);
	int marker = note_marker(full) >= 0;

	/* The NOTE carrying the marker wins; else the first (Android writes two). */
	if (*chosen && (!marker || note_marker(*chosen) >= 0)) {
		free(full);
		return;
	}
	free(*chosen);
	*chosen = full;
	free(out->note);
	out->note = note_user(full);
	if (!pc)
		return;
	pc->note_start = p->start;
	pc->note_stop = p->stop;
	pc->note_qp = p->qp;
	free(pc->note_raw);
	pc->note_raw = xstrndup(v, vl);
	pc->note_rawlen = vl;
	free(pc->note_prefix);
	free(pc->note_group);
	pc->note_prefix = xstrndup(p->line, (size_t)(p->params + p->plen - p->line));
	/*
	 * An unbalanced quote in the parameters was read up to the first colon;
	 * with a new value after it, the line would split elsewhere.
	 */
	size_t quotes = 0;
	for (const char *q = pc->note_prefix; *q; q++)
		quotes += *q == '"';
	pc->note_rebuild_prefix = p->qp || (p->charset && !p->charset_utf8) ||
				  quotes % 2;
	/*
	 * RFC 6350 3.3: a group is letters, digits and '-'. Anything else
	 * (bytes of another charset, found by the fuzzer) is not carried
	 * into a rebuilt NOTE line, which must be plain UTF-8.
	 */
	pc->note_group = NULL;
	if (p->glen) {
		size_t i, good = 1;

		for (i = 0; i < p->glen; i++)
			if (!isalnum((unsigned char)p->group[i]) && p->group[i] != '-')
				good = 0;
		if (good)
			pc->note_group = xstrndup(p->group, p->glen);
	}
}

static void core_push(struct patch_ctx *pc, const struct vc_prop *p,
		      enum vcard_field f, const char *v, size_t vl)
{
	struct core_line *l;
	const char *t = v;
	size_t tl = vl, quotes = 0;

	pc->core = xrealloc(pc->core, (pc->ncore + 1) * sizeof *pc->core);
	l = &pc->core[pc->ncore++];
	memset(l, 0, sizeof *l);
	l->start = p->start;
	l->stop = p->stop;
	l->field = f;
	trim(&t, &tl);
	l->empty = tl == 0;
	l->tel_uri = f == VCARD_PHONE && tl > 4 && strncasecmp(t, "tel:", 4) == 0;
	l->prefix = xstrndup(p->line, (size_t)(p->params + p->plen - p->line));
	for (const char *q = l->prefix; *q; q++)
		quotes += *q == '"';
	/* The same rule as NOTE's: a prefix that cannot carry a new value is rebuilt. */
	if (p->qp || p->charset || quotes % 2) {
		free(l->prefix);
		l->prefix = p->glen ? xasprintf("%.*s.%.*s", (int)p->glen, p->group,
						(int)p->nlen, p->name) :
			    xstrndup(p->name, p->nlen);
	}
}

/*
 * The readers: one per property name kith reads, each given the decoded
 * value (QP and charset undone, TEXT escapes in place). A reader fills the
 * vcard_info and, when the walk is for a patch, what the patcher needs.
 */
static void push_nonempty(struct strv *l, char *s)
{
	if (*s)
		strv_push_own(l, s);
	else
		free(s);
}

/* Whether the trimmed value is lit, ignoring case. */
static int value_is(const char *v, size_t vl, const char *lit)
{
	trim(&v, &vl);
	return eq_ci(v, vl, lit);
}

static void read_version(struct walk *w, const struct vc_prop *p,
			 const char *v, size_t vl)
{
	(void)p;
	if (value_is(v, vl, "2.1"))
		w->out->version = 21;
	else if (value_is(v, vl, "3.0"))
		w->out->version = 30;
	else if (value_is(v, vl, "4.0"))
		w->out->version = 40;
}

static void read_uid(struct walk *w, const struct vc_prop *p,
		     const char *v, size_t vl)
{
	(void)p;
	set_once(&w->out->uid, unescape_dup(v, vl, 1));
}

static void read_fn(struct walk *w, const struct vc_prop *p,
		    const char *v, size_t vl)
{
	(void)p;
	set_once(&w->out->fn, unescape_dup(v, vl, 1));
}

static void read_title(struct walk *w, const struct vc_prop *p,
		       const char *v, size_t vl)
{
	(void)p;
	set_once(&w->out->title, unescape_dup(v, vl, 1));
}

/* FN may come later: "Given Family" from the first N is kept aside. */
static void read_n(struct walk *w, const struct vc_prop *p,
		   const char *v, size_t vl)
{
	struct sbuf b = {0};
	char *fam = NULL, *giv = NULL;
	const char *c;
	size_t cl;

	(void)p;
	if (w->nname)
		return;
	if (component(v, vl, 0, &c, &cl) == 0)
		fam = unescape_dup(c, cl, 1);
	if (component(v, vl, 1, &c, &cl) == 0)
		giv = unescape_dup(c, cl, 1);
	sbuf_adds(&b, "");
	if (giv && *giv)
		sbuf_adds(&b, giv);
	if (fam && *fam) {
		if (b.len > 0)
			sbuf_addc(&b, ' ');
		sbuf_adds(&b, fam);
	}
	free(fam);
	free(giv);
	w->nname = sbuf_detach(&b, NULL);
}

static void read_note(struct walk *w, const struct vc_prop *p,
		      const char *v, size_t vl)
{
	take_note(w->out, w->pc, p, v, vl, &w->note);
}

static void read_email(struct walk *w, const struct vc_prop *p,
		       const char *v, size_t vl)
{
	if (w->pc)
		core_push(w->pc, p, VCARD_EMAIL, v, vl);
	push_nonempty(&w->out->emails, unescape_dup(v, vl, 1));
}

static void read_tel(struct walk *w, const struct vc_prop *p,
		     const char *v, size_t vl)
{
	const char *t = v;
	size_t tl = vl;

	if (w->pc)
		core_push(w->pc, p, VCARD_PHONE, v, vl);
	trim(&t, &tl);
	if (tl > 4 && strncasecmp(t, "tel:", 4) == 0) {
		t += 4;
		tl -= 4;
	}
	if (tl)
		strv_push_own(&w->out->phones, unescape_dup(t, tl, 1));
}

static void read_org(struct walk *w, const struct vc_prop *p,
		     const char *v, size_t vl)
{
	const char *c;
	size_t cl;

	if (w->pc)
		core_push(w->pc, p, VCARD_ORG, v, vl);
	if (component(v, vl, 0, &c, &cl) == 0)
		set_once(&w->out->org, unescape_dup(c, cl, 1));
}

static void read_adr(struct walk *w, const struct vc_prop *p,
		     const char *v, size_t vl)
{
	const char *c;
	size_t cl;

	(void)p;
	if (component(v, vl, 3, &c, &cl) == 0)
		set_once(&w->out->city, unescape_dup(c, cl, 1));
}

static void read_bday(struct walk *w, const struct vc_prop *p,
		      const char *v, size_t vl)
{
	struct sbuf om = {0};
	struct param_it it = {p->params, p->params + p->plen};
	const char *nm, *pv;
	size_t nl, pvl;

	if (w->out->bday)
		return;
	while (param_next(&it, &nm, &nl, &pv, &pvl))
		if (eq_ci(nm, nl, "X-APPLE-OMIT-YEAR"))
			param_value(&om, pv, pvl);
	w->out->bday = bday_norm(v, vl, om.buf);
	sbuf_free(&om);
}

/* CATEGORIES is a comma-separated list; "\," is a comma in a name. */
static void read_categories(struct walk *w, const struct vc_prop *p,
			    const char *v, size_t vl)
{
	size_t b = 0;

	if (w->pc)
		core_push(w->pc, p, VCARD_CATEGORIES, v, vl);
	for (size_t i = 0; i <= vl; i++) {
		if (i < vl && v[i] == '\\' && i + 1 < vl) {
			i++;
			continue;
		}
		if (i == vl || v[i] == ',') {
			push_nonempty(&w->out->categories, unescape_dup(v + b, i - b, 1));
			b = i + 1;
		}
	}
}

/* KIND:group (RFC 6350 6.1.4), or Apple's X-ADDRESSBOOKSERVER-KIND. */
static void read_kind(struct walk *w, const struct vc_prop *p,
		      const char *v, size_t vl)
{
	(void)p;
	if (value_is(v, vl, "group"))
		w->out->is_group = 1;
}

static void read_member(struct walk *w, const struct vc_prop *p,
			const char *v, size_t vl)
{
	(void)p;
	push_nonempty(&w->out->members, unescape_dup(v, vl, 1));
}

static void read_cadence(struct walk *w, const struct vc_prop *p,
			 const char *v, size_t vl)
{
	char cad[16];
	int good;

	trim(&v, &vl);
	good = parse_cadence(v, vl, cad) == 0;
	if (good && !w->out->annot.cadence[0])
		memcpy(w->out->annot.cadence, cad, sizeof cad);
	if (w->pc) {
		w->pc->ncad++;
		w->pc->cad_bad |= !good;
		kl_push(w->pc, p, KITH_CADENCE, good);
	}
}

static void read_snooze(struct walk *w, const struct vc_prop *p,
			const char *v, size_t vl)
{
	char d[11];
	int good;

	trim(&v, &vl);
	good = parse_date(v, vl, d) == 0;
	if (good && !w->out->annot.snooze[0])
		memcpy(w->out->annot.snooze, d, sizeof d);
	if (w->pc) {
		w->pc->nsnooze++;
		w->pc->snooze_bad |= !good;
		kl_push(w->pc, p, KITH_SNOOZE, good);
	}
}

/* The patcher sees every good entry, duplicates too; the reader one per id. */
static void read_log(struct walk *w, const struct vc_prop *p,
		     const char *v, size_t vl)
{
	struct vcard_log e;
	int good = parse_log(v, vl, &e) == 0;

	if (good) {
		if (w->pc)
			annot_push(&w->pc->seen, &e, 0);
		if (annot_find(&w->out->annot, e.id) < 0)
			annot_push(&w->out->annot, &e, 1);
		else
			free(e.text);
	}
	if (w->pc)
		kl_push(w->pc, p, KITH_LOG, good);
}

static void read_aspire(struct walk *w, const struct vc_prop *p,
			const char *v, size_t vl)
{
	char *why = unescape_dup(v, vl, 1);

	if (!w->out->annot.aspire && *why)
		w->out->annot.aspire = why;
	else
		free(why);
	if (w->pc) {
		w->pc->naspire++;
		kl_push(w->pc, p, KITH_ASPIRE, 1);
	}
}

/*
 * Property name (any case) -> its reader. A name not here is not read;
 * other X-KITH-* names belong to a newer kith and are left alone too.
 */
static const struct prop_reader {
	const char *name;
	size_t len;
	void (*read)(struct walk *w, const struct vc_prop *p,
		     const char *v, size_t vl);
} prop_readers[] = {
#define READER(n, f) {n, sizeof n - 1, f}
	READER("VERSION", read_version),
	READER("UID", read_uid),
	READER("FN", read_fn),
	READER("N", read_n),
	READER("NOTE", read_note),
	READER("EMAIL", read_email),
	READER("TEL", read_tel),
	READER("TITLE", read_title),
	READER("ORG", read_org),
	READER("ADR", read_adr),
	READER("BDAY", read_bday),
	READER("CATEGORIES", read_categories),
	READER("KIND", read_kind),
	READER("MEMBER", read_member),
	READER("X-ADDRESSBOOKSERVER-KIND", read_kind),
	READER("X-ADDRESSBOOKSERVER-MEMBER", read_member),
	READER("X-KITH-CADENCE", read_cadence),
	READER("X-KITH-SNOOZE", read_snooze),
	READER("X-KITH-LOG", read_log),
	READER("X-KITH-ASPIRE", read_aspire),
#undef READER
};

static void handle_prop(struct walk *w, const struct vc_prop *p)
{
	const char *v;
	size_t vl;

	for (size_t i = 0; i < sizeof prop_readers / sizeof *prop_readers; i++) {
		const struct prop_reader *r = &prop_readers[i];

		if (p->nlen == r->len && strncasecmp(p->name, r->name, r->len) == 0) {
			prop_raw_value(p, &w->tmp, &v, &vl);
			r->read(w, p, v, vl);
			return;
		}
	}
}

static int is_begin(const struct vc_prop *p)
{
	const char *v = p->value;
	size_t vl = p->vlen;

	if (!p->valid || !name_is(p, "BEGIN"))
		return 0;
	trim(&v, &vl);
	return eq_ci(v, vl, "VCARD");
}

static int is_end(const struct vc_prop *p)
{
	const char *v = p->value;
	size_t vl = p->vlen;

	if (!p->valid || !name_is(p, "END"))
		return 0;
	trim(&v, &vl);
	return eq_ci(v, vl, "VCARD");
}

static void read_card(const char *raw, size_t len, struct vcard_info *out,
		      struct patch_ctx *pc, struct vc_scan *sc)
{
	struct vc_prop p;
	struct walk w = {out, pc, {0}, NULL, NULL};
	int depth = 0, done = 0, started = 0, prev_dangling = 0;
	const char *fail = NULL;

	memset(out, 0, sizeof *out);
	out->ok = 1;
	scan_init(sc, raw, len);
	if (memchr(raw, '\0', len)) {
		fail = "binary data (a NUL byte) in the card";
		goto out;
	}
	while (scan_next(sc, &p)) {
		if (!started) {
			if (!is_begin(&p)) {
				fail = "does not start with BEGIN:VCARD";
				goto out;
			}
			started = 1;
			depth = 1;
			continue;
		}
		if (done) {
			/* Later cards are only counted. */
			if (is_begin(&p)) {
				if (depth++ == 0)
					out->ncards++;
			} else if (is_end(&p) && depth > 0) {
				depth--;
			}
			continue;
		}
		if (!p.qp && !p.charset &&
		    !utf8_valid((const unsigned char *)p.line, p.len)) {
			fail = "invalid UTF-8 in the card";
			goto out;
		}
		if (is_begin(&p)) {
			/* A vCard 2.1 AGENT may embed a whole card. */
			depth++;
			continue;
		}
		if (is_end(&p)) {
			if (--depth == 0) {
				done = 1;
				out->ncards = 1;
				if (pc) {
					pc->end_line = p.start;
					pc->dangling = prev_dangling;
				}
			}
			continue;
		}
		prev_dangling = p.dangling;
		if (depth > 1 || !p.valid)
			continue;
		handle_prop(&w, &p);
	}
	if (!started)
		fail = "no BEGIN:VCARD";
	else if (!done)
		fail = "no END:VCARD";
out:
	if (!out->fn && w.nname && *w.nname) {
		out->fn = w.nname;
		w.nname = NULL;
	}
	free(w.nname);
	if (fail)
		set_why(out, fail);
	if (pc) {
		pc->note_full = w.note;
		w.note = NULL;
	}
	free(w.note);
	sbuf_free(&w.tmp);
}

void vcard_read(const char *raw, size_t len, struct vcard_info *out)
{
	struct vc_scan sc;

	read_card(raw ? raw : "", raw ? len : 0, out, NULL, &sc);
	sbuf_free(&sc.buf);
}

void vcard_info_free(struct vcard_info *info)
{
	if (!info)
		return;
	free(info->why);
	free(info->uid);
	free(info->fn);
	free(info->org);
	free(info->title);
	free(info->city);
	free(info->bday);
	free(info->note);
	strv_free(&info->emails);
	strv_free(&info->phones);
	strv_free(&info->categories);
	strv_free(&info->members);
	vcard_annot_free(&info->annot);
	memset(info, 0, sizeof *info);
}

/* ---- annotations ---- */

void vcard_annot_free(struct vcard_annot *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nlog; i++)
		free(a->log[i].text);
	free(a->log);
	free(a->idx);
	free(a->aspire);
	memset(a, 0, sizeof *a);
}

void vcard_annot_copy(struct vcard_annot *dst, const struct vcard_annot *src)
{
	memset(dst, 0, sizeof *dst);
	memcpy(dst->cadence, src->cadence, sizeof dst->cadence);
	memcpy(dst->snooze, src->snooze, sizeof dst->snooze);
	dst->aspire = src->aspire ? xstrdup(src->aspire) : NULL;
	for (size_t i = 0; i < src->nlog; i++)
		annot_push(dst, &src->log[i], 0);
}

int vcard_annot_add(struct vcard_annot *a, const struct vcard_log *e)
{
	if (annot_find(a, e->id) >= 0)
		return 1;
	annot_push(a, e, 0);
	return 0;
}

int vcard_annot_has(const struct vcard_annot *a, const char *id)
{
	return annot_find(a, id) >= 0;
}

long vcard_annot_find(const struct vcard_annot *a, const char *id)
{
	return annot_find(a, id);
}

int vcard_annot_remove(struct vcard_annot *a, const char *id)
{
	long i = annot_find(a, id);

	if (i < 0)
		return 1;
	free(a->log[i].text);
	memmove(a->log + i, a->log + i + 1, (a->nlog - (size_t)i - 1) * sizeof *a->log);
	a->nlog--;
	idx_drop(a);
	return 0;
}

static int in_strv(const struct strv *l, const char *s)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

/* Sorts the log by date, keeping card order among equal dates (a merge sort). */
static void annot_sort(struct vcard_annot *a)
{
	size_t n = a->nlog, w, i;
	struct vcard_log *tmp;
	int sorted = 1;

	for (i = 1; i < n && sorted; i++)
		sorted = strcmp(a->log[i - 1].date, a->log[i].date) <= 0;
	if (sorted)
		return;
	tmp = xmalloc(n * sizeof *tmp);
	for (w = 1; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			size_t l = i, mid = i + w < n ? i + w : n;
			size_t r = mid, end = i + 2 * w < n ? i + 2 * w : n, o = i;

			while (l < mid && r < end)
				tmp[o++] = strcmp(a->log[r].date, a->log[l].date) < 0 ?
					   a->log[r++] : a->log[l++];
			while (l < mid)
				tmp[o++] = a->log[l++];
			while (r < end)
				tmp[o++] = a->log[r++];
		}
		memcpy(a->log, tmp, n * sizeof *tmp);
	}
	free(tmp);
	idx_drop(a);
}

/*
 * The union keeps a's entries first, then other's new ones, and then sorts
 * by date (stable), so both devices converge on the same card order.
 */
void vcard_annot_merge(struct vcard_annot *a, const struct vcard_annot *other,
		       const struct strv *removed)
{
	for (size_t i = 0; removed && i < removed->n; i++)
		vcard_annot_remove(a, removed->v[i]);
	for (size_t i = 0; i < other->nlog; i++)
		if (!in_strv(removed, other->log[i].id))
			vcard_annot_add(a, &other->log[i]);
	annot_sort(a);
	if (!a->cadence[0])
		memcpy(a->cadence, other->cadence, sizeof a->cadence);
	if (!a->snooze[0])
		memcpy(a->snooze, other->snooze, sizeof a->snooze);
	if (!a->aspire && other->aspire)
		a->aspire = xstrdup(other->aspire);
}

/* Index of the newest entry; on equal dates the later one in card order. */
static long annot_newest(const struct vcard_annot *a)
{
	long best = -1;

	for (size_t i = 0; i < a->nlog; i++)
		if (best < 0 || strcmp(a->log[i].date, a->log[best].date) >= 0)
			best = (long)i;
	return best;
}

const char *vcard_annot_last(const struct vcard_annot *a)
{
	long i = annot_newest(a);

	return i < 0 ? NULL : a->log[i].date;
}

void vcard_log_newid(char id[9])
{
	unsigned char b[4];
	ssize_t n = getrandom(b, sizeof b, 0);

	if (n != (ssize_t)sizeof b) {
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

		n = fd >= 0 ? read(fd, b, sizeof b) : -1;
		if (fd >= 0)
			close(fd);
		if (n != (ssize_t)sizeof b) {
			/* No entropy source: still unique enough per device. */
			struct timespec ts;
			uint32_t x;

			clock_gettime(CLOCK_REALTIME, &ts);
			x = (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec * 2654435761u ^
			    (uint32_t)getpid() << 16;
			memcpy(b, &x, 4);
		}
	}
	snprintf(id, 9, "%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
}

/* ---- writing ---- */

char *vcard_escape(const char *s)
{
	struct sbuf o = {0};

	sbuf_adds(&o, "");
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			sbuf_adds(&o, "\\\\");
			break;
		case ',':
			sbuf_adds(&o, "\\,");
			break;
		case ';':
			sbuf_adds(&o, "\\;");
			break;
		case '\r':
			/* CRLF and a lone CR are both one line break. */
			if (s[1] == '\n')
				s++;
			sbuf_adds(&o, "\\n");
			break;
		case '\n':
			sbuf_adds(&o, "\\n");
			break;
		default:
			sbuf_addc(&o, *s);
		}
	}
	return sbuf_detach(&o, NULL);
}

/*
 * Folds at 75 octets (RFC 6350 3.2) without splitting a UTF-8 sequence or
 * a backslash escape, which some servers unfold badly.
 */
static void fold_line(struct sbuf *o, const char *s, size_t n, const char *eol)
{
	size_t i = 0;
	int first = 1;

	do {
		size_t lim = first ? VCARD_FOLD : VCARD_FOLD - 1;
		size_t take = n - i < lim ? n - i : lim;

		if (i + take < n) {
			size_t t = take;

			while (t > 1 && ((unsigned char)s[i + t] & 0xc0) == 0x80)
				t--;
			if (t > 1 && s[i + t - 1] == '\\')
				t--;
			if (t > 0)
				take = t;
		}
		if (!first)
			sbuf_addc(o, ' ');
		sbuf_add(o, s + i, take);
		sbuf_adds(o, eol);
		i += take;
		first = 0;
	} while (i < n);
}

/*
 * QUOTED-PRINTABLE with soft breaks at 75 octets. A continuation line
 * never starts with white space, which a reader would take for a fold.
 */
static void qp_line(struct sbuf *o, const char *prefix, const char *s, size_t n,
		    const char *eol)
{
	size_t col = strlen(prefix) + 1;

	sbuf_adds(o, prefix);
	sbuf_addc(o, ':');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char tok[4];
		size_t tl;

		if (c > 32 && c < 127 && c != '=') {
			tok[0] = (char)c;
			tl = 1;
		} else if (c == ' ' && col > 0 && i + 1 < n) {
			tok[0] = ' ';
			tl = 1;
		} else {
			snprintf(tok, sizeof tok, "=%02X", c);
			tl = 3;
		}
		if (col + tl + 1 > VCARD_FOLD) {
			sbuf_addc(o, '=');
			sbuf_adds(o, eol);
			col = 0;
			if (c == ' ') {
				memcpy(tok, "=20", 3);
				tl = 3;
			}
		}
		sbuf_add(o, tok, tl);
		col += tl;
	}
	sbuf_adds(o, eol);
}

static int is_ascii_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\r' || s[i] == '\n')
			return 0;
	return 1;
}

/*
 * One property. vCard 2.1 has no 8-bit text and its folding keeps the
 * white space, so there non-ASCII or long values go QUOTED-PRINTABLE.
 */
static void emit_prop(struct sbuf *o, const char *group, const char *name,
		      const char *value, int v21, int force_qp, const char *eol)
{
	size_t vl = strlen(value);
	struct sbuf pre = {0};

	if (group && *group) {
		sbuf_adds(&pre, group);
		sbuf_addc(&pre, '.');
	}
	sbuf_adds(&pre, name);
	if (force_qp || (v21 && (!is_ascii_line(value, vl) ||
				 pre.len + 1 + vl > VCARD_FOLD))) {
		sbuf_adds(&pre, ";CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE");
		qp_line(o, pre.buf, value, vl, eol);
	} else {
		sbuf_addc(&pre, ':');
		sbuf_add(&pre, value, vl);
		fold_line(o, pre.buf, pre.len, eol);
	}
	sbuf_free(&pre);
}

static void emit_log(struct sbuf *o, const struct vcard_log *e, int v21, const char *eol)
{
	char *t = vcard_escape(e->text ? e->text : "");
	/* A touch without words ends at its id: no trailing space to trim. */
	char *v = *t ? xasprintf("%s %s %s %s", e->date, e->via, e->id, t) :
		  xasprintf("%s %s %s", e->date, e->via, e->id);

	emit_prop(o, NULL, "X-KITH-LOG", v, v21, 0, eol);
	free(t);
	free(v);
}

static void mirror_cadence(struct sbuf *b, const char *cad)
{
	static const char *unit[] = {"day", "week", "month", "year"};
	size_t n = strlen(cad);
	const char *u = strchr("DWMY", cad[n - 1]);
	long k = strtol(cad + 1, NULL, 10);

	if (!u || k <= 0) {
		sbuf_addf(b, "cadence: %s\n", cad);
		return;
	}
	if (k == 1)
		sbuf_addf(b, "cadence: every %s\n", unit[u - "DWMY"]);
	else
		sbuf_addf(b, "cadence: every %ld %ss\n", k, unit[u - "DWMY"]);
}

/* The whole NOTE text kith wants: the user's part, then its block. */
static char *note_want(const char *user, const struct vcard_annot *w)
{
	struct sbuf b = {0};

	sbuf_adds(&b, user ? user : "");
	if (!w->cadence[0] && !w->nlog && !w->aspire)
		return sbuf_detach(&b, NULL);
	if (b.len)
		sbuf_addc(&b, '\n');
	sbuf_adds(&b, VCARD_NOTE_MARKER "\n");
	if (w->cadence[0])
		mirror_cadence(&b, w->cadence);
	if (w->snooze[0])
		sbuf_addf(&b, "snoozed until %s\n", w->snooze);
	if (w->aspire) {
		sbuf_adds(&b, "someone new: ");
		for (const char *t = w->aspire; *t; t++)
			sbuf_addc(&b, (*t == '\n' || *t == '\r') ? ' ' : *t);
		sbuf_addc(&b, '\n');
	}
	if (w->nlog) {
		long i = annot_newest(w);
		char *used = xcalloc(w->nlog, 1);

		sbuf_addf(&b, "last contact: %s (%s)\n", w->log[i].date, w->log[i].via);
		for (int k = 0; k < VCARD_MIRROR_LOG && (size_t)k < w->nlog; k++) {
			long best = -1;

			for (size_t j = 0; j < w->nlog; j++)
				if (!used[j] && (best < 0 ||
				    strcmp(w->log[j].date, w->log[best].date) >= 0))
					best = (long)j;
			used[best] = 1;
			sbuf_addf(&b, "%s %s", w->log[best].date, w->log[best].via);
			if (w->log[best].text && *w->log[best].text) {
				sbuf_adds(&b, ": ");
				for (const char *t = w->log[best].text; *t; t++)
					sbuf_addc(&b, (*t == '\n' || *t == '\r') ? ' ' : *t);
			}
			sbuf_addc(&b, '\n');
		}
		free(used);
	}
	b.len--;	/* no newline after the last line */
	b.buf[b.len] = '\0';
	return sbuf_detach(&b, NULL);
}

static void emit_note(struct sbuf *o, const struct patch_ctx *pc, const char *text,
		      const char *user, int v21, const char *eol)
{
	int force_qp = pc->note_start && pc->note_qp;

	if (v21 || force_qp) {
		/* 2.1 text: backslashes doubled, line breaks as CRLF in QP. */
		struct sbuf t = {0};

		sbuf_adds(&t, "");
		for (const char *s = text; *s; s++) {
			if (*s == '\\')
				sbuf_adds(&t, "\\\\");
			else if (*s == '\n')
				sbuf_adds(&t, "\r\n");
			else
				sbuf_addc(&t, *s);
		}
		emit_prop(o, pc->note_group, "NOTE", t.buf, 1, force_qp, eol);
		sbuf_free(&t);
		return;
	}
	char *e = NULL;

	/*
	 * The user's text is kept as their client wrote it (its escapes
	 * included, \" and all): only kith's block after it is escaped anew.
	 */
	if (pc->note_start && pc->note_raw && user && !strncmp(text, user, strlen(user))) {
		long r = unescaped_prefix(pc->note_raw, pc->note_rawlen, strlen(user));

		/* A raw CR or LF would end the line there: escape afresh. */
		if (r >= 0 && (memchr(pc->note_raw, '\r', (size_t)r) ||
			       memchr(pc->note_raw, '\n', (size_t)r)))
			r = -1;
		if (r >= 0) {
			char *rest = vcard_escape(text + strlen(user));

			struct sbuf back = {0};

			e = xasprintf("%.*s%s", (int)r, pc->note_raw, rest);
			free(rest);
			/*
			 * Kept bytes must still read as the text: a backslash
			 * that was literal only because it ended the value
			 * would escape kith's first byte after it.
			 */
			unescape(&back, e, strlen(e));
			if (!back.buf || strcmp(back.buf, text) != 0) {
				free(e);
				e = NULL;
			}
			sbuf_free(&back);
		}
	}
	if (!e)
		e = vcard_escape(text);
	if (pc->note_start && !pc->note_rebuild_prefix) {
		/* Keep the user's group and parameters (LANGUAGE, ALTID...). */
		struct sbuf l = {0};

		sbuf_adds(&l, pc->note_prefix);
		sbuf_addc(&l, ':');
		sbuf_adds(&l, e);
		fold_line(o, l.buf, l.len, eol);
		sbuf_free(&l);
	} else {
		emit_prop(o, pc->note_group, "NOTE", e, 0, 0, eol);
	}
	free(e);
}

static int want_valid(const struct vcard_annot *w, struct kerr *err)
{
	char tmp[16];

	if (w->cadence[0] && parse_cadence(w->cadence, strlen(w->cadence), tmp) < 0) {
		kerr_set(err, "invalid cadence '%s' (want P30D, P2W, P3M or P1Y)", w->cadence);
		return -1;
	}
	if (w->snooze[0] && parse_date(w->snooze, strlen(w->snooze), tmp) < 0) {
		kerr_set(err, "invalid snooze date '%s' (want YYYY-MM-DD)", w->snooze);
		return -1;
	}
	if (w->aspire && !utf8_valid((const unsigned char *)w->aspire,
				     strlen(w->aspire))) {
		kerr_set(err, "why to reach out is not valid UTF-8");
		return -1;
	}
	for (size_t i = 0; i < w->nlog; i++) {
		const struct vcard_log *e = &w->log[i];

		if (parse_date(e->date, strnlen(e->date, sizeof e->date), tmp) < 0 ||
		    !via_ok(e->via, strnlen(e->via, sizeof e->via)) ||
		    !id_ok(e->id, strnlen(e->id, sizeof e->id))) {
			kerr_set(err, "invalid log entry '%.11s %.16s %.9s'",
				 e->date, e->via, e->id);
			return -1;
		}
		/* The last guard: one bad byte makes some servers refuse the book. */
		if (e->text && !utf8_valid((const unsigned char *)e->text,
					   strlen(e->text))) {
			kerr_set(err, "log entry %.9s: its text is not valid UTF-8",
				 e->id);
			return -1;
		}
	}
	return 0;
}

static int log_eq(const struct vcard_log *a, const struct vcard_log *b)
{
	return strcmp(a->date, b->date) == 0 && strcmp(a->via, b->via) == 0 &&
	       strcmp(a->id, b->id) == 0 &&
	       strcmp(a->text ? a->text : "", b->text ? b->text : "") == 0;
}

/* Do the card's kith lines already say exactly `want`? */
static int kith_same(const struct patch_ctx *pc, const struct vcard_info *in,
		     const struct vcard_annot *w)
{
	if (pc->ncad != (w->cadence[0] ? 1 : 0) || pc->cad_bad ||
	    strcmp(in->annot.cadence, w->cadence) != 0)
		return 0;
	if (pc->nsnooze != (w->snooze[0] ? 1 : 0) || pc->snooze_bad ||
	    strcmp(in->annot.snooze, w->snooze) != 0)
		return 0;
	if (pc->naspire != (w->aspire ? 1 : 0) ||
	    strcmp(in->annot.aspire ? in->annot.aspire : "",
		   w->aspire ? w->aspire : "") != 0)
		return 0;
	if (pc->seen.nlog != w->nlog)
		return 0;
	for (size_t i = 0; i < w->nlog; i++)
		if (!log_eq(&pc->seen.log[i], &w->log[i]))
			return 0;
	return 1;
}

struct edit {
	const char *start, *stop;
	char *text;	/* owned; NULL to delete */
	size_t len;
};

static int edit_cmp(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->stop < y->stop ? -1 : x->stop > y->stop;
}

/* raw with each edit's span replaced by its text (deleted when NULL), in order. */
static char *splice_edits(const char *raw, size_t len, struct edit *ed, size_t ned,
		    size_t *outlen)
{
	struct sbuf o = {0};
	const char *cur = raw;

	qsort(ed, ned, sizeof *ed, edit_cmp);
	for (size_t i = 0; i < ned; i++) {
		sbuf_add(&o, cur, (size_t)(ed[i].start - cur));
		if (ed[i].text)
			sbuf_add(&o, ed[i].text, ed[i].len);
		cur = ed[i].stop;
	}
	sbuf_add(&o, cur, (size_t)(raw + len - cur));
	return sbuf_detach(&o, outlen);
}

static void patch_ctx_free(struct patch_ctx *pc)
{
	free(pc->kl);
	vcard_annot_free(&pc->seen);
	free(pc->note_prefix);
	free(pc->note_group);
	free(pc->note_full);
	free(pc->note_raw);
	for (size_t i = 0; i < pc->ncore; i++)
		free(pc->core[i].prefix);
	free(pc->core);
}

/*
 * Malformed X-KITH-LOG lines are kept in place: they may be entries a newer
 * kith wrote, and dropping them would lose them on every device.
 * X-KITH-CADENCE and X-KITH-SNOOZE hold one value, so all of theirs go.
 */
char *vcard_patch(const char *raw, size_t len, const struct vcard_annot *want,
		  int mirror_note, size_t *outlen, struct kerr *err)
{
	struct vcard_info in;
	struct patch_ctx pc;
	struct vc_scan sc;
	struct edit *ed = NULL;
	size_t ned = 0;
	struct sbuf ins = {0};
	char *res = NULL, *nw = NULL;
	const char *eol;
	int v21;

	memset(&pc, 0, sizeof pc);
	read_card(raw, len, &in, &pc, &sc);
	sbuf_free(&sc.buf);
	if (!in.ok) {
		kerr_set(err, "cannot patch a card kith cannot read: %s", in.why);
		goto out;
	}
	if (in.is_group) {
		kerr_set(err, "%s is a group, not a person", in.fn ? in.fn : "card");
		goto out;
	}
	if (want_valid(want, err) < 0)
		goto out;
	eol = sc.ncrlf >= sc.nlf ? "\r\n" : "\n";
	v21 = in.version == 21;
	ed = xcalloc(pc.nkl + 2, sizeof *ed);

	if (!kith_same(&pc, &in, want)) {
		for (size_t i = 0; i < pc.nkl; i++) {
			if (pc.kl[i].kind == KITH_LOG && !pc.kl[i].good)
				continue;
			ed[ned].start = pc.kl[i].start;
			ed[ned].stop = pc.kl[i].stop;
			ned++;
		}
		if (want->cadence[0])
			emit_prop(&ins, NULL, "X-KITH-CADENCE", want->cadence, 0, 0, eol);
		if (want->snooze[0])
			emit_prop(&ins, NULL, "X-KITH-SNOOZE", want->snooze, 0, 0, eol);
		if (want->aspire) {
			char *e = vcard_escape(want->aspire);

			emit_prop(&ins, NULL, "X-KITH-ASPIRE", e, v21, 0, eol);
			free(e);
		}
		for (size_t i = 0; i < want->nlog; i++)
			emit_log(&ins, &want->log[i], v21, eol);
	}
	if (mirror_note) {
		nw = note_want(in.note, want);
		if (!pc.note_start) {
			if (*nw)
				emit_note(&ins, &pc, nw, in.note, v21, eol);
		} else if (strcmp(nw, pc.note_full ? pc.note_full : "") != 0) {
			struct sbuf nl = {0};

			/* A NOTE that becomes empty goes away entirely. */
			if (*nw)
				emit_note(&nl, &pc, nw, in.note, v21, eol);
			ed[ned].start = pc.note_start;
			ed[ned].stop = pc.note_stop;
			ed[ned].len = nl.len;
			ed[ned].text = nl.buf;
			ned++;
		}
	}
	if (ins.len) {
		struct sbuf t = {0};

		/* A dangling QP soft break would swallow the next line. */
		if (pc.dangling)
			sbuf_adds(&t, eol);
		sbuf_add(&t, ins.buf, ins.len);
		ed[ned].start = ed[ned].stop = pc.end_line;
		ed[ned].len = t.len;
		ed[ned].text = t.buf;
		ned++;
	}
	res = splice_edits(raw, len, ed, ned, outlen);
out:
	for (size_t i = 0; i < ned; i++)
		free(ed[i].text);
	free(ed);
	free(nw);
	sbuf_free(&ins);
	patch_ctx_free(&pc);
	vcard_info_free(&in);
	return res;
}

/* value as the property's text: one escaped value, or CATEGORIES' list. */
static char *set_value(enum vcard_field f, const char *value, int tel_uri)
{
	struct sbuf b = {0};
	const char *s = value;

	if (f != VCARD_CATEGORIES) {
		char *e = vcard_escape(value);

		if (!tel_uri)
			return e;
		/* RFC 3966: a tel: URI has no spaces; '-' is its visual separator. */
		sbuf_adds(&b, "tel:");
		for (const char *q = e; *q; q++)
			sbuf_addc(&b, *q == ' ' ? '-' : *q);
		free(e);
		return sbuf_detach(&b, NULL);
	}
	while (*s) {
		const char *comma = strchr(s, ','), *t = s;
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		char *one, *e;

		trim(&t, &n);
		if (n) {
			one = xstrndup(t, n);
			e = vcard_escape(one);
			if (b.len)
				sbuf_addc(&b, ',');
			sbuf_adds(&b, e);
			free(e);
			free(one);
		}
		s = comma ? comma + 1 : s + strlen(s);
	}
	return sbuf_detach(&b, NULL);
}

char *vcard_set(const char *raw, size_t len, enum vcard_field f,
		const char *value, size_t *outlen, struct kerr *err)
{
	static const char *const fresh[][2] = {
		[VCARD_EMAIL] = {"EMAIL;TYPE=INTERNET", "EMAIL"},
		[VCARD_PHONE] = {"TEL", "TEL"},
		[VCARD_ORG] = {"ORG", "ORG"},
		[VCARD_CATEGORIES] = {"CATEGORIES", "CATEGORIES"},
	};
	struct vcard_info in;
	struct patch_ctx pc;
	struct vc_scan sc;
	struct edit *ed = NULL;
	const char *eol;
	char *res = NULL;
	size_t ned = 0, i;
	int v21, found = 0;

	memset(&pc, 0, sizeof pc);
	read_card(raw, len, &in, &pc, &sc);
	sbuf_free(&sc.buf);
	if (!in.ok) {
		kerr_set(err, "cannot change a card kith cannot read: %s", in.why);
		goto out;
	}
	if (in.is_group) {
		kerr_set(err, "%s is a group, not a person", in.fn ? in.fn : "card");
		goto out;
	}
	if (term_text_unsafe(value)) {
		kerr_set(err, "the new value is not plain UTF-8 text");
		goto out;
	}
	eol = sc.ncrlf >= sc.nlf ? "\r\n" : "\n";
	v21 = in.version == 21;
	ed = xcalloc(pc.ncore + 1, sizeof *ed);
	for (i = 0; i < pc.ncore; i++) {
		const struct core_line *l = &pc.core[i];
		struct sbuf t = {0};
		char *e;

		if (l->field != f)
			continue;
		/*
		 * EMAIL, TEL and ORG: the first one with a value (the one kith
		 * shows) takes the new value, the others stay. CATEGORIES: the
		 * value is the whole list, so the first line holds it and the
		 * others go.
		 */
		if (f != VCARD_CATEGORIES && (found || l->empty))
			continue;
		ed[ned].start = l->start;
		ed[ned].stop = l->stop;
		if (!found && *value) {
			e = set_value(f, value, l->tel_uri);
			if (*e)
				emit_prop(&t, NULL, l->prefix, e, v21, 0, eol);
			free(e);
			ed[ned].text = t.buf;
			ed[ned].len = t.len;
		}
		ned++;
		found = 1;
	}
	if (!found && *value) {
		struct sbuf t = {0};
		char *e = set_value(f, value, 0);

		if (pc.dangling)
			sbuf_adds(&t, eol);
		if (*e)
			emit_prop(&t, NULL, fresh[f][in.version == 40], e, v21, 0, eol);
		free(e);
		ed[ned].start = ed[ned].stop = pc.end_line;
		ed[ned].text = t.buf;
		ed[ned].len = t.len;
		ned++;
	}
	res = splice_edits(raw, len, ed, ned, outlen);
out:
	for (i = 0; i < ned; i++)
		free(ed[i].text);
	free(ed);
	patch_ctx_free(&pc);
	vcard_info_free(&in);
	return res;
}

char *vcard_new(const char *uid, const char *fn, const char *email,
		const char *phone, const char *org, const char *const *categories,
		const char *cadence, const char *aspire)
{
	struct sbuf o = {0};
	const char *eol = "\r\n";
	const char *sp = strrchr(fn, ' ');
	char *e, *fam, *giv, *t;

	sbuf_adds(&o, "BEGIN:VCARD\r\nVERSION:3.0\r\n");
	e = vcard_escape(uid);
	emit_prop(&o, NULL, "UID", e, 0, 0, eol);
	free(e);
	e = vcard_escape(fn);
	emit_prop(&o, NULL, "FN", e, 0, 0, eol);
	free(e);
	/* "Ana María López" is N:López;Ana María; a single word is a given name. */
	if (sp) {
		t = xstrndup(fn, (size_t)(sp - fn));
		fam = vcard_escape(sp + 1);
		giv = vcard_escape(t);
		free(t);
	} else {
		fam = xstrdup("");
		giv = vcard_escape(fn);
	}
	t = xasprintf("%s;%s;;;", fam, giv);
	emit_prop(&o, NULL, "N", t, 0, 0, eol);
	free(t);
	free(fam);
	free(giv);
	if (email && *email) {
		e = vcard_escape(email);
		emit_prop(&o, NULL, "EMAIL;TYPE=INTERNET", e, 0, 0, eol);
		free(e);
	}
	if (phone && *phone) {
		e = vcard_escape(phone);
		emit_prop(&o, NULL, "TEL", e, 0, 0, eol);
		free(e);
	}
	if (org && *org) {
		e = vcard_escape(org);
		emit_prop(&o, NULL, "ORG", e, 0, 0, eol);
		free(e);
	}
	if (categories && *categories) {
		/* Each name escaped (a comma in one is \,), joined by commas. */
		struct sbuf c = {0};
		size_t i;

		for (i = 0; categories[i]; i++) {
			e = vcard_escape(categories[i]);
			sbuf_addf(&c, "%s%s", i ? "," : "", e);
			free(e);
		}
		emit_prop(&o, NULL, "CATEGORIES", c.buf ? c.buf : "", 0, 0, eol);
		sbuf_free(&c);
	}
	if (cadence && *cadence)
		emit_prop(&o, NULL, "X-KITH-CADENCE", cadence, 0, 0, eol);
	if (aspire && *aspire) {
		e = vcard_escape(aspire);
		emit_prop(&o, NULL, "X-KITH-ASPIRE", e, 0, 0, eol);
		free(e);
	}
	sbuf_adds(&o, "END:VCARD\r\n");
	return sbuf_detach(&o, NULL);
}
