/*
 * Private to the image layer: the open image's state, its data area, and
 * the core, the bundle signed by the image identity that every header
 * slot carries (image id, seal record, wrappings of the root key, sealed
 * keyring, identity and index, data end, audit head; docs/FORMAT.md).
 *
 * The sealed parts are XChaCha20-Poly1305 under the root key R with the
 * image id and a label as associated data; a wrapping is R under an
 * unseal key U.  Which seal made U is not this module's business.
 */
#ifndef SYMBOLON_IMAGE_CORE_H
#define SYMBOLON_IMAGE_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/audit.h"
#include "symbolon/cbor.h"

#include "image_blob.h"
#include "image_seal.h"
#include "symbolon/image_format.h"

#define SYM_IMAGE_MAC_BYTES 32u

struct sym_keyring_term {
	unsigned term;
	uint64_t installed;
	uint8_t key[SYM_IMAGE_KEY_BYTES];
};

struct sym_image_wrapping {
	unsigned role;			/* 1 active, 2 pending verification */
	uint64_t generation;
	uint8_t nonce[24];
	uint8_t ciphertext[SYM_IMAGE_KEY_BYTES + 16];
};

struct sym_image {
	int fd;
	enum sym_image_mode mode;
	struct sym_image_info info;

	/* As read from the current slot. */
	struct sym_image_wrapping wrappings[4];
	unsigned wrapping_count;
	struct sym_sealed_blob keyring_blob, identity_blob, index_blob;
	struct sym_audit_head audit;
	uint64_t reencrypt_term;	/* 0: none in progress */
	uint8_t *pending;		/* envelope field 5, raw CBOR; heap */
	size_t pending_len;
	uint8_t *core_bytes;		/* the current core bundle; heap */
	size_t core_len;
	uint8_t stored_mac[SYM_IMAGE_MAC_BYTES]; /* checked once unsealed */
	uint64_t core_commit;		/* seqid the core was committed with */

	/* Unsealed state: secure memory, wiped on close. */
	int unsealed;
	uint8_t *root_key;		/* SYM_IMAGE_KEY_BYTES */
	uint8_t *identity_secret;	/* 64-byte Ed25519 key */
	struct sym_keyring_term *terms;	/* SYM_IMAGE_MAX_TERMS slots */
	unsigned term_count;
	struct sym_image_entry *entries;	/* heap, SYM_IMAGE_MAX_ENTRIES */
	size_t entry_count;
	uint64_t data_end;		/* working end: grows with appends */
	int dirty_data;			/* appended since the last fsync */

	/* Auto seals: the recovery keys (image_seal.h). */
	struct sym_image_seal_part seal_part;

	/* A new image (sym_image_create) until it is linked at path. */
	char *create_path, *create_tmp;	/* heap */
};

/* Labels for the associated data of each sealed part. */
extern const char sym_image_label_keyring[];
extern const char sym_image_label_identity[];
extern const char sym_image_label_index[];


/* R under U for w->generation (fresh nonce), and back (SYM_EUNSEAL). */
int sym_image_wrap_root(struct sym_image_wrapping *w, const uint8_t *unseal_key,
    const uint8_t *root_key, const uint8_t *image_id);
int sym_image_unwrap_root(uint8_t *root_key, const struct sym_image_wrapping *w,
    const uint8_t *unseal_key, const uint8_t *image_id);

/* The core's MAC under a key derived from R. */
void sym_image_core_mac(uint8_t mac[SYM_IMAGE_MAC_BYTES], const uint8_t *root_key,
    const uint8_t *image_id, const uint8_t *core, size_t core_len);

/* The core's payload from img (to be signed by the identity). */
int sym_image_core_encode(uint8_t **payload, size_t *len,
    const struct sym_image *img);
/* Verifies a core bundle (signed by the identity it names) and reads it
 * into img: info, wrappings, blobs, audit head. */
int sym_image_core_parse(struct sym_image *img, const uint8_t *bytes,
    size_t len);
/* Frees what sym_image_core_parse allocated into a probe (the sealed
 * blobs); its info, wrappings and audit head stay readable. */
void sym_image_core_probe_free(struct sym_image *probe);

/* Verifies a core bundle and reads its audit head: how transcripts prove
 * they are complete. */
int sym_image_core_audit_head(const uint8_t *core, size_t len,
    uint8_t image_id[static SYM_IMAGE_ID_BYTES],
    uint8_t identity[static SYM_SIGN_PUBLICKEY_BYTES], uint64_t *count,
    uint8_t hash[static SYM_AUDIT_HASH_BYTES]);

/* Appends bytes at the working end of the data area. */
int sym_image_append_data(struct sym_image *img, const uint8_t *data,
    size_t len, uint64_t *offset);
/* Reads bytes of the data area (bounded by the working end). */
int sym_image_read_data(struct sym_image *img, uint64_t offset, uint8_t *buf,
    size_t len);
/* The image's audit log, lent to symbolon/audit.h (valid while img is). */
void sym_image_audit_log(struct sym_image *img, struct sym_audit_log *log);

#endif
