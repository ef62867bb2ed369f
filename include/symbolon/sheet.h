/*
 * Share sheets: a PDF with one page per QR code of each bundle, made with
 * cairo, to be printed and kept in a tamper-evident bag.
 *
 * A share's page shows, besides its QR code, what the holder and the
 * witnesses check without a computer: the holder's name, the set (image)
 * id in hex and in read-aloud PGP words, generation, "share 3 of 5,
 * threshold 3", the signer's fingerprint in hex and words (the image
 * identity for an image's shares), how the share is protected, the date,
 * instructions (what this is, how to check it with `symbolon verify`, whom
 * to call) and boxes for the bag serial and signatures.  Everything comes
 * from the bundle's public fields: a sealed share prints the same way, and
 * nothing on a page but its QR code depends on a secret.  Other bundle
 * types get a plainer page (type, signer, date, how to check).
 *
 * Every bundle must verify (bundle.h) before a page is made for it.
 * The PDF holds the QR code, so for a clear share it holds the share: it is
 * made in secure memory.  WARNING: cairo's own buffers are not wiped.
 */
#ifndef SYMBOLON_SHEET_H
#define SYMBOLON_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/qr.h"

enum sym_sheet_paper {
	SYM_SHEET_A4 = 0,	/* 210 x 297 mm */
	SYM_SHEET_LETTER = 1,	/* 8.5 x 11 in */
};

struct sym_sheet_options {
	enum sym_sheet_paper paper;
	enum sym_qr_level level;
	unsigned max_version;	/* 1..40 */
	const char *date;	/* printed as given; NULL: a line to fill in */
	const char *contact;	/* whom to call; NULL: a line to fill in */
};

struct sym_sheet_bundle {
	const uint8_t *bytes;
	size_t len;
};

/* Makes the PDF (a new secure buffer).  Errors: those of
 * sym_bundle_open / sym_share_parse for a bundle that does not verify,
 * SYM_EUSAGE for options out of range, SYM_ENOMEM, SYM_EINTERNAL when
 * cairo fails. */
int sym_sheet_pdf(uint8_t **pdf, size_t *len,
    const struct sym_sheet_bundle *bundles, size_t count,
    const struct sym_sheet_options *o) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 5);

#endif
