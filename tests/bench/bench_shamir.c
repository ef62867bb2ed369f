/*
 * bench_shamir: how fast symbolon splits and combines, against libgfshare's
 * gfsplit/gfcombine and against the rate at which libsodium alone can
 * produce the random bytes a split needs.
 *
 * For each secret size (32 B, 1 MiB, 64 MiB; 5 shares, threshold 3) it
 * times, with CLOCK_MONOTONIC and best of N:
 *   lib      sym_shamir_split / sym_shamir_combine in this process
 *   cli      bin/symbolon-split / bin/symbolon-combine on files, end to end
 *            (process start, reading, base64, writing)
 *   gfshare  gfsplit / gfcombine on the same files
 *   raw      randombytes_buf of (t-1) bytes per secret byte: the bound no
 *            split can beat, since every coefficient must be drawn
 * N adapts to the cost of one run so the whole bench stays within a few
 * minutes.  Every combine, in every repetition, is compared with the secret;
 * any mismatch or failed program ends the bench with status 1.
 *
 * tests/bench/run.sh prepares a work directory and finds gfsplit; run it
 * through `make bench`.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "symbolon/gf256.h"
#include "symbolon/random.h"
#include "symbolon/secmem.h"
#include "symbolon/shamir.h"

#define SHARES 5u
#define THRESHOLD 3u
#define MAX_REPS 200u		/* best of at most this many runs */
#define MIN_REPS 3u		/* and at least this many, unless slow */
#define SLOW_REPS 2u		/* runs of a job that alone exceeds the budget */
#define BATCH_SECONDS 0.005	/* in-process batches last at least this */

extern char **environ;

static const size_t sizes[] = { 32, 1u << 20, 64u << 20 };
static const char *const size_names[] = { "32 B", "1 MiB", "64 MiB" };
#define SIZE_COUNT (sizeof sizes / sizeof sizes[0])

/* Shares used for every combine: the 5th, 2nd and 4th (any order works). */
static const unsigned pick[THRESHOLD] = { 4, 1, 3 };
/* A second subset, checked once after timing. */
static const unsigned other_pick[THRESHOLD] = { 0, 2, 1 };

/* lib: in-process, the kernel cpuid picks; cli: the programs on raw share
 * files (split/combine --format raw, as gfsplit/gfcombine work); text:
 * the programs on Vault's base64 lines; raw: the randomness split must
 * draw (ChaCha20 stream) / a memcpy of the t shares combine must read;
 * io: tee writing the n share-sized files / cat of the t shares. */
enum column { LIB, CLI, TEXT, GFSHARE, RAW, IO, COLUMNS };
enum op { SPLIT, COMBINE, OPS };

struct result {
	double seconds;		/* best time for one run; 0: not measured */
	unsigned reps;
};

static struct result results[SIZE_COUNT][OPS][COLUMNS];
static struct result kernel_results[SIZE_COUNT][OPS][SYM_GF256_KERNELS];
static struct result floor_result;	/* /bin/true */
static double budget = 1.5;	/* seconds of measured time per cell */
static char stderr_log[4096];	/* programs' standard error goes here */

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));

