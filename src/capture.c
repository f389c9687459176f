#include "capture.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void capture_msg_free(struct capture_msg *m)
{
	if (!m)
		return;
	strv_free(&m->from);
	strv_free(&m->to);
	strv_free(&m->cc);
	strv_free(&m->bcc);
	strv_free(&m->reply_to);
	strv_free(&m->delivered_to);
	free(m->subject);
	free(m->msgid);
	free(m->thread);
	free(m->date_raw);
	memset(m, 0, sizeof *m);
	m->day = -1;
}

/* ---- skip rules ------------------------------------------------------ */

/* v trimmed of spaces and tabs: its start, its length in *n. */
static const char *trimmed(const char *v, size_t *n)
{
	size_t len;

	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	len = strlen(v);
	while (len && strchr(" \t\r\n", v[len - 1]))
		len--;
	*n = len;
	return v;
}

static int word_is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && strncasecmp(s, word, n) == 0;
}

int capture_precedence_bulk(const char *v)
{
	size_t n;
	const char *s;

	if (!v)
		return 0;
	s = trimmed(v, &n);
	return word_is(s, n, "bulk") || word_is(s, n, "list") ||
	       word_is(s, n, "junk");
}

int capture_auto_submitted(const char *v)
{
	size_t n, k;
	const char *s;

	if (!v)
		return 0;
	s = trimmed(v, &n);
	/* "no", possibly with parameters or a comment: "no (manual)". */
	for (k = 0; k < n && s[k] != ';' && s[k] != ' ' && s[k] != '\t' &&
	     s[k] != '('; k++)
		;
	if (k == 0)
		return 0;
	return !word_is(s, k, "no");
}

static size_t recipients(const struct capture_msg *m)
{
	return m->to.n + m->cc.n + m->bcc.n;
}

enum capture_skip capture_skip(const struct capture_msg *m)
{
	if (m->list)
		return CAPTURE_LIST;
	if (m->autoreply)
		return CAPTURE_AUTO;
	if (recipients(m) > CAPTURE_MAX_RECIPIENTS)
		return CAPTURE_CROWD;
	return CAPTURE_KEEP;
}

char *capture_addr_norm(const char *addr)
{
	size_t n, i;
	const char *s = trimmed(addr ? addr : "", &n);
	char *out;

	if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		s++;
		n -= 2;
	}
	out = xstrndup(s, n);
	for (i = 0; i < n; i++)
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] + 32);
	return out;
}

/* ---- a string set ---------------------------------------------------- */

struct set_slot {
	char *key;		/* NULL: empty */
	uint64_t hash;
	long *values;
	size_t nvalues;
	int found;
};

struct capture_set {
	struct set_slot *slots;
	size_t cap, n;		/* cap a power of two */
};

struct capture_set *capture_set_new(void)
{
	struct capture_set *s = xcalloc(1, sizeof *s);

	s->cap = 64;
	s->slots = xcalloc(s->cap, sizeof *s->slots);
	return s;
}

void capture_set_free(struct capture_set *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->cap; i++) {
		free(s->slots[i].key);
		free(s->slots[i].values);
	}
	free(s->slots);
	free(s);
}

static struct set_slot *set_find(const struct capture_set *s, const char *key,
				 uint64_t h)
{
	size_t m = s->cap - 1, k;

	for (k = h & m; s->slots[k].key; k = (k + 1) & m)
		if (s->slots[k].hash == h && strcmp(s->slots[k].key, key) == 0)
			return &s->slots[k];
	return &s->slots[k];
}

static void set_grow(struct capture_set *s)
{
	struct set_slot *old = s->slots;
	size_t oldcap = s->cap, i;

	s->cap *= 2;
	s->slots = xcalloc(s->cap, sizeof *s->slots);
	for (i = 0; i < oldcap; i++)
		if (old[i].key)
			*set_find(s, old[i].key, old[i].hash) = old[i];
	free(old);
}

void capture_set_add(struct capture_set *s, const char *key, long value)
{
	uint64_t h = str_hash(STR_HASH_INIT, key, strlen(key));
	struct set_slot *sl;

	if ((s->n + 1) * 4 > s->cap * 3)
		set_grow(s);
	sl = set_find(s, key, h);
	if (!sl->key) {
		sl->key = xstrdup(key);
		sl->hash = h;
		s->n++;
	}
	sl->values = xrealloc(sl->values, (sl->nvalues + 1) * sizeof *sl->values);
	sl->values[sl->nvalues++] = value;
}

size_t capture_set_get(struct capture_set *s, const char *key, long *out,
		       size_t max)
{
	struct set_slot *sl = set_find(s, key, str_hash(STR_HASH_INIT, key, strlen(key)));
	size_t i;

	if (!sl->key)
		return 0;
	sl->found = 1;
	for (i = 0; i < sl->nvalues && i < max; i++)
		out[i] = sl->values[i];
	return sl->nvalues;
}

