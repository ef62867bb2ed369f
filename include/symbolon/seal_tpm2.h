/*
 * The TPM 2.0 seal (a device seal, symbolon/seal_device.h): U sealed in
 * a TPM 2.0 keyed-hash object under a primary key made from a fixed
 * template (or a persistent parent), through tpm2-tss ESAPI.  It lives in
 * a plugin, libsymbolon-tpm2.so (symbolon/plugin.h), so that programs
 * start without tpm2-tss and OpenSSL.
 *
 * Seal string keys:
 *   tcti=CONF      the TCTI ("device:/dev/tpmrm0", the default;
 *                  "swtpm:host=127.0.0.1,port=2321" written with ';'
 *                  for ',' since a value holds no ',')
 *   handle=0x81..  a persistent parent; default: a transient primary
 *                  from the fixed ECC P-256 storage template
 *   pcrs=0;7       a PCR policy over these PCRs (default: none)
 *   bank=sha256    the PCR bank (default sha256)
 *   pin=yes|no     an authValue (the PIN, from sym_seal_pin_get) on the
 *                  sealed object (default no)
 *
 * The blob is a version byte (1) || TPM2B_PRIVATE || TPM2B_PUBLIC of
 * the sealed object (fixedTPM|fixedParent, nameAlg SHA-256; about 225
 * bytes), whose data is U || BLAKE2b-256(binding) truncated to 16 bytes
 * (48 bytes; a TPM seals at most 128).  unwrap refuses with
 * SYM_EDEVUNWRAP a blob of another TPM, parent or binding, a changed one
 * and one whose PCRs moved.  The primary key is ECC P-256 with
 * AES-128-CFB, restricted|decrypt|fixedTPM|fixedParent|
 * sensitiveDataOrigin|userWithAuth|noDA under the owner hierarchy: the
 * same template makes the same key again from the TPM's seed.
 *
 * pin=yes: the object's authValue is SHA-256(PIN) without its trailing
 * zero bytes, so a PIN of any length fits; such an object counts wrong
 * PINs in the TPM's dictionary-attack counter (SYM_EBADPIN, then
 * SYM_EPINLOCKED); objects without a PIN are noDA, so a lockout does not
 * stop them.  With pcrs= the object opens through a PolicyPCR (and
 * PolicyAuthValue with a PIN) over the PCRs' values at wrap; without,
 * through its authValue (userWithAuth).  U and the PIN cross the bus
 * encrypted: each Create and Unseal runs in a session salted by the
 * parent key.  Every object and session is flushed on every path.
 * The recorded parameters: tcti (as given), handle (when given), pcrs
 * (sorted), bank, pin.
 *
 * WARNING: tpm2-tss marshals commands and responses (so U, once
 * decrypted) in buffers of its own, outside secure memory and beyond
 * our wiping.  The plugin sets TSS2_LOG to "all+NONE" (unless it is set)
 * so that tpm2-tss prints nothing; programs it starts inherit that.
 */
#ifndef SYMBOLON_SEAL_TPM2_H
#define SYMBOLON_SEAL_TPM2_H

#include "symbolon/seal_device.h"

#define SYM_SEAL_TPM2_FILE "libsymbolon-tpm2.so"
#define SYM_SEAL_TPM2_SYMBOL "sym_seal_tpm2_device"

/* The keys of a tpm2 seal string (known without the plugin). */
extern const char *const sym_seal_tpm2_keys[];

#endif
