#include <string.h>

#include <sodium.h>

#include "symbolon/bundle.h"
#include "symbolon/cose.h"
#include "symbolon/fingerprint.h"
#include "symbolon/random.h"
#include "symbolon/secmem.h"

const char *
sym_bundle_type_name(unsigned type)
{
	switch (type) {
	case SYM_BUNDLE_IDENTITY:
		return "identity";
	case SYM_BUNDLE_SHARE:
		return "share";
	case SYM_BUNDLE_MANIFEST:
		return "manifest";
	case SYM_BUNDLE_REKEY:
		return "rekey";
	case SYM_BUNDLE_TRANSCRIPT:
		return "transcript";
	case SYM_BUNDLE_IMAGE_CORE:
		return "image header";
	case SYM_BUNDLE_AUDIT_RECORD:
		return "audit record";
	case SYM_BUNDLE_RECOVERY_SHARE:
		return "recovery share";
	case SYM_BUNDLE_RECOVERY_MANIFEST:
		return "recovery manifest";
	default:
		return "unknown";
	}
}

void
sym_bundle_begin(struct sym_cbor_writer *w, size_t fields,
    enum sym_bundle_type type,
    const uint8_t signer_public_key[static SYM_SIGN_PUBLICKEY_BYTES])
{
	sym_cbor_put_map(w, 3 + fields);
	sym_cbor_put_uint(w, SYM_BUNDLE_KEY_TYPE);
	sym_cbor_put_uint(w, (uint64_t)type);
	sym_cbor_put_uint(w, SYM_BUNDLE_KEY_VERSION);
	sym_cbor_put_uint(w, SYM_BUNDLE_VERSION);
	sym_cbor_put_uint(w, SYM_BUNDLE_KEY_SIGNER);
	sym_cbor_put_bytes(w, signer_public_key, SYM_SIGN_PUBLICKEY_BYTES);
}

int
sym_bundle_one_time_key(uint8_t **secret_key)
{
	uint8_t public_key[SYM_SIGN_PUBLICKEY_BYTES];
	uint8_t *seed = sym_secmem_alloc(32);
	uint8_t *key = sym_secmem_alloc(SYM_SIGN_SECRETKEY_BYTES);
	int rc = seed == NULL || key == NULL ? SYM_ENOMEM : SYM_OK;

	*secret_key = NULL;
	if (rc == SYM_OK)
		rc = sym_random_bytes(seed, 32, SYM_RANDOM_SECRET);
	if (rc == SYM_OK && crypto_sign_seed_keypair(public_key, key, seed) != 0)
		rc = SYM_EINTERNAL;
	sym_secmem_free(seed);
	if (rc != SYM_OK) {
		sym_secmem_free(key);
		return rc;
	}
	*secret_key = key;
	return SYM_OK;
}

int
sym_bundle_sign(uint8_t **out, size_t *out_len, const uint8_t *payload,
    size_t payload_len,
    const uint8_t signer_secret_key[static SYM_SIGN_SECRETKEY_BYTES])
{
	uint8_t kid[SYM_KID_BYTES];
	size_t cap = payload_len + SYM_COSE_OVERHEAD;
	int rc;

	*out = NULL;
	*out_len = 0;
	if (payload_len > SYM_BUNDLE_MAX_BYTES - SYM_COSE_OVERHEAD)
		return SYM_ETOOBIG;
	/* libsodium's Ed25519 secret key is seed || public key. */
	sym_fingerprint_kid(kid, signer_secret_key + 32);
	*out = sym_secmem_alloc(cap);
	if (*out == NULL)
		return SYM_ENOMEM;
	rc = sym_cose_sign1(*out, cap, out_len, payload, payload_len, kid,
	    sizeof kid, signer_secret_key);
	if (rc != SYM_OK) {
		sym_secmem_free(*out);
		*out = NULL;
		*out_len = 0;
	}
	return rc;
}

