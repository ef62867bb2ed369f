/* The init ceremony: see symbolon/init.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbolon/bundle.h"
#include "symbolon/init.h"
#include "symbolon/io.h"
#include "symbolon/passphrase.h"
#include "symbolon/seal_auto.h"
#include "symbolon/seal_registry.h"
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
	    (rc = sym_seal_make(seal, key, &made, img, now)) != SYM_OK)
		goto out;
	if (made.has_device &&
	    (rc = sym_image_set_devices(img, &made.device, 1)) != SYM_OK)
		goto out;
	if (made.has_recovery && (rc = made.recovery_key == NULL ?
	    SYM_EINTERNAL : sym_image_recovery_install(img, made.recovery_key,
	    &made.recovery, 0)) != SYM_OK)
		goto out;
	if ((rc = sym_image_create_seal(img, key, &made.record, made.detail,
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
sym_init_shamir_check(const struct sym_init_shamir *r, char *why, size_t cap)
{
	unsigned n = r->shares, t = r->threshold;
	const char *kind = r->recovery ? "recovery" : "key";

	why[0] = '\0';
	if (n < 2 || n > SYM_SHAMIR_MAX_SHARES)
		snprintf(why, cap, "--%s-shares: 2 to %u shares", kind,
		    SYM_SHAMIR_MAX_SHARES);
	else if (t < 2 || t > n)
		snprintf(why, cap, "--%s-threshold %u: must be at least 2 and "
		    "at most --%s-shares %u", kind, t, kind, n);
	else if ((r->to_count && r->to_count != n) ||
	    (r->name_count && r->name_count != n))
		snprintf(why, cap, "--to and --holders name one holder per "
		    "share (%u)", n);
	else if (r->to_count && (r->name_count || r->passphrase_file))
		snprintf(why, cap, "--to excludes --holders and "
		    "--passphrase-file");
	else if (r->pgp_count && r->pgp_count != n)
		snprintf(why, cap, "incorrect number of PGP keys: %u for %u "
		    "shares", r->pgp_count, n);
	else if (r->pgp_count && (r->to_count || r->passphrase_file))
		snprintf(why, cap, "--%spgp-keys excludes --to and "
		    "--passphrase-file", r->recovery ? "recovery-" : "");
	for (unsigned i = 0; why[0] == '\0' && i < r->name_count; i++)
		if (sym_identity_check_name(r->names[i]) != SYM_OK)
			snprintf(why, cap, "--holders: name %u is not 1 to %u "
			    "printable bytes", i + 1, SYM_IDENTITY_NAME_MAX);
	return why[0] ? SYM_EUSAGE : SYM_OK;
}

/* Holders as the request describes them; their secrets in secure memory. */
struct holders {
	struct sym_deal_holder h[SYM_SHAMIR_MAX_SHARES];
	char pgp_names[SYM_SHAMIR_MAX_SHARES][SYM_IDENTITY_NAME_MAX + 1];
	struct sym_identity *recipients;	/* heap, one per share */
	char *passphrases[SYM_SHAMIR_MAX_SHARES];
};

static void
holders_free(struct holders *h)
{
	free(h->recipients);
	for (unsigned i = 0; i < SYM_SHAMIR_MAX_SHARES; i++)
		sym_secmem_free(h->passphrases[i]);
	memset(h, 0, sizeof *h);
}

static int
holders_load(struct holders *h, const struct sym_init_shamir *req,
    const char **failed)
{
	int rc;

	memset(h, 0, sizeof *h);
	h->recipients = calloc(req->shares, sizeof *h->recipients);
	if (h->recipients == NULL)
		return SYM_ENOMEM;
	for (unsigned i = 0; i < req->shares; i++) {
		struct sym_deal_holder *d = &h->h[i];
		size_t len;

		if (req->to_count) {
			*failed = req->to[i];
			rc = sym_identity_load_public(&h->recipients[i],
			    req->to[i]);
			if (rc != SYM_OK)
				return rc;
			d->name = h->recipients[i].name;
			d->protection = SYM_SHARE_TO_IDENTITY;
			d->recipient = &h->recipients[i];
		}
		if (req->name_count)
			d->name = req->names[i];
		if (req->passphrase_file != NULL) {
			*failed = req->passphrase_file;
			h->passphrases[i] =
			    sym_secmem_alloc(SYM_PASSPHRASE_MAX_BYTES + 1);
			if (h->passphrases[i] == NULL)
				return SYM_ENOMEM;
			rc = sym_passphrase_get_line(h->passphrases[i],
			    SYM_PASSPHRASE_MAX_BYTES + 1, &len,
			    req->passphrase_file, i + 1);
			if (rc != SYM_OK)
				return rc;
			d->protection = SYM_SHARE_PASSPHRASE;
			d->passphrase = h->passphrases[i];
			d->passphrase_len = len;
		}
		if (req->pgp != NULL) {
			d->protection = SYM_SHARE_OPENPGP;
			d->pgp = sym_pgp_recipient_key(req->pgp[i]);
			if (d->name == NULL) {
				sym_identity_name_from_pgp(h->pgp_names[i],
				    sizeof h->pgp_names[i], d->pgp);
				d->name = h->pgp_names[i];
			}
		}
	}
	*failed = NULL;
	return SYM_OK;
}