static void
fail(const char *fmt, ...)
{
	va_list ap;

	fputs("bench_shamir: FAIL: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double
now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		fail("clock_gettime: %s", strerror(errno));
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A job: prepare (untimed), run (timed), verify (untimed), repeated.
 * batchable jobs run in-process and are cheap enough at 32 B that one call
 * is below the clock's useful resolution: they run `inner` times per rep.
 */
struct job {
	void (*prepare)(void *ctx);
	void (*run)(void *ctx);
	void (*verify)(void *ctx);
	void *ctx;
	int batchable;
};

static struct result
measure(const struct job *job)
{
	struct result r = { 0, 0 };
	unsigned long inner = 1;
	double spent = 0, t0, dt;

	if (job->batchable) {
		/* Calibrate (and warm up): double the batch until it is long
		 * enough to time. */
		for (;;) {
			if (job->prepare)
				job->prepare(job->ctx);
			t0 = now();
			for (unsigned long i = 0; i < inner; i++)
				job->run(job->ctx);
			dt = now() - t0;
			if (job->verify)
				job->verify(job->ctx);
			if (dt >= BATCH_SECONDS && inner == 1) {
				/* Slow enough to time alone: this run counts
				 * (at 64 MiB it costs seconds). */
				r.seconds = dt;
				r.reps = 1;
				spent = dt;
				break;
			}
			if (dt >= BATCH_SECONDS || inner >= (1ul << 24))
				break;
			inner *= 2;
		}
	}
	for (;;) {
		unsigned min_reps = MIN_REPS;

		if (job->prepare)
			job->prepare(job->ctx);
		t0 = now();
		for (unsigned long i = 0; i < inner; i++)
			job->run(job->ctx);
		dt = now() - t0;
		if (job->verify)
			job->verify(job->ctx);
		spent += dt;
		dt /= (double)inner;
		if (r.reps == 0 || dt < r.seconds)
			r.seconds = dt;
		r.reps++;
		if (r.seconds * (double)inner > budget)
			min_reps = SLOW_REPS;
		if (r.reps >= MAX_REPS ||
		    (r.reps >= min_reps && spent >= budget))
			break;
	}
	return r;
}

static double
mb_per_s(size_t bytes, double seconds)
{
	return (double)bytes / seconds / 1e6;
}

static void
report(size_t s, enum op op, enum column col, struct result r)
{
	static const char *const col_names[] = { "lib", "cli", "text",
	    "gfshare", "raw", "io" };

	results[s][op][col] = r;
	fprintf(stderr, "  %-7s %-7s %-8s %10.2f MB/s  %10.3f ms  best of %u\n",
	    size_names[s], op == SPLIT ? "split" : "combine", col_names[col],
	    mb_per_s(sizes[s], r.seconds), r.seconds * 1e3, r.reps);
}

/* ---- files ---- */

static uint8_t *
read_file(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t used = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0)
		fail("%s: %s", path, strerror(errno));
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL)
		fail("out of memory");
	while (used < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + used, (size_t)st.st_size - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fail("%s: short read", path);
		used += (size_t)n;
	}
	close(fd);
	buf[used] = 0;
	*len = used;
	return buf;
}

static void
write_file(const char *path, const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		fail("%s: %s", path, strerror(errno));
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fail("%s: %s", path, strerror(errno));
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) != 0)
		fail("%s: %s", path, strerror(errno));
}

static void
expect_file_equals(const char *path, const uint8_t *secret, size_t len,
    const char *who)
{
	size_t got_len;
	uint8_t *got = read_file(path, &got_len);

	if (got_len != len || memcmp(got, secret, len) != 0)
		fail("%s recovered %zu bytes that differ from the %zu-byte "
		    "secret (%s)", who, got_len, len, path);
	free(got);
}

static void
path_join(char *out, size_t cap, const char *dir, const char *name)
{
	if ((size_t)snprintf(out, cap, "%s/%s", dir, name) >= cap)
		fail("path too long: %s/%s", dir, name);
}

static void
show_log(void)
{
	size_t len;
	uint8_t *text = read_file(stderr_log, &len);

	fprintf(stderr, "bench_shamir: its standard error:\n%s", (char *)text);
	free(text);
}

/* Runs argv (argv[0] a path) with stdin from in and stdout to out (either
 * may be NULL: /dev/null) and stderr to stderr_log; fails, showing that
 * log, unless it exits 0.  posix_spawn, not fork: this process holds
 * hundreds of MiB, and copying its page tables must not be charged to the
 * program. */
static void
run_program(char *const argv[], const char *in, const char *out)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, rc;

	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO,
	    in ? in : "/dev/null", O_RDONLY, 0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO,
	    out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, stderr_log,
	    O_WRONLY | O_CREAT | O_TRUNC, 0600) != 0)
		fail("posix_spawn_file_actions");
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		fail("%s: %s", argv[0], strerror(rc));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fail("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_shamir: command:");
		for (size_t i = 0; argv[i] != NULL; i++)
			fprintf(stderr, " %s", argv[i]);
		fputc('\n', stderr);
		show_log();
		if (WIFEXITED(status))
			fail("%s exited with status %d", argv[0],
			    WEXITSTATUS(status));
		fail("%s killed by signal %d", argv[0], WTERMSIG(status));
	}
}

/* ---- in-process jobs ---- */

