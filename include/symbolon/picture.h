/*
 * The picture plugin: reading a bundle from a PNG or JPEG picture of its
 * QR code(s) without every program paying for cairo, libjpeg, zbar and
 * libqrencode at start-up.
 *
 * The picture code (qr.c, raster.c, sheet.c) is built a second time into
 * a shared object, libsymbolon-picture.so, with its own copy of the few
 * lib modules it needs; it exports the qr.h, raster.h and sheet.h
 * functions and the table sym_picture_plugin below.  A program that
 * writes pictures (symbolon-qr) links it directly.  Every other program
 * links neither it nor its libraries: source.c calls sym_picture_get when
 * it meets a picture, which dlopen()s the plugin then, once:
 *
 *   1. <directory of the program>/../build/  (the uninstalled tree: bin/
 *      beside build/; looked at first so that a tree being worked on
 *      never runs an older installed plugin)
 *   2. <directory of the program>/../  (programs built inside build/:
 *      the test build's build/test-bin/, build/tests/)
 *   3. <directory of the program>/../lib/symbolon/  (installed, relocated)
 *   4. SYM_PICTURE_DIR, set by the Makefile: $(PREFIX)/lib/symbolon
 *
 * No environment variable names a path: nothing outside the program's
 * own tree and its install prefix is ever loaded.  A program that has the
 * picture code linked in (symbolon-qr, unit tests, fuzz targets) uses it
 * and loads nothing.
 */
#ifndef SYMBOLON_PICTURE_H
#define SYMBOLON_PICTURE_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

#define SYM_PICTURE_ABI 1u
#define SYM_PICTURE_FILE "libsymbolon-picture.so"
#define SYM_PICTURE_SYMBOL "sym_picture_plugin"

/* What a program that reads bundles needs from the plugin: qr.h's
 * sym_qr_read_bundle and sym_qr_read_bundle_file. */
struct sym_picture_ops {
	unsigned abi;		/* SYM_PICTURE_ABI */
	int (*read_bundle)(uint8_t **bytes, size_t *len, const uint8_t *image,
	    size_t image_len);
	int (*read_bundle_file)(uint8_t **bytes, size_t *len, const char *path);
};

/* Defined by the plugin (lib/qr.c). */
extern const struct sym_picture_ops sym_picture_plugin;

/*
 * The picture code: linked in, or the plugin loaded (on the first call;
 * later calls give the same table).  SYM_ENOPICTURE if no plugin is found
 * or it is of another ABI.  Not thread-safe on the first call.
 */
int sym_picture_get(const struct sym_picture_ops **ops)
    SYM_WARN_UNUSED SYM_NONNULL(1);

#endif
