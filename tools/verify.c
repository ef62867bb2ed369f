/*
 * symbolon verify: check bundles (identity, share, manifest), audit shares
 * against their manifest without reconstructing anything, check an image
 * and transcripts.  The policy is lib/verify.c; this prints its reports.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbolon/verify.h"

#include "cli.h"
#include "gather.h"

static const char synopsis[] =
    "usage: symbolon verify [--manifest FILE] [--signer PATH.pub]\n"
    "                       [--identity PATH.key] [--passphrase-file FILE]\n"
    "                       FILE...\n"
    "       symbolon verify --image FILE [--share FILE]... [--transcript OUT]\n"
    "       symbolon verify TRANSCRIPT [--witness-sig SIG]...\n"
    "\n"
    "Checks each bundle's signature and contents and prints its type, signer,\n"
    "set, generation and VALID, or the reason it is not.  With --manifest,\n"
    "checks shares against the manifest's commitments without reconstructing\n"
    "anything, and says whether a quorum of valid shares is present.\n"
    "With --image, checks both header copies, the identity signature and the\n"
    "audit chain; with shares, also authenticates every entry; --transcript\n"
    "exports the audit log as a transcript bundle, which `verify OUT` checks\n"
    "on another machine.\n"
    "Exit status 0 only if everything checked is valid.\n"
    "  --manifest FILE        the manifest of the shares\n"
    "  --signer PATH.pub      require this signer on every bundle\n"
    "  --identity PATH.key    decrypt shares sealed to this identity, to check\n"
    "                         their commitments\n"
    "  --identity-passphrase-file FILE  the identity key's passphrase\n"
    "  --passphrase-file FILE line I: passphrase of share I\n"
    "  --image FILE           the storage image to check\n"
    "  --share FILE           with --image: a share bundle; repeatable\n"
    "  --transcript OUT       with --image: write the audit transcript to OUT\n"
    "  --armor                with --transcript: write it in text form\n"
    "  --witness-sig SIG      a witness's OpenPGP detached signature over a\n"
    "                         transcript FILE (gpg --detach-sign); repeatable\n";

/* Writes a report's text from byte skip on; its status (2: no text). */
static int
emit(int rc, char *text, int status, size_t skip)
{
	if (rc != SYM_OK)
		return cli_fail(rc, NULL);
	fputs(text + skip, stdout);
	free(text);
	return status;
}

static int
verify_one(struct sym_verify *v, const char *path)
{
	struct sym_verify_report r;
	char *text = NULL;
	int rc, status;

	(void)sym_verify_file(v, &r, path);
	if (r.key_path != NULL)
		cli_error("%s: %s", r.key_path, sym_strerror(r.key_code));
	for (size_t i = 0; i < r.transcript.witness_count; i++)
		if (r.transcript.witnesses[i].read_code != SYM_OK)
			cli_error("%s: %s", r.transcript.witnesses[i].path,
			    sym_strerror(r.transcript.witnesses[i].read_code));
	rc = sym_verify_report_text(&text, &status, &r, v, path);
	sym_verify_report_free(&r);
	return emit(rc, text, status, 0);
}

struct image_run {
	struct gather *g;
	const char *path;
	size_t printed;		/* of the report's text, before the shares */
};

static int
unseal(void *ctx, struct sym_image *img,
    const struct sym_verify_image_report *so_far)
{
	struct image_run *run = ctx;
	struct gather_options opts = run->g->opts;
	char *text = NULL;
	int rc, status;

	/* What needs no share is said before anyone is asked for one. */
	rc = sym_verify_image_text(&text, &status, so_far, run->path, NULL);
	run->printed = rc == SYM_OK ? strlen(text) : 0;
	(void)emit(rc, text, 0, 0);
	gather_free(run->g);
	status = gather_init(run->g, img, &opts);
	return status ? status : gather_unseal(run->g);
}

static int
verify_image(const char *path, struct gather *g, const char *transcript_path,
    int armor)
{
	struct image_run run = { g, path, 0 };
	struct sym_verify_image_options o = {
		.transcript_path = transcript_path, .armor = armor,
		/* Shares, a device's PIN or a root key: unseal, and check
		 * every entry too. */
		.unseal = g->opts.source_count || g->opts.pin_file ||
		    g->opts.root_key_file ? unseal : NULL, .unseal_ctx = &run,
	};
	struct sym_verify_image_report r;
	char *text = NULL;
	int rc, status;

	(void)sym_verify_image(&r, path, &o);
	gather_free(g);
	if (r.transcript_absent == SYM_EEXIST) {
		cli_error("%s: file exists; choose a new name for the "
		    "transcript", transcript_path);
		return CLI_EXIT_USAGE;
	}
	if (r.transcript_absent != SYM_OK)
		return cli_fail(r.transcript_absent, transcript_path);
	rc = sym_verify_image_text(&text, &status, &r, path, transcript_path);
	status = emit(rc, text, status, run.printed);
	if (r.transcript_code != SYM_OK)
		cli_error("%s: %s", transcript_path,
		    sym_strerror(r.transcript_code));
	return status;
}

