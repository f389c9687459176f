/*
 * caldav.c: the user's calendars, and kith's own objects in one of them
 * (RFC 4791 sections 5.3.1 and 6.2.1, RFC 6764 for the well-known URI).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caldav.h"
#include "dav_internal.h"

static const char cal_propfind[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	"<d:propfind xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\">"
	"<d:prop><d:resourcetype/><d:displayname/><d:current-user-principal/>"
	"<c:calendar-home-set/><c:supported-calendar-component-set/>"
	"</d:prop></d:propfind>";

static const char etag_propfind[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	"<d:propfind xmlns:d=\"DAV:\"><d:prop><d:getetag/><d:resourcetype/>"
	"</d:prop></d:propfind>";

/* What one discovery PROPFIND said, read against the URL that answered. */
struct cal_found {
	const char *base;	/* the URL asked about */
	char *principal, *home;	/* the resource's own, resolved */
	int self_calendar;
	char *self_name;
	int self_comps;
	struct dav_calendar *cals;	/* children that are calendars */
	size_t n;
};

/* Whether the paths of a and b are one collection, a trailing slash aside. */
static int same_path(const char *a, const char *b)
{
	char *pa = http_collection_path(a), *pb = http_collection_path(b);
	int same = pa && pb && strcmp(pa, pb) == 0;

	free(pa);
	free(pb);
	return same;
}

/* A URL kith may use: on base's origin and without dot segments. */
static char *same_origin(const char *base, const char *href)
{
	char *url = http_resolve(base, href);
	char *o1 = http_origin(base), *o2 = url ? http_origin(url) : NULL;
	int ok = url && o1 && o2 && strcmp(o1, o2) == 0 && http_path_plain(url);

	free(o1);
	free(o2);
	if (!ok) {
		free(url);
		return NULL;
	}
	return url;
}

static int on_cal(void *arg, struct dav_response *r, struct kerr *err)
{
	struct cal_found *f = arg;
	char *url;

	(void)err;
	if (!r->ok_props || f->n >= 1000)
		return 0;
	url = same_origin(f->base, r->href);
	if (!url)
		return 0;	/* another host, or "/a/../": never used */
	if (same_path(url, f->base)) {
		if (r->principal && !f->principal)
			f->principal = same_origin(f->base, r->principal);
		if (r->cal_home && !f->home)
			f->home = same_origin(f->base, r->cal_home);
		if (r->is_calendar) {
			f->self_calendar = 1;
			f->self_comps = r->comps;
			free(f->self_name);
			f->self_name = r->displayname && *r->displayname ?
				       xstrdup(r->displayname) : NULL;
		}
		free(url);
		return 0;
	}
	if (r->is_calendar) {
		struct dav_calendar *c;
		char *path = http_collection_path(url);

		f->cals = xrealloc(f->cals, (f->n + 1) * sizeof *f->cals);
		c = &f->cals[f->n++];
		free(url);
		url = http_origin(f->base);
		c->url = xasprintf("%s%s", url ? url : "", path ? path : "/");
		c->displayname = r->displayname && *r->displayname ?
				 xstrdup(r->displayname) : NULL;
		c->comps = r->comps;
		free(path);
	}
	free(url);
	return 0;
}

static void found_free(struct cal_found *f)
{
	free(f->principal);
	free(f->home);
	free(f->self_name);
	caldav_calendars_free(f->cals, f->n);
	memset(f, 0, sizeof *f);
}

void caldav_calendars_free(struct dav_calendar *cals, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(cals[i].url);
		free(cals[i].displayname);
	}
	free(cals);
}

/* PROPFIND url; f is filled from a 207. 0 with *status, or -1. */
static int cal_probe(struct dav_client *dc, const char *url, const char *depth,
		     struct cal_found *f, long *status, struct kerr *err)
{
	char *final = NULL;
	int rc;

