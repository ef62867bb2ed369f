/*
 * Grey-scale images from PNG and JPEG files, for the QR scanner (qr.h).
 *
 * PNG is decoded by cairo (libpng), JPEG by libjpeg-turbo.  Image files
 * are untrusted: the file is capped at SYM_RASTER_MAX_FILE_BYTES before it
 * is read, and the pixel count at SYM_RASTER_MAX_PIXELS before anything is
 * decoded (from the PNG IHDR chunk or the JPEG frame header), so a small
 * file that claims a huge image is refused without allocating it.
 *
 * A share sheet scanned in holds a share, possibly in clear: the file bytes
 * and the grey pixels live in secure memory (secmem.h) and are wiped on
 * free.  WARNING: the decoders' own buffers (libpng's rows, cairo's
 * surface, libjpeg's and zbar's work areas) are ordinary heap; symbolon
 * wipes the ones it can reach (the cairo surface) but not the others.
 */
#ifndef SYMBOLON_RASTER_H
#define SYMBOLON_RASTER_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

/* An A4 or Letter page at 600 dpi is about 35 megapixels. */
#define SYM_RASTER_MAX_PIXELS 40000000u
#define SYM_RASTER_MAX_FILE_BYTES (64u << 20)

enum sym_raster_kind {
	SYM_RASTER_NONE = 0,
	SYM_RASTER_PNG = 1,
	SYM_RASTER_JPEG = 2,
};

/* width x height bytes, row by row; 0 is black, 255 white.  A
 * transparent PNG is laid over white. */
struct sym_raster {
	unsigned width, height;
	uint8_t *grey;		/* secure memory */
};

/* The kind of image bytes start with (the PNG signature, or the JPEG
 * SOI marker followed by another marker), else SYM_RASTER_NONE. */
enum sym_raster_kind sym_raster_sniff(const uint8_t *bytes, size_t len);

/* The kind of the file at path, from its first bytes; SYM_RASTER_NONE
 * for "-" (standard input cannot be peeked at), for files that cannot
 * be opened (the caller's own read reports why) and for anything else. */
enum sym_raster_kind sym_raster_file_kind(const char *path) SYM_NONNULL(1);

/*
 * Decodes a PNG or JPEG image.  Errors: SYM_EIMAGEFILE (neither, or
 * damaged: the decoders' messages are swallowed, never printed),
 * SYM_EPIXELS (more than SYM_RASTER_MAX_PIXELS), SYM_ENOMEM.  On error
 * *r is zeroed.
 */
int sym_raster_decode(struct sym_raster *r, const uint8_t *bytes, size_t len)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* Reads (capped) and decodes the image file at path ("-": standard
 * input).  Errors as sym_raster_decode, and those of sym_io_read_all. */
int sym_raster_read_file(struct sym_raster *r, const char *path)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* Wipes and frees the pixels; *r is zeroed.  NULL pixels are fine. */
void sym_raster_free(struct sym_raster *r) SYM_NONNULL(1);

#endif
