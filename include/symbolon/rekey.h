/*
 * Rekey, Vault's `operator rekey`, offline (ceremony layer): replace the
 * unseal key and its shares (optionally with a new count and threshold)
 * by a quorum of the current holders, with an optional -verify step in
 * which the new holders prove their shares before they take effect.
 *
 * Every action is one call on an image opened for writing (status: for
 * reading) that records itself: sealed steps (start, a share accepted,
 * cancel, a failure) go to the header's pending operations and journal
 * (sym_image_pending_put), unsealed ones are committed with their audit
 * record (sym_image_commit).  The operation names are audit.h's.  Each
 * call fills a result struct that says what happened and begins with a
 * struct sym_rekey_said: the text a program prints for it (Vault's "Key
 * Value" table and messages), or why not.  A call that says no (there is
 * no rekey, a wrong nonce, ...) returns SYM_OK with the refusal set, and
 * leaves the image and the progress as they were unless the refusal says
 * otherwise; a negative return is an error (I/O, memory, a bad file) and
 * changed nothing, except as SYM_REKEY_AFTER_HEADER says.  why names what
 * failed ("FILE: reason"), or is "" when the failure is the image's.
 *
 * Targets (Vault's -target, rekey_bundle.h's enum sym_rekey_target): the
 * barrier, the unseal key (default); or, on an auto-sealed image only,
 * the recovery key.  One rekey is pending at a time, of either target;
 * every call names the target it acts on, and a call for the other one
 * is refused (SYM_REKEY_OTHER_TARGET) by name.  On an auto-sealed image
 * the quorum for either target is the recovery shares: at the threshold
 * the image is unsealed through its device (a PIN from the submission's
 * pin) and the recovered recovery key is checked against the image's.
 * A barrier rekey there deals no shares: the new unseal key is wrapped by
 * the image's device, and the recovery shares stay valid.  A recovery
 * rekey deals recovery shares and leaves the unseal and root keys as
 * they are.
 *
 * Which arguments are secret: none.  The shares a submission takes stay
 * in secure memory (the progress, rekey_bundle.h); the new unseal key
 * never leaves lib/rekey.c.
 *
 * The codecs (the rekey bundle, backup, progress file) are rekey_bundle.h.
 */
#ifndef SYMBOLON_REKEY_H
#define SYMBOLON_REKEY_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/image.h"
#include "symbolon/pgp.h"
#include "symbolon/rekey_bundle.h"
#include "symbolon/seal_device.h"

/* Why a call said no; the result's why says it in words (Vault's, where
 * Vault has them).  NO_SHARES, NO_NONCE and DEALT_DIR are usage errors,
 * the others answers; AFTER_HEADER comes with the (negative) error. */
#define SYM_REKEY_WHY_MAX 1200u
enum sym_rekey_refusal {
	SYM_REKEY_ACCEPTED = 0,
	SYM_REKEY_IN_PROGRESS,		/* start: one is pending already */
	SYM_REKEY_DEALT_DIR,		/* start: out_dir holds a manifest */
	SYM_REKEY_NONE,			/* no rekey in progress */
	SYM_REKEY_NO_VERIFICATION,	/* no verification in progress */
	SYM_REKEY_AWAITS_VERIFICATION,	/* submit: verification nonce is due */
	SYM_REKEY_NO_SHARES,		/* submit: no share can be given */
	SYM_REKEY_NO_NONCE,		/* submit: no nonce given */
	SYM_REKEY_WRONG_NONCE,		/* submit: not the expected nonce */
	SYM_REKEY_STALE,		/* started for an older generation */
	SYM_REKEY_NO_UNSEAL,		/* threshold met, shares do not unseal:
					 * progress cleared, nonce kept */
	SYM_REKEY_SHARES_LEFT,		/* out_dir holds share files (from an
					 * interrupted completion) */
	SYM_REKEY_VERIFY_FAILED,	/* wrong new set: progress cleared,
					 * verification nonce rotated */
	SYM_REKEY_NO_BACKUP,		/* backup get: nothing kept */
	SYM_REKEY_AFTER_HEADER,		/* the commit failed after its first
					 * header copy was written: keep both
					 * the new and the current shares */
	SYM_REKEY_OTHER_TARGET,		/* the pending rekey is of the other
					 * target */
	SYM_REKEY_NOT_AUTO,		/* --target recovery on an image that
					 * has no recovery key (usage) */
	SYM_REKEY_NO_RECOVERY,		/* threshold met, the recovery shares
					 * do not match: progress cleared,
					 * nonce kept */
};

