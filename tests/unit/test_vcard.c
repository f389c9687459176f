/* test_vcard.c: the vCard reader, the patcher and the annotation verbs. */
#include "tap.h"
#include "vcard.h"

#include <dirent.h>
#include <strings.h>
#include <sys/stat.h>

/* ---- helpers ---- */

static struct vcard_info rd(const char *s)
{
	struct vcard_info v;

	vcard_read(s, strlen(s), &v);
	return v;
}

static int has(const struct strv *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

static int count(const char *hay, size_t n, const char *needle)
{
	int k = 0;
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (strncasecmp(hay + i, needle, m) == 0)
			k++;
	return k;
}

static void log_set(struct vcard_log *e, const char *date, const char *via,
		    const char *id, const char *text)
{
	memset(e, 0, sizeof *e);
	snprintf(e->date, sizeof e->date, "%s", date);
	snprintf(e->via, sizeof e->via, "%s", via);
	snprintf(e->id, sizeof e->id, "%s", id);
	e->text = (char *)text;
}

/* s with folds removed (CRLF or LF followed by one space or tab). */
static char *unfold(const char *s)
{
	struct sbuf o = {0};

	sbuf_adds(&o, "");
	for (; s && *s; s++) {
		if (s[0] == '\r' && s[1] == '\n' && (s[2] == ' ' || s[2] == '\t'))
			s += 2;
		else if (s[0] == '\n' && (s[1] == ' ' || s[1] == '\t'))
			s += 1;
		else
			sbuf_addc(&o, *s);
	}
	return sbuf_detach(&o, NULL);
}

static int annot_index(const struct vcard_annot *a, const char *id)
{
	for (size_t i = 0; i < a->nlog; i++)
		if (!strcmp(a->log[i].id, id))
			return (int)i;
	return -1;
}

/* Is this physical line the first line of a NOTE or an X-KITH-* property? */
static int kithish(const char *s, size_t n)
{
	const char *c = s, *e = s + n, *nm = s;

	while (c < e && *c != ';' && *c != ':') {
		if (*c == '.')
			nm = c + 1;
		c++;
	}
	size_t nl = (size_t)(c - nm);
	return (nl == 4 && strncasecmp(nm, "NOTE", 4) == 0) ||
	       (nl > 7 && strncasecmp(nm, "X-KITH-", 7) == 0);
}

/*
 * The physical lines of s (terminators included) minus NOTE and X-KITH-*
 * properties with their continuation lines (folds, and QP soft breaks).
 */
static char *other_lines(const char *s, size_t n)
{
	struct sbuf o = {0};
	const char *p = s, *end = s + n;
	int dropping = 0, soft = 0;

	sbuf_adds(&o, "");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		const char *ce = nl ? nl : end;

		if (ce > p && ce[-1] == '\r')
			ce--;
		int cont = (ce > p && (*p == ' ' || *p == '\t')) || (soft && ce > p);
		if (!cont)
			dropping = kithish(p, (size_t)(ce - p));
		/* QP soft break: "=" at the end of a QP property's line. */
		int qp = count(p, (size_t)(ce - p), "QUOTED-PRINTABLE") > 0;
		if (!cont)
			soft = qp && ce > p && ce[-1] == '=';
		else if (soft)
			soft = ce > p && ce[-1] == '=';
		if (!dropping)
			sbuf_add(&o, p, (size_t)(next - p));
		p = next;
	}
	return sbuf_detach(&o, NULL);
}

/* ---- reading ---- */

static void test_versions(void)
{
	struct vcard_info v;

	v = rd("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;John;;;\r\nTEL;WORK;VOICE:123\r\n"
	       "EMAIL;PREF;INTERNET:j@x.org\r\nEND:VCARD\r\n");
	ok(v.ok, "2.1: ok");
	is_int(v.version, 21, "2.1: version");
	is_str(v.fn, "John Doe", "2.1: FN built from N");
	ok(v.phones.n == 1 && !strcmp(v.phones.v[0], "123"), "2.1: bare TYPE params");
	vcard_info_free(&v);

	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\n"
	       "EMAIL;TYPE=INTERNET:ann@x.org\r\nUID:u-1\r\nEND:VCARD\r\n");
	ok(v.ok && v.version == 30, "3.0: ok, version");
	is_str(v.fn, "Ann Lee", "3.0: FN");
	is_str(v.uid, "u-1", "3.0: UID");
	vcard_info_free(&v);

	v = rd("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bo\r\nTEL;VALUE=uri;TYPE=\"work,voice\":"
	       "tel:+1-418-656-9254\r\nEND:VCARD\r\n");
	ok(v.ok && v.version == 40, "4.0: ok, version");
	is_str(v.phones.n ? v.phones.v[0] : "", "+1-418-656-9254", "4.0: tel: URI");
	vcard_info_free(&v);
}

static void test_line_endings(void)
{
	struct vcard_info a = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë\r\nEND:VCARD\r\n");
	struct vcard_info b = rd("BEGIN:VCARD\nVERSION:3.0\nFN:Zoë\nEND:VCARD\n");
	struct vcard_info c = rd("BEGIN:VCARD\nVERSION:3.0\r\nFN:Zoë\nEND:VCARD");

	ok(a.ok && b.ok && c.ok, "CRLF, bare LF, mixed and no final newline parse");
	is_str(b.fn, "Zoë", "bare LF: FN");
	is_str(c.fn, "Zoë", "mixed: FN");
	vcard_info_free(&a);
	vcard_info_free(&b);
	vcard_info_free(&c);
}

static void test_bom(void)
{
	struct vcard_info v = rd("\xef\xbb\xbf" "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Søren\r\nEND:VCARD\r\n");

	ok(v.ok, "UTF-8 BOM: ok");
	is_str(v.fn, "Søren", "UTF-8 BOM: FN");
	vcard_info_free(&v);
}

static void test_folding(void)
{
	struct vcard_info v;

	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:José Ma\r\n ría\r\nTITLE:Chief\r\n\tEngineer\r\n"
	       "END:VCARD\r\n");
	is_str(v.fn, "José María", "fold with space");
	is_str(v.title, "ChiefEngineer", "fold with tab");
	vcard_info_free(&v);

	/* "王芳" is e7 8e 8b e8 8a b3: fold between e8 and 8a b3. */
	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:\xe7\x8e\x8b\xe8\r\n \x8a\xb3\r\nEND:VCARD\r\n");
	ok(v.ok, "fold splitting a UTF-8 character: ok");
	is_str(v.fn, "王芳", "fold splitting a UTF-8 character: joined bytes");
	vcard_info_free(&v);
}

static void test_qp(void)
{
	struct vcard_info v;

	v = rd("BEGIN:VCARD\r\nVERSION:2.1\r\n"
	       "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91=20=C3=91;Ol=\r\n"
	       "=C3=A9;;;\r\n"
	       "NOTE;ENCODING=QUOTED-PRINTABLE:line one=0D=0Aline=\r\n"
	       " two\r\n"
	       "ADR;HOME;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:;;Hauptstr. 1;M=FCnchen;;;\r\n"
	       "ORG;CHARSET=ISO-8859-1:B\xe4""ckerei\r\n"
	       "TEL;CELL:1\r\nEND:VCARD\r\n");
	ok(v.ok, "QP: ok");
	is_str(v.fn, "Olé Ñ Ñ", "QP: soft line break and CHARSET=UTF-8");
	is_str(v.note, "line one\nline two", "QP: CRLF in value, soft break then a space");
	is_str(v.city, "München", "QP: CHARSET=ISO-8859-1");
	is_str(v.org, "Bäckerei", "8-bit CHARSET=ISO-8859-1 without QP");
	ok(v.phones.n == 1, "QP: next property after soft breaks");
	vcard_info_free(&v);

	/* A dangling soft break does not swallow END:VCARD. */
	v = rd("BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;QUOTED-PRINTABLE:abc=\r\nEND:VCARD\r\n");
	ok(v.ok, "QP: dangling soft break before END:VCARD");
	vcard_info_free(&v);
}

