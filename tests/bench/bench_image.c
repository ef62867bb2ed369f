/*
 * bench_image: the storage image against the libsodium limit, through the
 * real programs (issues 4 and 5).
 *
 * Big entry (default 1 GiB of random bytes, best of --rounds rounds):
 *   raw push   crypto_secretstream_xchacha20poly1305_push over the bytes in
 *              memory, 256 KiB chunks with a 32-byte AD, final tag last:
 *              exactly the cryptography of a put, without I/O
 *   raw pull   the matching _pull (every tag checked, result compared)
 *   raw aead   crypto_aead_xchacha20poly1305_ietf_encrypt in one call, for
 *              reference
 *   io floor   the I/O a put or get cannot avoid: read the 1 GiB file in
 *              256 KiB pieces, write it to a new file, fsync
 *   put        symbolon-store --image I --share A --share B put NAME --in F
 *   get        symbolon-store ... get NAME --out F (compared with the input
 *              by BLAKE2b after every run); peak RSS from wait4()
 * Each round runs raw, put, get and io once, so all four see the same
 * machine load.  The input file is written and fsynced before timing, so it
 * is in the page cache and clean; get reads an image that the put just
 * wrote (also cached).  The raw buffers are touched before timing, and each
 * timed write of 1 GiB goes into page-cache pages just freed by deleting a
 * file of that size (see prime_pages).  The raw part runs in a forked child
 * that holds the three 1 GiB buffers: the programs are spawned from the
 * parent, whose peak RSS stays small (the kernel charges a spawned program
 * at least its parent's peak RSS, so that peak is printed as the floor).
 *
 * Independent of size (interleaved small/big, min and median of N):
 *   status     symbolon-status --image I (no shares)
 *   list       symbolon-store --image I --share A --share B list (unseals)
 *   rekey      the invocation of symbolon-rekey --nonce N --share B that
 *              submits the last share and issues the new shares (no
 *              --verify); --init and the first share are not timed
 * on an image holding one 1 KiB entry and on the image holding the big one.
 *
 * tests/bench/run.sh prepares the work directory (it needs about 4.5 GiB);
 * run it through `make bench`.  Any failed program or wrong output ends the
 * bench with status 1; goals missed are reported, not failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#define CHUNK (256u * 1024u)	/* lib/entry.c's ENTRY_CHUNK */
#define STREAM_HEADER crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define STREAM_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define AD_BYTES 32u		/* lib/entry.c's binding */
#define SMALL_ENTRY 1024u
#define HASH_BYTES 32u
#define MAX_REPS 101u
#define RSS_GOAL_KIB (64u * 1024u)
#define THROUGHPUT_GOAL 0.80

extern char **environ;

static char stderr_log[4096];

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));

static void
fail(const char *fmt, ...)
{
	va_list ap;

	fputs("bench_image: FAIL: ", stderr);
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

static double
tv_seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* This process's CPU time so far, and of it, system time. */
static double
cpu_self(double *sys)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		fail("getrusage: %s", strerror(errno));
	*sys = tv_seconds(ru.ru_stime);
	return tv_seconds(ru.ru_utime) + *sys;
}

static void
path_join(char *out, size_t cap, const char *dir, const char *name)
{
	if ((size_t)snprintf(out, cap, "%s/%s", dir, name) >= cap)
		fail("path too long: %s/%s", dir, name);
}

/* ---- descriptors and files ---- */

static void
write_all(int fd, const void *buf, size_t len, const char *what)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fail("%s: %s", what, strerror(errno));
		p += n;
		len -= (size_t)n;
	}
}

/* Reads up to len bytes; fewer only at end of input. */
static size_t
read_up_to(int fd, void *buf, size_t len, const char *what)
{
	uint8_t *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail("%s: %s", what, strerror(errno));
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return got;
}

static int
open_or_fail(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0600);

	if (fd < 0)
		fail("%s: %s", path, strerror(errno));
	return fd;
}

static void
fsync_close(int fd, const char *path)
{
	if (fsync(fd) != 0 || close(fd) != 0)
		fail("%s: %s", path, strerror(errno));
}

static void
remove_file(const char *path)
{
	if (unlink(path) != 0 && errno != ENOENT)
		fail("%s: %s", path, strerror(errno));
}

static char *
slurp(const char *path)
{
	char *text = malloc(65536);
	int fd = open_or_fail(path, O_RDONLY);
	size_t len;

	if (text == NULL)
		fail("out of memory");
	len = read_up_to(fd, text, 65535, path);
	close(fd);
	text[len] = '\0';
	return text;
}

