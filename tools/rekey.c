/* symbolon rekey: Vault's `operator rekey`, offline.  The state machine is
 * lib/rekey.c (rekey.h); this parses options, calls one lib function per
 * action and prints what it says. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "symbolon/rekey.h"

#include "cli.h"
#include "rekey.h"

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
    "  every form takes [--target barrier|recovery]\n"
    "\n"
    "Replaces the unseal key and its shares.  --init needs no shares; then\n"
    "holders of the current shares submit them, one invocation each or all\n"
    "at once, with the nonce.  At the threshold the new shares are written\n"
    "to DIR.  With --verify they take effect only once a threshold (or,\n"
    "with --all, every one) of the new shares has been presented back; the\n"
    "old shares keep working until then.\n"
    "  --target barrier|recovery  the unseal key (default), or an auto-sealed\n"
    "                       image's recovery key; on an auto seal the quorum\n"
    "                       is the recovery shares, and the barrier gets no\n"
    "                       shares: its seal wraps the new key\n"
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
	enum sym_rekey_target target;
	int init, status, cancel, json, backup_retrieve, backup_delete;
	const char *pgp[SYM_SHAMIR_MAX_SHARES], *to[SYM_SHAMIR_MAX_SHARES];
	const char *names[SYM_SHAMIR_MAX_SHARES];
	struct gather_options share_opts;
} o = {
	.start = { .names = o.names, .to = o.to, .pgp = o.pgp },
	.submit = { .ttl = SYM_REKEY_DEFAULT_TTL },
};

/* Every other action: init, status, cancel, backup (no shares). */
static int
do_other(struct sym_image *img)
{
	const uint64_t now = o.submit.now;
	static struct sym_rekey_start_result i;
	static struct sym_rekey_status st;
	static struct sym_rekey_cancel_result c;
	static struct sym_rekey_backup b;
	const unsigned flags = (o.json ? SYM_REKEY_STATUS_JSON : 0) |
	    (o.submit.all ? SYM_REKEY_STATUS_ALL : 0);
	int status;

	if (o.init)
		return rekey_report(sym_rekey_start(&i, img, &o.start), &i.said,
		    o.path);
	if (o.status)
		return rekey_report(sym_rekey_status(&st, img, o.target, now,
		    o.submit.ttl, flags), &st.said, o.path);
	if (o.cancel)
		return rekey_report(sym_rekey_cancel(&c, img, o.target,
		    o.submit.verification, now, o.submit.ttl), &c.said, o.path);
	status = rekey_report(o.backup_delete ? sym_rekey_backup_delete(&b,
	    img, o.target, now) : sym_rekey_backup_get(&b, img, o.target),
	    &b.said, o.path);
	sym_rekey_backup_free(&b);
	return status;
}

