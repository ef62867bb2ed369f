/* Pending operations and the journal: see journal.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "symbolon/codec.h"
#include "symbolon/audit.h"
#include "symbolon/bundle.h"
#include "symbolon/cbor.h"
#include "symbolon/journal.h"

#include "image_slot.h"
#include "journal_internal.h"

/* ---------------------------------------------------------------- */
/* Pending operations (envelope field 5):
 *   { ? 1: rekey bundle (bstr), ? 2: verification nonce (bstr 16),
 *     ? 3: journal [* [time, operation (tstr), detail (tstr)]] }       */

/* Printed and audited later: no control characters, and an operation
 * name short and non-empty enough for an audit record. */
static void
sanitize(char *text)
{
	for (char *c = text; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
}

void
sym_image_pending_clear(struct sym_image_pending *p)
{
	free(p->backup);
	free(p->rekey);
	memset(p, 0, sizeof *p);
}

void
sym_image_journal_add(struct sym_image_pending *p, uint64_t time,
    const char *operation, const char *detail)
{
	struct sym_image_journal_entry *e;

	if (p->journal_count == SYM_IMAGE_MAX_JOURNAL) {
		memmove(&p->journal[0], &p->journal[1],
		    (SYM_IMAGE_MAX_JOURNAL - 1) * sizeof p->journal[0]);
		p->journal_count--;
	}
	e = &p->journal[p->journal_count++];
	e->time = time;
	snprintf(e->operation, sizeof e->operation, "%s", operation);
	snprintf(e->detail, sizeof e->detail, "%s", detail);
	sanitize(e->operation);
	sanitize(e->detail);
}

int
sym_image_pending_get(const struct sym_image *img, struct sym_image_pending *out)
{
	struct sym_cbor_reader r;
	size_t pairs, items, n;
	uint64_t key, last = 0;
	const uint8_t *p;
	const char *text;

	memset(out, 0, sizeof *out);
	if (img->pending == NULL)
		return SYM_OK;
	sym_cbor_reader_init(&r, img->pending, img->pending_len);
	if (sym_cbor_read_map(&r, &pairs) != SYM_OK)
		return SYM_ECORRUPT;
	for (size_t i = 0; i < pairs; i++) {
		if (sym_cbor_read_uint(&r, &key) != SYM_OK || key <= last ||
		    key > 4)
			goto bad;
		last = key;
		if (key == 1) {
			if (sym_cbor_read_bytes(&r, &p, &n) != SYM_OK || n == 0 ||
			    n > SYM_BUNDLE_MAX_BYTES)
				goto bad;
			out->rekey = malloc(n);
			if (out->rekey == NULL)
				return SYM_ENOMEM;
			memcpy(out->rekey, p, n);
			out->rekey_len = n;
		} else if (key == 4) {
			if (sym_cbor_read_bytes(&r, &p, &n) != SYM_OK || n == 0)
				goto bad;
			out->backup = malloc(n);
			if (out->backup == NULL) {
				sym_image_pending_clear(out);
				return SYM_ENOMEM;
			}
			memcpy(out->backup, p, n);
			out->backup_len = n;
		} else if (key == 2) {
			if (sym_cbor_read_fixed(&r, out->verification_nonce,
			    SYM_IMAGE_NONCE_BYTES) != SYM_OK)
				goto bad;
			out->has_verification_nonce = 1;
		} else {
			if (sym_cbor_read_array(&r, &items) != SYM_OK ||
			    items > SYM_IMAGE_MAX_JOURNAL)
				goto bad;
			for (size_t j = 0; j < items; j++) {
				struct sym_image_journal_entry *e = &out->journal[j];

				if (sym_cbor_read_array(&r, &n) != SYM_OK || n != 3 ||
				    sym_cbor_read_uint(&r, &e->time) != SYM_OK ||
				    sym_cbor_read_text(&r, &text, &n) != SYM_OK ||
				    n > SYM_IMAGE_JOURNAL_TEXT_MAX)
					goto bad;
				memcpy(e->operation, text, n);
				e->operation[n] = '\0';
				if (sym_cbor_read_text(&r, &text, &n) != SYM_OK ||
				    n > SYM_IMAGE_JOURNAL_TEXT_MAX)
					goto bad;
				memcpy(e->detail, text, n);
				e->detail[n] = '\0';
				/* The journal is outside the signed core: what it
				 * says is shown and audited, so make it printable
				 * rather than let one bad byte block every commit. */
				sanitize(e->operation);
				sanitize(e->detail);
			}
			out->journal_count = items;
		}
	}
	return SYM_OK;
bad:
	sym_image_pending_clear(out);
	return SYM_ECORRUPT;
}

static int
encode_pending(uint8_t **out, size_t *len, const struct sym_image_pending *p)
{
	size_t pairs = (size_t)(p->rekey != NULL) + (p->has_verification_nonce != 0) +
	    (p->journal_count != 0) + (p->backup != NULL);
	size_t cap = 64 + p->rekey_len + p->backup_len +
	    p->journal_count * (2 * SYM_IMAGE_JOURNAL_TEXT_MAX + 32);
	struct sym_cbor_writer w;
	int rc;

	*out = NULL;
	*len = 0;
	if (pairs == 0)
		return SYM_OK;
	*out = malloc(cap);
	if (*out == NULL)
		return SYM_ENOMEM;
	sym_cbor_writer_init(&w, *out, cap);
	sym_cbor_put_map(&w, pairs);
	if (p->rekey != NULL) {
		sym_cbor_put_uint(&w, 1);
		sym_cbor_put_bytes(&w, p->rekey, p->rekey_len);
	}
	if (p->has_verification_nonce) {
		sym_cbor_put_uint(&w, 2);
		sym_cbor_put_bytes(&w, p->verification_nonce,
		    SYM_IMAGE_NONCE_BYTES);
	}
	if (p->journal_count) {
		sym_cbor_put_uint(&w, 3);
		sym_cbor_put_array(&w, p->journal_count);
		for (size_t i = 0; i < p->journal_count; i++) {
			sym_cbor_put_array(&w, 3);
			sym_cbor_put_uint(&w, p->journal[i].time);
			sym_cbor_put_text(&w, p->journal[i].operation,
			    strlen(p->journal[i].operation));
			sym_cbor_put_text(&w, p->journal[i].detail,
			    strlen(p->journal[i].detail));
		}
	}
	if (p->backup != NULL) {
		sym_cbor_put_uint(&w, 4);
		sym_cbor_put_bytes(&w, p->backup, p->backup_len);
	}
	rc = sym_cbor_writer_finish(&w, len);
	if (rc != SYM_OK) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

int
sym_image_pending_put(struct sym_image *img, const struct sym_image_pending *p)
{
	uint8_t *raw = NULL, *old;
	size_t len = 0, old_len;
	uint64_t seqid = img->info.seqid + 1;
	int rc, first = 1 - img->info.slot_current;
	struct sym_image_slot slot;

	memset(&slot, 0, sizeof slot);
	if (img->mode != SYM_IMAGE_WRITE)
		return SYM_EUSAGE;
	if ((rc = encode_pending(&raw, &len, p)) != SYM_OK)
		return rc;
	old = img->pending;
	old_len = img->pending_len;
	img->pending = raw;
	img->pending_len = len;
	if (img->unsealed) {
		free(old);
		return SYM_OK;
	}
	/* Sealed: the signed core and its MAC are copied as they are; only
	 * the envelope changes.  Same two-step write as a commit. */
	slot.seqid = seqid;
	slot.version = img->info.format_version;
	slot.core = img->core_bytes;
	slot.core_len = img->core_len;
	memcpy(slot.mac, img->stored_mac, sizeof slot.mac);
	slot.pending = img->pending;
	slot.pending_len = img->pending_len;
	rc = sym_image_slot_write(img->fd, first, &slot, 1);
	if (rc != SYM_OK) {
		free(raw);
		img->pending = old;
		img->pending_len = old_len;
		return rc;
	}
	free(old);
	img->info.seqid = seqid;
	img->info.slot_current = first;
	img->info.slot_valid[first] = 1;
	img->info.slot_valid[1 - first] = sym_image_slot_write(img->fd,
	    1 - first, &slot, 1) == SYM_OK;
	return SYM_OK;
}

int
sym_journal_drain(struct sym_image *img, uint64_t now, int *nonce_pending)
{
	struct sym_image_pending p;
	struct sym_audit_log log;
	int rc = sym_image_pending_get(img, &p);

	*nonce_pending = 0;
	if (rc != SYM_OK)
		return rc;
	sym_image_audit_log(img, &log);
	for (size_t i = 0; i < p.journal_count && rc == SYM_OK; i++) {
		char detail[SYM_IMAGE_JOURNAL_TEXT_MAX + 96];
		char operation[SYM_AUDIT_OPERATION_MAX + 1];

		snprintf(operation, sizeof operation, "%s",
		    p.journal[i].operation[0] ? p.journal[i].operation : "journal");
		char when[SYM_TIME_TEXT_BYTES];

		snprintf(detail, sizeof detail, "%s (while sealed, at %s; "
		    "journaled unsigned, signed here)", p.journal[i].detail,
		    sym_time_text(when, p.journal[i].time));
		rc = sym_audit_append(&log, operation, detail, now);
	}
	if (rc == SYM_OK && p.journal_count) {
		p.journal_count = 0;
		rc = sym_image_pending_put(img, &p);
	}
	*nonce_pending = p.has_verification_nonce;
	sym_image_pending_clear(&p);
	return rc;
}

