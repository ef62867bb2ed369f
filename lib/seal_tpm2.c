/* The TPM 2.0 seal: symbolon/seal_tpm2.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include "symbolon/secmem.h"
#include "symbolon/seal_tpm2.h"

#define BLOB_VERSION 1u
#define BIND_BYTES 16u		/* of BLAKE2b-256(binding), after U */
#define DATA_BYTES (SYM_SEAL_KEY_BYTES + BIND_BYTES)
#define DEFAULT_TCTI "device:/dev/tpmrm0"

struct tpm2 {
	char tcti[SYM_SEAL_PARAM_VALUE_MAX + 1];	/* as written (';') */
	char conf[SYM_SEAL_PARAM_VALUE_MAX + 1];	/* for tctildr (',') */
	uint32_t handle;				/* 0: transient primary */
	char pcrs[SYM_SEAL_PARAM_VALUE_MAX + 1];	/* normalised, or "" */
	uint32_t pcr_mask;
	TPMI_ALG_HASH bank;
	const char *bank_name;
	int want_pin;
	const struct sym_seal_pin *pin;
};

/* One connection: the TCTI, ESAPI and the parent key; every handle here
 * is flushed or closed by conn_close. */
struct conn {
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
	ESYS_TR parent;
	ESYS_TR session;
	ESYS_TR object;
	int parent_transient;
};

static const struct {
	const char *name;
	TPMI_ALG_HASH alg;
} banks[] = {
	{ "sha1", TPM2_ALG_SHA1 }, { "sha256", TPM2_ALG_SHA256 },
	{ "sha384", TPM2_ALG_SHA384 }, { "sha512", TPM2_ALG_SHA512 },
};

/* ---------------------------------------------------------------- */
/* Errors */

static int
rc_is_tpm(TSS2_RC rc)
{
	TSS2_RC layer = rc & TSS2_RC_LAYER_MASK;

	return layer == TSS2_TPM_RC_LAYER || layer == TSS2_RESMGR_TPM_RC_LAYER;
}

/* The TPM's response code without the handle/session/parameter number
 * and the layer, so it compares with TPM2_RC_*. */
static TPM2_RC
rc_base(TSS2_RC rc)
{
	if (!rc_is_tpm(rc))
		return 0;
	rc &= 0xFFFFu;
	if (rc & TPM2_RC_FMT1)
		return rc & (TPM2_RC_FMT1 | 0x3Fu);
	return rc & (TPM2_RC_WARN | TPM2_RC_VER1 | 0x7Fu);
}

/* A TPM that no longer answers: the TCTI (or a layer above it) lost it. */
static int
rc_is_gone(TSS2_RC rc)
{
	TSS2_RC base = rc & 0xFFFFu;

	if (rc_is_tpm(rc) || rc == TSS2_RC_SUCCESS)
		return 0;
	return (rc & TSS2_RC_LAYER_MASK) == TSS2_TCTI_RC_LAYER ||
	    base == TSS2_BASE_RC_IO_ERROR || base == TSS2_BASE_RC_NO_CONNECTION ||
	    base == TSS2_BASE_RC_TRY_AGAIN;
}

/* rc from step as a SYM_E code, why filled; other: the code for a TPM
 * failure that none of the cases here names. */
static int
fail(const struct tpm2 *st, TSS2_RC rc, const char *step, int other,
    char *why)
{
	TPM2_RC base = rc_base(rc);

	if (rc_is_gone(rc)) {
		snprintf(why, SYM_SEAL_WHY_MAX, "TPM at '%.120s' does not "
		    "answer (%.40s)", st->tcti, step);
		return SYM_ENODEVICE;
	}
	if (base == TPM2_RC_LOCKOUT) {
		snprintf(why, SYM_SEAL_WHY_MAX, "TPM at '%.120s' is in "
		    "dictionary-attack lockout", st->tcti);
		return SYM_EPINLOCKED;
	}
	snprintf(why, SYM_SEAL_WHY_MAX, "%.40s failed on TPM at '%.100s': "
	    "%.90s", step, st->tcti, Tss2_RC_Decode(rc));
	return other;
}

/* ---------------------------------------------------------------- */
/* Parameters */

