/*
 * The openpgp seal (symbolon/seal_openpgp.h): U encrypted to an OpenPGP
 * key through pgp.h, decrypted by gpg-agent (a smartcard's stub or any
 * secret key it holds).
 *
 * Enrolment and the recipient checks reuse pgp.h (resolution without
 * import, expiry/revocation/capability checks, encryption to exactly one
 * subkey, PKESK listing).  Two things pgp.h does not offer are done here
 * with GPGME directly, as small static helpers: decryption with a chosen
 * pinentry mode (loopback with a PIN from sym_seal_pin_get, or "error"
 * when prompting is off) that reports the recipient's own status, and
 * asking whether gpg-agent holds the secret half of a key (probe).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gpgme.h>
#include <sodium.h>

#include "symbolon/pgp.h"
#include "symbolon/secmem.h"
#include "symbolon/seal_openpgp.h"

/* The plaintext: magic (with its version) || BLAKE2b-256(binding) || U. */
#define PLAIN_MAGIC "symbolon-openpgp-seal-v1"
#define PLAIN_MAGIC_LEN (sizeof PLAIN_MAGIC - 1)
#define PLAIN_HASH_LEN 32u
#define PLAIN_LEN (PLAIN_MAGIC_LEN + PLAIN_HASH_LEN + SYM_SEAL_KEY_BYTES)

static const char *const keys[] = { "key", "fpr", NULL };

struct openpgp_state {
	const struct sym_seal_pin *pin;
	char file[SYM_SEAL_PARAM_VALUE_MAX + 1];  /* key=, "" if fpr= */
	char fpr[SYM_PGP_FPR_CHARS + 1];          /* "" until known */
};

static void __attribute__((format(printf, 2, 3)))
say(char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, SYM_SEAL_WHY_MAX, fmt, ap);
	va_end(ap);
}

static int
open_device(void **state, const struct sym_seal_params *params,
    const struct sym_seal_pin *pin, char *why)
{
	const char *file = sym_seal_param(params, "key");
	const char *fpr = sym_seal_param(params, "fpr");
	struct openpgp_state *s;
	char norm[SYM_PGP_FPR_CHARS + 1];

	*state = NULL;
	if ((file == NULL) == (fpr == NULL)) {
		say(why, "give either key=FILE or fpr=FINGERPRINT%s",
		    file ? " (not both)" : "");
		return SYM_ESEALSPEC;
	}
	if (fpr != NULL && sym_pgp_parse_fingerprint(norm, fpr) != SYM_OK) {
		say(why, "fpr '%.64s' is not a fingerprint (40 hex digits)",
		    fpr);
		return SYM_ESEALSPEC;
	}
	if (file != NULL && file[0] == '\0') {
		say(why, "key= names no file");
		return SYM_ESEALSPEC;
	}
	if ((s = calloc(1, sizeof *s)) == NULL)
		return SYM_ENOMEM;
	s->pin = pin;
	if (file != NULL)
		snprintf(s->file, sizeof s->file, "%s", file);
	else
		memcpy(s->fpr, norm, sizeof s->fpr);
	*state = s;
	return SYM_OK;
}

static void
close_device(void *state)
{
	free(state);
}

/* The SYM_E code and why of a key pgp.h refused at enrolment. */
static int
resolve_error(int ret, const struct sym_pgp_key *seen, const char *spec,
    char *why)
{
	const char *name = seen->fpr[0] ? seen->fpr : spec;

	switch (ret) {
	case SYM_EKEYREVOKED:
	case SYM_EKEYEXPIRED:
	case SYM_EKEYDISABLED:
	case SYM_ENOENCSUBKEY:
	case SYM_EPGPSECRET:
	case SYM_ENOTPGPKEY:
	case SYM_EMANYKEYS:
	case SYM_ENOPGPKEY:
		say(why, "OpenPGP key %.200s: %s", name, sym_strerror(ret));
		return SYM_EDEVKEY;
	case SYM_ENOGPG:
	case SYM_ENOAGENT:
		say(why, "GnuPG: %s", sym_strerror(ret));
		return SYM_ENODEVICE;
	case SYM_ENOMEM:
		return ret;
	case SYM_EGPGME:
		say(why, "GnuPG: %s", sym_strerror(ret));
		return SYM_EDEVICE;
	default:
		say(why, "key file '%.200s': %s", spec, sym_strerror(ret));
		return SYM_ESEALSPEC;
	}
}

