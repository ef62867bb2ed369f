/* The pkcs11 seal: symbolon/seal_pkcs11.h.  (Being written.) */
#include <stdio.h>

#include "symbolon/seal_pkcs11.h"

static const char *const keys[] = { "module", "token", "serial", "key", "id", "mech", "oaep_hash", NULL };

static int
open_device(void **state, const struct sym_seal_params *params,
    const struct sym_seal_pin *pin, char *why)
{
	(void)state;
	(void)params;
	(void)pin;
	snprintf(why, SYM_SEAL_WHY_MAX, "the pkcs11 seal is not built yet");
	return SYM_ENODEVICE;
}

const struct sym_device_ops sym_seal_pkcs11_device = {
	.abi = SYM_SEAL_DEVICE_ABI,
	.type = "pkcs11",
	.keys = keys,
	.open = open_device,
};
