/*
 * OpenPGP through GPGME: encrypt a share to a holder's OpenPGP key, decrypt
 * one with the holder's own GnuPG (gpg-agent, pinentry and smartcards work
 * unchanged), list the keys a message is encrypted to, and verify detached
 * signatures.
 *
 * Only GPGME talks to GnuPG; this module never runs gpg itself.  The user's
 * keyring is GNUPGHOME (or ~/.gnupg), as gpg itself finds it.  Needs
 * GPGME >= 1.14 and gpg >= 2.2.  Not thread-safe: one thread at a time.
 *
 * Recipients.  sym_pgp_recipient_resolve() takes what a user typed after
 * -pgp-keys: a fingerprint of a key in their keyring, or a key file (as
 * Vault's -pgp-keys).  A key file is NOT imported into the user's keyring:
 * that would be a lasting side effect of a ceremony (and Vault's users do
 * not expect it either: Vault parses key files itself).  GPGME can only
 * encrypt to a key in some keyring, so the file's bytes (read once) are
 * first listed without importing anything (gpg --import-options show-only,
 * which is how a secret key or several keys are refused before anything
 * is stored), then imported into a private, throw-away GnuPG home under
 * $TMPDIR (mode 0700, gpg.conf "no-autostart" so no agent ever runs
 * there); the checks below run on the key as listed from that keyring,
 * encryption uses it, and sym_pgp_recipient_free() deletes the directory.
 * The key that is checked is therefore exactly the key that is used.
 *
 * Checks (both kinds): a public key, not revoked, not expired, not
 * disabled, with a valid encryption-capable subkey (the newest one, as
 * gpg would choose; encryption names it with "FPR!" so gpg cannot pick
 * another).  Then encryption uses GPGME_ENCRYPT_ALWAYS_TRUST: these checks
 * replace the web of trust.
 *
 * WARNING: a key file proves nothing about who holds the key.  Show the
 * fingerprint and user id and have the holder confirm them out of band
 * before encrypting a share to it.
 *
 * Listing recipients.  gpgme_op_decrypt reports recipients only after a
 * decryption attempt, which would ask gpg-agent (and maybe pinentry or a
 * smartcard) for the secret key.  sym_pgp_list_recipients() instead reads
 * the public-key encrypted session key packets (RFC 4880 5.1) itself: each
 * carries the 8-byte key id of the (sub)key it is encrypted to.  This
 * works without any secret key and without running gpg; it reads only
 * packet headers (and undoes ASCII armour), never the encrypted data;
 * the parser is symbolon/pgp_packet.h, which needs no GPGME.
 *
 * Everything read from files and messages is untrusted: sizes are capped
 * (SYM_PGP_*_MAX), user ids are copied with control characters replaced.
 */
#ifndef SYMBOLON_PGP_H
#define SYMBOLON_PGP_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/pgp_packet.h"

#define SYM_PGP_FPR_CHARS 40u           /* v4 fingerprint, upper-case hex */
#define SYM_PGP_UID_MAX 255u            /* bytes of a user id we keep */
#define SYM_PGP_ALGO_MAX 31u            /* "cv25519", "rsa3072", ... */
#define SYM_PGP_KEYFILE_MAX (1u << 20)  /* a key file */
#define SYM_PGP_PLAINTEXT_MAX (16u << 20) /* what decryption may yield */
#define SYM_PGP_SIGNATURE_MAX (1u << 20) /* a detached signature */
#define SYM_PGP_SIGNATURES_MAX 8u

/* enum sym_pgp_form (binary or armoured), struct sym_pgp_keyids (the
 * recipients of a message), SYM_PGP_KEYID_CHARS, SYM_PGP_MESSAGE_MAX and
 * SYM_PGP_RECIPIENTS_MAX come from pgp_packet.h. */

/* A key as resolved or looked up.  All fields public. */
struct sym_pgp_key {
	char fpr[SYM_PGP_FPR_CHARS + 1];        /* primary key fingerprint */
	char keyid[SYM_PGP_KEYID_CHARS + 1];    /* primary key id */
	/* The subkey used for encryption (resolve) or that matched (lookup). */
	char subkey_fpr[SYM_PGP_FPR_CHARS + 1];
	char subkey_keyid[SYM_PGP_KEYID_CHARS + 1];
	char subkey_algo[SYM_PGP_ALGO_MAX + 1];
	/* Primary user id, UTF-8; control characters and invalid UTF-8
	 * become '?'; cut to SYM_PGP_UID_MAX bytes; "" if there is none. */
	char uid[SYM_PGP_UID_MAX + 1];
	int64_t created;        /* primary key, seconds since 1970 */
	int64_t expires;        /* earliest expiry of key, subkey; 0: never */
};

