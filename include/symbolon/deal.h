/*
 * A deal: a secret split into signed share bundles and their manifest.
 * Used by split, and later by init and rekey.
 *
 * The dealer signs with the given identity key, or with a fresh one-time
 * Ed25519 key that is wiped when the deal is done (its public key is in
 * every bundle, and its fingerprint is what holders compare).
 */
#ifndef SYMBOLON_DEAL_H
#define SYMBOLON_DEAL_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/manifest.h"
#include "symbolon/pgp.h"
#include "symbolon/share.h"

struct sym_deal_holder {
	const char *name;			/* NULL: not named */
	enum sym_share_protection protection;
	const struct sym_identity *recipient;	/* SYM_SHARE_TO_IDENTITY */
	const char *passphrase;			/* SYM_SHARE_PASSPHRASE */
	size_t passphrase_len;
	/* SYM_SHARE_OPENPGP: the checked key the share file is encrypted
	 * to by sym_deal_seal_pgp; the manifest records its fingerprint. */
	const struct sym_pgp_key *pgp;
};

struct sym_deal {
	int recovery;			/* recovery shares (share.h) */
	const uint8_t *secret;		/* secret; secure memory */
	size_t secret_len;
	unsigned threshold, count;
	uint64_t generation;
	uint64_t created;
	const uint8_t *set_id;		/* NULL: a fresh random set id */
	const uint8_t *signer_secret;	/* 64 bytes, or NULL: one-time key */
	const struct sym_deal_holder *holders;	/* count entries, or NULL */
};

struct sym_deal_output {
	uint8_t *manifest;		/* the manifest bundle */
	size_t manifest_len;
	struct sym_manifest *record;	/* what the manifest says */
	uint8_t *shares[SYM_SHAMIR_MAX_SHARES];	/* share bundles, secure */
	size_t share_lens[SYM_SHAMIR_MAX_SHARES];
	/* OpenPGP messages holding the share bundles' text form (armoured),
	 * when sealed by sym_deal_seal_pgp; written as .asc files. */
	uint8_t *sealed[SYM_SHAMIR_MAX_SHARES];
	size_t sealed_lens[SYM_SHAMIR_MAX_SHARES];
};

/* Encrypts share i's text form to recipients[i] (through GPGME) for every
 * share whose holder has protection SYM_SHARE_OPENPGP. */
int sym_deal_seal_pgp(struct sym_deal_output *out,
    struct sym_pgp_recipient *const recipients[])
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* The path share index (1..n) or the manifest (0) is written to: .cbor,
 * .txt (armor), or .asc for a share sealed to an OpenPGP key; recovery
 * shares are recovery-share-I-of-N.*, recovery-manifest.*. */
int sym_deal_path(char *out, size_t cap, const struct sym_deal_output *deal,
    const char *dir, unsigned index, int armor)
    SYM_WARN_UNUSED SYM_NONNULL(1, 3, 4);

/* File names of a deal in a directory: manifest.EXT and
 * share-<i>-of-<n>.EXT (ext "cbor", "txt" in text form, "asc" sealed to
 * an OpenPGP key), prefixed "recovery-" for recovery shares. */
int sym_deal_file_name(char *out, size_t cap, const char *dir,
    unsigned index, unsigned count, int recovery, const char *ext)
    SYM_WARN_UNUSED SYM_NONNULL(1, 3, 7);

/*
 * Writes the manifest and every share bundle into dir (created 0700 if
 * missing), all or nothing: SYM_EEXIST before writing anything if any
 * file is there already; on a failure part-way the files written are
 * removed.  index 0 names the manifest.
 */
int sym_deal_write(const struct sym_deal_output *out, const char *dir,
    int armor) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* Removes the files sym_deal_write wrote (after a later step failed). */
void sym_deal_remove(const struct sym_deal_output *out, const char *dir,
    int armor) SYM_NONNULL(1, 2);

int sym_deal_run(struct sym_deal_output *out, const struct sym_deal *deal)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
void sym_deal_output_free(struct sym_deal_output *out);

#endif
