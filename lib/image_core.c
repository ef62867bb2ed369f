/* The open image's state, its data area and its signed core: see
 * image_core.h. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/bundle.h"
#include "symbolon/cbor.h"
#include "symbolon/io.h"
#include "symbolon/random.h"
#include "symbolon/secmem.h"

#include "image_core.h"
#include "image_slot.h"

#define AEAD_NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define AEAD_TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES


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

const char sym_image_label_keyring[] = "keyring";
const char sym_image_label_identity[] = "identity";
const char sym_image_label_index[] = "index";

static void
wrap_ad(uint8_t *ad, size_t *ad_len, const uint8_t *image_id,
    uint64_t generation)
{
	sym_image_blob_ad(ad, ad_len, image_id, "root", generation);
}

int
sym_image_wrap_root(struct sym_image_wrapping *w, const uint8_t *unseal_key,
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

int
sym_image_unwrap_root(uint8_t *root_key, const struct sym_image_wrapping *w,
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

void
sym_image_core_mac(uint8_t mac[SYM_IMAGE_MAC_BYTES], const uint8_t *root_key,
    const uint8_t *image_id,
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

static int
log_append(void *ctx, const uint8_t *data, size_t len, uint64_t *offset)
{
	return sym_image_append_data(ctx, data, len, offset);
}

static int
log_read(void *ctx, uint64_t offset, uint8_t *buf, size_t len)
{
	struct sym_image *img = ctx;

	return sym_io_pread_all(img->fd, buf, len, offset);
}

void
sym_image_audit_log(struct sym_image *img, struct sym_audit_log *log)
{
	memset(log, 0, sizeof *log);
	log->ctx = img;
	log->append = log_append;
	log->read = log_read;
	log->start = SYM_IMAGE_DATA_START;
	log->end = img->info.data_end;
	log->head = &img->audit;
	log->image_id = img->info.image_id;
	log->identity = img->info.identity;
	log->identity_secret = img->unsealed ? img->identity_secret : NULL;
}

/* ---------------------------------------------------------------- */
/* The core bundle */

int
sym_image_core_encode(uint8_t **payload, size_t *len, const struct sym_image *img)
{
	const struct sym_image_info *info = &img->info;
	size_t cap = 4096 + img->keyring_blob.len + img->identity_blob.len +
	    img->index_blob.len + sizeof info->devices + 512;
	struct sym_cbor_writer w;
	int rc;

	*payload = malloc(cap);
	if (*payload == NULL)
		return SYM_ENOMEM;
	sym_cbor_writer_init(&w, *payload, cap);
	sym_bundle_begin(&w, (size_t)10 + (img->reencrypt_term != 0) +
	    (info->verification_pending != 0) + sym_image_seal_field_count(info),
	    SYM_BUNDLE_IMAGE_CORE, info->identity);
	sym_cbor_put_uint(&w, CORE_IMAGE_ID);
	sym_cbor_put_bytes(&w, info->image_id, SYM_IMAGE_ID_BYTES);
	sym_cbor_put_uint(&w, CORE_CREATED);
	sym_cbor_put_uint(&w, info->created);
	sym_cbor_put_uint(&w, CORE_SEAL);
	sym_image_put_seal(&w, &info->seal);
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
	sym_image_put_blob_counted(&w, &img->identity_blob, 0, 0);
	sym_cbor_put_uint(&w, CORE_INDEX);
	sym_image_put_blob_counted(&w, &img->index_blob, 1, info->entries);
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
		sym_image_put_seal(&w, &info->pending_seal);
	}
	sym_cbor_put_uint(&w, CORE_COMMIT);
	sym_cbor_put_uint(&w, img->core_commit);
	sym_image_seal_encode(&w, info, &img->seal_part);
	rc = sym_cbor_writer_finish(&w, len);
	if (rc != SYM_OK) {
		free(*payload);
		*payload = NULL;
	}
	return rc;
}

static int
read_wrappings(struct sym_cbor_reader *r, struct sym_image *img)
{
	size_t count;

	if (sym_cbor_read_array(r, &count) != SYM_OK || count == 0 || count > 4)
		return SYM_ECORRUPT;
	img->wrapping_count = (unsigned)count;
	for (unsigned i = 0; i < img->wrapping_count; i++) {
		struct sym_image_wrapping *w = &img->wrappings[i];
		size_t n;

		if (sym_cbor_read_map(r, &n) != SYM_OK || n != 4 ||
		    sym_image_read_key(r, 1) != SYM_OK ||
		    sym_cbor_read_uint_max(r, &w->role, 2) != SYM_OK ||
		    w->role == 0 || sym_image_read_key(r, 2) != SYM_OK ||
		    sym_cbor_read_uint(r, &w->generation) != SYM_OK ||
		    sym_image_read_key(r, 3) != SYM_OK ||
		    sym_cbor_read_fixed(r, w->nonce, sizeof w->nonce) != SYM_OK ||
		    sym_image_read_key(r, 4) != SYM_OK ||
		    sym_cbor_read_fixed(r, w->ciphertext,
		    sizeof w->ciphertext) != SYM_OK)
			return SYM_ECORRUPT;
	}
	return SYM_OK;
}

