/*
 * symbolon combine: gather shares one at a time, in any order, and recover
 * the secret.  Shares are signed share bundles (checked against each other,
 * their manifest and their commitments) or Vault-format text lines.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbolon/bundle.h"
#include "symbolon/codec.h"
#include "symbolon/identity.h"
#include "symbolon/io.h"
#include "symbolon/manifest.h"
#include "symbolon/passphrase.h"
#include "symbolon/quorum.h"
#include "symbolon/secmem.h"
#include "symbolon/shamir.h"
#include "symbolon/share.h"
#include "symbolon/shareset.h"

#include "cli.h"
#include "gather.h"

/* A share of a 256 MiB secret in base64 is about 342 MiB. */
#define SHARE_FILE_MAX_BYTES (400u << 20)
#define PROMPT_MAX_BYTES 8192u
#define MAX_SOURCES 255

static const char synopsis[] =
    "usage: symbolon combine [--share FILE]... [--manifest FILE] [--signer PATH.pub]\n"
    "                        [--identity PATH.key] [--passphrase-file FILE]\n"
    "                        [--format vault|hex] [--key-threshold T]\n"
    "                        [--out FILE [--force]]\n"
    "\n"
    "Recovers a secret from shares given in FILEs ('-' is standard input),\n"
    "from standard input, or at a hidden prompt, in any order.  A share is a\n"
    "signed share bundle (binary or SYM1: text) or a Vault-format line.\n"
    "Writes the secret's bytes to standard output or FILE.\n"
    "  --share FILE         a share bundle, or a file of text shares; repeatable\n"
    "  --manifest FILE      check every share against this manifest first\n"
    "  --signer PATH.pub    refuse shares not signed by this identity\n"
    "  --identity PATH.key  decrypt shares encrypted to this identity;\n"
    "                       repeatable, one per holder present\n"
    "  --identity-passphrase-file FILE  the identity key's passphrase\n"
    "  --passphrase-file FILE  line I: passphrase of share I\n"
    "  --format vault|hex   text shares: Vault's rule, hex or base64 (default)\n"
    "  --key-threshold T    text shares do not record T: prompt until T are in\n"
    "  --out FILE           write the secret to FILE (mode 0600)\n"
    "  --force              replace FILE if it exists\n";

enum share_kind { KIND_UNKNOWN, KIND_TEXT, KIND_BUNDLE };

struct gathering {
	enum share_kind kind;
	struct sym_shareset *set;	/* text shares */
	struct gather bundles;		/* share bundles */
	enum sym_text_format format;
	unsigned threshold;		/* text shares: 0 while unknown */
};

static unsigned
needed(const struct gathering *g)
{
	return g->kind == KIND_BUNDLE ? sym_quorum_threshold(g->bundles.quorum) :
	    g->threshold;
}

static size_t
gathered(const struct gathering *g)
{
	return g->kind == KIND_BUNDLE ? sym_quorum_count(g->bundles.quorum) :
	    sym_shareset_count(g->set);
}

static void
print_progress(const struct gathering *g)
{
	if (needed(g))
		fprintf(stderr, "Progress %zu/%u\n", gathered(g), needed(g));
	else
		fprintf(stderr, "Progress %zu/?\n", gathered(g));
}

static int
set_kind(struct gathering *g, enum share_kind kind, const char *name)
{
	if (g->kind == KIND_UNKNOWN)
		g->kind = kind;
	if (g->kind == kind)
		return 0;
	cli_error("%s: cannot mix share bundles and text shares", name);
	return CLI_EXIT_USAGE;
}

/* Text shares: decode one line and add it to the share set. */
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

