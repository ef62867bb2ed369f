/* Unit tests for the OpenPGP layer against the real gpg: the group setup
 * makes a temporary GNUPGHOME with its own keys (good, expired, revoked,
 * disabled, sign-only, one whose secret key is gone) and fixtures made
 * with the gpg command line; the library under test uses GPGME only.
 * A second home holds a key the first has never seen; a third has the
 * keys but no agent, which a child process (this program re-executed)
 * uses.  The teardown stops the agents and removes everything. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "symbolon/error.h"
#include "symbolon/pgp.h"
#include "symbolon/secmem.h"

#include "gpg_home.h"

#define FPR_LEN GPG_FPR_LEN
#define KEYID_LEN GPG_KEYID_LEN

static const char *home;         /* GNUPGHOME of the tests */
static const char *other;        /* a home with Mallory, unknown to home */
static const char *noagent;      /* home's keys, agent never starts */
static char tmpd[128];          /* TMPDIR for the library */

static char alice_fpr[FPR_LEN], alice_sub[FPR_LEN], alice_subid[KEYID_LEN];
static char carol_fpr[FPR_LEN], carol_subid[KEYID_LEN];
static char old_fpr[FPR_LEN], dave_fpr[FPR_LEN], rev_fpr[FPR_LEN];
static char dis_fpr[FPR_LEN], sig_fpr[FPR_LEN];
static char mallory_fpr[FPR_LEN], mallory_subid[KEYID_LEN];
static char pat_fpr[FPR_LEN];          /* its secret key has a passphrase */

static const char plaintext[] = "share 1 of 5: 7f3a91c20b115e40aa55aa55\n";

/* ---- helpers ---- */

#define GPG GPG_BATCH " --passphrase ''"

