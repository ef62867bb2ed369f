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
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "symbolon/error.h"
#include "symbolon/pgp.h"
#include "symbolon/seal_openpgp.h"
#include "symbolon/seal_registry.h"
#include "symbolon/secmem.h"

#define FPR_LEN (SYM_PGP_FPR_CHARS + 1)

static char script[PATH_MAX];   /* tests/devices/gpg.bash */
static char base[64];           /* /tmp/sym-gpg-XXXXXX */
static char home[96];           /* base/h: GNUPGHOME */
static char card_fpr[FPR_LEN], other_fpr[FPR_LEN], gone_fpr[FPR_LEN];
static char open_fpr[FPR_LEN], old_fpr[FPR_LEN], rev_fpr[FPR_LEN];

/* Prompting off: what wrap and probe get (they never ask). */
static const struct sym_seal_pin good_pin = { NULL, 1 };
static struct sym_seal_pin file_pin = { NULL, 1 }, wrong_pin = { NULL, 1 };
static char pin_path[160], bad_path[160];

static const struct sym_device_ops *ops = &sym_seal_openpgp_device;

/* ---- helpers ---- */

static const char *
at(const char *name)
{
	static char buf[8][160];
	static unsigned next;
	char *p = buf[next++ % 8];
	int n = snprintf(p, 160, "%s/%s", base, name);

	assert_true(n > 0 && n < 160);
	return p;
}

static int
run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int n, status;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof cmd);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#define GPG "gpg --homedir '%s' --batch --quiet --no-tty --yes " \
	"--pinentry-mode loopback"
#define QUIET " >/dev/null 2>&1"

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

static void
spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The first fingerprint gpg lists for uid ("fpr" record of "pub"). */
static void
fpr_of(char fpr[FPR_LEN], const char *uid)
{
	char cmd[512], line[1024];
	FILE *f;

	fpr[0] = '\0';
	snprintf(cmd, sizeof cmd, "gpg --homedir '%s' --batch --with-colons "
	    "--list-keys '%s' 2>/dev/null | awk -F: '$1==\"fpr\"{print $10;"
	    "exit}'", home, uid);
	f = popen(cmd, "r");
	assert_non_null(f);
	if (fgets(line, sizeof line, f) != NULL)
		snprintf(fpr, FPR_LEN, "%.40s", line);
	pclose(f);
	assert_int_equal(strlen(fpr), SYM_PGP_FPR_CHARS);
}

/* Finds tests/devices/gpg.bash above this program (build/tests/,
 * build/asan/tests/), so the test runs from any directory. */
static int
find_script(void)
{
	char dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);

	if (n <= 0)
		return -1;
	dir[n] = '\0';
	for (char *slash; (slash = strrchr(dir, '/')) != NULL;) {
		*slash = '\0';
		if (snprintf(script, sizeof script, "%s/tests/devices/gpg.bash",
		    dir) >= (int)sizeof script)
			continue;
		if (access(script, R_OK) == 0)
			return 0;
	}
	fprintf(stderr, "# tests/devices/gpg.bash not found above the test\n");
	return -1;
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
	fpr_of(open_fpr, "open@example");
	fpr_of(old_fpr, "old@example");
	fpr_of(rev_fpr, "rev@example");
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
	if (sym_secmem_init() != SYM_OK || find_script() != 0)
		return -1;
	snprintf(base, sizeof base, "/tmp/sym-gpg-XXXXXX");
	if (mkdtemp(base) == NULL)
		return -1;
	snprintf(home, sizeof home, "%s/h", base);
	if (device(card_fpr, "gpg_card_setup \"%s\" 123456", home) != 0) {
		fprintf(stderr, "# gpg_card_setup failed: is gpg installed?\n");
		return -1;
	}
	setenv("GNUPGHOME", home, 1);
	setenv("TMPDIR", base, 1);
	snprintf(pin_path, sizeof pin_path, "%s", at("pin"));
	snprintf(bad_path, sizeof bad_path, "%s", at("bad-pin"));
	spit(pin_path, "123456\n");
	spit(bad_path, "654321\n");
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
	if (base[0] == '\0')
		return 0;
	(void)device(NULL, "gpg_card_teardown \"%s\"", home);
	(void)run("rm -rf '%s'", base);
	return 0;
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

