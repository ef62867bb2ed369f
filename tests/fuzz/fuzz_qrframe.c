/*
 * libFuzzer target for the QR framing: the input's lines are the texts of
 * QR codes, in the order scanned.
 *
 * Each line alone: a part that parses has a header in range and the slice
 * length its header calls for.  All lines through a collector: adding and
 * finishing never crash or leak; when finishing succeeds, there is at
 * most one bundle per line and none is empty (the reassembly checks the
 * hash itself: tests/unit/test_qrframe.c forges parts that fail it).
 *
 * Seed corpus: tests/fuzz/corpus/qrframe/ (known-answer parts, whole sets
 * in any order, mixed bundles, near misses).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "symbolon/bundle.h"
#include "symbolon/qrframe.h"
#include "symbolon/secmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_part(const uint8_t *line, size_t len)
{
	struct sym_qrframe_part p;
	size_t slice;

	if (sym_qrframe_parse(&p, line, len, NULL) != SYM_OK)
		return;
	if (p.n < 2 || p.k < 1 || p.k > p.n || p.total < p.n ||
	    p.total > SYM_BUNDLE_MAX_BYTES || p.slice == NULL)
		abort();
	slice = (p.total + p.n - 1) / p.n;
	if (p.slice_len != (p.k < p.n ? slice : p.total - (p.n - 1) * slice) ||
	    p.slice_len == 0)
		abort();
	sym_qrframe_part_clear(&p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct sym_qrcollect *c;
	const uint8_t *line = data, *end = data + size;
	size_t lines = 0;
	int rc;

	if (!ready) {
		if (sym_secmem_init() != SYM_OK)
			abort();
		ready = 1;
	}
	if (sym_qrcollect_new(&c) != SYM_OK)
		abort();
	while (line < end) {
		const uint8_t *nl = memchr(line, '\n', (size_t)(end - line));
		size_t len = (size_t)((nl ? nl : end) - line);

		check_part(line, len);
		rc = sym_qrcollect_add(c, line, len, 0, NULL);
		(void)rc;
		line += len + 1;
		lines++;
	}
	if (sym_qrcollect_finish(c, NULL) == SYM_OK) {
		/* At most one bundle per line; each non-empty. */
		if (sym_qrcollect_count(c) > lines)
			abort();
		for (size_t i = 0; i < sym_qrcollect_count(c); i++) {
			const uint8_t *b;
			size_t b_len;

			sym_qrcollect_get(c, i, &b, &b_len, NULL);
			if (b == NULL || b_len == 0)
				abort();
		}
	}
	sym_qrcollect_free(c);
	return 0;
}