static int
parse_pcrs(struct tpm2 *st, const char *s, char *why)
{
	uint32_t mask = 0;
	size_t n = 0;

	for (const char *p = s; *p != '\0';) {
		char *end;
		unsigned long i;

		if (!isdigit((unsigned char)*p))
			goto bad;
		i = strtoul(p, &end, 10);
		if (i > 23 || (mask & (1u << i)))
			goto bad;
		mask |= 1u << i;
		p = end;
		if (*p == ';' && p[1] != '\0')
			p++;
		else if (*p != '\0')
			goto bad;
	}
	if (mask == 0)
		goto bad;
	st->pcr_mask = mask;
	for (unsigned i = 0; i < 24; i++)
		if (mask & (1u << i))
			n += (size_t)snprintf(st->pcrs + n, sizeof st->pcrs - n,
			    "%s%u", n ? ";" : "", i);
	return SYM_OK;
bad:
	snprintf(why, SYM_SEAL_WHY_MAX, "pcrs '%.60s' is not a list of "
	    "distinct PCRs 0..23 separated by ';'", s);
	return SYM_ESEALSPEC;
}

static int
parse_tcti(struct tpm2 *st, const char *s, char *why)
{
	size_t n = strlen(s);

	/* NAME or NAME:CONF; tctildr judges the rest when it loads. */
	if (n == 0 || s[0] == ':') {
		snprintf(why, SYM_SEAL_WHY_MAX, "tcti '%.60s' is not NAME or "
		    "NAME:CONF (device:/dev/tpmrm0, swtpm:host=H;port=N)", s);
		return SYM_ESEALSPEC;
	}
	/* A name, not a path: tctildr would load a library from a path,
	 * and an image's header is not trusted to name one. */
	if (strcspn(s, ":") > strcspn(s, "/")) {
		snprintf(why, SYM_SEAL_WHY_MAX, "tcti '%.60s': the TCTI is "
		    "named (device, swtpm, mssim, abrmd), not a path", s);
		return SYM_ESEALSPEC;
	}
	for (size_t i = 0; i < n; i++)
		if (!isprint((unsigned char)s[i]) || s[i] == ' ') {
			snprintf(why, SYM_SEAL_WHY_MAX, "tcti holds a space "
			    "or a control character");
			return SYM_ESEALSPEC;
		}
	snprintf(st->tcti, sizeof st->tcti, "%s", s);
	/* A seal string value holds no ',': tctildr wants one. */
	for (size_t i = 0; i <= n; i++)
		st->conf[i] = s[i] == ';' ? ',' : s[i];
	return SYM_OK;
}

static int
parse_rest(struct tpm2 *st, const struct sym_seal_params *params, char *why)
{
	const char *v;

	if ((v = sym_seal_param(params, "handle")) != NULL) {
		char *end;
		unsigned long h = strtoul(v, &end, 16);

		if (strncmp(v, "0x", 2) != 0 || *end != '\0' ||
		    h < 0x81000000ul || h > 0x81FFFFFFul) {
			snprintf(why, SYM_SEAL_WHY_MAX, "handle '%.40s' is not "
			    "a persistent handle 0x81000000..0x81ffffff", v);
			return SYM_ESEALSPEC;
		}
		st->handle = (uint32_t)h;
	}
	v = sym_seal_param(params, "bank");
	st->bank_name = "sha256";
	st->bank = TPM2_ALG_SHA256;
	for (size_t i = 0; v != NULL && i < sizeof banks / sizeof *banks; i++)
		if (strcmp(v, banks[i].name) == 0) {
			st->bank_name = banks[i].name;
			st->bank = banks[i].alg;
			v = NULL;
		}
	if (v != NULL) {
		snprintf(why, SYM_SEAL_WHY_MAX, "bank '%.40s' is not sha1, "
		    "sha256, sha384 or sha512", v);
		return SYM_ESEALSPEC;
	}
	v = sym_seal_param(params, "pin");
	if (v != NULL && strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
		snprintf(why, SYM_SEAL_WHY_MAX, "pin '%.40s' is not yes or no",
		    v);
		return SYM_ESEALSPEC;
	}
	st->want_pin = v != NULL && strcmp(v, "yes") == 0;
	return SYM_OK;
}

static int
open_device(void **state, const struct sym_seal_params *params,
    const struct sym_seal_pin *pin, char *why)
{
	struct tpm2 *st;
	const char *v;
	int rc;

	*state = NULL;
	if ((st = calloc(1, sizeof *st)) == NULL)
		return SYM_ENOMEM;
	st->pin = pin;
	v = sym_seal_param(params, "tcti");
	if ((rc = parse_tcti(st, v != NULL ? v : DEFAULT_TCTI, why)) != SYM_OK)
		goto out;
	if ((rc = parse_rest(st, params, why)) != SYM_OK)
		goto out;
	v = sym_seal_param(params, "pcrs");
	if (v != NULL && (rc = parse_pcrs(st, v, why)) != SYM_OK)
		goto out;
	/* tpm2-tss logs its errors to stderr; the library never prints:
	 * silence it unless the user asked for its log. */
	setenv("TSS2_LOG", "all+NONE", 0);
	*state = st;
	st = NULL;
	rc = SYM_OK;
out:
	free(st);
	return rc;
}

