/*
 * A set of raw shares being gathered one at a time (combine, unseal,
 * rekey): each share is checked as it arrives, so a bad one is refused
 * with a precise reason while the shares already accepted are kept.
 * Shares are copied into secure memory and wiped by sym_shareset_free.
 */
#ifndef SYMBOLON_SHARESET_H
#define SYMBOLON_SHARESET_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

struct sym_shareset;

int sym_shareset_new(struct sym_shareset **out) SYM_WARN_UNUSED SYM_NONNULL(1);
void sym_shareset_free(struct sym_shareset *set);

/*
 * Adds a copy of share (y bytes then x).  Refuses, leaving the set as it
 * was: SYM_EEMPTYSHARE (no y byte), SYM_EZEROX, SYM_ESHARELEN (length
 * differs from the first share), SYM_EDUPSHARE (x already present: a
 * repeated share), SYM_ETOOBIG (already 255 shares).
 */
int sym_shareset_add(struct sym_shareset *set, const uint8_t *share,
    size_t len) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

size_t sym_shareset_count(const struct sym_shareset *set) SYM_NONNULL(1);

/* Length of the secret the shares would recover (0 while empty). */
size_t sym_shareset_secret_len(const struct sym_shareset *set) SYM_NONNULL(1);

/* The x coordinate of share i (public), i < count. */
uint8_t sym_shareset_x(const struct sym_shareset *set, size_t i) SYM_NONNULL(1);

/* Recovers the secret from all shares in the set into secret, which must
 * hold sym_shareset_secret_len bytes. */
int sym_shareset_combine(uint8_t *secret, const struct sym_shareset *set)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

#endif
