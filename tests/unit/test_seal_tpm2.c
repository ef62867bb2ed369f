/* Unit tests for the TPM 2.0 seal (seal_tpm2.h) against a real peer:
 * swtpm, started here in a temporary directory by tests/devices/
 * swtpm.bash and stopped at the end.  The provider is reached as
 * programs reach it, through the registry, which loads the plugin
 * libsymbolon-tpm2.so from beside this program.  Without swtpm or
 * tpm2-tools the tests fail, saying so. */
#define _GNU_SOURCE
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
#include <sodium.h>

#define TMPDIR_NAME "tpm2"
#include "tmpdir.h"

#include "symbolon/random.h"
#include "symbolon/seal_registry.h"
#include "symbolon/seal_tpm2.h"
#include "symbolon/secmem.h"

#if defined(__SANITIZE_ADDRESS__)
#include <dlfcn.h>
#endif

static const struct sym_device_ops *ops;
static char script[4096];
static const uint8_t image_id[16] = { 0x5e, 0xa1, 0x01 };

/* ---------------------------------------------------------------- */
/* The peer */

static int
sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int n, st;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof cmd)
		return -1;
	st = system(cmd);
	return st == -1 ? -1 : WEXITSTATUS(st);
}


/* A swtpm on tmpdir/name: its tcti (seal string form) into tcti. */
static int
tpm_start(const char *name, char *tcti, size_t cap)
{
	char path[256];
	FILE *f;
	int ok;

	if (sh("bash -c '. \"%s\" && swtpm_start \"%s/%s\"'", script, tmpdir,
	    name) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/%s/tcti", tmpdir, name);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	ok = fgets(tcti, (int)cap, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	tcti[strcspn(tcti, "\n")] = '\0';
	return 0;
}

static void
tpm_stop(const char *name)
{
	if (script[0] == '\0')
		return;
	(void)sh("bash -c '. \"%s\" && swtpm_stop \"%s/%s\"'", script,
	    tmpdir, name);
}

/* The TPM of the tests (restarted by one of them: its port changes). */
static char tcti_a[128];

/* tcti in the form tpm2-tools read (',' for ';'). */
static const char *
tools_tcti(const char *tcti)
{
	static char buf[128];

	snprintf(buf, sizeof buf, "%s", tcti);
	for (char *p = buf; *p; p++)
		if (*p == ';')
			*p = ',';
	return buf;
}

/* A TPM property (properties-variable) by tpm2_getcap; -1 on failure. */
static long
tpm_property(const char *tcti, const char *prop)
{
	char cmd[512], line[256];
	size_t plen = strlen(prop);
	long v = -1;
	FILE *p;

	snprintf(cmd, sizeof cmd, "tpm2_getcap -T '%s' properties-variable",
	    tools_tcti(tcti));
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, p) != NULL)
		if (strncmp(line, prop, plen) == 0 && line[plen] == ':')
			v = strtol(line + plen + 1, NULL, 0);
	pclose(p);
	return v;
}

/* How many lines tpm2_getcap prints for cap (handles-transient...). */
static int
tpm_handles(const char *tcti, const char *cap)
{
	char cmd[512], line[256];
	int n = 0;
	FILE *p;

	snprintf(cmd, sizeof cmd, "tpm2_getcap -T '%s' %s", tools_tcti(tcti),
	    cap);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, p) != NULL)
		if (strstr(line, "0x") != NULL)
			n++;
	return pclose(p) == 0 ? n : -1;
}

static const struct sym_device_ops *
load_ops(void)
{
	const struct sym_device_ops *o = NULL;
	char why[SYM_SEAL_WHY_MAX] = "";

	if (sym_seal_device_ops(&o, "tpm2", why) == SYM_OK)
		return o;
#if defined(__SANITIZE_ADDRESS__)
	{
		/* build/asan/tests/ has no plugin beside it: take the one
		 * in build/ (not built with ASan). */
		char path[2048];
		ssize_t n = readlink("/proc/self/exe", path, sizeof path - 64);
		void *h;

		if (n > 0) {
			path[n] = '\0';
			*strrchr(path, '/') = '\0';
			strcat(path, "/../../" SYM_SEAL_TPM2_FILE);
			if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) != NULL)
				return dlsym(h, SYM_SEAL_TPM2_SYMBOL);
		}
	}
