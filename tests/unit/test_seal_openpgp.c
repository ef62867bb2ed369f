/*
 * Unit tests for the openpgp seal against a real gpg-agent.  The group
 * setup makes a short GnuPG home under /tmp with tests/devices/gpg.bash
 * (the card stand-in: an RSA-3072 key with a PIN, no PIN cached) and adds
 * keys with the gpg command line: another card, one whose secret key is
 * deleted mid-test, one without a PIN, an expired and a revoked one.  The
 * agent is stopped between cases, so no cached PIN hides a wrong one; the
 * teardown stops it and removes the home.  No skipping: without gpg the
 * setup fails.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "device_script.h"

#include "symbolon/error.h"
#include "symbolon/pgp.h"
#include "symbolon/seal_openpgp.h"
#include "symbolon/seal_registry.h"
#include "symbolon/secmem.h"

#include "gpg_home.h"

#define FPR_LEN GPG_FPR_LEN

static char script[PATH_MAX];   /* tests/devices/gpg.bash */
static const char *home;        /* gpg_base/h: GNUPGHOME */
static char card_fpr[FPR_LEN], other_fpr[FPR_LEN], gone_fpr[FPR_LEN];
static char open_fpr[FPR_LEN], old_fpr[FPR_LEN], rev_fpr[FPR_LEN];

/* Prompting off: what wrap and probe get (they never ask). */
static const struct sym_seal_pin good_pin = { NULL, 1 };
static struct sym_seal_pin file_pin = { NULL, 1 }, wrong_pin = { NULL, 1 };
static char pin_path[160], bad_path[160];

static const struct sym_device_ops *ops = &sym_seal_openpgp_device;

/* ---- helpers ---- */

#define GPG GPG_BATCH

/* Runs a gpg.bash function; its one line of output (a fingerprint). */
static int
device(char fpr[FPR_LEN], const char *fmt, ...)
{
	char args[512], cmd[PATH_MAX + 600], line[128] = "";
	va_list ap;
	FILE *f;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	if (n <= 0 || (size_t)n >= sizeof args)
		return -1;
	snprintf(cmd, sizeof cmd, "bash -c '. \"%s\" && %s'", script, args);
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	if (pclose(f) != 0)
		return -1;
	line[strcspn(line, "\n")] = '\0';
	if (fpr != NULL) {
		if (strlen(line) != SYM_PGP_FPR_CHARS)
			return -1;
		memcpy(fpr, line, FPR_LEN);
	}
	return 0;
}

/* Forgets cached PINs: the next decryption starts a new agent. */
static void
forget(void)
{
	assert_int_equal(device(NULL, "gpg_card_forget \"%s\"", home), 0);
}


/* ---- setup ---- */

static int
make_keys(void)
{
	static const char faked[] = "--faked-system-time 20200101T000000!";

	if (device(other_fpr, "gpg_card_key \"%s\" \"Other Card "
	    "<other@example>\"", home) != 0 ||
	    device(gone_fpr, "gpg_card_key \"%s\" \"Gone Card "
	    "<gone@example>\"", home) != 0)
		return -1;
	if (run(GPG " --passphrase '' --quick-generate-key 'Open <open@example>'"
	    " future-default default never" QUIET, home) != 0 ||
	    run(GPG " --passphrase '' %s --quick-generate-key "
	    "'Old <old@example>' future-default default 1d" QUIET, home,
	    faked) != 0 ||
	    run(GPG " --passphrase '' --quick-generate-key 'Rev <rev@example>'"
	    " future-default default never" QUIET, home) != 0)
		return -1;
	gpg_colons(open_fpr, NULL, home, "open@example", "pub");
	gpg_colons(old_fpr, NULL, home, "old@example", "pub");
	gpg_colons(rev_fpr, NULL, home, "rev@example", "pub");
	/* Revoke Rev with the certificate gpg made for it. */
	if (run("sed 's/^:-----BEGIN/-----BEGIN/' '%s/openpgp-revocs.d/%s.rev'"
	    " > '%s'", home, rev_fpr, at("rev.rev")) != 0 ||
	    run(GPG " --import '%s'" QUIET, home, at("rev.rev")) != 0)
		return -1;
	if (run(GPG " --export -o '%s' %s" QUIET, home, at("other.pub"),
	    other_fpr) != 0 ||
	    run(GPG " --export -o '%s' %s" QUIET, home, at("old.pub"),
	    old_fpr) != 0 ||
	    run(GPG " --export -o '%s' %s" QUIET, home, at("rev.pub"),
	    rev_fpr) != 0 ||
	    run(GPG " --passphrase '' --export-secret-keys -o '%s' %s" QUIET,
	    home, at("open.sec"), open_fpr) != 0)
		return -1;
	return 0;
}

