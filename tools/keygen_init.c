/* symbolon keygen init: a new image, sealed by Shamir shares or by a
 * device (an auto seal) with recovery shares. */
#include <stdio.h>
#include <string.h>

#include "symbolon/init.h"
#include "symbolon/io.h"
#include "symbolon/seal_device.h"
#include "symbolon/seal_registry.h"

#include "cli.h"
#include "keygen.h"

/* Vault's refusal: options of the other family of shares.  type is the
 * seal type the image will have. */
static int
check_family(const struct keygen_args *a, const char *type)
{
	if (a->seal != NULL && a->key_options)
		cli_error("--key-shares, --key-threshold, --pgp-keys: not "
		    "applicable to seal type %s (an auto seal has recovery "
		    "shares: --recovery-shares, --recovery-threshold, "
		    "--recovery-pgp-keys)", type);
	else if (a->seal == NULL && a->recovery_options)
		cli_error("--recovery-shares, --recovery-threshold, "
		    "--recovery-pgp-keys: not applicable to seal type shamir "
		    "(give --seal for an auto seal)");
	else if (a->seal == NULL && a->pin_file != NULL)
		cli_error("--pin-file: not applicable to seal type shamir");
	else
		return 0;
	return CLI_EXIT_USAGE;
}

static int
check_init(struct keygen_args *a, const char *type)
{
	struct sym_init_shamir *r = &a->init;
	char why[200];
	int rc, status;

	if ((status = check_family(a, type)) != 0)
		return status;
	if (r->path == NULL)
		return cli_usage_error(keygen_synopsis, "missing --image");
	if (r->out_dir == NULL)
		return cli_usage_error(keygen_synopsis, "missing --out-dir (where "
		    "the %sshares go)", a->seal ? "recovery " : "");
	if (a->seal != NULL && r->shares == 0 && r->threshold == 0) {
		r->shares = 5;		/* Vault's defaults */
		r->threshold = 3;
	}
	r->recovery = a->seal != NULL;
	r->to = a->to;
	r->names = a->names;
	r->to_count = (unsigned)a->to_count;
	r->name_count = (unsigned)a->name_count;
	r->pgp_count = (unsigned)a->pgp_count;
	if (sym_init_shamir_check(r, why, sizeof why) != SYM_OK)
		return cli_usage_error(keygen_synopsis, "%s", why);
	if ((rc = sym_io_check_absent(r->path)) == SYM_EEXIST) {
		cli_error("%s: file exists; an image is never replaced", r->path);
		return CLI_EXIT_USAGE;
	}
	return rc == SYM_OK ? 0 : cli_fail(rc, r->path);
}

static void
print_shares(const struct sym_init_result *init, unsigned n, int recovery)
{
	for (unsigned i = 0; i < n; i++) {
		const struct sym_init_share *s = &init->shares[i];
		char label[32];

		if (s->path[0] == '\0')	/* not expected: paths fit */
			continue;
		snprintf(label, sizeof label, "%s Key %u", recovery ?
		    "Recovery" : "Unseal", i + 1);
		printf("%-22s %s%s%s", label, s->path, s->holder[0] ?
		    "  holder " : "", s->holder);
		if (s->pgp_fingerprint[0])
			printf("  OpenPGP %s", s->pgp_fingerprint);
		printf("%s%s\n", s->pgp_uid ? " " : "",
		    s->pgp_uid ? s->pgp_uid : "");
	}
}

static void
print_init(const struct keygen_args *a, const struct sym_init_result *init)
{
	const struct sym_init_shamir *r = &a->init;
	const struct sym_image_device *d = &init->info.devices[0];
	unsigned n = r->shares, t = r->threshold;

	printf("%-22s %s\n%-22s %s\n", "Image", r->path, "Image ID",
	    init->image_id);
	cli_print_signer("Identity Fingerprint", init->info.identity);
	if (a->seal == NULL) {
		printf("%-22s %s\n%-22s %u\n%-22s %u\n%-22s %s\n", "Seal Type",
		    "shamir", "Total Shares", n, "Threshold", t, "Generation",
		    "1");
	} else {
		printf("%-22s %s\n%-22s %s\n%-22s %s\n%-22s %s\n%-22s %u\n"
		    "%-22s %u\n", "Seal Type", d->type, "Seal Name", d->name,
		    "Recovery Seal", "true", "Recovery Seal Type", "shamir",
		    "Total Recovery Shares", n, "Threshold", t);
	}
	print_shares(init, n, a->seal != NULL);
	if (a->seal != NULL) {
		printf("\nImage initialized with %u recovery shares and a "
		    "recovery threshold of %u.\nThe root key is wrapped by "
		    "seal '%s' (%s): the image unseals through that\ndevice "
		    "alone.  Recovery shares cannot open it: they only "
		    "authorise rekey\nand export-root.  If the device and its "
		    "keys are lost, the image is lost, even\nwith every "
		    "recovery share.  Check each share now with\n  symbolon "
		    "verify --manifest %s/recovery-manifest.%s SHARE\n", n, t,
		    d->name, d->type, r->out_dir, r->armor ? "txt" : "cbor");
		return;
	}
	printf("\nImage initialized with %u key shares and a key threshold of "
	    "%u.  Give each\nshare to its holder alone.  Every use of the "
	    "image needs %u of them.\n\nWARNING: lost shares cannot be "
	    "recovered.  If more than %u are lost, the image\nand everything "
	    "in it are lost for good.  Check each share now with\n  symbolon "
	    "verify --manifest %s/manifest.%s SHARE\n", n, t, t, n - t,
	    r->out_dir, r->armor ? "txt" : "cbor");
}

/* The seal string's type, for messages before it is used. */
static void
seal_type(char type[SYM_SEAL_TYPE_MAX + 1], const char *seal)
{
	size_t n = strcspn(seal, ":");

	snprintf(type, SYM_SEAL_TYPE_MAX + 1, "%.*s", (int)(n <
	    SYM_SEAL_TYPE_MAX ? n : SYM_SEAL_TYPE_MAX), seal);
}

int
keygen_init(struct keygen_args *a)
{
	struct sym_pgp_recipient *pgp[SYM_SHAMIR_MAX_SHARES] = { 0 };
	struct sym_init_shamir *r = &a->init;
	struct sym_seal_pin pin = { .file = a->pin_file };
	struct sym_init_result init;
	char type[SYM_SEAL_TYPE_MAX + 1] = "shamir", why[SYM_SEAL_WHY_MAX];
	const char *failed = NULL;
	int rc, status;

	why[0] = '\0';
	if (a->seal != NULL)
		seal_type(type, a->seal);
	if ((status = check_init(a, type)) != 0)
		return status;
	if (a->pgp_count && (status = cli_pgp_resolve(pgp, a->pgp_specs,
	    a->pgp_count)) != 0)
		goto out;
	r->pgp = a->pgp_count ? pgp : NULL;
	rc = a->seal == NULL ? sym_init_shamir(&init, r, &failed) :
	    sym_init_auto(&init, r, a->seal, &pin, &failed, why);
	if (rc == SYM_EEXIST && failed == NULL) {
		cli_error("%s: already holds a manifest or shares; give an empty "
		    "directory", r->out_dir);
		status = CLI_EXIT_USAGE;
	} else if (rc != SYM_OK && why[0] != '\0') {
		cli_error("%s", why);
		status = sym_exit_status(rc);
	} else if (rc != SYM_OK) {
		status = cli_fail(rc, failed ? failed : r->path);
	} else {
		print_init(a, &init);
		sym_init_result_free(&init);
	}
out:
	cli_pgp_free(pgp, a->pgp_count);
	return status;
}
