#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gpgme.h>
#include <sodium.h>

#include "symbolon/io.h"
#include "symbolon/pgp.h"
#include "symbolon/secmem.h"

#define GPGME_MIN_VERSION "1.14.0"

/* RFC 4880 4.3 packet tags */
#define TAG_PKESK 1u
#define TAG_SIG 2u
#define TAG_SKESK 3u
#define TAG_SED 9u
#define TAG_MARKER 10u
#define TAG_SEIPD 18u
#define TAG_AEAD 20u

static const char armor_message[] = "PGP MESSAGE";
static const char armor_signature[] = "PGP SIGNATURE";

static int pgp_ready;

/* ---- small helpers ---- */

static int
is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

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

/* Copies a hex id from GnuPG, upper-cased; "" if it is not hex. */
static void
copy_hex(char *out, size_t cap, const char *in)
{
	size_t n = 0;

	out[0] = '\0';
	if (in == NULL)
		return;
	for (; in[n] != '\0'; n++)
		if (!is_hex((unsigned char)in[n]) || n + 1 >= cap)
			return;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)((in[i] >= 'a' && in[i] <= 'f') ?
		    in[i] - 'a' + 'A' : in[i]);
	out[n] = '\0';
}

/*
 * Copies untrusted text (a user id from a key file) so that printing it
 * cannot drive a terminal: valid UTF-8 is kept except C0, DEL and C1
 * controls; every other byte becomes '?'.  Cut at a character boundary.
 */
static void
copy_text(char *out, size_t cap, const char *in)
{
	const unsigned char *s = (const unsigned char *)(in ? in : "");
	size_t o = 0;

	while (*s != '\0') {
		size_t n = 1;
		uint32_t cp = s[0];

		if (s[0] >= 0xC2 && s[0] <= 0xDF)
			n = 2, cp = s[0] & 0x1Fu;
		else if (s[0] >= 0xE0 && s[0] <= 0xEF)
			n = 3, cp = s[0] & 0x0Fu;
		else if (s[0] >= 0xF0 && s[0] <= 0xF4)
			n = 4, cp = s[0] & 0x07u;
		else if (s[0] >= 0x80)
			n = 0;          /* stray continuation or bad lead */
		for (size_t i = 1; n > 1 && i < n; i++) {
			if ((s[i] & 0xC0u) != 0x80u) {
				n = 0;
				break;
			}
			cp = (cp << 6) | (s[i] & 0x3Fu);
		}
		if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
			n = 0;
		if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))
			n = 0;
		if (n == 0 || cp < 0x20 || cp == 0x7F ||
		    (cp >= 0x80 && cp <= 0x9F)) {
			if (o + 1 >= cap)
				break;
			out[o++] = '?';
			s += 1;
			continue;
		}
		if (o + n >= cap)
			break;
		memcpy(out + o, s, n);
		o += n;
		s += n;
	}
	out[o] = '\0';
}

/* GPGME errors that are not about the data itself. */
static int
map_gpgme_error(gpgme_error_t err)
{
	switch (gpg_err_code(err)) {
	case GPG_ERR_NO_ERROR:
		return SYM_OK;
	case GPG_ERR_ENOMEM:
		return SYM_ENOMEM;
	case GPG_ERR_INV_ENGINE:
	case GPG_ERR_ENGINE_TOO_OLD:
	case GPG_ERR_ENOENT:
		return SYM_ENOGPG;
	case GPG_ERR_NO_AGENT:
	case GPG_ERR_AGENT:
	case GPG_ERR_NO_PIN_ENTRY:
	case GPG_ERR_PIN_ENTRY:
		return SYM_ENOAGENT;
	case GPG_ERR_CANCELED:
	case GPG_ERR_FULLY_CANCELED:
		return SYM_ECANCELED;
	case GPG_ERR_BAD_PASSPHRASE:
		return SYM_EDECRYPT;
	default:
		return SYM_EGPGME;
	}
}

/* Parses "2.2.40": 1 if at least 2.2. */
static int
engine_new_enough(const char *version)
{
	char *end;
	unsigned long major, minor;

	if (version == NULL)
		return 0;
	major = strtoul(version, &end, 10);
	if (*end != '.')
		return 0;
	minor = strtoul(end + 1, &end, 10);
	return major > 2 || (major == 2 && minor >= 2);
}

int
sym_pgp_init(void)
{
	gpgme_engine_info_t info;
	const char *loc;

	if (pgp_ready)
		return SYM_OK;
	if (gpgme_check_version(GPGME_MIN_VERSION) == NULL)
		return SYM_ENOGPG;
	/* pinentry needs the caller's locale to show its prompt. */
	if ((loc = setlocale(LC_CTYPE, NULL)) != NULL)
		gpgme_set_locale(NULL, LC_CTYPE, loc);
#ifdef LC_MESSAGES
	if ((loc = setlocale(LC_MESSAGES, NULL)) != NULL)
		gpgme_set_locale(NULL, LC_MESSAGES, loc);
#endif
	if (gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP) != 0)
		return SYM_ENOGPG;
	if (gpgme_get_engine_info(&info) != 0)
		return SYM_ENOGPG;
	for (; info != NULL; info = info->next)
		if (info->protocol == GPGME_PROTOCOL_OpenPGP)
			break;
	if (info == NULL || !engine_new_enough(info->version))
		return SYM_ENOGPG;
	pgp_ready = 1;
	return SYM_OK;
}