/* The exit status a call's return code and refusal call for, as
 * sym_exit_status: 0, 1 (the answer is no) or 2 (usage, I/O...). */
int sym_rekey_exit_status(int rc, enum sym_rekey_refusal r);

/* What to print, as it is to appear (bytes, len; heap).  Out of memory
 * cuts it short and sets lost: the call's effect stands all the same. */
struct sym_rekey_text {
	char *bytes;
	size_t len, cap;
	int lost;
};
void sym_rekey_text_free(struct sym_rekey_text *t);

/* What every call says: the text to print, or (refusal set, or a negative
 * return) why not.  Each result below begins with one. */
struct sym_rekey_said {
	enum sym_rekey_refusal refusal;
	char why[SYM_REKEY_WHY_MAX];
	struct sym_rekey_text text;
};

/* ---------------------------------------------------------------- */
/* Status (Vault's rekey -status); needs no shares. */

struct sym_rekey_status {
	struct sym_rekey_said said;	/* text: the table, or JSON */
	enum sym_rekey_target target;
	int auto_seal;			/* the image's seal is a device's: the
					 * text names the target */
	int started;			/* a rekey is pending */
	uint8_t nonce[SYM_REKEY_NONCE_BYTES];
	uint64_t started_at;
	unsigned shares, threshold;	/* the new configuration */
	int verify;			/* verification required */
	uint8_t signer[SYM_SIGN_PUBLICKEY_BYTES];	/* who started it */
	size_t progress;		/* current shares entered */
	unsigned required;		/* the current threshold */
	int verifying;			/* new shares issued, being verified */
	uint8_t verification_nonce[SYM_REKEY_NONCE_BYTES];
	size_t verification_progress;
	unsigned new_threshold, new_shares;	/* of the pending generation */
};

#define SYM_REKEY_STATUS_JSON 1u	/* text: Vault's -format=json */
#define SYM_REKEY_STATUS_ALL 2u		/* verification needs every share */

/* The rekey of target.  Progress older than ttl seconds (at now) is
 * wiped on the way. */
int sym_rekey_status(struct sym_rekey_status *out, struct sym_image *img,
    enum sym_rekey_target target, uint64_t now, uint64_t ttl, unsigned flags)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* ---------------------------------------------------------------- */
/* Start (Vault's rekey -init); needs no shares. */

struct sym_rekey_start_params {
	enum sym_rekey_target target;
	unsigned shares, threshold;	/* sym_rekey_start_check's rules */
	int verify;
	const char *out_dir;
	/* One per new share, or count 0: holder names, identity bundle
	 * files (.pub), OpenPGP keys (a key file or a fingerprint).  The
	 * counts are ints, as tools/cli.h's list parser gives them. */
	const char *const *names;
	int name_count;
	const char *const *to;
	int to_count;
	const char *const *pgp;
	int pgp_count;
	int backup;			/* keep the sealed new shares (pgp) */
	const char *signer;		/* operator .key, or NULL: one-time */
	const char *signer_passphrase_file;
	const char *signer_prompt;	/* NULL: "Passphrase for the signer
					 * key (will be hidden): " */
	uint64_t now;
};

struct sym_rekey_start_result {
	struct sym_rekey_said said;
	/* On success. */
	uint8_t nonce[SYM_REKEY_NONCE_BYTES];
	uint64_t started;
	unsigned required;		/* the current threshold */
	struct sym_pgp_key pgp[SYM_SHAMIR_MAX_SHARES];
	int has_signer;
	uint8_t signer[SYM_SIGN_PUBLICKEY_BYTES];
};

/* The rules of a start for the image info describes (NULL: a Shamir
 * image): SYM_EUSAGE with why (Vault's wording first) when p breaks one.
 * The barrier of an auto-sealed image takes no shares, threshold,
 * directory, holders, OpenPGP keys, backup or verification.  starting 0:
 * p must then ask for nothing that only a start takes. */
