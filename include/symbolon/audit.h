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
 * A transcript is a bundle holding the image id,
 * the identity public key and every record in order, for an auditor on
 * another machine: each record verifies by itself against the image
 * identity, and the chain shows none is missing, reordered or altered.
 *
 * This module sits below the image: it knows nothing of the image file,
 * only a small interface to a log (struct sym_audit_log): where to append
 * and read record bytes, the identity that signs, and the head.
 */
#ifndef SYMBOLON_AUDIT_H
#define SYMBOLON_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/bundle.h"
#include "symbolon/error.h"
#include "symbolon/share.h"

#define SYM_AUDIT_HASH_BYTES 32u
#define SYM_AUDIT_OPERATION_MAX 32u
#define SYM_AUDIT_DETAIL_MAX 1024u
#define SYM_AUDIT_ID_BYTES SYM_SET_ID_BYTES	/* = SYM_IMAGE_ID_BYTES */

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
#define SYM_AUDIT_EXPORT_ROOT "export-root"

struct sym_audit_record {
	uint64_t seq;
	uint64_t time;
	char operation[SYM_AUDIT_OPERATION_MAX + 1];
	char detail[SYM_AUDIT_DETAIL_MAX + 1];
	uint8_t hash[SYM_AUDIT_HASH_BYTES];
	uint8_t prev[SYM_AUDIT_HASH_BYTES];
};

/* The last record: what the image's signed core names. */
struct sym_audit_head {
	uint64_t count, offset, length;
	uint8_t hash[SYM_AUDIT_HASH_BYTES];
};

/*
 * A log, as the image lends it to this module: record bytes live in a
 * data area between start and end; append adds bytes at the end (and
 * says where), read reads bytes that are there.  head is updated by
 * sym_audit_append.  identity_secret (64 bytes, secret, owned by the
 * lender) is NULL while the image is sealed: then nothing can be appended.
 */
struct sym_audit_log {
	void *ctx;
	int (*append)(void *ctx, const uint8_t *data, size_t len,
	    uint64_t *offset);
	int (*read)(void *ctx, uint64_t offset, uint8_t *buf, size_t len);
	uint64_t start, end;
	struct sym_audit_head *head;
	const uint8_t *image_id;	/* SYM_AUDIT_ID_BYTES */
	const uint8_t *identity;	/* SYM_SIGN_PUBLICKEY_BYTES */
	const uint8_t *identity_secret;	/* or NULL */
};

/* Called for each record, first to last; a non-zero return stops the walk
 * and is returned. */
typedef int (*sym_audit_visit)(void *ctx, const struct sym_audit_record *r);

/* Appends a signed record (the caller makes it durable: the image commits
 * its header).  SYM_ESEALED without an identity secret, SYM_EUSAGE for an
 * empty operation or text with control characters or over the limits. */
int sym_audit_append(struct sym_audit_log *log, const char *operation,
    const char *detail, uint64_t now) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* One record as parsed from its bundle, with its link to the previous. */
struct sym_audit_parsed {
	struct sym_audit_record r;
	uint8_t image_id[SYM_AUDIT_ID_BYTES];
	uint64_t prev_offset, prev_length;
};

/* Parses and verifies one record bundle signed by identity (SYM_EAUDIT). */
int sym_audit_record_parse(struct sym_audit_parsed *p, const uint8_t *bytes,
    size_t len, const uint8_t identity[static SYM_SIGN_PUBLICKEY_BYTES])
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 4);

/* Checks that records[0..count) form one chain from the first record, all
 * of image_id (SYM_EAUDIT otherwise). */
int sym_audit_chain_check(const struct sym_audit_parsed *records,
    uint64_t count, const uint8_t image_id[static SYM_AUDIT_ID_BYTES])
    SYM_WARN_UNUSED SYM_NONNULL(3);

/*
 * Reads the whole chain from the log, verifying every signature and link
 * and that it ends at the head; needs no secret.  *records (count =
 * head->count, heap) and, when raw is not NULL, every record's bytes
 * ((*raw)[i], (*raw_lens)[i], heap; free with sym_audit_raw_free).
 */
int sym_audit_load(const struct sym_audit_log *log,
    struct sym_audit_parsed **records, uint8_t ***raw, size_t **raw_lens)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);
void sym_audit_raw_free(uint8_t **raw, size_t *raw_lens, uint64_t count);

/* sym_audit_load, then visit (may be NULL) sees each record. */
int sym_audit_log_walk(const struct sym_audit_log *log, sym_audit_visit visit,
    void *ctx) SYM_WARN_UNUSED SYM_NONNULL(1);

/*
 * The log of an image, read back (lib/transcript.c, in the image layer
 * above this module: the image is named here only as an opaque type, so
 * this header includes nothing of it).  A transcript also carries the
 * image's signed core, which names the last record: one cut short no
 * longer matches it.
 */
struct sym_image;

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
 * identity it names, and the chain.  image_id and identity get what it
 * names; visit (may be NULL) sees each record. */
int sym_audit_verify_transcript(const uint8_t *bundle, size_t len,
    uint8_t image_id[static SYM_AUDIT_ID_BYTES],
    uint8_t identity[static SYM_SIGN_PUBLICKEY_BYTES],
    sym_audit_visit visit, void *ctx) SYM_WARN_UNUSED SYM_NONNULL(1, 3, 4);

#endif
