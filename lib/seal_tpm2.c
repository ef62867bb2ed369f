/* The TPM 2.0 seal: symbolon/seal_tpm2.h.  (Being written.) */
#include <stdio.h>

#include "symbolon/seal_tpm2.h"

static int
open_device(void **state, const struct sym_seal_params *params,
    const struct sym_seal_pin *pin, char *why)
{
	(void)state;
	(void)params;
	(void)pin;
	snprintf(why, SYM_SEAL_WHY_MAX, "the tpm2 seal is not built yet");
	return SYM_ENODEVICE;
}

__attribute__((visibility("default")))
const struct sym_device_ops sym_seal_tpm2_device = {
	.abi = SYM_SEAL_DEVICE_ABI,
	.type = "tpm2",
	.keys = sym_seal_tpm2_keys,
	.open = open_device,
};
