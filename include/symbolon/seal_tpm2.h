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
 * The blob is TPM2B_PRIVATE || TPM2B_PUBLIC of the sealed object, whose
 * data is U || BLAKE2b-256(binding) truncated to 16 bytes; unwrap checks
 * the binding (SYM_EDEVUNWRAP).  Every object and session is flushed.
 * The recorded parameters: tcti, handle, pcrs, bank, pin.
 */
#ifndef SYMBOLON_SEAL_TPM2_H
#define SYMBOLON_SEAL_TPM2_H

#include "symbolon/seal_device.h"

#define SYM_SEAL_TPM2_FILE "libsymbolon-tpm2.so"
#define SYM_SEAL_TPM2_SYMBOL "sym_seal_tpm2_device"

/* The keys of a tpm2 seal string (known without the plugin). */
extern const char *const sym_seal_tpm2_keys[];

#endif
