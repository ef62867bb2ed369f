/*
 * The OpenPGP seal (a device seal, symbolon/seal_device.h): U encrypted
 * to an OpenPGP key whose secret half lives on a smartcard or YubiKey
 * (or any secret key gpg-agent holds), decrypted through GPGME and
 * gpg-agent.  Enrolment needs only the public key.
 *
 * Seal string keys:
 *   key=FILE       the public key file to enrol (exported, armored or
 *                  binary; resolved as pgp.h does, never imported) ...
 *   fpr=HEX        ... or the fingerprint of a key in the keyring
 *
 * The blob is a binary OpenPGP message (551 bytes for RSA-3072, 679 for
 * RSA-4096, 248 for Curve25519; at most SYM_SEAL_WRAPPED_MAX, so RSA
 * keys above about 6800 bits are refused) encrypted to the key's
 * encryption subkey, whose 88-byte plaintext is
 *   "symbolon-openpgp-seal-v1" || BLAKE2b-256(binding) || U.
 * Unwrap refuses (SYM_EDEVUNWRAP), before asking gpg-agent anything, a
 * blob that is not exactly one session key packet for a subkey of the
 * recorded key and one integrity-protected data packet, each in its only
 * encoding (shortest lengths, exact MPI bit counts, nothing after); and,
 * after decryption, a plaintext whose hash differs from the binding's
 * (compared in constant time).  The plaintext is held only in secure
 * memory (gpg and GPGME's pipe buffers hold it briefly, see pgp_decrypt.c).
 *
 * The PIN (the card's, or the key's passphrase): with a PIN file it is
 * read once with sym_seal_pin_get, only when gpg-agent asks, and given
 * through loopback pinentry (gpg-agent.conf: allow-loopback-pinentry, the
 * default since GnuPG 2.1.12); never given again after a wrong one.
 * Without a PIN file gpg-agent's own pinentry asks (the card's PIN
 * dialog); with prompting off as well, pinentry mode "error" makes it
 * refuse (SYM_ENOTTY) unless the PIN is cached.
 *
 * Errors: a wrong PIN SYM_EBADPIN, a blocked one SYM_EPINLOCKED; no
 * secret key (the card is not inserted, or the key is not in the
 * keyring), no card or no gpg-agent SYM_ENODEVICE; an expired, revoked,
 * disabled, secret or encrypt-incapable key at enrolment SYM_EDEVKEY; an
 * unreadable key file SYM_ESEALSPEC.  probe: gpg-agent holds the secret
 * half (or a card stub) of an encryption subkey of the key; no PIN, no
 * decryption (a stub does not tell that its card is inserted).
 *
 * WARNING: from a public key alone nothing tells that its secret half is
 * on a card and cannot be copied off it: wrap cannot refuse a software
 * key.  Check the card (gpg --card-status) at enrolment.
 *
 * The recorded parameter: fpr (the primary key's fingerprint).
 */
#ifndef SYMBOLON_SEAL_OPENPGP_H
#define SYMBOLON_SEAL_OPENPGP_H

#include "symbolon/seal_device.h"

/* It lives in a plugin, libsymbolon-openpgp.so (symbolon/plugin.h), so
 * that programs which never meet an OpenPGP seal (status) start without
 * GPGME. */
#define SYM_SEAL_OPENPGP_FILE "libsymbolon-openpgp.so"
#define SYM_SEAL_OPENPGP_SYMBOL "sym_seal_openpgp_device"

extern const struct sym_device_ops sym_seal_openpgp_device;
/* The keys of an openpgp seal string (known without the plugin). */
extern const char *const sym_seal_openpgp_keys[];

#endif
