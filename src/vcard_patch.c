/*
 * vcard_patch.c: the line-preserving patcher and the writer of new lines.
 *
 * The patcher reuses the reader's walk to learn where kith's lines and the
 * NOTE are, then copies the raw bytes around a short list of edits. Every
 * byte outside those edits is copied, never re-serialized (DESIGN.md, "The
 * card on the wire").
 */
#include "vcard_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VCARD_FOLD 75	/* RFC 6350 3.2: lines SHOULD NOT exceed 75 octets */
#define VCARD_MIRROR_LOG 3	/* log entries mirrored in the NOTE block */

/* ---- writing ---- */

/* Appends s escaped as vCard TEXT to o, in runs between the escapes. */
static void escape_into(struct sbuf *o, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *rep;

		switch (*s) {
		case '\\':
			rep = "\\\\";
			break;
		case ',':
			rep = "\\,";
			break;
		case ';':
			rep = "\\;";
			break;
		case '\r':
		case '\n':
			/* CRLF and a lone CR are both one line break. */
			rep = "\\n";
			break;
		default:
			continue;
		}
		sbuf_add(o, run, (size_t)(s - run));
		sbuf_add(o, rep, 2);
		if (s[0] == '\r' && s[1] == '\n')
			s++;
		run = s + 1;
	}
	sbuf_add(o, run, (size_t)(s - run));
}

char *vcard_escape(const char *s)
{
	struct sbuf o = {0};

	sbuf_adds(&o, "");
	escape_into(&o, s);
	return sbuf_detach(&o, NULL);
}

/*
 * Folds at 75 octets (RFC 6350 3.2) without splitting a UTF-8 sequence or
 * a backslash escape, which some servers unfold badly.
 */
static void fold_line(struct sbuf *o, const char *s, size_t n, const char *eol)
{
	size_t i = 0;
	int first = 1;

	do {
		size_t lim = first ? VCARD_FOLD : VCARD_FOLD - 1;
		size_t take = n - i < lim ? n - i : lim;

		if (i + take < n) {
			size_t t = take;

			while (t > 1 && ((unsigned char)s[i + t] & 0xc0) == 0x80)
				t--;
			if (t > 1 && s[i + t - 1] == '\\')
				t--;
			if (t > 0)
				take = t;
		}
		if (!first)
			sbuf_addc(o, ' ');
		sbuf_add(o, s + i, take);
		sbuf_adds(o, eol);
		i += take;
		first = 0;
	} while (i < n);
}

/*
 * QUOTED-PRINTABLE with soft breaks at 75 octets. A continuation line
 * never starts with white space, which a reader would take for a fold.
 */
static void qp_line(struct sbuf *o, const char *prefix, const char *s, size_t n,
		    const char *eol)
{
	size_t col = strlen(prefix) + 1;

	sbuf_adds(o, prefix);
	sbuf_addc(o, ':');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char tok[4];
		size_t tl;

		if (c > 32 && c < 127 && c != '=') {
			tok[0] = (char)c;
			tl = 1;
		} else if (c == ' ' && col > 0 && i + 1 < n) {
			tok[0] = ' ';
			tl = 1;
		} else {
			snprintf(tok, sizeof tok, "=%02X", c);
			tl = 3;
		}
		if (col + tl + 1 > VCARD_FOLD) {
			sbuf_addc(o, '=');
			sbuf_adds(o, eol);
			col = 0;
			if (c == ' ') {
				memcpy(tok, "=20", 3);
				tl = 3;
			}
		}
		sbuf_add(o, tok, tl);
		col += tl;
	}
	sbuf_adds(o, eol);
}

static int is_ascii_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\r' || s[i] == '\n')
			return 0;
	return 1;
}

/*
 * One property. vCard 2.1 has no 8-bit text and its folding keeps the
 * white space, so there non-ASCII or long values go QUOTED-PRINTABLE.
 */
