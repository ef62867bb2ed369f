/*
 * OpenPGP packets and armour without GnuPG (see pgp_packet.h).  Every
 * length read from the input is checked against the bytes left before it
 * is used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/pgp_packet.h"

static void
hex_upper(char *out, const uint8_t *in, size_t len)
{
	static const char digits[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15u];
	}
	out[2 * len] = '\0';
}


int
sym_pgp_packet_header(struct sym_pgp_packet *pk, const uint8_t *p, size_t len)
{
	memset(pk, 0, sizeof *pk);
	if (len < 1)
		return SYM_ETRUNCATED;
	if ((p[0] & 0x80u) == 0)
		return SYM_EFORMAT;
	if (p[0] & 0x40u) {
		pk->tag = p[0] & 0x3Fu;
		if (len < 2)
			return SYM_ETRUNCATED;
		if (p[1] < 192) {
			pk->header_len = 2;
			pk->body_len = p[1];
		} else if (p[1] < 224) {
			if (len < 3)
				return SYM_ETRUNCATED;
			pk->header_len = 3;
			pk->body_len = ((size_t)(p[1] - 192) << 8) + p[2] + 192;
		} else if (p[1] == 255) {
			if (len < 6)
				return SYM_ETRUNCATED;
			pk->header_len = 6;
			pk->body_len = (size_t)p[2] << 24 | (size_t)p[3] << 16 |
			    (size_t)p[4] << 8 | p[5];
		} else {
			pk->header_len = 2;
			pk->body_len = (size_t)1 << (p[1] & 0x1Fu);
			pk->partial = 1;
		}
	} else {
		static const size_t lengths[3] = { 1, 2, 4 };
		unsigned type = p[0] & 3u;

		pk->tag = (p[0] >> 2) & 0x0Fu;
		if (type == 3) {
			pk->header_len = 1;
			pk->indeterminate = 1;
			return SYM_OK;
		}
		if (len < 1 + lengths[type])
			return SYM_ETRUNCATED;
		pk->header_len = 1 + lengths[type];
		for (size_t i = 0; i < lengths[type]; i++)
			pk->body_len = pk->body_len << 8 | p[1 + i];
	}
	return SYM_OK;
}

/* 1 if the session key packet body b[0..n) starts plausibly: enough to
 * tell it from other binary data in sym_pgp_packet_sniff. */
static int
esk_plausible(unsigned tag, const uint8_t *b, size_t n)
{
	if (tag == SYM_PGP_TAG_PKESK) {
		/* v3: version, key id (8), algorithm */
		if (n < 10 || b[0] != 3)
			return 0;
		switch (b[9]) {
		case 1: case 2: case 16: case 18: case 25: case 26:
			return 1;
		default:
			return 0;
		}
	}
	/* SKESK v4: version, cipher, S2K type; v5: version, cipher, AEAD */
	if (n < 3 || (b[0] != 4 && b[0] != 5))
		return 0;
	return b[1] >= 1 && b[1] <= 13;
}

static uint32_t
crc24(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xB704CEu;

	for (size_t i = 0; i < len; i++) {
		crc ^= (uint32_t)p[i] << 16;
		for (int b = 0; b < 8; b++) {
			crc <<= 1;
			if (crc & 0x1000000u)
				crc ^= 0x1864CFBu;
		}
	}
	return crc & 0xFFFFFFu;
}

/* The next line of buf from *pos (without CR LF and trailing blanks);
 * 0 at the end. */
static int
next_line(const uint8_t *buf, size_t len, size_t *pos, const uint8_t **line,
    size_t *line_len)
{
	size_t start = *pos, end;

	if (start >= len)
		return 0;
	end = start;
	while (end < len && buf[end] != '\n')
		end++;
	*pos = end < len ? end + 1 : end;
	while (end > start && (buf[end - 1] == '\r' || buf[end - 1] == ' ' ||
	    buf[end - 1] == '\t'))
		end--;
	*line = buf + start;
	*line_len = end - start;
	return 1;
}

static size_t
skip_space(const uint8_t *buf, size_t len)
{
	size_t i = 0;

	if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
	    buf[i] == '\n'))
		i++;
	return i;
}

