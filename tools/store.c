/*
 * symbolon store: put, get, list and delete entries of an image.  The
 * image is unsealed with shares for this one operation and sealed again
 * (its keys wiped) before the program exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "symbolon/codec.h"
#include "symbolon/image.h"
#include "symbolon/io.h"

#include "cli.h"
#include "gather.h"

static const char synopsis[] =
    "usage: symbolon store --image FILE [--share FILE]... put NAME [--in FILE]\n"
    "       symbolon store --image FILE [--share FILE]... get NAME\n"
    "                      [--out FILE [--force]]\n"
    "       symbolon store --image FILE [--share FILE]... list\n"
    "       symbolon store --image FILE [--share FILE]... delete NAME\n"
    "\n"
    "Unseals the image with a threshold of shares (files, or hidden prompts\n"
    "on a terminal), performs one operation, and seals it again.\n"
    "  --image FILE         the storage image\n"
    GATHER_USAGE
    "  --in FILE            put: read the value from FILE (default: stdin)\n"
    "  --out FILE           get: write the value to FILE (mode 0600)\n"
    "  --force              get: replace FILE if it exists\n";

static int
put(struct sym_image *img, const char *path, const char *name,
    const char *in_path)
{
	int fd = STDIN_FILENO, rc;

	if (in_path != NULL && strcmp(in_path, "-") != 0) {
		fd = open(in_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return cli_fail(sym_error_from_errno(errno), in_path);
	} else if (sym_io_isatty(STDIN_FILENO)) {
		cli_error("put: give the value with --in FILE or on standard "
		    "input, not at the terminal");
		return CLI_EXIT_USAGE;
	}
	/* Commits itself (audit "put"). */
	rc = sym_image_put(img, name, fd, (uint64_t)time(NULL));
	if (fd != STDIN_FILENO)
		close(fd);
	if (rc != SYM_OK)
		return cli_fail(rc, rc == SYM_EUSAGE ? name : (in_path ?
		    in_path : path));
	return 0;
}

static int
get(struct sym_image *img, const char *name, const char *out_path, int force)
{
	char tmp[PATH_MAX];
	int fd, rc;

	if (out_path == NULL) {
		rc = sym_image_get(img, name, STDOUT_FILENO);
		return rc == SYM_OK ? 0 : cli_fail(rc, name);
	}
	/* Written beside the target and linked into place only when every
	 * chunk has been authenticated: a tampered entry leaves no file. */
	if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", out_path) >=
	    (int)sizeof tmp)
		return cli_fail(SYM_ETOOBIG, out_path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return cli_fail(sym_error_from_errno(errno), out_path);
	rc = sym_image_get(img, name, fd);
	if (rc == SYM_OK)
		rc = sym_io_fsync(fd);
	close(fd);
	if (rc == SYM_OK)
		rc = force ? sym_io_rename(tmp, out_path) :
		    sym_io_link(tmp, out_path);
	(void)unlink(tmp);
	if (rc != SYM_OK)
		return cli_fail(rc, rc == SYM_ENOENTRY || rc == SYM_ECORRUPT ?
		    name : out_path);
	return 0;
}

static int
list(struct sym_image *img)
{
	size_t n = sym_image_entry_count(img);

	printf("%-32s %14s %5s  %s\n", "Name", "Size", "Term", "Modified");
	for (size_t i = 0; i < n; i++) {
		const struct sym_image_entry *e = sym_image_entry_at(img, i);
		char when[SYM_TIME_TEXT_BYTES];

		sym_time_text(when, e->modified);
		printf("%-32s %14llu %5u  %s\n", e->name,
		    (unsigned long long)e->size, e->term, when);
	}
	return 0;
}

struct args {
	const char *path, *in_path, *out_path, *verb, *name;
	int force;
};

/* After the options: the verb, its NAME, and the rules that tie options
 * to verbs.  0, or the exit status. */
static int
check_args(struct args *a, int argc, char **argv)
{
	int rc;

	if (a->path == NULL)
		return cli_usage_error(synopsis, "missing --image");
	if (optind >= argc)
		return cli_usage_error(synopsis, "missing operation: put, get, "
		    "list or delete");
	a->verb = argv[optind++];
	if (strcmp(a->verb, "list") != 0) {
		if (strcmp(a->verb, "put") != 0 && strcmp(a->verb, "get") != 0 &&
		    strcmp(a->verb, "delete") != 0)
			return cli_usage_error(synopsis, "unknown operation: %s",
			    a->verb);
		if (optind >= argc)
			return cli_usage_error(synopsis, "%s: missing NAME",
			    a->verb);
		a->name = argv[optind++];
		if (sym_image_check_name(a->name) != SYM_OK)
			return cli_usage_error(synopsis, "NAME: 1 to %u bytes, no "
			    "control characters", SYM_IMAGE_NAME_MAX);
	}
	if (optind < argc)
		return cli_usage_error(synopsis, "unexpected argument: %s",
		    argv[optind]);
	if (a->out_path != NULL && strcmp(a->verb, "get") != 0)
		return cli_usage_error(synopsis, "--out goes with get");
	if (a->in_path != NULL && strcmp(a->verb, "put") != 0)
		return cli_usage_error(synopsis, "--in goes with put");
	if (a->out_path != NULL && !a->force &&
	    (rc = sym_io_check_absent(a->out_path)) != SYM_OK)
		return cli_fail(rc, a->out_path);
	return 0;
}

static int
run(struct sym_image *img, const struct args *a)
{
	int rc;

	if (strcmp(a->verb, "put") == 0)
		return put(img, a->path, a->name, a->in_path);
	if (strcmp(a->verb, "get") == 0)
		return get(img, a->name, a->out_path, a->force);
	if (strcmp(a->verb, "list") == 0)
		return list(img);
	rc = sym_image_delete(img, a->name, (uint64_t)time(NULL));	/* commits */
	return rc == SYM_OK ? 0 : cli_fail(rc, rc == SYM_ENOENTRY ? a->name :
	    a->path);
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_OPT_IMAGE,
		CLI_ARG("in", 'I'), CLI_ARG("out", 'o'),
		CLI_NOARG("force", 'F'), CLI_OPT_HELP, GATHER_OPTIONS,
		CLI_OPT_END,
	};
	struct gather g;
	struct gather_options share_opts;
	struct sym_image *img = NULL;
	struct args a;
	int opt, rc, status, writes;

	cli_init("symbolon-store");
	memset(&g, 0, sizeof g);
	memset(&share_opts, 0, sizeof share_opts);
	memset(&a, 0, sizeof a);
	/* '+' would stop at the verb; options may come after it too. */
	while ((opt = cli_getopt(argc, argv, options, gather_option,
	    &share_opts, &status)) != -1) {
		switch (opt) {
		case 'i': a.path = optarg; break;
		case 'I': a.in_path = optarg; break;
		case 'o': a.out_path = optarg; break;
		case 'F': a.force = 1; break;
		default:
			return cli_other_option(opt, synopsis, argv);
		}
	}
	if (status != 0 || (status = check_args(&a, argc, argv)) != 0)
		return status;
	writes = strcmp(a.verb, "put") == 0 || strcmp(a.verb, "delete") == 0;
	rc = sym_image_open(&img, a.path, writes ? SYM_IMAGE_WRITE :
	    SYM_IMAGE_READ);
	if (rc != SYM_OK)
		return cli_fail(rc, a.path);
	if ((status = gather_init(&g, img, &share_opts)) == 0 &&
	    (status = gather_unseal(&g)) == 0)
		status = run(img, &a);
	gather_free(&g);
	sym_image_close(img);
	return status;
}
