/*
 * symbolon: runs symbolon-VERB (git's model).  One table names the verbs
 * and describes them; help is printed from it, so the two cannot drift.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef SYMBOLON_VERSION
#define SYMBOLON_VERSION "0.1.0"
#endif

static const struct {
	const char *name;
	const char *description;
} verbs[] = {
	{ "keygen", "initialise a storage image; make holder identities" },
	{ "split", "split a secret into Shamir shares or signed share bundles" },
	{ "combine", "gather shares, in any order, and recover the secret" },
	{ "status", "seal status of an image (no shares needed)" },
	{ "store", "put, get, list and delete entries of an image" },
	{ "rotate", "add a keyring term; re-encrypt entries under it" },
	{ "rekey", "replace the unseal key and its shares (Vault's rekey)" },
	{ "verify", "check bundles, shares, images and audit transcripts" },
	{ "qr", "QR codes: share sheets (PDF), PNG, SVG, terminal; scan them back" },
};

static void
print_help(FILE *out)
{
	fprintf(out, "usage: symbolon VERB [OPTIONS]\n"
	    "       symbolon help VERB\n\n"
	    "symbolon %s: offline key ceremonies (Shamir seals, signed "
	    "bundles).\n\nVerbs:\n", SYMBOLON_VERSION);
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		fprintf(out, "  %-10s %s\n", verbs[i].name, verbs[i].description);
	fprintf(out, "\nEach verb is the program symbolon-VERB; "
	    "'symbolon VERB --help' describes it.\n");
}

static int
find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (strcmp(verbs[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
main(int argc, char **argv)
{
	char program[PATH_MAX], self[PATH_MAX];
	const char *verb;
	ssize_t n;
	int i;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_help(stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("symbolon %s\n", SYMBOLON_VERSION);
		return 0;
	}
	verb = argv[1];
	if (strcmp(verb, "help") == 0) {
		if (argc < 3) {
			print_help(stdout);
			return 0;
		}
		/* Run "symbolon-VERB --help": argv[1] becomes the program
		 * below, and nothing after --help is passed on. */
		verb = argv[2];
		argv[2] = "--help";
		argv[3] = NULL;
	}
	if ((i = find_verb(verb)) < 0) {
		fprintf(stderr, "symbolon: unknown verb '%s'\n", verb);
		print_help(stderr);
		return 2;
	}
	/* Prefer the program installed beside this one, so bin/symbolon runs
	 * bin/symbolon-split, not whatever PATH finds first. */
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		char *slash;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			if (snprintf(program, sizeof program, "%s/symbolon-%s",
			    self, verbs[i].name) < (int)sizeof program &&
			    access(program, X_OK) == 0) {
				argv[1] = program;
				execv(program, argv + 1);
			}
		}
	}
	snprintf(program, sizeof program, "symbolon-%s", verbs[i].name);
	argv[1] = program;
	execvp(program, argv + 1);
	fprintf(stderr, "symbolon: cannot run %s: %s\n", program,
	    strerror(errno));
	return 2;
}
