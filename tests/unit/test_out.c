/*
 * test_out.c: out_width, which every table measures its columns with,
 * out_table, which lays them out, and json_str, which must give valid
 * JSON whatever bytes a server sent.
 */
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "tap.h"

static void is_width(const char *s, size_t want, const char *what)
{
	is_int(out_width(s), want, "%s", what);
}

/* out_width of a copy of s[0..n) in a buffer of exactly n + 1 bytes. */
static size_t width_exact(const char *s, size_t n)
{
	char *c = malloc(n + 1);
	size_t w;

	memcpy(c, s, n);
	c[n] = '\0';
	w = out_width(c);
	free(c);
	return w;
}

static void test_width(void)
{
	is_width("", 0, "width: empty");
	is_width("Ada Lovelace", 12, "width: ASCII is a column a byte");
	is_width("caf\xc3\xa9", 4, "width: a precomposed e-acute is one column");
	is_width("cafe\xcc\x81", 4, "width: e and a combining acute (U+0301) are one column");
	is_width("\xcc\x81", 0, "width: a combining mark alone takes none");
	is_width("a\xcc\x88\xcc\x81", 1, "width: two combining marks on one letter");
	is_width("a\xe2\x83\x97", 1, "width: U+20D7, a combining mark for symbols, takes none");
	is_width("a\xe1\xb7\x80", 1, "width: U+1DC0, a supplementary combining mark, takes none");
	is_width("a\xef\xb8\xa0", 1, "width: U+FE20, a combining half mark, takes none");
	is_width("a\xe2\x80\x8b" "b", 2, "width: a zero-width space takes none");
	is_width("\xe2\x9d\xa4\xef\xb8\x8f", 1, "width: a variation selector takes none");

	is_width("\xe4\xb8\xad\xe6\x96\x87", 4, "width: two CJK ideographs are four columns");
	is_width("\xed\x95\x9c", 2, "width: a Hangul syllable is two");
	is_width("\xe3\x81\x82", 2, "width: hiragana is two");
	is_width("\xef\xbc\xa1", 2, "width: a fullwidth A is two");
	is_width("\xef\xbd\xb1", 1, "width: a halfwidth katakana is one");
	is_width("\xe3\x80\x80", 2, "width: the ideographic space is two");
	is_width("\xf0\xa0\x80\x80", 2, "width: a CJK ideograph beyond the BMP is two");
	is_width("\xf0\x9f\x98\x80", 2, "width: an emoji face (U+1F600) is two");
	is_width("\xf0\x9f\xa4\x94", 2, "width: U+1F914 is two");
	is_width("\xf0\x9f\x9a\x80", 2, "width: a rocket (U+1F680, transport) is two");
	is_width("\xf0\x9f\xa5\xb0\xf0\x9f\xaa\xb4", 4,
		 "width: U+1F970 and U+1FAB4 (pictographs extended-A) are two each");
	is_width("A\xe4\xb8\xad" "b\xcc\x81", 4, "width: mixed ASCII, wide and combining");

	/* Invalid UTF-8: one column a byte, the U+FFFD out_cell prints for it. */
	is_width("\xff", 1, "width: a stray byte is one");
	is_width("\x80\x80", 2, "width: lone continuation bytes are one each");
	is_width("a\xe4\xb8", 3, "width: a cut 3-byte character is one a byte");
	is_width("\xc0\xaf", 2, "width: an overlong / is two bytes, two columns");
	is_width("\xed\xa0\x80", 3, "width: a UTF-16 surrogate is three bytes, three columns");
	is_width("\xf4\x90\x80\x80", 4, "width: above U+10FFFF is four bytes, four columns");
	is_width("\xe4\xb8\xad\xff\xe6\x96\x87", 5, "width: a bad byte between good ones");
	is_int(width_exact("\xf0\x9f", 2), 2, "width: a cut 4-byte character at the end is not read past");
	is_int(width_exact("\xe4", 1), 1, "width: one lead byte at the end is not read past");

	/* Control characters: one column, the space out_cell puts in their place. */
	is_width("a\tb", 3, "width: a tab is one");
	is_width("\x1b[31mred", 8, "width: an escape sequence is counted, not obeyed");
	is_width("a\nb", 3, "width: a newline is one");
	is_width("\xc2\x85", 1, "width: a C1 control is one");
}

/* json_str(s) compared with want. */
static void is_json(const char *s, const char *want, const char *what)
{
	struct sbuf b = {0};

	json_str(&b, s);
	is_str(b.buf, want, "%s", what);
	sbuf_free(&b);
}

/*
 * Whether j is one JSON string as RFC 8259 7 has it: quoted, valid
 * UTF-8, no raw control character, every backslash starts a known escape.
 */