static int
build_plain(uint8_t *plain, const uint8_t *binding, size_t binding_len,
    const uint8_t *key)
{
	memcpy(plain, PLAIN_MAGIC, PLAIN_MAGIC_LEN);
	if (crypto_generichash(plain + PLAIN_MAGIC_LEN, PLAIN_HASH_LEN,
	    binding, binding_len, NULL, 0) != 0)
		return SYM_EINTERNAL;
	memcpy(plain + PLAIN_MAGIC_LEN + PLAIN_HASH_LEN, key,
	    SYM_SEAL_KEY_BYTES);
	return SYM_OK;
}

static int
wrap(void *state, const uint8_t *binding, size_t binding_len,
    const uint8_t *key, uint8_t *blob, size_t *blob_len,
    struct sym_seal_params *record, char *why)
{
	struct openpgp_state *s = state;
	struct sym_pgp_recipient *r = NULL;
	struct sym_pgp_key seen;
	struct sym_pgp_keyids ids;
	const char *spec = s->file[0] ? s->file : s->fpr;
	uint8_t *plain = sym_secmem_alloc(PLAIN_LEN), *msg = NULL;
	size_t msg_len = 0;
	int ret;

	*blob_len = 0;
	if (plain == NULL)
		return SYM_ENOMEM;
	ret = sym_pgp_recipient_resolve_key(&r, &seen, spec);
	if (ret != SYM_OK) {
		ret = resolve_error(ret, &seen, spec, why);
		goto out;
	}
	if ((ret = build_plain(plain, binding, binding_len, key)) != SYM_OK)
		goto out;
	ret = sym_pgp_encrypt(&msg, &msg_len, plain, PLAIN_LEN,
	    SYM_PGP_BINARY, r);
	if (ret != SYM_OK) {
		say(why, "encryption to %s failed: %s",
		    sym_pgp_recipient_key(r)->fpr, sym_strerror(ret));
		ret = ret == SYM_ENOMEM ? ret : SYM_EDEVICE;
		goto out;
	}
	/* unwrap checks the session key packet names the key's subkey:
	 * a gpg.conf with throw-keyids would make every blob refused. */
	if (sym_pgp_list_recipients(&ids, msg, msg_len) != SYM_OK ||
	    ids.count != 1 || strcmp(ids.key[0].keyid,
	    sym_pgp_recipient_key(r)->subkey_keyid) != 0) {
		say(why, "gpg hid the recipient of the message to %s "
		    "(throw-keyids in gpg.conf?)",
		    sym_pgp_recipient_key(r)->fpr);
		ret = SYM_EDEVICE;
		goto out;
	}
	if (msg_len > SYM_SEAL_WRAPPED_MAX) {
		snprintf(why, SYM_SEAL_WHY_MAX, "the message to %s is %zu "
		    "bytes, more than %u (a key above RSA-4096?)",
		    sym_pgp_recipient_key(r)->fpr, msg_len,
		    SYM_SEAL_WRAPPED_MAX);
		ret = SYM_ETOOBIG;
		goto out;
	}
	if ((ret = sym_seal_param_set(record, "fpr",
	    sym_pgp_recipient_key(r)->fpr)) != SYM_OK)
		goto out;
	memcpy(s->fpr, sym_pgp_recipient_key(r)->fpr, sizeof s->fpr);
	memcpy(blob, msg, msg_len);
	*blob_len = msg_len;
	ret = SYM_OK;
out:
	free(msg);
	sym_pgp_recipient_free(r);
	sym_secmem_free(plain);
	return ret;
}

/* s->fpr, from the key file if the state was opened with key= only. */
static int
state_fpr(struct openpgp_state *s, char *why)
{
	struct sym_pgp_recipient *r = NULL;
	struct sym_pgp_key seen;
	int ret;

	if (s->fpr[0] != '\0')
		return SYM_OK;
	ret = sym_pgp_recipient_resolve_key(&r, &seen, s->file);
	if (ret != SYM_OK)
		return resolve_error(ret, &seen, s->file, why);
	memcpy(s->fpr, sym_pgp_recipient_key(r)->fpr, sizeof s->fpr);
	sym_pgp_recipient_free(r);
	return SYM_OK;
}

