/* The floor for a program's start-up (tests/bench/bench_startup.c): linked
 * only to libsodium, it initialises it and exits. */
#include <sodium.h>

int
main(void)
{
	return sodium_init() < 0;
}
