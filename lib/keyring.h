/*
 * Private to the image layer: the keyring, the numbered terms whose keys
 * encrypt entries (docs/FORMAT.md).  New writes use the active term; older
 * terms keep decrypting until re-encryption drops them.  Its plaintext
 * form (CBOR [* [term, installed, key]]) lives only in secure memory.
 */
#ifndef SYMBOLON_KEYRING_H
#define SYMBOLON_KEYRING_H

#include <stddef.h>
#include <stdint.h>

#include "image_core.h"

/* The plaintext keyring of img, in a new secure buffer. */
int sym_keyring_encode(uint8_t **out, size_t *len, const struct sym_image *img);
/* Reads a plaintext keyring into img's terms: SYM_ECORRUPT. */
int sym_keyring_decode(struct sym_image *img, const uint8_t *buf, size_t len);
/* Adds a fresh term, made active (not yet committed). */
int sym_keyring_add(struct sym_image *img, uint64_t now);
/* The key of a keyring term, or NULL. */
const uint8_t *sym_image_term_key(const struct sym_image *img, unsigned term);
/* Drops the keyring terms no entry uses, but never the active one. */
void sym_image_drop_unused_terms(struct sym_image *img);

#endif