/* ---- GPGME helpers pgp.h does not have ---- */

static int
new_ctx(gpgme_ctx_t *ctx)
{
	int ret = sym_pgp_init();

	*ctx = NULL;
	if (ret != SYM_OK)
		return ret;
	if (gpgme_new(ctx) != 0) {
		*ctx = NULL;
		return SYM_ENOMEM;
	}
	if (gpgme_set_protocol(*ctx, GPGME_PROTOCOL_OpenPGP) != 0) {
		gpgme_release(*ctx);
		*ctx = NULL;
		return SYM_ENOGPG;
	}
	gpgme_set_offline(*ctx, 1);
	return SYM_OK;
}

/*
 * 1 if gpg-agent holds the secret half (or a card stub) of an
 * encryption subkey of fpr, 0 if not, or a negative SYM_E code.
 */
static int
secret_present(const char *fpr)
{
	gpgme_ctx_t ctx;
	gpgme_key_t key = NULL;
	gpgme_subkey_t sub;
	gpgme_error_t err;
	char got[SYM_PGP_FPR_CHARS + 1];
	int ret;

	if ((ret = new_ctx(&ctx)) != SYM_OK)
		return ret;
	err = gpgme_get_key(ctx, fpr, &key, 1);
	if (err != 0) {
		ret = gpg_err_code(err) == GPG_ERR_EOF ||
		    gpg_err_code(err) == GPG_ERR_AMBIGUOUS_NAME ? 0 :
		    SYM_EGPGME;
		goto out;
	}
	ret = 0;
	snprintf(got, sizeof got, "%s", key->fpr ? key->fpr : "");
	if (strcasecmp(got, fpr) != 0)
		goto out;
	for (sub = key->subkeys; sub != NULL; sub = sub->next)
		if (sub->can_encrypt && sub->secret && !sub->revoked)
			ret = 1;
out:
	if (key != NULL)
		gpgme_key_unref(key);
	gpgme_release(ctx);
	return ret;
}

/*
 * 1 if gpg-agent answers on its socket.  gpg reports a missing agent as
 * "no secret key", so that answer is checked here.  (pgp.c has the same
 * check as a static function.)
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

/* The PIN for loopback: read at most once, never retried. */
struct pin_hook {
	const struct sym_seal_pin *pin;
	const char *fpr;
	int calls, bad, again, err;
};

static gpgme_error_t
pin_cb(void *hook, const char *uid_hint, const char *info, int prev_was_bad,
    int fd)
{
	struct pin_hook *h = hook;
	char prompt[128], *buf;
	size_t len = 0;
	int ret;

	(void)uid_hint;
	(void)info;
	if (prev_was_bad) {
		/* gpg-agent asks again after a wrong PIN: we do not. */
		h->bad = 1;
		return gpg_error(GPG_ERR_CANCELED);
	}
	if (h->calls++ > 0) {
		/* A second passphrase: a damaged message can decrypt to
		 * garbage that gpg parses as a passphrase packet. */
		h->again = 1;
		return gpg_error(GPG_ERR_CANCELED);
	}
	if ((buf = sym_secmem_alloc(SYM_SEAL_PIN_MAX + 2)) == NULL) {
		h->err = SYM_ENOMEM;
		return gpg_error(GPG_ERR_CANCELED);
	}
	snprintf(prompt, sizeof prompt, "PIN for OpenPGP key %.40s "
	    "(will be hidden): ", h->fpr);
	ret = sym_seal_pin_get(buf, SYM_SEAL_PIN_MAX + 1, &len, h->pin,
	    prompt);
	if (ret == SYM_OK) {
		buf[len++] = '\n';
		if (gpgme_io_writen(fd, buf, len) != 0)
			ret = SYM_EIO;
	}
	sym_secmem_free(buf);
	if (ret != SYM_OK) {
		h->err = ret;
		return gpg_error(GPG_ERR_CANCELED);
	}
	return 0;
}

/* Decrypted bytes go to a fixed secure buffer; more is refused. */
struct sink {
	uint8_t *buf;
	size_t len, over;
};

static ssize_t
sink_write(void *handle, const void *data, size_t size)
{
	struct sink *k = handle;

	if (size > PLAIN_LEN - k->len) {
		k->over = 1;
		errno = EFBIG;
		return -1;
	}
	memcpy(k->buf + k->len, data, size);
	k->len += size;
	return (ssize_t)size;
}

