#include "http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "cred.h"
#include "davxml.h"
#include "digest.h"

#define MAX_REDIRECTS 5
#define MAX_ATTEMPTS 4			/* the first try and three retries */
#define MAX_RETRY_WAIT 30		/* seconds, whatever Retry-After says */
/*
 * What kith will hold or read of one answer. A buffered body is a single
 * card (GET after a PUT or a 412), so it gets the per-card limit of the
 * XML reader plus room for a server that sends it as XML; an error answer
 * is kept only to its first 64 kB (nobody reads further). A streamed
 * multistatus is parsed as it arrives and bounded per field by davxml,
 * so memory is not the issue there, time is: 256 MB is a multiget of
 * 1000 cards (pull.c's batch) at 256 kB each, photos included, far
 * above any real answer and a few seconds on a LAN, so a server that
 * streams without end is cut off instead of holding kith for hours.
 */
#define MAX_BODY (DAVXML_MAX_CARD + 1024L * 1024)
#define MAX_ERROR_BODY (64L * 1024)
#define MAX_STREAM (256L * 1024 * 1024)
/*
 * Stalls. An attempt that moves under 1 byte/s for LOW_SPEED_TIME is
 * given up (and retried); curl averages speed over about 5 s, so after a
 * request body went out fast this fires some seconds late. Hence also an
 * idle limit: not one byte in either direction for IDLE_TIME ends the
 * attempt. KITH_HTTP_TIMEOUT=SECONDS (1 to 3600) sets both, for tests that
 * stall a server on purpose.
 */
#define LOW_SPEED_TIME 30L
#define IDLE_TIME 60L

struct dav_client {
	CURL *curl;
	char *user;
	char *password;
	char *cafile;
	long requests;
	int trace;		/* KITH_DEBUG_REQUESTS: a line per request on stderr */
	int digest;		/* the server asked for Digest, not Basic */
	/*
	 * A Digest challenge kith answers itself (digest.h), so the next
	 * request needs no 401 first; chal_ok 0 leaves Digest to libcurl.
	 */
	struct digest_chal chal;
	int chal_ok;
	char *challenge;	/* chal as the server wrote it, to remember */
	unsigned long nc;	/* requests made with chal's nonce */
	const char *doing;	/* the command, for what-to-do hints */
	int pinned;		/* redirects to another origin are refused */
	int status_once;	/* an HTTP error status is not retried */
	int stall_once;		/* nor is a stall */
	int stalled;		/* the last request failed by stalling */
	size_t stream_cap;	/* bytes one streamed answer may run to; 0: MAX_STREAM */
	char *auth_origin;	/* credentials go only to this origin */
	struct dav_client *parent; /* a dup's: its requests count there when freed */
	char errbuf[CURL_ERROR_SIZE];
};

struct dav_client *dav_client_new(const struct dav_opts *opts, struct kerr *err)
{
	static int inited;
	struct dav_client *dc;

	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
			kerr_set(err, "cannot initialize libcurl");
			return NULL;
		}
		inited = 1;
	}
	dc = xcalloc(1, sizeof *dc);
	dc->curl = curl_easy_init();
	if (!dc->curl) {
		free(dc);
		kerr_set(err, "cannot initialize libcurl");
		return NULL;
	}
	dc->user = opts->user ? xstrdup(opts->user) : NULL;
	dc->password = opts->password ? xstrdup(opts->password) : NULL;
	dc->cafile = opts->cafile ? xstrdup(opts->cafile) : NULL;
	dc->trace = getenv("KITH_DEBUG_REQUESTS") != NULL;
	return dc;
}