/* ---- cases ---- */

/* key=FILE: enrolment from the public key alone, recorded as its
 * fingerprint; the card (PIN by loopback) gives back the same U. */
static void
test_roundtrip_key_file(void **state)
{
	uint8_t blob[SYM_SEAL_WRAPPED_MAX], *key = new_key(1);
	uint8_t *back = new_key(0);
	size_t blob_len;
	char spec[200], fpr[FPR_LEN], why[SYM_SEAL_WHY_MAX];
	double t0, t1, t2;

	(void)state;
	snprintf(spec, sizeof spec, "openpgp:key=%s/card.pub", home);
	t0 = now();
	wrap_to(spec, 1, key, blob, &blob_len, fpr);
	t1 = now();
	assert_string_equal(fpr, card_fpr);
	assert_int_equal(sym_pgp_sniff(blob, blob_len), SYM_PGP_BINARY);
	forget();
	t2 = now();
	assert_int_equal(unwrap_as(fpr, &file_pin, 1, blob, blob_len, back,
	    why), SYM_OK);
	print_message("# RSA-3072: blob %zu bytes, wrap %.0f ms, unwrap "
	    "(agent start, PIN, decrypt) %.0f ms\n", blob_len,
	    (t1 - t0) * 1e3, (now() - t2) * 1e3);
	assert_memory_equal(back, key, SYM_SEAL_KEY_BYTES);
	sym_secmem_free(key);
	sym_secmem_free(back);
}

/* fpr=: a key of the keyring, given in lower case with spaces. */
static void
test_roundtrip_fpr(void **state)
{
	uint8_t blob[SYM_SEAL_WRAPPED_MAX], *key = new_key(2);
	uint8_t *back = new_key(0);
	size_t blob_len;
	char spec[200], lower[FPR_LEN], fpr[FPR_LEN], why[SYM_SEAL_WHY_MAX];

	(void)state;
	for (size_t i = 0; i < FPR_LEN; i++)
		lower[i] = (char)((card_fpr[i] >= 'A' && card_fpr[i] <= 'F') ?
		    card_fpr[i] - 'A' + 'a' : card_fpr[i]);
	snprintf(spec, sizeof spec, "openpgp:fpr=%.20s %s", lower, lower + 20);
	wrap_to(spec, 1, key, blob, &blob_len, fpr);
	assert_string_equal(fpr, card_fpr);
	forget();
	assert_int_equal(unwrap_as(fpr, &file_pin, 1, blob, blob_len, back,
	    why), SYM_OK);
	assert_memory_equal(back, key, SYM_SEAL_KEY_BYTES);
	sym_secmem_free(key);
	sym_secmem_free(back);
}

/* A blob of generation 1 does not unwrap for generation 2. */
static void
test_binding_mismatch(void **state)
{
	uint8_t blob[SYM_SEAL_WRAPPED_MAX], *key = new_key(3);
	uint8_t *back = new_key(0), *zero = new_key(0);
	size_t blob_len;
	char fpr[FPR_LEN], spec[80], why[SYM_SEAL_WHY_MAX];

	(void)state;
	snprintf(spec, sizeof spec, "openpgp:fpr=%s", card_fpr);
	wrap_to(spec, 1, key, blob, &blob_len, fpr);
	assert_int_equal(unwrap_as(fpr, &file_pin, 2, blob, blob_len, back,
	    why), SYM_EDEVUNWRAP);
	assert_non_null(strstr(why, "not bound"));
	assert_memory_equal(back, zero, SYM_SEAL_KEY_BYTES);
	sym_secmem_free(key);
	sym_secmem_free(back);
	sym_secmem_free(zero);
}

/* Every region of the message changed (session key packet header, key
 * id, RSA value, encrypted data, the integrity check at the end), cut
 * short or grown: each is refused as not the device's blob. */