/* The first recipient's own status, or err. */
static gpgme_error_t
recipient_status(gpgme_ctx_t ctx, gpgme_error_t err)
{
	gpgme_decrypt_result_t res = gpgme_op_decrypt_result(ctx);

	if (res != NULL && res->recipients != NULL &&
	    res->recipients->status != 0)
		return res->recipients->status;
	return err;
}

/*
 * Decrypts msg with the user's gpg-agent into k.  With a PIN file the
 * PIN goes through loopback (pin_cb); with prompting off, pinentry mode
 * "error" makes gpg-agent refuse rather than show a dialog; else its own
 * pinentry asks (the card's PIN dialog).  *gerr: GPGME's verdict, the
 * recipient's own status when it has one.
 */
static int
decrypt(struct sink *k, gpgme_error_t *gerr, struct pin_hook *h,
    const uint8_t *msg, size_t msg_len)
{
	static const struct gpgme_data_cbs sink_cbs = { NULL, sink_write,
	    NULL, NULL };
	struct gpgme_data_cbs cbs = sink_cbs;
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t in = NULL, out = NULL;
	gpgme_error_t err = 0;
	int ret;

	*gerr = 0;
	if ((ret = new_ctx(&ctx)) != SYM_OK)
		return ret;
	if (h->pin->file != NULL) {
		err = gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_LOOPBACK);
		gpgme_set_passphrase_cb(ctx, pin_cb, h);
	} else if (h->pin->no_prompt) {
		err = gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_ERROR);
	}
	if (err != 0) {
		ret = SYM_ENOGPG;
		goto out;
	}
	if (gpgme_data_new_from_mem(&in, (const char *)msg, msg_len, 0) != 0 ||
	    gpgme_data_new_from_cbs(&out, &cbs, k) != 0) {
		ret = SYM_ENOMEM;
		goto out;
	}
	/* On its way the plaintext passes through a GPGME stack buffer and
	 * gpg's own memory that we cannot wipe (see pgp.c). */
	err = gpgme_op_decrypt(ctx, in, out);
	*gerr = err != 0 ? recipient_status(ctx, err) : 0;
	ret = SYM_OK;
out:
	gpgme_data_release(out);
	gpgme_data_release(in);
	gpgme_release(ctx);
	return ret;
}

/* What a failed decryption means for the seal. */
static int
decrypt_error(const struct openpgp_state *s, const struct pin_hook *h,
    gpgme_error_t err, char *why)
{
	int present;

	if (h->err != SYM_OK) {
		say(why, "no PIN for OpenPGP key %s: %s", s->fpr,
		    sym_strerror(h->err));
		return h->err;
	}
	if (h->again) {
		say(why, "the message to %s asks for a second passphrase: "
		    "it is damaged", s->fpr);
		return SYM_EDEVUNWRAP;
	}
	switch (gpg_err_code(err)) {
	case GPG_ERR_BAD_PASSPHRASE:
	case GPG_ERR_BAD_PIN:
		say(why, "wrong PIN for OpenPGP key %s", s->fpr);
		return SYM_EBADPIN;
	case GPG_ERR_PIN_BLOCKED:
		say(why, "the PIN of OpenPGP key %s is blocked", s->fpr);
		return SYM_EPINLOCKED;
	case GPG_ERR_CANCELED:
	case GPG_ERR_FULLY_CANCELED:
		if (h->bad) {
			say(why, "wrong PIN for OpenPGP key %s", s->fpr);
			return SYM_EBADPIN;
		}
		say(why, "PIN entry for OpenPGP key %s cancelled", s->fpr);
		return SYM_ECANCELED;
	case GPG_ERR_NO_PIN_ENTRY:
	case GPG_ERR_PIN_ENTRY:
		if (h->pin->no_prompt) {
			say(why, "OpenPGP key %s needs its PIN and prompting "
			    "is off", s->fpr);
			return SYM_ENOTTY;
		}
		say(why, "gpg-agent has no pinentry to ask the PIN of %s",
		    s->fpr);
		return SYM_ENODEVICE;
	case GPG_ERR_NO_AGENT:
	case GPG_ERR_AGENT:
		say(why, "gpg-agent cannot be reached: %s",
		    gpgme_strerror(err));
		return SYM_ENODEVICE;
	case GPG_ERR_NO_SCDAEMON:
	case GPG_ERR_CARD_NOT_PRESENT:
	case GPG_ERR_CARD_REMOVED:
	case GPG_ERR_ENODEV:
		say(why, "the card holding %s is not present: insert it",
		    s->fpr);
		return SYM_ENODEVICE;
	case GPG_ERR_NO_SECKEY:
		if (!agent_reachable()) {
			say(why, "gpg-agent cannot be reached (no secret key "
			    "for %s)", s->fpr);
			return SYM_ENODEVICE;
		}
		present = secret_present(s->fpr);
		if (present == 0) {
			say(why, "no secret key for %s: insert the card "
			    "holding it", s->fpr);
			return SYM_ENODEVICE;
		}
		break;
	default:
		break;
	}
	say(why, "the message does not decrypt with %s: %s", s->fpr,
	    gpgme_strerror(err));
	return SYM_EDEVUNWRAP;
}

