/*
 * digest.h: HTTP Digest authentication (RFC 7616) computed by kith, so
 * that a challenge learned in one sync answers the first request of the
 * next: libcurl always spends an unauthenticated request to get a nonce.
 *
 * Only what CardDAV servers send is handled: MD5, MD5-sess, SHA-256 and
 * SHA-256-sess, qop "auth" or none. Anything else (auth-int, userhash,
 * a username that is not plain ASCII) is left to libcurl.
 */
#ifndef KITH_DIGEST_H
#define KITH_DIGEST_H

#include <stddef.h>

/* A challenge longer than this is not one kith keeps. */
#define DIGEST_CHALLENGE_MAX 2048

struct digest_chal {
	char realm[512];
	char nonce[512];
	char opaque[512];
	int sha256;		/* SHA-256, else MD5 */
	int sess;		/* the -sess variant */
	int qop_auth;		/* qop="auth" offered */
	int stale;		/* stale=true: the nonce expired, the password did not */
};

/*
 * Reads a WWW-Authenticate value ("Digest realm=..., nonce=..."). 0 when
 * kith can answer it; -1 when it is not Digest, malformed, carries control
 * characters, or asks for what kith leaves to libcurl.
 */
int digest_parse(const char *challenge, struct digest_chal *ch);

/*
 * The Authorization value for one request: "Digest username=..., ...".
 * nc counts the requests made with this nonce (from 1); cnonce is the
 * client's nonce (NULL: a fresh random one). NULL when user cannot be sent
 * as a plain quoted string or the hash is unavailable.
 */
char *digest_authorization(const struct digest_chal *ch, const char *user,
			   const char *password, const char *method,
			   const char *uri, unsigned long nc, const char *cnonce);

#endif