	memset(f, 0, sizeof *f);
	f->base = url;
	rc = dav_multistatus(dc, "PROPFIND", url, depth, cal_propfind, on_cal,
			     f, status, &final, NULL, err);
	/*
	 * A redirect (DAViCal's well-known URI) moved the answer: read it
	 * again against where it came from, if that is the same origin.
	 */
	if (rc == 0 && *status == 207 && final && !same_path(final, url)) {
		char *o1 = http_origin(url), *o2 = http_origin(final);
		int ok = o1 && o2 && strcmp(o1, o2) == 0;

		free(o1);
		free(o2);
		found_free(f);
		if (ok) {
			f->base = final;
			rc = dav_multistatus(dc, "PROPFIND", final, depth,
					     cal_propfind, on_cal, f, status,
					     NULL, NULL, err);
		}
		f->base = NULL;
	}
	free(final);
	return rc;
}

/* The home set named by url, its principal, or the well-known URI. */
static char *find_home(struct dav_client *dc, const char *url, char **self_cal,
		       struct kerr *err)
{
	struct cal_found f;
	char *home = NULL, *principal = NULL, *origin, *wk;
	long status = 0;

	*self_cal = NULL;
	if (cal_probe(dc, url, "0", &f, &status, err) < 0)
		return NULL;
	if (status == 401) {
		dav_status_error(err, "remind setup", "PROPFIND", url, status);
		found_free(&f);
		return NULL;
	}
	if (status == 207 && f.self_calendar)
		*self_cal = xstrdup(url);
	if (status == 207) {
		home = f.home;
		principal = f.principal;
		f.home = f.principal = NULL;
	}
	found_free(&f);
	if (!home && !principal) {
		/* RFC 6764 section 5. */
		origin = http_origin(url);
		wk = origin ? xasprintf("%s/.well-known/caldav", origin) : NULL;
		free(origin);
		if (wk && cal_probe(dc, wk, "0", &f, &status, err) == 0 &&
		    status == 207) {
			home = f.home;
			principal = f.principal;
			f.home = f.principal = NULL;
		}
		found_free(&f);
		free(wk);
	}
	if (!home && principal) {
		if (cal_probe(dc, principal, "0", &f, &status, err) < 0) {
			free(principal);
			return NULL;
		}
		if (status == 207) {
			home = f.home;
			f.home = NULL;
		}
		found_free(&f);
	}
	free(principal);
	return home;
}

int caldav_discover(struct dav_client *dc, const char *url, char **home,
		    struct dav_calendar **cals, size_t *n, struct kerr *err)
{
	struct cal_found f;
	char *self = NULL, *safe;
	long status = 0;

	*home = NULL;
	*cals = NULL;
	*n = 0;
	err->msg[0] = '\0';
	*home = find_home(dc, url, &self, err);
	if (!*home && err->msg[0]) {
		free(self);
		return -1;
	}
	if (!*home && self) {
		/* The URL is a calendar whose server names no home: it alone. */
		*cals = xcalloc(1, sizeof **cals);
		(*cals)[0].url = self;
		*n = 1;
		return 0;
	}
	free(self);
	if (!*home) {
		safe = http_redact(url);
		kerr_set(err, "the server does not offer CalDAV at %s (no "
			 "calendar-home-set there, at its principal or at "
			 "/.well-known/caldav): give the URL of a calendar with "
			 "--calendar, or use a server that serves calendars", safe);
		free(safe);
		return -1;
	}
	if (cal_probe(dc, *home, "1", &f, &status, err) < 0)
		goto fail;
	if (status != 207) {
		dav_status_error(err, "remind setup", "PROPFIND", *home, status);
		found_free(&f);
		goto fail;
	}
	*cals = f.cals;
	*n = f.n;
	f.cals = NULL;
	f.n = 0;
	found_free(&f);
	return 0;
fail:
	free(*home);
	*home = NULL;
	return -1;
}