static int
group_setup(void **state)
{
	(void)state;
	if (sym_secmem_init() != SYM_OK ||
	    device_script(script, sizeof script, "gpg.bash") != 0)
		return -1;
	if (gpg_home_setup("/tmp/sym-gpg-XXXXXX") != 0 ||
	    (home = gpg_home_dir("h", 0)) == NULL)
		return -1;
	if (device(card_fpr, "gpg_card_setup \"%s\" 123456", home) != 0) {
		fprintf(stderr, "# gpg_card_setup failed: is gpg installed?\n");
		return -1;
	}
	setenv("GNUPGHOME", home, 1);
	setenv("TMPDIR", gpg_base, 1);
	snprintf(pin_path, sizeof pin_path, "%s", at("pin"));
	snprintf(bad_path, sizeof bad_path, "%s", at("bad-pin"));
	spit_text(pin_path, "123456\n");
	spit_text(bad_path, "654321\n");
	file_pin.file = pin_path;
	wrong_pin.file = bad_path;
	if (make_keys() != 0) {
		fprintf(stderr, "# gpg could not make the test keys\n");
		return -1;
	}
	return sym_pgp_init() == SYM_OK ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	if (home != NULL)
		(void)device(NULL, "gpg_card_teardown \"%s\"", home);
	return gpg_home_teardown();
}

/* ---- the provider through its table ---- */

static const uint8_t image_id[16] = { 0x7f, 0x3a, 0x91, 0xc2, 0x0b, 0x11,
	0x5e, 0x40, 1, 2, 3, 4, 5, 6, 7, 8 };

struct bound {
	uint8_t bytes[SYM_SEAL_BINDING_MAX];
	size_t len;
};

static struct bound
binding(uint64_t generation)
{
	struct bound b;

	assert_int_equal(sym_seal_binding(b.bytes, &b.len, image_id, "card",
	    generation), SYM_OK);
	return b;
}

static uint8_t *
new_key(uint8_t fill)
{
	uint8_t *k = sym_secmem_alloc(SYM_SEAL_KEY_BYTES);

	assert_non_null(k);
	for (size_t i = 0; i < SYM_SEAL_KEY_BYTES; i++)
		k[i] = (uint8_t)(fill + i * 7u);
	return k;
}

static void *
open_with(const char *spec, const struct sym_seal_pin *pin, int want)
{
	struct sym_seal_spec sp;
	char why[SYM_SEAL_WHY_MAX] = "";
	void *st = NULL;

	assert_int_equal(sym_seal_spec_parse(&sp, spec, why), SYM_OK);
	assert_string_equal(sp.type, "openpgp");
	assert_int_equal(ops->open(&st, &sp.params, pin, why), want);
	if (want != SYM_OK)
		assert_null(st);
	return st;
}


static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wraps key under spec for generation; blob and the recorded fpr. */
static void
wrap_to(const char *spec, uint64_t generation, const uint8_t *key,
    uint8_t blob[SYM_SEAL_WRAPPED_MAX], size_t *blob_len,
    char fpr[FPR_LEN])
{
	struct sym_seal_params record = { 0 };
	struct bound b = binding(generation);
	char why[SYM_SEAL_WHY_MAX] = "";
	void *st = open_with(spec, &good_pin, SYM_OK);
	int ret = ops->wrap(st, b.bytes, b.len, key, blob, blob_len, &record,
	    why);

	if (ret != SYM_OK)
		print_message("# wrap %s: %s\n", spec, why);
	assert_int_equal(ret, SYM_OK);
	assert_true(*blob_len > 0 && *blob_len <= SYM_SEAL_WRAPPED_MAX);
	assert_int_equal(record.count, 1);
	assert_non_null(sym_seal_param(&record, "fpr"));
	snprintf(fpr, FPR_LEN, "%s", sym_seal_param(&record, "fpr"));
	ops->close(st);
}

