/*
 * bench_startup: how long a program takes to start and end, next to a
 * program linked only to libsodium (build/bench/startup_sodium), in the
 * same run (issue 10: a program that reads no picture does not load cairo
 * and zbar; status should start within 2x of the floor).
 *
 *   bench_startup [--runs N] FLOOR -- PROGRAM ARGS...
 *
 * Both are spawned N times (default 300), interleaved so that both see the
 * same load, after 20 untimed runs each; output and errors go to
 * /dev/null.  Prints the mean and the median of each and their ratio.
 * Exit status 1 if a run fails, 0 otherwise (a missed goal is reported,
 * not failed).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One run of argv: its wall time in ms, or -1 if it failed. */
static double
run(char **argv)
{
	posix_spawn_file_actions_t fa;
	double start;
	pid_t pid;
	int status;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	start = now_ms();
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	return now_ms() - start;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
stats(double *t, int n, double *mean, double *median)
{
	double sum = 0;

	for (int i = 0; i < n; i++)
		sum += t[i];
	qsort(t, (size_t)n, sizeof *t, cmp);
	*mean = sum / n;
	*median = t[n / 2];
}

int
main(int argc, char **argv)
{
	char *floor_argv[2] = { NULL, NULL };
	double *tf, *tp, mf, medf, mp, medp;
	int runs = 300, i = 1;

	if (argc > 2 && strcmp(argv[1], "--runs") == 0) {
		runs = atoi(argv[2]);
		i = 3;
	}
	if (runs < 1 || argc < i + 3 || strcmp(argv[i + 1], "--") != 0) {
		fprintf(stderr, "usage: bench_startup [--runs N] FLOOR -- "
		    "PROGRAM ARGS...\n");
		return 2;
	}
	floor_argv[0] = argv[i];
	tf = calloc((size_t)runs, sizeof *tf);
	tp = calloc((size_t)runs, sizeof *tp);
	if (tf == NULL || tp == NULL)
		return 2;
	for (int k = 0; k < 20; k++)
		if (run(floor_argv) < 0 || run(argv + i + 2) < 0) {
			fprintf(stderr, "bench_startup: %s failed\n", argv[i + 2]);
			return 1;
		}
	for (int k = 0; k < runs; k++) {
		tf[k] = run(floor_argv);
		tp[k] = run(argv + i + 2);
		if (tf[k] < 0 || tp[k] < 0) {
			fprintf(stderr, "bench_startup: a run failed\n");
			return 1;
		}
	}
	stats(tf, runs, &mf, &medf);
	stats(tp, runs, &mp, &medp);
	printf("startup: %s %.2f ms (median %.2f), libsodium-only program "
	    "%.2f ms (median %.2f): %.1fx over %d runs each%s\n",
	    strrchr(argv[i + 2], '/') ? strrchr(argv[i + 2], '/') + 1 :
	    argv[i + 2], mp, medp, mf, medf, medp / medf, runs,
	    medp <= 2 * medf ? "" : " (goal: within 2x)");
	free(tf);
	free(tp);
	return 0;
}