static void
close_device(void *state)
{
	free(state);
}

/* ---------------------------------------------------------------- */
/* Connections */

static void
conn_close(struct conn *c)
{
	if (c->esys != NULL) {
		if (c->session != ESYS_TR_NONE)
			(void)Esys_FlushContext(c->esys, c->session);
		if (c->object != ESYS_TR_NONE)
			(void)Esys_FlushContext(c->esys, c->object);
		if (c->parent != ESYS_TR_NONE && c->parent_transient)
			(void)Esys_FlushContext(c->esys, c->parent);
		else if (c->parent != ESYS_TR_NONE)
			(void)Esys_TR_Close(c->esys, &c->parent);
		Esys_Finalize(&c->esys);
	}
	if (c->tcti != NULL)
		Tss2_TctiLdr_Finalize(&c->tcti);
	c->session = c->object = c->parent = ESYS_TR_NONE;
}

static int
conn_start(const struct tpm2 *st, struct conn *c, char *why)
{
	TSS2_RC r;

	memset(c, 0, sizeof *c);
	c->parent = c->session = c->object = ESYS_TR_NONE;
	r = Tss2_TctiLdr_Initialize(st->conf, &c->tcti);
	if (r == TSS2_TCTI_RC_BAD_VALUE) {
		c->tcti = NULL;
		snprintf(why, SYM_SEAL_WHY_MAX, "tcti '%.120s' is not a "
		    "configuration its TCTI accepts", st->tcti);
		return SYM_ESEALSPEC;
	}
	if (r != TSS2_RC_SUCCESS) {
		c->tcti = NULL;
		snprintf(why, SYM_SEAL_WHY_MAX, r == TSS2_TCTI_RC_NOT_SUPPORTED
		    ? "no TCTI module for '%.120s' is installed" :
		    "TPM at '%.120s' does not answer", st->tcti);
		return SYM_ENODEVICE;
	}
	r = Esys_Initialize(&c->esys, c->tcti, NULL);
	if (r != TSS2_RC_SUCCESS) {
		c->esys = NULL;
		conn_close(c);
		return fail(st, r, "ESAPI", SYM_EDEVICE, why);
	}
	return SYM_OK;
}

/* The parent: the persistent handle, or the primary key the fixed
 * template makes (the same template gives the same key, so a transient
 * primary recreated later opens old blobs).  Its authValue is empty, so
 * dictionary-attack protection guards nothing on it (noDA): without
 * noDA a TPM in lockout after wrong PINs refused every seal, even those
 * without a PIN. */
static int
conn_parent(const struct tpm2 *st, struct conn *c, char *why)
{
	static const TPM2B_PUBLIC tmpl = { .publicArea = {
		.type = TPM2_ALG_ECC, .nameAlg = TPM2_ALG_SHA256,
		.objectAttributes = TPMA_OBJECT_RESTRICTED |
		    TPMA_OBJECT_DECRYPT | TPMA_OBJECT_FIXEDTPM |
		    TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_SENSITIVEDATAORIGIN |
		    TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_NODA,
		.parameters.eccDetail = {
			.symmetric = { .algorithm = TPM2_ALG_AES,
			    .keyBits.aes = 128, .mode.aes = TPM2_ALG_CFB },
			.scheme.scheme = TPM2_ALG_NULL,
			.curveID = TPM2_ECC_NIST_P256,
			.kdf.scheme = TPM2_ALG_NULL,
		},
	} };
	static const TPM2B_SENSITIVE_CREATE none;
	static const TPM2B_DATA outside;
	static const TPML_PCR_SELECTION no_pcrs;
	TSS2_RC r;

	if (st->handle != 0) {
		r = Esys_TR_FromTPMPublic(c->esys, st->handle, ESYS_TR_NONE,
		    ESYS_TR_NONE, ESYS_TR_NONE, &c->parent);
		if (r == TSS2_RC_SUCCESS)
			return SYM_OK;
		c->parent = ESYS_TR_NONE;
		if (rc_is_gone(r))
			return fail(st, r, "reading the parent", 0, why);
		snprintf(why, SYM_SEAL_WHY_MAX, "no key at handle 0x%08x on "
		    "TPM at '%.120s'", (unsigned)st->handle, st->tcti);
		return SYM_EDEVKEY;
	}
	r = Esys_CreatePrimary(c->esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD,
	    ESYS_TR_NONE, ESYS_TR_NONE, &none, &tmpl, &outside, &no_pcrs,
	    &c->parent, NULL, NULL, NULL, NULL);
	if (r != TSS2_RC_SUCCESS) {
		c->parent = ESYS_TR_NONE;
		return fail(st, r, "creating the primary key", SYM_EDEVICE,
		    why);
	}
	c->parent_transient = 1;
	return SYM_OK;
}

