/*
 * symbolon verify: check bundles (identity, share, manifest), and audit
 * shares against their manifest without reconstructing anything.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbolon/bundle.h"
#include "symbolon/fingerprint.h"
#include "symbolon/identity.h"
#include "symbolon/manifest.h"
#include "symbolon/passphrase.h"
#include "symbolon/pgp.h"
#include "symbolon/secmem.h"
#include "symbolon/share.h"

#include "symbolon/audit.h"
#include "symbolon/image.h"
#include "symbolon/io.h"

#include "cli.h"
#include "gather.h"
#include <time.h>

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

/* --armor: the exported transcript in text form. */
static int armor_transcript;

struct audit {
	struct sym_manifest *manifest;
	struct sym_identity signer;
	int pin_signer;
	struct gather keys;		/* --identity keys, loaded on need */
	const char *passphrase_file;
	unsigned valid_shares;
	uint8_t seen_index[SYM_SHAMIR_MAX_SHARES + 1];
	const char *witness_sigs[16];
	int witness_count;
	int transcripts;		/* transcript bundles seen */
};

static void
short_fingerprint(char out[20], const uint8_t public_key[32])
{
	uint8_t fingerprint[SYM_FINGERPRINT_BYTES];
	char hex[SYM_FINGERPRINT_HEX_MAX];

	sym_fingerprint(fingerprint, public_key);
	if (sym_fingerprint_hex(hex, sizeof hex, fingerprint) != SYM_OK)
		hex[0] = '\0';
	snprintf(out, 20, "%.19s", hex);
}

static int
invalid(const char *path, int rc)
{
	printf("%s: INVALID: %s\n", path, sym_strerror(rc));
	return sym_error_is_invalid(rc) ? CLI_EXIT_INVALID : CLI_EXIT_USAGE;
}

/* Decrypts a sealed share when the means were given; 1 if it is now
 * clear, 0 if it stays sealed, < 0 on error. */
static int
try_unseal(struct audit *a, struct sym_share *s)
{
	char *passphrase;
	size_t len;
	int rc;

	if (s->protection == SYM_SHARE_TO_IDENTITY) {
		struct sym_identity_secret *id = NULL;

		if (gather_find_identity(&a->keys, s, &id) != 0)
			return SYM_EDECRYPT;
		if (id == NULL)
			return 0;	/* sealed to someone else: fine */
		rc = sym_share_unseal_identity(s, id);
		return rc == SYM_OK ? 1 : rc;
	}
	if (a->passphrase_file == NULL)
		return 0;
	passphrase = sym_secmem_alloc(SYM_PASSPHRASE_MAX_BYTES + 1);
	if (passphrase == NULL)
		return SYM_ENOMEM;
	rc = sym_passphrase_get_line(passphrase, SYM_PASSPHRASE_MAX_BYTES + 1,
	    &len, a->passphrase_file, s->index);
	if (rc == SYM_OK)
		rc = sym_share_unseal_passphrase(s, passphrase, len);
	sym_secmem_free(passphrase);
	return rc == SYM_OK ? 1 : rc;
}

/* expected_index: the manifest entry an OpenPGP envelope was addressed
 * to (0: any). */
