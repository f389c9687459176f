/*
 * bench_vcard.c: how fast vcard_read gets through a directory of cards.
 *
 *   bench_vcard DIR
 *
 * Loads every .vcf file of DIR into memory first (not timed), then times
 * vcard_read + vcard_info_free over all of them, best of three runs on
 * CLOCK_MONOTONIC. Not a test: scripts/bench-vcard runs it.
 */
#include "vcard.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct card {
	char *raw;
	size_t len;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int load(const char *path, struct card *c)
{
	FILE *f = fopen(path, "rb");
	struct sbuf b = {0};
	char chunk[65536];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sbuf_add(&b, chunk, n);
	fclose(f);
	sbuf_add(&b, "", 0);
	c->raw = sbuf_detach(&b, &c->len);
	return 0;
}

int main(int argc, char **argv)
{
	struct card *cards = NULL;
	size_t n = 0, cap = 0, bytes = 0, bad = 0;
	struct dirent *de;
	double best = 1e9;
	DIR *d;
	int rc = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_vcard DIR\n");
		return 2;
	}
	d = opendir(argv[1]);
	if (!d) {
		perror(argv[1]);
		return 1;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char *p;

		if (l < 5 || strcmp(de->d_name + l - 4, ".vcf") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			cards = xrealloc(cards, cap * sizeof *cards);
		}
		p = xasprintf("%s/%s", argv[1], de->d_name);
		if (load(p, &cards[n]) == 0)
			bytes += cards[n++].len;
		free(p);
	}
	closedir(d);
	if (!n) {
		fprintf(stderr, "bench_vcard: no .vcf files in %s\n", argv[1]);
		goto out;
	}
	for (int run = 0; run < 3; run++) {
		double t0 = now();

		bad = 0;
		for (size_t i = 0; i < n; i++) {
			struct vcard_info v;

			vcard_read(cards[i].raw, cards[i].len, &v);
			bad += !v.ok;
			vcard_info_free(&v);
		}
		double t = now() - t0;
		if (t < best)
			best = t;
	}
	printf("cards %zu (unreadable %zu)  MB %.1f  seconds %.3f  MB/s %.0f\n",
	       n, bad, (double)bytes / 1e6, best, (double)bytes / 1e6 / best);
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(cards[i].raw);
	free(cards);
	return rc;
}
