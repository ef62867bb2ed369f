/*
 * The pkcs11 seal: symbolon/seal_pkcs11.h.
 *
 * One operation (wrap, unwrap, probe) finds its token afresh over the
 * slots that hold a token, by label and/or serial (slot numbers change:
 * SoftHSM gives a token a new slot when it is initialised), opens one
 * serial session, logs in for the AES key or the RSA private key (never
 * for the RSA public key), and closes the session before it returns.  The
 * module stays loaded from the first operation to close.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/pkcs11.h>
#include <sodium.h>

#include "symbolon/random.h"
#include "symbolon/seal_pkcs11.h"
#include "symbolon/secmem.h"

#include "pkcs11_module.h"

static const char *const keys[] = {
	"module", "token", "serial", "key", "id", "mech", "oaep_hash", NULL
};

/* The blob's first byte: which mechanism made it, and for RSA-OAEP
 * whether the token took the binding as the OAEP label.  Either way the
 * OAEP plaintext starts with a hash of this byte and the binding, so a
 * token that ignores labels still binds, and a changed first byte
 * fails. */
#define BLOB_GCM 0x01u
#define BLOB_OAEP_LABEL 0x02u
#define BLOB_OAEP_NOLABEL 0x03u
#define GCM_IV_BYTES 12u
#define GCM_TAG_BYTES 16u
#define GCM_BLOB_BYTES (1u + GCM_IV_BYTES + SYM_SEAL_KEY_BYTES + GCM_TAG_BYTES)
#define CHECK_BYTES 16u		/* BLAKE2b-128 of version || binding */
#define OAEP_PLAIN_BYTES (CHECK_BYTES + SYM_SEAL_KEY_BYTES)
#define ID_MAX 64u

enum mech { MECH_GCM, MECH_OAEP };

struct p11 {
	struct pkcs11_token tok;        /* first: see seal_of() */
	char key[SYM_SEAL_PARAM_VALUE_MAX + 1];
	uint8_t id[ID_MAX];
	size_t id_len;
	enum mech mech;
	const char *oaep_hash;
	CK_MECHANISM_TYPE hash;
	CK_RSA_PKCS_MGF_TYPE mgf;
};

/* The seal of an operation: its token is the first member of a p11. */
static inline struct p11 *
seal_of(const struct pkcs11_op *op)
{
	return (struct p11 *)(void *)op->tok;
}

static void
key_name(const struct p11 *p, char *buf, size_t cap)
{
	char hex[2 * ID_MAX + 1];

	if (p->key[0] != '\0')
		snprintf(buf, cap, "'%.64s'", p->key);
	else {
		sodium_bin2hex(hex, sizeof hex, p->id, p->id_len);
		snprintf(buf, cap, "with id %.64s", hex);
	}
}

static int
hash_of(struct p11 *p, const char *name)
{
	static const struct {
		const char *name;
		CK_MECHANISM_TYPE hash;
		CK_RSA_PKCS_MGF_TYPE mgf;
	} h[] = {
		{ "sha1", CKM_SHA_1, CKG_MGF1_SHA1 },
		{ "sha256", CKM_SHA256, CKG_MGF1_SHA256 },
		{ "sha384", CKM_SHA384, CKG_MGF1_SHA384 },
		{ "sha512", CKM_SHA512, CKG_MGF1_SHA512 },
	};

	for (size_t i = 0; i < sizeof h / sizeof *h; i++)
		if (strcmp(h[i].name, name) == 0) {
			p->oaep_hash = h[i].name;
			p->hash = h[i].hash;
			p->mgf = h[i].mgf;
			return 0;
		}
	return -1;
}

