/*
 * vcard_read.c: the tolerant vCard 2.1/3.0/4.0 reader.
 *
 * One walk over the first card fills the vcard_info that display and search
 * need and, for vcard_patch and vcard_set, a vc_patch_ctx that says where
 * kith's lines, the NOTE and the fields kith may change are. Each property
 * kith reads has a small reader in prop_readers.
 */
#include "vcard_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The i-th component of a ';'-separated compound value (N, ORG, ADR). */
static int component(const char *s, size_t n, int idx, const char **cs, size_t *cn)
{
	size_t i = 0, b = 0;
	int k = 0;

	for (;;) {
		if (i == n || s[i] == ';') {
			if (k == idx) {
				*cs = s + b;
				*cn = i - b;
				return 0;
			}
			if (i == n)
				return -1;
			k++;
			b = i + 1;
		} else if (s[i] == '\\' && i + 1 < n) {
			i++;
		}
		i++;
	}
}

/* ---- the NOTE ---- */

/* Offset of the marker line in text, or -1. */
static long note_marker(const char *t)
{
	size_t ml = strlen(VCARD_NOTE_MARKER);
	const char *p = t;

	while ((p = strstr(p, VCARD_NOTE_MARKER))) {
		if ((p == t || p[-1] == '\n') &&
		    (p[ml] == '\0' || p[ml] == '\n' || (p[ml] == '\r' && p[ml + 1] == '\n')))
			return (long)(p - t);
		p += ml;
	}
	return -1;
}

static char *note_user(const char *t)
{
	long m = note_marker(t);

	if (m < 0)
		return xstrdup(t);
	if (m > 0)
		m--;	/* the newline that ends the user's text */
	return xstrndup(t, (size_t)m);
}

/* ---- the card walk shared by read and patch ---- */

static void set_why(struct vcard_info *out, const char *why)
{
	out->ok = 0;
	free(out->why);
	out->why = xstrdup(why);
}

static void set_once(char **dst, char *s)
{
	if (*dst || !s || !*s) {
		free(s);
		return;
	}
	*dst = s;
}

/* Whether the four digits at md are a month and a day it has in year y. */
static int md_ok(int y, const char *md)
{
	int m = (md[0] - '0') * 10 + (md[1] - '0');
	int d = (md[2] - '0') * 10 + (md[3] - '0');

	return m >= 1 && m <= 12 && d >= 1 && d <= vc_month_days(y, m);
}

static char *bday_norm(const char *s, size_t n, const char *omit)
{
	char d[16];
	size_t k = 0;
	int y;

	vc_trim(&s, &n);
	if (n >= 2 && s[0] == '-' && s[1] == '-') {
		/* --MMDD or --MM-DD */
		for (size_t i = 2; i < n && k < 4; i++)
			if (s[i] >= '0' && s[i] <= '9')
				d[k++] = s[i];
		if (k != 4 || !md_ok(0, d))
			return NULL;
		return xasprintf("--%.2s-%.2s", d, d + 2);
	}
	for (size_t i = 0; i < n && k < 8 && s[i] != 'T'; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			d[k++] = s[i];
		else if (s[i] != '-')
			return NULL;
	}
	if (k != 8)
		return NULL;
	y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	if (!md_ok(y, d + 4))
		return NULL;	/* 0000-02-30: no such day, no birthday */
	/*
	 * Apple writes an unknown year as 1604 with X-APPLE-OMIT-YEAR=1604;
	 * others write year 0000, which no calendar has.
	 */
	if (y == 0 || (omit && strncmp(omit, d, 4) == 0))
		return xasprintf("--%.2s-%.2s", d + 4, d + 6);
	return xasprintf("%.4s-%.2s-%.2s", d, d + 4, d + 6);
}

static void kl_push(struct vc_patch_ctx *pc, const struct vc_prop *p, int kind, int good)
{
	if (pc->nkl == pc->capkl) {
		pc->capkl = pc->capkl ? pc->capkl * 2 : 8;
		pc->kl = xrealloc(pc->kl, pc->capkl * sizeof *pc->kl);
	}
	pc->kl[pc->nkl].start = p->start;
	pc->kl[pc->nkl].stop = p->stop;
	pc->kl[pc->nkl].kind = kind;
	pc->kl[pc->nkl].good = good;
	pc->nkl++;
}

