/*
 * Signed bundles: every artefact that travels between people or machines.
 *
 * A bundle is a COSE_Sign1 (cose.h) whose payload is a deterministic CBOR
 * map with small unsigned keys.  Keys 1..3 are common to every type:
 *
 *   1: type (uint, enum sym_bundle_type)   2: format version (uint, 1)
 *   3: signer's Ed25519 public key (bstr 32)
 *
 * and each type's own fields start at key 4 (docs/FORMAT.md has the CDDL).
 * The protected header's kid is the first 8 bytes of the signer's
 * fingerprint.  Opening a bundle reads the signer key from the payload
 * only to verify the signature with it (a bundle is self-contained, like a
 * self-signed certificate); whether that signer is the expected one is a
 * separate decision: compare fingerprints, or pin with --signer/--manifest.
 *
 * Text form: "SYM1:" followed by base45 of the binary bundle: QR
 * alphanumeric mode, copy and paste.  Readers accept either form.
 */
#ifndef SYMBOLON_BUNDLE_H
#define SYMBOLON_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/bundle_text.h"
#include "symbolon/cbor.h"
#include "symbolon/error.h"
#include "symbolon/io.h"

enum sym_bundle_type {
	SYM_BUNDLE_ANY = 0,		/* for sym_bundle_open: accept any type */
	SYM_BUNDLE_IDENTITY = 1,
	SYM_BUNDLE_SHARE = 2,
	SYM_BUNDLE_MANIFEST = 3,
	SYM_BUNDLE_REKEY = 4,		/* a pending rekey (rekey.h) */
	SYM_BUNDLE_TRANSCRIPT = 5,	/* an exported audit log (audit.h) */
	SYM_BUNDLE_IMAGE_CORE = 6,	/* an image header's core (image.h) */
	SYM_BUNDLE_AUDIT_RECORD = 7,	/* one audit log record (audit.h) */
	/* An auto seal's recovery shares and their manifest: the fields of
	 * a share and a manifest, a kind of their own so that neither is
	 * ever taken for the other (share.h, manifest.h). */
	SYM_BUNDLE_RECOVERY_SHARE = 8,
	SYM_BUNDLE_RECOVERY_MANIFEST = 9,
};
#define SYM_BUNDLE_TYPE_MAX 9u

/* 1 for a share bundle of either kind (unseal or recovery). */
#define SYM_BUNDLE_IS_SHARE(t) \
	((t) == SYM_BUNDLE_SHARE || (t) == SYM_BUNDLE_RECOVERY_SHARE)
#define SYM_BUNDLE_IS_MANIFEST(t) \
	((t) == SYM_BUNDLE_MANIFEST || (t) == SYM_BUNDLE_RECOVERY_MANIFEST)

#define SYM_BUNDLE_VERSION 1u
#define SYM_BUNDLE_KEY_TYPE 1u
#define SYM_BUNDLE_KEY_VERSION 2u
#define SYM_BUNDLE_KEY_SIGNER 3u
#define SYM_BUNDLE_FIRST_FIELD 4u
#define SYM_SIGN_PUBLICKEY_BYTES 32u
#define SYM_SIGN_SECRETKEY_BYTES 64u

/* "identity", "share", "manifest", ..., or "unknown". */
const char *sym_bundle_type_name(unsigned type);

/*
 * Starts a payload in w: a map of 3 + fields pairs, then the common keys.
 * The caller then writes its fields with keys from 4 up, ascending.
 */
void sym_bundle_begin(struct sym_cbor_writer *w, size_t fields,
    enum sym_bundle_type type,
    const uint8_t signer_public_key[static SYM_SIGN_PUBLICKEY_BYTES])
    SYM_NONNULL(1);

/* A one-time Ed25519 signing key (SYM_SIGN_SECRETKEY_BYTES, a new secure
 * buffer), for a bundle whose signer is nobody in particular: the dealer
 * of an anonymous deal, the exporter of a transcript. */
int sym_bundle_one_time_key(uint8_t **secret_key) SYM_WARN_UNUSED
    SYM_NONNULL(1);

/* Signs payload into *out, a new secure buffer (payloads may hold secrets)
 * freed with sym_secmem_free. */
int sym_bundle_sign(uint8_t **out, size_t *out_len, const uint8_t *payload,
    size_t payload_len,
    const uint8_t signer_secret_key[static SYM_SIGN_SECRETKEY_BYTES])
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* An opened (verified) bundle: its common fields, and a reader over the
 * rest of the payload map, which points into the caller's bytes. */
struct sym_bundle {
	unsigned type;
	uint64_t version;
	uint8_t signer[SYM_SIGN_PUBLICKEY_BYTES];
	struct sym_cbor_reader fields;
	size_t fields_left;	/* pairs not yet read */
	uint64_t last_key;
	size_t error_offset;	/* of the first bad byte, on error */
};

/*
 * Parses and verifies bytes: canonical CBOR, COSE_Sign1 with kid matching
 * the signer key in the payload, a valid signature by that key, version 1,
 * and (unless expected is SYM_BUNDLE_ANY) the expected type.  Errors:
 * SYM_ENONCANONICAL, SYM_ETRUNCATED, SYM_ESCHEMA, SYM_EKID, SYM_EBADSIG,
 * SYM_EVERSION, SYM_EBUNDLETYPE, SYM_ETOOBIG.
 */
int sym_bundle_open(struct sym_bundle *b, const uint8_t *bytes, size_t len,
    enum sym_bundle_type expected) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* Reads the next field key (ascending by construction); 0 when no
 * field is left. */
int sym_bundle_next_field(struct sym_bundle *b, uint64_t *key)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* Reads a byte string field that must be exactly len bytes. */
int sym_bundle_read_fixed(struct sym_bundle *b, uint8_t *out, size_t len)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* Reads a file holding a bundle in either form, or a PNG or JPEG image
 * of its QR code(s) (qr.h: one bundle per image; *error_offset is 0).
 * Kept for its callers: it is defined by lib/source.c (the source layer,
 * the only one that reads pictures) as sym_source_read with
 * SYM_SOURCE_DECODE; new code calls that (source.h). */
int sym_bundle_read_file(uint8_t **bytes, size_t *len, const char *path,
    size_t *error_offset) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* Writes bytes to path, binary or (armor) as text with a final newline. */
int sym_bundle_write_file(const char *path, const uint8_t *bytes, size_t len,
    int armor, enum sym_io_write_mode mode) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

#endif