/* The mechanism parameters of params into p. */
static int
parse_mech(struct p11 *p, const struct sym_seal_params *params, char *why)
{
	const char *mech = sym_seal_param(params, "mech");
	const char *hash = sym_seal_param(params, "oaep_hash");

	if (mech == NULL || strcmp(mech, "aes-gcm") == 0)
		p->mech = MECH_GCM;
	else if (strcmp(mech, "rsa-oaep") == 0)
		p->mech = MECH_OAEP;
	else {
		snprintf(why, SYM_SEAL_WHY_MAX, "mech '%.40s' is not aes-gcm "
		    "or rsa-oaep", mech);
		return SYM_ESEALSPEC;
	}
	if (p->mech == MECH_GCM && hash != NULL) {
		snprintf(why, SYM_SEAL_WHY_MAX, "oaep_hash is for mech=rsa-oaep");
		return SYM_ESEALSPEC;
	}
	if (p->mech == MECH_OAEP &&
	    hash_of(p, hash != NULL ? hash : "sha256") != 0) {
		snprintf(why, SYM_SEAL_WHY_MAX, "oaep_hash '%.40s' is not sha1, "
		    "sha256, sha384 or sha512", hash);
		return SYM_ESEALSPEC;
	}
	return SYM_OK;
}

/* The parameters that find the token and the key into p. */
static int
parse_names(struct p11 *p, const struct sym_seal_params *params, char *why)
{
	const char *token = sym_seal_param(params, "token");
	const char *serial = sym_seal_param(params, "serial");
	const char *key = sym_seal_param(params, "key");
	const char *id = sym_seal_param(params, "id");
	size_t idl = 0;

	if (token == NULL && serial == NULL) {
		snprintf(why, SYM_SEAL_WHY_MAX, "no token=LABEL or serial=S");
		return SYM_ESEALSPEC;
	}
	if ((token != NULL && strlen(token) > 32) ||
	    (serial != NULL && strlen(serial) > 16)) {
		snprintf(why, SYM_SEAL_WHY_MAX, "a token label has at most 32 "
		    "bytes, a serial 16");
		return SYM_ESEALSPEC;
	}
	snprintf(p->tok.token, sizeof p->tok.token, "%s", token ? token : "");
	snprintf(p->tok.serial, sizeof p->tok.serial, "%s", serial ? serial : "");
	if (key == NULL && id == NULL) {
		snprintf(why, SYM_SEAL_WHY_MAX, "no key=LABEL or id=HEX");
		return SYM_ESEALSPEC;
	}
	snprintf(p->key, sizeof p->key, "%s", key ? key : "");
	if (id != NULL && (sodium_hex2bin(p->id, sizeof p->id, id, strlen(id),
	    NULL, &idl, NULL) != 0 || idl == 0 || 2 * idl != strlen(id))) {
		snprintf(why, SYM_SEAL_WHY_MAX, "id '%.40s' is not 1..%u bytes "
		    "of hex", id, ID_MAX);
		return SYM_ESEALSPEC;
	}
	p->id_len = idl;
	return SYM_OK;
}

static int
open_device(void **state, const struct sym_seal_params *params,
    const struct sym_seal_pin *pin, char *why)
{
	const char *module = sym_seal_param(params, "module");
	struct p11 *p;
	int rc;

	*state = NULL;
	/* A bare name would be searched for on the library path. */
	if (module == NULL || module[0] != '/') {
		snprintf(why, SYM_SEAL_WHY_MAX, "module=PATH (an absolute path "
		    "to the PKCS#11 module) is needed");
		return SYM_ESEALSPEC;
	}
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return SYM_ENOMEM;
	snprintf(p->tok.module, sizeof p->tok.module, "%s", module);
	p->tok.pin = pin;
	if ((rc = parse_names(p, params, why)) != SYM_OK ||
	    (rc = parse_mech(p, params, why)) != SYM_OK) {
		free(p);
		return rc;
	}
	*state = p;
	return SYM_OK;
}

/* ---------------------------------------------------------------- */
/* The key */

/* The one object of class (and key type) p names; two are refused, and
 * none too unless count is given (then *count says 0 or 1). */
