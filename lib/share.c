#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/cbor.h"
#include "symbolon/fingerprint.h"
#include "symbolon/secmem.h"
#include "symbolon/shamir.h"
#include "symbolon/share.h"

enum {
	FIELD_SET_ID = 4,
	FIELD_GENERATION = 5,
	FIELD_THRESHOLD = 6,
	FIELD_COUNT = 7,
	FIELD_INDEX = 8,
	FIELD_X = 9,
	FIELD_HOLDER = 10,
	FIELD_MANIFEST_HASH = 11,
	FIELD_SALT = 12,
	FIELD_SECRET_COMMITMENT = 13,
	FIELD_CLEAR = 14,
	FIELD_SEALED = 15,
};

enum {
	SEALED_METHOD = 1,
	SEALED_CIPHERTEXT = 2,
	SEALED_RECIPIENT = 3,
	SEALED_SALT = 4,
	SEALED_NONCE = 5,
	SEALED_OPSLIMIT = 6,
	SEALED_MEMLIMIT = 7,
};

#define AAD_BYTES (SYM_SET_ID_BYTES + 8u + 1u)

static void
passphrase_aad(uint8_t aad[static AAD_BYTES], const uint8_t *set_id,
    uint64_t generation, unsigned index)
{
	memcpy(aad, set_id, SYM_SET_ID_BYTES);
	for (int i = 0; i < 8; i++)
		aad[SYM_SET_ID_BYTES + (size_t)i] = (uint8_t)(generation >> (8 * i));
	aad[SYM_SET_ID_BYTES + 8] = (uint8_t)index;
}

void
sym_manifest_hash(uint8_t out[static SYM_MANIFEST_HASH_BYTES],
    const uint8_t *bundle, size_t len)
{
	static const unsigned char personal[16] = "symbolon-man-v1";

	(void)crypto_generichash_blake2b_salt_personal(out,
	    SYM_MANIFEST_HASH_BYTES, bundle, len, NULL, 0, NULL, personal);
}

static int
seal(uint8_t **ciphertext, size_t *ciphertext_len,
    struct sym_passphrase_box *box, const struct sym_share_spec *spec)
{
	size_t overhead = spec->protection == SYM_SHARE_TO_IDENTITY ?
	    SYM_SEAL_OVERHEAD : SYM_PASSPHRASE_TAG_BYTES;
	uint8_t aad[AAD_BYTES];
	int rc;

	*ciphertext_len = spec->raw_len + overhead;
	*ciphertext = malloc(*ciphertext_len);
	if (*ciphertext == NULL)
		return SYM_ENOMEM;
	if (spec->protection == SYM_SHARE_TO_IDENTITY) {
		rc = sym_identity_seal(*ciphertext, spec->raw, spec->raw_len,
		    spec->recipient);
	} else {
		passphrase_aad(aad, spec->set_id, spec->generation, spec->index);
		rc = sym_passphrase_seal(*ciphertext, box, spec->raw,
		    spec->raw_len, aad, sizeof aad, spec->passphrase,
		    spec->passphrase_len);
	}
	if (rc != SYM_OK) {
		free(*ciphertext);
		*ciphertext = NULL;
	}
	return rc;
}

/* The sealed form of a share: method, ciphertext, and what opens it. */
static void
put_sealed(struct sym_cbor_writer *w, const struct sym_share_spec *spec,
    const uint8_t *ciphertext, size_t ciphertext_len,
    const struct sym_passphrase_box *box)
{
	uint8_t fingerprint[SYM_FINGERPRINT_BYTES];
	int to_identity = spec->protection == SYM_SHARE_TO_IDENTITY;

	sym_cbor_put_uint(w, FIELD_SEALED);
	sym_cbor_put_map(w, to_identity ? 3 : 6);
	sym_cbor_put_uint(w, SEALED_METHOD);
	sym_cbor_put_uint(w, (uint64_t)spec->protection);
	sym_cbor_put_uint(w, SEALED_CIPHERTEXT);
	sym_cbor_put_bytes(w, ciphertext, ciphertext_len);
	if (to_identity) {
		sym_fingerprint(fingerprint,
		    spec->recipient->sign_public);
		sym_cbor_put_uint(w, SEALED_RECIPIENT);
		sym_cbor_put_bytes(w, fingerprint, sizeof fingerprint);
	} else {
		sym_cbor_put_uint(w, SEALED_SALT);
		sym_cbor_put_bytes(w, box->salt, sizeof box->salt);
		sym_cbor_put_uint(w, SEALED_NONCE);
		sym_cbor_put_bytes(w, box->nonce, sizeof box->nonce);
		sym_cbor_put_uint(w, SEALED_OPSLIMIT);
		sym_cbor_put_uint(w, box->opslimit);
		sym_cbor_put_uint(w, SEALED_MEMLIMIT);
		sym_cbor_put_uint(w, box->memlimit);
	}
}

