/* The control for ctgrind: code that is NOT constant time must be caught.
 * argv[1] picks the leak: "table" (a log-table lookup indexed by a secret,
 * as old Vault and libgfshare did) or "branch" (an early exit on a secret).
 * Run under valgrind memcheck, each must produce an error. */
#include <stdio.h>
#include <string.h>

#include "ct_common.h"

static uint8_t log_table[256];

int
main(int argc, char **argv)
{
	uint8_t secret = 0x42, result = 0;

	for (int i = 0; i < 256; i++)
		log_table[i] = (uint8_t)(i * 7);
	SECRET(&secret, 1);
	if (argc > 1 && strcmp(argv[1], "table") == 0)
		result = log_table[secret];
	else if (secret == 0x42)
		result = 1;
	DECLASSIFY(&result, 1);
	printf("%u\n", result);
	return 0;
}