static void emit_prop(struct sbuf *o, const char *group, const char *name,
		      const char *value, int v21, int force_qp, const char *eol)
{
	size_t vl = strlen(value);
	struct sbuf pre = {0};

	if (group && *group) {
		sbuf_adds(&pre, group);
		sbuf_addc(&pre, '.');
	}
	sbuf_adds(&pre, name);
	if (force_qp || (v21 && (!is_ascii_line(value, vl) ||
				 pre.len + 1 + vl > VCARD_FOLD))) {
		sbuf_adds(&pre, ";CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE");
		qp_line(o, pre.buf, value, vl, eol);
	} else {
		sbuf_addc(&pre, ':');
		sbuf_add(&pre, value, vl);
		fold_line(o, pre.buf, pre.len, eol);
	}
	sbuf_free(&pre);
}

/*
 * One X-KITH-LOG line, built in line (the caller's, reused: a card may
 * have 100,000 of them) as emit_prop would write it.
 */
static void emit_log(struct sbuf *o, struct sbuf *line, const struct vcard_log *e,
		     int v21, const char *eol)
{
	static const char name[] = "X-KITH-LOG";

	sbuf_reset(line);
	sbuf_add(line, name, sizeof name - 1);
	sbuf_addc(line, ':');
	sbuf_adds(line, e->date);
	sbuf_addc(line, ' ');
	sbuf_adds(line, e->via);
	sbuf_addc(line, ' ');
	sbuf_adds(line, e->id);
	/* A touch without words ends at its id: no trailing space to trim. */
	if (e->text && *e->text) {
		sbuf_addc(line, ' ');
		escape_into(line, e->text);
	}
	if (v21 && (!is_ascii_line(line->buf, line->len) || line->len > VCARD_FOLD)) {
		emit_prop(o, NULL, name, line->buf + sizeof name, v21, 0, eol);
		return;
	}
	fold_line(o, line->buf, line->len, eol);
}

static void mirror_cadence(struct sbuf *b, const char *cad)
{
	static const char *unit[] = {"day", "week", "month", "year"};
	size_t n = strlen(cad);
	const char *u = strchr("DWMY", cad[n - 1]);
	long k = strtol(cad + 1, NULL, 10);

	if (!u || k <= 0) {
		sbuf_addf(b, "cadence: %s\n", cad);
		return;
	}
	if (k == 1)
		sbuf_addf(b, "cadence: every %s\n", unit[u - "DWMY"]);
	else
		sbuf_addf(b, "cadence: every %ld %ss\n", k, unit[u - "DWMY"]);
}

/* The whole NOTE text kith wants: the user's part, then its block. */
static char *note_want(const char *user, const struct vcard_annot *w)
{
	struct sbuf b = {0};

	sbuf_adds(&b, user ? user : "");
	if (!w->cadence[0] && !w->nlog && !w->aspire)
		return sbuf_detach(&b, NULL);
	if (b.len)
		sbuf_addc(&b, '\n');
	sbuf_adds(&b, VCARD_NOTE_MARKER "\n");
	if (w->cadence[0])
		mirror_cadence(&b, w->cadence);
	if (w->snooze[0])
		sbuf_addf(&b, "snoozed until %s\n", w->snooze);
	if (w->aspire) {
		sbuf_adds(&b, "someone new: ");
		for (const char *t = w->aspire; *t; t++)
			sbuf_addc(&b, (*t == '\n' || *t == '\r') ? ' ' : *t);
		sbuf_addc(&b, '\n');
	}
	if (w->nlog) {
		long i = vc_annot_newest(w);
		char *used = xcalloc(w->nlog, 1);

		sbuf_addf(&b, "last contact: %s (%s)\n", w->log[i].date, w->log[i].via);
		for (int k = 0; k < VCARD_MIRROR_LOG && (size_t)k < w->nlog; k++) {
			long best = -1;

			for (size_t j = 0; j < w->nlog; j++)
				if (!used[j] && (best < 0 ||
				    strcmp(w->log[j].date, w->log[best].date) >= 0))
					best = (long)j;
			used[best] = 1;
			sbuf_addf(&b, "%s %s", w->log[best].date, w->log[best].via);
			if (w->log[best].text && *w->log[best].text) {
				sbuf_adds(&b, ": ");
				for (const char *t = w->log[best].text; *t; t++)
					sbuf_addc(&b, (*t == '\n' || *t == '\r') ? ' ' : *t);
			}
			sbuf_addc(&b, '\n');
		}
		free(used);
	}
	b.len--;	/* no newline after the last line */
	b.buf[b.len] = '\0';
	return sbuf_detach(&b, NULL);
}

