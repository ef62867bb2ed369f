/*
 * symbolon split: split a secret into Shamir shares, as Vault-format text
 * lines or, with --out-dir, as signed share bundles with their manifest.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "symbolon/codec.h"
#include "symbolon/deal.h"
#include "symbolon/identity.h"
#include "symbolon/io.h"
#include "symbolon/passphrase.h"
#include "symbolon/secmem.h"
#include "symbolon/shamir.h"

#include "cli.h"

#define SECRET_MAX_BYTES (256u << 20)
#define PROMPT_MAX_BYTES 4096u

static const char synopsis[] =
    "usage: symbolon split --key-shares N --key-threshold T [--in FILE]\n"
    "                      [--format vault|hex]\n"
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

struct split_options {
	unsigned n, t;
	int have_n, have_t, armor, passphrase;
	enum sym_text_format format;
	const char *in_path, *out_dir, *signer, *signer_passphrase_file;
	const char *passphrase_file;
	const char *to[SYM_SHAMIR_MAX_SHARES];
	const char *holders[SYM_SHAMIR_MAX_SHARES];
	const char *pgp[SYM_SHAMIR_MAX_SHARES];
	int to_count, holder_count, pgp_count;
};

static int
read_secret(uint8_t **secret, size_t *len, const char *in_path)
{
	int rc;

	if (in_path != NULL || !sym_io_isatty(STDIN_FILENO))
		return sym_io_read_all(secret, len, in_path ? in_path : "-",
		    SECRET_MAX_BYTES);
	*secret = sym_secmem_alloc(PROMPT_MAX_BYTES);
	if (*secret == NULL)
		return SYM_ENOMEM;
	rc = sym_io_prompt_hidden((char *)*secret, PROMPT_MAX_BYTES, len,
	    "Secret (will be hidden): ");
	if (rc != SYM_OK) {
		sym_secmem_free(*secret);
		*secret = NULL;
	}
	return rc;
}

static int
print_shares(uint8_t *const shares[], unsigned n, size_t share_len,
    enum sym_text_format format)
{
	size_t text_cap = sym_codec_encoded_len(share_len, format) + 1;
	char *text = sym_secmem_alloc(text_cap);
	int rc = SYM_OK;

	if (text == NULL)
		return SYM_ENOMEM;
	for (unsigned i = 0; i < n && rc == SYM_OK; i++) {
		rc = sym_codec_encode(text, text_cap, shares[i], share_len,
		    format);
		if (rc != SYM_OK)
			break;
		size_t text_len = strlen(text);
		text[text_len] = '\n';
		rc = sym_io_write_fd(STDOUT_FILENO, (const uint8_t *)text,
		    text_len + 1);
	}
	sym_secmem_free(text);
	return rc;
}

static int
split_text(const struct split_options *o, const uint8_t *secret,
    size_t secret_len)
{
	uint8_t *shares[SYM_SHAMIR_MAX_SHARES] = { 0 };
	int rc = SYM_OK, status;

	for (unsigned i = 0; i < o->n && rc == SYM_OK; i++)
		if ((shares[i] = sym_secmem_alloc(secret_len +
		    SYM_SHAMIR_SHARE_OVERHEAD)) == NULL)
			rc = SYM_ENOMEM;
	if (rc == SYM_OK)
		rc = sym_shamir_split(shares, o->n, o->t, secret, secret_len);
	if (rc != SYM_OK) {
		status = cli_fail(rc, NULL);
	} else {
		rc = print_shares(shares, o->n, secret_len +
		    SYM_SHAMIR_SHARE_OVERHEAD, o->format);
		status = rc == SYM_OK ? 0 : cli_fail(rc, "standard output");
	}
	for (unsigned i = 0; i < o->n; i++)
		sym_secmem_free(shares[i]);
	return status;
}

/* The key by fingerprint and, when --holders named the holder otherwise,
 * its user id. */
static void
print_pgp_recipient(const struct sym_manifest_entry *e,
    const struct sym_pgp_key *key)
{
	printf("  (OpenPGP ");
	for (size_t j = 0; j < sizeof e->pgp_fingerprint; j++)
		printf("%02X", e->pgp_fingerprint[j]);
	if (key != NULL && key->uid[0] && strcmp(key->uid, e->holder) != 0)
		printf(" %s", key->uid);
	printf(")");
}

static void
print_deal(const struct split_options *o, const struct sym_deal_output *out,
    const struct sym_identity *recipients,
    struct sym_pgp_recipient *const pgp[])
{
	const struct sym_manifest *m = out->record;
	char set_id[SYM_SET_ID_TEXT_MAX], path[4096];

