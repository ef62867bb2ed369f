#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "symbolon/bundle.h"
#include "symbolon/cbor.h"
#include "symbolon/random.h"
#include "symbolon/secmem.h"

#include "image_internal.h"

static const uint8_t slot_magic[8] = { 'S', 'Y', 'M', 'B', 'I', 'M', 'G', 1 };
#define SLOT_PREFIX_BYTES 12u	/* magic, 4-byte length */
#define SLOT_CHECKSUM_BYTES 32u
#define ENVELOPE_MAX (SYM_IMAGE_SLOT_BYTES - SLOT_PREFIX_BYTES - SLOT_CHECKSUM_BYTES)
#define AEAD_NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define AEAD_TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES

/* Envelope keys. */
enum { ENV_VERSION = 1, ENV_SEQID = 2, ENV_CORE = 3, ENV_MAC = 4, ENV_PENDING = 5 };

/* Core bundle fields (after the common 1..3). */
enum {
	CORE_IMAGE_ID = 4,
	CORE_CREATED = 5,
	CORE_SEAL = 6,
	CORE_WRAPPINGS = 7,
	CORE_KEYRING = 8,
	CORE_IDENTITY = 9,
	CORE_INDEX = 10,
	CORE_DATA_END = 11,
	CORE_AUDIT = 12,
	CORE_REENCRYPT = 13,
	CORE_PENDING_SEAL = 14,
	CORE_COMMIT = 15,	/* the seqid this core was committed with */
};

static int drain_journal(struct sym_image *img, uint64_t now);

/* Labels for the associated data of each sealed part. */
static const char label_keyring[] = "keyring";
static const char label_identity[] = "identity";
static const char label_index[] = "index";

/* ---------------------------------------------------------------- */
/* Sealed blobs: XChaCha20-Poly1305 under a key, AD = image id || label */

static void
make_ad(uint8_t *ad, size_t *ad_len, const uint8_t image_id[SYM_IMAGE_ID_BYTES],
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

static int
seal_blob(struct sym_sealed_blob *blob, const uint8_t *key,
    const uint8_t *image_id, const char *label, const uint8_t *plain,
    size_t len)
{
	uint8_t ad[64];
	size_t ad_len;
	uint8_t *ct;
	int rc;

	make_ad(ad, &ad_len, image_id, label, 0);
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
static int
open_blob(uint8_t **plain, size_t *len, const struct sym_sealed_blob *blob,
    const uint8_t *key, const uint8_t *image_id, const char *label)
{
	uint8_t ad[64];
	size_t ad_len;

	*plain = NULL;
	*len = 0;
	if (blob->len < AEAD_TAG_BYTES)
		return SYM_ECORRUPT;
	make_ad(ad, &ad_len, image_id, label, 0);
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

static void
wrap_ad(uint8_t *ad, size_t *ad_len, const uint8_t *image_id,
    uint64_t generation)
{
	make_ad(ad, ad_len, image_id, "root", generation);
}

static int
wrap_root(struct sym_image_wrapping *w, const uint8_t *unseal_key,
    const uint8_t *root_key, const uint8_t *image_id)
{
	uint8_t ad[64];
	size_t ad_len;
	int rc;

	wrap_ad(ad, &ad_len, image_id, w->generation);
	rc = sym_random_bytes(w->nonce, sizeof w->nonce, SYM_RANDOM_PUBLIC);
	if (rc != SYM_OK)
		return rc;
	crypto_aead_xchacha20poly1305_ietf_encrypt(w->ciphertext, NULL,
	    root_key, SYM_IMAGE_KEY_BYTES, ad, ad_len, NULL, w->nonce,
	    unseal_key);
	return SYM_OK;
}

static int
unwrap_root(uint8_t *root_key, const struct sym_image_wrapping *w,
    const uint8_t *unseal_key, const uint8_t *image_id)
{
	uint8_t ad[64];
	size_t ad_len;

	wrap_ad(ad, &ad_len, image_id, w->generation);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(root_key, NULL, NULL,
	    w->ciphertext, sizeof w->ciphertext, ad, ad_len, w->nonce,
	    unseal_key) != 0)
		return SYM_EUNSEAL;
	return SYM_OK;
}

static void
core_mac(uint8_t mac[32], const uint8_t *root_key, const uint8_t *image_id,
    const uint8_t *core, size_t core_len)
{
	static const unsigned char personal[16] = "symbolon-mac-v1";
	uint8_t mac_key[32];

	/* K_mac = BLAKE2b(key = R, personal, image id); MAC = BLAKE2b(key =
	 * K_mac, core): a key used for nothing else. */
	(void)crypto_generichash_blake2b_salt_personal(mac_key, sizeof mac_key,
	    image_id, SYM_IMAGE_ID_BYTES, root_key, SYM_IMAGE_KEY_BYTES, NULL,
	    personal);
	(void)crypto_generichash_blake2b(mac, 32, core, core_len, mac_key,
	    sizeof mac_key);
	sodium_memzero(mac_key, sizeof mac_key);
}

/* ---------------------------------------------------------------- */
/* Names, lookups, keyring */

int
sym_image_check_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > SYM_IMAGE_NAME_MAX)
		return SYM_EUSAGE;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == 0x7f)
			return SYM_EUSAGE;
	}
	return SYM_OK;
}

long
sym_image_find_entry(const struct sym_image *img, const char *name)
{
	for (size_t i = 0; i < img->entry_count; i++)
		if (strcmp(img->entries[i].name, name) == 0)
			return (long)i;
	return -1;
}

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
sym_image_rotate(struct sym_image *img, uint64_t now)
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

/* ---------------------------------------------------------------- */
/* Data area */

int
sym_image_append_data(struct sym_image *img, const uint8_t *data, size_t len,
    uint64_t *offset)
{
	int rc;

	if (img->mode != SYM_IMAGE_WRITE)
		return SYM_EUSAGE;
	rc = sym_io_pwrite_all(img->fd, data, len, img->data_end);
	if (rc != SYM_OK)
		return rc;
	if (offset != NULL)
		*offset = img->data_end;
	img->data_end += len;
	img->dirty_data = 1;
	return SYM_OK;
}

int
sym_image_read_data(struct sym_image *img, uint64_t offset, uint8_t *buf,
    size_t len)
{
	if (offset < SYM_IMAGE_DATA_START || offset + len < offset ||
	    offset + len > img->data_end)
		return SYM_ECORRUPT;
	return sym_io_pread_all(img->fd, buf, len, offset);
}

/* ---------------------------------------------------------------- */
/* Keyring and index serialisation (plaintext, secure memory) */

static int
encode_keyring(uint8_t **out, size_t *len, const struct sym_image *img)
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

static int
decode_keyring(struct sym_image *img, const uint8_t *buf, size_t len)
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

enum {
	INDEX_NAME = 1, INDEX_TERM = 2, INDEX_OFFSET = 3, INDEX_STORED = 4,
	INDEX_SIZE = 5, INDEX_CREATED = 6, INDEX_MODIFIED = 7,
};

static int
encode_index(uint8_t **out, size_t *len, const struct sym_image *img)
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

static int
decode_index(struct sym_image *img, const uint8_t *buf, size_t len)
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

/* ---------------------------------------------------------------- */
/* The core bundle */