struct lib_ctx {
	uint8_t *secret;
	uint8_t *recovered;
	uint8_t *shares[SHARES];
	const uint8_t *picked[THRESHOLD];
	size_t lens[THRESHOLD];
	size_t len;
	uint8_t *random;	/* raw: (t-1) * len bytes */
	struct sym_random_stream *stream;
};

static void
lib_split(void *p)
{
	struct lib_ctx *c = p;
	int rc = sym_shamir_split(c->shares, SHARES, THRESHOLD, c->secret,
	    c->len);

	if (rc != SYM_OK)
		fail("sym_shamir_split: %s", sym_strerror(rc));
}

static void
lib_combine(void *p)
{
	struct lib_ctx *c = p;
	int rc = sym_shamir_combine(c->recovered, c->picked, c->lens,
	    THRESHOLD);

	if (rc != SYM_OK)
		fail("sym_shamir_combine: %s", sym_strerror(rc));
}

static void
lib_verify(void *p)
{
	struct lib_ctx *c = p;

	if (memcmp(c->recovered, c->secret, c->len) != 0)
		fail("sym_shamir_combine recovered a wrong %zu-byte secret",
		    c->len);
	memset(c->recovered, 0, c->len);
}

static void
lib_pick(struct lib_ctx *c, const unsigned which[THRESHOLD])
{
	for (unsigned i = 0; i < THRESHOLD; i++) {
		c->picked[i] = c->shares[which[i]];
		c->lens[i] = c->len + SYM_SHAMIR_SHARE_OVERHEAD;
	}
}

static void
raw_random(void *p)
{
	struct lib_ctx *c = p;

	/* The coefficients a bulk split draws: ChaCha20 (random.h). */
	if (sym_random_stream_read(c->stream, c->random,
	    (THRESHOLD - 1) * c->len) != SYM_OK)
		fail("sym_random_stream_read");
}

static void
raw_memcpy(void *p)
{
	struct lib_ctx *c = p;

	/* The bytes combine must read, t shares of len, into one buffer. */
	for (unsigned i = 0; i < THRESHOLD; i++)
		memcpy(c->recovered, c->picked[i], c->len);
}

/* Each kernel this CPU runs, split and combine in-process. */
static void
bench_kernels(size_t s, struct lib_ctx *c)
{
	struct job split = { NULL, lib_split, NULL, c, 1 };
	struct job combine = { NULL, lib_combine, lib_verify, c, 1 };

	for (int k = 0; k < SYM_GF256_KERNELS; k++) {
		if (sym_gf256_use_kernel((enum sym_gf256_kernel)k) != SYM_OK)
			continue;
		kernel_results[s][SPLIT][k] = measure(&split);
		lib_pick(c, pick);
		kernel_results[s][COMBINE][k] = measure(&combine);
		fprintf(stderr, "  %-7s kernel %-12s split %9.1f MB/s, "
		    "combine %9.1f MB/s\n", size_names[s],
		    sym_gf256_kernel_name((enum sym_gf256_kernel)k),
		    mb_per_s(sizes[s], kernel_results[s][SPLIT][k].seconds),
		    mb_per_s(sizes[s], kernel_results[s][COMBINE][k].seconds));
	}
	sym_gf256_use_kernel_default();
}