/* Unwraps with a state opened from the record fpr=FPR. */
static int
unwrap_as(const char *fpr, const struct sym_seal_pin *pin,
    uint64_t generation, const uint8_t *blob, size_t blob_len,
    uint8_t *key, char why[SYM_SEAL_WHY_MAX])
{
	char spec[128];
	struct bound b = binding(generation);
	void *st;
	int ret;

	snprintf(spec, sizeof spec, "openpgp:fpr=%s", fpr);
	st = open_with(spec, pin, SYM_OK);
	why[0] = '\0';
	ret = ops->unwrap(st, b.bytes, b.len, blob, blob_len, key, why);
	ops->close(st);
	return ret;
}

/* A key wrapped for generation 1, and room for what unwrap gives back. */
struct sealed {
	uint8_t blob[SYM_SEAL_WRAPPED_MAX];
	size_t len;
	char fpr[FPR_LEN];      /* as the record says */
	uint8_t *key, *back;
};

/* Wraps a new key (made from fill) under spec. */
static void
seal_spec(struct sealed *s, const char *spec, uint8_t fill)
{
	s->key = new_key(fill);
	s->back = new_key(0);
	wrap_to(spec, 1, s->key, s->blob, &s->len, s->fpr);
}

/* ... under openpgp:fpr=fpr. */
static void
seal_fpr(struct sealed *s, const char *fpr, uint8_t fill)
{
	char spec[128];

	snprintf(spec, sizeof spec, "openpgp:fpr=%s", fpr);
	seal_spec(s, spec, fill);
}

static void
sealed_free(struct sealed *s)
{
	sym_secmem_free(s->key);
	sym_secmem_free(s->back);
}

/* Unwraps blob[0..len) as s's key would (generation 1). */
static int
unwrap_blob(struct sealed *s, const struct sym_seal_pin *pin,
    const uint8_t *blob, size_t len, char why[SYM_SEAL_WHY_MAX])
{
	return unwrap_as(s->fpr, pin, 1, blob, len, s->back, why);
}

/* s unwraps with pin, to exactly its key. */
static void
assert_unwraps(struct sealed *s, const struct sym_seal_pin *pin)
{
	char why[SYM_SEAL_WHY_MAX];
	int ret = unwrap_blob(s, pin, s->blob, s->len, why);

	if (ret != SYM_OK)
		print_message("# unwrap %s: %s\n", s->fpr, why);
	assert_int_equal(ret, SYM_OK);
	assert_memory_equal(s->back, s->key, SYM_SEAL_KEY_BYTES);
}

/* s does not unwrap with pin: want, with why containing words (if not
 * NULL), and the output left as it was (nothing of the key in it). */
static void
assert_refused(struct sealed *s, const struct sym_seal_pin *pin,
    int want, const char *words)
{
	char why[SYM_SEAL_WHY_MAX];
	uint8_t *zero = new_key(0);     /* the pattern of an untouched back */

	memcpy(s->back, zero, SYM_SEAL_KEY_BYTES);
	assert_int_equal(unwrap_blob(s, pin, s->blob, s->len, why), want);
	if (words != NULL && strstr(why, words) == NULL)
		fail_msg("why '%s' does not say '%s'", why, words);
	assert_memory_equal(s->back, zero, SYM_SEAL_KEY_BYTES);
	sym_secmem_free(zero);
}

/* ---- cases ---- */

/* key=FILE: enrolment from the public key alone, recorded as its
 * fingerprint; the card (PIN by loopback) gives back the same U. */
static void
test_roundtrip_key_file(void **state)
{
	struct sealed s;
	char spec[200];
	double t0, t1, t2;

	(void)state;
	snprintf(spec, sizeof spec, "openpgp:key=%s/card.pub", home);
	t0 = now();
	seal_spec(&s, spec, 1);
	t1 = now();
	assert_string_equal(s.fpr, card_fpr);
	assert_int_equal(sym_pgp_sniff(s.blob, s.len), SYM_PGP_BINARY);
	forget();
	t2 = now();
	assert_unwraps(&s, &file_pin);
	print_message("# RSA-3072: blob %zu bytes, wrap %.0f ms, unwrap "
	    "(agent start, PIN, decrypt) %.0f ms\n", s.len,
	    (t1 - t0) * 1e3, (now() - t2) * 1e3);
	sealed_free(&s);
}