static int
worst(int status, int one)
{
	return one > status ? one : status;
}

/* The manifest, then the transcript and FILEs, then the quorum. */
static int
verify_files(struct sym_verify *v, const char *manifest_path,
    const char *transcript_path, char **files, int count)
{
	int rc, status = 0;

	if (manifest_path != NULL) {
		struct sym_verify_report r;
		char *text = NULL;
		int one;

		if ((rc = sym_verify_load_manifest(v, &r, manifest_path)) != 0)
			return cli_fail(rc, manifest_path);
		rc = sym_verify_report_text(&text, &one, &r, v, manifest_path);
		status = emit(rc, text, one, 0);
	}
	/* Without --image, `--transcript T` names a transcript to check
	 * (the spelling), like a FILE. */
	if (transcript_path != NULL)
		status = worst(status, verify_one(v, transcript_path));
	for (int i = 0; i < count; i++)
		status = worst(status, verify_one(v, files[i]));
	if (v->witness_count && v->transcripts == 0 && status == 0) {
		/* Never let a signature pass unchecked. */
		cli_error("--witness-sig: no transcript among the files, so no "
		    "signature was checked");
		status = CLI_EXIT_USAGE;
	}
	if (v->manifest != NULL && count > 0) {
		char *text = NULL;

		rc = sym_verify_quorum_text(&text, v);
		status = emit(rc, text, status, 0);
	}
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_ARG("manifest", 'm'), CLI_ARG("signer", 's'),
		GATHER_OPTIONS, CLI_ARG("image", 'M'),
		CLI_ARG("transcript", 'T'), CLI_ARG("witness-sig", 'W'),
		CLI_NOARG("armor", 'A'), CLI_OPT_HELP, CLI_OPT_END,
	};
	struct sym_verify v;
	struct gather g;
	const char *manifest_path = NULL, *signer_path = NULL;
	const char *image_path = NULL, *transcript_path = NULL;
	const char *witnesses[SYM_VERIFY_WITNESSES_MAX];
	int opt, rc, armor = 0, status = 0;

	memset(&v, 0, sizeof v);
	cli_init("symbolon-verify");
	if ((status = gather_init(&g, NULL, NULL)) != 0)
		return status;
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'm': manifest_path = optarg; break;
		case 's': signer_path = optarg; break;
		case 'M': image_path = optarg; break;
		case 'T': transcript_path = optarg; break;
		case 'A': armor = 1; break;
		case 'W':
			if (v.witness_count == SYM_VERIFY_WITNESSES_MAX)
				return cli_usage_error(synopsis, "more than 16 "
				    "--witness-sig options");
			witnesses[v.witness_count++] = optarg;
			break;
		default:
			if ((rc = gather_option(&g.opts, opt, optarg)) == 1)
				break;
			return rc > 1 ? rc : cli_other_option(opt, synopsis, argv);
		}
	}
	if (image_path != NULL) {
		if (v.witness_count)
			return cli_usage_error(synopsis, "--witness-sig checks a "
			    "transcript FILE: export it with --transcript, then "
			    "verify it");
		if (optind < argc || manifest_path != NULL)
			return cli_usage_error(synopsis, "--image checks one image;"
			    " verify bundles in a separate run");
		return verify_image(image_path, &g, transcript_path, armor);
	}
	if (g.opts.source_count > 0)
		return cli_usage_error(synopsis, "--share goes with --image");
	if (optind == argc && manifest_path == NULL && transcript_path == NULL)
		return cli_usage_error(synopsis, "no FILE to verify");
	if (signer_path != NULL &&
	    (rc = sym_verify_pin_signer(&v, signer_path)) != SYM_OK)
		return cli_fail(rc, signer_path);
	v.witness_sigs = witnesses;
	v.keys = gather_view(&g.engine, &g)->keys;
	status = verify_files(&v, manifest_path, transcript_path, argv + optind,
	    argc - optind);
	gather_free(&g);
	sym_verify_free(&v);
	return status;
}
