/*
 * mail.h: reading what a message says, through GMime 3 (built with the
 * gmime feature, into the mail module kith-mail.so only), and finding
 * messages in a notmuch database (the notmuch feature).
 *
 * Only the header block is read: the caller stops reading a file at its
 * end (capture_header_end), so a message's body, often most of its
 * bytes, is never read. The block is split into fields here
 * (capture_header_next) and each field capture needs is decoded by
 * GMime: addresses with RFC 2047 names and groups, encoded subjects,
 * dates in every form mail has them, message ids.
 */
#ifndef KITH_MAIL_H
#define KITH_MAIL_H

#include <stddef.h>

#include "capture.h"
#include "util.h"

/* Before anything else here (once is enough; again does nothing). */
void mail_init(void);

/*
 * Parses the header block buf[0..len) into m (zeroed first; free it
 * with capture_msg_free): the addresses of From, To, Cc, Bcc, Reply-To,
 * Delivered-To and X-Original-To (RFC 2047 names decoded, groups
 * opened), the subject decoded, Message-ID, the thread's root, the date
 * (Date, else the newest Received), and the list and auto-reply marks.
 * 0, or -1 when there is no header field in it.
 */
int mail_parse(const char *buf, size_t len, struct capture_msg *m);

/*
 * A date in any form mail carries it (RFC 5322, 2-digit years, zone
 * names, a trailing comment, asctime as in an mbox From_ line) as the day
 * number of its own zone; -1 when it is none.
 */
long mail_date_day(const char *s);

/*
 * The files of the messages query matches in the user's notmuch
 * database (its config: NOTMUCH_CONFIG, else notmuch's default), oldest
 * first: fn(arg, path) for the first file of each; fn returns 0 to go
 * on. Without the notmuch feature, -1 with err saying so.
 */
int mail_notmuch_each(const char *query, int (*fn)(void *arg, const char *path),
		      void *arg, struct kerr *err);

#endif
