/* The seal status of an image: see symbolon/seal_status.h. */
#include <string.h>

#include "symbolon/codec.h"
#include "symbolon/journal.h"
#include "symbolon/seal.h"
#include "symbolon/seal_status.h"

int
sym_seal_status(struct sym_seal_status *out, const char *path)
{
	struct sym_image *img = NULL;
	struct sym_image_pending pending;
	uint8_t fingerprint[SYM_FINGERPRINT_BYTES];
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = sym_image_open(&img, path, SYM_IMAGE_READ)) != SYM_OK)
		return rc;
	out->info = *sym_image_info(img);
	out->type = out->info.seal.type == SYM_SEAL_AUTO ?
	    out->info.devices[0].type : sym_seal_type_name(out->info.seal.type);
	/* Unreadable pending operations are shown as none, as ever. */
	if (sym_image_pending_get(img, &pending) == SYM_OK) {
		out->rekey_pending = pending.rekey != NULL;
		out->journal = pending.journal_count;
		sym_image_pending_clear(&pending);
	}
	sym_image_close(img);
	/* The image is closed before any device is asked: a slow token does
	 * not hold the lock. */
	if (out->info.seal.type == SYM_SEAL_AUTO)
		sym_seal_devices_probe(&out->info, &out->devices);
	sym_fingerprint(fingerprint, out->info.identity);
	if (sym_fingerprint_hex(out->fingerprint, sizeof out->fingerprint,
	    fingerprint) != SYM_OK || sym_fingerprint_words(out->words,
	    sizeof out->words, fingerprint,
	    SYM_FINGERPRINT_WORD_BYTES) != SYM_OK)
		return SYM_EINTERNAL;
	if (sym_codec_encode(out->image_id, sizeof out->image_id,
	    out->info.image_id, SYM_IMAGE_ID_BYTES, SYM_TEXT_HEX) != SYM_OK ||
	    sym_codec_encode(out->fingerprint_plain,
	    sizeof out->fingerprint_plain, fingerprint, SYM_FINGERPRINT_BYTES,
	    SYM_TEXT_HEX) != SYM_OK)
		return SYM_EINTERNAL;
	return SYM_OK;
}

