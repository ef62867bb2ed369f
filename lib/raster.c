#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <jpeglib.h>
#include <jerror.h>
#include <sodium.h>

#include "symbolon/io.h"
#include "symbolon/raster.h"
#include "symbolon/secmem.h"

/* A progressive JPEG may hold any number of scans, each a pass over the
 * whole image: a small file can cost minutes.  Real ones have about ten. */
#define JPEG_MAX_SCANS 100

static int
check_size(uint64_t width, uint64_t height)
{
	if (width == 0 || height == 0)
		return SYM_EIMAGEFILE;
	if (width > SYM_RASTER_MAX_PIXELS || height > SYM_RASTER_MAX_PIXELS ||
	    width * height > SYM_RASTER_MAX_PIXELS)
		return SYM_EPIXELS;
	return SYM_OK;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint8_t
luma(unsigned r, unsigned g, unsigned b)
{
	return (uint8_t)((77u * r + 150u * g + 29u * b) >> 8);
}

/* ---- PNG, through cairo ---- */

struct png_reader {
	const uint8_t *bytes;
	size_t len, at;
};

static cairo_status_t
png_read(void *closure, unsigned char *data, unsigned int length)
{
	struct png_reader *in = closure;

	if (length > in->len - in->at)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, in->bytes + in->at, length);
	in->at += length;
	return CAIRO_STATUS_SUCCESS;
}

/* Any other format cairo may hand back (16-bit PNGs in newer cairo) is
 * painted over white onto a 24-bit surface first. */
static cairo_surface_t *
flatten(cairo_surface_t *s)
{
	int w = cairo_image_surface_get_width(s);
	int h = cairo_image_surface_get_height(s);
	cairo_surface_t *flat = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
	    w, h);
	cairo_t *cr = cairo_create(flat);

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_surface(cr, s, 0, 0);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_flush(flat);
	return flat;
}

static void
wipe_surface(cairo_surface_t *s)
{
	unsigned char *data = cairo_image_surface_get_data(s);

	if (data != NULL)
		sodium_memzero(data, (size_t)cairo_image_surface_get_stride(s) *
		    (size_t)cairo_image_surface_get_height(s));
}

static int
decode_png(struct sym_raster *r, const uint8_t *bytes, size_t len)
{
	struct png_reader in = { bytes, len, 0 };
	cairo_surface_t *s, *flat = NULL;
	cairo_format_t format;
	const unsigned char *data;
	int rc, stride;

	/* The IHDR chunk must come first (PNG spec 5.6): its size is known
	 * before libpng allocates anything. */
	if (len < 33 || memcmp(bytes + 12, "IHDR", 4) != 0 ||
	    be32(bytes + 8) != 13)
		return SYM_EIMAGEFILE;
	rc = check_size(be32(bytes + 16), be32(bytes + 20));
	if (rc != SYM_OK)
		return rc;
	s = cairo_image_surface_create_from_png_stream(png_read, &in);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		/* cairo reports every libpng error as NO_MEMORY ("the most
		 * likely error"): with the size capped, a damaged file is the
		 * likelier cause here. */
		cairo_surface_destroy(s);
		return SYM_EIMAGEFILE;
	}
	format = cairo_image_surface_get_format(s);
	if (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24) {
		flat = flatten(s);
		if (cairo_surface_status(flat) != CAIRO_STATUS_SUCCESS) {
			rc = SYM_ENOMEM;
			goto out;
		}
		format = CAIRO_FORMAT_RGB24;
	}
	r->width = (unsigned)cairo_image_surface_get_width(flat ? flat : s);
	r->height = (unsigned)cairo_image_surface_get_height(flat ? flat : s);
	data = cairo_image_surface_get_data(flat ? flat : s);
	stride = cairo_image_surface_get_stride(flat ? flat : s);
	r->grey = sym_secmem_alloc((size_t)r->width * r->height);
	if (r->grey == NULL || data == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	for (unsigned y = 0; y < r->height; y++) {
		const uint32_t *row = (const uint32_t *)(const void *)
		    (data + (size_t)y * (size_t)stride);
		uint8_t *out = r->grey + (size_t)y * r->width;

		for (unsigned x = 0; x < r->width; x++) {
			uint32_t p = row[x];
			/* Premultiplied ARGB over white: c + (255 - a). */
			unsigned a = format == CAIRO_FORMAT_ARGB32 ? p >> 24 : 255;

			out[x] = luma(((p >> 16) & 0xff) + 255 - a,
			    ((p >> 8) & 0xff) + 255 - a, (p & 0xff) + 255 - a);
		}
	}
	rc = SYM_OK;
out:
	if (flat != NULL) {
		wipe_surface(flat);
		cairo_surface_destroy(flat);
	}
	wipe_surface(s);
	cairo_surface_destroy(s);
	return rc;
}