/* 1 if the header at p, decoded as pk, uses the shortest length form:
 * gpg accepts longer ones, which would let a blob's bytes change. */
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
 * 1 if blob is exactly what wrap makes: session key packets in their
 * only encoding, then one integrity-protected data packet (v1) that ends
 * at the blob's last byte.  gpg ignores bytes after the message and
 * accepts long length forms and inexact bit counts: a blob so changed
 * must not unwrap.  (The encrypted data itself is covered by its MDC.)
 */
static int
whole_message(const uint8_t *p, size_t len)
{
	struct sym_pgp_packet pk;
	size_t pos = 0, n;

	while (pos < len) {
		if (sym_pgp_packet_header(&pk, p + pos, len - pos) != SYM_OK ||
		    !minimal_header(p + pos, &pk))
			return 0;
		pos += pk.header_len;
		if (pk.tag == SYM_PGP_TAG_PKESK) {
			if (pk.partial || pk.body_len > len - pos ||
			    !canonical_pkesk(p + pos, pk.body_len))
				return 0;
			pos += pk.body_len;
			continue;
		}
		if (pk.tag != SYM_PGP_TAG_SEIPD || pos >= len || p[pos] != 1)
			return 0;
		/* Partial chunks: each is followed by a new length. */
		while (pk.partial) {
			uint8_t hdr[6] = { 0xC0u | SYM_PGP_TAG_SEIPD };

			if (pk.body_len > len - pos)
				return 0;
			pos += pk.body_len;
			n = len - pos < 5 ? len - pos : 5;
			memcpy(hdr + 1, p + pos, n);
			if (sym_pgp_packet_header(&pk, hdr, n + 1) != SYM_OK ||
			    !minimal_header(hdr, &pk))
				return 0;
			pos += pk.header_len - 1;
		}
		return pk.body_len == len - pos;
	}
	return 0;
}

/*
 * Before any decryption: the message has one session key packet, for a
 * subkey of the recorded key, and no passphrase packet.  The packets are
 * read without GnuPG; the key ids are looked up in the public keyring.
 */
static int
check_recipient(const struct openpgp_state *s, const uint8_t *blob,
    size_t blob_len, char *why)
{
	struct sym_pgp_keyids ids;
	struct sym_pgp_key found;
	int ret;

	ret = sym_pgp_list_recipients(&ids, blob, blob_len);
	if (ret == SYM_OK && (sym_pgp_sniff(blob, blob_len) != SYM_PGP_BINARY ||
	    !whole_message(blob, blob_len)))
		ret = SYM_EPGPCORRUPT;
	if (ret != SYM_OK || ids.count != 1 || ids.passphrases != 0 ||
	    ids.more) {
		say(why, "the blob is not an OpenPGP message to one key "
		    "(%s)", ret != SYM_OK ? sym_strerror(ret) :
		    "several or no recipients");
		return SYM_EDEVUNWRAP;
	}
	ret = sym_pgp_lookup_keyid(&found, ids.key[0].keyid);
	if (ret == SYM_OK && strcmp(found.fpr, s->fpr) == 0)
		return SYM_OK;
	if (ret != SYM_OK && ret != SYM_ENOPGPKEY) {
		say(why, "GnuPG: %s", sym_strerror(ret));
		return SYM_EDEVICE;
	}
	/* A v4 key id is the last 16 hex digits of the fingerprint. */
	if (sym_pgp_lookup_keyid(&found, s->fpr + SYM_PGP_FPR_CHARS -
	    SYM_PGP_KEYID_CHARS) != SYM_OK || strcmp(found.fpr, s->fpr) != 0) {
		say(why, "no OpenPGP key %s in the keyring: import its public "
		    "key and insert the card holding it", s->fpr);
		return SYM_ENODEVICE;
	}
	say(why, "the message is encrypted to key %s, not to %s",
	    ids.key[0].keyid, s->fpr);
	return SYM_EDEVUNWRAP;
}