/* A context for the OpenPGP engine on home (NULL: the user's). */
static int
new_ctx(gpgme_ctx_t *ctx, const char *home)
{
	int ret = sym_pgp_init();

	*ctx = NULL;
	if (ret != SYM_OK)
		return ret;
	if (gpgme_new(ctx) != 0) {
		*ctx = NULL;
		return SYM_ENOMEM;
	}
	if (gpgme_set_protocol(*ctx, GPGME_PROTOCOL_OpenPGP) != 0 ||
	    (home != NULL && gpgme_ctx_set_engine_info(*ctx,
	    GPGME_PROTOCOL_OpenPGP, NULL, home) != 0)) {
		gpgme_release(*ctx);
		*ctx = NULL;
		return SYM_ENOGPG;
	}
	gpgme_set_offline(*ctx, 1);
	return SYM_OK;
}

int
sym_pgp_parse_fingerprint(char out[static SYM_PGP_FPR_CHARS + 1],
    const char *text)
{
	size_t n = 0;

	for (const char *p = text; *p != '\0'; p++) {
		if (*p == ' ')
			continue;
		if (!is_hex((unsigned char)*p) || n == SYM_PGP_FPR_CHARS) {
			out[0] = '\0';
			return SYM_EFORMAT;
		}
		out[n++] = (char)((*p >= 'a' && *p <= 'f') ?
		    *p - 'a' + 'A' : *p);
	}
	out[n] = '\0';
	if (n != SYM_PGP_FPR_CHARS) {
		out[0] = '\0';
		return SYM_EFORMAT;
	}
	return SYM_OK;
}

/* ---- packets and armour (RFC 4880 4.2, 6) ---- */

struct packet {
	unsigned tag;
	size_t header_len;
	size_t body_len;        /* of the first part when partial */
	int partial;            /* new-format partial body length */
	int indeterminate;      /* old-format length type 3 */
};

/* Decodes the packet header at p[0..len).  SYM_OK, SYM_EFORMAT (not a
 * packet header) or SYM_ETRUNCATED (the header is cut off). */
static int
packet_header(struct packet *pk, const uint8_t *p, size_t len)
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
 * tell it from other binary data in sym_pgp_sniff. */
