/*
 * The manifest: the signed record of one deal.
 *
 * Fields (type 3; docs/FORMAT.md has the CDDL):
 *    4 set id (bstr 16)   5 generation   6 threshold t   7 share count n
 *    8 secret length      9 created (uint, seconds since 1970)
 *   10 commitment salt (bstr 32)   11 secret commitment (bstr 32)
 *   12 holders: array of n maps, in index order:
 *        1 index   2 x   3 share commitment (bstr 32)
 *        4 holder name (tstr, optional)
 *        5 protection (uint, optional: 1 identity, 2 passphrase,
 *          3 OpenPGP)
 *        6 recipient fingerprint (bstr 32, with protection 1)
 *        7 OpenPGP primary key fingerprint (bstr 20, with protection 3)
 *        8 OpenPGP encryption subkey id (bstr 8, with protection 3)
 *
 * Everything in a manifest is public.  Its hash binds share bundles to it.
 */
#ifndef SYMBOLON_MANIFEST_H
#define SYMBOLON_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/bundle.h"
#include "symbolon/commitment.h"
#include "symbolon/error.h"
#include "symbolon/identity.h"
#include "symbolon/shamir.h"
#include "symbolon/share.h"

struct sym_manifest_entry {
	unsigned index;
	uint8_t x;
	uint8_t commitment[SYM_COMMITMENT_BYTES];
	char holder[SYM_IDENTITY_NAME_MAX + 1];	/* "" when not named */
	enum sym_share_protection protection;
	uint8_t recipient[32];
	uint8_t pgp_fingerprint[20];
	uint8_t pgp_subkey_id[8];
};

struct sym_manifest {
	int recovery;			/* of recovery shares (bundle type 9) */
	uint8_t signer[SYM_SIGN_PUBLICKEY_BYTES];
	uint8_t set_id[SYM_SET_ID_BYTES];
	uint64_t generation;
	unsigned threshold, count;
	uint64_t secret_len;
	uint64_t created;
	uint8_t salt[SYM_COMMITMENT_SALT_BYTES];
	uint8_t secret_commitment[SYM_COMMITMENT_BYTES];
	struct sym_manifest_entry entries[SYM_SHAMIR_MAX_SHARES];
	uint8_t hash[SYM_MANIFEST_HASH_BYTES];	/* of the bundle; set by parse */
};

/* Signs m as a manifest bundle (a new secure buffer) and sets
 * m->hash and m->signer. */
int sym_manifest_encode(uint8_t **bundle, size_t *len, struct sym_manifest *m,
    const uint8_t signer_secret[static SYM_SIGN_SECRETKEY_BYTES])
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* Verifies and parses a manifest bundle into m (heap: large). */
int sym_manifest_parse(struct sym_manifest *m, const uint8_t *bundle,
    size_t len) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* The entry for a share index, or NULL. */
const struct sym_manifest_entry *sym_manifest_entry(
    const struct sym_manifest *m, unsigned index) SYM_NONNULL(1);

/*
 * Checks a share bundle against the manifest without reconstructing:
 * same signer (SYM_EKID), set (SYM_EWRONGSET), generation
 * (SYM_EGENERATION), t, n and manifest hash (SYM_EMANIFEST), and, when the
 * share is in clear or unsealed, its commitment (SYM_ECOMMITMENT).
 */
int sym_manifest_check_share(const struct sym_manifest *m,
    const struct sym_share *share) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

#endif