/* 1 (why filled) when rc says the persistent parent is no storage key
 * fixed to this TPM: the TPM puts no fixedTPM object under a parent
 * that could leave it, and neither salts nor seals with a signing key. */
static int
unfit_parent(const struct tpm2 *st, TSS2_RC rc, char *why)
{
	TPM2_RC base = rc_base(rc);

	if (st->handle == 0 || (base != TPM2_RC_TYPE &&
	    base != TPM2_RC_ATTRIBUTES && base != TPM2_RC_KEY))
		return 0;
	snprintf(why, SYM_SEAL_WHY_MAX, "the key at handle 0x%08x is not a "
	    "storage key fixed to this TPM: what it holds could be copied "
	    "off", (unsigned)st->handle);
	return 1;
}

/* A session salted by the parent key, so that U and the PIN cross the
 * bus encrypted (attrs: TPMA_SESSION_DECRYPT for a command parameter,
 * ENCRYPT for a response parameter). */
static int
conn_session(const struct tpm2 *st, struct conn *c, TPM2_SE type,
    TPMA_SESSION attrs, char *why)
{
	static const TPMT_SYM_DEF aes = { .algorithm = TPM2_ALG_AES,
	    .keyBits.aes = 128, .mode.aes = TPM2_ALG_CFB };
	static const TPMT_SYM_DEF null = { .algorithm = TPM2_ALG_NULL };
	TSS2_RC r;

	r = Esys_StartAuthSession(c->esys,
	    type == TPM2_SE_TRIAL ? ESYS_TR_NONE : c->parent, ESYS_TR_NONE,
	    ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, NULL, type,
	    type == TPM2_SE_TRIAL ? &null : &aes, TPM2_ALG_SHA256,
	    &c->session);
	if (r != TSS2_RC_SUCCESS) {
		c->session = ESYS_TR_NONE;
		if (unfit_parent(st, r, why))
			return SYM_EDEVKEY;
		return fail(st, r, "starting a session", SYM_EDEVICE, why);
	}
	if (attrs != 0) {
		r = Esys_TRSess_SetAttributes(c->esys, c->session, attrs,
		    attrs);
		if (r != TSS2_RC_SUCCESS)
			return fail(st, r, "session", SYM_EDEVICE, why);
	}
	return SYM_OK;
}

static void
flush_session(struct conn *c)
{
	if (c->session != ESYS_TR_NONE)
		(void)Esys_FlushContext(c->esys, c->session);
	c->session = ESYS_TR_NONE;
}

/* The PCR policy (with PolicyAuthValue for a PIN) on c->session. */
static int
policy_run(const struct tpm2 *st, struct conn *c, char *why)
{
	static const TPM2B_DIGEST current;	/* empty: the PCRs' values now */
	TPML_PCR_SELECTION sel = { .count = 1 };
	TSS2_RC r;

	sel.pcrSelections[0].hash = st->bank;
	sel.pcrSelections[0].sizeofSelect = 3;
	for (unsigned i = 0; i < 3; i++)
		sel.pcrSelections[0].pcrSelect[i] =
		    (uint8_t)(st->pcr_mask >> (8 * i));
	r = Esys_PolicyPCR(c->esys, c->session, ESYS_TR_NONE, ESYS_TR_NONE,
	    ESYS_TR_NONE, &current, &sel);
	if (r != TSS2_RC_SUCCESS)
		return fail(st, r, "PolicyPCR", SYM_EDEVICE, why);
	if (st->want_pin) {
		r = Esys_PolicyAuthValue(c->esys, c->session, ESYS_TR_NONE,
		    ESYS_TR_NONE, ESYS_TR_NONE);
		if (r != TSS2_RC_SUCCESS)
			return fail(st, r, "PolicyAuthValue", SYM_EDEVICE, why);
	}
	return SYM_OK;
}

