/* util.h: errors, allocation that cannot fail, growable byte buffers. */
#ifndef KITH_UTIL_H
#define KITH_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#define KITH_VERSION "0.1.0"

/*
 * A message a user can act on. Functions that can fail return 0 / -1 (or a
 * pointer / NULL) and fill the caller's kerr; the caller decides how far
 * the failure reaches.
 */
struct kerr {
	char msg[1024];
};

void kerr_set(struct kerr *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix the current message: "what: <old message>". */
void kerr_wrap(struct kerr *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Out of memory aborts with a message; these never return NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer, always NUL-terminated after len bytes. */
struct sbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void sbuf_add(struct sbuf *b, const void *p, size_t n);
void sbuf_adds(struct sbuf *b, const char *s);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_addf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sbuf_vaddf(struct sbuf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void sbuf_reset(struct sbuf *b);
/* Hands the buffer to the caller (who frees it); b is empty afterwards. */
char *sbuf_detach(struct sbuf *b, size_t *len);
void sbuf_free(struct sbuf *b);

/*
 * The whole file at path, NUL-terminated, its length in *len (when not
 * NULL); NULL with errno set when it cannot be opened or read.
 */
char *read_file(const char *path, size_t *len);

/* A list of owned strings. */
struct strv {
	char **v;
	size_t n;
};

void strv_push(struct strv *l, const char *s);     /* copies s */
void strv_push_own(struct strv *l, char *s);      /* takes ownership */
void strv_free(struct strv *l);

int str_starts(const char *s, const char *prefix);
int str_casestarts(const char *s, const char *prefix);

#endif