static int
esk_plausible(unsigned tag, const uint8_t *b, size_t n)
{
	if (tag == TAG_PKESK) {
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

/* 1 if buf starts (after white space) with the BEGIN line of label. */
static int
armor_begins(const uint8_t *buf, size_t len, const char *label)
{
	size_t pos = skip_space(buf, len);
	const uint8_t *line;
	size_t n;

	return next_line(buf, len, &pos, &line, &n) &&
	    is_armor_line(line, n, "BEGIN", label);
}

/*
 * Removes the ASCII armour labelled label from buf: *out (malloc) gets the
 * binary.  SYM_EFORMAT if buf does not start with the BEGIN line, else
 * SYM_EPGPCORRUPT for any damage (bad base64, checksum, no END line).
 */
static int
dearmor(uint8_t **out, size_t *out_len, const uint8_t *buf, size_t len,
    const char *label)
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

/* Lists the session key packets of the binary message p[0..len). */
static int
list_esk(struct sym_pgp_keyids *out, const uint8_t *p, size_t len)
{
	size_t off = 0;
	int any = 0;

	memset(out, 0, sizeof *out);
	for (;;) {
		struct packet pk;
		const uint8_t *b;
		int ret;

		if (off == len)
			return any ? SYM_EPGPCORRUPT : SYM_ENOTPGPMSG;
		ret = packet_header(&pk, p + off, len - off);
		if (ret != SYM_OK)
			return any || ret == SYM_ETRUNCATED ?
			    SYM_EPGPCORRUPT : SYM_ENOTPGPMSG;
		if (pk.tag != TAG_PKESK && pk.tag != TAG_SKESK &&
		    pk.tag != TAG_MARKER) {
			if (!any)
				return SYM_ENOTPGPMSG;
			/* After the session keys comes the encrypted data. */
			if (pk.tag == TAG_SED || pk.tag == TAG_SEIPD ||
			    pk.tag == TAG_AEAD)
				return SYM_OK;
			return SYM_EPGPCORRUPT;
		}
		if (pk.partial || pk.indeterminate ||
		    pk.body_len > len - off - pk.header_len)
			return off == 0 && pk.tag == TAG_MARKER ?
			    SYM_ENOTPGPMSG : SYM_EPGPCORRUPT;
		b = p + off + pk.header_len;
		if (pk.tag == TAG_PKESK) {
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
		} else if (pk.tag == TAG_SKESK) {
			if (pk.body_len < 2)
				return SYM_EPGPCORRUPT;
			out->passphrases++;
			any = 1;
		}
		off += pk.header_len + pk.body_len;
	}
}

/* The binary form of msg: *bin points into msg, or to *owned (malloc). */
static int
binary_form(const uint8_t **bin, size_t *bin_len, uint8_t **owned,
    const uint8_t *msg, size_t msg_len, const char *label)
{
	int ret;

	*owned = NULL;
	if (!armor_begins(msg, msg_len, label)) {
		*bin = msg;
		*bin_len = msg_len;
		return SYM_OK;
	}
	ret = dearmor(owned, bin_len, msg, msg_len, label);
	*bin = *owned;
	return ret;
}

int
sym_pgp_list_recipients(struct sym_pgp_keyids *out, const uint8_t *msg,
    size_t msg_len)
{
	const uint8_t *bin;
	uint8_t *owned = NULL;
	size_t bin_len;
	int ret;

	memset(out, 0, sizeof *out);
	if (msg_len > SYM_PGP_MESSAGE_MAX)
		return SYM_ETOOBIG;
	ret = binary_form(&bin, &bin_len, &owned, msg, msg_len,
	    armor_message);
	if (ret == SYM_OK)
		ret = list_esk(out, bin, bin_len);
	if (ret != SYM_OK)
		memset(out, 0, sizeof *out);
	free(owned);
	return ret;
}

enum sym_pgp_form
sym_pgp_sniff(const uint8_t *buf, size_t len)
{
	size_t off = 0;
	struct packet pk;

	if (buf == NULL)
		return SYM_PGP_NONE;
	if (armor_begins(buf, len, armor_message))
		return SYM_PGP_ARMORED;
	for (int i = 0; i < 2; i++) {
		if (packet_header(&pk, buf + off, len - off) != SYM_OK ||
		    pk.partial || pk.indeterminate ||
		    pk.body_len > len - off - pk.header_len)
			return SYM_PGP_NONE;
		if (pk.tag == TAG_MARKER && i == 0 && pk.body_len == 3 &&
		    memcmp(buf + off + pk.header_len, "PGP", 3) == 0) {
			off += pk.header_len + pk.body_len;
			continue;
		}
		if ((pk.tag == TAG_PKESK || pk.tag == TAG_SKESK) &&
		    esk_plausible(pk.tag, buf + off + pk.header_len,
		    pk.body_len))
			return SYM_PGP_BINARY;
		return SYM_PGP_NONE;
	}
	return SYM_PGP_NONE;
}

/* 1 if buf looks like a detached signature (armoured, or a v3/v4/v5
 * signature packet first). */
static int
sniff_signature(const uint8_t *buf, size_t len)
{
	struct packet pk;

	if (armor_begins(buf, len, armor_signature))
		return 1;
	return packet_header(&pk, buf, len) == SYM_OK && pk.tag == TAG_SIG &&
	    !pk.partial && !pk.indeterminate &&
	    pk.body_len <= len - pk.header_len && pk.body_len > 0 &&
	    buf[pk.header_len] >= 3 && buf[pk.header_len] <= 5;
}

/* ---- keys ---- */

static void
fill_key(struct sym_pgp_key *out, gpgme_key_t key, gpgme_subkey_t sub)
{
	gpgme_user_id_t uid, best = NULL;
	char *algo;

	memset(out, 0, sizeof *out);
	copy_hex(out->fpr, sizeof out->fpr, key->fpr);
	if (key->subkeys != NULL) {
		copy_hex(out->keyid, sizeof out->keyid, key->subkeys->keyid);
		out->created = key->subkeys->timestamp;
		out->expires = key->subkeys->expires;
	}
	if (sub != NULL) {
		copy_hex(out->subkey_fpr, sizeof out->subkey_fpr, sub->fpr);
		copy_hex(out->subkey_keyid, sizeof out->subkey_keyid,
		    sub->keyid);
		if (sub->expires > 0 &&
		    (out->expires == 0 || sub->expires < out->expires))
			out->expires = sub->expires;
		algo = gpgme_pubkey_algo_string(sub);
		if (algo != NULL)
			copy_text(out->subkey_algo, sizeof out->subkey_algo,
			    algo);
		gpgme_free(algo);
	}
	/* gpg lists the primary user id first. */
	for (uid = key->uids; uid != NULL; uid = uid->next)
		if (!uid->revoked && !uid->invalid) {
			best = uid;
			break;
		}
	if (best == NULL)
		best = key->uids;
	if (best != NULL)
		copy_text(out->uid, sizeof out->uid, best->uid);
}

/* The checks of pgp.h on key; *chosen gets the encryption subkey. */
static int
check_key(gpgme_key_t key, gpgme_subkey_t *chosen)
{
	gpgme_subkey_t sub;
	int any_enc = 0, any_revoked = 0, any_expired = 0, any_disabled = 0;

	*chosen = NULL;
	if (key->secret)
		return SYM_EPGPSECRET;
	if (key->revoked)
		return SYM_EKEYREVOKED;
	if (key->expired)
		return SYM_EKEYEXPIRED;
	if (key->disabled)
		return SYM_EKEYDISABLED;
	if (key->invalid || key->subkeys == NULL)
		return SYM_ENOTPGPKEY;
	for (sub = key->subkeys; sub != NULL; sub = sub->next) {
		if (!sub->can_encrypt)
			continue;
		any_enc = 1;
		any_revoked |= sub->revoked;
		any_expired |= sub->expired;
		any_disabled |= sub->disabled;
		if (sub->revoked || sub->expired || sub->disabled ||
		    sub->invalid)
			continue;
		/* The newest valid one, as gpg picks it. */
		if (*chosen == NULL || sub->timestamp > (*chosen)->timestamp)
			*chosen = sub;
	}
	if (*chosen != NULL)
		return SYM_OK;
	if (!any_enc)
		return SYM_ENOENCSUBKEY;
	if (any_revoked)
		return SYM_EKEYREVOKED;
	if (any_expired)
		return SYM_EKEYEXPIRED;
	if (any_disabled)
		return SYM_EKEYDISABLED;
	return SYM_ENOENCSUBKEY;
}

struct sym_pgp_recipient {
	struct sym_pgp_key info;
	gpgme_ctx_t ctx;
	char home[256];         /* temporary GnuPG home, "" for the user's */
};

/* Deletes what GnuPG left in a temporary home, never following links. */
static void
remove_tree_at(int dirfd, int depth)
{
	int fd = dup(dirfd);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (dir == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(dir)) != NULL) {
		int sub;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd, e->d_name, 0) == 0)
			continue;
		if (depth > 0 && (sub = openat(dirfd, e->d_name, O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
			remove_tree_at(sub, depth - 1);
			close(sub);
			(void)unlinkat(dirfd, e->d_name, AT_REMOVEDIR);
		}
	}
	closedir(dir);
}

static void
remove_home(const char *home)
{
	int fd;

	if (home[0] == '\0')
		return;
	fd = open(home, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		remove_tree_at(fd, 4);
		close(fd);
	}
	(void)rmdir(home);
}

/* A private GnuPG home under $TMPDIR where gpg never starts an agent. */
static int
make_home(char *home, size_t cap)
{
	static const char conf[] = "no-autostart\n";
	const char *tmp = getenv("TMPDIR");
	char path[300];
	int fd, n, ret = SYM_OK;

	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	n = snprintf(home, cap, "%s/symbolon-gpg-XXXXXX", tmp);
	if (n < 0 || (size_t)n >= cap)
		n = snprintf(home, cap, "/tmp/symbolon-gpg-XXXXXX");
	if (n < 0 || (size_t)n >= cap || mkdtemp(home) == NULL) {
		ret = sym_error_from_errno(errno);
		home[0] = '\0';
		return ret;
	}
	n = snprintf(path, sizeof path, "%s/gpg.conf", home);
	fd = (n > 0 && (size_t)n < sizeof path) ? open(path, O_WRONLY |
	    O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600) : -1;
	if (fd < 0 || write(fd, conf, sizeof conf - 1) !=
	    (ssize_t)(sizeof conf - 1))
		ret = sym_error_from_errno(errno);
	if (fd >= 0 && close(fd) != 0 && ret == SYM_OK)
		ret = sym_error_from_errno(errno);
	if (ret != SYM_OK) {
		remove_home(home);
		home[0] = '\0';
	}
	return ret;
}

/* Lists the keys in data without importing: one public key, or why not.
 * fpr gets its fingerprint; seen (if not NULL) the key's details, to
 * name a key that is refused. */
static int
inspect_key_data(char fpr[static SYM_PGP_FPR_CHARS + 1], gpgme_ctx_t ctx,
    gpgme_data_t data, struct sym_pgp_key *seen)
{
	gpgme_key_t key;
	gpgme_error_t err;
	int ret = SYM_OK, count = 0, secret = 0;

	fpr[0] = '\0';
	err = gpgme_op_keylist_from_data_start(ctx, data, 0);
	if (err != 0)
		return map_gpgme_error(err);
	while ((err = gpgme_op_keylist_next(ctx, &key)) == 0) {
		if (count++ == 0) {
			copy_hex(fpr, SYM_PGP_FPR_CHARS + 1, key->fpr);
			if (seen != NULL)
				fill_key(seen, key, NULL);
		}
		secret |= key->secret;
		gpgme_key_unref(key);
	}
	if (gpg_err_code(err) != GPG_ERR_EOF)
		ret = map_gpgme_error(err);
	(void)gpgme_op_keylist_end(ctx);
	if (ret != SYM_OK)
		return ret;
	if (count > 1 && seen != NULL)
		memset(seen, 0, sizeof *seen);  /* no one key to name */
	if (secret)
		return SYM_EPGPSECRET;
	if (count == 0)
		return SYM_ENOTPGPKEY;
	if (count > 1)
		return SYM_EMANYKEYS;
	if (strlen(fpr) != SYM_PGP_FPR_CHARS)
		return SYM_ENOTPGPKEY;
	return SYM_OK;
}

/* Imports the key file at path into r's private home; *key from there. */
static int
load_key_file(struct sym_pgp_recipient *r, gpgme_key_t *key,
    const char *path, struct sym_pgp_key *seen)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	gpgme_data_t data = NULL;
	gpgme_import_result_t res;
	char fpr[SYM_PGP_FPR_CHARS + 1];
	gpgme_error_t err;
	int ret;

	*key = NULL;
	ret = sym_io_read_all(&buf, &len, path, SYM_PGP_KEYFILE_MAX);
	if (ret != SYM_OK)
		return ret;
	if (len == 0) {
		ret = SYM_ENOTPGPKEY;
		goto out;
	}
	if ((ret = make_home(r->home, sizeof r->home)) != SYM_OK ||
	    (ret = new_ctx(&r->ctx, r->home)) != SYM_OK)
		goto out;
	if (gpgme_data_new_from_mem(&data, (const char *)buf, len, 0) != 0) {
		ret = SYM_ENOMEM;
		goto out;
	}
	if ((ret = inspect_key_data(fpr, r->ctx, data, seen)) != SYM_OK)
		goto out;
	if (gpgme_data_seek(data, 0, SEEK_SET) != 0) {
		ret = SYM_EGPGME;
		goto out;
	}
	err = gpgme_op_import(r->ctx, data);
	if (err != 0) {
		ret = map_gpgme_error(err);
		goto out;
	}
	res = gpgme_op_import_result(r->ctx);
	if (res == NULL || res->secret_read != 0) {
		ret = res == NULL ? SYM_EGPGME : SYM_EPGPSECRET;
		goto out;
	}
	err = gpgme_get_key(r->ctx, fpr, key, 0);
	if (err != 0) {
		/* gpg drops a key without a valid self-signed user id. */
		*key = NULL;
		ret = gpg_err_code(err) == GPG_ERR_EOF ? SYM_ENOTPGPKEY :
		    map_gpgme_error(err);
		goto out;
	}
	ret = SYM_OK;
out:
	gpgme_data_release(data);
	sym_secmem_free(buf);
	return ret;
}

