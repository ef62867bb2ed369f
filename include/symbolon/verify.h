/*
 * Verification (ceremony layer): the policy behind `symbolon verify`.
 *
 * A file is read once and checked as what it is: a bundle of any type
 * (signature, then its contents), a share against a manifest (signer,
 * set, generation, hash and, once decrypted, its commitment), a share
 * sealed to a holder's OpenPGP key (its recipients against the manifest,
 * then the share inside when the key is here), a transcript (verified
 * once, records kept, and witnesses' detached signatures over the file).
 * An image: both header copies, the audit chain and, with shares, every
 * entry, and the transcript exported.  Each call fills a report for the
 * program to print; nothing here prints.
 */
#ifndef SYMBOLON_VERIFY_H
#define SYMBOLON_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/audit.h"
#include "symbolon/error.h"
#include "symbolon/gather.h"
#include "symbolon/identity.h"
#include "symbolon/image.h"
#include "symbolon/manifest.h"
#include "symbolon/pgp.h"

#define SYM_VERIFY_WITNESSES_MAX 16u

/* The policy and what it has tallied across files. */
struct sym_verify {
	const uint8_t *signer;		/* 32 bytes: pinned signer; NULL: any */
	struct sym_identity pinned;	/* sym_verify_pin_signer */
	/* Identity keys and the passphrase file for sealed shares (only
	 * with a manifest: sealed shares are checked once decrypted). */
	struct sym_gather_keys keys;
	/* Detached signatures over each transcript FILE as read (a
	 * transcript read from a picture: over the bundle it holds). */
	const char *const *witness_sigs;
	size_t witness_count;
	struct sym_manifest *manifest;	/* sym_verify_load_manifest; heap */
	unsigned valid_shares;		/* distinct valid shares of it */
	uint8_t seen_index[SYM_SHAMIR_MAX_SHARES + 1];
	unsigned transcripts;		/* transcript bundles seen */
};

/* How the reason of an invalid file is placed. */
enum sym_verify_at {
	SYM_VERIFY_AT_NONE = 0,
	SYM_VERIFY_AT_BASE45 = 1,	/* offset: the bad base45 character */
	SYM_VERIFY_AT_BYTE = 2,		/* offset: the first bad CBOR byte */
};

/* What a valid share's line adds. */
enum sym_verify_note {
	SYM_VERIFY_NOTE_NONE = 0,
	SYM_VERIFY_NOTE_SEALED,		/* no manifest; share sealed */
	SYM_VERIFY_NOTE_UNCHECKED,	/* sealed: commitment not checked */
	SYM_VERIFY_NOTE_COMMITMENT,	/* commitment matches the manifest */
};

struct sym_verify_witness {
	const char *path;
	int read_code;			/* the signature file could not be read */
	int code;			/* SYM_OK: every signature good */
	struct sym_pgp_signatures sigs;
};

struct sym_verify_report {
	int code;			/* SYM_OK: valid */
	enum sym_verify_at at;
	size_t offset;
	unsigned type;			/* bundle type once opened, else 0 */
	uint8_t signer[SYM_SIGN_PUBLICKEY_BYTES];
	/* A share sealed to an OpenPGP key: its recipients and their
	 * holder in the manifest (pgp_matched), or a key the manifest does
	 * not name (pgp_stranger, pgp_keyid); pgp_no_key when the secret
	 * key is not here (valid, share not checked). */
	int pgp, pgp_matched, pgp_stranger, pgp_no_key;
	unsigned pgp_index;
	char pgp_holder[SYM_IDENTITY_NAME_MAX + 1];
	uint8_t pgp_fingerprint[20];
	char pgp_keyid[SYM_PGP_KEYID_CHARS + 1];
	/* An --identity key that could not be loaded (key_code says why)
	 * for the sealed share; code is then SYM_EDECRYPT. */
	const char *key_path;
	int key_code;
	/* A share: described once its checks ran (code says the verdict). */
	int share_described;
	struct {
		unsigned index, count, threshold;
		int recovery;		/* a recovery share (auto seals) */
		char holder[SYM_IDENTITY_NAME_MAX + 1];
		uint8_t set_id[SYM_SET_ID_BYTES];
		uint64_t generation;
		uint8_t signer[SYM_SIGN_PUBLICKEY_BYTES];
		enum sym_verify_note note;
	} share;
	char identity_name[SYM_IDENTITY_NAME_MAX + 1];	/* an identity */
	struct {				/* a manifest */
		uint8_t set_id[SYM_SET_ID_BYTES];
		uint64_t generation;
		unsigned threshold, count;
	} manifest;
	struct {				/* a transcript */
		uint8_t image_id[SYM_IMAGE_ID_BYTES];
		uint8_t identity[SYM_SIGN_PUBLICKEY_BYTES];
		struct sym_audit_record *records;	/* heap */
		size_t count;
		struct sym_verify_witness *witnesses;	/* heap */
		size_t witness_count;
	} transcript;
};

