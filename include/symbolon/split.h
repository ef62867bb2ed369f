/*
 * Splitting a secret (ceremony layer): into Vault-format text lines, or
 * into signed share bundles and their manifest written to a directory
 * (deal.h), with the holders' identities loaded, per-share passphrases
 * gathered (from a file, or asked twice on the terminal) and the dealer's
 * key loaded.  Nothing here prints; a result says what was made, or which
 * step failed and on what.
 */
#ifndef SYMBOLON_SPLIT_H
#define SYMBOLON_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/codec.h"
#include "symbolon/deal.h"
#include "symbolon/error.h"
#include "symbolon/identity.h"
#include "symbolon/pgp.h"
#include "symbolon/shamir.h"

/* What to split, as a command line says it.  Lists have count entries
 * or none (0). */
struct sym_split_options {
	unsigned count, threshold;
	int have_count, have_threshold;	/* given at all */
	enum sym_text_format format;	/* text shares */
	int raw;			/* raw share files in out_dir, streamed */
	const char *in_path;		/* the secret; NULL: standard input */
	const char *out_dir;		/* NULL: text shares */
	int armor;			/* bundles in text form (.txt) */
	const char *signer_path;	/* NULL: a one-time key */
	const char *signer_passphrase_file;
	const char *to[SYM_SHAMIR_MAX_SHARES];	/* identity .pub files */
	int to_count;
	const char *holders[SYM_SHAMIR_MAX_SHARES];	/* names, shares in clear */
	int holder_count;
	const char *pgp_specs[SYM_SHAMIR_MAX_SHARES];	/* OpenPGP keys */
	int pgp_count;
	/* pgp_specs resolved (pgp.h): share i's file sealed to key i. */
	struct sym_pgp_recipient *pgp[SYM_SHAMIR_MAX_SHARES];
	int passphrase;			/* each share under a passphrase */
	const char *passphrase_file;	/* line I: share I's; else asked */
	const uint8_t *secret;		/* secure memory */
	size_t secret_len;
};

/* Checks that the options go together: SYM_OK, or SYM_EUSAGE with the
 * reason in why (cap bytes). */
int sym_split_check(char *why, size_t cap, const struct sym_split_options *o)
    SYM_WARN_UNUSED SYM_NONNULL(1, 3);

/*
 * --format raw: streams the secret from o->in_path (or standard input)
 * into raw share files in o->out_dir (share_files.h), in memory
 * independent of its size.  *subject names the input or the directory
 * an error concerns.
 */
int sym_split_raw(uint64_t *secret_len, const char **subject,
    const struct sym_split_options *o) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* Reads the secret from o->in_path, standard input, or a hidden prompt
 * on a terminal (a new secure buffer): SYM_EEMPTYSECRET if empty,
 * SYM_ETOOBIG if too long for a share bundle (with out_dir). */
int sym_split_read_secret(uint8_t **secret, size_t *len,
    const struct sym_split_options *o) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

enum sym_split_step {
	SYM_SPLIT_DONE = 0,
	SYM_SPLIT_RECIPIENT,		/* subject: the .pub file */
	SYM_SPLIT_PASSPHRASE,		/* subject: FILE:I, or "passphrase for share:I" */
	SYM_SPLIT_SIGNER,		/* subject: the signer key file */
	SYM_SPLIT_DEAL,			/* no subject */
	SYM_SPLIT_WRITE,		/* subject: the directory; SYM_EEXIST: not empty */
};

struct sym_split_result {
	int code;
	enum sym_split_step step;	/* the step that failed */
	char subject[4200];
	struct sym_deal_output deal;	/* what was written */
	struct sym_identity recipients[SYM_SHAMIR_MAX_SHARES];	/* --to */
	/* holders named by their OpenPGP key (no --holders name) */
	char pgp_names[SYM_SHAMIR_MAX_SHARES][SYM_IDENTITY_NAME_MAX + 1];
};

/* Deals o->secret into share bundles written to o->out_dir (all or
 * nothing); holder names are o->holders.  Returns result->code.  Free
 * with sym_split_result_free. */
int sym_split_bundles(struct sym_split_result *result,
    const struct sym_split_options *o) SYM_WARN_UNUSED SYM_NONNULL(1, 2);
void sym_split_result_free(struct sym_split_result *result);

/* Splits secret into count text shares and writes them to fd, one a
 * line ("\n" after each) in format, a piece at a time (the shares are
 * held in secure memory, their text is not held whole).  A write error
 * may leave some lines written. */
int sym_split_text(int fd, const uint8_t *secret, size_t secret_len,
    unsigned count, unsigned threshold, enum sym_text_format format)
    SYM_WARN_UNUSED;

#endif
