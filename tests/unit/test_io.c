/* Unit tests for file and terminal I/O: capped reads from files, pipes and
 * standard input; atomic, no-clobber, mode 0600 writes; the hidden prompt
 * on a real pseudo-terminal.  Everything happens in a mkdtemp directory
 * under /tmp that the group teardown removes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "symbolon/io.h"
#include "symbolon/secmem.h"

static char tmpdir[64];

/* ---- helpers ---- */

static const char *
path_in(char *buf, size_t cap, const char *name)
{
	int n = snprintf(buf, cap, "%s/%s", tmpdir, name);

	assert_true(n > 0 && (size_t)n < cap);
	return buf;
}

static void
put_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void
assert_file_is(const char *path, const void *data, size_t len)
{
	uint8_t buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	assert_true(len < sizeof buf);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof buf);
	close(fd);
	assert_int_equal(n, (ssize_t)len);
	assert_memory_equal(buf, data, len);
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode;
}

/* The names in dir, sorted and joined with spaces (no "." or ".."). */
static void
list_dir(const char *dir, char *out, size_t cap)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	size_t used = 0;

	assert_true(n >= 0);
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
			int w = snprintf(out + used, cap - used, "%s%s",
			    used ? " " : "", name);

			assert_true(w > 0 && (size_t)w < cap - used);
			used += (size_t)w;
		}
		free(names[i]);
	}
	free(names);
}

static void
assert_dir_holds(const char *dir, const char *want)
{
	char got[1024];

	list_dir(dir, got, sizeof got);
	assert_string_equal(got, want);
}

/* A fresh empty directory for one test, inside tmpdir. */
static const char *
fresh_dir(char *buf, size_t cap, const char *name)
{
	path_in(buf, cap, name);
	assert_int_equal(mkdir(buf, 0700), 0);
	return buf;
}

