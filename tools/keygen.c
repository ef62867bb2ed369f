/* symbolon keygen: make identities (and, later, initialise images). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "symbolon/bundle.h"
#include "symbolon/fingerprint.h"
#include "symbolon/identity.h"
#include "symbolon/io.h"
#include "symbolon/passphrase.h"
#include "symbolon/secmem.h"

#include "symbolon/init.h"
#include "symbolon/commitment.h"

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

static int
make_identity(int argc, char **argv)
{
	static const struct option options[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "no-passphrase", no_argument, NULL, 'N' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "armor", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *out = NULL, *passphrase_file = NULL;
	char pub_path[4096], key_path[4096];
	char words[SYM_FINGERPRINT_WORDS_MAX], hex[SYM_FINGERPRINT_HEX_MAX];
	uint8_t fingerprint[SYM_FINGERPRINT_BYTES];
	struct sym_identity_secret *id = NULL;
	uint8_t *pub = NULL, *key = NULL;
	char *passphrase = NULL;
	size_t pub_len = 0, key_len = 0, passphrase_len = 0;
	int opt, rc, status, no_passphrase = 0, armor = 0, force = 0;
	enum sym_io_write_mode mode;

	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'n': name = optarg; break;
		case 'o': out = optarg; break;
		case 'N': no_passphrase = 1; break;
		case 'p': passphrase_file = optarg; break;
		case 'a': armor = 1; break;
		case 'F': force = 1; break;
		case 'h': fputs(synopsis, stdout); return 0;
		default:
			return cli_usage_error(synopsis, "unknown option or "
			    "missing value: %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(synopsis, "unexpected argument: %s",
		    argv[optind]);
	if (name == NULL)
		return cli_usage_error(synopsis, "missing --name");
	if (out == NULL)
		return cli_usage_error(synopsis, "missing --out");
	if (no_passphrase && passphrase_file)
		return cli_usage_error(synopsis, "--no-passphrase and "
		    "--passphrase-file exclude each other");
	if (sym_identity_check_name(name) != SYM_OK)
		return cli_usage_error(synopsis, "--name: 1 to %u bytes, no "
		    "control characters", SYM_IDENTITY_NAME_MAX);
	snprintf(pub_path, sizeof pub_path, "%s.pub%s", out, armor ? ".txt" : "");
	snprintf(key_path, sizeof key_path, "%s.key", out);
	mode = force ? SYM_IO_OVERWRITE : SYM_IO_NO_OVERWRITE;
	if (!force && (rc = sym_io_check_absent(pub_path)) != SYM_OK)
		return cli_fail(rc, pub_path);
	if (!force && (rc = sym_io_check_absent(key_path)) != SYM_OK)
		return cli_fail(rc, key_path);

	if (!no_passphrase) {
		passphrase = sym_secmem_alloc(SYM_PASSPHRASE_MAX_BYTES + 1);
		if (passphrase == NULL)
			return cli_fail(SYM_ENOMEM, NULL);
		rc = sym_passphrase_get(passphrase, SYM_PASSPHRASE_MAX_BYTES + 1,
		    &passphrase_len, "Passphrase for the new key (will be "
		    "hidden): ", 1, passphrase_file);
		if (rc != SYM_OK) {
			status = cli_fail(rc, passphrase_file ? passphrase_file :
			    "passphrase");
			goto out;
		}
	}
	rc = sym_identity_generate(&id, name, (uint64_t)time(NULL));
	if (rc == SYM_OK)
		rc = sym_identity_export_public(&pub, &pub_len, id);
	if (rc == SYM_OK)
		rc = sym_identity_export_secret(&key, &key_len, id, passphrase,
		    passphrase_len);
	if (rc != SYM_OK) {
		status = cli_fail(rc, NULL);
		goto out;
	}
	rc = sym_io_write_file(key_path, key, key_len, mode);
	if (rc != SYM_OK) {
		status = cli_fail(rc, key_path);
		goto out;
	}
	rc = sym_bundle_write_file(pub_path, pub, pub_len, armor, mode);
	if (rc != SYM_OK) {
		/* Without its public half the key file is of no use. */
		(void)remove(key_path);
		status = cli_fail(rc, pub_path);
		goto out;
	}
	sym_fingerprint(fingerprint, id->pub.sign_public);
	if (sym_fingerprint_hex(hex, sizeof hex, fingerprint) != SYM_OK ||
	    sym_fingerprint_words(words, sizeof words, fingerprint,
	    SYM_FINGERPRINT_WORD_BYTES) != SYM_OK) {
		status = cli_fail(SYM_EINTERNAL, NULL);
		goto out;
	}
	printf("Identity       %s\n", id->pub.name);
	printf("Fingerprint    %s\n", hex);
	printf("Read aloud     %s\n", words);
	printf("Public         %s\n", pub_path);
	printf("Secret         %s (%s)\n", key_path,
	    no_passphrase ? "NOT passphrase-protected" : "passphrase-protected");
	status = 0;