/* The plaintext's magic and binding hash: constant time on the hash. */
static int
check_plain(const struct sink *k, const uint8_t *binding,
    size_t binding_len)
{
	uint8_t hash[PLAIN_HASH_LEN];
	int ok;

	if (k->over || k->len != PLAIN_LEN ||
	    memcmp(k->buf, PLAIN_MAGIC, PLAIN_MAGIC_LEN) != 0)
		return SYM_EDEVUNWRAP;
	if (crypto_generichash(hash, sizeof hash, binding, binding_len, NULL,
	    0) != 0)
		return SYM_EINTERNAL;
	ok = sodium_memcmp(hash, k->buf + PLAIN_MAGIC_LEN, sizeof hash) == 0;
	sodium_memzero(hash, sizeof hash);
	return ok ? SYM_OK : SYM_EDEVUNWRAP;
}

static int
unwrap(void *state, const uint8_t *binding, size_t binding_len,
    const uint8_t *blob, size_t blob_len, uint8_t *key, char *why)
{
	struct openpgp_state *s = state;
	struct sink k = { NULL, 0, 0 };
	struct pin_hook h = { s->pin, s->fpr, 0, 0, 0, SYM_OK };
	gpgme_error_t err;
	int ret;

	if (blob_len == 0 || blob_len > SYM_SEAL_WRAPPED_MAX) {
		say(why, "the blob is not an OpenPGP message of at most 1024 "
		    "bytes");
		return SYM_EDEVUNWRAP;
	}
	if ((ret = state_fpr(s, why)) != SYM_OK ||
	    (ret = check_recipient(s, blob, blob_len, why)) != SYM_OK)
		return ret;
	if ((k.buf = sym_secmem_alloc(PLAIN_LEN)) == NULL)
		return SYM_ENOMEM;
	if ((ret = decrypt(&k, &err, &h, blob, blob_len)) != SYM_OK) {
		say(why, "GnuPG: %s", sym_strerror(ret));
		ret = ret == SYM_ENOMEM ? ret : SYM_ENODEVICE;
		goto out;
	}
	if (err != 0 || h.err != SYM_OK) {
		ret = decrypt_error(s, &h, err, why);
		goto out;
	}
	if ((ret = check_plain(&k, binding, binding_len)) != SYM_OK) {
		say(why, "the blob decrypts with %s but is not bound to this "
		    "seal (another image, seal or generation)", s->fpr);
		goto out;
	}
	memcpy(key, k.buf + PLAIN_MAGIC_LEN + PLAIN_HASH_LEN,
	    SYM_SEAL_KEY_BYTES);
	ret = SYM_OK;
out:
	sym_secmem_free(k.buf);
	return ret;
}

static int
probe(void *state, char *why)
{
	struct openpgp_state *s = state;
	int ret;

	if ((ret = state_fpr(s, why)) != SYM_OK)
		return ret;
	ret = secret_present(s->fpr);
	if (ret == 1)
		return SYM_OK;
	if (ret == 0) {
		say(why, "no secret key for %s: insert the card holding it",
		    s->fpr);
		return SYM_ENODEVICE;
	}
	say(why, "GnuPG: %s", sym_strerror(ret));
	return ret == SYM_ENOMEM ? ret : SYM_ENODEVICE;
}

const struct sym_device_ops sym_seal_openpgp_device = {
	.abi = SYM_SEAL_DEVICE_ABI,
	.type = "openpgp",
	.keys = keys,
	.open = open_device,
	.wrap = wrap,
	.unwrap = unwrap,
	.probe = probe,
	.close = close_device,
};
