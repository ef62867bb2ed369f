/*
 * Fault injection for the crash-safety tests: compiled only into the test
 * build (objects built with -DSYMBOLON_TEST_HOOKS, programs in
 * build/test-bin/).  A release build gets the stubs below, which the
 * compiler removes: no release binary reads SYMBOLON_FAULT.
 *
 * Every mutating file operation of lib/io.c (write, fsync, ftruncate,
 * rename, link) calls sym_fault_point() first.  In the test build, with
 * SYMBOLON_FAULT="K" or "K:MODE" in the environment, the K-th such
 * operation of the process fails with MODE: eio (default), enospc or
 * erofs; or, with "exit", the process _exits (status
 * SYM_FAULT_EXIT_STATUS) before doing it; or, with "torn" (writes only),
 * writes the first half of the buffer and then _exits, as a power cut
 * would.  SYMBOLON_FAULT_LOG=FILE appends one line per operation
 * ("K write"), so a test can see how many steps an update takes.
 *
 * Private to lib/ (base layer).  The hook is the one place in lib/ that
 * reads the environment, writes a file of its own and exits: it is a test
 * harness, not library behaviour.
 */
#ifndef SYMBOLON_FAULT_H
#define SYMBOLON_FAULT_H

#include <stddef.h>

#define SYM_FAULT_EXIT_STATUS 86

#ifdef SYMBOLON_TEST_HOOKS

/*
 * The fault point of operation what ("write", "fsync", ...).  Returns 0
 * to go ahead, or -1 with errno set to fail it; may _exit.  If torn is
 * not NULL (a write) and the fault is "torn", sets *torn: the caller
 * writes half of its buffer and then calls sym_fault_torn_exit().
 */
int sym_fault_point(const char *what, int *torn);

/* Ends the process after a torn write. */
_Noreturn void sym_fault_torn_exit(void);

#else

static inline int
sym_fault_point(const char *what, int *torn)
{
	(void)what;
	if (torn != NULL)
		*torn = 0;
	return 0;
}

static inline void
sym_fault_torn_exit(void)
{
}

#endif
#endif