/* fpr=: a key of the keyring, given in lower case with spaces. */
static void
test_roundtrip_fpr(void **state)
{
	struct sealed s;
	char spec[200], lower[FPR_LEN];

	(void)state;
	for (size_t i = 0; i < FPR_LEN; i++)
		lower[i] = (char)((card_fpr[i] >= 'A' && card_fpr[i] <= 'F') ?
		    card_fpr[i] - 'A' + 'a' : card_fpr[i]);
	snprintf(spec, sizeof spec, "openpgp:fpr=%.20s %s", lower, lower + 20);
	seal_spec(&s, spec, 2);
	assert_string_equal(s.fpr, card_fpr);
	forget();
	assert_unwraps(&s, &file_pin);
	sealed_free(&s);
}

/* A blob of generation 1 does not unwrap for generation 2. */
static void
test_binding_mismatch(void **state)
{
	struct sealed s;
	uint8_t *zero = new_key(0);
	char why[SYM_SEAL_WHY_MAX];

	(void)state;
	seal_fpr(&s, card_fpr, 3);
	assert_int_equal(unwrap_as(s.fpr, &file_pin, 2, s.blob, s.len, s.back,
	    why), SYM_EDEVUNWRAP);
	assert_non_null(strstr(why, "not bound"));
	assert_memory_equal(s.back, zero, SYM_SEAL_KEY_BYTES);
	sealed_free(&s);
	sym_secmem_free(zero);
}

/* bad[0..len), a changed blob of s, is refused as not the device's. */
static void
assert_tampered(struct sealed *s, const uint8_t *bad, size_t len,
    const char *what, size_t off)
{
	char why[SYM_SEAL_WHY_MAX];
	int ret = unwrap_blob(s, &file_pin, bad, len, why);

	if (ret != SYM_EDEVUNWRAP)
		print_message("# %s %zu: %d %s\n", what, off, ret, why);
	assert_int_equal(ret, SYM_EDEVUNWRAP);
}

/* Every region of the message changed (session key packet header, key
 * id, RSA value, encrypted data, the integrity check at the end), cut
 * short or grown: each is refused as not the device's blob. */
static void
test_tampered(void **state)
{
	uint8_t bad[SYM_SEAL_WRAPPED_MAX + 1];
	struct sealed s;
	size_t tried = 0;

	(void)state;
	seal_fpr(&s, card_fpr, 4);
	/* Each byte of the headers, key id and bit count, then a sample of
	 * the RSA value and the encrypted data, and each of the last bytes
	 * (the integrity check).  Every byte takes ~0.5 s; all of them pass
	 * too (tried once: 551 of 551 refused). */
	for (size_t off = 0; off < s.len;
	    off += off < 20 || off + 10 >= s.len ? 1 : 37) {
		memcpy(bad, s.blob, s.len);
		bad[off] ^= 0x01;
		assert_tampered(&s, bad, s.len, "byte", off);
		tried++;
	}
	memcpy(bad, s.blob, s.len);
	bad[s.len - 1] ^= 0x80;
	assert_tampered(&s, bad, s.len, "top bit of the last byte", 0);
	assert_tampered(&s, s.blob, s.len - 1, "cut to", s.len - 1);
	assert_tampered(&s, s.blob, 0, "cut to", 0);
	memcpy(bad, s.blob, s.len);
	bad[s.len] = 0;
	assert_tampered(&s, bad, s.len + 1, "grown to", s.len + 1);
	print_message("# %zu single-bit changes refused\n", tried);
	/* Still the card's own blob. */
	assert_unwraps(&s, &file_pin);
	sealed_free(&s);
}

/* A wrong PIN is one refused attempt, SYM_EBADPIN naming the key; the
 * right one works right after (gpg-agent asked once, we never retry). */
