/*
 * Auto seals (seal layer): the device providers (seal_device.h) behind
 * the seal interface (seal.h), and what an auto-sealed image does with
 * them: unseal through whichever of its devices answers, in priority
 * order, and say of each device whether it answers now.
 *
 * An auto seal made at init also deals the recovery key: a random key
 * split into recovery share bundles (share.h, kind "recovery share"),
 * whose only power is to authorise quorum operations: the image keeps
 * the recovery key sealed under its root key, so the recovery shares open
 * nothing without a device (Vault: "recovery keys cannot decrypt the root
 * key").
 */
#ifndef SYMBOLON_SEAL_AUTO_H
#define SYMBOLON_SEAL_AUTO_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/deal.h"
#include "symbolon/error.h"
#include "symbolon/image.h"
#include "symbolon/pgp.h"
#include "symbolon/seal.h"
#include "symbolon/seal_device.h"

/* The recovery shares an auto seal deals at init (as seal_shamir.h's
 * params; pointers borrowed). */
struct sym_seal_auto_recovery {
	unsigned shares, threshold;
	const struct sym_deal_holder *holders;	/* shares entries, or NULL */
	struct sym_pgp_recipient *const *pgp;	/* or NULL */
	const char *out_dir;
	int armor;
};

/*
 * An auto seal for spec (a parsed seal string): make wraps a fresh U by
 * the device (for generation info.seal.generation + 1) and, when
 * recovery is not NULL, deals a fresh recovery key; release unwraps the
 * image's copy.  pin outlives the seal.  why gets the provider's reason
 * for a failure, prefixed with the seal ("seal 'hsm1' (pkcs11): ...").
 */
int sym_seal_auto_new(struct sym_seal *seal, const struct sym_seal_spec *spec,
    const struct sym_seal_pin *pin,
    const struct sym_seal_auto_recovery *recovery, char *why)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 5);

/* The recovery shares make dealt, or NULL. */
struct sym_deal_output *sym_seal_auto_deal(struct sym_seal *seal)
    SYM_NONNULL(1);

/* What became of one device of an image (unseal, probe). */
struct sym_seal_auto_device {
	char name[SYM_SEAL_NAME_BYTES_MAX + 1];
	char type[SYM_SEAL_TYPE_MAX + 1];
	int tried;			/* unseal: asked (in priority order) */
	int code;			/* SYM_OK: answered (and unsealed) */
	char why[SYM_SEAL_WHY_MAX];	/* when not: the one line */
	char reason[SYM_SEAL_WHY_MAX];	/* ... without "seal 'NAME' (TYPE): " */
};

struct sym_seal_auto_report {
	size_t count;
	struct sym_seal_auto_device devices[SYM_IMAGE_MAX_DEVICES];
	int used;			/* the device that unsealed, or -1 */
};

/*
 * Unseals an auto-sealed image through its devices in priority order:
 * the first that unwraps U and opens the image wins; the others are not
 * asked.  SYM_OK, or the first device's error (report says each).
 * SYM_EUSAGE for an image that is not auto-sealed.
 */
int sym_seal_auto_unseal(struct sym_image *img, const struct sym_seal_pin *pin,
    struct sym_seal_auto_report *report) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* Whether each device of info answers now, without a PIN. */
void sym_seal_auto_probe(const struct sym_image_info *info,
    struct sym_seal_auto_report *report) SYM_NONNULL(1, 2);

/* The one line for the report's first failure: "seal 'hsm1' (pkcs11):
 * token 'ceremony' not found" (and, with several devices, how many more
 * did not answer). */
void sym_seal_auto_explain(char *out, size_t cap,
    const struct sym_seal_auto_report *report) SYM_NONNULL(1, 3);

#endif