/* One line per request, for KITH_DEBUG_REQUESTS: what, how big, how long. */
static void trace_request(struct dav_client *dc, const struct http_req *req,
			  const char *url, CURLcode rc, long status)
{
	curl_off_t total = 0, down = 0;
	char *safe = http_redact(url);

	curl_easy_getinfo(dc->curl, CURLINFO_TOTAL_TIME_T, &total);
	curl_easy_getinfo(dc->curl, CURLINFO_SIZE_DOWNLOAD_T, &down);
	term_printf(stderr, "kith: %s %s: %ld, %ld bytes in %.3f s%s\n", req->method,
		safe, rc == CURLE_OK ? status : 0L, (long)down, (double)total / 1e6,
		rc == CURLE_OK ? "" : " (transport error)");
	free(safe);
}

struct dav_client *dav_client_dup(struct dav_client *dc, struct kerr *err)
{
	struct dav_opts o = {dc->user, dc->password, dc->cafile};
	struct dav_client *d = dav_client_new(&o, err);

	if (!d)
		return NULL;
	d->digest = dc->digest;
	d->chal = dc->chal;
	d->chal_ok = dc->chal_ok;
	/* Its own range of nonce counts, so the two never send the same one. */
	d->nc = dc->nc + 0x100000UL;
	d->doing = dc->doing;
	d->pinned = dc->pinned;
	d->auth_origin = dc->auth_origin ? xstrdup(dc->auth_origin) : NULL;
	d->parent = dc;
	return d;
}

void dav_client_free(struct dav_client *dc)
{
	if (!dc)
		return;
	if (dc->parent)
		dc->parent->requests += dc->requests;
	curl_easy_cleanup(dc->curl);
	free(dc->user);
	cred_free(dc->password);
	free(dc->cafile);
	free(dc->auth_origin);
	free(dc->challenge);
	free(dc);
}

void dav_client_doing(struct dav_client *dc, const char *command)
{
	dc->doing = command;
}

const char *dav_client_auth(struct dav_client *dc, unsigned long *nc)
{
	*nc = dc->nc;
	if (dc->chal_ok && dc->challenge)
		return dc->challenge;
	return dc->digest ? "Digest" : NULL;
}

void dav_client_auth_restore(struct dav_client *dc, const char *challenge,
			     unsigned long nc)
{
	struct digest_chal ch;

	if (!challenge || dc->digest)
		return;		/* nothing kept, or this client knows better */
	if (strncasecmp(challenge, "Digest", 6) != 0)
		return;
	dc->digest = 1;
	if (digest_parse(challenge, &ch) == 0) {
		dc->chal = ch;
		dc->chal_ok = 1;
		dc->nc = nc;
		free(dc->challenge);
		dc->challenge = xstrdup(challenge);
	}
}

void dav_client_stream_cap(struct dav_client *dc, size_t bytes)
{
	dc->stream_cap = bytes;
}

void dav_client_status_once(struct dav_client *dc, int on)
{
	dc->status_once = on;
}

void dav_client_stall_once(struct dav_client *dc, int on)
{
	dc->stall_once = on;
}

int dav_client_stalled(const struct dav_client *dc)
{
	return dc->stalled;
}

void dav_client_pin(struct dav_client *dc)
{
	dc->pinned = 1;
}

long dav_client_requests(struct dav_client *dc)
{
	return dc->requests;
}

void http_resp_free(struct http_resp *r)
{
	if (!r)
		return;
	free(r->etag);
	free(r->location);
	free(r->content_type);
	free(r->final_url);
	free(r->dav);
	sbuf_free(&r->body);
	memset(r, 0, sizeof *r);
}

char *http_resolve(const char *base, const char *ref)
{
	CURLU *u = curl_url();
	char *out = NULL, *res = NULL;
	CURLUcode rc;

	if (!u)
		return NULL;
	rc = curl_url_set(u, CURLUPART_URL, base, 0);
	/*
	 * RFC 3986 5.2.2: an empty reference is the base without its
	 * fragment, "#f" the base with that fragment. libcurl before 8.12
	 * (curl issue 15836) dropped the base's last segment and query for
	 * them, naming the parent collection, so they are done here.
	 */
	if (rc == CURLUE_OK && (ref[0] == '\0' || ref[0] == '#'))
		rc = curl_url_set(u, CURLUPART_FRAGMENT, ref[0] ? ref + 1 : NULL, 0);
	else if (rc == CURLUE_OK)
		rc = curl_url_set(u, CURLUPART_URL, ref, 0);
	if (rc == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &out, 0) == CURLUE_OK) {
		res = xstrdup(out);
		curl_free(out);
	}
	curl_url_cleanup(u);
	return res;
}

