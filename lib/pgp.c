/*
 * OpenPGP through GPGME (see pgp.h): initialisation, encryption to one
 * checked recipient, detached signatures.  Key resolution is in
 * pgp_key.c, decryption (and gpg-agent's presence) in pgp_decrypt.c, the
 * GnuPG-free packet parser in pgp_packet.c.
 */
#define _GNU_SOURCE
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gpgme.h>

#include "symbolon/pgp.h"
#include "symbolon/pgp_packet.h"
#include "symbolon/secmem.h"

#include "pgp_internal.h"

#define GPGME_MIN_VERSION "1.14.0"

static int pgp_ready;

/* ---- small helpers ---- */

static int
is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* Copies a hex id from GnuPG, upper-cased; "" if it is not hex. */
void
pgp_copy_hex(char *out, size_t cap, const char *in)
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
void
pgp_copy_text(char *out, size_t cap, const char *in)
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
int
pgp_map_gpgme_error(gpgme_error_t err)
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
int
pgp_new_ctx(gpgme_ctx_t *ctx, const char *home)
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

/* ---- encryption ---- */

/* A user's gpg.conf may say "armor": *bin is the binary form either way;
 * and the message must name only the subkey we chose (or hide it, with
 * "throw-keyids" in gpg.conf). */
static int
check_message(const uint8_t **bin, size_t *bin_len, uint8_t **owned,
    const char *mem, size_t mem_len, const struct sym_pgp_recipient *to)
{
	struct sym_pgp_keyids ids;
	int ret = sym_pgp_packet_binary(bin, bin_len, owned,
	    (const uint8_t *)mem, mem_len, SYM_PGP_ARMOR_MESSAGE);

	if (ret == SYM_OK)
		ret = sym_pgp_packet_list_esk(&ids, *bin, *bin_len);
	if (ret != SYM_OK || ids.count != 1 || ids.passphrases != 0 ||
	    ids.more || (strcmp(ids.key[0].keyid, to->info.subkey_keyid) != 0 &&
	    strspn(ids.key[0].keyid, "0") != SYM_PGP_KEYID_CHARS))
		return SYM_EINTERNAL;
	return SYM_OK;
}

int
sym_pgp_encrypt(uint8_t **out, size_t *out_len, const uint8_t *plain,
    size_t plain_len, enum sym_pgp_form form,
    const struct sym_pgp_recipient *to)
{
	gpgme_data_t in = NULL, cipher = NULL;
	gpgme_encrypt_result_t res;
	gpgme_error_t err;
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
		ret = err != 0 ? pgp_map_gpgme_error(err) : SYM_EGPGME;
		goto out;
	}
	mem = gpgme_data_release_and_get_mem(cipher, &mem_len);
	cipher = NULL;
	if (mem == NULL || mem_len == 0) {
		ret = SYM_EGPGME;
		goto out;
	}
	if ((ret = check_message(&bin, &bin_len, &owned, mem, mem_len,
	    to)) != SYM_OK)
		goto out;
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

/* ---- the packet parser, under pgp.h's names ---- */

int
sym_pgp_list_recipients(struct sym_pgp_keyids *out, const uint8_t *msg,
    size_t msg_len)
{
	return sym_pgp_packet_list_recipients(out, msg, msg_len);
}

enum sym_pgp_form
sym_pgp_sniff(const uint8_t *buf, size_t len)
{
	return sym_pgp_packet_sniff(buf, len);
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
	if (!sym_pgp_packet_sniff_signature(sig, sig_len))
		return SYM_ENOTPGPSIG;
	if ((ret = pgp_new_ctx(&ctx, NULL)) != SYM_OK)
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
		ret = pgp_map_gpgme_error(err);
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
		pgp_copy_hex(o->signing_fpr, sizeof o->signing_fpr, s->fpr);
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
		pgp_fill_key(&info, key, NULL);
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
