/*
 * symbolon combine: gather shares one at a time, in any order, and recover
 * the secret.  Shares are signed share bundles (checked against each other,
 * their manifest and their commitments) or Vault-format text lines.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "symbolon/codec.h"
#include "symbolon/gather.h"
#include "symbolon/identity.h"
#include "symbolon/io.h"
#include "symbolon/secmem.h"
#include "symbolon/shamir.h"
#include "symbolon/share_files.h"

#include "cli.h"
#include "gather.h"

/* A share of a 256 MiB secret in base64 is about 342 MiB. */
#define SHARE_FILE_MAX_BYTES (400u << 20)

static const char synopsis[] =
    "usage: symbolon combine [--share FILE]... [--manifest FILE] [--signer PATH.pub]\n"
    "                        [--identity PATH.key] [--passphrase-file FILE]\n"
    "                        [--format vault|hex|raw] [--key-threshold T]\n"
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
    "  --format raw         every --share is a raw share file (split --format\n"
    "                       raw): all of them are combined, in constant memory\n"
    "  --key-threshold T    text shares do not record T: prompt until T are in\n"
    "  --out FILE           write the secret to FILE (mode 0600)\n"
    "  --force              replace FILE if it exists\n";

static int
write_secret(struct gather *g, const char *out_path, int force)
{
	uint8_t *secret = NULL;
	size_t len = 0;
	int rc = sym_gather_recover(&secret, &len,
	    gather_view(&g->engine, g));

	if (rc == SYM_ECOMMITMENT) {
		cli_error("the shares do not recover the secret their "
		    "commitment names: a share is corrupt or forged");
		return CLI_EXIT_INVALID;
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
	if (g->engine.kind == SYM_GATHER_BUNDLES)
		/* Without --manifest the first share decided whom to trust:
		 * name the signer, for comparison with the announced one. */
		cli_print_signer_stderr("shares signed by",
		    sym_quorum_signer(g->quorum));
	return 0;
}

/* The shares from files, standard input or prompts, then the secret. */
static int
combine(struct gather *g, const char *manifest_path, const char *out_path,
    int force)
{
	size_t count = g->opts.source_count;
	int rc, status = 0;

	if (manifest_path != NULL && (rc = sym_gather_load_manifest(
	    gather_view(&g->engine, g), manifest_path)) != SYM_OK)
		return cli_fail(rc, manifest_path);
	for (size_t i = 0; i < count && status == 0; i++)
		status = gather_file(g, g->opts.sources[i]);
	if (status == 0 && count == 0 && !sym_io_isatty(STDIN_FILENO))
		status = gather_file(g, "-");
	else if (status == 0 && sym_io_isatty(STDIN_FILENO) && (count == 0 ||
	    gather_count(g) < gather_needed(g)))
		status = gather_prompt(g);
	if (status != 0)
		return status;
	if (gather_count(g) < SYM_SHAMIR_MIN_THRESHOLD)
		return cli_fail(SYM_ETOOFEW, NULL);
	if (gather_needed(g) && gather_count(g) < gather_needed(g)) {
		cli_error("only %zu of %u shares given",
		    gather_count(g), gather_needed(g));
		return CLI_EXIT_INVALID;
	}
	return write_secret(g, out_path, force);
}

/* Raw shares carry nothing to check (said); all are used, as gfcombine. */
static int
combine_raw(const struct gather_options *o, const char *out_path, int force)
{
	uint64_t len = 0;
	size_t bad = 0;
	int rc;

	if (o->source_count < SYM_SHAMIR_MIN_THRESHOLD)
		return cli_fail(SYM_ETOOFEW, NULL);
	rc = sym_share_files_combine(out_path, STDOUT_FILENO, o->sources,
	    o->source_count, force, &len, &bad);
	if (rc == SYM_EUSAGE && bad < o->source_count) {	/* a pipe, "-" */
		cli_error("%s: not a regular file: a raw share is read from "
		    "its end", o->sources[bad]);
		return CLI_EXIT_USAGE;
	}
	if (rc != SYM_OK)
		return cli_fail(rc, bad < o->source_count ? o->sources[bad] :
		    out_path ? out_path : "standard output");
	cli_error("combined %zu raw shares (%llu bytes): raw shares carry no "
	    "check, so a wrong or missing share gives a wrong secret",
	    o->source_count, (unsigned long long)len);
	return 0;
}

/* Everything refused before anyone types a share, and the signer. */
static int
prepare(struct gather *g, struct sym_shareset **text, const char *out_path,
    int force, const char *signer_path)
{
	int rc;

	/* A secret on a terminal ends up in scrollback and screen
	 * recordings; shares typed on one visibly would be echoed. */
	if (out_path == NULL && sym_io_isatty(STDOUT_FILENO)) {
		cli_error("refusing to write the secret to a terminal: use --out "
		    "FILE, or redirect standard output");
		return CLI_EXIT_USAGE;
	}
	for (size_t i = 0; i < g->opts.source_count; i++)
		if (strcmp(g->opts.sources[i], "-") == 0 &&
		    sym_io_isatty(STDIN_FILENO)) {
			cli_error("--share -: standard input is a terminal; leave "
			    "out --share - to be asked without echo");
			return CLI_EXIT_USAGE;
		}
	/* Refuse before anyone types a share, not after. */
	if (out_path != NULL && !force &&
	    (rc = sym_io_check_absent(out_path)) != SYM_OK)
		return cli_fail(rc, out_path);
	if ((rc = sym_shareset_new(text)) != SYM_OK)
		return cli_fail(rc, NULL);
	g->engine.text = *text;
	if (signer_path != NULL) {
		struct sym_identity signer;

		rc = sym_identity_load_public(&signer, signer_path);
		if (rc != SYM_OK)
			return cli_fail(rc, signer_path);
		memcpy(g->signer, signer.sign_public, sizeof g->signer);
		g->pin_signer = 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_ARG("format", 'f'), GATHER_OPTIONS,
		CLI_ARG("manifest", 'm'), CLI_ARG("signer", 'S'),
		CLI_ARG("key-threshold", 't'), CLI_ARG("out", 'o'),
		CLI_NOARG("force", 'F'), CLI_OPT_HELP, CLI_OPT_END,
	};
	struct gather g;
	struct sym_shareset *text = NULL;
	const char *out_path = NULL, *manifest_path = NULL, *signer_path = NULL;
	int opt, rc, force = 0, raw = 0, status;

	cli_init("symbolon-combine");
	if ((status = gather_init(&g, NULL, NULL)) != 0)
		return status;
	g.engine.format = SYM_TEXT_VAULT;
	g.input_max = SHARE_FILE_MAX_BYTES;
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (strcmp(optarg, "vault") == 0)
				g.engine.format = SYM_TEXT_VAULT;
			else if (strcmp(optarg, "hex") == 0)
				g.engine.format = SYM_TEXT_HEX;
			else if (!(raw = strcmp(optarg, "raw") == 0))
				return cli_usage_error(synopsis, "--format: "
				    "expected vault, hex or raw, not %s", optarg);
			break;
		case GATHER_OPT_SHARE:
			if (g.opts.source_count == GATHER_MAX_SOURCES)
				return cli_usage_error(synopsis, "more than %d "
				    "--share options", GATHER_MAX_SOURCES);
			g.opts.sources[g.opts.source_count++] = optarg;
			break;
		case 'm': manifest_path = optarg; break;
		case 'S': signer_path = optarg; break;
		case 't':
			if (cli_parse_uint(optarg, SYM_SHAMIR_MIN_THRESHOLD,
			    SYM_SHAMIR_MAX_SHARES, &g.engine.text_threshold) != 0)
				return cli_usage_error(synopsis, "--key-threshold"
				    ": expected a number from 2 to 255, not %s",
				    optarg);
			break;
		case 'o': out_path = optarg; break;
		case 'F': force = 1; break;
		default:
			if ((rc = gather_option(&g.opts, opt, optarg)) == 1)
				break;
			return rc > 1 ? rc : cli_other_option(opt, synopsis, argv);
		}
	}
	if (optind < argc)
		/* Not echoed: it may well be a share, and ceremonies are
		 * often filmed or logged. */
		return cli_usage_error(synopsis, "unexpected argument (shares "
		    "are given with --share FILE, never as arguments)");
	if (raw && (manifest_path || signer_path || g.opts.identity_count ||
	    g.opts.identity_passphrase_file || g.opts.passphrase_file ||
	    g.engine.text_threshold))
		return cli_usage_error(synopsis, "--format raw shares carry no "
		    "signature, threshold or protection: --manifest, --signer, "
		    "--identity, --passphrase-file and --key-threshold do not "
		    "apply");
	if ((status = prepare(&g, &text, out_path, force, signer_path)) == 0)
		status = raw ? combine_raw(&g.opts, out_path, force) :
		    combine(&g, manifest_path, out_path, force);
	gather_free(&g);
	sym_shareset_free(text);
	return status;
}
