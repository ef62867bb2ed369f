/*
 * Secure memory and process hardening.
 *
 * sym_secmem_init() must be the first call of every program: it initialises
 * libsodium, disables core dumps (RLIMIT_CORE = 0) and ptrace/core dumping
 * of this process (PR_SET_DUMPABLE = 0), and probes whether memory can be
 * locked.  Secrets then live only in buffers from sym_secmem_alloc():
 * sodium_malloc memory with guard pages, mlock'd where the system allows,
 * wiped by sym_secmem_free().  Never realloc such a buffer; allocate a new
 * one, copy, and free the old (sym_secmem_grow does exactly that).
 */
#ifndef SYMBOLON_SECMEM_H
#define SYMBOLON_SECMEM_H

#include <stddef.h>

#include "symbolon/error.h"

/* Returns SYM_OK or SYM_EINIT.  Safe to call more than once. */
int sym_secmem_init(void) SYM_WARN_UNUSED;

/* 1 if locking memory worked in the probe at init, 0 if it did not (the
 * program should warn: secrets may be swapped out). */
int sym_secmem_mlock_works(void);

/* A zero-filled secure buffer of len bytes (len may be 0), or NULL. */
void *sym_secmem_alloc(size_t len);

/* Wipes and frees a buffer from sym_secmem_alloc; NULL is ignored. */
void sym_secmem_free(void *ptr);

/* Replaces *buf (holding used bytes, capacity *cap) with a buffer of
 * new_cap bytes holding the same first used bytes; the old one is wiped.
 * Returns SYM_OK or SYM_ENOMEM (then *buf is unchanged). */
int sym_secmem_grow(unsigned char **buf, size_t *cap, size_t used,
    size_t new_cap) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

#endif