static void
must(int status)
{
	assert_int_equal(status, 0);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static size_t
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* A secure copy of the test plaintext, as a share would be held. */
static uint8_t *
secret_plaintext(size_t *len)
{
	uint8_t *p = sym_secmem_alloc(sizeof plaintext);

	assert_non_null(p);
	memcpy(p, plaintext, sizeof plaintext);
	*len = sizeof plaintext - 1;
	return p;
}

static void
new_key(const char *dir, const char *uid, const char *expire,
    const char *encr_expire, const char *faked)
{
	char fpr[FPR_LEN];

	must(run(GPG " %s --quick-gen-key '%s' ed25519 sign %s" QUIET, dir,
	    faked, uid, expire));
	if (encr_expire == NULL)
		return;
	gpg_colons(fpr, NULL, dir, uid, "pub");
	must(run(GPG " %s --quick-add-key %s cv25519 encr %s" QUIET, dir,
	    faked, fpr, encr_expire));
}

/* ---- setup ---- */

static int
group_setup(void **state)
{
	static const char faked[] = "--faked-system-time 20200101T000000!";
	char cmd_fpr[FPR_LEN];

	(void)state;
	if (sym_secmem_init() != SYM_OK)
		return -1;
	if (gpg_home_setup("/tmp/symbolon-pgp-test-XXXXXX") != 0 ||
	    (home = gpg_home_dir("home", 1)) == NULL ||
	    (other = gpg_home_dir("other", 1)) == NULL ||
	    (noagent = gpg_home_dir("noagent", 1)) == NULL)
		return -1;
	snprintf(tmpd, sizeof tmpd, "%s/tmp", gpg_base);
	if (mkdir(tmpd, 0700) != 0)
		return -1;
	setenv("GNUPGHOME", home, 1);
	setenv("TMPDIR", tmpd, 1);
	spit(at("home/gpg-agent.conf"), "allow-loopback-pinentry\n", 24);
	spit(at("other/gpg-agent.conf"), "allow-loopback-pinentry\n", 24);
	spit(at("plain.txt"), plaintext, sizeof plaintext - 1);
	spit(at("data.bin"), "ceremony transcript 2026-11-23\n", 31);
	spit(at("other.bin"), "ceremony transcript 2026-11-24\n", 31);
	spit(at("notakey.txt"), "hello, I am not a key\n", 22);
	spit(at("empty"), "", 0);

	/* Keys of home. */
	new_key(home, "Alice <alice@example.org>", "1y", "1y", "");
	gpg_colons(alice_fpr, NULL, home, "alice@example.org", "pub");
	gpg_colons(alice_sub, alice_subid, home, "alice@example.org", "sub");
	new_key(home, "Carol <carol@example.org>", "1y", "1y", "");
	gpg_colons(carol_fpr, NULL, home, "carol@example.org", "pub");
	gpg_colons(cmd_fpr, carol_subid, home, "carol@example.org", "sub");
	new_key(home, "Old <old@example.org>", "1y", "1y", faked);
	gpg_colons(old_fpr, NULL, home, "old@example.org", "pub");
	new_key(home, "Dave <dave@example.org>", "never", "1y", faked);
	gpg_colons(dave_fpr, NULL, home, "dave@example.org", "pub");
	new_key(home, "Rev <rev@example.org>", "1y", "1y", "");
	gpg_colons(rev_fpr, NULL, home, "rev@example.org", "pub");
	new_key(home, "Dis <dis@example.org>", "1y", "1y", "");
	gpg_colons(dis_fpr, NULL, home, "dis@example.org", "pub");
	new_key(home, "Sig <sig@example.org>", "1y", NULL, "");
	gpg_colons(sig_fpr, NULL, home, "sig@example.org", "pub");
	/* Pat's secret key is under the passphrase "pw". */
	must(run(GPG_BATCH " --passphrase pw --quick-gen-key "
	    "'Pat <pat@example.org>' ed25519 sign 1y" QUIET, home));
	gpg_colons(pat_fpr, NULL, home, "pat@example.org", "pub");
	must(run(GPG_BATCH " --passphrase pw --quick-add-key %s cv25519 encr "
	    "1y" QUIET, home, pat_fpr));

	/* Mallory, in the other home only. */
	new_key(other, "Mallory <mallory@example.org>", "1y", "1y", "");
	gpg_colons(mallory_fpr, NULL, other, "mallory@example.org", "pub");
	gpg_colons(cmd_fpr, mallory_subid, other, "mallory@example.org", "sub");
	must(run(GPG " --export -o '%s' %s" QUIET, other, at("mallory.pub"),
	    mallory_fpr));
	must(run(GPG " -u %s --detach-sign -o '%s' '%s'" QUIET, other,
	    mallory_fpr, at("mallory.sig"), at("data.bin")));

	/* Key files. */
	must(run(GPG " --export -o '%s' %s" QUIET, home, at("alice.pub"),
	    alice_fpr));
	must(run(GPG " --export -a -o '%s' %s" QUIET, home, at("alice.asc"),
	    alice_fpr));
	must(run(GPG " --export-secret-keys -o '%s' %s" QUIET, home,
	    at("alice.sec"), alice_fpr));
	must(run(GPG " --export-secret-keys -a -o '%s' %s" QUIET, home,
	    at("alice-sec.asc"), alice_fpr));
	must(run(GPG " --export -o '%s' %s" QUIET, home, at("old.pub"),
	    old_fpr));
	must(run(GPG " --export -o '%s' %s" QUIET, home, at("dave.pub"),
	    dave_fpr));
	must(run(GPG " --export -o '%s' %s" QUIET, home, at("sig.pub"),
	    sig_fpr));
	must(run(GPG " --export -o '%s' %s %s" QUIET, home, at("two.pub"),
	    alice_fpr, carol_fpr));

	/* Signatures, made while the keys were still good. */
	must(run(GPG " -u %s --detach-sign -o '%s' '%s'" QUIET, home,
	    alice_fpr, at("data.sig"), at("data.bin")));
	must(run(GPG " -u %s --detach-sign -a -o '%s' '%s'" QUIET, home,
	    alice_fpr, at("data.asc"), at("data.bin")));
	must(run(GPG " -u %s --detach-sign -o '%s' '%s'" QUIET, home,
	    sig_fpr, at("sigkey.sig"), at("data.bin")));
	must(run(GPG " --faked-system-time 20200601T000000! -u %s "
	    "--detach-sign -o '%s' '%s'" QUIET, home, old_fpr, at("old.sig"),
	    at("data.bin")));
	must(run(GPG " -u %s --detach-sign -o '%s' '%s'" QUIET, home,
	    rev_fpr, at("rev.sig"), at("data.bin")));
	must(run("cat '%s' '%s' > '%s'", at("data.sig"), at("sigkey.sig"),
	    at("two.sig")));
	must(run("cat '%s' '%s' > '%s'", at("data.sig"), at("mallory.sig"),
	    at("mixed.sig")));

	/* Revoke Rev (its revocation certificate, made by --quick-gen-key),
	 * disable Dis. */
	must(run("sed 's/^:-----BEGIN/-----BEGIN/' "
	    "'%s/openpgp-revocs.d/%s.rev' > '%s'", home, rev_fpr,
	    at("rev.rev")));
	must(run(GPG " --import '%s'" QUIET, home, at("rev.rev")));
	must(run(GPG " --export -o '%s' %s" QUIET, home, at("rev.pub"),
	    rev_fpr));
	must(run(GPG " --edit-key %s disable save" QUIET, home, dis_fpr));

	/* Messages made by gpg. */
	must(run(GPG " --always-trust -r %s -e -o '%s' '%s'" QUIET, home,
	    alice_fpr, at("to_alice.gpg"), at("plain.txt")));
	must(run(GPG " --always-trust -r %s -e -a -o '%s' '%s'" QUIET, home,
	    alice_fpr, at("to_alice.asc"), at("plain.txt")));
	must(run(GPG " --always-trust -r %s -r %s -e -o '%s' '%s'" QUIET,
	    home, alice_fpr, carol_fpr, at("to_both.gpg"), at("plain.txt")));
	must(run(GPG " --always-trust -r %s -e -o '%s' '%s'" QUIET, home,
	    carol_fpr, at("to_carol.gpg"), at("plain.txt")));
	must(run(GPG " --always-trust -r %s -e -o '%s' '%s'" QUIET, home,
	    pat_fpr, at("to_pat.gpg"), at("plain.txt")));
	must(run(GPG " --always-trust -R %s -e -o '%s' '%s'" QUIET, home,
	    carol_fpr, at("hidden.gpg"), at("plain.txt")));
	must(run("gpg --homedir '%s' --batch --quiet --no-tty "
	    "--pinentry-mode loopback --passphrase pw --symmetric -o '%s' "
	    "'%s'" QUIET, home, at("sym.gpg"), at("plain.txt")));

	/* Carol's secret key goes: her messages are for someone else. */
	must(run("gpg --homedir '%s' --batch --yes --delete-secret-keys %s"
	    QUIET, home, carol_fpr));

	/* The same keyring, where gpg must not start an agent. */
	must(run("cp -r '%s/pubring.kbx' '%s/trustdb.gpg' "
	    "'%s/private-keys-v1.d' '%s/'", home, home, home, noagent));
	spit(at("noagent/gpg.conf"), "no-autostart\n", 13);
	return sym_pgp_init() == SYM_OK ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	return gpg_home_teardown();
}

/* ---- init, fingerprints, sniffing ---- */

static void
test_init_twice(void **state)
{
	(void)state;
	assert_int_equal(sym_pgp_init(), SYM_OK);
	assert_int_equal(sym_pgp_init(), SYM_OK);
}

static void
test_parse_fingerprint(void **state)
{
	char out[FPR_LEN];

	(void)state;
	assert_int_equal(sym_pgp_parse_fingerprint(out,
	    "427b 9c02 555d 7e78 2f23  3d6d 545c 9974 f86f 47b0"), SYM_OK);
	assert_string_equal(out, "427B9C02555D7E782F233D6D545C9974F86F47B0");
	assert_int_equal(sym_pgp_parse_fingerprint(out, alice_fpr), SYM_OK);
	assert_string_equal(out, alice_fpr);
	/* 39 and 41 digits, a non-hex digit, a path, a tab. */
	assert_int_equal(sym_pgp_parse_fingerprint(out,
	    "427B9C02555D7E782F233D6D545C9974F86F47B"), SYM_EFORMAT);
	assert_string_equal(out, "");
	assert_int_equal(sym_pgp_parse_fingerprint(out,
	    "427B9C02555D7E782F233D6D545C9974F86F47B00"), SYM_EFORMAT);
	assert_int_equal(sym_pgp_parse_fingerprint(out,
	    "427B9C02555D7E782F233D6D545C9974F86F47BG"), SYM_EFORMAT);
	assert_int_equal(sym_pgp_parse_fingerprint(out, "./alice.pub"),
	    SYM_EFORMAT);
	assert_int_equal(sym_pgp_parse_fingerprint(out,
	    "427B9C02555D7E782F233D6D545C9974\tF86F47B0"), SYM_EFORMAT);
	assert_int_equal(sym_pgp_parse_fingerprint(out, ""), SYM_EFORMAT);
}

static void
test_sniff(void **state)
{
	static const char *const pgp_files[] = { "to_alice.gpg", "to_both.gpg",
	    "hidden.gpg", "sym.gpg" };
	static const char *const other_files[] = { "alice.pub", "alice.asc",
	    "alice.sec", "data.sig", "data.asc", "plain.txt", "empty" };
	static const uint8_t cose[] = { 0xD2, 0x84, 0x43, 0xA1, 0x01, 0x27,
	    0xA0, 0x58, 0x20 };
	static const uint8_t cbor_array[] = { 0x84, 0x01, 0x03, 0x00, 0x01,
	    0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x12, 0x00 };
	static const char armored[] = "\r\n  \n-----BEGIN PGP MESSAGE-----\n"
	    "\nhF4D\n-----END PGP MESSAGE-----\n";
	uint8_t *buf;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof pgp_files / sizeof *pgp_files; i++) {
		buf = slurp(at(pgp_files[i]), &len);
		assert_int_equal(sym_pgp_sniff(buf, len), SYM_PGP_BINARY);
		/* Cut inside the first packet: no longer a message. */
		assert_int_equal(sym_pgp_sniff(buf, 8), SYM_PGP_NONE);
		free(buf);
	}
	buf = slurp(at("to_alice.asc"), &len);
	assert_int_equal(sym_pgp_sniff(buf, len), SYM_PGP_ARMORED);
	free(buf);
	for (size_t i = 0; i < sizeof other_files / sizeof *other_files; i++) {
		buf = slurp(at(other_files[i]), &len);
		if (sym_pgp_sniff(buf, len) != SYM_PGP_NONE)
			fail_msg("%s sniffed as a message", other_files[i]);
		free(buf);
	}
	assert_int_equal(sym_pgp_sniff((const uint8_t *)armored,
	    sizeof armored - 1), SYM_PGP_ARMORED);
	assert_int_equal(sym_pgp_sniff((const uint8_t *)"-----BEGIN PGP "
	    "MESSAGE----- x\n", 30), SYM_PGP_NONE);
	assert_int_equal(sym_pgp_sniff(cose, sizeof cose), SYM_PGP_NONE);
	assert_int_equal(sym_pgp_sniff(cbor_array, sizeof cbor_array),
	    SYM_PGP_NONE);
	assert_int_equal(sym_pgp_sniff((const uint8_t *)"SYM1:ABCDEF", 11),
	    SYM_PGP_NONE);
	assert_int_equal(sym_pgp_sniff(NULL, 0), SYM_PGP_NONE);
	assert_int_equal(sym_pgp_sniff(cose, 0), SYM_PGP_NONE);
}