/* State of one walk over a card, beyond what ends up in vcard_info. */
struct walk {
	struct vcard_info *out;
	struct vc_patch_ctx *pc;	/* NULL unless the walk is for a patch */
	struct sbuf tmp;	/* decoded value of the current property */
	char *note;		/* full text of the chosen NOTE */
	char *nname;		/* "Given Family" from N, for a card without FN */
};

static void take_note(struct vcard_info *out, struct vc_patch_ctx *pc,
		      const struct vc_prop *p, const char *v, size_t vl,
		      char **chosen)
{
	char *full = vc_unescape_dup(v, vl, 0);
	int marker = note_marker(full) >= 0;

	/* The NOTE carrying the marker wins; else the first (Android writes two). */
	if (*chosen && (!marker || note_marker(*chosen) >= 0)) {
		free(full);
		return;
	}
	free(*chosen);
	*chosen = full;
	free(out->note);
	out->note = note_user(full);
	if (!pc)
		return;
	pc->note_start = p->start;
	pc->note_stop = p->stop;
	pc->note_qp = p->qp;
	free(pc->note_raw);
	pc->note_raw = xstrndup(v, vl);
	pc->note_rawlen = vl;
	free(pc->note_prefix);
	free(pc->note_group);
	pc->note_prefix = xstrndup(p->line, (size_t)(p->params + p->plen - p->line));
	/*
	 * An unbalanced quote in the parameters was read up to the first colon;
	 * with a new value after it, the line would split elsewhere.
	 */
	size_t quotes = 0;
	for (const char *q = pc->note_prefix; *q; q++)
		quotes += *q == '"';
	pc->note_rebuild_prefix = p->qp || (p->charset && !p->charset_utf8) ||
				  quotes % 2;
	/*
	 * RFC 6350 3.3: a group is letters, digits and '-'. Anything else
	 * (bytes of another charset, found by the fuzzer) is not carried
	 * into a rebuilt NOTE line, which must be plain UTF-8.
	 */
	pc->note_group = NULL;
	if (p->glen) {
		size_t i, good = 1;

		for (i = 0; i < p->glen; i++)
			if (!isalnum((unsigned char)p->group[i]) && p->group[i] != '-')
				good = 0;
		if (good)
			pc->note_group = xstrndup(p->group, p->glen);
	}
}

static void core_push(struct vc_patch_ctx *pc, const struct vc_prop *p,
		      enum vcard_field f, const char *v, size_t vl)
{
	struct vc_core_line *l;
	const char *t = v;
	size_t tl = vl, quotes = 0;

	pc->core = xrealloc(pc->core, (pc->ncore + 1) * sizeof *pc->core);
	l = &pc->core[pc->ncore++];
	memset(l, 0, sizeof *l);
	l->start = p->start;
	l->stop = p->stop;
	l->field = f;
	vc_trim(&t, &tl);
	l->empty = tl == 0;
	l->tel_uri = f == VCARD_PHONE && tl > 4 && strncasecmp(t, "tel:", 4) == 0;
	l->prefix = xstrndup(p->line, (size_t)(p->params + p->plen - p->line));
	for (const char *q = l->prefix; *q; q++)
		quotes += *q == '"';
	/* The same rule as NOTE's: a prefix that cannot carry a new value is rebuilt. */
	if (p->qp || p->charset || quotes % 2) {
		free(l->prefix);
		l->prefix = p->glen ? xasprintf("%.*s.%.*s", (int)p->glen, p->group,
						(int)p->nlen, p->name) :
			    xstrndup(p->name, p->nlen);
	}
}

/* ---- the property readers ---- */

/*
 * The readers: one per property name kith reads, each given the decoded
 * value (QP and charset undone, TEXT escapes in place). A reader fills the
 * vcard_info and, when the walk is for a patch, what the patcher needs.
 */
static void push_nonempty(struct strv *l, char *s)
{
	if (*s)
		strv_push_own(l, s);
	else
		free(s);
}

/* Whether the trimmed value is lit, ignoring case. */
static int value_is(const char *v, size_t vl, const char *lit)
{
	vc_trim(&v, &vl);
	return vc_eq_ci(v, vl, lit);
}

