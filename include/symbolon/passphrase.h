/*
 * Passphrase protection: Argon2id (libsodium crypto_pwhash) derives a key
 * that encrypts with XChaCha20-Poly1305.  Used for identity secret-key
 * files and for shares dealt under a passphrase.
 *
 * The cost parameters travel with the ciphertext so they can be raised
 * later; opening refuses parameters below libsodium's MODERATE limits
 * (too weak to have been written by symbolon) and above a ceiling that
 * keeps a hostile file from demanding gigabytes or minutes.
 */
#ifndef SYMBOLON_PASSPHRASE_H
#define SYMBOLON_PASSPHRASE_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

#define SYM_PASSPHRASE_SALT_BYTES 16u
#define SYM_PASSPHRASE_NONCE_BYTES 24u
#define SYM_PASSPHRASE_TAG_BYTES 16u
#define SYM_PASSPHRASE_MAX_BYTES 1024u
#define SYM_PASSPHRASE_MAX_MEMLIMIT (1024ull << 20)
#define SYM_PASSPHRASE_MAX_OPSLIMIT 16ull

/* Everything but the ciphertext; all public. */
struct sym_passphrase_box {
	uint8_t salt[SYM_PASSPHRASE_SALT_BYTES];
	uint8_t nonce[SYM_PASSPHRASE_NONCE_BYTES];
	uint64_t opslimit;
	uint64_t memlimit;
};

/*
 * Encrypts plaintext under passphrase with fresh salt and nonce and
 * MODERATE limits, filling *box.  ciphertext must hold plaintext_len +
 * SYM_PASSPHRASE_TAG_BYTES bytes.  aad is authenticated, not encrypted
 * (bind the ciphertext to its context: set id, index, ...).
 */
int sym_passphrase_seal(uint8_t *ciphertext, struct sym_passphrase_box *box,
    const uint8_t *plaintext, size_t plaintext_len,
    const uint8_t *aad, size_t aad_len,
    const char *passphrase, size_t passphrase_len)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 7);

/* Decrypts; SYM_EDECRYPT for a wrong passphrase or tampered data,
 * SYM_EUSAGE for cost parameters out of bounds.  plaintext must hold
 * ciphertext_len - SYM_PASSPHRASE_TAG_BYTES bytes; wiped on failure. */
int sym_passphrase_open(uint8_t *plaintext, const struct sym_passphrase_box *box,
    const uint8_t *ciphertext, size_t ciphertext_len,
    const uint8_t *aad, size_t aad_len,
    const char *passphrase, size_t passphrase_len)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 7);

/*
 * Gets a passphrase: from file when not NULL (first line, newline
 * removed), else from the terminal with echo off, asking twice when
 * confirm is set (SYM_EMISMATCH if the two differ).  buf (cap bytes,
 * secure memory) gets a NUL-terminated passphrase; empty ones are refused.
 */
int sym_passphrase_get(char *buf, size_t cap, size_t *len, const char *prompt,
    int confirm, const char *file) SYM_WARN_UNUSED SYM_NONNULL(1, 3, 4);

/* Line number line (1-based, blank lines count) of file: per-share
 * passphrases for automation.  SYM_EEMPTYSECRET if that line is empty or
 * missing. */
int sym_passphrase_get_line(char *buf, size_t cap, size_t *len,
    const char *file, unsigned line) SYM_WARN_UNUSED SYM_NONNULL(1, 3, 4);

#endif