static void test_groups(void)
{
	struct vcard_info v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\n"
				 "item1.EMAIL;type=INTERNET:a@x.org\r\n"
				 "item1.X-ABLabel:_$!<Other>!$_\r\n"
				 "item2.TEL:555\r\nEND:VCARD\r\n");

	ok(v.ok, "groups: ok");
	ok(has(&v.emails, "a@x.org"), "groups: item1.EMAIL");
	ok(has(&v.phones, "555"), "groups: item2.TEL");
	vcard_info_free(&v);
}

static void test_params(void)
{
	struct vcard_info v = rd(
		"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:P\r\n"
		"email;type=work;type=pref;x-note=\"a;b:c,d\":p@x.org\r\n"
		"ADR;LABEL=\"Mum^'s ^nhouse: top;floor\";TYPE=home:;;1 Rd;Lyon;;;FR\r\n"
		"tel;Type=cell;TYPE=voice;pref=1:+33 1\r\nEND:VCARD\r\n");

	ok(v.ok, "params: ok");
	is_str(v.emails.n ? v.emails.v[0] : "", "p@x.org",
	       "params: quoted ; : , repeated TYPE, lowercase names");
	is_str(v.city, "Lyon", "params: RFC 6868 caret escapes inside quotes");
	is_str(v.phones.n ? v.phones.v[0] : "", "+33 1", "params: lowercase property name");
	vcard_info_free(&v);
}

static void test_escapes(void)
{
	struct vcard_info v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Doe\\, John\r\n"
				 "TITLE:a\\;b\\\\c\r\nNOTE:one\\ntwo\\Nthree\r\n"
				 "CATEGORIES:Book club,Friends\\, close,Work\r\nEND:VCARD\r\n");

	is_str(v.fn, "Doe, John", "escapes: \\,");
	is_str(v.title, "a;b\\c", "escapes: \\; and \\\\");
	is_str(v.note, "one\ntwo\nthree", "escapes: \\n and \\N");
	ok(v.categories.n == 3 && has(&v.categories, "Friends, close") &&
	   has(&v.categories, "Book club"), "escapes: CATEGORIES split on unescaped ,");
	vcard_info_free(&v);

	/* Line breaks in any form read as LF, so a patch writes them back alike. */
	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nNOTE:a\rb\\\rc\\qd\r\nEND:VCARD\r\n");
	is_str(v.note, "a\nb\\\nc\\qd", "escapes: lone CR is a line break, unknown escape kept");
	vcard_info_free(&v);
}

static void test_empty_values(void)
{
	struct vcard_info v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:\r\nN:;;;;\r\nEMAIL:\r\n"
				 "ORG:\r\nNOTE:\r\nTEL;TYPE=CELL:\r\nEND:VCARD\r\n");

	ok(v.ok, "empty values: ok");
	ok(v.fn == NULL && v.org == NULL, "empty values: absent FN and ORG");
	ok(v.emails.n == 0 && v.phones.n == 0, "empty values: no empty emails or phones");
	is_str(v.note, "", "empty values: empty NOTE");
	vcard_info_free(&v);
}

static void test_long_line(void)
{
	struct sbuf b = {0};
	struct vcard_info v;

	sbuf_adds(&b, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:L\r\nNOTE:");
	for (int i = 0; i < 10240; i++) {
		sbuf_addc(&b, (char)('a' + i % 26));
		if (i % 74 == 73)
			sbuf_adds(&b, "\r\n ");
	}
	sbuf_adds(&b, "\r\nX-LONG:");
	for (int i = 0; i < 10240; i++)
		sbuf_addc(&b, 'x');
	sbuf_adds(&b, "\r\nEND:VCARD\r\n");
	vcard_read(b.buf, b.len, &v);
	ok(v.ok, "10 kB lines: ok");
	ok(v.note && strlen(v.note) == 10240, "10 kB lines: folded NOTE unfolds to 10240 bytes");
	vcard_info_free(&v);
	sbuf_free(&b);
}

static void test_photos(void)
{
	struct vcard_info v;

	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Pic\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQEA\r\n"
	       " YABgAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQY\r\n =\r\nEMAIL:p@x\r\nEND:VCARD\r\n");
	ok(v.ok && has(&v.emails, "p@x"), "base64 PHOTO: ok and next property read");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Pic\r\nPHOTO:data:image/png;base64,iVBORw0KGgo=\r\n"
	       "EMAIL:q@x\r\nEND:VCARD\r\n");
	ok(v.ok && has(&v.emails, "q@x"), "data: PHOTO: ok");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Pic\r\nPHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n"
	       "    /9j/4AAQSkZJRgABAQEA\r\n    YABgAAD\r\n\r\nEMAIL:r@x\r\nEND:VCARD\r\n");
	ok(v.ok && has(&v.emails, "r@x"), "2.1 BASE64 PHOTO ending in a blank line");
	vcard_info_free(&v);
}

static void test_bday(void)
{
	struct vcard_info v;

	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-03-15\r\nEND:VCARD\r\n");
	is_str(v.bday, "--03-15", "bday: X-APPLE-OMIT-YEAR");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\nBDAY;value=date:1980-05-21\r\nEND:VCARD\r\n");
	is_str(v.bday, "1980-05-21", "bday: full date");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:B\r\nBDAY:--0203\r\nEND:VCARD\r\n");
	is_str(v.bday, "--02-03", "bday: --MMDD");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:B\r\nBDAY:19800322\r\nEND:VCARD\r\n");
	is_str(v.bday, "1980-03-22", "bday: basic format");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:B\r\nBDAY;VALUE=text:circa 1800\r\nEND:VCARD\r\n");
	ok(v.ok && v.bday == NULL, "bday: text value is not a date");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\nBDAY:0000-02-30\r\nEND:VCARD\r\n");
	ok(v.ok && v.bday == NULL, "bday: 0000-02-30 is no day");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\nBDAY:0000-07-14\r\nEND:VCARD\r\n");
	is_str(v.bday, "--07-14", "bday: year 0000 means no year");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:B\r\nBDAY:--0431\r\nEND:VCARD\r\n");
	ok(v.ok && v.bday == NULL, "bday: --0431 is no day");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:B\r\nBDAY:--0229\r\nEND:VCARD\r\n");
	is_str(v.bday, "--02-29", "bday: --0229 is a day");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\nBDAY:2023-02-29\r\nEND:VCARD\r\n");
	ok(v.ok && v.bday == NULL, "bday: 29 February of a common year is no day");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\nX-KITH-CADENCE:P0D\r\nEND:VCARD\r\n");
	ok(v.ok && v.annot.cadence[0] == '\0', "cadence: P0D is no cadence");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\nX-KITH-CADENCE:P99999999999D\r\nEND:VCARD\r\n");
	ok(v.ok && v.annot.cadence[0] == '\0', "cadence: an absurd number is no cadence");
	vcard_info_free(&v);
}

static void test_missing(void)
{
	struct vcard_info v = rd("BEGIN:VCARD\r\nFN:No Uid\r\nEND:VCARD\r\n");

	ok(v.ok, "missing UID and VERSION: ok");
	ok(v.uid == NULL && v.version == 0, "missing UID and VERSION: absent");
	vcard_info_free(&v);
}