int sym_rekey_start_check(char why[SYM_REKEY_WHY_MAX],
    const struct sym_rekey_start_params *p, int starting,
    const struct sym_image_info *info) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* Records a pending rekey and its SYM_AUDIT_REKEY_INIT journal line.
 * OpenPGP keys are resolved (and refused: expired, revoked...) now, and
 * again at completion.  out is large: keep it off small stacks. */
int sym_rekey_start(struct sym_rekey_start_result *out, struct sym_image *img,
    const struct sym_rekey_start_params *p)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* ---------------------------------------------------------------- */
/* Cancel (Vault's rekey -cancel, -cancel -verify); needs no shares. */

struct sym_rekey_cancel_result {
	struct sym_rekey_said said;
	int canceled;			/* something was pending */
	/* verification only: the fresh verification nonce */
	uint8_t verification_nonce[SYM_REKEY_NONCE_BYTES];
};

/* verification 0: the rekey goes, with any issued new shares
 * (SYM_AUDIT_REKEY_CANCEL); 1: the verification restarts under a fresh
 * nonce, the rekey kept (SYM_AUDIT_REKEY_VERIFY_CANCEL).  Progress on
 * tmpfs is wiped either way. */
int sym_rekey_cancel(struct sym_rekey_cancel_result *out,
    struct sym_image *img, enum sym_rekey_target target, int verification,
    uint64_t now, uint64_t ttl) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* ---------------------------------------------------------------- */
/* Submission: current shares toward completion, or (verification) the
 * new shares proving themselves.  The caller opens one, hands it to its
 * share gathering (sym_rekey_submission_accept as the hook that sees each
 * accepted share), and finishes it:
 *
 *    open -> load(quorum) -> accept... -> finish(quorum)
 *
 * The quorum is the caller's; the submission records what enters it. */

struct sym_rekey_submission;

struct sym_rekey_submit_params {
	enum sym_rekey_target target;
	int verification;		/* -verify: the new shares */
	const char *nonce;		/* as the user gave it, or NULL */
	int all;			/* verification: every new share */
	unsigned ttl;			/* progress lifetime, seconds */
	int armor;			/* completing: text-form bundles */
	int no_shares;			/* none can be given: refused at once */
	const char *image_name;		/* the image, as messages name it */
	/* An auto-sealed image: where the device's PIN comes from at the
	 * threshold (NULL: the terminal). */
	const struct sym_seal_pin *pin;
	uint64_t now;
};

struct sym_rekey_submission_info {
	struct sym_rekey_said said;
	/* The nonce expected (for the refusal messages) and the shares
	 * needed for this step. */
	uint8_t expected[SYM_REKEY_NONCE_BYTES];
	unsigned needed;
	int recovery;			/* the shares are recovery shares */
	const char *progress_label;	/* "Rekey Progress", or "Verification
					 * Progress" */
	int expired;			/* load: old progress was wiped... */
	char warning[SYM_REKEY_WHY_MAX];	/* ...and this says so */
	size_t saved;			/* load: shares replayed */
	/* open: what the shares about to be entered will bring about, to
	 * be shown before anyone enters one (for standard error) */
	struct sym_rekey_text plan;
};

/* Checks that there is something to submit to and that the nonce is
 * the one expected; *out is NULL on any failure. */
int sym_rekey_submission_open(struct sym_rekey_submission **out,
    struct sym_rekey_submission_info *info, struct sym_image *img,
    const struct sym_rekey_submit_params *p)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 4);

/* Loads the progress of earlier invocations (wiping expired or stale
 * progress) and replays its shares into q (empty).  SYM_ENOTMPFS when
 * there is no RAM-backed file system for it. */
int sym_rekey_submission_load(struct sym_rekey_submission *s,
    struct sym_rekey_submission_info *info, struct sym_quorum *q)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* The hook for each share accepted into q (ctx: the submission): keeps
 * its bundle and raw share for the progress and journals it
 * (SYM_AUDIT_REKEY_SHARE).  Returns 0 or a SYM_E code. */
int sym_rekey_submission_accept(void *ctx, const uint8_t *bundle, size_t len,
    const struct sym_share *share) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 4);

