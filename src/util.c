#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void kerr_set(struct kerr *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

void kerr_wrap(struct kerr *e, const char *fmt, ...)
{
	char head[512], old[sizeof e->msg];
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	{
		char *both = xasprintf("%s: %s", head, old);
		size_t n = strlen(both);

		if (n >= sizeof e->msg)
			n = sizeof e->msg - 1;
		memcpy(e->msg, both, n);
		e->msg[n] = '\0';
		free(both);
	}
}

static void oom(void)
{
	fputs("kith: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct sbuf b = {0};
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&b, fmt, ap);
	va_end(ap);
	return sbuf_detach(&b, NULL);
}

static void sbuf_grow(struct sbuf *b, size_t extra)
{
	size_t want = b->len + extra + 1;

	if (want <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < want)
		b->cap *= 2;
	b->buf = xrealloc(b->buf, b->cap);
}

void sbuf_add(struct sbuf *b, const void *p, size_t n)
{
	sbuf_grow(b, n);
	if (n)
		memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void sbuf_adds(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void sbuf_addc(struct sbuf *b, char c)
{
	sbuf_add(b, &c, 1);
}

void sbuf_vaddf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	sbuf_grow(b, (size_t)n);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sbuf_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(b, fmt, ap);
	va_end(ap);
}

void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->buf)
		b->buf[0] = '\0';
}

char *sbuf_detach(struct sbuf *b, size_t *len)
{
	char *p;

	if (!b->buf)
		sbuf_grow(b, 0);
	b->buf[b->len] = '\0';
	p = b->buf;
	if (len)
		*len = b->len;
	b->buf = NULL;
	b->len = b->cap = 0;
	return p;
}

void sbuf_free(struct sbuf *b)
{
	if (!b)
		return;
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}

char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct sbuf b = {0};
	char buf[65536];
	size_t n;
	int saved;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sbuf_add(&b, buf, n);
	if (ferror(f)) {
		saved = errno;
		fclose(f);
		sbuf_free(&b);
		errno = saved;
		return NULL;
	}
	fclose(f);
	return sbuf_detach(&b, len);
}

void strv_push_own(struct strv *l, char *s)
{
	l->v = xrealloc(l->v, (l->n + 2) * sizeof *l->v);
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

void strv_push(struct strv *l, const char *s)
{
	strv_push_own(l, xstrdup(s));
}

void strv_free(struct strv *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int str_casestarts(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

size_t str_utf8_next(const char *s, size_t n, long *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i;
	long c, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
		min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
		min = 0x10000;
	} else {
		*cp = -1;
		return 1;
	}
	if (len > n) {
		*cp = -1;
		return 1;
	}
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*cp = -1;
			return 1;
		}
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		*cp = -1;
		return 1;
	}
	*cp = c;
	return len;
}

int str_utf8_valid(const char *s, size_t n)
{
	size_t i = 0;
	long c;

	while (i < n) {
		i += str_utf8_next(s + i, n - i, &c);
		if (c < 0)
			return 0;
	}
	return 1;
}

int term_unsafe(long c)
{
	return (c >= 0 && c < 0x20) || (c >= 0x7f && c < 0xa0) ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0x2028 || c == 0x2029;
}

int term_text_unsafe(const char *s)
{
	size_t n = strlen(s), k;
	long cp;

	for (; n; s += k, n -= k) {
		k = str_utf8_next(s, n, &cp);
		if (cp < 0 || term_unsafe(cp))
			return 1;
	}
	return 0;
}

void term_clean(struct sbuf *b, const char *s, size_t n, int flags)
{
	size_t i = 0, k;
	long c;

	while (i < n) {
		k = str_utf8_next(s + i, n - i, &c);
		if (c == '\n' && (flags & TERM_KEEP_NL))
			sbuf_addc(b, '\n');
		else if (c < 0)
			sbuf_adds(b, "\xef\xbf\xbd");
		else if (term_unsafe(c))
			sbuf_addc(b, ' ');
		else
			sbuf_add(b, s + i, k);
		i += k;
	}
}

char *term_dup(const char *s)
{
	struct sbuf b = {0};

	if (s)
		term_clean(&b, s, strlen(s), 0);
	return sbuf_detach(&b, NULL);
}

void term_vprintf(FILE *f, const char *fmt, va_list ap)
{
	struct sbuf raw = {0}, out = {0};
	int nl;

	sbuf_vaddf(&raw, fmt, ap);
	nl = raw.len > 0 && raw.buf[raw.len - 1] == '\n';
	term_clean(&out, raw.buf ? raw.buf : "", raw.len - (size_t)nl, 0);
	if (nl)
		sbuf_addc(&out, '\n');
	fwrite(out.buf ? out.buf : "", 1, out.len, f);
	sbuf_free(&raw);
	sbuf_free(&out);
}

void term_printf(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	term_vprintf(f, fmt, ap);
	va_end(ap);
}

volatile sig_atomic_t kith_interrupted;

double mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

unsigned long long str_hash(unsigned long long h, const void *s, size_t n)
{
	const unsigned char *p = s;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