static int
find_key(struct pkcs11_op *op, CK_OBJECT_CLASS cls, CK_KEY_TYPE type,
    CK_OBJECT_HANDLE *key, CK_ULONG *count, char *why)
{
	struct p11 *p = seal_of(op);
	CK_ATTRIBUTE t[4] = {
		{ CKA_CLASS, &cls, sizeof cls },
		{ CKA_KEY_TYPE, &type, sizeof type },
	};
	CK_ULONG n = 2, found = 0;
	CK_OBJECT_HANDLE h[2];
	CK_RV rv;
	char kn[96];

	if (p->key[0] != '\0')
		t[n++] = (CK_ATTRIBUTE){ CKA_LABEL, p->key, strlen(p->key) };
	if (p->id_len > 0)
		t[n++] = (CK_ATTRIBUTE){ CKA_ID, p->id, p->id_len };
	rv = op->fl->C_FindObjectsInit(op->session, t, n);
	if (rv == CKR_OK) {
		rv = op->fl->C_FindObjects(op->session, h, 2, &found);
		(void)op->fl->C_FindObjectsFinal(op->session);
	}
	if (rv != CKR_OK) {
		snprintf(why, SYM_SEAL_WHY_MAX, "token '%s': C_FindObjects "
		    "failed (0x%lx)", op->label, rv);
		return SYM_EDEVICE;
	}
	key_name(p, kn, sizeof kn);
	if (count != NULL)
		*count = found;
	if (found == 0 && count != NULL)
		return SYM_OK;
	if (found != 1) {
		snprintf(why, SYM_SEAL_WHY_MAX, found == 0 ? "no key %s on "
		    "token '%s'" : "two keys %s on token '%s': name one by "
		    "key= and id=", kn, op->label);
		return SYM_EDEVKEY;
	}
	*key = h[0];
	return SYM_OK;
}

/* Refuses a key that could be copied off the token. */
static int
key_fixed(struct pkcs11_op *op, CK_OBJECT_HANDLE key, char *why)
{
	CK_BBOOL sensitive = CK_FALSE, extractable = CK_TRUE;
	CK_ATTRIBUTE t[2] = {
		{ CKA_SENSITIVE, &sensitive, sizeof sensitive },
		{ CKA_EXTRACTABLE, &extractable, sizeof extractable },
	};
	CK_RV rv = op->fl->C_GetAttributeValue(op->session, key, t, 2);
	char kn[96];

	key_name(seal_of(op), kn, sizeof kn);
	if (rv != CKR_OK) {
		snprintf(why, SYM_SEAL_WHY_MAX, "key %s: its sensitive and "
		    "extractable flags do not read (0x%lx)", kn, rv);
		return SYM_EDEVKEY;
	}
	if (sensitive != CK_TRUE || extractable != CK_FALSE) {
		snprintf(why, SYM_SEAL_WHY_MAX, "key %s is %s: it could be "
		    "copied off the token", kn, sensitive != CK_TRUE ?
		    "not sensitive" : "extractable");
		return SYM_EDEVKEY;
	}
	return SYM_OK;
}

/* The record: what finds this very token and key again. */
static int
record_fill(struct pkcs11_op *op, CK_OBJECT_HANDLE key,
    struct sym_seal_params *rec, char *why)
{
	struct p11 *p = seal_of(op);
	char label[SYM_SEAL_PARAM_VALUE_MAX + 1] = "";
	uint8_t id[ID_MAX];
	char hex[2 * ID_MAX + 1] = "";
	CK_ATTRIBUTE t[2] = {
		{ CKA_LABEL, label, sizeof label - 1 },
		{ CKA_ID, id, sizeof id },
	};
	int rc = SYM_OK;

