/* Unit tests for the GnuPG-free OpenPGP packet parser: packet headers of
 * every length form, known messages made by gpg 2.2 (the seed corpus of
 * tests/fuzz/fuzz_pgp_packet.c, read from the top of the tree: make check
 * runs the tests there) with the recipients gpg --list-packets names,
 * sniffing, armour damage, and every message cut at every byte: refused
 * until the parser has what it reads, never a crash or a read past the
 * end (each cut is an exactly sized heap copy, for ASan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "symbolon/pgp_packet.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define CORPUS "tests/fuzz/corpus/pgp_packet/"

/* The subkeys the corpus messages are encrypted to. */
#define ALICE "8FEC33EB9C4626A9"        /* cv25519, algorithm 18 */
#define BOB "707DBB398EC61D86"          /* rsa2048, algorithm 1 */
#define HIDDEN "0000000000000000"

static uint8_t *
slurp(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof path, CORPUS "%s", name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("%s: cannot open (run from the top of the tree)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* An exactly sized copy of buf[0..len), so ASan sees any over-read. */
static uint8_t *
cut(const uint8_t *buf, size_t len)
{
	uint8_t *c = malloc(len ? len : 1);

	assert_non_null(c);
	memcpy(c, buf, len);
	return c;
}

/* ---- packet headers ---- */

static void
test_header_forms(void **state)
{
	static const struct {
		uint8_t bytes[8];
		size_t len;
		unsigned tag;
		size_t header_len, body_len;
		int partial, indeterminate;
	} known[] = {
		/* old format: one-, two-, four-byte lengths, indeterminate */
		{ { 0x84, 0x5E }, 2, 1, 2, 94, 0, 0 },
		{ { 0x85, 0x01, 0x0C }, 3, 1, 3, 268, 0, 0 },
		{ { 0x8A, 0x00, 0x01, 0x00, 0x00 }, 5, 2, 5, 65536, 0, 0 },
		{ { 0xA3 }, 1, 8, 1, 0, 0, 1 },
		/* new format: one-, two-, five-byte lengths, partial */
		{ { 0xC1, 0x5E }, 2, 1, 2, 94, 0, 0 },
		{ { 0xD2, 0xC0, 0x00 }, 3, 18, 3, 192, 0, 0 },
		{ { 0xD2, 0xDF, 0xFF }, 3, 18, 3, 8383, 0, 0 },
		{ { 0xC3, 0xFF, 0x00, 0x01, 0x00, 0x00 }, 6, 3, 6, 65536, 0, 0 },
		{ { 0xD2, 0xE9 }, 2, 18, 2, 512, 1, 0 },
		{ { 0xFF, 0x00 }, 2, 63, 2, 0, 0, 0 },
	};
	struct sym_pgp_packet pk;

	(void)state;
	for (size_t i = 0; i < COUNT(known); i++) {
		uint8_t *c = cut(known[i].bytes, known[i].len);

		assert_int_equal(sym_pgp_packet_header(&pk, c, known[i].len),
		    SYM_OK);
		assert_int_equal(pk.tag, known[i].tag);
		assert_int_equal(pk.header_len, known[i].header_len);
		assert_int_equal(pk.body_len, known[i].body_len);
		assert_int_equal(pk.partial, known[i].partial);
		assert_int_equal(pk.indeterminate, known[i].indeterminate);
		/* Any shorter header is cut off. */
		for (size_t k = 0; k < known[i].header_len; k++) {
			uint8_t *s = cut(known[i].bytes, k);

			assert_int_equal(sym_pgp_packet_header(&pk, s, k),
			    SYM_ETRUNCATED);
			free(s);
		}
		free(c);
	}
	/* Bit 7 clear: no packet tag. */
	assert_int_equal(sym_pgp_packet_header(&pk,
	    (const uint8_t *)"\x7F\x00", 2), SYM_EFORMAT);
	assert_int_equal(sym_pgp_packet_header(&pk,
	    (const uint8_t *)"-----BEGIN", 10), SYM_EFORMAT);
}

/* ---- known messages ---- */

static const struct message {
	const char *file;
	enum sym_pgp_form form;
	size_t count, passphrases;
	const char *keyid[2];
	int algo[2];
	/* Binary: the bytes the listing needs, up to and with the header of
	 * the encrypted data packet (gpg --list-packets: its offset + 2). */
	size_t needs;
} messages[] = {
	{ "enc-one-key.pgp", SYM_PGP_BINARY, 1, 0, { ALICE }, { 18 }, 98 },
	{ "enc-one-key.asc", SYM_PGP_ARMORED, 1, 0, { ALICE }, { 18 }, 0 },
	{ "enc-two-keys.pgp", SYM_PGP_BINARY, 2, 0, { ALICE, BOB }, { 18, 1 },
	    369 },
	{ "enc-two-keys.asc", SYM_PGP_ARMORED, 2, 0, { ALICE, BOB },
	    { 18, 1 }, 0 },
	{ "enc-hidden-recipient.pgp", SYM_PGP_BINARY, 1, 0, { HIDDEN }, { 1 },
	    273 },
	{ "enc-passphrase.pgp", SYM_PGP_BINARY, 0, 1, { NULL }, { 0 }, 17 },
	{ "enc-key-and-passphrase.pgp", SYM_PGP_BINARY, 1, 1, { ALICE },
	    { 18 }, 146 },
	{ "enc-marker-first.pgp", SYM_PGP_BINARY, 1, 0, { ALICE }, { 18 },
	    103 },
	{ "enc-new-format-header.pgp", SYM_PGP_BINARY, 1, 0, { ALICE },
	    { 18 }, 98 },
	{ "enc-streamed-partial.pgp", SYM_PGP_BINARY, 1, 0, { BOB }, { 1 },
	    273 },
	{ "enc-armor-headers.asc", SYM_PGP_ARMORED, 1, 0, { ALICE }, { 18 },
	    0 },
};

/* Not encrypted messages: keys, signatures, a signed message. */
static const struct {
	const char *file;
	int signature;
} others[] = {
	{ "key-public.pgp", 0 },
	{ "key-public.asc", 0 },
	{ "sig-detached.sig", 1 },
	{ "sig-detached.asc", 1 },
	{ "signed-message.pgp", 0 },
};

static void
assert_listed(const struct sym_pgp_keyids *ids, const struct message *m)
{
	assert_int_equal(ids->count, m->count);
	assert_int_equal(ids->passphrases, m->passphrases);
	assert_int_equal(ids->more, 0);
	for (size_t i = 0; i < m->count; i++) {
		assert_string_equal(ids->key[i].keyid, m->keyid[i]);
		assert_int_equal(ids->key[i].algo, m->algo[i]);
	}
}

static void
test_known_messages(void **state)
{
	struct sym_pgp_keyids ids;
	uint8_t *buf;
	size_t len;

	(void)state;
	for (size_t i = 0; i < COUNT(messages); i++) {
		const struct message *m = &messages[i];

		buf = slurp(m->file, &len);
		if (sym_pgp_packet_list_recipients(&ids, buf, len) != SYM_OK)
			fail_msg("%s: not listed", m->file);
		assert_listed(&ids, m);
		assert_int_equal(sym_pgp_packet_sniff(buf, len), m->form);
		assert_int_equal(sym_pgp_packet_sniff_signature(buf, len), 0);
		free(buf);
	}
	for (size_t i = 0; i < COUNT(others); i++) {
		buf = slurp(others[i].file, &len);
		assert_int_equal(sym_pgp_packet_list_recipients(&ids, buf, len),
		    SYM_ENOTPGPMSG);
		assert_int_equal(ids.count + ids.passphrases, 0);
		if (sym_pgp_packet_sniff(buf, len) != SYM_PGP_NONE)
			fail_msg("%s sniffed as a message", others[i].file);
		assert_int_equal(sym_pgp_packet_sniff_signature(buf, len),
		    others[i].signature);
		free(buf);
	}
}

static void
test_dearmor_matches_binary(void **state)
{
	/* The armoured and binary files of one gpg run hold different
	 * messages (fresh session keys), but dearmouring gives a binary
	 * message the listing reads the same. */
	struct sym_pgp_keyids a, b;
	const uint8_t *bin;
	uint8_t *buf, *owned;
	size_t len, bin_len;

	(void)state;
	buf = slurp("enc-two-keys.asc", &len);
	assert_int_equal(sym_pgp_packet_armored(buf, len,
	    SYM_PGP_ARMOR_MESSAGE), 1);
	assert_int_equal(sym_pgp_packet_armored(buf, len,
	    SYM_PGP_ARMOR_SIGNATURE), 0);
	assert_int_equal(sym_pgp_packet_binary(&bin, &bin_len, &owned, buf,
	    len, SYM_PGP_ARMOR_MESSAGE), SYM_OK);
	assert_non_null(owned);
	assert_ptr_equal(bin, owned);
	assert_int_equal(sym_pgp_packet_sniff(bin, bin_len), SYM_PGP_BINARY);
	assert_int_equal(sym_pgp_packet_list_recipients(&a, buf, len), SYM_OK);
	assert_int_equal(sym_pgp_packet_list_esk(&b, bin, bin_len), SYM_OK);
	assert_memory_equal(&a, &b, sizeof a);
	assert_int_equal(bin_len, 461);
	free(owned);
	/* The wrong label is no armour at all. */
	assert_int_equal(sym_pgp_packet_dearmor(&owned, &bin_len, buf, len,
	    SYM_PGP_ARMOR_SIGNATURE), SYM_EFORMAT);
	assert_null(owned);
	free(buf);
	/* A binary message is its own binary form. */
	buf = slurp("enc-one-key.pgp", &len);
	assert_int_equal(sym_pgp_packet_binary(&bin, &bin_len, &owned, buf,
	    len, SYM_PGP_ARMOR_MESSAGE), SYM_OK);
	assert_null(owned);
	assert_ptr_equal(bin, buf);
	assert_int_equal(bin_len, len);
	free(buf);
}

/* ---- damage ---- */

static void
test_damaged_armor(void **state)
{
	static const char *const bad[] = {
		/* no END line */
		"-----BEGIN PGP MESSAGE-----\n\nhF4D\n",
		/* the END line of another label */
		"-----BEGIN PGP MESSAGE-----\n\nhF4D\n-----END PGP SIGNATURE-----\n",
		/* bad base64 */
		"-----BEGIN PGP MESSAGE-----\n\nhF!D\n-----END PGP MESSAGE-----\n",
		/* a wrong checksum (hF4D is 84 5E 03; its CRC-24 is not 0) */
		"-----BEGIN PGP MESSAGE-----\n\nhF4D\n=AAAA\n-----END PGP MESSAGE-----\n",
		/* data after the checksum */
		"-----BEGIN PGP MESSAGE-----\n\nhF4D\n=AAAA\nhF4D\n-----END PGP MESSAGE-----\n",
		/* nothing but headers */
		"-----BEGIN PGP MESSAGE-----\nComment: x\n-----END PGP MESSAGE-----\n",
		/* an empty body */
		"-----BEGIN PGP MESSAGE-----\n\n-----END PGP MESSAGE-----\n",
	};
	struct sym_pgp_keyids ids;
	uint8_t *out;
	size_t out_len;

	(void)state;
	for (size_t i = 0; i < COUNT(bad); i++) {
		size_t n = strlen(bad[i]);
		uint8_t *c = cut((const uint8_t *)bad[i], n);

		if (sym_pgp_packet_dearmor(&out, &out_len, c, n,
		    SYM_PGP_ARMOR_MESSAGE) != SYM_EPGPCORRUPT)
			fail_msg("damage %zu not refused", i);
		assert_null(out);
		assert_int_equal(out_len, 0);
		assert_int_equal(sym_pgp_packet_list_recipients(&ids, c, n),
		    SYM_EPGPCORRUPT);
		free(c);
	}
	/* One base64 digit changed in a real message: the checksum fails. */
	{
		uint8_t *buf;
		size_t len;
		char *body;

		buf = slurp("enc-one-key.asc", &len);
		body = strstr((char *)buf, "\n\n");
		assert_non_null(body);
		body[2] = body[2] == 'h' ? 'g' : 'h';
		assert_int_equal(sym_pgp_packet_list_recipients(&ids, buf, len),
		    SYM_EPGPCORRUPT);
		free(buf);
	}
}

static void
test_damaged_packets(void **state)
{
	struct sym_pgp_keyids ids;
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = slurp("enc-one-key.pgp", &len);
	/* A session key packet of version 5. */
	buf[2] = 5;
	assert_int_equal(sym_pgp_packet_list_recipients(&ids, buf, len),
	    SYM_EVERSION);
	assert_int_equal(ids.count, 0);
	assert_int_equal(sym_pgp_packet_sniff(buf, len), SYM_PGP_NONE);
	buf[2] = 3;
	/* A literal data packet where the encrypted data should be. */
	buf[96] = 0xCB;
	assert_int_equal(sym_pgp_packet_list_recipients(&ids, buf, len),
	    SYM_EPGPCORRUPT);
	buf[96] = 0xD2;
	/* A first packet longer than the message. */
	buf[1] = 0xFF;
	assert_int_equal(sym_pgp_packet_list_recipients(&ids, buf, len),
	    SYM_EPGPCORRUPT);
	assert_int_equal(sym_pgp_packet_sniff(buf, len), SYM_PGP_NONE);
	free(buf);
	/* Too big to look at. */
	assert_int_equal(sym_pgp_packet_list_recipients(&ids,
	    (const uint8_t *)"", (size_t)SYM_PGP_MESSAGE_MAX + 1), SYM_ETOOBIG);
	assert_int_equal(sym_pgp_packet_list_recipients(&ids, NULL, 0),
	    SYM_ENOTPGPMSG);
	assert_int_equal(sym_pgp_packet_sniff(NULL, 0), SYM_PGP_NONE);
}

/* ---- every message cut at every byte ---- */

static void
test_truncated_binary(void **state)
{
	/* The listing reads the session key packets and the header of the
	 * encrypted data, never the data: cut before that, refused; cut
	 * after, the same recipients.  Sniffing needs the first session
	 * key packet whole. */
	struct sym_pgp_keyids ids;
	uint8_t *buf;
	size_t len;

	(void)state;
	for (size_t i = 0; i < COUNT(messages); i++) {
		const struct message *m = &messages[i];

		if (m->form != SYM_PGP_BINARY)
			continue;
		buf = slurp(m->file, &len);
		assert_true(m->needs <= len);
		for (size_t k = 0; k < len; k++) {
			uint8_t *c = cut(buf, k);
			int rc = sym_pgp_packet_list_recipients(&ids, c, k);

			if (k < m->needs) {
				if (rc != SYM_EPGPCORRUPT && rc != SYM_ENOTPGPMSG)
					fail_msg("%s cut at %zu: %d", m->file,
					    k, rc);
				assert_int_equal(ids.count + ids.passphrases,
				    0);
			} else {
				if (rc != SYM_OK)
					fail_msg("%s cut at %zu: %d", m->file,
					    k, rc);
				assert_listed(&ids, m);
			}
			(void)sym_pgp_packet_sniff(c, k);
			assert_int_equal(sym_pgp_packet_sniff_signature(c, k),
			    0);
			free(c);
		}
		free(buf);
	}
}

static void
test_truncated_armor(void **state)
{
	/* Armour must be whole, up to its END line: every shorter cut is
	 * refused (only the final newline may go). */
	struct sym_pgp_keyids ids;
	uint8_t *buf, *out;
	size_t len, out_len;

	(void)state;
	for (size_t i = 0; i < COUNT(messages); i++) {
		const struct message *m = &messages[i];

		if (m->form != SYM_PGP_ARMORED)
			continue;
		buf = slurp(m->file, &len);
		assert_int_equal(buf[len - 1], '\n');
		for (size_t k = 0; k < len; k++) {
			uint8_t *c = cut(buf, k);
			int rc = sym_pgp_packet_list_recipients(&ids, c, k);

			if (k < len - 1) {
				if (rc != SYM_EPGPCORRUPT && rc != SYM_ENOTPGPMSG)
					fail_msg("%s cut at %zu: %d", m->file,
					    k, rc);
				assert_int_equal(ids.count + ids.passphrases,
				    0);
				assert_int_not_equal(sym_pgp_packet_dearmor(
				    &out, &out_len, c, k,
				    SYM_PGP_ARMOR_MESSAGE), SYM_OK);
				assert_null(out);
			} else {
				assert_int_equal(rc, SYM_OK);
				assert_listed(&ids, m);
			}
			free(c);
		}
		free(buf);
	}
}

static void
test_truncated_signatures(void **state)
{
	/* A binary signature is one whole packet or nothing; armour must be
	 * whole to be dearmoured. */
	uint8_t *buf, *out;
	size_t len, out_len;

	(void)state;
	buf = slurp("sig-detached.sig", &len);
	for (size_t k = 0; k < len; k++) {
		uint8_t *c = cut(buf, k);

		assert_int_equal(sym_pgp_packet_sniff_signature(c, k), 0);
		free(c);
	}
	assert_int_equal(sym_pgp_packet_sniff_signature(buf, len), 1);
	free(buf);
	buf = slurp("sig-detached.asc", &len);
	for (size_t k = 0; k + 1 < len; k++) {
		uint8_t *c = cut(buf, k);

		assert_int_not_equal(sym_pgp_packet_dearmor(&out, &out_len, c,
		    k, SYM_PGP_ARMOR_SIGNATURE), SYM_OK);
		assert_null(out);
		free(c);
	}
	assert_int_equal(sym_pgp_packet_dearmor(&out, &out_len, buf, len,
	    SYM_PGP_ARMOR_SIGNATURE), SYM_OK);
	assert_int_equal(sym_pgp_packet_sniff_signature(out, out_len), 1);
	free(out);
	free(buf);
}

/* ---- the only encoding of a message ---- */

/* 1 if canonical, with *bad 0; else the offset it reports. */
static size_t
refused_at(const uint8_t *buf, size_t len)
{
	uint8_t *c = cut(buf, len);
	size_t bad = 99;
	int ret = sym_pgp_packet_canonical(&bad, c, len);

	free(c);
	if (ret == SYM_OK) {
		assert_int_equal(bad, 0);
		return (size_t)-1;
	}
	assert_int_equal(ret, SYM_ENONCANONICAL);
	assert_true(bad <= len);
	return bad;
}

/* gpg's own messages to keys pass; anything else gpg would read, or a
 * byte more, less or spelt longer, does not. */
static void
test_canonical(void **state)
{
	static const char *const good[] = { "enc-one-key.pgp",
	    "enc-two-keys.pgp", "enc-new-format-header.pgp",
	    "enc-hidden-recipient.pgp", "enc-streamed-partial.pgp" };
	static const struct { const char *file; size_t at; } bad[] = {
		{ "enc-marker-first.pgp", 0 },          /* a marker first */
		{ "enc-passphrase.pgp", 0 },            /* a passphrase */
		{ "enc-key-and-passphrase.pgp", 96 },   /* ... after a key */
		{ "key-public.pgp", 0 },
		{ "signed-message.pgp", 0 },
	};
	/* enc-one-key.pgp: the session key packet (84 5E) at 0, its ECDH
	 * point (263 bits) at 12, the wrapped key's length at 47, the
	 * encrypted data (D2 5C, version 1) at 96. */
	static const struct { size_t off; uint8_t value; size_t at; } edits[] = {
		{ 13, 0x08, 0 },        /* 264 bits: not the exact count */
		{ 13, 0x06, 0 },        /* 262 bits */
		{ 47, 0x00, 0 },        /* no wrapped key */
		{ 47, 0xFF, 0 },        /* more than the packet holds */
		{ 2, 0x04, 0 },         /* a v4 session key packet */
		{ 11, 0x11, 0 },        /* DSA: no encryption algorithm */
		{ 98, 0x02, 96 },       /* encrypted data of version 2 */
		{ 96, 0xCB, 96 },       /* literal data, not encrypted */
		{ 0, 0x87, 0 },         /* an indeterminate length */
	};
	uint8_t *buf, *big;
	size_t len;

	(void)state;
	for (size_t i = 0; i < COUNT(good); i++) {
		buf = slurp(good[i], &len);
		if (refused_at(buf, len) != (size_t)-1)
			fail_msg("%s refused", good[i]);
		/* Every cut, and a byte more, is refused. */
		for (size_t n = 0; n < len; n++)
			assert_int_not_equal(refused_at(buf, n), (size_t)-1);
		big = malloc(len + 1);
		assert_non_null(big);
		memcpy(big, buf, len);
		big[len] = 0;
		assert_int_not_equal(refused_at(big, len + 1), (size_t)-1);
		free(big);
		free(buf);
	}
	for (size_t i = 0; i < COUNT(bad); i++) {
		buf = slurp(bad[i].file, &len);
		if (refused_at(buf, len) != bad[i].at)
			fail_msg("%s: not refused at %zu", bad[i].file,
			    bad[i].at);
		free(buf);
	}
	buf = slurp("enc-one-key.pgp", &len);
	assert_int_equal(buf[0], 0x84);
	assert_int_equal(buf[12] << 8 | buf[13], 263);
	assert_int_equal(buf[96], 0xD2);
	assert_int_equal(buf[98], 1);
	for (size_t i = 0; i < COUNT(edits); i++) {
		uint8_t was = buf[edits[i].off];

		buf[edits[i].off] = edits[i].value;
		if (refused_at(buf, len) != edits[i].at)
			fail_msg("byte %zu = %02X: not refused at %zu",
			    edits[i].off, edits[i].value, edits[i].at);
		buf[edits[i].off] = was;
	}
	assert_int_equal(refused_at(buf, len), (size_t)-1);
	/* Longer length forms of the same packets: an old-format two-byte
	 * length (85 00 5E) and a new-format five-byte one (C1 FF ...). */
	big = malloc(len + 4);
	assert_non_null(big);
	big[0] = 0x85;
	big[1] = 0x00;
	memcpy(big + 2, buf + 1, len - 1);
	assert_int_equal(refused_at(big, len + 1), 0);
	memcpy(big, "\xC1\xFF\x00\x00\x00", 5);
	memcpy(big + 5, buf + 2, len - 2);
	assert_int_equal(refused_at(big, len + 3), 0);
	memcpy(big, buf, 96);
	memcpy(big + 96, "\xD2\xFF\x00\x00\x00\x5C", 6);
	memcpy(big + 102, buf + 98, len - 98);
	assert_int_equal(refused_at(big, len + 4), 96);
	free(big);
	free(buf);
	assert_int_equal(sym_pgp_packet_canonical(NULL, NULL, 0),
	    SYM_ENONCANONICAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_forms),
		cmocka_unit_test(test_known_messages),
		cmocka_unit_test(test_dearmor_matches_binary),
		cmocka_unit_test(test_damaged_armor),
		cmocka_unit_test(test_damaged_packets),
		cmocka_unit_test(test_truncated_binary),
		cmocka_unit_test(test_truncated_armor),
		cmocka_unit_test(test_truncated_signatures),
		cmocka_unit_test(test_canonical),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
