/*
 * Split and combine of a large secret in bounded memory: the secret is
 * read block by block and every share is written as it goes, so a 64 MiB
 * file needs the same few MiB as a 1 MiB one (gfsplit's habit), with the
 * shares byte for byte those of sym_shamir_split's layout.
 *
 * Share forms, one share per descriptor:
 *   SYM_STREAM_RAW     the y bytes, then the x byte (Vault's layout; a
 *                      raw share file as gfsplit users expect, though
 *                      gfsplit itself puts x in the file name)
 *   SYM_STREAM_BASE64  Vault's text: one line, base64 of y then x, "\n"
 * A bulk secret's coefficients come from a ChaCha20 stream keyed once
 * from the system (random.h); a key-sized one (at most 4096 bytes) from
 * the system directly, as sym_shamir_split does.
 *
 * Secret: the secret, coefficients and y bytes (secure memory, wiped).
 * Public: x bytes, lengths.  On failure nothing is wiped from the
 * descriptors: the caller removes the files it created.
 */
#ifndef SYMBOLON_SHAMIR_STREAM_H
#define SYMBOLON_SHAMIR_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

enum sym_stream_form {
	SYM_STREAM_RAW = 0,
	SYM_STREAM_BASE64 = 1,
};

/* Secret bytes per block (a multiple of 3, so base64 lines stream). */
#define SYM_STREAM_BLOCK_BYTES (3u * 64u * 1024u)

/* Reads the secret from in_fd to its end and writes share i to
 * out_fds[i], i < n, threshold t.  *secret_len gets the bytes read.
 * SYM_EEMPTYSECRET for an empty input. */
int sym_shamir_split_stream(const int out_fds[], unsigned n, unsigned t,
    int in_fd, enum sym_stream_form form, uint64_t *secret_len)
    SYM_WARN_UNUSED SYM_NONNULL(1, 6);

/* Combines k shares, one per in_fds[i] (regular files: their x byte is
 * read first, from the end), writing the secret to out_fd.  The shares'
 * errors are sym_shamir_check's, with *bad the index of the share at
 * fault (k: writing to out_fd failed); SYM_EFORMAT for text that is not
 * one base64 line. */
int sym_shamir_combine_stream(int out_fd, const int in_fds[], size_t k,
    enum sym_stream_form form, uint64_t *secret_len, size_t *bad)
    SYM_WARN_UNUSED SYM_NONNULL(2, 5, 6);

#endif
