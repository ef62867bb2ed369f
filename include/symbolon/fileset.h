/*
 * A set of output files written all or nothing: every file is planned in
 * full (path and bytes) before the first is written.
 *
 * Without force, every path is checked absent first (SYM_EEXIST before
 * anything is written), and each file is then created with link(), which
 * refuses a name created since (O_EXCL semantics), mode 0600 (io.h).  With
 * force, each file atomically replaces what is there.  If a file cannot
 * be written, the files this call created are removed again (rollback);
 * a file that force replaced is not restored (rename replaced it
 * atomically: its old bytes are gone), and standard output cannot be
 * taken back.
 *
 * The bytes are secure memory owned by the set (they may be shares), wiped
 * and freed by sym_fileset_free.
 */
#ifndef SYMBOLON_FILESET_H
#define SYMBOLON_FILESET_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

/* Files in one set at most. */
#define SYM_FILESET_MAX 4096u

struct sym_fileset_file {
	char *path;		/* NULL: standard output */
	uint8_t *data;		/* secure memory, owned */
	size_t len;
	int created;		/* written by this set (not replaced) */
};

struct sym_fileset {
	struct sym_fileset_file *files;
	size_t count, cap;
	size_t written;		/* files written by the last write */
	/* After a failed write: the path that failed (a file or the
	 * directory), or NULL with failed_stdout = 1 for standard output. */
	const char *failed_path;
	int failed_stdout;
};

void sym_fileset_init(struct sym_fileset *fs) SYM_NONNULL(1);

/* Adds a file (path NULL: standard output) taking data, a secure buffer
 * (freed here also on error). */
int sym_fileset_add(struct sym_fileset *fs, const char *path, uint8_t *data,
    size_t len) SYM_WARN_UNUSED SYM_NONNULL(1);

/* Adds a file with a copy of data (in secure memory). */
int sym_fileset_add_copy(struct sym_fileset *fs, const char *path,
    const uint8_t *data, size_t len) SYM_WARN_UNUSED SYM_NONNULL(1);

/* 1 if a file of the set has this path. */
int sym_fileset_has(const struct sym_fileset *fs, const char *path)
    SYM_NONNULL(1, 2);

/* DIR/NAME.EXT into path, or DIR/NAME-2.EXT, -3... when a file of the set
 * already has that path (two inputs of the same name); SYM_ETOOBIG if it
 * does not fit in cap. */
int sym_fileset_path(char *path, size_t cap, const struct sym_fileset *fs,
    const char *dir, const char *name, const char *ext)
    SYM_WARN_UNUSED SYM_NONNULL(1, 3, 4, 5, 6);

/*
 * Writes the set, in order.  dir, if not NULL, is created first (0700)
 * when missing.  Errors: those of sym_io_check_absent and
 * sym_io_write_file (SYM_EEXIST for an existing file without force), with
 * failed_path (or failed_stdout) set; on error nothing this call created
 * is left.
 */
int sym_fileset_write(struct sym_fileset *fs, const char *dir, int force)
    SYM_WARN_UNUSED SYM_NONNULL(1);

/* Removes every file of the set (a later step of the caller failed). */
void sym_fileset_remove(const struct sym_fileset *fs) SYM_NONNULL(1);

/* Wipes and frees everything; fs is empty again. */
void sym_fileset_free(struct sym_fileset *fs);

#endif
