/*
 * Multi-part bundles: symbolon's own framing for a bundle too large for
 * one QR code (docs/FORMAT.md, "QR framing").  QR structured append is not
 * used: zbar cannot read it and it stops at 16 symbols.
 *
 * A bundle that fits one QR code travels as its text form "SYM1:<base45>"
 * (bundle.h), so a phone shows the same text as `--armor`.  Otherwise it is
 * cut into n >= 2 parts, each the text
 *
 *     "SYMP1:" base45( header(16) || slice )
 *
 *     header: part k (uint16 BE, 1..n)   count n (uint16 BE, 2..65535)
 *             total bundle length (uint32 BE, n..SYM_BUNDLE_MAX_BYTES)
 *             bundle hash (8 bytes: BLAKE2b-256 of the whole bundle,
 *             personalised "symbolon-qrp-v1", truncated)
 *
 * The bundle is cut into n slices of ceil(total / n) bytes, the last one
 * shorter, none empty; part k holds slice k.  The encoding is canonical: a
 * reader refuses any other slice length, and a count that leaves a slice
 * empty.  Every character is in the QR alphanumeric set.
 *
 * The hash names the bundle (parts of different bundles are told apart and
 * refused) and checks the reassembly; the bundle's own signature is still
 * what makes it trustworthy.  Part texts of a clear share hold the share:
 * they are made in secure memory.
 */
#ifndef SYMBOLON_QRFRAME_H
#define SYMBOLON_QRFRAME_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

#define SYM_QRFRAME_PREFIX "SYMP1:"
#define SYM_QRFRAME_HEADER_BYTES 16u
#define SYM_QRFRAME_HASH_BYTES 8u
#define SYM_QRFRAME_MAX_PARTS 65535u
/* "1A2B-3C4D": the first four bytes of a bundle hash, as set ids print. */
#define SYM_QRFRAME_HASH_TEXT_MAX 10u

/* The truncated bundle hash carried in every part. */
void sym_qrframe_hash(uint8_t out[static SYM_QRFRAME_HASH_BYTES],
    const uint8_t *bundle, size_t len) SYM_NONNULL(1);
void sym_qrframe_hash_text(char out[static SYM_QRFRAME_HASH_TEXT_MAX],
    const uint8_t hash[static SYM_QRFRAME_HASH_BYTES]);

/* Characters in the text of a part holding slice_len bytes. */
size_t sym_qrframe_part_len(size_t slice_len);

/*
 * The fewest parts for a bundle of len bytes such that no part's text is
 * longer than max_chars.  SYM_ETOOBIG if even SYM_QRFRAME_MAX_PARTS parts
 * (or parts of one byte) are too long, SYM_EUSAGE for len < 2.
 */
int sym_qrframe_count(size_t *parts, size_t len, size_t max_chars)
    SYM_WARN_UNUSED SYM_NONNULL(1);

/* The text of part k (1..n) of bundle, NUL-terminated, in a new secure
 * buffer. */
int sym_qrframe_part(char **text, size_t *text_len, const uint8_t *bundle,
    size_t len, size_t k, size_t n) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* A parsed part: header fields and a copy of its slice (secure memory,
 * freed by sym_qrframe_part_clear). */
struct sym_qrframe_part {
	unsigned k, n;
	uint32_t total;
	uint8_t hash[SYM_QRFRAME_HASH_BYTES];
	uint8_t *slice;
	size_t slice_len;
};

/* 1 if text (surrounding white space ignored) starts with the prefix. */
int sym_qrframe_is_part(const uint8_t *text, size_t len) SYM_NONNULL(1);

/* Parses a part text.  SYM_ENOTBUNDLE without the prefix; SYM_EFORMAT
 * (base45, *error_offset set) or SYM_ESCHEMA (header out of range or a
 * slice of the wrong length) otherwise. */
int sym_qrframe_parse(struct sym_qrframe_part *p, const uint8_t *text,
    size_t len, size_t *error_offset) SYM_WARN_UNUSED SYM_NONNULL(1, 2);
void sym_qrframe_part_clear(struct sym_qrframe_part *p);

/*
 * A collector: the contents of every QR code read (from one or many
 * images, in any order) go in; whole bundles come out.  Repeated codes
 * are ignored; parts are reassembled.  src is the caller's label for
 * where a code came from (a file number), given back in problems.
 */
struct sym_qrcollect;

struct sym_qrcollect_problem {
	unsigned part, parts;	/* SYM_EQRPART: first part missing, of n */
	uint8_t hash[SYM_QRFRAME_HASH_BYTES];	/* the bundle concerned */
	unsigned src;		/* a source holding a part of it */
	unsigned other_src;	/* SYM_EQRMIX: the source of the other */
};

int sym_qrcollect_new(struct sym_qrcollect **c) SYM_WARN_UNUSED SYM_NONNULL(1);
void sym_qrcollect_free(struct sym_qrcollect *c);

/*
 * Adds the contents of one QR code: a bundle in either form (bundle.h) or
 * a part.  SYM_OK also for a repeat.  Errors: SYM_ENOTBUNDLE (anything
 * else: a URL), SYM_EFORMAT, SYM_ETRUNCATED, SYM_ESCHEMA, SYM_ETOOBIG,
 * SYM_ENOMEM, and SYM_EQRMIX for a part contradicting one already in (same
 * bundle hash, other count or length, or other bytes for the same part),
 * with *p (if not NULL) naming the bundle and the other part's source.
 */
int sym_qrcollect_add(struct sym_qrcollect *c, const uint8_t *data,
    size_t len, unsigned src, struct sym_qrcollect_problem *p)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* 1 if at least one bundle is in and every multi-part bundle begun has
 * all its parts (a camera can stop looking), else 0. */
int sym_qrcollect_complete(const struct sym_qrcollect *c) SYM_NONNULL(1);

/*
 * Reassembles the multi-part bundles.  SYM_EQRPART: exactly one bundle is
 * incomplete (*p names the first missing part); SYM_EQRMIX: parts of two
 * or more incomplete bundles (of different bundles), or parts that do not
 * reassemble into the bundle their hash names.  Call once.
 */
int sym_qrcollect_finish(struct sym_qrcollect *c,
    struct sym_qrcollect_problem *p) SYM_WARN_UNUSED SYM_NONNULL(1);

/* After a successful finish: the bundles, each once, in the order their
 * first code was added.  The bytes belong to the collector. */
size_t sym_qrcollect_count(const struct sym_qrcollect *c) SYM_NONNULL(1);
void sym_qrcollect_get(const struct sym_qrcollect *c, size_t i,
    const uint8_t **bytes, size_t *len, unsigned *src) SYM_NONNULL(1, 3, 4);

#endif