/* ---- recipients: resolution and refusals ---- */

static void
assert_alice(const struct sym_pgp_key *k)
{
	assert_string_equal(k->fpr, alice_fpr);
	assert_string_equal(k->keyid, alice_fpr + 24);
	assert_string_equal(k->subkey_fpr, alice_sub);
	assert_string_equal(k->subkey_keyid, alice_subid);
	assert_string_equal(k->subkey_algo, "cv25519");
	assert_string_equal(k->uid, "Alice <alice@example.org>");
	assert_true(k->created > 0);
	assert_true(k->expires > (int64_t)time(NULL));
}

static void
test_resolve_file(void **state)
{
	static const char *const files[] = { "alice.pub", "alice.asc" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct sym_pgp_recipient *r = NULL;

		assert_int_equal(sym_pgp_recipient_resolve(&r, at(files[i])),
		    SYM_OK);
		assert_non_null(r);
		assert_alice(sym_pgp_recipient_key(r));
		/* Its private GnuPG home exists until it is freed. */
		assert_int_equal(entries(tmpd), 1);
		sym_pgp_recipient_free(r);
		assert_int_equal(entries(tmpd), 0);
	}
	sym_pgp_recipient_free(NULL);
}

static void
test_resolve_fingerprint(void **state)
{
	struct sym_pgp_recipient *r = NULL;
	char spaced[64], lower[FPR_LEN];
	size_t o = 0;

	(void)state;
	for (size_t i = 0; i < SYM_PGP_FPR_CHARS; i++) {
		spaced[o++] = alice_fpr[i];
		if (i % 4 == 3 && i + 1 < SYM_PGP_FPR_CHARS)
			spaced[o++] = ' ';
	}
	spaced[o] = '\0';
	for (size_t i = 0; i < FPR_LEN; i++)
		lower[i] = (char)(alice_fpr[i] >= 'A' && alice_fpr[i] <= 'F' ?
		    alice_fpr[i] - 'A' + 'a' : alice_fpr[i]);
	assert_int_equal(sym_pgp_recipient_resolve(&r, spaced), SYM_OK);
	assert_alice(sym_pgp_recipient_key(r));
	assert_int_equal(entries(tmpd), 0);     /* no temporary home */
	sym_pgp_recipient_free(r);
	assert_int_equal(sym_pgp_recipient_resolve(&r, lower), SYM_OK);
	assert_alice(sym_pgp_recipient_key(r));
	sym_pgp_recipient_free(r);
	/* Carol's secret key is gone: she is still a recipient. */
	assert_int_equal(sym_pgp_recipient_resolve(&r, carol_fpr), SYM_OK);
	assert_string_equal(sym_pgp_recipient_key(r)->subkey_keyid,
	    carol_subid);
	sym_pgp_recipient_free(r);
}

static void
expect_refusal(const char *spec, int code)
{
	struct sym_pgp_recipient *r = (struct sym_pgp_recipient *)&r;
	int ret = sym_pgp_recipient_resolve(&r, spec);

	if (ret != code)
		fail_msg("%s: got %d (%s), expected %d (%s)", spec, ret,
		    sym_strerror(ret), code, sym_strerror(code));
	assert_null(r);
	assert_int_equal(entries(tmpd), 0);     /* nothing left behind */
}

static void
test_refuse_secret_key(void **state)
{
	(void)state;
	expect_refusal(at("alice.sec"), SYM_EPGPSECRET);
	expect_refusal(at("alice-sec.asc"), SYM_EPGPSECRET);
}

