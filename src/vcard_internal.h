/*
 * vcard_internal.h: what src/vcard*.c share, and nothing outside them.
 *
 * vcard_line.c walks physical lines and decodes values, vcard_annot.c
 * holds kith's values and the annotation verbs, vcard_read.c reads a card
 * into a vcard_info (and a vc_patch_ctx), vcard_patch.c writes lines and
 * patches. Only vcard.h is the interface; include this from no other file.
 */
#ifndef KITH_VCARD_INTERNAL_H
#define KITH_VCARD_INTERNAL_H

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "vcard.h"

/* One property after unfolding; the text is valid until the next scan. */
struct vc_prop {
	const char *start, *stop;	/* its physical lines in raw, terminators included */
	const char *line;		/* unfolded text */
	size_t len;
	const char *group, *name, *params, *value;
	size_t glen, nlen, plen, vlen;
	int valid;			/* has a name and a ':' */
	int qp;				/* ENCODING=QUOTED-PRINTABLE */
	int charset;			/* a CHARSET parameter is present */
	int charset_utf8;		/* and it says UTF-8 */
	int dangling;			/* QP value ends in a soft break with nothing after */
};

/* A walk over the physical lines of raw; buf is owned (sbuf_free it). */
struct vc_scan {
	const char *p, *end;
	struct sbuf buf;
	size_t ncrlf, nlf;
};

/* The kinds of kith line, in vc_kith_line.kind. */
enum { KITH_CADENCE = 1, KITH_SNOOZE, KITH_LOG, KITH_ASPIRE };

/* One X-KITH-* line of the first card, for the patcher to replace. */
struct vc_kith_line {
	const char *start, *stop;
	int kind;
	int good;		/* a LOG value kith understands */
};

/* A property vcard_set may change: where it is and how it was written. */
struct vc_core_line {
	const char *start, *stop;
	enum vcard_field field;
	int empty;		/* its value is empty */
	int tel_uri;		/* a TEL written as a tel: URI */
	char *prefix;		/* group.NAME;params as written, or rebuilt */
};

/* What vcard_patch needs to know about the first card, filled by the read. */
struct vc_patch_ctx {
	struct vc_kith_line *kl;
	size_t nkl, capkl;
	int ncad, nsnooze, cad_bad, snooze_bad;
	int naspire;
	struct vcard_annot seen;	/* every good LOG line, duplicates too */
	const char *note_start, *note_stop;
	int note_qp;
	int note_rebuild_prefix;	/* CHARSET/ENCODING in the old prefix */
	char *note_prefix;		/* group.NOTE;params as written */
	char *note_group;
	char *note_full;		/* decoded text of the chosen NOTE */
	char *note_raw;			/* its value as written (unfolded, escaped) */
	size_t note_rawlen;
	const char *end_line;		/* start of the first card's END:VCARD */
	int dangling;
	struct vc_core_line *core;	/* EMAIL, TEL, ORG, CATEGORIES lines */
	size_t ncore;
};

/* Parameters of a property, from vc_prop.params for vc_prop.plen bytes. */
struct vc_param_it {
	const char *p, *end;
};

/* ---- vcard_line.c: bytes, escapes, parameters, the line walk ---- */

/*
 * Whether s[0..n) is lit, ignoring ASCII case. Inline: the walk asks it of
 * every property with a literal, whose strlen then folds to a constant.
 */
static inline int vc_eq_ci(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);

	return n == m && strncasecmp(s, lit, m) == 0;
}

/* Narrows s[0..n) to drop leading and trailing blanks, CR and LF. */
void vc_trim(const char **s, size_t *n);
/* The value of a hex digit, or -1. */
int vc_hexval(int c);
/* Whether s[0..n) is well-formed UTF-8 (RFC 3629). */
int vc_utf8_valid(const unsigned char *s, size_t n);
/* Bytes of escaped s[0..n) that unescape to exactly want bytes, or -1. */
long vc_unescaped_prefix(const char *s, size_t n, size_t want);
/* Appends s[0..n) with TEXT escapes undone (RFC 6350 3.4) to o. */
void vc_unescape(struct sbuf *o, const char *s, size_t n);
/* s[0..n) unescaped (trimmed first when do_trim); the caller frees it. */
char *vc_unescape_dup(const char *s, size_t n, int do_trim);

/* The next parameter: 0 at the end. nm, v point into the property. */
int vc_param_next(struct vc_param_it *it, const char **nm, size_t *nl,
		  const char **v, size_t *vl);
/* Appends a parameter value without quotes, RFC 6868 escapes decoded. */
void vc_param_value(struct sbuf *o, const char *v, size_t vl);

/* Starts a walk over raw[0..len), past a UTF-8 BOM. */
void vc_scan_init(struct vc_scan *sc, const char *raw, size_t len);
/* The next unfolded property into *p: 0 at the end of raw. */
int vc_scan_next(struct vc_scan *sc, struct vc_prop *p);
/* p's value with QP and charset undone; may point into tmp. */
void vc_prop_raw_value(const struct vc_prop *p, struct sbuf *tmp,
		       const char **v, size_t *vl);
/* Whether p is named lit, ignoring case. */
static inline int vc_name_is(const struct vc_prop *p, const char *lit)
{
	return vc_eq_ci(p->name, p->nlen, lit);
}

/* ---- vcard_annot.c: kith's values, the log and its id index ---- */

/* Days in month m of year y; y 0 stands for "any year". */
int vc_month_days(int y, int m);
/* A calendar day YYYY-MM-DD into out: 0, or -1 when it is none. */
int vc_parse_date(const char *s, size_t n, char out[11]);
/* An ISO 8601 duration kith keeps (P30D...), upper-cased into out: 0 or -1. */
int vc_parse_cadence(const char *s, size_t n, char out[16]);
/* Whether s[0..n) can be a log entry's channel. */
int vc_via_ok(const char *s, size_t n);
/* Whether s[0..n) is a log entry's id: 8 hex digits. */
int vc_id_ok(const char *s, size_t n);
/* An X-KITH-LOG value into *e (e->text owned by the caller): 0 or -1. */
int vc_parse_log(const char *s, size_t n, struct vcard_log *e);
/* Appends e to a, duplicates too; a takes e->text when own, else a copy. */
void vc_annot_push(struct vcard_annot *a, const struct vcard_log *e, int own);
/* Drops each entry whose id an earlier one has, in place, and indexes the rest. */
void vc_annot_dedupe(struct vcard_annot *a);
/* The index of the newest entry (the later on equal dates), or -1. */
long vc_annot_newest(const struct vcard_annot *a);

/* ---- vcard_read.c: the card walk ---- */

/*
 * Reads the first card of raw[0..len) into out (as vcard_read does) and,
 * when pc is not NULL, where its lines are into *pc (zeroed by the caller,
 * freed by the patcher; its pointers point into raw). sc is left with the
 * line-ending counts; the caller frees sc->buf.
 */
void vc_read_card(const char *raw, size_t len, struct vcard_info *out,
		  struct vc_patch_ctx *pc, struct vc_scan *sc);

#endif
