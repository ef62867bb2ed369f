#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "symbolon/error.h"
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
