#include <string.h>

#include "symbolon/cbor.h"
#include "symbolon/manifest.h"
#include "symbolon/secmem.h"

enum {
	FIELD_SET_ID = 4,
	FIELD_GENERATION = 5,
	FIELD_THRESHOLD = 6,
	FIELD_COUNT = 7,
	FIELD_SECRET_LEN = 8,
	FIELD_CREATED = 9,
	FIELD_SALT = 10,
	FIELD_SECRET_COMMITMENT = 11,
	FIELD_HOLDERS = 12,
};

enum {
	ENTRY_INDEX = 1,
	ENTRY_X = 2,
	ENTRY_COMMITMENT = 3,
	ENTRY_HOLDER = 4,
	ENTRY_PROTECTION = 5,
	ENTRY_RECIPIENT = 6,
	ENTRY_PGP_FINGERPRINT = 7,
	ENTRY_PGP_SUBKEY = 8,
};

static size_t
entry_pairs(const struct sym_manifest_entry *e)
{
	size_t pairs = 3;

	pairs += e->holder[0] != '\0';
	pairs += e->protection != SYM_SHARE_CLEAR;
	pairs += e->protection == SYM_SHARE_TO_IDENTITY;
	pairs += e->protection == SYM_SHARE_OPENPGP ? 2u : 0u;
	return pairs;
}

int
sym_manifest_encode(uint8_t **bundle, size_t *len, struct sym_manifest *m,
    const uint8_t signer_secret[static SYM_SIGN_SECRETKEY_BYTES])
{
	struct sym_cbor_writer w;
	uint8_t *payload;
	size_t cap, payload_len;
	int rc;

	*bundle = NULL;
	*len = 0;
	if (m->count < 2 || m->count > SYM_SHAMIR_MAX_SHARES ||
	    m->threshold < 2 || m->threshold > m->count)
		return SYM_EUSAGE;
	memcpy(m->signer, signer_secret + 32, sizeof m->signer);
	cap = 512 + (size_t)m->count * (64 + SYM_IDENTITY_NAME_MAX + 48);
	payload = sym_secmem_alloc(cap);
	if (payload == NULL)
		return SYM_ENOMEM;
	sym_cbor_writer_init(&w, payload, cap);
	sym_bundle_begin(&w, 9, m->recovery ? SYM_BUNDLE_RECOVERY_MANIFEST :
	    SYM_BUNDLE_MANIFEST, m->signer);
	sym_cbor_put_uint(&w, FIELD_SET_ID);
	sym_cbor_put_bytes(&w, m->set_id, sizeof m->set_id);
	sym_cbor_put_uint(&w, FIELD_GENERATION);
	sym_cbor_put_uint(&w, m->generation);
	sym_cbor_put_uint(&w, FIELD_THRESHOLD);
	sym_cbor_put_uint(&w, m->threshold);
	sym_cbor_put_uint(&w, FIELD_COUNT);
	sym_cbor_put_uint(&w, m->count);
	sym_cbor_put_uint(&w, FIELD_SECRET_LEN);
	sym_cbor_put_uint(&w, m->secret_len);
	sym_cbor_put_uint(&w, FIELD_CREATED);
	sym_cbor_put_uint(&w, m->created);
	sym_cbor_put_uint(&w, FIELD_SALT);
	sym_cbor_put_bytes(&w, m->salt, sizeof m->salt);
	sym_cbor_put_uint(&w, FIELD_SECRET_COMMITMENT);
	sym_cbor_put_bytes(&w, m->secret_commitment,
	    sizeof m->secret_commitment);
	sym_cbor_put_uint(&w, FIELD_HOLDERS);
	sym_cbor_put_array(&w, m->count);
	for (unsigned i = 0; i < m->count; i++) {
		const struct sym_manifest_entry *e = &m->entries[i];

		sym_cbor_put_map(&w, entry_pairs(e));
		sym_cbor_put_uint(&w, ENTRY_INDEX);
		sym_cbor_put_uint(&w, e->index);
		sym_cbor_put_uint(&w, ENTRY_X);
		sym_cbor_put_uint(&w, e->x);
		sym_cbor_put_uint(&w, ENTRY_COMMITMENT);
		sym_cbor_put_bytes(&w, e->commitment, sizeof e->commitment);
		if (e->holder[0] != '\0') {
			sym_cbor_put_uint(&w, ENTRY_HOLDER);
			sym_cbor_put_text(&w, e->holder, strlen(e->holder));
		}
		if (e->protection != SYM_SHARE_CLEAR) {
			sym_cbor_put_uint(&w, ENTRY_PROTECTION);
			sym_cbor_put_uint(&w, (uint64_t)e->protection);
		}
		if (e->protection == SYM_SHARE_TO_IDENTITY) {
			sym_cbor_put_uint(&w, ENTRY_RECIPIENT);
			sym_cbor_put_bytes(&w, e->recipient, sizeof e->recipient);
		}
		if (e->protection == SYM_SHARE_OPENPGP) {
			sym_cbor_put_uint(&w, ENTRY_PGP_FINGERPRINT);
			sym_cbor_put_bytes(&w, e->pgp_fingerprint,
			    sizeof e->pgp_fingerprint);
			sym_cbor_put_uint(&w, ENTRY_PGP_SUBKEY);
			sym_cbor_put_bytes(&w, e->pgp_subkey_id,
			    sizeof e->pgp_subkey_id);
		}
	}
	rc = sym_cbor_writer_finish(&w, &payload_len);
	if (rc == SYM_OK)
		rc = sym_bundle_sign(bundle, len, payload, payload_len,
		    signer_secret);
	if (rc == SYM_OK)
		sym_manifest_hash(m->hash, *bundle, *len);
	sym_secmem_free(payload);
	return rc;
}