	sym_set_id_text(set_id, m->set_id);
	printf("%-22s %s\n", "Set ID", set_id);
	printf("%-22s %llu\n", "Generation", (unsigned long long)m->generation);
	printf("%-22s %u\n", "Total Shares", m->count);
	printf("%-22s %u\n", "Threshold", m->threshold);
	cli_print_signer(o->signer ? "Signer" : "Signer (one-time)", m->signer);
	if (sym_deal_file_name(path, sizeof path, o->out_dir, 0, m->count,
	    o->armor) == SYM_OK)
		printf("%-22s %s\n", "Manifest", path);
	for (unsigned i = 1; i <= m->count; i++) {
		const struct sym_manifest_entry *e = &m->entries[i - 1];
		char label[32];

		if (sym_deal_path(path, sizeof path, out, o->out_dir, i,
		    o->armor) != SYM_OK)
			continue;
		snprintf(label, sizeof label, "Share %u of %u", i, m->count);
		printf("%-22s %s", label, path);
		if (e->holder[0])
			printf("  holder %s", e->holder);
		if (e->protection == SYM_SHARE_TO_IDENTITY)
			printf("  (encrypted to %s)", recipients[i - 1].name);
		else if (e->protection == SYM_SHARE_PASSPHRASE)
			printf("  (passphrase)");
		else if (e->protection == SYM_SHARE_OPENPGP)
			print_pgp_recipient(e, pgp[i - 1] ?
			    sym_pgp_recipient_key(pgp[i - 1]) : NULL);
		printf("\n");
	}
	printf("\nGive each holder their share alone.  Any %u of the %u shares "
	    "recover the secret;\nfewer reveal nothing.  Lost shares cannot be "
	    "recovered: if more than %u\nare lost, so is the secret.\n",
	    m->threshold, m->count, m->count - m->threshold);
}

/* Gathers per-share passphrases: from lines of a file, or asked twice. */
static int
get_passphrases(const struct split_options *o, char *passphrases[],
    size_t lens[])
{
	for (unsigned i = 0; i < o->n; i++) {
		char prompt[96];
		int rc;

		passphrases[i] = sym_secmem_alloc(SYM_PASSPHRASE_MAX_BYTES + 1);
		if (passphrases[i] == NULL)
			return cli_fail(SYM_ENOMEM, NULL);
		snprintf(prompt, sizeof prompt, "Passphrase for share %u of %u "
		    "(will be hidden): ", i + 1, o->n);
		if (o->passphrase_file != NULL)
			rc = sym_passphrase_get_line(passphrases[i],
			    SYM_PASSPHRASE_MAX_BYTES + 1, &lens[i],
			    o->passphrase_file, i + 1);
		else
			rc = sym_passphrase_get(passphrases[i],
			    SYM_PASSPHRASE_MAX_BYTES + 1, &lens[i], prompt, 1,
			    NULL);
		if (rc != SYM_OK) {
			char where[4096];

			snprintf(where, sizeof where, "%s:%u", o->passphrase_file ?
			    o->passphrase_file : "passphrase for share", i + 1);
			return cli_fail(rc, where);
		}
	}
	return 0;
}