char *http_redact(const char *url)
{
	const char *scheme = strstr(url, "://"), *at, *slash;

	if (!scheme)
		return xstrdup(url);
	at = strchr(scheme + 3, '@');
	slash = strchr(scheme + 3, '/');
	if (!at || (slash && at > slash))
		return xstrdup(url);
	return xasprintf("%.*s%s", (int)(scheme + 3 - url), url, at + 1);
}

char *http_origin(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *res = NULL;

	if (!u)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		char *h = xstrdup(host), *p;

		for (p = h; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		res = xasprintf("%s://%s:%s", scheme, h, port);
		free(h);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return res;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The byte "%XX" at p stands for, or -1 when p is not one. */
static int pct_byte(const char *p)
{
	int hi, lo;

	if (p[0] != '%')
		return -1;
	hi = hexval((unsigned char)p[1]);
	if (hi < 0)
		return -1;
	lo = hexval((unsigned char)p[2]);
	return lo < 0 ? -1 : hi * 16 + lo;
}

/*
 * Where the path of href starts: after "scheme://authority" when href
 * begins with a scheme (RFC 3986 3.1), the authority ending at the first
 * '/', '?' or '#' (3.2). A "://" anywhere else, in a query or a path
 * segment, is data.
 */
static const char *path_start(const char *href)
{
	size_t n = strspn(href, "abcdefghijklmnopqrstuvwxyz"
			  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

	if (n == 0 || !isalpha((unsigned char)href[0]) ||
	    strncmp(href + n, "://", 3) != 0)
		return href;
	href += n + 3;
	return href + strcspn(href, "/?#");
}

char *http_path(const char *href)
{
	const char *p = path_start(href);
	struct sbuf b = {0};

	for (; *p && *p != '?' && *p != '#'; p++) {
		int c = pct_byte(p);

		if (c >= 0) {
			/*
			 * RFC 3986 2.3: unreserved characters mean the same
			 * encoded or not. ALPHA and DIGIT are ASCII: isalnum()
			 * would follow the locale main() sets and decode %E9
			 * in a Latin-1 one.
			 */
			if (c && c < 0x80 && strchr("abcdefghijklmnopqrstuvwxyz"
						    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						    "0123456789-._~", c))
				sbuf_addc(&b, (char)c);
			else
				sbuf_addf(&b, "%%%02X", c);
			p += 2;
		} else if ((unsigned char)*p >= 0x80 || *p == ' ') {
			sbuf_addf(&b, "%%%02X", (unsigned char)*p);
		} else {
			sbuf_addc(&b, *p);
		}
	}
	if (b.len == 0)
		sbuf_addc(&b, '/');
	return sbuf_detach(&b, NULL);
}

char *http_collection_path(const char *url)
{
	char *p = http_path(url), *s;

	if (p[strlen(p) - 1] == '/')
		return p;
	s = xasprintf("%s/", p);
	free(p);
	return s;
}

/* Whether a percent-decoded segment could step out of or alias its collection. */
static int bad_segment(const char *seg)
{
	struct sbuf d = {0};
	const char *p;
	int bad = 0, c;

	for (p = seg; *p; p++) {
		c = pct_byte(p);
		if (c >= 0) {
			sbuf_addc(&d, (char)c);
			p += 2;
		} else {
			sbuf_addc(&d, *p);
		}
	}
	if (d.len == 0 || strcmp(d.buf, ".") == 0 || strcmp(d.buf, "..") == 0)
		bad = 1;
	for (p = d.buf; !bad && p < d.buf + d.len; p++)
		if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f)
			bad = 1;
	sbuf_free(&d);
	return bad;
}

int http_path_plain(const char *url)
{
	char *path = http_path(url), *seg, *save = NULL;
	int plain = 1;

	for (seg = strtok_r(path, "/", &save); seg && plain;
	     seg = strtok_r(NULL, "/", &save))
		plain = !bad_segment(seg);
	free(path);
	return plain;
}

char *http_member(const char *book_path, const char *book_origin,
		  const char *href)
{
	size_t blen = strlen(book_path);
	char *path;

	if (strstr(href, "://")) {
		char *origin = http_origin(href);
		int same = origin && book_origin && strcmp(origin, book_origin) == 0;

		free(origin);
		if (!same)
			return NULL;
	} else if (href[0] != '/') {
		return NULL;	/* RFC 4918 8.3: an absolute URI or path */
	}
	path = http_path(href);
	if (strncmp(path, book_path, blen) != 0 || strchr(path + blen, '/') ||
	    bad_segment(path + blen)) {
		free(path);
		return NULL;
	}
	return path;
}

struct attempt {
	struct dav_client *dc;
	struct http_resp *resp;
	const struct http_req *req;
	struct kerr sink_err;
	int sink_failed;
	int sink_permanent;	/* the failure will repeat: do not retry */
	size_t streamed;	/* bytes given to the sink */
	curl_off_t moved;	/* bytes up and down so far */
	struct timespec last_move;
	long idle_limit;	/* seconds */
	int idled;		/* the idle limit ended the attempt */
	int interrupted;	/* Ctrl-C ended it (kith_interrupted) */
	long retry_after;
	int www_digest;
	char www_chal[DIGEST_CHALLENGE_MAX + 1];	/* the first Digest challenge */
};

static char *header_value(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);
	const char *v, *end = line + len;

	if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return NULL;
	v = line + n + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	return xstrndup(v, (size_t)(end - v));
}

/* The response headers kept, in header_names' order. */
enum header { H_ETAG, H_LOCATION, H_CONTENT_TYPE, H_DAV, H_RETRY_AFTER,
	H_AUTHENTICATE, H_NONE };
static const char *const header_names[] = {"ETag", "Location",
	"Content-Type", "DAV", "Retry-After", "WWW-Authenticate"};

static size_t on_header(char *buf, size_t size, size_t n, void *arg)
{
	struct attempt *a = arg;
	size_t len = size * n;
	enum header h;
	char *v = NULL;

	if (len > 5 && strncmp(buf, "HTTP/", 5) == 0) {
		/* A new response (after 100 Continue or a 401 round): start over. */
		free(a->resp->etag);
		free(a->resp->location);
		free(a->resp->content_type);
		free(a->resp->dav);
		a->resp->etag = a->resp->location = NULL;
		a->resp->content_type = a->resp->dav = NULL;
		a->retry_after = -1;
		a->www_digest = 0;
		a->www_chal[0] = '\0';
		return len;
	}
	for (h = 0; h < H_NONE; h++) {
		v = header_value(buf, len, header_names[h]);
		if (v)
			break;
	}
	switch (h) {
	case H_ETAG:
		free(a->resp->etag);
		a->resp->etag = v;
		break;
	case H_LOCATION:
		free(a->resp->location);
		a->resp->location = v;
		break;
	case H_CONTENT_TYPE:
		free(a->resp->content_type);
		a->resp->content_type = v;
		break;
	case H_DAV:
		free(a->resp->dav);
		a->resp->dav = v;
		break;
	case H_RETRY_AFTER:
		/* Seconds only; an HTTP date falls back to our own backoff. */
		a->retry_after = isdigit((unsigned char)v[0]) ? atol(v) : -1;
		free(v);
		break;
	case H_AUTHENTICATE:
		if (strncasecmp(v, "Digest", 6) == 0) {
			if (!a->www_digest && strlen(v) <= DIGEST_CHALLENGE_MAX)
				snprintf(a->www_chal, sizeof a->www_chal, "%s", v);
			a->www_digest = 1;
		}
		free(v);
		break;
	case H_NONE:
		break;
	}
	return len;
}

static size_t on_body(char *buf, size_t size, size_t n, void *arg)
{
	struct attempt *a = arg;
	size_t len = size * n;

	if (a->sink_failed)
		return 0;
	if (a->req->sink && a->resp->status >= 200 && a->resp->status < 300) {
		int r;

		size_t cap = a->dc->stream_cap ? a->dc->stream_cap : (size_t)MAX_STREAM;

		a->streamed += len;
		if (a->streamed > cap) {
			a->sink_failed = a->sink_permanent = 1;
			kerr_set(&a->sink_err, "the server's answer goes on past "
				 "%zu MB; kith stopped reading it (a broken or "
				 "hostile server: check the URL, or ask its admin)",
				 cap / (1024 * 1024));
			return 0;
		}
		r = a->req->sink(a->req->arg, buf, len, &a->sink_err);
		if (r < 0) {
			a->sink_failed = 1;
			a->sink_permanent = r == HTTP_SINK_PERMANENT;
			return 0;
		}
		return len;
	}
	if (a->resp->status < 200 || a->resp->status >= 300) {
		/* An error page: keep its start, drop the rest. */
		if (a->resp->body.len < (size_t)MAX_ERROR_BODY)
			sbuf_add(&a->resp->body, buf, len);
		return len;
	}
	if (a->resp->body.len + len > (size_t)MAX_BODY) {
		a->sink_failed = a->sink_permanent = 1;
		kerr_set(&a->sink_err, "the server's answer is larger than %ld MB, "
			 "more than a card can be; kith stopped reading it",
			 MAX_BODY / (1024 * 1024));
		return 0;
	}
	sbuf_add(&a->resp->body, buf, len);
	return len;
}

/* The status line is known before the body: record it for on_body. */
static size_t on_header_status(char *buf, size_t size, size_t n, void *arg)
{
	struct attempt *a = arg;
	size_t len = size * n;

	if (len > 12 && strncmp(buf, "HTTP/", 5) == 0) {
		const char *sp = memchr(buf, ' ', len);

		a->resp->status = sp ? atol(sp + 1) : 0;
	}
	return on_header(buf, size, n, arg);
}

static int retryable(long status)
{
	return status == 429 || status == 500 || status == 502 ||
	       status == 503 || status == 504;
}

/* KITH_HTTP_TIMEOUT in seconds, or 0 when unset or not a number in 1..3600. */
static long timeout_override(void)
{
	const char *v = getenv("KITH_HTTP_TIMEOUT");
	char *end;
	long n;

	if (!v || !*v)
		return 0;
	n = strtol(v, &end, 10);
	if (*end || n < 1 || n > 3600)
		return 0;
	return n;
}

long http_stall_seconds(void)
{
	long over = timeout_override();

	return over ? over : LOW_SPEED_TIME;
}

/* Progress: ends the attempt when no byte moved for idle_limit seconds. */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	struct attempt *a = arg;
	struct timespec now;

	(void)dltotal;
	(void)ultotal;
	if (kith_interrupted) {
		a->interrupted = 1;
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (dlnow + ulnow != a->moved || a->last_move.tv_sec == 0) {
		a->moved = dlnow + ulnow;
		a->last_move = now;
		return 0;
	}
	if (now.tv_sec - a->last_move.tv_sec >= a->idle_limit) {
		a->idled = 1;
		return 1;
	}
	return 0;
}

static void nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && !kith_interrupted)
		;
}

