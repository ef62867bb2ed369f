/*
 * CBOR for bundles: a deterministic writer and a strict reader (RFC 8949).
 *
 * Writer: encodes with libcbor's cbor_encode_* primitives straight into a
 * caller-owned buffer (which may be secure memory: nothing is copied into
 * libcbor's allocations).  The caller emits map keys in ascending order;
 * the writer records the first error (SYM_ETOOBIG when the buffer is full)
 * and every later call becomes a no-op, so a sequence of puts needs one
 * check at the end.
 *
 * Reader: works on untrusted bytes.  sym_cbor_check_canonical() validates a
 * whole item first: definite lengths only, shortest heads, map keys unique
 * and in bytewise order of their encodings, no floats or simple values
 * other than false/true/null, nesting at most SYM_CBOR_MAX_DEPTH, every
 * declared length within the bytes left, and no trailing bytes.  Then the
 * pull functions below walk the item; they never read past len and return
 * pointers into the input (no copies) for byte and text strings.  On error
 * the reader's error_offset is the offset of the first bad byte.
 *
 * Byte string contents are copied and skipped, never inspected, so they may
 * hold secrets.  Text strings must be valid UTF-8 (the writer refuses and
 * the reader rejects anything else, SYM_EFORMAT); that check branches on
 * their bytes, so text strings are public.
 *
 * Debian bookworm's libcbor 0.8 cannot decode the one-byte tags 6..20
 * (COSE_Sign1 is tag 18, 0xD2), so tags are read here by hand; see
 * tests/unit/test_cbor.c for the test that notices if that changes.
 */
#ifndef SYMBOLON_CBOR_H
#define SYMBOLON_CBOR_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

#define SYM_CBOR_MAX_DEPTH 16
/* No bundle or image header comes near this; checked before parsing. */
#define SYM_CBOR_MAX_INPUT (16u << 20)

struct sym_cbor_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int error;
};

void sym_cbor_writer_init(struct sym_cbor_writer *w, uint8_t *buf, size_t cap)
    SYM_NONNULL(1);
void sym_cbor_put_uint(struct sym_cbor_writer *w, uint64_t value) SYM_NONNULL(1);
/* Any integer: negative values use major type 1. */
void sym_cbor_put_int(struct sym_cbor_writer *w, int64_t value) SYM_NONNULL(1);
void sym_cbor_put_bytes(struct sym_cbor_writer *w, const uint8_t *bytes,
    size_t len) SYM_NONNULL(1);
void sym_cbor_put_text(struct sym_cbor_writer *w, const char *text,
    size_t len) SYM_NONNULL(1);
void sym_cbor_put_bool(struct sym_cbor_writer *w, int value) SYM_NONNULL(1);
void sym_cbor_put_null(struct sym_cbor_writer *w) SYM_NONNULL(1);
void sym_cbor_put_array(struct sym_cbor_writer *w, size_t items) SYM_NONNULL(1);
void sym_cbor_put_map(struct sym_cbor_writer *w, size_t pairs) SYM_NONNULL(1);
void sym_cbor_put_tag(struct sym_cbor_writer *w, uint64_t tag) SYM_NONNULL(1);
/* Copies an already encoded item (e.g. a nested bundle) verbatim. */
void sym_cbor_put_raw(struct sym_cbor_writer *w, const uint8_t *item,
    size_t len) SYM_NONNULL(1);
/* SYM_OK and *len = bytes written, or the first error. */
int sym_cbor_writer_finish(struct sym_cbor_writer *w, size_t *len)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* Checks that buf[0..len) is exactly one well-formed, deterministically
 * encoded item; *error_offset (if not NULL) gets the first bad byte. */
int sym_cbor_check_canonical(const uint8_t *buf, size_t len,
    size_t *error_offset) SYM_WARN_UNUSED SYM_NONNULL(1);

enum sym_cbor_type {
	SYM_CBOR_UINT, SYM_CBOR_NEGINT, SYM_CBOR_BYTES, SYM_CBOR_TEXT,
	SYM_CBOR_ARRAY, SYM_CBOR_MAP, SYM_CBOR_TAG, SYM_CBOR_SIMPLE,
	SYM_CBOR_END,	/* no bytes left */
};

struct sym_cbor_reader {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	size_t error_offset;
};

void sym_cbor_reader_init(struct sym_cbor_reader *r, const uint8_t *buf,
    size_t len) SYM_NONNULL(1);
enum sym_cbor_type sym_cbor_peek(const struct sym_cbor_reader *r) SYM_NONNULL(1);
/* Each reads one item of its type or fails with SYM_ESCHEMA (another
 * type), SYM_ETRUNCATED or SYM_ENONCANONICAL, leaving pos unchanged. */
int sym_cbor_read_uint(struct sym_cbor_reader *r, uint64_t *value)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
int sym_cbor_read_int(struct sym_cbor_reader *r, int64_t *value)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
int sym_cbor_read_bytes(struct sym_cbor_reader *r, const uint8_t **bytes,
    size_t *len) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);
int sym_cbor_read_text(struct sym_cbor_reader *r, const char **text,
    size_t *len) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);
int sym_cbor_read_bool(struct sym_cbor_reader *r, int *value)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
int sym_cbor_read_null(struct sym_cbor_reader *r) SYM_WARN_UNUSED SYM_NONNULL(1);
int sym_cbor_read_array(struct sym_cbor_reader *r, size_t *items)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
int sym_cbor_read_map(struct sym_cbor_reader *r, size_t *pairs)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
int sym_cbor_read_tag(struct sym_cbor_reader *r, uint64_t *tag)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
/* Reads a byte string of exactly len bytes into out; SYM_ESCHEMA for a
 * string of another length. */
int sym_cbor_read_fixed(struct sym_cbor_reader *r, uint8_t *out, size_t len)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
/* Reads an unsigned integer of at most max; SYM_ESCHEMA above it. */
int sym_cbor_read_uint_max(struct sym_cbor_reader *r, unsigned *out,
    unsigned max) SYM_WARN_UNUSED SYM_NONNULL(1, 2);
/* Reads (and checks, as above) one whole item of any type; *item and *len
 * (either may be NULL) span its encoding. */
int sym_cbor_read_item(struct sym_cbor_reader *r, const uint8_t **item,
    size_t *len) SYM_WARN_UNUSED SYM_NONNULL(1);
/* SYM_OK if every byte was consumed, else SYM_ETRAILING. */
int sym_cbor_reader_end(const struct sym_cbor_reader *r)
    SYM_WARN_UNUSED SYM_NONNULL(1);

#endif