static void
test_tampered(void **state)
{
	uint8_t blob[SYM_SEAL_WRAPPED_MAX], bad[SYM_SEAL_WRAPPED_MAX + 1];
	uint8_t *key = new_key(4), *back = new_key(0);
	size_t blob_len, tried = 0;
	char fpr[FPR_LEN], spec[80], why[SYM_SEAL_WHY_MAX];

	(void)state;
	snprintf(spec, sizeof spec, "openpgp:fpr=%s", card_fpr);
	wrap_to(spec, 1, key, blob, &blob_len, fpr);
	/* Each byte of the headers, key id and bit count, then a sample of
	 * the RSA value and the encrypted data, and each of the last bytes
	 * (the integrity check).  Every byte takes ~0.5 s; all of them pass
	 * too (tried once: 551 of 551 refused). */
	for (size_t off = 0; off < blob_len;
	    off += off < 20 || off + 10 >= blob_len ? 1 : 37) {
		memcpy(bad, blob, blob_len);
		bad[off] ^= 0x01;
		int ret = unwrap_as(fpr, &file_pin, 1, bad, blob_len, back,
		    why);
		if (ret != SYM_EDEVUNWRAP)
			print_message("# byte %zu: %d %s\n", off, ret, why);
		assert_int_equal(ret, SYM_EDEVUNWRAP);
		tried++;
	}
	memcpy(bad, blob, blob_len);
	bad[blob_len - 1] ^= 0x80;
	assert_int_equal(unwrap_as(fpr, &file_pin, 1, bad, blob_len, back,
	    why), SYM_EDEVUNWRAP);
	assert_int_equal(unwrap_as(fpr, &file_pin, 1, blob, blob_len - 1,
	    back, why), SYM_EDEVUNWRAP);
	assert_int_equal(unwrap_as(fpr, &file_pin, 1, blob, 0, back, why),
	    SYM_EDEVUNWRAP);
	memcpy(bad, blob, blob_len);
	bad[blob_len] = 0;
	assert_int_equal(unwrap_as(fpr, &file_pin, 1, bad, blob_len + 1,
	    back, why), SYM_EDEVUNWRAP);
	print_message("# %zu single-bit changes refused\n", tried);
	/* Still the card's own blob. */
	assert_int_equal(unwrap_as(fpr, &file_pin, 1, blob, blob_len, back,
	    why), SYM_OK);
	assert_memory_equal(back, key, SYM_SEAL_KEY_BYTES);
	sym_secmem_free(key);
	sym_secmem_free(back);
}

/* A wrong PIN is one refused attempt, SYM_EBADPIN naming the key; the
 * right one works right after (gpg-agent asked once, we never retry). */
static void
test_wrong_pin(void **state)
{
	uint8_t blob[SYM_SEAL_WRAPPED_MAX], *key = new_key(5);
	uint8_t *back = new_key(0);
	size_t blob_len;
	char fpr[FPR_LEN], spec[80], why[SYM_SEAL_WHY_MAX], want[128];

	(void)state;
	snprintf(spec, sizeof spec, "openpgp:fpr=%s", card_fpr);
	wrap_to(spec, 1, key, blob, &blob_len, fpr);
	forget();
	assert_int_equal(unwrap_as(fpr, &wrong_pin, 1, blob, blob_len, back,
	    why), SYM_EBADPIN);
	snprintf(want, sizeof want, "wrong PIN for OpenPGP key %s", card_fpr);
	assert_string_equal(why, want);
	forget();
	assert_int_equal(unwrap_as(fpr, &file_pin, 1, blob, blob_len, back,
	    why), SYM_OK);
	assert_memory_equal(back, key, SYM_SEAL_KEY_BYTES);
	sym_secmem_free(key);
	sym_secmem_free(back);
}

/* No PIN file and prompting off: refused (SYM_ENOTTY), no pinentry;
 * a key without a PIN still unwraps (through gpg-agent's own path). */
