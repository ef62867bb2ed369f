/*
 * The --pgp-keys helpers of tools/cli.h, in their own object so that a
 * program that takes no OpenPGP key (status, store, rotate) does not link
 * GPGME (the Makefile links with --as-needed).
 */
#include <stdio.h>

#include "symbolon/error.h"
#include "symbolon/identity.h"
#include "symbolon/pgp.h"

#include "cli.h"

int
cli_pgp_resolve(struct sym_pgp_recipient *out[], const char *const specs[],
    int count)
{
	for (int i = 0; i < count; i++) {
		struct sym_pgp_key seen;
		char fpr[SYM_PGP_FPR_CHARS + 1];
		int rc = sym_pgp_recipient_resolve_key(&out[i], &seen, specs[i]);

		if (rc == SYM_OK)
			continue;
		/* Name the key refused, not only where it came from. */
		if (seen.fpr[0] == '\0')
			cli_error("%s: %s", specs[i], sym_strerror(rc));
		else if (sym_pgp_parse_fingerprint(fpr, specs[i]) == SYM_OK)
			cli_error("%s (%s): %s", seen.fpr, seen.uid,
			    sym_strerror(rc));
		else
			cli_error("%s: key %s (%s): %s", specs[i], seen.fpr,
			    seen.uid, sym_strerror(rc));
		cli_pgp_free(out, i);
		return sym_exit_status(rc);
	}
	return 0;
}

void
cli_pgp_free(struct sym_pgp_recipient *keys[], int count)
{
	for (int i = 0; i < count; i++) {
		sym_pgp_recipient_free(keys[i]);
		keys[i] = NULL;
	}
}
