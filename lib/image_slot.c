/* The two header slots of an image file: see image_slot.h. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/image_format.h"
#include "symbolon/io.h"

#include "image_slot.h"

static const uint8_t slot_magic[8] = { 'S', 'Y', 'M', 'B', 'I', 'M', 'G', 1 };
#define SLOT_PREFIX_BYTES 12u	/* magic, 4-byte length */
#define SLOT_CHECKSUM_BYTES 32u
#define ENVELOPE_MAX (SYM_IMAGE_SLOT_BYTES - SLOT_PREFIX_BYTES - SLOT_CHECKSUM_BYTES)

/* Envelope keys. */
enum { ENV_VERSION = 1, ENV_SEQID = 2, ENV_CORE = 3, ENV_MAC = 4, ENV_PENDING = 5 };

int
sym_image_read_key(struct sym_cbor_reader *r, uint64_t expected)
{
	uint64_t key;

	if (sym_cbor_read_uint(r, &key) != SYM_OK || key != expected)
		return SYM_ECORRUPT;
	return SYM_OK;
}

int
sym_image_slot_has_magic(const uint8_t *buf)
{
	return memcmp(buf, slot_magic, 7) == 0;
}

void
sym_image_slot_free(struct sym_image_slot *s)
{
	free(s->core);
	free(s->pending);
	memset(s, 0, sizeof *s);
}

static void
checksum(uint8_t out[SLOT_CHECKSUM_BYTES], const uint8_t *data, size_t len)
{
	static const unsigned char personal[16] = "symbolon-hdr-v1";

	(void)crypto_generichash_blake2b_salt_personal(out, SLOT_CHECKSUM_BYTES,
	    data, len, NULL, 0, NULL, personal);
}

/* Parses one slot's bytes; *s->valid says whether it is usable.  Returns
 * SYM_EVERSION for a newer format, which is reported rather than skipped. */
int
sym_image_slot_parse(struct sym_image_slot *s, const uint8_t *buf)
{
	struct sym_cbor_reader r;
	uint8_t sum[SLOT_CHECKSUM_BYTES];
	const uint8_t *p;
	uint32_t len;
	size_t pairs, n;
	uint64_t version;

	memset(s, 0, sizeof *s);
	if (memcmp(buf, slot_magic, 7) != 0)
		return SYM_OK;
	len = (uint32_t)buf[8] << 24 | (uint32_t)buf[9] << 16 |
	    (uint32_t)buf[10] << 8 | buf[11];
	if (len == 0 || len > ENVELOPE_MAX)
		return SYM_OK;
	checksum(sum, buf, SLOT_PREFIX_BYTES + len);
	if (sodium_memcmp(sum, buf + SLOT_PREFIX_BYTES + len, sizeof sum) != 0)
		return SYM_OK;
	/* A version is believed only from an intact slot: one flipped bit
	 * must not make the whole image "too new" to open. */
	if (buf[7] > slot_magic[7])
		return SYM_EVERSION;
	if (buf[7] != slot_magic[7])
		return SYM_OK;
	p = buf + SLOT_PREFIX_BYTES;
	if (sym_cbor_check_canonical(p, len, NULL) != SYM_OK)
		return SYM_OK;
	sym_cbor_reader_init(&r, p, len);
	if (sym_cbor_read_map(&r, &pairs) != SYM_OK || pairs < 4 || pairs > 5 ||
	    sym_image_read_key(&r, ENV_VERSION) != SYM_OK ||
	    sym_cbor_read_uint(&r, &version) != SYM_OK)
		return SYM_OK;
	if (version > SYM_IMAGE_FORMAT_VERSION)
		return SYM_EVERSION;
	if (version < SYM_IMAGE_FORMAT_SHAMIR ||
	    sym_image_read_key(&r, ENV_SEQID) != SYM_OK ||
	    sym_cbor_read_uint(&r, &s->seqid) != SYM_OK ||
	    sym_image_read_key(&r, ENV_CORE) != SYM_OK ||
	    sym_cbor_read_bytes(&r, &p, &n) != SYM_OK)
		return SYM_OK;
	s->core = malloc(n);
	if (s->core == NULL)
		return SYM_ENOMEM;
	memcpy(s->core, p, n);
	s->core_len = n;
	s->version = (unsigned)version;
	if (sym_image_read_key(&r, ENV_MAC) != SYM_OK ||
	    sym_cbor_read_fixed(&r, s->mac, sizeof s->mac) != SYM_OK)
		goto invalid;
	if (pairs == 5) {
		const uint8_t *item;

		if (sym_image_read_key(&r, ENV_PENDING) != SYM_OK ||
		    sym_cbor_read_item(&r, &item, &n) != SYM_OK)
			goto invalid;
		s->pending = malloc(n);
		if (s->pending == NULL)
			return SYM_ENOMEM;
		memcpy(s->pending, item, n);
		s->pending_len = n;
	}
	if (sym_cbor_reader_end(&r) != SYM_OK)
		goto invalid;
	s->valid = 1;
	return SYM_OK;
invalid:
	sym_image_slot_free(s);
	return SYM_OK;
}

int
sym_image_slot_write(int fd, int slot, const struct sym_image_slot *s,
    int sync)
{
	size_t cap = SYM_IMAGE_SLOT_BYTES, len;
	struct sym_cbor_writer w;
	uint8_t *buf = calloc(1, cap);
	int rc;

	if (buf == NULL)
		return SYM_ENOMEM;
	memcpy(buf, slot_magic, sizeof slot_magic);
	sym_cbor_writer_init(&w, buf + SLOT_PREFIX_BYTES, ENVELOPE_MAX);
	sym_cbor_put_map(&w, s->pending ? 5 : 4);
	sym_cbor_put_uint(&w, ENV_VERSION);
	sym_cbor_put_uint(&w, s->version ? s->version : SYM_IMAGE_FORMAT_SHAMIR);
	sym_cbor_put_uint(&w, ENV_SEQID);
	sym_cbor_put_uint(&w, s->seqid);
	sym_cbor_put_uint(&w, ENV_CORE);
	sym_cbor_put_bytes(&w, s->core, s->core_len);
	sym_cbor_put_uint(&w, ENV_MAC);
	sym_cbor_put_bytes(&w, s->mac, sizeof s->mac);
	if (s->pending) {
		sym_cbor_put_uint(&w, ENV_PENDING);
		sym_cbor_put_raw(&w, s->pending, s->pending_len);
	}
	/* SYM_ETOOBIG: the header is full (too many entries). */
	rc = sym_cbor_writer_finish(&w, &len);
	if (rc == SYM_OK) {
		buf[8] = (uint8_t)(len >> 24);
		buf[9] = (uint8_t)(len >> 16);
		buf[10] = (uint8_t)(len >> 8);
		buf[11] = (uint8_t)len;
		checksum(buf + SLOT_PREFIX_BYTES + len, buf,
		    SLOT_PREFIX_BYTES + len);
		/* The whole slot, zeros after the checksum: no byte of an
		 * older header (an old wrapping of the root key) survives. */
		rc = sym_io_pwrite_all(fd, buf, cap,
		    (uint64_t)slot * SYM_IMAGE_SLOT_BYTES);
	}
	free(buf);
	if (rc == SYM_OK && sync)
		rc = sym_io_fsync(fd);
	return rc;
}