int capture_set_has(const struct capture_set *s, const char *key)
{
	return set_find(s, key, str_hash(STR_HASH_INIT, key, strlen(key)))->key != NULL;
}

size_t capture_set_count(const struct capture_set *s)
{
	return s->n;
}

void capture_set_each_unfound(const struct capture_set *s,
			      void (*fn)(void *arg, const char *key, long value),
			      void *arg)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		if (s->slots[i].key && !s->slots[i].found)
			fn(arg, s->slots[i].key,
			   s->slots[i].nvalues ? s->slots[i].values[0] : 0);
}

/* ---- who a message touches ------------------------------------------- */

static int any_in(const struct strv *l, struct capture_set *set)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (capture_set_has(set, l->v[i]))
			return 1;
	return 0;
}

/* Appends the people of addr (other than the user) to out, each once. */
static size_t add_people(const char *addr, int wrote, struct capture_set *me,
			 struct capture_set *people, struct capture_touch *out,
			 size_t n, size_t max)
{
	long ids[16];
	size_t k, j, got;

	if (capture_set_has(me, addr))
		return n;
	got = capture_set_get(people, addr, ids, 16);
	for (k = 0; k < got && k < 16; k++) {
		for (j = 0; j < n && out[j].person != ids[k]; j++)
			;
		if (j < n || n >= max)
			continue;
		out[n].person = ids[k];
		out[n].wrote = wrote;
		n++;
	}
	return n;
}

/* The first address of l that is a known person (not the user), or NULL. */
static const char *first_known(const struct strv *l, struct capture_set *me,
			       struct capture_set *people)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!capture_set_has(me, l->v[i]) &&
		    capture_set_has(people, l->v[i]))
			return l->v[i];
	return NULL;
}

size_t capture_touches(const struct capture_msg *m, struct capture_set *me,
		       struct capture_set *people, struct capture_touch *out,
		       size_t max)
{
	const struct strv *rcpt[] = { &m->to, &m->cc, &m->bcc };
	const char *sender;
	size_t n = 0, i, k;

	if (any_in(&m->from, me)) {
		for (k = 0; k < 3; k++)
			for (i = 0; i < rcpt[k]->n; i++)
				n = add_people(rcpt[k]->v[i], 1, me, people, out,
					       n, max);
		return n;
	}
	if (!any_in(&m->to, me) && !any_in(&m->cc, me) && !any_in(&m->bcc, me) &&
	    !any_in(&m->delivered_to, me))
		return 0;
	sender = first_known(&m->from, me, people);
	if (!sender)
		sender = first_known(&m->reply_to, me, people);
	if (sender)
		n = add_people(sender, 0, me, people, out, n, max);
	return n;
}

/* ---- ids and text ---------------------------------------------------- */

char *capture_thread_key(const struct capture_msg *m)
{
	struct sbuf b = {0};
	const char *from = m->from.n ? m->from.v[0] : "";

	if (m->thread && *m->thread)
		return xstrdup(m->thread);
	if (m->msgid && *m->msgid)
		return xstrdup(m->msgid);
	/* No Message-ID: what the message says of itself, on every device. */
	sbuf_adds(&b, "no-message-id:");
	sbuf_adds(&b, m->date_raw ? m->date_raw : "");
	sbuf_addc(&b, '\n');
	sbuf_adds(&b, from);
	sbuf_addc(&b, '\n');
	sbuf_adds(&b, m->subject ? m->subject : "");
	return sbuf_detach(&b, NULL);
}

void capture_id(const char *thread, const char *day, const char *person,
		char id[9])
{
	uint64_t h = str_hash(STR_HASH_INIT, "kith-mail", 10);
	uint32_t x;

	h = str_hash(h, thread, strlen(thread) + 1);
	h = str_hash(h, day, strlen(day) + 1);
	h = str_hash(h, person, strlen(person));
	x = (uint32_t)(h >> 32) ^ (uint32_t)h;
	snprintf(id, 9, "%08x", (unsigned)x);
}

/* Spaces squeezed to one, none at either end. */
static void squeeze(struct sbuf *out, const char *s)
{
	int space = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t') {
			space = out->len > 0;
			continue;
		}
		if (space)
			sbuf_addc(out, ' ');
		space = 0;
		sbuf_addc(out, *s);
	}
}

/* Cuts b to at most max bytes at a character boundary, adding "…" when cut. */
static void cut_utf8(struct sbuf *b, size_t max)
{
	size_t n = max;

	if (b->len <= max)
		return;
	while (n > 0 && ((unsigned char)b->buf[n] & 0xc0) == 0x80)
		n--;
	while (n > 0 && b->buf[n - 1] == ' ')
		n--;
	b->len = n;
	b->buf[n] = '\0';
	sbuf_adds(b, "\xe2\x80\xa6");
}

