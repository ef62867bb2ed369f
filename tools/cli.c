#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "symbolon/error.h"
#include "symbolon/fingerprint.h"
#include "symbolon/identity.h"
#include "symbolon/secmem.h"

#include "cli.h"

const char *cli_progname = "symbolon";

void
cli_init(const char *progname)
{
	cli_progname = progname;
	if (sym_secmem_init() != SYM_OK) {
		cli_error("%s", sym_strerror(SYM_EINIT));
		exit(CLI_EXIT_USAGE);
	}
	if (!sym_secmem_mlock_works())
		cli_error("warning: memory cannot be locked; secrets may be "
		    "swapped to disk (raise RLIMIT_MEMLOCK)");
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_fail(int code, const char *subject)
{
	if (subject != NULL)
		cli_error("%s: %s", subject, sym_strerror(code));
	else
		cli_error("%s", sym_strerror(code));
	return sym_exit_status(code);
}

int
cli_usage_error(const char *synopsis, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", synopsis);
	return CLI_EXIT_USAGE;
}

int
cli_other_option(int opt, const char *synopsis, char *const argv[])
{
	if (opt == 'h')
		return fputs(synopsis, stdout) < 0 ? CLI_EXIT_USAGE : 0;
	return cli_usage_error(synopsis, "unknown option or missing value: %s",
	    argv[optind - 1]);
}

int
cli_getopt(int argc, char *argv[], const struct option *options,
    int (*take)(void *ctx, int opt, char *arg), void *ctx, int *status)
{
	int opt;

	*status = 0;
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		int taken = take(ctx, opt, optarg);

		if (taken > 1) {
			*status = taken;
			return -1;
		}
		if (!taken)
			return opt;
	}
	return -1;
}

int
cli_no_operand(int argc, char *const argv[], const char *synopsis)
{
	if (optind < argc)
		return cli_usage_error(synopsis, "unexpected argument: %s",
		    argv[optind]);
	return 0;
}

int
cli_required(const void *value, const char *option, const char *synopsis)
{
	return value == NULL ? cli_usage_error(synopsis, "missing %s", option) : 0;
}

int
cli_parse_uint(const char *text, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (text == NULL || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
cli_split_list(char *list, const char **items, int max)
{
	int count = 0;
	char *next = list;

	for (;;) {
		char *comma = strchr(next, ',');

		if (comma != NULL)
			*comma = '\0';
		if (*next == '\0' || count == max)
			return -1;
		items[count++] = next;
		if (comma == NULL)
			return count;
		next = comma + 1;
	}
}

static void
print_signer(FILE *out, const char *label, const unsigned char *public_key)
{
	uint8_t fingerprint[SYM_FINGERPRINT_BYTES];
	char hex[SYM_FINGERPRINT_HEX_MAX], words[SYM_FINGERPRINT_WORDS_MAX];

	if (public_key == NULL)
		return;
	sym_fingerprint(fingerprint, public_key);
	if (sym_fingerprint_hex(hex, sizeof hex, fingerprint) != SYM_OK ||
	    sym_fingerprint_words(words, sizeof words, fingerprint,
	    SYM_FINGERPRINT_WORD_BYTES) != SYM_OK)
		return;
	fprintf(out, "%-22s %s\n", label, hex);
	fprintf(out, "%-22s %s\n", "", words);
}

int
cli_list_option(char *arg, const char **items, int *count,
    const char *synopsis, const char *option, const char *what)
{
	*count = cli_split_list(arg, items, 255);
	if (*count < 0)
		return cli_usage_error(synopsis, "%s: expected a comma-separated "
		    "list of %s", option, what);
	return 0;
}

void
cli_print_signer(const char *label, const unsigned char public_key[32])
{
	print_signer(stdout, label, public_key);
}

void
cli_print_signer_stderr(const char *label, const unsigned char *public_key)
{
	print_signer(stderr, label, public_key);
}
