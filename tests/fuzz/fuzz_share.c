/*
 * libFuzzer target: the typed parsers on arbitrary bytes.
 *
 *  1. As a signed bundle: sym_share_parse and sym_manifest_parse (and
 *     sym_identity_parse_public), directly, with no decoding first.
 *  2. As a key file: sym_identity_secret_protected and, with no
 *     passphrase, sym_identity_parse_secret.  They agree; a protected key
 *     is refused with SYM_EDECRYPT (no Argon2id run); a clear key that
 *     opens exports back to exactly the same bytes.
 *  3. As a payload: a signature over random bytes never verifies, so to
 *     reach the field parsers the bytes are signed here with a fixed key
 *     (the signer field, when it sits where every bundle has it, becomes
 *     that key), then parsed as each type.  Whatever a parser accepts must
 *     re-encode to exactly the same bundle (Ed25519 is deterministic): the
 *     parsers accept one encoding of each value and nothing the encoders
 *     would not write.  A share sealed to an identity is opened with a
 *     fixed identity (which fails, but must fail cleanly).
 *
 * Seed corpus: tests/fuzz/corpus/share/ (real bundles, key files with and
 * without passphrase, bundle payloads, and near misses).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/bundle.h"
#include "symbolon/identity.h"
#include "symbolon/manifest.h"
#include "symbolon/secmem.h"
#include "symbolon/share.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* Where the signer's key sits in every payload: map head, 01 type,
 * 02 version, then 03 58 20 and the 32 bytes. */
#define SIGNER_KEY_AT 5u
#define SIGNER_AT (SIGNER_KEY_AT + 3u)

static uint8_t public_key[SYM_SIGN_PUBLICKEY_BYTES];
static uint8_t secret_key[SYM_SIGN_SECRETKEY_BYTES];
static struct sym_identity_secret *holder;
static struct sym_manifest *manifest;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t seed[32];

	(void)argc;
	(void)argv;
	CHECK(sym_secmem_init() == SYM_OK);
	memset(seed, 0xa5, sizeof seed);
	CHECK(crypto_sign_seed_keypair(public_key, secret_key, seed) == 0);
	CHECK(sym_identity_generate(&holder, "fuzz holder", 0) == SYM_OK);
	manifest = calloc(1, sizeof *manifest);
	CHECK(manifest != NULL);
	return 0;
}

static void
parse_share(const uint8_t *data, size_t size)
{
	struct sym_share *share = (struct sym_share *)1;
	int rc = sym_share_parse(&share, data, size);

	if (rc != SYM_OK) {
		CHECK(share == NULL);
		return;
	}
	CHECK(share->index >= 1 && share->index <= share->count);
	CHECK(share->threshold >= 2 && share->threshold <= share->count);
	CHECK((share->raw != NULL) == (share->protection == SYM_SHARE_CLEAR));
	sym_share_free(share);
}

static void
parse_key_file(const uint8_t *data, size_t size)
{
	struct sym_identity_secret *id = (struct sym_identity_secret *)1;
	uint8_t *again = NULL;
	size_t again_len = 0;
	int protected, rc;

	protected = sym_identity_secret_protected(data, size);
	CHECK(protected == 0 || protected == 1 || protected < 0);
	rc = sym_identity_parse_secret(&id, data, size, NULL, 0);
	if (protected < 0) {
		CHECK(rc == protected && id == NULL);
		return;
	}
	if (protected == 1) {
		CHECK(rc == SYM_EDECRYPT && id == NULL);
		return;
	}
	if (rc != SYM_OK) {
		/* Only a key whose seed does not give its public key. */
		CHECK(rc == SYM_EKID && id == NULL);
		return;
	}
	CHECK(sym_identity_check_name(id->pub.name) == SYM_OK);
	CHECK(sym_identity_export_secret(&again, &again_len, id, NULL, 0) ==
	    SYM_OK);
	CHECK(again_len == size && memcmp(again, data, size) == 0);
	sym_secmem_free(again);
	sym_identity_secret_free(id);
}

