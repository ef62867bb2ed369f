/*
 * Private to lib/pgp.c, lib/pgp_key.c and lib/pgp_decrypt.c: what the
 * GPGME half of the OpenPGP module shares.  Not installed, not for other modules.
 */
#ifndef SYMBOLON_PGP_INTERNAL_H
#define SYMBOLON_PGP_INTERNAL_H

#include <stddef.h>

#include <gpgme.h>

#include "symbolon/pgp.h"

struct sym_pgp_recipient {
	struct sym_pgp_key info;
	gpgme_ctx_t ctx;
	char home[256];         /* temporary GnuPG home, "" for the user's */
};

/* Copies a hex id from GnuPG, upper-cased; "" if it is not hex. */
void pgp_copy_hex(char *out, size_t cap, const char *in);

/* Copies untrusted text (a user id) with control characters and invalid
 * UTF-8 replaced by '?', cut at a character boundary to fit cap. */
void pgp_copy_text(char *out, size_t cap, const char *in);

/* The SYM_E code of a GPGME error that is not about the data itself. */
int pgp_map_gpgme_error(gpgme_error_t err);

/* Fills out with key's details (pgp.h) and, if sub is not NULL, those of
 * that subkey; the earliest expiry of the two. */
void pgp_fill_key(struct sym_pgp_key *out, gpgme_key_t key,
    gpgme_subkey_t sub);

/* A context for the OpenPGP engine on home (NULL: the user's), offline;
 * calls sym_pgp_init first. */
int pgp_new_ctx(gpgme_ctx_t *ctx, const char *home);

#endif
