#include <string.h>

#include <cbor.h>
#include <sodium.h>

#include "symbolon/cbor.h"

/*
 * Writer: libcbor's cbor_encode_* write into our buffer and return 0 when
 * it is too small, so nothing ever lands in a libcbor allocation.
 *
 * Reader: one hand-written head parser serves both the canonical check and
 * the pull functions.  cbor_stream_decode is not used: it rejects the
 * one-byte tags 6..20 (COSE_Sign1 is 0xD2), and its collection and string
 * callbacks hide the width of the length head, so the non-minimal heads we
 * must reject would need a second parse anyway.  tests/unit/test_cbor.c
 * checks this parser against cbor_stream_decode head by head.
 */

static void
writer_fail(struct sym_cbor_writer *w, int error)
{
	if (w->error != SYM_OK)
		return;
	w->error = error;
	/* What was written may hold secrets, and is useless now. */
	if (w->buf != NULL && w->len > 0)
		sodium_memzero(w->buf, w->len);
	w->len = 0;
}

static size_t
head_size(uint64_t value)
{
	if (value < 24)
		return 1;
	if (value <= UINT8_MAX)
		return 2;
	if (value <= UINT16_MAX)
		return 3;
	if (value <= UINT32_MAX)
		return 5;
	return 9;
}

/* Room for need more bytes?  Fails the writer if not. */
static int
writer_room(struct sym_cbor_writer *w, size_t need)
{
	if (w->error != SYM_OK)
		return 0;
	if (w->buf == NULL || need > w->cap - w->len) {
		writer_fail(w, SYM_ETOOBIG);
		return 0;
	}
	return 1;
}

/* Records the length of an encoding that libcbor reports (0: no room). */
static void
writer_advance(struct sym_cbor_writer *w, size_t written)
{
	if (written == 0)
		writer_fail(w, SYM_ETOOBIG);
	else
		w->len += written;
}

void
sym_cbor_writer_init(struct sym_cbor_writer *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = buf != NULL ? cap : 0;
	w->len = 0;
	w->error = SYM_OK;
}

void
sym_cbor_put_uint(struct sym_cbor_writer *w, uint64_t value)
{
	if (writer_room(w, head_size(value)))
		writer_advance(w, cbor_encode_uint(value, w->buf + w->len,
		    w->cap - w->len));
}

void
sym_cbor_put_int(struct sym_cbor_writer *w, int64_t value)
{
	uint64_t magnitude;

	if (value >= 0) {
		sym_cbor_put_uint(w, (uint64_t)value);
		return;
	}
	/* -1 - value cannot overflow, even for INT64_MIN. */
	magnitude = (uint64_t)(-1 - value);
	if (writer_room(w, head_size(magnitude)))
		writer_advance(w, cbor_encode_negint(magnitude, w->buf + w->len,
		    w->cap - w->len));
}

static int
utf8_check(const uint8_t *s, size_t len, size_t *bad)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = s[i];
		size_t n;
		uint8_t lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0;	/* overlong */
			else if (c == 0xed)
				hi = 0x9f;	/* surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;	/* overlong */
			else if (c == 0xf4)
				hi = 0x8f;	/* above U+10FFFF */
		} else {
			*bad = i;
			return SYM_EFORMAT;
		}
		if (n > len - i - 1 || s[i + 1] < lo || s[i + 1] > hi) {
			*bad = i;
			return SYM_EFORMAT;
		}
		for (size_t k = 2; k <= n; k++) {
			if (s[i + k] < 0x80 || s[i + k] > 0xbf) {
				*bad = i;
				return SYM_EFORMAT;
			}
		}
		i += n + 1;
	}
	return SYM_OK;
}

static void
put_string(struct sym_cbor_writer *w, int text, const uint8_t *bytes,
    size_t len)
{
	size_t head, bad;

	if (w->error != SYM_OK)
		return;
	if (bytes == NULL && len > 0) {
		writer_fail(w, SYM_EUSAGE);
		return;
	}
	if (text && utf8_check(bytes, len, &bad) != SYM_OK) {
		writer_fail(w, SYM_EFORMAT);
		return;
	}
	/* Room for head and contents together, so a full buffer never holds
	 * half a string. */
	head = head_size(len);
	if (len > SIZE_MAX - head) {
		writer_fail(w, SYM_ETOOBIG);
		return;
	}
	if (!writer_room(w, head + len))
		return;
	if (text)
		head = cbor_encode_string_start(len, w->buf + w->len,
		    w->cap - w->len);
	else
		head = cbor_encode_bytestring_start(len, w->buf + w->len,
		    w->cap - w->len);
	writer_advance(w, head);
	if (w->error != SYM_OK)
		return;
	if (len > 0)
		memcpy(w->buf + w->len, bytes, len);
	w->len += len;
}

