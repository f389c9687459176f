/*
 * remind_net.h: the calendar's part in a sync (remind.c), for account.c.
 * Both are in the network module, which alone knows struct dav_client.
 */
#ifndef KITH_REMIND_NET_H
#define KITH_REMIND_NET_H

#include "config.h"
#include "dav.h"
#include "shell.h"

/*
 * Before the cards: reads back what changed among kith's objects on
 * a's calendar; a task done there is logged (and so pushed with the
 * cards). After the cards: writes the calendar for the cache as it is
 * now and prints one summary line. Each does nothing for an account
 * without a calendar, and returns 0, or -1 after saying what failed (the
 * card sync stands either way).
 */
int remind_read(struct ctx *ctx, struct dav_client *dc,
		const struct config_account *a);
int remind_write(struct ctx *ctx, struct dav_client *dc,
		 const struct config_account *a);

/*
 * A client for account a with its password (command, keyring or
 * prompt), telling the server's hints about command; NULL after saying
 * why (account.c).
 */
struct dav_client *account_client(struct ctx *ctx,
				  const struct config_account *a,
				  const char *command);

/* The 'remind' command inside the network module. */
int kith_net_remind(struct ctx *ctx, int argc, char **argv);

#endif
