#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <sodium.h>

#include "symbolon/secmem.h"

static int mlock_works = -1;

int
sym_secmem_init(void)
{
	struct rlimit no_core = { 0, 0 };

	if (sodium_init() < 0)
		return SYM_EINIT;
	/* A core file or a debugger attached by another user of this account
	 * would see every key in memory. Failures here are not fatal: some
	 * sandboxes forbid prctl, and sodium_malloc still guards the pages. */
	(void)setrlimit(RLIMIT_CORE, &no_core);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	if (mlock_works < 0) {
		unsigned char probe[64];

		mlock_works = sodium_mlock(probe, sizeof probe) == 0;
		if (mlock_works)
			sodium_munlock(probe, sizeof probe);
	}
	return SYM_OK;
}

int
sym_secmem_mlock_works(void)
{
	return mlock_works == 1;
}

void *
sym_secmem_alloc(size_t len)
{
	/* sodium_malloc(0) is valid but returns a pointer we may not touch;
	 * one byte keeps callers free of a special case. */
	void *p = sodium_malloc(len ? len : 1);

	if (p != NULL)
		memset(p, 0, len ? len : 1);
	return p;
}

void
sym_secmem_free(void *ptr)
{
	sodium_free(ptr);
}

int
sym_secmem_grow(unsigned char **buf, size_t *cap, size_t used, size_t new_cap)
{
	unsigned char *bigger;

	if (new_cap < used)
		return SYM_EINTERNAL;
	bigger = sym_secmem_alloc(new_cap);
	if (bigger == NULL)
		return SYM_ENOMEM;
	if (used)
		memcpy(bigger, *buf, used);
	sym_secmem_free(*buf);
	*buf = bigger;
	*cap = new_cap;
	return SYM_OK;
}
