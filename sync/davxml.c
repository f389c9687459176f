#include "davxml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#define NS_DAV "DAV:"
#define NS_CARD "urn:ietf:params:xml:ns:carddav"
#define NS_CS "http://calendarserver.org/ns/"
#define NS_CAL "urn:ietf:params:xml:ns:caldav"

/* The elements whose text or presence kith reads. */
enum field {
	F_NONE, F_HREF, F_STATUS, F_ETAG, F_DATA, F_DISPLAYNAME, F_CTAG,
	F_SYNC_TOKEN, F_PRINCIPAL_HREF, F_HOME_HREF, F_LENGTH, F_CAL_HOME_HREF,
};

struct davxml {
	xmlParserCtxtPtr ctxt;
	davxml_fn fn;
	void *arg;
	struct kerr err;
	int failed;		/* err holds why */
	int permanent;		/* a limit or a refused construct, not a glitch */
	int depth;
	int root_ok;
	long nresponses;

	/* Where we are: the depth of open elements that matter. */
	int in_response, in_propstat, in_prop, in_principal, in_home;
	int in_resourcetype, in_sad, in_cal_home, in_comps;
	enum field field;
	struct sbuf text;

	struct dav_response cur;
	int propstat_status;
	/* Properties of the current propstat, kept until its status is known. */
	char *p_etag, *p_displayname, *p_ctag, *p_token, *p_principal, *p_home;
	char *p_cal_home;
	struct sbuf p_data;
	int p_has_data, p_collection, p_addressbook, p_vcard4;
	int p_calendar, p_comps;
	long p_length;

	char *sync_token;	/* top-level */
};

static int is(const xmlChar *name, const xmlChar *uri, const char *ns,
	      const char *want)
{
	return uri && strcmp((const char *)uri, ns) == 0 &&
	       strcmp((const char *)name, want) == 0;
}

static void fail(struct davxml *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail(struct davxml *x, const char *fmt, ...)
{
	va_list ap;

	if (x->failed)
		return;
	x->failed = 1;
	va_start(ap, fmt);
	vsnprintf(x->err.msg, sizeof x->err.msg, fmt, ap);
	va_end(ap);
	xmlStopParser(x->ctxt);
}

/* The same failure, marked as one that asking again would repeat. */
#define fail_hard(x, ...) do { \
	fail((x), __VA_ARGS__); \
	(x)->permanent = 1; \
} while (0)

static const char *field_name(enum field f)
{
	switch (f) {
	case F_HREF: return "href";
	case F_STATUS: return "status";
	case F_ETAG: return "getetag";
	case F_DATA: return "address-data";
	case F_DISPLAYNAME: return "displayname";
	case F_CTAG: return "getctag";
	case F_SYNC_TOKEN: return "sync-token";
	case F_PRINCIPAL_HREF: return "current-user-principal";
	case F_HOME_HREF: return "addressbook-home-set";
	case F_CAL_HOME_HREF: return "calendar-home-set";
	case F_LENGTH: return "getcontentlength";
	case F_NONE: break;
	}
	return "value";
}

static void propstat_clear(struct davxml *x)
{
	free(x->p_etag);
	free(x->p_displayname);
	free(x->p_ctag);
	free(x->p_token);
	free(x->p_principal);
	free(x->p_home);
	free(x->p_cal_home);
	x->p_etag = x->p_displayname = x->p_ctag = x->p_token = NULL;
	x->p_principal = x->p_home = x->p_cal_home = NULL;
	sbuf_free(&x->p_data);
	x->p_has_data = x->p_collection = x->p_addressbook = x->p_vcard4 = 0;
	x->p_calendar = x->p_comps = 0;
	x->p_length = -1;
	x->propstat_status = 0;
}

