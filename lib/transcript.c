/* Audit walks and transcripts of an image: see symbolon/audit.h. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/bundle.h"
#include "symbolon/cbor.h"
#include "symbolon/random.h"
#include "symbolon/secmem.h"
#include "symbolon/audit.h"

#include "image_internal.h"

enum {
	TRANSCRIPT_IMAGE_ID = 4,
	TRANSCRIPT_IDENTITY = 5,
	TRANSCRIPT_RECORDS = 6,
	TRANSCRIPT_CORE = 7,	/* the image's signed header core */
};

/* Transcripts must fit one bundle. */
#define TRANSCRIPT_MAX_RECORDS ((SYM_BUNDLE_MAX_BYTES - 1024u) / 200u)

int
sym_audit_walk(struct sym_image *img, sym_audit_visit visit, void *ctx)
{
	struct sym_audit_log log;

	sym_image_audit_log(img, &log);
	return sym_audit_log_walk(&log, visit, ctx);
}

int
sym_audit_transcript(struct sym_image *img, uint8_t **bundle, size_t *len,
    const uint8_t *signer_secret)
{
	struct sym_audit_parsed *records = NULL;
	uint8_t **raw = NULL, *payload = NULL, *one_time = NULL;
	size_t *raw_lens = NULL, cap = 256, payload_len;
	uint64_t count = img->audit.count;
	struct sym_cbor_writer w;
	uint8_t public_key[SYM_SIGN_PUBLICKEY_BYTES];
	struct sym_audit_log log;
	int rc;

	*bundle = NULL;
	*len = 0;
	if (count > TRANSCRIPT_MAX_RECORDS)
		return SYM_ETOOBIG;
	sym_image_audit_log(img, &log);
	rc = sym_audit_load(&log, &records, &raw, &raw_lens);
	if (rc != SYM_OK)
		return rc;
	for (uint64_t i = 0; i < count; i++)
		cap += raw_lens[i] + 8;
	cap += img->core_len + 16;
	payload = malloc(cap);
	if (payload == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	if (signer_secret == NULL) {
		if ((rc = sym_bundle_one_time_key(&one_time)) != SYM_OK)
			goto out;
		signer_secret = one_time;
	}
	memcpy(public_key, signer_secret + 32, sizeof public_key);
	sym_cbor_writer_init(&w, payload, cap);
	sym_bundle_begin(&w, 4, SYM_BUNDLE_TRANSCRIPT, public_key);
	sym_cbor_put_uint(&w, TRANSCRIPT_IMAGE_ID);
	sym_cbor_put_bytes(&w, img->info.image_id, SYM_IMAGE_ID_BYTES);
	sym_cbor_put_uint(&w, TRANSCRIPT_IDENTITY);
	sym_cbor_put_bytes(&w, img->info.identity, SYM_SIGN_PUBLICKEY_BYTES);
	sym_cbor_put_uint(&w, TRANSCRIPT_RECORDS);
	sym_cbor_put_array(&w, (size_t)count);
	for (uint64_t i = 0; i < count; i++)
		sym_cbor_put_bytes(&w, raw[i], raw_lens[i]);
	/* The core, signed by the image identity, names the last record: a
	 * transcript cut short no longer matches it. */
	sym_cbor_put_uint(&w, TRANSCRIPT_CORE);
	sym_cbor_put_bytes(&w, img->core_bytes, img->core_len);
	rc = sym_cbor_writer_finish(&w, &payload_len);
	if (rc == SYM_OK)
		rc = sym_bundle_sign(bundle, len, payload, payload_len,
		    signer_secret);
out:
	sym_secmem_free(one_time);
	free(payload);
	free(records);
	sym_audit_raw_free(raw, raw_lens, count);
	return rc;
}

int
sym_audit_verify_transcript(const uint8_t *bytes, size_t len,
    uint8_t image_id[static SYM_IMAGE_ID_BYTES],
    uint8_t identity[static SYM_SIGN_PUBLICKEY_BYTES],
    sym_audit_visit visit, void *ctx)
{
	struct sym_bundle b;
	struct sym_audit_parsed *records = NULL;
	const uint8_t *data;
	size_t n, count;
	uint64_t key;
	int rc;

	rc = sym_bundle_open(&b, bytes, len, SYM_BUNDLE_TRANSCRIPT);
	if (rc != SYM_OK)
		return rc;
	if (sym_bundle_next_field(&b, &key) != SYM_OK ||
	    key != TRANSCRIPT_IMAGE_ID ||
	    sym_cbor_read_bytes(&b.fields, &data, &n) != SYM_OK ||
	    n != SYM_IMAGE_ID_BYTES)
		return SYM_ESCHEMA;
	memcpy(image_id, data, n);
	if (sym_bundle_next_field(&b, &key) != SYM_OK ||
	    key != TRANSCRIPT_IDENTITY ||
	    sym_cbor_read_bytes(&b.fields, &data, &n) != SYM_OK ||
	    n != SYM_SIGN_PUBLICKEY_BYTES)
		return SYM_ESCHEMA;
	memcpy(identity, data, n);
	if (sym_bundle_next_field(&b, &key) != SYM_OK ||
	    key != TRANSCRIPT_RECORDS ||
	    sym_cbor_read_array(&b.fields, &count) != SYM_OK ||
	    count == 0 || count > TRANSCRIPT_MAX_RECORDS)
		return SYM_ESCHEMA;
	records = calloc(count, sizeof *records);
	if (records == NULL)
		return SYM_ENOMEM;
	for (size_t i = 0; i < count; i++) {
		if (sym_cbor_read_bytes(&b.fields, &data, &n) != SYM_OK) {
			rc = SYM_ESCHEMA;
			goto out;
		}
		rc = sym_audit_record_parse(&records[i], data, n, identity);
		if (rc != SYM_OK)
			goto out;
	}
	{
		uint8_t core_id[SYM_IMAGE_ID_BYTES], core_identity[32];
		uint8_t head[SYM_AUDIT_HASH_BYTES];
		uint64_t head_count;

		if (sym_bundle_next_field(&b, &key) != SYM_OK ||
		    key != TRANSCRIPT_CORE ||
		    sym_cbor_read_bytes(&b.fields, &data, &n) != SYM_OK) {
			rc = SYM_ESCHEMA;
			goto out;
		}
		rc = sym_image_core_audit_head(data, n, core_id, core_identity,
		    &head_count, head);
		if (rc != SYM_OK || memcmp(core_id, image_id, sizeof core_id) ||
		    memcmp(core_identity, identity, sizeof core_identity) ||
		    head_count != count ||
		    memcmp(head, records[count - 1].r.hash, sizeof head)) {
			rc = SYM_EAUDIT;
			goto out;
		}
	}
	if (sym_bundle_next_field(&b, &key) != SYM_OK || key != 0) {
		rc = SYM_ESCHEMA;
		goto out;
	}
	rc = sym_audit_chain_check(records, count, image_id);
	for (size_t i = 0; rc == SYM_OK && i < count && visit != NULL; i++)
		rc = visit(ctx, &records[i].r);
out:
	free(records);
	return rc;
}
