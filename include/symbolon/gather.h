/*
 * The share-gathering engine (ceremony layer): every program that takes
 * shares (combine, unseal, store, rotate, rekey, verify --image) feeds
 * them here one at a time, in any order.
 *
 * A share bundle is verified (signature), checked against the pinned
 * signer, the image (current or pending generation) and the quorum (its
 * manifest or the first share) before any secret is asked for, then
 * decrypted (an identity key, a passphrase) and added.  A refused share
 * leaves everything as it was, and the report says why as data, for the
 * program to print.  Vault-format text shares (base64 or hex lines) are
 * gathered into a share set instead when the caller takes them.
 *
 * WARNING: the engine prompts on the terminal (sym_passphrase_get,
 * sym_identity_load_secret) when a share or key needs a passphrase that
 * no file gives.
 */
#ifndef SYMBOLON_GATHER_H
#define SYMBOLON_GATHER_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/codec.h"
#include "symbolon/error.h"
#include "symbolon/identity.h"
#include "symbolon/image.h"
#include "symbolon/quorum.h"
#include "symbolon/share.h"
#include "symbolon/shareset.h"

/* The means to decrypt sealed shares, as a command line gives them. */
struct sym_gather_keys {
	const char *const *identity_paths;	/* identity_count key files */
	size_t identity_count;
	const char *identity_passphrase_file;	/* NULL: asked for */
	const char *passphrase_file;	/* line I: share I's; NULL: asked */
	/* identity_count slots, each loaded on first need; the caller
	 * frees them (sym_identity_secret_free). */
	struct sym_identity_secret **loaded;
};

enum sym_gather_kind {
	SYM_GATHER_UNKNOWN = 0,		/* nothing taken yet */
	SYM_GATHER_BUNDLES = 1,
	SYM_GATHER_TEXT = 2,
};

/* Why a share was refused, beyond its error code. */
enum sym_gather_refusal {
	SYM_GATHER_ACCEPTED = 0,
	SYM_GATHER_ERROR,		/* code says it all */
	SYM_GATHER_WRONG_SET,		/* set_id is not expected_set */
	SYM_GATHER_WRONG_GENERATION,	/* generation is not expected_generation */
	SYM_GATHER_DUPLICATE,		/* index already in */
	SYM_GATHER_NO_IDENTITY,		/* sealed to none of the keys given */
	SYM_GATHER_KEY_FAILED,		/* key_path could not be loaded */
	SYM_GATHER_MIXED,		/* bundles and text shares */
	SYM_GATHER_NO_SHARE,		/* a text file without a share line */
	SYM_GATHER_WRONG_ROLE,		/* a recovery share where an unseal
					 * share is expected, or the reverse */
};

/* What became of one input; the share fields are set once it parsed. */
struct sym_gather_report {
	int code;			/* SYM_OK or why refused */
	enum sym_gather_refusal refusal;
	int have_share;
	int recovery;			/* the share is a recovery share */
	unsigned index, count;
	char holder[SYM_IDENTITY_NAME_MAX + 1];
	uint8_t set_id[SYM_SET_ID_BYTES];
	uint64_t generation;
	/* WRONG_SET and WRONG_GENERATION: what was expected, and whether
	 * an image (not a share set) expected it; a pending generation
	 * when pending is set. */
	int against_image, pending;
	uint8_t expected_set[SYM_SET_ID_BYTES];
	uint64_t expected_generation;
	const char *key_path;		/* KEY_FAILED */
	unsigned line;			/* text shares: the line refused */
	size_t text_added;		/* text shares taken from this input */
};

struct sym_gather {
	struct sym_quorum *quorum;	/* share bundles accepted; required */
	struct sym_image *image;	/* shares must belong to it, if set */
	int pending_generation;		/* ... to its pending generation */
	int recovery;			/* ... and be its recovery shares */
	unsigned required;		/* 0: the threshold */
	const uint8_t *signer;		/* 32 bytes: every signer; NULL: any */
	struct sym_gather_keys keys;
	/* Sees each accepted bundle (bytes and decrypted share); a
	 * non-zero return refuses the share. */
	int (*on_accept)(void *ctx, const uint8_t *bundle, size_t len,
	    const struct sym_share *share);
	void *on_accept_ctx;
	/* Vault text shares: taken only when text is set (a share set the
	 * caller owns); text_threshold is the --key-threshold (0: unknown).
	 * on_text sees each text share added. */
	struct sym_shareset *text;
	enum sym_text_format format;
	unsigned text_threshold;
	void (*on_text)(void *ctx);
	void *on_text_ctx;
	enum sym_gather_kind kind;	/* set by the first share taken */
};

/* How input is split: a whole file (text shares one a line; a non-bundle
 * among bundles is SYM_ENOTBUNDLE) or one line typed at a prompt. */
enum sym_gather_input { SYM_GATHER_FILE = 0, SYM_GATHER_LINE = 1 };

/*
 * The identity key among keys that a sealed share is addressed to,
 * loaded on first need (*out NULL: none is).  Errors from loading a key
 * set *failed to its path.
 */
int sym_gather_find_identity(struct sym_identity_secret **out,
    const char **failed, struct sym_gather_keys *keys,
    const struct sym_share *share) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 4);

/* Decrypts a sealed share in place with keys (a passphrase from the file,
 * or asked for).  The report says which key failed or was missing. */
int sym_gather_unseal_share(struct sym_share *share,
    struct sym_gather_keys *keys, struct sym_gather_report *report)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/*
 * Takes one input: a share bundle (binary or text form) or, when g->text
 * is set, Vault text shares.  Returns report->code: SYM_OK when taken,
 * else the reason (report->refusal says more); g is as it was for the
 * input refused (a text file keeps the lines before the bad one).
 */
int sym_gather_add(struct sym_gather *g, const uint8_t *input, size_t len,
    enum sym_gather_input how, struct sym_gather_report *report)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 5);

/*
 * The one-line reason a refused input gets, naming it (name), into out:
 * 1 when the report has more to say than sym_strerror(report->code), 0
 * when it has not (out untouched).  sym_exit_status(report->code) is the
 * exit status the refusal calls for.
 */
int sym_gather_explain(char *out, size_t cap,
    const struct sym_gather_report *report, const char *name)
    SYM_NONNULL(1, 3, 4);

/* Shares taken, and shares needed: the required count, the image's
 * (pending) threshold, the quorum's or the text threshold; 0 unknown. */
size_t sym_gather_count(const struct sym_gather *g) SYM_NONNULL(1);
unsigned sym_gather_needed(const struct sym_gather *g) SYM_NONNULL(1);

/*
 * The secret the shares recover (a new secure buffer).  Bundles are
 * checked against their secret commitment (SYM_ECOMMITMENT: a share is
 * corrupt or forged); SYM_ETOOFEW below the threshold.
 */
int sym_gather_recover(uint8_t **secret, size_t *len,
    const struct sym_gather *g) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* Unseals g->image with the shares gathered. */
int sym_gather_unseal(struct sym_gather *g) SYM_WARN_UNUSED SYM_NONNULL(1);

/* Pins every share to the manifest in the file at path (a bundle in
 * either form, or a picture of it); the shares are then bundles. */
int sym_gather_load_manifest(struct sym_gather *g, const char *path)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

#endif