/* The key with primary fingerprint fpr from the user's keyring. */
static int
load_keyring_key(struct sym_pgp_recipient *r, gpgme_key_t *key,
    const char *fpr)
{
	gpgme_error_t err;
	char got[SYM_PGP_FPR_CHARS + 1];
	int ret;

	*key = NULL;
	if ((ret = new_ctx(&r->ctx, NULL)) != SYM_OK)
		return ret;
	err = gpgme_get_key(r->ctx, fpr, key, 0);
	if (err != 0) {
		*key = NULL;
		switch (gpg_err_code(err)) {
		case GPG_ERR_EOF:
		case GPG_ERR_AMBIGUOUS_NAME:
			return SYM_ENOPGPKEY;
		default:
			return map_gpgme_error(err);
		}
	}
	/* gpg also finds a key by a subkey's fingerprint: we want the
	 * holder's primary key, as Vault prints it. */
	copy_hex(got, sizeof got, (*key)->fpr);
	if (strcmp(got, fpr) != 0) {
		gpgme_key_unref(*key);
		*key = NULL;
		return SYM_ENOPGPKEY;
	}
	return SYM_OK;
}

int
sym_pgp_recipient_resolve(struct sym_pgp_recipient **out, const char *spec)
{
	return sym_pgp_recipient_resolve_key(out, NULL, spec);
}