#endif
	fprintf(stderr, "# %s (build it: make build/libsymbolon-tpm2.so)\n",
	    why);
	return NULL;
}

static const struct sym_seal_pin no_pin = { .no_prompt = 1 };
static struct sym_seal_pin right_pin, wrong_pin;
static char right_path[128], wrong_path[128];

/* A PIN file for the tests (the PIN is never on argv or in the
 * environment). */
static int
write_pin(char *path, size_t cap, const char *name, const char *pin)
{
	FILE *f;

	if (snprintf(path, cap, "%s/%s", tmpdir, name) >= (int)cap ||
	    (f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "%s\n", pin);
	return fclose(f) == 0 ? 0 : -1;
}

static int
group_setup(void **state)
{
	if (sym_secmem_init() != SYM_OK || tmpdir_setup(state) != 0)
		return -1;
	if ((ops = load_ops()) == NULL)
		return -1;
	if (write_pin(right_path, sizeof right_path, "pin-right", "1234") ||
	    write_pin(wrong_path, sizeof wrong_path, "pin-wrong", "12345"))
		return -1;
	right_pin.file = right_path;
	wrong_pin.file = wrong_path;
	if (device_script(script, sizeof script, "swtpm.bash") != 0) {
		fprintf(stderr, "# tests/devices/swtpm.bash not found\n");
		return -1;
	}
	if (sh("command -v swtpm tpm2_getcap tpm2_pcrextend >/dev/null") != 0) {
		fprintf(stderr, "# swtpm and tpm2-tools are needed: apt-get "
		    "install swtpm tpm2-tools\n");
		return -1;
	}
	if (tpm_start("a", tcti_a, sizeof tcti_a) != 0) {
		fprintf(stderr, "# swtpm did not start\n");
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	tpm_stop("a");
	tpm_stop("b");
	tpm_stop("c");
	return tmpdir_teardown(state);
}

/* ---------------------------------------------------------------- */
/* The provider */

/* The state of "tpm2:tcti=TCTI,EXTRA" (a seal string, as given to
 * keygen), opened with pin. */
static void *
seal_open(const char *tcti, const char *extra, const struct sym_seal_pin *pin)
{
	struct sym_seal_spec spec;
	char text[512], why[SYM_SEAL_WHY_MAX] = "";
	void *st = NULL;

	snprintf(text, sizeof text, "tpm2:tcti=%s%s%s", tcti,
	    extra[0] ? "," : "", extra);
	assert_int_equal(sym_seal_spec_parse(&spec, text, why), SYM_OK);
	assert_int_equal(ops->open(&st, &spec.params, pin, why), SYM_OK);
	assert_non_null(st);
	return st;
}

static void
binding_of(uint8_t b[SYM_SEAL_BINDING_MAX], size_t *len, const char *name,
    uint64_t gen)
{
	assert_int_equal(sym_seal_binding(b, len, image_id, name, gen),
	    SYM_OK);
}

struct sealed {
	uint8_t *key;
	uint8_t blob[SYM_SEAL_WRAPPED_MAX];
	size_t blob_len;
	uint8_t binding[SYM_SEAL_BINDING_MAX];
	size_t binding_len;
	struct sym_seal_params record;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Wraps a fresh random key with st; s->key is secure memory. */
static void
wrap_new(void *st, struct sealed *s)
{
	char why[SYM_SEAL_WHY_MAX] = "";
	int rc;

	memset(s, 0, sizeof *s);
	s->key = sym_secmem_alloc(SYM_SEAL_KEY_BYTES);
	assert_non_null(s->key);
	assert_int_equal(sym_random_bytes(s->key, SYM_SEAL_KEY_BYTES,
	    SYM_RANDOM_SECRET), SYM_OK);
	binding_of(s->binding, &s->binding_len, "tpm", 1);
	rc = ops->wrap(st, s->binding, s->binding_len, s->key, s->blob,
	    &s->blob_len, &s->record, why);
	if (rc != SYM_OK)
		fail_msg("wrap: %d %s", rc, why);
	assert_true(s->blob_len > 40 && s->blob_len <= SYM_SEAL_WRAPPED_MAX);
}

/* Unwraps blob for binding with st: the code; why into why_out. */
static int
try_unwrap(void *st, const uint8_t *binding, size_t binding_len,
    const uint8_t *blob, size_t blob_len, const uint8_t *expect,
    char *why_out)
{
	char why[SYM_SEAL_WHY_MAX] = "";
	uint8_t *key = sym_secmem_alloc(SYM_SEAL_KEY_BYTES);
	int rc;

	assert_non_null(key);
	memset(key, 0xAA, SYM_SEAL_KEY_BYTES);
	rc = ops->unwrap(st, binding, binding_len, blob, blob_len, key, why);
	if (rc == SYM_OK && expect != NULL)
		assert_memory_equal(key, expect, SYM_SEAL_KEY_BYTES);
	if (rc != SYM_OK) {
		/* A failed unwrap leaves no key behind. */
		for (size_t i = 0; i < SYM_SEAL_KEY_BYTES; i++)
			assert_int_equal(key[i], 0);
		assert_true(why[0] != '\0');
	}
	if (why_out != NULL)
		snprintf(why_out, SYM_SEAL_WHY_MAX, "%s", why);
	sym_secmem_free(key);
	return rc;
}

static int
unwrap_sealed(void *st, const struct sealed *s, char *why)
{
	return try_unwrap(st, s->binding, s->binding_len, s->blob, s->blob_len,
	    s->key, why);
}

static void
sealed_free(struct sealed *s)
{
	sym_secmem_free(s->key);
	s->key = NULL;
}

/* ---------------------------------------------------------------- */
/* Tests */

/* A key sealed by the TPM comes back the same; the record keeps the
 * normalised public parameters; probe answers. */
static void
test_roundtrip(void **state)
{
	char why[SYM_SEAL_WHY_MAX] = "";
	struct sealed s;
	double t0, t1, t2;
	void *st;

	(void)state;
	st = seal_open(tcti_a, "", &no_pin);
	assert_int_equal(ops->probe(st, why), SYM_OK);
	t0 = now_ms();
	wrap_new(st, &s);
	t1 = now_ms();
	assert_int_equal(unwrap_sealed(st, &s, why), SYM_OK);
	t2 = now_ms();
	print_message("# wrap %.1f ms, unwrap %.1f ms (swtpm), blob %zu "
	    "bytes\n", t1 - t0, t2 - t1, s.blob_len);
	assert_int_equal(s.blob[0], 1);
	assert_string_equal(sym_seal_param(&s.record, "tcti"), tcti_a);
	assert_string_equal(sym_seal_param(&s.record, "bank"), "sha256");
	assert_string_equal(sym_seal_param(&s.record, "pin"), "no");
	assert_null(sym_seal_param(&s.record, "pcrs"));
	assert_null(sym_seal_param(&s.record, "handle"));
	/* A second wrap of the same key is another blob. */
	{
		struct sealed s2;

		wrap_new(st, &s2);
		assert_true(s2.blob_len != s.blob_len ||
		    memcmp(s2.blob, s.blob, s.blob_len) != 0);
		sealed_free(&s2);
	}
	sealed_free(&s);
	ops->close(st);
}

/* A blob bound to one image, seal name and generation opens for that
 * binding only. */
static void
test_binding(void **state)
{
	uint8_t other[SYM_SEAL_BINDING_MAX];
	char why[SYM_SEAL_WHY_MAX];
	size_t other_len;
	struct sealed s;
	void *st;

	(void)state;
	st = seal_open(tcti_a, "", &no_pin);
	wrap_new(st, &s);
	binding_of(other, &other_len, "tpm", 2);
	assert_int_equal(try_unwrap(st, other, other_len, s.blob, s.blob_len,
	    NULL, why), SYM_EDEVUNWRAP);
	assert_non_null(strstr(why, "bound to another"));
	binding_of(other, &other_len, "tpm-2", 1);
	assert_int_equal(try_unwrap(st, other, other_len, s.blob, s.blob_len,
	    NULL, why), SYM_EDEVUNWRAP);
	assert_int_equal(unwrap_sealed(st, &s, why), SYM_OK);
	sealed_free(&s);
	ops->close(st);
}

/* Every byte of the blob matters: each one changed, the blob cut short
 * or lengthened, is refused as SYM_EDEVUNWRAP, and the TPM holds no
 * object afterwards. */
static void
test_tamper(void **state)
{
	uint8_t bad[SYM_SEAL_WRAPPED_MAX + 1];
	char why[SYM_SEAL_WHY_MAX];
	struct sealed s;
	void *st;

	(void)state;
	st = seal_open(tcti_a, "", &no_pin);
	wrap_new(st, &s);
	for (size_t i = 0; i < s.blob_len; i++) {
		memcpy(bad, s.blob, s.blob_len);
		bad[i] ^= (uint8_t)(i % 2 ? 0x01 : 0x80);
		if (try_unwrap(st, s.binding, s.binding_len, bad, s.blob_len,
		    NULL, why) != SYM_EDEVUNWRAP)
			fail_msg("byte %zu of %zu changed: not refused as "
			    "SYM_EDEVUNWRAP (%s)", i, s.blob_len, why);
	}
	memcpy(bad, s.blob, s.blob_len);
	bad[s.blob_len] = 0;
	assert_int_equal(try_unwrap(st, s.binding, s.binding_len, bad,
	    s.blob_len + 1, NULL, why), SYM_EDEVUNWRAP);
	assert_int_equal(try_unwrap(st, s.binding, s.binding_len, bad,
	    s.blob_len - 1, NULL, why), SYM_EDEVUNWRAP);
	assert_int_equal(try_unwrap(st, s.binding, s.binding_len, bad, 1,
	    NULL, why), SYM_EDEVUNWRAP);
	assert_int_equal(tpm_handles(tcti_a, "handles-transient"), 0);
	assert_int_equal(unwrap_sealed(st, &s, why), SYM_OK);
	sealed_free(&s);
	ops->close(st);
}

/* Clears the TPM's dictionary-attack counter (the lockout auth is
 * empty on swtpm): a restart without TPM2_Shutdown counts as a failure,
 * and each test that counts wrong PINs starts from zero. */
static void
da_reset(const char *tcti)
{
	assert_int_equal(sh("tpm2_dictionarylockout -T '%s' -c",
	    tools_tcti(tcti)), 0);
	assert_int_equal(tpm_property(tcti, "TPM2_PT_LOCKOUT_COUNTER"), 0);
}

/* pin=yes: a wrong PIN is SYM_EBADPIN and moves the TPM's lockout
 * counter by exactly one; the right one opens; no PIN source at all is
 * refused before the TPM is asked. */
static void
test_pin(void **state)
{
	char why[SYM_SEAL_WHY_MAX];
	struct sealed s;
	long before, after;
	void *st, *bad;

	(void)state;
	da_reset(tcti_a);
	st = seal_open(tcti_a, "pin=yes", &right_pin);
	wrap_new(st, &s);
	assert_string_equal(sym_seal_param(&s.record, "pin"), "yes");
	bad = seal_open(tcti_a, "pin=yes", &wrong_pin);
	before = tpm_property(tcti_a, "TPM2_PT_LOCKOUT_COUNTER");
	assert_true(before >= 0);
	assert_int_equal(unwrap_sealed(bad, &s, why), SYM_EBADPIN);
	assert_non_null(strstr(why, "wrong PIN"));
	after = tpm_property(tcti_a, "TPM2_PT_LOCKOUT_COUNTER");
	assert_int_equal(after, before + 1);
	ops->close(bad);
	bad = seal_open(tcti_a, "pin=yes", &no_pin);
	assert_int_equal(unwrap_sealed(bad, &s, why), SYM_ENOTTY);
	assert_int_equal(tpm_property(tcti_a, "TPM2_PT_LOCKOUT_COUNTER"),
	    after);
	ops->close(bad);
	assert_int_equal(unwrap_sealed(st, &s, why), SYM_OK);
	sealed_free(&s);
	ops->close(st);
}

static void
pcr_extend(const char *tcti, unsigned pcr)
{
	assert_int_equal(sh("tpm2_pcrextend -T '%s' %u:sha256=%064x",
	    tools_tcti(tcti), pcr, 0x5eed), 0);
}

/* pcrs=16: opens while PCR 16 holds what it held at wrap; extended,
 * the blob is refused (SYM_EDEVUNWRAP, naming the PCRs).  With a PIN
 * as well, both are needed. */
static void
test_pcr_policy(void **state)
{
	char why[SYM_SEAL_WHY_MAX];
	struct sealed s, sp;
	void *st, *stp, *bad;

	(void)state;
	da_reset(tcti_a);
	st = seal_open(tcti_a, "pcrs=16", &no_pin);
	stp = seal_open(tcti_a, "pcrs=16;23,pin=yes", &right_pin);
	bad = seal_open(tcti_a, "pcrs=23;16,pin=yes", &wrong_pin);
	wrap_new(st, &s);
	wrap_new(stp, &sp);
	assert_string_equal(sym_seal_param(&s.record, "pcrs"), "16");
	assert_string_equal(sym_seal_param(&sp.record, "pcrs"), "16;23");
	assert_int_equal(unwrap_sealed(st, &s, why), SYM_OK);
	assert_int_equal(unwrap_sealed(bad, &sp, why), SYM_EBADPIN);
	assert_int_equal(unwrap_sealed(stp, &sp, why), SYM_OK);
	pcr_extend(tcti_a, 16);
	assert_int_equal(unwrap_sealed(st, &s, why), SYM_EDEVUNWRAP);
	assert_non_null(strstr(why, "PCRs 16 (sha256)"));
	assert_int_equal(unwrap_sealed(stp, &sp, why), SYM_EDEVUNWRAP);
	assert_non_null(strstr(why, "PCRs 16;23"));
	assert_int_equal(tpm_handles(tcti_a, "handles-transient"), 0);
	assert_int_equal(tpm_handles(tcti_a, "handles-loaded-session"), 0);
	/* Sealed to the new values, it opens again. */
	sealed_free(&s);
	wrap_new(st, &s);
	assert_int_equal(unwrap_sealed(st, &s, why), SYM_OK);
	sealed_free(&s);
	sealed_free(&sp);
	ops->close(st);
	ops->close(stp);
	ops->close(bad);
}

/* What crosses the wire (recorded by tpm2-tss's pcap TCTI) never holds
 * U, the PIN or its hash: sessions salted by the parent encrypt them.
 * The blob itself is seen (Esys_Load sends it), so the capture works. */
static void
test_wire(void **state)
{
	static const char *const extra[] = { "pin=yes", "pin=yes,pcrs=16" };
	uint8_t pin_hash[crypto_hash_sha256_BYTES], *wire;
	char cap[160], tcti[192], why[SYM_SEAL_WHY_MAX];
	FILE *f;

	(void)state;
	da_reset(tcti_a);
	crypto_hash_sha256(pin_hash, (const uint8_t *)"1234", 4);
	assert_non_null(wire = malloc(1u << 20));
	for (size_t i = 0; i < 2; i++) {
		struct sealed s;
		size_t n;
		void *st;

		snprintf(cap, sizeof cap, "%s/wire-%zu.pcap", tmpdir, i);
		assert_int_equal(setenv("TCTI_PCAP_FILE", cap, 1), 0);
		snprintf(tcti, sizeof tcti, "pcap:%s", tcti_a);
		st = seal_open(tcti, extra[i], &right_pin);
		wrap_new(st, &s);
		assert_int_equal(unwrap_sealed(st, &s, why), SYM_OK);
		ops->close(st);
		assert_non_null(f = fopen(cap, "rb"));
		n = fread(wire, 1, 1u << 20, f);
		fclose(f);
		assert_true(n > 1000 && n < (1u << 20));
		assert_non_null(memmem(wire, n, s.blob + 3, 32));
		assert_null(memmem(wire, n, s.key, SYM_SEAL_KEY_BYTES));
		assert_null(memmem(wire, n, s.key, 8));
		assert_null(memmem(wire, n, pin_hash, 8));
		assert_null(memmem(wire, n, "1234", 4));
		sealed_free(&s);
	}
	unsetenv("TCTI_PCAP_FILE");
	free(wire);
}

/* The TPM goes away between wrap and unwrap: SYM_ENODEVICE naming it,
 * from unwrap and probe.  Started again (on another port), the same TPM
 * state opens the blob: the primary key is made again from its seed. */
static void
test_stopped(void **state)
{
	char why[SYM_SEAL_WHY_MAX], name[160];
	struct sealed s;
	void *st;

	(void)state;
	st = seal_open(tcti_a, "", &no_pin);
	wrap_new(st, &s);
	tpm_stop("a");
	assert_int_equal(unwrap_sealed(st, &s, why), SYM_ENODEVICE);
	snprintf(name, sizeof name, "TPM at '%s' does not answer", tcti_a);
	assert_non_null(strstr(why, name));
	why[0] = '\0';
	assert_int_equal(ops->probe(st, why), SYM_ENODEVICE);
	assert_non_null(strstr(why, name));
	ops->close(st);
	assert_int_equal(tpm_start("a", tcti_a, sizeof tcti_a), 0);
	st = seal_open(tcti_a, "", &no_pin);
	assert_int_equal(ops->probe(st, why), SYM_OK);
	assert_int_equal(unwrap_sealed(st, &s, why), SYM_OK);
	sealed_free(&s);
	ops->close(st);
}

/* Another TPM (a fresh swtpm state) does not open the blob. */
static void
test_other_tpm(void **state)
{
	char tcti_b[128], why[SYM_SEAL_WHY_MAX];
	struct sealed s;
	void *st, *other;

	(void)state;
	assert_int_equal(tpm_start("b", tcti_b, sizeof tcti_b), 0);
	st = seal_open(tcti_a, "", &no_pin);
	other = seal_open(tcti_b, "", &no_pin);
	wrap_new(st, &s);
	assert_int_equal(unwrap_sealed(other, &s, why), SYM_EDEVUNWRAP);
	assert_non_null(strstr(why, "not sealed by TPM"));
	assert_int_equal(tpm_handles(tcti_b, "handles-transient"), 0);
	tpm_stop("b");
	assert_int_equal(unwrap_sealed(st, &s, why), SYM_OK);
	sealed_free(&s);
	ops->close(st);
	ops->close(other);
}

/* swtpm has no resource manager: a leaked object or session would fill
 * its few slots (TPM_RC_OBJECT_MEMORY, 0x902) within a few rounds.
 * 20 rounds of wrap, unwrap, refused binding and refused blob, with a
 * PIN and a policy (the most handles), leave the TPM empty. */
static void
test_twenty(void **state)
{
	uint8_t other[SYM_SEAL_BINDING_MAX];
	char why[SYM_SEAL_WHY_MAX];
	size_t other_len;
	double t0;
	void *st;

	(void)state;
	da_reset(tcti_a);
	st = seal_open(tcti_a, "pcrs=0;7;16,pin=yes", &right_pin);
	binding_of(other, &other_len, "tpm", 99);
	t0 = now_ms();
	for (int i = 0; i < 20; i++) {
		struct sealed s;

		wrap_new(st, &s);
		if (unwrap_sealed(st, &s, why) != SYM_OK)
			fail_msg("round %d: %s", i, why);
		assert_int_equal(try_unwrap(st, other, other_len, s.blob,
		    s.blob_len, NULL, why), SYM_EDEVUNWRAP);
		s.blob[s.blob_len - 1] ^= 1;
		assert_int_equal(unwrap_sealed(st, &s, why), SYM_EDEVUNWRAP);
		sealed_free(&s);
	}
	print_message("# 20 rounds (pcrs=0;7;16, pin=yes: wrap, unwrap, 2 "
	    "refused): %.0f ms\n", now_ms() - t0);
	assert_int_equal(tpm_handles(tcti_a, "handles-transient"), 0);
	assert_int_equal(tpm_handles(tcti_a, "handles-loaded-session"), 0);
	ops->close(st);
}

/* handle= a signing key, or a storage key that may be duplicated off
 * the TPM: wrap refuses (SYM_EDEVKEY), nothing is left loaded. */
static void
test_handle_unfit(void)
{
	static const char *const handles[] = { "0x81000111", "0x81000112" };
	char d[160], why[SYM_SEAL_WHY_MAX], extra[32];
	uint8_t blob[SYM_SEAL_WRAPPED_MAX], key[SYM_SEAL_KEY_BYTES] = { 1 };
	struct sym_seal_params rec;
	size_t blob_len = 99;

	tmpdir_path(d, sizeof d, "unfit");
	assert_int_equal(sh("T='%s' D='%s'; mkdir -p \"$D\" && "
	    "tpm2_createprimary -T \"$T\" -C o -G ecc -a 'sign|fixedtpm|"
	    "fixedparent|sensitivedataorigin|userwithauth' -c \"$D/s.ctx\" "
	    ">/dev/null && tpm2_evictcontrol -T \"$T\" -C o -c \"$D/s.ctx\" "
	    "0x81000111 >/dev/null && tpm2_flushcontext -T \"$T\" -t && "
	    "tpm2_create -T \"$T\" -C 0x81000101 -G ecc -a 'restricted|"
	    "decrypt|sensitivedataorigin|userwithauth' -u \"$D/u\" -r "
	    "\"$D/r\" >/dev/null && tpm2_load -T \"$T\" -C 0x81000101 -u "
	    "\"$D/u\" -r \"$D/r\" -c \"$D/k.ctx\" >/dev/null && "
	    "tpm2_evictcontrol -T \"$T\" -C o -c \"$D/k.ctx\" 0x81000112 "
	    ">/dev/null && tpm2_flushcontext -T \"$T\" -t",
	    tools_tcti(tcti_a), d), 0);
	for (size_t i = 0; i < 2; i++) {
		void *st;

		snprintf(extra, sizeof extra, "handle=%s", handles[i]);
		st = seal_open(tcti_a, extra, &no_pin);
		assert_int_equal(ops->wrap(st, (const uint8_t *)"b", 1, key,
		    blob, &blob_len, &rec, why), SYM_EDEVKEY);
		assert_non_null(strstr(why, handles[i]));
		assert_int_equal(blob_len, 0);
		ops->close(st);
	}
	assert_int_equal(tpm_handles(tcti_a, "handles-transient"), 0);
	assert_int_equal(tpm_handles(tcti_a, "handles-loaded-session"), 0);
}

/* A persistent parent (handle=): blobs under it open under it only; a
 * handle with no key is SYM_EDEVKEY. */
static void
test_handle(void **state)
{
	char ctx[160], why[SYM_SEAL_WHY_MAX];
	struct sealed s, t;
	void *st, *tr, *none;

	(void)state;
	tmpdir_path(ctx, sizeof ctx, "parent.ctx");
	assert_int_equal(sh("T='%s'; tpm2_createprimary -T \"$T\" -C o -G rsa "
	    "-c '%s' >/dev/null && tpm2_evictcontrol -T \"$T\" -C o -c '%s' "
	    "0x81000101 >/dev/null && tpm2_flushcontext -T \"$T\" -t",
	    tools_tcti(tcti_a), ctx, ctx), 0);
	st = seal_open(tcti_a, "handle=0x81000101", &no_pin);
	tr = seal_open(tcti_a, "", &no_pin);
	none = seal_open(tcti_a, "handle=0x81000102", &no_pin);
	wrap_new(st, &s);
	wrap_new(tr, &t);
	assert_string_equal(sym_seal_param(&s.record, "handle"),
	    "0x81000101");
	assert_int_equal(unwrap_sealed(st, &s, why), SYM_OK);
	assert_int_equal(unwrap_sealed(tr, &s, why), SYM_EDEVUNWRAP);
	assert_int_equal(unwrap_sealed(st, &t, why), SYM_EDEVUNWRAP);
	assert_int_equal(unwrap_sealed(none, &s, why), SYM_EDEVKEY);
	assert_non_null(strstr(why, "0x81000102"));
	assert_int_equal(ops->probe(none, why), SYM_EDEVKEY);
	assert_int_equal(ops->probe(st, why), SYM_OK);
	assert_int_equal(tpm_handles(tcti_a, "handles-transient"), 0);
	sealed_free(&s);
	sealed_free(&t);
	ops->close(st);
	ops->close(tr);
	ops->close(none);
	test_handle_unfit();
}

/* The DA lockout, on a TPM of its own: wrong PINs until the TPM locks,
 * then SYM_EPINLOCKED even for the right PIN. */
static void
test_lockout(void **state)
{
	char tcti_c[128], why[SYM_SEAL_WHY_MAX];
	struct sealed s;
	void *st, *bad;
	int rc = SYM_EBADPIN, tries = 0;

	(void)state;
	assert_int_equal(tpm_start("c", tcti_c, sizeof tcti_c), 0);
	st = seal_open(tcti_c, "pin=yes", &right_pin);
	bad = seal_open(tcti_c, "pin=yes", &wrong_pin);
	wrap_new(st, &s);
	while (rc == SYM_EBADPIN && tries++ < 40)
		rc = unwrap_sealed(bad, &s, why);
	assert_int_equal(rc, SYM_EPINLOCKED);
	print_message("# locked after %d wrong PINs (lockout counter %ld)\n", tries - 1,
	    tpm_property(tcti_c, "TPM2_PT_LOCKOUT_COUNTER"));
	assert_non_null(strstr(why, "lockout"));
	assert_int_equal(unwrap_sealed(st, &s, why), SYM_EPINLOCKED);
	assert_int_equal(tpm_handles(tcti_c, "handles-transient"), 0);
	tpm_stop("c");
	sealed_free(&s);
	ops->close(st);
	ops->close(bad);
}

/* Bad seal strings are refused at open, before any TPM is asked. */
static void
test_params(void **state)
{
	static const char *const bad[] = {
		"handle=0x80000001", "handle=81000001", "handle=0x81000001x",
		"pcrs=24", "pcrs=1;1", "pcrs=;", "pcrs=a", "pcrs=1;",
		"bank=md5", "pin=maybe", "tcti=:x", "tcti=a: b",
	};
	struct sym_seal_spec spec;
	char text[128], why[SYM_SEAL_WHY_MAX];
	void *st;

	(void)state;
	/* The plugin's own copy of the table (it links libsymbolon.a). */
	for (size_t i = 0; sym_seal_tpm2_keys[i] != NULL; i++) {
		assert_non_null(ops->keys[i]);
		assert_string_equal(ops->keys[i], sym_seal_tpm2_keys[i]);
		assert_null(sym_seal_tpm2_keys[i + 1] == NULL ? ops->keys[i + 1]
		    : NULL);
	}
	assert_string_equal(ops->type, "tpm2");
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(text, sizeof text, "tpm2:%s", bad[i]);
		if (sym_seal_spec_parse(&spec, text, why) != SYM_OK)
			continue;
		st = NULL;
		why[0] = '\0';
		if (ops->open(&st, &spec.params, &no_pin, why) !=
		    SYM_ESEALSPEC)
			fail_msg("'%s' not refused", text);
		assert_null(st);
		assert_true(why[0] != '\0');
	}
	/* No such TPM: SYM_ENODEVICE, naming it. */
	st = seal_open("swtpm:host=127.0.0.1;port=1", "", &no_pin);
	assert_int_equal(ops->probe(st, why), SYM_ENODEVICE);
	assert_non_null(strstr(why, "'swtpm:host=127.0.0.1;port=1'"));
	ops->close(st);
	st = seal_open("nosuchtcti:x", "", &no_pin);
	assert_int_equal(ops->probe(st, why), SYM_ENODEVICE);
	assert_non_null(strstr(why, "no TCTI module for 'nosuchtcti:x'"));
	ops->close(st);
	st = seal_open("nosuchtcti", "", &no_pin);
	assert_int_equal(ops->probe(st, why), SYM_ENODEVICE);
	ops->close(st);
	st = seal_open("swtpm:bogus=1", "", &no_pin);
	assert_int_equal(ops->probe(st, why), SYM_ESEALSPEC);
	ops->close(st);
	if (access("/dev/tpmrm0", F_OK) != 0) {
		/* The default, on a machine without a TPM. */
		assert_int_equal(sym_seal_spec_parse(&spec, "tpm2", why),
		    SYM_OK);
		assert_int_equal(ops->open(&st, &spec.params, &no_pin, why),
		    SYM_OK);
		assert_int_equal(ops->probe(st, why), SYM_ENODEVICE);
		assert_non_null(strstr(why, "'device:/dev/tpmrm0'"));
		ops->close(st);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_binding),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_pin),
		cmocka_unit_test(test_pcr_policy),
		cmocka_unit_test(test_wire),
		cmocka_unit_test(test_stopped),
		cmocka_unit_test(test_other_tpm),
		cmocka_unit_test(test_handle),
		cmocka_unit_test(test_twenty),
		cmocka_unit_test(test_lockout),
	};

	return cmocka_run_group_tests_name("seal_tpm2", tests, group_setup,
	    group_teardown);
}
