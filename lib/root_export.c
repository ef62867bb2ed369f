/* Exported root keys: see symbolon/root_export.h. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "symbolon/audit.h"
#include "symbolon/codec.h"
#include "symbolon/io.h"
#include "symbolon/root_export.h"
#include "symbolon/secmem.h"

#define TAG "symbolon-root-key-v1"
#define LINE_MAX_BYTES 160u

int
sym_root_export(struct sym_image *img, const char *path, const char *detail,
    uint64_t now)
{
	const uint8_t *root = sym_image_root_key(img);
	const struct sym_image_info *info = sym_image_info(img);
	char id[2 * SYM_IMAGE_ID_BYTES + 1];
	char *line;
	size_t n;
	int rc;

	if (root == NULL)
		return SYM_ESEALED;
	if ((line = sym_secmem_alloc(LINE_MAX_BYTES)) == NULL)
		return SYM_ENOMEM;
	rc = sym_codec_encode(id, sizeof id, info->image_id,
	    SYM_IMAGE_ID_BYTES, SYM_TEXT_HEX);
	n = (size_t)snprintf(line, LINE_MAX_BYTES, TAG " %s ", id);
	if (rc == SYM_OK)
		rc = sym_codec_encode(line + n, LINE_MAX_BYTES - n - 1, root,
		    SYM_IMAGE_KEY_BYTES, SYM_TEXT_BASE64);
	if (rc == SYM_OK) {
		n = strlen(line);
		line[n++] = '\n';
		rc = sym_io_write_file(path, (const uint8_t *)line, n,
		    SYM_IO_NO_OVERWRITE);
	}
	/* The file exists only with its audit record. */
	if (rc == SYM_OK &&
	    (rc = sym_image_commit(img, SYM_AUDIT_EXPORT_ROOT, detail, now)) !=
	    SYM_OK)
		(void)unlink(path);
	sym_secmem_free(line);
	return rc;
}

static int
parse(uint8_t *key, uint8_t id[SYM_IMAGE_ID_BYTES], const char *line,
    size_t len)
{
	const char *hex = line + sizeof TAG, *b64 = hex + 2 * SYM_IMAGE_ID_BYTES + 1;
	size_t n;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len < sizeof TAG + 2 * SYM_IMAGE_ID_BYTES + 2 ||
	    memcmp(line, TAG " ", sizeof TAG) != 0 ||
	    b64[-1] != ' ' || sym_codec_decode(id, SYM_IMAGE_ID_BYTES, &n,
	    hex, 2 * SYM_IMAGE_ID_BYTES, SYM_TEXT_HEX) != SYM_OK ||
	    n != SYM_IMAGE_ID_BYTES ||
	    sym_codec_decode(key, SYM_IMAGE_KEY_BYTES, &n, b64,
	    len - (size_t)(b64 - line), SYM_TEXT_BASE64) != SYM_OK ||
	    n != SYM_IMAGE_KEY_BYTES)
		return SYM_EFORMAT;
	return SYM_OK;
}

int
sym_root_export_unseal(struct sym_image *img, const char *path)
{
	uint8_t *bytes = NULL, *key = NULL, id[SYM_IMAGE_ID_BYTES];
	size_t len = 0;
	int rc;

	if ((rc = sym_io_read_all(&bytes, &len, path, LINE_MAX_BYTES)) !=
	    SYM_OK)
		return rc;
	if ((key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES)) == NULL)
		rc = SYM_ENOMEM;
	else
		rc = parse(key, id, (const char *)bytes, len);
	if (rc == SYM_OK && memcmp(id, sym_image_info(img)->image_id,
	    SYM_IMAGE_ID_BYTES) != 0)
		rc = SYM_EWRONGIMAGE;
	if (rc == SYM_OK)
		rc = sym_image_unseal_root(img, key);
	sym_secmem_free(key);
	sym_secmem_free(bytes);
	return rc;
}