/* Whether url names this machine: localhost, 127.0.0.0/8 or ::1. */
static int is_loopback(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL;
	int yes = 0;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		yes = strcasecmp(host, "localhost") == 0 ||
		      strncmp(host, "127.", 4) == 0 || strcmp(host, "[::1]") == 0;
	curl_free(host);
	curl_url_cleanup(u);
	return yes;
}

/* The Authorization value for req to url from dc's challenge, or NULL. */
static char *own_digest(struct dav_client *dc, const struct http_req *req,
			const char *url)
{
	CURLU *u = curl_url();
	char *path = NULL, *query = NULL, *uri, *auth = NULL;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK) {
		if (curl_url_get(u, CURLUPART_QUERY, &query, 0) != CURLUE_OK)
			query = NULL;
		uri = query ? xasprintf("%s?%s", path, query) : xstrdup(path);
		auth = digest_authorization(&dc->chal, dc->user, dc->password,
					    req->method, uri, ++dc->nc, NULL);
		free(uri);
	}
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
	return auth;
}

/* One HTTP exchange, no redirects, no retries. */
static CURLcode perform(struct dav_client *dc, const struct http_req *req,
			const char *url, int send_auth, struct attempt *a)
{
	struct curl_slist *h = NULL;
	char *line;
	CURL *c = dc->curl;
	long over = timeout_override();
	CURLcode rc;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (dc->cafile)
		curl_easy_setopt(c, CURLOPT_CAINFO, dc->cafile);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "kith/" KITH_VERSION);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
	/* A stalled server: under 1 byte/s for 30 s ends the attempt. */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, over ? over : LOW_SPEED_TIME);
	a->idle_limit = over ? over : IDLE_TIME;
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, a);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, dc->errbuf);
	/* Compression saves a network, not a loopback: there it only costs CPU. */
	if (!is_loopback(url))
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	if (strcmp(req->method, "GET") == 0)
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	if (req->body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)req->body_len);
	}
	if (send_auth && dc->user) {
		char *auth = dc->digest && dc->chal_ok ? own_digest(dc, req, url) : NULL;

		if (auth) {
			line = xasprintf("Authorization: %s", auth);
			h = curl_slist_append(h, line);
			free(line);
			free(auth);
		} else {
			curl_easy_setopt(c, CURLOPT_USERNAME, dc->user);
			curl_easy_setopt(c, CURLOPT_PASSWORD,
					 dc->password ? dc->password : "");
			curl_easy_setopt(c, CURLOPT_HTTPAUTH, dc->digest ?
					 CURLAUTH_DIGEST : CURLAUTH_BASIC);
		}
	}
	h = curl_slist_append(h, "Expect:");
	if (req->content_type) {
		line = xasprintf("Content-Type: %s", req->content_type);
		h = curl_slist_append(h, line);
		free(line);
	}
	if (req->accept) {
		line = xasprintf("Accept: %s", req->accept);
		h = curl_slist_append(h, line);
		free(line);
	}
	if (req->depth) {
		line = xasprintf("Depth: %s", req->depth);
		h = curl_slist_append(h, line);
		free(line);
	}
	if (req->if_match) {
		line = xasprintf("If-Match: %s", req->if_match);
		h = curl_slist_append(h, line);
		free(line);
	}
	if (req->if_none_match)
		h = curl_slist_append(h, "If-None-Match: *");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header_status);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	dc->errbuf[0] = '\0';
	dc->requests++;
	rc = curl_easy_perform(c);
	if (rc == CURLE_ABORTED_BY_CALLBACK && a->interrupted) {
		snprintf(dc->errbuf, sizeof dc->errbuf, "interrupted");
	} else if (rc == CURLE_ABORTED_BY_CALLBACK && a->idled) {
		snprintf(dc->errbuf, sizeof dc->errbuf, "no data for %ld seconds",
			 a->idle_limit);
		rc = CURLE_OPERATION_TIMEDOUT;
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->resp->status);
	if (dc->trace)
		trace_request(dc, req, url, rc, a->resp->status);
	return rc;
}

