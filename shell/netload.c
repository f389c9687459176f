/*
 * netload.c: the network commands live in a module of their own.
 *
 * account and sync need libcurl, libxml2 and libsecret, which bring some
 * fifty shared libraries (TLS, GLib, D-Bus, ...). Loading them costs
 * every command about 7 ms at start, most of a 'kith queue' that should
 * answer in under 20. So they sit in kith-net.so, next to the executable
 * in the build tree and under KITH_MODULE_DIR once installed, and are
 * loaded only when one of them runs.
 */
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kith_build.h"
#include "shell.h"

typedef int (*net_cmd_fn)(struct ctx *ctx, int argc, char **argv);

static void *module;

static void *try_open(const char *dir)
{
	char *path = xasprintf("%s/kith-net.so", dir);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);

	free(path);
	return h;
}

static net_cmd_fn net_find(const char *name)
{
	char exe[PATH_MAX];
	ssize_t n;
	void *fn;

	if (!module) {
		/* Beside the executable first, so a build tree runs its own. */
		n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		if (n > 0) {
			exe[n] = '\0';
			module = try_open(dirname(exe));
		}
		if (!module)
			module = try_open(KITH_MODULE_DIR);
		if (!module) {
			say_error("cannot load kith's network module kith-net.so "
				  "(%s): reinstall kith", dlerror());
			return NULL;
		}
	}
	fn = dlsym(module, name);
	if (!fn) {
		say_error("kith's network module has no %s: reinstall kith", name);
		return NULL;
	}
	return (net_cmd_fn)(uintptr_t)fn;
}

int cmd_account(struct ctx *ctx, int argc, char **argv)
{
	net_cmd_fn fn = net_find("kith_net_account");

	return fn ? fn(ctx, argc, argv) : EXIT_FAIL;
}

int cmd_sync(struct ctx *ctx, int argc, char **argv)
{
	/* "sync -v", a mistyped option, never got here: cmd_run refused it. */
	net_cmd_fn fn = net_find("kith_net_sync");

	return fn ? fn(ctx, argc, argv) : EXIT_FAIL;
}

int cmd_remind(struct ctx *ctx, int argc, char **argv)
{
	net_cmd_fn fn = net_find("kith_net_remind");

	return fn ? fn(ctx, argc, argv) : EXIT_FAIL;
}