static void
test_wrong_pin(void **state)
{
	struct sealed s;
	char why[SYM_SEAL_WHY_MAX], want[128];

	(void)state;
	seal_fpr(&s, card_fpr, 5);
	forget();
	assert_int_equal(unwrap_blob(&s, &wrong_pin, s.blob, s.len, why),
	    SYM_EBADPIN);
	snprintf(want, sizeof want, "wrong PIN for OpenPGP key %s", card_fpr);
	assert_string_equal(why, want);
	forget();
	assert_unwraps(&s, &file_pin);
	sealed_free(&s);
}

/* No PIN file and prompting off: refused (SYM_ENOTTY), no pinentry;
 * a key without a PIN still unwraps (through gpg-agent's own path). */
static void
test_no_prompt(void **state)
{
	static const struct sym_seal_pin agent_pin = { NULL, 0 };
	struct sealed s, open;

	(void)state;
	seal_fpr(&s, card_fpr, 6);
	forget();
	assert_refused(&s, &good_pin, SYM_ENOTTY, "prompting is off");
	seal_fpr(&open, open_fpr, 6);
	assert_unwraps(&open, &good_pin);
	memset(open.back, 0, SYM_SEAL_KEY_BYTES);
	assert_unwraps(&open, &agent_pin);
	sealed_free(&s);
	sealed_free(&open);
}

/* A blob for another card is refused before any decryption, naming the
 * key it is for. */
static void
test_other_key(void **state)
{
	struct sealed s;
	char spec[200], why[SYM_SEAL_WHY_MAX];

	(void)state;
	snprintf(spec, sizeof spec, "openpgp:key=%s", at("other.pub"));
	seal_spec(&s, spec, 7);
	assert_string_equal(s.fpr, other_fpr);
	assert_int_equal(unwrap_as(card_fpr, &wrong_pin, 1, s.blob, s.len,
	    s.back, why), SYM_EDEVUNWRAP);
	assert_non_null(strstr(why, "not to"));
	assert_non_null(strstr(why, card_fpr));
	/* ... and the other card takes it (same PIN in this test). */
	assert_unwraps(&s, &file_pin);
	sealed_free(&s);
}

/* The card goes away between wrap and unwrap (its secret key deleted):
 * probe and unwrap say SYM_ENODEVICE and name it. */
static void
test_secret_gone(void **state)
{
	struct sealed s;
	char spec[80], why[SYM_SEAL_WHY_MAX], want[160];
	void *st;

	(void)state;
	seal_fpr(&s, gone_fpr, 8);
	snprintf(spec, sizeof spec, "openpgp:fpr=%s", gone_fpr);
	st = open_with(spec, &file_pin, SYM_OK);
	assert_int_equal(ops->probe(st, why), SYM_OK);
	assert_int_equal(run("gpg --homedir '%s' --batch --yes "
	    "--delete-secret-keys %s" QUIET, home, gone_fpr), 0);
	snprintf(want, sizeof want, "no secret key for %s: insert the card "
	    "holding it", gone_fpr);
	assert_int_equal(ops->probe(st, why), SYM_ENODEVICE);
	assert_string_equal(why, want);
	ops->close(st);
	assert_int_equal(unwrap_blob(&s, &file_pin, s.blob, s.len, why),
	    SYM_ENODEVICE);
	assert_string_equal(why, want);
	sealed_free(&s);
}

/* gpg-agent cannot run: SYM_ENODEVICE. */
static void
test_no_agent(void **state)
{
	struct sealed s;
	char why[SYM_SEAL_WHY_MAX], conf[128];
	int ret;

	(void)state;
	seal_fpr(&s, card_fpr, 9);
	forget();
	snprintf(conf, sizeof conf, "%s/gpg.conf", home);
	spit_text(conf, "no-autostart\n");
	ret = unwrap_blob(&s, &file_pin, s.blob, s.len, why);
	spit_text(conf, "no-greeting\n");
	assert_int_equal(ret, SYM_ENODEVICE);
	assert_non_null(strstr(why, "gpg-agent cannot be reached"));
	sealed_free(&s);
}