static void emit_note(struct sbuf *o, const struct vc_patch_ctx *pc, const char *text,
		      const char *user, int v21, const char *eol)
{
	int force_qp = pc->note_start && pc->note_qp;

	if (v21 || force_qp) {
		/* 2.1 text: backslashes doubled, line breaks as CRLF in QP. */
		struct sbuf t = {0};

		sbuf_adds(&t, "");
		for (const char *s = text; *s; s++) {
			if (*s == '\\')
				sbuf_adds(&t, "\\\\");
			else if (*s == '\n')
				sbuf_adds(&t, "\r\n");
			else
				sbuf_addc(&t, *s);
		}
		emit_prop(o, pc->note_group, "NOTE", t.buf, 1, force_qp, eol);
		sbuf_free(&t);
		return;
	}
	char *e = NULL;

	/*
	 * The user's text is kept as their client wrote it (its escapes
	 * included, \" and all): only kith's block after it is escaped anew.
	 */
	if (pc->note_start && pc->note_raw && user && !strncmp(text, user, strlen(user))) {
		long r = vc_unescaped_prefix(pc->note_raw, pc->note_rawlen, strlen(user));

		/* A raw CR or LF would end the line there: escape afresh. */
		if (r >= 0 && (memchr(pc->note_raw, '\r', (size_t)r) ||
			       memchr(pc->note_raw, '\n', (size_t)r)))
			r = -1;
		if (r >= 0) {
			char *rest = vcard_escape(text + strlen(user));

			struct sbuf back = {0};

			e = xasprintf("%.*s%s", (int)r, pc->note_raw, rest);
			free(rest);
			/*
			 * Kept bytes must still read as the text: a backslash
			 * that was literal only because it ended the value
			 * would escape kith's first byte after it.
			 */
			vc_unescape(&back, e, strlen(e));
			if (!back.buf || strcmp(back.buf, text) != 0) {
				free(e);
				e = NULL;
			}
			sbuf_free(&back);
		}
	}
	if (!e)
		e = vcard_escape(text);
	if (pc->note_start && !pc->note_rebuild_prefix) {
		/* Keep the user's group and parameters (LANGUAGE, ALTID...). */
		struct sbuf l = {0};

		sbuf_adds(&l, pc->note_prefix);
		sbuf_addc(&l, ':');
		sbuf_adds(&l, e);
		fold_line(o, l.buf, l.len, eol);
		sbuf_free(&l);
	} else {
		emit_prop(o, pc->note_group, "NOTE", e, 0, 0, eol);
	}
	free(e);
}

static int want_valid(const struct vcard_annot *w, struct kerr *err)
{
	char tmp[16];

	if (w->cadence[0] && vc_parse_cadence(w->cadence, strlen(w->cadence), tmp) < 0) {
		kerr_set(err, "invalid cadence '%s' (want P30D, P2W, P3M or P1Y)", w->cadence);
		return -1;
	}
	if (w->snooze[0] && vc_parse_date(w->snooze, strlen(w->snooze), tmp) < 0) {
		kerr_set(err, "invalid snooze date '%s' (want YYYY-MM-DD)", w->snooze);
		return -1;
	}
	if (w->aspire && !vc_utf8_valid((const unsigned char *)w->aspire,
				     strlen(w->aspire))) {
		kerr_set(err, "why to reach out is not valid UTF-8");
		return -1;
	}
	for (size_t i = 0; i < w->nlog; i++) {
		const struct vcard_log *e = &w->log[i];

		if (vc_parse_date(e->date, strnlen(e->date, sizeof e->date), tmp) < 0 ||
		    !vc_via_ok(e->via, strnlen(e->via, sizeof e->via)) ||
		    !vc_id_ok(e->id, strnlen(e->id, sizeof e->id))) {
			kerr_set(err, "invalid log entry '%.11s %.16s %.9s'",
				 e->date, e->via, e->id);
			return -1;
		}
		/* The last guard: one bad byte makes some servers refuse the book. */
		if (e->text && !vc_utf8_valid((const unsigned char *)e->text,
					   strlen(e->text))) {
			kerr_set(err, "log entry %.9s: its text is not valid UTF-8",
				 e->id);
			return -1;
		}
	}
	return 0;
}

