/*
 * fuzz_capture.c: libFuzzer target for capture's own splitting of mail
 * (src/capture.c): header blocks, header fields, mbox files, Maildir
 * names, and the text a subject becomes.
 *
 * Invariants: nothing reads outside the input; the header block ends
 * within it; fields come in order and never past the block's end; mbox
 * messages are in order, each inside the file, and resuming at a
 * message's end finds the next one; a touch's text is valid UTF-8 with
 * no character a terminal acts on.
 */
#include "capture.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_capture.c:%d: %s\n", __LINE__, #cond); \
		abort(); \
	} \
} while (0)

static void fields(const char *buf, size_t len)
{
	size_t end = capture_header_end(buf, len), pos = 0, last = 0, n;
	struct sbuf v = {0};
	const char *name;

	check(end <= len);
	while (capture_header_next(buf, end, &pos, &name, &n, &v)) {
		check(pos > last && pos <= end);
		check(name >= buf && name + n <= buf + end && n > 0);
		check(memchr(name, ':', n) == NULL);
		check(v.buf && strlen(v.buf) <= v.len);
		last = pos;
	}
	sbuf_free(&v);
}

static void mbox(const char *buf, size_t len)
{
	size_t pos = 0, from, start, end, prev = 0;
	int count = 0;

	while (capture_mbox_next(buf, len, &pos, &from, &start, &end)) {
		long r;

		check(from >= prev && from < start && start <= end && end <= len);
		check(memcmp(buf + from, "From ", 5) == 0);
		r = capture_mbox_resume(buf, len, end);
		check(r == (long)end || (r > (long)end && r <= (long)len) || r == -1);
		check(end == len || r == (long)end);
		prev = end;
		count++;
	}
	check(count <= (int)(len / 5) + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *t;
	size_t k;

	memcpy(s, data, size);
	s[size] = '\0';
	fields(s, size);
	mbox(s, size);
	k = capture_maildir_key(s);
	check(k <= strlen(s));
	t = capture_text(size & 1, s);
	check(str_utf8_valid(t, strlen(t)) && !term_text_unsafe(t));
	free(t);
	free(s);
	return 0;
}
