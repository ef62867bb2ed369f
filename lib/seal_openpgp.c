/*
 * The openpgp seal (symbolon/seal_openpgp.h): U encrypted to an OpenPGP
 * key through pgp.h, decrypted by gpg-agent (a smartcard's stub or any
 * secret key it holds).
 *
 * Everything GnuPG is pgp.h: resolution without import, the recipient
 * checks, encryption to exactly one subkey, decryption with a chosen
 * pinentry mode (loopback with a PIN from sym_seal_pin_get, or "error"
 * when prompting is off), whether gpg-agent holds the secret half of a
 * key (probe); and pgp_packet.h reads the message's packets, and checks
 * their exact encoding, without GnuPG.  This file holds the seal's policy
 * and its words.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/pgp.h"
#include "symbolon/secmem.h"
#include "symbolon/seal_openpgp.h"

/* The plaintext: magic (with its version) || BLAKE2b-256(binding) || U. */
#define PLAIN_MAGIC "symbolon-openpgp-seal-v1"
#define PLAIN_MAGIC_LEN (sizeof PLAIN_MAGIC - 1)
#define PLAIN_HASH_LEN 32u
#define PLAIN_LEN (PLAIN_MAGIC_LEN + PLAIN_HASH_LEN + SYM_SEAL_KEY_BYTES)


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

/* The PIN for loopback: read at most once, never retried. */
struct pin_hook {
	const struct sym_seal_pin *pin;
	const char *fpr;
	int calls, bad, again, err;
};

static int
pin_cb(void *hook, char *buf, size_t cap, size_t *len, int prev_bad)
{
	struct pin_hook *h = hook;
	char prompt[128];
	int ret;

	if (prev_bad) {
		/* gpg-agent asks again after a wrong PIN: we do not. */
		h->bad = 1;
		return SYM_ECANCELED;
	}
	if (h->calls++ > 0) {
		/* A second passphrase: a damaged message can decrypt to
		 * garbage that gpg parses as a passphrase packet. */
		h->again = 1;
		return SYM_ECANCELED;
	}
	snprintf(prompt, sizeof prompt, "PIN for OpenPGP key %.40s "
	    "(will be hidden): ", h->fpr);
	ret = sym_seal_pin_get(buf, cap < SYM_SEAL_PIN_MAX + 1 ? cap :
	    SYM_SEAL_PIN_MAX + 1, len, h->pin, prompt);
	if (ret != SYM_OK)
		h->err = ret;
	return ret;
}

/*
 * With a PIN file the PIN goes through loopback (pin_cb); with prompting
 * off, pinentry mode "error" makes gpg-agent refuse rather than show a
 * dialog; else its own pinentry asks (the card's PIN dialog).
 */
static enum sym_pgp_pinentry
pinentry_mode(const struct sym_seal_pin *pin)
{
	if (pin->file != NULL)
		return SYM_PGP_PINENTRY_LOOPBACK;
	return pin->no_prompt ? SYM_PGP_PINENTRY_ERROR : SYM_PGP_PINENTRY_AGENT;
}