static int
verify_share(struct audit *a, const char *path, const uint8_t *bytes,
    size_t len, unsigned expected_index)
{
	struct sym_share *s = NULL;
	char set_id[SYM_SET_ID_TEXT_MAX], signer[20];
	const char *note = "";
	int rc, clear;

	rc = sym_share_parse(&s, bytes, len);
	if (rc != SYM_OK)
		return invalid(path, rc);
	clear = s->raw != NULL;
	if (!clear && a->manifest != NULL) {
		rc = try_unseal(a, s);
		if (rc < 0) {
			sym_share_free(s);
			return invalid(path, rc);
		}
		clear = rc;
	}
	rc = SYM_OK;
	if (a->manifest != NULL)
		rc = sym_manifest_check_share(a->manifest, s);
	if (rc == SYM_OK && expected_index && s->index != expected_index)
		rc = SYM_EMANIFEST;	/* share i in holder j's envelope */
	sym_set_id_text(set_id, s->set_id);
	short_fingerprint(signer, s->signer);
	printf("%s: share %u of %u%s%s, set %s, generation %llu, threshold %u, "
	    "signer %s: ", path, s->index, s->count, s->holder[0] ? ", " : "",
	    s->holder, set_id, (unsigned long long)s->generation, s->threshold,
	    signer);
	if (rc != SYM_OK) {
		printf("INVALID: %s\n", sym_strerror(rc));
		sym_share_free(s);
		return CLI_EXIT_INVALID;
	}
	if (a->manifest != NULL && !clear)
		note = " (sealed: signature and manifest checked, commitment "
		    "not; give the key to check it)";
	else if (a->manifest == NULL)
		note = s->raw ? "" : " (sealed)";
	else
		note = " (commitment matches the manifest)";
	printf("valid%s\n", note);
	if (a->manifest != NULL && !a->seen_index[s->index]) {
		a->seen_index[s->index] = 1;
		a->valid_shares++;
	}
	sym_share_free(s);
	return 0;
}

static void
print_record(const struct sym_audit_record *r)
{
	char when[32];
	time_t t = (time_t)r->time;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(when, sizeof when, "%llu", (unsigned long long)r->time);
	printf("  #%-4llu %s  %-16s %s\n", (unsigned long long)r->seq, when,
	    r->operation, r->detail);
}

static int
print_record_cb(void *ctx, const struct sym_audit_record *r)
{
	(void)ctx;
	print_record(r);
	return 0;
}

static int
count_record_cb(void *ctx, const struct sym_audit_record *r)
{
	(void)r;
	(*(uint64_t *)ctx)++;
	return 0;
}

/* Witness signatures (gpg --detach-sign) over the transcript file. */
static int
verify_witnesses(const struct audit *a, const char *path)
{
	uint8_t *file = NULL;
	size_t file_len = 0;
	int status = 0, rc;

	if (a->witness_count == 0)
		return 0;
	rc = sym_io_read_all(&file, &file_len, path, SYM_BUNDLE_MAX_BYTES * 2);
	if (rc != SYM_OK)
		return cli_fail(rc, path);
	for (int i = 0; i < a->witness_count; i++) {
		struct sym_pgp_signatures sigs;
		uint8_t *sig = NULL;
		size_t sig_len = 0;

		rc = sym_io_read_all(&sig, &sig_len, a->witness_sigs[i],
		    SYM_PGP_SIGNATURE_MAX);
		if (rc != SYM_OK) {
			status = cli_fail(rc, a->witness_sigs[i]);
			continue;
		}
		memset(&sigs, 0, sizeof sigs);
		rc = sym_pgp_verify_detached(&sigs, sig, sig_len, file, file_len);
		sym_secmem_free(sig);
		for (size_t j = 0; j < sigs.count; j++)
			printf("  witness %s: %s %s, key %s (validity %s)\n",
			    a->witness_sigs[i], sigs.sig[j].status == SYM_OK ?
			    "good signature by" : "INVALID signature:",
			    sigs.sig[j].status == SYM_OK ? (sigs.sig[j].uid[0] ?
			    sigs.sig[j].uid : "(unknown user id)") :
			    sym_strerror(sigs.sig[j].status),
			    sigs.sig[j].fpr[0] ? sigs.sig[j].fpr :
			    sigs.sig[j].signing_fpr,
			    sym_pgp_validity_name(sigs.sig[j].validity));
		if (rc != SYM_OK) {
			if (sigs.count == 0)
				printf("  witness %s: INVALID: %s\n",
				    a->witness_sigs[i], sym_strerror(rc));
			if (status == 0)
				status = sym_exit_status(rc);
		}
	}
	sym_secmem_free(file);
	return status;
}

