#include <stdio.h>
#include <string.h>

#include "symbolon/bundle.h"
#include "symbolon/qr.h"
#include "symbolon/qrread.h"
#include "symbolon/raster.h"
#include "symbolon/secmem.h"
#include "symbolon/share.h"

static int
start(struct sym_qrread *r)
{
	memset(r, 0, sizeof *r);
	return sym_qrcollect_new(&r->collect);
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

static int
read_file(struct sym_qrread *r, const char *path)
{
	struct sym_raster pic;
	int rc;

	r->ours = r->others = 0;
	rc = sym_raster_read_file(&pic, path);
	if (rc != SYM_OK)
		return rc;
	rc = sym_qr_scan(&pic, found_code, r);
	sym_raster_free(&pic);
	if (rc == SYM_OK && r->ours == 0)
		rc = SYM_ENOTBUNDLE;
	r->foreign = rc == SYM_ENOTBUNDLE && r->others > 0;
	return rc;
}

static int
finish(struct sym_qrread *r)
{
	int rc = sym_qrcollect_finish(r->collect, &r->problem);

	if (rc != SYM_OK) {
		r->src = r->problem.src;
		return rc;
	}
	r->count = sym_qrcollect_count(r->collect);
	return SYM_OK;
}

int
sym_qrread_files(struct sym_qrread *r, const char *const paths[],
    size_t count)
{
	int rc = start(r);

	for (size_t i = 0; i < count && rc == SYM_OK; i++) {
		r->src = (unsigned)i;
		rc = read_file(r, paths[i]);
	}
	return rc == SYM_OK ? finish(r) : rc;
}

int
sym_qrread_camera(struct sym_qrread *r, const char *device,
    unsigned timeout_ms)
{
	int rc = start(r);

	if (rc != SYM_OK)
		return rc;
	rc = sym_qr_camera(device, camera_code, r, timeout_ms);
	/* A code the collector refused stops the camera: it says why. */
	if (rc != SYM_OK)
		return r->refused != SYM_OK ? r->refused : rc;
	return finish(r);
}

/* The output file name of a bundle: share-I-of-N, or its type. */
static void
name_of(char *name, size_t cap, const uint8_t *bytes, size_t len,
    unsigned type)
{
	struct sym_share *share = NULL;

	if (type == SYM_BUNDLE_SHARE && sym_share_parse(&share, bytes, len) ==
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

/* out_dir/NAME.EXT, or NAME-2.EXT... when a file of the set has it. */
static int
path_in_dir(char *path, size_t cap, const struct sym_fileset *fs,
    const char *out_dir, const char *name, const char *ext)
{
	for (size_t same = 0; same <= fs->count; same++) {
		int n = same == 0 ?
		    snprintf(path, cap, "%s/%s.%s", out_dir, name, ext) :
		    snprintf(path, cap, "%s/%s-%zu.%s", out_dir, name, same + 1,
		    ext);

		if (n < 0 || (size_t)n >= cap)
			return SYM_ETOOBIG;
		if (!sym_fileset_has(fs, path))
			return SYM_OK;
	}
	return SYM_EINTERNAL;
}

static int
plan_one(struct sym_fileset *fs, struct sym_qrread *r, size_t i,
    const char *out, const char *out_dir, int armor)
{
	struct sym_bundle b;
	const uint8_t *bytes;
	char path[4096], name[64], *text = NULL;
	size_t len, text_len = 0;
	unsigned src;
	int rc;

	sym_qrcollect_get(r->collect, i, &bytes, &len, &src);
	rc = sym_bundle_open(&b, bytes, len, SYM_BUNDLE_ANY);
	if (rc != SYM_OK) {
		r->src = src;
		r->named = 1;
		return rc;
	}
	if (out_dir != NULL) {
		name_of(name, sizeof name, bytes, len, b.type);
		rc = path_in_dir(path, sizeof path, fs, out_dir, name,
		    armor ? "txt" : "cbor");
		if (rc != SYM_OK)
			return rc;
		out = path;
	}
	if (!armor)
		return sym_fileset_add_copy(fs, out, bytes, len);
	rc = sym_bundle_armor(&text, &text_len, bytes, len);
	if (rc != SYM_OK)
		return rc;
	/* armor leaves room for the NUL: the newline. */
	text[text_len++] = '\n';
	return sym_fileset_add(fs, out, (uint8_t *)text, text_len);
}

int
sym_qrread_plan(struct sym_fileset *fs, struct sym_qrread *r,
    const char *out, const char *out_dir, int armor)
{
	int rc = SYM_OK;

	r->named = 0;
	for (size_t i = 0; i < r->count && rc == SYM_OK; i++)
		rc = plan_one(fs, r, i, out, out_dir, armor);
	return rc;
}

void
sym_qrread_free(struct sym_qrread *r)
{
	if (r == NULL)
		return;
	sym_qrcollect_free(r->collect);
	memset(r, 0, sizeof *r);
}