/* One option (getopt sets the flags): 0, an exit status, -1 after --help. */
static int
take(int opt, char *arg)
{
	unsigned *n = opt == 'n' ? &o.start.shares : opt == 't' ?
	    &o.start.threshold : &o.submit.ttl;

#define LIST(items, count, name, what) \
	return cli_list_option(arg, items, &count, synopsis, name, what)
	switch (opt) {
	case 0: return 0;
	case 'i': o.path = o.submit.image_name = arg; return 0;
	case 'o': o.start.out_dir = arg; return 0;
	case 's': o.start.signer = arg; return 0;
	case 'S': o.start.signer_passphrase_file = arg; return 0;
	case 'N': o.submit.nonce = arg; return 0;
	case 'n':
	case 't':
	case 'L':
		if (cli_parse_uint(arg, opt == 'L', opt == 'L' ? 0x7fffffff :
		    65535, n) == 0)
			return 0;
		return cli_usage_error(synopsis, opt == 'L' ? "--ttl: a number "
		    "of seconds, not %s" : opt == 'n' ? "--key-shares: not a "
		    "number: %s" : "--key-threshold: not a number: %s", arg);
	case 'T': LIST(o.to, o.start.to_count, "--to", ".pub files");
	case 'H': LIST(o.names, o.start.name_count, "--holders", "names");
	case 'K': LIST(o.pgp, o.start.pgp_count, "--pgp-keys",
	    "key files or fingerprints");
	case 'f':
		if (strcmp(arg, "json") == 0 || strcmp(arg, "table") == 0)
			return o.json |= arg[0] == 'j', 0;
		return cli_usage_error(synopsis, "--format: expected table or "
		    "json, not %s", arg);
	case 'g':
		if (strcmp(arg, "barrier") == 0 || strcmp(arg, "recovery") == 0)
			return o.target = arg[0] == 'r' ? SYM_REKEY_RECOVERY :
			    SYM_REKEY_BARRIER, 0;
		return cli_usage_error(synopsis, "--target: expected barrier "
		    "or recovery, not %s", arg);
	case 'h':
		return fputs(synopsis, stdout), -1;
	default:
		return cli_usage_error(synopsis, "unknown option or missing "
		    "value: %s", arg);
	}
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_ARG("image", 'i'), CLI_FLAG("init", o.init),
		CLI_ARG("key-shares", 'n'), CLI_ARG("key-threshold", 't'),
		CLI_ARG("out-dir", 'o'), CLI_ARG("to", 'T'),
		CLI_FLAG("verify", o.submit.verification),
		CLI_ARG("holders", 'H'), CLI_ARG("signer", 's'),
		CLI_ARG("signer-passphrase-file", 'S'), CLI_ARG("nonce", 'N'),
		CLI_FLAG("status", o.status), CLI_ARG("ttl", 'L'),
		CLI_FLAG("cancel", o.cancel), CLI_FLAG("all", o.submit.all),
		CLI_ARG("format", 'f'), CLI_ARG("pgp-keys", 'K'),
		CLI_ARG("target", 'g'),
		CLI_FLAG("armor", o.submit.armor),
		CLI_FLAG("backup", o.start.backup),
		CLI_FLAG("backup-delete", o.backup_delete),
		CLI_FLAG("backup-retrieve", o.backup_retrieve), CLI_OPT_HELP,
		GATHER_OPTIONS, CLI_OPT_END,
	};
	struct sym_image *img = NULL;
	char why[SYM_REKEY_WHY_MAX];
	int opt, rc, status;

	cli_init("symbolon-rekey");
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		if ((status = gather_option(&o.share_opts, opt, optarg)) == 0)
			status = take(opt, optarg ? optarg : argv[optind - 1]);
		if (status != 0 && status != 1)
			return status < 0 ? 0 : status;
	}
	if (optind < argc)
		return cli_usage_error(synopsis, "unexpected argument (shares "
		    "are given with --share FILE)");
	if (o.path == NULL)
		return cli_usage_error(synopsis, "missing --image");
	if (o.init + o.status + o.cancel + o.backup_retrieve +
	    o.backup_delete > 1)
		return cli_usage_error(synopsis, "--init, --status and "
		    "--cancel exclude each other");
	/* Which options go together: the library's rules, for --init those
	 * of the image's seal (below). */
	if (!o.init && sym_rekey_start_check(why, &o.start, 0, NULL) != SYM_OK)
		return cli_usage_error(synopsis, "%s", why);
	o.start.verify = o.submit.verification;
	o.start.target = o.submit.target = o.target;
	o.start.now = o.submit.now = (uint64_t)time(NULL);
	rc = sym_image_open(&img, o.path, o.status ? SYM_IMAGE_READ :
	    SYM_IMAGE_WRITE);
	if (rc != SYM_OK)
		return cli_fail(rc, o.path);
	if (o.init && sym_rekey_start_check(why, &o.start, 1,
	    sym_image_info(img)) != SYM_OK) {
		sym_image_close(img);
		return cli_usage_error(synopsis, "%s", why);
	}
	status = o.init || o.status || o.cancel || o.backup_retrieve ||
	    o.backup_delete ? do_other(img) : rekey_submit(img, &o.submit,
	    &o.share_opts);
	sym_image_close(img);
	return status;
}
