/* util.h: errors, allocation that cannot fail, growable byte buffers. */
#ifndef KITH_UTIL_H
#define KITH_UTIL_H

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

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

/*
 * Text for a terminal. Everything a server or a card chose (names, hrefs,
 * displaynames, error bodies) passes through here before it is printed:
 * a terminal acts on C0 and C1 controls (ESC sequences can retitle the
 * window, move the cursor, hide text), and bidi controls make a line read
 * differently from its bytes. Those become a space; invalid UTF-8 becomes
 * U+FFFD. Newlines are kept only with TERM_KEEP_NL.
 */
enum { TERM_KEEP_NL = 1 };

/* Decodes one UTF-8 character at s[0..n), n > 0: its length, the code point
 * in *cp, or 1 and -1 for an invalid byte. */
size_t str_utf8_next(const char *s, size_t n, long *cp);
/* Whether s[0..n) is valid UTF-8 (RFC 3629). */
int str_utf8_valid(const char *s, size_t n);
/* Whether a code point must never reach a terminal as it is. */
int term_unsafe(long cp);
/* Whether s holds invalid UTF-8 or a character term_unsafe names. */
int term_text_unsafe(const char *s);
void term_clean(struct sbuf *b, const char *s, size_t n, int flags);
/* A cleaned copy of s for one line of output (NULL gives ""). The caller frees. */
char *term_dup(const char *s);
/*
 * printf for lines a person reads: the whole formatted text is cleaned,
 * one trailing newline kept, so a server string can neither forge a line
 * nor send an escape sequence.
 */
void term_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void term_vprintf(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/*
 * 64-bit FNV-1a of s[0..n), continuing from h (STR_HASH_INIT to start):
 * stable names and ids, the same on every device and build.
 */
#define STR_HASH_INIT 0xcbf29ce484222325ULL
unsigned long long str_hash(unsigned long long h, const void *s, size_t n);

/* Seconds on the monotonic clock: for measuring, never for dates. */
double mono_seconds(void);

/*
 * Set by the shell's SIGINT handler while a command runs (Ctrl-C): long
 * work (a sync's transfers, its retries) stops at the next safe point and
 * says so, keeping what it committed. Never set outside the shell.
 */
extern volatile sig_atomic_t kith_interrupted;

#endif
