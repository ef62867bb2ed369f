/*
 * Unit tests for image loading: PNG through cairo, JPEG through
 * libjpeg-turbo, and the refusals that come before any decoding (the
 * pixel cap read from the header, files that only look like images).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <cmocka.h>
#include <jpeglib.h>

#include "symbolon/qr.h"
#include "symbolon/raster.h"
#include "symbolon/secmem.h"

static const uint8_t png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
	'\n' };

static void
test_sniff(void **state)
{
	static const uint8_t jpeg[4] = { 0xff, 0xd8, 0xff, 0xe0 };

	(void)state;
	assert_int_equal(sym_raster_sniff(png_sig, 8), SYM_RASTER_PNG);
	assert_int_equal(sym_raster_sniff(png_sig, 7), SYM_RASTER_NONE);
	assert_int_equal(sym_raster_sniff(jpeg, 4), SYM_RASTER_JPEG);
	assert_int_equal(sym_raster_sniff(jpeg, 2), SYM_RASTER_NONE);
	assert_int_equal(sym_raster_sniff((const uint8_t *)"SYM1:AB", 7),
	    SYM_RASTER_NONE);
	assert_int_equal(sym_raster_sniff((const uint8_t *)"\xd2\x84", 2),
	    SYM_RASTER_NONE);
	assert_int_equal(sym_raster_file_kind("-"), SYM_RASTER_NONE);
	assert_int_equal(sym_raster_file_kind("/nonexistent/x.png"),
	    SYM_RASTER_NONE);
}

static void
be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A PNG signature and IHDR chunk claiming width x height, then junk. */
static size_t
fake_png(uint8_t *b, uint32_t width, uint32_t height, const char *chunk)
{
	memcpy(b, png_sig, 8);
	be32(b + 8, 13);
	memcpy(b + 12, chunk, 4);
	be32(b + 16, width);
	be32(b + 20, height);
	b[24] = 8;		/* bit depth */
	b[25] = 0;		/* grey */
	memset(b + 26, 0, 3);
	memset(b + 29, 0xab, 31);
	return 60;
}

static void
test_png_refusals(void **state)
{
	struct sym_raster r;
	uint8_t b[64];
	size_t len;

	(void)state;
	/* A few bytes claiming ten billion pixels: refused unread. */
	len = fake_png(b, 100000, 100000, "IHDR");
	assert_int_equal(sym_raster_decode(&r, b, len), SYM_EPIXELS);
	assert_null(r.grey);
	len = fake_png(b, 8000, 5001, "IHDR");
	assert_int_equal(sym_raster_decode(&r, b, len), SYM_EPIXELS);
	len = fake_png(b, 0xffffffffu, 1, "IHDR");
	assert_int_equal(sym_raster_decode(&r, b, len), SYM_EPIXELS);
	/* At the cap it goes on to libpng, which finds the junk. */
	len = fake_png(b, 8000, 5000, "IHDR");
	assert_int_equal(sym_raster_decode(&r, b, len), SYM_EIMAGEFILE);
	len = fake_png(b, 0, 10, "IHDR");
	assert_int_equal(sym_raster_decode(&r, b, len), SYM_EIMAGEFILE);
	len = fake_png(b, 10, 10, "IDAT");
	assert_int_equal(sym_raster_decode(&r, b, len), SYM_EIMAGEFILE);
	assert_int_equal(sym_raster_decode(&r, b, 20), SYM_EIMAGEFILE);
	assert_int_equal(sym_raster_decode(&r, (const uint8_t *)"hello", 5),
	    SYM_EIMAGEFILE);
}

static void
test_png_decodes(void **state)
{
	struct sym_qr qr;
	struct sym_raster r;
	uint8_t *png;
	size_t len;

	(void)state;
	assert_int_equal(sym_qr_encode(&qr, "SYM1:TEST", 9, SYM_QR_LEVEL_Q, 40),
	    SYM_OK);
	assert_int_equal(sym_qr_png(&png, &len, &qr, 2, 4), SYM_OK);
	assert_int_equal(sym_raster_decode(&r, png, len), SYM_OK);
	assert_int_equal(r.width, (qr.width + 8) * 2);
	for (unsigned y = 0; y < r.height; y++)
		for (unsigned x = 0; x < r.width; x++) {
			unsigned mx = x / 2, my = y / 2, dark = 0;

			if (mx >= 4 && my >= 4 && mx < qr.width + 4 &&
			    my < qr.width + 4)
				dark = qr.modules[(size_t)(my - 4) * qr.width +
				    mx - 4];
			assert_int_equal(r.grey[(size_t)y * r.width + x],
			    dark ? 0 : 255);
		}
	sym_raster_free(&r);
	assert_null(r.grey);
	/* Truncated anywhere after the header: refused, nothing left. */
	for (size_t cut = 8; cut < len; cut += len / 7) {
		assert_int_equal(sym_raster_decode(&r, png, cut), SYM_EIMAGEFILE);
		assert_null(r.grey);
	}
	sym_secmem_free(png);
	sym_qr_free(&qr);
}

struct png_buf {
	uint8_t data[65536];
	size_t len;
};

static cairo_status_t
png_write(void *closure, const unsigned char *data, unsigned int length)
{
	struct png_buf *b = closure;

	if (length > sizeof b->data - b->len)
		return CAIRO_STATUS_WRITE_ERROR;
	memcpy(b->data + b->len, data, length);
	b->len += length;
	return CAIRO_STATUS_SUCCESS;
}