int
sym_share_encode(uint8_t **bundle, size_t *len,
    const struct sym_share_spec *spec)
{
	struct sym_passphrase_box box;
	struct sym_cbor_writer w;
	uint8_t *payload = NULL, *ciphertext = NULL;
	uint8_t signer_public[SYM_SIGN_PUBLICKEY_BYTES];
	size_t cap, payload_len, ciphertext_len = 0;
	int rc;

	*bundle = NULL;
	*len = 0;
	if (spec->raw_len < 2 || spec->raw_len > SYM_SHARE_MAX_BYTES ||
	    spec->index < 1 || spec->index > spec->count)
		return SYM_EUSAGE;
	if ((spec->protection == SYM_SHARE_TO_IDENTITY && !spec->recipient) ||
	    (spec->protection == SYM_SHARE_PASSPHRASE && !spec->passphrase))
		return SYM_EUSAGE;
	if (spec->protection != SYM_SHARE_CLEAR &&
	    (rc = seal(&ciphertext, &ciphertext_len, &box, spec)) != SYM_OK)
		return rc;
	cap = 512 + spec->raw_len + ciphertext_len;
	payload = sym_secmem_alloc(cap);
	if (payload == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	memcpy(signer_public, spec->signer_secret + 32, sizeof signer_public);
	sym_cbor_writer_init(&w, payload, cap);
	sym_bundle_begin(&w, spec->holder ? 11 : 10, spec->recovery ?
	    SYM_BUNDLE_RECOVERY_SHARE : SYM_BUNDLE_SHARE, signer_public);
	sym_cbor_put_uint(&w, FIELD_SET_ID);
	sym_cbor_put_bytes(&w, spec->set_id, SYM_SET_ID_BYTES);
	sym_cbor_put_uint(&w, FIELD_GENERATION);
	sym_cbor_put_uint(&w, spec->generation);
	sym_cbor_put_uint(&w, FIELD_THRESHOLD);
	sym_cbor_put_uint(&w, spec->threshold);
	sym_cbor_put_uint(&w, FIELD_COUNT);
	sym_cbor_put_uint(&w, spec->count);
	sym_cbor_put_uint(&w, FIELD_INDEX);
	sym_cbor_put_uint(&w, spec->index);
	sym_cbor_put_uint(&w, FIELD_X);
	sym_cbor_put_uint(&w, spec->raw[spec->raw_len - 1]);
	if (spec->holder) {
		sym_cbor_put_uint(&w, FIELD_HOLDER);
		sym_cbor_put_text(&w, spec->holder, strlen(spec->holder));
	}
	sym_cbor_put_uint(&w, FIELD_MANIFEST_HASH);
	sym_cbor_put_bytes(&w, spec->manifest_hash, SYM_MANIFEST_HASH_BYTES);
	sym_cbor_put_uint(&w, FIELD_SALT);
	sym_cbor_put_bytes(&w, spec->salt, SYM_COMMITMENT_SALT_BYTES);
	sym_cbor_put_uint(&w, FIELD_SECRET_COMMITMENT);
	sym_cbor_put_bytes(&w, spec->secret_commitment, SYM_COMMITMENT_BYTES);
	if (spec->protection == SYM_SHARE_CLEAR) {
		sym_cbor_put_uint(&w, FIELD_CLEAR);
		sym_cbor_put_bytes(&w, spec->raw, spec->raw_len);
	} else {
		put_sealed(&w, spec, ciphertext, ciphertext_len, &box);
	}
	rc = sym_cbor_writer_finish(&w, &payload_len);
	if (rc == SYM_OK)
		rc = sym_bundle_sign(bundle, len, payload, payload_len,
		    spec->signer_secret);
out:
	sym_secmem_free(payload);
	free(ciphertext);
	return rc;
}



static int
parse_sealed(struct sym_share *s, struct sym_cbor_reader *r)
{
	const uint8_t *ct = NULL;
	size_t pairs, ct_len = 0;
	uint64_t key, last = 0;
	unsigned method = 0, seen = 0;
	int rc;

	if ((rc = sym_cbor_read_map(r, &pairs)) != SYM_OK)
		return rc;
	for (size_t i = 0; i < pairs; i++) {
		if ((rc = sym_cbor_read_uint(r, &key)) != SYM_OK)
			return rc;
		if (key <= last || key > SEALED_MEMLIMIT)
			return SYM_ESCHEMA;
		last = key;
		switch (key) {
		case SEALED_METHOD:
			rc = sym_cbor_read_uint_max(r, &method, SYM_SHARE_PASSPHRASE);
			break;
		case SEALED_CIPHERTEXT:
			rc = sym_cbor_read_bytes(r, &ct, &ct_len);
			break;
		case SEALED_RECIPIENT:
			rc = sym_cbor_read_fixed(r, s->recipient, sizeof s->recipient);
			break;
		case SEALED_SALT:
			rc = sym_cbor_read_fixed(r, s->box.salt, sizeof s->box.salt);
			break;
		case SEALED_NONCE:
			rc = sym_cbor_read_fixed(r, s->box.nonce, sizeof s->box.nonce);
			break;
		case SEALED_OPSLIMIT:
			rc = sym_cbor_read_uint(r, &s->box.opslimit);
			break;
		case SEALED_MEMLIMIT:
			rc = sym_cbor_read_uint(r, &s->box.memlimit);
			break;
		}
		if (rc != SYM_OK)
			return rc;
		seen |= 1u << key;
	}
	if (method == SYM_SHARE_TO_IDENTITY && seen == 0x0e &&
	    ct_len > SYM_SEAL_OVERHEAD)
		s->protection = SYM_SHARE_TO_IDENTITY;
	else if (method == SYM_SHARE_PASSPHRASE && seen == 0xf6 &&
	    ct_len > SYM_PASSPHRASE_TAG_BYTES)
		s->protection = SYM_SHARE_PASSPHRASE;
	else
		return SYM_ESCHEMA;
	if (ct_len > SYM_SHARE_MAX_BYTES + SYM_SEAL_OVERHEAD)
		return SYM_ETOOBIG;
	s->ciphertext = malloc(ct_len);
	if (s->ciphertext == NULL)
		return SYM_ENOMEM;
	memcpy(s->ciphertext, ct, ct_len);
	s->ciphertext_len = ct_len;
	return SYM_OK;
}

static int
parse_fields(struct sym_share *s, struct sym_bundle *b)
{
	const uint8_t *p;
	size_t n;
	uint64_t key;
	unsigned x = 0, seen = 0;
	int rc;

	while ((rc = sym_bundle_next_field(b, &key)) == SYM_OK && key != 0) {
		struct sym_cbor_reader *r = &b->fields;

		switch (key) {
		case FIELD_SET_ID:
			rc = sym_cbor_read_fixed(r, s->set_id, sizeof s->set_id);
			break;
		case FIELD_GENERATION:
			rc = sym_cbor_read_uint(r, &s->generation);
			break;
		case FIELD_THRESHOLD:
			rc = sym_cbor_read_uint_max(r, &s->threshold, 255);
			break;
		case FIELD_COUNT:
			rc = sym_cbor_read_uint_max(r, &s->count, 255);
			break;
		case FIELD_INDEX:
			rc = sym_cbor_read_uint_max(r, &s->index, 255);
			break;
		case FIELD_X:
			rc = sym_cbor_read_uint_max(r, &x, 255);
			break;
		case FIELD_HOLDER:
			rc = sym_identity_read_name(r, s->holder);
			break;
		case FIELD_MANIFEST_HASH:
			rc = sym_cbor_read_fixed(r, s->manifest_hash,
			    sizeof s->manifest_hash);
			break;
		case FIELD_SALT:
			rc = sym_cbor_read_fixed(r, s->salt, sizeof s->salt);
			break;
		case FIELD_SECRET_COMMITMENT:
			rc = sym_cbor_read_fixed(r, s->secret_commitment,
			    sizeof s->secret_commitment);
			break;
		case FIELD_CLEAR:
			rc = sym_cbor_read_bytes(r, &p, &n);
			if (rc != SYM_OK)
				break;
			if (n < 2 || n > SYM_SHARE_MAX_BYTES)
				return SYM_ESCHEMA;
			s->raw = sym_secmem_alloc(n);
			if (s->raw == NULL)
				return SYM_ENOMEM;
			memcpy(s->raw, p, n);
			s->raw_len = n;
			s->protection = SYM_SHARE_CLEAR;
			break;
		case FIELD_SEALED:
			rc = parse_sealed(s, r);
			break;
		default:
			return SYM_ESCHEMA;
		}
		if (rc != SYM_OK)
			return rc;
		seen |= 1u << key;
	}
	if (rc != SYM_OK)
		return rc;
	/* 4..9 and 11..13 required, exactly one of 14 and 15. */
	if ((seen & 0x3bf0) != 0x3bf0 ||
	    ((seen >> FIELD_CLEAR) & 3u) == 0 || ((seen >> FIELD_CLEAR) & 3u) == 3)
		return SYM_ESCHEMA;
	if (s->threshold < 2 || s->threshold > s->count || s->index < 1 ||
	    s->index > s->count || x < 1)
		return SYM_ESCHEMA;
	s->x = (uint8_t)x;
	if (s->raw != NULL && s->raw[s->raw_len - 1] != s->x)
		return SYM_ESCHEMA;
	return SYM_OK;
}

int
sym_share_parse(struct sym_share **out, const uint8_t *bundle, size_t len)
{
	struct sym_share *s;
	struct sym_bundle b;
	int rc;

	*out = NULL;
	rc = sym_bundle_open(&b, bundle, len, SYM_BUNDLE_ANY);
	if (rc != SYM_OK)
		return rc;
	if (!SYM_BUNDLE_IS_SHARE(b.type))
		return SYM_EBUNDLETYPE;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return SYM_ENOMEM;
	s->recovery = b.type == SYM_BUNDLE_RECOVERY_SHARE;
	memcpy(s->signer, b.signer, sizeof s->signer);
	rc = parse_fields(s, &b);
	if (rc != SYM_OK) {
		sym_share_free(s);
		return rc;
	}
	*out = s;
	return SYM_OK;
}

void
sym_share_free(struct sym_share *share)
{
	if (share == NULL)
		return;
	sym_secmem_free(share->raw);
	free(share->ciphertext);
	free(share);
}

static int
check_unsealed(struct sym_share *s, uint8_t *raw, size_t raw_len)
{
	if (raw[raw_len - 1] != s->x) {
		sym_secmem_free(raw);
		return SYM_ECOMMITMENT;
	}
	s->raw = raw;
	s->raw_len = raw_len;
	return SYM_OK;
}

int
sym_share_unseal_identity(struct sym_share *share,
    const struct sym_identity_secret *id)
{
	uint8_t fingerprint[SYM_FINGERPRINT_BYTES];
	uint8_t *raw;
	size_t raw_len;
	int rc;

	if (share->protection != SYM_SHARE_TO_IDENTITY || share->raw != NULL)
		return SYM_EUSAGE;
	sym_fingerprint(fingerprint, id->pub.sign_public);
	if (memcmp(fingerprint, share->recipient, sizeof fingerprint) != 0)
		return SYM_EDECRYPT;
	raw_len = share->ciphertext_len - SYM_SEAL_OVERHEAD;
	raw = sym_secmem_alloc(raw_len);
	if (raw == NULL)
		return SYM_ENOMEM;
	rc = sym_identity_unseal(raw, share->ciphertext, share->ciphertext_len,
	    id);
	if (rc != SYM_OK) {
		sym_secmem_free(raw);
		return rc;
	}
	return check_unsealed(share, raw, raw_len);
}

int
sym_share_unseal_passphrase(struct sym_share *share, const char *passphrase,
    size_t passphrase_len)
{
	uint8_t aad[AAD_BYTES];
	uint8_t *raw;
	size_t raw_len;
	int rc;

	if (share->protection != SYM_SHARE_PASSPHRASE || share->raw != NULL)
		return SYM_EUSAGE;
	raw_len = share->ciphertext_len - SYM_PASSPHRASE_TAG_BYTES;
	raw = sym_secmem_alloc(raw_len);
	if (raw == NULL)
		return SYM_ENOMEM;
	passphrase_aad(aad, share->set_id, share->generation, share->index);
	rc = sym_passphrase_open(raw, &share->box, share->ciphertext,
	    share->ciphertext_len, aad, sizeof aad, passphrase, passphrase_len);
	if (rc != SYM_OK) {
		sym_secmem_free(raw);
		return rc;
	}
	return check_unsealed(share, raw, raw_len);
}
