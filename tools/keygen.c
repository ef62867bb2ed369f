/* symbolon keygen: initialise storage images; make identities. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "symbolon/identity.h"
#include "symbolon/init.h"
#include "symbolon/io.h"

#include "cli.h"

static const char synopsis[] =
    "usage: symbolon keygen init --image FILE --key-shares N --key-threshold T\n"
    "                      --out-dir DIR [--to A.pub,... | --holders A,...]\n"
    "                      [--passphrase-file FILE] [--pgp-keys K1,...]\n"
    "                      [--armor]\n"
    "       symbolon keygen identity --name NAME --out PATH\n"
    "                      [--no-passphrase | --passphrase-file FILE]\n"
    "                      [--armor] [--force]\n"
    "\n"
    "init: creates a sealed storage image with a fresh root key, keyring and\n"
    "image identity, and writes the unseal key's share bundles (generation 1,\n"
    "signed by the image identity) and manifest to DIR.\n"
    "identity: makes a holder's or operator's identity: PATH.pub, the public identity\n"
    "bundle to hand out (PATH.pub.txt with --armor), and PATH.key, the secret\n"
    "keys (mode 0600) under a passphrase asked twice at the terminal.\n"
    "  --name NAME             the holder's name, as printed on shares\n"
    "  --out PATH              where to write PATH.pub and PATH.key\n"
    "  --no-passphrase         store the secret keys in clear (tests only)\n"
    "  --passphrase-file FILE  read the passphrase from FILE's first line\n"
    "                          (init: line I is share I's passphrase)\n"
    "  --pgp-keys K1,...       init: seal share I to OpenPGP key I (a key file\n"
    "                          or fingerprint); shares are share-I-of-N.asc\n"
    "  --armor                 write the public bundle in text form\n"
    "  --force                 replace existing files\n";

/* Both subcommands' options; each accepts those of its letters. */
static const struct option options[] = {
	CLI_ARG("name", 'N'), CLI_ARG("out", 'O'),
	CLI_NOARG("no-passphrase", 'C'), CLI_NOARG("force", 'F'),
	CLI_ARG("image", 'i'), CLI_ARG("key-shares", 'n'),
	CLI_ARG("key-threshold", 't'), CLI_ARG("out-dir", 'o'),
	CLI_ARG("to", 'T'), CLI_ARG("holders", 'H'), CLI_ARG("pgp-keys", 'K'),
	CLI_ARG("passphrase-file", 'P'), CLI_NOARG("armor", 'a'),
	CLI_NOARG("help", 'h'), CLI_OPT_END,
};
static const char identity_letters[] = "NOCFPah", init_letters[] = "intoTHKPah";

struct args {
	struct sym_init_identity id;
	struct sym_init_shamir init;
	const char *to[SYM_SHAMIR_MAX_SHARES], *names[SYM_SHAMIR_MAX_SHARES];
	const char *pgp_specs[SYM_SHAMIR_MAX_SHARES];
	int to_count, name_count, pgp_count, help;
};

/* Parses the options of one subcommand into *a: 0, or the exit status. */
static int
parse(struct args *a, int argc, char **argv, const char *letters)
{
	int opt, rc = 0, at = 0;

	opterr = 0;
	while (rc == 0 &&
	    (opt = getopt_long_only(argc, argv, "h", options, &at)) != -1) {
		if (opt == '?' || strchr(letters, opt) == NULL)
			/* Name an option that took the next word, not that. */
			return cli_usage_error(synopsis, "unknown option or "
			    "missing value: %s", opt != '?' && optarg != NULL &&
			    optarg == argv[optind - 1] ? argv[optind - 2] :
			    argv[optind - 1]);
		switch (opt) {
		case 'N': a->id.name = optarg; break;
		case 'O': a->id.out = optarg; break;
		case 'C': a->id.no_passphrase = 1; break;
		case 'F': a->id.force = 1; break;
		case 'i': a->init.path = optarg; break;
		case 'n': case 't':
			if (cli_parse_uint(optarg, 0, 65535, opt == 'n' ?
			    &a->init.shares : &a->init.threshold) != 0)
				return cli_usage_error(synopsis, "--%s: not a "
				    "number: %s", options[at].name, optarg);
			break;
		case 'o': a->init.out_dir = optarg; break;
		case 'T': rc = cli_list_option(optarg, a->to, &a->to_count,
		    synopsis, "--to", ".pub files"); break;
		case 'H': rc = cli_list_option(optarg, a->names, &a->name_count,
		    synopsis, "--holders", "names"); break;
		case 'K': rc = cli_list_option(optarg, a->pgp_specs,
		    &a->pgp_count, synopsis, "--pgp-keys",
		    "key files or fingerprints"); break;
		case 'P': a->id.passphrase_file = a->init.passphrase_file =
		    optarg; break;
		case 'a': a->id.armor = a->init.armor = 1; break;
		case 'h': a->help = 1; fputs(synopsis, stdout); return 0;
		}
	}
	if (rc == 0 && optind < argc)
		return cli_usage_error(synopsis, "unexpected argument: %s",
		    argv[optind]);
	return rc;
}