/*
 * Initialises GPGME (version check, OpenPGP engine, locale for pinentry).
 * Every function below calls it, so calling it first only makes a missing
 * GnuPG show up early.  SYM_OK or SYM_ENOGPG; safe to call again.
 */
int sym_pgp_init(void) SYM_WARN_UNUSED;

/*
 * Parses text as a v4 fingerprint: exactly 40 hex digits once spaces are
 * removed, either case.  out gets the upper-case form.  SYM_OK or
 * SYM_EFORMAT.  This is the rule sym_pgp_recipient_resolve uses to tell
 * a fingerprint from a path (a file named like a fingerprint: "./NAME").
 */
int sym_pgp_parse_fingerprint(char out[static SYM_PGP_FPR_CHARS + 1],
    const char *text) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* A key checked and ready for encryption (opaque). */
struct sym_pgp_recipient;

/*
 * Resolves spec, a fingerprint (see sym_pgp_parse_fingerprint) of a key
 * in the user's keyring or else the path of a file with one OpenPGP
 * public key, binary or armoured ("-" is standard input), and checks it
 * (see the top of this file).  Errors, each naming the problem:
 *   SYM_ENOPGPKEY    no key with that (primary key) fingerprint
 *   SYM_ENOTPGPKEY   the file holds no OpenPGP key
 *   SYM_EMANYKEYS    the file holds more than one key
 *   SYM_EPGPSECRET   the file holds a secret key
 *   SYM_EKEYREVOKED, SYM_EKEYEXPIRED, SYM_EKEYDISABLED  (the key, or
 *                    every encryption subkey, is so)
 *   SYM_ENOENCSUBKEY no encryption-capable subkey at all
 *   file errors from sym_io_read_all (SYM_ENOENT, SYM_ETOOBIG, ...)
 *   SYM_EGPGME, SYM_ENOGPG, SYM_ENOMEM, SYM_EIO (temporary home)
 * Free *out with sym_pgp_recipient_free.
 */
int sym_pgp_recipient_resolve(struct sym_pgp_recipient **out,
    const char *spec) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/*
 * As sym_pgp_recipient_resolve; also fills *seen, if not NULL, with the
 * details of the key that was found, accepted or refused (a revoked,
 * expired, disabled, encrypt-incapable or secret key), so that a refusal
 * can name the key; seen->fpr is "" when no one key was found (none, or
 * several in one file).
 */
int sym_pgp_recipient_resolve_key(struct sym_pgp_recipient **out,
    struct sym_pgp_key *seen, const char *spec)
    SYM_WARN_UNUSED SYM_NONNULL(1, 3);

/* The resolved key's details; valid until the recipient is freed. */
const struct sym_pgp_key *sym_pgp_recipient_key(
    const struct sym_pgp_recipient *r) SYM_NONNULL(1);

/* Frees r and deletes its temporary GnuPG home, if any; NULL is ignored. */
void sym_pgp_recipient_free(struct sym_pgp_recipient *r);

/*
 * Encrypts plain[0..plain_len) (secret; in secure memory) to exactly one
 * key, to (no --encrypt-to keys of the user's gpg.conf are added), as
 * form SYM_PGP_BINARY or SYM_PGP_ARMORED.  *out (public ciphertext) is
 * from malloc; free() it.  Before returning, the output's recipients are
 * listed and must be exactly the chosen subkey (SYM_EINTERNAL if not).
 *
 * The plaintext is handed to GPGME without a copy of ours, but GPGME
 * itself copies each chunk it pipes to gpg into a buffer inside its data
 * object that it frees without wiping, and gpg holds it in its own memory:
 * see the comment in pgp.c.
 */
int sym_pgp_encrypt(uint8_t **out, size_t *out_len, const uint8_t *plain,
    size_t plain_len, enum sym_pgp_form form,
    const struct sym_pgp_recipient *to)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 6);

/*
 * Lists the recipients of msg (binary or armoured) without decrypting
 * and without GnuPG: sym_pgp_packet_list_recipients (pgp_packet.h).  SYM_OK, SYM_ENOTPGPMSG (not an encrypted message),
 * SYM_EPGPCORRUPT (bad armour, truncated packets), SYM_EVERSION (a
 * session key packet of a version other than 3), SYM_ETOOBIG.
 */
int sym_pgp_list_recipients(struct sym_pgp_keyids *out, const uint8_t *msg,
    size_t msg_len) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/*
 * Finds the key holding (sub)key id keyid (16 hex digits) in the user's
 * keyring, to name a recipient: out gets the primary key's details and,
 * in subkey_*, the subkey that matched.  SYM_OK, SYM_ENOPGPKEY,
 * SYM_EFORMAT (not 16 hex digits).  Public keys only: no agent involved.
 */
