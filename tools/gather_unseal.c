/* Unsealing an image from a program: with a quorum of shares, or (an
 * auto seal) through its device.  See gather.h. */
#include <stdio.h>

#include "symbolon/root_export.h"
#include "symbolon/seal_devices.h"

#include "cli.h"
#include "gather.h"

int
gather_unseal_device(struct gather *g)
{
	const struct sym_image_info *info = sym_image_info(g->image);
	struct sym_seal_pin pin = { .file = g->opts.pin_file };
	struct sym_seal_devices_report report;
	char why[SYM_SEAL_WHY_MAX * 2];
	int rc;

	if (g->opts.source_count > 0) {
		cli_error("--share: not applicable to seal type %s: the image "
		    "unseals through its device; recovery shares only "
		    "authorise rekey and export-root", info->devices[0].type);
		return CLI_EXIT_USAGE;
	}
	rc = sym_seal_devices_unseal(g->image, &pin, &report);
	if (rc != SYM_OK) {
		sym_seal_devices_explain(why, sizeof why, &report);
		cli_error("%s", why);
		return sym_exit_status(rc);
	}
	if (report.used > 0)
		fprintf(stderr, "Unsealed by seal '%s' (%s); %s did not answer\n",
		    report.devices[report.used].name,
		    report.devices[report.used].type, report.devices[0].name);
	return 0;
}

int
gather_unseal(struct gather *g)
{
	int rc, status;

	if (g->opts.root_key_file != NULL) {
		if (g->opts.source_count > 0) {
			cli_error("--root-key and --share exclude each other");
			return CLI_EXIT_USAGE;
		}
		rc = sym_root_export_unseal(g->image, g->opts.root_key_file);
		return rc == SYM_OK ? 0 : cli_fail(rc, g->opts.root_key_file);
	}
	if (sym_image_info(g->image)->seal.type == SYM_SEAL_AUTO)
		return gather_unseal_device(g);
	if ((status = gather_all(g)) == 0 &&
	    (rc = sym_gather_unseal(gather_view(&g->engine, g))) != SYM_OK)
		status = cli_fail(rc, NULL);
	return status;
}
