#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbolon/fileset.h"
#include "symbolon/io.h"
#include "symbolon/secmem.h"

void
sym_fileset_init(struct sym_fileset *fs)
{
	memset(fs, 0, sizeof *fs);
}

int
sym_fileset_add(struct sym_fileset *fs, const char *path, uint8_t *data,
    size_t len)
{
	struct sym_fileset_file *f;

	if (fs->count == SYM_FILESET_MAX) {
		sym_secmem_free(data);
		return SYM_ETOOBIG;
	}
	if (fs->count == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 16;
		/* The array holds pointers and lengths, never secrets. */
		void *bigger = realloc(fs->files, cap * sizeof *fs->files);

		if (bigger == NULL) {
			sym_secmem_free(data);
			return SYM_ENOMEM;
		}
		fs->files = bigger;
		fs->cap = cap;
	}
	f = &fs->files[fs->count];
	memset(f, 0, sizeof *f);
	if (path != NULL && (f->path = strdup(path)) == NULL) {
		sym_secmem_free(data);
		return SYM_ENOMEM;
	}
	f->data = data;
	f->len = len;
	fs->count++;
	return SYM_OK;
}

int
sym_fileset_add_copy(struct sym_fileset *fs, const char *path,
    const uint8_t *data, size_t len)
{
	uint8_t *copy = sym_secmem_alloc(len);

	if (copy == NULL)
		return SYM_ENOMEM;
	if (len > 0)
		memcpy(copy, data, len);
	return sym_fileset_add(fs, path, copy, len);
}

int
sym_fileset_has(const struct sym_fileset *fs, const char *path)
{
	for (size_t i = 0; i < fs->count; i++)
		if (fs->files[i].path != NULL &&
		    strcmp(fs->files[i].path, path) == 0)
			return 1;
	return 0;
}

int
sym_fileset_path(char *path, size_t cap, const struct sym_fileset *fs,
    const char *dir, const char *name, const char *ext)
{
	for (size_t same = 0; same <= fs->count; same++) {
		int n = same == 0 ?
		    snprintf(path, cap, "%s/%s.%s", dir, name, ext) :
		    snprintf(path, cap, "%s/%s-%zu.%s", dir, name, same + 1,
		    ext);

		if (n < 0 || (size_t)n >= cap)
			return SYM_ETOOBIG;
		if (!sym_fileset_has(fs, path))
			return SYM_OK;
	}
	return SYM_EINTERNAL;	/* count + 1 candidates: one is free */
}

static int
fail(struct sym_fileset *fs, const struct sym_fileset_file *f, int rc)
{
	fs->failed_path = f->path;
	fs->failed_stdout = f->path == NULL;
	return rc;
}

static int
write_one(struct sym_fileset *fs, struct sym_fileset_file *f, int force)
{
	int rc;

	if (f->path == NULL) {
		rc = sym_io_write_fd(STDOUT_FILENO, f->data, f->len);
		return rc == SYM_OK ? SYM_OK : fail(fs, f, rc);
	}
	/* Without force every path was absent a moment ago; with it, a
	 * file that is absent now is one this set creates. */
	f->created = !force || sym_io_check_absent(f->path) == SYM_OK;
	rc = sym_io_write_file(f->path, f->data, f->len,
	    force ? SYM_IO_OVERWRITE : SYM_IO_NO_OVERWRITE);
	if (rc != SYM_OK) {
		f->created = 0;
		return fail(fs, f, rc);
	}
	return SYM_OK;
}

int
sym_fileset_write(struct sym_fileset *fs, const char *dir, int force)
{
	int rc;

	fs->written = 0;
	fs->failed_path = NULL;
	fs->failed_stdout = 0;
	if (dir != NULL && mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fs->failed_path = dir;
		return sym_error_from_errno(errno);
	}
	for (size_t i = 0; i < fs->count && !force; i++) {
		if (fs->files[i].path != NULL &&
		    (rc = sym_io_check_absent(fs->files[i].path)) != SYM_OK)
			return fail(fs, &fs->files[i], rc);
	}
	for (size_t i = 0; i < fs->count; i++) {
		rc = write_one(fs, &fs->files[i], force);
		if (rc != SYM_OK)
			goto rollback;
		fs->written++;
	}
	return SYM_OK;
rollback:
	for (size_t i = 0; i < fs->written; i++) {
		if (fs->files[i].path != NULL && fs->files[i].created)
			(void)unlink(fs->files[i].path);
		fs->files[i].created = 0;
	}
	fs->written = 0;
	return rc;
}

void
sym_fileset_remove(const struct sym_fileset *fs)
{
	for (size_t i = 0; i < fs->count; i++)
		if (fs->files[i].path != NULL)
			(void)unlink(fs->files[i].path);
}

void
sym_fileset_free(struct sym_fileset *fs)
{
	if (fs == NULL)
		return;
	for (size_t i = 0; i < fs->count; i++) {
		free(fs->files[i].path);
		sym_secmem_free(fs->files[i].data);
	}
	free(fs->files);
	memset(fs, 0, sizeof *fs);
}
