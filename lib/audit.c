#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/bundle.h"
#include "symbolon/cbor.h"
#include "symbolon/cose.h"
#include "symbolon/random.h"
#include "symbolon/secmem.h"

#include "symbolon/audit.h"
#include "symbolon/io.h"

enum {
	RECORD_IMAGE_ID = 4,
	RECORD_SEQ = 5,
	RECORD_TIME = 6,
	RECORD_PREV = 7,
	RECORD_OPERATION = 8,
	RECORD_DETAIL = 9,
	RECORD_PREV_OFFSET = 10,
	RECORD_PREV_LENGTH = 11,
};

/* A record bundle is small: operation, detail and fixed fields. */
#define RECORD_MAX_BYTES (SYM_AUDIT_DETAIL_MAX + 512u)

static void
record_hash(uint8_t out[SYM_AUDIT_HASH_BYTES], const uint8_t *bytes,
    size_t len)
{
	static const unsigned char personal[16] = "symbolon-aud-v1";

	(void)crypto_generichash_blake2b_salt_personal(out, SYM_AUDIT_HASH_BYTES,
	    bytes, len, NULL, 0, NULL, personal);
}

static int
text_ok(const char *text, size_t max)
{
	size_t len = strlen(text);

	if (len > max)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			return 0;
	return 1;
}

int
sym_audit_append(struct sym_audit_log *log, const char *operation,
    const char *detail, uint64_t now)
{
	struct sym_cbor_writer w;
	uint8_t payload[RECORD_MAX_BYTES];
	uint8_t *bundle = NULL;
	size_t payload_len, len;
	uint64_t offset;
	int rc;

	if (log->identity_secret == NULL)
		return SYM_ESEALED;
	if (operation[0] == '\0' || !text_ok(operation, SYM_AUDIT_OPERATION_MAX) ||
	    !text_ok(detail, SYM_AUDIT_DETAIL_MAX))
		return SYM_EUSAGE;
	sym_cbor_writer_init(&w, payload, sizeof payload);
	sym_bundle_begin(&w, 8, SYM_BUNDLE_AUDIT_RECORD, log->identity);
	sym_cbor_put_uint(&w, RECORD_IMAGE_ID);
	sym_cbor_put_bytes(&w, log->image_id, SYM_AUDIT_ID_BYTES);
	sym_cbor_put_uint(&w, RECORD_SEQ);
	sym_cbor_put_uint(&w, log->head->count + 1);
	sym_cbor_put_uint(&w, RECORD_TIME);
	sym_cbor_put_uint(&w, now);
	sym_cbor_put_uint(&w, RECORD_PREV);
	sym_cbor_put_bytes(&w, log->head->hash, SYM_AUDIT_HASH_BYTES);
	sym_cbor_put_uint(&w, RECORD_OPERATION);
	sym_cbor_put_text(&w, operation, strlen(operation));
	sym_cbor_put_uint(&w, RECORD_DETAIL);
	sym_cbor_put_text(&w, detail, strlen(detail));
	sym_cbor_put_uint(&w, RECORD_PREV_OFFSET);
	sym_cbor_put_uint(&w, log->head->offset);
	sym_cbor_put_uint(&w, RECORD_PREV_LENGTH);
	sym_cbor_put_uint(&w, log->head->length);
	if ((rc = sym_cbor_writer_finish(&w, &payload_len)) != SYM_OK)
		return rc;
	rc = sym_bundle_sign(&bundle, &len, payload, payload_len,
	    log->identity_secret);
	if (rc == SYM_OK)
		rc = log->append(log->ctx, bundle, len, &offset);
	if (rc == SYM_OK) {
		record_hash(log->head->hash, bundle, len);
		log->head->count++;
		log->head->offset = offset;
		log->head->length = len;
	}
	sym_secmem_free(bundle);
	return rc;
}


static int
read_text_field(struct sym_cbor_reader *r, char *out, size_t max)
{
	const char *text;
	size_t len;

	if (sym_cbor_read_text(r, &text, &len) != SYM_OK || len > max ||
	    memchr(text, 0, len) != NULL)
		return SYM_EAUDIT;
	memcpy(out, text, len);
	out[len] = '\0';
	return SYM_OK;
}

