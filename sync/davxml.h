/*
 * davxml.h: a streaming reader of WebDAV multistatus responses.
 *
 * Bytes are pushed in as they arrive from the network (a 20 MB multiget
 * is never held as a tree); each complete <response> is handed to a
 * callback. The parser never loads a DTD, never touches the network and
 * never expands entities; text fields are bounded.
 */
#ifndef KITH_DAVXML_H
#define KITH_DAVXML_H

#include <stddef.h>

#include "dav.h"
#include "util.h"

/* One <response> element, as much of it as kith uses. */
struct dav_response {
	char *href;		/* as sent (percent-encoded path or URL) */
	int status;		/* the response-level <status> code, 0 if none */
	int ok_props;		/* a propstat with status 2xx was seen */
	char *etag;		/* getetag from a 2xx propstat */
	struct sbuf data;	/* address-data from a 2xx propstat */
	int has_data;
	int is_collection;
	int is_addressbook;
	char *displayname;
	char *ctag;		/* CalendarServer getctag */
	char *sync_token;	/* a sync-token property (PROPFIND) */
	char *principal;	/* current-user-principal href */
	char *home;		/* addressbook-home-set href */
	long length;		/* getcontentlength, -1 when not given */
	int vcard4;		/* supported-address-data offers text/vcard 4.0 */
	/* CalDAV (RFC 4791) */
	char *cal_home;		/* calendar-home-set href */
	int is_calendar;	/* resourcetype holds C:calendar */
	int comps;		/* supported-calendar-component-set: DAV_COMP_*, 0 when not given */
};


/*
 * Called for each response; the response is freed after the call. A
 * nonzero return stops the parse (davxml_push then returns -1 with the
 * callback's err).
 */
typedef int (*davxml_fn)(void *arg, struct dav_response *r, struct kerr *err);

struct davxml;

struct davxml *davxml_new(davxml_fn fn, void *arg);
/* Feeds bytes; -1 with err on malformed XML or a limit exceeded. */
int davxml_push(struct davxml *x, const char *buf, size_t len, struct kerr *err);
/* Ends the document; -1 with err when it was incomplete or not a multistatus. */
int davxml_finish(struct davxml *x, struct kerr *err);
/* The top-level <sync-token>, NULL if none. Owned by x. */
const char *davxml_sync_token(struct davxml *x);
/*
 * After a failure: whether it was a limit, an entity or the callback's
 * refusal (parsing the same bytes again fails again), not malformed XML
 * that a garbled transfer could explain.
 */
int davxml_permanent(struct davxml *x);
/* Whether the top-level element was DAV: multistatus. */
int davxml_is_multistatus(struct davxml *x);
/* The number of responses handed to the callback. */
long davxml_responses(struct davxml *x);
void davxml_free(struct davxml *x);

/* Limits: a hostile server cannot make kith hold more than this per field. */
#define DAVXML_MAX_TEXT (64 * 1024)		/* hrefs, etags, names, tokens */
#define DAVXML_MAX_CARD (16 * 1024 * 1024)	/* one address-data */
#define DAVXML_MAX_DEPTH 256			/* nested elements */

#endif
