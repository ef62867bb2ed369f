/*
 * The fault-injection hook of the test build (see fault.h).  Without
 * -DSYMBOLON_TEST_HOOKS this file compiles to nothing.
 */
#ifdef SYMBOLON_TEST_HOOKS

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

enum fault_mode {
	FAULT_EIO, FAULT_ENOSPC, FAULT_EROFS, FAULT_EXIT, FAULT_TORN
};

static unsigned long fault_counter;

int
sym_fault_point(const char *what, int *torn)
{
	const char *spec = getenv("SYMBOLON_FAULT");
	const char *log = getenv("SYMBOLON_FAULT_LOG");
	unsigned long target;
	enum fault_mode mode = FAULT_EIO;
	char *end;

	if (torn != NULL)
		*torn = 0;
	fault_counter++;
	if (log != NULL) {
		FILE *f = fopen(log, "a");

		if (f != NULL) {
			fprintf(f, "%lu %s\n", fault_counter, what);
			fclose(f);
		}
	}
	if (spec == NULL)
		return 0;
	target = strtoul(spec, &end, 10);
	if (target != fault_counter)
		return 0;
	if (*end == ':') {
		end++;
		if (strcmp(end, "enospc") == 0)
			mode = FAULT_ENOSPC;
		else if (strcmp(end, "erofs") == 0)
			mode = FAULT_EROFS;
		else if (strcmp(end, "exit") == 0)
			mode = FAULT_EXIT;
		else if (strcmp(end, "torn") == 0)
			mode = FAULT_TORN;
	}
	switch (mode) {
	case FAULT_EXIT:
		_exit(SYM_FAULT_EXIT_STATUS);
	case FAULT_TORN:
		if (torn != NULL) {
			*torn = 1;
			return 0;
		}
		_exit(SYM_FAULT_EXIT_STATUS);
	case FAULT_ENOSPC:
		errno = ENOSPC;
		return -1;
	case FAULT_EROFS:
		errno = EROFS;
		return -1;
	default:
		errno = EIO;
		return -1;
	}
}

void
sym_fault_torn_exit(void)
{
	_exit(SYM_FAULT_EXIT_STATUS);
}

#endif