int sym_pgp_lookup_keyid(struct sym_pgp_key *out, const char *keyid)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/*
 * Decrypts msg (binary or armoured) with the user's GnuPG.  *plain is a
 * new secure buffer (free with sym_secmem_free) of *plain_len bytes and
 * one more, set to NUL.  If to is not NULL it gets the message's
 * recipients (as sym_pgp_list_recipients; count 0 if they cannot be
 * read), whatever the result, so a caller can name them.  Errors:
 *   SYM_ENOTPGPMSG   not an OpenPGP encrypted message
 *   SYM_ENOSECKEY    no secret key for any recipient (see *to)
 *   SYM_EPGPCORRUPT  corrupted, truncated or tampered with
 *   SYM_ENOAGENT     gpg-agent cannot be reached (or has no pinentry)
 *   SYM_EDECRYPT     wrong passphrase
 *   SYM_ECANCELED    the user cancelled at the pinentry
 *   SYM_ETOOBIG      message or plaintext above its cap
 *   SYM_EGPGME, SYM_ENOGPG, SYM_ENOMEM
 * On error *plain is NULL and nothing of the plaintext is kept.
 */
int sym_pgp_decrypt(uint8_t **plain, size_t *plain_len,
    struct sym_pgp_keyids *to, const uint8_t *msg, size_t msg_len)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 4);

/* 1 if the user's gpg-agent answers on its socket, else 0 (no socket, a
 * dead one, no GPGME).  gpg reports a missing agent as "no secret key":
 * this tells the two apart.  Starts no agent. */
int sym_pgp_agent_reachable(void);

/*
 * 1 if the user's keyring holds the secret half (or a smartcard's stub)
 * of a valid encryption subkey of the key with primary fingerprint fpr
 * (40 hex digits, as sym_pgp_parse_fingerprint gives), 0 if not (no such
 * key, no secret, or only revoked or signing subkeys), or SYM_EGPGME,
 * SYM_ENOGPG, SYM_ENOMEM.  Asks gpg-agent; never a PIN.
 */
int sym_pgp_secret_present(const char *fpr) SYM_WARN_UNUSED SYM_NONNULL(1);

/* How gpg-agent gets a PIN for sym_pgp_decrypt_pin. */
enum sym_pgp_pinentry {
	SYM_PGP_PINENTRY_AGENT = 0,     /* its own pinentry (the card's) */
	SYM_PGP_PINENTRY_LOOPBACK = 1,  /* from the caller's callback */
	SYM_PGP_PINENTRY_ERROR = 2,     /* none: refuse instead of asking */
};

#define SYM_PGP_PIN_MAX 256u            /* bytes of a loopback PIN */
#define SYM_PGP_DETAIL_MAX 127u         /* GnuPG's own words */

/*
 * The loopback PIN callback.  pin[0..cap) is secure memory that is wiped
 * after use; write at most cap - 1 bytes, set *pin_len, return SYM_OK,
 * or a SYM_E code to cancel.  prev_bad is 1 when gpg-agent asks again
 * because the PIN it was given is wrong; it may ask several times, and a
 * callback that will not retry cancels.
 */
typedef int (*sym_pgp_pin_fn)(void *arg, char *pin, size_t cap,
    size_t *pin_len, int prev_bad);

/* What GnuPG answered to sym_pgp_decrypt_pin. */
struct sym_pgp_verdict {
	/* SYM_OK (decrypted), SYM_EBADPIN (wrong PIN or passphrase),
	 * SYM_EPINLOCKED, SYM_ECANCELED (cancelled, also when the callback
	 * refused), SYM_ENOTTY (no pinentry, or pinentry mode "error"),
	 * SYM_ENOAGENT (gpg-agent unreachable), SYM_ENODEVICE (no card or
	 * no scdaemon), SYM_ENOSECKEY (no secret key: see
	 * sym_pgp_agent_reachable), SYM_ETOOBIG (the plaintext was above
	 * the caller's cap), SYM_ENOMEM or SYM_EIO (the PIN could not be
	 * handed to gpg), SYM_EDECRYPT (any other failure). */
	int status;
	char detail[SYM_PGP_DETAIL_MAX + 1];   /* gpg's error text, or "" */
};