/* Prints a failed add's error unless it was printed; the exit status. */
static int
report(int rc, const char *name)
{
	if (rc > 0)
		return rc;
	cli_error("%s: %s", name, sym_strerror(rc));
	return sym_exit_status(rc);
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
	int rc, status = 0, found = 0;

	if ((rc = gather_read_input(&text, &text_len, path,
	    SHARE_FILE_MAX_BYTES)) != 0)
		return rc;
	if (sym_bundle_sniff(text, text_len)) {
		status = set_kind(g, KIND_BUNDLE, name);
		if (status == 0 && (rc = gather_add_bundle(&g->bundles, text,
		    text_len, name)) != SYM_OK)
			status = report(rc, name);
		sym_secmem_free(text);
		return status;
	}
	if (g->kind == KIND_BUNDLE) {
		/* A bundle with a corrupt first byte is no longer sniffed as
		 * one: among bundles, say that, not "cannot mix". */
		sym_secmem_free(text);
		return cli_fail(SYM_ENOTBUNDLE, name);
	}
	if ((status = set_kind(g, KIND_TEXT, name)) != 0) {
		sym_secmem_free(text);
		return status;
	}
	cursor = (const char *)text;
	end = cursor + text_len;
	while (sym_text_next_line(&cursor, end, &line, &line_len, &lineno)) {
		found = 1;
		rc = add_share_text(g, line, line_len);
		if (rc != SYM_OK) {
			cli_error("%s:%u: %s", name, lineno, sym_strerror(rc));
			status = sym_exit_status(rc);
			break;
		}
	}
	sym_secmem_free(text);
	if (status == 0 && !found) {
		cli_error("%s: no share found", name);
		status = CLI_EXIT_INVALID;
	}
	return status;
}

/* Prompts until the threshold is met, or, when it is unknown, until an
 * empty line.  A refused share is named and asked for again. */
static int
prompt_shares(struct gathering *g)
{
	char *line = sym_secmem_alloc(PROMPT_MAX_BYTES);
	size_t len;
	int rc = SYM_OK, status = 0;

	if (line == NULL)
		return cli_fail(SYM_ENOMEM, NULL);
	while (needed(g) == 0 || gathered(g) < needed(g)) {
		rc = sym_io_prompt_hidden(line, PROMPT_MAX_BYTES, &len,
		    "Share (will be hidden): ");
		if (rc == SYM_ETRUNCATED || (rc == SYM_OK && len == 0))
			break;
		if (rc == SYM_ETOOBIG) {
			cli_error("share refused: %s", sym_strerror(rc));
			continue;
		}
		if (rc != SYM_OK) {
			status = cli_fail(rc, "terminal");
			break;
		}
		if (sym_bundle_sniff((const uint8_t *)line, len)) {
			if (set_kind(g, KIND_BUNDLE, "share") != 0)
				continue;
			rc = gather_add_bundle(&g->bundles,
			    (const uint8_t *)line, len, "share");
			if (rc < 0)
				cli_error("share refused: %s", sym_strerror(rc));
		} else {
			if (set_kind(g, KIND_TEXT, "share") != 0)
				continue;
			rc = add_share_text(g, line, len);
			if (rc != SYM_OK)
				cli_error("share refused: %s", sym_strerror(rc));
		}
		if (rc == SYM_ENOMEM) {
			status = cli_fail(rc, NULL);
			break;
		}
	}
	sym_secmem_free(line);
	return status;
}

static int
write_secret(const struct gathering *g, const char *out_path, int force)
{
	uint8_t *secret = NULL;
	size_t len = 0;
	int rc;

	if (g->kind == KIND_BUNDLE) {
		rc = sym_quorum_recover(&secret, &len, g->bundles.quorum);
		if (rc == SYM_ECOMMITMENT) {
			cli_error("the shares do not recover the secret their "
			    "commitment names: a share is corrupt or forged");
			return CLI_EXIT_INVALID;
		}
	} else {
		len = sym_shareset_secret_len(g->set);
		secret = sym_secmem_alloc(len);
		rc = secret ? sym_shareset_combine(secret, g->set) : SYM_ENOMEM;
	}
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
	if (g->kind == KIND_BUNDLE)
		/* Without --manifest the first share decided whom to trust:
		 * name the signer, for comparison with the announced one. */
		cli_print_signer_stderr("shares signed by",
		    sym_quorum_signer(g->bundles.quorum));
	return 0;
}

