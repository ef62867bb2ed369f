/* symbolon keygen: initialise storage images; make identities; export an
 * image's root key (keygen_init.c, keygen_export.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "symbolon/identity.h"
#include "symbolon/init.h"
#include "symbolon/io.h"

#include "cli.h"
#include "keygen.h"

const char keygen_synopsis[] =
    "usage: symbolon keygen init --image FILE --key-shares N --key-threshold T\n"
    "                      --out-dir DIR [--to A.pub,... | --holders A,...]\n"
    "                      [--passphrase-file FILE] [--pgp-keys K1,...]\n"
    "                      [--armor]\n"
    "       symbolon keygen init --image FILE --seal TYPE:KEY=VALUE,...\n"
    "                      --out-dir DIR [--recovery-shares N]\n"
    "                      [--recovery-threshold T] [--recovery-pgp-keys K1,...]\n"
    "                      [--to ... | --holders ...] [--pin-file FILE] [--armor]\n"
    "       symbolon keygen identity --name NAME --out PATH\n"
    "                      [--no-passphrase | --passphrase-file FILE]\n"
    "                      [--armor] [--force]\n"
    "       symbolon keygen export-root --image FILE --out FILE [share options]\n"
    "\n"
    "init: creates a sealed storage image with a fresh root key, keyring and\n"
    "image identity, and writes the unseal key's share bundles (generation 1,\n"
    "signed by the image identity) and manifest to DIR.  With --seal the root\n"
    "key is wrapped by a device instead (pkcs11, tpm2, openpgp: an auto seal)\n"
    "and DIR gets recovery shares (default 5, threshold 3), which open nothing:\n"
    "they authorise rekey and export-root.\n"
    "identity: makes a holder's or operator's identity: PATH.pub, the public identity\n"
    "bundle to hand out (PATH.pub.txt with --armor), and PATH.key, the secret\n"
    "keys (mode 0600) under a passphrase asked twice at the terminal.\n"
    "export-root: writes the image's root key to FILE (mode 0600), with a quorum.\n"
    "  --name NAME             the holder's name, as printed on shares\n"
    "  --out PATH              where to write PATH.pub and PATH.key\n"
    "  --no-passphrase         store the secret keys in clear (tests only)\n"
    "  --passphrase-file FILE  read the passphrase from FILE's first line\n"
    "                          (init: line I is share I's passphrase)\n"
    "  --pgp-keys K1,...       init: seal share I to OpenPGP key I (a key file\n"
    "                          or fingerprint); shares are share-I-of-N.asc\n"
    "  --seal TYPE:K=V,...     an auto seal (see symbolon-keygen(1)): pkcs11\n"
    "                          (module, token, key, ...), tpm2, openpgp\n"
    "  --pin-file FILE         the seal device's PIN (default: asked, hidden)\n"
    "  --armor                 write the public bundle in text form\n"
    "  --force                 replace existing files\n";

/* Every subcommand's options; each accepts those of its letters. */
static const struct option options[] = {
	CLI_ARG("name", 'N'), CLI_ARG("out", 'O'),
	CLI_NOARG("no-passphrase", 'C'), CLI_NOARG("force", 'F'),
	CLI_ARG("image", 'i'), CLI_ARG("key-shares", 'n'),
	CLI_ARG("key-threshold", 't'), CLI_ARG("out-dir", 'o'),
	CLI_ARG("to", 'T'), CLI_ARG("holders", 'H'), CLI_ARG("pgp-keys", 'K'),
	CLI_ARG("passphrase-file", 'P'), CLI_NOARG("armor", 'a'),
	CLI_ARG("seal", 's'), CLI_ARG("pin-file", 'p'),
	CLI_ARG("recovery-shares", 'r'), CLI_ARG("recovery-threshold", 'R'),
	CLI_ARG("recovery-pgp-keys", 'k'),
	CLI_NOARG("help", 'h'), CLI_OPT_END,
};
static const char identity_letters[] = "NOCFPah",
    init_letters[] = "intoTHKPaspRrkh";

static int
count_option(struct keygen_args *a, int opt, int at)
{
	int recovery = opt == 'r' || opt == 'R';

	if (cli_parse_uint(optarg, 0, 65535, opt == 'n' || opt == 'r' ?
	    &a->init.shares : &a->init.threshold) != 0)
		return cli_usage_error(keygen_synopsis, "--%s: not a number: %s",
		    options[at].name, optarg);
	if (recovery)
		a->recovery_options = 1;
	else
		a->key_options = 1;
	return 0;
}

