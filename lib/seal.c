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
	/* Today's image format keeps no device blob: none to hand over. */
	rc = seal->ops->release(seal->state, key, img, NULL, 0);
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

static void
hex(char *out, const uint8_t *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

int
sym_seal_status(struct sym_seal_status *out, const char *path)
{
	struct sym_image *img = NULL;
	struct sym_image_pending pending;
	uint8_t fingerprint[SYM_FINGERPRINT_BYTES];
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = sym_image_open(&img, path, SYM_IMAGE_READ)) != SYM_OK)
		return rc;
	out->info = *sym_image_info(img);
	out->type = sym_seal_type_name(out->info.seal.type);
	/* Unreadable pending operations are shown as none, as ever. */
	if (sym_image_pending_get(img, &pending) == SYM_OK) {
		out->rekey_pending = pending.rekey != NULL;
		out->journal = pending.journal_count;
		sym_image_pending_clear(&pending);
	}
	sym_image_close(img);
	sym_fingerprint(fingerprint, out->info.identity);
	if (sym_fingerprint_hex(out->fingerprint, sizeof out->fingerprint,
	    fingerprint) != SYM_OK || sym_fingerprint_words(out->words,
	    sizeof out->words, fingerprint,
	    SYM_FINGERPRINT_WORD_BYTES) != SYM_OK)
		return SYM_EINTERNAL;
	hex(out->image_id, out->info.image_id, SYM_IMAGE_ID_BYTES);
	hex(out->fingerprint_plain, fingerprint, SYM_FINGERPRINT_BYTES);
	return SYM_OK;
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