/* Copies a (small) file, fsynced: each put starts from a fresh image. */
static void
copy_file(const char *to, const char *from)
{
	static uint8_t buf[CHUNK];
	int in = open_or_fail(from, O_RDONLY);
	int out = open_or_fail(to, O_WRONLY | O_CREAT | O_TRUNC);
	size_t n;

	while ((n = read_up_to(in, buf, sizeof buf, from)) > 0)
		write_all(out, buf, n, to);
	close(in);
	fsync_close(out, to);
}

static void
hash_file(uint8_t out[HASH_BYTES], const char *path, uint64_t *size)
{
	crypto_generichash_state st;
	uint8_t *buf = malloc(CHUNK);
	int fd = open_or_fail(path, O_RDONLY);
	size_t n;

	if (buf == NULL)
		fail("out of memory");
	*size = 0;
	crypto_generichash_init(&st, NULL, 0, HASH_BYTES);
	while ((n = read_up_to(fd, buf, CHUNK, path)) > 0) {
		crypto_generichash_update(&st, buf, n);
		*size += n;
	}
	crypto_generichash_final(&st, out, HASH_BYTES);
	close(fd);
	free(buf);
}

/* ---- programs ---- */

struct run {
	double wall, cpu;	/* seconds; cpu = user + sys */
	double sys;
	long maxrss_kib;
};

static void
show_command(char *const argv[])
{
	char *log = slurp(stderr_log);

	fprintf(stderr, "bench_image: command:");
	for (size_t i = 0; argv[i] != NULL; i++)
		fprintf(stderr, " %s", argv[i]);
	fprintf(stderr, "\nbench_image: its standard error:\n%s", log);
	free(log);
}

/*
 * Runs argv (argv[0] a path) with stdin from /dev/null, stdout to out (NULL:
 * /dev/null) and stderr to stderr_log; fails unless it exits 0.  Timed from
 * spawn to reaping; CPU time and peak RSS from wait4().
 */
static struct run
run_program(char *const argv[], const char *out)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	struct run r;
	pid_t pid;
	int status, rc;
	double t0;

	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
	    O_RDONLY, 0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO,
	    out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, stderr_log,
	    O_WRONLY | O_CREAT | O_TRUNC, 0600) != 0)
		fail("posix_spawn_file_actions");
	t0 = now();
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		fail("%s: %s", argv[0], strerror(rc));
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			fail("wait4: %s", strerror(errno));
	r.wall = now() - t0;
	r.sys = tv_seconds(ru.ru_stime);
	r.cpu = tv_seconds(ru.ru_utime) + r.sys;
	r.maxrss_kib = ru.ru_maxrss;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		show_command(argv);
		if (WIFEXITED(status))
			fail("%s exited with status %d", argv[0],
			    WEXITSTATUS(status));
		fail("%s killed by signal %d", argv[0], WTERMSIG(status));
	}
	return r;
}

/* ---- the raw limit, in a child process ---- */

enum raw_op { RAW_PUSH, RAW_PULL, RAW_AEAD, RAW_OPS };

struct raw_rep {
	struct run op[RAW_OPS];
};

static void
timer_start(double *t0, double *c0, double *s0)
{
	*t0 = now();
	*c0 = cpu_self(s0);
}

static void
timer_stop(struct run *r, double t0, double c0, double s0)
{
	double sys;

	r->wall = now() - t0;
	r->cpu = cpu_self(&sys) - c0;
	r->sys = sys - s0;
	r->maxrss_kib = 0;
}

struct raw_ready {
	uint8_t hash[HASH_BYTES];
};

static void
raw_one(uint8_t *plain, uint8_t *cipher, uint8_t *back, size_t size,
    struct raw_rep *rep)
{
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	uint8_t header[STREAM_HEADER], ad[AD_BYTES];
	uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	unsigned long long clen;
	double t0, c0, s0;
	size_t in, out;

	crypto_secretstream_xchacha20poly1305_keygen(key);
	randombytes_buf(ad, sizeof ad);
	randombytes_buf(nonce, sizeof nonce);

