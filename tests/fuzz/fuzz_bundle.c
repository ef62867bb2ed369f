/*
 * libFuzzer target: arbitrary input as a bundle file, the way every
 * program reads one: sym_bundle_decode (either form), sym_bundle_open with
 * SYM_BUNDLE_ANY, then each typed parser (identity, share, manifest).
 * Besides the sanitizers, it checks that the layers agree:
 *
 *  - decode accepts only what sniff calls a bundle, refuses with an
 *    offset inside the input, and leaves nothing behind when it refuses;
 *  - a decoded text bundle armors back to the same text (base45 has one
 *    encoding per byte string), and a binary one is returned as it is;
 *  - open's error offset lies inside the bytes; a bundle it opens has
 *    type 1..9 and version 1, and at most the typed parser of that type
 *    accepts it, none of the others;
 *  - what a typed parser accepts, open accepts with that type.
 *
 * Seed corpus: tests/fuzz/corpus/bundle/ (real identity, share and
 * manifest bundles in both forms, key files, and near misses).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "symbolon/bundle.h"
#include "symbolon/identity.h"
#include "symbolon/manifest.h"
#include "symbolon/secmem.h"
#include "symbolon/share.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static struct sym_manifest *manifest;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	CHECK(sym_secmem_init() == SYM_OK);
	/* Large (255 entries): allocated once. */
	manifest = calloc(1, sizeof *manifest);
	CHECK(manifest != NULL);
	return 0;
}

static int
is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The text between surrounding white space. */
static void
trimmed(const uint8_t *data, size_t size, const uint8_t **text, size_t *len)
{
	while (size > 0 && is_space(data[0])) {
		data++;
		size--;
	}
	while (size > 0 && is_space(data[size - 1]))
		size--;
	*text = data;
	*len = size;
}

static void
check_decoded_form(const uint8_t *data, size_t size, const uint8_t *bytes,
    size_t len)
{
	const uint8_t *text;
	size_t text_len, armored_len = 0;
	char *armored = NULL;

	if (data[0] == 0xd2) {
		CHECK(len == size && memcmp(bytes, data, size) == 0);
		return;
	}
	trimmed(data, size, &text, &text_len);
	CHECK(sym_bundle_armor(&armored, &armored_len, bytes, len) == SYM_OK);
	CHECK(armored_len == text_len && memcmp(armored, text, text_len) == 0);
	sym_secmem_free(armored);
}

static void
check_typed(const uint8_t *bytes, size_t len, int open_rc, unsigned type)
{
	struct sym_identity id;
	struct sym_share *share = NULL;
	int rc;

	rc = sym_identity_parse_public(&id, bytes, len);
	if (rc == SYM_OK) {
		CHECK(open_rc == SYM_OK && type == SYM_BUNDLE_IDENTITY);
		CHECK(sym_identity_check_name(id.name) == SYM_OK);
	}

	rc = sym_share_parse(&share, bytes, len);
	if (rc == SYM_OK) {
		CHECK(open_rc == SYM_OK && SYM_BUNDLE_IS_SHARE(type));
		CHECK(share != NULL);
		CHECK(share->recovery == (type == SYM_BUNDLE_RECOVERY_SHARE));
		CHECK(share->index >= 1 && share->index <= share->count);
		CHECK(share->threshold >= 2 && share->threshold <= share->count);
		CHECK(share->x != 0);
		CHECK((share->raw != NULL) ==
		    (share->protection == SYM_SHARE_CLEAR));
		if (share->raw != NULL)
			CHECK(share->raw_len >= 2 &&
			    share->raw[share->raw_len - 1] == share->x);
		else
			CHECK(share->ciphertext != NULL);
		sym_share_free(share);
	} else {
		CHECK(share == NULL);
	}

	rc = sym_manifest_parse(manifest, bytes, len);
	if (rc == SYM_OK) {
		CHECK(open_rc == SYM_OK && SYM_BUNDLE_IS_MANIFEST(type));
		CHECK(manifest->recovery ==
		    (type == SYM_BUNDLE_RECOVERY_MANIFEST));
		CHECK(manifest->count >= 2 &&
		    manifest->count <= SYM_SHAMIR_MAX_SHARES);
		CHECK(manifest->threshold >= 2 &&
		    manifest->threshold <= manifest->count);
		for (unsigned i = 0; i < manifest->count; i++) {
			CHECK(manifest->entries[i].index == i + 1);
			CHECK(manifest->entries[i].x != 0);
			CHECK(sym_manifest_entry(manifest, i + 1) ==
			    &manifest->entries[i]);
		}
		CHECK(sym_manifest_entry(manifest, 0) == NULL);
		CHECK(sym_manifest_entry(manifest, manifest->count + 1) == NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sym_bundle b;
	uint8_t *bytes = (uint8_t *)1;
	size_t len = 1, offset = (size_t)-1;
	int rc, open_rc;

	rc = sym_bundle_decode(&bytes, &len, data, size, &offset);
	if (rc != SYM_OK) {
		CHECK(bytes == NULL && len == 0);
		CHECK(offset == 0 || offset < size);
		/* Something sniffed as text but refused was refused for its
		 * base45, length or size. */
		return 0;
	}
	CHECK(sym_bundle_sniff(data, size) == 1);
	CHECK(bytes != NULL && len > 0);
	check_decoded_form(data, size, bytes, len);

	open_rc = sym_bundle_open(&b, bytes, len, SYM_BUNDLE_ANY);
	if (open_rc == SYM_OK) {
		CHECK(b.type >= SYM_BUNDLE_IDENTITY &&
		    b.type <= SYM_BUNDLE_TYPE_MAX);
		CHECK(b.version == SYM_BUNDLE_VERSION);
	} else {
		CHECK(b.error_offset <= len);
	}
	check_typed(bytes, len, open_rc, b.type);
	sym_secmem_free(bytes);
	return 0;
}