	if (op->fl->C_GetAttributeValue(op->session, key, t, 2) != CKR_OK ||
	    t[0].ulValueLen >= sizeof label || t[1].ulValueLen > sizeof id) {
		snprintf(why, SYM_SEAL_WHY_MAX, "the key's label or id does "
		    "not read (or is too long)");
		return SYM_EDEVKEY;
	}
	label[t[0].ulValueLen] = '\0';
	sodium_bin2hex(hex, sizeof hex, id, t[1].ulValueLen);
	memset(rec, 0, sizeof *rec);
	rc |= sym_seal_param_set(rec, "module", p->tok.module);
	if (op->label[0] != '\0')
		rc |= sym_seal_param_set(rec, "token", op->label);
	if (op->serial[0] != '\0')
		rc |= sym_seal_param_set(rec, "serial", op->serial);
	if (label[0] != '\0')
		rc |= sym_seal_param_set(rec, "key", label);
	if (hex[0] != '\0')
		rc |= sym_seal_param_set(rec, "id", hex);
	rc |= sym_seal_param_set(rec, "mech", p->mech == MECH_GCM ?
	    "aes-gcm" : "rsa-oaep");
	if (p->mech == MECH_OAEP)
		rc |= sym_seal_param_set(rec, "oaep_hash", p->oaep_hash);
	if (rc != SYM_OK) {
		snprintf(why, SYM_SEAL_WHY_MAX, "the seal's parameters do not "
		    "fit the record");
		return SYM_ETOOBIG;
	}
	return SYM_OK;
}

/* ---------------------------------------------------------------- */
/* Wrapping */

/* A failed call of fn (C_Encrypt, C_Decrypt, their Init) as a SYM_E
 * code: a decryption that fails is a blob that is not the token's. */
static int
crypt_failed(struct pkcs11_op *op, const char *fn, CK_RV rv, char *why)
{
	int decrypt = strncmp(fn, "C_Decrypt", 9) == 0;

	switch (rv) {
	case CKR_ENCRYPTED_DATA_INVALID:
	case CKR_ENCRYPTED_DATA_LEN_RANGE:
	case CKR_GENERAL_ERROR:	/* SoftHSM's answer to a bad GCM tag */
	case CKR_FUNCTION_FAILED:
		if (!decrypt)
			break;
		snprintf(why, SYM_SEAL_WHY_MAX, "token '%s' does not unwrap "
		    "this blob: another token's or key's, or changed",
		    op->label);
		return SYM_EDEVUNWRAP;
	case CKR_KEY_FUNCTION_NOT_PERMITTED:
	case CKR_KEY_TYPE_INCONSISTENT:
		snprintf(why, SYM_SEAL_WHY_MAX, "token '%s': the key may not "
		    "be used for this (%s: 0x%lx)", op->label, fn, rv);
		return SYM_EDEVKEY;
	case CKR_DEVICE_REMOVED:
	case CKR_TOKEN_NOT_PRESENT:
	case CKR_SESSION_CLOSED:
		snprintf(why, SYM_SEAL_WHY_MAX, "token '%s' went away",
		    op->label);
		return SYM_ENODEVICE;
	default:
		break;
	}
	snprintf(why, SYM_SEAL_WHY_MAX, "token '%s': %s failed (0x%lx)",
	    op->label, fn, rv);
	return SYM_EDEVICE;
}