static void response_clear(struct dav_response *r)
{
	free(r->href);
	free(r->etag);
	sbuf_free(&r->data);
	free(r->displayname);
	free(r->ctag);
	free(r->sync_token);
	free(r->principal);
	free(r->home);
	free(r->cal_home);
	memset(r, 0, sizeof *r);
	r->length = -1;
}

static int parse_status(const char *s)
{
	/* "HTTP/1.1 404 Not Found" */
	const char *sp = strchr(s, ' ');

	return sp ? atoi(sp + 1) : 0;
}

static void take(char **dst, char **src)
{
	if (*src) {
		free(*dst);
		*dst = *src;
		*src = NULL;
	}
}

/* The value of the attribute name (no namespace) among SAX2's attrs, or NULL. */
static char *attr_dup(int nattr, const xmlChar **attrs, const char *name)
{
	int i;

	/* Five pointers each: local name, prefix, URI, value, value end. */
	for (i = 0; i < nattr; i++) {
		const xmlChar **a = attrs + 5 * i;

		if (!a[2] && strcmp((const char *)a[0], name) == 0) {
			size_t n = (size_t)(a[4] - a[3]);

			return n > 64 ? NULL : xstrndup((const char *)a[3], n);
		}
	}
	return NULL;
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar *prefix,
		     const xmlChar *uri, int nns, const xmlChar **nss,
		     int nattr, int ndef, const xmlChar **attrs)
{
	struct davxml *x = ctx;

	x->depth++;
	if (x->failed)
		return;
	/*
	 * A multistatus is about eight levels deep. libxml2's own depth limit
	 * guards only the tree it builds, not SAX: without this, a stream of
	 * open tags grows its name stack without bound.
	 */
	if (x->depth > DAVXML_MAX_DEPTH) {
		fail_hard(x, "the server's XML is nested deeper than %d elements; "
			  "kith refuses it (a broken or hostile server)",
			  DAVXML_MAX_DEPTH);
		return;
	}
	if (x->depth == 1) {
		x->root_ok = is(name, uri, NS_DAV, "multistatus");
		if (!x->root_ok)
			fail(x, "the server sent XML that is not a WebDAV "
			     "multistatus (root element %s)", (const char *)name);
		return;
	}
	x->field = F_NONE;
	if (!x->in_response) {
		if (x->depth == 2 && is(name, uri, NS_DAV, "response")) {
			x->in_response = 1;
			response_clear(&x->cur);
		} else if (x->depth == 2 && is(name, uri, NS_DAV, "sync-token")) {
			x->field = F_SYNC_TOKEN;
		}
		sbuf_reset(&x->text);
		return;
	}
	if (!x->in_propstat) {
		if (is(name, uri, NS_DAV, "propstat")) {
			x->in_propstat = 1;
			propstat_clear(x);
		} else if (is(name, uri, NS_DAV, "href")) {
			x->field = F_HREF;
		} else if (is(name, uri, NS_DAV, "status")) {
			x->field = F_STATUS;
		}
		sbuf_reset(&x->text);
		return;
	}
	if (!x->in_prop) {
		if (is(name, uri, NS_DAV, "prop"))
			x->in_prop = x->depth;
		else if (is(name, uri, NS_DAV, "status"))
			x->field = F_STATUS;
		sbuf_reset(&x->text);
		return;
	}
	/* Inside <prop>: direct children are properties. */
	if (x->depth == x->in_prop + 1) {
		if (is(name, uri, NS_DAV, "getetag"))
			x->field = F_ETAG;
		else if (is(name, uri, NS_CARD, "address-data")) {
			x->field = F_DATA;
			x->p_has_data = 1;
		} else if (is(name, uri, NS_DAV, "displayname"))
			x->field = F_DISPLAYNAME;
		else if (is(name, uri, NS_CS, "getctag"))
			x->field = F_CTAG;
		else if (is(name, uri, NS_DAV, "sync-token"))
			x->field = F_SYNC_TOKEN;
		else if (is(name, uri, NS_DAV, "resourcetype"))
			x->in_resourcetype = 1;
		else if (is(name, uri, NS_DAV, "current-user-principal"))
			x->in_principal = 1;
		else if (is(name, uri, NS_CARD, "addressbook-home-set"))
			x->in_home = 1;
		else if (is(name, uri, NS_CARD, "supported-address-data"))
			x->in_sad = 1;
		else if (is(name, uri, NS_CAL, "calendar-home-set"))
			x->in_cal_home = 1;
		else if (is(name, uri, NS_CAL, "supported-calendar-component-set"))
			x->in_comps = 1;
		else if (is(name, uri, NS_DAV, "getcontentlength"))
			x->field = F_LENGTH;
	} else if (x->in_sad && x->depth == x->in_prop + 2 &&
		   is(name, uri, NS_CARD, "address-data-type")) {
		/* RFC 6352 6.2.2: content-type defaults to text/vcard, version to 3.0. */
		char *type = attr_dup(nattr, attrs, "content-type");
		char *version = attr_dup(nattr, attrs, "version");

		if ((!type || strcasecmp(type, "text/vcard") == 0) &&
		    version && strcmp(version, "4.0") == 0)
			x->p_vcard4 = 1;
		free(type);
		free(version);
	} else if (x->in_comps && x->depth == x->in_prop + 2 &&
		   is(name, uri, NS_CAL, "comp")) {
		/* RFC 4791 5.2.3: <comp name="VTODO"/>, one per component. */
		char *comp = attr_dup(nattr, attrs, "name");

		if (comp && strcasecmp(comp, "VEVENT") == 0)
			x->p_comps |= DAV_COMP_VEVENT;
		else if (comp && strcasecmp(comp, "VTODO") == 0)
			x->p_comps |= DAV_COMP_VTODO;
		else if (comp)
			x->p_comps |= DAV_COMP_OTHER;
		free(comp);
	} else if (x->in_resourcetype) {
		if (is(name, uri, NS_DAV, "collection"))
			x->p_collection = 1;
		else if (is(name, uri, NS_CARD, "addressbook"))
			x->p_addressbook = 1;
		else if (is(name, uri, NS_CAL, "calendar"))
			x->p_calendar = 1;
	} else if ((x->in_principal || x->in_home || x->in_cal_home) &&
		   is(name, uri, NS_DAV, "href")) {
		x->field = x->in_principal ? F_PRINCIPAL_HREF :
			   x->in_home ? F_HOME_HREF : F_CAL_HOME_HREF;
	}
	sbuf_reset(&x->text);
	if (x->field == F_DATA)
		sbuf_reset(&x->p_data);
}

