#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/bundle.h"
#include "symbolon/cbor.h"
#include "symbolon/cose.h"
#include "symbolon/random.h"
#include "symbolon/secmem.h"

#include "image_internal.h"

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

enum {
	TRANSCRIPT_IMAGE_ID = 4,
	TRANSCRIPT_IDENTITY = 5,
	TRANSCRIPT_RECORDS = 6,
	TRANSCRIPT_CORE = 7,	/* the image's signed header core */
};

/* A record bundle is small: operation, detail and fixed fields. */
#define RECORD_MAX_BYTES (SYM_AUDIT_DETAIL_MAX + 512u)
/* Transcripts must fit one bundle. */
#define TRANSCRIPT_MAX_RECORDS ((SYM_BUNDLE_MAX_BYTES - 1024u) / 200u)

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
sym_audit_append(struct sym_image *img, const char *operation,
    const char *detail, uint64_t now)
{
	struct sym_cbor_writer w;
	uint8_t payload[RECORD_MAX_BYTES];
	uint8_t *bundle = NULL;
	size_t payload_len, len;
	uint64_t offset;
	int rc;

	if (!img->unsealed)
		return SYM_ESEALED;
	if (operation[0] == '\0' || !text_ok(operation, SYM_AUDIT_OPERATION_MAX) ||
	    !text_ok(detail, SYM_AUDIT_DETAIL_MAX))
		return SYM_EUSAGE;
	sym_cbor_writer_init(&w, payload, sizeof payload);
	sym_bundle_begin(&w, 8, SYM_BUNDLE_AUDIT_RECORD, img->info.identity);
	sym_cbor_put_uint(&w, RECORD_IMAGE_ID);
	sym_cbor_put_bytes(&w, img->info.image_id, SYM_IMAGE_ID_BYTES);
	sym_cbor_put_uint(&w, RECORD_SEQ);
	sym_cbor_put_uint(&w, img->audit.count + 1);
	sym_cbor_put_uint(&w, RECORD_TIME);
	sym_cbor_put_uint(&w, now);
	sym_cbor_put_uint(&w, RECORD_PREV);
	sym_cbor_put_bytes(&w, img->audit.hash, SYM_AUDIT_HASH_BYTES);
	sym_cbor_put_uint(&w, RECORD_OPERATION);
	sym_cbor_put_text(&w, operation, strlen(operation));
	sym_cbor_put_uint(&w, RECORD_DETAIL);
	sym_cbor_put_text(&w, detail, strlen(detail));
	sym_cbor_put_uint(&w, RECORD_PREV_OFFSET);
	sym_cbor_put_uint(&w, img->audit.offset);
	sym_cbor_put_uint(&w, RECORD_PREV_LENGTH);
	sym_cbor_put_uint(&w, img->audit.length);
	if ((rc = sym_cbor_writer_finish(&w, &payload_len)) != SYM_OK)
		return rc;
	rc = sym_bundle_sign(&bundle, &len, payload, payload_len,
	    img->identity_secret);
	if (rc == SYM_OK)
		rc = sym_image_append_data(img, bundle, len, &offset);
	if (rc == SYM_OK) {
		record_hash(img->audit.hash, bundle, len);
		img->audit.count++;
		img->audit.offset = offset;
		img->audit.length = len;
	}
	sym_secmem_free(bundle);
	return rc;
}

/* Parses and verifies one record bundle signed by identity. */
struct parsed_record {
	struct sym_audit_record r;
	uint8_t image_id[SYM_IMAGE_ID_BYTES];
	uint64_t prev_offset, prev_length;
};

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

static int
parse_record(struct parsed_record *p, const uint8_t *bytes, size_t len,
    const uint8_t identity[SYM_SIGN_PUBLICKEY_BYTES])
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
			if (rc == SYM_OK && n == SYM_IMAGE_ID_BYTES)
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

