/*
 * Using an auto-sealed image (seal layer): its device seals, in priority
 * order, through the providers of seal_registry.h: unseal through the
 * first that answers, say of each whether it answers now (status), and
 * the one line that names a failure.  Making an auto seal is
 * symbolon/seal_auto.h; this part links no Shamir dealing and no GnuPG,
 * so that status starts light.
 */
#ifndef SYMBOLON_SEAL_DEVICES_H
#define SYMBOLON_SEAL_DEVICES_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/image.h"
#include "symbolon/seal_device.h"

/* Wraps (wrap 1: dev gets the blob and the recorded parameters) or
 * unwraps (0: from dev's blob) key by one device. */
int sym_seal_devices_run(const struct sym_device_ops *ops,
    const struct sym_seal_params *p, const struct sym_seal_pin *pin,
    const uint8_t *binding, size_t binding_len, uint8_t *key,
    struct sym_image_device *dev, int wrap, char *why)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 4, 6, 7, 9);

/* U from the image's copy for one of its devices (dev: a record of
 * info); why gets "seal 'NAME' (TYPE): reason" on failure. */
int sym_seal_devices_release(uint8_t *key, const struct sym_image_info *info,
    const struct sym_image_device *dev, const struct sym_seal_pin *pin,
    char *why) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 4, 5);

/* What became of one device of an image (unseal, probe). */
struct sym_seal_devices_entry {
	char name[SYM_SEAL_NAME_BYTES_MAX + 1];
	char type[SYM_SEAL_TYPE_MAX + 1];
	int tried;			/* unseal: asked (in priority order) */
	int code;			/* SYM_OK: answered (and unsealed) */
	char why[SYM_SEAL_WHY_MAX];	/* when not: the one line */
	char reason[SYM_SEAL_WHY_MAX];	/* ... without "seal 'NAME' (TYPE): " */
};

struct sym_seal_devices_report {
	size_t count;
	struct sym_seal_devices_entry devices[SYM_IMAGE_MAX_DEVICES];
	int used;			/* the device that unsealed, or -1 */
};

/*
 * Unseals an auto-sealed image through its devices in priority order:
 * the first that unwraps U and opens the image wins; the others are not
 * asked.  SYM_OK, or the first device's error (report says each).
 * SYM_EUSAGE for an image that is not auto-sealed.
 */
int sym_seal_devices_unseal(struct sym_image *img, const struct sym_seal_pin *pin,
    struct sym_seal_devices_report *report) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/*
 * Recovery shares only authorise: unseals img through its devices (as
 * sym_seal_devices_unseal; report says each), then checks, in constant
 * time, that the quorum q recovers img's recovery key (pending: the new
 * one being verified): SYM_ERECOVERY when it does not.  The image is
 * unsealed either way once a device answered.
 */
struct sym_quorum;
int sym_seal_devices_authorise(struct sym_image *img,
    const struct sym_seal_pin *pin, const struct sym_quorum *q, int pending,
    struct sym_seal_devices_report *report)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 5);

/* Whether each device of info answers now, without a PIN. */
void sym_seal_devices_probe(const struct sym_image_info *info,
    struct sym_seal_devices_report *report) SYM_NONNULL(1, 2);

/* The one line for the report's first failure: "seal 'hsm1' (pkcs11):
 * token 'ceremony' not found" (and, with several devices, how many more
 * did not answer). */
void sym_seal_devices_explain(char *out, size_t cap,
    const struct sym_seal_devices_report *report) SYM_NONNULL(1, 3);

#endif