static void test_multi(void)
{
	struct vcard_info v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:One\r\nEND:VCARD\r\n"
				 "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Two\r\nEND:VCARD\r\n"
				 "BEGIN:VCARD\nVERSION:4.0\nFN:Three\nEND:VCARD\n");

	ok(v.ok, "several VCARDs: ok");
	is_int(v.ncards, 3, "several VCARDs: counted");
	is_str(v.fn, "One", "several VCARDs: the first is read");
	vcard_info_free(&v);

	v = rd("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Boss\r\nAGENT:\r\nBEGIN:VCARD\r\nVERSION:2.1\r\n"
	       "FN:Assistant\r\nEND:VCARD\r\nTITLE:CEO\r\nEND:VCARD\r\n");
	ok(v.ok && v.ncards == 1, "2.1 AGENT card nested: one card");
	is_str(v.fn, "Boss", "2.1 AGENT: outer FN");
	is_str(v.title, "CEO", "2.1 AGENT: outer properties after it");
	vcard_info_free(&v);
}

static void test_bad(void)
{
	struct vcard_info v;
	const char garbage[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

	v = rd("VERSION:3.0\r\nFN:x\r\n");
	ok(!v.ok && v.why, "no BEGIN:VCARD: not ok (%s)", v.why ? v.why : "");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\n");
	ok(!v.ok && v.why, "no END:VCARD: not ok (%s)", v.why ? v.why : "");
	vcard_info_free(&v);
	vcard_read(garbage, sizeof garbage - 1, &v);
	ok(!v.ok && v.why, "binary garbage: not ok (%s)", v.why ? v.why : "");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:M\xfcller\r\nEND:VCARD\r\n");
	ok(!v.ok && v.why, "invalid UTF-8: not ok (%s)", v.why ? v.why : "");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:\xe8\x8a\r\n \xe8\r\nEND:VCARD\r\n");
	ok(!v.ok, "invalid UTF-8 after unfolding: not ok");
	vcard_info_free(&v);
	v = rd("");
	ok(!v.ok && v.why, "empty input: not ok");
	vcard_info_free(&v);
	vcard_read(NULL, 0, &v);
	ok(!v.ok, "NULL input: not ok");
	vcard_info_free(&v);
}

static void test_extract(void)
{
	struct vcard_info v = rd(
		"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:abc-1\r\nN:Nguyễn;Văn An;;;\r\n"
		"EMAIL;TYPE=home:an@x.vn\r\nEMAIL;TYPE=work:an@work.vn\r\n"
		"TEL;TYPE=CELL:+84 1\r\nTEL:+84 2\r\nORG:Acme\\, Ltd;R&D\r\nTITLE:Engineer\r\n"
		"ADR;TYPE=home:;;1 Phố Huế;Hà Nội;;;Vietnam\r\nADR:;;x;Elsewhere;;;\r\n"
		"BDAY:1990-01-02\r\nCATEGORIES:Family,Work\r\nCATEGORIES:Climbing\r\n"
		"NOTE:Likes tea\\nand cake\r\nEND:VCARD\r\n");

	is_str(v.fn, "Văn An Nguyễn", "extract: FN from N Given Family");
	is_str(v.uid, "abc-1", "extract: UID");
	ok(v.emails.n == 2 && has(&v.emails, "an@work.vn"), "extract: emails");
	ok(v.phones.n == 2, "extract: phones");
	is_str(v.org, "Acme, Ltd", "extract: first ORG component");
	is_str(v.title, "Engineer", "extract: title");
	is_str(v.city, "Hà Nội", "extract: city of the first ADR");
	is_str(v.bday, "1990-01-02", "extract: bday");
	ok(v.categories.n == 3 && has(&v.categories, "Climbing"), "extract: categories");
	is_str(v.note, "Likes tea\nand cake", "extract: note");
	ok(!v.is_group, "extract: a person");
	vcard_info_free(&v);

	v = rd("BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:Climbers\r\n"
	       "MEMBER:urn:uuid:1\r\nMEMBER:urn:uuid:2\r\nEND:VCARD\r\n");
	ok(v.is_group && v.members.n == 2 && has(&v.members, "urn:uuid:2"),
	   "extract: KIND:group and MEMBER");
	vcard_info_free(&v);
	v = rd("BEGIN:VCARD\r\nVERSION:3.0\r\nX-ADDRESSBOOKSERVER-KIND:group\r\nFN:G\r\n"
	       "X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:9\r\nEND:VCARD\r\n");
	ok(v.is_group && has(&v.members, "urn:uuid:9"), "extract: Apple group");
	vcard_info_free(&v);
}

static void test_annot_read(void)
{
	struct vcard_info v = rd(
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:K\r\n"
		"x-kith-cadence:p30d\r\n"
		"item9.X-Kith-Snooze;X-FOO=bar:2026-12-01\r\n"
		"X-KITH-LOG:2026-11-20 phone 7f3a9c2e Talked about his father\\; visit in\r\n"
		"  spring, maybe\r\n"
		"X-KITH-LOG;X-SERVER=1:2026-10-02 EMAIL 0B91D4AA Sent the article\\, at last\r\n"
		"X-KITH-LOG:2026-13-02 email 0b91d4ab bad month\r\n"
		"X-KITH-LOG:2026-10-02 email zzzzzzzz bad id\r\n"
		"X-KITH-LOG:2026-10-03 meet 0b91d4ac\r\n"
		"X-KITH-LOG:2026-02-30 email 0b91d4ad no such day\r\n"
		"X-KITH-LOG:0000-01-01 email 0b91d4ae year zero\r\n"
		"X-KITH-FUTURE:whatever\r\n"
		"NOTE:Met at school\\n\xe2\x80\x94 kith \xe2\x80\x94\\ncadence: every 30 days\r\n"
		"END:VCARD\r\n");

	ok(v.ok, "annotations: ok");
	is_str(v.annot.cadence, "P30D", "annotations: lowercase name and value");
	is_str(v.annot.snooze, "2026-12-01", "annotations: group and parameters");
	is_int(v.annot.nlog, 3, "annotations: malformed LOG lines skipped");
	if (v.annot.nlog == 3) {
		is_str(v.annot.log[0].text, "Talked about his father; visit in spring, maybe",
		       "annotations: refolded text, \\; unescaped");
		is_str(v.annot.log[1].via, "email", "annotations: channel lowercased");
		is_str(v.annot.log[1].id, "0b91d4aa", "annotations: id lowercased");
		is_str(v.annot.log[1].text, "Sent the article, at last", "annotations: \\, unescaped");
		is_str(v.annot.log[2].text, "", "annotations: entry without text");
	}
	is_str(vcard_annot_last(&v.annot), "2026-11-20", "annotations: last contact");
	is_str(v.note, "Met at school", "annotations: user part of NOTE");
	vcard_info_free(&v);
}

/* ---- writing ---- */

static const char *base_card =
	"BEGIN:VCARD\r\n"
	"VERSION:3.0\r\n"
	"UID:p-1\r\n"
	"FN:Ola Nordmann\r\n"
	"N:Nordmann;Ola;;;\r\n"
	"item1.EMAIL;type=INTERNET:ola@x.no\r\n"
	"item1.X-ABLabel:_$!<Other>!$_\r\n"
	"X-KITH-CADENCE:P2W\r\n"
	"NOTE:Loves boats\\nand fjords\r\n"
	"X-UNKNOWN;X-PARAM=\"a;b\":keep me\r\n"
	"PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQEA\r\n"
	" YABgAAD/2wBDAAYEBQYFBAYGBQYHBwYI\r\n"
	"END:VCARD\r\n";

static void test_patch_basic(void)
{
	struct vcard_annot w = {0};
	struct vcard_log e;
	struct vcard_info v;
	struct kerr err;
	size_t n;
	char *out, *a, *b;

	strcpy(w.cadence, "P30D");
	log_set(&e, "2026-11-20", "phone", "7f3a9c2e", "Talked about his father; visit in spring");
	vcard_annot_add(&w, &e);
	out = vcard_patch(base_card, strlen(base_card), &w, 1, &n, &err);
	ok(out != NULL, "patch: ok");
	if (!out)
		return;
	a = other_lines(base_card, strlen(base_card));
	b = other_lines(out, n);
	is_str(b, a, "patch: other lines byte-identical and in order");
	char *u = unfold(out);
	ok(strstr(u, "X-KITH-CADENCE:P30D\r\nX-KITH-LOG:2026-11-20 phone 7f3a9c2e Talked about his "
		       "father\\; visit in spring\r\nEND:VCARD\r\n") != NULL,
	   "patch: kith lines before END:VCARD, TEXT escaped");
	ok(!strstr(out, "P2W"), "patch: old cadence removed");
	ok(strstr(u, "NOTE:Loves boats\\nand fjords\\n\xe2\x80\x94 kith \xe2\x80\x94\\ncadence: every "
		       "30 days\\nlast contact: 2026-11-20 (phone)\\n2026-11-20 phone: Talked") != NULL,
	   "patch: NOTE user text kept, block appended");
	ok(strstr(u, "NOTE:") < strstr(u, "X-UNKNOWN"), "patch: NOTE replaced in place");
	free(u);
	vcard_read(out, n, &v);
	ok(v.ok, "patch: re-read ok");
	is_str(v.note, "Loves boats\nand fjords", "patch: user note reads back");
	is_str(v.annot.cadence, "P30D", "patch: cadence reads back");
	ok(v.annot.nlog == 1 && !strcmp(v.annot.log[0].text, e.text), "patch: log reads back");

	/* Every physical line is at most 75 octets. */
	int longest = 0;
	for (const char *p = out; *p;) {
		const char *nl = strchr(p, '\n');
		int l = (int)(nl ? nl - p : (long)strlen(p));

		if (l > 0 && p[l - 1] == '\r')
			l--;
		if (l > longest)
			longest = l;
		p = nl ? nl + 1 : p + strlen(p);
	}
	ok(longest <= 75, "patch: folded at 75 octets (longest %d)", longest);

	/* No-op: the same annotations give the same bytes. */
	size_t n2;
	char *again = vcard_patch(out, n, &v.annot, 1, &n2, &err);
	ok(again && n2 == n && memcmp(again, out, n) == 0, "patch: no-op is byte-identical");
	free(again);

	/* Removing everything removes the block and the marker. */
	struct vcard_annot none = {0};
	again = vcard_patch(out, n, &none, 1, &n2, &err);
	ok(again && strstr(again, "NOTE:Loves boats\\nand fjords\r\n") && !strstr(again, "X-KITH") &&
	   !strstr(again, "kith \xe2\x80\x94"), "patch: empty want removes block and marker");
	ok(again && n2 == strlen(base_card) - strlen("X-KITH-CADENCE:P2W\r\n"),
	   "patch: empty want leaves only the user's lines");
	free(again);
	vcard_info_free(&v);
	free(a);
	free(b);
	free(out);
	vcard_annot_free(&w);
}

/* The user's NOTE bytes and each line's ending survive a patch. */
static void test_patch_keeps_bytes(void)
{
	const char *gm = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:John Doe\r\n"
			 "NOTE:He said \\\"hi\\\"\\: ok\\, C:\\temp\\nline two\r\n"
			 "END:VCARD\r\n";
	const char *mixed = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mixed\r\n"
			    "PHOTO;ENCODING=b;TYPE=JPEG:AAAA\n BBBB\n CCCC\r\n"
			    "TEL:+1\n"
			    "END:VCARD\r\n";
	const char *tail = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Tail\r\n"
			   "NOTE:ends in a backslash \\\r\nEND:VCARD\r\n";
	struct vcard_annot w = {0};
	struct vcard_info v;
	struct vcard_log e;
	struct kerr err;
	size_t n;
	char *out;

	v = rd(gm);
	is_str(v.note, "He said \"hi\": ok, C:\\temp\nline two",
	       "read: \\\" reads as a quote, \\t before a letter keeps its backslash");
	vcard_info_free(&v);
	log_set(&e, "2026-11-20", "phone", "7f3a9c2e", "coffee");
	vcard_annot_add(&w, &e);
	out = vcard_patch(gm, strlen(gm), &w, 1, &n, &err);
	ok(out && strstr(out, "NOTE:He said \\\"hi\\\"\\: ok\\, C:\\temp\\nline two\\n"
			 "\xe2\x80\x94 kith \xe2\x80\x94\\n"),
	   "patch: the user's NOTE text keeps its bytes, escapes and all");
	v = rd(out ? out : "");
	is_str(v.note, "He said \"hi\": ok, C:\\temp\nline two", "and reads back the same");
	vcard_info_free(&v);
	free(out);

	/* A backslash that is literal only because it ends the value. */
	out = vcard_patch(tail, strlen(tail), &w, 1, &n, &err);
	v = rd(out ? out : "");
	is_str(v.note, "ends in a backslash \\", "patch: a NOTE ending in a lone backslash keeps it");
	ok(v.annot.nlog == 1, "and kith's block after it still reads");
	vcard_info_free(&v);
	free(out);

	out = vcard_patch(mixed, strlen(mixed), &w, 1, &n, &err);
	ok(out && !strncmp(out, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mixed\r\n"
			   "PHOTO;ENCODING=b;TYPE=JPEG:AAAA\n BBBB\n CCCC\r\nTEL:+1\n", 81),
	   "patch: LF-folded PHOTO and an LF line keep their endings among CRLF ones");
	ok(out && strstr(out, "X-KITH-LOG:2026-11-20 phone 7f3a9c2e coffee\r\n") &&
	   strstr(out, "\r\nEND:VCARD\r\n"), "patch: new lines take the majority ending");
	free(out);
	vcard_annot_free(&w);
}

static void test_patch_note_cases(void)
{
	const char *nonote = "BEGIN:VCARD\nVERSION:4.0\nFN:Aoife\nEND:VCARD\n";
	const char *onlyblock = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nX-KITH-CADENCE:P1Y\r\n"
				"NOTE:\xe2\x80\x94 kith \xe2\x80\x94\\ncadence: every year\r\nEND:VCARD\r\n";
	struct vcard_annot w = {0}, none = {0};
	struct kerr err;
	size_t n;
	char *out;

	strcpy(w.cadence, "P1W");
	out = vcard_patch(nonote, strlen(nonote), &w, 1, &n, &err);
	ok(out && !strcmp(out, "BEGIN:VCARD\nVERSION:4.0\nFN:Aoife\nX-KITH-CADENCE:P1W\n"
			  "NOTE:\xe2\x80\x94 kith \xe2\x80\x94\\ncadence: every week\nEND:VCARD\n"),
	   "patch: card without NOTE gets one, LF kept");
	free(out);

	out = vcard_patch(onlyblock, strlen(onlyblock), &none, 1, &n, &err);
	is_str(out, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nEND:VCARD\r\n",
	       "patch: a NOTE that becomes empty is removed");
	free(out);

	out = vcard_patch(nonote, strlen(nonote), &w, 0, &n, &err);
	ok(out && !strstr(out, "NOTE"), "patch: mirror_note=0 leaves NOTE alone");
	free(out);

	/* An unbalanced quote in NOTE's parameters: the prefix is rebuilt. */
	const char *uq = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Q\r\nNOTE;X-A=\"open:user \"quoted\" text\r\n"
			 "END:VCARD\r\n";
	out = vcard_patch(uq, strlen(uq), &w, 1, &n, &err);
	struct vcard_info uv;
	vcard_read(out ? out : "", out ? n : 0, &uv);
	is_str(uv.note, "user \"quoted\" text", "NOTE with an unbalanced quote: user text survives");
	vcard_info_free(&uv);
	free(out);

	/* Two NOTEs (Android writes them): the one with the marker is kith's. */
	const char *two = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:T\r\nNOTE:first\r\n"
			  "NOTE:second\\n\xe2\x80\x94 kith \xe2\x80\x94\\ncadence: every year\r\n"
			  "END:VCARD\r\n";
	struct vcard_info v = rd(two);
	is_str(v.note, "second", "two NOTEs: the user part of the marked one");
	vcard_info_free(&v);
	out = vcard_patch(two, strlen(two), &w, 1, &n, &err);
	ok(out && strstr(out, "NOTE:first\r\nNOTE:second\\n\xe2\x80\x94 kith \xe2\x80\x94\\ncadence: every week\r\n"),
	   "two NOTEs: the marked one is rewritten in place, the other kept");
	free(out);
}

static void test_patch_fold_utf8(void)
{
	const char *c = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ольга\r\nEND:VCARD\r\n";
	struct vcard_annot w = {0};
	struct vcard_log e;
	struct vcard_info v;
	struct kerr err;
	size_t n;
	char *out;
	int bad = 0;

	log_set(&e, "2026-01-05", "meet", "0a0b0c0d",
		"Ужин в Лионе, она переезжает; говорили о детях и о работе в больнице, долго");
	vcard_annot_add(&w, &e);
	out = vcard_patch(c, strlen(c), &w, 1, &n, &err);
	ok(out != NULL, "fold UTF-8: patched");
	for (const char *p = out; p && *p; p++)
		if (p[0] == '\n' && p[1] == ' ' && ((unsigned char)p[2] & 0xc0) == 0x80)
			bad++;
	is_int(bad, 0, "fold UTF-8: no continuation line starts inside a character");
	vcard_read(out, n, &v);
	ok(v.ok && v.annot.nlog == 1 && !strcmp(v.annot.log[0].text, e.text),
	   "fold UTF-8: reads back");
	vcard_info_free(&v);
	free(out);
	vcard_annot_free(&w);
}

static void test_patch_v21(void)
{
	const char *c = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;John;;;\r\n"
			"NOTE;ENCODING=QUOTED-PRINTABLE:Caf=C3=A9 owner=0D=0Ain town\r\n"
			"TEL;CELL:1\r\nEND:VCARD\r\n";
	struct vcard_annot w = {0};
	struct vcard_log e;
	struct vcard_info v;
	struct kerr err;
	size_t n;
	char *out;

	strcpy(w.cadence, "P3M");
	log_set(&e, "2026-02-01", "letter", "12345678", "Sent a postcard from Zürich with a long "
		"story about the trip and the weather there");
	vcard_annot_add(&w, &e);
	out = vcard_patch(c, strlen(c), &w, 1, &n, &err);
	ok(out && strstr(out, "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Caf=C3=A9 owner=0D=0Ain town"),
	   "2.1: NOTE written as QUOTED-PRINTABLE with CHARSET=UTF-8");
	ok(out && strstr(out, "X-KITH-LOG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"),
	   "2.1: non-ASCII log text as QUOTED-PRINTABLE");
	ok(out && !strstr(out, "\xc3"), "2.1: no 8-bit bytes written");
	vcard_read(out, n, &v);
	ok(v.ok, "2.1: re-read ok");
	is_str(v.note, "Café owner\nin town", "2.1: user note reads back");
	ok(v.annot.nlog == 1 && !strcmp(v.annot.log[0].text, e.text), "2.1: log reads back");
	is_str(v.annot.cadence, "P3M", "2.1: cadence reads back");
	size_t n2;
	char *again = vcard_patch(out, n, &v.annot, 1, &n2, &err);
	ok(again && n2 == n && !memcmp(again, out, n), "2.1: no-op is byte-identical");
	free(again);
	vcard_info_free(&v);
	free(out);
	vcard_annot_free(&w);
}

static void test_patch_refuse_keep(void)
{
	const char *group = "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:G\r\nEND:VCARD\r\n";
	const char *bad = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:G\r\n";
	const char *mal = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:M\r\n"
			  "X-KITH-LOG:someday phone 7f3a9c2e who knows\r\n"
			  "X-KITH-LOG:2026-01-01 phone 7f3a9c2f fine\r\nEND:VCARD\r\n";
	const char *multi = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:One\r\nEND:VCARD\r\n"
			    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Two\r\nEND:VCARD\r\n";
	struct vcard_annot w = {0};
	struct kerr err = {{0}};
	size_t n;
	char *out;

	out = vcard_patch(group, strlen(group), &w, 1, &n, &err);
	ok(!out && err.msg[0], "patch refuses a group (%s)", err.msg);
	out = vcard_patch(bad, strlen(bad), &w, 1, &n, &err);
	ok(!out && err.msg[0], "patch refuses an unreadable card (%s)", err.msg);
	strcpy(w.cadence, "P30X");
	out = vcard_patch(multi, strlen(multi), &w, 1, &n, &err);
	ok(!out, "patch refuses an invalid cadence (%s)", err.msg);
	strcpy(w.cadence, "P1D");
	out = vcard_patch(mal, strlen(mal), &w, 0, &n, &err);
	ok(out && strstr(out, "X-KITH-LOG:someday phone 7f3a9c2e who knows\r\n") &&
	   !strstr(out, "7f3a9c2f"), "patch keeps a malformed LOG line, drops unwanted good ones");
	free(out);
	out = vcard_patch(multi, strlen(multi), &w, 1, &n, &err);
	ok(out && count(out, n, "BEGIN:VCARD") == 2 &&
	   strstr(out, "FN:One\r\nX-KITH-CADENCE:P1D\r\n") &&
	   strstr(out, "END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Two\r\nEND:VCARD\r\n"),
	   "patch: multi-card keeps all cards, patches the first");
	free(out);
}

/* Applies what servers do to a card, then checks the annotations hold. */
static void test_server_rewrite(void)
{
	struct vcard_annot w = {0};
	struct vcard_log e;
	struct vcard_info v;
	struct kerr err;
	size_t n;
	char *out;

	strcpy(w.cadence, "P2W");
	strcpy(w.snooze, "2027-01-15");
	log_set(&e, "2026-11-20", "phone", "7f3a9c2e", "Talked about his father; visit in spring, he said");
	vcard_annot_add(&w, &e);
	log_set(&e, "2026-10-02", "email", "0b91d4aa", "Sent the article\non gardens \\ compost");
	vcard_annot_add(&w, &e);
	out = vcard_patch(base_card, strlen(base_card), &w, 1, &n, &err);
	ok(out != NULL, "rewrite: patched");

	/* Unfold into logical lines. */
	char *lines[64];
	int nl = 0;
	struct sbuf cur = {0};
	for (const char *p = out; *p;) {
		const char *e2 = strchr(p, '\n');
		size_t l = (size_t)(e2 - p);

		if (l && p[l - 1] == '\r')
			l--;
		if (*p == ' ') {
			sbuf_add(&cur, p + 1, l - 1);
		} else {
			if (cur.len)
				lines[nl++] = sbuf_detach(&cur, NULL);
			sbuf_add(&cur, p, l);
		}
		p = e2 + 1;
	}
	lines[nl++] = sbuf_detach(&cur, NULL);

	/* Rewrite: lowercase names of kith lines, escape commas, add params, group. */
	struct sbuf o = {0};
	sbuf_adds(&o, lines[0]);
	sbuf_adds(&o, "\n");
	for (int i = nl - 2; i >= 1; i--) {	/* reversed order */
		char *s = lines[i];
		struct sbuf t = {0};
		char *colon = strchr(s, ':');

		if (!strncmp(s, "X-KITH-", 7)) {
			sbuf_adds(&t, "srv.");
			for (char *q = s; q < colon; q++)
				sbuf_addc(&t, (char)(*q | 0x20));
			sbuf_adds(&t, ";X-SERVER=\"x:y\"");
			for (char *q = colon; *q; q++) {
				if (*q == ',' && q[-1] != '\\')
					sbuf_addc(&t, '\\');
				sbuf_addc(&t, *q);
			}
		} else {
			sbuf_adds(&t, s);
		}
		/* Re-fold at 40 octets with a tab. */
		for (size_t k = 0; k < t.len; k += 40) {
			if (k)
				sbuf_addc(&o, '\t');
			sbuf_add(&o, t.buf + k, t.len - k < 40 ? t.len - k : 40);
			sbuf_adds(&o, "\n");
		}
		sbuf_free(&t);
	}
	sbuf_adds(&o, lines[nl - 1]);
	sbuf_adds(&o, "\n");
	vcard_read(o.buf, o.len, &v);
	ok(v.ok, "rewrite: re-read ok");
	is_str(v.annot.cadence, "P2W", "rewrite: cadence");
	is_str(v.annot.snooze, "2027-01-15", "rewrite: snooze");
	is_int(v.annot.nlog, 2, "rewrite: both entries");
	for (size_t i = 0; i < v.annot.nlog; i++) {
		int j = annot_index(&w, v.annot.log[i].id);

		ok(j >= 0 && !strcmp(v.annot.log[i].text, w.log[j].text) &&
		   !strcmp(v.annot.log[i].date, w.log[j].date) &&
		   !strcmp(v.annot.log[i].via, w.log[j].via), "rewrite: entry %s intact",
		   v.annot.log[i].id);
	}
	is_str(v.note, "Loves boats\nand fjords", "rewrite: user note");
	/* Patching the rewritten card with what it says keeps the kith lines. */
	size_t n2;
	char *again = vcard_patch(o.buf, o.len, &v.annot, 0, &n2, &err);
	ok(again && n2 == o.len && !memcmp(again, o.buf, o.len),
	   "rewrite: no-op patch of a rewritten card is byte-identical");
	free(again);
	vcard_info_free(&v);
	for (int i = 0; i < nl; i++)
		free(lines[i]);
	sbuf_free(&o);
	free(out);
	vcard_annot_free(&w);
}

/* ---- annotations ---- */

/* Thousands of entries: the id index through adds, removes, merge and sort. */
static void test_merge_big(void)
{
	struct vcard_annot a = {0}, b = {0};
	struct vcard_log e;
	char id[9], date[11];
	int i, sorted = 1, found = 1, stable = 1;

	for (i = 0; i < 3000; i++) {
		snprintf(id, sizeof id, "%08x", i);
		snprintf(date, sizeof date, "20%02d-%02d-01", 25 - i % 20, 1 + i % 12);
		log_set(&e, date, "phone", id, "x");
		vcard_annot_add(&a, &e);
	}
	for (i = 2000; i < 5000; i++) {
		snprintf(id, sizeof id, "%08x", i);
		log_set(&e, "2010-01-01", "email", id, "y");
		vcard_annot_add(&b, &e);
	}
	log_set(&e, "2010-01-01", "email", "00000010", "dup");
	is_int(vcard_annot_add(&a, &e), 1, "big: a known id is refused past the linear range");
	is_int(vcard_annot_remove(&a, "00000005"), 0, "big: remove by id");
	is_int(vcard_annot_has(&a, "00000005"), 0, "big: removed is gone");
	is_int(vcard_annot_has(&a, "00000006"), 1, "big: its neighbour stays");
	vcard_annot_merge(&a, &b, NULL);
	is_int(a.nlog, 4999, "big: merge adds only the new ids");
	for (i = 1; i < (int)a.nlog; i++) {
		if (strcmp(a.log[i - 1].date, a.log[i].date) > 0)
			sorted = 0;
		if (!strcmp(a.log[i - 1].date, a.log[i].date) &&
		    !strcmp(a.log[i].date, "2010-01-01") &&
		    strcmp(a.log[i - 1].id, a.log[i].id) > 0)
			stable = 0;
	}
	ok(sorted, "big: sorted by date after merge");
	ok(stable, "big: equal dates keep their order");
	for (i = 0; i < 5000; i++) {
		snprintf(id, sizeof id, "%08x", i);
		if (vcard_annot_has(&a, id) != (i != 5))
			found = 0;
	}
	ok(found, "big: every id found after the sort");
	vcard_annot_free(&a);
	vcard_annot_free(&b);
}

/*
 * A card that repeats log ids: the first line of an id is the entry, in
 * its place, with fewer entries than the reader's id index starts at
 * and with many more; the index then finds each at its place.
 */
static void test_read_repeated_ids(void)
{
	int sizes[] = {6, 40, 3000};

	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		struct sbuf b = {0};
		struct vcard_info vi;
		int n = sizes[s], i, right = 1;

		sbuf_adds(&b, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Rita Reis\r\n");
		for (i = 0; i < n; i++) {
			/* Every third line repeats the id two lines up, upper-cased. */
			if (i % 3 == 2)
				sbuf_addf(&b, "X-KITH-LOG:2026-01-02 email %08X again %d\r\n",
					  0xabc00000u + (unsigned)i - 2, i);
			else
				sbuf_addf(&b, "X-KITH-LOG:2026-01-01 phone %08x first %d\r\n",
					  0xabc00000u + (unsigned)i, i);
		}
		sbuf_adds(&b, "END:VCARD\r\n");
		vcard_read(b.buf, b.len, &vi);
		is_int(vi.annot.nlog, n - n / 3, "%d lines, every third a repeat: one entry an id", n);
		for (i = 0; i < (int)vi.annot.nlog; i++) {
			int line = i / 2 * 3 + i % 2;
			char want[32], id[9];

			snprintf(want, sizeof want, "first %d", line);
			snprintf(id, sizeof id, "%08x", 0xabc00000u + (unsigned)line);
			if (strcmp(vi.annot.log[i].id, id) != 0 ||
			    strcmp(vi.annot.log[i].text, want) != 0 ||
			    vcard_annot_find(&vi.annot, id) != i)
				right = 0;
		}
		ok(right, "%d lines: the first of each id, in card order, found in place", n);
		vcard_info_free(&vi);
		sbuf_free(&b);
	}
}

static void test_merge(void)
{
	struct vcard_annot a = {0}, b = {0};
	struct vcard_log e;
	struct strv removed = {0};

	log_set(&e, "2026-01-10", "phone", "aaaaaaaa", "a");
	is_int(vcard_annot_add(&a, &e), 0, "add: new id added");
	is_int(vcard_annot_add(&a, &e), 1, "add: same id refused");
	log_set(&e, "2026-03-01", "email", "cccccccc", "c");
	vcard_annot_add(&a, &e);
	log_set(&e, "2026-02-01", "meet", "bbbbbbbb", "b");
	vcard_annot_add(&b, &e);
	log_set(&e, "2026-01-10", "phone", "aaaaaaaa", "a");
	vcard_annot_add(&b, &e);
	log_set(&e, "2026-04-01", "text", "dddddddd", "d");
	vcard_annot_add(&b, &e);
	strcpy(b.cadence, "P1M");
	strcpy(b.snooze, "2026-05-01");
	strcpy(a.snooze, "2026-06-01");
	strv_push(&removed, "dddddddd");

	vcard_annot_merge(&a, &b, &removed);
	is_int(a.nlog, 3, "merge: union by id, removed ids stay removed");
	ok(a.nlog == 3 && !strcmp(a.log[0].id, "aaaaaaaa") && !strcmp(a.log[1].id, "bbbbbbbb") &&
	   !strcmp(a.log[2].id, "cccccccc"), "merge: sorted by date");
	is_str(a.cadence, "P1M", "merge: cadence from other when a has none");
	is_str(a.snooze, "2026-06-01", "merge: a's own snooze wins");
	is_str(vcard_annot_last(&a), "2026-03-01", "merge: last contact");

	struct vcard_annot c;
	vcard_annot_copy(&c, &a);
	vcard_annot_merge(&c, &a, NULL);
	ok(c.nlog == 3 && !strcmp(c.log[1].text, "b") && c.log[1].text != a.log[1].text,
	   "merge with itself is idempotent; copy is deep");
	is_int(vcard_annot_remove(&c, "bbbbbbbb"), 0, "remove: present");
	is_int(vcard_annot_remove(&c, "bbbbbbbb"), 1, "remove: absent");
	ok(c.nlog == 2, "remove: one fewer");

	/* An entry removed on this device but still on the server stays gone. */
	vcard_annot_merge(&c, &b, &removed);
	ok(annot_index(&c, "dddddddd") < 0 && annot_index(&c, "bbbbbbbb") >= 0,
	   "merge: server's entries come back unless removed");
	struct vcard_annot empty = {0};
	ok(vcard_annot_last(&empty) == NULL, "last: NULL without entries");

	vcard_annot_free(&a);
	vcard_annot_free(&b);
	vcard_annot_free(&c);
	strv_free(&removed);
}

static void test_newid_new_escape(void)
{
	char a[9], b[9];
	int hex = 1;

	vcard_log_newid(a);
	vcard_log_newid(b);
	for (int i = 0; i < 8; i++)
		hex &= (a[i] >= '0' && a[i] <= '9') || (a[i] >= 'a' && a[i] <= 'f');
	ok(hex && strlen(a) == 8, "newid: 8 lowercase hex digits");
	ok(strcmp(a, b) != 0, "newid: two ids differ");

	char *e = vcard_escape("a,b;c\\d\ne\r\nf");
	is_str(e, "a\\,b\\;c\\\\d\\ne\\nf", "escape: TEXT");
	free(e);

	char *c = vcard_new("u-9", "Ana María López", "ana@x.es", "+34 1", "Foo; Bar", NULL, NULL, NULL);
	is_str(c, "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-9\r\nFN:Ana María López\r\n"
	       "N:López;Ana María;;;\r\nEMAIL;TYPE=INTERNET:ana@x.es\r\nTEL:+34 1\r\n"
	       "ORG:Foo\\; Bar\r\nEND:VCARD\r\n", "new: vCard 3.0 with CRLF");
	struct vcard_info v;
	vcard_read(c, strlen(c), &v);
	ok(v.ok && !strcmp(v.fn, "Ana María López") && !strcmp(v.org, "Foo; Bar"), "new: reads back");
	vcard_info_free(&v);
	free(c);
	c = vcard_new("u-8", "Cher", NULL, NULL, NULL, NULL, NULL, NULL);
	is_str(c, "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-8\r\nFN:Cher\r\nN:;Cher;;;\r\nEND:VCARD\r\n",
	       "new: one word is a given name, optional fields absent");
	free(c);
}

/* ---- the public corpus ---- */

static void corpus_file(const char *path, int in_errors)
{
	struct vcard_info v, v2;
	struct kerr err;
	size_t len, n;
	char *raw = read_file(path, &len), *out;
	const char *name = strstr(path, "corpus/") ? strstr(path, "corpus/") + 7 : path;

	if (!raw) {
		ok(0, "%s: readable", name);
		return;
	}
	vcard_read(raw, len, &v);
	if (in_errors) {
		ok(v.ok || (v.why && *v.why), "%s: clear result (%s)", name,
		   v.ok ? "ok" : v.why);
		vcard_info_free(&v);
		free(raw);
		return;
	}
	if (!ok(v.ok, "%s: parses", name))
		printf("#   why: %s\n", v.why);

	if (v.is_group) {
		out = vcard_patch(raw, len, &v.annot, 0, &n, &err);
		ok(!out, "%s: a group, patch refuses it", name);
		free(out);
		vcard_info_free(&v);
		free(raw);
		return;
	}
	/* No change: byte-identical. */
	out = vcard_patch(raw, len, &v.annot, 0, &n, &err);
	ok(out && n == len && !memcmp(out, raw, len), "%s: no-op round trip", name);
	free(out);

	/* A log entry and a cadence. */
	struct vcard_annot w;
	struct vcard_log e;
	vcard_annot_copy(&w, &v.annot);
	strcpy(w.cadence, "P30D");
	log_set(&e, "2026-11-20", "phone", "7f3a9c2e", "Coffee at the forum; she is moving to Lyon, à bientôt");
	vcard_annot_add(&w, &e);
	out = vcard_patch(raw, len, &w, 1, &n, &err);
	if (ok(out != NULL, "%s: patched", name)) {
		char *a = other_lines(raw, len), *b = other_lines(out, n);

		ok(!strcmp(a, b), "%s: other lines byte-identical, same order", name);
		vcard_read(out, n, &v2);
		ok(v2.ok && !strcmp(v2.annot.cadence, "P30D") && v2.annot.nlog == w.nlog &&
		   annot_index(&v2.annot, "7f3a9c2e") >= 0 &&
		   !strcmp(v2.annot.log[annot_index(&v2.annot, "7f3a9c2e")].text, e.text),
		   "%s: annotations read back", name);
		is_int(count(out, n, "BEGIN:VCARD"), count(raw, len, "BEGIN:VCARD"),
		       "%s: keeps all its cards", name);
		is_str(v2.note, v.note ? v.note : "", "%s: user note unchanged", name);
		size_t n2;
		char *again = vcard_patch(out, n, &v2.annot, 1, &n2, &err);
		ok(again && n2 == n && !memcmp(again, out, n), "%s: second patch is a no-op", name);
		free(again);
		vcard_info_free(&v2);
		free(a);
		free(b);
	}
	free(out);
	vcard_annot_free(&w);

	/* set: the shown email and the categories change, nothing else does. */
	out = vcard_set(raw, len, VCARD_EMAIL, "new.one@example.org", &n, &err);
	if (ok(out != NULL, "%s: set email", name)) {
		size_t n2;
		char *cat = vcard_set(out, n, VCARD_CATEGORIES, "Kith, Test\\ing", &n2, &err);

		vcard_read(cat ? cat : out, cat ? n2 : n, &v2);
		ok(v2.ok && v2.emails.n >= 1 &&
		   !strcmp(v2.emails.v[0], "new.one@example.org") &&
		   v2.emails.n == (v.emails.n ? v.emails.n : 1),
		   "%s: the first email is the new one, the others stay", name);
		ok(v2.categories.n == 2 && !strcmp(v2.categories.v[0], "Kith") &&
		   !strcmp(v2.categories.v[1], "Test\\ing"), "%s: the categories are the new list", name);
		is_str(v2.fn, v.fn, "%s: name unchanged by set", name);
		is_str(v2.note ? v2.note : "", v.note ? v.note : "", "%s: note unchanged by set", name);
		is_int((long)v2.phones.n, (long)v.phones.n, "%s: phones unchanged by set", name);
		is_int(count(cat ? cat : out, cat ? n2 : n, "BEGIN:VCARD"), count(raw, len, "BEGIN:VCARD"),
		       "%s: set keeps all its cards", name);
		vcard_info_free(&v2);
		free(cat);
	}
	free(out);
	vcard_info_free(&v);
	free(raw);
}

static int corpus_walk(const char *dir, int in_errors)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), files = 0;

	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		char *p = xasprintf("%s/%s", dir, nm);
		struct stat st;
		size_t l = strlen(nm);

		if (nm[0] != '.' && stat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				files += corpus_walk(p, in_errors || !strcmp(nm, "vcarderrors"));
			else if (l > 4 && !strcasecmp(nm + l - 4, ".vcf")) {
				corpus_file(p, in_errors);
				files++;
			}
		}
		free(p);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	return files;
}