static void read_version(struct walk *w, const struct vc_prop *p,
			 const char *v, size_t vl)
{
	(void)p;
	if (value_is(v, vl, "2.1"))
		w->out->version = 21;
	else if (value_is(v, vl, "3.0"))
		w->out->version = 30;
	else if (value_is(v, vl, "4.0"))
		w->out->version = 40;
}

static void read_uid(struct walk *w, const struct vc_prop *p,
		     const char *v, size_t vl)
{
	(void)p;
	set_once(&w->out->uid, vc_unescape_dup(v, vl, 1));
}

static void read_fn(struct walk *w, const struct vc_prop *p,
		    const char *v, size_t vl)
{
	(void)p;
	set_once(&w->out->fn, vc_unescape_dup(v, vl, 1));
}

static void read_title(struct walk *w, const struct vc_prop *p,
		       const char *v, size_t vl)
{
	(void)p;
	set_once(&w->out->title, vc_unescape_dup(v, vl, 1));
}

/* FN may come later: "Given Family" from the first N is kept aside. */
static void read_n(struct walk *w, const struct vc_prop *p,
		   const char *v, size_t vl)
{
	struct sbuf b = {0};
	char *fam = NULL, *giv = NULL;
	const char *c;
	size_t cl;

	(void)p;
	if (w->nname)
		return;
	if (component(v, vl, 0, &c, &cl) == 0)
		fam = vc_unescape_dup(c, cl, 1);
	if (component(v, vl, 1, &c, &cl) == 0)
		giv = vc_unescape_dup(c, cl, 1);
	sbuf_adds(&b, "");
	if (giv && *giv)
		sbuf_adds(&b, giv);
	if (fam && *fam) {
		if (b.len > 0)
			sbuf_addc(&b, ' ');
		sbuf_adds(&b, fam);
	}
	free(fam);
	free(giv);
	w->nname = sbuf_detach(&b, NULL);
}

static void read_note(struct walk *w, const struct vc_prop *p,
		      const char *v, size_t vl)
{
	take_note(w->out, w->pc, p, v, vl, &w->note);
}

static void read_email(struct walk *w, const struct vc_prop *p,
		       const char *v, size_t vl)
{
	if (w->pc)
		core_push(w->pc, p, VCARD_EMAIL, v, vl);
	push_nonempty(&w->out->emails, vc_unescape_dup(v, vl, 1));
}

static void read_tel(struct walk *w, const struct vc_prop *p,
		     const char *v, size_t vl)
{
	const char *t = v;
	size_t tl = vl;

	if (w->pc)
		core_push(w->pc, p, VCARD_PHONE, v, vl);
	vc_trim(&t, &tl);
	if (tl > 4 && strncasecmp(t, "tel:", 4) == 0) {
		t += 4;
		tl -= 4;
	}
	if (tl)
		strv_push_own(&w->out->phones, vc_unescape_dup(t, tl, 1));
}

static void read_org(struct walk *w, const struct vc_prop *p,
		     const char *v, size_t vl)
{
	const char *c;
	size_t cl;

	if (w->pc)
		core_push(w->pc, p, VCARD_ORG, v, vl);
	if (component(v, vl, 0, &c, &cl) == 0)
		set_once(&w->out->org, vc_unescape_dup(c, cl, 1));
}

static void read_adr(struct walk *w, const struct vc_prop *p,
		     const char *v, size_t vl)
{
	const char *c;
	size_t cl;

	(void)p;
	if (component(v, vl, 3, &c, &cl) == 0)
		set_once(&w->out->city, vc_unescape_dup(c, cl, 1));
}

static void read_bday(struct walk *w, const struct vc_prop *p,
		      const char *v, size_t vl)
{
	struct sbuf om = {0};
	struct vc_param_it it = {p->params, p->params + p->plen};
	const char *nm, *pv;
	size_t nl, pvl;

	if (w->out->bday)
		return;
	while (vc_param_next(&it, &nm, &nl, &pv, &pvl))
		if (vc_eq_ci(nm, nl, "X-APPLE-OMIT-YEAR"))
			vc_param_value(&om, pv, pvl);
	w->out->bday = bday_norm(v, vl, om.buf);
	sbuf_free(&om);
}

