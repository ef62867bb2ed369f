/*
 * The image's audit log: append-only, hash-chained, signed.
 *
 * Every state-changing operation appends one record to the data area, a
 * bundle (type audit record) signed by the image identity:
 *    4 image id   5 sequence number (1, 2, ...)   6 time
 *    7 hash of the previous record (bstr 32; zeros for the first)
 *    8 operation (tstr)   9 detail (tstr)
 *   10 offset and 11 length of the previous record in the file (0, 0 first)
 * A record's hash is BLAKE2b-256 ("symbolon-aud-v1") of its bundle bytes;
 * the header's core names the last record (count, offset, length, hash).
 *
 * A transcript is a bundle holding the image id, the identity public key
 * and every record in order, for an auditor on another machine: each
 * record verifies by itself against the image identity, and the chain
 * shows none is missing, reordered or altered.
 */
#ifndef SYMBOLON_AUDIT_H
#define SYMBOLON_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/image.h"

#define SYM_AUDIT_HASH_BYTES 32u
#define SYM_AUDIT_OPERATION_MAX 32u
#define SYM_AUDIT_DETAIL_MAX 1024u

/*
 * The audit vocabulary: every operation name a record or a journal line
 * may carry.  Only lib/ writes them; transcripts and auditors read them.
 */
#define SYM_AUDIT_INIT "init"
#define SYM_AUDIT_PUT "put"
#define SYM_AUDIT_DELETE "delete"
#define SYM_AUDIT_ROTATE "rotate"
#define SYM_AUDIT_REENCRYPT_START "reencrypt-start"
#define SYM_AUDIT_REENCRYPT_ENTRY "reencrypt-entry"
#define SYM_AUDIT_REENCRYPT_DONE "reencrypt-done"
#define SYM_AUDIT_REKEY_INIT "rekey-init"
#define SYM_AUDIT_REKEY_SHARE "rekey-share"
#define SYM_AUDIT_REKEY_CANCEL "rekey-cancel"
#define SYM_AUDIT_REKEY_FAILED "rekey-failed"
#define SYM_AUDIT_REKEY "rekey"
#define SYM_AUDIT_REKEY_ISSUED "rekey-issued"
#define SYM_AUDIT_REKEY_VERIFIED "rekey-verified"
#define SYM_AUDIT_REKEY_VERIFY_FAILED "rekey-verify-failed"
#define SYM_AUDIT_REKEY_VERIFY_CANCEL "rekey-verify-cancel"
#define SYM_AUDIT_REKEY_BACKUP_DELETE "rekey-backup-delete"

struct sym_audit_record {
	uint64_t seq;
	uint64_t time;
	char operation[SYM_AUDIT_OPERATION_MAX + 1];
	char detail[SYM_AUDIT_DETAIL_MAX + 1];
	uint8_t hash[SYM_AUDIT_HASH_BYTES];
	uint8_t prev[SYM_AUDIT_HASH_BYTES];
};

/* Called for each record, first to last; a non-zero return stops the walk
 * and is returned. */
typedef int (*sym_audit_visit)(void *ctx, const struct sym_audit_record *r);

/* Appends a record to the data area (the caller commits the header).
 * The image must be unsealed (the record is signed by its identity). */
int sym_audit_append(struct sym_image *img, const char *operation,
    const char *detail, uint64_t now) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* Reads the whole chain from the file, verifying every signature and
 * link and that it ends at the header's head; needs no shares.
 * SYM_EAUDIT names a broken chain. */
int sym_audit_walk(struct sym_image *img, sym_audit_visit visit, void *ctx)
    SYM_WARN_UNUSED SYM_NONNULL(1);

/* Exports the log as a transcript bundle (a new secure buffer), signed by
 * signer_secret (an operator identity), or by a one-time key if NULL. */
int sym_audit_transcript(struct sym_image *img, uint8_t **bundle, size_t *len,
    const uint8_t *signer_secret) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* Verifies a transcript: its signature, every record against the image
 * identity it names, and the chain.  info gets the image id and identity;
 * visit (may be NULL) sees each record. */
int sym_audit_verify_transcript(const uint8_t *bundle, size_t len,
    uint8_t image_id[static SYM_IMAGE_ID_BYTES],
    uint8_t identity[static SYM_SIGN_PUBLICKEY_BYTES],
    sym_audit_visit visit, void *ctx) SYM_WARN_UNUSED SYM_NONNULL(1, 3, 4);

#endif