/* The rows a program prints, one per share, into out->shares (allocated
 * before the image is made, so that nothing can fail once it exists). */
static void
report_shares(struct sym_init_result *out, const struct sym_init_shamir *req)
{
	static const char hex[] = "0123456789ABCDEF";

	sym_set_id_text(out->image_id, out->info.image_id);
	for (unsigned i = 0; i < req->shares; i++) {
		struct sym_init_share *row = &out->shares[i];
		const struct sym_manifest_entry *e =
		    &out->deal.record->entries[i];

		if (req->out_dir == NULL || sym_deal_path(row->path,
		    sizeof row->path, &out->deal, req->out_dir, i + 1,
		    req->armor) != SYM_OK)
			row->path[0] = '\0';
		snprintf(row->holder, sizeof row->holder, "%s", e->holder);
		if (e->protection != SYM_SHARE_OPENPGP)
			continue;
		for (size_t j = 0; j < sizeof e->pgp_fingerprint &&
		    2 * j + 2 < sizeof row->pgp_fingerprint; j++) {
			row->pgp_fingerprint[2 * j] =
			    hex[e->pgp_fingerprint[j] >> 4];
			row->pgp_fingerprint[2 * j + 1] =
			    hex[e->pgp_fingerprint[j] & 15];
		}
		/* The user id too when --holders named them otherwise. */
		if (req->pgp != NULL)
			row->pgp_uid = sym_pgp_recipient_key(req->pgp[i])->uid;
		if (row->pgp_uid != NULL && (row->pgp_uid[0] == '\0' ||
		    strcmp(row->pgp_uid, row->holder) == 0))
			row->pgp_uid = NULL;
	}
}

/* How a ceremony's seal is made once its holders are loaded, and where
 * the shares it dealt are. */
struct seal_maker {
	int (*make)(struct sym_seal *seal, const struct sym_init_shamir *req,
	    const struct sym_deal_holder *holders, void *ctx);
	struct sym_deal_output *(*deal)(struct sym_seal *seal);
	void *ctx;
};

/* The init ceremony for req's shares (unseal or recovery), with the seal
 * m makes; out owns the deal and the rows on success. */
static int
init_with(struct sym_init_result *out, const struct sym_init_shamir *req,
    const char **failed, const struct seal_maker *m)
{
	struct holders holders;
	struct sym_seal seal;
	struct sym_deal_output *deal;
	struct sym_init_share *shares = NULL;
	int rc;

	memset(&seal, 0, sizeof seal);
	if (req->shares < 2 || req->shares > SYM_SHAMIR_MAX_SHARES)
		return SYM_ESHARES;
	if (req->threshold < 2 || req->threshold > req->shares)
		return SYM_ETHRESHOLD;
	rc = holders_load(&holders, req, failed);
	if (rc == SYM_OK)
		rc = m->make(&seal, req, holders.h, m->ctx);
	if (rc == SYM_OK && (shares = calloc(req->shares,
	    sizeof *shares)) == NULL)
		rc = SYM_ENOMEM;
	if (rc == SYM_OK)
		rc = sym_init_image(out, req->path, &seal, req->now);
	deal = seal.ops != NULL ? m->deal(&seal) : NULL;
	if (rc == SYM_OK && deal != NULL) {
		/* The result owns the deal and the rows now. */
		out->deal = *deal;
		memset(deal, 0, sizeof *deal);
		out->shares = shares;
		shares = NULL;
		report_shares(out, req);
	}
	free(shares);
	if (rc != SYM_OK)
		sym_init_result_free(out);
	sym_seal_free(&seal);
	holders_free(&holders);
	return rc;
}

static int
make_shamir(struct sym_seal *seal, const struct sym_init_shamir *req,
    const struct sym_deal_holder *holders, void *ctx)
{
	struct sym_seal_shamir_params p = {
		.shares = req->shares, .threshold = req->threshold,
		.pgp = req->pgp, .out_dir = req->out_dir, .armor = req->armor,
		.holders = holders,
	};

	(void)ctx;
	return sym_seal_shamir_new(seal, &p);
}

int
sym_init_shamir(struct sym_init_result *out,
    const struct sym_init_shamir *request, const char **failed)
{
	const struct seal_maker m = { make_shamir, sym_seal_shamir_deal, NULL };
	const char *ignored;

	memset(out, 0, sizeof *out);
	if (failed == NULL)
		failed = &ignored;
	*failed = NULL;
	return init_with(out, request, failed, &m);
}

struct auto_ctx {
	const struct sym_seal_spec *spec;
	const struct sym_seal_pin *pin;
	char *why;
};