/* blob = BLOB_GCM || IV || AES-GCM(key, IV, AAD = binding, U) || tag. */
static int
gcm_wrap(struct pkcs11_op *op, CK_OBJECT_HANDLE key, const uint8_t *binding,
    size_t binding_len, const uint8_t *u, uint8_t *blob, size_t *blob_len,
    char *why)
{
	uint8_t mix[GCM_IV_BYTES];
	CK_GCM_PARAMS gp = {
		.pIv = blob + 1, .ulIvLen = GCM_IV_BYTES, .ulIvBits = 96,
		.pAAD = (CK_BYTE_PTR)binding, .ulAADLen = binding_len,
		.ulTagBits = 8 * GCM_TAG_BYTES,
	};
	CK_MECHANISM m = { CKM_AES_GCM, &gp, sizeof gp };
	CK_ULONG out = SYM_SEAL_KEY_BYTES + GCM_TAG_BYTES;
	CK_RV rv;

	rv = op->fl->C_GenerateRandom(op->session, blob + 1, GCM_IV_BYTES);
	if (rv != CKR_OK)
		return crypt_failed(op, "C_GenerateRandom", rv, why);
	/* A repeated IV under one key gives away both keys it wrapped: do
	 * not rest on the token's generator alone. */
	if (sym_random_bytes(mix, sizeof mix, SYM_RANDOM_PUBLIC) != SYM_OK) {
		snprintf(why, SYM_SEAL_WHY_MAX, "no random IV");
		return SYM_ERANDOM;
	}
	for (size_t i = 0; i < GCM_IV_BYTES; i++)
		blob[1 + i] ^= mix[i];
	rv = op->fl->C_EncryptInit(op->session, &m, key);
	if (rv != CKR_OK)
		return crypt_failed(op, "C_EncryptInit", rv, why);
	rv = op->fl->C_Encrypt(op->session, (CK_BYTE_PTR)u, SYM_SEAL_KEY_BYTES,
	    blob + 1 + GCM_IV_BYTES, &out);
	if (rv != CKR_OK)
		return crypt_failed(op, "C_Encrypt", rv, why);
	if (out != SYM_SEAL_KEY_BYTES + GCM_TAG_BYTES) {
		snprintf(why, SYM_SEAL_WHY_MAX, "token '%s': AES-GCM gave %lu "
		    "bytes, not %u", op->label, out,
		    SYM_SEAL_KEY_BYTES + GCM_TAG_BYTES);
		return SYM_EDEVICE;
	}
	blob[0] = BLOB_GCM;
	*blob_len = GCM_BLOB_BYTES;
	return SYM_OK;
}

static int
gcm_unwrap(struct pkcs11_op *op, CK_OBJECT_HANDLE key, const uint8_t *binding,
    size_t binding_len, const uint8_t *blob, uint8_t *u, char *why)
{
	CK_GCM_PARAMS gp = {
		.pIv = (CK_BYTE_PTR)blob + 1, .ulIvLen = GCM_IV_BYTES,
		.ulIvBits = 96, .pAAD = (CK_BYTE_PTR)binding,
		.ulAADLen = binding_len, .ulTagBits = 8 * GCM_TAG_BYTES,
	};
	CK_MECHANISM m = { CKM_AES_GCM, &gp, sizeof gp };
	uint8_t *plain = sym_secmem_alloc(2 * SYM_SEAL_KEY_BYTES + 16);
	CK_ULONG out = 2 * SYM_SEAL_KEY_BYTES + 16;
	CK_RV rv;
	int rc = SYM_OK;

	if (plain == NULL)
		return SYM_ENOMEM;
	rv = op->fl->C_DecryptInit(op->session, &m, key);
	if (rv != CKR_OK) {
		rc = crypt_failed(op, "C_DecryptInit", rv, why);
		goto out;
	}
	rv = op->fl->C_Decrypt(op->session, (CK_BYTE_PTR)blob + 1 +
	    GCM_IV_BYTES, SYM_SEAL_KEY_BYTES + GCM_TAG_BYTES, plain, &out);
	if (rv != CKR_OK || out != SYM_SEAL_KEY_BYTES) {
		rc = crypt_failed(op, "C_Decrypt", rv != CKR_OK ? rv :
		    CKR_ENCRYPTED_DATA_INVALID, why);
		goto out;
	}
	memcpy(u, plain, SYM_SEAL_KEY_BYTES);
out:
	sym_secmem_free(plain);
	return rc;
}

/* BLAKE2b-128 of a tag, the blob's version byte and the binding: the
 * first bytes of the OAEP plaintext. */