static void
test_no_prompt(void **state)
{
	uint8_t blob[SYM_SEAL_WRAPPED_MAX], *key = new_key(6);
	uint8_t *back = new_key(0);
	size_t blob_len;
	char fpr[FPR_LEN], spec[80], why[SYM_SEAL_WHY_MAX];
	static const struct sym_seal_pin agent_pin = { NULL, 0 };

	(void)state;
	snprintf(spec, sizeof spec, "openpgp:fpr=%s", card_fpr);
	wrap_to(spec, 1, key, blob, &blob_len, fpr);
	forget();
	assert_int_equal(unwrap_as(fpr, &good_pin, 1, blob, blob_len, back,
	    why), SYM_ENOTTY);
	assert_non_null(strstr(why, "prompting is off"));
	snprintf(spec, sizeof spec, "openpgp:fpr=%s", open_fpr);
	wrap_to(spec, 1, key, blob, &blob_len, fpr);
	assert_int_equal(unwrap_as(fpr, &good_pin, 1, blob, blob_len, back,
	    why), SYM_OK);
	assert_memory_equal(back, key, SYM_SEAL_KEY_BYTES);
	memset(back, 0, SYM_SEAL_KEY_BYTES);
	assert_int_equal(unwrap_as(fpr, &agent_pin, 1, blob, blob_len, back,
	    why), SYM_OK);
	assert_memory_equal(back, key, SYM_SEAL_KEY_BYTES);
	sym_secmem_free(key);
	sym_secmem_free(back);
}

/* A blob for another card is refused before any decryption, naming the
 * key it is for. */
static void
test_other_key(void **state)
{
	uint8_t blob[SYM_SEAL_WRAPPED_MAX], *key = new_key(7);
	uint8_t *back = new_key(0);
	size_t blob_len;
	char fpr[FPR_LEN], spec[200], why[SYM_SEAL_WHY_MAX];

	(void)state;
	snprintf(spec, sizeof spec, "openpgp:key=%s", at("other.pub"));
	wrap_to(spec, 1, key, blob, &blob_len, fpr);
	assert_string_equal(fpr, other_fpr);
	assert_int_equal(unwrap_as(card_fpr, &wrong_pin, 1, blob, blob_len,
	    back, why), SYM_EDEVUNWRAP);
	assert_non_null(strstr(why, "not to"));
	assert_non_null(strstr(why, card_fpr));
	/* ... and the other card takes it (same PIN in this test). */
	assert_int_equal(unwrap_as(other_fpr, &file_pin, 1, blob, blob_len,
	    back, why), SYM_OK);
	assert_memory_equal(back, key, SYM_SEAL_KEY_BYTES);
	sym_secmem_free(key);
	sym_secmem_free(back);
}

/* The card goes away between wrap and unwrap (its secret key deleted):
 * probe and unwrap say SYM_ENODEVICE and name it. */
static void
test_secret_gone(void **state)
{
	uint8_t blob[SYM_SEAL_WRAPPED_MAX], *key = new_key(8);
	uint8_t *back = new_key(0);
	size_t blob_len;
	char fpr[FPR_LEN], spec[80], why[SYM_SEAL_WHY_MAX], want[160];
	void *st;

	(void)state;
	snprintf(spec, sizeof spec, "openpgp:fpr=%s", gone_fpr);
	wrap_to(spec, 1, key, blob, &blob_len, fpr);
	st = open_with(spec, &file_pin, SYM_OK);
	assert_int_equal(ops->probe(st, why), SYM_OK);
	assert_int_equal(run("gpg --homedir '%s' --batch --yes "
	    "--delete-secret-keys %s" QUIET, home, gone_fpr), 0);
	snprintf(want, sizeof want, "no secret key for %s: insert the card "
	    "holding it", gone_fpr);
	assert_int_equal(ops->probe(st, why), SYM_ENODEVICE);
	assert_string_equal(why, want);
	ops->close(st);
	assert_int_equal(unwrap_as(fpr, &file_pin, 1, blob, blob_len, back,
	    why), SYM_ENODEVICE);
	assert_string_equal(why, want);
	sym_secmem_free(key);
	sym_secmem_free(back);
}

