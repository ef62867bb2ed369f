/*
 * Private to the image layer: pending operations and the journal, kept in
 * the header envelope (field 5) outside the signed core, so that steps
 * taken while sealed (rekey init, a share accepted, cancel) can be
 * recorded without shares.  The public half is in symbolon/journal.h
 * (sym_image_pending_get/put, sym_image_journal_add).
 */
#ifndef SYMBOLON_JOURNAL_INTERNAL_H
#define SYMBOLON_JOURNAL_INTERNAL_H

#include <stdint.h>

#include "image_core.h"

/*
 * Turns the journal into signed audit records appended to img's log (the
 * caller commits), and empties it.  *nonce_pending says whether a
 * verification nonce is still pending (a verification cancelled while
 * sealed leaves none).  img must be unsealed.
 */
int sym_journal_drain(struct sym_image *img, uint64_t now, int *nonce_pending);

#endif
