/*
 * The storage image: Vault's barrier in one file, sealed at rest.
 *
 *   entries  --encrypted by-->  keyring term keys
 *   keyring  --encrypted by-->  root key R
 *   R        --encrypted by-->  unseal key U   (a "wrapping")
 *   U        <- a seal (symbolon/seal.h) makes and releases it; the
 *               Shamir seal deals share bundles of set = image id, signed
 *               by the image's own Ed25519 identity, generation 1, 2, ...
 *
 * Layout (docs/FORMAT.md is the full specification):
 *
 *   [header slot 0: 256 KiB][header slot 1: 256 KiB][data area ...]
 *
 * Each slot holds "SYMBIMG" 0x01, a 4-byte big-endian length, a CBOR
 * envelope {1: version, 2: seqid, 3: core bundle, 4: core MAC, ? 5:
 * pending operations}, and a BLAKE2b-256 checksum over all of that.  The
 * core is a COSE_Sign1 bundle signed by the image identity, and MAC'd with
 * a key derived from R.  An update appends data, fsyncs, then writes the
 * whole new header into the slot that does not hold the current one and
 * fsyncs again: an interruption at any byte leaves the other slot, and so
 * the old state, intact.  The valid slot with the higher seqid wins.
 *
 * The data area is append-only: entry ciphertexts (secretstream chunks)
 * and audit records.  Space of deleted or re-encrypted entries is not
 * reused (docs/DECISIONS.md).
 *
 * Opening an image verifies both slots' checksums and the core signature;
 * status needs nothing more.  Unsealing takes U (a seal released it),
 * decrypts R, checks the MAC, and decrypts the keyring, the
 * identity key and the entry index into secure memory, for this process
 * only.  sym_image_close wipes them.
 */
#ifndef SYMBOLON_IMAGE_H
#define SYMBOLON_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/image_format.h"
#include "symbolon/journal.h"
#include "symbolon/share.h"

/*
 * Where the parts live (lib/): header slots image_slot.c, the signed core
 * and data area image_core.c, keyring terms keyring.c, the entry index
 * image_index.c, pending operations and journal journal.c (public half in
 * symbolon/journal.h), entries entry.c, the audit log audit.c and its
 * read-back transcript.c (symbolon/audit.h); this header's open, unseal,
 * commit, create and rekey wrappings image.c.
 */

/* SYM_OK if name is 1..255 bytes with no control characters. */
int sym_image_check_name(const char *name) SYM_WARN_UNUSED SYM_NONNULL(1);

/*
 * Creating an image takes three steps, so that a seal can make the unseal
 * key in between (the init ceremony, symbolon/init.h, drives them):
 *
 *   create       a new image in memory for path (which must not exist):
 *                fresh image id, identity, root key, keyring term 1.  It
 *                is unsealed, so sym_image_info and
 *                sym_image_identity_secret serve the seal being made.
 *   create_seal  wraps the root key under unseal_key for seal (the record
 *                the image keeps), and writes the whole image, both header
 *                copies and its first audit record (SYM_AUDIT_INIT,
 *                detail), to a temporary file beside path.
 *   create_link  makes the image appear at path, whole, never replacing a
 *                file.
 *
 * sym_image_close before create_link removes the temporary file: no image.
 */
int sym_image_create(struct sym_image **out, const char *path, uint64_t now)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
int sym_image_create_seal(struct sym_image *img,
    const uint8_t unseal_key[static SYM_IMAGE_KEY_BYTES],
    const struct sym_image_seal *seal, const char *detail, uint64_t now)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 4);
int sym_image_create_link(struct sym_image *img)
    SYM_WARN_UNUSED SYM_NONNULL(1);

/*
 * Opens an image and verifies its headers (checksums, core signature);
 * SYM_ENOTIMAGE for a file that is not one, SYM_EVERSION for a newer
 * format, SYM_EBADHEADER when neither header copy is valid.
 */