static int
verify_transcript(const char *path, const uint8_t *bytes, size_t len,
    const char *exporter)
{
	uint8_t image_id[SYM_IMAGE_ID_BYTES], identity[SYM_SIGN_PUBLICKEY_BYTES];
	char id_text[SYM_SET_ID_TEXT_MAX], identity_fp[20];
	uint64_t count = 0;
	int rc;

	rc = sym_audit_verify_transcript(bytes, len, image_id, identity,
	    count_record_cb, &count);
	if (rc != SYM_OK)
		return invalid(path, rc);
	sym_set_id_text(id_text, image_id);
	short_fingerprint(identity_fp, identity);
	printf("%s: transcript of image %s, identity %s, %llu records, "
	    "exported by %s: valid\n", path, id_text, identity_fp,
	    (unsigned long long)count, exporter);
	return sym_audit_verify_transcript(bytes, len, image_id, identity,
	    print_record_cb, NULL) == SYM_OK ? 0 : CLI_EXIT_INVALID;
}

/*
 * A share sealed to an OpenPGP key (.asc): its recipients are checked
 * against the manifest without decrypting; if the holder's key is here,
 * it is decrypted (gpg-agent) and checked like any share.
 */
static int
verify_pgp_share(struct audit *a, const char *path, const uint8_t *msg,
    size_t len)
{
	struct sym_pgp_keyids to;
	const struct sym_manifest_entry *match = NULL;
	uint8_t *plain = NULL, *bytes = NULL;
	size_t plain_len = 0, bytes_len = 0;
	int rc, manifest_keys = 0;

	rc = sym_pgp_list_recipients(&to, msg, len);
	if (rc != SYM_OK)
		return invalid(path, rc);
	/* A manifest of shares dealt in clear names no OpenPGP keys: a
	 * holder may still keep their share under their own (gpg
	 * --encrypt), and it is checked once decrypted. */
	for (unsigned j = 0; a->manifest != NULL && j < a->manifest->count; j++)
		if (a->manifest->entries[j].protection == SYM_SHARE_OPENPGP)
			manifest_keys = 1;
	for (size_t i = 0; a->manifest != NULL && i < to.count && !match; i++)
		for (unsigned j = 0; j < a->manifest->count && !match; j++) {
			const struct sym_manifest_entry *e = &a->manifest->entries[j];
			char id[SYM_PGP_KEYID_CHARS + 1];

			if (e->protection != SYM_SHARE_OPENPGP)
				continue;
			for (size_t k = 0; k < 8; k++)
				snprintf(id + 2 * k, 3, "%02X", e->pgp_subkey_id[k]);
			if (strcmp(id, to.key[i].keyid) == 0)
				match = e;
		}
	if (manifest_keys && match == NULL) {
		printf("%s: INVALID: encrypted to key id %s, which the manifest "
		    "names for no holder\n", path, to.count ?
		    to.key[0].keyid : "(none)");
		return CLI_EXIT_INVALID;
	}
	if (match != NULL) {
		printf("%s: OpenPGP message addressed to share %u's holder%s%s, "
		    "key ", path, match->index, match->holder[0] ? " " : "",
		    match->holder);
		for (size_t k = 0; k < sizeof match->pgp_fingerprint; k++)
			printf("%02X", match->pgp_fingerprint[k]);
		printf(", as the manifest says\n");
	}
	rc = sym_pgp_decrypt(&plain, &plain_len, NULL, msg, len);
	if (rc == SYM_ENOSECKEY) {
		printf("%s: not decrypted: the holder's secret key is not here "
		    "(%s)\n", path, match ? "recipients checked" :
		    a->manifest == NULL ? "give --manifest to check the "
		    "recipients against the deal" : "the manifest names no "
		    "OpenPGP keys to check the recipients against");
		return 0;
	}
	if (rc != SYM_OK)
		return invalid(path, rc);
	rc = sym_bundle_decode(&bytes, &bytes_len, plain, plain_len, NULL);
	sym_secmem_free(plain);
	if (rc != SYM_OK)
		return invalid(path, rc);
	rc = verify_share(a, path, bytes, bytes_len, match ? match->index : 0);
	sym_secmem_free(bytes);
	return rc;
}

