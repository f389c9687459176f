/*
 * add.c: add, someone new: a vCard written here, created on the server
 * at the next sync, refused when the name or email is already someone's.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <readline/readline.h>

#include "date.h"
#include "out.h"
#include "queue.h"
#include "shell.h"
#include "today.h"
#include "vcard.h"

/* ---- add ----------------------------------------------------------------- */

int sh_new_uuid(char out[37])
{
	unsigned char r[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC), i;
	size_t got = 0;

	if (fd < 0)
		return -1;
	while (got < sizeof r) {
		ssize_t k = read(fd, r + got, sizeof r - got);

		if (k <= 0 && errno != EINTR) {
			close(fd);
			return -1;
		}
		if (k > 0)
			got += (size_t)k;
	}
	close(fd);
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	for (i = 0; i < 16; i++)
		sprintf(out + 2 * i + (i >= 4) + (i >= 6) + (i >= 8) + (i >= 10),
			"%02x", r[i]);
	out[8] = out[13] = out[18] = out[23] = '-';
	out[36] = '\0';
	return 0;
}

char *sh_url_path(const char *url)
{
	const char *p = strstr(url, "://"), *s;

	p = p ? p + 3 : url;
	s = strchr(p, '/');
	if (!s)
		return xstrdup("/");
	return s[strlen(s) - 1] == '/' ? xstrdup(s) : xasprintf("%s/", s);
}

/*
 * An email address kith will write into a card: local@domain, no spaces
 * or control characters, a domain of dot-separated labels of letters,
 * digits and hyphens (or non-ASCII, for internationalised names), at
 * most 254 bytes (RFC 5321 4.5.3.1.3). Not every address RFC 5322 allows,
 * but every one people give.
 */
int sh_email_ok(const char *e)
{
	const char *at = strrchr(e, '@'), *d, *label;
	size_t i;

	if (!at || at == e || strlen(e) > 254 || !at[1] || strchr(e, '@') != at)
		return 0;
	for (i = 0; e + i < at; i++)
		if ((unsigned char)e[i] <= ' ' || strchr("()<>,;:\\\"[]", e[i]))
			return 0;
	if (e[0] == '.' || at[-1] == '.' || strstr(e, ".."))
		return 0;
	for (label = d = at + 1;; d++) {
		if (*d == '.' || *d == '\0') {
			if (d == label || *label == '-' || d[-1] == '-')
				return 0;
			if (*d == '\0')
				break;
			label = d + 1;
		} else if (!isalnum((unsigned char)*d) && *d != '-' &&
			   (unsigned char)*d < 0x80) {
			return 0;
		}
	}
	return strchr(at + 1, '.') != NULL;
}

/*
 * Who already has name or email (case-insensitively): 0 none, else the
 * card id of the first, with why set to "name" or "email". -1 after
 * saying why.
 */
static long add_existing(struct ctx *ctx, const char *name, const char *email,
			 const char **why)
{
	struct kerr err;
	long id;

	if (query_existing(ctx->cache, name, email, &id, why, &err) < 0) {
		say_error("%s", err.msg);
		return -1;
	}
	return id;
}

