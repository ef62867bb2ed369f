/* Unit tests for the pkcs11 seal against a real SoftHSM2 in a temp dir
 * (set up with tests/devices/softhsm.bash): wrapped keys unwrap to the
 * same bytes with AES-GCM and RSA-OAEP; a changed binding, every byte of
 * a changed blob, another token's or another key's blob are refused; a
 * wrong PIN is one failed attempt on the token; an absent, vanished,
 * ambiguous token, a copyable key and a file that is not a module are
 * refused with a reason that names them.  Missing SoftHSM fails the
 * test. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "device_script.h"
#include <p11-kit/pkcs11.h>
#include <sodium.h>

#define TMPDIR_NAME "pkcs11"
#include "tmpdir.h"

#include "symbolon/seal_pkcs11.h"
#include "symbolon/seal_registry.h"
#include "symbolon/secmem.h"

#define MODULE "/usr/lib/softhsm/libsofthsm2.so"

static const struct sym_device_ops *ops = &sym_seal_pkcs11_device;
static char helper[PATH_MAX], pin_file[128], bad_pin_file[128];
static struct sym_seal_pin pin_ok, pin_bad, pin_none = { .no_prompt = 1 };
static uint8_t binding[SYM_SEAL_BINDING_MAX], binding2[SYM_SEAL_BINDING_MAX];
static size_t binding_len, binding2_len;

/* Runs "source softhsm.bash; CMD" (a SoftHSM step) in bash. */
static void
sh(const char *fmt, ...)
{
	char cmd[1024], full[2048];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	rc = snprintf(full, sizeof full, "bash -c '. \"%s\" && %s'", helper,
	    cmd);
	assert_true(rc > 0 && (size_t)rc < sizeof full);
	rc = system(full);
	if (rc != 0)
		fail_msg("SoftHSM step failed (%d): %s", rc, cmd);
}


