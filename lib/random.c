#include <sodium.h>

#include "symbolon/random.h"

static sym_random_source installed_source;
static void *installed_ctx;

void
sym_random_set_source(sym_random_source source, void *ctx)
{
	installed_source = source;
	installed_ctx = ctx;
}

int
sym_random_bytes(uint8_t *out, size_t len, enum sym_random_use use)
{
	if (len == 0)
		return SYM_OK;
	if (installed_source != NULL)
		return installed_source(installed_ctx, out, len, use);
	randombytes_buf(out, len);
	return SYM_OK;
}

int
sym_random_uniform_byte(uint8_t *out, uint8_t upper)
{
	/* Draw a byte, keep the low bits that cover upper, retry above it:
	 * each value in [0, upper] is then exactly equally likely. */
	uint8_t mask = upper;
	uint8_t b;
	int rc;

	mask |= (uint8_t)(mask >> 1);
	mask |= (uint8_t)(mask >> 2);
	mask |= (uint8_t)(mask >> 4);
	/* More than half of the draws are accepted, so 256 rejections in a
	 * row only happen when the source is broken (a stuck test source). */
	for (int tries = 0; tries < 256; tries++) {
		rc = sym_random_bytes(&b, 1, SYM_RANDOM_PUBLIC);
		if (rc != SYM_OK)
			return rc;
		b &= mask;
		if (b <= upper) {
			*out = b;
			return SYM_OK;
		}
	}
	return SYM_ERANDOM;
}