int
sym_pgp_recipient_resolve_key(struct sym_pgp_recipient **out,
    struct sym_pgp_key *seen, const char *spec)
{
	struct sym_pgp_recipient *r;
	gpgme_key_t key = NULL;
	gpgme_subkey_t sub;
	char fpr[SYM_PGP_FPR_CHARS + 1];
	int ret;

	*out = NULL;
	if (seen != NULL)
		memset(seen, 0, sizeof *seen);
	if ((ret = sym_pgp_init()) != SYM_OK)
		return ret;
	r = calloc(1, sizeof *r);
	if (r == NULL)
		return SYM_ENOMEM;
	if (sym_pgp_parse_fingerprint(fpr, spec) == SYM_OK)
		ret = load_keyring_key(r, &key, fpr);
	else
		ret = load_key_file(r, &key, spec, seen);
	if (ret != SYM_OK)
		goto out;
	if (seen != NULL)
		fill_key(seen, key, NULL);
	if ((ret = check_key(key, &sub)) != SYM_OK)
		goto out;
	fill_key(&r->info, key, sub);
	if (seen != NULL)
		*seen = r->info;
	if (strlen(r->info.subkey_fpr) != SYM_PGP_FPR_CHARS) {
		ret = SYM_EGPGME;
		goto out;
	}
	*out = r;
	r = NULL;
	ret = SYM_OK;
out:
	if (key != NULL)
		gpgme_key_unref(key);
	sym_pgp_recipient_free(r);
	return ret;
}

const struct sym_pgp_key *
sym_pgp_recipient_key(const struct sym_pgp_recipient *r)
{
	return &r->info;
}

void
sym_pgp_recipient_free(struct sym_pgp_recipient *r)
{
	if (r == NULL)
		return;
	if (r->ctx != NULL)
		gpgme_release(r->ctx);
	remove_home(r->home);
	free(r);
}

int
sym_pgp_lookup_keyid(struct sym_pgp_key *out, const char *keyid)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key = NULL;
	gpgme_subkey_t sub;
	gpgme_error_t err;
	char want[SYM_PGP_KEYID_CHARS + 1], got[SYM_PGP_KEYID_CHARS + 1];
	int ret;

	memset(out, 0, sizeof *out);
	copy_hex(want, sizeof want, keyid);
	if (strlen(want) != SYM_PGP_KEYID_CHARS)
		return SYM_EFORMAT;
	if (strspn(want, "0") == SYM_PGP_KEYID_CHARS)
		return SYM_ENOPGPKEY;   /* hidden recipient */
	if ((ret = new_ctx(&ctx, NULL)) != SYM_OK)
		return ret;
	err = gpgme_get_key(ctx, want, &key, 0);
	if (err != 0) {
		key = NULL;
		ret = gpg_err_code(err) == GPG_ERR_EOF ||
		    gpg_err_code(err) == GPG_ERR_AMBIGUOUS_NAME ?
		    SYM_ENOPGPKEY : map_gpgme_error(err);
		goto out;
	}
	ret = SYM_ENOPGPKEY;
	for (sub = key->subkeys; sub != NULL; sub = sub->next) {
		copy_hex(got, sizeof got, sub->keyid);
		if (strcmp(got, want) == 0) {
			fill_key(out, key, sub);
			ret = SYM_OK;
			break;
		}
	}
out:
	if (key != NULL)
		gpgme_key_unref(key);
	gpgme_release(ctx);
	return ret;
}

/* ---- encryption ---- */

