/*
 * What every symbolon program shares: start-up hardening, the one-line
 * error format "symbolon-VERB: what: why", and number parsing.  Programs
 * keep only option parsing and printing; the work is in lib/.
 */
#ifndef SYMBOLON_TOOLS_CLI_H
#define SYMBOLON_TOOLS_CLI_H

#include <stdio.h>

#define CLI_EXIT_INVALID 1
#define CLI_EXIT_USAGE 2

extern const char *cli_progname;

/* Sets the program name, initialises secure memory (exits 2 if that
 * fails) and warns once if memory cannot be locked. */
void cli_init(const char *progname);

/* Prints "progname: message" and a newline to standard error. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the error for a library code about subject ("file: reason") and
 * returns the exit status the code calls for. */
int cli_fail(int code, const char *subject);

/* Prints "progname: message", then the synopsis; returns 2. */
int cli_usage_error(const char *synopsis, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* getopt table entries: an option with a value, one without (both give
 * the letter c), one that sets the int var to 1. */
#define CLI_ARG(name, c) { name, required_argument, NULL, c }
#define CLI_NOARG(name, c) { name, no_argument, NULL, c }
#define CLI_FLAG(name, var) { name, no_argument, &(var), 1 }

/* The options every program spells the same, for its getopt table. */
#define CLI_OPT_HELP { "help", no_argument, NULL, 'h' }
#define CLI_OPT_IMAGE { "image", required_argument, NULL, 'i' }
#define CLI_OPT_END { NULL, 0, NULL, 0 }

/* The last case of every option switch: 'h' prints the synopsis and
 * returns 0; anything else is "unknown option or missing value" and 2. */
int cli_other_option(int opt, const char *synopsis, char *const argv[]);

/*
 * getopt_long_only over options (opterr off), handing each option first
 * to take (gather_option, for the share options): returns the next option
 * take did not want, or -1 at the end, or -1 with *status set to take's
 * exit status (> 1) when it refused one.
 */
struct option;
int cli_getopt(int argc, char *argv[], const struct option *options,
    int (*take)(void *ctx, int opt, char *arg), void *ctx, int *status);

/* After the options: an operand left over is a usage error (2), else 0. */
int cli_no_operand(int argc, char *const argv[], const char *synopsis);

/* A required option: "missing OPTION" (2) when value is NULL, else 0. */
int cli_required(const void *value, const char *option,
    const char *synopsis);

/* Parses a decimal number in [min, max]; 0 on success, -1 otherwise. */
int cli_parse_uint(const char *text, unsigned min, unsigned max,
    unsigned *out);

/* Splits a comma-separated list in place into items (at most max);
 * returns the count, or -1 if there are more than max or an empty item. */
int cli_split_list(char *list, const char **items, int max);

/* A list option (--to, --holders, --pgp-keys): splits arg into items (at
 * most one per share) and sets *count; on a bad list prints "option:
 * expected a comma-separated list of what" and the synopsis, returns 2. */
int cli_list_option(char *arg, const char **items, int *count,
    const char *synopsis, const char *option, const char *what);

struct sym_identity;
struct sym_pgp_recipient;
struct sym_pgp_key;

/* Resolves and checks the --pgp-keys list (key files or fingerprints),
 * one per share, printing the error naming the key on failure.  Returns
 * 0 or an exit status; free with cli_pgp_free. */
int cli_pgp_resolve(struct sym_pgp_recipient *out[], const char *const specs[],
    int count);
void cli_pgp_free(struct sym_pgp_recipient *keys[], int count);

/* Prints the "Key  Value" lines naming a signer: fingerprint and words. */
void cli_print_signer(const char *label, const unsigned char public_key[32]);
/* The same on standard error (NULL key: nothing). */
void cli_print_signer_stderr(const char *label, const unsigned char *public_key);

#endif