/* Parses the options of one subcommand into *a: 0, or the exit status. */
static int
parse(struct keygen_args *a, int argc, char **argv, const char *letters)
{
	int opt, rc = 0, at = 0;

	opterr = 0;
	while (rc == 0 &&
	    (opt = getopt_long_only(argc, argv, "h", options, &at)) != -1) {
		if (opt == '?' || strchr(letters, opt) == NULL)
			/* Name an option that took the next word, not that. */
			return cli_usage_error(keygen_synopsis, "unknown option "
			    "or missing value: %s", opt != '?' && optarg != NULL
			    && optarg == argv[optind - 1] ? argv[optind - 2] :
			    argv[optind - 1]);
		switch (opt) {
		case 'N': a->id.name = optarg; break;
		case 'O': a->id.out = a->out = optarg; break;
		case 'C': a->id.no_passphrase = 1; break;
		case 'F': a->id.force = 1; break;
		case 'i': a->init.path = optarg; break;
		case 'n': case 't': case 'r': case 'R':
			rc = count_option(a, opt, at); break;
		case 'o': a->init.out_dir = optarg; break;
		case 'T': rc = cli_list_option(optarg, a->to, &a->to_count,
		    keygen_synopsis, "--to", ".pub files"); break;
		case 'H': rc = cli_list_option(optarg, a->names, &a->name_count,
		    keygen_synopsis, "--holders", "names"); break;
		case 'K': case 'k':
			a->key_options |= opt == 'K';
			a->recovery_options |= a->recovery_pgp = opt == 'k';
			rc = cli_list_option(optarg, a->pgp_specs, &a->pgp_count,
			    keygen_synopsis, options[at].name,
			    "key files or fingerprints"); break;
		case 'P': a->id.passphrase_file = a->init.passphrase_file =
		    optarg; break;
		case 'a': a->id.armor = a->init.armor = 1; break;
		case 's': a->seal = optarg; break;
		case 'p': a->pin_file = optarg; break;
		case 'h': a->help = 1; fputs(keygen_synopsis, stdout); return 0;
		}
	}
	if (rc == 0 && optind < argc)
		return cli_usage_error(keygen_synopsis, "unexpected argument: %s",
		    argv[optind]);
	return rc;
}

static int
make_identity(struct keygen_args *a)
{
	const struct sym_init_identity *req = &a->id;
	struct sym_init_identity_result res;
	int rc;

	if (req->name == NULL)
		return cli_usage_error(keygen_synopsis, "missing --name");
	if (req->out == NULL)
		return cli_usage_error(keygen_synopsis, "missing --out");
	if (req->no_passphrase && req->passphrase_file)
		return cli_usage_error(keygen_synopsis, "--no-passphrase and "
		    "--passphrase-file exclude each other");
	if (sym_identity_check_name(req->name) != SYM_OK)
		return cli_usage_error(keygen_synopsis, "--name: 1 to %u bytes, "
		    "no control characters", SYM_IDENTITY_NAME_MAX);
	if ((rc = sym_init_identity(&res, req)) != SYM_OK)
		return cli_fail(rc, res.failed);
	printf("Identity       %s\nFingerprint    %s\nRead aloud     %s\n"
	    "Public         %s\nSecret         %s (%s)\n", res.name,
	    res.fingerprint, res.words, res.pub_path, res.key_path,
	    req->no_passphrase ? "NOT passphrase-protected" :
	    "passphrase-protected");
	return 0;
}

int
main(int argc, char **argv)
{
	static struct keygen_args a;
	int identity, status;

	cli_init("symbolon-keygen");
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(keygen_synopsis, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "export-root") == 0)
		return keygen_export_root(&a, argc - 1, argv + 1);
	identity = strcmp(argv[1], "identity") == 0;
	if (!identity && strcmp(argv[1], "init") != 0)
		return cli_usage_error(keygen_synopsis, "unknown subcommand "
		    "'%s'", argv[1]);
	a.id.now = a.init.now = (uint64_t)time(NULL);
	if ((status = parse(&a, argc - 1, argv + 1, identity ?
	    identity_letters : init_letters)) != 0 || a.help)
		return status;
	return identity ? make_identity(&a) : keygen_init(&a);
}