/* The policy digest a trial session computes (the PCRs as they are). */
static int
policy_digest(const struct tpm2 *st, struct conn *c, TPM2B_DIGEST *out,
    char *why)
{
	TPM2B_DIGEST *d = NULL;
	TSS2_RC r;
	int rc;

	if ((rc = conn_session(st, c, TPM2_SE_TRIAL, 0, why)) != SYM_OK)
		return rc;
	if ((rc = policy_run(st, c, why)) != SYM_OK)
		goto out;
	r = Esys_PolicyGetDigest(c->esys, c->session, ESYS_TR_NONE,
	    ESYS_TR_NONE, ESYS_TR_NONE, &d);
	if (r != TSS2_RC_SUCCESS) {
		rc = fail(st, r, "PolicyGetDigest", SYM_EDEVICE, why);
		goto out;
	}
	*out = *d;
	rc = SYM_OK;
out:
	Esys_Free(d);
	flush_session(c);
	return rc;
}

/* ---------------------------------------------------------------- */
/* PIN and binding */

/* The object's authValue: SHA-256 of the PIN (any length fits, as in
 * systemd), without trailing zero bytes, which the TPM drops itself. */
static int
pin_auth(const struct tpm2 *st, TPM2B_AUTH *auth, char *why)
{
	char prompt[SYM_SEAL_WHY_MAX], *pin;
	size_t len = 0;
	int rc;

	if ((pin = sym_secmem_alloc(SYM_SEAL_PIN_MAX + 1)) == NULL)
		return SYM_ENOMEM;
	snprintf(prompt, sizeof prompt, "PIN for TPM at '%.120s' (will be "
	    "hidden): ", st->tcti);
	rc = sym_seal_pin_get(pin, SYM_SEAL_PIN_MAX + 1, &len, st->pin,
	    prompt);
	if (rc != SYM_OK) {
		snprintf(why, SYM_SEAL_WHY_MAX, "no PIN for TPM at '%.120s'",
		    st->tcti);
		goto out;
	}
	crypto_hash_sha256(auth->buffer, (const uint8_t *)pin, len);
	auth->size = crypto_hash_sha256_BYTES;
	while (auth->size > 0 && auth->buffer[auth->size - 1] == 0)
		auth->size--;
out:
	sym_secmem_free(pin);
	return rc;
}

static int
bind_hash(uint8_t out[BIND_BYTES], const uint8_t *binding, size_t len)
{
	uint8_t h[crypto_generichash_BYTES];

	if (crypto_generichash(h, sizeof h, binding, len, NULL, 0) != 0)
		return SYM_EINTERNAL;
	memcpy(out, h, BIND_BYTES);
	return SYM_OK;
}

/* ---------------------------------------------------------------- */
/* Wrap */

static int
record_params(const struct tpm2 *st, struct sym_seal_params *record)
{
	char handle[16];
	int rc;

	memset(record, 0, sizeof *record);
	rc = sym_seal_param_set(record, "tcti", st->tcti);
	if (rc == SYM_OK && st->handle != 0) {
		snprintf(handle, sizeof handle, "0x%08x", (unsigned)st->handle);
		rc = sym_seal_param_set(record, "handle", handle);
	}
	if (rc == SYM_OK && st->pcr_mask != 0)
		rc = sym_seal_param_set(record, "pcrs", st->pcrs);
	if (rc == SYM_OK)
		rc = sym_seal_param_set(record, "bank", st->bank_name);
	if (rc == SYM_OK)
		rc = sym_seal_param_set(record, "pin",
		    st->want_pin ? "yes" : "no");
	return rc;
}

/* The sealed object's public template: fixed to this TPM and parent;
 * a PCR policy when pcrs are given, else its authValue (the PIN or
 * empty) opens it.  A PIN is guarded by the TPM's dictionary-attack
 * counter; no PIN, nothing to guess: noDA, so a lockout does not stop
 * it. */
static void
sealed_template(const struct tpm2 *st, TPM2B_PUBLIC *pub,
    const TPM2B_DIGEST *policy)
{
	memset(pub, 0, sizeof *pub);
	pub->publicArea.type = TPM2_ALG_KEYEDHASH;
	pub->publicArea.nameAlg = TPM2_ALG_SHA256;
	pub->publicArea.objectAttributes = TPMA_OBJECT_FIXEDTPM |
	    TPMA_OBJECT_FIXEDPARENT;
	if (!st->want_pin)
		pub->publicArea.objectAttributes |= TPMA_OBJECT_NODA;
	if (st->pcr_mask == 0)
		pub->publicArea.objectAttributes |= TPMA_OBJECT_USERWITHAUTH;
	else
		pub->publicArea.authPolicy = *policy;
	pub->publicArea.parameters.keyedHashDetail.scheme.scheme =
	    TPM2_ALG_NULL;
}

