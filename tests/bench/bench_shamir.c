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

enum column { LIB, CLI, GFSHARE, RAW, COLUMNS };
enum op { SPLIT, COMBINE, OPS };

struct result {
	double seconds;		/* best time for one run; 0: not measured */
	unsigned reps;
};

static struct result results[SIZE_COUNT][OPS][COLUMNS];
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
	static const char *const col_names[] = { "lib", "cli", "gfshare",
	    "raw" };

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

	randombytes_buf(c->random, (THRESHOLD - 1) * c->len);
}

static void
bench_lib(size_t s, const uint8_t *secret)
{
	struct lib_ctx c;
	struct job split = { NULL, lib_split, NULL, &c, 1 };
	struct job combine = { NULL, lib_combine, lib_verify, &c, 1 };
	struct job raw = { NULL, raw_random, NULL, &c, 1 };
	uint8_t xs[SHARES];

	memset(&c, 0, sizeof c);
	c.len = sizes[s];
	/* Secure memory, as the programs use: sodium_malloc, mlock. */
	c.secret = sym_secmem_alloc(c.len);
	c.recovered = sym_secmem_alloc(c.len);
	for (unsigned i = 0; i < SHARES; i++)
		c.shares[i] = sym_secmem_alloc(c.len + 1);
	c.random = malloc((THRESHOLD - 1) * c.len);
	if (c.secret == NULL || c.recovered == NULL || c.random == NULL)
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

	for (unsigned i = 0; i < SHARES; i++)
		sym_secmem_free(c.shares[i]);
	sym_secmem_free(c.recovered);
	sym_secmem_free(c.secret);
	free(c.random);
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

	{
		char *argv[] = { tl->split, shares_arg, threshold_arg, in_opt,
		    secret_path, NULL };
		struct cli_ctx c = { argv, NULL, shares_txt, NULL,
		    "symbolon-split", secret, len, NULL, NULL };
		struct job j = { cli_prepare, cli_run, cli_verify, &c, 0 };

		report(s, SPLIT, CLI, measure(&j));
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

		report(s, COMBINE, CLI, measure(&j));
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

static void
print_table(int with_cli)
{
	printf("\nShamir split/combine, %u shares, threshold %u; "
	    "MB/s = 10^6 secret bytes per second, best of N runs\n",
	    SHARES, THRESHOLD);
	printf("%-7s %-7s %10s %10s %10s %10s %10s %10s %10s\n", "size", "op",
	    "lib", "cli", "gfshare", "raw", "cli/gfsh", "lib/gfsh",
	    "lib/raw");
	for (size_t s = 0; s < SIZE_COUNT; s++) {
		for (int op = SPLIT; op < OPS; op++) {
			const struct result *r = results[s][op];

			if (r[LIB].seconds == 0)
				continue;
			printf("%-7s %-7s", size_names[s],
			    op == SPLIT ? "split" : "combine");
			for (int col = LIB; col < COLUMNS; col++)
				print_cell(&r[col], sizes[s]);
			print_ratio(&r[CLI], &r[GFSHARE]);
			print_ratio(&r[LIB], &r[GFSHARE]);
			print_ratio(&r[LIB], &r[RAW]);
			putchar('\n');
		}
	}
	printf("\nBest time per run in ms (N = runs measured)\n");
	printf("%-7s %-7s %17s %17s %17s %17s\n", "size", "op", "lib", "cli",
	    "gfshare", "raw");
	for (size_t s = 0; s < SIZE_COUNT; s++) {
		for (int op = SPLIT; op < OPS; op++) {
			const struct result *r = results[s][op];

			if (r[LIB].seconds == 0)
				continue;
			printf("%-7s %-7s", size_names[s],
			    op == SPLIT ? "split" : "combine");
			for (int col = LIB; col < COLUMNS; col++)
				if (r[col].seconds > 0)
					printf(" %10.4g N=%-4u",
					    r[col].seconds * 1e3, r[col].reps);
				else
					printf(" %10s %-4s ", "-", "");
			putchar('\n');
		}
	}
	printf("\nlib: sym_shamir_split/combine in-process (shares in "
	    "sodium_malloc memory)\n"
	    "cli: bin/symbolon-split --in FILE >FILE (base64 lines), "
	    "bin/symbolon-combine --share x3 >FILE\n"
	    "gfshare: gfsplit -n 3 -m 5 FILE, gfcombine -o FILE x3 "
	    "(libgfshare-bin, table-based GF(256))\n"
	    "raw: randombytes_buf of (t-1) bytes per secret byte, the "
	    "randomness a split must draw (split only)\n"
	    "cli/gfsh, lib/gfsh, lib/raw: throughput ratios (above 1: "
	    "symbolon faster)\n");
	if (!with_cli)
		printf("(programs not measured: --lib-only)\n");
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
	for (size_t s = 0; s < size_count; s++) {
		randombytes_buf(secret, sizes[s]);
		bench_lib(s, secret);
		if (!lib_only)
			bench_cli(s, secret, &tl);
	}
	free(secret);
	print_table(!lib_only);
	printf("\nall combines matched their secrets\n");
	return 0;
}