static int
read_common(struct sym_bundle *b, size_t *pairs)
{
	const uint8_t *signer;
	size_t signer_len;
	uint64_t key, type;
	int rc;

	if ((rc = sym_cbor_read_map(&b->fields, pairs)) != SYM_OK)
		return rc;
	if (*pairs < 3)
		return SYM_ESCHEMA;
	if ((rc = sym_cbor_read_uint(&b->fields, &key)) != SYM_OK ||
	    key != SYM_BUNDLE_KEY_TYPE ||
	    (rc = sym_cbor_read_uint(&b->fields, &type)) != SYM_OK)
		return rc != SYM_OK ? rc : SYM_ESCHEMA;
	if ((rc = sym_cbor_read_uint(&b->fields, &key)) != SYM_OK ||
	    key != SYM_BUNDLE_KEY_VERSION ||
	    (rc = sym_cbor_read_uint(&b->fields, &b->version)) != SYM_OK)
		return rc != SYM_OK ? rc : SYM_ESCHEMA;
	if ((rc = sym_cbor_read_uint(&b->fields, &key)) != SYM_OK ||
	    key != SYM_BUNDLE_KEY_SIGNER ||
	    (rc = sym_cbor_read_bytes(&b->fields, &signer, &signer_len)) != SYM_OK)
		return rc != SYM_OK ? rc : SYM_ESCHEMA;
	if (signer_len != SYM_SIGN_PUBLICKEY_BYTES)
		return SYM_ESCHEMA;
	b->type = type > 0xffff ? 0xffff : (unsigned)type;
	memcpy(b->signer, signer, SYM_SIGN_PUBLICKEY_BYTES);
	return SYM_OK;
}

int
sym_bundle_open(struct sym_bundle *b, const uint8_t *bytes, size_t len,
    enum sym_bundle_type expected)
{
	const uint8_t *payload, *kid, *verified;
	size_t payload_len, kid_len, verified_len, pairs, payload_offset;
	uint8_t expected_kid[SYM_KID_BYTES];
	int rc;

	memset(b, 0, sizeof *b);
	if (len > SYM_BUNDLE_MAX_BYTES)
		return SYM_ETOOBIG;
	rc = sym_cose_parse1(&payload, &payload_len, &kid, &kid_len, bytes, len,
	    &b->error_offset);
	if (rc != SYM_OK)
		return rc;
	payload_offset = (size_t)(payload - bytes);
	rc = sym_cbor_check_canonical(payload, payload_len, &b->error_offset);
	if (rc != SYM_OK) {
		b->error_offset += payload_offset;
		return rc;
	}
	/* The signer key is read before the signature is checked only to
	 * check the signature with it; nothing else is used until then. */
	sym_cbor_reader_init(&b->fields, payload, payload_len);
	rc = read_common(b, &pairs);
	if (rc != SYM_OK) {
		b->error_offset = payload_offset + b->fields.error_offset;
		return rc;
	}
	sym_fingerprint_kid(expected_kid, b->signer);
	if (kid_len != SYM_KID_BYTES || memcmp(kid, expected_kid, kid_len) != 0)
		return SYM_EKID;
	rc = sym_cose_verify1(&verified, &verified_len, bytes, len, b->signer,
	    &b->error_offset);
	if (rc != SYM_OK)
		return rc;
	if (verified != payload || verified_len != payload_len)
		return SYM_EINTERNAL;
	if (b->version != SYM_BUNDLE_VERSION)
		return SYM_EVERSION;
	if (b->type < SYM_BUNDLE_IDENTITY || b->type > SYM_BUNDLE_TYPE_MAX ||
	    (expected != SYM_BUNDLE_ANY && b->type != (unsigned)expected))
		return SYM_EBUNDLETYPE;
	b->fields_left = pairs - 3;
	b->last_key = SYM_BUNDLE_KEY_SIGNER;
	return SYM_OK;
}

int
sym_bundle_next_field(struct sym_bundle *b, uint64_t *key)
{
	int rc;

	*key = 0;
	if (b->fields_left == 0)
		return sym_cbor_reader_end(&b->fields);
	rc = sym_cbor_read_uint(&b->fields, key);
	if (rc != SYM_OK)
		return rc;
	/* The canonical check already ordered the keys; this guards the
	 * assumption that every field key is a uint above the common ones. */
	if (*key <= b->last_key)
		return SYM_ESCHEMA;
	b->last_key = *key;
	b->fields_left--;
	return SYM_OK;
}

int
sym_bundle_read_fixed(struct sym_bundle *b, uint8_t *out, size_t len)
{
	return sym_cbor_read_fixed(&b->fields, out, len);
}

int
sym_bundle_write_file(const char *path, const uint8_t *bytes, size_t len,
    int armor, enum sym_io_write_mode mode)
{
	char *text = NULL;
	size_t text_len = 0;
	int rc;

	if (!armor)
		return sym_io_write_file(path, bytes, len, mode);
	rc = sym_bundle_armor(&text, &text_len, bytes, len);
	if (rc != SYM_OK)
		return rc;
	text[text_len] = '\n';
	rc = sym_io_write_file(path, (const uint8_t *)text, text_len + 1, mode);
	sym_secmem_free(text);
	return rc;
}
