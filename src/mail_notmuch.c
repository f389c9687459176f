/*
 * mail_notmuch.c: the messages of a notmuch query, as files that
 * capture reads like any other (so the same header rules apply).
 */
#include "mail.h"

#include "kith_build.h"

#if HAVE_NOTMUCH
#include <notmuch.h>
#include <stdlib.h>
#include <string.h>

static int open_db(notmuch_database_t **db, struct kerr *err)
{
	char *msg = NULL;
	notmuch_status_t st;

	/* NULL path and config: NOTMUCH_CONFIG, NOTMUCH_PROFILE, the defaults. */
	st = notmuch_database_open_with_config(NULL, NOTMUCH_DATABASE_MODE_READ_ONLY,
					       NULL, NULL, db, &msg);
	if (st != NOTMUCH_STATUS_SUCCESS) {
		size_t n = msg ? strlen(msg) : 0;

		/* notmuch ends its message with a newline. */
		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		kerr_set(err, "cannot open the notmuch database: %s%s(%s): run "
			 "'notmuch new' first, or set NOTMUCH_CONFIG",
			 msg ? msg : "", msg ? " " : "", notmuch_status_to_string(st));
		free(msg);
		return -1;
	}
	free(msg);
	return 0;
}

int mail_notmuch_each(const char *query, int (*fn)(void *arg, const char *path),
		      void *arg, struct kerr *err)
{
	notmuch_database_t *db = NULL;
	notmuch_query_t *q = NULL;
	notmuch_messages_t *msgs = NULL;
	notmuch_status_t st;
	int rc = -1;

	if (open_db(&db, err) < 0)
		return -1;
	q = notmuch_query_create(db, query);
	if (!q) {
		kerr_set(err, "notmuch: out of memory");
		goto out;
	}
	notmuch_query_set_sort(q, NOTMUCH_SORT_OLDEST_FIRST);
	st = notmuch_query_search_messages(q, &msgs);
	if (st != NOTMUCH_STATUS_SUCCESS) {
		kerr_set(err, "notmuch query '%s': %s", query,
			 notmuch_status_to_string(st));
		goto out;
	}
	for (; notmuch_messages_valid(msgs); notmuch_messages_move_to_next(msgs)) {
		notmuch_message_t *m = notmuch_messages_get(msgs);
		const char *path = notmuch_message_get_filename(m);
		int stop = path ? fn(arg, path) : 0;

		notmuch_message_destroy(m);
		if (stop)
			break;
	}
	rc = 0;
out:
	if (msgs)
		notmuch_messages_destroy(msgs);
	if (q)
		notmuch_query_destroy(q);
	notmuch_database_destroy(db);
	return rc;
}
#else
int mail_notmuch_each(const char *query, int (*fn)(void *arg, const char *path),
		      void *arg, struct kerr *err)
{
	(void)query;
	(void)fn;
	(void)arg;
	kerr_set(err, "kith was built without notmuch: --notmuch needs a kith "
		 "built with libnotmuch (install libnotmuch-dev, then meson "
		 "setup --reconfigure -Dnotmuch=enabled)");
	return -1;
}
#endif