static int log_eq(const struct vcard_log *a, const struct vcard_log *b)
{
	return strcmp(a->date, b->date) == 0 && strcmp(a->via, b->via) == 0 &&
	       strcmp(a->id, b->id) == 0 &&
	       strcmp(a->text ? a->text : "", b->text ? b->text : "") == 0;
}

/* Do the card's kith lines already say exactly `want`? */
static int kith_same(const struct vc_patch_ctx *pc, const struct vcard_info *in,
		     const struct vcard_annot *w)
{
	if (pc->ncad != (w->cadence[0] ? 1 : 0) || pc->cad_bad ||
	    strcmp(in->annot.cadence, w->cadence) != 0)
		return 0;
	if (pc->nsnooze != (w->snooze[0] ? 1 : 0) || pc->snooze_bad ||
	    strcmp(in->annot.snooze, w->snooze) != 0)
		return 0;
	if (pc->naspire != (w->aspire ? 1 : 0) ||
	    strcmp(in->annot.aspire ? in->annot.aspire : "",
		   w->aspire ? w->aspire : "") != 0)
		return 0;
	if (pc->seen.nlog != w->nlog)
		return 0;
	for (size_t i = 0; i < w->nlog; i++)
		if (!log_eq(&pc->seen.log[i], &w->log[i]))
			return 0;
	return 1;
}

struct edit {
	const char *start, *stop;
	char *text;	/* owned; NULL to delete */
	size_t len;
};

static int edit_cmp(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->stop < y->stop ? -1 : x->stop > y->stop;
}

/*
 * raw with each edit's span replaced by its text (deleted when NULL), in
 * order. The edits come mostly sorted (kith's lines in card order, then
 * the end), and a card with 25,000 log lines has as many: sorted only
 * when they are not, and copied into a buffer of the final size.
 */
static char *splice_edits(const char *raw, size_t len, struct edit *ed, size_t ned,
		    size_t *outlen)
{
	const char *cur = raw;
	size_t n = len, i;
	char *out, *o;
	int sorted = 1;

	for (i = 1; i < ned && sorted; i++)
		sorted = edit_cmp(&ed[i - 1], &ed[i]) < 0;
	if (!sorted)
		qsort(ed, ned, sizeof *ed, edit_cmp);
	for (i = 0; i < ned; i++)
		n = n - (size_t)(ed[i].stop - ed[i].start) + (ed[i].text ? ed[i].len : 0);
	o = out = xmalloc(n + 1);
	for (i = 0; i < ned; i++) {
		memcpy(o, cur, (size_t)(ed[i].start - cur));
		o += ed[i].start - cur;
		if (ed[i].text) {
			memcpy(o, ed[i].text, ed[i].len);
			o += ed[i].len;
		}
		cur = ed[i].stop;
	}
	memcpy(o, cur, (size_t)(raw + len - cur));
	out[n] = '\0';
	*outlen = n;
	return out;
}

static void patch_ctx_free(struct vc_patch_ctx *pc)
{
	free(pc->kl);
	vcard_annot_free(&pc->seen);
	free(pc->note_prefix);
	free(pc->note_group);
	free(pc->note_full);
	free(pc->note_raw);
	for (size_t i = 0; i < pc->ncore; i++)
		free(pc->core[i].prefix);
	free(pc->core);
}

/* A card read once: the reader's view of it and where its lines are. */
struct vcard_card {
	struct vcard_info in;
	struct vc_patch_ctx pc;	/* points into the caller's raw */
	const char *raw;
	size_t len;
	size_t ncrlf, nlf;	/* its line endings, for new lines */
};

struct vcard_card *vcard_card_read(const char *raw, size_t len)
{
	struct vcard_card *vc = xcalloc(1, sizeof *vc);
	struct vc_scan sc;

	vc_read_card(raw, len, &vc->in, &vc->pc, &sc);
	vc->raw = raw;
	vc->len = len;
	vc->ncrlf = sc.ncrlf;
	vc->nlf = sc.nlf;
	sbuf_free(&sc.buf);
	return vc;
}

const struct vcard_info *vcard_card_info(const struct vcard_card *vc)
{
	return &vc->in;
}

void vcard_card_free(struct vcard_card *vc)
{
	if (!vc)
		return;
	patch_ctx_free(&vc->pc);
	vcard_info_free(&vc->in);
	free(vc);
}

