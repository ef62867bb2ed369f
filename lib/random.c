#include <sodium.h>

#include "symbolon/random.h"
#include "symbolon/secmem.h"

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

/* The low bits that cover upper: a byte masked with them and kept only
 * when at most upper makes each value in [0, upper] equally likely. */
static uint8_t
cover_mask(uint8_t upper)
{
	uint8_t mask = upper;

	mask |= (uint8_t)(mask >> 1);
	mask |= (uint8_t)(mask >> 2);
	mask |= (uint8_t)(mask >> 4);
	return mask;
}

int
sym_random_uniform_byte(uint8_t *out, uint8_t upper)
{
	uint8_t mask = cover_mask(upper);
	uint8_t b;
	int rc;

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

void
sym_random_pool_init(struct sym_random_pool *p)
{
	p->used = 0;
	p->len = 0;
}

int
sym_random_pool_uniform(struct sym_random_pool *p, uint8_t *out,
    uint8_t upper)
{
	/* As sym_random_uniform_byte, from the pool, refilled when empty. */
	uint8_t mask = cover_mask(upper);
	int rc;

	for (int tries = 0; tries < 256; tries++) {
		uint8_t b;

		if (p->used == p->len) {
			rc = sym_random_bytes(p->bytes, sizeof p->bytes,
			    SYM_RANDOM_PUBLIC);
			if (rc != SYM_OK)
				return rc;
			p->len = sizeof p->bytes;
			p->used = 0;
		}
		b = (uint8_t)(p->bytes[p->used++] & mask);
		if (b <= upper) {
			*out = b;
			return SYM_OK;
		}
	}
	return SYM_ERANDOM;
}

struct sym_random_stream {
	uint8_t key[crypto_stream_chacha20_KEYBYTES];
	uint64_t reads;
	int from_source;	/* a test source is installed */
};

int
sym_random_stream_new(struct sym_random_stream **out)
{
	struct sym_random_stream *s = sym_secmem_alloc(sizeof *s);

	*out = NULL;
	if (s == NULL)
		return SYM_ENOMEM;
	s->reads = 0;
	s->from_source = installed_source != NULL;
	if (!s->from_source)
		randombytes_buf(s->key, sizeof s->key);
	*out = s;
	return SYM_OK;
}

int
sym_random_stream_read(struct sym_random_stream *s, uint8_t *out, size_t len)
{
	uint8_t nonce[crypto_stream_chacha20_NONCEBYTES];

	if (s->from_source)
		return sym_random_bytes(out, len, SYM_RANDOM_SECRET);
	if (len == 0)
		return SYM_OK;
	/* A 64-bit counter as nonce: 2^64 reads before one could repeat. */
	for (size_t i = 0; i < sizeof nonce; i++)
		nonce[i] = (uint8_t)(s->reads >> (8 * i));
	s->reads++;
	if (crypto_stream_chacha20(out, len, nonce, s->key) != 0)
		return SYM_ERANDOM;
	return SYM_OK;
}

void
sym_random_stream_free(struct sym_random_stream *s)
{
	sym_secmem_free(s);
}