void
sym_cbor_put_bytes(struct sym_cbor_writer *w, const uint8_t *bytes, size_t len)
{
	put_string(w, 0, bytes, len);
}

void
sym_cbor_put_text(struct sym_cbor_writer *w, const char *text, size_t len)
{
	put_string(w, 1, (const uint8_t *)text, len);
}

void
sym_cbor_put_bool(struct sym_cbor_writer *w, int value)
{
	if (writer_room(w, 1))
		writer_advance(w, cbor_encode_bool(value != 0, w->buf + w->len,
		    w->cap - w->len));
}

void
sym_cbor_put_null(struct sym_cbor_writer *w)
{
	if (writer_room(w, 1))
		writer_advance(w, cbor_encode_null(w->buf + w->len,
		    w->cap - w->len));
}

void
sym_cbor_put_array(struct sym_cbor_writer *w, size_t items)
{
	if (writer_room(w, head_size(items)))
		writer_advance(w, cbor_encode_array_start(items, w->buf + w->len,
		    w->cap - w->len));
}

void
sym_cbor_put_map(struct sym_cbor_writer *w, size_t pairs)
{
	if (writer_room(w, head_size(pairs)))
		writer_advance(w, cbor_encode_map_start(pairs, w->buf + w->len,
		    w->cap - w->len));
}

void
sym_cbor_put_tag(struct sym_cbor_writer *w, uint64_t tag)
{
	if (writer_room(w, head_size(tag)))
		writer_advance(w, cbor_encode_tag(tag, w->buf + w->len,
		    w->cap - w->len));
}

void
sym_cbor_put_raw(struct sym_cbor_writer *w, const uint8_t *item, size_t len)
{
	int rc;

	if (w->error != SYM_OK)
		return;
	if (item == NULL) {
		writer_fail(w, SYM_EUSAGE);
		return;
	}
	/* Whatever we write must read back under our own rules. */
	rc = sym_cbor_check_canonical(item, len, NULL);
	if (rc != SYM_OK) {
		writer_fail(w, rc);
		return;
	}
	if (!writer_room(w, len))
		return;
	memcpy(w->buf + w->len, item, len);
	w->len += len;
}

int
sym_cbor_writer_finish(struct sym_cbor_writer *w, size_t *len)
{
	if (w->error != SYM_OK) {
		*len = 0;
		return w->error;
	}
	*len = w->len;
	return SYM_OK;
}

/* ---- reader ---- */

struct head {
	uint8_t major;		/* 0..7 */
	uint8_t info;		/* additional information, 0..31 */
	uint64_t value;		/* argument: value, length, count or tag */
	size_t size;		/* bytes of the head itself */
};

/*
 * Decodes the head at buf[pos] (pos < len) and checks it under our rules:
 * well-formed, definite, shortest form, only false/true/null among the
 * simple values, and a declared length or count that the bytes after the
 * head can hold.  Every error is reported at pos.
 */
static int
head_decode(struct head *h, const uint8_t *buf, size_t len, size_t pos)
{
	uint8_t ib = buf[pos];
	size_t left = len - pos - 1, extra;
	uint64_t v = 0;

	h->major = (uint8_t)(ib >> 5);
	h->info = (uint8_t)(ib & 0x1f);

	if (h->major == 7) {
		/* false, true, null; no floats, undefined or other simple
		 * values, and no break outside an indefinite item. */
		if (h->info < 20 || h->info > 22)
			return SYM_EFORMAT;
		h->value = h->info;
		h->size = 1;
		return SYM_OK;
	}
	if (h->info < 24) {
		v = h->info;
		extra = 0;
	} else if (h->info <= 27) {
		extra = (size_t)1 << (h->info - 24);
		if (extra > left)
			return SYM_ETRUNCATED;
		for (size_t i = 0; i < extra; i++)
			v = v << 8 | buf[pos + 1 + i];
		if (head_size(v) != 1 + extra)
			return SYM_ENONCANONICAL;
	} else if (h->info == 31 && h->major >= 2 && h->major <= 5) {
		return SYM_ENONCANONICAL;	/* indefinite length */
	} else {
		return SYM_EFORMAT;	/* reserved, or 31 where it is meaningless */
	}
	h->value = v;
	h->size = 1 + extra;
	left -= extra;

	switch (h->major) {
	case 2:
	case 3:
	case 4:
		/* Every array element takes at least one byte. */
		if (v > left)
			return SYM_ETRUNCATED;
		break;
	case 5:
		if (v > left / 2)
			return SYM_ETRUNCATED;
		break;
	case 6:
		if (left == 0)
			return SYM_ETRUNCATED;
		break;
	default:
		break;
	}
	return SYM_OK;
}

