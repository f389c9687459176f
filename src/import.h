/*
 * import.h: what kith reads from a spreadsheet or a vCard file to import
 * people (issue 15). Pure: no cache, no network, no terminal. The shell
 * (shell/import.c) matches the people to the cache and writes them.
 *
 * A sheet's columns are recognised by their header, case-insensitively,
 * as the common exports name them (Google Contacts old and new, Outlook,
 * LinkedIn's Connections.csv, kith's own export) and a few synonyms a
 * person typing a sheet would use; import_header lists them.
 */
#ifndef KITH_IMPORT_H
#define KITH_IMPORT_H

#include <stddef.h>

#include "util.h"

/* What a column means. */
enum import_col {
	IMPORT_IGNORED,		/* not a column kith reads */
	IMPORT_NAME,		/* the whole name */
	IMPORT_GIVEN,
	IMPORT_MIDDLE,
	IMPORT_FAMILY,
	IMPORT_EMAIL,		/* one or more addresses (",", ";" or " ::: " apart) */
	IMPORT_PHONE,		/* one or more numbers (" ::: " or ";" apart) */
	IMPORT_ORG,
	IMPORT_TITLE,
	IMPORT_CATEGORIES,	/* " ::: ", ";" or "," apart; Google's "* myContacts" left out */
	IMPORT_CADENCE,
	IMPORT_LAST,		/* the date of the last contact */
	IMPORT_NOTES,		/* the text of that contact's log entry */
	IMPORT_CHANNEL,		/* its channel (kith's log export) */
	IMPORT_LOGID,		/* its id (kith's log export) */
};

/* The header of a sheet: what each column means. */
struct import_map {
	enum import_col *cols;	/* one a header field */
	size_t ncols;
	const char *format;	/* "Google Contacts", "Outlook", "LinkedIn", "kith", "a sheet" */
	int connected;		/* the last contact is LinkedIn's "Connected On" */
};

/*
 * Reads fields as a header: 1 with m filled (free it with
 * import_map_free) when it names a column a person can be found by (a
 * name part or an email), 0 when it does not (a preamble line, as
 * LinkedIn writes before its header).
 */
int import_header(const struct strv *fields, struct import_map *m);
void import_map_free(struct import_map *m);

/* One row of a sheet, read. Strings owned; NULL or "" when absent. */
struct import_row {
	char *name;		/* the whole name, or the parts joined */
	struct strv emails, phones, categories;
	char *org, *title, *notes;
	char cadence[16];	/* ISO 8601 (P2W), "" when none */
	char last[11];		/* YYYY-MM-DD, "" when none */
	char via[16];		/* the channel as written, "" when none */
	char id[9];		/* a log id given by the sheet, "" when none */
};

/*
 * Reads a row under m: 0, or -1 with err saying what is wrong (a date, a
 * cadence, an id; without the line, which the caller adds). A date after
 * today (a day number) is wrong. Text fields are trimmed and, but for the
 * notes, their line breaks become spaces. r is the caller's to free with
 * import_row_free either way.
 */
int import_row_read(const struct import_map *m, const struct strv *fields,
		    long today, struct import_row *r, struct kerr *err);
void import_row_free(struct import_row *r);

/*
 * A date as sheets write it into out: 2021-03-12 (a time after it is
 * ignored), 2021/03/12, 12.03.2021, 12 Mar 2021, 12-Mar-2021, March 12,
 * 2021; D/M/Y and M/D/Y only when the day is over 12, since otherwise
 * they cannot be told apart. 0, or -1 with err.
 */
int import_date(const char *s, char out[11], struct kerr *err);

/* A cadence as a sheet writes it ("2w", "P2W", "every 2 weeks", "monthly") in ISO: 0 or -1. */
int import_cadence(const char *s, char iso[16], struct kerr *err);

/*
 * The id of an imported log entry: 8 hex digits from a hash (FNV-1a,
 * 64 bits folded to 32) of the person's key, the date and the text, so
 * the same row imported again, or on another device, gives the same id.
 */
void import_log_id(const char *key, const char *date, const char *text,
		   char id[9]);
/* The key of a row: its first email, lower-cased, else its name, lower-cased. The caller frees. */
char *import_row_key(const struct import_row *r);

/* One card of a vCard file: its bytes in the file, and its first line. */
struct import_card {
	const char *start;
	size_t len;
	size_t line;
};
/*
 * Splits a vCard file into its cards, BEGIN:VCARD to END:VCARD (nested
 * vCard 2.1 AGENT cards stay inside theirs); text between cards is
 * ignored. *cards is the caller's to free; its pointers point into data.
 * -1 with err ("line N: ...") when a card never ends; the cards before
 * it are still returned.
 */
int import_vcf_split(const char *data, size_t len, struct import_card **cards,
		     size_t *n, struct kerr *err);

#endif
