#include <stdio.h>
#include <string.h>

#include "symbolon/bundle.h"
#include "symbolon/qr.h"
#include "symbolon/qrread.h"
#include "symbolon/raster.h"
#include "symbolon/secmem.h"
#include "symbolon/share.h"
#include "symbolon/source.h"

/* A source by number, as the collector's problems name it. */
static const char *
src_path(const struct sym_qrread *r, unsigned src)
{
	if (r->q->camera)
		return r->q->device ? r->q->device : "camera";
	return src < r->q->count ? r->q->paths[src] : "?";
}

static int
found_code(void *ctx, const uint8_t *data, size_t len)
{
	struct sym_qrread *r = ctx;
	int rc = sym_qrcollect_add(r->collect, data, len, r->src, &r->problem);

	if (rc == SYM_ENOTBUNDLE) {
		r->others++;
		return SYM_OK;
	}
	if (rc == SYM_OK)
		r->ours++;
	else
		r->refused = rc;
	return rc;
}

static int
camera_code(void *ctx, const uint8_t *data, size_t len)
{
	struct sym_qrread *r = ctx;
	int rc = found_code(ctx, data, len);

	if (rc != SYM_OK)
		return rc;
	return r->ours > 0 && sym_qrcollect_complete(r->collect) ? 1 : 0;
}

/* The text for a collector's problem (or none: sym_strerror says it). */
static void
explain(struct sym_qrread *r, int rc)
{
	const struct sym_qrcollect_problem *p = &r->problem;
	char hash[SYM_QRFRAME_HASH_TEXT_MAX];
	const char *other = src_path(r, p->other_src);

	sym_qrframe_hash_text(hash, p->hash);
	if (rc == SYM_EQRPART)
		snprintf(r->why, sizeof r->why, "part %u of %u of bundle %s is "
		    "missing", p->part, p->parts, hash);
	else if (rc == SYM_EQRMIX && p->parts != 0 && p->part != 0)
		snprintf(r->why, sizeof r->why, "part %u of bundle %s differs "
		    "from the copy in %s", p->part, hash, other);
	else if (rc == SYM_EQRMIX && p->parts != 0 && p->other_src != p->src)
		snprintf(r->why, sizeof r->why, "parts of different bundles "
		    "(%s, and another in %s), none complete", hash, other);
	else if (rc == SYM_EQRMIX && p->parts != 0)
		snprintf(r->why, sizeof r->why, "the parts of bundle %s do not "
		    "reassemble into it", hash);
}

static int
read_file(struct sym_qrread *r, unsigned src)
{
	struct sym_raster pic;
	int rc;

	r->src = src;
	r->ours = r->others = 0;
	r->subject = sym_source_name(r->q->paths[src]);
	rc = sym_raster_read_file(&pic, r->q->paths[src]);
	if (rc != SYM_OK)
		return rc;
	rc = sym_qr_scan(&pic, found_code, r);
	sym_raster_free(&pic);
	if (rc == SYM_OK && r->ours == 0)
		rc = SYM_ENOTBUNDLE;
	if (rc == SYM_ENOTBUNDLE && r->others > 0)
		snprintf(r->why, sizeof r->why, "QR code is not a symbolon "
		    "bundle (no SYM1: or SYMP1: text)");
	else if (rc != SYM_OK)
		explain(r, rc);
	return rc;
}

static int
read_all(struct sym_qrread *r)
{
	const struct sym_qrread_request *q = r->q;
	int rc = SYM_OK;

	if (q->camera) {
		r->subject = src_path(r, 0);
		rc = sym_qr_camera(q->device, camera_code, r, q->timeout_ms);
		/* A code the collector refused stops the camera: it says why. */
		if (rc != SYM_OK && r->refused != SYM_OK) {
			rc = r->refused;
			explain(r, rc);
		}
	}
	for (unsigned i = 0; !q->camera && i < q->count && rc == SYM_OK; i++)
		rc = read_file(r, i);
	if (rc != SYM_OK)
		return rc;
	rc = sym_qrcollect_finish(r->collect, &r->problem);
	if (rc != SYM_OK) {
		r->subject = src_path(r, r->problem.src);
		explain(r, rc);
		return rc;
	}
	r->count = sym_qrcollect_count(r->collect);
	return SYM_OK;
}

/* The output file name of a bundle: share-I-of-N, or its type. */
static void
name_of(char *name, size_t cap, const uint8_t *bytes, size_t len,
    unsigned type)
{
	struct sym_share *share = NULL;

	if (SYM_BUNDLE_IS_SHARE(type) && sym_share_parse(&share, bytes, len) ==
	    SYM_OK)
		snprintf(name, cap, "share-%u-of-%u", share->index,
		    share->count);
	else
		snprintf(name, cap, "%s", sym_bundle_type_name(type));
	sym_share_free(share);
	for (char *c = name; *c; c++)
		if (*c == ' ')
			*c = '-';
}

static int
plan_one(struct sym_qrread *r, size_t i)
{
	const struct sym_qrread_request *q = r->q;
	const char *out = q->out;
	struct sym_bundle b;
	const uint8_t *bytes;
	char path[4096], name[64], *text = NULL;
	size_t len, text_len = 0;
	unsigned src;
	int rc;

	sym_qrcollect_get(r->collect, i, &bytes, &len, &src);
	rc = sym_bundle_open(&b, bytes, len, SYM_BUNDLE_ANY);
	if (rc != SYM_OK) {
		r->subject = src_path(r, src);
		return rc;
	}
	if (q->out_dir != NULL) {
		name_of(name, sizeof name, bytes, len, b.type);
		rc = sym_fileset_path(path, sizeof path, &r->fs, q->out_dir, name,
		    q->armor ? "txt" : "cbor");
		if (rc != SYM_OK)
			return rc;
		out = path;
	}
	if (!q->armor)
		return sym_fileset_add_copy(&r->fs, out, bytes, len);
	rc = sym_bundle_armor(&text, &text_len, bytes, len);
	if (rc != SYM_OK)
		return rc;
	/* armor leaves room for the NUL: the newline. */
	text[text_len++] = '\n';
	return sym_fileset_add(&r->fs, out, (uint8_t *)text, text_len);
}

int
sym_qrread_run(struct sym_qrread *r, const struct sym_qrread_request *q)
{
	int rc;

	memset(r, 0, sizeof *r);
	r->q = q;
	sym_fileset_init(&r->fs);
	if ((rc = sym_qrcollect_new(&r->collect)) != SYM_OK ||
	    (rc = read_all(r)) != SYM_OK)
		return rc;
	r->subject = NULL;
	if (r->count > 1 && (q->out != NULL || (q->out_dir == NULL &&
	    !q->armor))) {
		snprintf(r->why, sizeof r->why, "%zu bundles decoded: give "
		    "--out-dir DIR%s", r->count, q->out ? "" : " or --armor");
		return SYM_EUSAGE;
	}
	for (size_t i = 0; i < r->count; i++)
		if ((rc = plan_one(r, i)) != SYM_OK)
			return rc;
	rc = sym_fileset_write(&r->fs, q->out_dir, q->force);
	if (rc != SYM_OK)
		r->subject = r->fs.failed_stdout ? "standard output" :
		    r->fs.failed_path;
	return rc;
}

void
sym_qrread_free(struct sym_qrread *r)
{
	if (r == NULL)
		return;
	sym_fileset_free(&r->fs);
	sym_qrcollect_free(r->collect);
	memset(r, 0, sizeof *r);
}
