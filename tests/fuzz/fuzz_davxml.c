/*
 * fuzz_davxml.c: libFuzzer target for the streaming multistatus reader.
 *
 * The input is a server's answer. The first byte seeds the chunk sizes;
 * the rest is pushed through davxml_push in pieces of 1 to 4096 bytes, as
 * it would arrive from the network, then davxml_finish.
 *
 * Invariants: nothing crashes or leaks; every response handed to the
 * callback has an href, and its fields respect the limits in davxml.h (the
 * rows pull.c would write are bounded); the outcome does not depend on how
 * the bytes were chunked: a document accepted both whole and in pieces
 * gives the same responses and the same sync token.
 */
#include "davxml.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_davxml.c:%d: %s\n", __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* FNV-1a over everything the callback saw: equal outcomes, equal digests. */
struct seen {
	uint64_t h;
	long n;
};

static void mix(struct seen *s, const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++) {
		s->h ^= b[i];
		s->h *= 1099511628211ULL;
	}
	s->h ^= 0xff;
	s->h *= 1099511628211ULL;
}

static void mix_str(struct seen *s, const char *str)
{
	if (str)
		mix(s, str, strlen(str));
	else
		mix(s, "", 0);
}

static int on_response(void *arg, struct dav_response *r, struct kerr *err)
{
	struct seen *s = arg;

	(void)err;
	check(r->href != NULL);
	check(strlen(r->href) <= DAVXML_MAX_TEXT);
	check(!r->etag || strlen(r->etag) <= DAVXML_MAX_TEXT);
	check(!r->sync_token || strlen(r->sync_token) <= DAVXML_MAX_TEXT);
	check(!r->displayname || strlen(r->displayname) <= DAVXML_MAX_TEXT);
	check(r->data.len <= DAVXML_MAX_CARD);
	check(!r->has_data || r->ok_props);
	check(r->data.buf == NULL || r->data.buf[r->data.len] == '\0');
	s->n++;
	mix_str(s, r->href);
	mix_str(s, r->etag);
	mix_str(s, r->displayname);
	mix_str(s, r->ctag);
	mix_str(s, r->sync_token);
	mix_str(s, r->principal);
	mix_str(s, r->home);
	mix(s, &r->status, sizeof r->status);
	mix(s, &r->has_data, sizeof r->has_data);
	mix(s, &r->is_addressbook, sizeof r->is_addressbook);
	mix(s, &r->is_collection, sizeof r->is_collection);
	if (r->has_data)
		mix(s, r->data.buf ? r->data.buf : "", r->data.len);
	return 0;
}

/* Parses doc in chunks drawn from seed (0: all at once); 0 accepted, -1 refused. */
static int parse(const uint8_t *doc, size_t len, unsigned seed, struct seen *s)
{
	struct davxml *x;
	struct kerr err;
	size_t off = 0;
	int rc = 0;

	memset(s, 0, sizeof *s);
	s->h = 1469598103934665603ULL;
	x = davxml_new(on_response, s);
	while (rc == 0 && off < len) {
		size_t n = len - off;

		if (seed) {
			seed = seed * 1103515245u + 12345u;
			size_t want = 1 + (seed >> 16) % ((seed & 0x100) ? 16 : 4096);

			if (want < n)
				n = want;
		}
		rc = davxml_push(x, (const char *)doc + off, n, &err);
		off += n;
	}
	if (rc == 0)
		rc = davxml_finish(x, &err);
	if (rc < 0)
		check(err.msg[0] != '\0');	/* a refusal always says why */
	if (rc == 0) {
		const char *t = davxml_sync_token(x);

		check(davxml_is_multistatus(x));
		check(!t || strlen(t) <= DAVXML_MAX_TEXT);
		mix_str(s, t);
		check(davxml_responses(x) == s->n);
	}
	davxml_free(x);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen whole, pieces;
	int a, b;

	if (size < 1)
		return 0;
	a = parse(data + 1, size - 1, 0, &whole);
	b = parse(data + 1, size - 1, data[0] | 1u, &pieces);
	if (a == 0 && b == 0) {
		check(whole.n == pieces.n);
		check(whole.h == pieces.h);
	}
	return 0;
}
