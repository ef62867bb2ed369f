/*
 * libFuzzer target: the GnuPG-free OpenPGP packet parser (pgp_packet.h)
 * on arbitrary bytes.
 *
 *  1. Packet headers: walking the input header by header never reads past
 *     it, and every header decoded fits in what was left.
 *  2. Armour: dearmouring under either label yields at least one byte or
 *     a clean error; an armoured message lists the same recipients as its
 *     dearmoured binary.
 *  3. Recipients: sym_pgp_packet_list_recipients succeeds only with at
 *     least one session key packet, key ids of 16 upper-case hex digits
 *     and no more than SYM_PGP_RECIPIENTS_MAX stored; on error the result
 *     is all zero.  Sniffing agrees with armour and with the listing: what
 *     sniffs as binary starts with a session key packet the listing reads.
 *  4. Exact encoding: sym_pgp_packet_canonical accepts or refuses within
 *     the input; what it accepts is session key packets the listing reads
 *     (no passphrase, no marker) and nothing after the encrypted data.
 *
 * Seed corpus: tests/fuzz/corpus/pgp_packet/ (messages made by gpg 2.2
 * in a throw-away GNUPGHOME: encrypted to one key and to two, armoured
 * and binary, to a hidden recipient, under a passphrase, with a marker
 * packet first, with a new-format header, streamed with partial lengths;
 * detached signatures, a signed message and public keys).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "symbolon/pgp_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void
walk_headers(const uint8_t *data, size_t size)
{
	size_t off = 0;

	while (off < size) {
		struct sym_pgp_packet pk;
		int rc = sym_pgp_packet_header(&pk, data + off, size - off);

		if (rc != SYM_OK) {
			CHECK(rc == SYM_EFORMAT || rc == SYM_ETRUNCATED);
			return;
		}
		CHECK(pk.header_len >= 1 && pk.header_len <= 6);
		CHECK(pk.header_len <= size - off);
		CHECK(pk.tag < 64);
		if (pk.indeterminate || pk.partial ||
		    pk.body_len > size - off - pk.header_len)
			return;
		off += pk.header_len + pk.body_len;
	}
}

static int
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

static void
check_keyids(const struct sym_pgp_keyids *ids)
{
	CHECK(ids->count <= SYM_PGP_RECIPIENTS_MAX);
	CHECK(ids->count + ids->passphrases > 0 || ids->more);
	CHECK(!ids->more || ids->count == SYM_PGP_RECIPIENTS_MAX);
	for (size_t i = 0; i < ids->count; i++) {
		const char *k = ids->key[i].keyid;

		CHECK(strlen(k) == SYM_PGP_KEYID_CHARS);
		CHECK(strspn(k, "0123456789ABCDEF") == SYM_PGP_KEYID_CHARS);
		CHECK(ids->key[i].algo >= 0 && ids->key[i].algo <= 255);
	}
}

static int
list(struct sym_pgp_keyids *ids, const uint8_t *data, size_t size)
{
	int rc = sym_pgp_packet_list_recipients(ids, data, size);

	if (rc == SYM_OK)
		check_keyids(ids);
	else
		CHECK(all_zero(ids, sizeof *ids));
	CHECK(rc == SYM_OK || rc == SYM_ENOTPGPMSG || rc == SYM_EPGPCORRUPT ||
	    rc == SYM_EVERSION || rc == SYM_ETOOBIG || rc == SYM_ENOMEM);
	return rc;
}

static void
armour(const uint8_t *data, size_t size, const struct sym_pgp_keyids *ids,
    int listed)
{
	static const char *const labels[] = { SYM_PGP_ARMOR_MESSAGE,
	    SYM_PGP_ARMOR_SIGNATURE };

	for (size_t l = 0; l < 2; l++) {
		uint8_t *bin = (uint8_t *)1;
		size_t bin_len = 1;
		int armored = sym_pgp_packet_armored(data, size, labels[l]);
		int rc = sym_pgp_packet_dearmor(&bin, &bin_len, data, size,
		    labels[l]);

		CHECK(armored == 0 || armored == 1);
		if (rc != SYM_OK) {
			CHECK(bin == NULL && bin_len == 0);
			CHECK(rc == (armored ? SYM_EPGPCORRUPT : SYM_EFORMAT) ||
			    rc == SYM_ENOMEM);
			continue;
		}
		CHECK(armored && bin != NULL && bin_len > 0);
		walk_headers(bin, bin_len);
		if (l == 0 && size <= SYM_PGP_MESSAGE_MAX &&
		    !sym_pgp_packet_armored(bin, bin_len, labels[l])) {
			struct sym_pgp_keyids again;
			int rc2 = list(&again, bin, bin_len);

			CHECK((rc2 == SYM_OK) == (listed == SYM_OK));
			if (rc2 == SYM_OK)
				CHECK(memcmp(&again, ids, sizeof again) == 0);
		}
		free(bin);
	}
}

static void
canonical(const uint8_t *data, size_t size)
{
	struct sym_pgp_keyids esk;
	size_t bad = size + 1;
	int rc = sym_pgp_packet_canonical(&bad, data, size);

	CHECK(rc == SYM_OK || rc == SYM_ENONCANONICAL);
	CHECK(bad <= size);
	if (rc != SYM_OK)
		return;
	CHECK(bad == 0 && size > 0);
	rc = sym_pgp_packet_list_esk(&esk, data, size);
	CHECK(rc == SYM_OK || (rc == SYM_ENOTPGPMSG &&
	    data[0] != 0x84 && data[0] != 0x85 && data[0] != 0xC1));
	if (rc == SYM_OK)
		CHECK(esk.passphrases == 0 && esk.count > 0);
	/* A byte more is never the same message. */
	if (size < 4096) {
		uint8_t *more = malloc(size + 1);

		if (more == NULL)
			return;
		memcpy(more, data, size);
		more[size] = 0;
		CHECK(sym_pgp_packet_canonical(NULL, more, size + 1) ==
		    SYM_ENONCANONICAL);
		free(more);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sym_pgp_keyids ids, esk;
	enum sym_pgp_form form;
	int listed, rc;

	walk_headers(data, size);
	listed = list(&ids, data, size);
	armour(data, size, &ids, listed);

	form = sym_pgp_packet_sniff(data, size);
	CHECK(form == SYM_PGP_NONE || form == SYM_PGP_BINARY ||
	    form == SYM_PGP_ARMORED);
	CHECK((form == SYM_PGP_ARMORED) ==
	    sym_pgp_packet_armored(data, size, SYM_PGP_ARMOR_MESSAGE));
	if (form == SYM_PGP_BINARY) {
		/* A whole session key packet first: the listing reads it
		 * (it may still find the rest corrupt or too new). */
		CHECK(listed != SYM_ENOTPGPMSG);
	}
	rc = sym_pgp_packet_sniff_signature(data, size);
	CHECK(rc == 0 || rc == 1);
	if (rc == 1 && form == SYM_PGP_NONE)
		CHECK(listed != SYM_OK || size > SYM_PGP_MESSAGE_MAX);

	rc = sym_pgp_packet_list_esk(&esk, data, size);
	if (rc == SYM_OK) {
		check_keyids(&esk);
		if (!sym_pgp_packet_armored(data, size, SYM_PGP_ARMOR_MESSAGE) &&
		    size <= SYM_PGP_MESSAGE_MAX)
			CHECK(listed == SYM_OK &&
			    memcmp(&esk, &ids, sizeof esk) == 0);
	}
	canonical(data, size);
	return 0;
}