int
sym_audit_record_parse(struct sym_audit_parsed *p, const uint8_t *bytes,
    size_t len, const uint8_t identity[static SYM_SIGN_PUBLICKEY_BYTES])
{
	struct sym_bundle b;
	const uint8_t *data;
	size_t n;
	uint64_t key;
	int rc;

	memset(p, 0, sizeof *p);
	rc = sym_bundle_open(&b, bytes, len, SYM_BUNDLE_AUDIT_RECORD);
	if (rc != SYM_OK)
		return SYM_EAUDIT;
	if (memcmp(b.signer, identity, SYM_SIGN_PUBLICKEY_BYTES) != 0)
		return SYM_EAUDIT;
	for (uint64_t expect = RECORD_IMAGE_ID; expect <= RECORD_PREV_LENGTH;
	    expect++) {
		if (sym_bundle_next_field(&b, &key) != SYM_OK || key != expect)
			return SYM_EAUDIT;
		switch (key) {
		case RECORD_IMAGE_ID:
			rc = sym_cbor_read_bytes(&b.fields, &data, &n);
			if (rc == SYM_OK && n == SYM_AUDIT_ID_BYTES)
				memcpy(p->image_id, data, n);
			else
				rc = SYM_EAUDIT;
			break;
		case RECORD_SEQ:
			rc = sym_cbor_read_uint(&b.fields, &p->r.seq);
			break;
		case RECORD_TIME:
			rc = sym_cbor_read_uint(&b.fields, &p->r.time);
			break;
		case RECORD_PREV:
			rc = sym_cbor_read_bytes(&b.fields, &data, &n);
			if (rc == SYM_OK && n == SYM_AUDIT_HASH_BYTES)
				memcpy(p->r.prev, data, n);
			else
				rc = SYM_EAUDIT;
			break;
		case RECORD_OPERATION:
			rc = read_text_field(&b.fields, p->r.operation,
			    SYM_AUDIT_OPERATION_MAX);
			break;
		case RECORD_DETAIL:
			rc = read_text_field(&b.fields, p->r.detail,
			    SYM_AUDIT_DETAIL_MAX);
			break;
		case RECORD_PREV_OFFSET:
			rc = sym_cbor_read_uint(&b.fields, &p->prev_offset);
			break;
		case RECORD_PREV_LENGTH:
			rc = sym_cbor_read_uint(&b.fields, &p->prev_length);
			break;
		}
		if (rc != SYM_OK)
			return SYM_EAUDIT;
	}
	if (sym_bundle_next_field(&b, &key) != SYM_OK || key != 0)
		return SYM_EAUDIT;
	record_hash(p->r.hash, bytes, len);
	return SYM_OK;
}

int
sym_audit_chain_check(const struct sym_audit_parsed *records, uint64_t count,
    const uint8_t image_id[static SYM_AUDIT_ID_BYTES])
{
	static const uint8_t zero[SYM_AUDIT_HASH_BYTES];

	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *prev = i ? records[i - 1].r.hash : zero;

		if (records[i].r.seq != i + 1 ||
		    memcmp(records[i].r.prev, prev, SYM_AUDIT_HASH_BYTES) != 0 ||
		    memcmp(records[i].image_id, image_id, SYM_AUDIT_ID_BYTES) != 0)
			return SYM_EAUDIT;
	}
	return SYM_OK;
}

/* Reads every record from the file, newest first, into a new array. */
int
sym_audit_load(const struct sym_audit_log *log,
    struct sym_audit_parsed **out, uint8_t ***raw, size_t **raw_lens)
{
	uint64_t count = log->head->count, offset = log->head->offset;
	uint64_t length = log->head->length;
	struct sym_audit_parsed *records;
	int rc = SYM_OK;

	*out = NULL;
	if (count == 0 || count > 10000000u)
		return SYM_EAUDIT;
	records = calloc((size_t)count, sizeof *records);
	if (records == NULL)
		return SYM_ENOMEM;
	if (raw != NULL) {
		*raw = calloc((size_t)count, sizeof **raw);
		*raw_lens = calloc((size_t)count, sizeof **raw_lens);
		if (*raw == NULL || *raw_lens == NULL) {
			rc = SYM_ENOMEM;
			goto fail;
		}
	}
	for (uint64_t i = count; i-- > 0;) {
		uint8_t *buf;

		if (length == 0 || length > RECORD_MAX_BYTES + SYM_COSE_OVERHEAD) {
			rc = SYM_EAUDIT;
			break;
		}
		buf = malloc((size_t)length);
		if (buf == NULL) {
			rc = SYM_ENOMEM;
			break;
		}
		rc = log->read(log->ctx, offset, buf, (size_t)length);
		if (rc == SYM_OK && (offset < log->start ||
		    offset + length > log->end))
			rc = SYM_EAUDIT;
		if (rc == SYM_OK)
			rc = sym_audit_record_parse(&records[i], buf, (size_t)length,
			    log->identity);
		if (rc == SYM_OK && i == count - 1 &&
		    memcmp(records[i].r.hash, log->head->hash,
		    SYM_AUDIT_HASH_BYTES) != 0)
			rc = SYM_EAUDIT;
		if (rc == SYM_OK && raw != NULL) {
			(*raw)[i] = buf;
			(*raw_lens)[i] = (size_t)length;
		} else {
			free(buf);
		}
		if (rc != SYM_OK) {
			rc = rc == SYM_ENOMEM ? rc : SYM_EAUDIT;
			break;
		}
		offset = records[i].prev_offset;
		length = records[i].prev_length;
	}
	if (rc == SYM_OK)
		rc = sym_audit_chain_check(records, count, log->image_id);
	if (rc == SYM_OK) {
		*out = records;
		return SYM_OK;
	}
fail:
	/* Nothing half-read is left to the caller. */
	free(records);
	if (raw != NULL) {
		sym_audit_raw_free(*raw, *raw_lens, count);
		*raw = NULL;
		*raw_lens = NULL;
	}
	return rc;
}

void
sym_audit_raw_free(uint8_t **raw, size_t *lens, uint64_t count)
{
	if (raw != NULL)
		for (uint64_t i = 0; i < count; i++)
			free(raw[i]);
	free(raw);
	free(lens);
}

int
sym_audit_log_walk(const struct sym_audit_log *log, sym_audit_visit visit,
    void *ctx)
{
	struct sym_audit_parsed *records = NULL;
	int rc = sym_audit_load(log, &records, NULL, NULL);

	if (rc != SYM_OK)
		return rc;
	for (uint64_t i = 0; i < log->head->count && visit != NULL; i++)
		if ((rc = visit(ctx, &records[i].r)) != 0)
			break;
	free(records);
	return rc;
}