/*
 * Decrypts the binary or armoured msg with the user's GnuPG, in pinentry
 * mode mode (pin and arg are used with SYM_PGP_PINENTRY_LOOPBACK only,
 * and then pin must not be NULL), into plain[0..cap) (secure memory of
 * the caller's); *plain_len gets the plaintext's size.  The failing
 * recipient's own status is reported when gpg gives one.  Returns SYM_OK
 * when gpg was asked, v telling its answer (on a failure plain is wiped
 * and *plain_len is 0); or SYM_ENOGPG, SYM_ENOMEM, SYM_EUSAGE,
 * SYM_ETOOBIG (msg above SYM_PGP_MESSAGE_MAX) when it could not be.
 * The plaintext passes through memory of GPGME and gpg that is not ours
 * to wipe (see sym_pgp_decrypt).
 */
int sym_pgp_decrypt_pin(uint8_t *plain, size_t *plain_len, size_t cap,
    struct sym_pgp_verdict *v, const uint8_t *msg, size_t msg_len,
    enum sym_pgp_pinentry mode, sym_pgp_pin_fn pin, void *arg)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 4, 5);

/* Validity of a signer's key and user id in the web of trust (gpg's).
 * GPGME (1.18) reports gpg's TRUST_ULTIMATE for a signature as FULL, so
 * verification never yields ULTIMATE, even for the user's own key. */
enum sym_pgp_validity {
	SYM_PGP_VALIDITY_UNKNOWN = 0,
	SYM_PGP_VALIDITY_UNDEFINED = 1,
	SYM_PGP_VALIDITY_NEVER = 2,
	SYM_PGP_VALIDITY_MARGINAL = 3,
	SYM_PGP_VALIDITY_FULL = 4,
	SYM_PGP_VALIDITY_ULTIMATE = 5,
};

/* "unknown", "undefined", "never", "marginal", "full", "ultimate". */
const char *sym_pgp_validity_name(enum sym_pgp_validity v);

struct sym_pgp_signature {
	/* The (sub)key that made the signature as the signature names it:
	 * a fingerprint, or a key id if only that is known. */
	char signing_fpr[SYM_PGP_FPR_CHARS + 1];
	/* The primary key and its user id, "" when the key is not in the
	 * keyring (status SYM_ENOPUBKEY). */
	char fpr[SYM_PGP_FPR_CHARS + 1];
	char uid[SYM_PGP_UID_MAX + 1];
	enum sym_pgp_validity validity;
	/* SYM_OK (good), SYM_EBADSIG, SYM_ENOPUBKEY, SYM_EKEYREVOKED,
	 * SYM_EKEYEXPIRED (key or signature expired). */
	int status;
	int64_t created;        /* signature time, seconds since 1970 */
};

struct sym_pgp_signatures {
	size_t count;
	int more;               /* 1 if more than SYM_PGP_SIGNATURES_MAX */
	struct sym_pgp_signature sig[SYM_PGP_SIGNATURES_MAX];
};

/*
 * Verifies a detached signature sig (gpg --detach-sign output, binary or
 * armoured; may hold several signatures) over data[0..data_len) against
 * the user's keyring.  out is filled whatever the result.  Returns SYM_OK
 * only if every signature is good; else the worst status of the list:
 * SYM_EBADSIG, then SYM_ENOPUBKEY, SYM_EKEYREVOKED, SYM_EKEYEXPIRED; or
 * SYM_ENOTPGPSIG (not a detached signature), SYM_ETOOBIG, SYM_EGPGME.
 *
 * WARNING: SYM_OK says the bytes were signed by the keys listed, nothing
 * about whose keys they are: compare out->sig[i].fpr with the fingerprint
 * you expect, or look at the validity.
 */
int sym_pgp_verify_detached(struct sym_pgp_signatures *out,
    const uint8_t *sig, size_t sig_len, const uint8_t *data, size_t data_len)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* As sym_pgp_verify_detached, with the signed bytes read from fd (to its
 * end, any size). */
int sym_pgp_verify_detached_fd(struct sym_pgp_signatures *out,
    const uint8_t *sig, size_t sig_len, int fd)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/*
 * Whether buf looks like an OpenPGP encrypted message: SYM_PGP_ARMORED
 * if, after leading white space, it starts with the line
 * "-----BEGIN PGP MESSAGE-----"; SYM_PGP_BINARY if it starts (after any
 * marker packet) with a well-formed session key packet, public-key (v3)
 * or passphrase (v4/v5); else SYM_PGP_NONE.  Neither a COSE bundle
 * (0xD2), CBOR, base45 text nor a key or signature passes.  Reads at
 * most the first packet; no GnuPG: sym_pgp_packet_sniff (pgp_packet.h).
 */
enum sym_pgp_form sym_pgp_sniff(const uint8_t *buf, size_t len);

#endif
