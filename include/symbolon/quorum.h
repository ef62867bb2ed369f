/*
 * Gathering share bundles until a quorum: used by combine, and later by
 * every program that unseals.
 *
 * Each share is checked as it arrives, before anything is reconstructed:
 * against the manifest when one is given (signer, set, generation, hash,
 * commitment), otherwise against the first share accepted (same signer,
 * set, generation, t, n, salt and secret commitment).  A refused share
 * leaves the quorum as it was.  The recovered secret is checked against
 * the secret commitment every share carries.
 */
#ifndef SYMBOLON_QUORUM_H
#define SYMBOLON_QUORUM_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/manifest.h"
#include "symbolon/share.h"

struct sym_quorum;

int sym_quorum_new(struct sym_quorum **out) SYM_WARN_UNUSED SYM_NONNULL(1);
void sym_quorum_free(struct sym_quorum *q);

/* Pins the quorum to a manifest (copied); before any share is added. */
int sym_quorum_set_manifest(struct sym_quorum *q, const struct sym_manifest *m)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* The checks of sym_quorum_add that need no secret: run them before
 * asking anyone for a passphrase to decrypt a share that would be refused
 * anyway.  The share may still be sealed. */
int sym_quorum_check(const struct sym_quorum *q, const struct sym_share *share)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/*
 * Adds an unsealed share.  Errors: SYM_EKID (another signer),
 * SYM_EWRONGSET, SYM_EGENERATION, SYM_EMANIFEST (t, n, salt or hash
 * differ), SYM_ECOMMITMENT (share does not match the manifest),
 * SYM_EDUPSHARE (index or x already in), SYM_EUSAGE (still sealed).
 */
int sym_quorum_add(struct sym_quorum *q, const struct sym_share *share)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

size_t sym_quorum_count(const struct sym_quorum *q) SYM_NONNULL(1);
/* The threshold, once known (from the manifest or first share), else 0. */
unsigned sym_quorum_threshold(const struct sym_quorum *q) SYM_NONNULL(1);
/* The set id and generation the quorum is bound to; NULL if not yet. */
const uint8_t *sym_quorum_set_id(const struct sym_quorum *q) SYM_NONNULL(1);
uint64_t sym_quorum_generation(const struct sym_quorum *q) SYM_NONNULL(1);
/* The signer the quorum is bound to (public key); NULL if not yet. */
const uint8_t *sym_quorum_signer(const struct sym_quorum *q) SYM_NONNULL(1);
/* 1 if the share with this index is already in. */
int sym_quorum_has_index(const struct sym_quorum *q, unsigned index)
    SYM_NONNULL(1);

/*
 * Recovers the secret (a new secure buffer) once the threshold is met
 * (SYM_ETOOFEW before), and checks it against the secret commitment
 * (SYM_ECOMMITMENT: the shares are not what was dealt).
 */
int sym_quorum_recover(uint8_t **secret, size_t *len,
    const struct sym_quorum *q) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

#endif
