/*
 * symbolon rekey: Vault's `operator rekey`, offline.  The state machine is
 * lib/rekey.c (rekey.h): this parses options, calls one lib function per
 * action, and prints what it reports.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "symbolon/io.h"
#include "symbolon/rekey.h"

#include "cli.h"
#include "gather.h"

static const char synopsis[] =
    "usage: symbolon rekey --image FILE --init --key-shares N --key-threshold T\n"
    "                      --out-dir DIR [--verify] [--to A.pub,... |\n"
    "                      --holders A,...] [--signer PATH.key]\n"
    "       symbolon rekey --image FILE --nonce NONCE [--share FILE]...\n"
    "       symbolon rekey --image FILE --verify --nonce NONCE [--all]\n"
    "                      [--share FILE]...\n"
    "       symbolon rekey --image FILE --status [--format json]\n"
    "       symbolon rekey --image FILE --cancel [--verify]\n"
    "       symbolon rekey --image FILE --backup-retrieve | --backup-delete\n"
    "\n"
    "Replaces the unseal key and its shares.  --init needs no shares; then\n"
    "holders of the current shares submit them, one invocation each or all\n"
    "at once, with the nonce.  At the threshold the new shares are written\n"
    "to DIR.  With --verify they take effect only once a threshold (or,\n"
    "with --all, every one) of the new shares has been presented back; the\n"
    "old shares keep working until then.\n"
    "  --key-shares N, --key-threshold T  the new configuration\n"
    "  --out-dir DIR        where the new shares will be written\n"
    "  --to, --holders      the new holders (identities or names)\n"
    "  --signer PATH.key    the operator starting the rekey\n"
    "  --signer-passphrase-file FILE  that key's passphrase\n"
    GATHER_USAGE
    "  --ttl SECONDS        forget shares entered more than SECONDS ago\n"
    "                       (default 3600)\n"
    "  --pgp-keys K1,...    --init: seal new share I to OpenPGP key I (file or\n"
    "                       fingerprint); shares are share-I-of-N.asc\n"
    "  --backup             --init, with --pgp-keys: keep the sealed new shares\n"
    "                       in the image too (Vault's -backup)\n"
    "  --backup-retrieve    print the kept shares, their recipients and nonce\n"
    "  --backup-delete      delete the kept shares\n"
    "  --all                --verify: require every new share\n"
    "  --armor              the invocation that completes the rekey writes\n"
    "                       the new bundles in text form (.txt)\n"
    "  --format table|json  --status output\n";

static struct options {
	struct sym_rekey_start_params start;	/* --init */
	struct sym_rekey_submit_params submit;	/* --nonce, --verify */
	const char *path;
	int init, status, cancel, json, backup_retrieve, backup_delete;
	const char *pgp[SYM_SHAMIR_MAX_SHARES], *to[SYM_SHAMIR_MAX_SHARES];
	const char *names[SYM_SHAMIR_MAX_SHARES];
	unsigned ttl;
	struct gather_options share_opts;
} o = {
	.start = { .names = o.names, .to = o.to, .pgp = o.pgp,
	    .signer_prompt = "Passphrase for the signer key (will be hidden): " },
	.ttl = SYM_REKEY_DEFAULT_TTL,
};

/* Prints what the library reports, or why it said no; frees the text. */
static int
report(int rc, struct sym_rekey_text *t, enum sym_rekey_refusal r,
    const char *why)
{
	int done = rc == SYM_OK && r == SYM_REKEY_ACCEPTED;

	if (done)
		fwrite(t->bytes, 1, t->len, stdout);
	sym_rekey_text_free(t);
	if (done)
		return 0;
	if (why == NULL || why[0] == '\0')
		return cli_fail(rc, o.path);
	if (r == SYM_REKEY_AFTER_HEADER)
		cli_error("%s: %s", o.path, why);
	else
		cli_error("%s", why);
	if (rc != SYM_OK)
		return sym_exit_status(rc);
	return sym_rekey_refusal_is_usage(r) ? CLI_EXIT_USAGE : CLI_EXIT_INVALID;
}

/* Current shares toward completion, or the new ones for verification:
 * gather.c asks for them, the submission keeps what it accepts. */