static char *text_dup(struct davxml *x)
{
	/* Trim the whitespace that pretty-printing servers add around values. */
	const char *s = x->text.buf ? x->text.buf : "";
	size_t len = x->text.len;

	while (len && strchr(" \t\r\n", *s)) {
		s++;
		len--;
	}
	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	return xstrndup(s, len);
}

static void on_end(void *ctx, const xmlChar *name, const xmlChar *prefix,
		   const xmlChar *uri)
{
	struct davxml *x = ctx;
	enum field f = x->field;

	x->depth--;
	x->field = F_NONE;
	if (x->failed)
		return;
	switch (f) {
	case F_HREF:
		free(x->cur.href);
		x->cur.href = text_dup(x);
		break;
	case F_STATUS: {
		char *s = text_dup(x);

		if (x->in_propstat)
			x->propstat_status = parse_status(s);
		else
			x->cur.status = parse_status(s);
		free(s);
		break;
	}
	case F_ETAG:
		free(x->p_etag);
		x->p_etag = text_dup(x);
		break;
	case F_DISPLAYNAME:
		free(x->p_displayname);
		x->p_displayname = text_dup(x);
		break;
	case F_CTAG:
		free(x->p_ctag);
		x->p_ctag = text_dup(x);
		break;
	case F_SYNC_TOKEN:
		if (x->in_response) {
			free(x->p_token);
			x->p_token = text_dup(x);
		} else {
			free(x->sync_token);
			x->sync_token = text_dup(x);
		}
		break;
	case F_PRINCIPAL_HREF:
		free(x->p_principal);
		x->p_principal = text_dup(x);
		break;
	case F_HOME_HREF:
		if (!x->p_home)	/* the first home is the one kith uses */
			x->p_home = text_dup(x);
		break;
	case F_CAL_HOME_HREF:
		if (!x->p_cal_home)
			x->p_cal_home = text_dup(x);
		break;
	case F_LENGTH: {
		char *s = text_dup(x), *end;
		long v = strtol(s, &end, 10);

		/* Digits only; anything else is no length at all. */
		x->p_length = *s && !*end && v >= 0 && strspn(s, "0123456789") == strlen(s) ?
			      v : -1;
		free(s);
		break;
	}
	case F_DATA:
	case F_NONE:
		break;
	}
	/* A property element closed: leave its insides. */
	if (x->in_prop && x->depth == x->in_prop)
		x->in_resourcetype = x->in_principal = x->in_home = x->in_sad =
			x->in_cal_home = x->in_comps = 0;
	if (x->in_prop && x->depth < x->in_prop) {
		x->in_prop = 0;
	} else if (x->in_propstat && is(name, uri, NS_DAV, "propstat")) {
		x->in_propstat = 0;
		/* Only properties the server says it has (2xx) count. */
		if (x->propstat_status >= 200 && x->propstat_status < 300) {
			struct dav_response *r = &x->cur;

			r->ok_props = 1;
			take(&r->etag, &x->p_etag);
			take(&r->displayname, &x->p_displayname);
			take(&r->ctag, &x->p_ctag);
			take(&r->sync_token, &x->p_token);
			take(&r->principal, &x->p_principal);
			take(&r->home, &x->p_home);
			take(&r->cal_home, &x->p_cal_home);
			if (x->p_has_data) {
				sbuf_free(&r->data);
				r->data = x->p_data;
				memset(&x->p_data, 0, sizeof x->p_data);
				r->has_data = 1;
			}
			r->is_collection |= x->p_collection;
			r->is_addressbook |= x->p_addressbook;
			r->vcard4 |= x->p_vcard4;
			r->is_calendar |= x->p_calendar;
			/* A propstat without the property leaves "unknown" (0). */
			r->comps |= x->p_comps;
			if (x->p_length >= 0)
				r->length = x->p_length;
		}
		propstat_clear(x);
	} else if (x->in_response && x->depth == 1 &&
		   is(name, uri, NS_DAV, "response")) {
		x->in_response = 0;
		x->nresponses++;
		if (!x->cur.href) {
			fail(x, "the server sent a multistatus response with no "
			     "href");
		} else if (x->fn(x->arg, &x->cur, &x->err) != 0) {
			x->failed = x->permanent = 1;
			xmlStopParser(x->ctxt);
		}
		response_clear(&x->cur);
	}
	sbuf_reset(&x->text);
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
	struct davxml *x = ctx;

	if (x->failed || x->field == F_NONE)
		return;
	if (x->field == F_DATA) {
		if (x->p_data.len + (size_t)len > DAVXML_MAX_CARD) {
			fail_hard(x, "the server sent a card larger than %d MB; "
				  "kith does not store cards that big",
				  DAVXML_MAX_CARD / (1024 * 1024));
			return;
		}
		sbuf_add(&x->p_data, ch, (size_t)len);
		return;
	}
	if (x->text.len + (size_t)len > DAVXML_MAX_TEXT) {
		fail_hard(x, "the server sent a %s longer than %d kB, which no "
			  "CardDAV server needs; kith refuses it (a broken or "
			  "hostile server: ask its admin)", field_name(x->field),
			  DAVXML_MAX_TEXT / 1024);
		return;
	}
	sbuf_add(&x->text, ch, (size_t)len);
}