/*
 * Malformed X-KITH-LOG lines are kept in place: they may be entries a newer
 * kith wrote, and dropping them would lose them on every device.
 * X-KITH-CADENCE and X-KITH-SNOOZE hold one value, so all of theirs go.
 */
char *vcard_card_patch(struct vcard_card *vc, const struct vcard_annot *want,
		       int mirror_note, size_t *outlen, struct kerr *err)
{
	const struct vcard_info *in = &vc->in;
	const struct vc_patch_ctx *pc = &vc->pc;
	struct edit *ed = NULL;
	size_t ned = 0, lead;
	struct sbuf ins = {0};
	char *res = NULL, *nw = NULL;
	const char *eol;
	int v21;

	if (!in->ok) {
		kerr_set(err, "cannot patch a card kith cannot read: %s", in->why);
		goto out;
	}
	if (in->is_group) {
		kerr_set(err, "%s is a group, not a person", in->fn ? in->fn : "card");
		goto out;
	}
	if (want_valid(want, err) < 0)
		goto out;
	eol = vc->ncrlf >= vc->nlf ? "\r\n" : "\n";
	v21 = in->version == 21;
	ed = xcalloc(pc->nkl + 2, sizeof *ed);
	/* A dangling QP soft break would swallow the next line. */
	if (pc->dangling)
		sbuf_adds(&ins, eol);
	lead = ins.len;

	if (!kith_same(pc, in, want)) {
		for (size_t i = 0; i < pc->nkl; i++) {
			if (pc->kl[i].kind == KITH_LOG && !pc->kl[i].good)
				continue;
			ed[ned].start = pc->kl[i].start;
			ed[ned].stop = pc->kl[i].stop;
			ned++;
		}
		if (want->cadence[0])
			emit_prop(&ins, NULL, "X-KITH-CADENCE", want->cadence, 0, 0, eol);
		if (want->snooze[0])
			emit_prop(&ins, NULL, "X-KITH-SNOOZE", want->snooze, 0, 0, eol);
		if (want->aspire) {
			char *e = vcard_escape(want->aspire);

			emit_prop(&ins, NULL, "X-KITH-ASPIRE", e, v21, 0, eol);
			free(e);
		}
		struct sbuf line = {0};

		for (size_t i = 0; i < want->nlog; i++)
			emit_log(&ins, &line, &want->log[i], v21, eol);
		sbuf_free(&line);
	}
	if (mirror_note) {
		nw = note_want(in->note, want);
		if (!pc->note_start) {
			if (*nw)
				emit_note(&ins, pc, nw, in->note, v21, eol);
		} else if (strcmp(nw, pc->note_full ? pc->note_full : "") != 0) {
			struct sbuf nl = {0};

			/* A NOTE that becomes empty goes away entirely. */
			if (*nw)
				emit_note(&nl, pc, nw, in->note, v21, eol);
			ed[ned].start = pc->note_start;
			ed[ned].stop = pc->note_stop;
			ed[ned].len = nl.len;
			ed[ned].text = nl.buf;
			ned++;
		}
	}
	if (ins.len > lead) {
		ed[ned].start = ed[ned].stop = pc->end_line;
		ed[ned].text = sbuf_detach(&ins, &ed[ned].len);
		ned++;
	}
	res = splice_edits(vc->raw, vc->len, ed, ned, outlen);
out:
	for (size_t i = 0; i < ned; i++)
		free(ed[i].text);
	free(ed);
	free(nw);
	sbuf_free(&ins);
	return res;
}

char *vcard_patch(const char *raw, size_t len, const struct vcard_annot *want,
		  int mirror_note, size_t *outlen, struct kerr *err)
{
	struct vcard_card *vc = vcard_card_read(raw, len);
	char *res = vcard_card_patch(vc, want, mirror_note, outlen, err);

	vcard_card_free(vc);
	return res;
}