/* Re-encodes a share parsed from bundle and compares. */
static void
share_round_trip(const struct sym_share *s, const uint8_t *bundle, size_t len)
{
	struct sym_share_spec spec = {
		.signer_secret = secret_key,
		.set_id = s->set_id,
		.generation = s->generation,
		.threshold = s->threshold,
		.count = s->count,
		.index = s->index,
		.holder = s->holder[0] ? s->holder : NULL,
		.manifest_hash = s->manifest_hash,
		.salt = s->salt,
		.secret_commitment = s->secret_commitment,
		.raw = s->raw,
		.raw_len = s->raw_len,
		.protection = SYM_SHARE_CLEAR,
	};
	uint8_t *again = NULL;
	size_t again_len = 0;

	CHECK(sym_share_encode(&again, &again_len, &spec) == SYM_OK);
	CHECK(again_len == len && memcmp(again, bundle, len) == 0);
	sym_secmem_free(again);
}

static void
signed_payload(const uint8_t *data, size_t size)
{
	struct sym_identity_secret *id;
	struct sym_identity pub;
	struct sym_share *share = NULL;
	uint8_t *payload, *bundle = NULL, *again = NULL;
	size_t bundle_len = 0, again_len = 0;
	int rc, accepted = 0;

	if (size == 0 || sym_cbor_check_canonical(data, size, NULL) != SYM_OK)
		return;
	payload = malloc(size);
	CHECK(payload != NULL);
	memcpy(payload, data, size);
	if (size >= SIGNER_AT + SYM_SIGN_PUBLICKEY_BYTES &&
	    memcmp(payload + SIGNER_KEY_AT, "\x03\x58\x20", 3) == 0)
		memcpy(payload + SIGNER_AT, public_key, sizeof public_key);
	rc = sym_bundle_sign(&bundle, &bundle_len, payload, size, secret_key);
	free(payload);
	if (rc != SYM_OK) {
		CHECK(rc == SYM_ETOOBIG);
		return;
	}

	if (sym_identity_parse_public(&pub, bundle, bundle_len) == SYM_OK) {
		accepted++;
		id = sym_secmem_alloc(sizeof *id);
		CHECK(id != NULL);
		memcpy(id->sign_secret, secret_key, sizeof id->sign_secret);
		id->pub = pub;
		CHECK(sym_identity_export_public(&again, &again_len, id) ==
		    SYM_OK);
		CHECK(again_len == bundle_len &&
		    memcmp(again, bundle, bundle_len) == 0);
		sym_secmem_free(again);
		sym_secmem_free(id);
	}

	if (sym_share_parse(&share, bundle, bundle_len) == SYM_OK) {
		accepted++;
		if (share->protection == SYM_SHARE_CLEAR) {
			share_round_trip(share, bundle, bundle_len);
		} else if (share->protection == SYM_SHARE_TO_IDENTITY) {
			CHECK(share->ciphertext_len > SYM_SEAL_OVERHEAD);
			rc = sym_share_unseal_identity(share, holder);
			CHECK(rc == SYM_EDECRYPT && share->raw == NULL);
		} else {
			CHECK(share->protection == SYM_SHARE_PASSPHRASE);
			CHECK(share->ciphertext_len > SYM_PASSPHRASE_TAG_BYTES);
		}
		sym_share_free(share);
	}

	if (sym_manifest_parse(manifest, bundle, bundle_len) == SYM_OK) {
		accepted++;
		CHECK(sym_manifest_encode(&again, &again_len, manifest,
		    secret_key) == SYM_OK);
		CHECK(again_len == bundle_len &&
		    memcmp(again, bundle, bundle_len) == 0);
		sym_secmem_free(again);
	}
	CHECK(accepted <= 1);
	sym_secmem_free(bundle);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sym_identity id;
	int accepted = 0;

	parse_share(data, size);
	if (sym_manifest_parse(manifest, data, size) == SYM_OK) {
		CHECK(manifest->threshold >= 2 &&
		    manifest->threshold <= manifest->count);
		accepted++;
	}
	if (sym_identity_parse_public(&id, data, size) == SYM_OK)
		accepted++;
	CHECK(accepted <= 1);
	parse_key_file(data, size);
	signed_payload(data, size);
	return 0;
}
