/*
 * Private to lib/gf256*.c: the bulk kernels.  Each takes c public and
 * every buffer byte secret (include/symbolon/gf256.h), and handles any
 * len, its tail through the portable kernel.
 */
#ifndef SYMBOLON_GF256_KERNELS_H
#define SYMBOLON_GF256_KERNELS_H

#include <stddef.h>
#include <stdint.h>

struct gf256_kernel_ops {
	void (*mul_add)(uint8_t *acc, const uint8_t *add, uint8_t c,
	    size_t len);
	void (*add_mul)(uint8_t *acc, const uint8_t *src, uint8_t c,
	    size_t len);
};

void gf256_portable_mul_add(uint8_t *acc, const uint8_t *add, uint8_t c,
    size_t len);
void gf256_portable_add_mul(uint8_t *acc, const uint8_t *src, uint8_t c,
    size_t len);

/* The nibble tables of c: lo[i] = c * i and hi[i] = c * (i << 4), for
 * the shuffle kernels.  c is public, so are they. */
void gf256_nibble_tables(uint8_t lo[16], uint8_t hi[16], uint8_t c);

/* Each fills *ops and returns 1 if this build and CPU have the kernel. */
int gf256_x86_kernel(struct gf256_kernel_ops *ops, int kernel);
int gf256_neon_kernel(struct gf256_kernel_ops *ops, int kernel);

#endif