static void
fill_pattern(uint8_t *p, size_t len, unsigned seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

/* A child that writes len pattern bytes into a pipe; returns the read
 * end.  The child dies quietly if the reader stops early. */
static int
pipe_from_child(size_t len, unsigned seed, pid_t *pid)
{
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	*pid = fork();
	assert_true(*pid >= 0);
	if (*pid == 0) {
		static uint8_t chunk[8192];
		size_t done = 0;
		uint8_t *all = malloc(len ? len : 1);

		signal(SIGPIPE, SIG_DFL);
		close(fds[0]);
		if (all == NULL)
			_exit(3);
		fill_pattern(all, len, seed);
		while (done < len) {
			size_t n = len - done < sizeof chunk ?
			    len - done : sizeof chunk;
			ssize_t w;

			memcpy(chunk, all + done, n);
			w = write(fds[1], chunk, n);
			if (w <= 0)
				_exit(0);
			done += (size_t)w;
		}
		_exit(0);
	}
	close(fds[1]);
	return fds[0];
}

static void
reap(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
}

static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
group_setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/symbolon-test-io.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- reading ---- */

static void
test_read_file_exactly(void **state)
{
	/* Larger than the 64 KiB read chunk, with NUL bytes in it. */
	enum { LEN = 200000 };
	char path[256];
	uint8_t *data = malloc(LEN), *out = NULL;
	size_t len = 0;

	(void)state;
	assert_non_null(data);
	fill_pattern(data, LEN, 1);
	data[10] = 0;
	put_file(path_in(path, sizeof path, "exact"), data, LEN, 0600);
	assert_int_equal(sym_io_read_all(&out, &len, path, LEN), SYM_OK);
	assert_non_null(out);
	assert_int_equal(len, LEN);
	assert_memory_equal(out, data, LEN);
	assert_int_equal(out[LEN], 0);	/* the spare NUL */
	sym_secmem_free(out);
	free(data);
}

static void
test_read_small_and_empty_files(void **state)
{
	char path[256];
	uint8_t *out = NULL;
	size_t len = 99;

	(void)state;
	put_file(path_in(path, sizeof path, "empty"), "", 0, 0600);
	assert_int_equal(sym_io_read_all(&out, &len, path, 16), SYM_OK);
	assert_non_null(out);
	assert_int_equal(len, 0);
	assert_int_equal(out[0], 0);
	sym_secmem_free(out);
	/* An empty file fits a cap of 0. */
	assert_int_equal(sym_io_read_all(&out, &len, path, 0), SYM_OK);
	assert_int_equal(len, 0);
	sym_secmem_free(out);

	put_file(path_in(path, sizeof path, "key.txt"), "abc\n", 4, 0600);
	assert_int_equal(sym_io_read_all(&out, &len, path, 4), SYM_OK);
	assert_int_equal(len, 4);
	assert_string_equal((const char *)out, "abc\n");
	sym_secmem_free(out);
}

static void
test_read_file_over_cap(void **state)
{
	char path[256];
	uint8_t data[101], *out = (uint8_t *)1;
	size_t len = 99;

	(void)state;
	memset(data, 'x', sizeof data);
	put_file(path_in(path, sizeof path, "big"), data, sizeof data, 0600);
	assert_int_equal(sym_io_read_all(&out, &len, path, 100), SYM_ETOOBIG);
	assert_null(out);
	assert_int_equal(len, 0);
	out = (uint8_t *)1;
	assert_int_equal(sym_io_read_all(&out, &len, path, 0), SYM_ETOOBIG);
	assert_null(out);
	/* Exactly at the cap is fine. */
	assert_int_equal(sym_io_read_all(&out, &len, path, 101), SYM_OK);
	assert_int_equal(len, 101);
	sym_secmem_free(out);
}

static void
test_read_missing_and_directory(void **state)
{
	char path[256];
	uint8_t *out = (uint8_t *)1;
	size_t len = 99;

	(void)state;
	assert_int_equal(sym_io_read_all(&out, &len,
	    path_in(path, sizeof path, "no-such-file"), 100), SYM_ENOENT);
	assert_null(out);
	assert_int_equal(len, 0);
	assert_int_equal(sym_io_read_all(&out, &len,
	    path_in(path, sizeof path, "no-such-dir/file"), 100), SYM_ENOENT);
	assert_int_equal(sym_io_read_all(&out, &len, tmpdir, 100),
	    SYM_EISDIR);
	assert_null(out);
	assert_int_equal(len, 0);
}

static void
test_read_pipe(void **state)
{
	static const struct {
		size_t len, max;
		int want;
	} cases[] = {
		{ 0, 10, SYM_OK },
		{ 10, 10, SYM_OK },
		{ 11, 10, SYM_ETOOBIG },
		{ 100000, 10, SYM_ETOOBIG },
		{ 65536, 65536, SYM_OK },	/* exactly one read chunk */
		{ 65537, 65536, SYM_ETOOBIG },
		{ 300000, 300000, SYM_OK },	/* grows several times */
		{ 300001, 300000, SYM_ETOOBIG },
		{ 1000000, 300000, SYM_ETOOBIG },
		{ 200000, 10000000, SYM_OK },
		{ 200000, SIZE_MAX, SYM_OK },	/* no cap at all */
	};

	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		pid_t pid;
		int fd = pipe_from_child(cases[c].len, (unsigned)c, &pid);
		uint8_t *out = (uint8_t *)1;
		size_t len = 99;
		int rc = sym_io_read_fd(&out, &len, fd, cases[c].max);

		close(fd);
		reap(pid);
		if (rc != cases[c].want)
			fail_msg("pipe of %zu bytes, cap %zu: %d, want %d",
			    cases[c].len, cases[c].max, rc, cases[c].want);
		if (rc == SYM_OK) {
			uint8_t *want = malloc(cases[c].len + 1);

			assert_non_null(want);
			fill_pattern(want, cases[c].len, (unsigned)c);
			assert_int_equal(len, cases[c].len);
			assert_memory_equal(out, want, len);
			assert_int_equal(out[len], 0);
			free(want);
			sym_secmem_free(out);
		} else {
			assert_null(out);
			assert_int_equal(len, 0);
		}
	}
}

static void
test_read_stdin(void **state)
{
	int saved = dup(STDIN_FILENO);
	pid_t pid;
	int fd, rc;
	uint8_t want[5000], *out = NULL;
	size_t len = 0;

	(void)state;
	assert_true(saved >= 0);
	fill_pattern(want, sizeof want, 77);

	fd = pipe_from_child(sizeof want, 77, &pid);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	rc = sym_io_read_all(&out, &len, "-", sizeof want);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	reap(pid);
	assert_int_equal(rc, SYM_OK);
	assert_int_equal(len, sizeof want);
	assert_memory_equal(out, want, sizeof want);
	sym_secmem_free(out);

	/* Standard input over the cap. */
	fd = pipe_from_child(sizeof want, 77, &pid);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	out = (uint8_t *)1;
	rc = sym_io_read_all(&out, &len, "-", sizeof want - 1);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	reap(pid);
	assert_int_equal(rc, SYM_ETOOBIG);
	assert_null(out);
}

