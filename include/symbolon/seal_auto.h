/*
 * Auto seals (seal layer): the device providers (seal_device.h) behind
 * the seal interface (seal.h), to make an auto seal (init, a barrier
 * rekey); using an auto-sealed image is symbolon/seal_devices.h.
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
 * recovery is not NULL, deals a fresh recovery key.  It has no release:
 * the image is unsealed through its devices (seal_devices.h).  pin
 * outlives the seal.  why gets the provider's reason
 * for a failure, prefixed with the seal ("seal 'hsm1' (pkcs11): ...").
 */
int sym_seal_auto_new(struct sym_seal *seal, const struct sym_seal_spec *spec,
    const struct sym_seal_pin *pin,
    const struct sym_seal_auto_recovery *recovery, char *why)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 5);

/* The recovery shares make dealt, or NULL. */
struct sym_deal_output *sym_seal_auto_deal(struct sym_seal *seal)
    SYM_NONNULL(1);

#endif
