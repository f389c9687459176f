#include "mail.h"

#include <gmime/gmime.h>
#include <string.h>
#include <strings.h>

#include "date.h"

static GMimeParserOptions *options;

void mail_init(void)
{
	if (options)
		return;
	g_mime_init();
	options = g_mime_parser_options_new();
	/* Real mail: encoded words inside words, unquoted commas in names. */
	g_mime_parser_options_set_rfc2047_compliance_mode(options,
							  GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(options,
							  GMIME_RFC_COMPLIANCE_LOOSE);
}

long mail_date_day(const char *s)
{
	GDateTime *d;
	long day;

	if (!s)
		return -1;
	d = g_mime_utils_header_decode_date(s);
	if (!d)
		return -1;
	day = date_from_ymd(g_date_time_get_year(d), g_date_time_get_month(d),
			    g_date_time_get_day_of_month(d));
	g_date_time_unref(d);
	return day;
}

/* Every mailbox of list (a group's members too) into out, normalized. */
static void add_list(struct strv *out, InternetAddressList *list, int depth)
{
	int i, n = list ? internet_address_list_length(list) : 0;

	for (i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			const char *a = internet_address_mailbox_get_addr(
				INTERNET_ADDRESS_MAILBOX(ia));

			if (a && *a)
				strv_push_own(out, capture_addr_norm(a));
		} else if (INTERNET_ADDRESS_IS_GROUP(ia) && depth < 4) {
			add_list(out, internet_address_group_get_members(
					 INTERNET_ADDRESS_GROUP(ia)), depth + 1);
		}
	}
}

static void add_header_addrs(struct strv *out, const char *value)
{
	InternetAddressList *l = internet_address_list_parse(options, value);

	if (!l)
		return;
	add_list(out, l, 0);
	g_object_unref(l);
}

/* The first id of a References or In-Reply-To value, or NULL. */
static char *first_ref(const char *value)
{
	GMimeReferences *r;
	char *id = NULL;

	if (!value)
		return NULL;
	r = g_mime_references_parse(options, value);
	if (!r)
		return NULL;
	if (g_mime_references_length(r) > 0)
		id = xstrdup(g_mime_references_get_message_id(r, 0));
	g_mime_references_free(r);
	return id;
}

/* What the message's other headers say: one pass over them. */
struct extra {
	const char *references, *in_reply_to, *received;
};

static void read_header(struct capture_msg *m, struct extra *x,
			const char *name, const char *value)
{
	if (!value)
		return;
	if (!strcasecmp(name, "List-Id"))
		m->list = 1;
	else if (!strcasecmp(name, "Precedence")) {
		if (capture_precedence_bulk(value))
			m->list = 1;
		else if (!strncasecmp(value, "auto_reply", 10))
			m->autoreply = 1;
	} else if (!strcasecmp(name, "Auto-Submitted"))
		m->autoreply |= capture_auto_submitted(value);
	else if (!strcasecmp(name, "Delivered-To") ||
		 !strcasecmp(name, "X-Original-To"))
		add_header_addrs(&m->delivered_to, value);
	else if (!strcasecmp(name, "References") && !x->references)
		x->references = value;
	else if (!strcasecmp(name, "In-Reply-To") && !x->in_reply_to)
		x->in_reply_to = value;
	else if (!strcasecmp(name, "Received") && !x->received)
		x->received = value;
}

/* The date a Received header ends with, after its last ';'. */
static long received_day(const char *v)
{
	const char *semi = v ? strrchr(v, ';') : NULL;

	return semi ? mail_date_day(semi + 1) : -1;
}

static void read_message(GMimeMessage *msg, struct capture_msg *m)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	struct extra x = {0};
	GDateTime *d;
	const char *s;
	int i, n = hl ? g_mime_header_list_get_count(hl) : 0;

	add_list(&m->from, g_mime_message_get_from(msg), 0);
	add_list(&m->to, g_mime_message_get_to(msg), 0);
	add_list(&m->cc, g_mime_message_get_cc(msg), 0);
	add_list(&m->bcc, g_mime_message_get_bcc(msg), 0);
	add_list(&m->reply_to, g_mime_message_get_reply_to(msg), 0);
	s = g_mime_message_get_subject(msg);
	m->subject = s ? xstrdup(s) : NULL;
	s = g_mime_message_get_message_id(msg);
	m->msgid = s && *s ? xstrdup(s) : NULL;
	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);

		read_header(m, &x, g_mime_header_get_name(h),
			    g_mime_header_get_value(h));
	}
	m->thread = first_ref(x.references);
	if (!m->thread)
		m->thread = first_ref(x.in_reply_to);
	s = g_mime_object_get_header(GMIME_OBJECT(msg), "Date");
	m->date_raw = s ? xstrdup(s) : NULL;
	d = g_mime_message_get_date(msg);
	if (d)
		m->day = date_from_ymd(g_date_time_get_year(d),
				       g_date_time_get_month(d),
				       g_date_time_get_day_of_month(d));
	else
		m->day = received_day(x.received);
}

int mail_parse(const char *buf, size_t len, struct capture_msg *m)
{
	GMimeStream *st;
	GMimeParser *p;
	GMimeMessage *msg;

	memset(m, 0, sizeof *m);
	m->day = -1;
	/* The stream copies the header block: a few kB. */
	st = g_mime_stream_mem_new_with_buffer(buf, len);
	p = g_mime_parser_new_with_stream(st);
	g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(p, options);
	g_object_unref(p);
	g_object_unref(st);
	if (!msg)
		return -1;
	read_message(msg, m);
	g_object_unref(msg);
	return 0;
}