int
sym_pgp_encrypt(uint8_t **out, size_t *out_len, const uint8_t *plain,
    size_t plain_len, enum sym_pgp_form form,
    const struct sym_pgp_recipient *to)
{
	gpgme_data_t in = NULL, cipher = NULL;
	gpgme_encrypt_result_t res;
	gpgme_error_t err;
	struct sym_pgp_keyids ids;
	const uint8_t *bin;
	uint8_t *owned = NULL, *result = NULL;
	char *mem = NULL, recp[SYM_PGP_FPR_CHARS + 2];
	size_t mem_len = 0, bin_len;
	int ret;

	*out = NULL;
	*out_len = 0;
	if ((form != SYM_PGP_BINARY && form != SYM_PGP_ARMORED) ||
	    (plain == NULL && plain_len > 0))
		return SYM_EUSAGE;
	if (plain_len > SYM_PGP_PLAINTEXT_MAX)
		return SYM_ETOOBIG;
	/*
	 * copy=0: GPGME reads straight from our secure buffer.  What GPGME
	 * copies anyway: its outbound handler reads each chunk (up to its
	 * BUFFER_SIZE) into a "pending" array inside the gpgme_data_t, which
	 * gpgme_data_release frees without wiping, before writing it to the
	 * pipe to gpg; and gpg then holds the plaintext in its own memory.
	 * Neither is reachable from here.
	 */
	if (gpgme_data_new_from_mem(&in, plain_len ? (const char *)plain : "",
	    plain_len, 0) != 0 || gpgme_data_new(&cipher) != 0) {
		ret = SYM_ENOMEM;
		goto out;
	}
	gpgme_set_armor(to->ctx, form == SYM_PGP_ARMORED);
	/* "FPR!" makes gpg use exactly the subkey we checked. */
	snprintf(recp, sizeof recp, "%s!", to->info.subkey_fpr);
	err = gpgme_op_encrypt_ext(to->ctx, NULL, recp,
	    GPGME_ENCRYPT_ALWAYS_TRUST | GPGME_ENCRYPT_NO_ENCRYPT_TO, in,
	    cipher);
	res = gpgme_op_encrypt_result(to->ctx);
	if (err != 0 || res == NULL || res->invalid_recipients != NULL) {
		ret = err != 0 ? map_gpgme_error(err) : SYM_EGPGME;
		goto out;
	}
	mem = gpgme_data_release_and_get_mem(cipher, &mem_len);
	cipher = NULL;
	if (mem == NULL || mem_len == 0) {
		ret = SYM_EGPGME;
		goto out;
	}
	/* A user's gpg.conf may say "armor": undo it when binary is asked;
	 * and check that the message names only the subkey we chose (or
	 * hides it, with "throw-keyids" in gpg.conf). */
	ret = binary_form(&bin, &bin_len, &owned, (const uint8_t *)mem,
	    mem_len, armor_message);
	if (ret == SYM_OK)
		ret = list_esk(&ids, bin, bin_len);
	if (ret != SYM_OK || ids.count != 1 || ids.passphrases != 0 ||
	    ids.more || (strcmp(ids.key[0].keyid, to->info.subkey_keyid) != 0 &&
	    strspn(ids.key[0].keyid, "0") != SYM_PGP_KEYID_CHARS)) {
		ret = SYM_EINTERNAL;
		goto out;
	}
	if (form == SYM_PGP_BINARY) {
		result = malloc(bin_len);
		if (result != NULL)
			memcpy(result, bin, bin_len);
		*out_len = bin_len;
	} else {
		result = malloc(mem_len);
		if (result != NULL)
			memcpy(result, mem, mem_len);
		*out_len = mem_len;
	}
	if (result == NULL) {
		*out_len = 0;
		ret = SYM_ENOMEM;
		goto out;
	}
	*out = result;
	ret = SYM_OK;
out:
	gpgme_free(mem);
	free(owned);
	gpgme_data_release(cipher);
	gpgme_data_release(in);
	return ret;
}

/* ---- decryption ---- */

/* Where decrypted bytes go: secure memory only. */
struct secure_sink {
	unsigned char *buf;
	size_t len, cap;
	int too_big, no_mem;
};

static ssize_t
sink_write(void *handle, const void *data, size_t size)
{
	struct secure_sink *s = handle;

	if (size > SYM_PGP_PLAINTEXT_MAX - s->len) {
		s->too_big = 1;
		errno = EFBIG;
		return -1;
	}
	/* +1: room for the NUL that sym_pgp_decrypt promises. */
	if (s->len + size + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 256;

		while (cap < s->len + size + 1)
			cap *= 2;
		if (sym_secmem_grow(&s->buf, &s->cap, s->len, cap) != SYM_OK) {
			s->no_mem = 1;
			errno = ENOMEM;
			return -1;
		}
	}
	memcpy(s->buf + s->len, data, size);
	s->len += size;
	return (ssize_t)size;
}

/*
 * 1 if gpg-agent answers on its socket.  gpg reports a missing agent as
 * "no secret key" (NO_SECKEY status), so after such a failure we ask the
 * agent ourselves; gpg will already have tried to start it.
 */
static int
agent_reachable(void)
{
	const char *socket = gpgme_get_dirinfo("agent-socket");
	gpgme_ctx_t ctx = NULL;
	gpgme_error_t err, op_err = 0;
	int ok = 0;

	if (socket == NULL || gpgme_new(&ctx) != 0)
		return 0;
	if (gpgme_set_protocol(ctx, GPGME_PROTOCOL_ASSUAN) == 0 &&
	    gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_ASSUAN, socket,
	    NULL) == 0) {
		err = gpgme_op_assuan_transact_ext(ctx, "GETINFO version",
		    NULL, NULL, NULL, NULL, NULL, NULL, &op_err);
		ok = err == 0 && op_err == 0;
	}
	gpgme_release(ctx);
	return ok;
}

