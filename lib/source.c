#include <stdio.h>
#include <string.h>

#include "symbolon/bundle.h"
#include "symbolon/io.h"
#include "symbolon/picture.h"
#include "symbolon/raster.h"
#include "symbolon/secmem.h"
#include "symbolon/source.h"

static int
picture_file(struct sym_source *s, const char *path)
{
	const struct sym_picture_ops *ops;
	int rc = sym_picture_get(&ops);

	s->kind = SYM_SOURCE_PICTURE;
	if (rc != SYM_OK)
		return rc;
	return ops->read_bundle_file(&s->bytes, &s->len, path);
}

/* s->bytes hold what was read; replaces them by what they stand for. */
static int
unwrap(struct sym_source *s, unsigned flags)
{
	const struct sym_picture_ops *ops;
	uint8_t *in = s->bytes;
	size_t in_len = s->len;
	int rc = SYM_OK;

	s->bytes = NULL;
	s->len = 0;
	/* Standard input cannot be peeked at: a picture there is found here. */
	if (sym_raster_sniff(in, in_len) != SYM_RASTER_NONE) {
		s->kind = SYM_SOURCE_PICTURE;
		if ((rc = sym_picture_get(&ops)) == SYM_OK)
			rc = ops->read_bundle(&s->bytes, &s->len, in, in_len);
	} else if ((flags & SYM_SOURCE_DECRYPT) &&
	    sym_pgp_sniff(in, in_len) != SYM_PGP_NONE) {
		s->kind = SYM_SOURCE_PGP;
		rc = sym_pgp_decrypt(&s->bytes, &s->len, &s->to, in, in_len);
	} else {
		s->bytes = in;
		s->len = in_len;
		in = NULL;
	}
	sym_secmem_free(in);
	return rc;
}

static int
decode(struct sym_source *s)
{
	uint8_t *in = s->bytes;
	int rc;

	/* A picture already gave binary bundle bytes. */
	if (s->kind == SYM_SOURCE_PICTURE)
		return SYM_OK;
	rc = sym_bundle_decode(&s->bytes, &s->len, in, s->len,
	    &s->error_offset);
	sym_secmem_free(in);
	return rc;
}

static int
finish(struct sym_source *s, unsigned flags, int rc)
{
	if (rc == SYM_OK && s->kind != SYM_SOURCE_PICTURE)
		rc = unwrap(s, flags);
	if (rc == SYM_OK && (flags & SYM_SOURCE_DECODE))
		rc = decode(s);
	if (rc != SYM_OK) {
		sym_secmem_free(s->bytes);
		s->bytes = NULL;
		s->len = 0;
	}
	return rc;
}

int
sym_source_read(struct sym_source *s, const char *path, size_t max,
    unsigned flags)
{
	int rc;

	memset(s, 0, sizeof *s);
	/* A PNG or JPEG file is a picture of a bundle's QR codes (qr.h): a
	 * share sheet, a scan of one, a screenshot. */
	if (sym_raster_file_kind(path) != SYM_RASTER_NONE)
		rc = picture_file(s, path);
	else
		rc = sym_io_read_all(&s->bytes, &s->len, path, max);
	return finish(s, flags, rc);
}

int
sym_source_read_bytes(struct sym_source *s, const uint8_t *input, size_t len,
    unsigned flags)
{
	memset(s, 0, sizeof *s);
	s->bytes = sym_secmem_alloc(len);
	if (s->bytes == NULL)
		return SYM_ENOMEM;
	if (len > 0)
		memcpy(s->bytes, input, len);
	s->len = len;
	return finish(s, flags, SYM_OK);
}

const char *
sym_source_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "standard input" : path;
}

void
sym_source_clear(struct sym_source *s)
{
	sym_secmem_free(s->bytes);
	memset(s, 0, sizeof *s);
}

void
sym_source_recipients(char *out, size_t cap, const struct sym_source *s)
{
	const struct sym_pgp_keyids *to = &s->to;
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < to->count && used + 40 < cap; i++) {
		struct sym_pgp_key key;
		int n;

		if (sym_pgp_lookup_keyid(&key, to->key[i].keyid) == SYM_OK)
			n = snprintf(out + used, cap - used, "%s%s (%s)",
			    i ? ", " : "", key.fpr, key.uid);
		else
			n = snprintf(out + used, cap - used, "%skey id %s",
			    i ? ", " : "", to->key[i].keyid);
		if (n < 0 || (size_t)n >= cap - used)
			break;
		used += (size_t)n;
	}
}

int
sym_bundle_read_file(uint8_t **bytes, size_t *len, const char *path,
    size_t *error_offset)
{
	struct sym_source s;
	int rc = sym_source_read(&s, path, SYM_SOURCE_BUNDLE_FILE_MAX_BYTES,
	    SYM_SOURCE_DECODE);

	*bytes = s.bytes;
	*len = s.len;
	if (error_offset != NULL)
		*error_offset = s.error_offset;
	return rc;
}