static int
split_bundles(const struct split_options *o, const uint8_t *secret,
    size_t secret_len)
{
	static struct sym_identity recipients[SYM_SHAMIR_MAX_SHARES];
	struct sym_deal_holder holders[SYM_SHAMIR_MAX_SHARES];
	char *passphrases[SYM_SHAMIR_MAX_SHARES] = { 0 };
	size_t passphrase_lens[SYM_SHAMIR_MAX_SHARES] = { 0 };
	struct sym_identity_secret *signer = NULL;
	struct sym_pgp_recipient *pgp[SYM_SHAMIR_MAX_SHARES] = { 0 };
	static char pgp_names[SYM_SHAMIR_MAX_SHARES][SYM_IDENTITY_NAME_MAX + 1];
	struct sym_deal_output out = { 0 };
	struct sym_deal deal = {
		.secret = secret, .secret_len = secret_len,
		.threshold = o->t, .count = o->n, .generation = 0,
		.created = (uint64_t)time(NULL), .holders = holders,
	};
	int rc, status = 0;

	memset(holders, 0, sizeof holders);
	for (int i = 0; i < o->to_count; i++) {
		rc = sym_identity_load_public(&recipients[i], o->to[i]);
		if (rc != SYM_OK)
			return cli_fail(rc, o->to[i]);
		holders[i].name = recipients[i].name;
		holders[i].protection = SYM_SHARE_TO_IDENTITY;
		holders[i].recipient = &recipients[i];
	}
	for (int i = 0; i < o->holder_count; i++) {
		if (sym_identity_check_name(o->holders[i]) != SYM_OK)
			return cli_usage_error(synopsis, "--holders: name %d is "
			    "not 1 to %u printable bytes", i + 1,
			    SYM_IDENTITY_NAME_MAX);
		holders[i].name = o->holders[i];
	}
	if (o->pgp_count && (status = cli_pgp_resolve(pgp, o->pgp,
	    o->pgp_count)) != 0)
		goto out;
	for (int i = 0; i < o->pgp_count; i++) {
		const struct sym_pgp_key *key = sym_pgp_recipient_key(pgp[i]);

		holders[i].protection = SYM_SHARE_OPENPGP;
		holders[i].pgp = key;
		if (holders[i].name == NULL) {
			cli_pgp_holder_name(pgp_names[i], sizeof pgp_names[i], key);
			holders[i].name = pgp_names[i];
		}
	}
	if (o->passphrase || o->passphrase_file) {
		status = get_passphrases(o, passphrases, passphrase_lens);
		for (unsigned i = 0; i < o->n && status == 0; i++) {
			holders[i].protection = SYM_SHARE_PASSPHRASE;
			holders[i].passphrase = passphrases[i];
			holders[i].passphrase_len = passphrase_lens[i];
		}
		if (status != 0)
			goto out;
	}
	if (o->signer != NULL) {
		rc = sym_identity_load_secret(&signer, o->signer,
		    o->signer_passphrase_file,
		    "Passphrase for the signer key (will be hidden): ");
		if (rc != SYM_OK) {
			status = cli_fail(rc, o->signer);
			goto out;
		}
		deal.signer_secret = signer->sign_secret;
	}
	rc = sym_deal_run(&out, &deal);
	if (rc == SYM_OK && o->pgp_count)
		rc = sym_deal_seal_pgp(&out, pgp);
	if (rc != SYM_OK) {
		status = cli_fail(rc, NULL);
		goto out;
	}
	rc = sym_deal_write(&out, o->out_dir, o->armor);
	if (rc == SYM_EEXIST) {
		cli_error("%s: already holds a manifest or shares; give an empty "
		    "directory", o->out_dir);
		status = CLI_EXIT_USAGE;
		goto out;
	}
	if (rc != SYM_OK) {
		status = cli_fail(rc, o->out_dir);
		goto out;
	}
	print_deal(o, &out, recipients, pgp);
out:
	for (unsigned i = 0; i < o->n; i++)
		sym_secmem_free(passphrases[i]);
	sym_identity_secret_free(signer);
	cli_pgp_free(pgp, o->pgp_count);
	sym_deal_output_free(&out);
	return status;
}

