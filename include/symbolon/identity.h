/*
 * Identities of holders and operators: an Ed25519 key that signs and an
 * X25519 key that shares can be encrypted to, with a name.
 *
 * Public part: an identity bundle, self-signed (its signer is its own
 * Ed25519 key), fields:
 *   4: name (tstr)   5: X25519 public key (bstr 32)   6: created (uint,
 *   seconds since 1970)
 *
 * Secret part: a key file, a CBOR map (not a bundle: it never travels),
 * holding the Ed25519 seed and the X25519 secret key either in clear
 * (--no-passphrase) or under a passphrase (passphrase.h), bound to the
 * public key as associated data.  docs/FORMAT.md has the CDDL.
 */
#ifndef SYMBOLON_IDENTITY_H
#define SYMBOLON_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/bundle.h"
#include "symbolon/error.h"

#define SYM_IDENTITY_NAME_MAX 64u
#define SYM_BOX_PUBLICKEY_BYTES 32u
#define SYM_BOX_SECRETKEY_BYTES 32u
/* crypto_box_seal adds an ephemeral public key and a tag. */
#define SYM_SEAL_OVERHEAD 48u

struct sym_identity {
	char name[SYM_IDENTITY_NAME_MAX + 1];
	uint8_t sign_public[SYM_SIGN_PUBLICKEY_BYTES];
	uint8_t box_public[SYM_BOX_PUBLICKEY_BYTES];
	uint64_t created;
};

/* Lives in secure memory: allocate with sym_identity_generate or
 * sym_identity_parse_secret, free with sym_identity_secret_free. */
struct sym_identity_secret {
	uint8_t sign_secret[SYM_SIGN_SECRETKEY_BYTES];
	uint8_t box_secret[SYM_BOX_SECRETKEY_BYTES];
	struct sym_identity pub;
};

/* SYM_OK if name is 1..64 bytes with no control characters. */
int sym_identity_check_name(const char *name) SYM_WARN_UNUSED SYM_NONNULL(1);

/* A holder's name from an OpenPGP key: its user id cut to the name limit,
 * or "OpenPGP KEYID" when the user id is not a valid name.  out holds
 * cap bytes (SYM_IDENTITY_NAME_MAX + 1 is always enough). */
struct sym_pgp_key;
void sym_identity_name_from_pgp(char *out, size_t cap,
    const struct sym_pgp_key *key) SYM_NONNULL(1, 3);

/* Reads a CBOR text string that must be a valid name (as above) into
 * name; SYM_ESCHEMA otherwise.  Every bundle that names a holder uses it. */
struct sym_cbor_reader;
int sym_identity_read_name(struct sym_cbor_reader *r,
    char name[static SYM_IDENTITY_NAME_MAX + 1]) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

int sym_identity_generate(struct sym_identity_secret **out, const char *name,
    uint64_t created) SYM_WARN_UNUSED SYM_NONNULL(1, 2);
void sym_identity_secret_free(struct sym_identity_secret *id);

/* The self-signed public identity bundle (a new secure buffer). */
int sym_identity_export_public(uint8_t **bundle, size_t *len,
    const struct sym_identity_secret *id) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* Opens and checks an identity bundle (self-signed, fields valid). */
int sym_identity_parse_public(struct sym_identity *out, const uint8_t *bundle,
    size_t len) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* The key file; passphrase NULL writes the keys in clear. */
int sym_identity_export_secret(uint8_t **file, size_t *len,
    const struct sym_identity_secret *id, const char *passphrase,
    size_t passphrase_len) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* 1 if the key file is passphrase-protected, 0 if not; <0 if malformed. */
int sym_identity_secret_protected(const uint8_t *file, size_t len)
    SYM_NONNULL(1);

/* Opens a key file (passphrase ignored for an unprotected one). */
int sym_identity_parse_secret(struct sym_identity_secret **out,
    const uint8_t *file, size_t len, const char *passphrase,
    size_t passphrase_len) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* Reads an identity bundle file (binary or text form) and parses it. */
int sym_identity_load_public(struct sym_identity *out, const char *path)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/*
 * Reads a key file; when it is protected, takes the passphrase from the
 * first line of passphrase_file, or else asks on the terminal with
 * prompt.  SYM_EDECRYPT for a wrong passphrase.
 */
int sym_identity_load_secret(struct sym_identity_secret **out,
    const char *path, const char *passphrase_file, const char *prompt)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 4);

/* Encrypts to an identity's X25519 key (anonymous sealed box);
 * ciphertext holds len + SYM_SEAL_OVERHEAD bytes. */
int sym_identity_seal(uint8_t *ciphertext, const uint8_t *plaintext,
    size_t len, const struct sym_identity *to)
    SYM_WARN_UNUSED SYM_NONNULL(1, 4);

/* Decrypts a sealed box; SYM_EDECRYPT if it was not sealed to id. */
int sym_identity_unseal(uint8_t *plaintext, const uint8_t *ciphertext,
    size_t len, const struct sym_identity_secret *id)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 4);

#endif
