/* Unit tests for streaming split/combine: shares written block by block
 * are exactly what the in-memory code would accept, in both forms, at
 * every size around the block boundaries; bad share files are named. */
#define TMPDIR_NAME "stream"
#include "tmpdir.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "symbolon/codec.h"
#include "symbolon/secmem.h"
#include "symbolon/shamir.h"
#include "symbolon/shamir_stream.h"

#define N 5
#define T 3
#define B SYM_STREAM_BLOCK_BYTES

#define dir tmpdir

static int
open_file(const char *name, int flags)
{
	char path[256];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, flags, 0600);
	assert_true(fd >= 0);
	return fd;
}

static uint8_t *
read_back(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	uint8_t *buf;
	long size;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return buf;
}

/* Splits len random bytes by streaming in form, checks each share with
 * the in-memory combine (every 3-subset), then combines by streaming. */
static void
round_trip(size_t len, enum sym_stream_form form)
{
	uint8_t *secret = malloc(len), *got;
	uint8_t *raw[N];
	size_t raw_len[N], got_len;
	int in, out[N], sh[T], res;
	uint64_t n = 0;
	size_t bad = 99;
	char name[32];

	assert_non_null(secret);
	randombytes_buf(secret, len);
	in = open_file("secret", O_RDWR | O_CREAT | O_TRUNC);
	assert_int_equal(write(in, secret, len), (ssize_t)len);
	assert_int_equal(lseek(in, 0, SEEK_SET), 0);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "share-%d", i);
		out[i] = open_file(name, O_RDWR | O_CREAT | O_TRUNC);
	}
	assert_int_equal(sym_shamir_split_stream(out, N, T, in, form, &n),
	    SYM_OK);
	assert_int_equal(n, len);
	close(in);
	for (int i = 0; i < N; i++) {
		uint8_t *file;
		size_t file_len;

		close(out[i]);
		snprintf(name, sizeof name, "share-%d", i);
		file = read_back(name, &file_len);
		if (form == SYM_STREAM_RAW) {
			raw[i] = file;
			raw_len[i] = file_len;
		} else {
			/* One line of Vault's base64. */
			assert_int_equal(file[file_len - 1], '\n');
			raw[i] = malloc(len + 1);
			assert_int_equal(sym_codec_decode(raw[i], len + 1,
			    &raw_len[i], (const char *)file, file_len - 1,
			    SYM_TEXT_BASE64), SYM_OK);
			free(file);
		}
		assert_int_equal(raw_len[i], len + 1);
	}
	/* The in-memory combine agrees, for shares 5, 2, 4. */
	{
		const uint8_t *pick[T] = { raw[4], raw[1], raw[3] };
		size_t lens[T] = { len + 1, len + 1, len + 1 };
		uint8_t *back = malloc(len);

		assert_int_equal(sym_shamir_combine(back, pick, lens, T), SYM_OK);
		assert_memory_equal(back, secret, len);
		free(back);
	}
	/* And the streaming combine, shares 1, 3, 5. */
	for (int i = 0; i < T; i++) {
		snprintf(name, sizeof name, "share-%d", 2 * i);
		sh[i] = open_file(name, O_RDONLY);
	}
	res = open_file("back", O_RDWR | O_CREAT | O_TRUNC);
	assert_int_equal(sym_shamir_combine_stream(res, sh, T, form, &n, &bad),
	    SYM_OK);
	assert_int_equal(n, len);
	close(res);
	got = read_back("back", &got_len);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, secret, len);
	for (int i = 0; i < T; i++)
		close(sh[i]);
	for (int i = 0; i < N; i++)
		free(raw[i]);
	free(got);
	free(secret);
}

static void
test_sizes_raw(void **state)
{
	static const size_t sizes[] = { 1, 2, 3, 31, 32, 33, 4096, 4097,
	    B - 1, B, B + 1, 2 * B, 2 * B + 2, 3 * B + 7 };

	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		round_trip(sizes[i], SYM_STREAM_RAW);
}

static void
test_sizes_base64(void **state)
{
	static const size_t sizes[] = { 1, 2, 3, 4, 5, 32, 4097, B - 2, B - 1,
	    B, B + 1, B + 2, 2 * B + 1 };

	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		round_trip(sizes[i], SYM_STREAM_BASE64);
}

static void
test_refusals(void **state)
{
	int fd[3], res;
	uint64_t n;
	size_t bad = 99;

	(void)state;
	/* Empty input. */
	{
		int in = open_file("empty", O_RDWR | O_CREAT | O_TRUNC);
		int out[2] = { open_file("e0", O_RDWR | O_CREAT | O_TRUNC),
		    open_file("e1", O_RDWR | O_CREAT | O_TRUNC) };

		assert_int_equal(sym_shamir_split_stream(out, 2, 2, in,
		    SYM_STREAM_RAW, &n), SYM_EEMPTYSECRET);
		assert_int_equal(sym_shamir_split_stream(out, 2, 3, in,
		    SYM_STREAM_RAW, &n), SYM_ETHRESHOLD);
		close(in);
		close(out[0]);
		close(out[1]);
	}
	/* A short share (names index 1), a repeated x (index 2). */
	round_trip(100, SYM_STREAM_RAW);
	fd[0] = open_file("share-0", O_RDONLY);
	fd[1] = open_file("secret", O_RDONLY);	/* 100 bytes: 99 + x */
	fd[2] = open_file("share-0", O_RDONLY);
	res = open_file("back", O_RDWR | O_CREAT | O_TRUNC);
	{
		int short_fd = open_file("short", O_RDWR | O_CREAT | O_TRUNC);
		int pair[2] = { fd[0], short_fd };

		assert_int_equal(write(short_fd, "ab", 2), 2);
		assert_int_equal(sym_shamir_combine_stream(res, pair, 2,
		    SYM_STREAM_RAW, &n, &bad), SYM_ESHARELEN);
		assert_int_equal(bad, 1);
		close(short_fd);
	}
	{
		int pair[2] = { fd[0], fd[2] };

		assert_int_equal(sym_shamir_combine_stream(res, pair, 2,
		    SYM_STREAM_RAW, &n, &bad), SYM_EDUPSHARE);
		assert_int_equal(bad, 1);
	}
	/* Text that is not base64. */
	{
		int txt = open_file("junk", O_RDWR | O_CREAT | O_TRUNC);
		int pair[2] = { txt, txt };

		assert_int_equal(write(txt, "not*base64!\n", 12), 12);
		assert_int_equal(sym_shamir_combine_stream(res, pair, 2,
		    SYM_STREAM_BASE64, &n, &bad), SYM_EFORMAT);
		assert_int_equal(bad, 0);
		close(txt);
	}
	for (int i = 0; i < 3; i++)
		close(fd[i]);
	close(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_raw),
		cmocka_unit_test(test_sizes_base64),
		cmocka_unit_test(test_refusals),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
