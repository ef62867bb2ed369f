#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbolon/io.h"
#include "symbolon/shamir.h"
#include "symbolon/shamir_stream.h"
#include "symbolon/share_files.h"

int
sym_share_file_path(char *out, size_t cap, const char *dir, unsigned index,
    unsigned n)
{
	int w = snprintf(out, cap, "%s/share-%u-of-%u%s", dir, index, n,
	    SYM_SHARE_FILE_SUFFIX);

	return w < 0 || (size_t)w >= cap ? SYM_ETOOBIG : SYM_OK;
}

static void
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int
sym_share_files_split(const char *dir, unsigned n, unsigned t, int in_fd,
    uint64_t *secret_len)
{
	char tmp[SYM_SHAMIR_MAX_SHARES][PATH_MAX], path[PATH_MAX];
	int fds[SYM_SHAMIR_MAX_SHARES];
	unsigned made = 0, linked = 0;
	int rc = SYM_OK;

	*secret_len = 0;
	if (n < 2 || n > SYM_SHAMIR_MAX_SHARES)
		return SYM_ESHARES;
	/* Refuse before reading anything if a share file is there. */
	for (unsigned i = 0; i < n && rc == SYM_OK; i++)
		if ((rc = sym_share_file_path(path, sizeof path, dir, i + 1,
		    n)) == SYM_OK)
			rc = sym_io_check_absent(path);
	if (rc != SYM_OK)
		return rc;
	for (; made < n; made++) {
		if (snprintf(tmp[made], sizeof tmp[made],
		    "%s/.share-%u-of-%u.tmpXXXXXX", dir, made + 1, n) >=
		    (int)sizeof tmp[made]) {
			rc = SYM_ETOOBIG;
			goto out;
		}
		fds[made] = mkostemp(tmp[made], O_CLOEXEC);	/* 0600 */
		if (fds[made] < 0) {
			rc = sym_error_from_errno(errno);
			goto out;
		}
	}
	if ((rc = sym_shamir_split_stream(fds, n, t, in_fd, SYM_STREAM_RAW,
	    secret_len)) != SYM_OK)
		goto out;
	for (unsigned i = 0; i < n; i++)
		if ((rc = sym_io_fsync(fds[i])) != SYM_OK)
			goto out;
	/* link() never replaces a name: a file created meanwhile is safe. */
	for (; linked < n; linked++) {
		if ((rc = sym_share_file_path(path, sizeof path, dir,
		    linked + 1, n)) != SYM_OK ||
		    (rc = sym_io_link(tmp[linked], path)) != SYM_OK)
			goto out;
	}
	sync_dir(dir);
out:
	for (unsigned i = 0; i < made; i++) {
		close(fds[i]);
		(void)unlink(tmp[i]);
	}
	if (rc != SYM_OK) {
		/* All or nothing: the shares already linked go too. */
		for (unsigned i = 0; i < linked; i++)
			if (sym_share_file_path(path, sizeof path, dir, i + 1,
			    n) == SYM_OK)
				(void)unlink(path);
		*secret_len = 0;
	}
	return rc;
}

static int
open_share(int *fd, const char *path)
{
	struct stat st;

	/* "-" is standard input to every program: not a file to seek in. */
	if (strcmp(path, "-") == 0) {
		*fd = -1;
		return SYM_EUSAGE;
	}
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return sym_error_from_errno(errno);
	if (fstat(*fd, &st) != 0)
		return sym_error_from_errno(errno);
	if (S_ISDIR(st.st_mode))
		return SYM_EISDIR;
	/* x is read from the end: a pipe has none to seek to. */
	if (!S_ISREG(st.st_mode))
		return SYM_EUSAGE;
	return SYM_OK;
}

int
sym_share_files_combine(const char *out_path, int out_fd,
    const char *const paths[], size_t k, int force, uint64_t *secret_len,
    size_t *bad)
{
	int fds[SYM_SHAMIR_MAX_SHARES] = { 0 };
	char tmp[PATH_MAX], dir_buf[PATH_MAX];
	size_t opened = 0;
	int tmp_fd = -1, rc;

	*secret_len = 0;
	*bad = 0;
	tmp[0] = '\0';
	if (k > SYM_SHAMIR_MAX_SHARES)
		return SYM_EDUPSHARE;
	for (; opened < k; opened++) {
		*bad = opened;
		if ((rc = open_share(&fds[opened], paths[opened])) != SYM_OK) {
			if (fds[opened] >= 0)
				close(fds[opened]);
			goto out;
		}
	}
	*bad = k;	/* from here on, the output's */
	if (out_path != NULL) {
		if (!force && (rc = sym_io_check_absent(out_path)) != SYM_OK)
			goto out;
		if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", out_path) >=
		    (int)sizeof tmp) {
			tmp[0] = '\0';
			rc = SYM_ETOOBIG;
			goto out;
		}
		if ((tmp_fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
			tmp[0] = '\0';
			rc = sym_error_from_errno(errno);
			goto out;
		}
		out_fd = tmp_fd;
	}
	rc = sym_shamir_combine_stream(out_fd, fds, k, SYM_STREAM_RAW,
	    secret_len, bad);
	if (rc != SYM_OK || out_path == NULL)
		goto out;
	*bad = k;
	if ((rc = sym_io_fsync(tmp_fd)) != SYM_OK)
		goto out;
	rc = force ? sym_io_rename(tmp, out_path) : sym_io_link(tmp, out_path);
	if (rc == SYM_OK) {
		snprintf(dir_buf, sizeof dir_buf, "%s", out_path);
		sync_dir(dirname(dir_buf));
	}
out:
	for (size_t i = 0; i < opened; i++)
		close(fds[i]);
	if (tmp_fd >= 0)
		close(tmp_fd);
	if (tmp[0] != '\0')
		(void)unlink(tmp);
	if (rc != SYM_OK)
		*secret_len = 0;
	return rc;
}