static void
bench_lib(size_t s, const uint8_t *secret)
{
	struct lib_ctx c;
	struct job split = { NULL, lib_split, NULL, &c, 1 };
	struct job combine = { NULL, lib_combine, lib_verify, &c, 1 };
	struct job raw = { NULL, raw_random, NULL, &c, 1 };
	struct job copy = { NULL, raw_memcpy, NULL, &c, 1 };
	uint8_t xs[SHARES];

	memset(&c, 0, sizeof c);
	c.len = sizes[s];
	/* Secure memory, as the programs use: sodium_malloc, mlock. */
	c.secret = sym_secmem_alloc(c.len);
	c.recovered = sym_secmem_alloc(c.len);
	for (unsigned i = 0; i < SHARES; i++)
		c.shares[i] = sym_secmem_alloc(c.len + 1);
	c.random = malloc((THRESHOLD - 1) * c.len);
	if (c.secret == NULL || c.recovered == NULL || c.random == NULL ||
	    sym_random_stream_new(&c.stream) != SYM_OK)
		fail("out of memory");
	for (unsigned i = 0; i < SHARES; i++)
		if (c.shares[i] == NULL)
			fail("out of memory");
	memcpy(c.secret, secret, c.len);

	report(s, SPLIT, LIB, measure(&split));
	/* The shares of the last split: x distinct and non-zero. */
	for (unsigned i = 0; i < SHARES; i++) {
		xs[i] = c.shares[i][c.len];
		if (xs[i] == 0)
			fail("split produced x = 0");
		for (unsigned j = 0; j < i; j++)
			if (xs[j] == xs[i])
				fail("split produced a repeated x");
	}
	lib_pick(&c, pick);
	report(s, COMBINE, LIB, measure(&combine));
	lib_pick(&c, other_pick);
	lib_combine(&c);
	lib_verify(&c);
	report(s, SPLIT, RAW, measure(&raw));
	report(s, COMBINE, RAW, measure(&copy));
	bench_kernels(s, &c);

	for (unsigned i = 0; i < SHARES; i++)
		sym_secmem_free(c.shares[i]);
	sym_secmem_free(c.recovered);
	sym_secmem_free(c.secret);
	free(c.random);
	sym_random_stream_free(c.stream);
}

/* ---- program jobs ---- */

struct tools {
	char *split, *combine, *gfsplit, *gfcombine;
	const char *work;
};

struct cli_ctx {
	char *const *argv;
	const char *in, *out;	/* stdin and stdout of the program */
	const char *check;	/* file to compare with the secret */
	const char *who;
	const uint8_t *secret;
	size_t len;
	const char *clean_dir;	/* emptied before each run */
	const char *remove;	/* removed before each run */
};

static void
empty_dir(const char *dir)
{
	char path[4096];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		fail("%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		path_join(path, sizeof path, dir, e->d_name);
		if (unlink(path) != 0)
			fail("%s: %s", path, strerror(errno));
	}
	closedir(d);
}

static void
cli_prepare(void *p)
{
	struct cli_ctx *c = p;

	if (c->clean_dir)
		empty_dir(c->clean_dir);
	if (c->remove && unlink(c->remove) != 0 && errno != ENOENT)
		fail("%s: %s", c->remove, strerror(errno));
}

static void
cli_run(void *p)
{
	struct cli_ctx *c = p;

	run_program(c->argv, c->in, c->out);
}

static void
cli_verify(void *p)
{
	struct cli_ctx *c = p;

	if (c->check)
		expect_file_equals(c->check, c->secret, c->len, c->who);
}

/* Splits the lines of symbolon-split's output into one file per share. */
static void
separate_shares(const char *shares_txt, char paths[SHARES][4096])
{
	size_t len, lines = 0;
	uint8_t *text = read_file(shares_txt, &len);
	uint8_t *line = text, *end = text + len;

	while (line < end) {
		uint8_t *nl = memchr(line, '\n', (size_t)(end - line));

		if (nl == NULL)
			fail("%s: last line has no newline", shares_txt);
		if (lines == SHARES)
			fail("%s: more than %u shares", shares_txt, SHARES);
		write_file(paths[lines], line, (size_t)(nl - line + 1));
		lines++;
		line = nl + 1;
	}
	if (lines != SHARES)
		fail("%s: %zu shares, expected %u", shares_txt, lines, SHARES);
	free(text);
}

/* Finds the share files gfsplit wrote (stem.NNN, random NNN). */
static void
find_gfshares(const char *dir, char paths[SHARES][4096])
{
	struct dirent *e;
	unsigned found = 0;
	DIR *d = opendir(dir);

	if (d == NULL)
		fail("%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (found == SHARES)
			fail("gfsplit wrote more than %u files", SHARES);
		path_join(paths[found], 4096, dir, e->d_name);
		found++;
	}
	closedir(d);
	if (found != SHARES)
		fail("gfsplit wrote %u files, expected %u", found, SHARES);
}

/* The process floor: /bin/true started the same way as the programs. */
static void
bench_floor(void)
{
	char *argv[] = { (char *)"/bin/true", NULL };
	struct cli_ctx c = { argv, NULL, NULL, NULL, "/bin/true", NULL, 0,
	    NULL, NULL };
	struct job j = { NULL, cli_run, NULL, &c, 0 };

	floor_result = measure(&j);
	fprintf(stderr, "  process floor (/bin/true) %.3f ms\n",
	    floor_result.seconds * 1e3);
}

