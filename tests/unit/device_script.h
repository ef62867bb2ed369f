/*
 * For the unit tests that drive a real device peer (SoftHSM2, swtpm,
 * gpg-agent): where the shell functions of tests/devices/ are, found
 * upward from the test program (build/tests/, build/asan/tests/), so that
 * a test runs from any directory.
 */
#ifndef SYMBOLON_TESTS_DEVICE_SCRIPT_H
#define SYMBOLON_TESTS_DEVICE_SCRIPT_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* tests/devices/NAME into out (cap bytes): 0, or -1 (said on stderr). */
static inline int
device_script(char *out, size_t cap, const char *name)
{
	char dir[4096];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);

	if (n <= 0)
		return -1;
	dir[n] = '\0';
	for (char *slash; (slash = strrchr(dir, '/')) != NULL;) {
		*slash = '\0';
		if (snprintf(out, cap, "%s/tests/devices/%s", dir, name) >=
		    (int)cap)
			continue;
		if (access(out, R_OK) == 0)
			return 0;
	}
	fprintf(stderr, "# tests/devices/%s not found above the test\n", name);
	return -1;
}

#endif
