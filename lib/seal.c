/* The seal interface: see symbolon/seal.h. */
#include <string.h>

#include <sodium.h>

#include "symbolon/seal.h"
#include "symbolon/secmem.h"

const char *
sym_seal_type_name(enum sym_seal_type type)
{
	switch (type) {
	case SYM_SEAL_SHAMIR:
		return "shamir";
	case SYM_SEAL_AUTO:
		return "auto";
	}
	return "unknown";
}

int
sym_seal_make(struct sym_seal *seal, uint8_t *key, struct sym_seal_made *made,
    const struct sym_image *img, uint64_t now)
{
	int rc;

	memset(made, 0, sizeof *made);
	if (seal->ops == NULL || seal->ops->make == NULL)
		return SYM_EUSAGE;
	rc = seal->ops->make(seal->state, key, made, img, now);
	if (rc != SYM_OK)
		sodium_memzero(key, SYM_IMAGE_KEY_BYTES);
	return rc;
}

int
sym_seal_publish(struct sym_seal *seal)
{
	if (seal->ops == NULL)
		return SYM_EUSAGE;
	return seal->ops->publish ? seal->ops->publish(seal->state) : SYM_OK;
}

void
sym_seal_withdraw(struct sym_seal *seal)
{
	if (seal->ops != NULL && seal->ops->withdraw != NULL)
		seal->ops->withdraw(seal->state);
}

int
sym_seal_release(struct sym_seal *seal, uint8_t *key,
    const struct sym_image *img)
{
	int rc;

	if (seal->ops == NULL || seal->ops->release == NULL)
		return SYM_EUSAGE;
	rc = seal->ops->release(seal->state, key, img);
	if (rc != SYM_OK)
		sodium_memzero(key, SYM_IMAGE_KEY_BYTES);
	return rc;
}

int
sym_seal_unseal(struct sym_image *img, struct sym_seal *seal)
{
	uint8_t *key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES);
	int rc;

	if (key == NULL)
		return SYM_ENOMEM;
	rc = sym_seal_release(seal, key, img);
	if (rc == SYM_OK)
		rc = sym_image_unseal_key(img, key);
	sym_secmem_free(key);
	return rc;
}

void
sym_seal_free(struct sym_seal *seal)
{
	if (seal == NULL)
		return;
	if (seal->ops != NULL && seal->ops->free != NULL && seal->state != NULL)
		seal->ops->free(seal->state);
	memset(seal, 0, sizeof *seal);
}