static int
is_armor_line(const uint8_t *line, size_t n, const char *what,
    const char *label)
{
	char want[64];
	int w = snprintf(want, sizeof want, "-----%s %s-----", what, label);

	return w > 0 && (size_t)w == n && memcmp(line, want, n) == 0;
}

int
sym_pgp_packet_armored(const uint8_t *buf, size_t len, const char *label)
{
	size_t pos = skip_space(buf, len);
	const uint8_t *line;
	size_t n;

	return next_line(buf, len, &pos, &line, &n) &&
	    is_armor_line(line, n, "BEGIN", label);
}

int
sym_pgp_packet_dearmor(uint8_t **out, size_t *out_len, const uint8_t *buf,
    size_t len, const char *label)
{
	size_t pos = skip_space(buf, len), body = 0, body_end = 0, bin_len = 0;
	const uint8_t *line;
	size_t n;
	int ret = SYM_EPGPCORRUPT, in_headers = 1, have_crc = 0, ended = 0;
	uint8_t crc[3], *bin = NULL;

	*out = NULL;
	*out_len = 0;
	if (!next_line(buf, len, &pos, &line, &n) ||
	    !is_armor_line(line, n, "BEGIN", label))
		return SYM_EFORMAT;
	body = pos;
	while (next_line(buf, len, &pos, &line, &n)) {
		if (in_headers) {
			/* Armor headers ("Key: value") end at a blank line;
			 * base64 has no ':' so a missing blank line is seen. */
			if (n == 0 || memchr(line, ':', n) == NULL) {
				in_headers = 0;
				body = n == 0 ? pos : (size_t)(line - buf);
				body_end = body;
				if (n == 0)
					continue;
			} else {
				continue;
			}
		}
		if (n > 0 && line[0] == '=' && n == 5 && !have_crc) {
			size_t crc_len;

			if (sodium_base642bin(crc, sizeof crc,
			    (const char *)line + 1, 4, NULL, &crc_len, NULL,
			    sodium_base64_VARIANT_ORIGINAL) != 0 ||
			    crc_len != 3)
				goto out;
			have_crc = 1;
			continue;
		}
		if (is_armor_line(line, n, "END", label)) {
			ended = 1;
			break;
		}
		if (have_crc)
			goto out;       /* data after the checksum */
		body_end = (size_t)(line - buf) + n;
	}
	if (!ended || in_headers)
		goto out;
	bin = malloc((body_end - body) / 4 * 3 + 3);
	if (bin == NULL) {
		ret = SYM_ENOMEM;
		goto out;
	}
	if (sodium_base642bin(bin, (body_end - body) / 4 * 3 + 3,
	    (const char *)buf + body, body_end - body, " \t\r\n", &bin_len,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || bin_len == 0)
		goto out;
	if (have_crc && crc24(bin, bin_len) !=
	    ((uint32_t)crc[0] << 16 | (uint32_t)crc[1] << 8 | crc[2]))
		goto out;
	*out = bin;
	*out_len = bin_len;
	bin = NULL;
	ret = SYM_OK;
out:
	free(bin);
	return ret;
}

int
sym_pgp_packet_list_esk(struct sym_pgp_keyids *out, const uint8_t *p,
    size_t len)
{
	size_t off = 0;
	int any = 0;

	memset(out, 0, sizeof *out);
	for (;;) {
		struct sym_pgp_packet pk;
		const uint8_t *b;
		int ret;

		if (off == len)
			return any ? SYM_EPGPCORRUPT : SYM_ENOTPGPMSG;
		ret = sym_pgp_packet_header(&pk, p + off, len - off);
		if (ret != SYM_OK)
			return any || ret == SYM_ETRUNCATED ?
			    SYM_EPGPCORRUPT : SYM_ENOTPGPMSG;
		if (pk.tag != SYM_PGP_TAG_PKESK &&
		    pk.tag != SYM_PGP_TAG_SKESK &&
		    pk.tag != SYM_PGP_TAG_MARKER) {
			if (!any)
				return SYM_ENOTPGPMSG;
			/* After the session keys comes the encrypted data. */
			if (pk.tag == SYM_PGP_TAG_SED ||
			    pk.tag == SYM_PGP_TAG_SEIPD ||
			    pk.tag == SYM_PGP_TAG_AEAD)
				return SYM_OK;
			return SYM_EPGPCORRUPT;
		}
		if (pk.partial || pk.indeterminate ||
		    pk.body_len > len - off - pk.header_len)
			return off == 0 && pk.tag == SYM_PGP_TAG_MARKER ?
			    SYM_ENOTPGPMSG : SYM_EPGPCORRUPT;
		b = p + off + pk.header_len;
		if (pk.tag == SYM_PGP_TAG_PKESK) {
			if (pk.body_len < 10)
				return SYM_EPGPCORRUPT;
			if (b[0] != 3)
				return SYM_EVERSION;
			if (out->count < SYM_PGP_RECIPIENTS_MAX) {
				hex_upper(out->key[out->count].keyid, b + 1, 8);
				out->key[out->count].algo = b[9];
				out->count++;
			} else {
				out->more = 1;
			}
			any = 1;
		} else if (pk.tag == SYM_PGP_TAG_SKESK) {
			if (pk.body_len < 2)
				return SYM_EPGPCORRUPT;
			out->passphrases++;
			any = 1;
		}
		off += pk.header_len + pk.body_len;
	}
}

int
sym_pgp_packet_binary(const uint8_t **bin, size_t *bin_len, uint8_t **owned,
    const uint8_t *msg, size_t msg_len, const char *label)
{
	int ret;

	*owned = NULL;
	if (!sym_pgp_packet_armored(msg, msg_len, label)) {
		*bin = msg;
		*bin_len = msg_len;
		return SYM_OK;
	}
	ret = sym_pgp_packet_dearmor(owned, bin_len, msg, msg_len, label);
	*bin = *owned;
	return ret;
}

int
sym_pgp_packet_list_recipients(struct sym_pgp_keyids *out,
    const uint8_t *msg, size_t msg_len)
{
	const uint8_t *bin;
	uint8_t *owned = NULL;
	size_t bin_len;
	int ret;

	memset(out, 0, sizeof *out);
	if (msg_len > SYM_PGP_MESSAGE_MAX)
		return SYM_ETOOBIG;
	ret = sym_pgp_packet_binary(&bin, &bin_len, &owned, msg, msg_len,
	    SYM_PGP_ARMOR_MESSAGE);
	if (ret == SYM_OK)
		ret = sym_pgp_packet_list_esk(out, bin, bin_len);
	if (ret != SYM_OK)
		memset(out, 0, sizeof *out);
	free(owned);
	return ret;
}

enum sym_pgp_form
sym_pgp_packet_sniff(const uint8_t *buf, size_t len)
{
	size_t off = 0;
	struct sym_pgp_packet pk;

	if (buf == NULL)
		return SYM_PGP_NONE;
	if (sym_pgp_packet_armored(buf, len, SYM_PGP_ARMOR_MESSAGE))
		return SYM_PGP_ARMORED;
	for (int i = 0; i < 2; i++) {
		if (sym_pgp_packet_header(&pk, buf + off, len - off) !=
		    SYM_OK || pk.partial || pk.indeterminate ||
		    pk.body_len > len - off - pk.header_len)
			return SYM_PGP_NONE;
		if (pk.tag == SYM_PGP_TAG_MARKER && i == 0 &&
		    pk.body_len == 3 && memcmp(buf + off + pk.header_len, "PGP", 3) == 0) {
			off += pk.header_len + pk.body_len;
			continue;
		}
		if ((pk.tag == SYM_PGP_TAG_PKESK ||
		    pk.tag == SYM_PGP_TAG_SKESK) && esk_plausible(pk.tag, buf + off + pk.header_len,
		    pk.body_len))
			return SYM_PGP_BINARY;
		return SYM_PGP_NONE;
	}
	return SYM_PGP_NONE;
}

int
sym_pgp_packet_sniff_signature(const uint8_t *buf, size_t len)
{
	struct sym_pgp_packet pk;

	if (sym_pgp_packet_armored(buf, len, SYM_PGP_ARMOR_SIGNATURE))
		return 1;
	return sym_pgp_packet_header(&pk, buf, len) == SYM_OK &&
	    pk.tag == SYM_PGP_TAG_SIG && !pk.partial && !pk.indeterminate &&
	    pk.body_len <= len - pk.header_len && pk.body_len > 0 &&
	    buf[pk.header_len] >= 3 && buf[pk.header_len] <= 5;
}

/* ---- the exact encoding of a message ---- */

/* 1 if the header at p, decoded as pk, uses the shortest length form:
 * gpg accepts longer ones, which would let a message's bytes change. */
static int
minimal_header(const uint8_t *p, const struct sym_pgp_packet *pk)
{
	if (pk->indeterminate)
		return 0;
	if (p[0] & 0x40u)
		return pk->header_len != 6 || pk->body_len >= 8384;
	switch (pk->header_len) {
	case 2:
		return 1;
	case 3:
		return pk->body_len >= 256;
	default:
		return pk->body_len >= 65536;
	}
}

/* 1 if b[0..n) holds one multiprecision integer in its only encoding
 * (RFC 4880 3.2: the bit count is exact); *used gets its size. */
static int
canonical_mpi(const uint8_t *b, size_t n, size_t *used)
{
	size_t bits, bytes, top = 0;

	if (n < 3)
		return 0;
	bits = (size_t)b[0] << 8 | b[1];
	bytes = (bits + 7) / 8;
	if (bits == 0 || bytes > n - 2)
		return 0;
	for (unsigned v = b[2]; v != 0; v >>= 1)
		top++;
	*used = 2 + bytes;
	return top != 0 && bits == 8 * (bytes - 1) + top;
}

/* 1 if the session key packet body b[0..n) is v3 with its algorithm's
 * values, each in its only encoding, and nothing after them. */
static int
canonical_pkesk(const uint8_t *b, size_t n)
{
	size_t pos = 10, used, mpis;

	if (n < pos || b[0] != 3)
		return 0;
	switch (b[9]) {
	case 1: case 2:         /* RSA: m^e */
	case 18:                /* ECDH: point, then the wrapped key */
		mpis = 1;
		break;
	case 16:                /* Elgamal: g^k, m*y^k */
		mpis = 2;
		break;
	default:
		return 0;
	}
	for (size_t i = 0; i < mpis; i++) {
		if (!canonical_mpi(b + pos, n - pos, &used))
			return 0;
		pos += used;
	}
	if (b[9] == 18) {
		if (pos >= n || b[pos] == 0 || b[pos] > n - pos - 1)
			return 0;
		pos += 1u + b[pos];
	}
	return pos == n;
}

/*
 * gpg ignores bytes after the message and accepts long length forms and
 * inexact bit counts: this walk accepts each packet in its only encoding.
 * (The encrypted data itself is covered by its MDC.)
 */
int
sym_pgp_packet_canonical(size_t *bad, const uint8_t *p, size_t len)
{
	struct sym_pgp_packet pk;
	size_t pos = 0, n;

	if (bad != NULL)
		*bad = 0;
	while (pos < len) {
		if (bad != NULL)
			*bad = pos;
		if (sym_pgp_packet_header(&pk, p + pos, len - pos) != SYM_OK ||
		    !minimal_header(p + pos, &pk))
			return SYM_ENONCANONICAL;
		pos += pk.header_len;
		if (pk.tag == SYM_PGP_TAG_PKESK) {
			if (pk.partial || pk.body_len > len - pos ||
			    !canonical_pkesk(p + pos, pk.body_len))
				return SYM_ENONCANONICAL;
			pos += pk.body_len;
			continue;
		}
		if (pk.tag != SYM_PGP_TAG_SEIPD || pos >= len || p[pos] != 1)
			return SYM_ENONCANONICAL;
		/* Partial chunks: each is followed by a new length. */
		while (pk.partial) {
			uint8_t hdr[6] = { 0xC0u | SYM_PGP_TAG_SEIPD };

			if (pk.body_len > len - pos)
				return SYM_ENONCANONICAL;
			pos += pk.body_len;
			if (bad != NULL)
				*bad = pos;
			n = len - pos < 5 ? len - pos : 5;
			memcpy(hdr + 1, p + pos, n);
			if (sym_pgp_packet_header(&pk, hdr, n + 1) != SYM_OK ||
			    !minimal_header(hdr, &pk))
				return SYM_ENONCANONICAL;
			pos += pk.header_len - 1;
		}
		if (pk.body_len != len - pos)
			return SYM_ENONCANONICAL;
		if (bad != NULL)
			*bad = 0;
		return SYM_OK;
	}
	return SYM_ENONCANONICAL;
}