/* symbolon's raw share files, as gfsplit/gfcombine keep theirs, and the
 * I/O alone: tee writing n secret-sized files, cat of t shares. */
static void
bench_cli_raw(size_t s, const uint8_t *secret, const struct tools *tl,
    const char *secret_path)
{
	char dir[4096], out[4096], paths[SHARES][4096], tee_paths[SHARES][4096];
	char shares_arg[] = "--key-shares=5", threshold_arg[] =
	    "--key-threshold=3", format_opt[] = "--format=raw",
	    out_dir_opt[] = "--out-dir", in_opt[] = "--in", share_opt[] =
	    "--share", out_opt[] = "--out";
	size_t len = sizes[s];

	path_join(dir, sizeof dir, tl->work, "raw");
	path_join(out, sizeof out, tl->work, "raw-recovered.bin");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		fail("%s: %s", dir, strerror(errno));
	for (unsigned i = 0; i < SHARES; i++) {
		char name[64];

		snprintf(name, sizeof name, "share-%u-of-%u.raw", i + 1, SHARES);
		path_join(paths[i], sizeof paths[i], dir, name);
		snprintf(name, sizeof name, "tee-%u", i + 1);
		path_join(tee_paths[i], sizeof tee_paths[i], tl->work, name);
	}
	{
		char *argv[] = { tl->split, shares_arg, threshold_arg,
		    format_opt, out_dir_opt, dir, in_opt, (char *)secret_path,
		    NULL };
		struct cli_ctx c = { argv, NULL, NULL, NULL, "symbolon-split",
		    secret, len, dir, NULL };
		struct job j = { cli_prepare, cli_run, NULL, &c, 0 };

		report(s, SPLIT, CLI, measure(&j));
	}
	{
		char *argv[] = { tl->combine, format_opt,
		    share_opt, paths[pick[0]], share_opt, paths[pick[1]],
		    share_opt, paths[pick[2]], out_opt, out, NULL };
		struct cli_ctx c = { argv, NULL, NULL, out, "symbolon-combine",
		    secret, len, NULL, out };
		struct job j = { cli_prepare, cli_run, cli_verify, &c, 0 };

		report(s, COMBINE, CLI, measure(&j));
	}
	{
		/* symbolon fsyncs every share file and its output (a share
		 * may be the only copy): the I/O limit makes its files
		 * durable too, or it would compare the disk with the cache. */
		static char script[65536];
		char *argv[] = { (char *)"/bin/sh", (char *)"-c",
		    script, NULL };
		struct cli_ctx c = { argv, NULL, NULL, NULL, "tee", secret,
		    len, NULL, NULL };
		struct job j = { NULL, cli_run, NULL, &c, 0 };

		snprintf(script, sizeof script, "tee %s %s %s %s <%s >%s && "
		    "sync %s %s %s %s %s", tee_paths[0], tee_paths[1],
		    tee_paths[2], tee_paths[3], secret_path, tee_paths[4],
		    tee_paths[0], tee_paths[1], tee_paths[2], tee_paths[3],
		    tee_paths[4]);
		report(s, SPLIT, IO, measure(&j));
		snprintf(script, sizeof script, "cat %s %s %s >%s && sync %s",
		    paths[pick[0]], paths[pick[1]], paths[pick[2]], out, out);
		c.who = "cat";
		report(s, COMBINE, IO, measure(&j));
	}
	empty_dir(dir);
	unlink(out);
	for (unsigned i = 0; i < SHARES; i++)
		unlink(tee_paths[i]);
}

