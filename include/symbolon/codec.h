/*
 * Text codecs for secret bytes, in constant time: hex through libsodium,
 * base64 our own (whole groups, AVX2 where the CPU has it, as fast as the
 * GF(2^8) kernels need), plus Vault's rule for reading an unseal key.
 *
 * Decoders take untrusted text and never read past text_len; they refuse
 * any character outside the alphabet (SYM_EFORMAT) and output that would
 * not fit (SYM_ETOOBIG).
 */
#ifndef SYMBOLON_CODEC_H
#define SYMBOLON_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

/* Vault's accepted unseal-key lengths when the text is hex (16..33). */
#define SYM_VAULT_KEY_MIN_BYTES 16u
#define SYM_VAULT_KEY_MAX_BYTES 33u

enum sym_text_format {
	SYM_TEXT_BASE64 = 0,	/* standard alphabet, padded: Vault's keys_base64 */
	SYM_TEXT_HEX = 1,	/* lower-case on output, either case on input */
	SYM_TEXT_VAULT = 2,	/* input only: Vault's rule, hex then base64 */
};

/* Base64 uses AVX2 where the CPU has it (identical bytes); off forces
 * the scalar code, for tests and benchmarks. */
void sym_codec_use_vector(int on);

/* Characters needed to encode len bytes, including the final NUL. */
size_t sym_codec_encoded_len(size_t len, enum sym_text_format format);

/* Writes the NUL-terminated encoding of in into out (cap bytes). */
int sym_codec_encode(char *out, size_t cap, const uint8_t *in, size_t len,
    enum sym_text_format format) SYM_WARN_UNUSED SYM_NONNULL(1);

/*
 * Decodes text[0..text_len) into out (cap bytes); *out_len gets the length.
 * SYM_TEXT_VAULT follows Vault's unseal handler: hex is accepted when it
 * decodes to 16..33 bytes, otherwise the text must be base64.
 */
int sym_codec_decode(uint8_t *out, size_t cap, size_t *out_len,
    const char *text, size_t text_len, enum sym_text_format format)
    SYM_WARN_UNUSED SYM_NONNULL(1, 3);

/* A time (seconds since the epoch) as UTC ISO 8601, "2026-12-03T17:00:00Z",
 * or its number of seconds when it has no calendar date; returns out. */
#define SYM_TIME_TEXT_BYTES 32u
const char *sym_time_text(char out[static SYM_TIME_TEXT_BYTES], uint64_t t)
    SYM_NONNULL(1);

/* SYM_OK if name is 1..max bytes with no control character (names are
 * printed on terminals, share sheets and audit records), else
 * SYM_EUSAGE. */
int sym_text_check_name(const char *name, size_t max)
    SYM_WARN_UNUSED SYM_NONNULL(1);

/*
 * Iterates over the lines of text: on each call sets *line and *line_len to
 * the next line with surrounding spaces, tabs and CR removed, skipping
 * blank lines; returns 1, or 0 at the end.  *lineno counts physical lines.
 */
int sym_text_next_line(const char **cursor, const char *end,
    const char **line, size_t *line_len, unsigned *lineno)
    SYM_NONNULL(1, 2, 3, 4, 5);

#endif