static int json_valid(const char *j, size_t n)
{
	size_t i;

	if (n < 2 || j[0] != '"' || j[n - 1] != '"' || !str_utf8_valid(j, n))
		return 0;
	for (i = 1; i < n - 1; i++) {
		unsigned char c = (unsigned char)j[i];

		if (c < 0x20 || c == '"')
			return 0;
		if (c != '\\')
			continue;
		if (i + 1 >= n - 1)
			return 0;
		c = (unsigned char)j[++i];
		if (c == 'u') {
			if (i + 4 >= n - 1 || strspn(j + i + 1, "0123456789abcdefABCDEF") < 4)
				return 0;
			i += 4;
		} else if (!strchr("\"\\/bfnrt", c)) {
			return 0;
		}
	}
	return 1;
}

static void test_json(void)
{
	struct sbuf b = {0};
	char s[4];
	int bad = 0, c, d;

	is_json(NULL, "null", "json: NULL is null");
	is_json("", "\"\"", "json: empty string");
	is_json("Ada", "\"Ada\"", "json: plain text");
	is_json("say \"hi\"", "\"say \\\"hi\\\"\"", "json: quotes are escaped");
	is_json("C:\\dir\\", "\"C:\\\\dir\\\\\"", "json: backslashes are escaped");
	is_json("\\\"", "\"\\\\\\\"\"", "json: a backslash before a quote");
	is_json("a\nb\rc\td", "\"a\\nb\\rc\\td\"", "json: newline, return and tab");
	is_json("\x01\x08\x0c\x1b\x1f", "\"\\u0001\\u0008\\u000c\\u001b\\u001f\"",
		"json: other C0 controls are \\u escapes");
	is_json("\x7f", "\"\\u007f\"", "json: DEL is escaped");
	is_json("\xc2\x85", "\"\\u0085\"", "json: a C1 control (NEL) is escaped");
	is_json("a\xe2\x80\xa8" "b\xe2\x80\xa9", "\"a\\u2028b\\u2029\"",
		"json: U+2028 and U+2029 are escaped (JavaScript string safe)");
	is_json("\xe2\x80\xae", "\"\\u202e\"", "json: a bidi override is escaped");
	is_json("</script>", "\"</script>\"", "json: / is left alone");
	is_json("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"",
		"json: valid UTF-8 is kept as it is");
	is_json("a\xff" "b", "\"a\xef\xbf\xbd" "b\"", "json: a stray byte is U+FFFD");
	is_json("a\xc3", "\"a\xef\xbf\xbd\"", "json: a cut character at the end is U+FFFD");
	is_json("\xc0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\"", "json: an overlong NUL is U+FFFD, twice");
	is_json("\xed\xa0\xbd\xed\xb8\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", "json: CESU-8 surrogates are U+FFFD");
	is_json("\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
		"json: above U+10FFFF is U+FFFD");

	sbuf_adds(&b, "[1,");
	json_str(&b, "x");
	is_str(b.buf, "[1,\"x\"", "json: appends to what the buffer holds");
	sbuf_free(&b);

	/* Every one- and two-byte string gives one valid JSON string. */
	for (c = 1; c < 256; c++) {
		for (d = 0; d < 256; d++) {
			s[0] = (char)c;
			s[1] = (char)d;
			s[2] = '\0';
			json_str(&b, s);
			if (!json_valid(b.buf, b.len) && bad++ < 3)
				printf("# invalid JSON for bytes %02x %02x: %s\n", c, d, b.buf);
			sbuf_reset(&b);
		}
	}
	sbuf_free(&b);
	is_int(bad, 0, "json: every two-byte input gives valid JSON");
	s[0] = '\xe2';
	s[1] = '\x80';
	s[2] = '\0';
	json_str(&b, s);
	ok(json_valid(b.buf, b.len), "json: a cut U+2028 at the end is valid JSON");
	sbuf_free(&b);
}

/* t rendered at width (cut on), as a string the caller frees. */
static char *render(const struct out_table *t, size_t width, int cut)
{
	struct sbuf b = {0};

	out_table_render(t, &b, width, cut);
	return b.buf ? b.buf : xstrdup("");
}

static void is_table(const struct out_table *t, size_t width, int cut,
		     const char *want, const char *what)
{
	char *got = render(t, width, cut);

	is_str(got, want, "%s", what);
	free(got);
}

