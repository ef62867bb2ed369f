#include <string.h>

#include <cbor.h>
#include <sodium.h>

#include "symbolon/cbor.h"
#include "symbolon/cose.h"
#include "symbolon/secmem.h"

/* {1: -8, 4: h'<kid>'}: A2 01 27 04, a bstr head of up to 2 bytes, kid. */
#define PROTECTED_MAX_BYTES (4u + 2u + SYM_COSE_MAX_KID_BYTES)
/* D2 84, protected bstr head, A0, payload bstr head (at most 9). */
#define PREFIX_MAX_BYTES (2u + 2u + PROTECTED_MAX_BYTES + 1u + 9u)

struct sign1 {
	const uint8_t *protected_bytes;
	size_t protected_len;
	const uint8_t *kid;
	size_t kid_len;
	const uint8_t *payload;
	size_t payload_len;
	const uint8_t *signature;
	size_t signature_offset;
};

static int
encode_protected(uint8_t out[PROTECTED_MAX_BYTES], size_t *len,
    const uint8_t *kid, size_t kid_len)
{
	struct sym_cbor_writer w;

	sym_cbor_writer_init(&w, out, PROTECTED_MAX_BYTES);
	sym_cbor_put_map(&w, 2);
	sym_cbor_put_uint(&w, 1);
	sym_cbor_put_int(&w, SYM_COSE_ALG_EDDSA);
	sym_cbor_put_uint(&w, 4);
	sym_cbor_put_bytes(&w, kid, kid_len);
	return sym_cbor_writer_finish(&w, len);
}

/*
 * The bytes before the payload's contents: 0xD2 by hand (see cbor.h), then
 * [protected, {}, payload's head.  Used to write a bundle and, when
 * reading, to re-encode what was parsed and compare.
 */
static int
encode_prefix(uint8_t out[PREFIX_MAX_BYTES], size_t *len,
    const uint8_t *protected_bytes, size_t protected_len, size_t payload_len)
{
	struct sym_cbor_writer w;
	size_t n, head;
	int rc;

	out[0] = 0xd2;
	sym_cbor_writer_init(&w, out + 1, PREFIX_MAX_BYTES - 1);
	sym_cbor_put_array(&w, 4);
	sym_cbor_put_bytes(&w, protected_bytes, protected_len);
	sym_cbor_put_map(&w, 0);
	rc = sym_cbor_writer_finish(&w, &n);
	if (rc != SYM_OK)
		return rc;
	/* Only the payload's head: its contents follow in the bundle. */
	head = cbor_encode_bytestring_start(payload_len, out + 1 + n,
	    PREFIX_MAX_BYTES - 1 - n);
	if (head == 0)
		return SYM_EINTERNAL;
	*len = 1 + n + head;
	return SYM_OK;
}

/*
 * Sig_structure = ["Signature1", protected, h'', payload] (RFC 9052 4.4),
 * deterministically encoded in secure memory: the payload may be secret.
 * The caller frees *tbs with sym_secmem_free.
 */
static int
sig_structure(uint8_t **tbs, size_t *tbs_len, const uint8_t *protected_bytes,
    size_t protected_len, const uint8_t *payload, size_t payload_len)
{
	static const char context[] = "Signature1";
	struct sym_cbor_writer w;
	size_t cap;
	int rc;

	*tbs = NULL;
	*tbs_len = 0;
	if (payload_len > SYM_CBOR_MAX_INPUT)
		return SYM_ETOOBIG;
	cap = 1 + 1 + sizeof context - 1 + 9 + protected_len + 1 + 9 +
	    payload_len;
	*tbs = sym_secmem_alloc(cap);
	if (*tbs == NULL)
		return SYM_ENOMEM;
	sym_cbor_writer_init(&w, *tbs, cap);
	sym_cbor_put_array(&w, 4);
	sym_cbor_put_text(&w, context, sizeof context - 1);
	sym_cbor_put_bytes(&w, protected_bytes, protected_len);
	sym_cbor_put_bytes(&w, NULL, 0);
	sym_cbor_put_bytes(&w, payload, payload_len);
	rc = sym_cbor_writer_finish(&w, tbs_len);
	if (rc != SYM_OK) {
		sym_secmem_free(*tbs);
		*tbs = NULL;
		*tbs_len = 0;
	}
	return rc;
}

