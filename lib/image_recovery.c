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

int
sym_image_set_devices(struct sym_image *img,
    const struct sym_image_device *devices, size_t count)
{
	struct sym_image_info *info = &img->info;

	if (!img->unsealed || count == 0 || count > SYM_IMAGE_MAX_DEVICES)
		return SYM_EUSAGE;
	for (size_t i = 0; i < count; i++)
		if (devices[i].wrapped_len == 0 ||
		    devices[i].wrapped_len > SYM_SEAL_WRAPPED_MAX ||
		    (i > 0 && devices[i].priority < devices[i - 1].priority))
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

	if (!img->unsealed || !info->recovery_pending ||
	    img->seal_part.pending_recovery_key == NULL)
		return SYM_EUSAGE;
	memcpy(img->seal_part.recovery_key, img->seal_part.pending_recovery_key,
	    SYM_IMAGE_KEY_BYTES);
	info->recovery = info->pending_recovery;
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
 * the expected role. */
static int
check_against(const struct sym_image *img, const struct sym_share *share,
    const struct sym_image_seal *config)
{
	if (memcmp(share->signer, img->info.identity,
	    SYM_SIGN_PUBLICKEY_BYTES) != 0 ||
	    memcmp(share->set_id, img->info.image_id, SYM_IMAGE_ID_BYTES) != 0)
		return SYM_EWRONGIMAGE;
	if (share->generation != config->generation)
		return SYM_EGENERATION;
	if (share->threshold != config->threshold ||
	    share->count != config->shares ||
	    memcmp(share->manifest_hash, config->manifest_hash,
	    SYM_MANIFEST_HASH_BYTES) != 0)
		return SYM_EMANIFEST;
	return SYM_OK;
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
	switch (kind) {
	case SYM_IMAGE_UNSEAL_SHARE:
		if (info->seal.type != SYM_SEAL_SHAMIR)
			return SYM_ESHAREROLE;
		return check_against(img, share, &info->seal);
	case SYM_IMAGE_PENDING_UNSEAL_SHARE:
		if (!info->verification_pending)
			return SYM_EUSAGE;
		return check_against(img, share, &info->pending_seal);
	case SYM_IMAGE_RECOVERY_SHARE:
		if (!info->recovery_seal)
			return SYM_ESHAREROLE;
		return check_against(img, share, &info->recovery);
	case SYM_IMAGE_PENDING_RECOVERY_SHARE:
		if (!info->recovery_pending)
			return SYM_EUSAGE;
		return check_against(img, share, &info->pending_recovery);
	}
	return SYM_EUSAGE;
}
