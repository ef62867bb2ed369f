#include <string.h>

#include "symbolon/gf256.h"

#include "gf256_kernels.h"

uint8_t
sym_gf256_mul(uint8_t a, uint8_t b)
{
	/* Bit-serial ("Russian peasant") multiplication, most significant bit
	 * of b first, as Vault's shamir.mult: the masks -(bit) select a and
	 * the reduction constant without a branch. */
	unsigned r = 0;

	for (int i = 7; i >= 0; i--) {
		unsigned bit = ((unsigned)b >> i) & 1u;
		unsigned top = (r >> 7) & 1u;

		r = ((r << 1) & 0xffu) ^ ((0u - top) & 0x1bu) ^ ((0u - bit) & a);
	}
	return (uint8_t)r;
}

uint8_t
sym_gf256_inv(uint8_t a)
{
	/* a^254 by a fixed addition chain (Vault's): the sequence of
	 * multiplications is the same for every a. */
	uint8_t a2 = sym_gf256_mul(a, a);
	uint8_t a3 = sym_gf256_mul(a2, a);
	uint8_t a6 = sym_gf256_mul(a3, a3);
	uint8_t a12 = sym_gf256_mul(a6, a6);
	uint8_t a15 = sym_gf256_mul(a12, a3);
	uint8_t a24 = sym_gf256_mul(a12, a12);
	uint8_t a48 = sym_gf256_mul(a24, a24);
	uint8_t a63 = sym_gf256_mul(a48, a15);
	uint8_t a126 = sym_gf256_mul(a63, a63);
	uint8_t a127 = sym_gf256_mul(a126, a);

	return sym_gf256_mul(a127, a127);
}

uint8_t
sym_gf256_div(uint8_t a, uint8_t b)
{
	return sym_gf256_mul(a, sym_gf256_inv(b));
}

void
gf256_nibble_tables(uint8_t lo[16], uint8_t hi[16], uint8_t c)
{
	for (unsigned i = 0; i < 16; i++) {
		lo[i] = sym_gf256_mul(c, (uint8_t)i);
		hi[i] = sym_gf256_mul(c, (uint8_t)(i << 4));
	}
}

/* ---------------------------------------------------------------- */
/* The portable kernel: eight bytes at a time in a 64-bit word (SWAR).
 * Lanes never carry into each other, so byte order does not matter. */

#define LOW7 UINT64_C(0x7f7f7f7f7f7f7f7f)
#define HIGH1 UINT64_C(0x8080808080808080)

/* Each byte times x (the polynomial's x, i.e. 2): shift, and reduce by
 * 0x1B in every lane whose top bit was set, selected by arithmetic. */
static inline uint64_t
xtime64(uint64_t a)
{
	return ((a & LOW7) << 1) ^ (((a & HIGH1) >> 7) * 0x1bu);
}

/* Each byte of a times c.  The loop runs eight times for every c; the
 * mask of bit i of c is public anyway. */
static inline uint64_t
mul64(uint64_t a, uint8_t c)
{
	uint64_t r = 0;

	for (int i = 7; i >= 0; i--) {
		uint64_t bit = (uint64_t)(((unsigned)c >> i) & 1u);

		r = xtime64(r) ^ (a & (0u - bit));
	}
	return r;
}

static inline uint64_t
load64(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	memcpy(&v, p, n);
	return v;
}

void
gf256_portable_mul_add(uint8_t *acc, const uint8_t *add, uint8_t c,
    size_t len)
{
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t v = mul64(load64(acc + i, 8), c) ^ load64(add + i, 8);

		memcpy(acc + i, &v, 8);
	}
	if (i < len) {
		uint64_t v = mul64(load64(acc + i, len - i), c) ^
		    load64(add + i, len - i);

		memcpy(acc + i, &v, len - i);
	}
}

void
gf256_portable_add_mul(uint8_t *acc, const uint8_t *src, uint8_t c,
    size_t len)
{
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t v = load64(acc + i, 8) ^ mul64(load64(src + i, 8), c);

		memcpy(acc + i, &v, 8);
	}
	if (i < len) {
		uint64_t v = load64(acc + i, len - i) ^
		    mul64(load64(src + i, len - i), c);

		memcpy(acc + i, &v, len - i);
	}
}

/* ---------------------------------------------------------------- */
/* Choosing a kernel */

static const char *const kernel_names[SYM_GF256_KERNELS] = {
	"portable", "ssse3", "avx2", "gfni-avx2", "gfni-avx512", "neon",
};

static struct gf256_kernel_ops active_ops;
static enum sym_gf256_kernel active_kernel;
static int chosen;

static int
kernel_ops(struct gf256_kernel_ops *ops, enum sym_gf256_kernel k)
{
	switch (k) {
	case SYM_GF256_PORTABLE:
		ops->mul_add = gf256_portable_mul_add;
		ops->add_mul = gf256_portable_add_mul;
		return 1;
	case SYM_GF256_NEON:
		return gf256_neon_kernel(ops, (int)k);
	case SYM_GF256_SSSE3:
	case SYM_GF256_AVX2:
	case SYM_GF256_GFNI_AVX2:
	case SYM_GF256_GFNI_AVX512:
		return gf256_x86_kernel(ops, (int)k);
	default:
		return 0;
	}
}

static void
choose(void)
{
	/* Fastest first, as measured by make bench on an AVX-512 machine. */
	static const enum sym_gf256_kernel order[] = {
		SYM_GF256_GFNI_AVX512, SYM_GF256_GFNI_AVX2, SYM_GF256_AVX2,
		SYM_GF256_NEON, SYM_GF256_SSSE3, SYM_GF256_PORTABLE,
	};
	struct gf256_kernel_ops ops;

	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (kernel_ops(&ops, order[i])) {
			active_ops = ops;
			active_kernel = order[i];
			break;
		}
	chosen = 1;
}

const char *
sym_gf256_kernel_name(enum sym_gf256_kernel k)
{
	return (unsigned)k < SYM_GF256_KERNELS ? kernel_names[k] : "unknown";
}

int
sym_gf256_kernel_parse(const char *name)
{
	for (int k = 0; k < SYM_GF256_KERNELS; k++)
		if (strcmp(name, kernel_names[k]) == 0)
			return k;
	return -1;
}

int
sym_gf256_kernel_supported(enum sym_gf256_kernel k)
{
	struct gf256_kernel_ops ops;

	return kernel_ops(&ops, k);
}

enum sym_gf256_kernel
sym_gf256_kernel_active(void)
{
	if (!chosen)
		choose();
	return active_kernel;
}

int
sym_gf256_use_kernel(enum sym_gf256_kernel k)
{
	struct gf256_kernel_ops ops;

	if (!kernel_ops(&ops, k))
		return SYM_EUSAGE;
	active_ops = ops;
	active_kernel = k;
	chosen = 1;
	return SYM_OK;
}

void
sym_gf256_use_kernel_default(void)
{
	chosen = 0;
}

void
sym_gf256_mul_add(uint8_t *acc, const uint8_t *add, uint8_t c, size_t len)
{
	if (!chosen)
		choose();
	active_ops.mul_add(acc, add, c, len);
}

void
sym_gf256_add_mul(uint8_t *acc, const uint8_t *src, uint8_t c, size_t len)
{
	if (!chosen)
		choose();
	active_ops.add_mul(acc, src, c, len);
}