static void
test_png_alpha_over_white(void **state)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
	    4, 1);
	cairo_t *cr = cairo_create(s);
	struct png_buf *b = calloc(1, sizeof *b);
	struct sym_raster r;

	(void)state;
	assert_non_null(b);
	/* transparent, opaque black, half-transparent black, opaque red */
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	cairo_set_source_rgba(cr, 0, 0, 0, 0);
	cairo_paint(cr);
	cairo_set_source_rgba(cr, 0, 0, 0, 1);
	cairo_rectangle(cr, 1, 0, 1, 1);
	cairo_fill(cr);
	cairo_set_source_rgba(cr, 0, 0, 0, 0.5);
	cairo_rectangle(cr, 2, 0, 1, 1);
	cairo_fill(cr);
	cairo_set_source_rgba(cr, 1, 0, 0, 1);
	cairo_rectangle(cr, 3, 0, 1, 1);
	cairo_fill(cr);
	cairo_destroy(cr);
	assert_int_equal(cairo_surface_write_to_png_stream(s, png_write, b),
	    CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	assert_int_equal(sym_raster_decode(&r, b->data, b->len), SYM_OK);
	assert_int_equal(r.grey[0], 255);
	assert_int_equal(r.grey[1], 0);
	assert_in_range(r.grey[2], 120, 135);
	assert_in_range(r.grey[3], 70, 85);	/* red's luma */
	sym_raster_free(&r);
	free(b);
}

/* Compresses width x height pixels (grey, or RGB with components 3). */
static uint8_t *
make_jpeg(unsigned width, unsigned height, int components, size_t *len)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr err;
	unsigned char *out = NULL;
	unsigned long out_len = 0;
	uint8_t *row = malloc((size_t)width * (size_t)components);
	uint8_t *copy;

	assert_non_null(row);
	c.err = jpeg_std_error(&err);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out, &out_len);
	c.image_width = width;
	c.image_height = height;
	c.input_components = components;
	c.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 95, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < height) {
		for (unsigned x = 0; x < width; x++)
			for (int k = 0; k < components; k++)
				row[x * (unsigned)components + (unsigned)k] =
				    (uint8_t)(x < width / 2 ? 20 : 235);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(row);
	copy = malloc(out_len);
	assert_non_null(copy);
	memcpy(copy, out, out_len);
	free(out);
	*len = out_len;
	return copy;
}

static void
test_jpeg(void **state)
{
	struct sym_raster r;
	uint8_t *jpeg;
	size_t len;

	(void)state;
	for (int components = 1; components <= 3; components += 2) {
		jpeg = make_jpeg(64, 48, components, &len);
		assert_int_equal(sym_raster_decode(&r, jpeg, len), SYM_OK);
		assert_int_equal(r.width, 64);
		assert_int_equal(r.height, 48);
		assert_in_range(r.grey[10 * 64 + 5], 10, 30);
		assert_in_range(r.grey[10 * 64 + 60], 225, 245);
		sym_raster_free(&r);
		/* Refused or read, never a crash, never a leftover. */
		for (size_t cut = 3; cut < len; cut += 17) {
			int rc = sym_raster_decode(&r, jpeg, cut);

			assert_true(rc == SYM_OK || rc == SYM_EIMAGEFILE);
			assert_true(rc == SYM_OK || r.grey == NULL);
			sym_raster_free(&r);
		}
		free(jpeg);
	}
	/* The frame header claims 60000 x 60000: refused before decoding. */
	jpeg = make_jpeg(64, 48, 1, &len);
	for (size_t i = 0; i + 9 < len; i++) {
		if (jpeg[i] == 0xff && jpeg[i + 1] == 0xc0) {
			jpeg[i + 5] = 0xea;	/* height 0xea60 = 60000 */
			jpeg[i + 6] = 0x60;
			jpeg[i + 7] = 0xea;	/* width */
			jpeg[i + 8] = 0x60;
			break;
		}
	}
	assert_int_equal(sym_raster_decode(&r, jpeg, len), SYM_EPIXELS);
	assert_null(r.grey);
	free(jpeg);
	/* The magic, then nothing a JPEG decoder can use. */
	assert_int_equal(sym_raster_decode(&r, (const uint8_t *)
	    "\xff\xd8\xff\xe0 this is not a JPEG at all", 30), SYM_EIMAGEFILE);
}

static void
test_read_file(void **state)
{
	struct sym_raster r;
	char path[] = "/tmp/symbolon-test-raster-XXXXXX";
	int fd;

	(void)state;
	assert_int_equal(sym_raster_read_file(&r, "/nonexistent/x.png"),
	    SYM_ENOENT);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\x89PNG\r\n\x1a\nnot really", 18), 18);
	close(fd);
	assert_int_equal(sym_raster_file_kind(path), SYM_RASTER_PNG);
	assert_int_equal(sym_raster_read_file(&r, path), SYM_EIMAGEFILE);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_png_refusals),
		cmocka_unit_test(test_png_decodes),
		cmocka_unit_test(test_png_alpha_over_white),
		cmocka_unit_test(test_jpeg),
		cmocka_unit_test(test_read_file),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("raster", tests, NULL, NULL);
}
