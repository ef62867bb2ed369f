/*
 * libFuzzer target for image loading and scanning: arbitrary bytes as a
 * PNG or JPEG file, the way `symbolon qr decode` and every --share FILE
 * take them.
 *
 * A decoded image is within the pixel cap and fully allocated; a refused
 * one leaves nothing behind.  Small decoded images are scanned for QR
 * codes and whatever is found goes through the bundle reader, which must
 * fail cleanly on anything but a bundle.
 *
 * Seed corpus: tests/fuzz/corpus/raster/ (a share's QR code as PNG and
 * JPEG, grey and RGB, and truncated copies).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "symbolon/qr.h"
#include "symbolon/raster.h"
#include "symbolon/secmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
ignore(void *ctx, const uint8_t *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return SYM_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct sym_raster r;
	uint8_t *bytes = NULL;
	size_t len = 0;
	int rc;

	if (!ready) {
		if (sym_secmem_init() != SYM_OK)
			abort();
		ready = 1;
	}
	rc = sym_raster_decode(&r, data, size);
	if (rc != SYM_OK) {
		if (r.grey != NULL || r.width != 0 || r.height != 0)
			abort();
		return 0;
	}
	if (r.grey == NULL || r.width == 0 || r.height == 0 ||
	    (uint64_t)r.width * r.height > SYM_RASTER_MAX_PIXELS)
		abort();
	/* Touch every pixel: all of it was allocated. */
	{
		unsigned sum = 0;

		for (size_t i = 0; i < (size_t)r.width * r.height; i++)
			sum += r.grey[i];
		(void)sum;
	}
	if ((uint64_t)r.width * r.height <= 1u << 20) {
		(void)sym_qr_scan(&r, ignore, NULL);
		if (sym_qr_read_bundle(&bytes, &len, data, size) == SYM_OK &&
		    (bytes == NULL || len == 0))
			abort();
		sym_secmem_free(bytes);
	}
	sym_raster_free(&r);
	return 0;
}
