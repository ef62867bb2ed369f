/* symbolon split: split a secret into Shamir shares (Vault's text form). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "symbolon/codec.h"
#include "symbolon/io.h"
#include "symbolon/secmem.h"
#include "symbolon/shamir.h"

#include "cli.h"

#define SECRET_MAX_BYTES (256u << 20)
#define PROMPT_MAX_BYTES 4096u

static const char synopsis[] =
    "usage: symbolon split --key-shares N --key-threshold T\n"
    "                      [--format vault|hex] [--in FILE]\n"
    "\n"
    "Reads a secret from FILE, standard input, or a hidden prompt, and\n"
    "prints N shares, one per line; any T of them recover it.\n"
    "  --key-shares N      number of shares, 2..255\n"
    "  --key-threshold T   shares needed to recover, 2..N\n"
    "  --format vault|hex  base64 as Vault prints unseal keys (default), or hex\n"
    "  --in FILE           read the secret from FILE ('-': standard input)\n";

static int
parse_format(const char *text, enum sym_text_format *format)
{
	if (strcmp(text, "vault") == 0 || strcmp(text, "base64") == 0)
		*format = SYM_TEXT_BASE64;
	else if (strcmp(text, "hex") == 0)
		*format = SYM_TEXT_HEX;
	else
		return -1;
	return 0;
}

static int
read_secret(uint8_t **secret, size_t *len, const char *in_path)
{
	int rc;

	if (in_path != NULL || !sym_io_isatty(STDIN_FILENO))
		return sym_io_read_all(secret, len, in_path ? in_path : "-",
		    SECRET_MAX_BYTES);
	*secret = sym_secmem_alloc(PROMPT_MAX_BYTES);
	if (*secret == NULL)
		return SYM_ENOMEM;
	rc = sym_io_prompt_hidden((char *)*secret, PROMPT_MAX_BYTES, len,
	    "Secret (will be hidden): ");
	if (rc != SYM_OK) {
		sym_secmem_free(*secret);
		*secret = NULL;
	}
	return rc;
}

static int
print_shares(uint8_t *const shares[], unsigned n, size_t share_len,
    enum sym_text_format format)
{
	size_t text_cap = sym_codec_encoded_len(share_len, format) + 1;
	char *text = sym_secmem_alloc(text_cap);
	int rc = SYM_OK;

	if (text == NULL)
		return SYM_ENOMEM;
	for (unsigned i = 0; i < n && rc == SYM_OK; i++) {
		rc = sym_codec_encode(text, text_cap, shares[i], share_len,
		    format);
		if (rc != SYM_OK)
			break;
		size_t text_len = strlen(text);
		text[text_len] = '\n';
		rc = sym_io_write_fd(STDOUT_FILENO, (const uint8_t *)text,
		    text_len + 1);
	}
	sym_secmem_free(text);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "key-shares", required_argument, NULL, 'n' },
		{ "key-threshold", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "in", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum sym_text_format format = SYM_TEXT_BASE64;
	const char *in_path = NULL;
	unsigned n = 0, t = 0;
	uint8_t *shares[SYM_SHAMIR_MAX_SHARES] = { 0 };
	uint8_t *secret = NULL;
	size_t secret_len = 0;
	int opt, rc, status = CLI_EXIT_USAGE;

	cli_init("symbolon-split");
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (cli_parse_uint(optarg, 0, 65535, &n) != 0)
				return cli_usage_error(synopsis,
				    "--key-shares: not a number: %s", optarg);
			break;
		case 't':
			if (cli_parse_uint(optarg, 0, 65535, &t) != 0)
				return cli_usage_error(synopsis,
				    "--key-threshold: not a number: %s", optarg);
			break;
		case 'f':
			if (parse_format(optarg, &format) != 0)
				return cli_usage_error(synopsis,
				    "--format: expected vault or hex, not %s",
				    optarg);
			break;
		case 'i':
			in_path = optarg;
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
		return cli_usage_error(synopsis, "unexpected argument: %s",
		    argv[optind]);
	if (n == 0)
		return cli_usage_error(synopsis, "missing --key-shares");
	if (t == 0)
		return cli_usage_error(synopsis, "missing --key-threshold");
	if (n > SYM_SHAMIR_MAX_SHARES)
		return cli_usage_error(synopsis, "--key-shares %u: at most %u "
		    "shares", n, SYM_SHAMIR_MAX_SHARES);
	if (t < SYM_SHAMIR_MIN_THRESHOLD)
		return cli_usage_error(synopsis, "--key-threshold %u: must be "
		    "at least 2", t);
	if (t > n)
		return cli_usage_error(synopsis, "--key-threshold %u: cannot "
		    "exceed --key-shares %u", t, n);

	rc = read_secret(&secret, &secret_len, in_path);
	if (rc != SYM_OK) {
		status = cli_fail(rc, in_path ? in_path : "standard input");
		goto out;
	}
	if (secret_len == 0) {
		status = cli_fail(SYM_EEMPTYSECRET,
		    in_path ? in_path : "standard input");
		goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		shares[i] = sym_secmem_alloc(secret_len +
		    SYM_SHAMIR_SHARE_OVERHEAD);
		if (shares[i] == NULL) {
			status = cli_fail(SYM_ENOMEM, NULL);
			goto out;
		}
	}
	rc = sym_shamir_split(shares, n, t, secret, secret_len);
	if (rc != SYM_OK) {
		status = cli_fail(rc, NULL);
		goto out;
	}
	rc = print_shares(shares, n, secret_len + SYM_SHAMIR_SHARE_OVERHEAD,
	    format);
	status = rc == SYM_OK ? 0 : cli_fail(rc, "standard output");
out:
	for (unsigned i = 0; i < n && i < SYM_SHAMIR_MAX_SHARES; i++)
		sym_secmem_free(shares[i]);
	sym_secmem_free(secret);
	return status;
}