static int
parse_entry(struct sym_manifest_entry *e, struct sym_cbor_reader *r)
{
	size_t pairs;
	uint64_t key, last = 0;
	unsigned x = 0, protection = 0, seen = 0;
	int rc;

	if ((rc = sym_cbor_read_map(r, &pairs)) != SYM_OK)
		return rc;
	for (size_t i = 0; i < pairs; i++) {
		if ((rc = sym_cbor_read_uint(r, &key)) != SYM_OK)
			return rc;
		if (key <= last || key > ENTRY_PGP_SUBKEY)
			return SYM_ESCHEMA;
		last = key;
		switch (key) {
		case ENTRY_INDEX:
			rc = sym_cbor_read_uint_max(r, &e->index, 255);
			break;
		case ENTRY_X:
			rc = sym_cbor_read_uint_max(r, &x, 255);
			break;
		case ENTRY_COMMITMENT:
			rc = sym_cbor_read_fixed(r, e->commitment, sizeof e->commitment);
			break;
		case ENTRY_HOLDER:
			rc = sym_identity_read_name(r, e->holder);
			break;
		case ENTRY_PROTECTION:
			rc = sym_cbor_read_uint_max(r, &protection, SYM_SHARE_OPENPGP);
			if (rc == SYM_OK && protection == SYM_SHARE_CLEAR)
				rc = SYM_ESCHEMA;
			break;
		case ENTRY_RECIPIENT:
			rc = sym_cbor_read_fixed(r, e->recipient, sizeof e->recipient);
			break;
		case ENTRY_PGP_FINGERPRINT:
			rc = sym_cbor_read_fixed(r, e->pgp_fingerprint,
			    sizeof e->pgp_fingerprint);
			break;
		case ENTRY_PGP_SUBKEY:
			rc = sym_cbor_read_fixed(r, e->pgp_subkey_id,
			    sizeof e->pgp_subkey_id);
			break;
		}
		if (rc != SYM_OK)
			return rc;
		seen |= 1u << key;
	}
	if ((seen & 0x0e) != 0x0e || x == 0)
		return SYM_ESCHEMA;
	e->x = (uint8_t)x;
	e->protection = (enum sym_share_protection)protection;
	if ((protection == SYM_SHARE_TO_IDENTITY) != ((seen >> ENTRY_RECIPIENT) & 1u))
		return SYM_ESCHEMA;
	if ((protection == SYM_SHARE_OPENPGP ? 3u : 0u) !=
	    ((seen >> ENTRY_PGP_FINGERPRINT) & 3u))
		return SYM_ESCHEMA;
	return SYM_OK;
}

