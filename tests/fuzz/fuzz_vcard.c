/*
 * fuzz_vcard.c: libFuzzer target for the reader and the patcher.
 *
 * Invariants: vcard_read never crashes; a card it reads as a person can be
 * patched with a log entry and a cadence, and the result reads back ok with
 * those annotations, and patching it again with what it says is a no-op;
 * vcard_set changes the fields it names and nothing that is read besides.
 */
#include "vcard.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include <stdio.h>

/* An invariant that does not hold is a crash, with its line for triage. */
#define check(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_vcard.c:%d: %s\n", __LINE__, #cond); \
		abort(); \
	} \
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vcard_info v, v2;
	struct vcard_annot w;
	struct vcard_log e;
	struct kerr err;
	size_t n, n2;
	char *out, *again;

	vcard_read((const char *)data, size, &v);
	check(v.ok || v.why);
	if (!v.ok || v.is_group) {
		out = vcard_patch((const char *)data, size, &v.annot, 1, &n, &err);
		check(out == NULL);
		vcard_info_free(&v);
		return 0;
	}
	vcard_annot_copy(&w, &v.annot);
	strcpy(w.cadence, "P30D");
	memset(&e, 0, sizeof e);
	strcpy(e.date, "2026-11-20");
	strcpy(e.via, "phone");
	strcpy(e.id, "7f3a9c2e");
	e.text = "Coffee at the forum; she is moving to Lyon, \xc3\xa0 bient\xc3\xb4t\\n";
	vcard_annot_add(&w, &e);
	out = vcard_patch((const char *)data, size, &w, 1, &n, &err);
	check(out != NULL);
	vcard_read(out, n, &v2);
	check(v2.ok);
	check(strcmp(v2.annot.cadence, "P30D") == 0);
	check(v2.annot.nlog == w.nlog);
	for (size_t i = 0; i < w.nlog; i++) {
		check(strcmp(v2.annot.log[i].id, w.log[i].id) == 0);
		check(strcmp(v2.annot.log[i].text, w.log[i].text) == 0);
	}
	check((v.note == NULL && (v2.note == NULL || !*v2.note)) ||
	      (v.note && v2.note && strcmp(v.note, v2.note) == 0));
	again = vcard_patch(out, n, &v2.annot, 1, &n2, &err);
	check(again && n2 == n && memcmp(again, out, n) == 0);
	free(again);
	vcard_info_free(&v2);
	free(out);

	/*
	 * set: the card still reads, the new email is the first one shown,
	 * and the name and the annotations are what they were.
	 */
	out = vcard_set((const char *)data, size, VCARD_EMAIL, "new@example.org", &n, &err);
	check(out != NULL);
	again = vcard_set(out, n, VCARD_CATEGORIES, "A, B\\c", &n2, &err);
	check(again != NULL);
	vcard_read(again, n2, &v2);
	check(v2.ok);
	check(v2.emails.n >= 1 && strcmp(v2.emails.v[0], "new@example.org") == 0);
	check(v2.categories.n == 2);
	check((!v.fn && !v2.fn) || (v.fn && v2.fn && strcmp(v.fn, v2.fn) == 0));
	check(v2.annot.nlog == v.annot.nlog);
	vcard_info_free(&v2);
	free(again);
	free(out);
	vcard_annot_free(&w);
	vcard_info_free(&v);
	return 0;
}