static void test_corpus(void)
{
	const char *dir = getenv("KITH_CORPUS");
	struct vcard_info v;
	size_t len;
	char *raw;

	if (!dir) {
		ok(0, "KITH_CORPUS is set");
		return;
	}
	ok(corpus_walk(dir, 0) > 40, "corpus: walked the .vcf files");

	/* vcarderrors/4.vcf starts with "--BEGIN:VCARD": kept verbatim, unread. */
	char *p = xasprintf("%s/caldavtester/vcarderrors/4.vcf", dir);
	raw = read_file(p, &len);
	if (raw) {
		vcard_read(raw, len, &v);
		ok(!v.ok && v.why, "vcarderrors/4.vcf is not ok: %s", v.why ? v.why : "");
		vcard_info_free(&v);
	}
	free(raw);
	free(p);
	p = xasprintf("%s/ezvcard/John_Doe_ANDROID.vcf", dir);
	raw = read_file(p, &len);
	if (raw) {
		vcard_read(raw, len, &v);
		ok(v.ok && v.ncards == 6, "ANDROID: six cards (%d)", v.ncards);
		vcard_info_free(&v);
	}
	free(raw);
	free(p);
}

/* Found by the fuzzer: a NOTE in another charset whose group holds a stray byte. */
static void test_patch_bad_group(void)
{
	static const char card[] =
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\n"
		"it\xc1" "em4.NOTE;CHARSET=iso-8859-1:caf\xe9\r\n"
		"END:VCARD\r\n";
	struct vcard_info v, v2;
	struct vcard_annot w;
	struct kerr err;
	size_t n;
	char *out;

	vcard_read(card, sizeof card - 1, &v);
	ok(v.ok, "a card with a Latin-1 NOTE in a group of a stray byte reads");
	memset(&w, 0, sizeof w);
	strcpy(w.cadence, "P30D");
	out = vcard_patch(card, sizeof card - 1, &w, 1, &n, &err);
	ok(out != NULL, "and patches");
	vcard_read(out ? out : "", out ? n : 0, &v2);
	ok(v2.ok, "the patched card reads back (no stray byte carried over)");
	is_str(v2.note, v.note, "the user's note text is unchanged");
	vcard_info_free(&v2);
	vcard_info_free(&v);
	free(out);
}

