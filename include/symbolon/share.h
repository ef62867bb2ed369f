/*
 * Share bundles: one Shamir share with everything needed to check it.
 *
 * Fields (type 2; docs/FORMAT.md has the CDDL):
 *    4 set id (bstr 16)          5 generation       6 threshold t
 *    7 share count n             8 index i (1..n)   9 x (1..255)
 *   10 holder name (tstr, optional)
 *   11 manifest hash (bstr 32: BLAKE2b-256 "symbolon-man-v1" of the
 *      signed manifest bundle)
 *   12 commitment salt (bstr 32)   13 secret commitment (bstr 32)
 *   14 share in clear (bstr: y bytes || x)   -- exactly one of 14, 15
 *   15 sealed share (map):
 *        1 method (1 = X25519 sealed box to an identity,
 *                  2 = Argon2id passphrase + XChaCha20-Poly1305)
 *        2 ciphertext (bstr)
 *        3 recipient fingerprint (bstr 32)       method 1
 *        4 salt, 5 nonce, 6 opslimit, 7 memlimit method 2; the AAD is
 *          set id || generation (8 bytes LE) || index (1 byte)
 *
 * The set, holder and position are readable without decrypting.
 */
#ifndef SYMBOLON_SHARE_H
#define SYMBOLON_SHARE_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/bundle.h"
#include "symbolon/commitment.h"
#include "symbolon/error.h"
#include "symbolon/identity.h"
#include "symbolon/passphrase.h"

enum sym_share_protection {
	SYM_SHARE_CLEAR = 0,
	SYM_SHARE_TO_IDENTITY = 1,
	SYM_SHARE_PASSPHRASE = 2,
	/* The share bundle is in clear, but its file is an OpenPGP message
	 * to the holder's key (--pgp-keys); only manifests say this. */
	SYM_SHARE_OPENPGP = 3,
};

#define SYM_MANIFEST_HASH_BYTES 32u
/* Largest raw share a bundle holds: bundles are for keys, not files. */
#define SYM_SHARE_MAX_BYTES 4096u

struct sym_share {
	int recovery;			/* a recovery share (bundle type 8) */
	uint8_t signer[SYM_SIGN_PUBLICKEY_BYTES];
	uint8_t set_id[SYM_SET_ID_BYTES];
	uint64_t generation;
	unsigned threshold, count, index;
	uint8_t x;
	char holder[SYM_IDENTITY_NAME_MAX + 1];	/* "" when not named */
	uint8_t manifest_hash[SYM_MANIFEST_HASH_BYTES];
	uint8_t salt[SYM_COMMITMENT_SALT_BYTES];
	uint8_t secret_commitment[SYM_COMMITMENT_BYTES];
	enum sym_share_protection protection;
	uint8_t recipient[32];		/* fingerprint, SYM_SHARE_TO_IDENTITY */
	struct sym_passphrase_box box;	/* SYM_SHARE_PASSPHRASE */
	uint8_t *ciphertext;		/* sealed forms; heap */
	size_t ciphertext_len;
	uint8_t *raw;			/* y || x in secure memory; NULL while sealed */
	size_t raw_len;
};

/* What a new share bundle holds; raw is the clear share. */
struct sym_share_spec {
	int recovery;			/* a recovery share (bundle type 8) */
	const uint8_t *signer_secret;	/* 64-byte Ed25519 key */
	const uint8_t *set_id;
	uint64_t generation;
	unsigned threshold, count, index;
	const char *holder;		/* NULL: not named */
	const uint8_t *manifest_hash, *salt, *secret_commitment;
	const uint8_t *raw;
	size_t raw_len;
	enum sym_share_protection protection;
	const struct sym_identity *recipient;	/* SYM_SHARE_TO_IDENTITY */
	const char *passphrase;			/* SYM_SHARE_PASSPHRASE */
	size_t passphrase_len;
};

/* Builds and signs a share bundle (a new secure buffer). */
int sym_share_encode(uint8_t **bundle, size_t *len,
    const struct sym_share_spec *spec) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* Verifies and parses a share bundle.  A clear share is copied to secure
 * memory and its x checked against field 9. */
int sym_share_parse(struct sym_share **out, const uint8_t *bundle, size_t len)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
void sym_share_free(struct sym_share *share);

/* Decrypts a sealed share in place (SYM_EDECRYPT: wrong key/passphrase). */
int sym_share_unseal_identity(struct sym_share *share,
    const struct sym_identity_secret *id) SYM_WARN_UNUSED SYM_NONNULL(1, 2);
int sym_share_unseal_passphrase(struct sym_share *share,
    const char *passphrase, size_t passphrase_len)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* BLAKE2b-256 ("symbolon-man-v1") of a signed manifest bundle. */
void sym_manifest_hash(uint8_t out[static SYM_MANIFEST_HASH_BYTES],
    const uint8_t *bundle, size_t len);

#endif
