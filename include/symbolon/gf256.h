/*
 * Arithmetic in GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1
 * (0x11B): exactly HashiCorp Vault's field, so shares interoperate.
 *
 * All byte arguments of the scalar functions may be secret, and so may
 * every byte of the buffers of the bulk functions; the coefficient c of a
 * bulk function is public (an x coordinate or a Lagrange basis value,
 * both computed from public x bytes).  Every function runs in constant
 * time in its secret arguments: no table lookup in memory, no branch and
 * no memory index depends on them.  The vector kernels multiply with
 * register shuffles (PSHUFB/VPSHUFB/TBL index registers, not memory) or
 * with GF2P8MULB, whose latency is fixed; docs/DECISIONS.md says why each
 * is constant time and how tests/ct checks it.
 */
#ifndef SYMBOLON_GF256_H
#define SYMBOLON_GF256_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

/* a + b (and a - b): XOR. */
static inline uint8_t
sym_gf256_add(uint8_t a, uint8_t b)
{
	return (uint8_t)(a ^ b);
}

/* a * b modulo 0x11B. */
uint8_t sym_gf256_mul(uint8_t a, uint8_t b);

/* a^254, which is a^-1 for a != 0; 0 for a = 0. */
uint8_t sym_gf256_inv(uint8_t a);

/* a / b; b must not be 0 (the result is then 0). */
uint8_t sym_gf256_div(uint8_t a, uint8_t b);

/*
 * Bulk operations over len bytes (buffers may not overlap unless equal):
 *   mul_add:  acc[i] = acc[i] * c + add[i]   (one Horner step of split)
 *   add_mul:  acc[i] = acc[i] + c * src[i]   (one Lagrange term of combine)
 * c is public; every byte of acc, add and src may be secret.
 */
void sym_gf256_mul_add(uint8_t *acc, const uint8_t *add, uint8_t c,
    size_t len) SYM_NONNULL(1, 2);
void sym_gf256_add_mul(uint8_t *acc, const uint8_t *src, uint8_t c,
    size_t len) SYM_NONNULL(1, 2);

/*
 * The kernels behind the bulk operations, all producing identical bytes.
 * The fastest one the CPU supports is chosen at the first bulk call
 * (cpuid); sym_gf256_use_kernel overrides that for tests and benchmarks.
 */
enum sym_gf256_kernel {
	SYM_GF256_PORTABLE = 0,	/* 64-bit SWAR, no tables: any CPU */
	SYM_GF256_SSSE3,	/* nibble tables in PSHUFB, 16 bytes */
	SYM_GF256_AVX2,		/* nibble tables in VPSHUFB, 32 bytes */
	SYM_GF256_GFNI_AVX2,	/* GF2P8MULB, 32 bytes */
	SYM_GF256_GFNI_AVX512,	/* GF2P8MULB, 64 bytes */
	SYM_GF256_NEON,		/* nibble tables in TBL, 16 bytes (arm64) */
	SYM_GF256_KERNELS
};

/* "portable", "ssse3", "avx2", "gfni-avx2", "gfni-avx512", "neon". */
const char *sym_gf256_kernel_name(enum sym_gf256_kernel k);
/* The kernel called name, or -1. */
int sym_gf256_kernel_parse(const char *name) SYM_NONNULL(1);
/* 1 if this build has kernel k and this CPU runs it. */
int sym_gf256_kernel_supported(enum sym_gf256_kernel k);
/* The kernel in use (choosing it now if no call has yet). */
enum sym_gf256_kernel sym_gf256_kernel_active(void);
/* Uses kernel k from now on: SYM_EUSAGE if this build or CPU cannot. */
int sym_gf256_use_kernel(enum sym_gf256_kernel k) SYM_WARN_UNUSED;
/* Goes back to the kernel cpuid chooses. */
void sym_gf256_use_kernel_default(void);

#endif
