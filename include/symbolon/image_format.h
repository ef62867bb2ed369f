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

/* Version 2 adds device seals and recovery keys (auto seals); an image
 * without them is still written as version 1, which older programs read. */
#define SYM_IMAGE_FORMAT_VERSION 2u
#define SYM_IMAGE_FORMAT_SHAMIR 1u
#define SYM_IMAGE_ID_BYTES SYM_SET_ID_BYTES
#define SYM_IMAGE_KEY_BYTES 32u
#define SYM_IMAGE_SLOT_BYTES (256u * 1024u)
#define SYM_IMAGE_DATA_START (2u * SYM_IMAGE_SLOT_BYTES)
#define SYM_IMAGE_NAME_MAX 255u
#define SYM_IMAGE_MAX_ENTRIES 2000u
#define SYM_IMAGE_MAX_TERMS 1000u

enum sym_seal_type {
	SYM_SEAL_SHAMIR = 1,	/* U dealt as shares */
	SYM_SEAL_AUTO = 2,	/* U wrapped by device seals (1 share, 1) */
};

/* Device seals (auto seals) an image may keep at once: Seal HA. */
#define SYM_IMAGE_MAX_DEVICES 3u
#define SYM_SEAL_PARAMS_MAX 8u
#define SYM_SEAL_PARAM_KEY_MAX 31u
#define SYM_SEAL_PARAM_VALUE_MAX 255u
#define SYM_SEAL_NAME_BYTES_MAX 32u
#define SYM_SEAL_TYPE_MAX 15u
#define SYM_SEAL_WRAPPED_MAX 1024u	/* a wrapped U */

/* The public parameters that find a seal's device again (never a PIN). */
struct sym_seal_params {
	size_t count;
	struct sym_seal_param_item {
		char key[SYM_SEAL_PARAM_KEY_MAX + 1];
		char value[SYM_SEAL_PARAM_VALUE_MAX + 1];
	} item[SYM_SEAL_PARAMS_MAX];
};

/* One device seal of an image: who it is, how to find its device, and U
 * as that device wrapped it (public: only the device unwraps it). */
struct sym_image_device {
	char name[SYM_SEAL_NAME_BYTES_MAX + 1];
	char type[SYM_SEAL_TYPE_MAX + 1];
	unsigned priority;		/* the lowest is tried first */
	struct sym_seal_params params;
	uint8_t wrapped[SYM_SEAL_WRAPPED_MAX];
	size_t wrapped_len;
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
	/* Auto seals (seal.type SYM_SEAL_AUTO): the device seals, in
	 * priority order, and the recovery shares' configuration (type
	 * SYM_SEAL_SHAMIR; generation 1, 2, ... of their own). */
	size_t device_count;
	struct sym_image_device devices[SYM_IMAGE_MAX_DEVICES];
	int recovery_seal;
	struct sym_image_seal recovery;
	/* rekey --target recovery --verify: new recovery shares issued */
	int recovery_pending;
	struct sym_image_seal pending_recovery;
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