/* value as the property's text: one escaped value, or CATEGORIES' list. */
static char *set_value(enum vcard_field f, const char *value, int tel_uri)
{
	struct sbuf b = {0};
	const char *s = value;

	if (f != VCARD_CATEGORIES) {
		char *e = vcard_escape(value);

		if (!tel_uri)
			return e;
		/* RFC 3966: a tel: URI has no spaces; '-' is its visual separator. */
		sbuf_adds(&b, "tel:");
		for (const char *q = e; *q; q++)
			sbuf_addc(&b, *q == ' ' ? '-' : *q);
		free(e);
		return sbuf_detach(&b, NULL);
	}
	while (*s) {
		const char *comma = strchr(s, ','), *t = s;
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		char *one, *e;

		vc_trim(&t, &n);
		if (n) {
			one = xstrndup(t, n);
			e = vcard_escape(one);
			if (b.len)
				sbuf_addc(&b, ',');
			sbuf_adds(&b, e);
			free(e);
			free(one);
		}
		s = comma ? comma + 1 : s + strlen(s);
	}
	return sbuf_detach(&b, NULL);
}

char *vcard_set(const char *raw, size_t len, enum vcard_field f,
		const char *value, size_t *outlen, struct kerr *err)
{
	static const char *const fresh[][2] = {
		[VCARD_EMAIL] = {"EMAIL;TYPE=INTERNET", "EMAIL"},
		[VCARD_PHONE] = {"TEL", "TEL"},
		[VCARD_ORG] = {"ORG", "ORG"},
		[VCARD_CATEGORIES] = {"CATEGORIES", "CATEGORIES"},
	};
	struct vcard_info in;
	struct vc_patch_ctx pc;
	struct vc_scan sc;
	struct edit *ed = NULL;
	const char *eol;
	char *res = NULL;
	size_t ned = 0, i;
	int v21, found = 0;

	memset(&pc, 0, sizeof pc);
	vc_read_card(raw, len, &in, &pc, &sc);
	sbuf_free(&sc.buf);
	if (!in.ok) {
		kerr_set(err, "cannot change a card kith cannot read: %s", in.why);
		goto out;
	}
	if (in.is_group) {
		kerr_set(err, "%s is a group, not a person", in.fn ? in.fn : "card");
		goto out;
	}
	if (term_text_unsafe(value)) {
		kerr_set(err, "the new value is not plain UTF-8 text");
		goto out;
	}
	eol = sc.ncrlf >= sc.nlf ? "\r\n" : "\n";
	v21 = in.version == 21;
	ed = xcalloc(pc.ncore + 1, sizeof *ed);
	for (i = 0; i < pc.ncore; i++) {
		const struct vc_core_line *l = &pc.core[i];
		struct sbuf t = {0};
		char *e;

		if (l->field != f)
			continue;
		/*
		 * EMAIL, TEL and ORG: the first one with a value (the one kith
		 * shows) takes the new value, the others stay. CATEGORIES: the
		 * value is the whole list, so the first line holds it and the
		 * others go.
		 */
		if (f != VCARD_CATEGORIES && (found || l->empty))
			continue;
		ed[ned].start = l->start;
		ed[ned].stop = l->stop;
		if (!found && *value) {
			e = set_value(f, value, l->tel_uri);
			if (*e)
				emit_prop(&t, NULL, l->prefix, e, v21, 0, eol);
			free(e);
			ed[ned].text = t.buf;
			ed[ned].len = t.len;
		}
		ned++;
		found = 1;
	}
	if (!found && *value) {
		struct sbuf t = {0};
		char *e = set_value(f, value, 0);

		if (pc.dangling)
			sbuf_adds(&t, eol);
		if (*e)
			emit_prop(&t, NULL, fresh[f][in.version == 40], e, v21, 0, eol);
		free(e);
		ed[ned].start = ed[ned].stop = pc.end_line;
		ed[ned].text = t.buf;
		ed[ned].len = t.len;
		ned++;
	}
	res = splice_edits(raw, len, ed, ned, outlen);
out:
	for (i = 0; i < ned; i++)
		free(ed[i].text);
	free(ed);
	patch_ctx_free(&pc);
	vcard_info_free(&in);
	return res;
}

