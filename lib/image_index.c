/* The entry index: see image_index.h. */
#include <stdint.h>
#include <string.h>

#include "symbolon/cbor.h"
#include "symbolon/secmem.h"

#include "image_index.h"

enum {
	INDEX_NAME = 1, INDEX_TERM = 2, INDEX_OFFSET = 3, INDEX_STORED = 4,
	INDEX_SIZE = 5, INDEX_CREATED = 6, INDEX_MODIFIED = 7,
};

long
sym_image_find_entry(const struct sym_image *img, const char *name)
{
	for (size_t i = 0; i < img->entry_count; i++)
		if (strcmp(img->entries[i].name, name) == 0)
			return (long)i;
	return -1;
}

int
sym_image_index_encode(uint8_t **out, size_t *len,
    const struct sym_image *img)
{
	size_t cap = 16 + img->entry_count * (SYM_IMAGE_NAME_MAX + 80);
	struct sym_cbor_writer w;
	int rc;

	*out = sym_secmem_alloc(cap);
	if (*out == NULL)
		return SYM_ENOMEM;
	sym_cbor_writer_init(&w, *out, cap);
	sym_cbor_put_array(&w, img->entry_count);
	for (size_t i = 0; i < img->entry_count; i++) {
		const struct sym_image_entry *e = &img->entries[i];

		sym_cbor_put_map(&w, 7);
		sym_cbor_put_uint(&w, INDEX_NAME);
		sym_cbor_put_text(&w, e->name, strlen(e->name));
		sym_cbor_put_uint(&w, INDEX_TERM);
		sym_cbor_put_uint(&w, e->term);
		sym_cbor_put_uint(&w, INDEX_OFFSET);
		sym_cbor_put_uint(&w, e->offset);
		sym_cbor_put_uint(&w, INDEX_STORED);
		sym_cbor_put_uint(&w, e->stored);
		sym_cbor_put_uint(&w, INDEX_SIZE);
		sym_cbor_put_uint(&w, e->size);
		sym_cbor_put_uint(&w, INDEX_CREATED);
		sym_cbor_put_uint(&w, e->created);
		sym_cbor_put_uint(&w, INDEX_MODIFIED);
		sym_cbor_put_uint(&w, e->modified);
	}
	rc = sym_cbor_writer_finish(&w, len);
	if (rc != SYM_OK) {
		sym_secmem_free(*out);
		*out = NULL;
	}
	return rc;
}

int
sym_image_index_decode(struct sym_image *img, const uint8_t *buf,
    size_t len)
{
	struct sym_cbor_reader r;
	size_t items, fields, name_len;
	const char *name;
	uint64_t key, term;

	if (sym_cbor_check_canonical(buf, len, NULL) != SYM_OK)
		return SYM_ECORRUPT;
	sym_cbor_reader_init(&r, buf, len);
	if (sym_cbor_read_array(&r, &items) != SYM_OK ||
	    items > SYM_IMAGE_MAX_ENTRIES)
		return SYM_ECORRUPT;
	for (size_t i = 0; i < items; i++) {
		struct sym_image_entry *e = &img->entries[i];

		if (sym_cbor_read_map(&r, &fields) != SYM_OK || fields != 7)
			return SYM_ECORRUPT;
		for (uint64_t k = INDEX_NAME; k <= INDEX_MODIFIED; k++) {
			int rc = sym_cbor_read_uint(&r, &key);

			if (rc != SYM_OK || key != k)
				return SYM_ECORRUPT;
			switch (k) {
			case INDEX_NAME:
				rc = sym_cbor_read_text(&r, &name, &name_len);
				if (rc != SYM_OK || name_len == 0 ||
				    name_len > SYM_IMAGE_NAME_MAX ||
				    memchr(name, 0, name_len))
					return SYM_ECORRUPT;
				memcpy(e->name, name, name_len);
				e->name[name_len] = '\0';
				break;
			case INDEX_TERM:
				rc = sym_cbor_read_uint(&r, &term);
				if (term > UINT32_MAX)
					return SYM_ECORRUPT;
				e->term = (unsigned)term;
				break;
			case INDEX_OFFSET:
				rc = sym_cbor_read_uint(&r, &e->offset);
				break;
			case INDEX_STORED:
				rc = sym_cbor_read_uint(&r, &e->stored);
				break;
			case INDEX_SIZE:
				rc = sym_cbor_read_uint(&r, &e->size);
				break;
			case INDEX_CREATED:
				rc = sym_cbor_read_uint(&r, &e->created);
				break;
			case INDEX_MODIFIED:
				rc = sym_cbor_read_uint(&r, &e->modified);
				break;
			}
			if (rc != SYM_OK)
				return SYM_ECORRUPT;
		}
	}
	img->entry_count = items;
	return SYM_OK;
}