static int
do_submit(struct sym_image *img)
{
	static struct sym_rekey_submission_info info;
	static struct sym_rekey_submit_result r;
	struct sym_rekey_submission *sub = NULL;
	struct gather g;
	int rc, status;

	memset(&g, 0, sizeof g);
	if (o.share_opts.source_count == 0 && !sym_io_isatty(0)) {
		cli_error("no share given: use --share FILE, or run at a "
		    "terminal to be asked for one");
		return CLI_EXIT_USAGE;
	}
	rc = sym_rekey_submission_open(&sub, &info, img, &o.submit);
	if (sub == NULL)
		return report(rc, &info.plan, info.refusal, info.why);
	/* Shown before anyone enters a share: the configuration lives
	 * outside the signed header until the rekey completes. */
	fwrite(info.plan.bytes, 1, info.plan.len, stderr);
	sym_rekey_text_free(&info.plan);
	if ((status = gather_init(&g, img, &o.share_opts)) != 0)
		goto out;
	if ((rc = sym_rekey_submission_load(sub, &info, g.quorum)) != SYM_OK) {
		status = report(rc, &info.plan, 0, info.why);
		goto out;
	}
	if (info.expired)
		cli_error("warning: shares entered more than %u seconds ago "
		    "expired and were wiped; enter them again", o.ttl);
	g.progress_label = o.submit.verification ? "Verification Progress" :
	    "Rekey Progress";
	g.pending_generation = o.submit.verification;
	g.required = info.needed;
	g.on_accept = sym_rekey_submission_accept;
	g.on_accept_ctx = sub;
	for (size_t i = 0; i < o.share_opts.source_count && status == 0; i++)
		status = gather_file(&g, o.share_opts.sources[i]);
	if (status == 0 && o.share_opts.source_count == 0 &&
	    sym_quorum_count(g.quorum) < info.needed)
		status = gather_prompt(&g);
	rc = sym_rekey_submission_finish(sub, &r, g.quorum, status != 0);
	sub = NULL;
	if (status != 0 && rc != SYM_OK)
		cli_error("warning: the shares accepted could not be kept: %s",
		    sym_strerror(rc));
	else if (r.journal_rc != SYM_OK)
		cli_error("warning: the %s in %s", r.refusal == SYM_REKEY_NO_UNSEAL ?
		    "failure could not be journaled" : "verification nonce could "
		    "not be rotated", o.path);
	if (status == 0)
		status = report(rc, &r.text, r.refusal, r.why);
	sym_rekey_submit_result_free(&r);
out:
	sym_rekey_submission_free(sub);
	gather_free(&g);
	return status;
}

/* Every other action: init, status, cancel, backup (no shares). */
static int
do_other(struct sym_image *img, uint64_t now)
{
	static struct sym_rekey_start_result i;
	static struct sym_rekey_status st;
	static struct sym_rekey_cancel_result c;
	static struct sym_rekey_backup b;
	int rc;

	if (o.init) {
		rc = sym_rekey_start(&i, img, &o.start);
		return report(rc, &i.text, i.refusal, i.why);
	}
	if (o.status) {
		rc = sym_rekey_status(&st, img, now, o.ttl, (o.json ?
		    SYM_REKEY_STATUS_JSON : 0) | (o.submit.all ?
		    SYM_REKEY_STATUS_ALL : 0));
		return report(rc, &st.text, SYM_REKEY_ACCEPTED, NULL);
	}
	if (o.cancel) {
		rc = sym_rekey_cancel(&c, img, o.submit.verification, now, o.ttl);
		return report(rc, &c.text, c.refusal, c.why);
	}
	rc = o.backup_delete ? sym_rekey_backup_delete(&b, img, now) :
	    sym_rekey_backup_get(&b, img);
	rc = report(rc, &b.text, b.refusal, b.why);
	sym_rekey_backup_free(&b);
	return rc;
}

/* Takes one option (getopt's flags set the others); 0 or an exit status,
 * -1 after --help. */