static void
test_refuse_expired(void **state)
{
	(void)state;
	expect_refusal(at("old.pub"), SYM_EKEYEXPIRED);
	expect_refusal(old_fpr, SYM_EKEYEXPIRED);
	/* Dave's primary key never expires, his encryption subkey did. */
	expect_refusal(at("dave.pub"), SYM_EKEYEXPIRED);
	expect_refusal(dave_fpr, SYM_EKEYEXPIRED);
}

static void
test_refuse_revoked(void **state)
{
	(void)state;
	expect_refusal(at("rev.pub"), SYM_EKEYREVOKED);
	expect_refusal(rev_fpr, SYM_EKEYREVOKED);
}

static void
test_refuse_disabled(void **state)
{
	(void)state;
	expect_refusal(dis_fpr, SYM_EKEYDISABLED);
}

static void
test_refuse_sign_only(void **state)
{
	(void)state;
	expect_refusal(at("sig.pub"), SYM_ENOENCSUBKEY);
	expect_refusal(sig_fpr, SYM_ENOENCSUBKEY);
}

static void
test_refuse_not_a_key(void **state)
{
	(void)state;
	expect_refusal(at("notakey.txt"), SYM_ENOTPGPKEY);
	expect_refusal(at("empty"), SYM_ENOTPGPKEY);
	expect_refusal(at("to_alice.gpg"), SYM_ENOTPGPKEY);
	expect_refusal(at("data.sig"), SYM_ENOTPGPKEY);
	expect_refusal(at("two.pub"), SYM_EMANYKEYS);
	expect_refusal(at("no-such-file"), SYM_ENOENT);
	expect_refusal(gpg_base, SYM_EISDIR);
	/* Fingerprints: unknown, a subkey's, Mallory's (other keyring). */
	expect_refusal("0123456789ABCDEF0123456789ABCDEF01234567",
	    SYM_ENOPGPKEY);
	expect_refusal(alice_sub, SYM_ENOPGPKEY);
	expect_refusal(mallory_fpr, SYM_ENOPGPKEY);
}

/* ---- encryption ---- */

/* gpg in dir decrypts the file ct to exactly the plaintext. */
static void
assert_gpg_decrypts(const char *dir, const char *ct)
{
	uint8_t *got;
	size_t len;

	(void)unlink(at("gpg-out.txt"));
	must(run(GPG " --decrypt -o '%s' '%s'" QUIET, dir, at("gpg-out.txt"),
	    ct));
	got = slurp(at("gpg-out.txt"), &len);
	assert_int_equal(len, sizeof plaintext - 1);
	assert_memory_equal(got, plaintext, len);
	free(got);
	(void)unlink(at("gpg-out.txt"));
}

static void
test_encrypt_gpg_decrypts(void **state)
{
	struct sym_pgp_recipient *r = NULL;
	struct sym_pgp_keyids ids;
	uint8_t *plain, *ct = NULL;
	size_t plain_len, ct_len = 0;

	(void)state;
	plain = secret_plaintext(&plain_len);
	assert_int_equal(sym_pgp_recipient_resolve(&r, at("alice.asc")),
	    SYM_OK);

	assert_int_equal(sym_pgp_encrypt(&ct, &ct_len, plain, plain_len,
	    SYM_PGP_ARMORED, r), SYM_OK);
	assert_int_equal(sym_pgp_sniff(ct, ct_len), SYM_PGP_ARMORED);
	assert_int_equal(sym_pgp_list_recipients(&ids, ct, ct_len), SYM_OK);
	assert_int_equal(ids.count, 1);
	assert_string_equal(ids.key[0].keyid, alice_subid);
	assert_int_equal(ids.key[0].algo, 18);  /* ECDH */
	spit(at("sym-armored.asc"), ct, ct_len);
	assert_gpg_decrypts(home, at("sym-armored.asc"));
	free(ct);

	assert_int_equal(sym_pgp_encrypt(&ct, &ct_len, plain, plain_len,
	    SYM_PGP_BINARY, r), SYM_OK);
	assert_int_equal(sym_pgp_sniff(ct, ct_len), SYM_PGP_BINARY);
	spit(at("sym-binary.gpg"), ct, ct_len);
	assert_gpg_decrypts(home, at("sym-binary.gpg"));
	free(ct);

	assert_int_equal(sym_pgp_encrypt(&ct, &ct_len, plain, plain_len,
	    SYM_PGP_NONE, r), SYM_EUSAGE);
	assert_null(ct);
	assert_int_equal(ct_len, 0);
	sym_pgp_recipient_free(r);
	sym_secmem_free(plain);
}

static void
test_encrypt_key_file_leaves_keyring_alone(void **state)
{
	struct sym_pgp_recipient *r = NULL;
	uint8_t *plain, *ct = NULL;
	size_t plain_len, ct_len = 0;

	(void)state;
	plain = secret_plaintext(&plain_len);
	assert_int_equal(sym_pgp_recipient_resolve(&r, at("mallory.pub")),
	    SYM_OK);
	assert_string_equal(sym_pgp_recipient_key(r)->fpr, mallory_fpr);
	assert_string_equal(sym_pgp_recipient_key(r)->subkey_keyid,
	    mallory_subid);
	assert_int_equal(sym_pgp_encrypt(&ct, &ct_len, plain, plain_len,
	    SYM_PGP_BINARY, r), SYM_OK);
	sym_pgp_recipient_free(r);
	assert_int_equal(entries(tmpd), 0);
	/* Mallory's key did not land in the user's keyring ... */
	assert_int_not_equal(run("gpg --homedir '%s' --batch --list-keys %s"
	    QUIET, home, mallory_fpr), 0);
	/* ... and Mallory, in his own home, reads the message. */
	spit(at("to_mallory.gpg"), ct, ct_len);
	assert_gpg_decrypts(other, at("to_mallory.gpg"));
	free(ct);
	sym_secmem_free(plain);
}

