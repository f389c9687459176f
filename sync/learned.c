/*
 * learned.c: what a sync learned about a book's server, kept in the cache
 * (book.learned) so the next sync does not spend requests finding it out
 * again: the Digest challenge kith answers itself, that sync-collection is
 * refused, that it wants Depth 1, which vCard versions the book offers
 * (push asks once, before the first card it writes). One "key value" line
 * each; the cache stores the text and never reads it.
 *
 * A remembered fact is dropped when it stops holding: a server upgraded
 * to sync-collection is asked again after LEARNED_RETRY syncs, and a
 * stale challenge is replaced by the next 401's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dav_internal.h"

void learned_read(const char *text, struct learned *l)
{
	const char *p = text, *eol;

	memset(l, 0, sizeof *l);
	while (p && *p) {
		size_t n;
		char line[DIGEST_CHALLENGE_MAX + 16];

		eol = strchr(p, '\n');
		n = eol ? (size_t)(eol - p) : strlen(p);
		if (n < sizeof line) {
			memcpy(line, p, n);
			line[n] = '\0';
			if (strncmp(line, "auth ", 5) == 0) {
				free(l->auth);
				l->auth = xstrdup(line + 5);
			} else if (strncmp(line, "nc ", 3) == 0) {
				l->nc = strtoul(line + 3, NULL, 10);
			} else if (strncmp(line, "no-sync-collection ", 19) == 0) {
				l->no_sync = atoi(line + 19);
			} else if (strcmp(line, "sync-depth 1") == 0) {
				l->depth1 = 1;
			} else if (strcmp(line, "vcard 3") == 0) {
				l->vcard = 3;
			} else if (strcmp(line, "vcard 4") == 0) {
				l->vcard = 4;
			}
		}
		p = eol ? eol + 1 : NULL;
	}
}

void learned_free(struct learned *l)
{
	free(l->auth);
	memset(l, 0, sizeof *l);
}

char *learned_text(struct dav_client *dc, const struct learned *l)
{
	struct sbuf b = {0};
	unsigned long nc = 0;
	const char *auth = dav_client_auth(dc, &nc);

	/* A challenge is one header line: never a newline (http.c). */
	if (auth && !strpbrk(auth, "\r\n")) {
		sbuf_addf(&b, "auth %s\n", auth);
		if (nc)
			sbuf_addf(&b, "nc %lu\n", nc);
	}
	if (l->no_sync)
		sbuf_addf(&b, "no-sync-collection %d\n", l->no_sync);
	if (l->depth1)
		sbuf_adds(&b, "sync-depth 1\n");
	if (l->vcard)
		sbuf_addf(&b, "vcard %d\n", l->vcard);
	return sbuf_detach(&b, NULL);
}

int learned_save(struct dav_client *dc, struct cache *c,
		 const struct cache_book *book, const struct learned *l,
		 struct kerr *err)
{
	char *text = learned_text(dc, l);
	int rc = 0;

	if ((text == NULL) != (book->learned == NULL) ||
	    (text && strcmp(text, book->learned) != 0))
		rc = cache_book_set_learned(c, book->id, text, err);
	free(text);
	return rc;
}

int sync_remember(struct dav_client *dc, struct cache *c,
		  const struct cache_book *book, struct kerr *err)
{
	struct learned l;
	int rc;

	learned_read(book->learned, &l);
	rc = learned_save(dc, c, book, &l, err);
	learned_free(&l);
	return rc;
}
