/*
 * Private to the image layer: sealed blobs, the parts of an image's core
 * encrypted under the root key R (keyring, identity, entry index, the
 * recovery keys): XChaCha20-Poly1305 with the image id and a label as
 * associated data, a fresh nonce at every seal; and their CBOR form
 * {1 nonce, 2 ciphertext} (the index's {1 count, 2 nonce, 3 ciphertext}).
 */
#ifndef SYMBOLON_IMAGE_BLOB_H
#define SYMBOLON_IMAGE_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/cbor.h"

struct sym_sealed_blob {
	uint8_t nonce[24];
	uint8_t *ciphertext;		/* heap */
	size_t len;
};

/* The associated data: image id (16 bytes) || label || extra (8 bytes,
 * little-endian); ad holds 64 bytes. */
void sym_image_blob_ad(uint8_t *ad, size_t *ad_len, const uint8_t *image_id,
    const char *label, uint64_t extra);

/* Seals plain into blob under key (a fresh nonce every time). */
int sym_image_blob_seal(struct sym_sealed_blob *blob, const uint8_t *key,
    const uint8_t *image_id, const char *label, const uint8_t *plain,
    size_t len);
/* Opens a blob into a new secure buffer: SYM_ECORRUPT if it fails. */
int sym_image_blob_open(uint8_t **plain, size_t *len,
    const struct sym_sealed_blob *blob, const uint8_t *key,
    const uint8_t *image_id, const char *label);

void sym_image_put_blob(struct sym_cbor_writer *w,
    const struct sym_sealed_blob *b);
int sym_image_read_blob(struct sym_cbor_reader *r, struct sym_sealed_blob *b);
/* The same with a leading count (the entry index). */
void sym_image_put_blob_counted(struct sym_cbor_writer *w,
    const struct sym_sealed_blob *b, int with_count, uint64_t count);
int sym_image_read_blob_counted(struct sym_cbor_reader *r,
    struct sym_sealed_blob *b, int with_count, uint64_t *count);

#endif