int sym_image_open(struct sym_image **out, const char *path,
    enum sym_image_mode mode) SYM_WARN_UNUSED SYM_NONNULL(1, 2);
void sym_image_close(struct sym_image *img);

const struct sym_image_info *sym_image_info(const struct sym_image *img)
    SYM_NONNULL(1);

/*
 * The checks a share must pass before it is used on this image, without
 * a secret: signed by the image identity (SYM_EWRONGIMAGE otherwise),
 * set = image id (SYM_EWRONGIMAGE), current generation (SYM_EGENERATION).
 */
int sym_image_check_share(const struct sym_image *img,
    const struct sym_share *share) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* What a share is offered as (sym_image_check_share_of). */
enum sym_image_share_kind {
	SYM_IMAGE_UNSEAL_SHARE = 0,		/* the Shamir seal's */
	SYM_IMAGE_PENDING_UNSEAL_SHARE,		/* rekey -verify: the new */
	SYM_IMAGE_RECOVERY_SHARE,		/* an auto seal's recovery */
	SYM_IMAGE_PENDING_RECOVERY_SHARE,	/* -target=recovery -verify */
};

/* The configuration shares of kind must match (the barrier's, a pending
 * rekey's, the recovery shares', the pending recovery shares'). */
const struct sym_image_seal *sym_image_share_seal(
    const struct sym_image_info *info, enum sym_image_share_kind kind)
    SYM_NONNULL(1);
/* The kind of share a quorum of img is made of: unseal shares, or for an
 * auto seal recovery shares; pending: of the new set being verified. */
enum sym_image_share_kind sym_image_quorum_kind(const struct sym_image *img,
    int pending) SYM_NONNULL(1);

/* sym_image_check_share for any kind; SYM_ESHAREROLE for a recovery
 * share offered as an unseal share or the reverse (or a share of a kind
 * this image has not), SYM_EUSAGE when nothing is pending. */
int sym_image_check_share_of(const struct sym_image *img,
    const struct sym_share *share, enum sym_image_share_kind kind)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/*
 * Auto seals (lib/image_seal.c).  The image keeps, for each device seal,
 * its public record and U as the device wrapped it; it never talks to a
 * device (symbolon/seal_auto.h does).  set_devices replaces the records
 * (in priority order); the image must be unsealed; commit afterwards.
 */
int sym_image_set_devices(struct sym_image *img,
    const struct sym_image_device *devices, size_t count)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/*
 * Recovery keys only authorise: the image keeps the recovery key sealed
 * under R (so only an unsealed image can check one, and the recovery key
 * opens nothing) and the configuration of its shares.  install: key
 * becomes the recovery key for config, at once or (verify) pending beside
 * the current one until promote; check compares, in constant time, key
 * with the current (pending 0) or pending recovery key: SYM_ERECOVERY
 * when it differs.  The image must be unsealed; commit afterwards.
 */
int sym_image_recovery_install(struct sym_image *img,
    const uint8_t key[static SYM_IMAGE_KEY_BYTES],
    const struct sym_image_seal *config, int verify)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);
int sym_image_recovery_check(const struct sym_image *img,
    const uint8_t key[static SYM_IMAGE_KEY_BYTES], int pending)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
int sym_image_recovery_promote(struct sym_image *img)
    SYM_WARN_UNUSED SYM_NONNULL(1);
int sym_image_recovery_discard(struct sym_image *img)
    SYM_WARN_UNUSED SYM_NONNULL(1);

/* Unseals with the unseal key itself, as a seal released it. */
int sym_image_unseal_key(struct sym_image *img,
    const uint8_t unseal_key[static SYM_IMAGE_KEY_BYTES])
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

int sym_image_is_unsealed(const struct sym_image *img) SYM_NONNULL(1);

/* Unseals with the root key itself (an exported one, root_export.h):
 * SYM_ECORRUPT when it is not this image's. */