out:
	sym_secmem_free(passphrase);
	sym_secmem_free(pub);
	sym_secmem_free(key);
	sym_identity_secret_free(id);
	return status;
}

static int
init_image(int argc, char **argv)
{
	static const struct option options[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "key-shares", required_argument, NULL, 'n' },
		{ "key-threshold", required_argument, NULL, 't' },
		{ "out-dir", required_argument, NULL, 'o' },
		{ "to", required_argument, NULL, 'T' },
		{ "holders", required_argument, NULL, 'H' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "armor", no_argument, NULL, 'a' },
		{ "pgp-keys", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct sym_identity recipients[SYM_SHAMIR_MAX_SHARES];
	static char pgp_names[SYM_SHAMIR_MAX_SHARES][SYM_IDENTITY_NAME_MAX + 1];
	struct sym_pgp_recipient *pgp[SYM_SHAMIR_MAX_SHARES] = { 0 };
	const char *pgp_specs[SYM_SHAMIR_MAX_SHARES];
	int pgp_count = 0;
	struct sym_deal_holder holders[SYM_SHAMIR_MAX_SHARES];
	const char *to[SYM_SHAMIR_MAX_SHARES], *names[SYM_SHAMIR_MAX_SHARES];
	char *passphrases[SYM_SHAMIR_MAX_SHARES] = { 0 };
	const char *path = NULL, *out_dir = NULL, *passphrase_file = NULL;
	struct sym_init_result init;
	unsigned n = 0, t = 0;
	int opt, rc, status = 0, armor = 0, to_count = 0, name_count = 0;
	char image_id[SYM_SET_ID_TEXT_MAX];

	memset(holders, 0, sizeof holders);
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'i': path = optarg; break;
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
		case 'o': out_dir = optarg; break;
		case 'T':
			if ((status = cli_list_option(optarg, to,
			    &to_count, synopsis, "--to",
			    ".pub files")) != 0)
				return status;
			break;
		case 'H':
			if ((status = cli_list_option(optarg, names,
			    &name_count, synopsis, "--holders",
			    "names")) != 0)
				return status;
			break;
		case 'P': passphrase_file = optarg; break;
		case 'a': armor = 1; break;
		case 'K':
			if ((status = cli_list_option(optarg, pgp_specs,
			    &pgp_count, synopsis, "--pgp-keys",
			    "key files or fingerprints")) != 0)
				return status;
			break;
		case 'h': fputs(synopsis, stdout); return 0;
		default:
			return cli_usage_error(synopsis, "unknown option or "
			    "missing value: %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(synopsis, "unexpected argument: %s",
		    argv[optind]);
	if (path == NULL)
		return cli_usage_error(synopsis, "missing --image");
	if (out_dir == NULL)
		return cli_usage_error(synopsis, "missing --out-dir (where the "
		    "shares go)");
	if (n < 2 || n > SYM_SHAMIR_MAX_SHARES)
		return cli_usage_error(synopsis, "--key-shares: 2 to %u shares",
		    SYM_SHAMIR_MAX_SHARES);
	if (t < 2 || t > n)
		return cli_usage_error(synopsis, "--key-threshold %u: must be "
		    "at least 2 and at most --key-shares %u", t, n);
	if ((to_count && to_count != (int)n) ||
	    (name_count && name_count != (int)n))
		return cli_usage_error(synopsis, "--to and --holders name one "
		    "holder per share (%u)", n);
	if (to_count && (name_count || passphrase_file))
		return cli_usage_error(synopsis, "--to excludes --holders and "
		    "--passphrase-file");
	if (pgp_count && pgp_count != (int)n)
		return cli_usage_error(synopsis, "incorrect number of PGP keys: "
		    "%d for %u shares", pgp_count, n);
	if (pgp_count && (to_count || passphrase_file))
		return cli_usage_error(synopsis, "--pgp-keys excludes --to and "
		    "--passphrase-file");
	if ((rc = sym_io_check_absent(path)) != SYM_OK) {
		if (rc != SYM_EEXIST)
			return cli_fail(rc, path);
		cli_error("%s: file exists; an image is never replaced", path);
		return CLI_EXIT_USAGE;
	}
	for (int i = 0; i < to_count; i++) {
		rc = sym_identity_load_public(&recipients[i], to[i]);
		if (rc != SYM_OK)
			return cli_fail(rc, to[i]);
		holders[i].name = recipients[i].name;
		holders[i].protection = SYM_SHARE_TO_IDENTITY;
		holders[i].recipient = &recipients[i];
	}
	for (int i = 0; i < name_count; i++) {
		if (sym_identity_check_name(names[i]) != SYM_OK)
			return cli_usage_error(synopsis, "--holders: name %d is "
			    "not 1 to %u printable bytes", i + 1,
			    SYM_IDENTITY_NAME_MAX);
		holders[i].name = names[i];
	}
	for (unsigned i = 0; passphrase_file && i < n; i++) {
		size_t len;

		passphrases[i] = sym_secmem_alloc(SYM_PASSPHRASE_MAX_BYTES + 1);
		if (passphrases[i] == NULL) {
			status = cli_fail(SYM_ENOMEM, NULL);
			goto out;
		}
		rc = sym_passphrase_get_line(passphrases[i],
		    SYM_PASSPHRASE_MAX_BYTES + 1, &len, passphrase_file, i + 1);
		if (rc != SYM_OK) {
			status = cli_fail(rc, passphrase_file);
			goto out;
		}
		holders[i].protection = SYM_SHARE_PASSPHRASE;
		holders[i].passphrase = passphrases[i];
		holders[i].passphrase_len = len;
	}
	if (pgp_count && (status = cli_pgp_resolve(pgp, pgp_specs,
	    pgp_count)) != 0)
		goto out;
	for (int i = 0; i < pgp_count; i++) {
		holders[i].protection = SYM_SHARE_OPENPGP;
		holders[i].pgp = sym_pgp_recipient_key(pgp[i]);
		if (holders[i].name == NULL) {
			cli_pgp_holder_name(pgp_names[i], sizeof pgp_names[i],
			    holders[i].pgp);
			holders[i].name = pgp_names[i];
		}
	}
	{
		struct sym_init_shamir req = {
			.path = path, .shares = n, .threshold = t,
			.holders = holders, .pgp = pgp_count ? pgp : NULL,
			.out_dir = out_dir, .armor = armor,
			.now = (uint64_t)time(NULL),
		};

		rc = sym_init_shamir(&init, &req);
	}
	if (rc == SYM_EEXIST) {
		cli_error("%s: already holds a manifest or shares; give an empty "
		    "directory", out_dir);
		status = CLI_EXIT_USAGE;
		goto out;
	}
	if (rc != SYM_OK) {
		status = cli_fail(rc, path);
		goto out;
	}
	sym_set_id_text(image_id, init.info.image_id);
	printf("%-22s %s\n", "Image", path);
	printf("%-22s %s\n", "Image ID", image_id);
	cli_print_signer("Identity Fingerprint", init.info.identity);
	printf("%-22s %s\n", "Seal Type", "shamir");
	printf("%-22s %u\n", "Total Shares", n);
	printf("%-22s %u\n", "Threshold", t);
	printf("%-22s %s\n", "Generation", "1");
	for (unsigned i = 1; i <= n; i++) {
		char label[32], file[4096];
		const struct sym_manifest_entry *e = &init.deal.record->entries[i - 1];

		if (sym_deal_path(file, sizeof file, &init.deal, out_dir, i,
		    armor) != SYM_OK)
			continue;
		snprintf(label, sizeof label, "Unseal Key %u", i);
		printf("%-22s %s%s%s", label, file, e->holder[0] ?
		    "  holder " : "", e->holder);
		if (e->protection == SYM_SHARE_OPENPGP) {
			const char *uid = sym_pgp_recipient_key(pgp[i - 1])->uid;

			printf("  OpenPGP ");
			for (size_t j = 0; j < sizeof e->pgp_fingerprint; j++)
				printf("%02X", e->pgp_fingerprint[j]);
			/* The user id too when --holders named them. */
			if (uid[0] && strcmp(uid, e->holder) != 0)
				printf(" %s", uid);
		}
		printf("\n");
	}
	printf("\nImage initialized with %u key shares and a key threshold of "
	    "%u.  Give each\nshare to its holder alone.  Every use of the "
	    "image needs %u of them.\n\nWARNING: lost shares cannot be "
	    "recovered.  If more than %u are lost, the image\nand everything "
	    "in it are lost for good.  Check each share now with\n  symbolon "
	    "verify --manifest %s/manifest.%s SHARE\n", n, t, t, n - t,
	    out_dir, armor ? "txt" : "cbor");
	sym_init_result_free(&init);
out:
	cli_pgp_free(pgp, pgp_count);
	for (unsigned i = 0; i < n && i < SYM_SHAMIR_MAX_SHARES; i++)
		sym_secmem_free(passphrases[i]);
	return status;
}

int
main(int argc, char **argv)
{
	cli_init("symbolon-keygen");
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(synopsis, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "identity") == 0)
		return make_identity(argc - 1, argv + 1);
	if (strcmp(argv[1], "init") == 0)
		return init_image(argc - 1, argv + 1);
	return cli_usage_error(synopsis, "unknown subcommand '%s'", argv[1]);
}
