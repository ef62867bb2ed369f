/*
 * The seal status of an image (seal layer), as `vault status` shows it:
 * needs no shares and no PIN, changes nothing, all public.  For an auto
 * seal each device is asked whether it answers now (seal_auto.h).
 */
#ifndef SYMBOLON_SEAL_STATUS_H
#define SYMBOLON_SEAL_STATUS_H

#include <stddef.h>

#include "symbolon/error.h"
#include "symbolon/fingerprint.h"
#include "symbolon/image.h"
#include "symbolon/seal_devices.h"

/* The seal status of an image, as `vault status` shows it: needs no
 * shares, changes nothing.  All public. */
struct sym_seal_status {
	struct sym_image_info info;
	const char *type;		/* the seal's type name ("shamir") */
	int rekey_pending;		/* a rekey was started */
	size_t journal;			/* steps taken while sealed, unsigned */
	char image_id[2 * SYM_IMAGE_ID_BYTES + 1];	/* hex */
	char fingerprint[SYM_FINGERPRINT_HEX_MAX];	/* of the identity */
	char fingerprint_plain[2 * SYM_FINGERPRINT_BYTES + 1];	/* hex */
	char words[SYM_FINGERPRINT_WORDS_MAX];	/* read-aloud form */
	/* An auto seal: the type of its first device ("pkcs11"), and
	 * whether each device answers now (probed without a PIN). */
	struct sym_seal_devices_report devices;
};

/* Opens the image at path read-only and reports its seal status. */
int sym_seal_status(struct sym_seal_status *out, const char *path)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

#endif