static void
oaep_check(uint8_t out[CHECK_BYTES], uint8_t version, const uint8_t *binding,
    size_t binding_len)
{
	static const char tag[] = "symbolon-pkcs11-oaep-v1";
	crypto_generichash_blake2b_state st;

	crypto_generichash_blake2b_init(&st, NULL, 0, CHECK_BYTES);
	crypto_generichash_blake2b_update(&st, (const uint8_t *)tag,
	    sizeof tag - 1);
	crypto_generichash_blake2b_update(&st, &version, 1);
	crypto_generichash_blake2b_update(&st, binding, binding_len);
	crypto_generichash_blake2b_final(&st, out, CHECK_BYTES);
}

static void
oaep_mech(const struct p11 *p, CK_RSA_PKCS_OAEP_PARAMS *op_params,
    CK_MECHANISM *m, uint8_t version, const uint8_t *binding,
    size_t binding_len)
{
	*op_params = (CK_RSA_PKCS_OAEP_PARAMS){
		.hashAlg = p->hash, .mgf = p->mgf,
		.source = CKZ_DATA_SPECIFIED,
		.pSourceData = version == BLOB_OAEP_LABEL ?
		    (void *)binding : NULL,
		.ulSourceDataLen = version == BLOB_OAEP_LABEL ?
		    binding_len : 0,
	};
	*m = (CK_MECHANISM){ CKM_RSA_PKCS_OAEP, op_params, sizeof *op_params };
}

/* C_EncryptInit for RSA-OAEP with the binding as the label, or without a
 * label when the token refuses one; *version says which. */
static int
oaep_encrypt_init(struct pkcs11_op *op, CK_OBJECT_HANDLE pub,
    const uint8_t *binding, size_t binding_len, uint8_t *version, char *why)
{
	CK_RSA_PKCS_OAEP_PARAMS params;
	CK_MECHANISM m;
	CK_RV rv;

	*version = BLOB_OAEP_LABEL;
	oaep_mech(seal_of(op), &params, &m, *version, binding, binding_len);
	rv = op->fl->C_EncryptInit(op->session, &m, pub);
	if (rv == CKR_ARGUMENTS_BAD || rv == CKR_MECHANISM_PARAM_INVALID) {
		*version = BLOB_OAEP_NOLABEL;
		oaep_mech(seal_of(op), &params, &m, *version, binding, binding_len);
		rv = op->fl->C_EncryptInit(op->session, &m, pub);
	}
	if (rv == CKR_ARGUMENTS_BAD || rv == CKR_MECHANISM_PARAM_INVALID) {
		snprintf(why, SYM_SEAL_WHY_MAX, "token '%s' refuses RSA-OAEP "
		    "with %s (SoftHSM takes only oaep_hash=sha1)", op->label,
		    seal_of(op)->oaep_hash);
		return SYM_EDEVICE;
	}
	return rv == CKR_OK ? SYM_OK : crypt_failed(op, "C_EncryptInit", rv,
	    why);
}

/* blob = version || RSA-OAEP(pub, check || U). */
static int
oaep_wrap(struct pkcs11_op *op, CK_OBJECT_HANDLE pub, const uint8_t *binding,
    size_t binding_len, const uint8_t *u, uint8_t *blob, size_t *blob_len,
    char *why)
{
	uint8_t *plain = sym_secmem_alloc(OAEP_PLAIN_BYTES), version;
	CK_ULONG out = SYM_SEAL_WRAPPED_MAX - 1;
	CK_RV rv;
	int rc;

	if (plain == NULL)
		return SYM_ENOMEM;
	rc = oaep_encrypt_init(op, pub, binding, binding_len, &version, why);
	if (rc != SYM_OK)
		goto out;
	oaep_check(plain, version, binding, binding_len);
	memcpy(plain + CHECK_BYTES, u, SYM_SEAL_KEY_BYTES);
	rv = op->fl->C_Encrypt(op->session, plain, OAEP_PLAIN_BYTES, blob + 1,
	    &out);
	if (rv != CKR_OK) {
		rc = rv == CKR_BUFFER_TOO_SMALL ? SYM_ETOOBIG :
		    crypt_failed(op, "C_Encrypt", rv, why);
		if (rc == SYM_ETOOBIG)
			snprintf(why, SYM_SEAL_WHY_MAX, "the RSA key of token "
			    "'%s' is too large for a seal", op->label);
		goto out;
	}
	blob[0] = version;
	*blob_len = 1 + out;
out:
	sym_secmem_free(plain);
	return rc;
}