/* ---- JPEG, through libjpeg-turbo ---- */

struct jpeg_fail {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
	int code;
};

static void
jpeg_fail_exit(j_common_ptr cinfo)
{
	struct jpeg_fail *f = (struct jpeg_fail *)(void *)cinfo->err;

	if (f->code == SYM_OK)
		f->code = cinfo->err->msg_code == JERR_OUT_OF_MEMORY ?
		    SYM_ENOMEM : SYM_EIMAGEFILE;
	longjmp(f->jump, 1);
}

/* libjpeg prints warnings on stderr; a library must not. */
static void
jpeg_quiet(j_common_ptr cinfo, int level)
{
	(void)cinfo;
	(void)level;
}

static void
jpeg_no_output(j_common_ptr cinfo)
{
	(void)cinfo;
}

static void
jpeg_watch_scans(j_common_ptr cinfo)
{
	j_decompress_ptr d = (j_decompress_ptr)(void *)cinfo;
	struct jpeg_fail *f = (struct jpeg_fail *)(void *)cinfo->err;

	if (d->input_scan_number > JPEG_MAX_SCANS) {
		f->code = SYM_EIMAGEFILE;
		longjmp(f->jump, 1);
	}
}

static int
decode_jpeg(struct sym_raster *r, const uint8_t *bytes, size_t len)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_progress_mgr progress;
	struct jpeg_fail fail;
	/* volatile: set between setjmp and a longjmp back to it. */
	uint8_t *volatile grey = NULL;
	volatile int created = 0;
	int rc;

	memset(&cinfo, 0, sizeof cinfo);
	memset(&fail, 0, sizeof fail);
	cinfo.err = jpeg_std_error(&fail.mgr);
	fail.mgr.error_exit = jpeg_fail_exit;
	fail.mgr.emit_message = jpeg_quiet;
	fail.mgr.output_message = jpeg_no_output;
	fail.code = SYM_OK;
	if (setjmp(fail.jump)) {
		rc = fail.code != SYM_OK ? fail.code : SYM_EIMAGEFILE;
		goto out;
	}
	jpeg_create_decompress(&cinfo);
	created = 1;
	memset(&progress, 0, sizeof progress);
	progress.progress_monitor = jpeg_watch_scans;
	cinfo.progress = &progress;
	jpeg_mem_src(&cinfo, bytes, (unsigned long)len);
	if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) {
		rc = SYM_EIMAGEFILE;
		goto out;
	}
	rc = check_size(cinfo.image_width, cinfo.image_height);
	if (rc != SYM_OK)
		goto out;
	cinfo.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&cinfo);
	if (cinfo.output_components != 1) {
		rc = SYM_EIMAGEFILE;
		goto out;
	}
	grey = sym_secmem_alloc((size_t)cinfo.output_width *
	    cinfo.output_height);
	if (grey == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	while (cinfo.output_scanline < cinfo.output_height) {
		JSAMPROW row = grey + (size_t)cinfo.output_scanline *
		    cinfo.output_width;

		if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) {
			rc = SYM_EIMAGEFILE;
			goto out;
		}
	}
	jpeg_finish_decompress(&cinfo);
	r->width = cinfo.output_width;
	r->height = cinfo.output_height;
	r->grey = grey;
	grey = NULL;
	rc = SYM_OK;
out:
	if (created)
		jpeg_destroy_decompress(&cinfo);
	sym_secmem_free(grey);
	return rc;
}

int
sym_raster_decode(struct sym_raster *r, const uint8_t *bytes, size_t len)
{
	int rc;

	memset(r, 0, sizeof *r);
	switch (sym_raster_sniff(bytes, len)) {
	case SYM_RASTER_PNG:
		rc = decode_png(r, bytes, len);
		break;
	case SYM_RASTER_JPEG:
		rc = decode_jpeg(r, bytes, len);
		break;
	default:
		rc = SYM_EIMAGEFILE;
		break;
	}
	if (rc != SYM_OK)
		sym_raster_free(r);
	return rc;
}

int
sym_raster_read_file(struct sym_raster *r, const char *path)
{
	uint8_t *bytes = NULL;
	size_t len = 0;
	int rc;

	memset(r, 0, sizeof *r);
	rc = sym_io_read_all(&bytes, &len, path, SYM_RASTER_MAX_FILE_BYTES);
	if (rc != SYM_OK)
		return rc;
	rc = sym_raster_decode(r, bytes, len);
	sym_secmem_free(bytes);
	return rc;
}

void
sym_raster_free(struct sym_raster *r)
{
	sym_secmem_free(r->grey);
	memset(r, 0, sizeof *r);
}