static void
test_roundtrip_by_fingerprint(void **state)
{
	struct sym_pgp_recipient *r = NULL;
	struct sym_pgp_keyids to;
	uint8_t *plain, *ct = NULL, *back = NULL;
	size_t plain_len, ct_len = 0, back_len = 0;

	(void)state;
	plain = secret_plaintext(&plain_len);
	assert_int_equal(sym_pgp_recipient_resolve(&r, alice_fpr), SYM_OK);
	assert_int_equal(sym_pgp_encrypt(&ct, &ct_len, plain, plain_len,
	    SYM_PGP_BINARY, r), SYM_OK);
	assert_int_equal(sym_pgp_decrypt(&back, &back_len, &to, ct, ct_len),
	    SYM_OK);
	assert_int_equal(back_len, plain_len);
	assert_memory_equal(back, plain, plain_len);
	assert_int_equal(back[back_len], '\0');
	assert_int_equal(to.count, 1);
	assert_string_equal(to.key[0].keyid, alice_subid);
	sym_secmem_free(back);
	free(ct);
	sym_pgp_recipient_free(r);

	/* An empty plaintext too. */
	assert_int_equal(sym_pgp_recipient_resolve(&r, at("alice.pub")),
	    SYM_OK);
	assert_int_equal(sym_pgp_encrypt(&ct, &ct_len, plain, 0,
	    SYM_PGP_ARMORED, r), SYM_OK);
	assert_int_equal(sym_pgp_decrypt(&back, &back_len, NULL, ct, ct_len),
	    SYM_OK);
	assert_int_equal(back_len, 0);
	assert_int_equal(back[0], '\0');
	sym_secmem_free(back);
	free(ct);
	sym_pgp_recipient_free(r);
	sym_secmem_free(plain);
}

/* ---- decryption ---- */

static void
test_gpg_encrypts_symbolon_decrypts(void **state)
{
	static const char *const files[] = { "to_alice.gpg", "to_alice.asc",
	    "to_both.gpg" };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		uint8_t *msg, *plain = NULL;
		size_t len, plain_len = 0;
		struct sym_pgp_keyids to;

		msg = slurp(at(files[i]), &len);
		assert_int_equal(sym_pgp_decrypt(&plain, &plain_len, &to, msg,
		    len), SYM_OK);
		assert_int_equal(plain_len, sizeof plaintext - 1);
		assert_memory_equal(plain, plaintext, plain_len);
		assert_int_equal(plain[plain_len], '\0');
		assert_int_equal(to.count, i == 2 ? 2 : 1);
		sym_secmem_free(plain);
		free(msg);
	}
}

static void
test_decrypt_no_secret_key(void **state)
{
	uint8_t *msg, *plain = (uint8_t *)&msg;
	size_t len, plain_len = 99;
	struct sym_pgp_keyids to;
	struct sym_pgp_key who;

	(void)state;
	msg = slurp(at("to_carol.gpg"), &len);
	assert_int_equal(sym_pgp_decrypt(&plain, &plain_len, &to, msg, len),
	    SYM_ENOSECKEY);
	assert_null(plain);
	assert_int_equal(plain_len, 0);
	/* The caller can name the recipient. */
	assert_int_equal(to.count, 1);
	assert_string_equal(to.key[0].keyid, carol_subid);
	assert_int_equal(sym_pgp_lookup_keyid(&who, to.key[0].keyid), SYM_OK);
	assert_string_equal(who.fpr, carol_fpr);
	assert_string_equal(who.uid, "Carol <carol@example.org>");
	assert_string_equal(who.subkey_keyid, carol_subid);
	free(msg);

	/* A hidden recipient (gpg -R): gpg tries every secret key. */
	msg = slurp(at("hidden.gpg"), &len);
	assert_int_equal(sym_pgp_decrypt(&plain, &plain_len, &to, msg, len),
	    SYM_ENOSECKEY);
	assert_int_equal(to.count, 1);
	assert_string_equal(to.key[0].keyid, "0000000000000000");
	free(msg);
}

static void
expect_decrypt(const uint8_t *msg, size_t len, int code, const char *what)
{
	uint8_t *plain = (uint8_t *)&plain;
	size_t plain_len = 99;
	int ret = sym_pgp_decrypt(&plain, &plain_len, NULL, msg, len);

	if (ret != code)
		fail_msg("%s: got %d (%s), expected %d (%s)", what, ret,
		    sym_strerror(ret), code, sym_strerror(code));
	assert_null(plain);
	assert_int_equal(plain_len, 0);
}

static void
test_decrypt_corrupt(void **state)
{
	uint8_t *msg, *copy;
	size_t len;
	char *crc;

	(void)state;
	msg = slurp(at("to_alice.gpg"), &len);
	copy = malloc(len);
	assert_non_null(copy);

	/* A flipped bit in the encrypted data (the integrity check). */
	memcpy(copy, msg, len);
	copy[len - 5] ^= 0x01;
	expect_decrypt(copy, len, SYM_EPGPCORRUPT, "flipped data");
	/* In the session key packet (the ephemeral ECDH key). */
	memcpy(copy, msg, len);
	copy[20] ^= 0x40;
	expect_decrypt(copy, len, SYM_EPGPCORRUPT, "flipped session key");
	/* Cut short. */
	expect_decrypt(msg, len - 10, SYM_EPGPCORRUPT, "truncated");
	expect_decrypt(msg, 120, SYM_EPGPCORRUPT, "truncated early");
	free(copy);
	free(msg);

	/* Armour with a wrong checksum. */
	msg = slurp(at("to_alice.asc"), &len);
	msg[len] = '\0';
	crc = strstr((char *)msg, "\n=");
	assert_non_null(crc);
	crc[2] = crc[2] == 'A' ? 'B' : 'A';
	expect_decrypt(msg, len, SYM_EPGPCORRUPT, "armour checksum");
	free(msg);

	/* Not messages at all. */
	msg = slurp(at("alice.pub"), &len);
	expect_decrypt(msg, len, SYM_ENOTPGPMSG, "a public key");
	free(msg);
	msg = slurp(at("data.sig"), &len);
	expect_decrypt(msg, len, SYM_ENOTPGPMSG, "a signature");
	free(msg);
	expect_decrypt((const uint8_t *)plaintext, sizeof plaintext - 1,
	    SYM_ENOTPGPMSG, "text");
	expect_decrypt((const uint8_t *)"", 0, SYM_ENOTPGPMSG, "nothing");
}

/* A socket file at gpg-agent's place that nobody listens on. */
static int
dead_socket(char *path, size_t cap)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	FILE *f = popen("gpgconf --list-dirs agent-socket", "r");
	int fd, ok;

	if (f == NULL)
		return -1;
	ok = fgets(path, (int)cap, f) != NULL;
	if (pclose(f) != 0 || !ok)
		return -1;
	path[strcspn(path, "\n")] = '\0';
	if (strlen(path) >= sizeof sa.sun_path)
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return -1;
	ok = bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	close(fd);
	return ok ? 0 : -1;
}