/* spec opens (PIN prompting off) and probes as want. */
static void
assert_probe(const char *spec, int want, const char *words)
{
	char why[SYM_SEAL_WHY_MAX] = "";
	void *st = open_with(spec, &good_pin, SYM_OK);

	assert_int_equal(ops->probe(st, why), want);
	if (words != NULL)
		assert_non_null(strstr(why, words));
	ops->close(st);
}

/* Probe: no PIN asked (prompting off, no PIN file), no key used. */
static void
test_probe(void **state)
{
	char spec[200];

	(void)state;
	forget();
	snprintf(spec, sizeof spec, "openpgp:fpr=%s", card_fpr);
	assert_probe(spec, SYM_OK, NULL);
	snprintf(spec, sizeof spec, "openpgp:key=%s/card.pub", home);
	assert_probe(spec, SYM_OK, NULL);
	assert_probe("openpgp:fpr=0123456789ABCDEF0123456789ABCDEF01234567",
	    SYM_ENODEVICE, "no secret key for 0123456789ABCDEF");
}

/* Wrap under spec is refused with want (and why has words, if not NULL);
 * no blob, nothing recorded. */
static void
assert_wrap_refused(const char *spec, int want, const char *words,
    const char *words2)
{
	uint8_t blob[SYM_SEAL_WRAPPED_MAX], *key = new_key(10);
	struct sym_seal_params record = { 0 };
	struct bound b = binding(1);
	char why[SYM_SEAL_WHY_MAX] = "";
	size_t blob_len = 99;
	void *st = open_with(spec, &good_pin, SYM_OK);

	assert_int_equal(ops->wrap(st, b.bytes, b.len, key, blob, &blob_len,
	    &record, why), want);
	assert_int_equal(blob_len, 0);
	assert_int_equal(record.count, 0);
	if (words != NULL)
		assert_non_null(strstr(why, words));
	if (words2 != NULL)
		assert_non_null(strstr(why, words2));
	ops->close(st);
	sym_secmem_free(key);
}

/* Enrolment refuses keys that cannot be used, and bad parameters. */
static void
test_refused(void **state)
{
	static const struct { const char *file; int want; } cases[] = {
		{ "old.pub", SYM_EDEVKEY },
		{ "rev.pub", SYM_EDEVKEY },
		{ "open.sec", SYM_EDEVKEY },
		{ "nothing.pub", SYM_ESEALSPEC },
		{ "pin", SYM_EDEVKEY },
	};
	const char *by_fpr[] = { old_fpr, rev_fpr };
	const char *words[] = { "expired", "revoked" };
	struct sym_seal_params p = { 0 };
	char spec[200], why[SYM_SEAL_WHY_MAX];
	void *st;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(spec, sizeof spec, "openpgp:key=%s",
		    at(cases[i].file));
		assert_wrap_refused(spec, cases[i].want, NULL, NULL);
	}
	for (size_t i = 0; i < 2; i++) {
		snprintf(spec, sizeof spec, "openpgp:fpr=%s", by_fpr[i]);
		assert_wrap_refused(spec, SYM_EDEVKEY, by_fpr[i], words[i]);
	}
	/* Open: one of key= and fpr=, a real fingerprint. */
	assert_int_equal(ops->open(&st, &p, &good_pin, why), SYM_ESEALSPEC);
	assert_int_equal(sym_seal_param_set(&p, "fpr", "ABCD"), SYM_OK);
	assert_int_equal(ops->open(&st, &p, &good_pin, why), SYM_ESEALSPEC);
	assert_non_null(strstr(why, "not a fingerprint"));
	assert_int_equal(sym_seal_param_set(&p, "fpr", card_fpr), SYM_OK);
	assert_int_equal(sym_seal_param_set(&p, "key", "x.pub"), SYM_OK);
	assert_int_equal(ops->open(&st, &p, &good_pin, why), SYM_ESEALSPEC);
	assert_null(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_key_file),
		cmocka_unit_test(test_roundtrip_fpr),
		cmocka_unit_test(test_binding_mismatch),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_wrong_pin),
		cmocka_unit_test(test_no_prompt),
		cmocka_unit_test(test_other_key),
		cmocka_unit_test(test_secret_gone),
		cmocka_unit_test(test_no_agent),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("seal_openpgp", tests,
	    group_setup, group_teardown);
}