int
sym_cose_sign1(uint8_t *out, size_t cap, size_t *out_len,
    const uint8_t *payload, size_t payload_len,
    const uint8_t *kid, size_t kid_len,
    const uint8_t secret_key[static SYM_COSE_SECRETKEY_BYTES])
{
	uint8_t protected_bytes[PROTECTED_MAX_BYTES];
	uint8_t prefix[PREFIX_MAX_BYTES];
	uint8_t signature[SYM_COSE_SIG_BYTES];
	uint8_t *tbs = NULL;
	size_t protected_len, prefix_len, tbs_len, need;
	int ret;

	*out_len = 0;
	if (kid_len == 0 || kid_len > SYM_COSE_MAX_KID_BYTES)
		return SYM_EUSAGE;
	/* A bundle we could not read back is no use to anyone. */
	if (payload_len > SYM_CBOR_MAX_INPUT - SYM_COSE_OVERHEAD)
		return SYM_ETOOBIG;
	if (sodium_init() < 0)
		return SYM_EINIT;

	ret = encode_protected(protected_bytes, &protected_len, kid, kid_len);
	if (ret != SYM_OK)
		goto out;
	ret = encode_prefix(prefix, &prefix_len, protected_bytes, protected_len,
	    payload_len);
	if (ret != SYM_OK)
		goto out;
	need = prefix_len + payload_len + 2 + SYM_COSE_SIG_BYTES;
	if (need > cap) {
		ret = SYM_ETOOBIG;
		goto out;
	}
	ret = sig_structure(&tbs, &tbs_len, protected_bytes, protected_len,
	    payload, payload_len);
	if (ret != SYM_OK)
		goto out;
	if (crypto_sign_detached(signature, NULL, tbs, tbs_len,
	    secret_key) != 0) {
		ret = SYM_EINTERNAL;
		goto out;
	}
	memcpy(out, prefix, prefix_len);
	if (payload_len > 0)
		memcpy(out + prefix_len, payload, payload_len);
	out[prefix_len + payload_len] = 0x58;	/* bstr, 1-byte length */
	out[prefix_len + payload_len + 1] = SYM_COSE_SIG_BYTES;
	memcpy(out + prefix_len + payload_len + 2, signature,
	    SYM_COSE_SIG_BYTES);
	*out_len = need;
	ret = SYM_OK;
out:
	sym_secmem_free(tbs);
	if (ret != SYM_OK && cap > 0)
		sodium_memzero(out, cap);
	return ret;
}

static int
fail_at(size_t *error_offset, size_t offset, int rc)
{
	if (error_offset != NULL)
		*error_offset = offset;
	return rc;
}

/* Exactly {1: -8, 4: kid}; offsets in errors are relative to in. */
static int
parse_protected(struct sign1 *m, const uint8_t *in, size_t *error_offset)
{
	struct sym_cbor_reader r;
	size_t base = (size_t)(m->protected_bytes - in), pairs, at;
	uint64_t label;
	int64_t alg;
	int rc;

	rc = sym_cbor_check_canonical(m->protected_bytes, m->protected_len, &at);
	if (rc != SYM_OK)
		return fail_at(error_offset, base + at, rc);
	sym_cbor_reader_init(&r, m->protected_bytes, m->protected_len);
	if (sym_cbor_read_map(&r, &pairs) != SYM_OK || pairs != 2)
		return fail_at(error_offset, base, SYM_ESCHEMA);
	at = r.pos;
	if (sym_cbor_read_uint(&r, &label) != SYM_OK || label != 1)
		return fail_at(error_offset, base + at, SYM_ESCHEMA);
	at = r.pos;
	if (sym_cbor_read_int(&r, &alg) != SYM_OK || alg != SYM_COSE_ALG_EDDSA)
		return fail_at(error_offset, base + at, SYM_ESCHEMA);
	at = r.pos;
	if (sym_cbor_read_uint(&r, &label) != SYM_OK || label != 4)
		return fail_at(error_offset, base + at, SYM_ESCHEMA);
	at = r.pos;
	if (sym_cbor_read_bytes(&r, &m->kid, &m->kid_len) != SYM_OK ||
	    m->kid_len == 0 || m->kid_len > SYM_COSE_MAX_KID_BYTES)
		return fail_at(error_offset, base + at, SYM_ESCHEMA);
	if (sym_cbor_reader_end(&r) != SYM_OK)
		return fail_at(error_offset, base + r.pos, SYM_ETRAILING);
	return SYM_OK;
}