static void
test_read_bad_fd(void **state)
{
	uint8_t *out = (uint8_t *)1;
	size_t len = 99;

	(void)state;
	assert_int_equal(sym_io_read_fd(&out, &len, -1, 100), SYM_EIO);
	assert_null(out);
	assert_int_equal(len, 0);
}

static void
test_read_unreadable(void **state)
{
	/* Root reads a mode 0000 file, so the reader is a child that has
	 * given up root when there is root to give up. */
	char path[256];
	int fds[2], status, rc = 0;
	pid_t pid;

	(void)state;
	put_file(path_in(path, sizeof path, "locked"), "x", 1, 0000);
	/* Let the child through the directory, so the file's mode is what
	 * refuses it. */
	assert_int_equal(chmod(tmpdir, 0711), 0);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		uint8_t *out = (uint8_t *)1;
		size_t len;
		int r;

		close(fds[0]);
		if (geteuid() == 0 && (setgid(65534) != 0 ||
		    setuid(65534) != 0)) {
			r = 1000;	/* root that cannot stop being root */
		} else {
			r = sym_io_read_all(&out, &len, path, 10);
			if (out != NULL)
				r = 1;
		}
		if (write(fds[1], &r, sizeof r) != (ssize_t)sizeof r)
			_exit(4);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &rc, sizeof rc), (ssize_t)sizeof rc);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(chmod(tmpdir, 0700), 0);
	if (rc == 1000) {
		/* e.g. a user namespace without uid 65534 */
		print_message("# cannot drop root: EACCES untested\n");
		return;
	}
	assert_int_equal(rc, SYM_EACCES);
}

/* ---- writing ---- */

static void
test_write_creates_0600(void **state)
{
	static const uint8_t data[] = "share bytes\0with a NUL";
	char dir[256], path[300];
	mode_t old = umask(0);

	(void)state;
	fresh_dir(dir, sizeof dir, "w-create");
	snprintf(path, sizeof path, "%s/out.bin", dir);
	assert_int_equal(sym_io_write_file(path, data, sizeof data,
	    SYM_IO_NO_OVERWRITE), SYM_OK);
	umask(old);
	assert_file_is(path, data, sizeof data);
	assert_true(S_ISREG(mode_of(path)));
	assert_int_equal(mode_of(path) & 07777, 0600);
	assert_dir_holds(dir, "out.bin");

	/* Empty data makes an empty file. */
	snprintf(path, sizeof path, "%s/empty", dir);
	assert_int_equal(sym_io_write_file(path, NULL, 0,
	    SYM_IO_NO_OVERWRITE), SYM_OK);
	assert_file_is(path, "", 0);
	assert_int_equal(mode_of(path) & 07777, 0600);
	assert_dir_holds(dir, "empty out.bin");
}

static void
test_write_refuses_existing(void **state)
{
	static const char old[] = "old contents, not to be touched\n";
	char dir[256], path[300];

	(void)state;
	fresh_dir(dir, sizeof dir, "w-exists");
	snprintf(path, sizeof path, "%s/key", dir);
	put_file(path, old, sizeof old - 1, 0640);
	assert_int_equal(sym_io_write_file(path, (const uint8_t *)"new", 3,
	    SYM_IO_NO_OVERWRITE), SYM_EEXIST);
	assert_file_is(path, old, sizeof old - 1);
	assert_int_equal(mode_of(path) & 07777, 0640);
	assert_dir_holds(dir, "key");

	/* An empty existing file is still a file. */
	snprintf(path, sizeof path, "%s/zero", dir);
	put_file(path, "", 0, 0600);
	assert_int_equal(sym_io_write_file(path, (const uint8_t *)"new", 3,
	    SYM_IO_NO_OVERWRITE), SYM_EEXIST);
	assert_file_is(path, "", 0);
	assert_dir_holds(dir, "key zero");
}

