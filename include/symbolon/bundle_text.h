/*
 * The text form of a bundle, and the size cap of every bundle: a codec
 * below the bundle types, so that the QR framing (qrframe.h) can take a
 * whole bundle out of a QR code without knowing what a bundle holds.
 *
 * Text form: "SYM1:" followed by base45 of the binary bundle: QR
 * alphanumeric mode, copy and paste.  A binary bundle starts with the
 * COSE_Sign1 tag byte 0xD2.  Readers accept either form.  Nothing here
 * parses or verifies a bundle (bundle.h does).  Bundles may hold secrets:
 * every buffer made here is secure memory (secmem.h).
 */
#ifndef SYMBOLON_BUNDLE_TEXT_H
#define SYMBOLON_BUNDLE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

#define SYM_BUNDLE_MAX_BYTES (1u << 20)
#define SYM_BUNDLE_TEXT_PREFIX "SYM1:"

/* The text form "SYM1:<base45>" of bytes, NUL-terminated, in a new secure
 * buffer. */
int sym_bundle_armor(char **text, size_t *text_len, const uint8_t *bytes,
    size_t len) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/*
 * Turns input in either form into binary bundle bytes (a new secure
 * buffer).  Surrounding white space is ignored.  SYM_ENOTBUNDLE when the
 * input is neither form; base45 errors set *error_offset.
 */
int sym_bundle_decode(uint8_t **bytes, size_t *len, const uint8_t *input,
    size_t input_len, size_t *error_offset)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* 1 if input looks like a bundle in either form (first non-space bytes are
 * the COSE_Sign1 tag or the text prefix), else 0.  Does not validate. */
int sym_bundle_sniff(const uint8_t *input, size_t input_len) SYM_NONNULL(1);

/* Skips white space (space, tab, CR, LF) at both ends of text[0..*len);
 * returns how many leading bytes went (offsets in errors count them). */
size_t sym_bundle_text_trim(const uint8_t **text, size_t *len)
    SYM_NONNULL(1, 2);

#endif
