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
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <p11-kit/pkcs11.h>
#include <sodium.h>

#include "symbolon/random.h"
#include "symbolon/seal_pkcs11.h"
#include "symbolon/secmem.h"

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
#define MODULES_MAX 8u

enum mech { MECH_GCM, MECH_OAEP };

/*
 * A loaded module, shared by every seal on it: two seals on two tokens of
 * one module (SoftHSM, an HSM with two partitions) must not finalise each
 * other's library.  C_Finalize only when the last user closes, and only if
 * we initialised it (someone else in the process may have).
 */
struct module {
	void *dl;
	CK_FUNCTION_LIST_PTR fl;
	unsigned refs;
	int owner;
};
static struct module modules[MODULES_MAX];	/* one thread only */

struct p11 {
	char module[SYM_SEAL_PARAM_VALUE_MAX + 1];
	char token[33], serial[17];
	char key[SYM_SEAL_PARAM_VALUE_MAX + 1];
	uint8_t id[ID_MAX];
	size_t id_len;
	enum mech mech;
	const char *oaep_hash;
	CK_MECHANISM_TYPE hash;
	CK_RSA_PKCS_MGF_TYPE mgf;
	const struct sym_seal_pin *pin;
	struct module *mod;
};

/* One operation on the token. */
struct op {
	struct p11 *p;
	CK_FUNCTION_LIST_PTR fl;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE session;
	int open, logged_in;
	CK_FLAGS flags;
	char label[33], serial[17];
};

/* The token as the user named it, for messages. */
static const char *
token_name(const struct p11 *p, char *buf, size_t cap)
{
	if (p->token[0] != '\0' && p->serial[0] != '\0')
		snprintf(buf, cap, "token '%s' with serial '%s'", p->token,
		    p->serial);
	else if (p->token[0] != '\0')
		snprintf(buf, cap, "token '%s'", p->token);
	else
		snprintf(buf, cap, "token with serial '%s'", p->serial);
	return buf;
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
	snprintf(p->token, sizeof p->token, "%s", token ? token : "");
	snprintf(p->serial, sizeof p->serial, "%s", serial ? serial : "");
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
	snprintf(p->module, sizeof p->module, "%s", module);
	p->pin = pin;
	if ((rc = parse_names(p, params, why)) != SYM_OK ||
	    (rc = parse_mech(p, params, why)) != SYM_OK) {
		free(p);
		return rc;
	}
	*state = p;
	return SYM_OK;
}

/* ---------------------------------------------------------------- */
/* The module */

static int
module_init(struct module *m, const char *path, char *why)
{
	CK_C_GetFunctionList get;
	CK_C_INITIALIZE_ARGS args = { .flags = CKF_OS_LOCKING_OK };
	CK_RV rv;

	*(void **)&get = dlsym(m->dl, "C_GetFunctionList");
	if (get == NULL) {
		snprintf(why, SYM_SEAL_WHY_MAX, "'%.200s' is not a PKCS#11 "
		    "module (no C_GetFunctionList)", path);
		return SYM_ESEALSPEC;
	}
	if ((rv = get(&m->fl)) != CKR_OK || m->fl == NULL) {
		snprintf(why, SYM_SEAL_WHY_MAX, "PKCS#11 module '%.180s': "
		    "C_GetFunctionList failed (0x%lx)", path, rv);
		return SYM_EDEVICE;
	}
	rv = m->fl->C_Initialize(&args);
	if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		snprintf(why, SYM_SEAL_WHY_MAX, "PKCS#11 module '%.180s': "
		    "C_Initialize failed (0x%lx)", path, rv);
		return SYM_EDEVICE;
	}
	m->owner = rv == CKR_OK;
	return SYM_OK;
}