static void transport_error(struct dav_client *dc, struct kerr *err,
			    const struct http_req *req, const char *url,
			    CURLcode rc)
{
	char *safe = http_redact(url), again[160];
	const char *hint = again, *doing = dc->doing ? dc->doing : "sync";

	snprintf(again, sizeof again, "check the URL and the network, then run "
		 "'kith %s' again", doing);

	if (kith_interrupted)
		snprintf(again, sizeof again, "Ctrl-C; run 'kith %s' again to go on", doing);
	else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
	    rc == CURLE_SSL_CONNECT_ERROR)
		hint = "the server's TLS certificate is not trusted: if it is your "
		       "own server, give its CA certificate with --cafile FILE to "
		       "'account add' (or 'cafile = FILE' in the account's section "
		       "of the config)";
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(again, sizeof again, "the server stalled; run 'kith %s' "
			 "again later", doing);
	else if (rc == CURLE_COULDNT_CONNECT)
		hint = "is the server running? check the URL";
	kerr_set(err, "%s %s: %s (%s)", req->method, safe,
		 dc->errbuf[0] ? dc->errbuf : curl_easy_strerror(rc), hint);
	free(safe);
}

/*
 * After a 401 with a Digest challenge: whether asking again can help.
 * A new nonce (or a stale one) is answered by kith itself; a challenge
 * kith cannot answer, or its own answer refused with the same nonce, is
 * left to libcurl's Digest, which gets its own challenge.
 */
