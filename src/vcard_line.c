/*
 * vcard_line.c: the physical line walk under the vCard reader.
 *
 * Physical lines are found with memchr; a property's unfolded text points
 * into the raw bytes unless it was folded (then it is copied into one reused
 * buffer), so a card costs no allocation per line. Here too are the value
 * decoders the reader and the patcher share: TEXT escapes (RFC 6350 3.4),
 * QUOTED-PRINTABLE and 8-bit charsets, and parameters (RFC 6868).
 */
#include "vcard_internal.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

/* ---- small helpers ---- */

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

void vc_trim(const char **s, size_t *n)
{
	while (*n && (is_ws(**s) || **s == '\r' || **s == '\n')) {
		(*s)++;
		(*n)--;
	}
	while (*n && (is_ws((*s)[*n - 1]) || (*s)[*n - 1] == '\r' || (*s)[*n - 1] == '\n'))
		(*n)--;
}

int vc_hexval(int c)
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
int vc_utf8_valid(const unsigned char *s, size_t n)
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
	if (vc_utf8_valid((const unsigned char *)s, n)) {
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
		int h = -1, l = -1;

		if (s[i] == '=' && i + 2 < n) {
			h = vc_hexval((unsigned char)s[i + 1]);
			l = vc_hexval((unsigned char)s[i + 2]);
		}
		if (h >= 0 && l >= 0) {
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
 * bytes; -1 when no escape boundary falls there. The inverse of
 * vc_unescape for a prefix, so that the user's own text is kept as written.
 */
long vc_unescaped_prefix(const char *s, size_t n, size_t want)
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

void vc_unescape(struct sbuf *o, const char *s, size_t n)
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

char *vc_unescape_dup(const char *s, size_t n, int do_trim)
{
	struct sbuf o = {0};

	if (do_trim)
		vc_trim(&s, &n);
	if (!n)
		return xstrdup("");
	/* Most values (every plain log line) have nothing to undo. */
	if (!memchr(s, '\\', n) && !memchr(s, '\r', n))
		return xstrndup(s, n);
	vc_unescape(&o, s, n);
	if (!o.buf)
		return xstrdup("");
	return sbuf_detach(&o, NULL);
}

/* ---- parameters ---- */

/* Next parameter: name (may be empty for a 2.1 bare value) and raw value. */
int vc_param_next(struct vc_param_it *it, const char **nm, size_t *nl,
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
void vc_param_value(struct sbuf *o, const char *v, size_t vl)
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
		struct vc_param_it it = {p->params, p->params + p->plen};
		const char *nm, *v;
		size_t nl, vl;

		while (vc_param_next(&it, &nm, &nl, &v, &vl)) {
			if ((nl == 0 || vc_eq_ci(nm, nl, "ENCODING")) &&
			    vc_eq_ci(v, vl, "QUOTED-PRINTABLE"))
				p->qp = 1;
			else if (vc_eq_ci(nm, nl, "CHARSET")) {
				p->charset = 1;
				p->charset_utf8 = vc_eq_ci(v, vl, "UTF-8");
			}
		}
	}
}

/* ---- the physical line walk ---- */

void vc_scan_init(struct vc_scan *sc, const char *raw, size_t len)
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
int vc_scan_next(struct vc_scan *sc, struct vc_prop *p)
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
void vc_prop_raw_value(const struct vc_prop *p, struct sbuf *tmp,
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
