/*
 * Private to the image layer: the seal records of an image's core.  The
 * seal map every image has ({1 type, 2 shares, 3 threshold, 4 generation,
 * 5 manifest hash}: the barrier's, a pending rekey's, the recovery
 * shares'), and the fields an auto seal adds (format version 2): the
 * device seal records and the recovery key, sealed under R like the
 * keyring, so that recovery shares can be checked once a device has
 * unsealed the image, and never open anything by themselves.
 *
 * It works on the parts it is given (the image's info and its
 * sym_image_seal_part), not on the image: image_core.c calls it while
 * encoding and parsing the core, image.c while unsealing and committing.
 */
#ifndef SYMBOLON_IMAGE_SEAL_H
#define SYMBOLON_IMAGE_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/cbor.h"
#include "symbolon/image_format.h"

#include "image_blob.h"

/* Core fields (after image_core.c's 4..15). */
enum {
	CORE_RECOVERY = 16,		/* recovery config (a seal map) */
	CORE_RECOVERY_KEY = 17,		/* RK under R (a sealed blob) */
	CORE_PENDING_RECOVERY = 18,	/* rekey -target=recovery -verify */
	CORE_PENDING_RECOVERY_KEY = 19,
	CORE_DEVICES = 20,		/* device seal records */
};

struct sym_image_seal_part {
	/* as read from the core, and as written at the next commit */
	struct sym_sealed_blob recovery_blob, pending_recovery_blob;
	/* unsealed: in clear, secure memory (or NULL) */
	uint8_t *recovery_key, *pending_recovery_key;
};

int sym_image_read_seal(struct sym_cbor_reader *r, struct sym_image_seal *seal);
void sym_image_put_seal(struct sym_cbor_writer *w,
    const struct sym_image_seal *seal);

/* How many of the fields above info has to write; writing them. */
size_t sym_image_seal_field_count(const struct sym_image_info *info);
void sym_image_seal_encode(struct sym_cbor_writer *w,
    const struct sym_image_info *info, const struct sym_image_seal_part *p);
/* Reads field key (one of the above). */
int sym_image_seal_parse(struct sym_cbor_reader *r, struct sym_image_info *info,
    struct sym_image_seal_part *p, uint64_t key);
/* After a core was read (seen: a bit per field present): SYM_ECORRUPT
 * when its seal fields disagree (an auto seal without devices or
 * recovery, a Shamir seal with them, a configuration without its key). */
int sym_image_seal_check(const struct sym_image_info *info, uint32_t seen);

/* SYM_ECORRUPT unless devices (count) are records this image may keep:
 * names and types as seal strings give them, unique names, priority
 * order, printable parameters, a wrapped key of 1..1024 bytes.  The
 * reader and sym_image_set_devices both hold to it. */
int sym_image_seal_check_devices(const struct sym_image_device *devices,
    size_t count);

/* Unseal: the recovery keys decrypted under root_key. */
int sym_image_seal_open(struct sym_image_seal_part *p,
    const struct sym_image_info *info, const uint8_t *root_key);
/* Commit: the recovery keys sealed again under (a perhaps new) root_key. */
int sym_image_seal_reseal(struct sym_image_seal_part *p,
    const struct sym_image_info *info, const uint8_t *root_key);
/* Wipes the keys in clear (sealing the image again). */
void sym_image_seal_forget(struct sym_image_seal_part *p);
/* Frees the sealed blobs and wipes the keys. */
void sym_image_seal_free(struct sym_image_seal_part *p);

#endif
