/* Plugins loaded on first use: see symbolon/plugin.h. */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "symbolon/plugin.h"

static void *
try_load(const char *path, const char *symbol)
{
	void *handle, *sym;

	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL)
		return NULL;
	sym = dlsym(handle, symbol);
	if (sym == NULL)
		dlclose(handle);
	/* Otherwise never closed: see plugin.h. */
	return sym;
}

/* The directory of the running program, without a final slash. */
static int
program_dir(char *dir, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", dir, cap - 1);
	char *slash;

	if (n <= 0 || (size_t)n >= cap - 1)
		return -1;
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';
	return 0;
}

void *
sym_plugin_symbol(const char *file, const char *symbol)
{
	/* bin/ beside build/; build/test-bin/ and build/tests/ in it, and
	 * build/asan/tests/ a level deeper; an installed bin/ beside
	 * lib/symbolon/. */
	static const char *const beside[] = {
		"../build", "..", "../..", "../lib/symbolon"
	};
	char dir[PATH_MAX], path[PATH_MAX + 64];
	void *sym;

	if (program_dir(dir, sizeof dir) == 0) {
		for (size_t i = 0; i < sizeof beside / sizeof *beside; i++) {
			int n = snprintf(path, sizeof path, "%s/%s/%s", dir,
			    beside[i], file);

			if (n > 0 && (size_t)n < sizeof path &&
			    access(path, R_OK) == 0 &&
			    (sym = try_load(path, symbol)) != NULL)
				return sym;
		}
	}
	if (snprintf(path, sizeof path, "%s/%s", SYM_PLUGIN_DIR, file) >=
	    (int)sizeof path)
		return NULL;
	return try_load(path, symbol);
}