static int
oaep_unwrap(struct pkcs11_op *op, CK_OBJECT_HANDLE priv, const uint8_t *binding,
    size_t binding_len, const uint8_t *blob, size_t blob_len, uint8_t *u,
    char *why)
{
	CK_RSA_PKCS_OAEP_PARAMS params;
	CK_MECHANISM m;
	/* The token writes up to the modulus' size before it strips. */
	uint8_t *plain = sym_secmem_alloc(SYM_SEAL_WRAPPED_MAX);
	uint8_t check[CHECK_BYTES];
	CK_ULONG out = SYM_SEAL_WRAPPED_MAX;
	CK_RV rv;
	int rc = SYM_OK;

	if (plain == NULL)
		return SYM_ENOMEM;
	oaep_mech(seal_of(op), &params, &m, blob[0], binding, binding_len);
	rv = op->fl->C_DecryptInit(op->session, &m, priv);
	/* A labelled blob for a token that takes no label was not made
	 * here. */
	if ((rv == CKR_ARGUMENTS_BAD || rv == CKR_MECHANISM_PARAM_INVALID) &&
	    blob[0] == BLOB_OAEP_LABEL)
		rv = CKR_ENCRYPTED_DATA_INVALID;
	if (rv != CKR_OK) {
		rc = crypt_failed(op, "C_DecryptInit", rv, why);
		goto out;
	}
	rv = op->fl->C_Decrypt(op->session, (CK_BYTE_PTR)blob + 1,
	    blob_len - 1, plain, &out);
	oaep_check(check, blob[0], binding, binding_len);
	if (rv != CKR_OK || out != OAEP_PLAIN_BYTES ||
	    sodium_memcmp(plain, check, CHECK_BYTES) != 0) {
		rc = crypt_failed(op, "C_Decrypt", rv != CKR_OK ? rv :
		    CKR_ENCRYPTED_DATA_INVALID, why);
		goto out;
	}
	memcpy(u, plain + CHECK_BYTES, SYM_SEAL_KEY_BYTES);
out:
	sym_secmem_free(plain);
	return rc;
}

/* ---------------------------------------------------------------- */
/* The provider */

static int
wrap_on(struct pkcs11_op *op, const uint8_t *binding, size_t binding_len,
    const uint8_t *key, uint8_t *blob, size_t *blob_len,
    struct sym_seal_params *record, char *why)
{
	CK_OBJECT_HANDLE k, priv;
	CK_ULONG visible = 0;
	int rc;

	if (seal_of(op)->mech == MECH_GCM) {
		if ((rc = pkcs11_login(op, why)) != SYM_OK ||
		    (rc = find_key(op, CKO_SECRET_KEY, CKK_AES, &k, NULL,
		    why)) != SYM_OK || (rc = key_fixed(op, k, why)) != SYM_OK ||
		    (rc = gcm_wrap(op, k, binding, binding_len, key, blob,
		    blob_len, why)) != SYM_OK)
			return rc;
		return record_fill(op, k, record, why);
	}
	/* Enrolment without a PIN sees a private key only if it is not
	 * CKA_PRIVATE (then it must be fixed to the token); a private one
	 * is checked at every unwrap. */
	if ((rc = find_key(op, CKO_PUBLIC_KEY, CKK_RSA, &k, NULL,
	    why)) != SYM_OK ||
	    (rc = find_key(op, CKO_PRIVATE_KEY, CKK_RSA, &priv, &visible,
	    why)) != SYM_OK ||
	    (visible && (rc = key_fixed(op, priv, why)) != SYM_OK) ||
	    (rc = oaep_wrap(op, k, binding, binding_len, key, blob, blob_len,
	    why)) != SYM_OK)
		return rc;
	return record_fill(op, k, record, why);
}

