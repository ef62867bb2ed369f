/*
 * Raw share files, as gfsplit users keep them: one file per holder, the
 * y bytes then the x byte (Vault's layout, shamir.h), written and read
 * block by block (shamir_stream.h) so a secret of any size needs a few
 * MiB.  Files are created mode 0600, never replacing one, and appear all
 * together or not at all.
 */
#ifndef SYMBOLON_SHARE_FILES_H
#define SYMBOLON_SHARE_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

#define SYM_SHARE_FILE_SUFFIX ".raw"

/* DIR/share-I-of-N.raw for share index (1-based) of n, into out. */
int sym_share_file_path(char *out, size_t cap, const char *dir,
    unsigned index, unsigned n) SYM_WARN_UNUSED SYM_NONNULL(1, 3);

/*
 * Splits the secret read from in_fd into n raw share files in dir
 * (which must exist), threshold t.  SYM_EEXIST if any share file is
 * already there; on any failure no share file is left.  *secret_len gets
 * the bytes split.
 */
int sym_share_files_split(const char *dir, unsigned n, unsigned t,
    int in_fd, uint64_t *secret_len) SYM_WARN_UNUSED SYM_NONNULL(1, 5);

/*
 * Combines the k raw share files at paths, writing the secret to out_path
 * (atomically, mode 0600; replacing a file only with force) or, when
 * out_path is NULL, to out_fd.  Errors as sym_shamir_combine_stream's,
 * *bad naming the share at fault, or k when the output is.
 */
int sym_share_files_combine(const char *out_path, int out_fd,
    const char *const paths[], size_t k, int force, uint64_t *secret_len,
    size_t *bad) SYM_WARN_UNUSED SYM_NONNULL(3, 6, 7);

#endif
