/*
 * The init ceremony: a new storage image and the seal of its unseal key,
 * in the one order that is safe:
 *
 *   1. the image is made in memory (image id, identity, root key, term 1);
 *   2. the seal makes U (Shamir: deals it, signed by the image identity);
 *   3. the image is written whole to a temporary file, U wrapping R;
 *   4. the seal publishes (Shamir: shares and manifest into the out dir);
 *   5. the image is linked into place.
 *
 * All or nothing: a failure at any step leaves no image and, after step
 * 4, the published files removed again.  An image whose shares were never
 * written never appears.
 */
#ifndef SYMBOLON_INIT_H
#define SYMBOLON_INIT_H

#include <stdint.h>

#include "symbolon/deal.h"
#include "symbolon/error.h"
#include "symbolon/image.h"
#include "symbolon/seal.h"

struct sym_init_result {
	struct sym_image_info info;	/* the new image */
	/* Shamir: the shares dealt (paths via sym_deal_path); heap, free
	 * with sym_init_result_free. */
	struct sym_deal_output deal;
};

/* Creates the image at path (never replacing a file) sealed by seal. */
int sym_init_image(struct sym_init_result *out, const char *path,
    struct sym_seal *seal, uint64_t now) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* What `keygen init` asks for: a Shamir seal of shares, threshold,
 * written into out_dir. */
struct sym_init_shamir {
	const char *path;
	unsigned shares, threshold;
	const struct sym_deal_holder *holders;	/* shares entries, or NULL */
	struct sym_pgp_recipient *const *pgp;	/* or NULL */
	const char *out_dir;
	int armor;
	uint64_t now;
};

/* sym_init_image with a Shamir seal; out->deal holds the shares dealt.
 * SYM_EEXIST: the image exists, or out_dir already holds deal files. */
int sym_init_shamir(struct sym_init_result *out,
    const struct sym_init_shamir *request) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

void sym_init_result_free(struct sym_init_result *r);

#endif
