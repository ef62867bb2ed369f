/*
 * The PKCS#11 seal (a device seal, symbolon/seal_device.h): U wrapped by
 * a key that never leaves a token (an HSM, a smartcard, SoftHSM2).
 *
 * Seal string keys:
 *   module=PATH    the PKCS#11 module (an absolute path), dlopen'ed
 *                  (C_GetFunctionList); a file that does not load or has
 *                  no C_GetFunctionList is SYM_ESEALSPEC, no file at PATH
 *                  SYM_ENODEVICE
 *   token=LABEL    the token, found by label ...
 *   serial=S       ... and/or by serial number; never by slot number.
 *                  No such token is SYM_ENODEVICE; two tokens of one label
 *                  are refused (SYM_ESEALSPEC, naming both serials)
 *   key=LABEL      the key's CKA_LABEL ...
 *   id=HEX         ... and/or its CKA_ID.  No such key, or two, is
 *                  SYM_EDEVKEY
 *   mech=aes-gcm   (default) CKM_AES_GCM with the binding as AAD, a 96-bit
 *                  IV (C_GenerateRandom xor our own), a 128-bit tag;
 *                  blob = 0x01 || IV (12) || ct (32) || tag (16)
 *   mech=rsa-oaep  CKM_RSA_PKCS_OAEP: enrolment needs only the public key
 *                  (no login, no PIN); unwrap logs in and uses the
 *                  private key.  blob = 0x02 or 0x03 || RSA block, where
 *                  the plaintext is BLAKE2b-128("symbolon-pkcs11-oaep-v1"
 *                  || first byte || binding) || U, checked at unwrap; 0x02
 *                  when the binding is also the OAEP label, 0x03 when the
 *                  token refuses labels (SoftHSM 2.6 does)
 *   oaep_hash=sha1|sha256|sha384|sha512   (default sha256; SoftHSM 2.6
 *                  accepts only sha1)
 *
 * The key must be CKA_SENSITIVE and not CKA_EXTRACTABLE (an AES key or
 * an RSA private key): one that could be copied off the token is refused
 * (SYM_EDEVKEY).  A private RSA key is invisible to a PIN-less enrolment,
 * so it is checked at every unwrap (and at enrolment only if it is not
 * CKA_PRIVATE).  The PIN comes from sym_seal_pin_get, once: a refused PIN
 * is SYM_EBADPIN (SYM_EPINLOCKED when the token says so, and then it is
 * not asked), never retried.  The recorded parameters: module, token and
 * serial as found, key and id (hex) as found, mech, oaep_hash; opening
 * the seal with them matches on all of them.
 *
 * Modules are shared between the seals on them (C_Finalize when the last
 * closes, and only if we initialised it): one thread only.
 */
#ifndef SYMBOLON_SEAL_PKCS11_H
#define SYMBOLON_SEAL_PKCS11_H

#include "symbolon/seal_device.h"

extern const struct sym_device_ops sym_seal_pkcs11_device;

#endif
