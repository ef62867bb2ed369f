/*
 * symbolon keygen, in three files: keygen.c (options, identity),
 * keygen_init.c (init: Shamir or auto seal), keygen_export.c
 * (export-root).  What they share.
 */
#ifndef SYMBOLON_TOOLS_KEYGEN_H
#define SYMBOLON_TOOLS_KEYGEN_H

#include "symbolon/init.h"
#include "symbolon/shamir.h"

extern const char keygen_synopsis[];

struct keygen_args {
	struct sym_init_identity id;
	struct sym_init_shamir init;
	const char *to[SYM_SHAMIR_MAX_SHARES], *names[SYM_SHAMIR_MAX_SHARES];
	const char *pgp_specs[SYM_SHAMIR_MAX_SHARES];
	int to_count, name_count, pgp_count, help;
	/* auto seals */
	const char *seal, *pin_file, *out;
	int key_options, recovery_options;	/* which families were given */
	int recovery_pgp;			/* the keys are --recovery-pgp-keys */
};

/* keygen init; keygen export-root: exit statuses. */
int keygen_init(struct keygen_args *a);
int keygen_export_root(struct keygen_args *a, int argc, char **argv);

#endif
