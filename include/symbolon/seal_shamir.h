/*
 * The Shamir seal (symbolon/seal.h, kind quorum): U is split into n share
 * bundles with threshold t, of set = image id, signed by the image
 * identity, generation 1 at init; the manifest's hash goes into the
 * image's seal record.  publish writes the shares and manifest into
 * out_dir (symbolon/deal.h: all or nothing); release recovers U from a
 * quorum of shares.
 */
#ifndef SYMBOLON_SEAL_SHAMIR_H
#define SYMBOLON_SEAL_SHAMIR_H

#include "symbolon/deal.h"
#include "symbolon/error.h"
#include "symbolon/image.h"
#include "symbolon/quorum.h"
#include "symbolon/seal.h"

#define SYM_SEAL_SHAMIR_TYPE "shamir"

/* Pointers are borrowed: they must outlive the seal. */
struct sym_seal_shamir_params {
	/* make (init): */
	unsigned shares, threshold;
	const struct sym_deal_holder *holders;	/* shares entries, or NULL */
	/* the keys of holders with SYM_SHARE_OPENPGP, or NULL */
	struct sym_pgp_recipient *const *pgp;
	const char *out_dir;		/* where publish writes; NULL: nowhere */
	int armor;
	int recovery;			/* deal recovery shares (share.h) */
	/* release (unseal): the shares gathered */
	const struct sym_quorum *quorum;
};

extern const struct sym_seal_ops sym_seal_shamir_ops;

/* A Shamir seal named "shamir" with params: SYM_ESHARES or
 * SYM_ETHRESHOLD for bad counts given to make. */
int sym_seal_shamir_new(struct sym_seal *seal,
    const struct sym_seal_shamir_params *params)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* The deal that make produced (share bundles, manifest), or NULL. */
struct sym_deal_output *sym_seal_shamir_deal(struct sym_seal *seal)
    SYM_NONNULL(1);

/* Recovers the unseal key from the quorum q and unseals img with it (the
 * Shamir seal, made and released in one call): SYM_EUNSEAL when the
 * shares do not open the image. */
int sym_seal_shamir_unseal(struct sym_image *img, const struct sym_quorum *q)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

#endif