static int
check_options(struct split_options *o)
{
	if (!o->have_n)
		return cli_usage_error(synopsis, "missing --key-shares");
	if (!o->have_t)
		return cli_usage_error(synopsis, "missing --key-threshold");
	if (o->n > SYM_SHAMIR_MAX_SHARES)
		return cli_usage_error(synopsis, "--key-shares %u: at most %u "
		    "shares", o->n, SYM_SHAMIR_MAX_SHARES);
	if (o->t < SYM_SHAMIR_MIN_THRESHOLD)
		return cli_usage_error(synopsis, "--key-threshold %u: must be "
		    "at least 2", o->t);
	if (o->t > o->n)
		return cli_usage_error(synopsis, "--key-threshold %u: cannot "
		    "exceed --key-shares %u", o->t, o->n);
	if (o->out_dir == NULL && (o->signer || o->to_count ||
	    o->holder_count || o->passphrase || o->passphrase_file || o->armor))
		return cli_usage_error(synopsis, "--signer, --to, --holders, "
		    "--passphrase and --armor need --out-dir");
	if (o->to_count && o->to_count != (int)o->n)
		return cli_usage_error(synopsis, "--to names %d identities for "
		    "%u shares", o->to_count, o->n);
	if (o->holder_count && o->holder_count != (int)o->n)
		return cli_usage_error(synopsis, "--holders names %d holders for "
		    "%u shares", o->holder_count, o->n);
	if (o->pgp_count && o->pgp_count != (int)o->n)
		return cli_usage_error(synopsis, "incorrect number of PGP keys: "
		    "%d for %u shares", o->pgp_count, o->n);
	if (o->pgp_count && o->out_dir == NULL)
		return cli_usage_error(synopsis, "--pgp-keys needs --out-dir");
	if (o->pgp_count && (o->to_count || o->passphrase ||
	    o->passphrase_file))
		return cli_usage_error(synopsis, "--pgp-keys excludes --to and "
		    "--passphrase");
	if (o->to_count && (o->holder_count || o->passphrase ||
	    o->passphrase_file))
		return cli_usage_error(synopsis, "--to excludes --holders and "
		    "--passphrase");
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "key-shares", required_argument, NULL, 'n' },
		{ "key-threshold", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "in", required_argument, NULL, 'i' },
		{ "out-dir", required_argument, NULL, 'o' },
		{ "signer", required_argument, NULL, 's' },
		{ "signer-passphrase-file", required_argument, NULL, 'S' },
		{ "to", required_argument, NULL, 'T' },
		{ "holders", required_argument, NULL, 'H' },
		{ "passphrase", no_argument, NULL, 'p' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "armor", no_argument, NULL, 'a' },
		{ "pgp-keys", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct split_options o;
	uint8_t *secret = NULL;
	size_t secret_len = 0;
	int opt, rc, status;

	memset(&o, 0, sizeof o);
	o.format = SYM_TEXT_BASE64;
	cli_init("symbolon-split");
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (cli_parse_uint(optarg, 0, 65535, &o.n) != 0)
				return cli_usage_error(synopsis,
				    "--key-shares: not a number: %s", optarg);
			o.have_n = 1;
			break;
		case 't':
			if (cli_parse_uint(optarg, 0, 65535, &o.t) != 0)
				return cli_usage_error(synopsis,
				    "--key-threshold: not a number: %s", optarg);
			o.have_t = 1;
			break;
		case 'f':
			if (strcmp(optarg, "vault") == 0 ||
			    strcmp(optarg, "base64") == 0)
				o.format = SYM_TEXT_BASE64;
			else if (strcmp(optarg, "hex") == 0)
				o.format = SYM_TEXT_HEX;
			else
				return cli_usage_error(synopsis, "--format: "
				    "expected vault or hex, not %s", optarg);
			break;
		case 'i': o.in_path = optarg; break;
		case 'o': o.out_dir = optarg; break;
		case 's': o.signer = optarg; break;
		case 'S': o.signer_passphrase_file = optarg; break;
		case 'T':
			if ((status = cli_list_option(optarg, o.to,
			    &o.to_count, synopsis, "--to",
			    ".pub files")) != 0)
				return status;
			break;
		case 'H':
			if ((status = cli_list_option(optarg, o.holders,
			    &o.holder_count, synopsis, "--holders",
			    "names")) != 0)
				return status;
			break;
		case 'K':
			if ((status = cli_list_option(optarg, o.pgp,
			    &o.pgp_count, synopsis, "--pgp-keys",
			    "key files or fingerprints")) != 0)
				return status;
			break;
		case 'p': o.passphrase = 1; break;
		case 'P': o.passphrase_file = optarg; break;
		case 'a': o.armor = 1; break;
		case 'h':
			fputs(synopsis, stdout);
			return 0;
		default:
			return cli_usage_error(synopsis, "unknown option or "
			    "missing value: %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		/* Not echoed: it may well be the secret, and ceremonies
		 * are often filmed or logged. */
		return cli_usage_error(synopsis, "unexpected argument (the "
		    "secret is read from --in or standard input, never from "
		    "arguments)");
	if ((status = check_options(&o)) != 0)
		return status;

	rc = read_secret(&secret, &secret_len, o.in_path);
	if (rc == SYM_OK && secret_len == 0)
		rc = SYM_EEMPTYSECRET;
	if (rc == SYM_OK && o.out_dir != NULL &&
	    secret_len + SYM_SHAMIR_SHARE_OVERHEAD > SYM_SHARE_MAX_BYTES)
		rc = SYM_ETOOBIG;
	if (rc != SYM_OK) {
		status = cli_fail(rc, o.in_path ? o.in_path : "standard input");
		goto out;
	}
	/* Bundles publish a salted commitment to the secret: a short one
	 * could be found by guessing.  Keys of 16 bytes and more cannot. */
	if (o.out_dir != NULL && secret_len < 16)
		cli_error("warning: a secret of %zu bytes can be guessed from the "
		    "commitment every bundle carries; split random keys of 16 "
		    "bytes or more", secret_len);
	status = o.out_dir ? split_bundles(&o, secret, secret_len) :
	    split_text(&o, secret, secret_len);
out:
	sym_secmem_free(secret);
	return status;
}
