/*
 * QR codes: bundles written with libqrencode, read with libzbar.
 *
 * Writing: a bundle becomes its text form "SYM1:<base45>" if that fits one
 * QR code at the chosen error-correction level and largest version, else
 * the parts of qrframe.h.  Every text is put in one alphanumeric-mode
 * segment (base45 is exactly that alphabet), never byte mode: no reader
 * has to guess a character set.
 *
 * Reading: zbar is set to QR codes only, with ZBAR_CFG_BINARY, so a
 * byte-mode code (one made by another encoder from a binary bundle) comes
 * back byte for byte instead of being transcoded to UTF-8.
 *
 * Matrices and texts of a clear share hold the share: they are in secure
 * memory.  WARNING: libqrencode's and zbar's work buffers are ordinary
 * heap and are not wiped (the QRcode result is wiped before it is freed).
 */
#ifndef SYMBOLON_QR_H
#define SYMBOLON_QR_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/raster.h"

enum sym_qr_level {
	SYM_QR_LEVEL_L = 0,	/* ~7% of the symbol can be lost */
	SYM_QR_LEVEL_M = 1,	/* ~15% */
	SYM_QR_LEVEL_Q = 2,	/* ~25%: the default, as for EU DCC on paper */
	SYM_QR_LEVEL_H = 3,	/* ~30% */
};

#define SYM_QR_MAX_VERSION 40u
/* The quiet zone the standard asks for, in modules. */
#define SYM_QR_QUIET_MODULES 4u

/* A QR code: width x width modules, row by row, 1 = dark. */
struct sym_qr {
	unsigned version, width;
	uint8_t *modules;	/* secure memory */
};

/*
 * Encodes text (QR alphanumeric characters only: 0-9 A-Z space $%*+-./:)
 * in one alphanumeric segment, in the smallest version that holds it.
 * SYM_EUSAGE for another character or a level or max_version out of
 * range, SYM_ETOOBIG if it needs a version above max_version.
 */
int sym_qr_encode(struct sym_qr *qr, const char *text, size_t len,
    enum sym_qr_level level, unsigned max_version)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
void sym_qr_free(struct sym_qr *qr);

/* Most alphanumeric characters a QR code of max_version at level holds. */
size_t sym_qr_capacity(enum sym_qr_level level, unsigned max_version);

/* The texts to put in QR codes for a bundle: one, or the n parts. */
struct sym_qr_texts {
	size_t count;
	char **text;		/* each NUL-terminated, secure memory */
	size_t *len;
};

int sym_qr_plan(struct sym_qr_texts *t, const uint8_t *bundle, size_t len,
    enum sym_qr_level level, unsigned max_version)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
void sym_qr_texts_free(struct sym_qr_texts *t);

/*
 * Renderings, each in a new secure buffer; module is the size of a module
 * (pixels for PNG, user units for SVG), quiet the quiet zone in modules.
 *   PNG: 8-bit RGB, black on white.
 *   SVG: one path of dark runs on a white rectangle, NUL-terminated.
 *   term: UTF-8 half blocks, two module rows per line (a character cell
 *   is about twice as tall as wide), NUL-terminated.  With ansi, each line
 *   is coloured black on white (SGR 30;107) so the code reads the same on
 *   a dark terminal; without, ink is dark (for a light background).
 */
int sym_qr_png(uint8_t **png, size_t *len, const struct sym_qr *qr,
    unsigned module, unsigned quiet) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);
int sym_qr_svg(char **svg, size_t *len, const struct sym_qr *qr,
    unsigned module, unsigned quiet) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);
int sym_qr_term(char **text, size_t *len, const struct sym_qr *qr,
    unsigned quiet, int ansi) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/*
 * Scans an image for QR codes and calls found with the bytes of each
 * (exactly as encoded; not NUL-terminated).  found returns 0 to go on, or
 * an error (< 0) to stop with.  SYM_ENOQR if there is none.  If nothing
 * is found at the image's own scale, the image is also tried at half and
 * at twice its size (a noisy 600-dpi scan, a small code on a phone photo).
 */
typedef int (*sym_qr_found_fn)(void *ctx, const uint8_t *data, size_t len);
int sym_qr_scan(const struct sym_raster *r, sym_qr_found_fn found, void *ctx)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/*
 * The one bundle in an image: all its QR codes, parts reassembled, codes
 * that are not symbolon's (a URL) ignored while at least one is.  *bytes
 * is a new secure buffer.  Errors: those of sym_raster_decode, SYM_ENOQR,
 * SYM_ENOTBUNDLE (only others' codes), SYM_EQRPART, SYM_EQRMIX,
 * SYM_EQRMANY (two bundles), and the parse errors of qrframe.h.
 */
int sym_qr_read_bundle(uint8_t **bytes, size_t *len, const uint8_t *image,
    size_t image_len) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);
int sym_qr_read_bundle_file(uint8_t **bytes, size_t *len, const char *path)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/*
 * Reads QR codes from a video device with zbar's video support (NULL:
 * zbar's default, /dev/video0), calling found for each decoded code until
 * found returns 1 (done) or an error, or timeout_ms pass with nothing done
 * (SYM_ENOQR).  SYM_ENOCAMERA if built without camera support
 * (SYMBOLON_NO_CAMERA) or the device cannot be opened.  Nothing is shown.
 */
int sym_qr_camera(const char *device, sym_qr_found_fn found, void *ctx,
    unsigned timeout_ms) SYM_WARN_UNUSED SYM_NONNULL(2);

#endif
