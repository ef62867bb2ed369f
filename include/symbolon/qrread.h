/*
 * Reading many pictures (or a camera) into bundles: every QR code of
 * every PNG or JPEG file, in any order, through one collector (qrframe.h)
 * that reassembles parts; then each bundle verified (bundle.h) and planned
 * as an output file (fileset.h).  What symbolon-qr decode does.
 *
 * On an error, the report says which source it concerns (src: the index
 * of the file, 0 for the camera), and for the collector's SYM_EQRPART and
 * SYM_EQRMIX which bundle and part (problem).  The bundles belong to the
 * report; they may be clear shares: secure memory.
 */
#ifndef SYMBOLON_QRREAD_H
#define SYMBOLON_QRREAD_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/fileset.h"
#include "symbolon/qrframe.h"

struct sym_qrread {
	struct sym_qrcollect *collect;
	size_t count;		/* bundles, after a successful read */
	/* On error: */
	unsigned src;		/* the file (or bundle's file) concerned */
	int named;		/* sym_qrread_plan: the error is src's bundle's */
	/* SYM_ENOTBUNDLE: src's picture holds QR codes, none symbolon's. */
	int foreign;
	struct sym_qrcollect_problem problem;
	/* Scanning state. */
	unsigned ours, others;
	int refused;		/* the collector's error that stopped a scan */
};

/* Scans each file ("-": standard input) for QR codes and reassembles the
 * bundles.  Errors: those of sym_raster_read_file, sym_qr_scan,
 * sym_qrcollect_add and sym_qrcollect_finish; SYM_ENOTBUNDLE for a file
 * with no symbolon code. */
int sym_qrread_files(struct sym_qrread *r, const char *const paths[],
    size_t count) SYM_WARN_UNUSED SYM_NONNULL(1);

/* The same from a video device (NULL: the default) until every bundle
 * begun is complete, or timeout_ms (sym_qr_camera). */
int sym_qrread_camera(struct sym_qrread *r, const char *device,
    unsigned timeout_ms) SYM_WARN_UNUSED SYM_NONNULL(1);

/*
 * Verifies each bundle read and adds it to fs: binary, or its text form
 * with a final newline (armor); to out (NULL: standard output), or with
 * out_dir to out_dir/<name>.cbor (.txt with armor), name share-I-of-N or
 * the bundle type ("image-header"), NAME-2... for a second of a name.
 * Errors: those of sym_bundle_open (named set, src the bundle's file),
 * SYM_ENOMEM, SYM_ETOOBIG.
 */
int sym_qrread_plan(struct sym_fileset *fs, struct sym_qrread *r,
    const char *out, const char *out_dir, int armor)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

void sym_qrread_free(struct sym_qrread *r);

#endif
