/* Device seals: parameters, PINs, bindings (symbolon/seal_device.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbolon/passphrase.h"
#include "symbolon/seal_device.h"

const char *
sym_seal_param(const struct sym_seal_params *p, const char *key)
{
	for (size_t i = 0; i < p->count; i++)
		if (strcmp(p->item[i].key, key) == 0)
			return p->item[i].value;
	return NULL;
}

int
sym_seal_param_set(struct sym_seal_params *p, const char *key,
    const char *value)
{
	size_t i;

	if (strlen(key) > SYM_SEAL_PARAM_KEY_MAX ||
	    strlen(value) > SYM_SEAL_PARAM_VALUE_MAX)
		return SYM_ETOOBIG;
	for (i = 0; i < p->count; i++)
		if (strcmp(p->item[i].key, key) == 0)
			break;
	if (i == p->count) {
		if (p->count == SYM_SEAL_PARAMS_MAX)
			return SYM_ETOOBIG;
		p->count++;
		snprintf(p->item[i].key, sizeof p->item[i].key, "%s", key);
	}
	snprintf(p->item[i].value, sizeof p->item[i].value, "%s", value);
	return SYM_OK;
}

int
sym_seal_pin_get(char *buf, size_t cap, size_t *len,
    const struct sym_seal_pin *pin, const char *prompt)
{
	if (pin->file == NULL && pin->no_prompt)
		return SYM_ENOTTY;
	return sym_passphrase_get(buf, cap, len, prompt, 0, pin->file);
}

int
sym_seal_binding(uint8_t out[SYM_SEAL_BINDING_MAX], size_t *len,
    const uint8_t image_id[16], const char *name, uint64_t generation)
{
	static const char tag[] = "symbolon-seal-v1";
	size_t name_len = strlen(name), n = 0;

	if (name_len == 0 || name_len > SYM_SEAL_NAME_BYTES_MAX)
		return SYM_EUSAGE;
	memcpy(out, tag, sizeof tag - 1);
	n += sizeof tag - 1;
	memcpy(out + n, image_id, 16);
	n += 16;
	out[n++] = (uint8_t)name_len;
	memcpy(out + n, name, name_len);
	n += name_len;
	for (int i = 7; i >= 0; i--)
		out[n++] = (uint8_t)(generation >> (8 * i));
	*len = n;
	return SYM_OK;
}

/* ---------------------------------------------------------------- */
/* The TPM's seal string keys, here so that they are known without its
 * plugin (seal_tpm2.h). */

/* Declared in seal_tpm2.h and seal_openpgp.h (which include this
 * module's header): the keys of the providers that live in plugins. */
extern const char *const sym_seal_tpm2_keys[];
extern const char *const sym_seal_openpgp_keys[];
const char *const sym_seal_tpm2_keys[] = {
	"tcti", "handle", "pcrs", "bank", "pin", NULL
};
const char *const sym_seal_openpgp_keys[] = { "key", "fpr", NULL };

void
sym_seal_device_why(char *why, const char *name, const char *type)
{
	char reason[SYM_SEAL_WHY_MAX];

	snprintf(reason, sizeof reason, "%s", why);
	snprintf(why, SYM_SEAL_WHY_MAX, "seal '%.32s' (%.15s): %.190s", name,
	    type, reason[0] ? reason : "failed");
}