static int
make_auto(struct sym_seal *seal, const struct sym_init_shamir *req,
    const struct sym_deal_holder *holders, void *ctx)
{
	const struct auto_ctx *a = ctx;
	struct sym_seal_auto_recovery r = {
		.shares = req->shares, .threshold = req->threshold,
		.pgp = req->pgp, .out_dir = req->out_dir, .armor = req->armor,
		.holders = holders,
	};

	return sym_seal_auto_new(seal, a->spec, a->pin, &r, a->why);
}

int
sym_init_auto(struct sym_init_result *out, const struct sym_init_shamir *req,
    const char *seal_text, const struct sym_seal_pin *pin,
    const char **failed, char *why)
{
	struct sym_seal_spec spec;
	struct auto_ctx a = { &spec, pin, why };
	const struct seal_maker m = { make_auto, sym_seal_auto_deal, &a };
	const char *ignored;
	int rc;

	memset(out, 0, sizeof *out);
	why[0] = '\0';
	if (failed == NULL)
		failed = &ignored;
	*failed = NULL;
	if ((rc = sym_seal_spec_parse(&spec, seal_text, why)) != SYM_OK)
		return rc;
	if (strcmp(spec.type, "shamir") == 0) {
		snprintf(why, SYM_SEAL_WHY_MAX, "the shamir seal is made by "
		    "--key-shares and --key-threshold, not --seal");
		return SYM_ESEALSPEC;
	}
	return init_with(out, req, failed, &m);
}

static int
write_identity(struct sym_init_identity_result *out,
    const struct sym_init_identity *req, const char *passphrase,
    size_t passphrase_len)
{
	struct sym_identity_secret *id = NULL;
	uint8_t fingerprint[SYM_FINGERPRINT_BYTES];
	uint8_t *pub = NULL, *key = NULL;
	size_t pub_len = 0, key_len = 0;
	enum sym_io_write_mode mode = req->force ? SYM_IO_OVERWRITE :
	    SYM_IO_NO_OVERWRITE;
	int rc;

	rc = sym_identity_generate(&id, req->name, req->now);
	if (rc == SYM_OK)
		rc = sym_identity_export_public(&pub, &pub_len, id);
	if (rc == SYM_OK)
		rc = sym_identity_export_secret(&key, &key_len, id, passphrase,
		    passphrase_len);
	if (rc != SYM_OK)
		goto out;
	out->failed = out->key_path;
	rc = sym_io_write_file(out->key_path, key, key_len, mode);
	if (rc != SYM_OK)
		goto out;
	out->failed = out->pub_path;
	rc = sym_bundle_write_file(out->pub_path, pub, pub_len, req->armor,
	    mode);
	if (rc != SYM_OK) {
		/* Without its public half the key file is of no use. */
		(void)remove(out->key_path);
		goto out;
	}
	out->failed = NULL;
	sym_fingerprint(fingerprint, id->pub.sign_public);
	if (sym_fingerprint_hex(out->fingerprint, sizeof out->fingerprint,
	    fingerprint) != SYM_OK || sym_fingerprint_words(out->words,
	    sizeof out->words, fingerprint,
	    SYM_FINGERPRINT_WORD_BYTES) != SYM_OK)
		rc = SYM_EINTERNAL;
	snprintf(out->name, sizeof out->name, "%s", id->pub.name);
out:
	sym_secmem_free(pub);
	sym_secmem_free(key);
	sym_identity_secret_free(id);
	return rc;
}

int
sym_init_identity(struct sym_init_identity_result *out,
    const struct sym_init_identity *req)
{
	char *passphrase = NULL;
	size_t passphrase_len = 0;
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(out->pub_path, sizeof out->pub_path, "%s.pub%s", req->out,
	    req->armor ? ".txt" : "");
	snprintf(out->key_path, sizeof out->key_path, "%s.key", req->out);
	out->failed = out->pub_path;
	if (!req->force && (rc = sym_io_check_absent(out->pub_path)) != SYM_OK)
		return rc;
	out->failed = out->key_path;
	if (!req->force && (rc = sym_io_check_absent(out->key_path)) != SYM_OK)
		return rc;
	out->failed = NULL;
	if (!req->no_passphrase) {
		passphrase = sym_secmem_alloc(SYM_PASSPHRASE_MAX_BYTES + 1);
		if (passphrase == NULL)
			return SYM_ENOMEM;
		rc = sym_passphrase_get(passphrase,
		    SYM_PASSPHRASE_MAX_BYTES + 1, &passphrase_len,
		    "Passphrase for the new key (will be hidden): ", 1,
		    req->passphrase_file);
		if (rc != SYM_OK) {
			out->failed = req->passphrase_file ?
			    req->passphrase_file : "passphrase";
			sym_secmem_free(passphrase);
			return rc;
		}
	}
	rc = write_identity(out, req, passphrase, passphrase_len);
	sym_secmem_free(passphrase);
	return rc;
}

void
sym_init_result_free(struct sym_init_result *r)
{
	free(r->shares);
	sym_deal_output_free(&r->deal);
	memset(r, 0, sizeof *r);
}