/* CATEGORIES is a comma-separated list; "\," is a comma in a name. */
static void read_categories(struct walk *w, const struct vc_prop *p,
			    const char *v, size_t vl)
{
	size_t b = 0;

	if (w->pc)
		core_push(w->pc, p, VCARD_CATEGORIES, v, vl);
	for (size_t i = 0; i <= vl; i++) {
		if (i < vl && v[i] == '\\' && i + 1 < vl) {
			i++;
			continue;
		}
		if (i == vl || v[i] == ',') {
			push_nonempty(&w->out->categories, vc_unescape_dup(v + b, i - b, 1));
			b = i + 1;
		}
	}
}

/* KIND:group (RFC 6350 6.1.4), or Apple's X-ADDRESSBOOKSERVER-KIND. */
static void read_kind(struct walk *w, const struct vc_prop *p,
		      const char *v, size_t vl)
{
	(void)p;
	if (value_is(v, vl, "group"))
		w->out->is_group = 1;
}

static void read_member(struct walk *w, const struct vc_prop *p,
			const char *v, size_t vl)
{
	(void)p;
	push_nonempty(&w->out->members, vc_unescape_dup(v, vl, 1));
}

static void read_cadence(struct walk *w, const struct vc_prop *p,
			 const char *v, size_t vl)
{
	char cad[16];
	int good;

	vc_trim(&v, &vl);
	good = vc_parse_cadence(v, vl, cad) == 0;
	if (good && !w->out->annot.cadence[0])
		memcpy(w->out->annot.cadence, cad, sizeof cad);
	if (w->pc) {
		w->pc->ncad++;
		w->pc->cad_bad |= !good;
		kl_push(w->pc, p, KITH_CADENCE, good);
	}
}

static void read_snooze(struct walk *w, const struct vc_prop *p,
			const char *v, size_t vl)
{
	char d[11];
	int good;

	vc_trim(&v, &vl);
	good = vc_parse_date(v, vl, d) == 0;
	if (good && !w->out->annot.snooze[0])
		memcpy(w->out->annot.snooze, d, sizeof d);
	if (w->pc) {
		w->pc->nsnooze++;
		w->pc->snooze_bad |= !good;
		kl_push(w->pc, p, KITH_SNOOZE, good);
	}
}

/* The patcher sees every good entry, duplicates too; the reader one per id. */
static void read_log(struct walk *w, const struct vc_prop *p,
		     const char *v, size_t vl)
{
	struct vcard_log e;
	int good = vc_parse_log(v, vl, &e) == 0;

	if (good) {
		if (w->pc)
			vc_annot_push(&w->pc->seen, &e, 0);
		/* Repeated ids go at the end of the walk (vc_annot_dedupe). */
		vc_annot_push(&w->out->annot, &e, 1);
	}
	if (w->pc)
		kl_push(w->pc, p, KITH_LOG, good);
}

static void read_aspire(struct walk *w, const struct vc_prop *p,
			const char *v, size_t vl)
{
	char *why = vc_unescape_dup(v, vl, 1);

	if (!w->out->annot.aspire && *why)
		w->out->annot.aspire = why;
	else
		free(why);
	if (w->pc) {
		w->pc->naspire++;
		kl_push(w->pc, p, KITH_ASPIRE, 1);
	}
}

/*
 * Property name (any case) -> its reader. A name not here is not read;
 * other X-KITH-* names belong to a newer kith and are left alone too.
 * X-KITH-LOG comes first: a card may hold 100,000 of them.
 */
static const struct prop_reader {
	const char *name;
	size_t len;
	void (*read)(struct walk *w, const struct vc_prop *p,
		     const char *v, size_t vl);
} prop_readers[] = {
#define READER(n, f) {n, sizeof n - 1, f}
	READER("X-KITH-LOG", read_log),
	READER("VERSION", read_version),
	READER("UID", read_uid),
	READER("FN", read_fn),
	READER("N", read_n),
	READER("NOTE", read_note),
	READER("EMAIL", read_email),
	READER("TEL", read_tel),
	READER("TITLE", read_title),
	READER("ORG", read_org),
	READER("ADR", read_adr),
	READER("BDAY", read_bday),
	READER("CATEGORIES", read_categories),
	READER("KIND", read_kind),
	READER("MEMBER", read_member),
	READER("X-ADDRESSBOOKSERVER-KIND", read_kind),
	READER("X-ADDRESSBOOKSERVER-MEMBER", read_member),
	READER("X-KITH-CADENCE", read_cadence),
	READER("X-KITH-SNOOZE", read_snooze),
	READER("X-KITH-ASPIRE", read_aspire),
#undef READER
};

