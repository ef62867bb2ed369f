/*
 * symbolon split: split a secret into Shamir shares, as Vault-format text
 * lines or, with --out-dir, as signed share bundles with their manifest.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "symbolon/io.h"
#include "symbolon/secmem.h"
#include "symbolon/share_files.h"
#include "symbolon/split.h"

#include "cli.h"

static const char synopsis[] =
    "usage: symbolon split --key-shares N --key-threshold T [--in FILE]\n"
    "                      [--format vault|hex | --format raw --out-dir DIR]\n"
    "       symbolon split --key-shares N --key-threshold T [--in FILE]\n"
    "                      --out-dir DIR [--signer PATH.key] [--armor]\n"
    "                      [--to A.pub,B.pub,... | --holders A,B,...]\n"
    "                      [--passphrase | --passphrase-file FILE]\n"
    "                      [--pgp-keys K1,K2,...]\n"
    "\n"
    "Reads a secret from FILE, standard input, or a hidden prompt.  Without\n"
    "--out-dir, prints N shares one per line; any T of them recover it.\n"
    "With --out-dir, writes DIR/manifest.cbor and DIR/share-I-of-N.cbor:\n"
    "signed bundles that say their set, generation, threshold and holder.\n"
    "  --key-shares N      number of shares, 2..255\n"
    "  --key-threshold T   shares needed to recover, 2..N\n"
    "  --format vault|hex  text form: base64 as Vault prints it, or hex\n"
    "  --format raw        with --out-dir: DIR/share-I-of-N.raw, the share's\n"
    "                      bytes then its x (any size, in constant memory)\n"
    "  --in FILE           read the secret from FILE ('-': standard input)\n"
    "  --out-dir DIR       write signed bundles into DIR\n"
    "  --signer PATH.key   sign with this identity (default: one-time key)\n"
    "  --signer-passphrase-file FILE  the signer key's passphrase\n"
    "  --to A.pub,...      encrypt share I to identity I; names the holders\n"
    "  --holders A,...     name the holders (shares stay in clear)\n"
    "  --passphrase        encrypt each share under its own passphrase\n"
    "  --passphrase-file FILE  line I is share I's passphrase\n"
    "  --pgp-keys K1,...   encrypt share I to OpenPGP key I (a key file or a\n"
    "                      fingerprint in your keyring), through GPGME; the\n"
    "                      share files are then share-I-of-N.asc\n"
    "  --armor             write the text form (.txt) instead of binary\n";

static void
print_deal(const struct sym_split_options *o, const struct sym_split_result *r)
{
	const struct sym_manifest *m = r->deal.record;
	char set_id[SYM_SET_ID_TEXT_MAX], path[4096];

	sym_set_id_text(set_id, m->set_id);
	printf("%-22s %s\n", "Set ID", set_id);
	printf("%-22s %llu\n", "Generation", (unsigned long long)m->generation);
	printf("%-22s %u\n", "Total Shares", m->count);
	printf("%-22s %u\n", "Threshold", m->threshold);
	cli_print_signer(o->signer_path ? "Signer" : "Signer (one-time)",
	    m->signer);
	if (sym_deal_file_name(path, sizeof path, o->out_dir, 0, m->count, 0,
	    o->armor ? "txt" : "cbor") == SYM_OK)
		printf("%-22s %s\n", "Manifest", path);
	for (unsigned i = 1; i <= m->count; i++) {
		const struct sym_manifest_entry *e = &m->entries[i - 1];
		int n;

		if (sym_deal_path(path, sizeof path, &r->deal, o->out_dir, i,
		    o->armor) != SYM_OK)
			continue;
		n = printf("Share %u of %u", i, m->count);
		printf("%*s %s", n < 22 ? 22 - n : 0, "", path);
		if (e->holder[0])
			printf("  holder %s", e->holder);
		if (e->protection == SYM_SHARE_TO_IDENTITY)
			printf("  (encrypted to %s)", r->recipients[i - 1].name);
		else if (e->protection == SYM_SHARE_PASSPHRASE)
			printf("  (passphrase)");
		if (e->protection == SYM_SHARE_OPENPGP) {
			/* The key by fingerprint and, when --holders named
			 * the holder otherwise, its user id. */
			const struct sym_pgp_key *key = o->pgp[i - 1] ?
			    sym_pgp_recipient_key(o->pgp[i - 1]) : NULL;

			printf("  (OpenPGP ");
			for (size_t j = 0; j < sizeof e->pgp_fingerprint; j++)
				printf("%02X", e->pgp_fingerprint[j]);
			if (key != NULL && key->uid[0] &&
			    strcmp(key->uid, e->holder) != 0)
				printf(" %s", key->uid);
			printf(")");
		}
		printf("\n");
	}
	printf("\nGive each holder their share alone.  Any %u of the %u shares "
	    "recover the secret;\nfewer reveal nothing.  Lost shares cannot be "
	    "recovered: if more than %u\nare lost, so is the secret.\n",
	    m->threshold, m->count, m->count - m->threshold);
}

static int
split_bundles(struct sym_split_options *o)
{
	static struct sym_split_result res;
	int status = 0;

	if (o->pgp_count && (status = cli_pgp_resolve(o->pgp, o->pgp_specs,
	    o->pgp_count)) != 0)
		return status;
	if (sym_split_bundles(&res, o) == SYM_OK) {
		print_deal(o, &res);
	} else if (res.step == SYM_SPLIT_WRITE && res.code == SYM_EEXIST) {
		cli_error("%s: already holds a manifest or shares; give an empty "
		    "directory", o->out_dir);
		status = CLI_EXIT_USAGE;
	} else {
		status = cli_fail(res.code, res.subject[0] ? res.subject : NULL);
	}
	cli_pgp_free(o->pgp, o->pgp_count);
	sym_split_result_free(&res);
	return status;
}

