/*
 * The storage image's format: its sizes, and the public records every
 * module of the image layer and every caller shares (what an image says
 * about itself, its seal record, pending operations, entries).  The
 * functions are in symbolon/image.h (and symbolon/journal.h); the layout
 * is described there and in docs/FORMAT.md.
 */
#ifndef SYMBOLON_IMAGE_FORMAT_H
#define SYMBOLON_IMAGE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/bundle.h"
#include "symbolon/manifest.h"
#include "symbolon/share.h"

#define SYM_IMAGE_FORMAT_VERSION 1u
#define SYM_IMAGE_ID_BYTES SYM_SET_ID_BYTES
#define SYM_IMAGE_KEY_BYTES 32u
#define SYM_IMAGE_SLOT_BYTES (256u * 1024u)
#define SYM_IMAGE_DATA_START (2u * SYM_IMAGE_SLOT_BYTES)
#define SYM_IMAGE_NAME_MAX 255u
#define SYM_IMAGE_MAX_ENTRIES 2000u
#define SYM_IMAGE_MAX_TERMS 1000u

enum sym_seal_type {
	SYM_SEAL_SHAMIR = 1,
};

enum sym_image_mode {
	SYM_IMAGE_READ = 0,	/* shared lock; nothing is written */
	SYM_IMAGE_WRITE = 1,	/* exclusive lock */
};

struct sym_image_seal {
	enum sym_seal_type type;
	unsigned shares, threshold;
	uint64_t generation;
	uint8_t manifest_hash[SYM_MANIFEST_HASH_BYTES];
};

/* Everything that can be known without shares: all public. */
struct sym_image_info {
	unsigned format_version;
	uint8_t image_id[SYM_IMAGE_ID_BYTES];
	uint8_t identity[SYM_SIGN_PUBLICKEY_BYTES];
	uint64_t created;
	uint64_t seqid;
	int slot_valid[2];
	int slot_current;
	struct sym_image_seal seal;
	unsigned terms, active_term;
	size_t entries;
	uint64_t data_end;
	uint64_t audit_count;
	int reencrypt_pending;		/* rotate --reencrypt unfinished */
	uint64_t file_size;
	/* rekey --verify: new shares issued, awaiting verification */
	int verification_pending;
	struct sym_image_seal pending_seal;
};

#define SYM_IMAGE_NONCE_BYTES 16u
#define SYM_IMAGE_MAX_JOURNAL 64u
#define SYM_IMAGE_JOURNAL_TEXT_MAX 200u

/* A step taken while the image was sealed (rekey init, a share accepted,
 * cancel), kept in the header until the next unsealed commit turns it
 * into signed audit records.  Not signed by the image: marked so. */
struct sym_image_journal_entry {
	uint64_t time;
	char operation[SYM_IMAGE_JOURNAL_TEXT_MAX + 1];
	char detail[SYM_IMAGE_JOURNAL_TEXT_MAX + 1];
};

/*
 * Pending operations, in the header envelope outside the signed core so
 * that they can be recorded without shares (rekey --init, --cancel, a new
 * verification nonce), exactly as Vault keeps them outside the barrier.
 * What they may do is limited: a rekey completes only with a quorum of the
 * current shares, and its new configuration is shown at every step.
 */
struct sym_image_pending {
	uint8_t *rekey;			/* a signed rekey bundle, or NULL; heap */
	size_t rekey_len;
	int has_verification_nonce;
	uint8_t verification_nonce[SYM_IMAGE_NONCE_BYTES];
	size_t journal_count;
	struct sym_image_journal_entry journal[SYM_IMAGE_MAX_JOURNAL];
	uint8_t *backup;		/* rekey --backup (rekey.h), or NULL */
	size_t backup_len;
};

struct sym_image_entry {
	char name[SYM_IMAGE_NAME_MAX + 1];
	unsigned term;
	uint64_t offset;	/* of its secretstream header in the file */
	uint64_t stored;	/* bytes in the data area */
	uint64_t size;		/* plaintext bytes */
	uint64_t created, modified;
};

struct sym_image;

#endif
