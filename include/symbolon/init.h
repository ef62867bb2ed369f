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
#include "symbolon/fingerprint.h"
#include "symbolon/identity.h"
#include "symbolon/image.h"
#include "symbolon/seal.h"

/* One share of a new image, as the ceremony reports it. */
struct sym_init_share {
	char path[4096];		/* where it was written, or "" */
	char holder[SYM_IDENTITY_NAME_MAX + 1];	/* or "" */
	char pgp_fingerprint[41];	/* hex, or "" when not OpenPGP */
	/* the OpenPGP key's user id when it is not the holder name
	 * (borrowed from the request's keys), or NULL */
	const char *pgp_uid;
};

struct sym_init_result {
	struct sym_image_info info;	/* the new image */
	char image_id[SYM_SET_ID_TEXT_MAX];	/* as text */
	/* Shamir: the shares dealt; heap, free with sym_init_result_free. */
	struct sym_deal_output deal;
	struct sym_init_share *shares;	/* info.seal.shares entries */
};

/* Creates the image at path (never replacing a file) sealed by seal. */
int sym_init_image(struct sym_init_result *out, const char *path,
    struct sym_seal *seal, uint64_t now) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/*
 * What `keygen init` asks for: a Shamir seal of shares, threshold, its
 * bundles written into out_dir.  Each array has one element per share
 * when its count is not 0: to, identity files the shares are sealed to
 * (their names name the holders); names, holder names; pgp (not NULL),
 * the OpenPGP keys the share files are encrypted to.  passphrase_file:
 * line i is share i's passphrase.
 */
struct sym_init_shamir {
	const char *path;
	unsigned shares, threshold;
	const char *const *to;
	const char *const *names;
	const char *passphrase_file;
	struct sym_pgp_recipient *const *pgp;
	/* How many were asked for (sym_init_shamir_check): to, names, and
	 * OpenPGP keys (pgp may still be NULL then: keys not yet resolved). */
	unsigned to_count, name_count, pgp_count;
	const char *out_dir;
	int armor;
	uint64_t now;
	/* The shares are an auto seal's recovery shares (sym_init_auto):
	 * messages name the --recovery- options. */
	int recovery;
};

/*
 * The rules of a request that no single option shows: share counts, one
 * holder per share, one protection per share, valid holder names.
 * SYM_EUSAGE and why (a line naming the keygen options concerned, as
 * programs print it) when one is broken.
 */
int sym_init_shamir_check(const struct sym_init_shamir *request, char *why,
    size_t cap) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/*
 * sym_init_image with a Shamir seal; out->deal holds the shares dealt.
 * SYM_EEXIST: the image exists, or out_dir already holds deal files.
 * *failed (when not NULL) names the input an error concerns (an identity
 * file, the passphrase file), or is NULL.
 */
int sym_init_shamir(struct sym_init_result *out,
    const struct sym_init_shamir *request, const char **failed)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/*
 * sym_init_image with an auto seal: the root key wrapped by the device
 * the seal string names (seal_device.h; the PIN from pin), and a fresh
 * recovery key dealt as recovery shares as shares describes (its path is
 * the image's; recovery is set).  out->deal holds the recovery shares.
 * A device's failure is SYM_E... with why (SYM_SEAL_WHY_MAX bytes) naming
 * the seal and what is wrong; *failed as for sym_init_shamir.
 */
struct sym_seal_pin;
int sym_init_auto(struct sym_init_result *out,
    const struct sym_init_shamir *shares, const char *seal,
    const struct sym_seal_pin *pin, const char **failed, char *why)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 4, 6);

/* A holder's or operator's identity: PATH.pub (PATH.pub.txt with armor),
 * the public bundle to hand out, and PATH.key, the secret keys (0600). */
struct sym_init_identity {
	const char *name, *out;
	int no_passphrase;		/* keys in clear (tests only) */
	const char *passphrase_file;	/* NULL: asked twice at the terminal */
	int armor, force;		/* force: replace both files */
	uint64_t now;
};

struct sym_init_identity_result {
	char name[SYM_IDENTITY_NAME_MAX + 1];
	char pub_path[4096], key_path[4096];
	char fingerprint[SYM_FINGERPRINT_HEX_MAX];
	char words[SYM_FINGERPRINT_WORDS_MAX];	/* read-aloud form */
	const char *failed;	/* on error: the file concerned, or NULL */
};

/* Makes the identity and writes both files (never half: without its
 * public half the key file is removed again).  Without force, SYM_EEXIST
 * before asking for anything if either file exists. */
int sym_init_identity(struct sym_init_identity_result *out,
    const struct sym_init_identity *request) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

void sym_init_result_free(struct sym_init_result *r);

#endif
