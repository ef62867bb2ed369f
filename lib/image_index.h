/*
 * Private to the image layer: the entry index, the list of entries (name,
 * term, place and size in the data area, times).  Its plaintext form (CBOR
 * [* {1: name, ..., 7: modified}]) lives only in secure memory.
 */
#ifndef SYMBOLON_IMAGE_INDEX_H
#define SYMBOLON_IMAGE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "image_core.h"

/* The plaintext index of img, in a new secure buffer. */
int sym_image_index_encode(uint8_t **out, size_t *len,
    const struct sym_image *img);
/* Reads a plaintext index into img's entries: SYM_ECORRUPT. */
int sym_image_index_decode(struct sym_image *img, const uint8_t *buf,
    size_t len);
/* Index of the entry called name, or -1. */
long sym_image_find_entry(const struct sym_image *img, const char *name);

#endif