static int
group_setup(void **state)
{
	char conf[128];
	static const uint8_t id[16] = { 1, 2, 3 };
	FILE *f;

	if (sym_secmem_init() != SYM_OK || tmpdir_setup(state) != 0)
		return -1;
	if (access(MODULE, R_OK) != 0 || system("command -v softhsm2-util "
	    ">/dev/null && command -v pkcs11-tool >/dev/null") != 0) {
		fprintf(stderr, "FAIL: SoftHSM2 (%s, softhsm2-util) and OpenSC's "
		    "pkcs11-tool are needed: apt-get install softhsm2 opensc\n",
		    MODULE);
		return -1;
	}
	if (device_script(helper, sizeof helper, "softhsm.bash") != 0) {
		fprintf(stderr, "FAIL: tests/devices/softhsm.bash not found\n");
		return -1;
	}
	sh("softhsm_setup %s", tmpdir);
	/* The test's own extras: a token that will vanish, two tokens of
	 * one label, two keys of one label. */
	sh("for t in doomed doomed2; do softhsm_add_token %s $t && "
	    "_softhsm_tool %s $t --keygen --key-type aes:32 --label seal-aes "
	    "--id 01 --sensitive --private || exit 1; done", tmpdir, tmpdir);
	sh("softhsm_add_token %s twin && softhsm_add_token %s twin", tmpdir,
	    tmpdir);
	sh("_softhsm_tool %s ceremony --keypairgen --key-type rsa:2048 "
	    "--label loose-rsa --id 07 --extractable", tmpdir);
	sh("for i in 05 06; do _softhsm_tool %s ceremony --keygen --key-type "
	    "aes:32 --label dup --id $i --sensitive --private || exit 1; done",
	    tmpdir);
	setenv("SOFTHSM2_CONF", tmpdir_path(conf, sizeof conf, "softhsm2.conf"),
	    1);
	tmpdir_path(pin_file, sizeof pin_file, "pin");
	pin_ok.file = pin_file;
	tmpdir_path(bad_pin_file, sizeof bad_pin_file, "bad-pin");
	if ((f = fopen(bad_pin_file, "w")) == NULL)
		return -1;
	fputs("9999\n", f);
	fclose(f);
	pin_bad.file = bad_pin_file;
	if (sym_seal_binding(binding, &binding_len, id, "hsm1", 1) != SYM_OK ||
	    sym_seal_binding(binding2, &binding2_len, id, "hsm1", 2) != SYM_OK)
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- */

static void *
open_spec(const char *spec, const struct sym_seal_pin *pin, int want)
{
	struct sym_seal_spec s;
	char why[SYM_SEAL_WHY_MAX] = "", text[512];
	void *st = NULL;

	snprintf(text, sizeof text, "pkcs11:module=%s,%s", MODULE, spec);
	assert_int_equal(sym_seal_spec_parse(&s, text, why), SYM_OK);
	assert_int_equal(ops->open(&st, &s.params, pin, why), want);
	return st;
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

struct wrapped {
	uint8_t blob[SYM_SEAL_WRAPPED_MAX];
	size_t len;
	struct sym_seal_params record;
	uint8_t *key;			/* what was wrapped */
};

static void
wrap_with(struct wrapped *w, const char *spec, const struct sym_seal_pin *pin)
{
	char why[SYM_SEAL_WHY_MAX] = "";
	void *st = open_spec(spec, pin, SYM_OK);
	struct timespec t0;
	int rc;

	w->key = sym_secmem_alloc(SYM_SEAL_KEY_BYTES);
	assert_non_null(w->key);
	randombytes_buf(w->key, SYM_SEAL_KEY_BYTES);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = ops->wrap(st, binding, binding_len, w->key, w->blob, &w->len,
	    &w->record, why);
	if (rc != SYM_OK)
		fail_msg("wrap %s: %d %s", spec, rc, why);
	fprintf(stderr, "  wrap %-40s %7.2f ms, %zu-byte blob\n", spec,
	    ms_since(&t0), w->len);
	ops->close(st);
}

/* Opens a seal from params, unwraps blob; returns the code, key in out. */
static int
unwrap_params(const struct sym_seal_params *params, const uint8_t *b,
    const uint8_t *blob, size_t len, const struct sym_seal_pin *pin,
    uint8_t *out, char *why)
{
	void *st = NULL;
	int rc = ops->open(&st, params, pin, why);

	assert_int_equal(rc, SYM_OK);
	rc = ops->unwrap(st, b, b == binding ? binding_len : binding2_len, blob,
	    len, out, why);
	ops->close(st);
	return rc;
}

static int
is_zero(const uint8_t *p, size_t n)
{
	return sodium_is_zero(p, n);
}

static void
wrapped_free(struct wrapped *w)
{
	sym_secmem_free(w->key);
}

/* The flags of token label, read by the test itself. */
static CK_FLAGS
token_flags(const char *label)
{
	void *dl = dlopen(MODULE, RTLD_NOW | RTLD_LOCAL);
	CK_C_GetFunctionList get;
	CK_FUNCTION_LIST_PTR fl;
	CK_SLOT_ID slots[16];
	CK_ULONG n = 16;
	CK_TOKEN_INFO info;
	CK_FLAGS flags = 0;
	int found = 0;

	assert_non_null(dl);
	*(void **)&get = dlsym(dl, "C_GetFunctionList");
	assert_int_equal(get(&fl), CKR_OK);
	assert_int_equal(fl->C_Initialize(NULL), CKR_OK);
	assert_int_equal(fl->C_GetSlotList(CK_TRUE, slots, &n), CKR_OK);
	for (CK_ULONG i = 0; i < n; i++) {
		assert_int_equal(fl->C_GetTokenInfo(slots[i], &info), CKR_OK);
		if (memcmp(info.label, label, strlen(label)) == 0 &&
		    info.label[strlen(label)] == ' ') {
			flags = info.flags;
			found++;
		}
	}
	assert_int_equal(found, 1);
	fl->C_Finalize(NULL);
	dlclose(dl);
	return flags;
}

/* ---------------------------------------------------------------- */
/* Round trips */

static void
roundtrip(const char *spec, const char *mech, const struct sym_seal_pin *wpin)
{
	struct wrapped w;
	uint8_t *back = sym_secmem_alloc(SYM_SEAL_KEY_BYTES);
	char why[SYM_SEAL_WHY_MAX] = "";
	struct timespec t0;
	const char *serial;

	assert_non_null(back);
	wrap_with(&w, spec, wpin);
	/* The record finds this very token and key again. */
	assert_string_equal(sym_seal_param(&w.record, "module"), MODULE);
	assert_string_equal(sym_seal_param(&w.record, "token"), "ceremony");
	serial = sym_seal_param(&w.record, "serial");
	assert_non_null(serial);
	assert_int_equal(strlen(serial), 16);
	assert_string_equal(sym_seal_param(&w.record, "mech"), mech);
	assert_null(sym_seal_param(&w.record, "pin"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(unwrap_params(&w.record, binding, w.blob, w.len,
	    &pin_ok, back, why), SYM_OK);
	fprintf(stderr, "  unwrap %-38s %7.2f ms\n", mech, ms_since(&t0));
	assert_memory_equal(back, w.key, SYM_SEAL_KEY_BYTES);
	/* A changed binding (the next generation) is refused, key wiped. */
	memset(back, 0xAA, SYM_SEAL_KEY_BYTES);
	assert_int_equal(unwrap_params(&w.record, binding2, w.blob, w.len,
	    &pin_ok, back, why), SYM_EDEVUNWRAP);
	assert_true(is_zero(back, SYM_SEAL_KEY_BYTES));
	assert_non_null(strstr(why, "does not unwrap"));
	wrapped_free(&w);
	sym_secmem_free(back);
}

static void
test_gcm_roundtrip(void **state)
{
	struct wrapped w;

	(void)state;
	roundtrip("token=ceremony,key=seal-aes", "aes-gcm", &pin_ok);
	/* Found by id alone, recorded with its label. */
	wrap_with(&w, "token=ceremony,id=01", &pin_ok);
	assert_string_equal(sym_seal_param(&w.record, "key"), "seal-aes");
	assert_string_equal(sym_seal_param(&w.record, "id"), "01");
	assert_int_equal(w.len, 1 + 12 + 32 + 16);
	wrapped_free(&w);
}

static void
test_oaep_roundtrip(void **state)
{
	struct wrapped w;
	char why[SYM_SEAL_WHY_MAX] = "";
	void *st;
	uint8_t blob[SYM_SEAL_WRAPPED_MAX];
	size_t len;
	struct sym_seal_params rec;
	uint8_t *key = sym_secmem_alloc(SYM_SEAL_KEY_BYTES);

	(void)state;
	/* Enrolment with the public key alone: no PIN can be asked. */
	roundtrip("token=ceremony,key=seal-rsa,mech=rsa-oaep,oaep_hash=sha1",
	    "rsa-oaep", &pin_none);
	wrap_with(&w, "token=ceremony,key=seal-rsa,mech=rsa-oaep,"
	    "oaep_hash=sha1", &pin_none);
	assert_string_equal(sym_seal_param(&w.record, "oaep_hash"), "sha1");
	assert_string_equal(sym_seal_param(&w.record, "id"), "02");
	assert_int_equal(w.len, 1 + 256);
	fprintf(stderr, "  SoftHSM %s the OAEP label\n", w.blob[0] == 2 ?
	    "takes" : "refuses");
	wrapped_free(&w);
	/* SoftHSM 2.6 takes only SHA-1: the default is refused, and says
	 * so. */
	st = open_spec("token=ceremony,key=seal-rsa,mech=rsa-oaep", &pin_none,
	    SYM_OK);
	assert_non_null(key);
	assert_int_equal(ops->wrap(st, binding, binding_len, key, blob, &len,
	    &rec, why), SYM_EDEVICE);
	assert_non_null(strstr(why, "sha256"));
	assert_int_equal(len, 0);
	ops->close(st);
	sym_secmem_free(key);
}

/* ---------------------------------------------------------------- */
/* Changed blobs, other tokens, other keys */

static void
tamper_each(struct wrapped *w, size_t step)
{
	uint8_t *back = sym_secmem_alloc(SYM_SEAL_KEY_BYTES);
	char why[SYM_SEAL_WHY_MAX];
	unsigned refused = 0, tried = 0;

	assert_non_null(back);
	for (size_t i = 0; i < w->len; i += (i == 0 ? 1 : step)) {
		w->blob[i] ^= 0x01;
		why[0] = '\0';
		assert_int_equal(unwrap_params(&w->record, binding, w->blob,
		    w->len, &pin_ok, back, why), SYM_EDEVUNWRAP);
		assert_true(is_zero(back, SYM_SEAL_KEY_BYTES));
		w->blob[i] ^= 0x01;
		refused++;
		tried++;
	}
	/* The last byte, a short blob and a long one. */
	w->blob[w->len - 1] ^= 0x80;
	assert_int_equal(unwrap_params(&w->record, binding, w->blob, w->len,
	    &pin_ok, back, why), SYM_EDEVUNWRAP);
	w->blob[w->len - 1] ^= 0x80;
	assert_int_equal(unwrap_params(&w->record, binding, w->blob,
	    w->len - 1, &pin_ok, back, why), SYM_EDEVUNWRAP);
	assert_int_equal(unwrap_params(&w->record, binding, w->blob,
	    w->len + 1, &pin_ok, back, why), SYM_EDEVUNWRAP);
	/* Untouched, it still unwraps. */
	assert_int_equal(unwrap_params(&w->record, binding, w->blob, w->len,
	    &pin_ok, back, why), SYM_OK);
	assert_memory_equal(back, w->key, SYM_SEAL_KEY_BYTES);
	assert_int_equal(refused, tried);
	sym_secmem_free(back);
}

static void
test_gcm_tamper(void **state)
{
	struct wrapped w;

	(void)state;
	/* Every byte: version, IV, ciphertext, tag. */
	wrap_with(&w, "token=ceremony,key=seal-aes", &pin_ok);
	tamper_each(&w, 1);
	wrapped_free(&w);
}

static void
test_oaep_tamper(void **state)
{
	struct wrapped w;

	(void)state;
	/* The version byte, then every 17th byte of the RSA block. */
	wrap_with(&w, "token=ceremony,key=seal-rsa,mech=rsa-oaep,"
	    "oaep_hash=sha1", &pin_none);
	tamper_each(&w, 17);
	wrapped_free(&w);
}

static void
test_other_token_and_key(void **state)
{
	struct wrapped w;
	struct sym_seal_params p;
	uint8_t *back = sym_secmem_alloc(SYM_SEAL_KEY_BYTES);
	char why[SYM_SEAL_WHY_MAX];
	const char *serial;

	(void)state;
	assert_non_null(back);
	wrap_with(&w, "token=ceremony,key=seal-aes", &pin_ok);
	/* Token 'other' has a key of the same label and id. */
	memset(&p, 0, sizeof p);
	assert_int_equal(sym_seal_param_set(&p, "module", MODULE), SYM_OK);
	assert_int_equal(sym_seal_param_set(&p, "token", "other"), SYM_OK);
	assert_int_equal(sym_seal_param_set(&p, "key", "seal-aes"), SYM_OK);
	assert_int_equal(unwrap_params(&p, binding, w.blob, w.len, &pin_ok,
	    back, why), SYM_EDEVUNWRAP);
	assert_non_null(strstr(why, "token 'other' does not unwrap"));
	/* Another key on the same token. */
	p = w.record;
	assert_int_equal(sym_seal_param_set(&p, "key", "seal-aes2"), SYM_OK);
	assert_int_equal(sym_seal_param_set(&p, "id", "04"), SYM_OK);
	assert_int_equal(unwrap_params(&p, binding, w.blob, w.len, &pin_ok,
	    back, why), SYM_EDEVUNWRAP);
	/* The recorded label with another token's serial: not found. */
	p = w.record;
	serial = sym_seal_param(&p, "serial");
	assert_non_null(serial);
	assert_int_equal(sym_seal_param_set(&p, "serial", "0000000000000000"),
	    SYM_OK);
	assert_int_equal(unwrap_params(&p, binding, w.blob, w.len, &pin_ok,
	    back, why), SYM_ENODEVICE);
	assert_string_equal(why, "token 'ceremony' with serial "
	    "'0000000000000000' not found");
	assert_true(is_zero(back, SYM_SEAL_KEY_BYTES));
	wrapped_free(&w);
	sym_secmem_free(back);
}

/* ---------------------------------------------------------------- */
/* PINs */

static void
test_wrong_pin(void **state)
{
	struct wrapped w;
	uint8_t *back = sym_secmem_alloc(SYM_SEAL_KEY_BYTES);
	char why[SYM_SEAL_WHY_MAX];

	(void)state;
	assert_non_null(back);
	wrap_with(&w, "token=ceremony,key=seal-aes", &pin_ok);
	assert_false(token_flags("ceremony") & CKF_USER_PIN_COUNT_LOW);
	/* One wrong attempt: SYM_EBADPIN, and the token counted it (SoftHSM
	 * shows no counter, only CKF_USER_PIN_COUNT_LOW). */
	assert_int_equal(unwrap_params(&w.record, binding, w.blob, w.len,
	    &pin_bad, back, why), SYM_EBADPIN);
	assert_string_equal(why, "wrong PIN for token 'ceremony'");
	assert_true(is_zero(back, SYM_SEAL_KEY_BYTES));
	assert_true(token_flags("ceremony") & CKF_USER_PIN_COUNT_LOW);
	/* No PIN source at all: refused before any attempt. */
	assert_int_equal(unwrap_params(&w.record, binding, w.blob, w.len,
	    &pin_none, back, why), SYM_ENOTTY);
	/* The right PIN still works, and the token forgets the failure. */
	assert_int_equal(unwrap_params(&w.record, binding, w.blob, w.len,
	    &pin_ok, back, why), SYM_OK);
	assert_memory_equal(back, w.key, SYM_SEAL_KEY_BYTES);
	assert_false(token_flags("ceremony") & CKF_USER_PIN_COUNT_LOW);
	/* A wrong PIN at AES enrolment too. */
	{
		void *st = open_spec("token=ceremony,key=seal-aes", &pin_bad,
		    SYM_OK);
		uint8_t blob[SYM_SEAL_WRAPPED_MAX];
		size_t len = 1;
		struct sym_seal_params rec;

		assert_int_equal(ops->wrap(st, binding, binding_len, w.key,
		    blob, &len, &rec, why), SYM_EBADPIN);
		assert_int_equal(len, 0);
		ops->close(st);
	}
	wrapped_free(&w);
	sym_secmem_free(back);
}

/* ---------------------------------------------------------------- */
/* Tokens that are not there */

static void
expect_wrap(const char *spec, int want, const char *why_part)
{
	char why[SYM_SEAL_WHY_MAX] = "";
	void *st = open_spec(spec, &pin_ok, SYM_OK);
	uint8_t blob[SYM_SEAL_WRAPPED_MAX];
	size_t len = 1;
	struct sym_seal_params rec;
	uint8_t *key = sym_secmem_alloc(SYM_SEAL_KEY_BYTES);

	assert_non_null(key);
	assert_int_equal(ops->wrap(st, binding, binding_len, key, blob, &len,
	    &rec, why), want);
	if (strstr(why, why_part) == NULL)
		fail_msg("why '%s' lacks '%s'", why, why_part);
	assert_int_equal(len, 0);
	ops->close(st);
	sym_secmem_free(key);
}

static void
test_missing_token(void **state)
{
	char why[SYM_SEAL_WHY_MAX] = "";
	void *st;

	(void)state;
	expect_wrap("token=nosuch,key=seal-aes", SYM_ENODEVICE,
	    "token 'nosuch' not found");
	expect_wrap("serial=0123456789abcdef,key=seal-aes", SYM_ENODEVICE,
	    "token with serial '0123456789abcdef' not found");
	/* Two tokens labelled 'twin': neither is guessed. */
	expect_wrap("token=twin,key=seal-aes", SYM_ESEALSPEC,
	    "two tokens labelled 'twin' (serials ");
	st = open_spec("token=twin,key=seal-aes", &pin_ok, SYM_OK);
	assert_int_equal(ops->probe(st, why), SYM_ESEALSPEC);
	ops->close(st);
}

static void
test_probe(void **state)
{
	char why[SYM_SEAL_WHY_MAX] = "";
	void *st;

	(void)state;
	/* No PIN source: probe never asks. */
	st = open_spec("token=ceremony,key=seal-aes", &pin_none, SYM_OK);
	assert_int_equal(ops->probe(st, why), SYM_OK);
	assert_int_equal(ops->probe(st, why), SYM_OK);
	ops->close(st);
	st = open_spec("token=nosuch,key=seal-aes", &pin_none, SYM_OK);
	assert_int_equal(ops->probe(st, why), SYM_ENODEVICE);
	assert_string_equal(why, "token 'nosuch' not found");
	ops->close(st);
}

static void
test_token_deleted(void **state)
{
	struct wrapped w;
	uint8_t *back = sym_secmem_alloc(SYM_SEAL_KEY_BYTES);
	char why[SYM_SEAL_WHY_MAX] = "";
	void *st;

	(void)state;
	assert_non_null(back);
	wrap_with(&w, "token=doomed,key=seal-aes", &pin_ok);
	assert_int_equal(unwrap_params(&w.record, binding, w.blob, w.len,
	    &pin_ok, back, why), SYM_OK);
	assert_memory_equal(back, w.key, SYM_SEAL_KEY_BYTES);
	sh("softhsm_remove_token %s doomed", tmpdir);
	assert_int_equal(unwrap_params(&w.record, binding, w.blob, w.len,
	    &pin_ok, back, why), SYM_ENODEVICE);
	assert_non_null(strstr(why, "token 'doomed' with serial '"));
	assert_non_null(strstr(why, "' not found"));
	assert_true(is_zero(back, SYM_SEAL_KEY_BYTES));
	assert_int_equal(ops->open(&st, &w.record, &pin_ok, why), SYM_OK);
	assert_int_equal(ops->probe(st, why), SYM_ENODEVICE);
	ops->close(st);
	wrapped_free(&w);
	/* While a seal holds the module: it goes between its probe and its
	 * unwrap. */
	wrap_with(&w, "token=doomed2,key=seal-aes", &pin_ok);
	assert_int_equal(ops->open(&st, &w.record, &pin_ok, why), SYM_OK);
	assert_int_equal(ops->probe(st, why), SYM_OK);
	sh("softhsm_remove_token %s doomed2", tmpdir);
	memset(back, 0xAA, SYM_SEAL_KEY_BYTES);
	assert_int_equal(ops->unwrap(st, binding, binding_len, w.blob, w.len,
	    back, why), SYM_ENODEVICE);
	assert_non_null(strstr(why, "token 'doomed2' with serial '"));
	assert_true(is_zero(back, SYM_SEAL_KEY_BYTES));
	assert_int_equal(ops->probe(st, why), SYM_ENODEVICE);
	ops->close(st);
	wrapped_free(&w);
	sym_secmem_free(back);
}

/* ---------------------------------------------------------------- */
/* Keys that are not fit */

static void
test_key_refused(void **state)
{
	(void)state;
	expect_wrap("token=ceremony,key=loose-aes", SYM_EDEVKEY,
	    "key 'loose-aes' is not sensitive: it could be copied off the "
	    "token");
	expect_wrap("token=ceremony,key=nokey", SYM_EDEVKEY,
	    "no key 'nokey' on token 'ceremony'");
	expect_wrap("token=ceremony,id=7f", SYM_EDEVKEY,
	    "no key with id 7f on token 'ceremony'");
	expect_wrap("token=ceremony,key=dup", SYM_EDEVKEY,
	    "two keys 'dup' on token 'ceremony'");
	/* The other token's seal-aes is not this one's seal-rsa. */
	expect_wrap("token=other,key=seal-rsa,mech=rsa-oaep,oaep_hash=sha1",
	    SYM_EDEVKEY, "no key 'seal-rsa' on token 'other'");
	/* A copyable RSA private key is private, so a PIN-less enrolment
	 * cannot see it; every unwrap refuses it. */
	{
		struct wrapped w;
		uint8_t *back = sym_secmem_alloc(SYM_SEAL_KEY_BYTES);
		char why[SYM_SEAL_WHY_MAX] = "";

		assert_non_null(back);
		wrap_with(&w, "token=ceremony,key=loose-rsa,mech=rsa-oaep,"
		    "oaep_hash=sha1", &pin_none);
		assert_int_equal(unwrap_params(&w.record, binding, w.blob,
		    w.len, &pin_ok, back, why), SYM_EDEVKEY);
		assert_string_equal(why, "key 'loose-rsa' is extractable: "
		    "it could be copied off the token");
		assert_true(is_zero(back, SYM_SEAL_KEY_BYTES));
		wrapped_free(&w);
		sym_secmem_free(back);
	}
	/* One of the two 'dup' keys, named by id too, is fine. */
	{
		struct wrapped w;

		wrap_with(&w, "token=ceremony,key=dup,id=06", &pin_ok);
		assert_string_equal(sym_seal_param(&w.record, "id"), "06");
		wrapped_free(&w);
	}
}

static void
test_not_module(void **state)
{
	struct sym_seal_params p;
	char why[SYM_SEAL_WHY_MAX] = "", path[PATH_MAX];
	Dl_info info;
	void *st;

	(void)state;
	memset(&p, 0, sizeof p);
	assert_int_equal(sym_seal_param_set(&p, "token", "ceremony"), SYM_OK);
	assert_int_equal(sym_seal_param_set(&p, "key", "seal-aes"), SYM_OK);
	/* Not a shared object. */
	assert_int_equal(sym_seal_param_set(&p, "module", "/etc/passwd"),
	    SYM_OK);
	assert_int_equal(ops->open(&st, &p, &pin_ok, why), SYM_OK);
	assert_int_equal(ops->probe(st, why), SYM_ESEALSPEC);
	assert_string_equal(why, "not a PKCS#11 module that loads: "
	    "/etc/passwd: invalid ELF header");
	ops->close(st);
	/* A shared object, but not a module: libc. */
	assert_true(dladdr((void *)printf, &info) != 0);
	assert_non_null(realpath(info.dli_fname, path));
	assert_int_equal(sym_seal_param_set(&p, "module", path), SYM_OK);
	assert_int_equal(ops->open(&st, &p, &pin_ok, why), SYM_OK);
	assert_int_equal(ops->probe(st, why), SYM_ESEALSPEC);
	assert_non_null(strstr(why, "(no C_GetFunctionList)"));
	assert_non_null(strstr(why, path));
	ops->close(st);
	/* Nothing there. */
	assert_int_equal(sym_seal_param_set(&p, "module", "/nonexistent/x.so"),
	    SYM_OK);
	assert_int_equal(ops->open(&st, &p, &pin_ok, why), SYM_OK);
	assert_int_equal(ops->probe(st, why), SYM_ENODEVICE);
	assert_string_equal(why, "no PKCS#11 module at '/nonexistent/x.so'");
	ops->close(st);
	/* A bare name would be looked up on the library path. */
	assert_int_equal(sym_seal_param_set(&p, "module", "libsofthsm2.so"),
	    SYM_OK);
	assert_int_equal(ops->open(&st, &p, &pin_ok, why), SYM_ESEALSPEC);
	assert_null(st);
}

static void
test_bad_spec(void **state)
{
	static const char *const bad[] = {
		"key=seal-aes",				/* no token */
		"token=ceremony",			/* no key */
		"token=ceremony,key=k,mech=aes-cbc",
		"token=ceremony,key=k,oaep_hash=sha1",	/* not for gcm */
		"token=ceremony,key=k,mech=rsa-oaep,oaep_hash=md5",
		"token=ceremony,id=0g",
		"token=ceremony,id=123",
		"token=abcdefghijabcdefghijabcdefghijabc,key=k",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_null(open_spec(bad[i], &pin_ok, SYM_ESEALSPEC));
}

/* Two seals on two tokens of one module: closing one leaves the other's
 * module initialised. */
static void
test_shared_module(void **state)
{
	char why[SYM_SEAL_WHY_MAX] = "";
	void *a = open_spec("token=ceremony,key=seal-aes", &pin_ok, SYM_OK);
	void *b = open_spec("token=other,key=seal-aes", &pin_ok, SYM_OK);
	uint8_t blob[SYM_SEAL_WRAPPED_MAX];
	size_t len;
	struct sym_seal_params rec;
	uint8_t *key = sym_secmem_alloc(SYM_SEAL_KEY_BYTES);
	uint8_t *back = sym_secmem_alloc(SYM_SEAL_KEY_BYTES);

	(void)state;
	assert_non_null(key);
	assert_non_null(back);
	randombytes_buf(key, SYM_SEAL_KEY_BYTES);
	assert_int_equal(ops->probe(a, why), SYM_OK);
	assert_int_equal(ops->wrap(b, binding, binding_len, key, blob, &len,
	    &rec, why), SYM_OK);
	ops->close(a);
	assert_int_equal(ops->unwrap(b, binding, binding_len, blob, len, back,
	    why), SYM_OK);
	assert_memory_equal(back, key, SYM_SEAL_KEY_BYTES);
	ops->close(b);
	sym_secmem_free(key);
	sym_secmem_free(back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gcm_roundtrip),
		cmocka_unit_test(test_oaep_roundtrip),
		cmocka_unit_test(test_gcm_tamper),
		cmocka_unit_test(test_oaep_tamper),
		cmocka_unit_test(test_other_token_and_key),
		cmocka_unit_test(test_wrong_pin),
		cmocka_unit_test(test_missing_token),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_key_refused),
		cmocka_unit_test(test_not_module),
		cmocka_unit_test(test_bad_spec),
		cmocka_unit_test(test_shared_module),
		cmocka_unit_test(test_token_deleted),
	};

	return cmocka_run_group_tests_name("seal_pkcs11", tests, group_setup,
	    tmpdir_teardown);
}