static int digest_again(struct dav_client *dc, const char *challenge)
{
	struct digest_chal ch;
	int ours = digest_parse(challenge, &ch) == 0;

	if (ours && (!dc->chal_ok || ch.stale || strcmp(ch.nonce, dc->chal.nonce) != 0)) {
		dc->digest = 1;
		dc->chal = ch;
		dc->chal_ok = 1;
		dc->nc = 0;
		free(dc->challenge);
		dc->challenge = xstrdup(challenge);
		return 1;
	}
	if (dc->chal_ok) {
		dc->chal_ok = 0;	/* refused: let libcurl try */
		return 1;
	}
	if (!dc->digest) {
		dc->digest = 1;
		return 1;
	}
	return 0;	/* libcurl's Digest was refused too: the password */
}

/* Whether the credentials go to url. */
static int send_auth_last(struct dav_client *dc, const char *url)
{
	char *o = http_origin(url);
	int ok = o && dc->auth_origin && strcmp(o, dc->auth_origin) == 0;

	free(o);
	return ok;
}

int http_request(struct dav_client *dc, const struct http_req *req,
		 struct http_resp *resp, struct kerr *err)
{
	char *url = xstrdup(req->url), *origin = NULL;
	int redirects = 0, attempt = 0, rc = -1, digest_rounds = 0;
	struct attempt a;