static int
verify_image(const char *path, const struct gather_options *share_opts,
    const char *transcript_path)
{
	struct sym_image *img = NULL;
	const struct sym_image_info *info;
	struct gather g;
	char id_text[SYM_SET_ID_TEXT_MAX], identity_fp[20];
	const char *bad = NULL;
	uint64_t count = 0;
	int rc, status = 0;

	memset(&g, 0, sizeof g);
	if (transcript_path != NULL &&
	    (rc = sym_io_check_absent(transcript_path)) != SYM_OK) {
		if (rc != SYM_EEXIST)
			return cli_fail(rc, transcript_path);
		cli_error("%s: file exists; choose a new name for the "
		    "transcript", transcript_path);
		return CLI_EXIT_USAGE;
	}
	rc = sym_image_open(&img, path, SYM_IMAGE_READ);
	if (rc != SYM_OK) {
		printf("%s: INVALID: %s\n", path, sym_strerror(rc));
		return sym_exit_status(rc);
	}
	info = sym_image_info(img);
	sym_set_id_text(id_text, info->image_id);
	short_fingerprint(identity_fp, info->identity);
	printf("%s: image %s, identity %s, generation %llu\n", path, id_text,
	    identity_fp, (unsigned long long)info->seal.generation);
	for (int i = 0; i < 2; i++)
		printf("  header copy %d: %s\n", i, info->slot_valid[i] ?
		    "valid (checksum, identity signature)" :
		    "INVALID (damaged or forged)");
	if (!info->slot_valid[0] || !info->slot_valid[1])
		status = CLI_EXIT_INVALID;
	rc = sym_audit_walk(img, count_record_cb, &count);
	if (rc != SYM_OK) {
		printf("  audit log: INVALID: %s\n", sym_strerror(rc));
		status = CLI_EXIT_INVALID;
	} else {
		printf("  audit log: %llu records, chain and signatures valid\n",
		    (unsigned long long)count);
	}
	if (share_opts->source_count > 0) {
		if ((rc = gather_init(&g, img, share_opts)) != 0 ||
		    (rc = gather_unseal(&g)) != 0) {
			status = rc;
			goto out;
		}
		printf("  unsealed: root key, keyring, index and header MAC "
		    "valid\n");
		rc = sym_image_verify_entries(img, &bad);
		if (rc != SYM_OK) {
			printf("  entry %s: INVALID: %s\n", bad ? bad : "?",
			    sym_strerror(rc));
			status = CLI_EXIT_INVALID;
		} else {
			printf("  entries: all %zu authenticate\n",
			    sym_image_entry_count(img));
		}
	}
	if (transcript_path != NULL && status == 0) {
		uint8_t *bundle = NULL;
		size_t len = 0;

		rc = sym_audit_transcript(img, &bundle, &len, NULL);
		if (rc == SYM_OK)
			rc = sym_bundle_write_file(transcript_path, bundle, len,
			    armor_transcript, SYM_IO_NO_OVERWRITE);
		sym_secmem_free(bundle);
		if (rc != SYM_OK) {
			status = cli_fail(rc, transcript_path);
			goto out;
		}
		printf("  transcript: %s (%llu records)\n", transcript_path,
		    (unsigned long long)count);
	}
out:
	gather_free(&g);
	sym_image_close(img);
	return status;
}