static int
wrap(void *state, const uint8_t *binding, size_t binding_len,
    const uint8_t *key, uint8_t *blob, size_t *blob_len,
    struct sym_seal_params *record, char *why)
{
	struct p11 *p = state;
	struct pkcs11_op op;
	int rc;

	*blob_len = 0;
	if (binding_len == 0) {
		snprintf(why, SYM_SEAL_WHY_MAX, "no binding to wrap for");
		return SYM_EUSAGE;
	}
	rc = pkcs11_op_begin(&op, &p->tok, 1, why);
	if (rc == SYM_OK)
		rc = wrap_on(&op, binding, binding_len, key, blob, blob_len,
		    record, why);
	pkcs11_op_end(&op);
	if (rc != SYM_OK) {
		*blob_len = 0;
		memset(record, 0, sizeof *record);
	}
	return rc;
}

static int
unwrap(void *state, const uint8_t *binding, size_t binding_len,
    const uint8_t *blob, size_t blob_len, uint8_t *key, char *why)
{
	struct p11 *p = state;
	struct pkcs11_op op;
	CK_OBJECT_HANDLE k;
	int gcm = p->mech == MECH_GCM, rc;

	why[0] = '\0';
	if (binding_len == 0 || blob_len < 2 || blob_len > SYM_SEAL_WRAPPED_MAX ||
	    (gcm && (blob[0] != BLOB_GCM || blob_len != GCM_BLOB_BYTES)) ||
	    (!gcm && blob[0] != BLOB_OAEP_LABEL &&
	    blob[0] != BLOB_OAEP_NOLABEL)) {
		snprintf(why, SYM_SEAL_WHY_MAX, "not a blob of this seal's "
		    "%s (changed?)", gcm ? "aes-gcm" : "rsa-oaep");
		return SYM_EDEVUNWRAP;
	}
	rc = pkcs11_op_begin(&op, &p->tok, 1, why);
	if (rc == SYM_OK)
		rc = pkcs11_login(&op, why);
	if (rc == SYM_OK)
		rc = find_key(&op, gcm ? CKO_SECRET_KEY : CKO_PRIVATE_KEY,
		    gcm ? CKK_AES : CKK_RSA, &k, NULL, why);
	if (rc == SYM_OK)
		rc = key_fixed(&op, k, why);
	if (rc == SYM_OK)
		rc = gcm ? gcm_unwrap(&op, k, binding, binding_len, blob, key,
		    why) : oaep_unwrap(&op, k, binding, binding_len, blob,
		    blob_len, key, why);
	pkcs11_op_end(&op);
	if (rc != SYM_OK)
		sodium_memzero(key, SYM_SEAL_KEY_BYTES);
	return rc;
}

static int
probe(void *state, char *why)
{
	struct p11 *p = state;
	struct pkcs11_op op;
	int rc = pkcs11_op_begin(&op, &p->tok, 0, why);

	if (rc == SYM_OK && (op.flags & CKF_USER_PIN_LOCKED)) {
		snprintf(why, SYM_SEAL_WHY_MAX, "the user PIN of token '%s' is "
		    "locked", op.label);
		rc = SYM_EPINLOCKED;
	}
	pkcs11_op_end(&op);
	return rc;
}

static void
close_device(void *state)
{
	struct p11 *p = state;

	if (p == NULL)
		return;
	pkcs11_module_put(&p->tok);
	sodium_memzero(p, sizeof *p);
	free(p);
}

const struct sym_device_ops sym_seal_pkcs11_device = {
	.abi = SYM_SEAL_DEVICE_ABI,
	.type = "pkcs11",
	.keys = keys,
	.open = open_device,
	.wrap = wrap,
	.unwrap = unwrap,
	.probe = probe,
	.close = close_device,
};
