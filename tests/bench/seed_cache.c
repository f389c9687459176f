/*
 * seed_cache: put a folder of .vcf files into a kith cache as if a sync
 * had pulled them, for benchmarks (scripts/bench-shell).
 *
 *	seed_cache DB BOOK-URL DIR
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_internal.h"
#include "date.h"

int main(int argc, char **argv)
{
	struct cache *c;
	struct kerr err;
	struct dirent *e;
	const char *path;
	long acct, book, n = 0;
	DIR *d;

	if (argc != 4) {
		fprintf(stderr, "usage: seed_cache DB BOOK-URL DIR\n");
		return 2;
	}
	c = cache_open(argv[1], date_today(), &err);
	if (!c) {
		fprintf(stderr, "seed_cache: %s\n", err.msg);
		return 1;
	}
	path = strchr(strstr(argv[2], "://") ? strstr(argv[2], "://") + 3 : argv[2], '/');
	if (!path)
		path = "/";
	if (cache_begin(c, &err) < 0 || (acct = cache_account(c, "bench", &err)) < 0 ||
	    (book = cache_book(c, acct, argv[2], "bench", &err)) < 0)
		goto fail;
	d = opendir(argv[3]);
	if (!d) {
		perror(argv[3]);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		char *file, *href, *raw;
		size_t len;
		size_t nl = strlen(e->d_name);

		if (nl < 5 || strcmp(e->d_name + nl - 4, ".vcf") != 0)
			continue;
		file = xasprintf("%s/%s", argv[3], e->d_name);
		href = xasprintf("%s%s", path, e->d_name);
		raw = read_file(file, &len);
		if (raw && cache_card_put(c, book, href, "\"bench\"", raw, len, &err) < 0)
			goto fail;
		n++;
		free(file);
		free(href);
		free(raw);
	}
	closedir(d);
	/* As 'kith sync' does after a sync that added cards. */
	if (cache_commit(c, &err) < 0 || cache_analyze(c, &err) < 0)
		goto fail;
	cache_close(c);
	fprintf(stderr, "seed_cache: %ld cards into %s\n", n, argv[1]);
	return 0;
fail:
	fprintf(stderr, "seed_cache: %s\n", err.msg);
	return 1;
}
