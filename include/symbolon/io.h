/*
 * File and terminal I/O with the policy symbolon needs for secrets.
 *
 * - Secrets are read only from files, standard input or a hidden prompt on
 *   the controlling terminal: never from argv or the environment.
 * - Everything read lands in secure memory (sym_secmem_alloc) and is
 *   capped before it is read, so an oversized input is refused, not
 *   buffered.
 * - Output files are written whole or not at all: a temporary file in the
 *   same directory (mode 0600), fsync, then an atomic link (no overwrite)
 *   or rename (--force).  A failure leaves no file behind and the old one
 *   untouched.
 */
#ifndef SYMBOLON_IO_H
#define SYMBOLON_IO_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

/*
 * Reads all of path ("-" is standard input) into a new secure buffer.
 * Refuses with SYM_ETOOBIG if there are more than max bytes. *out is
 * freed with sym_secmem_free; it has one spare byte, set to NUL, after
 * the len bytes so text can be handled as a C string.
 */
int sym_io_read_all(uint8_t **out, size_t *len, const char *path, size_t max)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* As sym_io_read_all, from an open descriptor. */
int sym_io_read_fd(uint8_t **out, size_t *len, int fd, size_t max)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/*
 * Prints prompt on the controlling terminal (/dev/tty), reads one line with
 * echo off into buf (cap bytes, NUL-terminated, newline removed) and
 * restores the terminal.  SYM_ENOTTY without a terminal, SYM_ETOOBIG for a
 * line that does not fit (the rest of it is discarded), SYM_ETRUNCATED at
 * end of input.
 */
int sym_io_prompt_hidden(char *buf, size_t cap, size_t *len,
    const char *prompt) SYM_WARN_UNUSED SYM_NONNULL(1, 3, 4);

/* 1 if fd is a terminal. */
int sym_io_isatty(int fd);

enum sym_io_write_mode {
	SYM_IO_NO_OVERWRITE = 0,	/* SYM_EEXIST if path exists */
	SYM_IO_OVERWRITE = 1,		/* --force: atomically replace */
};

/* Writes data to path (mode 0600) atomically, as described above. */
int sym_io_write_file(const char *path, const uint8_t *data, size_t len,
    enum sym_io_write_mode mode) SYM_WARN_UNUSED SYM_NONNULL(1);

/* Writes all of data to fd, retrying short writes. */
int sym_io_write_fd(int fd, const uint8_t *data, size_t len)
    SYM_WARN_UNUSED;

/*
 * Mutating file operations used for images and output files.  They all
 * pass through one fault-injection point so the crash-safety tests can
 * interrupt an update at every step.  The hook (SYMBOLON_FAULT,
 * SYMBOLON_FAULT_LOG: see lib/fault.h) exists only in the test build
 * (build/test-bin/); a release build has none and reads no environment.
 */
int sym_io_pwrite_all(int fd, const uint8_t *data, size_t len, uint64_t offset)
    SYM_WARN_UNUSED;
int sym_io_fsync(int fd) SYM_WARN_UNUSED;
int sym_io_ftruncate(int fd, uint64_t len) SYM_WARN_UNUSED;
int sym_io_rename(const char *from, const char *to) SYM_WARN_UNUSED;
int sym_io_link(const char *from, const char *to) SYM_WARN_UNUSED;

/* Reads exactly len bytes at offset (SYM_ETRUNCATED at end of file). */
int sym_io_pread_all(int fd, uint8_t *buf, size_t len, uint64_t offset)
    SYM_WARN_UNUSED;

/* SYM_EEXIST if path exists (a file, a link, anything), else SYM_OK. */
int sym_io_check_absent(const char *path) SYM_WARN_UNUSED SYM_NONNULL(1);

#endif
