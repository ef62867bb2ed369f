/*
 * Pending operations and the journal of an image: kept in the header
 * envelope outside the signed core, so that steps taken while sealed
 * (rekey init, a share accepted, cancel) are recorded without shares,
 * exactly as Vault keeps them outside the barrier.  The next unsealed
 * commit turns the journal into signed audit records.
 */
#ifndef SYMBOLON_JOURNAL_H
#define SYMBOLON_JOURNAL_H

#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/image_format.h"

/* Reads the pending operations (an empty struct when there are none);
 * free with sym_image_pending_clear. */
int sym_image_pending_get(const struct sym_image *img,
    struct sym_image_pending *out) SYM_WARN_UNUSED SYM_NONNULL(1, 2);
void sym_image_pending_clear(struct sym_image_pending *p);

/*
 * Replaces the pending operations.  Sealed (no shares): rewrites both
 * header copies at once with the same signed core, a new sequence number
 * and the new envelope, crash-safe like a commit.  Unsealed: takes effect
 * at the next sym_image_commit.
 */
int sym_image_pending_put(struct sym_image *img,
    const struct sym_image_pending *p) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* Adds a journal line to p (the oldest is dropped when full). */
void sym_image_journal_add(struct sym_image_pending *p, uint64_t time,
    const char *operation, const char *detail) SYM_NONNULL(1, 3, 4);

#endif
