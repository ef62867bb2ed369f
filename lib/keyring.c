/* The keyring: see keyring.h. */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/cbor.h"
#include "symbolon/random.h"
#include "symbolon/secmem.h"

#include "keyring.h"

const uint8_t *
sym_image_term_key(const struct sym_image *img, unsigned term)
{
	for (unsigned i = 0; i < img->term_count; i++)
		if (img->terms[i].term == term)
			return img->terms[i].key;
	return NULL;
}

void
sym_image_drop_unused_terms(struct sym_image *img)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < img->term_count; i++) {
		int used = img->terms[i].term == img->info.active_term;

		for (size_t e = 0; e < img->entry_count && !used; e++)
			used = img->entries[e].term == img->terms[i].term;
		if (used)
			img->terms[kept++] = img->terms[i];
	}
	sodium_memzero(&img->terms[kept],
	    (img->term_count - kept) * sizeof img->terms[0]);
	img->term_count = kept;
	img->info.terms = kept;
}

int
sym_keyring_add(struct sym_image *img, uint64_t now)
{
	struct sym_keyring_term *t;
	int rc;

	if (!img->unsealed || img->mode != SYM_IMAGE_WRITE)
		return SYM_ESEALED;
	if (img->term_count >= SYM_IMAGE_MAX_TERMS)
		return SYM_ETOOBIG;
	t = &img->terms[img->term_count];
	rc = sym_random_bytes(t->key, sizeof t->key, SYM_RANDOM_SECRET);
	if (rc != SYM_OK)
		return rc;
	t->term = img->info.active_term + 1;
	t->installed = now;
	img->term_count++;
	img->info.terms = img->term_count;
	img->info.active_term = t->term;
	return SYM_OK;
}
int
sym_keyring_encode(uint8_t **out, size_t *len, const struct sym_image *img)
{
	size_t cap = 16 + (size_t)img->term_count * 64;
	struct sym_cbor_writer w;
	int rc;

	*out = sym_secmem_alloc(cap);
	if (*out == NULL)
		return SYM_ENOMEM;
	sym_cbor_writer_init(&w, *out, cap);
	sym_cbor_put_array(&w, img->term_count);
	for (unsigned i = 0; i < img->term_count; i++) {
		sym_cbor_put_array(&w, 3);
		sym_cbor_put_uint(&w, img->terms[i].term);
		sym_cbor_put_uint(&w, img->terms[i].installed);
		sym_cbor_put_bytes(&w, img->terms[i].key, SYM_IMAGE_KEY_BYTES);
	}
	rc = sym_cbor_writer_finish(&w, len);
	if (rc != SYM_OK) {
		sym_secmem_free(*out);
		*out = NULL;
	}
	return rc;
}

int
sym_keyring_decode(struct sym_image *img, const uint8_t *buf, size_t len)
{
	struct sym_cbor_reader r;
	size_t items, fields, key_len;
	const uint8_t *key;
	uint64_t term;
	int rc;

	if ((rc = sym_cbor_check_canonical(buf, len, NULL)) != SYM_OK)
		return SYM_ECORRUPT;
	sym_cbor_reader_init(&r, buf, len);
	if ((rc = sym_cbor_read_array(&r, &items)) != SYM_OK ||
	    items == 0 || items > SYM_IMAGE_MAX_TERMS)
		return SYM_ECORRUPT;
	for (size_t i = 0; i < items; i++) {
		struct sym_keyring_term *t = &img->terms[i];

		if (sym_cbor_read_array(&r, &fields) != SYM_OK || fields != 3 ||
		    sym_cbor_read_uint(&r, &term) != SYM_OK || term == 0 ||
		    term > UINT32_MAX ||
		    sym_cbor_read_uint(&r, &t->installed) != SYM_OK ||
		    sym_cbor_read_bytes(&r, &key, &key_len) != SYM_OK ||
		    key_len != SYM_IMAGE_KEY_BYTES)
			return SYM_ECORRUPT;
		t->term = (unsigned)term;
		memcpy(t->key, key, SYM_IMAGE_KEY_BYTES);
	}
	img->term_count = (unsigned)items;
	return SYM_OK;
}