static int
parse_holders(struct sym_manifest *m, struct sym_cbor_reader *r)
{
	size_t items;
	int rc = sym_cbor_read_array(r, &items);

	if (rc != SYM_OK)
		return rc;
	if (items < 2 || items > SYM_SHAMIR_MAX_SHARES)
		return SYM_ESCHEMA;
	for (size_t i = 0; i < items; i++) {
		rc = parse_entry(&m->entries[i], r);
		if (rc != SYM_OK)
			return rc;
		if (m->entries[i].index != i + 1)
			return SYM_ESCHEMA;
		for (size_t j = 0; j < i; j++)
			if (m->entries[j].x == m->entries[i].x)
				return SYM_ESCHEMA;
	}
	m->count = (unsigned)items;
	return SYM_OK;
}

int
sym_manifest_parse(struct sym_manifest *m, const uint8_t *bundle, size_t len)
{
	struct sym_bundle b;
	uint64_t key;
	unsigned seen = 0, count = 0;
	int rc;

	memset(m, 0, sizeof *m);
	rc = sym_bundle_open(&b, bundle, len, SYM_BUNDLE_ANY);
	if (rc != SYM_OK)
		return rc;
	if (!SYM_BUNDLE_IS_MANIFEST(b.type))
		return SYM_EBUNDLETYPE;
	m->recovery = b.type == SYM_BUNDLE_RECOVERY_MANIFEST;
	while ((rc = sym_bundle_next_field(&b, &key)) == SYM_OK && key != 0) {
		struct sym_cbor_reader *r = &b.fields;

		switch (key) {
		case FIELD_SET_ID:
			rc = sym_cbor_read_fixed(r, m->set_id, sizeof m->set_id);
			break;
		case FIELD_GENERATION:
			rc = sym_cbor_read_uint(r, &m->generation);
			break;
		case FIELD_THRESHOLD:
			rc = sym_cbor_read_uint_max(r, &m->threshold, 255);
			break;
		case FIELD_COUNT:
			rc = sym_cbor_read_uint_max(r, &count, 255);
			break;
		case FIELD_SECRET_LEN:
			rc = sym_cbor_read_uint(r, &m->secret_len);
			break;
		case FIELD_CREATED:
			rc = sym_cbor_read_uint(r, &m->created);
			break;
		case FIELD_SALT:
			rc = sym_cbor_read_fixed(r, m->salt, sizeof m->salt);
			break;
		case FIELD_SECRET_COMMITMENT:
			rc = sym_cbor_read_fixed(r, m->secret_commitment,
			    sizeof m->secret_commitment);
			break;
		case FIELD_HOLDERS:
			rc = parse_holders(m, r);
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
	if (seen != 0x1ff0 || count != m->count || m->threshold < 2 ||
	    m->threshold > m->count || m->secret_len == 0)
		return SYM_ESCHEMA;
	memcpy(m->signer, b.signer, sizeof m->signer);
	sym_manifest_hash(m->hash, bundle, len);
	return SYM_OK;
}

const struct sym_manifest_entry *
sym_manifest_entry(const struct sym_manifest *m, unsigned index)
{
	if (index < 1 || index > m->count)
		return NULL;
	return &m->entries[index - 1];
}

int
sym_manifest_check_share(const struct sym_manifest *m,
    const struct sym_share *share)
{
	const struct sym_manifest_entry *e;

	/* The set first: "belongs to another set" is what a person can act
	 * on; a set with another signer is still another set. */
	if (memcmp(m->set_id, share->set_id, sizeof m->set_id) != 0)
		return SYM_EWRONGSET;
	if (m->generation != share->generation)
		return SYM_EGENERATION;
	if (memcmp(m->signer, share->signer, sizeof m->signer) != 0)
		return SYM_EKID;
	if (m->recovery != share->recovery)
		return SYM_ESHAREROLE;
	if (m->threshold != share->threshold || m->count != share->count ||
	    memcmp(m->hash, share->manifest_hash, sizeof m->hash) != 0 ||
	    memcmp(m->salt, share->salt, sizeof m->salt) != 0 ||
	    memcmp(m->secret_commitment, share->secret_commitment,
	    sizeof m->secret_commitment) != 0)
		return SYM_EMANIFEST;
	e = sym_manifest_entry(m, share->index);
	if (e == NULL || e->x != share->x)
		return SYM_EMANIFEST;
	if (share->raw == NULL)
		return SYM_OK;
	if (share->raw_len != m->secret_len + SYM_SHAMIR_SHARE_OVERHEAD)
		return SYM_ECOMMITMENT;
	return sym_commit_check_share(e->commitment, m->salt, m->set_id,
	    m->generation, share->raw, share->raw_len);
}