/* What a failed decryption means for the seal. */
static int
decrypt_error(const struct openpgp_state *s, const struct pin_hook *h,
    const struct sym_pgp_verdict *v, char *why)
{
	int present;

	if (h->err != SYM_OK || v->status == SYM_ENOMEM ||
	    v->status == SYM_EIO) {
		present = h->err != SYM_OK ? h->err : v->status;
		say(why, "no PIN for OpenPGP key %s: %s", s->fpr,
		    sym_strerror(present));
		return present;
	}
	if (h->again) {
		say(why, "the message to %s asks for a second passphrase: "
		    "it is damaged", s->fpr);
		return SYM_EDEVUNWRAP;
	}
	switch (v->status) {
	case SYM_EBADPIN:
		say(why, "wrong PIN for OpenPGP key %s", s->fpr);
		return SYM_EBADPIN;
	case SYM_EPINLOCKED:
		say(why, "the PIN of OpenPGP key %s is blocked", s->fpr);
		return SYM_EPINLOCKED;
	case SYM_ECANCELED:
		if (h->bad) {
			say(why, "wrong PIN for OpenPGP key %s", s->fpr);
			return SYM_EBADPIN;
		}
		say(why, "PIN entry for OpenPGP key %s cancelled", s->fpr);
		return SYM_ECANCELED;
	case SYM_ENOTTY:
		if (h->pin->no_prompt) {
			say(why, "OpenPGP key %s needs its PIN and prompting "
			    "is off", s->fpr);
			return SYM_ENOTTY;
		}
		say(why, "gpg-agent has no pinentry to ask the PIN of %s",
		    s->fpr);
		return SYM_ENODEVICE;
	case SYM_ENOAGENT:
		say(why, "gpg-agent cannot be reached: %s", v->detail);
		return SYM_ENODEVICE;
	case SYM_ENODEVICE:
		say(why, "the card holding %s is not present: insert it",
		    s->fpr);
		return SYM_ENODEVICE;
	case SYM_ENOSECKEY:
		if (!sym_pgp_agent_reachable()) {
			say(why, "gpg-agent cannot be reached (no secret key "
			    "for %s)", s->fpr);
			return SYM_ENODEVICE;
		}
		present = sym_pgp_secret_present(s->fpr);
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
	    v->detail);
	return SYM_EDEVUNWRAP;
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
	/* Exactly what wrap makes: a blob whose bytes changed must not
	 * unwrap, even where gpg would accept them. */
	if (ret == SYM_OK && (sym_pgp_sniff(blob, blob_len) != SYM_PGP_BINARY ||
	    sym_pgp_packet_canonical(NULL, blob, blob_len) != SYM_OK))
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
check_plain(const uint8_t *plain, size_t len, const uint8_t *binding,
    size_t binding_len)
{
	uint8_t hash[PLAIN_HASH_LEN];
	int ok;

	if (len != PLAIN_LEN || memcmp(plain, PLAIN_MAGIC, PLAIN_MAGIC_LEN) != 0)
		return SYM_EDEVUNWRAP;
	if (crypto_generichash(hash, sizeof hash, binding, binding_len, NULL,
	    0) != 0)
		return SYM_EINTERNAL;
	ok = sodium_memcmp(hash, plain + PLAIN_MAGIC_LEN, sizeof hash) == 0;
	sodium_memzero(hash, sizeof hash);
	return ok ? SYM_OK : SYM_EDEVUNWRAP;
}

static int
unwrap(void *state, const uint8_t *binding, size_t binding_len,
    const uint8_t *blob, size_t blob_len, uint8_t *key, char *why)
{
	struct openpgp_state *s = state;
	struct pin_hook h = { s->pin, s->fpr, 0, 0, 0, SYM_OK };
	struct sym_pgp_verdict v;
	uint8_t *plain;
	size_t len = 0;
	int ret;

	if (blob_len == 0 || blob_len > SYM_SEAL_WRAPPED_MAX) {
		say(why, "the blob is not an OpenPGP message of at most 1024 "
		    "bytes");
		return SYM_EDEVUNWRAP;
	}
	if ((ret = state_fpr(s, why)) != SYM_OK ||
	    (ret = check_recipient(s, blob, blob_len, why)) != SYM_OK)
		return ret;
	if ((plain = sym_secmem_alloc(PLAIN_LEN)) == NULL)
		return SYM_ENOMEM;
	ret = sym_pgp_decrypt_pin(plain, &len, PLAIN_LEN, &v, blob, blob_len,
	    pinentry_mode(s->pin), pin_cb, &h);
	if (ret != SYM_OK) {
		say(why, "GnuPG: %s", sym_strerror(ret));
		ret = ret == SYM_ENOMEM ? ret : SYM_ENODEVICE;
		goto out;
	}
	/* A plaintext above PLAIN_LEN (SYM_ETOOBIG) is not bound either. */
	if ((v.status != SYM_OK && v.status != SYM_ETOOBIG) ||
	    h.err != SYM_OK) {
		ret = decrypt_error(s, &h, &v, why);
		goto out;
	}
	if (v.status != SYM_OK ||
	    (ret = check_plain(plain, len, binding, binding_len)) != SYM_OK) {
		ret = v.status != SYM_OK ? SYM_EDEVUNWRAP : ret;
		say(why, "the blob decrypts with %s but is not bound to this "
		    "seal (another image, seal or generation)", s->fpr);
		goto out;
	}
	memcpy(key, plain + PLAIN_MAGIC_LEN + PLAIN_HASH_LEN,
	    SYM_SEAL_KEY_BYTES);
	ret = SYM_OK;
out:
	sym_secmem_free(plain);
	return ret;
}

static int
probe(void *state, char *why)
{
	struct openpgp_state *s = state;
	int ret;

	if ((ret = state_fpr(s, why)) != SYM_OK)
		return ret;
	ret = sym_pgp_secret_present(s->fpr);
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

__attribute__((visibility("default")))
const struct sym_device_ops sym_seal_openpgp_device = {
	.abi = SYM_SEAL_DEVICE_ABI,
	.type = "openpgp",
	.keys = sym_seal_openpgp_keys,
	.open = open_device,
	.wrap = wrap,
	.unwrap = unwrap,
	.probe = probe,
	.close = close_device,
};
