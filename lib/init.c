/* The init ceremony: see symbolon/init.h. */
#include <string.h>

#include "symbolon/init.h"
#include "symbolon/seal_shamir.h"
#include "symbolon/secmem.h"

int
sym_init_image(struct sym_init_result *out, const char *path,
    struct sym_seal *seal, uint64_t now)
{
	struct sym_image *img = NULL;
	struct sym_seal_made made;
	uint8_t *key = NULL;
	int rc, published = 0;

	memset(out, 0, sizeof *out);
	memset(&made, 0, sizeof made);
	key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES);
	if (key == NULL)
		return SYM_ENOMEM;
	if ((rc = sym_image_create(&img, path, now)) != SYM_OK ||
	    (rc = sym_seal_make(seal, key, &made, img, now)) != SYM_OK ||
	    (rc = sym_image_create_seal(img, key, &made.record, made.detail,
	    now)) != SYM_OK)
		goto out;
	/* Shares first, image last: an image whose shares were never
	 * written must not appear. */
	if ((rc = sym_seal_publish(seal)) != SYM_OK)
		goto out;
	published = 1;
	if ((rc = sym_image_create_link(img)) != SYM_OK)
		goto out;
	out->info = *sym_image_info(img);
	rc = SYM_OK;
out:
	if (rc != SYM_OK && published)
		sym_seal_withdraw(seal);
	sym_secmem_free(key);
	sym_image_close(img);	/* unlinks the temporary file if still there */
	return rc;
}

int
sym_init_shamir(struct sym_init_result *out,
    const struct sym_init_shamir *request)
{
	struct sym_seal_shamir_params p = {
		.shares = request->shares, .threshold = request->threshold,
		.holders = request->holders, .pgp = request->pgp,
		.out_dir = request->out_dir, .armor = request->armor,
	};
	struct sym_seal seal;
	struct sym_deal_output *deal;
	int rc;

	memset(out, 0, sizeof *out);
	if (request->shares < 2 || request->shares > SYM_SHAMIR_MAX_SHARES)
		return SYM_ESHARES;
	if (request->threshold < 2 || request->threshold > request->shares)
		return SYM_ETHRESHOLD;
	if ((rc = sym_seal_shamir_new(&seal, &p)) != SYM_OK)
		return rc;
	rc = sym_init_image(out, request->path, &seal, request->now);
	deal = sym_seal_shamir_deal(&seal);
	if (rc == SYM_OK && deal != NULL) {
		/* The result owns the deal now. */
		out->deal = *deal;
		memset(deal, 0, sizeof *deal);
	}
	sym_seal_free(&seal);
	return rc;
}

void
sym_init_result_free(struct sym_init_result *r)
{
	sym_deal_output_free(&r->deal);
	memset(r, 0, sizeof *r);
}