/* Entities beyond the five predefined ones are refused, never expanded. */
static xmlEntityPtr on_entity(void *ctx, const xmlChar *name)
{
	struct davxml *x = ctx;

	fail_hard(x, "the server's XML uses an entity (&%.64s;); kith does not "
		  "expand entities (a broken or hostile server)",
		  (const char *)name);
	return NULL;
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type,
			   const xmlChar *publicId, const xmlChar *systemId,
			   xmlChar *content)
{
	struct davxml *x = ctx;

	fail_hard(x, "the server's XML declares an entity (%.64s); kith refuses "
		  "entities, which can read local files or exhaust memory (a "
		  "broken or hostile server)", (const char *)name);
}

static void on_error(void *ctx, const xmlError *e)
{
	struct davxml *x = ctx;
	char msg[256];

	if (!e || e->level < XML_ERR_ERROR)
		return;
	snprintf(msg, sizeof msg, "%s", e->message ? e->message : "error");
	msg[strcspn(msg, "\n")] = '\0';
	if (!x->failed) {
		x->failed = 1;
		kerr_set(&x->err, "the server sent malformed XML (line %d: %s)",
			 e->line, msg);
	}
}

struct davxml *davxml_new(davxml_fn fn, void *arg)
{
	struct davxml *x = xcalloc(1, sizeof *x);
	xmlSAXHandler sax;