static int
take(int opt, char *arg)
{
	unsigned *n = opt == 'n' ? &o.start.shares : &o.start.threshold;

	switch (opt) {
	case 0: return 0;
	case 'i': o.path = arg; return 0;
	case 'o': o.start.out_dir = arg; return 0;
	case 's': o.start.signer = arg; return 0;
	case 'S': o.start.signer_passphrase_file = arg; return 0;
	case 'N': o.submit.nonce = arg; return 0;
	case 'n':
	case 't':
		return cli_parse_uint(arg, 0, 65535, n) == 0 ? 0 : cli_usage_error(
		    synopsis, "--key-%s: not a number: %s", opt == 'n' ? "shares" :
		    "threshold", arg);
	case 'L':
		return cli_parse_uint(arg, 1, 0x7fffffff, &o.ttl) == 0 ? 0 :
		    cli_usage_error(synopsis, "--ttl: a number of seconds, not %s",
		    arg);
	case 'T':
		return cli_list_option(arg, o.to, &o.start.to_count, synopsis,
		    "--to", ".pub files");
	case 'H':
		return cli_list_option(arg, o.names, &o.start.name_count,
		    synopsis, "--holders", "names");
	case 'K':
		return cli_list_option(arg, o.pgp, &o.start.pgp_count, synopsis,
		    "--pgp-keys", "key files or fingerprints");
	case 'f':
		o.json = strcmp(arg, "json") == 0;
		return o.json || strcmp(arg, "table") == 0 ? 0 : cli_usage_error(
		    synopsis, "--format: expected table or json, not %s", arg);
	case 'h':
		return fputs(synopsis, stdout), -1;
	default:
		return cli_usage_error(synopsis, "unknown option or missing "
		    "value: %s", arg);
	}
}

/* Which options go together; the --init rules are the library's. */
static int
check(int argc)
{
	struct sym_rekey_start_params *p = &o.start;
	char why[SYM_REKEY_WHY_MAX];

	if (optind < argc)
		return cli_usage_error(synopsis, "unexpected argument (shares "
		    "are given with --share FILE)");
	if (o.path == NULL)
		return cli_usage_error(synopsis, "missing --image");
	if (o.init + o.status + o.cancel + o.backup_retrieve +
	    o.backup_delete > 1)
		return cli_usage_error(synopsis, "--init, --status and --cancel "
		    "exclude each other");
	if (o.init && sym_rekey_start_check(why, p) != SYM_OK)
		return cli_usage_error(synopsis, "%s", why);
	if (!o.init && (p->shares || p->threshold || p->out_dir ||
	    p->to_count || p->name_count || p->signer || p->pgp_count ||
	    p->backup))
		return cli_usage_error(synopsis, "--key-shares, --key-threshold, "
		    "--out-dir, --to, --holders, --pgp-keys, --backup and "
		    "--signer go with --init");
	o.submit.ttl = o.ttl;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "init", no_argument, &o.init, 1 },
		{ "key-shares", required_argument, NULL, 'n' },
		{ "key-threshold", required_argument, NULL, 't' },
		{ "out-dir", required_argument, NULL, 'o' },
		{ "verify", no_argument, &o.submit.verification, 1 },
		{ "to", required_argument, NULL, 'T' },
		{ "holders", required_argument, NULL, 'H' },
		{ "signer", required_argument, NULL, 's' },
		{ "signer-passphrase-file", required_argument, NULL, 'S' },
		{ "nonce", required_argument, NULL, 'N' },
		{ "status", no_argument, &o.status, 1 },
		{ "cancel", no_argument, &o.cancel, 1 },
		{ "all", no_argument, &o.submit.all, 1 },
		{ "ttl", required_argument, NULL, 'L' },
		{ "format", required_argument, NULL, 'f' },
		{ "pgp-keys", required_argument, NULL, 'K' },
		{ "backup", no_argument, &o.start.backup, 1 },
		{ "armor", no_argument, &o.submit.armor, 1 },
		{ "backup-retrieve", no_argument, &o.backup_retrieve, 1 },
		{ "backup-delete", no_argument, &o.backup_delete, 1 },
		{ "help", no_argument, NULL, 'h' },
		GATHER_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct sym_image *img = NULL;
	uint64_t now = (uint64_t)time(NULL);
	int opt, rc, status;

	cli_init("symbolon-rekey");
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		if ((status = gather_option(&o.share_opts, opt, optarg)) == 0)
			status = take(opt, opt == '?' ? argv[optind - 1] : optarg);
		if (status != 0 && status != 1)
			return status < 0 ? 0 : status;
	}
	if ((status = check(argc)) != 0)
		return status;
	o.start.verify = o.submit.verification;
	o.start.now = o.submit.now = now;
	rc = sym_image_open(&img, o.path, o.status ? SYM_IMAGE_READ :
	    SYM_IMAGE_WRITE);
	if (rc != SYM_OK)
		return cli_fail(rc, o.path);
	status = o.init || o.status || o.cancel || o.backup_retrieve ||
	    o.backup_delete ? do_other(img, now) : do_submit(img);
	sym_image_close(img);
	return status;
}
