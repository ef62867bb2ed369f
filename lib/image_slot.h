/*
 * Private to the image layer: the two header slots of an image file.
 *
 * A slot holds "SYMBIMG" 0x01, a 4-byte big-endian length, a CBOR
 * envelope {1: version, 2: seqid, 3: core bundle, 4: core MAC, ? 5:
 * pending operations} and a BLAKE2b-256 checksum over all of that
 * (docs/FORMAT.md).  This module reads and writes those bytes; it knows
 * nothing of what the core says.
 */
#ifndef SYMBOLON_IMAGE_SLOT_H
#define SYMBOLON_IMAGE_SLOT_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/cbor.h"

#define SYM_IMAGE_SLOT_MAC_BYTES 32u

struct sym_image_slot {
	int valid;
	unsigned version;	/* format version: 1 (Shamir) or 2 */
	uint64_t seqid;
	uint64_t commit;	/* the signed core's commit counter */
	uint8_t *core;		/* heap */
	size_t core_len;
	uint8_t mac[SYM_IMAGE_SLOT_MAC_BYTES];
	uint8_t *pending;	/* heap, raw CBOR of envelope field 5, or NULL */
	size_t pending_len;
};

/* 1 if buf (a slot's bytes) starts with the slot magic, of any version. */
int sym_image_slot_has_magic(const uint8_t *buf);

/*
 * Parses one slot's SYM_IMAGE_SLOT_BYTES; s->valid says whether it is
 * usable (a bad checksum or envelope is not an error: the other slot may
 * carry the image).  SYM_EVERSION for an intact slot of a newer format,
 * SYM_ENOMEM.
 */
int sym_image_slot_parse(struct sym_image_slot *s, const uint8_t *buf);
void sym_image_slot_free(struct sym_image_slot *s);

/*
 * Writes slot (0 or 1) of fd whole: the envelope of s (seqid, core, mac,
 * pending; valid and commit are ignored) and zeros after its checksum.
 * With sync, fsyncs fd afterwards.  SYM_ETOOBIG when the envelope does not
 * fit the slot.
 */
int sym_image_slot_write(int fd, int slot, const struct sym_image_slot *s,
    int sync);

/* Reads the map key expected (the envelope and core are maps with keys
 * in order): SYM_ECORRUPT otherwise. */
int sym_image_read_key(struct sym_cbor_reader *r, uint64_t expected);

#endif
