/*
 * Private to lib/image.c, lib/entry.c and lib/audit.c: the open image.
 * Not installed; programs use include/symbolon/image.h.
 */
#ifndef SYMBOLON_IMAGE_INTERNAL_H
#define SYMBOLON_IMAGE_INTERNAL_H

#include "symbolon/audit.h"
#include "symbolon/image.h"

struct sym_keyring_term {
	unsigned term;
	uint64_t installed;
	uint8_t key[SYM_IMAGE_KEY_BYTES];
};

/* A sealed blob in the core: XChaCha20-Poly1305 under R. */
struct sym_sealed_blob {
	uint8_t nonce[24];
	uint8_t *ciphertext;		/* heap */
	size_t len;
};

struct sym_image_wrapping {
	unsigned role;			/* 1 active, 2 pending verification */
	uint64_t generation;
	uint8_t nonce[24];
	uint8_t ciphertext[SYM_IMAGE_KEY_BYTES + 16];
};

struct sym_audit_head {
	uint64_t count, offset, length;
	uint8_t hash[SYM_AUDIT_HASH_BYTES];
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
	uint8_t stored_mac[32];		/* its MAC, checked once unsealed */
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
};

/* Appends bytes at the working end of the data area. */
int sym_image_append_data(struct sym_image *img, const uint8_t *data,
    size_t len, uint64_t *offset);
/* Reads bytes of the data area (bounded by the committed end). */
int sym_image_read_data(struct sym_image *img, uint64_t offset, uint8_t *buf,
    size_t len);
/* The key of a keyring term, or NULL. */
const uint8_t *sym_image_term_key(const struct sym_image *img, unsigned term);
/* Index of the entry called name, or -1. */
long sym_image_find_entry(const struct sym_image *img, const char *name);
/* Verifies a core bundle (signed by the identity it names) and reads its
 * audit head: how transcripts prove they are complete. */
int sym_image_core_audit_head(const uint8_t *core, size_t len,
    uint8_t image_id[static SYM_IMAGE_ID_BYTES],
    uint8_t identity[static SYM_SIGN_PUBLICKEY_BYTES], uint64_t *count,
    uint8_t hash[static SYM_AUDIT_HASH_BYTES]);
/* Drops the keyring terms no entry uses, but never the active one. */
void sym_image_drop_unused_terms(struct sym_image *img);

#endif