static int
all_hidden(const struct sym_pgp_keyids *ids)
{
	if (ids->count == 0)
		return 0;
	for (size_t i = 0; i < ids->count; i++)
		if (strspn(ids->key[i].keyid, "0") != SYM_PGP_KEYID_CHARS)
			return 0;
	return 1;
}

int
sym_pgp_decrypt(uint8_t **plain, size_t *plain_len,
    struct sym_pgp_keyids *to, const uint8_t *msg, size_t msg_len)
{
	static const struct gpgme_data_cbs sink_cbs = { NULL, sink_write,
	    NULL, NULL };
	struct gpgme_data_cbs cbs = sink_cbs;
	struct secure_sink sink = { NULL, 0, 0, 0, 0 };
	struct sym_pgp_keyids ids;
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t in = NULL, out = NULL;
	gpgme_error_t err;
	int ret;

	*plain = NULL;
	*plain_len = 0;
	if (to != NULL)
		memset(to, 0, sizeof *to);
	if (msg_len > SYM_PGP_MESSAGE_MAX)
		return SYM_ETOOBIG;
	if (sym_pgp_sniff(msg, msg_len) == SYM_PGP_NONE)
		return SYM_ENOTPGPMSG;
	if (sym_pgp_list_recipients(&ids, msg, msg_len) != SYM_OK)
		memset(&ids, 0, sizeof ids);
	if (to != NULL)
		*to = ids;
	if ((ret = new_ctx(&ctx, NULL)) != SYM_OK)
		goto out;
	if (gpgme_data_new_from_mem(&in, (const char *)msg, msg_len, 0) != 0 ||
	    gpgme_data_new_from_cbs(&out, &cbs, &sink) != 0) {
		ret = SYM_ENOMEM;
		goto out;
	}
	/*
	 * The plaintext reaches us only through sink_write, into secure
	 * memory.  On its way GPGME reads each chunk from gpg's pipe into a
	 * buffer on its stack (_gpgme_data_inbound_handler) that it does not
	 * wipe, and gpg itself holds it in ordinary memory.
	 */
	err = gpgme_op_decrypt(ctx, in, out);
	if (sink.too_big) {
		ret = SYM_ETOOBIG;
		goto out;
	}
	if (sink.no_mem) {
		ret = SYM_ENOMEM;
		goto out;
	}
	switch (gpg_err_code(err)) {
	case GPG_ERR_NO_ERROR:
		ret = SYM_OK;
		break;
	case GPG_ERR_NO_SECKEY:
		ret = agent_reachable() ? SYM_ENOSECKEY : SYM_ENOAGENT;
		break;
	case GPG_ERR_DECRYPT_FAILED:
		/* gpg cannot say NO_SECKEY for hidden recipients. */
		if (!agent_reachable())
			ret = SYM_ENOAGENT;
		else if (all_hidden(&ids) && ids.passphrases == 0)
			ret = SYM_ENOSECKEY;
		else
			ret = SYM_EPGPCORRUPT;
		break;
	case GPG_ERR_NO_DATA:
		/* It looked like a message (sniffed), but gpg found none. */
		ret = SYM_EPGPCORRUPT;
		break;
	case GPG_ERR_BAD_DATA:
	case GPG_ERR_INV_PACKET:
	case GPG_ERR_INV_DATA:
	case GPG_ERR_CHECKSUM:
	case GPG_ERR_TRUNCATED:
	case GPG_ERR_UNEXPECTED:
	case GPG_ERR_INV_KEYLEN:
	case GPG_ERR_BAD_KEY:
	case GPG_ERR_INV_LENGTH:
		ret = SYM_EPGPCORRUPT;
		break;
	default:
		ret = map_gpgme_error(err);
		break;
	}
	if (ret != SYM_OK)
		goto out;
	if (sink.buf == NULL) {
		/* An empty plaintext: still a buffer with its NUL. */
		sink.buf = sym_secmem_alloc(1);
		if (sink.buf == NULL) {
			ret = SYM_ENOMEM;
			goto out;
		}
		sink.cap = 1;
	}
	sink.buf[sink.len] = '\0';
	*plain = sink.buf;
	*plain_len = sink.len;
	sink.buf = NULL;
	ret = SYM_OK;
out:
	sym_secmem_free(sink.buf);
	gpgme_data_release(out);
	gpgme_data_release(in);
	gpgme_release(ctx);
	return ret;
}

/* ---- signatures ---- */

const char *
sym_pgp_validity_name(enum sym_pgp_validity v)
{
	switch (v) {
	case SYM_PGP_VALIDITY_UNDEFINED:
		return "undefined";
	case SYM_PGP_VALIDITY_NEVER:
		return "never";
	case SYM_PGP_VALIDITY_MARGINAL:
		return "marginal";
	case SYM_PGP_VALIDITY_FULL:
		return "full";
	case SYM_PGP_VALIDITY_ULTIMATE:
		return "ultimate";
	case SYM_PGP_VALIDITY_UNKNOWN:
	default:
		return "unknown";
	}
}

static int
signature_status(gpgme_error_t status)
{
	switch (gpg_err_code(status)) {
	case GPG_ERR_NO_ERROR:
		return SYM_OK;
	case GPG_ERR_NO_PUBKEY:
		return SYM_ENOPUBKEY;
	case GPG_ERR_CERT_REVOKED:
		return SYM_EKEYREVOKED;
	case GPG_ERR_KEY_EXPIRED:
	case GPG_ERR_SIG_EXPIRED:
		return SYM_EKEYEXPIRED;
	default:
		return SYM_EBADSIG;
	}
}