static int
marshal_blob(const TPM2B_PRIVATE *priv, const TPM2B_PUBLIC *pub,
    uint8_t *blob, size_t *blob_len)
{
	size_t off = 1;

	blob[0] = BLOB_VERSION;
	if (Tss2_MU_TPM2B_PRIVATE_Marshal(priv, blob, SYM_SEAL_WRAPPED_MAX,
	    &off) != TSS2_RC_SUCCESS ||
	    Tss2_MU_TPM2B_PUBLIC_Marshal(pub, blob, SYM_SEAL_WRAPPED_MAX,
	    &off) != TSS2_RC_SUCCESS)
		return SYM_ETOOBIG;
	*blob_len = off;
	return SYM_OK;
}

/* Seals sens under c's parent into blob. */
static int
create_sealed(const struct tpm2 *st, struct conn *c,
    const TPM2B_SENSITIVE_CREATE *sens, uint8_t *blob, size_t *blob_len,
    char *why)
{
	static const TPM2B_DATA outside;
	static const TPML_PCR_SELECTION no_pcrs;
	TPM2B_DIGEST policy = { .size = 0 };
	TPM2B_PUBLIC tmpl, *pub = NULL;
	TPM2B_PRIVATE *priv = NULL;
	TPM2B_CREATION_DATA *cdata = NULL;
	TPM2B_DIGEST *chash = NULL;
	TPMT_TK_CREATION *ticket = NULL;
	TSS2_RC r;
	int rc;

	if (st->pcr_mask != 0 &&
	    (rc = policy_digest(st, c, &policy, why)) != SYM_OK)
		return rc;
	sealed_template(st, &tmpl, &policy);
	rc = conn_session(st, c, TPM2_SE_HMAC, TPMA_SESSION_DECRYPT |
	    TPMA_SESSION_CONTINUESESSION, why);
	if (rc != SYM_OK)
		return rc;
	r = Esys_Create(c->esys, c->parent, c->session, ESYS_TR_NONE,
	    ESYS_TR_NONE, sens, &tmpl, &outside, &no_pcrs, &priv, &pub,
	    &cdata, &chash, &ticket);
	flush_session(c);
	if (r != TSS2_RC_SUCCESS && unfit_parent(st, r, why))
		rc = SYM_EDEVKEY;
	else if (r != TSS2_RC_SUCCESS)
		rc = fail(st, r, "sealing", SYM_EDEVICE, why);
	else if ((rc = marshal_blob(priv, pub, blob, blob_len)) != SYM_OK)
		snprintf(why, SYM_SEAL_WHY_MAX, "the sealed object does not "
		    "fit in %u bytes", SYM_SEAL_WRAPPED_MAX);
	Esys_Free(priv);
	Esys_Free(pub);
	Esys_Free(cdata);
	Esys_Free(chash);
	Esys_Free(ticket);
	return rc;
}

static int
wrap(void *state, const uint8_t *binding, size_t binding_len,
    const uint8_t *key, uint8_t *blob, size_t *blob_len,
    struct sym_seal_params *record, char *why)
{
	const struct tpm2 *st = state;
	TPM2B_SENSITIVE_CREATE *sens;
	struct conn c = { .tcti = NULL };
	int rc;

	*blob_len = 0;
	if (binding_len == 0 || binding_len > SYM_SEAL_BINDING_MAX) {
		snprintf(why, SYM_SEAL_WHY_MAX, "no binding to wrap for");
		return SYM_EUSAGE;
	}
	if ((sens = sym_secmem_alloc(sizeof *sens)) == NULL)
		return SYM_ENOMEM;
	sens->sensitive.data.size = DATA_BYTES;
	memcpy(sens->sensitive.data.buffer, key, SYM_SEAL_KEY_BYTES);
	rc = bind_hash(sens->sensitive.data.buffer + SYM_SEAL_KEY_BYTES,
	    binding, binding_len);
	if (rc != SYM_OK)
		goto out;
	if ((rc = conn_start(st, &c, why)) != SYM_OK)
		goto out;
	if ((rc = conn_parent(st, &c, why)) != SYM_OK)
		goto out;
	/* The PIN is asked once the TPM is known to answer. */
	if (st->want_pin &&
	    (rc = pin_auth(st, &sens->sensitive.userAuth, why)) != SYM_OK)
		goto out;
	if ((rc = create_sealed(st, &c, sens, blob, blob_len, why)) != SYM_OK)
		goto out;
	if ((rc = record_params(st, record)) != SYM_OK)
		snprintf(why, SYM_SEAL_WHY_MAX, "the parameters do not fit");
out:
	conn_close(&c);
	sym_secmem_free(sens);
	if (rc != SYM_OK) {
		sodium_memzero(blob, *blob_len);
		*blob_len = 0;
	}
	return rc;
}