static void handle_prop(struct walk *w, const struct vc_prop *p)
{
	const char *v;
	size_t vl;

	for (size_t i = 0; i < sizeof prop_readers / sizeof *prop_readers; i++) {
		const struct prop_reader *r = &prop_readers[i];

		/* The first letter first: TEL, ORG, ADR and UID share a length. */
		if (p->nlen == r->len && (p->name[0] | 0x20) == (r->name[0] | 0x20) &&
		    strncasecmp(p->name, r->name, r->len) == 0) {
			vc_prop_raw_value(p, &w->tmp, &v, &vl);
			r->read(w, p, v, vl);
			return;
		}
	}
}

static int is_begin(const struct vc_prop *p)
{
	const char *v = p->value;
	size_t vl = p->vlen;

	if (!p->valid || !vc_name_is(p, "BEGIN"))
		return 0;
	vc_trim(&v, &vl);
	return vc_eq_ci(v, vl, "VCARD");
}

static int is_end(const struct vc_prop *p)
{
	const char *v = p->value;
	size_t vl = p->vlen;

	if (!p->valid || !vc_name_is(p, "END"))
		return 0;
	vc_trim(&v, &vl);
	return vc_eq_ci(v, vl, "VCARD");
}

void vc_read_card(const char *raw, size_t len, struct vcard_info *out,
		      struct vc_patch_ctx *pc, struct vc_scan *sc)
{
	struct vc_prop p;
	struct walk w = {out, pc, {0}, NULL, NULL};
	int depth = 0, done = 0, started = 0, prev_dangling = 0;
	const char *fail = NULL;

	memset(out, 0, sizeof *out);
	out->ok = 1;
	vc_scan_init(sc, raw, len);
	if (memchr(raw, '\0', len)) {
		fail = "binary data (a NUL byte) in the card";
		goto out;
	}
	while (vc_scan_next(sc, &p)) {
		if (!started) {
			if (!is_begin(&p)) {
				fail = "does not start with BEGIN:VCARD";
				goto out;
			}
			started = 1;
			depth = 1;
			continue;
		}
		if (done) {
			/* Later cards are only counted. */
			if (is_begin(&p)) {
				if (depth++ == 0)
					out->ncards++;
			} else if (is_end(&p) && depth > 0) {
				depth--;
			}
			continue;
		}
		if (!p.qp && !p.charset &&
		    !vc_utf8_valid((const unsigned char *)p.line, p.len)) {
			fail = "invalid UTF-8 in the card";
			goto out;
		}
		if (is_begin(&p)) {
			/* A vCard 2.1 AGENT may embed a whole card. */
			depth++;
			continue;
		}
		if (is_end(&p)) {
			if (--depth == 0) {
				done = 1;
				out->ncards = 1;
				if (pc) {
					pc->end_line = p.start;
					pc->dangling = prev_dangling;
				}
			}
			continue;
		}
		prev_dangling = p.dangling;
		if (depth > 1 || !p.valid)
			continue;
		handle_prop(&w, &p);
	}
	if (!started)
		fail = "no BEGIN:VCARD";
	else if (!done)
		fail = "no END:VCARD";
out:
	vc_annot_dedupe(&out->annot);
	if (!out->fn && w.nname && *w.nname) {
		out->fn = w.nname;
		w.nname = NULL;
	}
	free(w.nname);
	if (fail)
		set_why(out, fail);
	if (pc) {
		pc->note_full = w.note;
		w.note = NULL;
	}
	free(w.note);
	sbuf_free(&w.tmp);
}

void vcard_read(const char *raw, size_t len, struct vcard_info *out)
{
	struct vc_scan sc;

	vc_read_card(raw ? raw : "", raw ? len : 0, out, NULL, &sc);
	sbuf_free(&sc.buf);
}

void vcard_info_free(struct vcard_info *info)
{
	if (!info)
		return;
	free(info->why);
	free(info->uid);
	free(info->fn);
	free(info->org);
	free(info->title);
	free(info->city);
	free(info->bday);
	free(info->note);
	strv_free(&info->emails);
	strv_free(&info->phones);
	strv_free(&info->categories);
	strv_free(&info->members);
	vcard_annot_free(&info->annot);
	memset(info, 0, sizeof *info);
}
