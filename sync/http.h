/*
 * http.h: one reused libcurl handle per account (keep-alive), with the
 * network rules kith keeps: TLS verification always on, redirects
 * followed by hand (at most 5, never HTTPS to HTTP, credentials never
 * sent to another host), bounded retries on 5xx and 429 honouring
 * Retry-After, connect and low-speed timeouts.
 */
#ifndef KITH_HTTP_H
#define KITH_HTTP_H

#include <stddef.h>

#include "dav.h"
#include "util.h"

struct http_req {
	const char *method;
	const char *url;
	const char *depth;		/* "0", "1" or NULL */
	const char *if_match;		/* an etag, or NULL */
	int if_none_match;		/* send If-None-Match: * */
	const char *content_type;	/* of body */
	const char *accept;		/* an Accept header's value, or NULL */
	const char *body;
	size_t body_len;
	int follow;			/* follow redirects */
	/*
	 * When sink is set, the response body streams into it instead of
	 * resp->body (for 2xx answers); reset is called before every attempt
	 * so a retried request starts a fresh parse. The sink returns 0, -1
	 * to refuse the body (the request is retried: it may have been
	 * garbled in transit) or HTTP_SINK_PERMANENT to refuse it for good
	 * (a limit or a forbidden construct: asking again would repeat it).
	 */
	int (*sink)(void *arg, const char *buf, size_t len, struct kerr *err);
	void (*reset)(void *arg);
	void *arg;
	int no_retry;			/* one attempt only */
};

#define HTTP_SINK_PERMANENT (-2)

struct http_resp {
	long status;
	char *etag;
	char *location;
	char *content_type;
	char *final_url;		/* after redirects */
	char *dav;			/* the DAV: header */
	struct sbuf body;		/* when no sink took it */
	int sink_failed;		/* the sink refused the body; err says why */
};

void http_resp_free(struct http_resp *r);

/*
 * Sends the request, retrying as the rules allow. 0 when an HTTP answer
 * came back (any status, the caller judges it), -1 with err when none
 * did (connection, TLS, timeout, too many redirects, a refused redirect,
 * or the sink refused the body).
 */
int http_request(struct dav_client *dc, const struct http_req *req,
		 struct http_resp *resp, struct kerr *err);

/* Resolves ref against base; the caller frees. NULL when it cannot. */
char *http_resolve(const char *base, const char *ref);
/* The URL without user:password@, for messages. The caller frees. */
char *http_redact(const char *url);
/*
 * The path of an href or URL, with percent-encoding normalized
 * (unreserved characters decoded, hex upper-cased), so two spellings of
 * one resource compare equal. The caller frees.
 */
char *http_path(const char *href);
/* "https://host:port" of a URL; the caller frees. NULL when none. */
char *http_origin(const char *url);

/*
 * Whether href names a member of a collection: the one rule for every
 * href a server sends (sync-collection, PROPFIND, multiget) and every URL
 * kith writes to. book_path is http_path() of the collection's URL ending
 * in '/', book_origin its http_origin(). A member is an absolute path, or
 * an absolute URL on the same origin, whose normalized path is book_path
 * followed by one segment that, percent-decoded, is not "." or ".." and
 * holds no '/', '\\', NUL or control character (RFC 3986 5.2.4: a client
 * resolving "/book/.." writes to "/"). Returns that normalized path (the
 * caller frees), NULL when href is not a member.
 */
char *http_member(const char *book_path, const char *book_origin,
		  const char *href);
/*
 * Whether url's path has no segment that is, percent-decoded, "." or ".."
 * (a collection URL from a server must name itself plainly).
 */
int http_path_plain(const char *url);
/* http_path() of a collection URL, ending in '/'. The caller frees. */
char *http_collection_path(const char *url);

/*
 * While on, an HTTP error status is answered at once, not retried (a
 * dropped connection still is): pull's bisection of a refused multiget
 * expects the refusal, and each retry costs seconds of backoff.
 */
void dav_client_status_once(struct dav_client *dc, int on);

/*
 * While on, a stall (no byte for the low-speed time) is not retried
 * either, and dav_client_stalled() says afterwards whether the last
 * request failed so: a server that computes a whole multiget before it
 * answers is asked for fewer cards instead of the same again.
 */
void dav_client_stall_once(struct dav_client *dc, int on);
int dav_client_stalled(const struct dav_client *dc);
/* Seconds of silence after which a request is given up as stalled. */
long http_stall_seconds(void);

/*
 * Bytes one streamed answer may run to before kith stops reading it; 0
 * gives back the default (256 MB). A multiget's bound grows with the
 * cards it asks for (pull.c), a listing's does not.
 */
void dav_client_stream_cap(struct dav_client *dc, size_t bytes);

#endif
