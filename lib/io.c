#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "symbolon/io.h"
#include "symbolon/secmem.h"

#include "fault.h"

#define READ_CHUNK 65536u

int
sym_io_pwrite_all(int fd, const uint8_t *data, size_t len, uint64_t offset)
{
	int torn;

	if (sym_fault_point("write", &torn) != 0)
		return sym_error_from_errno(errno);
	if (torn)
		len /= 2;
	while (len > 0) {
		ssize_t n = pwrite(fd, data, len, (off_t)offset);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sym_error_from_errno(errno);
		}
		data += n;
		len -= (size_t)n;
		offset += (uint64_t)n;
	}
	if (torn)
		sym_fault_torn_exit();
	return SYM_OK;
}

int
sym_io_pread_all(int fd, uint8_t *buf, size_t len, uint64_t offset)
{
	while (len > 0) {
		ssize_t n = pread(fd, buf, len, (off_t)offset);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sym_error_from_errno(errno);
		}
		if (n == 0)
			return SYM_ETRUNCATED;
		buf += n;
		len -= (size_t)n;
		offset += (uint64_t)n;
	}
	return SYM_OK;
}

int
sym_io_fsync(int fd)
{
	if (sym_fault_point("fsync", NULL) != 0 || fsync(fd) != 0)
		return sym_error_from_errno(errno);
	return SYM_OK;
}

int
sym_io_ftruncate(int fd, uint64_t len)
{
	if (sym_fault_point("ftruncate", NULL) != 0 ||
	    ftruncate(fd, (off_t)len) != 0)
		return sym_error_from_errno(errno);
	return SYM_OK;
}

int
sym_io_rename(const char *from, const char *to)
{
	if (sym_fault_point("rename", NULL) != 0 || rename(from, to) != 0)
		return sym_error_from_errno(errno);
	return SYM_OK;
}

int
sym_io_link(const char *from, const char *to)
{
	if (sym_fault_point("link", NULL) != 0 || link(from, to) != 0)
		return sym_error_from_errno(errno);
	return SYM_OK;
}

int
sym_io_read_fd(uint8_t **out, size_t *len, int fd, size_t max)
{
	uint8_t *buf = NULL;
	size_t cap = 0, used = 0;
	struct stat st;
	int rc;

	*out = NULL;
	*len = 0;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		return SYM_EISDIR;
	/* A regular file tells its size: allocate once and refuse an
	 * oversized one before reading a byte of it. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((uintmax_t)st.st_size > max)
			return SYM_ETOOBIG;
		cap = (size_t)st.st_size + 1;
	} else {
		cap = READ_CHUNK;
	}
	buf = sym_secmem_alloc(cap + 1);
	if (buf == NULL)
		return SYM_ENOMEM;
	for (;;) {
		ssize_t n;

		if (used == cap) {
			size_t want = cap * 2;

			if (cap > max)
				break;
			/* max + 1 wraps to 0 for max = SIZE_MAX (no cap). */
			if (max != SIZE_MAX && want > max + 1)
				want = max + 1;
			rc = sym_secmem_grow(&buf, &cap, used, want + 1);
			if (rc != SYM_OK)
				goto fail;
			cap = want;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = sym_error_from_errno(errno);
			goto fail;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max) {
			rc = SYM_ETOOBIG;
			goto fail;
		}
	}
	if (used > max) {
		rc = SYM_ETOOBIG;
		goto fail;
	}
	buf[used] = 0;
	*out = buf;
	*len = used;
	return SYM_OK;
fail:
	sym_secmem_free(buf);
	return rc;
}

int
sym_io_read_all(uint8_t **out, size_t *len, const char *path, size_t max)
{
	int fd, rc;

	if (strcmp(path, "-") == 0)
		return sym_io_read_fd(out, len, STDIN_FILENO, max);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		*out = NULL;
		*len = 0;
		return sym_error_from_errno(errno);
	}
	rc = sym_io_read_fd(out, len, fd, max);
	close(fd);
	return rc;
}

int
sym_io_isatty(int fd)
{
	return isatty(fd) == 1;
}

int
sym_io_prompt_hidden(char *buf, size_t cap, size_t *len, const char *prompt)
{
	struct termios saved, quiet;
	size_t used = 0;
	int fd, rc = SYM_OK, overflow = 0;

	*len = 0;
	if (cap == 0)
		return SYM_ETOOBIG;
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return SYM_ENOTTY;
	if (tcgetattr(fd, &saved) != 0) {
		close(fd);
		return SYM_ENOTTY;
	}
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
		close(fd);
		return SYM_ENOTTY;
	}
	if (write(fd, prompt, strlen(prompt)) < 0)
		rc = SYM_EIO;
	for (; rc == SYM_OK;) {
		char c;
		ssize_t n = read(fd, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = SYM_ETRUNCATED;
			break;
		}
		if (c == '\n' || c == '\r')
			break;
		if (used + 1 < cap)
			buf[used++] = c;
		else
			overflow = 1;
		c = 0;
	}
	(void)tcsetattr(fd, TCSAFLUSH, &saved);
	if (write(fd, "\n", 1) < 0 && rc == SYM_OK)
		rc = SYM_EIO;
	close(fd);
	if (rc == SYM_OK && overflow)
		rc = SYM_ETOOBIG;
	if (rc != SYM_OK) {
		sodium_memzero(buf, cap);
		return rc;
	}
	buf[used] = 0;
	*len = used;
	return SYM_OK;
}

int
sym_io_write_fd(int fd, const uint8_t *data, size_t len)
{
	int torn;

	if (sym_fault_point("write", &torn) != 0)
		return sym_error_from_errno(errno);
	if (torn)
		len /= 2;
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sym_error_from_errno(errno);
		}
		data += n;
		len -= (size_t)n;
	}
	if (torn)
		sym_fault_torn_exit();
	return SYM_OK;
}

int
sym_io_check_absent(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return SYM_EEXIST;
	if (errno != ENOENT)
		return sym_error_from_errno(errno);
	return SYM_OK;
}

int
sym_io_write_file(const char *path, const uint8_t *data, size_t len,
    enum sym_io_write_mode mode)
{
	char tmp[PATH_MAX], dir_buf[PATH_MAX];
	const char *dir;
	int fd = -1, dirfd = -1, rc;

	if (mode == SYM_IO_NO_OVERWRITE) {
		rc = sym_io_check_absent(path);
		if (rc != SYM_OK)
			return rc;
	}
	if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= (int)sizeof tmp ||
	    snprintf(dir_buf, sizeof dir_buf, "%s", path) >= (int)sizeof dir_buf)
		return SYM_ETOOBIG;
	dir = dirname(dir_buf);
	fd = mkostemp(tmp, O_CLOEXEC);	/* mode 0600 */
	if (fd < 0)
		return sym_error_from_errno(errno);
	rc = sym_io_write_fd(fd, data, len);
	if (rc == SYM_OK)
		rc = sym_io_fsync(fd);
	if (close(fd) != 0 && rc == SYM_OK)
		rc = sym_error_from_errno(errno);
	fd = -1;
	if (rc != SYM_OK)
		goto out;
	/* link() refuses to replace an existing name, even one created
	 * since the check above; rename() replaces atomically. */
	if (mode == SYM_IO_NO_OVERWRITE)
		rc = sym_io_link(tmp, path);
	else
		rc = sym_io_rename(tmp, path);
	if (rc == SYM_OK) {
		dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd >= 0) {
			(void)fsync(dirfd);
			close(dirfd);
		}
	}
out:
	(void)unlink(tmp);
	return rc;
}