static int
load_manifest(struct gathering *g, const char *path)
{
	struct sym_manifest *m = calloc(1, sizeof *m);
	uint8_t *bytes = NULL;
	size_t len = 0;
	int rc;

	if (m == NULL)
		return cli_fail(SYM_ENOMEM, NULL);
	rc = sym_bundle_read_file(&bytes, &len, path, NULL);
	if (rc == SYM_OK)
		rc = sym_manifest_parse(m, bytes, len);
	if (rc == SYM_OK)
		rc = sym_quorum_set_manifest(g->bundles.quorum, m);
	sym_secmem_free(bytes);
	free(m);
	if (rc != SYM_OK)
		return cli_fail(rc, path);
	g->kind = KIND_BUNDLE;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "share", required_argument, NULL, 's' },
		{ "manifest", required_argument, NULL, 'm' },
		{ "signer", required_argument, NULL, 'S' },
		{ "identity", required_argument, NULL, 'i' },
		{ "identity-passphrase-file", required_argument, NULL, 'I' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "key-threshold", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gathering g;
	const char *sources[MAX_SOURCES];
	const char *out_path = NULL, *manifest_path = NULL, *signer_path = NULL;
	size_t source_count = 0;
	int opt, rc, force = 0, status;

	memset(&g, 0, sizeof g);
	g.format = SYM_TEXT_VAULT;
	cli_init("symbolon-combine");
	if ((status = gather_init(&g.bundles, NULL, NULL)) != 0)
		return status;
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
		case 'm': manifest_path = optarg; break;
		case 'S': signer_path = optarg; break;
		case 'i':
			if (gather_option(&g.bundles.opts, GATHER_OPT_IDENTITY,
			    optarg) > 1)
				return CLI_EXIT_USAGE;
			break;
		case 'I': g.bundles.opts.identity_passphrase_file = optarg; break;
		case 'P': g.bundles.opts.passphrase_file = optarg; break;
		case 't':
			if (cli_parse_uint(optarg, SYM_SHAMIR_MIN_THRESHOLD,
			    SYM_SHAMIR_MAX_SHARES, &g.threshold) != 0)
				return cli_usage_error(synopsis, "--key-threshold"
				    ": expected a number from 2 to 255, not %s",
				    optarg);
			break;
		case 'o': out_path = optarg; break;
		case 'F': force = 1; break;
		case 'h':
			fputs(synopsis, stdout);
			return 0;
		default:
			return cli_usage_error(synopsis, "unknown option or "
			    "missing value: %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		/* Not echoed: it may well be a share, and ceremonies are
		 * often filmed or logged. */
		return cli_usage_error(synopsis, "unexpected argument (shares "
		    "are given with --share FILE, never as arguments)");
	/* A secret on a terminal ends up in scrollback and screen
	 * recordings; shares typed on one visibly would be echoed. */
	if (out_path == NULL && sym_io_isatty(STDOUT_FILENO)) {
		cli_error("refusing to write the secret to a terminal: use --out "
		    "FILE, or redirect standard output");
		return CLI_EXIT_USAGE;
	}
	for (size_t i = 0; i < source_count; i++)
		if (strcmp(sources[i], "-") == 0 && sym_io_isatty(STDIN_FILENO)) {
			cli_error("--share -: standard input is a terminal; leave "
			    "out --share - to be asked without echo");
			return CLI_EXIT_USAGE;
		}
	/* Refuse before anyone types a share, not after. */
	if (out_path != NULL && !force &&
	    (rc = sym_io_check_absent(out_path)) != SYM_OK)
		return cli_fail(rc, out_path);
	if ((rc = sym_shareset_new(&g.set)) != SYM_OK)
		return cli_fail(rc, NULL);

	if (signer_path != NULL) {
		struct sym_identity signer;

		rc = sym_identity_load_public(&signer, signer_path);
		if (rc != SYM_OK)
			return cli_fail(rc, signer_path);
		memcpy(g.bundles.signer, signer.sign_public, sizeof g.bundles.signer);
		g.bundles.pin_signer = 1;
	}
	status = manifest_path ? load_manifest(&g, manifest_path) : 0;
	for (size_t i = 0; i < source_count && status == 0; i++)
		status = add_share_file(&g, sources[i]);
	if (status == 0 && source_count == 0 && !sym_io_isatty(STDIN_FILENO))
		status = add_share_file(&g, "-");
	else if (status == 0 && sym_io_isatty(STDIN_FILENO) &&
	    (source_count == 0 || gathered(&g) < needed(&g)))
		status = prompt_shares(&g);
	if (status != 0)
		goto out;

	if (gathered(&g) < SYM_SHAMIR_MIN_THRESHOLD) {
		status = cli_fail(SYM_ETOOFEW, NULL);
		goto out;
	}
	if (needed(&g) && gathered(&g) < needed(&g)) {
		cli_error("only %zu of %u shares given", gathered(&g), needed(&g));
		status = CLI_EXIT_INVALID;
		goto out;
	}
	status = write_secret(&g, out_path, force);
out:
	gather_free(&g.bundles);
	sym_shareset_free(g.set);
	return status;
}