static int
verify_one(struct audit *a, const char *path)
{
	struct sym_bundle b;
	uint8_t *bytes = NULL;
	size_t len = 0, offset = 0;
	char signer[20], set_id[SYM_SET_ID_TEXT_MAX];
	int rc, status = 0;

	{
		uint8_t *raw = NULL;
		size_t raw_len = 0;

		if (sym_io_read_all(&raw, &raw_len, path, SYM_PGP_MESSAGE_MAX) ==
		    SYM_OK && sym_pgp_sniff(raw, raw_len) != SYM_PGP_NONE) {
			status = verify_pgp_share(a, path, raw, raw_len);
			sym_secmem_free(raw);
			return status;
		}
		sym_secmem_free(raw);
	}
	rc = sym_bundle_read_file(&bytes, &len, path, &offset);
	if (rc != SYM_OK) {
		if (rc == SYM_EFORMAT)
			printf("%s: INVALID: bad base45 at offset %zu\n", path,
			    offset);
		else
			status = invalid(path, rc);
		return status ? status : CLI_EXIT_INVALID;
	}
	rc = sym_bundle_open(&b, bytes, len, SYM_BUNDLE_ANY);
	if (rc == SYM_OK && a->pin_signer &&
	    memcmp(b.signer, a->signer.sign_public, sizeof b.signer) != 0)
		rc = SYM_EKID;
	if (rc != SYM_OK) {
		if (rc == SYM_ENONCANONICAL || rc == SYM_ETRUNCATED ||
		    rc == SYM_ETRAILING)
			printf("%s: INVALID: %s (at byte %zu)\n", path,
			    sym_strerror(rc), b.error_offset);
		else
			status = invalid(path, rc);
		sym_secmem_free(bytes);
		return status ? status : CLI_EXIT_INVALID;
	}
	short_fingerprint(signer, b.signer);
	if (b.type == SYM_BUNDLE_SHARE) {
		status = verify_share(a, path, bytes, len, 0);
	} else if (b.type == SYM_BUNDLE_TRANSCRIPT) {
		a->transcripts++;
		status = verify_transcript(path, bytes, len, signer);
		if (status == 0)
			status = verify_witnesses(a, path);
	} else if (b.type == SYM_BUNDLE_IDENTITY) {
		struct sym_identity id;

		rc = sym_identity_parse_public(&id, bytes, len);
		if (rc != SYM_OK)
			status = invalid(path, rc);
		else
			printf("%s: identity \"%s\", fingerprint %s: valid\n",
			    path, id.name, signer);
	} else if (b.type == SYM_BUNDLE_MANIFEST) {
		struct sym_manifest *m = calloc(1, sizeof *m);

		rc = m ? sym_manifest_parse(m, bytes, len) : SYM_ENOMEM;
		if (rc != SYM_OK) {
			status = invalid(path, rc);
		} else {
			sym_set_id_text(set_id, m->set_id);
			printf("%s: manifest, set %s, generation %llu, %u of %u, "
			    "signer %s: valid\n", path, set_id,
			    (unsigned long long)m->generation, m->threshold,
			    m->count, signer);
		}
		free(m);
	} else {
		printf("%s: %s bundle, signer %s: signature valid (not a type "
		    "verify checks further)\n", path,
		    sym_bundle_type_name(b.type), signer);
	}
	sym_secmem_free(bytes);
	return status;
}