static void add_comps(struct sbuf *b, int comps)
{
	sbuf_adds(b, "<c:supported-calendar-component-set>");
	if (comps & DAV_COMP_VEVENT)
		sbuf_adds(b, "<c:comp name=\"VEVENT\"/>");
	if (comps & DAV_COMP_VTODO)
		sbuf_adds(b, "<c:comp name=\"VTODO\"/>");
	sbuf_adds(b, "</c:supported-calendar-component-set>");
}

/* XML character data: the few characters that would end it. */
static void add_xml_text(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			sbuf_adds(b, "&lt;");
		else if (*s == '>')
			sbuf_adds(b, "&gt;");
		else if (*s == '&')
			sbuf_adds(b, "&amp;");
		else
			sbuf_addc(b, *s);
	}
}

/*
 * Whether url now is a calendar: a server may answer MKCALENDAR with 201
 * and make nothing (Calypso 2.1 does, writing later PUTs nowhere).
 */
static int made_calendar(struct dav_client *dc, const char *url,
			 struct kerr *err)
{
	struct cal_found f;
	long status = 0;
	int ok;
	char *safe;

	if (cal_probe(dc, url, "0", &f, &status, err) < 0)
		return -1;
	ok = status == 207 && f.self_calendar;
	found_free(&f);
	if (ok)
		return 0;
	safe = http_redact(url);
	kerr_set(err, "the server said it made the calendar %s, but there is "
		 "no calendar there: create a calendar named \"kith\" in its "
		 "web interface or on your phone, then run 'kith remind setup "
		 "--calendar kith'", safe);
	free(safe);
	return -1;
}

int caldav_mkcalendar(struct dav_client *dc, const char *home,
		      const char *slug, const char *displayname, int comps,
		      char **url, struct kerr *err)
{
	struct http_resp resp;
	struct http_req req;
	struct sbuf body = {0};
	char *safe;
	int rc = -1;

	*url = xasprintf("%s%s%s/", home,
			 home[0] && home[strlen(home) - 1] == '/' ? "" : "/", slug);
	sbuf_adds(&body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		  "<c:mkcalendar xmlns:d=\"DAV:\" "
		  "xmlns:c=\"urn:ietf:params:xml:ns:caldav\"><d:set><d:prop>"
		  "<d:displayname>");
	add_xml_text(&body, displayname);
	sbuf_adds(&body, "</d:displayname>");
	add_comps(&body, comps);
	sbuf_adds(&body, "</d:prop></d:set></c:mkcalendar>");
	memset(&req, 0, sizeof req);
	req.method = "MKCALENDAR";
	req.url = *url;
	req.content_type = "application/xml; charset=utf-8";
	req.body = body.buf;
	req.body_len = body.len;
	req.no_retry = 1;	/* not idempotent: a retry would answer 405 */
	if (http_request(dc, &req, &resp, err) < 0)
		goto out;
	if (resp.status == 201 || resp.status == 200) {
		rc = made_calendar(dc, *url, err);
		goto out;
	}
	safe = http_redact(*url);
	if (resp.status == 405 || resp.status == 403 || resp.status == 501)
		kerr_set(err, "the server refused to create the calendar %s "
			 "(MKCALENDAR: HTTP %ld): create a calendar named "
			 "\"kith\" in its web interface or on your phone, then "
			 "run 'kith remind setup --calendar kith'", safe,
			 resp.status);
	else
		dav_status_error(err, "remind setup", "MKCALENDAR", *url,
				 resp.status);
	free(safe);
out:
	if (rc < 0) {
		free(*url);
		*url = NULL;
	}
	http_resp_free(&resp);
	sbuf_free(&body);
	return rc;
}

struct lister {
	const char *cal_path;
	const char *origin;
	const char *prefix;
	caldav_member_fn fn;
	void *arg;
	int stopped;
};