enum sym_rekey_outcome {
	SYM_REKEY_KEPT = 1,		/* below the threshold: progress kept */
	SYM_REKEY_COMPLETED,	/* new shares active (SYM_AUDIT_REKEY) */
	SYM_REKEY_ISSUED,		/* new shares await verification
					 * (SYM_AUDIT_REKEY_ISSUED) */
	SYM_REKEY_VERIFIED,		/* verified, now active
					 * (SYM_AUDIT_REKEY_VERIFIED) */
};

struct sym_rekey_submit_result {
	struct sym_rekey_said said;
	enum sym_rekey_outcome outcome;
	enum sym_rekey_target target;
	/* COMPLETED on an auto-sealed image's barrier: no shares (deal is
	 * empty); the new unseal key is wrapped by the image's seal(s). */
	int no_shares;
	size_t count;			/* shares in the quorum */
	unsigned needed;
	/* A failure that was recorded is followed by a journal or nonce
	 * write that itself failed, or the shares accepted before an
	 * interruption could not be kept: this code (SYM_OK if none), and
	 * warning says it. */
	int journal_rc;
	char warning[SYM_REKEY_WHY_MAX];
	/* ISSUED, COMPLETED: the new shares, written in out_dir (armor:
	 * text form); free with sym_rekey_submit_result_free. */
	struct sym_deal_output deal;
	char out_dir[1024];
	int armor;
	uint64_t generation;		/* of the new shares */
	unsigned shares, threshold;
	uint8_t verification_nonce[SYM_REKEY_NONCE_BYTES];	/* ISSUED */
};

/*
 * Ends the submission with the shares q holds.  interrupted: the gathering
 * stopped at a refused share; the shares accepted before it are kept (as
 * Vault keeps each key it took) and nothing else happens.  Otherwise,
 * below the threshold: the progress is kept; at it: the rekey completes
 * (new unseal key, new shares written to the rekey's directory before
 * anything in the image changes, then one commit: a crash leaves the old
 * shares valid, or the new ones), or the verification promotes the new
 * shares.  Frees s.
 */
int sym_rekey_submission_finish(struct sym_rekey_submission *s,
    struct sym_rekey_submit_result *out, const struct sym_quorum *q,
    int interrupted) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* Frees an unfinished submission (any shares accepted are forgotten). */
void sym_rekey_submission_free(struct sym_rekey_submission *s);
void sym_rekey_submit_result_free(struct sym_rekey_submit_result *r);

/* ---------------------------------------------------------------- */
/* Backup (Vault's rekey -backup-retrieve, -backup-delete). */

struct sym_rekey_backup_entry {
	unsigned index;			/* the share's index, 1..n */
	char fpr[SYM_PGP_FPR_CHARS + 1];	/* recipient, upper-case hex */
	char uid[SYM_PGP_UID_MAX + 1];	/* from the keyring, or "" */
	const uint8_t *message;		/* the OpenPGP message (armored) */
	size_t message_len;
};

struct sym_rekey_backup {
	struct sym_rekey_said said;
	uint8_t nonce[SYM_REKEY_NONCE_BYTES];	/* of the rekey that made it */
	size_t count;
	struct sym_rekey_backup_entry entries[SYM_SHAMIR_MAX_SHARES];
	uint8_t *bytes;			/* what entries point into; heap */
	size_t len;
};

/* Reads the kept shares of target (the recipients' user ids looked up in
 * the keyring); SYM_REKEY_NO_BACKUP when there are none.  An image keeps
 * at most one backup: a Shamir image's is the barrier's, an auto-sealed
 * image's the recovery key's.  out is large.  Free with
 * sym_rekey_backup_free. */
int sym_rekey_backup_get(struct sym_rekey_backup *out,
    const struct sym_image *img, enum sym_rekey_target target)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
void sym_rekey_backup_free(struct sym_rekey_backup *b);

/* Deletes them (SYM_AUDIT_REKEY_BACKUP_DELETE), if there are any; out
 * gets only its text.  Free with sym_rekey_backup_free. */
int sym_rekey_backup_delete(struct sym_rekey_backup *out,
    struct sym_image *img, enum sym_rekey_target target, uint64_t now)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

#endif