static int
parse(struct sign1 *m, const uint8_t *in, size_t in_len, size_t *error_offset)
{
	struct sym_cbor_reader r;
	uint8_t prefix[PREFIX_MAX_BYTES];
	size_t prefix_len, count, at;
	uint64_t tag;
	int rc;

	memset(m, 0, sizeof *m);
	rc = sym_cbor_check_canonical(in, in_len, &at);
	if (rc != SYM_OK)
		return fail_at(error_offset, at, rc);

	sym_cbor_reader_init(&r, in, in_len);
	if (sym_cbor_read_tag(&r, &tag) != SYM_OK || tag != SYM_COSE_TAG_SIGN1)
		return fail_at(error_offset, 0, SYM_ESCHEMA);
	at = r.pos;
	if (sym_cbor_read_array(&r, &count) != SYM_OK || count != 4)
		return fail_at(error_offset, at, SYM_ESCHEMA);
	at = r.pos;
	if (sym_cbor_read_bytes(&r, &m->protected_bytes,
	    &m->protected_len) != SYM_OK || m->protected_len == 0)
		return fail_at(error_offset, at, SYM_ESCHEMA);
	rc = parse_protected(m, in, error_offset);
	if (rc != SYM_OK)
		return rc;
	at = r.pos;
	if (sym_cbor_read_map(&r, &count) != SYM_OK || count != 0)
		return fail_at(error_offset, at, SYM_ESCHEMA);
	/* A nil payload (detached content) is not supported. */
	at = r.pos;
	if (sym_cbor_read_bytes(&r, &m->payload, &m->payload_len) != SYM_OK)
		return fail_at(error_offset, at, SYM_ESCHEMA);
	at = r.pos;
	if (sym_cbor_read_bytes(&r, &m->signature, &count) != SYM_OK ||
	    count != SYM_COSE_SIG_BYTES)
		return fail_at(error_offset, at, SYM_ESCHEMA);
	m->signature_offset = at;
	if (sym_cbor_reader_end(&r) != SYM_OK)
		return fail_at(error_offset, r.pos, SYM_ETRAILING);

	/* Re-encode what we understood and compare: the bytes we accept are
	 * exactly the bytes sym_cose_sign1 would write. */
	rc = encode_prefix(prefix, &prefix_len, m->protected_bytes,
	    m->protected_len, m->payload_len);
	if (rc != SYM_OK)
		return fail_at(error_offset, 0, SYM_EINTERNAL);
	if (prefix_len + m->payload_len + 2 + SYM_COSE_SIG_BYTES != in_len ||
	    memcmp(prefix, in, prefix_len) != 0 ||
	    m->payload != in + prefix_len ||
	    in[m->signature_offset] != 0x58 ||
	    in[m->signature_offset + 1] != SYM_COSE_SIG_BYTES)
		return fail_at(error_offset, 0, SYM_ENONCANONICAL);
	return SYM_OK;
}

int
sym_cose_parse1(const uint8_t **payload, size_t *payload_len,
    const uint8_t **kid, size_t *kid_len, const uint8_t *in, size_t in_len,
    size_t *error_offset)
{
	struct sign1 m;
	int rc;

	*payload = NULL;
	*payload_len = 0;
	*kid = NULL;
	*kid_len = 0;
	rc = parse(&m, in, in_len, error_offset);
	if (rc != SYM_OK)
		return rc;
	*payload = m.payload;
	*payload_len = m.payload_len;
	*kid = m.kid;
	*kid_len = m.kid_len;
	return SYM_OK;
}

int
sym_cose_verify1(const uint8_t **payload, size_t *payload_len,
    const uint8_t *in, size_t in_len,
    const uint8_t public_key[static SYM_COSE_PUBLICKEY_BYTES],
    size_t *error_offset)
{
	struct sign1 m;
	uint8_t *tbs = NULL;
	size_t tbs_len;
	int ret;

	*payload = NULL;
	*payload_len = 0;
	ret = parse(&m, in, in_len, error_offset);
	if (ret != SYM_OK)
		return ret;
	if (sodium_init() < 0)
		return SYM_EINIT;
	ret = sig_structure(&tbs, &tbs_len, m.protected_bytes, m.protected_len,
	    m.payload, m.payload_len);
	if (ret != SYM_OK)
		goto out;
	if (crypto_sign_verify_detached(m.signature, tbs, tbs_len,
	    public_key) != 0) {
		ret = fail_at(error_offset, m.signature_offset, SYM_EBADSIG);
		goto out;
	}
	*payload = m.payload;
	*payload_len = m.payload_len;
	ret = SYM_OK;
out:
	sym_secmem_free(tbs);
	return ret;
}