/* Checks that records[0..count) form the chain that ends in head_hash. */
static int
check_chain(struct parsed_record *records, uint64_t count,
    const uint8_t image_id[SYM_IMAGE_ID_BYTES])
{
	static const uint8_t zero[SYM_AUDIT_HASH_BYTES];

	for (uint64_t i = 0; i < count; i++) {
		const uint8_t *prev = i ? records[i - 1].r.hash : zero;

		if (records[i].r.seq != i + 1 ||
		    memcmp(records[i].r.prev, prev, SYM_AUDIT_HASH_BYTES) != 0 ||
		    memcmp(records[i].image_id, image_id, SYM_IMAGE_ID_BYTES) != 0)
			return SYM_EAUDIT;
	}
	return SYM_OK;
}

/* Reads every record from the file, newest first, into a new array. */
static int
load_chain(struct sym_image *img, struct parsed_record **out,
    uint8_t ***raw, size_t **raw_lens)
{
	uint64_t count = img->audit.count, offset = img->audit.offset;
	uint64_t length = img->audit.length;
	struct parsed_record *records;
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
			free(records);
			return SYM_ENOMEM;
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
		rc = sym_io_pread_all(img->fd, buf, (size_t)length, offset);
		if (rc == SYM_OK && (offset < SYM_IMAGE_DATA_START ||
		    offset + length > img->info.data_end))
			rc = SYM_EAUDIT;
		if (rc == SYM_OK)
			rc = parse_record(&records[i], buf, (size_t)length,
			    img->info.identity);
		if (rc == SYM_OK && i == count - 1 &&
		    memcmp(records[i].r.hash, img->audit.hash,
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
		rc = check_chain(records, count, img->info.image_id);
	if (rc != SYM_OK) {
		free(records);
		return rc;
	}
	*out = records;
	return SYM_OK;
}

static void
free_raw(uint8_t **raw, size_t *lens, uint64_t count)
{
	if (raw != NULL)
		for (uint64_t i = 0; i < count; i++)
			free(raw[i]);
	free(raw);
	free(lens);
}

int
sym_audit_walk(struct sym_image *img, sym_audit_visit visit, void *ctx)
{
	struct parsed_record *records = NULL;
	int rc = load_chain(img, &records, NULL, NULL);

	if (rc != SYM_OK)
		return rc;
	for (uint64_t i = 0; i < img->audit.count && visit != NULL; i++)
		if ((rc = visit(ctx, &records[i].r)) != 0)
			break;
	free(records);
	return rc;
}

int
sym_audit_transcript(struct sym_image *img, uint8_t **bundle, size_t *len,
    const uint8_t *signer_secret)
{
	struct parsed_record *records = NULL;
	uint8_t **raw = NULL, *payload = NULL, *one_time = NULL;
	size_t *raw_lens = NULL, cap = 256, payload_len;
	uint64_t count = img->audit.count;
	struct sym_cbor_writer w;
	uint8_t public_key[SYM_SIGN_PUBLICKEY_BYTES];
	int rc;

	*bundle = NULL;
	*len = 0;
	if (count > TRANSCRIPT_MAX_RECORDS)
		return SYM_ETOOBIG;
	rc = load_chain(img, &records, &raw, &raw_lens);
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
		uint8_t seed[32];

		one_time = sym_secmem_alloc(SYM_SIGN_SECRETKEY_BYTES);
		if (one_time == NULL) {
			rc = SYM_ENOMEM;
			goto out;
		}
		rc = sym_random_bytes(seed, sizeof seed, SYM_RANDOM_SECRET);
		if (rc == SYM_OK && crypto_sign_seed_keypair(public_key, one_time,
		    seed) != 0)
			rc = SYM_EINTERNAL;
		sodium_memzero(seed, sizeof seed);
		if (rc != SYM_OK)
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
	free_raw(raw, raw_lens, count);
	return rc;
}

int
sym_audit_verify_transcript(const uint8_t *bytes, size_t len,
    uint8_t image_id[static SYM_IMAGE_ID_BYTES],
    uint8_t identity[static SYM_SIGN_PUBLICKEY_BYTES],
    sym_audit_visit visit, void *ctx)
{
	struct sym_bundle b;
	struct parsed_record *records = NULL;
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
		rc = parse_record(&records[i], data, n, identity);
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
	rc = check_chain(records, count, image_id);
	for (size_t i = 0; rc == SYM_OK && i < count && visit != NULL; i++)
		rc = visit(ctx, &records[i].r);
out:
	free(records);
	return rc;
}
