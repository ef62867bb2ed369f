#include <stdlib.h>
#include <string.h>

#include "symbolon/secmem.h"
#include "symbolon/shamir.h"
#include "symbolon/shareset.h"

struct sym_shareset {
	size_t count;
	size_t lens[SYM_SHAMIR_MAX_SHARES];
	uint8_t *shares[SYM_SHAMIR_MAX_SHARES];
};

int
sym_shareset_new(struct sym_shareset **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? SYM_OK : SYM_ENOMEM;
}

void
sym_shareset_free(struct sym_shareset *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->count; i++)
		sym_secmem_free(set->shares[i]);
	free(set);
}

int
sym_shareset_add(struct sym_shareset *set, const uint8_t *share, size_t len)
{
	const uint8_t *candidates[2];
	size_t lens[2];
	uint8_t *copy;

	if (len < 1 + SYM_SHAMIR_SHARE_OVERHEAD)
		return SYM_EEMPTYSHARE;
	if (share[len - 1] == 0)
		return SYM_EZEROX;
	if (set->count == SYM_SHAMIR_MAX_SHARES)
		return SYM_ETOOBIG;
	/* Check the newcomer against every share held, pairwise, with the
	 * same rules combine applies to the whole set. */
	for (size_t i = 0; i < set->count; i++) {
		int rc;

		candidates[0] = set->shares[i];
		lens[0] = set->lens[i];
		candidates[1] = share;
		lens[1] = len;
		rc = sym_shamir_check(candidates, lens, 2, NULL);
		if (rc != SYM_OK)
			return rc;
	}
	copy = sym_secmem_alloc(len);
	if (copy == NULL)
		return SYM_ENOMEM;
	memcpy(copy, share, len);
	set->shares[set->count] = copy;
	set->lens[set->count] = len;
	set->count++;
	return SYM_OK;
}

size_t
sym_shareset_count(const struct sym_shareset *set)
{
	return set->count;
}

size_t
sym_shareset_secret_len(const struct sym_shareset *set)
{
	return set->count ? set->lens[0] - SYM_SHAMIR_SHARE_OVERHEAD : 0;
}

uint8_t
sym_shareset_x(const struct sym_shareset *set, size_t i)
{
	return set->shares[i][set->lens[i] - 1];
}

int
sym_shareset_combine(uint8_t *secret, const struct sym_shareset *set)
{
	return sym_shamir_combine(secret, (const uint8_t *const *)set->shares,
	    set->lens, set->count);
}
