/*
 * Bundles to pictures: what symbolon-qr encode does.  Each bundle file is
 * read (source.h: either form, or a picture of it) and verified; then
 * every QR code is rendered (qr.h) or the share sheets made (sheet.h), and
 * the outputs planned in full as a file set (fileset.h) before anything is
 * written.  Formats: term (one stream, a caption over each code when there
 * are several), png and svg (one file per code: DIR/STEM.EXT, or
 * DIR/STEM-part-K-of-N.EXT for a bundle in parts), pdf (one file).
 *
 * On an error, failed is the index of the bundle file concerned, or
 * SYM_QRWRITE_NONE.  Bundles, texts and renderings may hold a clear
 * share: secure memory.
 */
#ifndef SYMBOLON_QRWRITE_H
#define SYMBOLON_QRWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/fileset.h"
#include "symbolon/qr.h"
#include "symbolon/sheet.h"

enum sym_qrwrite_format {
	SYM_QRWRITE_TERM = 0,
	SYM_QRWRITE_PNG = 1,
	SYM_QRWRITE_SVG = 2,
	SYM_QRWRITE_PDF = 3,
};

struct sym_qrwrite_options {
	enum sym_qrwrite_format format;
	enum sym_qr_level level;
	unsigned max_version;	/* 1..40 */
	unsigned module;	/* png: pixels per module; svg: units */
	int plain;		/* term: no colours */
	enum sym_sheet_paper paper;
	const char *date;	/* pdf; NULL: a line to fill in */
	const char *contact;	/* pdf; NULL: a line to fill in */
	const char *out;	/* the one output (term: NULL, standard output) */
	const char *out_dir;	/* png/svg: one file per code */
};

#define SYM_QRWRITE_NONE ((size_t)-1)

struct sym_qrwrite {
	size_t count;
	const char *const *paths;	/* the caller's, count of them */
	struct sym_sheet_bundle *bundles;	/* bytes in secure memory */
	struct sym_qr_texts *texts;	/* after sym_qrwrite_plan */
	size_t codes;			/* QR codes in all */
	size_t failed;			/* on error: a bundle index, or NONE */
	size_t error_offset;		/* SYM_EFORMAT: of the bad base45 */
};

/* Reads and verifies the bundle in each file ("-": standard input).
 * Errors: those of sym_source_read and sym_bundle_open. */
int sym_qrwrite_load(struct sym_qrwrite *w, const char *const paths[],
    size_t count) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* The QR texts of each bundle (sym_qr_plan), and how many codes in all
 * (w->codes).  Not needed for pdf. */
int sym_qrwrite_plan(struct sym_qrwrite *w, const struct sym_qrwrite_options *o)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* Renders the outputs into fs (after sym_qrwrite_plan unless pdf). */
int sym_qrwrite_render(struct sym_fileset *fs, struct sym_qrwrite *w,
    const struct sym_qrwrite_options *o) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

void sym_qrwrite_free(struct sym_qrwrite *w);

/* Option words: "term", "png", "svg", "pdf"; "L", "M", "Q", "H" (either
 * case); "a4" ("A4"), "letter".  -1 for another word. */
int sym_qrwrite_parse_format(const char *s) SYM_NONNULL(1);
int sym_qrwrite_parse_level(const char *s) SYM_NONNULL(1);
int sym_qrwrite_parse_paper(const char *s) SYM_NONNULL(1);

#endif