/* Pins every bundle to the signer whose identity bundle is at path. */
int sym_verify_pin_signer(struct sym_verify *v, const char *path)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/*
 * Reads and checks the manifest at path (pinned to v->signer when set),
 * keeps it in v for the shares that follow, and fills report as for a
 * manifest FILE.  An error is the manifest's, not the report's: the
 * caller stops.
 */
int sym_verify_load_manifest(struct sym_verify *v,
    struct sym_verify_report *report, const char *path)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* Checks one FILE ("-": standard input) under v's policy.  Returns
 * report->code; report->code is also SYM_OK for an OpenPGP share whose
 * key is not here (pgp_no_key).  Free the report's records. */
int sym_verify_file(struct sym_verify *v, struct sym_verify_report *report,
    const char *path) SYM_NONNULL(1, 2, 3);

void sym_verify_report_free(struct sym_verify_report *report);

/*
 * The lines `symbolon verify` prints on standard output for a report (a
 * new NUL-terminated heap string, public; free()), and in *status the
 * exit status its verdict calls for: 0 valid, 1 invalid, 2 when it could
 * not be checked.  What goes to standard error (a key or a witness's
 * signature that could not be read) is in the report, not the text.
 */
int sym_verify_report_text(char **text, int *status,
    const struct sym_verify_report *report, const struct sym_verify *v,
    const char *path) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 4, 5);

/* The quorum line for the shares of v's manifest ("" without one). */
int sym_verify_quorum_text(char **text, const struct sym_verify *v)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
void sym_verify_free(struct sym_verify *v);

/* The checks of an image, in order; each stage ran if the one before
 * allowed it. */
struct sym_verify_image_report {
	int transcript_absent;		/* SYM_OK, or why OUT cannot be made */
	int open_code;			/* SYM_OK, or the image did not open */
	uint8_t image_id[SYM_IMAGE_ID_BYTES];
	uint8_t identity[SYM_SIGN_PUBLICKEY_BYTES];
	uint64_t generation;
	int slot_valid[2];
	int audit_code;
	uint64_t records;
	int unseal_status;		/* from the unseal callback; 0: done */
	int unsealed;			/* shares were given and unsealed it */
	int entries_code;
	char bad_entry[256];		/* entries_code: the first bad entry */
	size_t entry_count;
	int transcript_code;		/* writing the transcript */
	int transcript_written;
};

struct sym_verify_image_options {
	const char *transcript_path;	/* NULL: no export */
	int armor;			/* the transcript in text form */
	/* With shares: unseals img (gathering them), returning 0 or a
	 * status that stops the checks; NULL: the image stays sealed.
	 * so_far is the report of the checks that needed no share. */
	int (*unseal)(void *ctx, struct sym_image *img,
	    const struct sym_verify_image_report *so_far);
	void *unseal_ctx;
};

/* The image's lines and exit status, as for a file's report; a status
 * from the unseal callback is returned as it is.  Errors about
 * transcript_path (absent, written) are for standard error. */
int sym_verify_image_text(char **text, int *status,
    const struct sym_verify_image_report *report, const char *path,
    const char *transcript_path) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 4);

/* Checks the image at path.  Returns SYM_OK when every check ran and
 * passed, else the first failure's code (report says which). */
int sym_verify_image(struct sym_verify_image_report *report, const char *path,
    const struct sym_verify_image_options *opts) SYM_NONNULL(1, 2, 3);

#endif
