/*
 * capture.h: the rules of 'capture mail', apart from any mail library.
 *
 * A message the user wrote to a known person, or one a known person
 * wrote to the user, is an email touch on that person. What a message
 * says (its addresses, subject, ids, date) arrives here as a plain
 * struct capture_msg, filled by src/mail.c (GMime); everything that
 * decides what is logged is here, pure and tested on its own
 * (tests/unit/test_capture.c): which messages are skipped, who they
 * touch, the entry's id and text, and the splitting of header blocks
 * and mbox files (fuzzed by tests/fuzz/fuzz_capture.c).
 */
#ifndef KITH_CAPTURE_H
#define KITH_CAPTURE_H

#include <stddef.h>

#include "util.h"

/* More recipients than this (To, Cc and Bcc together) is not a conversation. */
#define CAPTURE_MAX_RECIPIENTS 20
/* A touch's text holds at most this many bytes of the subject. */
#define CAPTURE_SUBJECT_MAX 200

/* What one message says, as far as capture cares. Owned by its filler. */
struct capture_msg {
	/* Addresses as local@domain, lower-cased (capture_addr_norm). */
	struct strv from, to, cc, bcc, reply_to, delivered_to;
	char *subject;		/* decoded, possibly invalid UTF-8; or NULL */
	char *msgid;		/* Message-ID without <>, or NULL */
	char *thread;		/* the first id of References, else In-Reply-To's */
	char *date_raw;		/* the Date header as written, or NULL */
	long day;		/* Date as a day number in its own zone; -1 none */
	int list;		/* List-Id, or Precedence: bulk, list or junk */
	int autoreply;		/* Auto-Submitted other than "no" */
};

void capture_msg_free(struct capture_msg *m);	/* and zeroes it */

/* Why a message is passed over, in the order they are checked. */
enum capture_skip {
	CAPTURE_KEEP,
	CAPTURE_LIST,		/* a mailing list or bulk mail */
	CAPTURE_AUTO,		/* an auto-reply or other machine mail */
	CAPTURE_CROWD,		/* more than CAPTURE_MAX_RECIPIENTS recipients */
};
enum capture_skip capture_skip(const struct capture_msg *m);

/* Whether a Precedence value is bulk, list or junk (case and spaces aside). */
int capture_precedence_bulk(const char *v);
/* Whether an Auto-Submitted value is anything but "no" (RFC 3834 5). */
int capture_auto_submitted(const char *v);

/*
 * An address as kith compares it: surrounding spaces and <> dropped,
 * ASCII lower-cased (the local part too: no mail system in use tells
 * Ana@ from ana@). The caller frees.
 */
char *capture_addr_norm(const char *addr);

/*
 * A set of strings with a small value each: addresses to people, the
 * names seen in a Maildir, the ids logged in a run. Open addressing,
 * so a second run's 50,000 names cost one allocation each.
 */
struct capture_set;
struct capture_set *capture_set_new(void);
void capture_set_free(struct capture_set *s);	/* accepts NULL */
/* Adds key (copied) with value; a key already there gets a second value. */
void capture_set_add(struct capture_set *s, const char *key, long value);
/*
 * The values of key: their number (0 when absent), the first max of
 * them in out. Marks the key as found (capture_set_each_unfound).
 */
size_t capture_set_get(struct capture_set *s, const char *key, long *out,
		       size_t max);
/* Whether key is there, without marking it. */
int capture_set_has(const struct capture_set *s, const char *key);
size_t capture_set_count(const struct capture_set *s);
/* fn(arg, key, value) for every key capture_set_get never asked for. */
void capture_set_each_unfound(const struct capture_set *s,
			      void (*fn)(void *arg, const char *key, long value),
			      void *arg);

/* A touch a message makes. */
struct capture_touch {
	long person;		/* the value the people set maps the address to */
	int wrote;		/* 1: the user wrote to them; 0: they wrote to the user */
};

/*
 * The touches of m: from the user (any From address in me) to every
 * known person among To, Cc and Bcc; or from a known person (the first
 * From address that is one, else the first Reply-To that is) to the user
 * (in To, Cc, Bcc or Delivered-To). Each person once. people maps
 * addresses to people; me holds the user's addresses. Up to max touches
 * in out; returns their number.
 */
size_t capture_touches(const struct capture_msg *m, struct capture_set *me,
		       struct capture_set *people, struct capture_touch *out,
		       size_t max);

/*
 * The thread a message belongs to: the root of References, else
 * In-Reply-To, else the message's own id (a thread's first message is
 * its root), else one derived from its Date, From and Subject. The
 * caller frees.
 */
char *capture_thread_key(const struct capture_msg *m);

/*
 * The 8-hex log id of a touch: FNV-1a (64 bits, folded to 32) of
 * "kith-mail", the thread key, the day (YYYY-MM-DD) and the person's key
 * (their UID, else their href), NUL-separated. The same message on any
 * device, in any folder, gives the same id; so do other messages of the
 * thread that day, which is how a person gets one entry per thread per day.
 */
void capture_id(const char *thread, const char *day, const char *person,
		char id[9]);

/*
 * The entry's text: "wrote: SUBJECT" or "got: SUBJECT", the subject made
 * safe (invalid UTF-8 as U+FFFD, control and bidi characters as spaces,
 * spaces squeezed, cut to CAPTURE_SUBJECT_MAX bytes at a character with
 * "…"), "(no subject)" without one. Valid UTF-8 with no control
 * character: what a card may hold. The caller frees.
 */
char *capture_text(int wrote, const char *subject);

/*
 * The length of the header block at buf[0..len): up to and including
 * the empty line that ends it (LF or CRLF), or len when there is none
 * (a message cut short, or all headers).
 */
size_t capture_header_end(const char *buf, size_t len);

/*
 * The next field of a header block at buf[*pos..len): its name (a
 * pointer into buf, *nlen bytes) and its value unfolded into value
 * (RFC 5322 2.2.3: the line breaks of folded lines removed, leading
 * spaces dropped). Moves *pos past it; 0 at the empty line that ends
 * the block or at len. A line without a colon is passed over.
 */
int capture_header_next(const char *buf, size_t len, size_t *pos,
			const char **name, size_t *nlen, struct sbuf *value);

/*
 * Maildir: the part of a file name that stays when the message moves
 * from new/ to cur/ or its flags change (everything before ":2," or
 * "!2,"), as a length of name.
 */
size_t capture_maildir_key(const char *name);

/*
 * The next message of an mbox at buf[*pos..len): a "From " line at the
 * start of the file or after an empty line begins one (mboxrd and mboxo
 * writers quote a body's "From " lines, and all of them put an empty
 * line before the next message). Sets *from (its From_ line), *start
 * (after that line) and *end (where the next From_ line starts, or len)
 * and moves *pos to *end. 0 when there is no more message.
 */
int capture_mbox_next(const char *buf, size_t len, size_t *pos, size_t *from,
		      size_t *start, size_t *end);

/*
 * Where an mbox read before may go on from: offset, or the "From " line
 * just after one or two newlines there. Returns the offset to go on at,
 * or -1 when buf[offset...] does not start a message (the file changed).
 */
long capture_mbox_resume(const char *buf, size_t len, size_t offset);

#endif