static int
compare_keys(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
	int c = memcmp(a, b, a_len < b_len ? a_len : b_len);

	if (c != 0)
		return c;
	/* Unreachable for whole items (their encodings are prefix-free),
	 * but the order is RFC 8949's: the shorter sorts first. */
	return a_len < b_len ? -1 : a_len > b_len;
}

/* Checks one item at *pos; on success *pos is just past it. */
static int
check_item(const uint8_t *buf, size_t len, size_t *pos, unsigned depth,
    size_t *error_offset)
{
	struct head h;
	size_t start = *pos, at;
	int rc;

	if (start >= len) {
		*error_offset = len;
		return SYM_ETRUNCATED;
	}
	rc = head_decode(&h, buf, len, start);
	if (rc != SYM_OK) {
		*error_offset = start;
		return rc;
	}
	at = start + h.size;

	switch (h.major) {
	case 2:
		at += (size_t)h.value;
		break;
	case 3: {
		size_t bad;

		if (utf8_check(buf + at, (size_t)h.value, &bad) != SYM_OK) {
			*error_offset = at + bad;
			return SYM_EFORMAT;
		}
		at += (size_t)h.value;
		break;
	}
	case 4:
	case 5:
	case 6: {
		size_t n = h.major == 6 ? 1 : (size_t)h.value;
		const uint8_t *prev_key = NULL;
		size_t prev_len = 0;

		if (depth >= SYM_CBOR_MAX_DEPTH) {
			*error_offset = start;
			return SYM_ETOOBIG;
		}
		for (size_t i = 0; i < n; i++) {
			size_t key = at;

			rc = check_item(buf, len, &at, depth + 1, error_offset);
			if (rc != SYM_OK)
				return rc;
			if (h.major != 5)
				continue;
			/* RFC 8949 4.2.1: keys sorted bytewise by their
			 * encodings; equal encodings are duplicates. */
			if (prev_key != NULL && compare_keys(prev_key, prev_len,
			    buf + key, at - key) >= 0) {
				*error_offset = key;
				return SYM_ENONCANONICAL;
			}
			prev_key = buf + key;
			prev_len = at - key;
			rc = check_item(buf, len, &at, depth + 1, error_offset);
			if (rc != SYM_OK)
				return rc;
		}
		break;
	}
	default:
		break;
	}
	*pos = at;
	return SYM_OK;
}

int
sym_cbor_check_canonical(const uint8_t *buf, size_t len, size_t *error_offset)
{
	size_t pos = 0, where = 0;
	int rc;

	if (len > SYM_CBOR_MAX_INPUT) {
		rc = SYM_ETOOBIG;
		where = SYM_CBOR_MAX_INPUT;
	} else if ((rc = check_item(buf, len, &pos, 0, &where)) == SYM_OK &&
	    pos != len) {
		rc = SYM_ETRAILING;
		where = pos;
	}
	if (rc != SYM_OK && error_offset != NULL)
		*error_offset = where;
	return rc;
}

void
sym_cbor_reader_init(struct sym_cbor_reader *r, const uint8_t *buf, size_t len)
{
	r->buf = buf;
	r->len = buf != NULL ? len : 0;
	r->pos = 0;
	r->error_offset = 0;
}

enum sym_cbor_type
sym_cbor_peek(const struct sym_cbor_reader *r)
{
	static const enum sym_cbor_type by_major[8] = {
		SYM_CBOR_UINT, SYM_CBOR_NEGINT, SYM_CBOR_BYTES, SYM_CBOR_TEXT,
		SYM_CBOR_ARRAY, SYM_CBOR_MAP, SYM_CBOR_TAG, SYM_CBOR_SIMPLE,
	};

	if (r->pos >= r->len)
		return SYM_CBOR_END;
	return by_major[r->buf[r->pos] >> 5];
}

static int
reader_fail(struct sym_cbor_reader *r, size_t offset, int rc)
{
	r->error_offset = offset;
	return rc;
}

/* Decodes the head of an item of major type major at pos. */
static int
read_head(struct sym_cbor_reader *r, struct head *h, uint8_t major)
{
	int rc;

	if (r->pos >= r->len)
		return reader_fail(r, r->len, SYM_ETRUNCATED);
	if (r->buf[r->pos] >> 5 != major)
		return reader_fail(r, r->pos, SYM_ESCHEMA);
	rc = head_decode(h, r->buf, r->len, r->pos);
	if (rc != SYM_OK)
		return reader_fail(r, r->pos, rc);
	return SYM_OK;
}

int
sym_cbor_read_uint(struct sym_cbor_reader *r, uint64_t *value)
{
	struct head h;
	int rc = read_head(r, &h, 0);

	if (rc != SYM_OK)
		return rc;
	*value = h.value;
	r->pos += h.size;
	return SYM_OK;
}

