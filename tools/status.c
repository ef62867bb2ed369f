/* symbolon status: the seal status of an image; needs no shares. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "symbolon/seal_status.h"

#include "cli.h"

#ifndef SYMBOLON_VERSION
#define SYMBOLON_VERSION "0.1.0"
#endif

static const char synopsis[] =
    "usage: symbolon status --image FILE [--format table|json]\n"
    "\n"
    "Prints the seal status of an image, as vault status does: the seal\n"
    "type, shares and threshold, generation, keyring terms, the state of\n"
    "both header copies; for an auto seal its recovery shares and whether\n"
    "each seal device answers now.  Needs no shares and no PIN; the image\n"
    "stays sealed.\n"
    "  --image FILE         the storage image\n"
    "  --format table|json  Key/Value table (default) or JSON with stable keys\n";

/* JSON string contents: a device's message may hold quotes. */
static void
json_text(const char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s >= 0x20)
			putchar(*s);
}

static void
print_json_seals(const struct sym_seal_status *st)
{
	const struct sym_image_info *info = &st->info;

	printf("  \"recovery_seal\": %s,\n", info->recovery_seal ? "true" :
	    "false");
	if (!info->recovery_seal)
		return;
	printf("  \"recovery_seal_type\": \"shamir\",\n");
	printf("  \"recovery_generation\": %llu,\n",
	    (unsigned long long)info->recovery.generation);
	printf("  \"seals\": [");
	for (size_t i = 0; i < st->devices.count; i++) {
		const struct sym_seal_devices_entry *d = &st->devices.devices[i];

		printf("%s{\"name\": \"%s\", \"type\": \"%s\", \"priority\": "
		    "%u, \"healthy\": %s, \"error\": \"", i ? ", " : "",
		    d->name, d->type, info->devices[i].priority,
		    d->code == 0 ? "true" : "false");
		json_text(d->code == 0 ? "" : d->reason);
		printf("\"}");
	}
	printf("],\n");
}

/* The barrier's configuration, or (auto) the recovery shares'. */
static const struct sym_image_seal *
quorum_of(const struct sym_image_info *info)
{
	return sym_image_share_seal(info, info->recovery_seal ?
	    SYM_IMAGE_RECOVERY_SHARE : SYM_IMAGE_UNSEAL_SHARE);
}

static void
print_json(const struct sym_seal_status *st)
{
	const struct sym_image_info *info = &st->info;
	int rekey = st->rekey_pending, reencrypt = info->reencrypt_pending;

	printf("{\n");
	printf("  \"type\": \"%s\",\n", st->type);
	printf("  \"initialized\": true,\n");
	printf("  \"sealed\": true,\n");
	printf("  \"n\": %u,\n", quorum_of(info)->shares);
	printf("  \"t\": %u,\n", quorum_of(info)->threshold);
	print_json_seals(st);
	printf("  \"progress\": 0,\n");
	printf("  \"nonce\": \"\",\n");
	printf("  \"version\": \"%s\",\n", SYMBOLON_VERSION);
	printf("  \"format_version\": %u,\n", info->format_version);
	printf("  \"image_id\": \"%s\",\n", st->image_id);
	printf("  \"identity_fingerprint\": \"%s\",\n", st->fingerprint_plain);
	printf("  \"identity_words\": \"%s\",\n", st->words);
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
	    rekey ? "\"rekey\"" : "",
	    rekey && info->verification_pending ?
	    ", \"rekey-verification\"" : "",
	    rekey && reencrypt ? ", " : "",
	    reencrypt ? "\"reencrypt\"" : "",
	    st->journal && (rekey || reencrypt) ?
	    ", \"journal\"" : st->journal ? "\"journal\"" : "");
	printf("}\n");
}