char *vcard_new(const char *uid, const char *fn, const char *email,
		const char *phone, const char *org, const char *const *categories,
		const char *cadence, const char *aspire)
{
	struct sbuf o = {0};
	const char *eol = "\r\n";
	const char *sp = strrchr(fn, ' ');
	char *e, *fam, *giv, *t;

	sbuf_adds(&o, "BEGIN:VCARD\r\nVERSION:3.0\r\n");
	e = vcard_escape(uid);
	emit_prop(&o, NULL, "UID", e, 0, 0, eol);
	free(e);
	e = vcard_escape(fn);
	emit_prop(&o, NULL, "FN", e, 0, 0, eol);
	free(e);
	/* "Ana María López" is N:López;Ana María; a single word is a given name. */
	if (sp) {
		t = xstrndup(fn, (size_t)(sp - fn));
		fam = vcard_escape(sp + 1);
		giv = vcard_escape(t);
		free(t);
	} else {
		fam = xstrdup("");
		giv = vcard_escape(fn);
	}
	t = xasprintf("%s;%s;;;", fam, giv);
	emit_prop(&o, NULL, "N", t, 0, 0, eol);
	free(t);
	free(fam);
	free(giv);
	if (email && *email) {
		e = vcard_escape(email);
		emit_prop(&o, NULL, "EMAIL;TYPE=INTERNET", e, 0, 0, eol);
		free(e);
	}
	if (phone && *phone) {
		e = vcard_escape(phone);
		emit_prop(&o, NULL, "TEL", e, 0, 0, eol);
		free(e);
	}
	if (org && *org) {
		e = vcard_escape(org);
		emit_prop(&o, NULL, "ORG", e, 0, 0, eol);
		free(e);
	}
	if (categories && *categories) {
		/* Each name escaped (a comma in one is \,), joined by commas. */
		struct sbuf c = {0};
		size_t i;

		for (i = 0; categories[i]; i++) {
			e = vcard_escape(categories[i]);
			sbuf_addf(&c, "%s%s", i ? "," : "", e);
			free(e);
		}
		emit_prop(&o, NULL, "CATEGORIES", c.buf ? c.buf : "", 0, 0, eol);
		sbuf_free(&c);
	}
	if (cadence && *cadence)
		emit_prop(&o, NULL, "X-KITH-CADENCE", cadence, 0, 0, eol);
	if (aspire && *aspire) {
		e = vcard_escape(aspire);
		emit_prop(&o, NULL, "X-KITH-ASPIRE", e, 0, 0, eol);
		free(e);
	}
	sbuf_adds(&o, "END:VCARD\r\n");
	return sbuf_detach(&o, NULL);
}

/* Whether s is UTF-8 text a NOTE may hold: no control character but newline and tab. */
static int add_text_ok(const char *s)
{
	size_t n = strlen(s), k;
	long cp;

	for (; n; s += k, n -= k) {
		k = str_utf8_next(s, n, &cp);
		if (cp < 0 || (term_unsafe(cp) && cp != '\n' && cp != '\t' &&
				(cp < 0x2000 || cp > 0x206f)))
			return 0;
	}
	return 1;
}

char *vcard_add(const char *raw, size_t len, const char *name,
		const char *text, size_t *outlen, struct kerr *err)
{
	struct vcard_info in;
	struct vc_patch_ctx pc;
	struct vc_scan sc;
	struct edit ed = {0};
	struct sbuf t = {0};
	char *e, *res = NULL;

	memset(&pc, 0, sizeof pc);
	vc_read_card(raw, len, &in, &pc, &sc);
	sbuf_free(&sc.buf);
	if (!in.ok || !pc.end_line) {
		kerr_set(err, "cannot add to a card kith cannot read: %s",
			 in.why ? in.why : "no END:VCARD");
		goto out;
	}
	if (!add_text_ok(text)) {
		kerr_set(err, "the value of %s is not plain UTF-8 text", name);
		goto out;
	}
	/* After a QUOTED-PRINTABLE soft break that ends the card, a line of its own. */
	if (pc.dangling)
		sbuf_adds(&t, sc.ncrlf >= sc.nlf ? "\r\n" : "\n");
	e = vcard_escape(text);
	emit_prop(&t, NULL, name, e, in.version == 21, 0,
		  sc.ncrlf >= sc.nlf ? "\r\n" : "\n");
	free(e);
	ed.start = ed.stop = pc.end_line;
	ed.text = t.buf;
	ed.len = t.len;
	res = splice_edits(raw, len, &ed, 1, outlen);
out:
	sbuf_free(&t);
	patch_ctx_free(&pc);
	vcard_info_free(&in);
	return res;
}