/* ---------------------------------------------------------------- */
/* Unwrap */

static int
parse_blob(const uint8_t *blob, size_t len, TPM2B_PRIVATE *priv,
    TPM2B_PUBLIC *pub)
{
	size_t off = 1;

	memset(priv, 0, sizeof *priv);
	memset(pub, 0, sizeof *pub);
	if (len < 1 || len > SYM_SEAL_WRAPPED_MAX || blob[0] != BLOB_VERSION)
		return SYM_EDEVUNWRAP;
	if (Tss2_MU_TPM2B_PRIVATE_Unmarshal(blob, len, &off, priv) !=
	    TSS2_RC_SUCCESS ||
	    Tss2_MU_TPM2B_PUBLIC_Unmarshal(blob, len, &off, pub) !=
	    TSS2_RC_SUCCESS || off != len)
		return SYM_EDEVUNWRAP;
	/* Only what wrap makes: a sealed object this TPM cannot let go. */
	if (pub->publicArea.type != TPM2_ALG_KEYEDHASH ||
	    (pub->publicArea.objectAttributes & (TPMA_OBJECT_FIXEDTPM |
	    TPMA_OBJECT_FIXEDPARENT)) != (TPMA_OBJECT_FIXEDTPM |
	    TPMA_OBJECT_FIXEDPARENT))
		return SYM_EDEVUNWRAP;
	return SYM_OK;
}

static int
load_sealed(const struct tpm2 *st, struct conn *c, const uint8_t *blob,
    size_t blob_len, char *why)
{
	TPM2B_PRIVATE priv;
	TPM2B_PUBLIC pub;
	TSS2_RC r;

	if (parse_blob(blob, blob_len, &priv, &pub) != SYM_OK) {
		snprintf(why, SYM_SEAL_WHY_MAX, "the blob is not a sealed "
		    "object of this format, or was changed");
		return SYM_EDEVUNWRAP;
	}
	r = Esys_Load(c->esys, c->parent, ESYS_TR_PASSWORD, ESYS_TR_NONE,
	    ESYS_TR_NONE, &priv, &pub, &c->object);
	if (r == TSS2_RC_SUCCESS)
		return SYM_OK;
	c->object = ESYS_TR_NONE;
	if (rc_is_gone(r) || rc_base(r) == TPM2_RC_OBJECT_MEMORY ||
	    rc_base(r) == TPM2_RC_LOCKOUT)
		return fail(st, r, "loading the blob", SYM_EDEVICE, why);
	snprintf(why, SYM_SEAL_WHY_MAX, "the blob was not sealed by TPM at "
	    "'%.120s'%s, or was changed", st->tcti,
	    st->handle ? " under this parent" : "");
	return SYM_EDEVUNWRAP;
}

/* Esys_Unseal on c->object through a session (a PCR policy or the
 * authValue) salted by the parent: the data come back encrypted. */
static int
unseal(const struct tpm2 *st, struct conn *c, TPM2B_SENSITIVE_DATA **out,
    char *why)
{
	TPM2_RC base;
	TSS2_RC r;
	int rc;

	rc = conn_session(st, c, st->pcr_mask ? TPM2_SE_POLICY : TPM2_SE_HMAC,
	    TPMA_SESSION_ENCRYPT | TPMA_SESSION_CONTINUESESSION, why);
	if (rc != SYM_OK)
		return rc;
	if (st->pcr_mask != 0 && (rc = policy_run(st, c, why)) != SYM_OK)
		return rc;
	r = Esys_Unseal(c->esys, c->object, c->session, ESYS_TR_NONE,
	    ESYS_TR_NONE, out);
	if (r == TSS2_RC_SUCCESS)
		return SYM_OK;
	*out = NULL;
	base = rc_base(r);
	if (base == TPM2_RC_AUTH_FAIL || base == TPM2_RC_BAD_AUTH) {
		snprintf(why, SYM_SEAL_WHY_MAX, "wrong PIN for TPM at '%.120s'",
		    st->tcti);
		return SYM_EBADPIN;
	}
	if (base == TPM2_RC_POLICY_FAIL || base == TPM2_RC_PCR_CHANGED ||
	    base == TPM2_RC_PCR || base == TPM2_RC_AUTH_UNAVAILABLE) {
		snprintf(why, SYM_SEAL_WHY_MAX, "PCRs %.60s (%s) of TPM at "
		    "'%.100s' do not hold the values sealed to, or the blob "
		    "has another policy", st->pcr_mask ? st->pcrs : "(none)",
		    st->bank_name, st->tcti);
		return SYM_EDEVUNWRAP;
	}
	return fail(st, r, "unsealing", SYM_EDEVICE, why);
}