/* One line per seal device: whether it answers now. */
static void
print_table_seals(const struct sym_seal_status *st)
{
	for (size_t i = 0; i < st->devices.count; i++) {
		const struct sym_seal_devices_entry *d = &st->devices.devices[i];
		char label[64];

		snprintf(label, sizeof label, "Seal %s", d->name);
		printf("%-22s %s, priority %u: %s%s\n", label, d->type,
		    st->info.devices[i].priority, d->code == 0 ? "answers" :
		    "does not answer: ", d->code == 0 ? "" : d->reason);
	}
}

static void
print_table(const struct sym_seal_status *st)
{
	const struct sym_image_info *info = &st->info;
	int rekey = st->rekey_pending, reencrypt = info->reencrypt_pending;
	char pending[200];

	snprintf(pending, sizeof pending, "%s%s%s%s",
	    rekey ? (info->verification_pending ?
	    "rekey (new shares awaiting verification); " : "rekey; ") : "",
	    reencrypt ? "rotate --reencrypt (run it again to "
	    "finish); " : "", st->journal ? "journal of sealed steps; " : "",
	    rekey || reencrypt || st->journal ? "" : "none");
	if (pending[strlen(pending) - 1] == ' ')
		pending[strlen(pending) - 2] = '\0';
	printf("%-22s %s\n", "Key", "Value");
	printf("%-22s %s\n", "---", "-----");
	printf("%-22s %s\n", "Seal Type", st->type);
	if (info->recovery_seal)
		printf("%-22s %s\n%-22s %s\n", "Recovery Seal", "true",
		    "Recovery Seal Type", "shamir");
	printf("%-22s %s\n", "Initialized", "true");
	printf("%-22s %s\n", "Sealed", "true");
	printf("%-22s %u\n", info->recovery_seal ? "Total Recovery Shares" :
	    "Total Shares", quorum_of(info)->shares);
	printf("%-22s %u\n", "Threshold", quorum_of(info)->threshold);
	if (!info->recovery_seal)
		printf("%-22s 0/%u\n%-22s %s\n", "Unseal Progress",
		    info->seal.threshold, "Unseal Nonce", "n/a");
	print_table_seals(st);
	printf("%-22s %s (image format %u)\n", "Version",
	    SYMBOLON_VERSION, info->format_version);
	printf("%-22s %s\n", "Image ID", st->image_id);
	printf("%-22s %s\n", "Identity Fingerprint", st->fingerprint);
	printf("%-22s %s\n", "", st->words);
	printf("%-22s %llu\n", "Generation",
	    (unsigned long long)info->seal.generation);
	if (info->recovery_seal)
		printf("%-22s %llu%s\n", "Recovery Generation",
		    (unsigned long long)info->recovery.generation,
		    info->recovery_pending ? " (new recovery shares awaiting "
		    "verification)" : "");
	printf("%-22s %u (active %u)\n", "Keyring Terms", info->terms,
	    info->active_term);
	printf("%-22s %zu\n", "Entries", info->entries);
	printf("%-22s %llu\n", "Audit Records",
	    (unsigned long long)info->audit_count);
	printf("%-22s %s, sequence %llu\n", "Header Copies",
	    info->slot_valid[0] && info->slot_valid[1] ? "2 of 2 valid" :
	    "1 of 2 valid (the other is damaged; the next update rewrites it)",
	    (unsigned long long)info->seqid);
	printf("%-22s %s\n", "Pending Operations", pending);
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_OPT_IMAGE,
		CLI_ARG("format", 'f'), CLI_OPT_HELP, CLI_OPT_END,
	};
	const char *path = NULL;
	int json = 0, opt, rc, status;
	struct sym_seal_status st;

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
		default:
			return cli_other_option(opt, synopsis, argv);
		}
	}
	if ((status = cli_no_operand(argc, argv, synopsis)) != 0 ||
	    (status = cli_required(path, "--image", synopsis)) != 0)
		return status;
	if ((rc = sym_seal_status(&st, path)) != SYM_OK)
		return cli_fail(rc, rc == SYM_EINTERNAL ? NULL : path);
	if (json)
		print_json(&st);
	else
		print_table(&st);
	return 0;
}