static int
split_raw(const struct sym_split_options *o)
{
	const char *subject;
	char path[4096];
	uint64_t len = 0;
	int rc = sym_split_raw(&len, &subject, o);

	if (rc == SYM_EEXIST)
		cli_error("%s: already holds share files; give an empty "
		    "directory", o->out_dir);
	if (rc != SYM_OK)
		return rc == SYM_EEXIST ? CLI_EXIT_USAGE : cli_fail(rc, subject);
	printf("%-22s %llu bytes\n", "Secret", (unsigned long long)len);
	for (unsigned i = 1; i <= o->count; i++)
		if (sym_share_file_path(path, sizeof path, o->out_dir, i,
		    o->count) == SYM_OK)
			printf("Share %u of %-11u %s\n", i, o->count, path);
	return 0;
}

/* With the options parsed: the secret, then its shares. */
static int
split(struct sym_split_options *o, int arguments)
{
	uint8_t *secret = NULL;
	char why[256];
	int rc, status;

	if (arguments)
		/* Not echoed: it may well be the secret, and ceremonies
		 * are often filmed or logged. */
		return cli_usage_error(synopsis, "unexpected argument (the "
		    "secret is read from --in or standard input, never from "
		    "arguments)");
	if (sym_split_check(why, sizeof why, o) != SYM_OK)
		return cli_usage_error(synopsis, "%s", why);
	if (o->raw)
		return split_raw(o);
	rc = sym_split_read_secret(&secret, &o->secret_len, o);
	if (rc != SYM_OK)
		return cli_fail(rc, o->in_path ? o->in_path : "standard input");
	o->secret = secret;
	/* Bundles publish a salted commitment to the secret: a short one
	 * could be found by guessing.  Keys of 16 bytes and more cannot. */
	if (o->out_dir != NULL && o->secret_len < 16)
		cli_error("warning: a secret of %zu bytes can be guessed from the "
		    "commitment every bundle carries; split random keys of 16 "
		    "bytes or more", o->secret_len);
	if (o->out_dir != NULL) {
		status = split_bundles(o);
	} else {
		rc = sym_split_text(STDOUT_FILENO, secret, o->secret_len,
		    o->count, o->threshold, o->format);
		status = rc == SYM_OK ? 0 : cli_fail(rc, rc == SYM_ENOMEM ?
		    NULL : "standard output");
	}
	sym_secmem_free(secret);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_ARG("key-shares", 'n'), CLI_ARG("key-threshold", 't'),
		CLI_ARG("format", 'f'), CLI_ARG("in", 'i'),
		CLI_ARG("out-dir", 'o'), CLI_ARG("signer", 's'),
		CLI_ARG("signer-passphrase-file", 'S'), CLI_ARG("to", 'T'),
		CLI_ARG("holders", 'H'), CLI_NOARG("passphrase", 'p'),
		CLI_ARG("passphrase-file", 'P'), CLI_NOARG("armor", 'a'),
		CLI_ARG("pgp-keys", 'K'), CLI_OPT_HELP, CLI_OPT_END,
	};
	static struct sym_split_options o;
	int opt, status = 0;

	o.format = SYM_TEXT_BASE64;
	cli_init("symbolon-split");
	opterr = 0;
	while (status == 0 &&
	    (opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
		case 't':
			if (cli_parse_uint(optarg, 0, 65535, opt == 'n' ?
			    &o.count : &o.threshold) != 0)
				status = cli_usage_error(synopsis, "%s: not a "
				    "number: %s", opt == 'n' ? "--key-shares" :
				    "--key-threshold", optarg);
			*(opt == 'n' ? &o.have_count : &o.have_threshold) = 1;
			break;
		case 'f':
			o.format = strcmp(optarg, "hex") == 0 ? SYM_TEXT_HEX :
			    SYM_TEXT_BASE64;
			o.raw = strcmp(optarg, "raw") == 0;
			if (o.format == SYM_TEXT_BASE64 && !o.raw && strcmp(optarg,
			    "vault") != 0 && strcmp(optarg, "base64") != 0)
				status = cli_usage_error(synopsis, "--format: "
				    "expected vault, hex or raw, not %s", optarg);
			break;
		case 'i': o.in_path = optarg; break;
		case 'o': o.out_dir = optarg; break;
		case 's': o.signer_path = optarg; break;
		case 'S': o.signer_passphrase_file = optarg; break;
		case 'T':
			status = cli_list_option(optarg, o.to, &o.to_count,
			    synopsis, "--to", ".pub files");
			break;
		case 'H':
			status = cli_list_option(optarg, o.holders,
			    &o.holder_count, synopsis, "--holders", "names");
			break;
		case 'K':
			status = cli_list_option(optarg, o.pgp_specs,
			    &o.pgp_count, synopsis, "--pgp-keys",
			    "key files or fingerprints");
			break;
		case 'p': o.passphrase = 1; break;
		case 'P': o.passphrase_file = optarg; break;
		case 'a': o.armor = 1; break;
		default:
			return cli_other_option(opt, synopsis, argv);
		}
	}
	return status ? status : split(&o, optind < argc);
}