int sym_image_unseal_root(struct sym_image *img,
    const uint8_t root_key[static SYM_IMAGE_KEY_BYTES])
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* WARNING: the root key (SYM_IMAGE_KEY_BYTES of secure memory owned by
 * img), or NULL while sealed.  Only for exporting it (root_export.h). */
const uint8_t *sym_image_root_key(const struct sym_image *img) SYM_NONNULL(1);

/*
 * WARNING: the image identity's Ed25519 secret key (64 bytes, secure
 * memory owned by img), or NULL while sealed.  Only for signing what the
 * image itself issues (share bundles of a new generation); never copy it.
 */
const uint8_t *sym_image_identity_secret(const struct sym_image *img)
    SYM_NONNULL(1);

/*
 * Makes the changes made since unsealing durable: appends a signed audit
 * record (operation, detail), fsyncs the data, and writes the new header
 * into the other slot.  The image must be open for writing and unsealed.
 */
int sym_image_commit(struct sym_image *img, const char *operation,
    const char *detail, uint64_t now) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/*
 * Rekey (rekey.c drives these).  install: the unseal key becomes new_key
 * for new_seal (generation, shares, threshold, manifest hash): at once, or,
 * with verify, as a pending wrapping beside the active one, which keeps
 * working until promote.  The image must be unsealed; commit afterwards.
 */
int sym_image_rekey_install(struct sym_image *img,
    const uint8_t new_key[static SYM_IMAGE_KEY_BYTES],
    const struct sym_image_seal *new_seal, int verify)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);
/* Unseals through the pending wrapping: proves new_key is the new key. */
int sym_image_unseal_pending(struct sym_image *img,
    const uint8_t new_key[static SYM_IMAGE_KEY_BYTES])
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
/* Makes the pending wrapping the active one, the old one destroyed and
 * the root key replaced; new_key is the verified new unseal key. */
int sym_image_rekey_promote(struct sym_image *img,
    const uint8_t new_key[static SYM_IMAGE_KEY_BYTES])
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
/* Drops a pending wrapping (verification cancelled). */
int sym_image_rekey_discard(struct sym_image *img)
    SYM_WARN_UNUSED SYM_NONNULL(1);
/* Share checks against the pending (new) generation instead. */
int sym_image_check_pending_share(const struct sym_image *img,
    const struct sym_share *share) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* Entries (entry.c).  put reads from fd until end of input; get writes
 * the plaintext to fd, chunk by chunk, authenticating each chunk first.
 * put and delete commit themselves (audit SYM_AUDIT_PUT, SYM_AUDIT_DELETE,
 * detail "entry NAME"); after a failed one, close the image. */
int sym_image_put(struct sym_image *img, const char *name, int fd,
    uint64_t now) SYM_WARN_UNUSED SYM_NONNULL(1, 2);
int sym_image_get(struct sym_image *img, const char *name, int fd)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
int sym_image_delete(struct sym_image *img, const char *name, uint64_t now)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
size_t sym_image_entry_count(const struct sym_image *img) SYM_NONNULL(1);
const struct sym_image_entry *sym_image_entry_at(const struct sym_image *img,
    size_t i) SYM_NONNULL(1);
/* Reads and authenticates every chunk of every entry; *bad names the
 * first entry that fails. */
int sym_image_verify_entries(struct sym_image *img, const char **bad)
    SYM_WARN_UNUSED SYM_NONNULL(1);

/* Keyring: adds a term (new writes use it) and commits (SYM_AUDIT_ROTATE,
 * "term N installed"). */
int sym_image_rotate(struct sym_image *img, uint64_t now)
    SYM_WARN_UNUSED SYM_NONNULL(1);
/*
 * Moves every entry to the active term, committing after each one so an
 * interruption loses nothing and a second run resumes, then drops the
 * terms no entry uses.
 */
int sym_image_reencrypt(struct sym_image *img, uint64_t now)
    SYM_WARN_UNUSED SYM_NONNULL(1);

#endif
