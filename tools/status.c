/* symbolon status: the seal status of an image; needs no shares. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "symbolon/fingerprint.h"
#include "symbolon/image.h"

#include "cli.h"

#ifndef SYMBOLON_VERSION
#define SYMBOLON_VERSION "0.1.0"
#endif

static const char synopsis[] =
    "usage: symbolon status --image FILE [--format table|json]\n"
    "\n"
    "Prints the seal status of an image, as vault status does: the seal\n"
    "type, shares and threshold, generation, keyring terms, the state of\n"
    "both header copies.  Needs no shares; the image stays sealed.\n"
    "  --image FILE         the storage image\n"
    "  --format table|json  Key/Value table (default) or JSON with stable keys\n";

static void
hex(char *out, const uint8_t *in, size_t len)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	int json = 0, opt, rc;
	struct sym_image *img = NULL;
	const struct sym_image_info *info;
	uint8_t fingerprint[SYM_FINGERPRINT_BYTES];
	char fp_hex[SYM_FINGERPRINT_HEX_MAX], words[SYM_FINGERPRINT_WORDS_MAX];
	char image_id[2 * SYM_IMAGE_ID_BYTES + 1], fp_plain[65];
	const char *headers;
	char pending_text[200];
	int rekey_pending = 0;
	size_t journal = 0;

	cli_init("symbolon-status");
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'i': path = optarg; break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = 1;
			else if (strcmp(optarg, "table") != 0)
				return cli_usage_error(synopsis, "--format: "
				    "expected table or json, not %s", optarg);
			break;
		case 'h':
			fputs(synopsis, stdout);
			return 0;
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
	rc = sym_image_open(&img, path, SYM_IMAGE_READ);
	if (rc != SYM_OK)
		return cli_fail(rc, path);
	info = sym_image_info(img);
	{
		struct sym_image_pending pending;

		if (sym_image_pending_get(img, &pending) == SYM_OK) {
			rekey_pending = pending.rekey != NULL;
			journal = pending.journal_count;
			sym_image_pending_clear(&pending);
		}
	}
	snprintf(pending_text, sizeof pending_text, "%s%s%s%s",
	    rekey_pending ? (info->verification_pending ?
	    "rekey (new shares awaiting verification); " : "rekey; ") : "",
	    info->reencrypt_pending ? "rotate --reencrypt (run it again to "
	    "finish); " : "", journal ? "journal of sealed steps; " : "",
	    rekey_pending || info->reencrypt_pending || journal ? "" : "none");
	if (pending_text[strlen(pending_text) - 1] == ' ')
		pending_text[strlen(pending_text) - 2] = '\0';
	sym_fingerprint(fingerprint, info->identity);
	if (sym_fingerprint_hex(fp_hex, sizeof fp_hex, fingerprint) != SYM_OK ||
	    sym_fingerprint_words(words, sizeof words, fingerprint,
	    SYM_FINGERPRINT_WORD_BYTES) != SYM_OK) {
		sym_image_close(img);
		return cli_fail(SYM_EINTERNAL, NULL);
	}
	hex(image_id, info->image_id, SYM_IMAGE_ID_BYTES);
	hex(fp_plain, fingerprint, SYM_FINGERPRINT_BYTES);
	headers = info->slot_valid[0] && info->slot_valid[1] ? "2 of 2 valid" :
	    "1 of 2 valid (the other is damaged; the next update rewrites it)";
	if (json) {
		printf("{\n");
		printf("  \"type\": \"shamir\",\n");
		printf("  \"initialized\": true,\n");
		printf("  \"sealed\": true,\n");
		printf("  \"n\": %u,\n", info->seal.shares);
		printf("  \"t\": %u,\n", info->seal.threshold);
		printf("  \"progress\": 0,\n");
		printf("  \"nonce\": \"\",\n");
		printf("  \"version\": \"%s\",\n", SYMBOLON_VERSION);
		printf("  \"format_version\": %u,\n", info->format_version);
		printf("  \"image_id\": \"%s\",\n", image_id);
		printf("  \"identity_fingerprint\": \"%s\",\n", fp_plain);
		printf("  \"identity_words\": \"%s\",\n", words);
		printf("  \"generation\": %llu,\n",
		    (unsigned long long)info->seal.generation);
		printf("  \"keyring_terms\": %u,\n", info->terms);
		printf("  \"active_term\": %u,\n", info->active_term);
		printf("  \"entries\": %zu,\n", info->entries);
		printf("  \"audit_records\": %llu,\n",
		    (unsigned long long)info->audit_count);
		printf("  \"header_sequence\": %llu,\n",
		    (unsigned long long)info->seqid);
		printf("  \"header_copies_valid\": %d,\n",
		    info->slot_valid[0] + info->slot_valid[1]);
		printf("  \"pending_operations\": [%s%s%s%s%s]\n",
		    rekey_pending ? "\"rekey\"" : "",
		    rekey_pending && info->verification_pending ?
		    ", \"rekey-verification\"" : "",
		    rekey_pending && info->reencrypt_pending ? ", " : "",
		    info->reencrypt_pending ? "\"reencrypt\"" : "",
		    journal && (rekey_pending || info->reencrypt_pending) ?
		    ", \"journal\"" : journal ? "\"journal\"" : "");
		printf("}\n");
	} else {
		printf("%-22s %s\n", "Key", "Value");
		printf("%-22s %s\n", "---", "-----");
		printf("%-22s %s\n", "Seal Type", "shamir");
		printf("%-22s %s\n", "Initialized", "true");
		printf("%-22s %s\n", "Sealed", "true");
		printf("%-22s %u\n", "Total Shares", info->seal.shares);
		printf("%-22s %u\n", "Threshold", info->seal.threshold);
		printf("%-22s 0/%u\n", "Unseal Progress", info->seal.threshold);
		printf("%-22s %s\n", "Unseal Nonce", "n/a");
		printf("%-22s %s (image format %u)\n", "Version",
		    SYMBOLON_VERSION, info->format_version);
		printf("%-22s %s\n", "Image ID", image_id);
		printf("%-22s %s\n", "Identity Fingerprint", fp_hex);
		printf("%-22s %s\n", "", words);
		printf("%-22s %llu\n", "Generation",
		    (unsigned long long)info->seal.generation);
		printf("%-22s %u (active %u)\n", "Keyring Terms", info->terms,
		    info->active_term);
		printf("%-22s %zu\n", "Entries", info->entries);
		printf("%-22s %llu\n", "Audit Records",
		    (unsigned long long)info->audit_count);
		printf("%-22s %s, sequence %llu\n", "Header Copies", headers,
		    (unsigned long long)info->seqid);
		printf("%-22s %s\n", "Pending Operations", pending_text);
	}
	sym_image_close(img);
	return 0;
}
