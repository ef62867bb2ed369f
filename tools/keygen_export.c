/* symbolon keygen export-root: the root key to a file, for a quorum. */
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "symbolon/image.h"
#include "symbolon/io.h"
#include "symbolon/root_export.h"
#include "symbolon/seal_devices.h"

#include "cli.h"
#include "gather.h"
#include "keygen.h"

static const struct option options[] = {
	CLI_OPT_IMAGE, CLI_ARG("out", 'O'), GATHER_OPTIONS, CLI_OPT_HELP,
	CLI_OPT_END,
};

/* The quorum: unseal shares (Shamir), or recovery shares checked against
 * the image once its device has unsealed it (an auto seal). */
static int
authorise(struct gather *g)
{
	struct sym_seal_pin pin = { .file = g->opts.pin_file };
	struct sym_seal_devices_report report;
	char why[SYM_SEAL_WHY_MAX * 2];
	int rc, status;

	if (sym_image_info(g->image)->seal.type != SYM_SEAL_AUTO)
		return gather_unseal(g);
	g->recovery = 1;
	g->progress_label = "Recovery Progress";
	if ((status = gather_all(g)) != 0)
		return status;
	rc = sym_seal_devices_authorise(g->image, &pin, g->quorum, 0, &report);
	if (rc != SYM_OK && report.used < 0) {
		sym_seal_devices_explain(why, sizeof why, &report);
		cli_error("%s", why);
		return sym_exit_status(rc);
	}
	return rc == SYM_OK ? 0 : cli_fail(rc, "recovery shares");
}

int
keygen_export_root(struct keygen_args *a, int argc, char **argv)
{
	struct gather_options share_opts = { 0 };
	struct sym_image *img = NULL;
	struct gather g;
	const char *path = NULL;
	char detail[256];
	int opt, rc, status = 0;

	while ((opt = cli_getopt(argc, argv, options, gather_option,
	    &share_opts, &status)) != -1) {
		if (opt == 'i')
			path = optarg;
		else if (opt == 'O')
			a->out = optarg;
		else
			return cli_other_option(opt, keygen_synopsis, argv);
	}
	if (status != 0 ||
	    (status = cli_no_operand(argc, argv, keygen_synopsis)) != 0 ||
	    (status = cli_required(path, "--image", keygen_synopsis)) != 0 ||
	    (status = cli_required(a->out, "--out", keygen_synopsis)) != 0)
		return status;
	if (share_opts.root_key_file != NULL)
		return cli_usage_error(keygen_synopsis, "--root-key: the root "
		    "key is what export-root releases, to a quorum");
	/* Before anyone enters a share: the key is never written over a
	 * file (sym_root_export checks again, atomically). */
	if ((rc = sym_io_check_absent(a->out)) != SYM_OK)
		return cli_fail(rc, a->out);
	if ((rc = sym_image_open(&img, path, SYM_IMAGE_WRITE)) != SYM_OK)
		return cli_fail(rc, path);
	if ((status = gather_init(&g, img, &share_opts)) == 0 &&
	    (status = authorise(&g)) == 0) {
		snprintf(detail, sizeof detail, "root key exported to %.200s by "
		    "a quorum of %zu %s shares", a->out, gather_count(&g),
		    g.recovery ? "recovery" : "unseal");
		rc = sym_root_export(img, a->out, detail, (uint64_t)time(NULL));
		status = rc == SYM_OK ? 0 : cli_fail(rc, a->out);
	}
	if (status == 0)
		printf("Root key of %s written to %s (mode 0600).\nWARNING: it "
		    "opens the image without shares or seal device: keep it "
		    "as\nyou would a quorum, and destroy it when the move is "
		    "done.\n", path, a->out);
	gather_free(&g);
	sym_image_close(img);
	return status;
}