/* gpg-agent cannot run: SYM_ENODEVICE. */
static void
test_no_agent(void **state)
{
	uint8_t blob[SYM_SEAL_WRAPPED_MAX], *key = new_key(9);
	uint8_t *back = new_key(0);
	size_t blob_len;
	char fpr[FPR_LEN], spec[80], why[SYM_SEAL_WHY_MAX], conf[128];

	(void)state;
	snprintf(spec, sizeof spec, "openpgp:fpr=%s", card_fpr);
	wrap_to(spec, 1, key, blob, &blob_len, fpr);
	forget();
	snprintf(conf, sizeof conf, "%s/gpg.conf", home);
	spit(conf, "no-autostart\n");
	int ret = unwrap_as(fpr, &file_pin, 1, blob, blob_len, back, why);
	spit(conf, "no-greeting\n");
	assert_int_equal(ret, SYM_ENODEVICE);
	assert_non_null(strstr(why, "gpg-agent cannot be reached"));
	sym_secmem_free(key);
	sym_secmem_free(back);
}

/* Probe: no PIN asked (prompting off, no PIN file), no key used. */
static void
test_probe(void **state)
{
	char spec[200], why[SYM_SEAL_WHY_MAX];
	void *st;

	(void)state;
	forget();
	snprintf(spec, sizeof spec, "openpgp:fpr=%s", card_fpr);
	st = open_with(spec, &good_pin, SYM_OK);
	assert_int_equal(ops->probe(st, why), SYM_OK);
	ops->close(st);
	snprintf(spec, sizeof spec, "openpgp:key=%s/card.pub", home);
	st = open_with(spec, &good_pin, SYM_OK);
	assert_int_equal(ops->probe(st, why), SYM_OK);
	ops->close(st);
	st = open_with("openpgp:fpr=0123456789ABCDEF0123456789ABCDEF01234567",
	    &good_pin, SYM_OK);
	assert_int_equal(ops->probe(st, why), SYM_ENODEVICE);
	assert_non_null(strstr(why, "no secret key for 0123456789ABCDEF"));
	ops->close(st);
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
	uint8_t blob[SYM_SEAL_WRAPPED_MAX], *key = new_key(10);
	struct sym_seal_params record = { 0 };
	struct bound b = binding(1);
	char spec[200], why[SYM_SEAL_WHY_MAX];
	size_t blob_len = 99;
	void *st;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(spec, sizeof spec, "openpgp:key=%s",
		    at(cases[i].file));
		st = open_with(spec, &good_pin, SYM_OK);
		assert_int_equal(ops->wrap(st, b.bytes, b.len, key, blob,
		    &blob_len, &record, why), cases[i].want);
		assert_int_equal(blob_len, 0);
		assert_int_equal(record.count, 0);
		ops->close(st);
	}
	const char *by_fpr[] = { old_fpr, rev_fpr, NULL };
	const char *words[] = { "expired", "revoked" };
	for (size_t i = 0; by_fpr[i] != NULL; i++) {
		snprintf(spec, sizeof spec, "openpgp:fpr=%s", by_fpr[i]);
		st = open_with(spec, &good_pin, SYM_OK);
		assert_int_equal(ops->wrap(st, b.bytes, b.len, key, blob,
		    &blob_len, &record, why), SYM_EDEVKEY);
		assert_non_null(strstr(why, by_fpr[i]));
		assert_non_null(strstr(why, words[i]));
		ops->close(st);
	}
	/* Open: one of key= and fpr=, a real fingerprint. */
	struct sym_seal_params p = { 0 };
	assert_int_equal(ops->open(&st, &p, &good_pin, why), SYM_ESEALSPEC);
	assert_int_equal(sym_seal_param_set(&p, "fpr", "ABCD"), SYM_OK);
	assert_int_equal(ops->open(&st, &p, &good_pin, why), SYM_ESEALSPEC);
	assert_non_null(strstr(why, "not a fingerprint"));
	assert_int_equal(sym_seal_param_set(&p, "fpr", card_fpr), SYM_OK);
	assert_int_equal(sym_seal_param_set(&p, "key", "x.pub"), SYM_OK);
	assert_int_equal(ops->open(&st, &p, &good_pin, why), SYM_ESEALSPEC);
	assert_null(st);
	sym_secmem_free(key);
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