	timer_start(&t0, &c0, &s0);
	crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
	for (in = 0, out = 0; in < size; in += CHUNK) {
		size_t n = size - in < CHUNK ? size - in : CHUNK;
		unsigned long long olen;

		crypto_secretstream_xchacha20poly1305_push(&st, cipher + out,
		    &olen, plain + in, n, ad, sizeof ad, in + n == size ?
		    crypto_secretstream_xchacha20poly1305_TAG_FINAL :
		    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
		out += (size_t)olen;
	}
	timer_stop(&rep->op[RAW_PUSH], t0, c0, s0);

	timer_start(&t0, &c0, &s0);
	if (crypto_secretstream_xchacha20poly1305_init_pull(&st, header,
	    key) != 0)
		fail("raw: init_pull");
	for (in = 0, out = 0; out < size; out += CHUNK) {
		size_t n = size - out < CHUNK ? size - out : CHUNK;
		unsigned long long plen;
		unsigned char tag;

		if (crypto_secretstream_xchacha20poly1305_pull(&st, back + out,
		    &plen, &tag, cipher + in, n + STREAM_ABYTES, ad,
		    sizeof ad) != 0 || plen != n ||
		    (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) !=
		    (out + n == size))
			fail("raw: secretstream pull failed at byte %zu", out);
		in += n + STREAM_ABYTES;
	}
	timer_stop(&rep->op[RAW_PULL], t0, c0, s0);
	if (memcmp(back, plain, size) != 0)
		fail("raw: secretstream round trip changed the bytes");

	timer_start(&t0, &c0, &s0);
	crypto_aead_xchacha20poly1305_ietf_encrypt(cipher, &clen, plain, size,
	    NULL, 0, NULL, nonce, key);
	timer_stop(&rep->op[RAW_AEAD], t0, c0, s0);
	if (clen != size + crypto_aead_xchacha20poly1305_ietf_ABYTES)
		fail("raw: aead length");
	sodium_memzero(key, sizeof key);
}

/*
 * The child: makes the random input, writes it to in_path (fsynced, so it
 * is cached and clean), sends its hash, then runs one raw repetition per
 * 'r' read from cmd until 'q'.
 */
static void
raw_child(int cmd, int res, const char *in_path, size_t size)
{
	size_t chunks = size / CHUNK + (size % CHUNK != 0);
	uint8_t *plain = malloc(size), *back = malloc(size);
	uint8_t *cipher = malloc(size + chunks * STREAM_ABYTES +
	    crypto_aead_xchacha20poly1305_ietf_ABYTES);
	struct raw_ready ready;
	int fd;
	char c;

	if (plain == NULL || back == NULL || cipher == NULL)
		fail("raw: out of memory for 3 x %zu bytes", size);
	randombytes_buf(plain, size);
	/* Touch every page now, not inside the first timed run. */
	memset(back, 0, size);
	memset(cipher, 0, size + chunks * STREAM_ABYTES +
	    crypto_aead_xchacha20poly1305_ietf_ABYTES);
	fd = open_or_fail(in_path, O_WRONLY | O_CREAT | O_EXCL);
	for (size_t off = 0; off < size; off += CHUNK)
		write_all(fd, plain + off, size - off < CHUNK ? size - off :
		    CHUNK, in_path);
	fsync_close(fd, in_path);
	crypto_generichash(ready.hash, HASH_BYTES, plain, size, NULL, 0);
	write_all(res, &ready, sizeof ready, "raw: pipe");
	while (read_up_to(cmd, &c, 1, "raw: pipe") == 1 && c == 'r') {
		struct raw_rep rep;

		raw_one(plain, cipher, back, size, &rep);
		write_all(res, &rep, sizeof rep, "raw: pipe");
	}
	_exit(0);
}

struct raw_proc {
	pid_t pid;
	int cmd, res;
};

static void
raw_start(struct raw_proc *rp, const char *in_path, size_t size,
    uint8_t hash[HASH_BYTES])
{
	int to_child[2], from_child[2];
	struct raw_ready ready;

	if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0)
		fail("pipe: %s", strerror(errno));
	fflush(NULL);
	rp->pid = fork();
	if (rp->pid < 0)
		fail("fork: %s", strerror(errno));
	if (rp->pid == 0) {
		close(to_child[1]);
		close(from_child[0]);
		raw_child(to_child[0], from_child[1], in_path, size);
	}
	close(to_child[0]);
	close(from_child[1]);
	rp->cmd = to_child[1];
	rp->res = from_child[0];
	if (read_up_to(rp->res, &ready, sizeof ready, "raw: pipe") !=
	    sizeof ready)
		fail("raw: the child failed (see above)");
	memcpy(hash, ready.hash, HASH_BYTES);
}

static struct raw_rep
raw_rep_run(struct raw_proc *rp)
{
	struct raw_rep rep;

	write_all(rp->cmd, "r", 1, "raw: pipe");
	if (read_up_to(rp->res, &rep, sizeof rep, "raw: pipe") != sizeof rep)
		fail("raw: the child failed (see above)");
	return rep;
}

