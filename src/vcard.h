/*
 * vcard.h: read any real-world vCard, change only kith's lines.
 *
 * The raw text from the server is the truth. kith never re-serializes a
 * card: it reads what display and search need, and it patches its own
 * properties (X-KITH-CADENCE, X-KITH-SNOOZE, X-KITH-ASPIRE, X-KITH-LOG) and the block
 * under the "— kith —" line at the end of NOTE, leaving every other
 * physical line byte for byte in place.
 */
#ifndef KITH_VCARD_H
#define KITH_VCARD_H

#include <stddef.h>

#include "util.h"

/* The line that opens kith's block in NOTE; text above it is the user's. */
#define VCARD_NOTE_MARKER "\xe2\x80\x94 kith \xe2\x80\x94"

/* One X-KITH-LOG entry: "DATE SP CHANNEL SP ID SP TEXT". */
struct vcard_log {
	char date[11];		/* YYYY-MM-DD */
	char via[16];		/* phone, email, text, meet, video, letter, gift, intro, other */
	char id[9];		/* 8 lowercase hex digits, unique per entry */
	char *text;		/* unescaped UTF-8, owned by the entry */
};

/* kith's annotations on one person. */
struct vcard_annot {
	char cadence[16];	/* ISO 8601 duration (P30D, P2W, P3M, P1Y), "" if none */
	char snooze[11];	/* YYYY-MM-DD, "" if none */
	char *aspire;		/* X-KITH-ASPIRE: why to reach out to someone not met yet; owned, NULL if none */
	struct vcard_log *log;	/* in card order; owned */
	size_t nlog;
	/* Private to src/vcard*.c: room in log, and an id index rebuilt on need. */
	size_t cap;
	unsigned *idx;		/* open addressing: entry index + 1, 0 empty */
	size_t idx_cap;		/* slots, a power of two; 0: no index */
	size_t idx_n;		/* entries indexed: the index holds when == nlog */
};

/* What display and search need from a card. All strings owned, NULL when absent. */
struct vcard_info {
	int ok;			/* 0: the card could not be parsed; see why */
	char *why;		/* why it could not be parsed */
	int version;		/* 21, 30, 40, or 0 when VERSION is missing */
	int ncards;		/* VCARDs in the resource; the first is the one read */
	int is_group;		/* KIND:group or X-ADDRESSBOOKSERVER-KIND:group */
	char *uid;
	char *fn;		/* FN, else built from N */
	char *org;		/* first ORG component */
	char *title;
	char *city;		/* locality of the first ADR */
	char *bday;		/* YYYY-MM-DD, or --MM-DD when the year is unknown/omitted */
	char *note;		/* the user's part of NOTE (above the marker), unescaped */
	struct strv emails;
	struct strv phones;
	struct strv categories;	/* CATEGORIES values, unescaped */
	struct strv members;	/* MEMBER / X-ADDRESSBOOKSERVER-MEMBER values (e.g. urn:uuid:...) */
	struct vcard_annot annot;
};

/*
 * Reads the resource raw[0..len). Always fills *out (zeroed first); a card
 * that cannot be parsed has out->ok == 0 and out->why set. Never fails for
 * any input bytes.
 */
void vcard_read(const char *raw, size_t len, struct vcard_info *out);
void vcard_info_free(struct vcard_info *info);

void vcard_annot_free(struct vcard_annot *a);
void vcard_annot_copy(struct vcard_annot *dst, const struct vcard_annot *src);
/* Adds a copy of e unless its id is present: 0 added, 1 already there. */
int vcard_annot_add(struct vcard_annot *a, const struct vcard_log *e);
/* Whether a holds an entry with this id (constant time on average). */
int vcard_annot_has(const struct vcard_annot *a, const char *id);
/* The index in a->log of the first entry with this id, or -1. */
long vcard_annot_find(const struct vcard_annot *a, const char *id);
/* Removes the entry with that id: 0 removed, 1 not there. */
int vcard_annot_remove(struct vcard_annot *a, const char *id);
/*
 * Merges other into a: the union of log entries by id, except ids listed
 * in removed (they stay removed). Cadence and snooze come from other when
 * a has none.
 */
