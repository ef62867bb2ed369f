/* symbolon combine: gather shares one at a time and recover the secret. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "symbolon/codec.h"
#include "symbolon/io.h"
#include "symbolon/secmem.h"
#include "symbolon/shamir.h"
#include "symbolon/shareset.h"

#include "cli.h"

/* A share of a 256 MiB secret in base64 is about 342 MiB. */
#define SHARE_FILE_MAX_BYTES (400u << 20)
#define PROMPT_MAX_BYTES 8192u
#define MAX_SOURCES 255

static const char synopsis[] =
    "usage: symbolon combine [--format vault|hex] [--share FILE]...\n"
    "                        [--key-threshold T] [--out FILE [--force]]\n"
    "\n"
    "Recovers a secret from shares given in FILEs (one share per line;\n"
    "'-' is standard input), from standard input, or at a hidden prompt,\n"
    "in any order.  Writes the secret's bytes to standard output or FILE.\n"
    "  --format vault|hex   Vault's rule: hex or base64 (default); or hex only\n"
    "  --share FILE         a file of shares; repeatable\n"
    "  --key-threshold T    shares needed (raw shares do not record it):\n"
    "                       prompts until T shares are in\n"
    "  --out FILE           write the secret to FILE (mode 0600)\n"
    "  --force              replace FILE if it exists\n";

struct gathering {
	struct sym_shareset *set;
	enum sym_text_format format;
	unsigned threshold;	/* 0: unknown */
};

static void
print_progress(const struct gathering *g)
{
	if (g->threshold)
		fprintf(stderr, "Progress %zu/%u\n",
		    sym_shareset_count(g->set), g->threshold);
	else
		fprintf(stderr, "Progress %zu/?\n", sym_shareset_count(g->set));
}

/* Decodes one line of text and adds the share; the caller names the line. */
static int
add_share_text(struct gathering *g, const char *text, size_t text_len)
{
	size_t cap = text_len, len = 0;
	uint8_t *share = sym_secmem_alloc(cap);
	int rc;

	if (share == NULL)
		return SYM_ENOMEM;
	rc = sym_codec_decode(share, cap, &len, text, text_len, g->format);
	if (rc == SYM_OK)
		rc = sym_shareset_add(g->set, share, len);
	sym_secmem_free(share);
	if (rc == SYM_OK)
		print_progress(g);
	return rc;
}

static int
add_share_file(struct gathering *g, const char *path)
{
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	uint8_t *text = NULL;
	size_t text_len = 0;
	const char *cursor, *end, *line;
	size_t line_len;
	unsigned lineno = 0;
	int rc, found = 0;

	rc = sym_io_read_all(&text, &text_len, path, SHARE_FILE_MAX_BYTES);
	if (rc != SYM_OK)
		return cli_fail(rc, name);
	cursor = (const char *)text;
	end = cursor + text_len;
	while (sym_text_next_line(&cursor, end, &line, &line_len, &lineno)) {
		found = 1;
		rc = add_share_text(g, line, line_len);
		if (rc != SYM_OK) {
			cli_error("%s:%u: %s", name, lineno, sym_strerror(rc));
			sym_secmem_free(text);
			return sym_exit_status(rc);
		}
	}
	sym_secmem_free(text);
	if (!found) {
		cli_error("%s: no share found", name);
		return CLI_EXIT_INVALID;
	}
	return 0;
}

/* Prompts until the threshold is met, or, when it is unknown, until an
 * empty line.  A bad share is refused and asked for again. */
static int
prompt_shares(struct gathering *g)
{
	char *line = sym_secmem_alloc(PROMPT_MAX_BYTES);
	size_t len;
	int rc = SYM_OK;

	if (line == NULL)
		return cli_fail(SYM_ENOMEM, NULL);
	while (g->threshold == 0 || sym_shareset_count(g->set) < g->threshold) {
		rc = sym_io_prompt_hidden(line, PROMPT_MAX_BYTES, &len,
		    "Share (will be hidden): ");
		if (rc == SYM_ETRUNCATED || (rc == SYM_OK && len == 0)) {
			rc = SYM_OK;
			break;
		}
		if (rc == SYM_ETOOBIG) {
			cli_error("share refused: %s", sym_strerror(rc));
			continue;
		}
		if (rc != SYM_OK)
			break;
		rc = add_share_text(g, line, len);
		if (rc != SYM_OK) {
			cli_error("share refused: %s", sym_strerror(rc));
			if (!sym_error_is_invalid(rc))
				break;
			rc = SYM_OK;
		}
	}
	sym_secmem_free(line);
	return rc == SYM_OK ? 0 : cli_fail(rc, "terminal");
}

