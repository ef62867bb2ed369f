/*
 * What an image keeps for its auto seals, as image.h offers it: device
 * records, the recovery key (install, check, promote, discard), and the
 * role check of every share offered to an image.  The core's form of
 * these is image_seal.c's.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/secmem.h"

#include "image_internal.h"
#include "image_seal.h"

int
sym_image_set_devices(struct sym_image *img,
    const struct sym_image_device *devices, size_t count)
{
	struct sym_image_info *info = &img->info;

	if (!img->unsealed || img->mode != SYM_IMAGE_WRITE)
		return SYM_ESEALED;
	/* Never commit what the reader would refuse. */
	if (sym_image_seal_check_devices(devices, count) != SYM_OK)
		return SYM_EUSAGE;
	memcpy(info->devices, devices, count * sizeof devices[0]);
	info->device_count = count;
	return SYM_OK;
}

static int
copy_key(uint8_t **slot, const uint8_t *key)
{
	if (*slot == NULL && (*slot = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES)) ==
	    NULL)
		return SYM_ENOMEM;
	memcpy(*slot, key, SYM_IMAGE_KEY_BYTES);
	return SYM_OK;
}

int
sym_image_recovery_install(struct sym_image *img,
    const uint8_t key[static SYM_IMAGE_KEY_BYTES],
    const struct sym_image_seal *config, int verify)
{
	struct sym_image_info *info = &img->info;
	int rc;

	if (!img->unsealed || img->mode != SYM_IMAGE_WRITE)
		return SYM_ESEALED;
	if (config->type != SYM_SEAL_SHAMIR)
		return SYM_EUSAGE;
	if (verify) {
		if ((rc = copy_key(&img->seal_part.pending_recovery_key, key)) != SYM_OK)
			return rc;
		info->pending_recovery = *config;
		info->recovery_pending = 1;
		return SYM_OK;
	}
	if ((rc = copy_key(&img->seal_part.recovery_key, key)) != SYM_OK)
		return rc;
	info->recovery = *config;
	info->recovery_seal = 1;
	return sym_image_recovery_discard(img);
}

int
sym_image_recovery_check(const struct sym_image *img,
    const uint8_t key[static SYM_IMAGE_KEY_BYTES], int pending)
{
	const uint8_t *stored = pending ? img->seal_part.pending_recovery_key :
	    img->seal_part.recovery_key;

	if (!img->unsealed)
		return SYM_ESEALED;
	if (stored == NULL)
		return SYM_EUSAGE;
	return sodium_memcmp(stored, key, SYM_IMAGE_KEY_BYTES) == 0 ? SYM_OK :
	    SYM_ERECOVERY;
}

int
sym_image_recovery_promote(struct sym_image *img)
{
	struct sym_image_info *info = &img->info;

	int rc;

	if (!img->unsealed || img->mode != SYM_IMAGE_WRITE)
		return SYM_ESEALED;
	if (!info->recovery_pending || img->seal_part.pending_recovery_key ==
	    NULL)
		return SYM_EUSAGE;
	if ((rc = copy_key(&img->seal_part.recovery_key,
	    img->seal_part.pending_recovery_key)) != SYM_OK)
		return rc;
	info->recovery = info->pending_recovery;
	info->recovery_seal = 1;
	return sym_image_recovery_discard(img);
}

int
sym_image_recovery_discard(struct sym_image *img)
{
	struct sym_image_info *info = &img->info;

	if (!img->unsealed)
		return SYM_ESEALED;
	sym_secmem_free(img->seal_part.pending_recovery_key);
	img->seal_part.pending_recovery_key = NULL;
	free(img->seal_part.pending_recovery_blob.ciphertext);
	memset(&img->seal_part.pending_recovery_blob, 0,
	    sizeof img->seal_part.pending_recovery_blob);
	info->recovery_pending = 0;
	memset(&info->pending_recovery, 0, sizeof info->pending_recovery);
	return SYM_OK;
}

/* The checks of sym_image_check_share against config, for a share of
 * this image and of the expected role. */
static int
check_against(const struct sym_share *share,
    const struct sym_image_seal *config)
{
	if (share->generation != config->generation)
		return SYM_EGENERATION;
	if (share->threshold != config->threshold ||
	    share->count != config->shares ||
	    memcmp(share->manifest_hash, config->manifest_hash,
	    SYM_MANIFEST_HASH_BYTES) != 0)
		return SYM_EMANIFEST;
	return SYM_OK;
}

const struct sym_image_seal *
sym_image_share_seal(const struct sym_image_info *info,
    enum sym_image_share_kind kind)
{
	switch (kind) {
	case SYM_IMAGE_PENDING_UNSEAL_SHARE:
		return &info->pending_seal;
	case SYM_IMAGE_RECOVERY_SHARE:
		return &info->recovery;
	case SYM_IMAGE_PENDING_RECOVERY_SHARE:
		return &info->pending_recovery;
	case SYM_IMAGE_UNSEAL_SHARE:
		break;
	}
	return &info->seal;
}

enum sym_image_share_kind
sym_image_quorum_kind(const struct sym_image *img, int pending)
{
	if (img->info.seal.type == SYM_SEAL_AUTO)
		return pending ? SYM_IMAGE_PENDING_RECOVERY_SHARE :
		    SYM_IMAGE_RECOVERY_SHARE;
	return pending ? SYM_IMAGE_PENDING_UNSEAL_SHARE :
	    SYM_IMAGE_UNSEAL_SHARE;
}

int
sym_image_check_share_of(const struct sym_image *img,
    const struct sym_share *share, enum sym_image_share_kind kind)
{
	const struct sym_image_info *info = &img->info;
	int recovery = kind == SYM_IMAGE_RECOVERY_SHARE ||
	    kind == SYM_IMAGE_PENDING_RECOVERY_SHARE;

	/* The image first: a share of another image is that, whatever its
	 * role. */
	if (memcmp(share->signer, info->identity, SYM_SIGN_PUBLICKEY_BYTES) !=
	    0 || memcmp(share->set_id, info->image_id, SYM_IMAGE_ID_BYTES) != 0)
		return SYM_EWRONGIMAGE;
	if (share->recovery != recovery)
		return SYM_ESHAREROLE;
	/* A kind this image has not, or nothing pending to verify. */
	if ((kind == SYM_IMAGE_UNSEAL_SHARE &&
	    info->seal.type != SYM_SEAL_SHAMIR) ||
	    (kind == SYM_IMAGE_RECOVERY_SHARE && !info->recovery_seal))
		return SYM_ESHAREROLE;
	if ((kind == SYM_IMAGE_PENDING_UNSEAL_SHARE &&
	    !info->verification_pending) ||
	    (kind == SYM_IMAGE_PENDING_RECOVERY_SHARE &&
	    !info->recovery_pending))
		return SYM_EUSAGE;
	return check_against(share, sym_image_share_seal(info, kind));
}