int cmd_add(struct ctx *ctx, int argc, char **argv)
{
	char *email = NULL, *phone = NULL, *org = NULL, *book = NULL;
	char *name = NULL, *raw = NULL, *href = NULL, *path = NULL, uid[37];
	struct kerr err;
	long bookid = 0, card;
	char *bookurl = NULL;
	int rc = EXIT_USAGE, force;
	char *cadence = NULL, iso[16] = "", *aspire = NULL;
	struct strv cats = {0};

	if (opt_take(&argc, argv, "--email", 1, &email) < 0 ||
	    opt_take(&argc, argv, "--aspire", 1, &aspire) < 0 ||
	    opt_take(&argc, argv, "--phone", 1, &phone) < 0 ||
	    opt_take(&argc, argv, "--org", 1, &org) < 0 ||
	    opt_take(&argc, argv, "--book", 1, &book) < 0 ||
	    opt_take(&argc, argv, "--cadence", 1, &cadence) < 0)
		return EXIT_USAGE;
	force = opt_take(&argc, argv, "--force", 0, NULL);
	if (force < 0)
		return EXIT_USAGE;
	/* --category as often as there are categories. */
	for (;;) {
		char *c = NULL;
		int r = opt_take(&argc, argv, "--category", 1, &c);

		if (r < 0) {
			strv_free(&cats);
			return EXIT_USAGE;
		}
		if (r == 0)
			break;
		if (*c)
			strv_push(&cats, c);
	}
	if (cadence && sh_cadence_arg(cadence, iso) < 0) {
		strv_free(&cats);
		return EXIT_USAGE;
	}
	name = sh_join_words(argc, argv, 1);
	if (!name || !*name) {
		cmd_usage_error("add", "NAME is empty");
		goto out;
	}
	if (aspire && !*aspire) {
		say_error("--aspire needs why you would like to know them "
			  "(add NAME --aspire \"builds bridges\")");
		goto out;
	}
	if (email && !sh_email_ok(email)) {
		struct sbuf b = {0};

		out_text(&b, email);
		say_error("'%s' is not an email address (like name@example.org); "
			  "nothing added", b.buf);
		sbuf_free(&b);
		goto out;
	}
	if (!force) {
		const char *why = NULL;
		long dup = add_existing(ctx, name, email, &why);
		struct person p;

		rc = EXIT_FAIL;
		if (dup < 0)
			goto out;
		rc = EXIT_USAGE;
		if (dup > 0 && person_get(ctx, dup, &p) == 0) {
			struct sbuf b = {0};
			char *first = sh_first_of(p.emails);
			int yes;

			out_text(&b, p.label);
			if (*first) {
				sbuf_adds(&b, " <");
				out_text(&b, first);
				sbuf_addc(&b, '>');
			}
			sbuf_addf(&b, " has that %s already", why);
			{
				char *q = xasprintf("%s; add another anyway?", b.buf);

				yes = shell_confirm(q);
				free(q);
			}
			if (yes != 1) {
				if (yes < 0)
					say_error("%s: nothing added ('add --force' adds "
						  "another all the same; 'show' the one "
						  "there)", b.buf);
				else
					printf("nothing added\n");
				sbuf_free(&b);
				free(first);
				person_free(&p);
				goto out;
			}
			sbuf_free(&b);
			free(first);
			person_free(&p);
		}
	}
	rc = EXIT_FAIL;
	if (query_book(ctx->cache, book, &bookid, &bookurl, &err) < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	if (!bookid) {
		rc = EXIT_USAGE;
		if (book)
			say_error("no address book %s: 'account list' shows the "
				  "books", book);
		else
			say_error("no address book yet: run 'kith account add NAME "
				  "URL --user USER', then 'kith sync'");
		goto out;
	}
	if (sh_new_uuid(uid) < 0) {
		say_error("cannot read /dev/urandom for a new UID: %s",
			  strerror(errno));
		goto out;
	}
	raw = vcard_new(uid, name, email, phone, org,
			cats.n ? (const char *const *)cats.v : NULL, iso, aspire);
	path = sh_url_path(bookurl);
	href = xasprintf("%s%s.vcf", path, uid);
	card = cache_card_create(ctx->cache, bookid, href, raw, &err);
	if (card < 0) {
		say_error("%s", err.msg);
		goto out;
	}
	{
		struct sbuf b = {0};

		sbuf_adds(&b, "added ");
		out_text(&b, name);
		sbuf_addf(&b, " (%s.vcf in %s); 'sync' puts the card on the "
			  "server\n", uid, bookurl);
		sh_flush(&b);
	}
	rc = EXIT_OK;
out:
	strv_free(&cats);
	free(name);
	free(raw);
	free(href);
	free(path);
	free(bookurl);
	return rc;
}
