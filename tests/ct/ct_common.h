/*
 * ctgrind: secrets are marked "undefined" for valgrind memcheck, which then
 * reports every conditional jump and every memory address computed from
 * them.  The random source below marks the bytes it hands out for secret
 * use, and leaves public ones (x coordinates) defined.
 */
#ifndef SYMBOLON_CT_COMMON_H
#define SYMBOLON_CT_COMMON_H

#include <string.h>

#include <sodium.h>
#include <valgrind/memcheck.h>

#include "symbolon/random.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define DECLASSIFY(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static uint64_t ct_counter;

static inline int
ct_random_source(void *ctx, uint8_t *out, size_t len, enum sym_random_use use)
{
	unsigned char seed[randombytes_SEEDBYTES] = { 0x5e };

	(void)ctx;
	memcpy(seed + 8, &ct_counter, sizeof ct_counter);
	ct_counter++;
	randombytes_buf_deterministic(out, len, seed);
	if (use == SYM_RANDOM_SECRET)
		SECRET(out, len);
	return SYM_OK;
}

#endif
