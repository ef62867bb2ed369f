/*
 * dudect_shamir: a timing test of the GF(2^8) kernels and of Shamir
 * combine (Reparaz, Balasch and Verbauwhede, "Dude, is my code constant
 * time?", 2017).  For each kernel the machine runs, it times many calls
 * on inputs of two classes, interleaved at random: class 0 a fixed secret
 * (all zero bytes, the case a data-dependent shortcut would favour),
 * class 1 fresh random secrets.  Welch's t statistic compares the two
 * distributions of cycle counts, after cropping the slowest measurements
 * at several percentiles (interrupts and migrations are not the code's
 * fault).  |t| above 4.5 is evidence of a leak; below it, none was found
 * in this many measurements, which is what dudect can say.
 *
 * Prints one line per kernel and operation; exits 1 if any |t| > 4.5.
 * Run by tests/bench/run.sh (make bench); not a pass/fail unit test
 * because a loaded machine adds noise that is not the code's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "symbolon/gf256.h"
#include "symbolon/secmem.h"
#include "symbolon/shamir.h"

#define BYTES 512u		/* secret bytes per measured call */
#define CROPS 5			/* percentiles cropped: none, 50..99 */

struct welch {
	double n[2], mean[2], m2[2];
};

static void
welch_add(struct welch *w, int cls, double x)
{
	double d;

	w->n[cls] += 1;
	d = x - w->mean[cls];
	w->mean[cls] += d / w->n[cls];
	w->m2[cls] += d * (x - w->mean[cls]);
}

static double
welch_t(const struct welch *w)
{
	double v0, v1;

	if (w->n[0] < 2 || w->n[1] < 2)
		return 0;
	v0 = w->m2[0] / (w->n[0] - 1);
	v1 = w->m2[1] / (w->n[1] - 1);
	if (v0 + v1 == 0)
		return 0;
	return (w->mean[0] - w->mean[1]) /
	    sqrt(v0 / w->n[0] + v1 / w->n[1]);
}

static inline uint64_t
ticks(void)
{
#if defined(__x86_64__)
	unsigned lo, hi;

	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
#else
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
#endif
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

enum op { OP_MUL_ADD, OP_COMBINE };

/* Measures `count` calls; returns the largest |t| over the crops. */
static double
measure(enum op op, size_t count)
{
	enum { POOL = 256, SET = BYTES * 3 + 3 };
	uint8_t *in = sym_secmem_alloc(SET), *acc = sym_secmem_alloc(BYTES);
	uint8_t *pool = malloc((size_t)POOL * SET), *zeros = malloc((size_t)POOL * SET);
	uint64_t *times = malloc(count * sizeof *times);
	uint8_t *classes = malloc(count);
	uint64_t sorted_cut[CROPS];
	struct welch w[CROPS];
	double worst = 0;

	if (in == NULL || acc == NULL || times == NULL || classes == NULL ||
	    pool == NULL || zeros == NULL) {
		fprintf(stderr, "dudect_shamir: out of memory\n");
		exit(2);
	}
	/* Every input is made before timing starts, and each call copies
	 * its input the same way for both classes, so the two classes differ
	 * only in the secret bytes themselves. */
	randombytes_buf(classes, count);
	randombytes_buf(pool, (size_t)POOL * SET);
	/* The fixed class from a pool laid out like the random one, so both
	 * classes read memory the same way. */
	memset(zeros, 0, (size_t)POOL * SET);
	for (size_t i = 0; i < count; i++) {
		const uint8_t *shares[3] = { in, in + BYTES + 1,
		    in + 2 * (BYTES + 1) };
		size_t lens[3] = { BYTES + 1, BYTES + 1, BYTES + 1 };
		uint64_t t0, t1;
		int cls = classes[i] & 1;

		memcpy(in, (cls ? pool : zeros) + (size_t)(i % POOL) * SET, SET);
		/* Public x bytes, the same for both classes. */
		in[BYTES] = 1;
		in[2 * BYTES + 1] = 2;
		in[3 * BYTES + 2] = 3;
		t0 = ticks();
		if (op == OP_MUL_ADD)
			sym_gf256_mul_add(acc, in, 0x53, BYTES);
		else if (sym_shamir_combine(acc, shares, lens, 3) != SYM_OK)
			exit(2);
		t1 = ticks();
		times[i] = t1 - t0;
	}
	/* Crop thresholds from the distribution of all measurements. */
	{
		uint64_t *copy = malloc(count * sizeof *copy);
		static const double pct[CROPS] = { 1.0, 0.5, 0.75, 0.9, 0.99 };

		memcpy(copy, times, count * sizeof *copy);
		qsort(copy, count, sizeof *copy, cmp_u64);
		for (int c = 0; c < CROPS; c++)
			sorted_cut[c] = copy[(size_t)((double)(count - 1) * pct[c])];
		free(copy);
	}
	memset(w, 0, sizeof w);
	/* The first tenth warms caches and frequency: not counted. */
	for (size_t i = count / 10; i < count; i++)
		for (int c = 0; c < CROPS; c++)
			if (times[i] <= sorted_cut[c])
				welch_add(&w[c], classes[i] & 1, (double)times[i]);
	for (int c = 0; c < CROPS; c++) {
		double t = fabs(welch_t(&w[c]));

		if (t > worst)
			worst = t;
	}
	sym_secmem_free(in);
	sym_secmem_free(acc);
	free(pool);
	free(zeros);
	free(times);
	free(classes);
	return worst;
}

int
main(int argc, char **argv)
{
	size_t count = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 300000;
	int leaks = 0;

	if (sym_secmem_init() != SYM_OK || count < 1000) {
		fprintf(stderr, "usage: dudect_shamir [MEASUREMENTS >= 1000]\n");
		return 2;
	}
	printf("\nTiming test (dudect: fixed zero vs random secrets, Welch's t, "
	    "%zu measurements each; |t| > 4.5 means a leak)\n", count);
	/* A warm-up round first: the first measurements of a process run at
	 * another clock frequency and would be blamed on the first kernel. */
	(void)measure(OP_MUL_ADD, count / 4);
	for (int k = 0; k < SYM_GF256_KERNELS; k++) {
		if (sym_gf256_use_kernel((enum sym_gf256_kernel)k) != SYM_OK)
			continue;
		for (int op = OP_MUL_ADD; op <= OP_COMBINE; op++) {
			double t = measure((enum op)op, count);

			printf("  %-12s %-22s max |t| = %6.2f  %s\n",
			    sym_gf256_kernel_name((enum sym_gf256_kernel)k),
			    op == OP_MUL_ADD ? "mul_add 512 B" :
			    "combine 3 x 512 B", t,
			    t > 4.5 ? "LEAK?" : "no leak found");
			leaks += t > 4.5;
		}
	}
	return leaks ? 1 : 0;
}
