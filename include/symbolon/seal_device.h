/*
 * Device seals (seal layer): the unseal key U wrapped by a device the
 * operator holds (a PKCS#11 token, a TPM 2.0, an OpenPGP card through
 * gpg-agent) instead of being split.  This header is the contract every
 * device provider implements (struct sym_device_ops) and what the rest of
 * the seal layer and the programs use to name, open and probe a device:
 *
 *   seal string   "TYPE:key=value,key=value,..." as given to
 *                 `keygen init --seal` (sym_seal_spec_parse).  The keys
 *                 name=NAME and priority=N are common to every type; the
 *                 rest are the provider's (its keys table).  A value holds
 *                 no ',' (a value may hold '='); the PIN is never a
 *                 parameter.
 *   params        what the image records for the seal: the public
 *                 parameters that find the device again (normalised by
 *                 the provider at enrolment: a token serial, a key id, a
 *                 fingerprint), never a PIN.
 *   binding       the associated data every wrap is bound to:
 *                 "symbolon-seal-v1" || image id || len(name) || name ||
 *                 generation (8 bytes, big-endian) (sym_seal_binding).
 *                 A blob moved to another image, seal or generation does
 *                 not unwrap.
 *
 * Providers report failures as SYM_E codes (the device codes below) with
 * why: one line naming what is wrong, without the seal's name ("token
 * 'ceremony' not found"); sym_seal_device_why prefixes "seal 'hsm1'
 * (pkcs11): ".  A provider never retries a PIN on its own: a wrong PIN is
 * one failed attempt on the device's counter, reported as SYM_EBADPIN.
 */
#ifndef SYMBOLON_SEAL_DEVICE_H
#define SYMBOLON_SEAL_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/image_format.h"

#define SYM_SEAL_DEVICE_ABI 1u
#define SYM_SEAL_WHY_MAX 256u
#define SYM_SEAL_BINDING_MAX 96u
#define SYM_SEAL_PIN_MAX 256u
#define SYM_SEAL_KEY_BYTES 32u		/* U: SYM_IMAGE_KEY_BYTES */

/* struct sym_seal_params and the size limits are the image's record of a
 * seal (image_format.h). */

/* The value of key in p, or NULL. */
const char *sym_seal_param(const struct sym_seal_params *p, const char *key)
    SYM_NONNULL(1, 2);
/* Adds or replaces key=value: SYM_ETOOBIG when it does not fit. */
int sym_seal_param_set(struct sym_seal_params *p, const char *key,
    const char *value) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* A seal string, parsed: type, name (default: the type), priority
 * (default 1), and the provider's parameters. */
struct sym_seal_spec {
	char type[SYM_SEAL_TYPE_MAX + 1];
	char name[SYM_SEAL_NAME_BYTES_MAX + 1];
	unsigned priority;
	struct sym_seal_params params;
};

/* Where a PIN comes from when a device asks for one. */
struct sym_seal_pin {
	const char *file;	/* its first line; NULL: the terminal */
	int no_prompt;		/* never ask (status): SYM_ENOTTY instead */
};

/*
 * Reads the PIN for prompt ("PIN for token 'ceremony' (will be hidden): ")
 * into buf (secure memory, cap bytes, NUL-terminated): from pin->file, or
 * from the terminal with echo off.  Empty PINs are refused.
 */
int sym_seal_pin_get(char *buf, size_t cap, size_t *len,
    const struct sym_seal_pin *pin, const char *prompt)
    SYM_WARN_UNUSED SYM_NONNULL(1, 3, 4, 5);

/* The associated data a wrap is bound to (see above). */
int sym_seal_binding(uint8_t out[SYM_SEAL_BINDING_MAX], size_t *len,
    const uint8_t image_id[16], const char *name, uint64_t generation)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 4);

/*
 * A device provider.  Every function gets why (SYM_SEAL_WHY_MAX bytes) to
 * fill on failure.  key is always SYM_SEAL_KEY_BYTES of secure memory.
 */
struct sym_device_ops {
	unsigned abi;			/* SYM_SEAL_DEVICE_ABI */
	const char *type;		/* "pkcs11", "tpm2", "openpgp" */
	/* The parameter keys a seal string may give (NULL-terminated);
	 * sym_seal_spec_parse refuses any other. */
	const char *const *keys;
	/* Checks params (SYM_ESEALSPEC for a missing or bad one) and keeps
	 * what it needs; touches no device yet.  pin is kept by pointer and
	 * outlives the state. */
	int (*open)(void **state, const struct sym_seal_params *params,
	    const struct sym_seal_pin *pin, char *why);
	/* Enrolment: wraps key for binding; blob gets the wrapped form
	 * (at most SYM_SEAL_WRAPPED_MAX bytes), record the parameters the
	 * image keeps (normalised: what finds this very device key again).
	 * Refuses a key that could be copied off the device, where the
	 * device can say so (PKCS#11's attributes, a TPM's fixedTPM); an
	 * OpenPGP public key cannot say whether its secret half is on a
	 * card (seal_openpgp.h says what that means). */
	int (*wrap)(void *state, const uint8_t *binding, size_t binding_len,
	    const uint8_t *key, uint8_t *blob, size_t *blob_len,
	    struct sym_seal_params *record, char *why);
	/* Unwraps blob for binding into key. SYM_EDEVUNWRAP when the device
	 * answers but the blob is not its own, or was changed. */
	int (*unwrap)(void *state, const uint8_t *binding, size_t binding_len,
	    const uint8_t *blob, size_t blob_len, uint8_t *key, char *why);
	/* Whether the device answers now, without a PIN and without using
	 * the key: SYM_OK, or the code and why it does not. */
	int (*probe)(void *state, char *why);
	void (*close)(void *state);
};

/* "seal 'NAME' (TYPE): " + why, in place. */
void sym_seal_device_why(char *why, const char *name, const char *type)
    SYM_NONNULL(1, 2, 3);

#endif