int
sym_cbor_read_int(struct sym_cbor_reader *r, int64_t *value)
{
	struct head h;
	uint8_t major;
	int rc;

	if (r->pos >= r->len)
		return reader_fail(r, r->len, SYM_ETRUNCATED);
	major = (uint8_t)(r->buf[r->pos] >> 5);
	if (major > 1)
		return reader_fail(r, r->pos, SYM_ESCHEMA);
	rc = read_head(r, &h, major);
	if (rc != SYM_OK)
		return rc;
	if (h.value > (uint64_t)INT64_MAX)	/* outside int64_t: not ours */
		return reader_fail(r, r->pos, SYM_ESCHEMA);
	*value = major == 0 ? (int64_t)h.value : -1 - (int64_t)h.value;
	r->pos += h.size;
	return SYM_OK;
}

int
sym_cbor_read_bytes(struct sym_cbor_reader *r, const uint8_t **bytes,
    size_t *len)
{
	struct head h;
	int rc = read_head(r, &h, 2);

	if (rc != SYM_OK)
		return rc;
	*bytes = r->buf + r->pos + h.size;
	*len = (size_t)h.value;
	r->pos += h.size + (size_t)h.value;
	return SYM_OK;
}

int
sym_cbor_read_text(struct sym_cbor_reader *r, const char **text, size_t *len)
{
	struct head h;
	size_t bad;
	int rc = read_head(r, &h, 3);

	if (rc != SYM_OK)
		return rc;
	if (utf8_check(r->buf + r->pos + h.size, (size_t)h.value, &bad) != SYM_OK)
		return reader_fail(r, r->pos + h.size + bad, SYM_EFORMAT);
	*text = (const char *)(r->buf + r->pos + h.size);
	*len = (size_t)h.value;
	r->pos += h.size + (size_t)h.value;
	return SYM_OK;
}

int
sym_cbor_read_bool(struct sym_cbor_reader *r, int *value)
{
	if (r->pos >= r->len)
		return reader_fail(r, r->len, SYM_ETRUNCATED);
	if (r->buf[r->pos] != 0xf4 && r->buf[r->pos] != 0xf5)
		return reader_fail(r, r->pos, SYM_ESCHEMA);
	*value = r->buf[r->pos] == 0xf5;
	r->pos++;
	return SYM_OK;
}

int
sym_cbor_read_null(struct sym_cbor_reader *r)
{
	if (r->pos >= r->len)
		return reader_fail(r, r->len, SYM_ETRUNCATED);
	if (r->buf[r->pos] != 0xf6)
		return reader_fail(r, r->pos, SYM_ESCHEMA);
	r->pos++;
	return SYM_OK;
}

static int
read_count(struct sym_cbor_reader *r, size_t *count, uint8_t major)
{
	struct head h;
	int rc = read_head(r, &h, major);

	if (rc != SYM_OK)
		return rc;
	*count = (size_t)h.value;
	r->pos += h.size;
	return SYM_OK;
}

int
sym_cbor_read_array(struct sym_cbor_reader *r, size_t *items)
{
	return read_count(r, items, 4);
}

int
sym_cbor_read_map(struct sym_cbor_reader *r, size_t *pairs)
{
	return read_count(r, pairs, 5);
}

int
sym_cbor_read_tag(struct sym_cbor_reader *r, uint64_t *tag)
{
	struct head h;
	int rc = read_head(r, &h, 6);

	if (rc != SYM_OK)
		return rc;
	*tag = h.value;
	r->pos += h.size;
	return SYM_OK;
}

int
sym_cbor_read_item(struct sym_cbor_reader *r, const uint8_t **item,
    size_t *len)
{
	size_t at = r->pos, where = 0;
	int rc;

	rc = check_item(r->buf, r->len, &at, 0, &where);
	if (rc != SYM_OK)
		return reader_fail(r, where, rc);
	if (item != NULL)
		*item = r->buf + r->pos;
	if (len != NULL)
		*len = at - r->pos;
	r->pos = at;
	return SYM_OK;
}

int
sym_cbor_reader_end(const struct sym_cbor_reader *r)
{
	return r->pos == r->len ? SYM_OK : SYM_ETRAILING;
}

int
sym_cbor_read_fixed(struct sym_cbor_reader *r, uint8_t *out, size_t len)
{
	const uint8_t *p;
	size_t n;
	int rc = sym_cbor_read_bytes(r, &p, &n);

	if (rc != SYM_OK)
		return rc;
	if (n != len)
		return SYM_ESCHEMA;
	memcpy(out, p, len);
	return SYM_OK;
}

int
sym_cbor_read_uint_max(struct sym_cbor_reader *r, unsigned *out, unsigned max)
{
	uint64_t v;
	int rc = sym_cbor_read_uint(r, &v);

	if (rc != SYM_OK)
		return rc;
	if (v > max)
		return SYM_ESCHEMA;
	*out = (unsigned)v;
	return SYM_OK;
}