static int
check_data(const TPM2B_SENSITIVE_DATA *d, const uint8_t *binding,
    size_t binding_len, uint8_t *key, char *why)
{
	uint8_t h[BIND_BYTES];

	if (bind_hash(h, binding, binding_len) != SYM_OK)
		return SYM_EINTERNAL;
	if (d->size != DATA_BYTES ||
	    sodium_memcmp(d->buffer + SYM_SEAL_KEY_BYTES, h, BIND_BYTES) != 0) {
		snprintf(why, SYM_SEAL_WHY_MAX, "the blob is bound to another "
		    "image, seal or generation");
		return SYM_EDEVUNWRAP;
	}
	memcpy(key, d->buffer, SYM_SEAL_KEY_BYTES);
	return SYM_OK;
}

static int
unwrap(void *state, const uint8_t *binding, size_t binding_len,
    const uint8_t *blob, size_t blob_len, uint8_t *key, char *why)
{
	const struct tpm2 *st = state;
	TPM2B_SENSITIVE_DATA *data = NULL;
	TPM2B_AUTH *auth;
	struct conn c = { .tcti = NULL };
	int rc;

	sodium_memzero(key, SYM_SEAL_KEY_BYTES);
	if (binding_len == 0 || binding_len > SYM_SEAL_BINDING_MAX) {
		snprintf(why, SYM_SEAL_WHY_MAX, "no binding to unwrap for");
		return SYM_EUSAGE;
	}
	if ((auth = sym_secmem_alloc(sizeof *auth)) == NULL)
		return SYM_ENOMEM;
	if ((rc = conn_start(st, &c, why)) != SYM_OK)
		goto out;
	if ((rc = conn_parent(st, &c, why)) != SYM_OK)
		goto out;
	if ((rc = load_sealed(st, &c, blob, blob_len, why)) != SYM_OK)
		goto out;
	if (st->want_pin) {
		if ((rc = pin_auth(st, auth, why)) != SYM_OK)
			goto out;
		if (Esys_TR_SetAuth(c.esys, c.object, auth) != TSS2_RC_SUCCESS) {
			rc = SYM_EINTERNAL;
			goto out;
		}
	}
	if ((rc = unseal(st, &c, &data, why)) != SYM_OK)
		goto out;
	rc = check_data(data, binding, binding_len, key, why);
out:
	if (data != NULL) {
		sodium_memzero(data, sizeof *data);
		Esys_Free(data);
	}
	if (c.esys != NULL && c.object != ESYS_TR_NONE) {
		/* ESAPI keeps the authValue beside the object: overwrite. */
		sodium_memzero(auth, sizeof *auth);
		auth->size = sizeof auth->buffer;
		(void)Esys_TR_SetAuth(c.esys, c.object, auth);
	}
	conn_close(&c);
	sym_secmem_free(auth);
	if (rc != SYM_OK)
		sodium_memzero(key, SYM_SEAL_KEY_BYTES);
	return rc;
}

/* ---------------------------------------------------------------- */

static int
probe(void *state, char *why)
{
	const struct tpm2 *st = state;
	TPMS_CAPABILITY_DATA *cap = NULL;
	struct conn c;
	TSS2_RC r;
	int rc;

	if ((rc = conn_start(st, &c, why)) != SYM_OK)
		return rc;
	r = Esys_GetCapability(c.esys, ESYS_TR_NONE, ESYS_TR_NONE,
	    ESYS_TR_NONE, TPM2_CAP_TPM_PROPERTIES, TPM2_PT_MANUFACTURER, 1,
	    NULL, &cap);
	rc = r == TSS2_RC_SUCCESS ? SYM_OK :
	    fail(st, r, "GetCapability", SYM_EDEVICE, why);
	/* A persistent parent must still be there; the transient primary
	 * is not made here (slow on a real TPM, and it uses the seed). */
	if (rc == SYM_OK && st->handle != 0)
		rc = conn_parent(st, &c, why);
	Esys_Free(cap);
	conn_close(&c);
	return rc;
}

__attribute__((visibility("default")))
const struct sym_device_ops sym_seal_tpm2_device = {
	.abi = SYM_SEAL_DEVICE_ABI,
	.type = "tpm2",
	.keys = sym_seal_tpm2_keys,
	.open = open_device,
	.wrap = wrap,
	.unwrap = unwrap,
	.probe = probe,
	.close = close_device,
};