static int
read_keyring(struct sym_cbor_reader *r, struct sym_image *img)
{
	struct sym_image_info *info = &img->info;
	const uint8_t *ct;
	size_t pairs, n;

	if (sym_cbor_read_map(r, &pairs) != SYM_OK || pairs != 4 ||
	    sym_image_read_key(r, 1) != SYM_OK ||
	    sym_cbor_read_uint_max(r, &info->terms, SYM_IMAGE_MAX_TERMS) ||
	    sym_image_read_key(r, 2) != SYM_OK ||
	    sym_cbor_read_uint_max(r, &info->active_term, UINT32_MAX) ||
	    sym_image_read_key(r, 3) != SYM_OK ||
	    sym_cbor_read_fixed(r, img->keyring_blob.nonce,
	    AEAD_NONCE_BYTES) != SYM_OK ||
	    sym_image_read_key(r, 4) != SYM_OK ||
	    sym_cbor_read_bytes(r, &ct, &n) != SYM_OK || n < AEAD_TAG_BYTES)
		return SYM_ECORRUPT;
	free(img->keyring_blob.ciphertext);
	img->keyring_blob.ciphertext = malloc(n);
	if (img->keyring_blob.ciphertext == NULL)
		return SYM_ENOMEM;
	memcpy(img->keyring_blob.ciphertext, ct, n);
	img->keyring_blob.len = n;
	return SYM_OK;
}

static int
read_audit(struct sym_cbor_reader *r, struct sym_image *img)
{
	size_t pairs;

	if (sym_cbor_read_map(r, &pairs) != SYM_OK || pairs != 4 ||
	    sym_image_read_key(r, 1) != SYM_OK ||
	    sym_cbor_read_uint(r, &img->audit.count) != SYM_OK ||
	    sym_image_read_key(r, 2) != SYM_OK ||
	    sym_cbor_read_uint(r, &img->audit.offset) != SYM_OK ||
	    sym_image_read_key(r, 3) != SYM_OK ||
	    sym_cbor_read_uint(r, &img->audit.length) != SYM_OK ||
	    sym_image_read_key(r, 4) != SYM_OK ||
	    sym_cbor_read_fixed(r, img->audit.hash,
	    SYM_AUDIT_HASH_BYTES) != SYM_OK)
		return SYM_ECORRUPT;
	img->info.audit_count = img->audit.count;
	return SYM_OK;
}

int
sym_image_core_parse(struct sym_image *img, const uint8_t *bytes, size_t len)
{
	struct sym_image_info *info = &img->info;
	struct sym_bundle b;
	struct sym_cbor_reader *r;
	uint64_t key, count;
	uint32_t seen = 0;
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
			rc = sym_image_read_seal(r, &info->seal);
			break;
		case CORE_PENDING_SEAL:
			rc = sym_image_read_seal(r, &info->pending_seal);
			info->verification_pending = rc == SYM_OK;
			break;
		case CORE_COMMIT:
			rc = sym_cbor_read_uint(r, &img->core_commit);
			break;
		case CORE_WRAPPINGS:
			rc = read_wrappings(r, img);
			break;
		case CORE_KEYRING:
			rc = read_keyring(r, img);
			break;
		case CORE_IDENTITY:
			rc = sym_image_read_blob_counted(r, &img->identity_blob, 0, NULL);
			break;
		case CORE_INDEX:
			rc = sym_image_read_blob_counted(r, &img->index_blob, 1, &count);
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
			rc = read_audit(r, img);
			break;
		case CORE_REENCRYPT:
			rc = sym_cbor_read_uint(r, &img->reencrypt_term);
			info->reencrypt_pending = img->reencrypt_term != 0;
			break;
		case CORE_RECOVERY:
		case CORE_RECOVERY_KEY:
		case CORE_PENDING_RECOVERY:
		case CORE_PENDING_RECOVERY_KEY:
		case CORE_DEVICES:
			rc = sym_image_seal_parse(r, info, &img->seal_part, key);
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
	return sym_image_seal_check(info, seen);
}

void
sym_image_core_probe_free(struct sym_image *probe)
{
	free(probe->keyring_blob.ciphertext);
	free(probe->identity_blob.ciphertext);
	free(probe->index_blob.ciphertext);
	sym_image_seal_free(&probe->seal_part);
	probe->keyring_blob.ciphertext = NULL;
	probe->identity_blob.ciphertext = NULL;
	probe->index_blob.ciphertext = NULL;
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
	rc = sym_image_core_parse(&probe, core, len);
	if (rc != SYM_OK) {
		sym_image_core_probe_free(&probe);
		return rc;
	}
	memcpy(image_id, probe.info.image_id, SYM_IMAGE_ID_BYTES);
	memcpy(identity, probe.info.identity, SYM_SIGN_PUBLICKEY_BYTES);
	*count = probe.audit.count;
	memcpy(hash, probe.audit.hash, SYM_AUDIT_HASH_BYTES);
	sym_image_core_probe_free(&probe);
	return SYM_OK;
}

