/*
 * digest.c: HTTP Digest (RFC 7616 section 3.4) for the requests kith
 * authenticates itself; see digest.h for why.
 */
#include "digest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <openssl/evp.h>

#include "cred.h"
#include "util.h"

/* Copies a quoted-string or token value from *s into out; -1 if bad. */
static int param_value(const char **s, char *out, size_t cap)
{
	const char *p = *s;
	size_t n = 0;

	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if ((unsigned char)*p < 0x20 || *p == 0x7f || n + 1 >= cap)
				return -1;
			out[n++] = *p;
		}
		if (*p != '"')
			return -1;
		p++;
	} else {
		for (; *p && *p != ',' && *p != ' ' && *p != '\t'; p++) {
			if ((unsigned char)*p < 0x20 || *p == 0x7f || n + 1 >= cap)
				return -1;
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	*s = p;
	return 0;
}

int digest_parse(const char *challenge, struct digest_chal *ch)
{
	const char *p = challenge;
	char name[32], val[512], alg[32] = "MD5";
	int have_nonce = 0, qop_other = 0;

	memset(ch, 0, sizeof *ch);
	if (!p || strlen(p) > DIGEST_CHALLENGE_MAX || strncasecmp(p, "Digest", 6) != 0 ||
	    (p[6] != ' ' && p[6] != '\t'))
		return -1;
	p += 6;
	for (;;) {
		size_t n = 0;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		while (*p && *p != '=' && *p != ' ' && *p != ',' && n + 1 < sizeof name)
			name[n++] = *p++;
		name[n] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			return -1;	/* another scheme follows, or garbage */
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (param_value(&p, val, sizeof val) < 0)
			return -1;
		if (strcasecmp(name, "realm") == 0) {
			snprintf(ch->realm, sizeof ch->realm, "%s", val);
		} else if (strcasecmp(name, "nonce") == 0) {
			snprintf(ch->nonce, sizeof ch->nonce, "%s", val);
			have_nonce = *val != '\0';
		} else if (strcasecmp(name, "opaque") == 0) {
			snprintf(ch->opaque, sizeof ch->opaque, "%s", val);
		} else if (strcasecmp(name, "algorithm") == 0) {
			if (strlen(val) >= sizeof alg)
				return -1;
			memcpy(alg, val, strlen(val) + 1);
		} else if (strcasecmp(name, "stale") == 0) {
			ch->stale = strcasecmp(val, "true") == 0;
		} else if (strcasecmp(name, "userhash") == 0) {
			if (strcasecmp(val, "true") == 0)
				return -1;
		} else if (strcasecmp(name, "qop") == 0) {
			/* A list: "auth", "auth-int" or both. */
			char *save = NULL, *t;

			for (t = strtok_r(val, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
				if (strcasecmp(t, "auth") == 0)
					ch->qop_auth = 1;
				else
					qop_other = 1;
			}
		}
	}
	if (!have_nonce || (qop_other && !ch->qop_auth))
		return -1;
	if (strcasecmp(alg, "MD5") == 0) {
		ch->sha256 = 0;
	} else if (strcasecmp(alg, "MD5-sess") == 0) {
		ch->sess = 1;
	} else if (strcasecmp(alg, "SHA-256") == 0) {
		ch->sha256 = 1;
	} else if (strcasecmp(alg, "SHA-256-sess") == 0) {
		ch->sha256 = ch->sess = 1;
	} else {
		return -1;
	}
	return 0;
}

/* The lowercase hex digest of s under the challenge's hash; 0 on success. */
static int hash_hex(const struct digest_chal *ch, const char *s, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	if (!EVP_Digest(s, strlen(s), md, &len, ch->sha256 ? EVP_sha256() : EVP_md5(),
			NULL) || len > 32)
		return -1;
	for (i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[2 * len] = '\0';
	return 0;
}

/* s as the inside of a quoted-string (RFC 9110 5.6.4). */
static void add_quoted(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sbuf_addc(b, '\\');
		sbuf_addc(b, *s);
	}
}

/* Whether s can go inside a quoted-string as it is: printable ASCII, no " or \. */
static int plain_quoted(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f ||
		    *s == '"' || *s == '\\')
			return 0;
	return 1;
}

char *digest_authorization(const struct digest_chal *ch, const char *user,
			   const char *password, const char *method,
			   const char *uri, unsigned long nc, const char *cnonce)
{
	char ha1[65], ha2[65], resp[65], cn[33], ncs[9], *t;
	struct sbuf b = {0};
	int ok;

	if (!user || !plain_quoted(user) || !plain_quoted(uri) || !plain_quoted(method))
		return NULL;
	if (!cnonce) {
		unsigned char r[16];
		int i;

		if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
			return NULL;
		for (i = 0; i < 16; i++)
			snprintf(cn + 2 * i, 3, "%02x", r[i]);
		cnonce = cn;
	}
	snprintf(ncs, sizeof ncs, "%08lx", nc & 0xffffffffUL);
	t = xasprintf("%s:%s:%s", user, ch->realm, password ? password : "");
	ok = hash_hex(ch, t, ha1) == 0;
	cred_free(t);	/* it holds the password */
	if (ok && ch->sess) {
		t = xasprintf("%s:%s:%s", ha1, ch->nonce, cnonce);
		ok = hash_hex(ch, t, ha1) == 0;
		free(t);
	}
	t = xasprintf("%s:%s", method, uri);
	ok = ok && hash_hex(ch, t, ha2) == 0;
	free(t);
	if (ch->qop_auth)
		t = xasprintf("%s:%s:%s:%s:auth:%s", ha1, ch->nonce, ncs, cnonce, ha2);
	else
		t = xasprintf("%s:%s:%s", ha1, ch->nonce, ha2);
	ok = ok && hash_hex(ch, t, resp) == 0;
	free(t);
	explicit_bzero(ha1, sizeof ha1);
	if (!ok)
		return NULL;
	/* The challenge's own values go back as they came (RFC 7616 3.4). */
	sbuf_addf(&b, "Digest username=\"%s\", realm=\"", user);
	add_quoted(&b, ch->realm);
	sbuf_adds(&b, "\", nonce=\"");
	add_quoted(&b, ch->nonce);
	sbuf_addf(&b, "\", uri=\"%s\", algorithm=%s%s, response=\"%s\"", uri,
		  ch->sha256 ? "SHA-256" : "MD5", ch->sess ? "-sess" : "", resp);
	if (*ch->opaque) {
		sbuf_adds(&b, ", opaque=\"");
		add_quoted(&b, ch->opaque);
		sbuf_addc(&b, '"');
	}
	if (ch->qop_auth)
		sbuf_addf(&b, ", qop=auth, nc=%s, cnonce=\"%s\"", ncs, cnonce);
	return sbuf_detach(&b, NULL);
}