static void
bench_cli(size_t s, const uint8_t *secret, const struct tools *tl)
{
	char secret_path[4096], shares_txt[4096], recovered[4096];
	char gfdir[4096], gfrecovered[4096];
	char share_paths[SHARES][4096], gf_paths[SHARES][4096];
	char shares_arg[] = "--key-shares=5", threshold_arg[] =
	    "--key-threshold=3", share_opt[] = "--share", in_opt[] = "--in";
	char n_opt[] = "-n", m_opt[] = "-m", three[] = "3", five[] = "5",
	    o_opt[] = "-o", stem[4096];
	size_t len = sizes[s];

	path_join(secret_path, sizeof secret_path, tl->work, "secret.bin");
	path_join(shares_txt, sizeof shares_txt, tl->work, "shares.txt");
	path_join(recovered, sizeof recovered, tl->work, "recovered.bin");
	path_join(gfdir, sizeof gfdir, tl->work, "gf");
	path_join(gfrecovered, sizeof gfrecovered, tl->work, "gfrecovered.bin");
	path_join(stem, sizeof stem, gfdir, "secret");
	for (unsigned i = 0; i < SHARES; i++) {
		char name[32];

		snprintf(name, sizeof name, "share-%u.txt", i + 1);
		path_join(share_paths[i], sizeof share_paths[i], tl->work, name);
	}
	if (mkdir(gfdir, 0700) != 0 && errno != EEXIST)
		fail("%s: %s", gfdir, strerror(errno));
	write_file(secret_path, secret, len);
	bench_cli_raw(s, secret, tl, secret_path);

	{
		char *argv[] = { tl->split, shares_arg, threshold_arg, in_opt,
		    secret_path, NULL };
		struct cli_ctx c = { argv, NULL, shares_txt, NULL,
		    "symbolon-split", secret, len, NULL, NULL };
		struct job j = { cli_prepare, cli_run, cli_verify, &c, 0 };

		report(s, SPLIT, TEXT, measure(&j));
	}
	separate_shares(shares_txt, share_paths);
	{
		char *argv[] = { tl->combine, threshold_arg,
		    share_opt, share_paths[pick[0]],
		    share_opt, share_paths[pick[1]],
		    share_opt, share_paths[pick[2]], NULL };
		struct cli_ctx c = { argv, NULL, recovered, recovered,
		    "symbolon-combine", secret, len, NULL, recovered };
		struct job j = { cli_prepare, cli_run, cli_verify, &c, 0 };

		report(s, COMBINE, TEXT, measure(&j));
	}
	{
		char *argv[] = { tl->gfsplit, n_opt, three, m_opt, five,
		    secret_path, stem, NULL };
		struct cli_ctx c = { argv, NULL, NULL, NULL, "gfsplit",
		    secret, len, gfdir, NULL };
		struct job j = { cli_prepare, cli_run, NULL, &c, 0 };

		report(s, SPLIT, GFSHARE, measure(&j));
	}
	find_gfshares(gfdir, gf_paths);
	{
		char *argv[] = { tl->gfcombine, o_opt, gfrecovered,
		    gf_paths[pick[0]], gf_paths[pick[1]], gf_paths[pick[2]],
		    NULL };
		struct cli_ctx c = { argv, NULL, NULL, gfrecovered, "gfcombine",
		    secret, len, NULL, gfrecovered };
		struct job j = { cli_prepare, cli_run, cli_verify, &c, 0 };

		report(s, COMBINE, GFSHARE, measure(&j));
	}

	/* Leave nothing of this size behind for the next one. */
	empty_dir(gfdir);
	unlink(secret_path);
	unlink(shares_txt);
	unlink(recovered);
	unlink(gfrecovered);
	for (unsigned i = 0; i < SHARES; i++)
		unlink(share_paths[i]);
}

/* ---- table ---- */

static void
print_cell(const struct result *r, size_t bytes)
{
	if (r->seconds > 0)
		printf(" %10.4g", mb_per_s(bytes, r->seconds));
	else
		printf(" %10s", "-");
}

static void
print_ratio(const struct result *a, const struct result *b)
{
	/* Ratio of throughputs = inverse ratio of times. */
	if (a->seconds > 0 && b->seconds > 0)
		printf(" %10.3g", b->seconds / a->seconds);
	else
		printf(" %10s", "-");
}

static double
ratio(const struct result *a, const struct result *b)
{
	/* Ratio of throughputs = inverse ratio of times; 0: not measured. */
	return a->seconds > 0 && b->seconds > 0 ? b->seconds / a->seconds : 0;
}

static void
print_cells(size_t s, int op)
{
	const struct result *r = results[s][op];

	printf("%-7s %-7s", size_names[s], op == SPLIT ? "split" : "combine");
	for (int col = LIB; col < COLUMNS; col++)
		print_cell(&r[col], sizes[s]);
	print_ratio(&r[CLI], &r[GFSHARE]);
	print_ratio(&r[CLI], &r[IO]);
	print_ratio(&r[LIB], &r[RAW]);
	putchar('\n');
}

