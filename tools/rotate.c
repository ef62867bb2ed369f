/*
 * symbolon rotate: add a keyring term (Vault's operator rotate); new
 * writes use it and older terms keep decrypting.  --reencrypt then moves
 * every entry to the newest term and drops the terms no longer used,
 * committing after each entry so an interrupted run resumes.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "symbolon/image.h"

#include "cli.h"
#include "gather.h"

static const char synopsis[] =
    "usage: symbolon rotate --image FILE [--share FILE]... [--reencrypt]\n"
    "\n"
    "Unseals the image and adds a keyring term for new writes.  With\n"
    "--reencrypt, also moves every entry to the new term and drops unused\n"
    "terms; if that is interrupted, running it again finishes the job\n"
    "without adding another term.\n"
    "  --image FILE         the storage image\n"
    GATHER_USAGE
    "  --reencrypt          re-encrypt every entry under the newest term\n";

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_OPT_IMAGE,
		CLI_NOARG("reencrypt", 'r'), CLI_OPT_HELP, GATHER_OPTIONS,
		CLI_OPT_END,
	};
	struct gather_options share_opts;
	struct gather g;
	struct sym_image *img = NULL;
	const char *path = NULL;
	int opt, rc, status, reencrypt = 0;
	uint64_t now = (uint64_t)time(NULL);

	cli_init("symbolon-rotate");
	memset(&share_opts, 0, sizeof share_opts);
	memset(&g, 0, sizeof g);
	while ((opt = cli_getopt(argc, argv, options, gather_option,
	    &share_opts, &status)) != -1) {
		switch (opt) {
		case 'i': path = optarg; break;
		case 'r': reencrypt = 1; break;
		default:
			return cli_other_option(opt, synopsis, argv);
		}
	}
	if (status != 0 ||
	    (status = cli_no_operand(argc, argv, synopsis)) != 0 ||
	    (status = cli_required(path, "--image", synopsis)) != 0)
		return status;
	rc = sym_image_open(&img, path, SYM_IMAGE_WRITE);
	if (rc != SYM_OK)
		return cli_fail(rc, path);
	if ((status = gather_init(&g, img, &share_opts)) != 0 ||
	    (status = gather_unseal(&g)) != 0)
		goto out;
	/* A re-encryption left unfinished is resumed, not restarted. */
	if (!sym_image_info(img)->reencrypt_pending) {
		rc = sym_image_rotate(img, now);	/* commits itself */
		if (rc != SYM_OK) {
			status = cli_fail(rc, path);
			goto out;
		}
		printf("Success! Installed key term %u.\n",
		    sym_image_info(img)->active_term);
	} else {
		printf("Resuming the re-encryption to term %u.\n",
		    sym_image_info(img)->active_term);
		reencrypt = 1;
	}
	if (reencrypt) {
		rc = sym_image_reencrypt(img, now);
		if (rc != SYM_OK) {
			status = cli_fail(rc, path);
			goto out;
		}
		printf("Re-encrypted every entry under term %u; %u term%s "
		    "remain%s.\n", sym_image_info(img)->active_term,
		    sym_image_info(img)->terms,
		    sym_image_info(img)->terms == 1 ? "" : "s",
		    sym_image_info(img)->terms == 1 ? "s" : "");
	}
	status = 0;
out:
	gather_free(&g);
	sym_image_close(img);
	return status;
}