static int
write_secret(const struct gathering *g, const char *out_path, int force)
{
	size_t len = sym_shareset_secret_len(g->set);
	uint8_t *secret = sym_secmem_alloc(len);
	int rc;

	if (secret == NULL)
		return cli_fail(SYM_ENOMEM, NULL);
	rc = sym_shareset_combine(secret, g->set);
	if (rc != SYM_OK) {
		sym_secmem_free(secret);
		return cli_fail(rc, NULL);
	}
	if (out_path != NULL)
		rc = sym_io_write_file(out_path, secret, len,
		    force ? SYM_IO_OVERWRITE : SYM_IO_NO_OVERWRITE);
	else
		rc = sym_io_write_fd(STDOUT_FILENO, secret, len);
	sym_secmem_free(secret);
	if (rc != SYM_OK)
		return cli_fail(rc, out_path ? out_path : "standard output");
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "share", required_argument, NULL, 's' },
		{ "key-threshold", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gathering g = { NULL, SYM_TEXT_VAULT, 0 };
	const char *sources[MAX_SOURCES];
	const char *out_path = NULL;
	size_t source_count = 0;
	int opt, rc, force = 0, status;

	cli_init("symbolon-combine");
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (strcmp(optarg, "vault") == 0)
				g.format = SYM_TEXT_VAULT;
			else if (strcmp(optarg, "hex") == 0)
				g.format = SYM_TEXT_HEX;
			else
				return cli_usage_error(synopsis, "--format: "
				    "expected vault or hex, not %s", optarg);
			break;
		case 's':
			if (source_count == MAX_SOURCES)
				return cli_usage_error(synopsis, "more than %d "
				    "--share options", MAX_SOURCES);
			sources[source_count++] = optarg;
			break;
		case 't':
			if (cli_parse_uint(optarg, SYM_SHAMIR_MIN_THRESHOLD,
			    SYM_SHAMIR_MAX_SHARES, &g.threshold) != 0)
				return cli_usage_error(synopsis, "--key-threshold"
				    ": expected a number from 2 to 255, not %s",
				    optarg);
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'F':
			force = 1;
			break;
		case 'h':
			fputs(synopsis, stdout);
			return 0;
		default:
			return cli_usage_error(synopsis, "unknown option or "
			    "missing value: %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(synopsis, "unexpected argument: %s "
		    "(shares are given with --share FILE, never as arguments)",
		    argv[optind]);
	/* Refuse before anyone types a share, not after. */
	if (out_path != NULL && !force &&
	    (rc = sym_io_check_absent(out_path)) != SYM_OK)
		return cli_fail(rc, out_path);
	rc = sym_shareset_new(&g.set);
	if (rc != SYM_OK)
		return cli_fail(rc, NULL);

	status = 0;
	for (size_t i = 0; i < source_count && status == 0; i++)
		status = add_share_file(&g, sources[i]);
	if (status == 0 && source_count == 0 && !sym_io_isatty(STDIN_FILENO))
		status = add_share_file(&g, "-");
	else if (status == 0 && sym_io_isatty(STDIN_FILENO) &&
	    (source_count == 0 ||
	    (g.threshold && sym_shareset_count(g.set) < g.threshold)))
		status = prompt_shares(&g);
	if (status != 0)
		goto out;

	if (sym_shareset_count(g.set) < SYM_SHAMIR_MIN_THRESHOLD) {
		status = cli_fail(SYM_ETOOFEW, NULL);
		goto out;
	}
	if (g.threshold && sym_shareset_count(g.set) < g.threshold) {
		cli_error("only %zu of %u shares given", sym_shareset_count(g.set),
		    g.threshold);
		status = CLI_EXIT_INVALID;
		goto out;
	}
	status = write_secret(&g, out_path, force);
out:
	sym_shareset_free(g.set);
	return status;
}
