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

#include "cli.h"

static const char synopsis[] =
    "usage: symbolon keygen identity --name NAME --out PATH\n"
    "                      [--no-passphrase | --passphrase-file FILE]\n"
    "                      [--armor] [--force]\n"
    "\n"
    "Makes a holder's or operator's identity: PATH.pub, the public identity\n"
    "bundle to hand out (PATH.pub.txt with --armor), and PATH.key, the secret\n"
    "keys (mode 0600) under a passphrase asked twice at the terminal.\n"
    "  --name NAME             the holder's name, as printed on shares\n"
    "  --out PATH              where to write PATH.pub and PATH.key\n"
    "  --no-passphrase         store the secret keys in clear (tests only)\n"
    "  --passphrase-file FILE  read the passphrase from FILE's first line\n"
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
	return cli_usage_error(synopsis, "unknown subcommand '%s'", argv[1]);
}
