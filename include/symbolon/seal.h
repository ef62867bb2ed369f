/*
 * Seals: how an image's unseal key U is made at init (and rekey) and
 * released at unseal.  The image only ever sees U and the seal record it
 * keeps (struct sym_image_seal); it never knows which kind of seal made U.
 *
 * Two kinds of provider sit behind one interface:
 *
 *   quorum  U is dealt to holders and recovered from a quorum of them
 *           (Shamir: lib/seal_shamir.c, symbolon/seal_shamir.h).
 *   device  U is drawn here and wrapped by a device (PKCS#11 HSM, TPM
 *           2.0, OpenPGP card: symbolon/seal_auto.h); the image keeps
 *           the wrapped blob in its device record.  An auto-sealed image
 *           is unsealed through all its devices in priority order
 *           (symbolon/seal_devices.h), not through one seal's release.
 *
 * A seal has a name (unique within an image; Seal HA may hold several of
 * one type), a provider type ("shamir", "pkcs11", "tpm2", "openpgp") and
 * the public parameters that find its device (Vault's seal stanza: lib,
 * slot, token_label, key_label, mechanism; tcti, pcrs; fingerprint).  PINs
 * are never parameters: a provider asks for them when it needs them.
 *
 * Making is in two steps so that a ceremony can keep its order ("shares
 * written first, image linked last, all or nothing", symbolon/init.h):
 * make produces U and whatever must leave the machine (shares) in memory;
 * publish makes that durable, all or nothing; withdraw undoes a publish
 * when a later step failed.
 */
#ifndef SYMBOLON_SEAL_H
#define SYMBOLON_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/image.h"

#define SYM_SEAL_NAME_MAX 32u
#define SYM_SEAL_DETAIL_MAX 160u

enum sym_seal_kind {
	SYM_SEAL_KIND_QUORUM = 1,
	SYM_SEAL_KIND_DEVICE = 2,
};

/* One public parameter that finds a device ("token_label" = "seal"). */
struct sym_seal_param {
	const char *key, *value;
};

struct sym_seal_config {
	const char *name;		/* unique within the image */
	const char *type;		/* a provider type */
	unsigned priority;		/* Seal HA: the lowest is tried first */
	const struct sym_seal_param *params;
	size_t param_count;
};

/* What making U yields besides U itself. */
struct sym_seal_made {
	struct sym_image_seal record;	/* kept by the image */
	/* device: its record, U wrapped in it */
	int has_device;
	struct sym_image_device device;
	/* an auto seal at init: the recovery shares' configuration and the
	 * recovery key they were dealt from (secure memory owned by the
	 * seal; valid until it is freed) */
	int has_recovery;
	struct sym_image_seal recovery;
	const uint8_t *recovery_key;
	char detail[SYM_SEAL_DETAIL_MAX];	/* for the init audit record */
};

/*
 * A provider.  key is always SYM_IMAGE_KEY_BYTES of secure memory owned
 * by the caller; a function that fails leaves it wiped.
 */
struct sym_seal_ops {
	const char *type;
	enum sym_seal_kind kind;
	/* Makes a fresh U for img (unsealed, or being created: its id and
	 * identity sign what a quorum seal deals).  Nothing durable yet. */
	int (*make)(void *state, uint8_t *key, struct sym_seal_made *made,
	    const struct sym_image *img, uint64_t now);
	/* Makes what make produced durable outside the image, all or
	 * nothing; NULL when there is nothing to write. */
	int (*publish)(void *state);
	/* Undoes a successful publish; NULL when publish is NULL. */
	void (*withdraw)(void *state);
	/* Gives U back for img (a quorum seal: from the shares it was
	 * given); NULL for a device seal (see above). */
	int (*release)(void *state, uint8_t *key, const struct sym_image *img);
	void (*free)(void *state);
};

/* A seal: a provider with its state (made by the provider's _new). */
struct sym_seal {
	const struct sym_seal_ops *ops;
	void *state;
	char name[SYM_SEAL_NAME_MAX + 1];
	struct sym_seal_config config;	/* as given; pointers not owned */
};

/* The type name of an image's seal record ("shamir"), or "unknown". */
const char *sym_seal_type_name(enum sym_seal_type type);

int sym_seal_make(struct sym_seal *seal, uint8_t *key,
    struct sym_seal_made *made, const struct sym_image *img, uint64_t now)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 4);
int sym_seal_publish(struct sym_seal *seal) SYM_WARN_UNUSED SYM_NONNULL(1);
void sym_seal_withdraw(struct sym_seal *seal) SYM_NONNULL(1);
int sym_seal_release(struct sym_seal *seal, uint8_t *key,
    const struct sym_image *img) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);
/* Releases U and unseals img with it; U is wiped before returning.
 * SYM_EUNSEAL when the seal does not open this image. */
int sym_seal_unseal(struct sym_image *img, struct sym_seal *seal)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
/* Frees the provider's state; the seal may be freed twice. */
void sym_seal_free(struct sym_seal *seal);

#endif
