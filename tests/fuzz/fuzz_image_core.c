/*
 * libFuzzer target: an image header's core, as sym_image_core_parse reads
 * it (the seal records of every image and the device seals and recovery
 * key of an auto-sealed one, image_seal.c, among the other fields).
 *
 * A signature over random bytes never verifies, so the input is taken as
 * the core's payload and signed here with a fixed key (the signer field,
 * where every payload has it, becomes that key).  Whatever the parser
 * accepts must satisfy the rules of the core (an auto seal has devices
 * and recovery shares, a Shamir one neither) and re-encode to exactly the
 * same payload: the parser accepts one encoding of each value and nothing
 * the encoder would not write.
 *
 * Seed corpus: tests/fuzz/corpus/image_core/ (the payloads of a Shamir
 * image and of a PKCS#11-sealed one).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/bundle.h"
#include "symbolon/secmem.h"

#include "../../lib/image_core.h"

#include "fuzz_signer.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAYLOAD_MAX (256u * 1024u)


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_signer_init(0x5a);
	return 0;
}

/* The rules the parser must have enforced on what it accepted. */
static void
check_rules(const struct sym_image_info *info)
{
	CHECK(info->device_count <= SYM_IMAGE_MAX_DEVICES);
	if (info->seal.type == SYM_SEAL_AUTO) {
		CHECK(info->device_count >= 1 && info->recovery_seal);
		CHECK(info->seal.shares == 1 && info->seal.threshold == 1);
		CHECK(!info->verification_pending);
	} else {
		CHECK(info->seal.type == SYM_SEAL_SHAMIR);
		CHECK(info->device_count == 0 && !info->recovery_seal &&
		    !info->recovery_pending);
		CHECK(info->seal.threshold >= 2 &&
		    info->seal.threshold <= info->seal.shares);
	}
	for (size_t i = 0; i < info->device_count; i++) {
		const struct sym_image_device *d = &info->devices[i];

		CHECK(d->name[0] != '\0' && d->type[0] != '\0');
		CHECK(d->wrapped_len >= 1 && d->wrapped_len <= SYM_SEAL_WRAPPED_MAX);
		CHECK(d->params.count <= SYM_SEAL_PARAMS_MAX);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(info->devices[j].name, d->name) != 0);
	}
	if (info->recovery_pending)
		CHECK(info->pending_recovery.generation >
		    info->recovery.generation);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sym_image probe;
	uint8_t *payload, *core = NULL, *again = NULL;
	size_t core_len = 0, again_len = 0;

	if (size == 0 || size > PAYLOAD_MAX)
		return 0;
	payload = malloc(size);
	CHECK(payload != NULL);
	memcpy(payload, data, size);
	fuzz_signer_place(payload, size);
	if (sym_bundle_sign(&core, &core_len, payload, size, secret_key) !=
	    SYM_OK) {
		free(payload);
		return 0;
	}
	memset(&probe, 0, sizeof probe);
	if (sym_image_core_parse(&probe, core, core_len) == SYM_OK) {
		check_rules(&probe.info);
		CHECK(memcmp(probe.info.identity, public_key,
		    sizeof public_key) == 0);
		CHECK(sym_image_core_encode(&again, &again_len, &probe) ==
		    SYM_OK);
		CHECK(again_len == size && memcmp(again, payload, size) == 0);
		free(again);
	}
	sym_image_core_probe_free(&probe);
	sym_secmem_free(core);
	free(payload);
	return 0;
}