static int
make_identity(struct args *a)
{
	const struct sym_init_identity *req = &a->id;
	struct sym_init_identity_result res;
	int rc;

	if (req->name == NULL)
		return cli_usage_error(synopsis, "missing --name");
	if (req->out == NULL)
		return cli_usage_error(synopsis, "missing --out");
	if (req->no_passphrase && req->passphrase_file)
		return cli_usage_error(synopsis, "--no-passphrase and "
		    "--passphrase-file exclude each other");
	if (sym_identity_check_name(req->name) != SYM_OK)
		return cli_usage_error(synopsis, "--name: 1 to %u bytes, no "
		    "control characters", SYM_IDENTITY_NAME_MAX);
	if ((rc = sym_init_identity(&res, req)) != SYM_OK)
		return cli_fail(rc, res.failed);
	printf("Identity       %s\nFingerprint    %s\nRead aloud     %s\n"
	    "Public         %s\nSecret         %s (%s)\n", res.name,
	    res.fingerprint, res.words, res.pub_path, res.key_path,
	    req->no_passphrase ? "NOT passphrase-protected" :
	    "passphrase-protected");
	return 0;
}

static int
check_init(struct sym_init_shamir *r, unsigned pgp_count)
{
	char why[160];
	int rc;

	if (r->path == NULL)
		return cli_usage_error(synopsis, "missing --image");
	if (r->out_dir == NULL)
		return cli_usage_error(synopsis, "missing --out-dir (where the "
		    "shares go)");
	r->pgp_count = pgp_count;
	if (sym_init_shamir_check(r, why, sizeof why) != SYM_OK)
		return cli_usage_error(synopsis, "%s", why);
	if ((rc = sym_io_check_absent(r->path)) == SYM_EEXIST) {
		cli_error("%s: file exists; an image is never replaced", r->path);
		return CLI_EXIT_USAGE;
	}
	return rc == SYM_OK ? 0 : cli_fail(rc, r->path);
}

static void
print_init(const struct sym_init_shamir *r, const struct sym_init_result *init)
{
	unsigned n = r->shares, t = r->threshold;

	printf("%-22s %s\n%-22s %s\n", "Image", r->path, "Image ID",
	    init->image_id);
	cli_print_signer("Identity Fingerprint", init->info.identity);
	printf("%-22s %s\n%-22s %u\n%-22s %u\n%-22s %s\n", "Seal Type",
	    "shamir", "Total Shares", n, "Threshold", t, "Generation", "1");
	for (unsigned i = 0; i < n; i++) {
		const struct sym_init_share *s = &init->shares[i];
		char label[32];

		if (s->path[0] == '\0')	/* not expected: paths fit */
			continue;
		snprintf(label, sizeof label, "Unseal Key %u", i + 1);
		printf("%-22s %s%s%s", label, s->path, s->holder[0] ?
		    "  holder " : "", s->holder);
		if (s->pgp_fingerprint[0])
			printf("  OpenPGP %s", s->pgp_fingerprint);
		printf("%s%s\n", s->pgp_uid ? " " : "",
		    s->pgp_uid ? s->pgp_uid : "");
	}
	printf("\nImage initialized with %u key shares and a key threshold of "
	    "%u.  Give each\nshare to its holder alone.  Every use of the "
	    "image needs %u of them.\n\nWARNING: lost shares cannot be "
	    "recovered.  If more than %u are lost, the image\nand everything "
	    "in it are lost for good.  Check each share now with\n  symbolon "
	    "verify --manifest %s/manifest.%s SHARE\n", n, t, t, n - t,
	    r->out_dir, r->armor ? "txt" : "cbor");
}

static int
init_image(struct args *a)
{
	struct sym_pgp_recipient *pgp[SYM_SHAMIR_MAX_SHARES] = { 0 };
	struct sym_init_shamir *r = &a->init;
	struct sym_init_result init;
	const char *failed = NULL;
	int rc, status;

	r->to = a->to;
	r->names = a->names;
	r->to_count = (unsigned)a->to_count;
	r->name_count = (unsigned)a->name_count;
	if ((status = check_init(r, (unsigned)a->pgp_count)) != 0)
		return status;
	if (a->pgp_count && (status = cli_pgp_resolve(pgp, a->pgp_specs,
	    a->pgp_count)) != 0)
		goto out;
	r->pgp = a->pgp_count ? pgp : NULL;
	rc = sym_init_shamir(&init, r, &failed);
	if (rc == SYM_EEXIST && failed == NULL) {
		cli_error("%s: already holds a manifest or shares; give an empty "
		    "directory", r->out_dir);
		status = CLI_EXIT_USAGE;
	} else if (rc != SYM_OK) {
		status = cli_fail(rc, failed ? failed : r->path);
	} else {
		print_init(r, &init);
		sym_init_result_free(&init);
	}
out:
	cli_pgp_free(pgp, a->pgp_count);
	return status;
}

int
main(int argc, char **argv)
{
	static struct args a;
	int identity, status;

	cli_init("symbolon-keygen");
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(synopsis, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : 0;
	}
	identity = strcmp(argv[1], "identity") == 0;
	if (!identity && strcmp(argv[1], "init") != 0)
		return cli_usage_error(synopsis, "unknown subcommand '%s'",
		    argv[1]);
	a.id.now = a.init.now = (uint64_t)time(NULL);
	if ((status = parse(&a, argc - 1, argv + 1, identity ?
	    identity_letters : init_letters)) != 0 || a.help)
		return status;
	return identity ? make_identity(&a) : init_image(&a);
}