static int
load_manifest(struct audit *a, const char *path)
{
	uint8_t *bytes = NULL;
	size_t len = 0;
	int rc;

	a->manifest = calloc(1, sizeof *a->manifest);
	if (a->manifest == NULL)
		return cli_fail(SYM_ENOMEM, NULL);
	rc = sym_bundle_read_file(&bytes, &len, path, NULL);
	if (rc == SYM_OK)
		rc = sym_manifest_parse(a->manifest, bytes, len);
	if (rc == SYM_OK && a->pin_signer && memcmp(a->manifest->signer,
	    a->signer.sign_public, sizeof a->signer.sign_public) != 0)
		rc = SYM_EKID;
	sym_secmem_free(bytes);
	if (rc != SYM_OK)
		return cli_fail(rc, path);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "manifest", required_argument, NULL, 'm' },
		{ "signer", required_argument, NULL, 's' },
		{ "identity", required_argument, NULL, 'i' },
		{ "identity-passphrase-file", required_argument, NULL, 'I' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "image", required_argument, NULL, 'M' },
		{ "share", required_argument, NULL, GATHER_OPT_SHARE },
		{ "transcript", required_argument, NULL, 'T' },
		{ "witness-sig", required_argument, NULL, 'W' },
		{ "armor", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct audit a;
	const char *manifest_path = NULL, *signer_path = NULL;
	const char *image_path = NULL, *transcript_path = NULL;
	struct gather_options share_opts;
	int opt, rc, status = 0;

	memset(&a, 0, sizeof a);
	memset(&share_opts, 0, sizeof share_opts);
	cli_init("symbolon-verify");
	if ((status = gather_init(&a.keys, NULL, NULL)) != 0)
		return status;
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'm': manifest_path = optarg; break;
		case 's': signer_path = optarg; break;
		case 'i':
			if (gather_option(&a.keys.opts, GATHER_OPT_IDENTITY,
			    optarg) > 1)
				return CLI_EXIT_USAGE;
			break;
		case 'I': a.keys.opts.identity_passphrase_file = optarg; break;
		case 'P': a.passphrase_file = optarg; break;
		case 'M': image_path = optarg; break;
		case 'T': transcript_path = optarg; break;
		case 'A': armor_transcript = 1; break;
		case 'W':
			if (a.witness_count == 16)
				return cli_usage_error(synopsis, "more than 16 "
				    "--witness-sig options");
			a.witness_sigs[a.witness_count++] = optarg;
			break;
		case GATHER_OPT_SHARE:
			if (gather_option(&share_opts, opt, optarg) > 1)
				return CLI_EXIT_USAGE;
			break;
		case 'h':
			fputs(synopsis, stdout);
			return 0;
		default:
			return cli_usage_error(synopsis, "unknown option or "
			    "missing value: %s", argv[optind - 1]);
		}
	}
	if (image_path != NULL) {
		if (a.witness_count)
			return cli_usage_error(synopsis, "--witness-sig checks a "
			    "transcript FILE: export it with --transcript, then "
			    "verify it");
		if (optind < argc || manifest_path != NULL)
			return cli_usage_error(synopsis, "--image checks one image;"
			    " verify bundles in a separate run");
		memcpy(share_opts.identity_paths, a.keys.opts.identity_paths,
		    sizeof share_opts.identity_paths);
		share_opts.identity_count = a.keys.opts.identity_count;
		share_opts.identity_passphrase_file =
		    a.keys.opts.identity_passphrase_file;
		share_opts.passphrase_file = a.passphrase_file;
		return verify_image(image_path, &share_opts, transcript_path);
	}
	if (share_opts.source_count > 0)
		return cli_usage_error(synopsis, "--share goes with --image");
	if (optind == argc && manifest_path == NULL && transcript_path == NULL)
		return cli_usage_error(synopsis, "no FILE to verify");
	if (signer_path != NULL) {
		rc = sym_identity_load_public(&a.signer, signer_path);
		if (rc != SYM_OK)
			return cli_fail(rc, signer_path);
		a.pin_signer = 1;
	}
	if (manifest_path != NULL) {
		if ((status = load_manifest(&a, manifest_path)) != 0)
			goto out;
		status = verify_one(&a, manifest_path);
	}
	/* Without --image, `--transcript T` names a transcript to check
	 * (the spelling), like a FILE. */
	if (transcript_path != NULL) {
		int one = verify_one(&a, transcript_path);

		if (one > status)
			status = one;
	}
	for (int i = optind; i < argc; i++) {
		int one = verify_one(&a, argv[i]);

		if (one > status)
			status = one;
	}
	if (a.witness_count && a.transcripts == 0 && status == 0) {
		/* Never let a signature pass unchecked. */
		cli_error("--witness-sig: no transcript among the files, so no "
		    "signature was checked");
		status = CLI_EXIT_USAGE;
	}
	if (a.manifest != NULL && optind < argc) {
		char set_id[SYM_SET_ID_TEXT_MAX];

		sym_set_id_text(set_id, a.manifest->set_id);
		printf("Quorum: %u valid share%s of set %s, generation %llu; "
		    "threshold %u: %s\n", a.valid_shares,
		    a.valid_shares == 1 ? "" : "s", set_id,
		    (unsigned long long)a.manifest->generation,
		    a.manifest->threshold, a.valid_shares >=
		    a.manifest->threshold ? "a quorum is present" :
		    "NOT a quorum");
	}
out:
	gather_free(&a.keys);
	free(a.manifest);
	return status;
}