/* Lower is worse: the order in which verify reports a failure. */
static int
status_rank(int status)
{
	switch (status) {
	case SYM_EBADSIG:
		return 0;
	case SYM_ENOPUBKEY:
		return 1;
	case SYM_EKEYREVOKED:
		return 2;
	case SYM_EKEYEXPIRED:
		return 3;
	default:
		return 4;
	}
}

static enum sym_pgp_validity
map_validity(gpgme_validity_t v)
{
	switch (v) {
	case GPGME_VALIDITY_UNDEFINED:
		return SYM_PGP_VALIDITY_UNDEFINED;
	case GPGME_VALIDITY_NEVER:
		return SYM_PGP_VALIDITY_NEVER;
	case GPGME_VALIDITY_MARGINAL:
		return SYM_PGP_VALIDITY_MARGINAL;
	case GPGME_VALIDITY_FULL:
		return SYM_PGP_VALIDITY_FULL;
	case GPGME_VALIDITY_ULTIMATE:
		return SYM_PGP_VALIDITY_ULTIMATE;
	case GPGME_VALIDITY_UNKNOWN:
	default:
		return SYM_PGP_VALIDITY_UNKNOWN;
	}
}

static int
verify_data(struct sym_pgp_signatures *out, const uint8_t *sig,
    size_t sig_len, gpgme_data_t signed_data)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t sig_data = NULL;
	gpgme_verify_result_t res;
	gpgme_signature_t s;
	gpgme_error_t err;
	int ret, worst = SYM_OK;

	memset(out, 0, sizeof *out);
	if (sig_len > SYM_PGP_SIGNATURE_MAX)
		return SYM_ETOOBIG;
	if (!sniff_signature(sig, sig_len))
		return SYM_ENOTPGPSIG;
	if ((ret = new_ctx(&ctx, NULL)) != SYM_OK)
		return ret;
	if (gpgme_data_new_from_mem(&sig_data, (const char *)sig, sig_len,
	    0) != 0) {
		ret = SYM_ENOMEM;
		goto out;
	}
	err = gpgme_op_verify(ctx, sig_data, signed_data, NULL);
	if (gpg_err_code(err) == GPG_ERR_NO_DATA ||
	    gpg_err_code(err) == GPG_ERR_BAD_DATA) {
		ret = SYM_ENOTPGPSIG;
		goto out;
	}
	if (err != 0) {
		ret = map_gpgme_error(err);
		goto out;
	}
	res = gpgme_op_verify_result(ctx);
	if (res == NULL || res->signatures == NULL) {
		ret = SYM_ENOTPGPSIG;
		goto out;
	}
	for (s = res->signatures; s != NULL; s = s->next) {
		struct sym_pgp_signature *o;
		int status = signature_status(s->status);

		if (status_rank(status) < status_rank(worst))
			worst = status;
		if (out->count == SYM_PGP_SIGNATURES_MAX) {
			out->more = 1;
			continue;
		}
		o = &out->sig[out->count++];
		copy_hex(o->signing_fpr, sizeof o->signing_fpr, s->fpr);
		o->status = status;
		o->created = (int64_t)s->timestamp;
		o->validity = map_validity(s->validity);
	}
	/* Name each signer by its primary key; gpgme_get_key uses a
	 * context of its own, so the result above stays intact. */
	for (size_t i = 0; i < out->count; i++) {
		struct sym_pgp_signature *o = &out->sig[i];
		gpgme_key_t key = NULL;
		struct sym_pgp_key info;

		if (o->signing_fpr[0] == '\0' ||
		    gpgme_get_key(ctx, o->signing_fpr, &key, 0) != 0)
			continue;
		fill_key(&info, key, NULL);
		memcpy(o->fpr, info.fpr, sizeof o->fpr);
		memcpy(o->uid, info.uid, sizeof o->uid);
		gpgme_key_unref(key);
	}
	ret = worst;
out:
	gpgme_data_release(sig_data);
	gpgme_release(ctx);
	return ret;
}

int
sym_pgp_verify_detached(struct sym_pgp_signatures *out, const uint8_t *sig,
    size_t sig_len, const uint8_t *data, size_t data_len)
{
	gpgme_data_t signed_data = NULL;
	int ret;

	memset(out, 0, sizeof *out);
	if (data == NULL && data_len > 0)
		return SYM_EUSAGE;
	if ((ret = sym_pgp_init()) != SYM_OK)
		return ret;
	if (gpgme_data_new_from_mem(&signed_data, data_len ?
	    (const char *)data : "", data_len, 0) != 0)
		return SYM_ENOMEM;
	ret = verify_data(out, sig, sig_len, signed_data);
	gpgme_data_release(signed_data);
	return ret;
}

int
sym_pgp_verify_detached_fd(struct sym_pgp_signatures *out,
    const uint8_t *sig, size_t sig_len, int fd)
{
	gpgme_data_t signed_data = NULL;
	int ret;

	memset(out, 0, sizeof *out);
	if (fd < 0)
		return SYM_EUSAGE;
	if ((ret = sym_pgp_init()) != SYM_OK)
		return ret;
	if (gpgme_data_new_from_fd(&signed_data, fd) != 0)
		return SYM_ENOMEM;
	ret = verify_data(out, sig, sig_len, signed_data);
	gpgme_data_release(signed_data);
	return ret;
}