	memset(&sax, 0, sizeof sax);
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_text;
	sax.cdataBlock = on_text;
	sax.getEntity = on_entity;
	sax.entityDecl = on_entity_decl;
	sax.serror = (xmlStructuredErrorFunc)on_error;
	x->fn = fn;
	x->arg = arg;
	x->ctxt = xmlCreatePushParserCtxt(&sax, x, NULL, 0, NULL);
	if (!x->ctxt) {
		fputs("kith: out of memory\n", stderr);
		abort();
	}
	/* No network, no DTD loading, no entity substitution, bounded depth. */
	xmlCtxtUseOptions(x->ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA);
	return x;
}

int davxml_push(struct davxml *x, const char *buf, size_t len, struct kerr *err)
{
	while (!x->failed && len > 0) {
		int chunk = len > (1 << 20) ? (1 << 20) : (int)len;

		xmlParseChunk(x->ctxt, buf, chunk, 0);
		buf += chunk;
		len -= (size_t)chunk;
	}
	if (x->failed) {
		*err = x->err;
		return -1;
	}
	return 0;
}

int davxml_finish(struct davxml *x, struct kerr *err)
{
	if (!x->failed)
		xmlParseChunk(x->ctxt, NULL, 0, 1);
	if (!x->failed && !x->root_ok) {
		x->failed = 1;
		kerr_set(&x->err, "the server sent no WebDAV multistatus "
			 "(empty or not XML)");
	}
	if (!x->failed && x->depth != 0) {
		x->failed = 1;
		kerr_set(&x->err, "the server's XML response was cut short");
	}
	if (x->failed) {
		*err = x->err;
		return -1;
	}
	return 0;
}

const char *davxml_sync_token(struct davxml *x)
{
	return x->sync_token;
}

int davxml_permanent(struct davxml *x)
{
	return x->failed && x->permanent;
}

int davxml_is_multistatus(struct davxml *x)
{
	return x->root_ok;
}

long davxml_responses(struct davxml *x)
{
	return x->nresponses;
}

void davxml_free(struct davxml *x)
{
	if (!x)
		return;
	if (x->ctxt) {
		if (x->ctxt->myDoc)
			xmlFreeDoc(x->ctxt->myDoc);
		xmlFreeParserCtxt(x->ctxt);
	}
	response_clear(&x->cur);
	propstat_clear(x);
	sbuf_free(&x->text);
	free(x->sync_token);
	free(x);
}