void vcard_annot_merge(struct vcard_annot *a, const struct vcard_annot *other,
		       const struct strv *removed);
/* The newest log date, or NULL when there is no entry. Points into a. */
const char *vcard_annot_last(const struct vcard_annot *a);

/* Fills id with 8 random lowercase hex digits and a NUL. */
void vcard_log_newid(char id[9]);

/*
 * Returns a copy of raw in which the first card's kith properties say
 * exactly `want`, and (when mirror_note) the NOTE block under the marker
 * is regenerated from it. Every other physical line is byte-identical and
 * in place; new lines use the card's line ending and are folded at 75
 * octets on character boundaries. The caller frees the result. NULL with
 * err set when the card cannot be parsed or is a group.
 */
char *vcard_patch(const char *raw, size_t len, const struct vcard_annot *want,
		  int mirror_note, size_t *outlen, struct kerr *err);

/*
 * A card read once to be both read and patched: push reads the server's
 * copy for its annotations and then patches it, and a card of 100,000
 * log lines is walked once instead of twice. vcard_card_read keeps
 * pointers into raw, which the caller keeps alive and unchanged until
 * vcard_card_free (which accepts NULL). The info remains owned by the
 * handle; vcard_card_patch is vcard_patch on the card read, its result
 * the caller's to free.
 */
struct vcard_card;
struct vcard_card *vcard_card_read(const char *raw, size_t len);
const struct vcard_info *vcard_card_info(const struct vcard_card *vc);
char *vcard_card_patch(struct vcard_card *vc, const struct vcard_annot *want,
		       int mirror_note, size_t *outlen, struct kerr *err);
void vcard_card_free(struct vcard_card *vc);

/* The fields of a person's own that kith may change (`kith set`). */
enum vcard_field { VCARD_EMAIL, VCARD_PHONE, VCARD_ORG, VCARD_CATEGORIES };

/*
 * Returns a copy of raw with one field of the first card changed, every
 * other physical line byte-identical and in place. EMAIL, TEL, ORG: the
 * first that has a value takes the new one (keeping its group and
 * parameters), or a new property is added; CATEGORIES: value is the whole
 * comma-separated list. An empty value removes that property (every
 * CATEGORIES line). NULL with err set when the card cannot be parsed, is a
 * group, or value is not plain text.
 */
char *vcard_set(const char *raw, size_t len, enum vcard_field f,
		const char *value, size_t *outlen, struct kerr *err);

/*
 * A new vCard 3.0 for a person met today (CRLF line endings). email,
 * phone and org may be NULL; categories (NULL-terminated, or NULL) go in
 * CATEGORIES, cadence (an ISO 8601 duration such as P30D, or NULL) in
 * X-KITH-CADENCE, aspire (or NULL) in X-KITH-ASPIRE. The caller frees the
 * result.
 */
char *vcard_new(const char *uid, const char *fn, const char *email,
		const char *phone, const char *org, const char *const *categories,
		const char *cadence, const char *aspire);

/*
 * A copy of raw with the property name:text (text escaped here as vCard
 * TEXT) added just before the first card's END:VCARD, in the card's line
 * ending, every other line byte for byte in place: for import, the UID a
 * card from a file lacks, and a second email or phone on a new card.
 * NULL with err set when the card cannot be read or text is not plain
 * UTF-8. The caller frees the result.
 */
char *vcard_add(const char *raw, size_t len, const char *name,
		const char *text, size_t *outlen, struct kerr *err);

/* Escapes s as vCard TEXT (backslash, comma, semicolon, newline). */
char *vcard_escape(const char *s);

#endif