/* X-KITH-ASPIRE: read, patched in and out, mirrored in NOTE. */
static void test_aspire(void)
{
	const char *raw = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Wangari\r\n"
			  "X-KITH-ASPIRE:plants forests\\; ask about schools\r\nEND:VCARD\r\n";
	struct vcard_info v = rd(raw), v2;
	struct vcard_annot w;
	struct kerr err;
	size_t n;
	char *out;

	is_str(v.annot.aspire, "plants forests; ask about schools", "aspire read, unescaped");
	out = vcard_patch(raw, strlen(raw), &v.annot, 0, &n, &err);
	ok(out && n == strlen(raw) && !memcmp(out, raw, n), "aspire: no-op patch is byte-identical");
	free(out);
	vcard_annot_copy(&w, &v.annot);
	free(w.aspire);
	w.aspire = NULL;
	out = vcard_patch(raw, strlen(raw), &w, 1, &n, &err);
	ok(out && !strstr(out, "X-KITH-ASPIRE"), "aspire: removed when no longer wanted");
	free(out);
	w.aspire = xstrdup("a new; reason, with\nlines");
	out = vcard_patch(raw, strlen(raw), &w, 1, &n, &err);
	v2 = rd(out ? out : "");
	is_str(v2.annot.aspire, "a new; reason, with\nlines", "aspire: a new reason reads back");
	ok(out && strstr(out, "someone new: a new\\; reason\\, with lines"),
	   "aspire: mirrored in NOTE on one line");
	free(out);
	vcard_info_free(&v2);
	vcard_annot_free(&w);
	vcard_info_free(&v);
}