static void test_table(void)
{
	static const struct out_col list[] = {
		{.head = "NAME", .give = 12, .least = 8},
		{.head = "EMAIL", .share = {2, 5}, .drop = 10},
		{.head = "N", .right = 1},
	};
	static const struct out_col queue[] = {
		{.give = 12, .least = 8},
		{0},
		{.fit = OUT_FILL, .min = 1, .want = 30, .need = 10},
	};
	static const struct out_col spans[] = {{0}, {0}, {.fit = OUT_FREE}};
	struct out_table t;

	out_table_init(&t, list, 3);
	out_table_add(&t, "王小明", NULL);
	out_table_add(&t, "wang@example.org", NULL);
	out_table_add(&t, "7", NULL);
	out_table_add(&t, "Jose\xcc\x81 Marti", NULL);
	out_table_add(&t, "jose@example.org", NULL);
	out_table_add(&t, "12", OUT_RED);
	is_table(&t, 80, 1,
		 "NAME        EMAIL              N\n"
		 "王小明      wang@example.org   7\n"
		 "Jose\xcc\x81 Marti  jose@example.org  " OUT_RED "12" OUT_RESET "\n",
		 "table: wide and combining names align, a number right, colour around its cell");
	t.head_color = OUT_BOLD;
	is_table(&t, 35, 1,
		 OUT_BOLD "NAME        EMAIL              N" OUT_RESET "\n"
		 "王小明      wang@example.org   7\n"
		 "Jose\xcc\x81 Marti  jose@example.org  " OUT_RED "12" OUT_RESET "\n",
		 "table: the header in its colour; fits with the margin left");
	t.head_color = NULL;
	t.margin = 2;
	is_table(&t, 33, 1,
		 "NAME         N\n"
		 "王小明       7\n"
		 "Jose\xcc\x81 Marti  " OUT_RED "12" OUT_RESET "\n",
		 "table: names narrower than their give: the email column goes");
	is_table(&t, 24, 0,
		 "NAME        EMAIL              N\n"
		 "王小明      wang@example.org   7\n"
		 "Jose\xcc\x81 Marti  jose@example.org  " OUT_RED "12" OUT_RESET "\n",
		 "table: not cutting (a pipe), nothing gives way");
	out_table_free(&t);

	out_table_init(&t, list, 3);
	t.margin = 2;
	out_table_add(&t, "王小明", NULL);
	out_table_add(&t, "wang@example.org", NULL);
	out_table_add(&t, "7", NULL);
	out_table_add(&t, "Jose\xcc\x81 Marti Garcia", NULL);
	out_table_add(&t, "jose@example.org", NULL);
	out_table_add(&t, "12", NULL);
	is_table(&t, 40, 1,
		 "NAME               EMAIL           N\n"
		 "王小明             wang@example…   7\n"
		 "Jose\xcc\x81 Marti Garcia  jose@example…  12\n",
		 "table: narrower, the email gets two fifths of the room and is cut");
	is_table(&t, 20, 1,
		 "NAME             N\n"
		 "王小明           7\n"
		 "Jose\xcc\x81 Marti Ga…  12\n",
		 "table: narrower still, the email goes and the names are cut");
	out_table_free(&t);

	out_table_init(&t, queue, 3);
	out_table_add(&t, "Maximilian von Hohenzollern", NULL);
	out_table_add(&t, "3 days overdue", OUT_YELLOW);
	out_table_add(&t, "2 weeks ago, phone: about the garden and the horses", NULL);
	out_table_add(&t, "Bo", NULL);
	out_table_add(&t, "due today", NULL);
	out_table_add(&t, "no contact logged yet", NULL);
	is_table(&t, 60, 1,
		 "Maximilian …  " OUT_YELLOW "3 days overdue" OUT_RESET "  2 weeks ago, phone: about the…\n"
		 "Bo            due today       no contact logged yet\n",
		 "table: names give way to 12 so the fill keeps 30");
	is_table(&t, 40, 1,
		 "Maximilian …  " OUT_YELLOW "3 days overdue" OUT_RESET "  2 weeks a…\n"
		 "Bo            due today       no contac…\n",
		 "table: no further while the fill keeps 10");
	is_table(&t, 36, 1,
		 "Maximil…  " OUT_YELLOW "3 days overdue" OUT_RESET "  2 weeks a…\n"
		 "Bo        due today       no contac…\n",
		 "table: then down to 8 so that it does");
	is_table(&t, 20, 1,
		 "Maximil…  " OUT_YELLOW "3 days overdue" OUT_RESET "  …\n"
		 "Bo        due today       …\n",
		 "table: a fill is cut to its min at the edge");
	out_table_free(&t);

	out_table_init(&t, spans, 3);
	t.indent = 2;
	out_table_add(&t, "long lost", NULL);
	out_table_span(&t, "nobody (everyone is in touch)");
	out_table_add(&t, "due", NULL);
	out_table_add(&t, "Ana", NULL);
	out_table_add(&t, "a reason\nnot cut", NULL);
	is_table(&t, 20, 1,
		 "  long lost  nobody (everyone is in touch)\n"
		 "  due        Ana  a reason\nnot cut\n",
		 "table: a span is written whole, unmeasured; a free column whole");
	out_table_free(&t);
	out_table_free(NULL);
}

int main(void)
{
	test_width();
	test_json();
	test_table();
	return tap_done();
}
