/*
 * Reading many pictures (or a camera) into bundle files: what
 * symbolon-qr decode does, in one call.  Every QR code of every PNG or
 * JPEG file, in any order, goes through one collector (qrframe.h) that
 * reassembles parts; each bundle is then verified (bundle.h) and written,
 * all or nothing (fileset.h): binary, or its text form with a final
 * newline (armor); to out (NULL: standard output), or into out_dir as
 * share-I-of-N.cbor or <type>.cbor (.txt with armor; NAME-2... for a
 * second of a name).
 *
 * The report says what the program prints: on error, subject (the file,
 * camera or directory concerned, or NULL) and, for a refusal that needs
 * more than sym_strerror (parts missing or mixed, others' QR codes, too
 * many bundles for the output asked for), why.  The bundles may be clear
 * shares: secure memory, wiped by sym_qrread_free.
 */
#ifndef SYMBOLON_QRREAD_H
#define SYMBOLON_QRREAD_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/fileset.h"
#include "symbolon/qrframe.h"

struct sym_qrread_request {
	const char *const *paths;	/* picture files ("-": standard input) */
	size_t count;
	int camera;			/* instead of files: a video device */
	const char *device;		/* NULL: zbar's default */
	unsigned timeout_ms;		/* camera: give up after */
	const char *out, *out_dir;	/* at most one */
	int armor, force;
};

struct sym_qrread {
	struct sym_fileset fs;		/* the files written, on success */
	size_t count;			/* bundles read */
	const char *subject;		/* on error: what it concerns, or NULL */
	char why[512];			/* on error, if not empty: the text */
	/* Internal: the collector and the scan of the current source. */
	struct sym_qrcollect *collect;
	const struct sym_qrread_request *q;
	struct sym_qrcollect_problem problem;
	unsigned src, ours, others;
	int refused;
};

/*
 * Reads, verifies and writes.  Errors: those of sym_raster_read_file,
 * sym_qr_scan, sym_qr_camera, the collector (qrframe.h), sym_bundle_open
 * and sym_fileset_write; SYM_ENOTBUNDLE for a picture with no symbolon
 * code; SYM_EUSAGE (with why) for several bundles and one output.
 */
int sym_qrread_run(struct sym_qrread *r, const struct sym_qrread_request *q)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

void sym_qrread_free(struct sym_qrread *r);

#endif
