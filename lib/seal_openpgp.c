/* The openpgp seal: symbolon/seal_openpgp.h.  (Being written.) */
#include <stdio.h>

#include "symbolon/seal_openpgp.h"

static const char *const keys[] = { "key", "fpr", NULL };

static int
open_device(void **state, const struct sym_seal_params *params,
    const struct sym_seal_pin *pin, char *why)
{
	(void)state;
	(void)params;
	(void)pin;
	snprintf(why, SYM_SEAL_WHY_MAX, "the openpgp seal is not built yet");
	return SYM_ENODEVICE;
}

const struct sym_device_ops sym_seal_openpgp_device = {
	.abi = SYM_SEAL_DEVICE_ABI,
	.type = "openpgp",
	.keys = keys,
	.open = open_device,
};