static void
put_blob(struct sym_cbor_writer *w, const struct sym_sealed_blob *b,
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

static void
put_seal(struct sym_cbor_writer *w, const struct sym_image_seal *seal)
{
	sym_cbor_put_map(w, 5);
	sym_cbor_put_uint(w, 1);
	sym_cbor_put_uint(w, seal->type);
	sym_cbor_put_uint(w, 2);
	sym_cbor_put_uint(w, seal->shares);
	sym_cbor_put_uint(w, 3);
	sym_cbor_put_uint(w, seal->threshold);
	sym_cbor_put_uint(w, 4);
	sym_cbor_put_uint(w, seal->generation);
	sym_cbor_put_uint(w, 5);
	sym_cbor_put_bytes(w, seal->manifest_hash, sizeof seal->manifest_hash);
}

static int
encode_core(uint8_t **payload, size_t *len, const struct sym_image *img)
{
	const struct sym_image_info *info = &img->info;
	size_t cap = 4096 + img->keyring_blob.len + img->identity_blob.len +
	    img->index_blob.len;
	struct sym_cbor_writer w;
	int rc;

	*payload = malloc(cap);
	if (*payload == NULL)
		return SYM_ENOMEM;
	sym_cbor_writer_init(&w, *payload, cap);
	sym_bundle_begin(&w, (size_t)10 + (img->reencrypt_term != 0) +
	    (info->verification_pending != 0), SYM_BUNDLE_IMAGE_CORE,
	    info->identity);
	sym_cbor_put_uint(&w, CORE_IMAGE_ID);
	sym_cbor_put_bytes(&w, info->image_id, SYM_IMAGE_ID_BYTES);
	sym_cbor_put_uint(&w, CORE_CREATED);
	sym_cbor_put_uint(&w, info->created);
	sym_cbor_put_uint(&w, CORE_SEAL);
	put_seal(&w, &info->seal);
	sym_cbor_put_uint(&w, CORE_WRAPPINGS);
	sym_cbor_put_array(&w, img->wrapping_count);
	for (unsigned i = 0; i < img->wrapping_count; i++) {
		const struct sym_image_wrapping *wr = &img->wrappings[i];

		sym_cbor_put_map(&w, 4);
		sym_cbor_put_uint(&w, 1);
		sym_cbor_put_uint(&w, wr->role);
		sym_cbor_put_uint(&w, 2);
		sym_cbor_put_uint(&w, wr->generation);
		sym_cbor_put_uint(&w, 3);
		sym_cbor_put_bytes(&w, wr->nonce, sizeof wr->nonce);
		sym_cbor_put_uint(&w, 4);
		sym_cbor_put_bytes(&w, wr->ciphertext, sizeof wr->ciphertext);
	}
	sym_cbor_put_uint(&w, CORE_KEYRING);
	sym_cbor_put_map(&w, 4);
	sym_cbor_put_uint(&w, 1);
	sym_cbor_put_uint(&w, info->terms);
	sym_cbor_put_uint(&w, 2);
	sym_cbor_put_uint(&w, info->active_term);
	sym_cbor_put_uint(&w, 3);
	sym_cbor_put_bytes(&w, img->keyring_blob.nonce, AEAD_NONCE_BYTES);
	sym_cbor_put_uint(&w, 4);
	sym_cbor_put_bytes(&w, img->keyring_blob.ciphertext,
	    img->keyring_blob.len);
	sym_cbor_put_uint(&w, CORE_IDENTITY);
	put_blob(&w, &img->identity_blob, 0, 0);
	sym_cbor_put_uint(&w, CORE_INDEX);
	put_blob(&w, &img->index_blob, 1, info->entries);
	sym_cbor_put_uint(&w, CORE_DATA_END);
	sym_cbor_put_uint(&w, info->data_end);
	sym_cbor_put_uint(&w, CORE_AUDIT);
	sym_cbor_put_map(&w, 4);
	sym_cbor_put_uint(&w, 1);
	sym_cbor_put_uint(&w, img->audit.count);
	sym_cbor_put_uint(&w, 2);
	sym_cbor_put_uint(&w, img->audit.offset);
	sym_cbor_put_uint(&w, 3);
	sym_cbor_put_uint(&w, img->audit.length);
	sym_cbor_put_uint(&w, 4);
	sym_cbor_put_bytes(&w, img->audit.hash, sizeof img->audit.hash);
	if (img->reencrypt_term) {
		sym_cbor_put_uint(&w, CORE_REENCRYPT);
		sym_cbor_put_uint(&w, img->reencrypt_term);
	}
	if (info->verification_pending) {
		sym_cbor_put_uint(&w, CORE_PENDING_SEAL);
		put_seal(&w, &info->pending_seal);
	}
	sym_cbor_put_uint(&w, CORE_COMMIT);
	sym_cbor_put_uint(&w, img->core_commit);
	rc = sym_cbor_writer_finish(&w, len);
	if (rc != SYM_OK) {
		free(*payload);
		*payload = NULL;
	}
	return rc;
}

/* Reads map {k: v} with keys 1..n in order into the given readers. */

static int
read_key(struct sym_cbor_reader *r, uint64_t expected)
{
	uint64_t key;

	if (sym_cbor_read_uint(r, &key) != SYM_OK || key != expected)
		return SYM_ECORRUPT;
	return SYM_OK;
}

static int
read_blob(struct sym_cbor_reader *r, struct sym_sealed_blob *b, int with_count,
    uint64_t *count)
{
	const uint8_t *ct;
	size_t pairs, len;

	if (sym_cbor_read_map(r, &pairs) != SYM_OK ||
	    pairs != (with_count ? 3u : 2u))
		return SYM_ECORRUPT;
	if (with_count && (read_key(r, 1) != SYM_OK ||
	    sym_cbor_read_uint(r, count) != SYM_OK))
		return SYM_ECORRUPT;
	if (read_key(r, with_count ? 2 : 1) != SYM_OK ||
	    sym_cbor_read_fixed(r, b->nonce, sizeof b->nonce) != SYM_OK ||
	    read_key(r, with_count ? 3 : 2) != SYM_OK ||
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


static int
read_seal(struct sym_cbor_reader *r, struct sym_image_seal *seal)
{
	uint64_t type;
	size_t pairs;

	if (sym_cbor_read_map(r, &pairs) != SYM_OK || pairs != 5 ||
	    read_key(r, 1) != SYM_OK ||
	    sym_cbor_read_uint(r, &type) != SYM_OK || type != SYM_SEAL_SHAMIR ||
	    read_key(r, 2) != SYM_OK ||
	    sym_cbor_read_uint_max(r, &seal->shares, 255) != SYM_OK ||
	    read_key(r, 3) != SYM_OK ||
	    sym_cbor_read_uint_max(r, &seal->threshold, 255) != SYM_OK ||
	    read_key(r, 4) != SYM_OK ||
	    sym_cbor_read_uint(r, &seal->generation) != SYM_OK ||
	    read_key(r, 5) != SYM_OK ||
	    sym_cbor_read_fixed(r, seal->manifest_hash,
	    SYM_MANIFEST_HASH_BYTES) != SYM_OK ||
	    seal->threshold < 2 || seal->threshold > seal->shares)
		return SYM_ECORRUPT;
	seal->type = SYM_SEAL_SHAMIR;
	return SYM_OK;
}

static int
parse_core(struct sym_image *img, const uint8_t *bytes, size_t len)
{
	struct sym_image_info *info = &img->info;
	struct sym_bundle b;
	struct sym_cbor_reader *r;
	uint64_t key, count;
	size_t pairs;
	unsigned seen = 0;
	int rc;

	rc = sym_bundle_open(&b, bytes, len, SYM_BUNDLE_IMAGE_CORE);
	if (rc != SYM_OK)
		return rc;
	r = &b.fields;
	memcpy(info->identity, b.signer, sizeof info->identity);
	while ((rc = sym_bundle_next_field(&b, &key)) == SYM_OK && key != 0) {
		switch (key) {
		case CORE_IMAGE_ID:
			rc = sym_cbor_read_fixed(r, info->image_id,
			    SYM_IMAGE_ID_BYTES);
			break;
		case CORE_CREATED:
			rc = sym_cbor_read_uint(r, &info->created);
			break;
		case CORE_SEAL:
			rc = read_seal(r, &info->seal);
			break;
		case CORE_PENDING_SEAL:
			rc = read_seal(r, &info->pending_seal);
			info->verification_pending = rc == SYM_OK;
			break;
		case CORE_COMMIT:
			rc = sym_cbor_read_uint(r, &img->core_commit);
			break;
		case CORE_WRAPPINGS:
			if (sym_cbor_read_array(r, &pairs) != SYM_OK ||
			    pairs == 0 || pairs > 4)
				return SYM_ECORRUPT;
			img->wrapping_count = (unsigned)pairs;
			for (unsigned i = 0; i < img->wrapping_count; i++) {
				struct sym_image_wrapping *w = &img->wrappings[i];
				size_t n;

				if (sym_cbor_read_map(r, &n) != SYM_OK || n != 4 ||
				    read_key(r, 1) != SYM_OK ||
				    sym_cbor_read_uint_max(r, &w->role, 2) != SYM_OK ||
				    w->role == 0 || read_key(r, 2) != SYM_OK ||
				    sym_cbor_read_uint(r, &w->generation) != SYM_OK ||
				    read_key(r, 3) != SYM_OK ||
				    sym_cbor_read_fixed(r, w->nonce,
				    sizeof w->nonce) != SYM_OK ||
				    read_key(r, 4) != SYM_OK ||
				    sym_cbor_read_fixed(r, w->ciphertext,
				    sizeof w->ciphertext) != SYM_OK)
					return SYM_ECORRUPT;
			}
			break;
		case CORE_KEYRING:
			if (sym_cbor_read_map(r, &pairs) != SYM_OK || pairs != 4 ||
			    read_key(r, 1) != SYM_OK ||
			    sym_cbor_read_uint_max(r, &info->terms, SYM_IMAGE_MAX_TERMS) ||
			    read_key(r, 2) != SYM_OK ||
			    sym_cbor_read_uint_max(r, &info->active_term, UINT32_MAX) ||
			    read_key(r, 3) != SYM_OK ||
			    sym_cbor_read_fixed(r, img->keyring_blob.nonce,
			    AEAD_NONCE_BYTES) != SYM_OK)
				return SYM_ECORRUPT;
			{
				const uint8_t *ct;
				size_t n;

				if (read_key(r, 4) != SYM_OK ||
				    sym_cbor_read_bytes(r, &ct, &n) != SYM_OK ||
				    n < AEAD_TAG_BYTES)
					return SYM_ECORRUPT;
				free(img->keyring_blob.ciphertext);
				img->keyring_blob.ciphertext = malloc(n);
				if (img->keyring_blob.ciphertext == NULL)
					return SYM_ENOMEM;
				memcpy(img->keyring_blob.ciphertext, ct, n);
				img->keyring_blob.len = n;
			}
			break;
		case CORE_IDENTITY:
			rc = read_blob(r, &img->identity_blob, 0, NULL);
			break;
		case CORE_INDEX:
			rc = read_blob(r, &img->index_blob, 1, &count);
			if (rc == SYM_OK && count > SYM_IMAGE_MAX_ENTRIES)
				rc = SYM_ECORRUPT;
			info->entries = (size_t)count;
			break;
		case CORE_DATA_END:
			rc = sym_cbor_read_uint(r, &info->data_end);
			if (rc == SYM_OK && info->data_end < SYM_IMAGE_DATA_START)
				rc = SYM_ECORRUPT;
			break;
		case CORE_AUDIT:
			if (sym_cbor_read_map(r, &pairs) != SYM_OK || pairs != 4 ||
			    read_key(r, 1) != SYM_OK ||
			    sym_cbor_read_uint(r, &img->audit.count) != SYM_OK ||
			    read_key(r, 2) != SYM_OK ||
			    sym_cbor_read_uint(r, &img->audit.offset) != SYM_OK ||
			    read_key(r, 3) != SYM_OK ||
			    sym_cbor_read_uint(r, &img->audit.length) != SYM_OK ||
			    read_key(r, 4) != SYM_OK ||
			    sym_cbor_read_fixed(r, img->audit.hash,
			    SYM_AUDIT_HASH_BYTES) != SYM_OK)
				return SYM_ECORRUPT;
			info->audit_count = img->audit.count;
			break;
		case CORE_REENCRYPT:
			rc = sym_cbor_read_uint(r, &img->reencrypt_term);
			info->reencrypt_pending = img->reencrypt_term != 0;
			break;
		default:
			return SYM_ECORRUPT;
		}
		if (rc != SYM_OK)
			return rc == SYM_ENOMEM ? rc : SYM_ECORRUPT;
		seen |= 1u << key;
	}
	/* Fields 4..12 and the commit counter are required. */
	if (rc != SYM_OK || (seen & 0x9ff0u) != 0x9ff0u)
		return SYM_ECORRUPT;
	return SYM_OK;
}

/* ---------------------------------------------------------------- */
/* Header slots */

struct slot {
	int valid;
	uint64_t seqid;
	uint64_t commit;	/* the signed core's commit counter */
	uint8_t *core;		/* heap */
	size_t core_len;
	uint8_t mac[32];
	uint8_t *pending;	/* heap, raw CBOR of envelope field 5 */
	size_t pending_len;
};

static void
slot_free(struct slot *s)
{
	free(s->core);
	free(s->pending);
	memset(s, 0, sizeof *s);
}

static void
checksum(uint8_t out[SLOT_CHECKSUM_BYTES], const uint8_t *data, size_t len)
{
	static const unsigned char personal[16] = "symbolon-hdr-v1";

	(void)crypto_generichash_blake2b_salt_personal(out, SLOT_CHECKSUM_BYTES,
	    data, len, NULL, 0, NULL, personal);
}

/* Parses one slot's bytes; *s->valid says whether it is usable.  Returns
 * SYM_EVERSION for a newer format, which is reported rather than skipped. */
static int
parse_slot(struct slot *s, const uint8_t *buf)
{
	struct sym_cbor_reader r;
	uint8_t sum[SLOT_CHECKSUM_BYTES];
	const uint8_t *p;
	uint32_t len;
	size_t pairs, n;
	uint64_t version;

	memset(s, 0, sizeof *s);
	if (memcmp(buf, slot_magic, 7) != 0)
		return SYM_OK;
	len = (uint32_t)buf[8] << 24 | (uint32_t)buf[9] << 16 |
	    (uint32_t)buf[10] << 8 | buf[11];
	if (len == 0 || len > ENVELOPE_MAX)
		return SYM_OK;
	checksum(sum, buf, SLOT_PREFIX_BYTES + len);
	if (sodium_memcmp(sum, buf + SLOT_PREFIX_BYTES + len, sizeof sum) != 0)
		return SYM_OK;
	/* A version is believed only from an intact slot: one flipped bit
	 * must not make the whole image "too new" to open. */
	if (buf[7] > slot_magic[7])
		return SYM_EVERSION;
	if (buf[7] != slot_magic[7])
		return SYM_OK;
	p = buf + SLOT_PREFIX_BYTES;
	if (sym_cbor_check_canonical(p, len, NULL) != SYM_OK)
		return SYM_OK;
	sym_cbor_reader_init(&r, p, len);
	if (sym_cbor_read_map(&r, &pairs) != SYM_OK || pairs < 4 || pairs > 5 ||
	    read_key(&r, ENV_VERSION) != SYM_OK ||
	    sym_cbor_read_uint(&r, &version) != SYM_OK)
		return SYM_OK;
	if (version > SYM_IMAGE_FORMAT_VERSION)
		return SYM_EVERSION;
	if (version != SYM_IMAGE_FORMAT_VERSION ||
	    read_key(&r, ENV_SEQID) != SYM_OK ||
	    sym_cbor_read_uint(&r, &s->seqid) != SYM_OK ||
	    read_key(&r, ENV_CORE) != SYM_OK ||
	    sym_cbor_read_bytes(&r, &p, &n) != SYM_OK)
		return SYM_OK;
	s->core = malloc(n);
	if (s->core == NULL)
		return SYM_ENOMEM;
	memcpy(s->core, p, n);
	s->core_len = n;
	if (read_key(&r, ENV_MAC) != SYM_OK ||
	    sym_cbor_read_fixed(&r, s->mac, sizeof s->mac) != SYM_OK)
		goto invalid;
	if (pairs == 5) {
		const uint8_t *item;

		if (read_key(&r, ENV_PENDING) != SYM_OK ||
		    sym_cbor_read_item(&r, &item, &n) != SYM_OK)
			goto invalid;
		s->pending = malloc(n);
		if (s->pending == NULL)
			return SYM_ENOMEM;
		memcpy(s->pending, item, n);
		s->pending_len = n;
	}
	if (sym_cbor_reader_end(&r) != SYM_OK)
		goto invalid;
	s->valid = 1;
	return SYM_OK;
invalid:
	slot_free(s);
	return SYM_OK;
}

/* Writes one slot without syncing it: see write_slot. */
static int
write_slot_nosync(struct sym_image *img, int slot, uint64_t seqid,
    const uint8_t *core, size_t core_len, const uint8_t mac[32])
{
	size_t cap = SYM_IMAGE_SLOT_BYTES, len;
	struct sym_cbor_writer w;
	uint8_t *buf = calloc(1, cap);
	int rc;

	if (buf == NULL)
		return SYM_ENOMEM;
	memcpy(buf, slot_magic, sizeof slot_magic);
	sym_cbor_writer_init(&w, buf + SLOT_PREFIX_BYTES, ENVELOPE_MAX);
	sym_cbor_put_map(&w, img->pending ? 5 : 4);
	sym_cbor_put_uint(&w, ENV_VERSION);
	sym_cbor_put_uint(&w, SYM_IMAGE_FORMAT_VERSION);
	sym_cbor_put_uint(&w, ENV_SEQID);
	sym_cbor_put_uint(&w, seqid);
	sym_cbor_put_uint(&w, ENV_CORE);
	sym_cbor_put_bytes(&w, core, core_len);
	sym_cbor_put_uint(&w, ENV_MAC);
	sym_cbor_put_bytes(&w, mac, 32);
	if (img->pending) {
		sym_cbor_put_uint(&w, ENV_PENDING);
		sym_cbor_put_raw(&w, img->pending, img->pending_len);
	}
	rc = sym_cbor_writer_finish(&w, &len);
	if (rc == SYM_ETOOBIG)
		rc = SYM_ETOOBIG;	/* the header is full: too many entries */
	if (rc == SYM_OK) {
		buf[8] = (uint8_t)(len >> 24);
		buf[9] = (uint8_t)(len >> 16);
		buf[10] = (uint8_t)(len >> 8);
		buf[11] = (uint8_t)len;
		checksum(buf + SLOT_PREFIX_BYTES + len, buf,
		    SLOT_PREFIX_BYTES + len);
		/* The whole slot, zeros after the checksum: no byte of an
		 * older header (an old wrapping of the root key) survives. */
		rc = sym_io_pwrite_all(img->fd, buf, cap,
		    (uint64_t)slot * SYM_IMAGE_SLOT_BYTES);
	}
	free(buf);
	return rc;
}

static int
write_slot(struct sym_image *img, int slot, uint64_t seqid,
    const uint8_t *core, size_t core_len, const uint8_t mac[32])
{
	int rc = write_slot_nosync(img, slot, seqid, core, core_len, mac);

	if (rc == SYM_OK)
		rc = sym_io_fsync(img->fd);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Open, close, info */

static void
image_free(struct sym_image *img)
{
	if (img == NULL)
		return;
	if (img->fd >= 0)
		close(img->fd);
	free(img->keyring_blob.ciphertext);
	free(img->identity_blob.ciphertext);
	free(img->index_blob.ciphertext);
	free(img->pending);
	free(img->core_bytes);
	sym_secmem_free(img->root_key);
	sym_secmem_free(img->identity_secret);
	sym_secmem_free(img->terms);
	if (img->entries != NULL)
		sodium_memzero(img->entries,
		    SYM_IMAGE_MAX_ENTRIES * sizeof img->entries[0]);
	free(img->entries);
	sodium_memzero(img, sizeof *img);
	free(img);
}

void
sym_image_close(struct sym_image *img)
{
	image_free(img);
}

static struct sym_image *
image_alloc(void)
{
	struct sym_image *img = calloc(1, sizeof *img);

	if (img == NULL)
		return NULL;
	img->fd = -1;
	img->entries = calloc(SYM_IMAGE_MAX_ENTRIES, sizeof img->entries[0]);
	img->terms = sym_secmem_alloc(SYM_IMAGE_MAX_TERMS *
	    sizeof img->terms[0]);
	if (img->entries == NULL || img->terms == NULL) {
		image_free(img);
		return NULL;
	}
	return img;
}

static int
load_headers(struct sym_image *img)
{
	struct slot slots[2];
	uint8_t *buf;
	struct stat st;
	int rc, best = -1;
	struct sym_image_info other;

	memset(slots, 0, sizeof slots);
	if (fstat(img->fd, &st) != 0)
		return sym_error_from_errno(errno);
	if (S_ISDIR(st.st_mode))
		return SYM_EISDIR;
	img->info.file_size = (uint64_t)st.st_size;
	buf = malloc(SYM_IMAGE_DATA_START);
	if (buf == NULL)
		return SYM_ENOMEM;
	memset(buf, 0, SYM_IMAGE_DATA_START);
	rc = sym_io_pread_all(img->fd, buf,
	    (size_t)(st.st_size < SYM_IMAGE_DATA_START ? st.st_size :
	    SYM_IMAGE_DATA_START), 0);
	if (rc != SYM_OK)
		goto out;
	if (memcmp(buf, slot_magic, 7) != 0 &&
	    memcmp(buf + SYM_IMAGE_SLOT_BYTES, slot_magic, 7) != 0) {
		rc = SYM_ENOTIMAGE;
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		rc = parse_slot(&slots[i], buf + (size_t)i * SYM_IMAGE_SLOT_BYTES);
		if (rc != SYM_OK)
			goto out;
	}
	/* A slot is usable only if its core verifies too; the higher seqid
	 * wins, slot 0 on a tie. */
	for (int i = 0; i < 2; i++) {
		struct sym_image probe;

		if (!slots[i].valid)
			continue;
		memset(&probe, 0, sizeof probe);
		rc = parse_core(&probe, slots[i].core, slots[i].core_len);
		free(probe.keyring_blob.ciphertext);
		free(probe.identity_blob.ciphertext);
		free(probe.index_blob.ciphertext);
		if (rc == SYM_ENOMEM)
			goto out;
		if (rc != SYM_OK) {
			slots[i].valid = 0;
			continue;
		}
		if (best >= 0 && (memcmp(other.image_id, probe.info.image_id,
		    SYM_IMAGE_ID_BYTES) != 0 || memcmp(other.identity,
		    probe.info.identity, SYM_SIGN_PUBLICKEY_BYTES) != 0)) {
			/* Two authentic headers of different images: one
			 * was spliced in.  Trust neither. */
			rc = SYM_EBADHEADER;
			goto out;
		}
		/* The envelope's seqid is not signed; the core's commit
		 * counter is.  An envelope claiming less than its core is
		 * inconsistent; an old core cannot win by a bumped seqid. */
		if (slots[i].seqid < probe.core_commit) {
			slots[i].valid = 0;
			continue;
		}
		slots[i].commit = probe.core_commit;
		other = probe.info;
		img->info.slot_valid[i] = 1;
		if (best < 0 || slots[i].commit > slots[best].commit ||
		    (slots[i].commit == slots[best].commit &&
		    slots[i].seqid > slots[best].seqid))
			best = i;
	}
	if (best < 0) {
		rc = SYM_EBADHEADER;
		goto out;
	}
	rc = parse_core(img, slots[best].core, slots[best].core_len);
	if (rc != SYM_OK)
		goto out;
	img->info.format_version = SYM_IMAGE_FORMAT_VERSION;
	img->info.seqid = slots[best].seqid;
	img->info.slot_current = best;
	img->pending = slots[best].pending;
	img->pending_len = slots[best].pending_len;
	slots[best].pending = NULL;
	/* The MAC can only be checked once unsealed: keep it with the core. */
	memcpy(img->stored_mac, slots[best].mac, 32);
	img->core_bytes = slots[best].core;
	img->core_len = slots[best].core_len;
	slots[best].core = NULL;
	img->data_end = img->info.data_end;
	if (img->info.file_size < img->info.data_end)
		rc = SYM_ETRUNCATED;
out:
	slot_free(&slots[0]);
	slot_free(&slots[1]);
	free(buf);
	return rc;
}

int
sym_image_open(struct sym_image **out, const char *path,
    enum sym_image_mode mode)
{
	struct sym_image *img;
	int rc;

	*out = NULL;
	img = image_alloc();
	if (img == NULL)
		return SYM_ENOMEM;
	img->mode = mode;
	img->fd = open(path, (mode == SYM_IMAGE_WRITE ? O_RDWR : O_RDONLY) |
	    O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (img->fd < 0) {
		rc = sym_error_from_errno(errno);
		image_free(img);
		return rc;
	}
	/* One writer at a time; readers see a consistent header. */
	if (flock(img->fd, mode == SYM_IMAGE_WRITE ? LOCK_EX : LOCK_SH) != 0) {
		rc = sym_error_from_errno(errno);
		image_free(img);
		return rc;
	}
	rc = load_headers(img);
	if (rc != SYM_OK) {
		image_free(img);
		return rc;
	}
	*out = img;
	return SYM_OK;
}

const struct sym_image_info *
sym_image_info(const struct sym_image *img)
{
	return &img->info;
}

int
sym_image_is_unsealed(const struct sym_image *img)
{
	return img->unsealed;
}

const uint8_t *
sym_image_identity_secret(const struct sym_image *img)
{
	return img->unsealed ? img->identity_secret : NULL;
}

int
sym_image_check_share(const struct sym_image *img, const struct sym_share *share)
{
	if (memcmp(share->signer, img->info.identity,
	    SYM_SIGN_PUBLICKEY_BYTES) != 0 ||
	    memcmp(share->set_id, img->info.image_id, SYM_IMAGE_ID_BYTES) != 0)
		return SYM_EWRONGIMAGE;
	if (share->generation != img->info.seal.generation)
		return SYM_EGENERATION;
	if (share->threshold != img->info.seal.threshold ||
	    share->count != img->info.seal.shares ||
	    memcmp(share->manifest_hash, img->info.seal.manifest_hash,
	    SYM_MANIFEST_HASH_BYTES) != 0)
		return SYM_EMANIFEST;
	return SYM_OK;
}

/* ---------------------------------------------------------------- */
/* Unseal */

static int
unseal_with_root(struct sym_image *img)
{
	uint8_t mac[32], public_key[SYM_SIGN_PUBLICKEY_BYTES];
	uint8_t *plain = NULL;
	size_t len;
	int rc;

	core_mac(mac, img->root_key, img->info.image_id, img->core_bytes,
	    img->core_len);
	if (sodium_memcmp(mac, img->stored_mac, sizeof mac) != 0)
		return SYM_ECORRUPT;
	rc = open_blob(&plain, &len, &img->identity_blob, img->root_key,
	    img->info.image_id, label_identity);
	if (rc != SYM_OK)
		return rc;
	if (len != 32) {
		sym_secmem_free(plain);
		return SYM_ECORRUPT;
	}
	img->identity_secret = sym_secmem_alloc(SYM_SIGN_SECRETKEY_BYTES);
	if (img->identity_secret == NULL ||
	    crypto_sign_seed_keypair(public_key, img->identity_secret,
	    plain) != 0) {
		sym_secmem_free(plain);
		return SYM_ENOMEM;
	}
	sym_secmem_free(plain);
	if (memcmp(public_key, img->info.identity, sizeof public_key) != 0)
		return SYM_ECORRUPT;
	rc = open_blob(&plain, &len, &img->keyring_blob, img->root_key,
	    img->info.image_id, label_keyring);
	if (rc == SYM_OK)
		rc = decode_keyring(img, plain, len);
	sym_secmem_free(plain);
	if (rc != SYM_OK)
		return rc;
	if (img->term_count != img->info.terms ||
	    sym_image_term_key(img, img->info.active_term) == NULL)
		return SYM_ECORRUPT;
	rc = open_blob(&plain, &len, &img->index_blob, img->root_key,
	    img->info.image_id, label_index);
	if (rc == SYM_OK)
		rc = decode_index(img, plain, len);
	sym_secmem_free(plain);
	if (rc != SYM_OK)
		return rc;
	if (img->entry_count != img->info.entries)
		return SYM_ECORRUPT;
	img->unsealed = 1;
	return SYM_OK;
}

int
sym_image_unseal_key(struct sym_image *img,
    const uint8_t unseal_key[static SYM_IMAGE_KEY_BYTES])
{
	int rc = SYM_EUNSEAL;

	if (img->unsealed)
		return SYM_OK;
	img->root_key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES);
	if (img->root_key == NULL)
		return SYM_ENOMEM;
	for (unsigned i = 0; i < img->wrapping_count; i++) {
		const struct sym_image_wrapping *w = &img->wrappings[i];

		/* The old shares stay valid while new ones await verification:
		 * only the active wrapping opens the image. */
		if (w->role != 1 || w->generation != img->info.seal.generation)
			continue;
		rc = unwrap_root(img->root_key, w, unseal_key, img->info.image_id);
		if (rc == SYM_OK)
			break;
	}
	if (rc == SYM_OK)
		rc = unseal_with_root(img);
	if (rc != SYM_OK) {
		sym_secmem_free(img->root_key);
		img->root_key = NULL;
		sym_secmem_free(img->identity_secret);
		img->identity_secret = NULL;
		sodium_memzero(img->terms, SYM_IMAGE_MAX_TERMS * sizeof img->terms[0]);
		img->term_count = 0;
		img->entry_count = 0;
	}
	return rc;
}

int
sym_image_unseal(struct sym_image *img, const struct sym_quorum *q)
{
	uint8_t *unseal_key = NULL;
	size_t len = 0;
	int rc = sym_quorum_recover(&unseal_key, &len, q);

	if (rc == SYM_ECOMMITMENT)
		return SYM_EUNSEAL;
	if (rc != SYM_OK)
		return rc;
	rc = len == SYM_IMAGE_KEY_BYTES ? sym_image_unseal_key(img, unseal_key) :
	    SYM_EUNSEAL;
	sym_secmem_free(unseal_key);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Commit */

/* *durable is set once the new state is on disk (first slot written). */
static int
write_headers(struct sym_image *img, int *durable)
{
	uint8_t *payload = NULL, *core = NULL, *plain = NULL;
	size_t payload_len, core_len, plain_len;
	uint8_t mac[32];
	uint64_t seqid = img->info.seqid + 1;
	int rc, first = 1 - img->info.slot_current;
	struct sym_image_info before = img->info;

	*durable = 0;
	img->info.data_end = img->data_end;
	img->info.entries = img->entry_count;
	img->info.terms = img->term_count;
	img->info.audit_count = img->audit.count;
	img->info.reencrypt_pending = img->reencrypt_term != 0;
	img->core_commit = seqid;
	/* Fresh nonces for every sealed part, every time. */
	rc = encode_keyring(&plain, &plain_len, img);
	if (rc == SYM_OK)
		rc = seal_blob(&img->keyring_blob, img->root_key,
		    img->info.image_id, label_keyring, plain, plain_len);
	sym_secmem_free(plain);
	plain = NULL;
	if (rc == SYM_OK)
		rc = seal_blob(&img->identity_blob, img->root_key,
		    img->info.image_id, label_identity, img->identity_secret, 32);
	if (rc == SYM_OK)
		rc = encode_index(&plain, &plain_len, img);
	if (rc == SYM_OK)
		rc = seal_blob(&img->index_blob, img->root_key,
		    img->info.image_id, label_index, plain, plain_len);
	sym_secmem_free(plain);
	if (rc == SYM_OK)
		rc = encode_core(&payload, &payload_len, img);
	if (rc == SYM_OK)
		rc = sym_bundle_sign(&core, &core_len, payload, payload_len,
		    img->identity_secret);
	free(payload);
	if (rc != SYM_OK)
		goto out;
	core_mac(mac, img->root_key, img->info.image_id, core, core_len);
	/* The other slot first: until it is complete the current one holds
	 * the old state.  Then the current one, so that both hold the new
	 * state and either alone survives damage to the other. */
	rc = write_slot_nosync(img, first, seqid, core, core_len, mac);
	if (rc != SYM_OK)
		goto out;
	/* Once written, the slot may reach the disk even if fsync fails, so
	 * the data it names must not be dropped: report the error, but as
	 * durable. */
	*durable = 1;
	img->info.seqid = seqid;
	img->info.slot_current = first;
	img->info.slot_valid[first] = 1;
	rc = sym_io_fsync(img->fd);
	if (rc != SYM_OK)
		goto out;
	rc = write_slot(img, 1 - first, seqid, core, core_len, mac);
	if (rc == SYM_OK)
		img->info.slot_valid[1 - first] = 1;
	else
		img->info.slot_valid[1 - first] = 0;
	free(img->core_bytes);
	img->core_bytes = malloc(core_len);
	if (img->core_bytes != NULL)
		memcpy(img->core_bytes, core, core_len);
	img->core_len = img->core_bytes ? core_len : 0;
	memcpy(img->stored_mac, mac, sizeof mac);
	/* The new state is durable once the first slot is written. */
	rc = SYM_OK;
out:
	if (!*durable)
		img->info = before;
	sym_secmem_free(core);
	return rc;
}

int
sym_image_commit(struct sym_image *img, const char *operation,
    const char *detail, uint64_t now)
{
	uint64_t committed_end = img->info.data_end;
	int rc, durable = 0;

	if (img->mode != SYM_IMAGE_WRITE)
		return SYM_EUSAGE;
	if (!img->unsealed)
		return SYM_ESEALED;
	rc = drain_journal(img, now);
	if (rc == SYM_OK)
		rc = sym_audit_append(img, operation, detail ? detail : "", now);
	if (rc == SYM_OK && img->dirty_data)
		rc = sym_io_fsync(img->fd);
	if (rc == SYM_OK) {
		img->dirty_data = 0;
		rc = write_headers(img, &durable);
	}
	if (rc != SYM_OK && !durable) {
		/* The header still names the old end: drop what was appended,
		 * so a failed update leaves the file as it was.  If even this
		 * fails the extra bytes are harmless: nothing points at them. */
		if (sym_io_ftruncate(img->fd, committed_end) != SYM_OK) {
			/* still consistent: see above */
		}
		img->data_end = committed_end;
	}
	return rc;
}

/* ---------------------------------------------------------------- */
/* Create */

int
sym_image_create(const char *path, unsigned shares, unsigned threshold,
    const struct sym_deal_holder *holders,
    struct sym_pgp_recipient *const pgp[], uint64_t now, const char *out_dir,
    int armor, struct sym_deal_output *deal, struct sym_image_info *info)
{
	struct sym_image *img = NULL;
	uint8_t *unseal_key = NULL, *seed = NULL;
	uint8_t public_key[SYM_SIGN_PUBLICKEY_BYTES];
	char tmp[PATH_MAX];
	int rc, shares_written = 0, linked = 0;

	memset(deal, 0, sizeof *deal);
	memset(info, 0, sizeof *info);
	tmp[0] = '\0';
	if (shares < 2 || shares > SYM_SHAMIR_MAX_SHARES)
		return SYM_ESHARES;
	if (threshold < 2 || threshold > shares)
		return SYM_ETHRESHOLD;
	if ((rc = sym_io_check_absent(path)) != SYM_OK)
		return rc;
	img = image_alloc();
	unseal_key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES);
	seed = sym_secmem_alloc(32);
	if (img == NULL || unseal_key == NULL || seed == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	img->mode = SYM_IMAGE_WRITE;
	img->root_key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES);
	img->identity_secret = sym_secmem_alloc(SYM_SIGN_SECRETKEY_BYTES);
	if (img->root_key == NULL || img->identity_secret == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	if ((rc = sym_random_bytes(img->info.image_id, SYM_IMAGE_ID_BYTES,
	    SYM_RANDOM_PUBLIC)) != SYM_OK ||
	    (rc = sym_random_bytes(seed, 32, SYM_RANDOM_SECRET)) != SYM_OK ||
	    (rc = sym_random_bytes(img->root_key, SYM_IMAGE_KEY_BYTES,
	    SYM_RANDOM_SECRET)) != SYM_OK ||
	    (rc = sym_random_bytes(unseal_key, SYM_IMAGE_KEY_BYTES,
	    SYM_RANDOM_SECRET)) != SYM_OK ||
	    (rc = sym_random_bytes(img->terms[0].key, SYM_IMAGE_KEY_BYTES,
	    SYM_RANDOM_SECRET)) != SYM_OK)
		goto out;
	if (crypto_sign_seed_keypair(public_key, img->identity_secret,
	    seed) != 0) {
		rc = SYM_EINTERNAL;
		goto out;
	}
	memcpy(img->info.identity, public_key, sizeof public_key);
	img->info.format_version = SYM_IMAGE_FORMAT_VERSION;
	img->info.created = now;
	img->info.seal.type = SYM_SEAL_SHAMIR;
	img->info.seal.shares = shares;
	img->info.seal.threshold = threshold;
	img->info.seal.generation = 1;
	img->terms[0].term = 1;
	img->terms[0].installed = now;
	img->term_count = 1;
	img->info.terms = 1;
	img->info.active_term = 1;
	img->info.slot_current = 1;	/* so the first commit writes slot 0 */

	{
		struct sym_deal spec = {
			.secret = unseal_key, .secret_len = SYM_IMAGE_KEY_BYTES,
			.threshold = threshold, .count = shares,
			.generation = 1, .created = now,
			.set_id = img->info.image_id,
			.signer_secret = img->identity_secret,
			.holders = holders,
		};

		rc = sym_deal_run(deal, &spec);
		if (rc == SYM_OK && pgp != NULL)
			rc = sym_deal_seal_pgp(deal, pgp);
		if (rc != SYM_OK)
			goto out;
	}
	memcpy(img->info.seal.manifest_hash, deal->record->hash,
	    SYM_MANIFEST_HASH_BYTES);
	img->wrappings[0].role = 1;
	img->wrappings[0].generation = 1;
	img->wrapping_count = 1;
	if ((rc = wrap_root(&img->wrappings[0], unseal_key, img->root_key,
	    img->info.image_id)) != SYM_OK)
		goto out;

	if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= (int)sizeof tmp) {
		tmp[0] = '\0';
		rc = SYM_ETOOBIG;
		goto out;
	}
	img->fd = mkostemp(tmp, O_CLOEXEC);
	if (img->fd < 0) {
		tmp[0] = '\0';
		rc = sym_error_from_errno(errno);
		goto out;
	}
	if ((rc = sym_io_ftruncate(img->fd, SYM_IMAGE_DATA_START)) != SYM_OK)
		goto out;
	img->data_end = SYM_IMAGE_DATA_START;
	img->info.data_end = SYM_IMAGE_DATA_START;
	img->unsealed = 1;
	{
		char detail[128];

		snprintf(detail, sizeof detail, "shamir seal, %u of %u shares, "
		    "generation 1", threshold, shares);
		rc = sym_image_commit(img, "init", detail, now);
	}
	/* A commit survives losing the second header copy; a new image
	 * has no older state to fall back on and starts with both. */
	if (rc == SYM_OK && !(img->info.slot_valid[0] && img->info.slot_valid[1]))
		rc = SYM_EIO;
	if (rc != SYM_OK)
		goto out;
	/* Shares first, image last: an image whose shares were never
	 * written must not appear. */
	if (out_dir != NULL) {
		rc = sym_deal_write(deal, out_dir, armor);
		if (rc != SYM_OK)
			goto out;
		shares_written = 1;
	}
	rc = sym_io_link(tmp, path);
	if (rc != SYM_OK)
		goto out;
	linked = 1;
	{
		char dir_buf[PATH_MAX];
		int dirfd;

		snprintf(dir_buf, sizeof dir_buf, "%s", path);
		dirfd = open(dirname(dir_buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd >= 0) {
			(void)fsync(dirfd);
			close(dirfd);
		}
	}
	*info = img->info;
	rc = SYM_OK;
out:
	if (tmp[0] != '\0')
		(void)unlink(tmp);
	if (rc != SYM_OK && shares_written && !linked)
		sym_deal_remove(deal, out_dir, armor);
	if (rc != SYM_OK)
		sym_deal_output_free(deal);
	sym_secmem_free(unseal_key);
	sym_secmem_free(seed);
	image_free(img);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Pending operations (envelope field 5):
 *   { ? 1: rekey bundle (bstr), ? 2: verification nonce (bstr 16),
 *     ? 3: journal [* [time, operation (tstr), detail (tstr)]] }       */

/* Printed and audited later: no control characters, and an operation
 * name short and non-empty enough for an audit record. */
static void
sanitize(char *text)
{
	for (char *c = text; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
}

void
sym_image_pending_clear(struct sym_image_pending *p)
{
	free(p->backup);
	free(p->rekey);
	memset(p, 0, sizeof *p);
}

void
sym_image_journal_add(struct sym_image_pending *p, uint64_t time,
    const char *operation, const char *detail)
{
	struct sym_image_journal_entry *e;

	if (p->journal_count == SYM_IMAGE_MAX_JOURNAL) {
		memmove(&p->journal[0], &p->journal[1],
		    (SYM_IMAGE_MAX_JOURNAL - 1) * sizeof p->journal[0]);
		p->journal_count--;
	}
	e = &p->journal[p->journal_count++];
	e->time = time;
	snprintf(e->operation, sizeof e->operation, "%s", operation);
	snprintf(e->detail, sizeof e->detail, "%s", detail);
	sanitize(e->operation);
	sanitize(e->detail);
}

int
sym_image_pending_get(const struct sym_image *img, struct sym_image_pending *out)
{
	struct sym_cbor_reader r;
	size_t pairs, items, n;
	uint64_t key, last = 0;
	const uint8_t *p;
	const char *text;

	memset(out, 0, sizeof *out);
	if (img->pending == NULL)
		return SYM_OK;
	sym_cbor_reader_init(&r, img->pending, img->pending_len);
	if (sym_cbor_read_map(&r, &pairs) != SYM_OK)
		return SYM_ECORRUPT;
	for (size_t i = 0; i < pairs; i++) {
		if (sym_cbor_read_uint(&r, &key) != SYM_OK || key <= last ||
		    key > 4)
			goto bad;
		last = key;
		if (key == 1) {
			if (sym_cbor_read_bytes(&r, &p, &n) != SYM_OK || n == 0 ||
			    n > SYM_BUNDLE_MAX_BYTES)
				goto bad;
			out->rekey = malloc(n);
			if (out->rekey == NULL)
				return SYM_ENOMEM;
			memcpy(out->rekey, p, n);
			out->rekey_len = n;
		} else if (key == 4) {
			if (sym_cbor_read_bytes(&r, &p, &n) != SYM_OK || n == 0)
				goto bad;
			out->backup = malloc(n);
			if (out->backup == NULL) {
				sym_image_pending_clear(out);
				return SYM_ENOMEM;
			}
			memcpy(out->backup, p, n);
			out->backup_len = n;
		} else if (key == 2) {
			if (sym_cbor_read_fixed(&r, out->verification_nonce,
			    SYM_IMAGE_NONCE_BYTES) != SYM_OK)
				goto bad;
			out->has_verification_nonce = 1;
		} else {
			if (sym_cbor_read_array(&r, &items) != SYM_OK ||
			    items > SYM_IMAGE_MAX_JOURNAL)
				goto bad;
			for (size_t j = 0; j < items; j++) {
				struct sym_image_journal_entry *e = &out->journal[j];

				if (sym_cbor_read_array(&r, &n) != SYM_OK || n != 3 ||
				    sym_cbor_read_uint(&r, &e->time) != SYM_OK ||
				    sym_cbor_read_text(&r, &text, &n) != SYM_OK ||
				    n > SYM_IMAGE_JOURNAL_TEXT_MAX)
					goto bad;
				memcpy(e->operation, text, n);
				e->operation[n] = '\0';
				if (sym_cbor_read_text(&r, &text, &n) != SYM_OK ||
				    n > SYM_IMAGE_JOURNAL_TEXT_MAX)
					goto bad;
				memcpy(e->detail, text, n);
				e->detail[n] = '\0';
				/* The journal is outside the signed core: what it
				 * says is shown and audited, so make it printable
				 * rather than let one bad byte block every commit. */
				sanitize(e->operation);
				sanitize(e->detail);
			}
			out->journal_count = items;
		}
	}
	return SYM_OK;
bad:
	sym_image_pending_clear(out);
	return SYM_ECORRUPT;
}

static int
encode_pending(uint8_t **out, size_t *len, const struct sym_image_pending *p)
{
	size_t pairs = (size_t)(p->rekey != NULL) + (p->has_verification_nonce != 0) +
	    (p->journal_count != 0) + (p->backup != NULL);
	size_t cap = 64 + p->rekey_len + p->backup_len +
	    p->journal_count * (2 * SYM_IMAGE_JOURNAL_TEXT_MAX + 32);
	struct sym_cbor_writer w;
	int rc;

	*out = NULL;
	*len = 0;
	if (pairs == 0)
		return SYM_OK;
	*out = malloc(cap);
	if (*out == NULL)
		return SYM_ENOMEM;
	sym_cbor_writer_init(&w, *out, cap);
	sym_cbor_put_map(&w, pairs);
	if (p->rekey != NULL) {
		sym_cbor_put_uint(&w, 1);
		sym_cbor_put_bytes(&w, p->rekey, p->rekey_len);
	}
	if (p->has_verification_nonce) {
		sym_cbor_put_uint(&w, 2);
		sym_cbor_put_bytes(&w, p->verification_nonce,
		    SYM_IMAGE_NONCE_BYTES);
	}
	if (p->journal_count) {
		sym_cbor_put_uint(&w, 3);
		sym_cbor_put_array(&w, p->journal_count);
		for (size_t i = 0; i < p->journal_count; i++) {
			sym_cbor_put_array(&w, 3);
			sym_cbor_put_uint(&w, p->journal[i].time);
			sym_cbor_put_text(&w, p->journal[i].operation,
			    strlen(p->journal[i].operation));
			sym_cbor_put_text(&w, p->journal[i].detail,
			    strlen(p->journal[i].detail));
		}
	}
	if (p->backup != NULL) {
		sym_cbor_put_uint(&w, 4);
		sym_cbor_put_bytes(&w, p->backup, p->backup_len);
	}
	rc = sym_cbor_writer_finish(&w, len);
	if (rc != SYM_OK) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

int
sym_image_pending_put(struct sym_image *img, const struct sym_image_pending *p)
{
	uint8_t *raw = NULL, *old;
	size_t len = 0, old_len;
	uint64_t seqid = img->info.seqid + 1;
	int rc, first = 1 - img->info.slot_current;

	if (img->mode != SYM_IMAGE_WRITE)
		return SYM_EUSAGE;
	if ((rc = encode_pending(&raw, &len, p)) != SYM_OK)
		return rc;
	old = img->pending;
	old_len = img->pending_len;
	img->pending = raw;
	img->pending_len = len;
	if (img->unsealed) {
		free(old);
		return SYM_OK;
	}
	/* Sealed: the signed core and its MAC are copied as they are; only
	 * the envelope changes.  Same two-step write as a commit. */
	rc = write_slot(img, first, seqid, img->core_bytes, img->core_len,
	    img->stored_mac);
	if (rc != SYM_OK) {
		free(raw);
		img->pending = old;
		img->pending_len = old_len;
		return rc;
	}
	free(old);
	img->info.seqid = seqid;
	img->info.slot_current = first;
	img->info.slot_valid[first] = 1;
	img->info.slot_valid[1 - first] = write_slot(img, 1 - first, seqid,
	    img->core_bytes, img->core_len, img->stored_mac) == SYM_OK;
	return SYM_OK;
}

/* Turns the journal into signed audit records (at the next commit). */
static int
drain_journal(struct sym_image *img, uint64_t now)
{
	struct sym_image_pending p;
	int rc = sym_image_pending_get(img, &p);

	if (rc != SYM_OK)
		return rc;
	for (size_t i = 0; i < p.journal_count && rc == SYM_OK; i++) {
		char detail[SYM_IMAGE_JOURNAL_TEXT_MAX + 96];
		char operation[SYM_AUDIT_OPERATION_MAX + 1];

		snprintf(operation, sizeof operation, "%s",
		    p.journal[i].operation[0] ? p.journal[i].operation : "journal");
		char when[32];
		time_t t = (time_t)p.journal[i].time;
		struct tm tm;

		if (gmtime_r(&t, &tm) == NULL || strftime(when, sizeof when,
		    "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
			snprintf(when, sizeof when, "%llu",
			    (unsigned long long)p.journal[i].time);
		snprintf(detail, sizeof detail, "%s (while sealed, at %s; "
		    "journaled unsigned, signed here)", p.journal[i].detail,
		    when);
		rc = sym_audit_append(img, operation, detail, now);
	}
	if (rc == SYM_OK && p.journal_count) {
		p.journal_count = 0;
		rc = sym_image_pending_put(img, &p);
	}
	/* A verification cancelled while sealed leaves a pending wrapping
	 * that nothing can promote any more: drop it now. */
	if (rc == SYM_OK && img->info.verification_pending &&
	    !p.has_verification_nonce)
		rc = sym_image_rekey_discard(img);
	sym_image_pending_clear(&p);
	return rc;
}

/* Replaces the root key; everything under it is re-sealed at commit. */
static int
new_root_key(struct sym_image *img)
{
	return sym_random_bytes(img->root_key, SYM_IMAGE_KEY_BYTES,
	    SYM_RANDOM_SECRET);
}

int
sym_image_rekey_install(struct sym_image *img,
    const uint8_t new_key[static SYM_IMAGE_KEY_BYTES],
    const struct sym_image_seal *new_seal, int verify)
{
	struct sym_image_wrapping w;
	unsigned kept = 0;
	int rc;

	if (!img->unsealed || img->mode != SYM_IMAGE_WRITE)
		return SYM_ESEALED;
	memset(&w, 0, sizeof w);
	w.role = verify ? 2 : 1;
	w.generation = new_seal->generation;
	/* As Vault does, a completed rekey also replaces the root key, so
	 * that an old wrapping kept anywhere (a backup of the image) opens
	 * nothing that is still in use.  While verification is pending the
	 * old shares must keep working: the root key changes at promote. */
	if (!verify && (rc = new_root_key(img)) != SYM_OK)
		return rc;
	if ((rc = wrap_root(&w, new_key, img->root_key,
	    img->info.image_id)) != SYM_OK)
		return rc;
	/* Keep the active wrapping only while verification is pending. */
	for (unsigned i = 0; i < img->wrapping_count; i++)
		if (verify && img->wrappings[i].role == 1)
			img->wrappings[kept++] = img->wrappings[i];
	img->wrappings[kept++] = w;
	img->wrapping_count = kept;
	if (verify) {
		img->info.pending_seal = *new_seal;
		img->info.verification_pending = 1;
	} else {
		img->info.seal = *new_seal;
		img->info.verification_pending = 0;
		memset(&img->info.pending_seal, 0, sizeof img->info.pending_seal);
	}
	return SYM_OK;
}

int
sym_image_unseal_pending(struct sym_image *img,
    const uint8_t new_key[static SYM_IMAGE_KEY_BYTES])
{
	int rc = SYM_EUNSEAL;

	if (!img->info.verification_pending)
		return SYM_EUSAGE;
	if (img->unsealed)
		return SYM_EUSAGE;
	img->root_key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES);
	if (img->root_key == NULL)
		return SYM_ENOMEM;
	for (unsigned i = 0; i < img->wrapping_count && rc != SYM_OK; i++) {
		const struct sym_image_wrapping *w = &img->wrappings[i];

		if (w->role == 2 &&
		    w->generation == img->info.pending_seal.generation)
			rc = unwrap_root(img->root_key, w, new_key,
			    img->info.image_id);
	}
	if (rc == SYM_OK)
		rc = unseal_with_root(img);
	if (rc != SYM_OK) {
		sym_secmem_free(img->root_key);
		img->root_key = NULL;
		sym_secmem_free(img->identity_secret);
		img->identity_secret = NULL;
	}
	return rc;
}

int
sym_image_rekey_promote(struct sym_image *img,
    const uint8_t new_key[static SYM_IMAGE_KEY_BYTES])
{
	unsigned kept = 0;
	int rc;

	if (!img->unsealed || !img->info.verification_pending)
		return SYM_EUSAGE;
	/* The old wrapping is destroyed in the same header write that makes
	 * the new one active, and the root key is replaced (see install). */
	for (unsigned i = 0; i < img->wrapping_count; i++)
		if (img->wrappings[i].role == 2) {
			img->wrappings[kept] = img->wrappings[i];
			img->wrappings[kept++].role = 1;
		}
	if (kept != 1)
		return SYM_ECORRUPT;
	if ((rc = new_root_key(img)) != SYM_OK ||
	    (rc = wrap_root(&img->wrappings[0], new_key, img->root_key,
	    img->info.image_id)) != SYM_OK)
		return rc;
	sodium_memzero(&img->wrappings[1],
	    sizeof img->wrappings - sizeof img->wrappings[0]);
	img->wrapping_count = 1;
	img->info.seal = img->info.pending_seal;
	img->info.verification_pending = 0;
	memset(&img->info.pending_seal, 0, sizeof img->info.pending_seal);
	return SYM_OK;
}

int
sym_image_rekey_discard(struct sym_image *img)
{
	unsigned kept = 0;

	if (!img->unsealed)
		return SYM_ESEALED;
	for (unsigned i = 0; i < img->wrapping_count; i++)
		if (img->wrappings[i].role == 1)
			img->wrappings[kept++] = img->wrappings[i];
	img->wrapping_count = kept;
	img->info.verification_pending = 0;
	memset(&img->info.pending_seal, 0, sizeof img->info.pending_seal);
	return SYM_OK;
}

int
sym_image_check_pending_share(const struct sym_image *img,
    const struct sym_share *share)
{
	const struct sym_image_seal *seal = &img->info.pending_seal;

	if (!img->info.verification_pending)
		return SYM_EUSAGE;
	if (memcmp(share->signer, img->info.identity,
	    SYM_SIGN_PUBLICKEY_BYTES) != 0 ||
	    memcmp(share->set_id, img->info.image_id, SYM_IMAGE_ID_BYTES) != 0)
		return SYM_EWRONGIMAGE;
	if (share->generation != seal->generation)
		return SYM_EGENERATION;
	if (share->threshold != seal->threshold || share->count != seal->shares ||
	    memcmp(share->manifest_hash, seal->manifest_hash,
	    SYM_MANIFEST_HASH_BYTES) != 0)
		return SYM_EMANIFEST;
	return SYM_OK;
}

int
sym_image_core_audit_head(const uint8_t *core, size_t len,
    uint8_t image_id[static SYM_IMAGE_ID_BYTES],
    uint8_t identity[static SYM_SIGN_PUBLICKEY_BYTES], uint64_t *count,
    uint8_t hash[static SYM_AUDIT_HASH_BYTES])
{
	struct sym_image probe;
	int rc;

	memset(&probe, 0, sizeof probe);
	rc = parse_core(&probe, core, len);
	free(probe.keyring_blob.ciphertext);
	free(probe.identity_blob.ciphertext);
	free(probe.index_blob.ciphertext);
	if (rc != SYM_OK)
		return rc;
	memcpy(image_id, probe.info.image_id, SYM_IMAGE_ID_BYTES);
	memcpy(identity, probe.info.identity, SYM_SIGN_PUBLICKEY_BYTES);
	*count = probe.audit.count;
	memcpy(hash, probe.audit.hash, SYM_AUDIT_HASH_BYTES);
	return SYM_OK;
}
