/*
 * caldav.h: the CalDAV side of the engine (RFC 4791), as much as kith's
 * reminders need: find the user's calendars, make one, and list, read,
 * write and delete kith's own objects in it.
 *
 * It shares the CardDAV client (dav.h): the same connection, the same
 * redirect and credential rules, the same streaming XML reader. Every
 * URL it returns is on the origin of the URL it was given; every member
 * href it reports has passed http_member, so a server cannot make kith
 * write outside the calendar.
 */
#ifndef KITH_CALDAV_H
#define KITH_CALDAV_H

#include <stddef.h>

#include "dav.h"
#include "util.h"

struct dav_calendar {
	char *url;		/* absolute, ending in '/' */
	char *displayname;	/* as the server gave it, or NULL */
	int comps;		/* DAV_COMP_* (davxml.h); 0 when the server does not say */
};

/*
 * The calendar home set reachable from url (an account URL: a server
 * root, a principal, a home set or a calendar), in *home, and the
 * calendars in it. 0, or -1 with err saying what is missing ("the server
 * does not offer CalDAV at ..."). The caller frees home and the list.
 */
int caldav_discover(struct dav_client *dc, const char *url, char **home,
		    struct dav_calendar **cals, size_t *n, struct kerr *err);
void caldav_calendars_free(struct dav_calendar *cals, size_t n);

/*
 * MKCALENDAR home/slug/ named displayname, for components comps
 * (DAV_COMP_*). *url gets the new calendar's URL. 0, or -1 with err (a
 * server that refuses says so, with what to do).
 */
int caldav_mkcalendar(struct dav_client *dc, const char *home,
		      const char *slug, const char *displayname, int comps,
		      char **url, struct kerr *err);

/*
 * Calls fn for each member of the calendar whose last segment starts
 * with prefix, with its normalized path and etag (NULL when the server
 * gives none). Other members are neither read nor reported.
 */
typedef int (*caldav_member_fn)(void *arg, const char *path, const char *etag);
int caldav_list(struct dav_client *dc, const char *cal, const char *prefix,
		caldav_member_fn fn, void *arg, struct kerr *err);

/*
 * One object: GET into body with its etag (caller frees both); PUT with
 * If-Match etag, or If-None-Match: * when etag is NULL, *new_etag the
 * strong etag the server gave (or NULL); DELETE with If-Match etag (any
 * when NULL). Each returns 0 with *status set whatever the status, -1
 * with err when no answer came.
 */
int caldav_get(struct dav_client *dc, const char *url, struct sbuf *body,
	       char **etag, long *status, struct kerr *err);
int caldav_put(struct dav_client *dc, const char *url, const char *body,
	       size_t len, const char *etag, char **new_etag, long *status,
	       struct kerr *err);
int caldav_delete(struct dav_client *dc, const char *url, const char *etag,
		  long *status, struct kerr *err);

/* DELETE of a whole calendar that kith made; 0 with *status, or -1. */
int caldav_delete_calendar(struct dav_client *dc, const char *url,
			   long *status, struct kerr *err);

#endif