static void
test_write_overwrite_replaces(void **state)
{
	static const char old[] = "old, and longer than the new contents\n";
	char dir[256], path[300];
	struct stat before, after;

	(void)state;
	fresh_dir(dir, sizeof dir, "w-force");
	snprintf(path, sizeof path, "%s/key", dir);
	put_file(path, old, sizeof old - 1, 0644);
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(sym_io_write_file(path, (const uint8_t *)"new", 3,
	    SYM_IO_OVERWRITE), SYM_OK);
	assert_file_is(path, "new", 3);
	/* A new file (not the old one truncated), and mode 0600 even
	 * though the old one was 0644. */
	assert_int_equal(stat(path, &after), 0);
	assert_true(before.st_ino != after.st_ino);
	assert_int_equal(after.st_mode & 07777, 0600);
	assert_dir_holds(dir, "key");

	/* --force on a path that does not exist yet just creates it. */
	snprintf(path, sizeof path, "%s/fresh", dir);
	assert_int_equal(sym_io_write_file(path, (const uint8_t *)"abc", 3,
	    SYM_IO_OVERWRITE), SYM_OK);
	assert_file_is(path, "abc", 3);
	assert_dir_holds(dir, "fresh key");
}

static void
test_write_refuses_directory(void **state)
{
	char dir[256], path[300];

	(void)state;
	fresh_dir(dir, sizeof dir, "w-dir");
	snprintf(path, sizeof path, "%s/target", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(sym_io_write_file(path, (const uint8_t *)"x", 1,
	    SYM_IO_NO_OVERWRITE), SYM_EEXIST);
	assert_int_equal(sym_io_write_file(path, (const uint8_t *)"x", 1,
	    SYM_IO_OVERWRITE), SYM_EISDIR);
	/* Still an empty directory, and nothing left beside it. */
	assert_true(S_ISDIR(mode_of(path)));
	assert_dir_holds(path, "");
	assert_dir_holds(dir, "target");

	/* A directory path with a trailing slash is not a file name. */
	snprintf(path, sizeof path, "%s/target/", dir);
	assert_int_not_equal(sym_io_write_file(path, (const uint8_t *)"x", 1,
	    SYM_IO_OVERWRITE), SYM_OK);
	assert_dir_holds(dir, "target");
	snprintf(path, sizeof path, "%s/target", dir);
	assert_dir_holds(path, "");
}

static void
test_write_missing_directory(void **state)
{
	char dir[256], path[300];

	(void)state;
	fresh_dir(dir, sizeof dir, "w-nodir");
	snprintf(path, sizeof path, "%s/absent/key", dir);
	assert_int_equal(sym_io_write_file(path, (const uint8_t *)"x", 1,
	    SYM_IO_NO_OVERWRITE), SYM_ENOENT);
	assert_int_equal(sym_io_write_file(path, (const uint8_t *)"x", 1,
	    SYM_IO_OVERWRITE), SYM_ENOENT);
	assert_dir_holds(dir, "");
}

static void
test_write_does_not_follow_symlinks(void **state)
{
	char dir[256], path[300], target[300];

	(void)state;
	fresh_dir(dir, sizeof dir, "w-link");

	/* A dangling link: refused, and its target is not created. */
	snprintf(path, sizeof path, "%s/link", dir);
	snprintf(target, sizeof target, "%s/target", dir);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(sym_io_write_file(path, (const uint8_t *)"x", 1,
	    SYM_IO_NO_OVERWRITE), SYM_EEXIST);
	assert_int_equal(access(target, F_OK), -1);
	assert_true(S_ISLNK(mode_of(path)));
	assert_dir_holds(dir, "link");

	/* A link to an existing file: refused, the file untouched. */
	put_file(target, "keep", 4, 0600);
	assert_int_equal(sym_io_write_file(path, (const uint8_t *)"x", 1,
	    SYM_IO_NO_OVERWRITE), SYM_EEXIST);
	assert_file_is(target, "keep", 4);

	/* --force replaces the link itself, never writes through it. */
	assert_int_equal(sym_io_write_file(path, (const uint8_t *)"new", 3,
	    SYM_IO_OVERWRITE), SYM_OK);
	assert_true(S_ISREG(mode_of(path)));
	assert_file_is(path, "new", 3);
	assert_file_is(target, "keep", 4);
	assert_dir_holds(dir, "link target");
}

static void
test_write_fd(void **state)
{
	enum { LEN = 100000 };	/* more than a pipe holds at once */
	int fds[2];
	pid_t pid;
	uint8_t *data = malloc(LEN), *out = NULL;
	size_t len = 0;

	(void)state;
	assert_non_null(data);
	fill_pattern(data, LEN, 5);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		_exit(sym_io_write_fd(fds[1], data, LEN) == SYM_OK ? 0 : 1);
	}
	close(fds[1]);
	assert_int_equal(sym_io_read_fd(&out, &len, fds[0], LEN), SYM_OK);
	close(fds[0]);
	{
		int status;

		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(len, LEN);
	assert_memory_equal(out, data, LEN);
	sym_secmem_free(out);
	free(data);
	assert_int_equal(sym_io_write_fd(-1, (const uint8_t *)"x", 1),
	    SYM_EIO);
	assert_int_equal(sym_io_write_fd(-1, NULL, 0), SYM_OK);
}

static void
test_check_absent(void **state)
{
	char dir[256], path[300];

	(void)state;
	fresh_dir(dir, sizeof dir, "absent");
	snprintf(path, sizeof path, "%s/nothing", dir);
	assert_int_equal(sym_io_check_absent(path), SYM_OK);
	put_file(path, "x", 1, 0600);
	assert_int_equal(sym_io_check_absent(path), SYM_EEXIST);
	assert_int_equal(sym_io_check_absent(dir), SYM_EEXIST);
	snprintf(path, sizeof path, "%s/dangling", dir);
	assert_int_equal(symlink("/nonexistent/symbolon-test-target", path),
	    0);
	assert_int_equal(sym_io_check_absent(path), SYM_EEXIST);
	snprintf(path, sizeof path, "%s/loop", dir);
	assert_int_equal(symlink("loop", path), 0);
	assert_int_equal(sym_io_check_absent(path), SYM_EEXIST);
}

/* ---- fault injection (SYMBOLON_FAULT) ---- */

/* The number the next faultable operation of this process will get:
 * the counter runs from process start, so ask it through the log. */
static unsigned long
next_fault_number(void)
{
	char log[256], line[64];
	unsigned long last = 0;
	FILE *f;
	int fd;

	path_in(log, sizeof log, "fault.log");
	assert_int_equal(setenv("SYMBOLON_FAULT_LOG", log, 1), 0);
	fd = open(log, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(sym_io_fsync(fd), SYM_OK);
	close(fd);
	assert_int_equal(unsetenv("SYMBOLON_FAULT_LOG"), 0);
	f = fopen(log, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL)
		last = strtoul(line, NULL, 10);
	fclose(f);
	assert_int_equal(unlink(log), 0);
	assert_true(last > 0);
	return last + 1;
}

/* Runs sym_io_write_file with the step-th faultable operation from now
 * failing as mode says ("eio", "enospc", ...). */
static int
write_with_fault(const char *path, const char *data, unsigned step,
    const char *mode, enum sym_io_write_mode how)
{
	char spec[64];
	int rc;

	snprintf(spec, sizeof spec, "%lu:%s",
	    next_fault_number() + step - 1, mode);
	assert_int_equal(setenv("SYMBOLON_FAULT", spec, 1), 0);
	rc = sym_io_write_file(path, (const uint8_t *)data, strlen(data),
	    how);
	assert_int_equal(unsetenv("SYMBOLON_FAULT"), 0);
	return rc;
}

static void
test_write_file_steps(void **state)
{
	/* write_file is write, fsync, then link (or rename): three
	 * faultable steps, logged in that order. */
	char dir[256], path[300], log[300], text[256];
	FILE *f;
	size_t n;

	(void)state;
	fresh_dir(dir, sizeof dir, "f-steps");
	snprintf(path, sizeof path, "%s/key", dir);
	snprintf(log, sizeof log, "%s.log", dir);
	assert_int_equal(setenv("SYMBOLON_FAULT_LOG", log, 1), 0);
	assert_int_equal(sym_io_write_file(path, (const uint8_t *)"a", 1,
	    SYM_IO_NO_OVERWRITE), SYM_OK);
	assert_int_equal(sym_io_write_file(path, (const uint8_t *)"b", 1,
	    SYM_IO_OVERWRITE), SYM_OK);
	assert_int_equal(unsetenv("SYMBOLON_FAULT_LOG"), 0);
	f = fopen(log, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = 0;
	/* Strip the numbers: "N write\n" -> "write ". */
	{
		char ops[256] = "", *line = strtok(text, "\n");

		while (line != NULL) {
			char *sp = strchr(line, ' ');

			assert_non_null(sp);
			strcat(ops, sp + 1);
			strcat(ops, " ");
			line = strtok(NULL, "\n");
		}
		assert_string_equal(ops,
		    "write fsync link write fsync rename ");
	}
	assert_int_equal(unlink(log), 0);
}

static void
test_write_file_failures_leave_nothing(void **state)
{
	static const char *const modes[] = { "eio", "enospc", "erofs" };
	static const int codes[] = { SYM_EIO, SYM_ENOSPC, SYM_EROFS };
	char dir[256], path[300], old_path[300];

	(void)state;
	fresh_dir(dir, sizeof dir, "f-fail");
	snprintf(path, sizeof path, "%s/new", dir);
	snprintf(old_path, sizeof old_path, "%s/old", dir);
	put_file(old_path, "old", 3, 0600);
	for (unsigned step = 1; step <= 3; step++) {
		for (unsigned m = 0; m < 3; m++) {
			int rc = write_with_fault(path, "secret", step,
			    modes[m], SYM_IO_NO_OVERWRITE);

			if (rc != codes[m])
				fail_msg("new file, step %u %s: %d, want %d",
				    step, modes[m], rc, codes[m]);
			assert_dir_holds(dir, "old");
			rc = write_with_fault(old_path, "replacement", step,
			    modes[m], SYM_IO_OVERWRITE);
			if (rc != codes[m])
				fail_msg("--force, step %u %s: %d, want %d",
				    step, modes[m], rc, codes[m]);
			assert_dir_holds(dir, "old");
			assert_file_is(old_path, "old", 3);
		}
	}
	/* With the fault aimed past the end, it all works. */
	assert_int_equal(write_with_fault(path, "secret", 4, "eio",
	    SYM_IO_NO_OVERWRITE), SYM_OK);
	assert_file_is(path, "secret", 6);
}

static void
test_write_file_crash_keeps_old_file(void **state)
{
	/* A process that dies at any step (or halfway through the write)
	 * leaves the old file whole: at worst a temporary beside it. */
	static const char *const modes[] = { "exit", "torn" };
	char dir[256], path[300];

	(void)state;
	fresh_dir(dir, sizeof dir, "f-crash");
	snprintf(path, sizeof path, "%s/key", dir);
	put_file(path, "old contents", 12, 0600);
	for (unsigned m = 0; m < 2; m++) {
		for (unsigned step = 1; step <= 3; step++) {
			unsigned long first = next_fault_number();
			int status;
			pid_t pid = fork();

			assert_true(pid >= 0);
			if (pid == 0) {
				char spec[64];

				snprintf(spec, sizeof spec, "%lu:%s",
				    first + step - 1, modes[m]);
				setenv("SYMBOLON_FAULT", spec, 1);
				/* Status 86 if the fault fired; 0 or 1 are
				 * failures of the test. */
				_exit(sym_io_write_file(path,
				    (const uint8_t *)"new contents!!", 14,
				    SYM_IO_OVERWRITE) == SYM_OK ? 0 : 1);
			}
			assert_int_equal(waitpid(pid, &status, 0), pid);
			/* "torn" only applies to writes; at the later steps
			 * it dies before the operation like "exit". */
			assert_true(WIFEXITED(status));
			assert_int_equal(WEXITSTATUS(status), 86);
			assert_file_is(path, "old contents", 12);
			/* Clean the leftover temporary for the next round. */
			{
				char names[1024], victim[600];
				char *name;

				list_dir(dir, names, sizeof names);
				for (name = strtok(names, " "); name != NULL;
				    name = strtok(NULL, " ")) {
					if (strcmp(name, "key") == 0)
						continue;
					assert_int_equal(strncmp(name,
					    "key.tmp", 7), 0);
					snprintf(victim, sizeof victim,
					    "%s/%s", dir, name);
					assert_int_equal(unlink(victim), 0);
				}
			}
		}
	}
}

static void
test_pread_pwrite(void **state)
{
	char path[256];
	uint8_t buf[16];
	int fd;

	(void)state;
	path_in(path, sizeof path, "positional");
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(sym_io_pwrite_all(fd, (const uint8_t *)"world", 5,
	    6), SYM_OK);
	assert_int_equal(sym_io_pwrite_all(fd, (const uint8_t *)"hello ", 6,
	    0), SYM_OK);
	assert_int_equal(sym_io_pread_all(fd, buf, 11, 0), SYM_OK);
	assert_memory_equal(buf, "hello world", 11);
	assert_int_equal(sym_io_pread_all(fd, buf, 5, 6), SYM_OK);
	assert_memory_equal(buf, "world", 5);
	/* Past the end: truncated, not a short success. */
	assert_int_equal(sym_io_pread_all(fd, buf, 6, 6), SYM_ETRUNCATED);
	assert_int_equal(sym_io_pread_all(fd, buf, 1, 11), SYM_ETRUNCATED);
	assert_int_equal(sym_io_ftruncate(fd, 5), SYM_OK);
	assert_int_equal(sym_io_pread_all(fd, buf, 6, 0), SYM_ETRUNCATED);
	assert_int_equal(sym_io_pread_all(fd, buf, 5, 0), SYM_OK);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(sym_io_fsync(fd), SYM_OK);
	close(fd);
	assert_int_equal(sym_io_pread_all(-1, buf, 1, 0), SYM_EIO);
	assert_int_equal(unlink(path), 0);
}

/* ---- terminal ---- */

static void
test_isatty(void **state)
{
	int fds[2];
	int master;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(sym_io_isatty(fds[0]), 0);
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(sym_io_isatty(-1), 0);
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0) {
		print_message("# no pseudo-terminal here: isatty(pty) untested\n");
		return;
	}
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	{
		int slave = open(ptsname(master), O_RDWR | O_NOCTTY);

		assert_true(slave >= 0);
		assert_int_equal(sym_io_isatty(slave), 1);
		close(slave);
	}
	close(master);
}

struct prompt_result {
	int rc;
	size_t len;
	char buf[64];
	int wiped;	/* on error: was all of buf zero? */
};

/* Runs sym_io_prompt_hidden(cap) in a child whose controlling terminal is
 * a fresh pseudo-terminal; types input once the prompt has appeared, and
 * collects everything the terminal showed into shown.  Returns 0, or -1
 * when no pseudo-terminal can be had. */
static int
run_prompt(const char *input, size_t input_len, size_t cap,
    struct prompt_result *res, char *shown, size_t shown_cap)
{
	int master, rfds[2], status;
	size_t shown_len = 0;
	int typed = 0;
	pid_t pid;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -1;
	if (grantpt(master) != 0 || unlockpt(master) != 0) {
		close(master);
		return -1;
	}
	assert_int_equal(pipe(rfds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct prompt_result r;
		int slave;

		close(rfds[0]);
		/* A new session, then opening the terminal makes it ours. */
		if (setsid() < 0)
			_exit(3);
		slave = open(ptsname(master), O_RDWR);
		if (slave < 0)
			_exit(4);
		close(master);
		alarm(20);
		memset(&r, 0, sizeof r);
		memset(r.buf, 'Q', sizeof r.buf);
		r.rc = sym_io_prompt_hidden(r.buf, cap, &r.len, "PIN: ");
		r.wiped = 1;
		for (size_t i = 0; i < cap && i < sizeof r.buf; i++)
			r.wiped &= r.buf[i] == 0;
		if (write(rfds[1], &r, sizeof r) != (ssize_t)sizeof r)
			_exit(5);
		_exit(0);
	}
	close(rfds[1]);
	for (;;) {
		struct pollfd pfd = { .fd = master, .events = POLLIN };
		char chunk[256];
		ssize_t n;
		int ready = poll(&pfd, 1, 20000);

		assert_true(ready > 0);
		n = read(master, chunk, sizeof chunk);
		if (n <= 0)
			break;	/* EIO: the child closed the terminal */
		assert_true(shown_len + (size_t)n < shown_cap);
		memcpy(shown + shown_len, chunk, (size_t)n);
		shown_len += (size_t)n;
		shown[shown_len] = 0;
		/* Type only after the prompt: the prompt's TCSAFLUSH would
		 * throw away anything typed before it. */
		if (!typed && strstr(shown, "PIN: ") != NULL) {
			assert_int_equal(write(master, input, input_len),
			    (ssize_t)input_len);
			typed = 1;
		}
	}
	shown[shown_len] = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(read(rfds[0], res, sizeof *res), (ssize_t)sizeof *res);
	close(rfds[0]);
	close(master);
	return 0;
}

static void
test_prompt_hidden(void **state)
{
	struct prompt_result r;
	char shown[1024];

	(void)state;
	if (run_prompt("hunter2\n", 8, 32, &r, shown, sizeof shown) != 0) {
		/* Not cmocka's skip, which TAP output reports as "not ok". */
		print_message("# no pseudo-terminal here: prompt untested\n");
		return;
	}
	assert_int_equal(r.rc, SYM_OK);
	assert_int_equal(r.len, 7);
	assert_string_equal(r.buf, "hunter2");
	/* The prompt was shown, the typed secret was not echoed. */
	assert_non_null(strstr(shown, "PIN: "));
	assert_null(strstr(shown, "hunter"));

	/* A line that does not fit: refused, buffer wiped. */
	assert_int_equal(run_prompt("much too long\n", 14, 8, &r, shown,
	    sizeof shown), 0);
	assert_int_equal(r.rc, SYM_ETOOBIG);
	assert_int_equal(r.len, 0);
	assert_true(r.wiped);
	assert_null(strstr(shown, "much"));

	/* Exactly cap - 1 characters fit. */
	assert_int_equal(run_prompt("1234567\n", 8, 8, &r, shown,
	    sizeof shown), 0);
	assert_int_equal(r.rc, SYM_OK);
	assert_string_equal(r.buf, "1234567");

	/* End of input (^D on an empty line). */
	assert_int_equal(run_prompt("\004", 1, 8, &r, shown, sizeof shown),
	    0);
	assert_int_equal(r.rc, SYM_ETRUNCATED);
	assert_true(r.wiped);

	/* An empty line is an empty answer. */
	assert_int_equal(run_prompt("\n", 1, 8, &r, shown, sizeof shown), 0);
	assert_int_equal(r.rc, SYM_OK);
	assert_int_equal(r.len, 0);
	assert_string_equal(r.buf, "");
}

static void
test_prompt_without_terminal(void **state)
{
	int fds[2], status;
	pid_t pid;
	int rc = 0;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char buf[16];
		size_t len;
		int r;

		close(fds[0]);
		/* A new session has no controlling terminal. */
		if (setsid() < 0)
			_exit(3);
		r = sym_io_prompt_hidden(buf, sizeof buf, &len, "PIN: ");
		if (write(fds[1], &r, sizeof r) != (ssize_t)sizeof r)
			_exit(4);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &rc, sizeof rc), (ssize_t)sizeof rc);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(rc, SYM_ENOTTY);
}

static void
test_prompt_zero_cap(void **state)
{
	char buf[1];
	size_t len = 5;

	(void)state;
	/* Refused before any terminal is touched. */
	assert_int_equal(sym_io_prompt_hidden(buf, 0, &len, "PIN: "),
	    SYM_ETOOBIG);
	assert_int_equal(len, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_file_exactly),
		cmocka_unit_test(test_read_small_and_empty_files),
		cmocka_unit_test(test_read_file_over_cap),
		cmocka_unit_test(test_read_missing_and_directory),
		cmocka_unit_test(test_read_pipe),
		cmocka_unit_test(test_read_stdin),
		cmocka_unit_test(test_read_bad_fd),
		cmocka_unit_test(test_read_unreadable),
		cmocka_unit_test(test_write_creates_0600),
		cmocka_unit_test(test_write_refuses_existing),
		cmocka_unit_test(test_write_overwrite_replaces),
		cmocka_unit_test(test_write_refuses_directory),
		cmocka_unit_test(test_write_missing_directory),
		cmocka_unit_test(test_write_does_not_follow_symlinks),
		cmocka_unit_test(test_write_fd),
		cmocka_unit_test(test_check_absent),
		cmocka_unit_test(test_write_file_steps),
		cmocka_unit_test(test_write_file_failures_leave_nothing),
		cmocka_unit_test(test_write_file_crash_keeps_old_file),
		cmocka_unit_test(test_pread_pwrite),
		cmocka_unit_test(test_isatty),
		cmocka_unit_test(test_prompt_hidden),
		cmocka_unit_test(test_prompt_without_terminal),
		cmocka_unit_test(test_prompt_zero_cap),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("io", tests, group_setup,
	    group_teardown);
}
