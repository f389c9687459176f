/*
 * netload.c: the network commands live in a module of their own.
 *
 * account and sync need libcurl, libxml2 and libsecret, which bring some
 * fifty shared libraries (TLS, GLib, D-Bus, ...). Loading them costs
 * every command about 7 ms at start, most of a 'kith queue' that should
 * answer in under 20. So they sit in kith-net.so, next to the executable
 * in the build tree and under KITH_MODULE_DIR once installed, and are
 * loaded only when one of them runs. capture, with GMime, is in
 * kith-mail.so the same way (below).
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

static void *try_open(const char *dir, const char *file)
{
	char *path = xasprintf("%s/%s", dir, file);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);

	free(path);
	return h;
}

/* Opens *handle from file once: beside the executable, else installed. */
static void *module_open(void **handle, const char *file)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (*handle)
		return *handle;
	/* Beside the executable first, so a build tree runs its own. */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		*handle = try_open(dirname(exe), file);
	}
	if (!*handle)
		*handle = try_open(KITH_MODULE_DIR, file);
	return *handle;
}

static net_cmd_fn net_find(const char *name)
{
	void *fn;

	if (!module_open(&module, "kith-net.so")) {
		say_error("cannot load kith's network module kith-net.so "
			  "(%s): reinstall kith", dlerror());
		return NULL;
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

/*
 * capture lives in a module of its own, kith-mail.so: GMime, GLib and
 * libnotmuch (Xapian) are as heavy as the network's libraries and
 * needed by nothing else, and sync should not load them either.
 */
static void *mail_module;

int cmd_capture(struct ctx *ctx, int argc, char **argv)
{
	void *fn;

	if (!HAVE_GMIME) {
		say_error("kith was built without GMime, which capture needs: "
			  "install libgmime-3.0-dev, then meson setup "
			  "--reconfigure -Dgmime=enabled");
		return EXIT_FAIL;
	}
	if (!module_open(&mail_module, "kith-mail.so")) {
		say_error("cannot load kith's mail module kith-mail.so (%s): "
			  "reinstall kith", dlerror());
		return EXIT_FAIL;
	}
	fn = dlsym(mail_module, "kith_mail_capture");
	if (!fn) {
		say_error("kith's mail module has no kith_mail_capture: reinstall kith");
		return EXIT_FAIL;
	}
	return ((net_cmd_fn)(uintptr_t)fn)(ctx, argc, argv);
}