static int
module_get(struct p11 *p, char *why)
{
	struct module *free_slot = NULL;
	void *dl;
	int rc;

	if (p->mod != NULL)
		return SYM_OK;
	if (access(p->module, F_OK) != 0) {
		snprintf(why, SYM_SEAL_WHY_MAX, "no PKCS#11 module at '%.200s'",
		    p->module);
		return SYM_ENODEVICE;
	}
	dl = dlopen(p->module, RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL) {
		/* dlerror names the path and says why (not ELF, a missing
		 * dependency). */
		snprintf(why, SYM_SEAL_WHY_MAX, "not a PKCS#11 module that "
		    "loads: %.200s", dlerror());
		return SYM_ESEALSPEC;
	}
	for (size_t i = 0; i < MODULES_MAX; i++) {
		if (modules[i].refs > 0 && modules[i].dl == dl) {
			/* dlopen counted this reference: give it back. */
			dlclose(dl);
			modules[i].refs++;
			p->mod = &modules[i];
			return SYM_OK;
		}
		if (modules[i].refs == 0 && free_slot == NULL)
			free_slot = &modules[i];
	}
	if (free_slot == NULL) {
		dlclose(dl);
		snprintf(why, SYM_SEAL_WHY_MAX, "more than %u PKCS#11 modules "
		    "in use", MODULES_MAX);
		return SYM_EDEVICE;
	}
	memset(free_slot, 0, sizeof *free_slot);
	free_slot->dl = dl;
	if ((rc = module_init(free_slot, p->module, why)) != SYM_OK) {
		dlclose(dl);
		return rc;
	}
	free_slot->refs = 1;
	p->mod = free_slot;
	return SYM_OK;
}

static void
module_put(struct p11 *p)
{
	struct module *m = p->mod;

	if (m == NULL)
		return;
	p->mod = NULL;
	if (--m->refs > 0)
		return;
	if (m->owner)
		(void)m->fl->C_Finalize(NULL);
	dlclose(m->dl);
	memset(m, 0, sizeof *m);
}

/* ---------------------------------------------------------------- */
/* The token */

/* A blank-padded PKCS#11 text field as a C string. */
static void
unpad(char *out, const unsigned char *field, size_t len)
{
	while (len > 0 && (field[len - 1] == ' ' || field[len - 1] == '\0'))
		len--;
	memcpy(out, field, len);
	out[len] = '\0';
}

/* Of the slots in list, the one whose token is p's; SYM_ENODEVICE when
 * none is, SYM_ESEALSPEC when two are (a label is not unique). */
static int
pick_slot(struct op *op, const CK_SLOT_ID *list, CK_ULONG n, CK_SLOT_ID *slot,
    char *why)
{
	struct p11 *p = op->p;
	CK_TOKEN_INFO info;
	char label[33], serial[17], first[17] = "", tn[96];
	unsigned found = 0;

	for (CK_ULONG i = 0; i < n; i++) {
		if (op->fl->C_GetTokenInfo(list[i], &info) != CKR_OK ||
		    !(info.flags & CKF_TOKEN_INITIALIZED))
			continue;
		unpad(label, info.label, sizeof info.label);
		unpad(serial, info.serialNumber, sizeof info.serialNumber);
		if ((p->token[0] && strcmp(label, p->token) != 0) ||
		    (p->serial[0] && strcmp(serial, p->serial) != 0))
			continue;
		if (found++ > 0) {
			snprintf(why, SYM_SEAL_WHY_MAX, "two tokens labelled "
			    "'%s' (serials %s and %s): name one by serial=",
			    label, first, serial);
			return SYM_ESEALSPEC;
		}
		memcpy(first, serial, sizeof first);
		*slot = op->slot = list[i];
		op->flags = info.flags;
		memcpy(op->label, label, sizeof label);
		memcpy(op->serial, serial, sizeof serial);
	}
	if (found == 0) {
		snprintf(why, SYM_SEAL_WHY_MAX, "%s not found",
		    token_name(p, tn, sizeof tn));
		return SYM_ENODEVICE;
	}
	return SYM_OK;
}

static int
find_token(struct op *op, CK_SLOT_ID *slot, char *why)
{
	CK_SLOT_ID *list = NULL;
	CK_ULONG n = 0;
	CK_RV rv;
	int rc;

	rv = op->fl->C_GetSlotList(CK_TRUE, NULL, &n);
	if (rv == CKR_OK && n > 0) {
		list = calloc(n, sizeof *list);
		if (list == NULL)
			return SYM_ENOMEM;
		rv = op->fl->C_GetSlotList(CK_TRUE, list, &n);
	}
	if (rv != CKR_OK) {
		free(list);
		snprintf(why, SYM_SEAL_WHY_MAX, "C_GetSlotList failed (0x%lx)",
		    rv);
		return SYM_EDEVICE;
	}
	rc = pick_slot(op, list, n, slot, why);
	free(list);
	return rc;
}

/* Loads the module, finds the token, and with session set opens a
 * session on it. */