static void
print_kernels(size_t size_count)
{
	printf("\nEach kernel, in-process (MB/s; the first line is the one cpuid "
	    "chose: %s)\n%-12s", sym_gf256_kernel_name(
	    sym_gf256_kernel_active()), "kernel");
	for (size_t s = 0; s < size_count; s++)
		printf(" %8s split %6s comb", size_names[s], "");
	putchar('\n');
	for (int k = 0; k < SYM_GF256_KERNELS; k++) {
		if (kernel_results[0][SPLIT][k].seconds == 0)
			continue;
		printf("%-12s", sym_gf256_kernel_name((enum sym_gf256_kernel)k));
		for (size_t s = 0; s < size_count; s++) {
			print_cell(&kernel_results[s][SPLIT][k], sizes[s]);
			print_cell(&kernel_results[s][COMBINE][k], sizes[s]);
		}
		putchar('\n');
	}
}

/* The targets of issue 16, judged on this run's numbers. */
static void
print_targets(size_t size_count, int with_cli)
{
	size_t big = size_count - 1;
	const struct result *sp = results[big][SPLIT], *co = results[big][COMBINE];
	double floor_s = floor_result.seconds;

	printf("\nTargets (%s):\n", size_names[big]);
	if (with_cli) {
		for (int op = SPLIT; op < OPS; op++) {
			const struct result *r = op == SPLIT ? sp : co;
			double vs_gf = ratio(&r[CLI], &r[GFSHARE]);
			double vs_io = ratio(&r[CLI], &r[IO]);
			/* 10x gfshare or 80% of the I/O limit, the lower bar. */
			double need_gf = 10, need_io = 0.8;
			int met = vs_gf >= need_gf || vs_io >= need_io;

			printf("  cli %-7s %6.2fx %s, %5.2fx of the I/O limit "
			    "(%s); goal >= 10x or >= 0.8x: %s\n",
			    op == SPLIT ? "split" : "combine", vs_gf,
			    op == SPLIT ? "gfsplit" : "gfcombine", vs_io,
			    op == SPLIT ? "tee" : "cat", met ? "met" : "NOT met");
		}
	}
	printf("  lib combine %.2fx the time of a memcpy of the t shares; goal "
	    "<= 2x: %s\n", ratio(&co[RAW], &co[LIB]),
	    ratio(&co[RAW], &co[LIB]) <= 2 ? "met" : "NOT met");
	if (with_cli && floor_s > 0) {
		double t_split = results[0][SPLIT][TEXT].seconds / floor_s;
		double t_comb = results[0][COMBINE][TEXT].seconds / floor_s;

		printf("  %s split command %.2fx /bin/true, combine %.2fx; goal "
		    "<= 1.5x: %s\n", size_names[0], t_split, t_comb,
		    t_split <= 1.5 && t_comb <= 1.5 ? "met" : "NOT met");
	}
}