	memset(resp, 0, sizeof *resp);
	dc->stalled = 0;
	if (!dc->auth_origin)
		dc->auth_origin = http_origin(req->url);
	CURLcode cc = CURLE_OK;

	for (;;) {
		int send_auth;
		long wait_ms;

		free(origin);
		origin = http_origin(url);
		/* Credentials go only to the origin the user named. */
		send_auth = origin && dc->auth_origin &&
			    strcmp(origin, dc->auth_origin) == 0;
		http_resp_free(resp);
		memset(&a, 0, sizeof a);
		a.dc = dc;
		a.resp = resp;
		a.req = req;
		a.retry_after = -1;
		if (kith_interrupted) {
			char *safe = http_redact(url);

			kerr_set(err, "%s %s: not sent: interrupted (Ctrl-C)",
				 req->method, safe);
			free(safe);
			goto out;
		}
		if (req->reset)
			req->reset(req->arg);
		cc = perform(dc, req, url, send_auth, &a);
		attempt++;
		if (a.sink_failed) {
			/*
			 * A body cut or garbled in transit may come whole next
			 * time; one past a limit or with entities will not.
			 */
			if (req->no_retry || a.sink_permanent ||
			    attempt >= MAX_ATTEMPTS || kith_interrupted) {
				*err = a.sink_err;
				goto out;
			}
			nap(500L << (attempt - 1));
			continue;
		}
		if (cc == CURLE_OK && resp->status == 401 && a.www_digest &&
		    send_auth && digest_rounds < 3 && digest_again(dc, a.www_chal)) {
			digest_rounds++;	/* the server wants Digest: ask again */
			continue;
		}
		if (cc == CURLE_OK && req->follow && resp->location &&
		    (resp->status == 301 || resp->status == 302 ||
		     resp->status == 303 || resp->status == 307 ||
		     resp->status == 308)) {
			char *next = http_resolve(url, resp->location);

			if (!next || ++redirects > MAX_REDIRECTS) {
				char *safe = http_redact(url);

				kerr_set(err, "%s %s: %s", req->method, safe, next ?
					 "more than 5 redirects (check the URL)" :
					 "the server redirected to an invalid URL");
				free(safe);
				free(next);
				goto out;
			}
			if (dc->pinned && !send_auth_last(dc, next)) {
				char *safe = http_redact(url), *to = http_redact(next);

				kerr_set(err, "%s %s: the server redirected to %s, on "
					 "another host; kith syncs an address book only "
					 "from the host you named and never sends your "
					 "password elsewhere: if you trust that host, add "
					 "the account again with its URL", req->method,
					 safe, to);
				free(safe);
				free(to);
				free(next);
				goto out;
			}
			if (str_casestarts(url, "https:") &&
			    !str_casestarts(next, "https:")) {
				char *safe = http_redact(url);

				kerr_set(err, "%s %s: the server redirected from "
					 "HTTPS to plain HTTP; refused", req->method,
					 safe);
				free(safe);
				free(next);
				goto out;
			}
			free(url);
			url = next;
			attempt = 0;
			continue;
		}
		if (req->no_retry || attempt >= MAX_ATTEMPTS || kith_interrupted)
			break;
		if (cc == CURLE_OK && (!retryable(resp->status) || dc->status_once))
			break;
		if (cc == CURLE_OPERATION_TIMEDOUT && dc->stall_once)
			break;
		if (cc != CURLE_OK && cc != CURLE_RECV_ERROR &&
		    cc != CURLE_SEND_ERROR && cc != CURLE_PARTIAL_FILE &&
		    cc != CURLE_GOT_NOTHING && cc != CURLE_OPERATION_TIMEDOUT &&
		    cc != CURLE_COULDNT_CONNECT)
			break;
		/* Back off: Retry-After when the server gave one, else 0.5, 1, 2 s. */
		wait_ms = 500L << (attempt - 1);
		if (cc == CURLE_OK && a.retry_after >= 0)
			wait_ms = (a.retry_after > MAX_RETRY_WAIT ? MAX_RETRY_WAIT :
				   a.retry_after) * 1000L;
		nap(wait_ms);
	}
	if (cc != CURLE_OK) {
		dc->stalled = cc == CURLE_OPERATION_TIMEDOUT;
		transport_error(dc, err, req, url, cc);
		goto out;
	}
	if (resp->status == 401 && redirects > 0 && !send_auth_last(dc, url)) {
		char *safe = http_redact(req->url), *to = http_redact(url);

		kerr_set(err, "%s %s: redirected to %s, which asks for a password; "
			 "kith never sends it to another host than the one you "
			 "gave: if you trust it, use that URL", req->method, safe, to);
		free(safe);
		free(to);
		goto out;
	}
	rc = 0;
out:
	if (rc == 0)
		resp->final_url = xstrdup(url);
	free(url);
	free(origin);
	return rc;
}