static int
op_begin(struct op *op, struct p11 *p, int session, char *why)
{
	CK_SLOT_ID slot = 0;
	CK_RV rv;
	int rc;

	memset(op, 0, sizeof *op);
	op->p = p;
	why[0] = '\0';
	if ((rc = module_get(p, why)) != SYM_OK)
		return rc;
	op->fl = p->mod->fl;
	if ((rc = find_token(op, &slot, why)) != SYM_OK || !session)
		return rc;
	rv = op->fl->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL,
	    &op->session);
	if (rv != CKR_OK) {
		snprintf(why, SYM_SEAL_WHY_MAX, "token '%s': C_OpenSession "
		    "failed (0x%lx)", op->label, rv);
		return rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_DEVICE_REMOVED ||
		    rv == CKR_SLOT_ID_INVALID ? SYM_ENODEVICE : SYM_EDEVICE;
	}
	op->open = 1;
	return SYM_OK;
}

static void
op_end(struct op *op)
{
	if (op->logged_in)
		(void)op->fl->C_Logout(op->session);
	if (op->open)
		(void)op->fl->C_CloseSession(op->session);
	op->open = op->logged_in = 0;
}

/* Whether the token says its next wrong user PIN locks it. */
static int
final_try(struct op *op)
{
	CK_TOKEN_INFO info;

	return op->fl->C_GetTokenInfo(op->slot, &info) == CKR_OK &&
	    (info.flags & CKF_USER_PIN_FINAL_TRY);
}

/* One C_Login with the PIN asked once; never retried. */
static int
login(struct op *op, char *why)
{
	char prompt[96], *pin = sym_secmem_alloc(SYM_SEAL_PIN_MAX + 1);
	size_t len = 0;
	CK_RV rv;
	int rc;

	if (pin == NULL)
		return SYM_ENOMEM;
	if (op->flags & CKF_USER_PIN_LOCKED) {
		rc = SYM_EPINLOCKED;
		goto locked;
	}
	snprintf(prompt, sizeof prompt, "PIN for token '%s' (will be "
	    "hidden): ", op->label);
	rc = sym_seal_pin_get(pin, SYM_SEAL_PIN_MAX + 1, &len, op->p->pin,
	    prompt);
	if (rc != SYM_OK) {
		snprintf(why, SYM_SEAL_WHY_MAX, "no PIN for token '%s': %s",
		    op->label, sym_strerror(rc));
		goto out;
	}
	rv = op->fl->C_Login(op->session, CKU_USER, (CK_UTF8CHAR_PTR)pin,
	    (CK_ULONG)len);
	if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) {
		op->logged_in = rv == CKR_OK;
		rc = SYM_OK;
	} else if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_INVALID ||
	    rv == CKR_PIN_LEN_RANGE) {
		snprintf(why, SYM_SEAL_WHY_MAX, "wrong PIN for token '%s'%s",
		    op->label, final_try(op) ? " (one more wrong PIN locks "
		    "it)" : "");
		rc = SYM_EBADPIN;
	} else if (rv == CKR_PIN_LOCKED) {
		rc = SYM_EPINLOCKED;
		goto locked;
	} else {
		snprintf(why, SYM_SEAL_WHY_MAX, "token '%s': C_Login failed "
		    "(0x%lx)", op->label, rv);
		rc = SYM_EDEVICE;
	}
	goto out;
locked:
	snprintf(why, SYM_SEAL_WHY_MAX, "the user PIN of token '%s' is "
	    "locked", op->label);
out:
	sym_secmem_free(pin);
	return rc;
}

/* ---------------------------------------------------------------- */
/* The key */

/* The one object of class (and key type) p names; two are refused, and
 * none too unless count is given (then *count says 0 or 1). */
