/*
 * A bundle from any medium: the one module that knows a bundle may come
 * as a file in either form (bundle_text.h), as a PNG or JPEG picture of
 * its QR code(s) (qr.h, read through the picture plugin, picture.h), or
 * inside an OpenPGP message (decrypted through GPGME, pgp.h: gpg-agent,
 * pinentry, smartcards).
 *
 * Everything read is untrusted and may hold a secret: the bytes are in
 * secure memory; nothing is verified here (bundle.h opens a bundle).
 */
#ifndef SYMBOLON_SOURCE_H
#define SYMBOLON_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/bundle_text.h"
#include "symbolon/error.h"
#include "symbolon/pgp.h"

/* The cap for a bundle file in either form: text is 1.5 times the
 * binary, plus prefix and white space. */
#define SYM_SOURCE_BUNDLE_FILE_MAX_BYTES (SYM_BUNDLE_MAX_BYTES / 2 * 3 + 4096)

/* Flags for sym_source_read. */
#define SYM_SOURCE_DECRYPT 1u	/* open an OpenPGP message, give its content */
#define SYM_SOURCE_DECODE 2u	/* give binary bundle bytes (either form in) */

enum sym_source_kind {
	SYM_SOURCE_BYTES = 0,	/* a file (or standard input) as it is */
	SYM_SOURCE_PICTURE = 1,	/* a PNG or JPEG picture of QR codes */
	SYM_SOURCE_PGP = 2,	/* an OpenPGP message, decrypted */
};

/* What was read, and from what. */
struct sym_source {
	uint8_t *bytes;		/* secure memory; NULL on error */
	size_t len;
	enum sym_source_kind kind;
	/* SYM_SOURCE_PGP: the keys the message is encrypted to, also when
	 * it could not be decrypted (to name them). */
	struct sym_pgp_keyids to;
	size_t error_offset;	/* SYM_EFORMAT from SYM_SOURCE_DECODE */
};

/*
 * Reads path ("-": standard input), at most max bytes unless it is a
 * picture (capped by raster.h instead).  A picture gives the one binary
 * bundle its QR codes hold (sym_qr_read_bundle); with SYM_SOURCE_DECRYPT
 * an OpenPGP message gives its decrypted content; with SYM_SOURCE_DECODE
 * what is left is decoded from either bundle form into binary bundle
 * bytes.  Errors: those of sym_io_read_all, sym_qr_read_bundle,
 * sym_pgp_decrypt and sym_bundle_decode, and SYM_ENOPICTURE.  On error
 * s->bytes is NULL and s->kind says how far it got.
 */
int sym_source_read(struct sym_source *s, const char *path, size_t max,
    unsigned flags) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* As sym_source_read, from bytes in memory (copied). */
int sym_source_read_bytes(struct sym_source *s, const uint8_t *input,
    size_t len, unsigned flags) SYM_WARN_UNUSED SYM_NONNULL(1);

/* How messages name path: "standard input" for "-", else path. */
const char *sym_source_name(const char *path) SYM_NONNULL(1);

/* Wipes and frees s->bytes; s is zeroed. */
void sym_source_clear(struct sym_source *s) SYM_NONNULL(1);

/* "FPR (uid), key id 0123..." for the keys of s->to that are known to
 * the keyring or not, NUL-terminated in out (cap bytes; "" for none). */
void sym_source_recipients(char *out, size_t cap, const struct sym_source *s)
    SYM_NONNULL(1, 3);

#endif