char *capture_text(int wrote, const char *subject)
{
	struct sbuf clean = {0}, subj = {0}, out = {0};

	if (subject)
		term_clean(&clean, subject, strlen(subject), 0);
	squeeze(&subj, clean.buf ? clean.buf : "");
	cut_utf8(&subj, CAPTURE_SUBJECT_MAX);
	sbuf_adds(&out, wrote ? "wrote: " : "got: ");
	sbuf_adds(&out, subj.len ? subj.buf : "(no subject)");
	sbuf_free(&clean);
	sbuf_free(&subj);
	return sbuf_detach(&out, NULL);
}

/* ---- splitting files ------------------------------------------------- */

size_t capture_header_end(const char *buf, size_t len)
{
	size_t i = 0;

	/* An empty line: at the start, or a newline followed by (CR) LF. */
	if (len && buf[0] == '\n')
		return 1;
	if (len >= 2 && buf[0] == '\r' && buf[1] == '\n')
		return 2;
	for (;;) {
		const char *nl = memchr(buf + i, '\n', len - i);

		if (!nl)
			return len;
		i = (size_t)(nl - buf) + 1;
		if (i < len && buf[i] == '\n')
			return i + 1;
		if (i + 1 < len && buf[i] == '\r' && buf[i + 1] == '\n')
			return i + 2;
		if (i >= len)
			return len;
	}
}

/* The end of the line at i: after its LF, or len. */
static size_t line_end(const char *buf, size_t len, size_t i)
{
	const char *nl = memchr(buf + i, '\n', len - i);

	return nl ? (size_t)(nl - buf) + 1 : len;
}

/* Appends a line's bytes without its line break. */
static void add_unbroken(struct sbuf *b, const char *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	sbuf_add(b, s, n);
}

int capture_header_next(const char *buf, size_t len, size_t *pos,
			const char **name, size_t *nlen, struct sbuf *value)
{
	size_t i = *pos, end, colon, v;

	for (;;) {
		if (i >= len || buf[i] == '\n' || buf[i] == '\r') {
			*pos = len;
			return 0;
		}
		end = line_end(buf, len, i);
		for (colon = i; colon < end && buf[colon] != ':'; colon++)
			;
		/* A continuation line with no field before it, or no colon: not a field. */
		if (buf[i] != ' ' && buf[i] != '\t' && colon < end && colon > i)
			break;
		i = end;
	}
	*name = buf + i;
	*nlen = colon - i;
	while (*nlen && (buf[i + *nlen - 1] == ' ' || buf[i + *nlen - 1] == '\t'))
		(*nlen)--;
	sbuf_reset(value);
	for (v = colon + 1; v < end && (buf[v] == ' ' || buf[v] == '\t'); v++)
		;
	add_unbroken(value, buf + v, end - v);
	for (i = end; i < len && (buf[i] == ' ' || buf[i] == '\t'); i = end) {
		end = line_end(buf, len, i);
		add_unbroken(value, buf + i, end - i);
	}
	if (!value->buf)
		sbuf_adds(value, "");
	*pos = i;
	return 1;
}

size_t capture_maildir_key(const char *name)
{
	const char *p;
	size_t n = strlen(name);

	/* The info part (Maildir spec: ":2,FLAGS"; "!" on file systems without ":"). */
	for (p = name; *p; p++)
		if ((*p == ':' || *p == '!') && p[1] == '2' && p[2] == ',')
			return (size_t)(p - name);
	return n;
}

/* Whether a From_ line starts at buf[i] (i at a line start). */
static int from_at(const char *buf, size_t len, size_t i)
{
	return len - i >= 5 && memcmp(buf + i, "From ", 5) == 0;
}

/* The first From_ line at or after i that follows an empty line, or len. */
static size_t next_from(const char *buf, size_t len, size_t i)
{
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t j;

		if (!nl)
			return len;
		j = (size_t)(nl - buf) + 1;
		/* nl ends an empty line when the byte before it (CR aside) is one too. */
		if (j < len && from_at(buf, len, j)) {
			size_t k = (size_t)(nl - buf);

			if (k > 0 && buf[k - 1] == '\r')
				k--;
			if (k == 0 || buf[k - 1] == '\n')
				return j;
		}
		i = j;
	}
	return len;
}

int capture_mbox_next(const char *buf, size_t len, size_t *pos, size_t *from,
		      size_t *start, size_t *end)
{
	size_t i = *pos;
	const char *nl;

	if (i >= len)
		return 0;
	if (!from_at(buf, len, i)) {
		i = next_from(buf, len, i);
		if (i >= len) {
			*pos = len;
			return 0;
		}
	}
	*from = i;
	nl = memchr(buf + i, '\n', len - i);
	*start = nl ? (size_t)(nl - buf) + 1 : len;
	*end = next_from(buf, len, *start);
	*pos = *end;
	return 1;
}

long capture_mbox_resume(const char *buf, size_t len, size_t offset)
{
	size_t i = offset, k;

	if (offset > len)
		return -1;
	if (offset == len)
		return (long)offset;
	for (k = 0; k < 2 && i < len && (buf[i] == '\n' || buf[i] == '\r'); k++) {
		if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
			i++;
		i++;
	}
	return from_at(buf, len, i) ? (long)i : -1;
}
