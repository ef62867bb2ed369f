#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "symbolon/picture.h"

#ifndef SYM_PICTURE_DIR
#define SYM_PICTURE_DIR "/usr/local/lib/symbolon"
#endif

/* Weak: a program that links the picture code has it; one that does not
 * sees NULL here and loads the plugin instead (picture.h). */
extern const struct sym_picture_ops sym_picture_plugin
    __attribute__((weak));

static const struct sym_picture_ops *
try_load(const char *path)
{
	const struct sym_picture_ops *ops;
	void *handle;

	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL)
		return NULL;
	ops = dlsym(handle, SYM_PICTURE_SYMBOL);
	if (ops == NULL || ops->abi != SYM_PICTURE_ABI) {
		dlclose(handle);
		return NULL;
	}
	/* Never closed: the bundles it returns are freed by our secmem, but
	 * its code must stay for later pictures. */
	return ops;
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

static const struct sym_picture_ops *
load(void)
{
	/* bin/ beside build/; build/test-bin/ and build/tests/ in it; an
	 * installed bin/ beside lib/symbolon/. */
	static const char *const beside[] = {
		"../build", "..", "../lib/symbolon"
	};
	const struct sym_picture_ops *ops = NULL;
	char dir[PATH_MAX], path[PATH_MAX + 64];

	if (program_dir(dir, sizeof dir) == 0) {
		for (size_t i = 0; i < sizeof beside / sizeof *beside; i++) {
			int n = snprintf(path, sizeof path, "%s/%s/%s", dir,
			    beside[i], SYM_PICTURE_FILE);

			if (n > 0 && (size_t)n < sizeof path &&
			    access(path, R_OK) == 0 && (ops = try_load(path)))
				return ops;
		}
	}
	return try_load(SYM_PICTURE_DIR "/" SYM_PICTURE_FILE);
}

int
sym_picture_get(const struct sym_picture_ops **ops)
{
	static const struct sym_picture_ops *loaded;

	if (loaded == NULL)
		loaded = &sym_picture_plugin != NULL ? &sym_picture_plugin :
		    load();
	*ops = loaded;
	return loaded != NULL ? SYM_OK : SYM_ENOPICTURE;
}