static void
raw_stop(struct raw_proc *rp)
{
	int status;

	write_all(rp->cmd, "q", 1, "raw: pipe");
	close(rp->cmd);
	close(rp->res);
	while (waitpid(rp->pid, &status, 0) < 0)
		if (errno != EINTR)
			fail("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("raw: the child failed");
}

/* ---- the I/O floor ---- */

/*
 * Writes size zero bytes to path, fsynced.  Each timed run that writes
 * size bytes first deletes such a file, so that it writes into page-cache
 * pages the kernel has just freed.  On a bare machine that changes
 * nothing; in a virtual machine that hands free guest memory back to the
 * host (virtio-balloon free page reporting), writing into pages that were
 * handed back costs a host fault per page: measured at 2-3 s of system
 * time per GiB, charged to whichever program touches them first.
 */
static void
prime_pages(const char *path, size_t size)
{
	uint8_t *zero = calloc(1, CHUNK);
	int fd = open_or_fail(path, O_WRONLY | O_CREAT | O_TRUNC);

	if (zero == NULL)
		fail("out of memory");
	for (size_t off = 0; off < size; off += CHUNK)
		write_all(fd, zero, size - off < CHUNK ? size - off : CHUNK, path);
	fsync_close(fd, path);
	free(zero);
}

static struct run
io_floor(const char *from, const char *to)
{
	uint8_t *buf = malloc(CHUNK);
	struct run r;
	double t0, c0, s0;
	int in, out;
	size_t n;

	if (buf == NULL)
		fail("out of memory");
	timer_start(&t0, &c0, &s0);
	in = open_or_fail(from, O_RDONLY);
	out = open_or_fail(to, O_WRONLY | O_CREAT | O_EXCL);
	while ((n = read_up_to(in, buf, CHUNK, from)) > 0)
		write_all(out, buf, n, to);
	close(in);
	fsync_close(out, to);
	timer_stop(&r, t0, c0, s0);
	free(buf);
	return r;
}

/* ---- statistics ---- */

struct series {
	double v[MAX_REPS];
	unsigned n;
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
series_min(const struct series *s)
{
	double m = s->v[0];

	for (unsigned i = 1; i < s->n; i++)
		if (s->v[i] < m)
			m = s->v[i];
	return m;
}

static double
series_median(const struct series *s)
{
	double sorted[MAX_REPS];

	memcpy(sorted, s->v, s->n * sizeof s->v[0]);
	qsort(sorted, s->n, sizeof sorted[0], cmp_double);
	return s->n % 2 ? sorted[s->n / 2] :
	    (sorted[s->n / 2 - 1] + sorted[s->n / 2]) / 2;
}

static void
series_add(struct series *s, double v)
{
	if (s->n < MAX_REPS)
		s->v[s->n++] = v;
}

/* The run with the lowest wall time, and its own CPU time. */
static void
keep_best(struct run *best, struct run r, unsigned *count)
{
	if (*count == 0 || r.wall < best->wall)
		*best = r;
	(*count)++;
}

/* ---- the bench ---- */

struct setup {
	char work[4096];
	char keygen[4096], store[4096], status[4096], rekey[4096];
	char in[4096], out[4096], io[4096], empty[4096], big[4096],
	    small[4096], small_in[4096], stdout_file[4096];
	char big_shares[4096], small_shares[4096];
	size_t size;
	unsigned rounds, reps, rekey_reps;
};

static void
share_path(char *out, size_t cap, const char *dir, unsigned i)
{
	char name[32];

	snprintf(name, sizeof name, "share-%u-of-3.cbor", i);
	path_join(out, cap, dir, name);
}

static void
make_image(const struct setup *s, const char *image, const char *dir)
{
	char *argv[] = { (char *)s->keygen, (char *)"init", (char *)"--image",
	    (char *)image, (char *)"--key-shares", (char *)"3",
	    (char *)"--key-threshold", (char *)"2", (char *)"--out-dir",
	    (char *)dir, NULL };

	run_program(argv, NULL);
}

static struct run
store_op(const struct setup *s, const char *image, const char *shares,
    const char *const *args, const char *out)
{
	char a[4096], b[4096];
	char *argv[16];
	size_t n = 0;

	share_path(a, sizeof a, shares, 1);
	share_path(b, sizeof b, shares, 2);
	argv[n++] = (char *)s->store;
	argv[n++] = (char *)"--image";
	argv[n++] = (char *)image;
	argv[n++] = (char *)"--share";
	argv[n++] = a;
	argv[n++] = (char *)"--share";
	argv[n++] = b;
	while (*args != NULL && n < 15)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	return run_program(argv, out);
}

static struct run
status_op(const struct setup *s, const char *image)
{
	char *argv[] = { (char *)s->status, (char *)"--image", (char *)image,
	    NULL };

	return run_program(argv, NULL);
}

/* list's output must name the entry with its size. */
static void
check_list(const struct setup *s, const char *image, const char *shares,
    const char *name, size_t size)
{
	static const char *const list[] = { "list", NULL };
	char want[128];
	char *text;

	store_op(s, image, shares, list, s->stdout_file);
	text = slurp(s->stdout_file);
	snprintf(want, sizeof want, "%zu", size);
	if (strstr(text, name) == NULL || strstr(text, want) == NULL)
		fail("list of %s does not show %s of %zu bytes:\n%s", image,
		    name, size, text);
	free(text);
}

/*
 * One rekey of image from the shares in *shares (a directory) to new
 * shares in new_dir: --init and share 1 untimed, share 2 timed.  On return
 * *shares is new_dir.
 */
static struct run
rekey_once(const struct setup *s, const char *image, char *shares,
    size_t cap, const char *new_dir)
{
	char a[4096], b[4096], nonce[64], check[4096];
	char *init_argv[] = { (char *)s->rekey, (char *)"--image",
	    (char *)image, (char *)"--init", (char *)"--key-shares",
	    (char *)"3", (char *)"--key-threshold", (char *)"2",
	    (char *)"--out-dir", (char *)new_dir, NULL };
	char *one_argv[] = { (char *)s->rekey, (char *)"--image",
	    (char *)image, (char *)"--nonce", nonce, (char *)"--share", a,
	    NULL };
	char *two_argv[] = { (char *)s->rekey, (char *)"--image",
	    (char *)image, (char *)"--nonce", nonce, (char *)"--share", b,
	    NULL };
	char *text, *line;
	struct run r;
	struct stat st;

	run_program(init_argv, s->stdout_file);
	text = slurp(s->stdout_file);
	line = strstr(text, "\nNonce ");
	if (line == NULL || sscanf(line, " Nonce %63s", nonce) != 1 ||
	    strlen(nonce) != 36)
		fail("rekey --init printed no nonce:\n%s", text);
	free(text);
	share_path(a, sizeof a, shares, 1);
	share_path(b, sizeof b, shares, 2);
	run_program(one_argv, NULL);
	r = run_program(two_argv, s->stdout_file);
	text = slurp(s->stdout_file);
	if (strstr(text, "Rekey complete") == NULL)
		fail("rekey of %s did not complete:\n%s", image, text);
	free(text);
	share_path(check, sizeof check, new_dir, 3);
	if (stat(check, &st) != 0)
		fail("rekey wrote no %s", check);
	if ((size_t)snprintf(shares, cap, "%s", new_dir) >= cap)
		fail("path too long: %s", new_dir);
	return r;
}

/* The 1-minute load average: other work on the machine skews wall times. */
static double
load_average(void)
{
	double load = -1;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f != NULL) {
		if (fscanf(f, "%lf", &load) != 1)
			load = -1;
		fclose(f);
	}
	return load;
}

static double
mb_s(size_t bytes, double seconds)
{
	return (double)bytes / seconds / 1e6;
}

static void
print_big_row(const char *name, const struct run *r, size_t size,
    unsigned n)
{
	printf("%-22s %9.3f %9.1f %9.3f %9.3f %9.3f   N=%u\n", name, r->wall,
	    mb_s(size, r->wall), r->cpu, r->sys, r->wall - r->cpu, n);
}

static void
print_small_rows(const char *op, const struct series *small,
    const struct series *big)
{
	double smin = series_min(small), smed = series_median(small);
	double bmin = series_min(big), bmed = series_median(big);

	printf("%-8s %9.2f %9.2f %9.2f %9.2f %9.3f %9.3f   N=%u\n", op,
	    smin * 1e3, smed * 1e3, bmin * 1e3, bmed * 1e3, bmin / smin,
	    bmed / smed, small->n);
}

/* "same time within noise": the median ratio lies within the spread
 * (median/min) of either series. */
static int
same_within_noise(const struct series *small, const struct series *big)
{
	double smin = series_min(small), smed = series_median(small);
	double bmin = series_min(big), bmed = series_median(big);
	double noise = smed / smin > bmed / bmin ? smed / smin : bmed / bmin;
	double ratio = bmed / smed;

	if (noise < 1.10)
		noise = 1.10;	/* below 10 % nobody can tell */
	return ratio <= noise && ratio >= 1 / noise;
}

static void
usage(void)
{
	fputs("usage: bench_image --work DIR --bin DIR [--mib N] [--rounds N]\n"
	    "                   [--reps N] [--rekey-reps N]\n"
	    "  --work DIR        scratch directory (needs about 4.5 x --mib)\n"
	    "  --bin DIR         holds symbolon-keygen, -store, -status, -rekey\n"
	    "  --mib N           size of the big entry in MiB (default 1024)\n"
	    "  --rounds N        put/get/raw rounds, best of N (default 3)\n"
	    "  --reps N          status and list runs per image (default 21)\n"
	    "  --rekey-reps N    rekeys per image (default 9)\n", stderr);
	exit(2);
}

static unsigned
parse_count(const char *arg, unsigned max)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*end != '\0' || v < 1 || v > max)
		usage();
	return (unsigned)v;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "work", required_argument, NULL, 'w' },
		{ "bin", required_argument, NULL, 'b' },
		{ "mib", required_argument, NULL, 'm' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "reps", required_argument, NULL, 'n' },
		{ "rekey-reps", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	static struct setup s;
	static struct series st_small, st_big, ls_small, ls_big, rk_small,
	    rk_big;
	const char *bin = NULL, *work = NULL;
	struct raw_proc rp;
	struct run best_raw[RAW_OPS], best_put, best_get, best_io;
	unsigned n_raw = 0, n_put = 0, n_get = 0, n_io = 0, mib = 1024;
	long max_rss = 0;
	uint8_t hash[HASH_BYTES], got[HASH_BYTES];
	struct rusage self;
	double t_start, load_start;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int opt;

	memset(best_raw, 0, sizeof best_raw);
	memset(&best_put, 0, sizeof best_put);
	memset(&best_get, 0, sizeof best_get);
	memset(&best_io, 0, sizeof best_io);
	s.rounds = 3;
	s.reps = 21;
	s.rekey_reps = 9;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'w': work = optarg; break;
		case 'b': bin = optarg; break;
		case 'm': mib = parse_count(optarg, 1u << 16); break;
		case 'r': s.rounds = parse_count(optarg, MAX_REPS); break;
		case 'n': s.reps = parse_count(optarg, MAX_REPS); break;
		case 'k': s.rekey_reps = parse_count(optarg, MAX_REPS); break;
		default: usage();
		}
	}
	if (optind != argc || work == NULL || bin == NULL)
		usage();
	if (sodium_init() < 0)
		fail("libsodium could not be initialised");
	s.size = (size_t)mib << 20;
	snprintf(s.work, sizeof s.work, "%s", work);
	path_join(s.keygen, sizeof s.keygen, bin, "symbolon-keygen");
	path_join(s.store, sizeof s.store, bin, "symbolon-store");
	path_join(s.status, sizeof s.status, bin, "symbolon-status");
	path_join(s.rekey, sizeof s.rekey, bin, "symbolon-rekey");
	path_join(s.in, sizeof s.in, work, "input.bin");
	path_join(s.out, sizeof s.out, work, "output.bin");
	path_join(s.io, sizeof s.io, work, "io-floor.bin");
	path_join(s.empty, sizeof s.empty, work, "empty.img");
	path_join(s.big, sizeof s.big, work, "big.img");
	path_join(s.small, sizeof s.small, work, "small.img");
	path_join(s.small_in, sizeof s.small_in, work, "small.bin");
	path_join(s.stdout_file, sizeof s.stdout_file, work, "stdout.txt");
	path_join(s.big_shares, sizeof s.big_shares, work, "shares-big");
	path_join(s.small_shares, sizeof s.small_shares, work, "shares-small");
	path_join(stderr_log, sizeof stderr_log, work, "stderr.log");
	t_start = now();
	load_start = load_average();

	fprintf(stderr, "bench_image: libsodium %s; %u MiB entry; writing the "
	    "input and %u raw rounds in a child\n", sodium_version_string(),
	    mib, s.rounds);
	raw_start(&rp, s.in, s.size, hash);

	/* The images: one to copy before each put, one with a 1 KiB entry. */
	make_image(&s, s.empty, s.big_shares);
	make_image(&s, s.small, s.small_shares);
	{
		uint8_t small_entry[SMALL_ENTRY];
		static const char *const put_small[] = { "put", "small",
		    "--in", NULL, NULL };
		const char *args[5];
		int fd = open_or_fail(s.small_in, O_WRONLY | O_CREAT | O_EXCL);

		randombytes_buf(small_entry, sizeof small_entry);
		write_all(fd, small_entry, sizeof small_entry, s.small_in);
		fsync_close(fd, s.small_in);
		memcpy(args, put_small, sizeof args);
		args[3] = s.small_in;
		store_op(&s, s.small, s.small_shares, args, NULL);
		check_list(&s, s.small, s.small_shares, "small", SMALL_ENTRY);
	}

	/* Files to delete just before each write of the same size. */
	prime_pages(s.big, s.size);
	prime_pages(s.out, s.size);
	prime_pages(s.io, s.size);
	for (unsigned round = 0; round < s.rounds; round++) {
		const char *put_args[] = { "put", "big", "--in", s.in, NULL };
		const char *get_args[] = { "get", "big", "--out", s.out, NULL };
		struct raw_rep rep = raw_rep_run(&rp);
		struct run r;
		uint64_t got_size;

		for (int op = 0; op < RAW_OPS; op++) {
			unsigned counted = n_raw;

			keep_best(&best_raw[op], rep.op[op], &counted);
		}
		n_raw++;
		fprintf(stderr, "  round %u: raw push %.2f s, pull %.2f s, aead "
		    "%.2f s", round + 1, rep.op[RAW_PUSH].wall,
		    rep.op[RAW_PULL].wall, rep.op[RAW_AEAD].wall);
		remove_file(s.big);
		copy_file(s.big, s.empty);
		r = store_op(&s, s.big, s.big_shares, put_args, NULL);
		keep_best(&best_put, r, &n_put);
		fprintf(stderr, "; put %.2f s (cpu %.2f, sys %.2f)", r.wall, r.cpu,
		    r.sys);
		remove_file(s.out);
		r = store_op(&s, s.big, s.big_shares, get_args, NULL);
		keep_best(&best_get, r, &n_get);
		if (r.maxrss_kib > max_rss)
			max_rss = r.maxrss_kib;
		fprintf(stderr, ", get %.2f s (cpu %.2f, sys %.2f, %ld KiB)",
		    r.wall, r.cpu, r.sys, r.maxrss_kib);
		hash_file(got, s.out, &got_size);
		if (got_size != s.size || sodium_memcmp(got, hash, HASH_BYTES) != 0)
			fail("get wrote %llu bytes that differ from the %zu put",
			    (unsigned long long)got_size, s.size);
		remove_file(s.io);
		r = io_floor(s.in, s.io);
		keep_best(&best_io, r, &n_io);
		fprintf(stderr, ", io %.2f s (cpu %.2f, sys %.2f)\n", r.wall,
		    r.cpu, r.sys);
	}
	remove_file(s.out);
	remove_file(s.io);
	raw_stop(&rp);
	check_list(&s, s.big, s.big_shares, "big", s.size);

	/* Size independence: small and big interleaved, so that both see the
	 * same load. */
	{
		static const char *const list[] = { "list", NULL };

		for (unsigned i = 0; i < s.reps; i++) {
			series_add(&st_small, status_op(&s, s.small).wall);
			series_add(&st_big, status_op(&s, s.big).wall);
			series_add(&ls_small, store_op(&s, s.small,
			    s.small_shares, list, NULL).wall);
			series_add(&ls_big, store_op(&s, s.big, s.big_shares,
			    list, NULL).wall);
		}
	}
	for (unsigned i = 0; i < s.rekey_reps; i++) {
		char dir[4096], name[64];

		snprintf(name, sizeof name, "rekey-small-%u", i + 1);
		path_join(dir, sizeof dir, s.work, name);
		series_add(&rk_small, rekey_once(&s, s.small, s.small_shares,
		    sizeof s.small_shares, dir).wall);
		snprintf(name, sizeof name, "rekey-big-%u", i + 1);
		path_join(dir, sizeof dir, s.work, name);
		series_add(&rk_big, rekey_once(&s, s.big, s.big_shares,
		    sizeof s.big_shares, dir).wall);
	}
	/* The last shares open both images, entries intact. */
	check_list(&s, s.small, s.small_shares, "small", SMALL_ENTRY);
	check_list(&s, s.big, s.big_shares, "big", s.size);
	if (getrusage(RUSAGE_SELF, &self) != 0)
		fail("getrusage: %s", strerror(errno));

	/* ---- table ---- */
	printf("\nStorage image, %u MiB entry (secretstream, 256 KiB chunks); "
	    "best of N rounds by wall time\n", mib);
	printf("load average %.2f at the start, %.2f at the end, %ld cores\n",
	    load_start, load_average(), cores);
	printf("%-22s %9s %9s %9s %9s %9s\n", "", "wall s", "MB/s", "cpu s",
	    "of it sys", "wall-cpu");
	print_big_row("raw push (memory)", &best_raw[RAW_PUSH], s.size, n_raw);
	print_big_row("raw pull (memory)", &best_raw[RAW_PULL], s.size, n_raw);
	print_big_row("raw aead 1 call", &best_raw[RAW_AEAD], s.size, n_raw);
	print_big_row("io floor (cp+fsync)", &best_io, s.size, n_io);
	print_big_row("store put (program)", &best_put, s.size, n_put);
	print_big_row("store get (program)", &best_get, s.size, n_get);
	printf("\n%-34s %9s %9s\n", "throughput ratio", "wall", "cpu");
	printf("%-34s %9.3f %9.3f\n", "put / raw push",
	    best_raw[RAW_PUSH].wall / best_put.wall,
	    best_raw[RAW_PUSH].cpu / best_put.cpu);
	printf("%-34s %9.3f %9.3f\n", "get / raw pull",
	    best_raw[RAW_PULL].wall / best_get.wall,
	    best_raw[RAW_PULL].cpu / best_get.cpu);
	printf("%-34s %9.3f %9.3f\n", "put / (raw push + io floor)",
	    (best_raw[RAW_PUSH].wall + best_io.wall) / best_put.wall,
	    (best_raw[RAW_PUSH].cpu + best_io.cpu) / best_put.cpu);
	printf("%-34s %9.3f %9.3f\n", "get / (raw pull + io floor)",
	    (best_raw[RAW_PULL].wall + best_io.wall) / best_get.wall,
	    (best_raw[RAW_PULL].cpu + best_io.cpu) / best_get.cpu);
	printf("%-34s %9.3f\n", "raw aead / raw push (wall)",
	    best_raw[RAW_PUSH].wall / best_raw[RAW_AEAD].wall);
	printf("\nget peak RSS (wait4 ru_maxrss): %.1f MiB, max over %u runs "
	    "(floor: this harness's\nown peak, %.1f MiB)\n",
	    (double)max_rss / 1024, n_get, (double)self.ru_maxrss / 1024);

	printf("\nIndependent of size: wall ms, min and median of N runs, "
	    "small and big interleaved\n");
	printf("%-8s %9s %9s %9s %9s %9s %9s\n", "op", "1KiB min", "1KiB med",
	    "big min", "big med", "min ratio", "med ratio");
	print_small_rows("status", &st_small, &st_big);
	print_small_rows("list", &ls_small, &ls_big);
	print_small_rows("rekey", &rk_small, &rk_big);
	printf("noise (median/min): status %.2f/%.2f, list %.2f/%.2f, "
	    "rekey %.2f/%.2f (1 KiB/big)\n",
	    series_median(&st_small) / series_min(&st_small),
	    series_median(&st_big) / series_min(&st_big),
	    series_median(&ls_small) / series_min(&ls_small),
	    series_median(&ls_big) / series_min(&ls_big),
	    series_median(&rk_small) / series_min(&rk_small),
	    series_median(&rk_big) / series_min(&rk_big));

	printf("\nGoals\n");
	printf("  put >= %.0f%% of raw push:     %5.1f%% wall, %5.1f%% cpu   %s\n",
	    THROUGHPUT_GOAL * 100, 100 * best_raw[RAW_PUSH].wall / best_put.wall,
	    100 * best_raw[RAW_PUSH].cpu / best_put.cpu,
	    best_raw[RAW_PUSH].wall / best_put.wall >= THROUGHPUT_GOAL ?
	    "met" : "MISSED");
	printf("  get >= %.0f%% of raw pull:     %5.1f%% wall, %5.1f%% cpu   %s\n",
	    THROUGHPUT_GOAL * 100, 100 * best_raw[RAW_PULL].wall / best_get.wall,
	    100 * best_raw[RAW_PULL].cpu / best_get.cpu,
	    best_raw[RAW_PULL].wall / best_get.wall >= THROUGHPUT_GOAL ?
	    "met" : "MISSED");
	printf("  get peak RSS <= 64 MiB:       %.1f MiB                 %s\n",
	    (double)max_rss / 1024, max_rss <= (long)RSS_GOAL_KIB ? "met" :
	    "MISSED");
	printf("  status 1 KiB = big:           median ratio %.3f        %s\n",
	    series_median(&st_big) / series_median(&st_small),
	    same_within_noise(&st_small, &st_big) ? "met" : "MISSED");
	printf("  list (unseal) 1 KiB = big:    median ratio %.3f        %s\n",
	    series_median(&ls_big) / series_median(&ls_small),
	    same_within_noise(&ls_small, &ls_big) ? "met" : "MISSED");
	printf("  rekey 1 KiB = big:            median ratio %.3f        %s\n",
	    series_median(&rk_big) / series_median(&rk_small),
	    same_within_noise(&rk_small, &rk_big) ? "met" : "MISSED");
	printf("\nraw: libsodium alone on the bytes in memory (push/pull: "
	    "secretstream xchacha20poly1305,\n"
	    "256 KiB chunks, 32-byte AD, as lib/entry.c; aead: "
	    "crypto_aead_xchacha20poly1305_ietf_encrypt).\n"
	    "io floor: read the input in 256 KiB pieces, write a new file, "
	    "fsync (what put and get\n"
	    "must do besides the cryptography).  Input and image in the page "
	    "cache, clean, before\n"
	    "each timed run; put and get fsync their output, so wall time "
	    "includes the disk.\n"
	    "cpu: user+sys of that run (wait4/getrusage); wall-cpu: waiting "
	    "for the disk (fsync)\n"
	    "or, on a loaded machine, for a CPU.\n"
	    "Same within noise: the big/1 KiB median ratio lies within the "
	    "larger median/min spread\n(at least 10%%).  Goals missed are "
	    "reported, not failed.\n");
	printf("\nall gets matched the input; the last rekeyed shares open "
	    "both images (%.0f s)\n", now() - t_start);
	return 0;
}