/* vcard_set's own cases: an absent field, removal, a rebuilt QP prefix. */
static void test_set(void)
{
	const char *raw = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Wu\r\n"
			  "ORG;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Caf=E9\r\n"
			  "EMAIL:\r\nEMAIL;INTERNET:wu@x.org\r\n"
			  "CATEGORIES:A\r\nCATEGORIES:B\r\nEND:VCARD\r\n";
	const char *group = "BEGIN:VCARD\r\nVERSION:3.0\r\nKIND:group\r\nFN:G\r\nEND:VCARD\r\n";
	struct vcard_info v;
	struct kerr err;
	size_t n;
	char *out;

	out = vcard_set(raw, strlen(raw), VCARD_ORG, "Café Zoë", &n, &err);
	v = rd(out ? out : "");
	is_str(v.org, "Café Zoë", "set: a QP Latin-1 ORG is rewritten as UTF-8");
	ok(out && strstr(out, "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"),
	   "set: 2.1 non-ASCII goes QP with a rebuilt prefix");
	vcard_info_free(&v);
	free(out);
	out = vcard_set(raw, strlen(raw), VCARD_EMAIL, "wu@new.org", &n, &err);
	ok(out && strstr(out, "EMAIL:\r\nEMAIL;INTERNET:wu@new.org\r\n"),
	   "set: the first email with a value is the one changed");
	free(out);
	out = vcard_set(raw, strlen(raw), VCARD_CATEGORIES, "", &n, &err);
	ok(out && !strstr(out, "CATEGORIES"), "set: empty categories remove every line");
	free(out);
	out = vcard_set(raw, strlen(raw), VCARD_PHONE, "+1 555", &n, &err);
	ok(out && strstr(out, "TEL:+1 555\r\nEND:VCARD"), "set: an absent field is added before END");
	free(out);
	out = vcard_set(raw, strlen(raw), VCARD_PHONE, "+1\x1b[2J", &n, &err);
	ok(!out, "set: a control character is refused");
	free(out);
	out = vcard_set(group, strlen(group), VCARD_ORG, "x", &n, &err);
	ok(!out, "set: a group is refused");
	free(out);
}

int main(void)
{
	test_versions();
	test_line_endings();
	test_bom();
	test_folding();
	test_qp();
	test_groups();
	test_params();
	test_escapes();
	test_empty_values();
	test_long_line();
	test_photos();
	test_bday();
	test_missing();
	test_multi();
	test_bad();
	test_extract();
	test_annot_read();
	test_patch_basic();
	test_patch_note_cases();
	test_patch_keeps_bytes();
	test_patch_fold_utf8();
	test_patch_v21();
	test_patch_refuse_keep();
	test_server_rewrite();
	test_read_repeated_ids();
	test_merge();
	test_merge_big();
	test_newid_new_escape();
	test_patch_bad_group();
	test_aspire();
	test_set();
	test_corpus();
	return tap_done();
}