static int on_member(void *arg, struct dav_response *r, struct kerr *err)
{
	struct lister *l = arg;
	char *path;
	const char *seg;
	int rc = 0;

	(void)err;
	if (l->stopped || r->is_collection)
		return 0;
	path = http_member(l->cal_path, l->origin, r->href);
	if (!path)
		return 0;	/* the calendar itself, or not a member */
	seg = strrchr(path, '/');
	if (seg && str_starts(seg + 1, l->prefix) && r->ok_props)
		rc = l->fn(l->arg, path, r->etag);
	free(path);
	if (rc) {
		l->stopped = 1;
		kerr_set(err, "listing the calendar stopped");
	}
	return rc;
}

int caldav_list(struct dav_client *dc, const char *cal, const char *prefix,
		caldav_member_fn fn, void *arg, struct kerr *err)
{
	struct lister l;
	char *path = http_collection_path(cal), *origin = http_origin(cal);
	long status = 0;
	int rc = -1;

	memset(&l, 0, sizeof l);
	l.cal_path = path;
	l.origin = origin;
	l.prefix = prefix;
	l.fn = fn;
	l.arg = arg;
	if (!path || !origin) {
		kerr_set(err, "%s is not a calendar URL kith can use", cal);
		goto out;
	}
	if (dav_multistatus(dc, "PROPFIND", cal, "1", etag_propfind, on_member,
			    &l, &status, NULL, NULL, err) < 0)
		goto out;
	if (status != 207) {
		dav_status_error(err, "sync", "PROPFIND", cal, status);
		goto out;
	}
	rc = 0;
out:
	free(path);
	free(origin);
	return rc;
}

int caldav_get(struct dav_client *dc, const char *url, struct sbuf *body,
	       char **etag, long *status, struct kerr *err)
{
	struct http_resp resp;
	struct http_req req;

	*etag = NULL;
	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.url = url;
	req.accept = "text/calendar";
	if (http_request(dc, &req, &resp, err) < 0)
		return -1;
	*status = resp.status;
	if (resp.status == 200) {
		*body = resp.body;
		memset(&resp.body, 0, sizeof resp.body);
		*etag = resp.etag ? xstrdup(resp.etag) : NULL;
	}
	http_resp_free(&resp);
	return 0;
}

int caldav_put(struct dav_client *dc, const char *url, const char *body,
	       size_t len, const char *etag, char **new_etag, long *status,
	       struct kerr *err)
{
	struct http_resp resp;
	struct http_req req;

	*new_etag = NULL;
	memset(&req, 0, sizeof req);
	req.method = "PUT";
	req.url = url;
	req.if_match = etag;
	req.if_none_match = etag == NULL;
	req.content_type = "text/calendar; charset=utf-8";
	req.body = body;
	req.body_len = len;
	if (http_request(dc, &req, &resp, err) < 0)
		return -1;
	*status = resp.status;
	/* A weak etag says nothing about these bytes: If-Match needs a strong one. */
	if (resp.etag && !str_starts(resp.etag, "W/"))
		*new_etag = xstrdup(resp.etag);
	http_resp_free(&resp);
	return 0;
}

/* DELETE url with If-Match if_match (none when NULL); 0 with *status, or -1. */
static int delete_url(struct dav_client *dc, const char *url,
		      const char *if_match, int once, long *status,
		      struct kerr *err)
{
	struct http_resp resp;
	struct http_req req;

	memset(&req, 0, sizeof req);
	req.method = "DELETE";
	req.url = url;
	req.if_match = if_match;
	req.no_retry = once;
	if (http_request(dc, &req, &resp, err) < 0)
		return -1;
	*status = resp.status;
	http_resp_free(&resp);
	return 0;
}

int caldav_delete(struct dav_client *dc, const char *url, const char *etag,
		  long *status, struct kerr *err)
{
	return delete_url(dc, url, etag ? etag : "*", 0, status, err);
}

int caldav_delete_calendar(struct dav_client *dc, const char *url,
			   long *status, struct kerr *err)
{
	/* Once: a retried DELETE of a collection would answer 404 for success. */
	return delete_url(dc, url, NULL, 1, status, err);
}