static int
find_key(struct op *op, CK_OBJECT_CLASS cls, CK_KEY_TYPE type,
    CK_OBJECT_HANDLE *key, CK_ULONG *count, char *why)
{
	struct p11 *p = op->p;
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
key_fixed(struct op *op, CK_OBJECT_HANDLE key, char *why)
{
	CK_BBOOL sensitive = CK_FALSE, extractable = CK_TRUE;
	CK_ATTRIBUTE t[2] = {
		{ CKA_SENSITIVE, &sensitive, sizeof sensitive },
		{ CKA_EXTRACTABLE, &extractable, sizeof extractable },
	};
	CK_RV rv = op->fl->C_GetAttributeValue(op->session, key, t, 2);
	char kn[96];

	key_name(op->p, kn, sizeof kn);
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
record_fill(struct op *op, CK_OBJECT_HANDLE key,
    struct sym_seal_params *rec, char *why)
{
	struct p11 *p = op->p;
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
	rc |= sym_seal_param_set(rec, "module", p->module);
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
crypt_failed(struct op *op, const char *fn, CK_RV rv, char *why)
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
gcm_wrap(struct op *op, CK_OBJECT_HANDLE key, const uint8_t *binding,
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
gcm_unwrap(struct op *op, CK_OBJECT_HANDLE key, const uint8_t *binding,
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
oaep_mech(struct p11 *p, CK_RSA_PKCS_OAEP_PARAMS *op_params,
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
oaep_encrypt_init(struct op *op, CK_OBJECT_HANDLE pub, const uint8_t *binding,
    size_t binding_len, uint8_t *version, char *why)
{
	CK_RSA_PKCS_OAEP_PARAMS params;
	CK_MECHANISM m;
	CK_RV rv;

	*version = BLOB_OAEP_LABEL;
	oaep_mech(op->p, &params, &m, *version, binding, binding_len);
	rv = op->fl->C_EncryptInit(op->session, &m, pub);
	if (rv == CKR_ARGUMENTS_BAD || rv == CKR_MECHANISM_PARAM_INVALID) {
		*version = BLOB_OAEP_NOLABEL;
		oaep_mech(op->p, &params, &m, *version, binding, binding_len);
		rv = op->fl->C_EncryptInit(op->session, &m, pub);
	}
	if (rv == CKR_ARGUMENTS_BAD || rv == CKR_MECHANISM_PARAM_INVALID) {
		snprintf(why, SYM_SEAL_WHY_MAX, "token '%s' refuses RSA-OAEP "
		    "with %s (SoftHSM takes only oaep_hash=sha1)", op->label,
		    op->p->oaep_hash);
		return SYM_EDEVICE;
	}
	return rv == CKR_OK ? SYM_OK : crypt_failed(op, "C_EncryptInit", rv,
	    why);
}

/* blob = version || RSA-OAEP(pub, check || U). */
static int
oaep_wrap(struct op *op, CK_OBJECT_HANDLE pub, const uint8_t *binding,
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
oaep_unwrap(struct op *op, CK_OBJECT_HANDLE priv, const uint8_t *binding,
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
	oaep_mech(op->p, &params, &m, blob[0], binding, binding_len);
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
wrap_on(struct op *op, const uint8_t *binding, size_t binding_len,
    const uint8_t *key, uint8_t *blob, size_t *blob_len,
    struct sym_seal_params *record, char *why)
{
	CK_OBJECT_HANDLE k, priv;
	CK_ULONG visible = 0;
	int rc;

	if (op->p->mech == MECH_GCM) {
		if ((rc = login(op, why)) != SYM_OK ||
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
	struct op op;
	int rc;

	*blob_len = 0;
	if (binding_len == 0) {
		snprintf(why, SYM_SEAL_WHY_MAX, "no binding to wrap for");
		return SYM_EUSAGE;
	}
	rc = op_begin(&op, state, 1, why);
	if (rc == SYM_OK)
		rc = wrap_on(&op, binding, binding_len, key, blob, blob_len,
		    record, why);
	op_end(&op);
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
	struct op op;
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
	rc = op_begin(&op, p, 1, why);
	if (rc == SYM_OK)
		rc = login(&op, why);
	if (rc == SYM_OK)
		rc = find_key(&op, gcm ? CKO_SECRET_KEY : CKO_PRIVATE_KEY,
		    gcm ? CKK_AES : CKK_RSA, &k, NULL, why);
	if (rc == SYM_OK)
		rc = key_fixed(&op, k, why);
	if (rc == SYM_OK)
		rc = gcm ? gcm_unwrap(&op, k, binding, binding_len, blob, key,
		    why) : oaep_unwrap(&op, k, binding, binding_len, blob,
		    blob_len, key, why);
	op_end(&op);
	if (rc != SYM_OK)
		sodium_memzero(key, SYM_SEAL_KEY_BYTES);
	return rc;
}

static int
probe(void *state, char *why)
{
	struct op op;
	int rc = op_begin(&op, state, 0, why);

	if (rc == SYM_OK && (op.flags & CKF_USER_PIN_LOCKED)) {
		snprintf(why, SYM_SEAL_WHY_MAX, "the user PIN of token '%s' is "
		    "locked", op.label);
		rc = SYM_EPINLOCKED;
	}
	op_end(&op);
	return rc;
}

static void
close_device(void *state)
{
	struct p11 *p = state;

	if (p == NULL)
		return;
	module_put(p);
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
