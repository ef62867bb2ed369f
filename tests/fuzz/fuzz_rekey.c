/*
 * libFuzzer target: the pending rekey bundle, as sym_rekey_parse reads it
 * (rekey_bundle.h: the Shamir rekey, the barrier of an auto seal with no
 * shares, the recovery target).
 *
 * A signature over random bytes never verifies, so the input is taken as
 * the bundle's payload and signed here with a fixed key (the signer
 * field, where the payload has it, becomes that key).  Whatever the
 * parser accepts must keep the rules of a rekey: a barrier of an auto
 * seal has no shares, nothing to verify, back up or write; every other
 * has 2 <= t <= n shares and a directory; the target is one of two.
 *
 * Seed corpus: tests/fuzz/corpus/rekey/ (a Shamir rekey with holders,
 * an auto seal's barrier rekey, a recovery rekey with --backup).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/bundle.h"
#include "symbolon/rekey_bundle.h"
#include "symbolon/secmem.h"

#include "fuzz_signer.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAYLOAD_MAX (64u * 1024u)

static struct sym_rekey r;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_signer_init(0x3c);
	return 0;
}

static void
check_rules(const struct sym_rekey *k)
{
	CHECK(k->target == SYM_REKEY_BARRIER ||
	    k->target == SYM_REKEY_RECOVERY);
	CHECK(memcmp(k->signer, public_key, sizeof public_key) == 0);
	if (k->shares == 0) {
		CHECK(k->threshold == 0 && k->target == SYM_REKEY_BARRIER);
		CHECK(!k->verify && !k->backup && k->out_dir[0] == '\0');
		return;
	}
	CHECK(k->threshold >= 2 && k->threshold <= k->shares);
	CHECK(k->shares <= SYM_SHAMIR_MAX_SHARES);
	CHECK(k->out_dir[0] != '\0' &&
	    memchr(k->out_dir, '\0', sizeof k->out_dir) != NULL);
	for (unsigned i = 0; i < k->shares; i++)
		CHECK(k->pgp_key[i] == NULL || (k->pgp_key_len[i] >= 1 &&
		    k->pgp_key_len[i] <= SYM_PGP_KEYFILE_MAX));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *payload, *bundle = NULL;
	size_t len = 0;

	if (size == 0 || size > PAYLOAD_MAX)
		return 0;
	payload = malloc(size);
	CHECK(payload != NULL);
	memcpy(payload, data, size);
	fuzz_signer_place(payload, size);
	if (sym_bundle_sign(&bundle, &len, payload, size, secret_key) ==
	    SYM_OK && sym_rekey_parse(&r, bundle, len) == SYM_OK)
		check_rules(&r);
	sym_secmem_free(bundle);
	free(payload);
	return 0;
}