static void
print_table(size_t size_count, int with_cli)
{
	printf("\nShamir split/combine, %u shares, threshold %u; "
	    "MB/s = 10^6 secret bytes per second, best of N runs\n",
	    SHARES, THRESHOLD);
	printf("%-7s %-7s %10s %10s %10s %10s %10s %10s %10s %10s %10s\n",
	    "size", "op", "lib", "cli", "text", "gfshare", "raw", "io",
	    "cli/gfsh", "cli/io", "lib/raw");
	for (size_t s = 0; s < size_count; s++)
		for (int op = SPLIT; op < OPS; op++)
			if (results[s][op][LIB].seconds != 0)
				print_cells(s, op);
	printf("\nBest time per run in ms\n%-7s %-7s", "size", "op");
	for (int col = LIB; col < COLUMNS; col++)
		printf(" %10s", (const char *[]){ "lib", "cli", "text",
		    "gfshare", "raw", "io" }[col]);
	putchar('\n');
	for (size_t s = 0; s < size_count; s++) {
		for (int op = SPLIT; op < OPS; op++) {
			const struct result *r = results[s][op];

			printf("%-7s %-7s", size_names[s],
			    op == SPLIT ? "split" : "combine");
			for (int col = LIB; col < COLUMNS; col++)
				if (r[col].seconds > 0)
					printf(" %10.4g", r[col].seconds * 1e3);
				else
					printf(" %10s", "-");
			putchar('\n');
		}
	}
	printf("\nlib: sym_shamir_split/combine in-process (sodium_malloc "
	    "memory, the kernel cpuid chose)\n"
	    "cli: symbolon-split --format raw --out-dir D, symbolon-combine "
	    "--format raw --share x3 --out F\n"
	    "text: symbolon-split --in F >F (Vault's base64 lines), "
	    "symbolon-combine --share x3 >F\n"
	    "gfshare: gfsplit -n 3 -m 5 F, gfcombine -o F x3 (libgfshare-bin, "
	    "table-based GF(256))\n"
	    "raw: split: the ChaCha20 coefficient stream, (t-1) bytes per "
	    "secret byte; combine: memcpy of the t shares\n"
	    "io: split: tee writing the 5 share-sized files, then sync of "
	    "them; combine: cat of the 3 shares into one file, then sync\n"
	    "process floor: /bin/true %.3f ms\n"
	    "cli/gfsh, cli/io, lib/raw: throughput ratios (above 1: "
	    "symbolon faster)\n", floor_result.seconds * 1e3);
	if (!with_cli)
		printf("(programs not measured: --lib-only)\n");
	print_kernels(size_count);
	print_targets(size_count, with_cli);
}

static void
usage(void)
{
	fputs("usage: bench_shamir [--lib-only] [--budget SECONDS] [--sizes N]\n"
	    "                    --work DIR --split PATH --combine PATH\n"
	    "                    --gfsplit PATH --gfcombine PATH\n"
	    "  --sizes N      only the first N sizes (32 B, 1 MiB, 64 MiB)\n"
	    "  --budget S     measured seconds per cell (default 1.5)\n",
	    stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "work", required_argument, NULL, 'w' },
		{ "split", required_argument, NULL, 's' },
		{ "combine", required_argument, NULL, 'c' },
		{ "gfsplit", required_argument, NULL, 'g' },
		{ "gfcombine", required_argument, NULL, 'G' },
		{ "lib-only", no_argument, NULL, 'l' },
		{ "budget", required_argument, NULL, 'b' },
		{ "sizes", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct tools tl = { NULL, NULL, NULL, NULL, NULL };
	size_t size_count = SIZE_COUNT;
	int opt, lib_only = 0;
	uint8_t *secret;
	char *end;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'w': tl.work = optarg; break;
		case 's': tl.split = optarg; break;
		case 'c': tl.combine = optarg; break;
		case 'g': tl.gfsplit = optarg; break;
		case 'G': tl.gfcombine = optarg; break;
		case 'l': lib_only = 1; break;
		case 'b':
			budget = strtod(optarg, &end);
			if (*end != '\0' || !(budget > 0 && budget < 600))
				usage();
			break;
		case 'n':
			size_count = strtoul(optarg, &end, 10);
			if (*end != '\0' || size_count < 1 ||
			    size_count > SIZE_COUNT)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc || (!lib_only && (tl.work == NULL ||
	    tl.split == NULL || tl.combine == NULL || tl.gfsplit == NULL ||
	    tl.gfcombine == NULL)))
		usage();
	if (tl.work != NULL)
		path_join(stderr_log, sizeof stderr_log, tl.work, "stderr.log");
	if (sym_secmem_init() != SYM_OK)
		fail("libsodium could not be initialised");
	fprintf(stderr, "bench_shamir: libsodium %s, randombytes %s, "
	    "mlock %s; budget %.1f s per cell\n", sodium_version_string(),
	    randombytes_implementation_name(),
	    sym_secmem_mlock_works() ? "works" : "fails", budget);

	secret = malloc(sizes[size_count - 1]);
	if (secret == NULL)
		fail("out of memory");
	if (!lib_only)
		bench_floor();
	for (size_t s = 0; s < size_count; s++) {
		randombytes_buf(secret, sizes[s]);
		bench_lib(s, secret);
		if (!lib_only)
			bench_cli(s, secret, &tl);
	}
	free(secret);
	print_table(size_count, !lib_only);
	printf("\nall combines matched their secrets\n");
	return 0;
}
