/*
 * Bundles to pictures: what symbolon-qr encode does.  Each bundle file is
 * read (source.h: either form, or a picture of it) and verified; then
 * every QR code is rendered (qr.h) or the share sheets made (sheet.h), and
 * the outputs planned in full as a file set (fileset.h) before anything is
 * written.  Formats: term (one stream, a caption over each code when there
 * are several), png and svg (one file per code: DIR/STEM.EXT, or
 * DIR/STEM-part-K-of-N.EXT for a bundle in parts), pdf (one file).
 *
 * Bundles, texts and renderings may hold a clear share: secure memory.
 * A pdf's date, when not given, is today's (local time).
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
	int force;		/* replace existing files */
};

struct sym_qrwrite {
	struct sym_fileset fs;		/* the files written, on success */
	const char *subject;		/* on error: what it concerns, or NULL */
	char why[128];			/* on error, if not empty: the text */
	/* Internal: the bundles, their QR texts, how many codes in all. */
	size_t count;
	const char *const *paths;
	struct sym_sheet_bundle *bundles;	/* bytes in secure memory */
	struct sym_qr_texts *texts;
	size_t codes;
};

/*
 * Reads and verifies the bundle in each file ("-": standard input; either
 * form, or a picture of it: source.h), renders and writes.  Errors: those
 * of sym_source_read, sym_bundle_open, sym_qr_plan, the renderers,
 * sym_sheet_pdf and sym_fileset_write; SYM_EFORMAT with why (bad base45);
 * SYM_EUSAGE with why for outputs that do not fit the format (pdf or png
 * without --out, several codes without --out-dir, term into a directory).
 */
int sym_qrwrite_run(struct sym_qrwrite *w, const char *const paths[],
    size_t count, const struct sym_qrwrite_options *o)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 4);

void sym_qrwrite_free(struct sym_qrwrite *w);

/* Option words: "term", "png", "svg", "pdf"; "L", "M", "Q", "H" (either
 * case); "a4" ("A4"), "letter".  -1 for another word. */
int sym_qrwrite_parse_format(const char *s) SYM_NONNULL(1);
int sym_qrwrite_parse_level(const char *s) SYM_NONNULL(1);
int sym_qrwrite_parse_paper(const char *s) SYM_NONNULL(1);

#endif
