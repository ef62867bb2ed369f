/*
 * The PKCS#11 seal (a device seal, symbolon/seal_device.h): U wrapped by
 * a key that never leaves a token (an HSM, a smartcard, SoftHSM2).
 *
 * Seal string keys:
 *   module=PATH    the PKCS#11 module, dlopen'ed (C_GetFunctionList)
 *   token=LABEL    the token, found by label ...
 *   serial=S       ... or by serial number; never by slot number
 *   key=LABEL      the key's CKA_LABEL ...
 *   id=HEX         ... or its CKA_ID
 *   mech=aes-gcm   (default) CKM_AES_GCM, 96-bit IV from C_GenerateRandom,
 *                  128-bit tag, the binding as AAD; blob = IV || ct || tag
 *   mech=rsa-oaep  CKM_RSA_PKCS_OAEP: enrolment needs only the public key
 *                  (no PIN); unwrap uses the private key
 *   oaep_hash=sha1|sha256|sha384|sha512   (default sha256; SoftHSM 2.6
 *                  accepts only sha1).  The binding is the OAEP label.
 *
 * The key must be CKA_SENSITIVE and not CKA_EXTRACTABLE (an AES key or
 * an RSA private key): one that could be copied off the token is refused
 * (SYM_EDEVKEY).  The PIN comes from sym_seal_pin_get, once: a refused
 * PIN is SYM_EBADPIN (SYM_EPINLOCKED when the token says so), never
 * retried.  The recorded parameters: module, token, serial, key, id
 * (hex), mech, oaep_hash.
 */
#ifndef SYMBOLON_SEAL_PKCS11_H
#define SYMBOLON_SEAL_PKCS11_H

#include "symbolon/seal_device.h"

extern const struct sym_device_ops sym_seal_pkcs11_device;

#endif