/* The child half of test_decrypt_no_agent: with the keyring of GNUPGHOME
 * (set by the parent), no agent answers, with no socket nor with a dead
 * one, and decrypting path gives SYM_ENOAGENT (exit 0). */
static int
no_agent_child(const char *path)
{
	uint8_t *msg, *plain = NULL;
	size_t len, plain_len;
	char sock[512];
	FILE *f = fopen(path, "rb");
	int ret;

	if (sym_secmem_init() != SYM_OK || f == NULL)
		return 90;
	if (sym_pgp_agent_reachable() != 0)
		return 80;
	if (dead_socket(sock, sizeof sock) != 0)
		return 81;
	ret = sym_pgp_agent_reachable();
	msg = malloc(SYM_PGP_MESSAGE_MAX);
	if (ret != 0 || msg == NULL) {
		unlink(sock);
		return ret != 0 ? 82 : 91;
	}
	len = fread(msg, 1, SYM_PGP_MESSAGE_MAX, f);
	fclose(f);
	ret = sym_pgp_decrypt(&plain, &plain_len, NULL, msg, len);
	unlink(sock);
	free(msg);
	sym_secmem_free(plain);
	return ret == SYM_ENOAGENT ? 0 : -ret;
}

static void
test_decrypt_no_agent(void **state)
{
	char self[4096];
	ssize_t n;
	pid_t pid;
	int status;

	(void)state;
	/* A new process: GPGME caches the agent's socket per process. */
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	assert_true(n > 0);
	self[n] = '\0';
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("GNUPGHOME", noagent, 1);
		execl(self, self, "--no-agent-child", at("to_alice.gpg"),
		    (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	switch (WEXITSTATUS(status)) {
	case 0:
		break;
	case 80:
	case 82:
		fail_msg("child: an agent is reachable (%s socket)",
		    WEXITSTATUS(status) == 80 ? "no" : "a dead");
		break;
	case 81:
	case 90:
	case 91:
		fail_msg("child could not start (%d)", WEXITSTATUS(status));
		break;
	default:
		fail_msg("child got %d (%s), expected SYM_ENOAGENT",
		    -WEXITSTATUS(status), sym_strerror(-WEXITSTATUS(status)));
	}
	/* This process's agent (home's) answers. */
	assert_int_equal(sym_pgp_agent_reachable(), 1);
}

/* ---- the secret half, decryption with a pinentry mode ---- */

static void
test_secret_present(void **state)
{
	char lower[FPR_LEN];

	(void)state;
	assert_int_equal(sym_pgp_secret_present(alice_fpr), 1);
	assert_int_equal(sym_pgp_secret_present(pat_fpr), 1);
	for (size_t i = 0; i < FPR_LEN; i++)
		lower[i] = (char)((alice_fpr[i] >= 'A' && alice_fpr[i] <= 'F') ?
		    alice_fpr[i] - 'A' + 'a' : alice_fpr[i]);
	assert_int_equal(sym_pgp_secret_present(lower), 1);
	/* Secret deleted; sign-only; in another keyring; no such key. */
	assert_int_equal(sym_pgp_secret_present(carol_fpr), 0);
	assert_int_equal(sym_pgp_secret_present(sig_fpr), 0);
	assert_int_equal(sym_pgp_secret_present(mallory_fpr), 0);
	assert_int_equal(sym_pgp_secret_present(
	    "0123456789ABCDEF0123456789ABCDEF01234567"), 0);
}

/* A loopback PIN callback: answers pins[call] (NULL: cancel) and
 * records what gpg-agent told it. */
struct pin_script {
	const char *pins[3];
	int calls, told_bad;
};

static int
scripted_pin(void *arg, char *pin, size_t cap, size_t *pin_len, int prev_bad)
{
	struct pin_script *p = arg;
	const char *answer = p->calls < 3 ? p->pins[p->calls] : NULL;

	p->calls++;
	p->told_bad += prev_bad;
	assert_true(cap > SYM_PGP_PIN_MAX);
	if (answer == NULL)
		return SYM_ECANCELED;
	*pin_len = strlen(answer);
	memcpy(pin, answer, *pin_len);
	return SYM_OK;
}

/* Decrypts file with mode (and script); v's status; the plaintext must
 * be the test's when it is SYM_OK, and nothing else is left. */
static int
decrypt_pin_file(const char *file, size_t cap, enum sym_pgp_pinentry mode,
    struct pin_script *script)
{
	uint8_t *msg, *plain = sym_secmem_alloc(cap + 1);
	size_t len, plain_len = 99;
	struct sym_pgp_verdict v;

	assert_non_null(plain);
	msg = slurp(at(file), &len);
	assert_int_equal(sym_pgp_decrypt_pin(plain, &plain_len, cap, &v, msg,
	    len, mode, script ? scripted_pin : NULL, script), SYM_OK);
	if (v.status == SYM_OK) {
		assert_int_equal(plain_len, sizeof plaintext - 1);
		assert_memory_equal(plain, plaintext, plain_len);
		assert_string_equal(v.detail, "");
	} else {
		assert_int_equal(plain_len, 0);
		for (size_t i = 0; i < cap; i++)
			assert_int_equal(plain[i], 0);
		assert_true(v.detail[0] != '\0');
	}
	sym_secmem_free(plain);
	free(msg);
	return v.status;
}

static void
forget_passphrases(void)
{
	must(run("GNUPGHOME='%s' gpgconf --reload gpg-agent" QUIET, home));
}

static void
test_decrypt_pin(void **state)
{
	struct pin_script none = { { NULL }, 0, 0 };
	struct pin_script right = { { "pw" }, 0, 0 };
	struct pin_script wrong = { { "wrong", NULL }, 0, 0 };
	struct pin_script again = { { "wrong", "pw" }, 0, 0 };
	uint8_t buf[64];
	size_t len = 99;
	struct sym_pgp_verdict v;
	int st;

	(void)state;
	/* A key without a passphrase: the callback is never asked. */
	assert_int_equal(decrypt_pin_file("to_alice.gpg", 64,
	    SYM_PGP_PINENTRY_LOOPBACK, &none), SYM_OK);
	assert_int_equal(none.calls, 0);
	assert_int_equal(decrypt_pin_file("to_alice.asc", 64,
	    SYM_PGP_PINENTRY_ERROR, NULL), SYM_OK);
	/* More plaintext than room: refused, nothing kept. */
	assert_int_not_equal(decrypt_pin_file("to_alice.gpg", 8,
	    SYM_PGP_PINENTRY_LOOPBACK, &none), SYM_OK);
	/* No secret key; the agent is there (so it is not "no agent"). */
	assert_int_equal(decrypt_pin_file("to_carol.gpg", 64,
	    SYM_PGP_PINENTRY_LOOPBACK, &none), SYM_ENOSECKEY);
	assert_int_equal(sym_pgp_agent_reachable(), 1);
	/* A passphrase and no pinentry: refused, not asked. */
	forget_passphrases();
	assert_int_equal(decrypt_pin_file("to_pat.gpg", 64,
	    SYM_PGP_PINENTRY_ERROR, NULL), SYM_ENOTTY);
	/* A wrong one: refused, and a callback asked again is told so. */
	st = decrypt_pin_file("to_pat.gpg", 64, SYM_PGP_PINENTRY_LOOPBACK,
	    &wrong);
	assert_true(st == SYM_EBADPIN || (st == SYM_ECANCELED &&
	    wrong.told_bad == 1 && wrong.calls == 2));
	/* Told it was bad, the right one works. */
	st = decrypt_pin_file("to_pat.gpg", 64, SYM_PGP_PINENTRY_LOOPBACK,
	    &again);
	assert_true(st == SYM_OK || st == SYM_EBADPIN);
	assert_int_equal(again.told_bad, again.calls - 1);
	forget_passphrases();
	assert_int_equal(decrypt_pin_file("to_pat.gpg", 64,
	    SYM_PGP_PINENTRY_LOOPBACK, &right), SYM_OK);
	assert_int_equal(right.calls, 1);
	assert_int_equal(right.told_bad, 0);
	forget_passphrases();
	/* Loopback needs a callback; a mode must be one of the three. */
	assert_int_equal(sym_pgp_decrypt_pin(buf, &len, sizeof buf, &v,
	    (const uint8_t *)"x", 1, SYM_PGP_PINENTRY_LOOPBACK, NULL, NULL),
	    SYM_EUSAGE);
	assert_int_equal(len, 0);
	assert_int_equal(sym_pgp_decrypt_pin(buf, &len, sizeof buf, &v,
	    (const uint8_t *)"x", 1, (enum sym_pgp_pinentry)7, NULL, NULL),
	    SYM_EUSAGE);
}

/* ---- listing recipients ---- */

static void
test_list_recipients(void **state)
{
	struct sym_pgp_keyids ids;
	uint8_t *msg;
	size_t len;
	int seen_alice = 0, seen_carol = 0;

	(void)state;
	msg = slurp(at("to_alice.asc"), &len);
	assert_int_equal(sym_pgp_list_recipients(&ids, msg, len), SYM_OK);
	assert_int_equal(ids.count, 1);
	assert_int_equal(ids.passphrases, 0);
	assert_int_equal(ids.more, 0);
	assert_string_equal(ids.key[0].keyid, alice_subid);
	free(msg);

	msg = slurp(at("to_both.gpg"), &len);
	assert_int_equal(sym_pgp_list_recipients(&ids, msg, len), SYM_OK);
	assert_int_equal(ids.count, 2);
	for (size_t i = 0; i < 2; i++) {
		seen_alice |= strcmp(ids.key[i].keyid, alice_subid) == 0;
		seen_carol |= strcmp(ids.key[i].keyid, carol_subid) == 0;
	}
	assert_true(seen_alice && seen_carol);
	/* Cut inside the second session key packet. */
	assert_int_equal(sym_pgp_list_recipients(&ids, msg, 100),
	    SYM_EPGPCORRUPT);
	assert_int_equal(ids.count, 0);
	free(msg);

	msg = slurp(at("sym.gpg"), &len);
	assert_int_equal(sym_pgp_list_recipients(&ids, msg, len), SYM_OK);
	assert_int_equal(ids.count, 0);
	assert_int_equal(ids.passphrases, 1);
	free(msg);

	msg = slurp(at("alice.pub"), &len);
	assert_int_equal(sym_pgp_list_recipients(&ids, msg, len),
	    SYM_ENOTPGPMSG);
	free(msg);
	msg = slurp(at("data.asc"), &len);
	assert_int_equal(sym_pgp_list_recipients(&ids, msg, len),
	    SYM_ENOTPGPMSG);
	free(msg);
}

static void
test_lookup_keyid(void **state)
{
	struct sym_pgp_key k;

	(void)state;
	assert_int_equal(sym_pgp_lookup_keyid(&k, alice_subid), SYM_OK);
	assert_string_equal(k.fpr, alice_fpr);
	assert_string_equal(k.subkey_fpr, alice_sub);
	/* A primary key id matches too. */
	assert_int_equal(sym_pgp_lookup_keyid(&k, alice_fpr + 24), SYM_OK);
	assert_string_equal(k.fpr, alice_fpr);
	assert_string_equal(k.subkey_keyid, alice_fpr + 24);
	assert_int_equal(sym_pgp_lookup_keyid(&k, mallory_subid),
	    SYM_ENOPGPKEY);
	assert_int_equal(sym_pgp_lookup_keyid(&k, "0000000000000000"),
	    SYM_ENOPGPKEY);
	assert_int_equal(sym_pgp_lookup_keyid(&k, "12345"), SYM_EFORMAT);
	assert_int_equal(sym_pgp_lookup_keyid(&k, "ZZZZZZZZZZZZZZZZ"),
	    SYM_EFORMAT);
}

/* ---- detached signatures ---- */

static int
verify_file(struct sym_pgp_signatures *out, const char *sig_name,
    const char *data_name)
{
	uint8_t *sig, *data;
	size_t sig_len, data_len;
	int ret;

	sig = slurp(at(sig_name), &sig_len);
	data = slurp(at(data_name), &data_len);
	ret = sym_pgp_verify_detached(out, sig, sig_len, data, data_len);
	free(sig);
	free(data);
	return ret;
}

static void
test_verify_good(void **state)
{
	static const char *const sigs[] = { "data.sig", "data.asc" };
	struct sym_pgp_signatures out;
	uint8_t *sig;
	size_t sig_len;
	int fd;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(verify_file(&out, sigs[i], "data.bin"),
		    SYM_OK);
		assert_int_equal(out.count, 1);
		assert_int_equal(out.sig[0].status, SYM_OK);
		assert_string_equal(out.sig[0].fpr, alice_fpr);
		assert_string_equal(out.sig[0].signing_fpr, alice_fpr);
		assert_string_equal(out.sig[0].uid,
		    "Alice <alice@example.org>");
		/* Alice's own key, ultimately trusted in her keyring: GPGME
		 * reports gpg's TRUST_ULTIMATE as full. */
		assert_int_equal(out.sig[0].validity, SYM_PGP_VALIDITY_FULL);
		assert_string_equal(sym_pgp_validity_name(out.sig[0].validity),
		    "full");
		assert_true(out.sig[0].created > 0);
	}
	/* The signed bytes from a file descriptor. */
	sig = slurp(at("data.sig"), &sig_len);
	fd = open(at("data.bin"), O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(sym_pgp_verify_detached_fd(&out, sig, sig_len, fd),
	    SYM_OK);
	assert_string_equal(out.sig[0].fpr, alice_fpr);
	close(fd);
	free(sig);

	/* Two signers in one file, both good. */
	assert_int_equal(verify_file(&out, "two.sig", "data.bin"), SYM_OK);
	assert_int_equal(out.count, 2);
	assert_string_equal(out.sig[0].fpr, alice_fpr);
	assert_string_equal(out.sig[1].fpr, sig_fpr);
}

static void
test_verify_bad(void **state)
{
	struct sym_pgp_signatures out;
	uint8_t *sig, *data;
	size_t sig_len, data_len;

	(void)state;
	/* The wrong file. */
	assert_int_equal(verify_file(&out, "data.sig", "other.bin"),
	    SYM_EBADSIG);
	assert_int_equal(out.count, 1);
	assert_int_equal(out.sig[0].status, SYM_EBADSIG);
	assert_int_equal(verify_file(&out, "data.asc", "other.bin"),
	    SYM_EBADSIG);
	/* One changed byte of the data, then of the signature value. */
	sig = slurp(at("data.sig"), &sig_len);
	data = slurp(at("data.bin"), &data_len);
	data[3] ^= 0x20;
	assert_int_equal(sym_pgp_verify_detached(&out, sig, sig_len, data,
	    data_len), SYM_EBADSIG);
	data[3] ^= 0x20;
	sig[sig_len - 3] ^= 0x01;
	assert_int_equal(sym_pgp_verify_detached(&out, sig, sig_len, data,
	    data_len), SYM_EBADSIG);
	free(sig);
	free(data);
}

static void
test_verify_key_problems(void **state)
{
	struct sym_pgp_signatures out;

	(void)state;
	/* Mallory is not in the keyring: named by fingerprint only. */
	assert_int_equal(verify_file(&out, "mallory.sig", "data.bin"),
	    SYM_ENOPUBKEY);
	assert_int_equal(out.count, 1);
	assert_string_equal(out.sig[0].signing_fpr, mallory_fpr);
	assert_string_equal(out.sig[0].fpr, "");
	assert_string_equal(out.sig[0].uid, "");
	/* One good and one unknown signer: not good. */
	assert_int_equal(verify_file(&out, "mixed.sig", "data.bin"),
	    SYM_ENOPUBKEY);
	assert_int_equal(out.count, 2);
	assert_int_equal(out.sig[0].status, SYM_OK);
	assert_int_equal(out.sig[1].status, SYM_ENOPUBKEY);
	/* Made while the keys were good; one expired, one was revoked. */
	assert_int_equal(verify_file(&out, "old.sig", "data.bin"),
	    SYM_EKEYEXPIRED);
	assert_string_equal(out.sig[0].fpr, old_fpr);
	assert_int_equal(verify_file(&out, "rev.sig", "data.bin"),
	    SYM_EKEYREVOKED);
	assert_string_equal(out.sig[0].fpr, rev_fpr);
}

static void
test_verify_not_a_signature(void **state)
{
	struct sym_pgp_signatures out;

	(void)state;
	assert_int_equal(verify_file(&out, "to_alice.gpg", "data.bin"),
	    SYM_ENOTPGPSIG);
	assert_int_equal(verify_file(&out, "alice.pub", "data.bin"),
	    SYM_ENOTPGPSIG);
	assert_int_equal(verify_file(&out, "plain.txt", "data.bin"),
	    SYM_ENOTPGPSIG);
	assert_int_equal(verify_file(&out, "empty", "data.bin"),
	    SYM_ENOTPGPSIG);
	assert_int_equal(out.count, 0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_twice),
		cmocka_unit_test(test_parse_fingerprint),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_resolve_file),
		cmocka_unit_test(test_resolve_fingerprint),
		cmocka_unit_test(test_refuse_secret_key),
		cmocka_unit_test(test_refuse_expired),
		cmocka_unit_test(test_refuse_revoked),
		cmocka_unit_test(test_refuse_disabled),
		cmocka_unit_test(test_refuse_sign_only),
		cmocka_unit_test(test_refuse_not_a_key),
		cmocka_unit_test(test_encrypt_gpg_decrypts),
		cmocka_unit_test(test_encrypt_key_file_leaves_keyring_alone),
		cmocka_unit_test(test_roundtrip_by_fingerprint),
		cmocka_unit_test(test_gpg_encrypts_symbolon_decrypts),
		cmocka_unit_test(test_decrypt_no_secret_key),
		cmocka_unit_test(test_decrypt_corrupt),
		cmocka_unit_test(test_decrypt_no_agent),
		cmocka_unit_test(test_secret_present),
		cmocka_unit_test(test_decrypt_pin),
		cmocka_unit_test(test_list_recipients),
		cmocka_unit_test(test_lookup_keyid),
		cmocka_unit_test(test_verify_good),
		cmocka_unit_test(test_verify_bad),
		cmocka_unit_test(test_verify_key_problems),
		cmocka_unit_test(test_verify_not_a_signature),
	};

	if (argc == 3 && strcmp(argv[1], "--no-agent-child") == 0)
		return no_agent_child(argv[2]);
	return cmocka_run_group_tests_name("pgp", tests, group_setup,
	    group_teardown);
}
