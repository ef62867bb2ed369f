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
 * The blob is an OpenPGP message holding the binding's BLAKE2b-256 hash
 * and U; unwrap checks that the hash matches the binding (SYM_EDEVUNWRAP
 * otherwise) and that the message was encrypted to the recorded key.
 * The PIN (the card's, or the key's passphrase) is asked by gpg-agent's
 * pinentry, or given through loopback from sym_seal_pin_get when a PIN
 * file is given.  The recorded parameter: fpr.
 */
#ifndef SYMBOLON_SEAL_OPENPGP_H
#define SYMBOLON_SEAL_OPENPGP_H

#include "symbolon/seal_device.h"

extern const struct sym_device_ops sym_seal_openpgp_device;

#endif
