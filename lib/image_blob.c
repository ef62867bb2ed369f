/* Sealed blobs of an image's core: see image_blob.h. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/image_format.h"
#include "symbolon/random.h"
#include "symbolon/secmem.h"

#include "image_blob.h"
#include "image_slot.h"

#define AEAD_NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define AEAD_TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES

/* ---------------------------------------------------------------- */
/* Sealed blobs: XChaCha20-Poly1305 under a key, AD = image id || label */

void
sym_image_blob_ad(uint8_t *ad, size_t *ad_len, const uint8_t *image_id,
    const char *label, uint64_t extra)
{
	size_t label_len = strlen(label);

	memcpy(ad, image_id, SYM_IMAGE_ID_BYTES);
	memcpy(ad + SYM_IMAGE_ID_BYTES, label, label_len);
	for (int i = 0; i < 8; i++)
		ad[SYM_IMAGE_ID_BYTES + label_len + (size_t)i] =
		    (uint8_t)(extra >> (8 * i));
	*ad_len = SYM_IMAGE_ID_BYTES + label_len + 8;
}

int
sym_image_blob_seal(struct sym_sealed_blob *blob, const uint8_t *key,
    const uint8_t *image_id, const char *label, const uint8_t *plain,
    size_t len)
{
	uint8_t ad[64];
	size_t ad_len;
	uint8_t *ct;
	int rc;

	sym_image_blob_ad(ad, &ad_len, image_id, label, 0);
	ct = malloc(len + AEAD_TAG_BYTES);
	if (ct == NULL)
		return SYM_ENOMEM;
	rc = sym_random_bytes(blob->nonce, sizeof blob->nonce, SYM_RANDOM_PUBLIC);
	if (rc != SYM_OK) {
		free(ct);
		return rc;
	}
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, NULL, plain, len, ad,
	    ad_len, NULL, blob->nonce, key);
	free(blob->ciphertext);
	blob->ciphertext = ct;
	blob->len = len + AEAD_TAG_BYTES;
	return SYM_OK;
}

/* Opens a blob into a new secure buffer. */
int
sym_image_blob_open(uint8_t **plain, size_t *len,
    const struct sym_sealed_blob *blob,
    const uint8_t *key, const uint8_t *image_id, const char *label)
{
	uint8_t ad[64];
	size_t ad_len;

	*plain = NULL;
	*len = 0;
	if (blob->len < AEAD_TAG_BYTES)
		return SYM_ECORRUPT;
	sym_image_blob_ad(ad, &ad_len, image_id, label, 0);
	*plain = sym_secmem_alloc(blob->len - AEAD_TAG_BYTES);
	if (*plain == NULL)
		return SYM_ENOMEM;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(*plain, NULL, NULL,
	    blob->ciphertext, blob->len, ad, ad_len, blob->nonce, key) != 0) {
		sym_secmem_free(*plain);
		*plain = NULL;
		return SYM_ECORRUPT;
	}
	*len = blob->len - AEAD_TAG_BYTES;
	return SYM_OK;
}

void
sym_image_put_blob_counted(struct sym_cbor_writer *w, const struct sym_sealed_blob *b,
    int with_count, uint64_t count)
{
	sym_cbor_put_map(w, with_count ? 3 : 2);
	sym_cbor_put_uint(w, 1);
	if (with_count) {
		sym_cbor_put_uint(w, count);
		sym_cbor_put_uint(w, 2);
	}
	sym_cbor_put_bytes(w, b->nonce, sizeof b->nonce);
	sym_cbor_put_uint(w, with_count ? 3 : 2);
	sym_cbor_put_bytes(w, b->ciphertext, b->len);
}

void
sym_image_put_blob(struct sym_cbor_writer *w, const struct sym_sealed_blob *b)
{
	sym_image_put_blob_counted(w, b, 0, 0);
}

int
sym_image_read_blob_counted(struct sym_cbor_reader *r, struct sym_sealed_blob *b, int with_count,
    uint64_t *count)
{
	const uint8_t *ct;
	size_t pairs, len;

	if (sym_cbor_read_map(r, &pairs) != SYM_OK ||
	    pairs != (with_count ? 3u : 2u))
		return SYM_ECORRUPT;
	if (with_count && (sym_image_read_key(r, 1) != SYM_OK ||
	    sym_cbor_read_uint(r, count) != SYM_OK))
		return SYM_ECORRUPT;
	if (sym_image_read_key(r, with_count ? 2 : 1) != SYM_OK ||
	    sym_cbor_read_fixed(r, b->nonce, sizeof b->nonce) != SYM_OK ||
	    sym_image_read_key(r, with_count ? 3 : 2) != SYM_OK ||
	    sym_cbor_read_bytes(r, &ct, &len) != SYM_OK ||
	    len < AEAD_TAG_BYTES)
		return SYM_ECORRUPT;
	free(b->ciphertext);
	b->ciphertext = malloc(len);
	if (b->ciphertext == NULL)
		return SYM_ENOMEM;
	memcpy(b->ciphertext, ct, len);
	b->len = len;
	return SYM_OK;
}


int
sym_image_read_blob(struct sym_cbor_reader *r, struct sym_sealed_blob *b)
{
	return sym_image_read_blob_counted(r, b, 0, NULL);
}
