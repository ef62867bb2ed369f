#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/base45.h"
#include "symbolon/bundle_text.h"
#include "symbolon/qrframe.h"
#include "symbolon/secmem.h"

#define PREFIX_LEN (sizeof SYM_QRFRAME_PREFIX - 1)
/* Bytes of parts a collector holds at most: a few bundles' worth. */
#define COLLECT_MAX_BYTES (8u * SYM_BUNDLE_MAX_BYTES)

void
sym_qrframe_hash(uint8_t out[static SYM_QRFRAME_HASH_BYTES],
    const uint8_t *bundle, size_t len)
{
	static const unsigned char personal[16] = "symbolon-qrp-v1";
	uint8_t full[32];

	(void)crypto_generichash_blake2b_salt_personal(full, sizeof full,
	    bundle, len, NULL, 0, NULL, personal);
	memcpy(out, full, SYM_QRFRAME_HASH_BYTES);
	sodium_memzero(full, sizeof full);
}

void
sym_qrframe_hash_text(char out[static SYM_QRFRAME_HASH_TEXT_MAX],
    const uint8_t hash[static SYM_QRFRAME_HASH_BYTES])
{
	snprintf(out, SYM_QRFRAME_HASH_TEXT_MAX, "%02X%02X-%02X%02X", hash[0],
	    hash[1], hash[2], hash[3]);
}

size_t
sym_qrframe_part_len(size_t slice_len)
{
	return PREFIX_LEN + sym_base45_encoded_len(SYM_QRFRAME_HEADER_BYTES +
	    slice_len);
}

static size_t
slice_of(size_t total, size_t n)
{
	return (total + n - 1) / n;
}

int
sym_qrframe_count(size_t *parts, size_t len, size_t max_chars)
{
	*parts = 0;
	if (len < 2)
		return SYM_EUSAGE;
	if (len > SYM_BUNDLE_MAX_BYTES)
		return SYM_ETOOBIG;
	for (size_t n = 2; n <= SYM_QRFRAME_MAX_PARTS && n <= len; n++) {
		size_t slice = slice_of(len, n);

		if (sym_qrframe_part_len(slice) <= max_chars) {
			/* Slices of this length: as many as it takes, so
			 * none is empty (the form a reader insists on). */
			*parts = slice_of(len, slice);
			return SYM_OK;
		}
	}
	return SYM_ETOOBIG;
}

static void
put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* 1 if n parts of a bundle of total bytes are in canonical form. */
static int
count_ok(size_t total, size_t n)
{
	return n >= 2 && n <= SYM_QRFRAME_MAX_PARTS && total >= n &&
	    total <= SYM_BUNDLE_MAX_BYTES &&
	    (n - 1) * slice_of(total, n) < total;
}

int
sym_qrframe_part(char **text, size_t *text_len, const uint8_t *bundle,
    size_t len, size_t k, size_t n)
{
	size_t slice, start, this_len, body, cap;
	uint8_t *raw;
	int rc;

	*text = NULL;
	*text_len = 0;
	if (!count_ok(len, n) || k < 1 || k > n)
		return SYM_EUSAGE;
	slice = slice_of(len, n);
	start = (k - 1) * slice;
	this_len = k < n ? slice : len - start;
	body = SYM_QRFRAME_HEADER_BYTES + this_len;
	raw = sym_secmem_alloc(body);
	if (raw == NULL)
		return SYM_ENOMEM;
	put16(raw, k);
	put16(raw + 2, n);
	put32(raw + 4, len);
	sym_qrframe_hash(raw + 8, bundle, len);
	memcpy(raw + SYM_QRFRAME_HEADER_BYTES, bundle + start, this_len);
	cap = sym_qrframe_part_len(this_len) + 1;
	*text = sym_secmem_alloc(cap);
	if (*text == NULL) {
		sym_secmem_free(raw);
		return SYM_ENOMEM;
	}
	memcpy(*text, SYM_QRFRAME_PREFIX, PREFIX_LEN);
	rc = sym_base45_encode(*text + PREFIX_LEN, cap - PREFIX_LEN, raw, body);
	sym_secmem_free(raw);
	if (rc != SYM_OK) {
		sym_secmem_free(*text);
		*text = NULL;
		return rc;
	}
	*text_len = cap - 1;
	return SYM_OK;
}

int
sym_qrframe_is_part(const uint8_t *text, size_t len)
{
	(void)sym_bundle_text_trim(&text, &len);
	return len >= PREFIX_LEN && memcmp(text, SYM_QRFRAME_PREFIX,
	    PREFIX_LEN) == 0;
}

static uint32_t
get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

void
sym_qrframe_part_clear(struct sym_qrframe_part *p)
{
	if (p == NULL)
		return;
	sym_secmem_free(p->slice);
	memset(p, 0, sizeof *p);
}

int
sym_qrframe_parse(struct sym_qrframe_part *p, const uint8_t *text,
    size_t len, size_t *error_offset)
{
	size_t ignored, lead, cap, raw_len = 0, slice;
	uint8_t *raw = NULL;
	int rc;

	if (error_offset == NULL)
		error_offset = &ignored;
	*error_offset = 0;
	memset(p, 0, sizeof *p);
	lead = sym_bundle_text_trim(&text, &len);
	if (len < PREFIX_LEN || memcmp(text, SYM_QRFRAME_PREFIX, PREFIX_LEN) != 0)
		return SYM_ENOTBUNDLE;
	text += PREFIX_LEN;
	len -= PREFIX_LEN;
	cap = sym_base45_decoded_len(len);
	if (cap > SYM_BUNDLE_MAX_BYTES + SYM_QRFRAME_HEADER_BYTES)
		return SYM_ETOOBIG;
	raw = sym_secmem_alloc(cap);
	if (raw == NULL)
		return SYM_ENOMEM;
	rc = sym_base45_decode(raw, cap, &raw_len, (const char *)text, len,
	    error_offset);
	if (rc != SYM_OK) {
		*error_offset += lead + PREFIX_LEN;
		goto out;
	}
	rc = SYM_ETRUNCATED;
	if (raw_len <= SYM_QRFRAME_HEADER_BYTES)
		goto out;
	p->k = get16(raw);
	p->n = get16(raw + 2);
	p->total = get32(raw + 4);
	memcpy(p->hash, raw + 8, SYM_QRFRAME_HASH_BYTES);
	p->slice_len = raw_len - SYM_QRFRAME_HEADER_BYTES;
	rc = SYM_ESCHEMA;
	if (!count_ok(p->total, p->n) || p->k < 1 || p->k > p->n)
		goto out;
	slice = slice_of(p->total, p->n);
	if (p->slice_len != (p->k < p->n ? slice :
	    p->total - (size_t)(p->n - 1) * slice))
		goto out;
	p->slice = sym_secmem_alloc(p->slice_len);
	rc = SYM_ENOMEM;
	if (p->slice == NULL)
		goto out;
	memcpy(p->slice, raw + SYM_QRFRAME_HEADER_BYTES, p->slice_len);
	rc = SYM_OK;
out:
	sym_secmem_free(raw);
	if (rc != SYM_OK)
		sym_qrframe_part_clear(p);
	return rc;
}

/* ---- the collector ---- */

/* A bundle: whole from the start, or a group of parts until finish. */
struct item {
	int multi;
	uint8_t *bytes;		/* secure; NULL for a group until finished */
	size_t len;
	unsigned src;
	uint8_t hash[SYM_QRFRAME_HASH_BYTES];	/* groups */
	unsigned n;
	uint32_t total;
};

struct part {
	size_t item;
	unsigned k;
	uint8_t *slice;		/* secure */
	size_t slice_len;
	unsigned src;
};

struct sym_qrcollect {
	struct item *items;
	size_t item_count, item_cap;
	struct part *parts;
	size_t part_count, part_cap;
	size_t held;		/* bytes of slices held */
	int finished;
};

int
sym_qrcollect_new(struct sym_qrcollect **c)
{
	*c = calloc(1, sizeof **c);
	return *c == NULL ? SYM_ENOMEM : SYM_OK;
}

void
sym_qrcollect_free(struct sym_qrcollect *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->item_count; i++)
		sym_secmem_free(c->items[i].bytes);
	for (size_t i = 0; i < c->part_count; i++)
		sym_secmem_free(c->parts[i].slice);
	free(c->items);
	free(c->parts);
	free(c);
}

/* Makes room for one more element of an array of plain structs. */
static int
reserve(void **array, size_t *cap, size_t count, size_t size)
{
	size_t new_cap;
	void *bigger;

	if (count < *cap)
		return SYM_OK;
	new_cap = *cap ? *cap * 2 : 8;
	bigger = realloc(*array, new_cap * size);
	if (bigger == NULL)
		return SYM_ENOMEM;
	*array = bigger;
	*cap = new_cap;
	return SYM_OK;
}

static void
problem(struct sym_qrcollect_problem *p, const struct item *it,
    unsigned src, unsigned other_src)
{
	if (p == NULL)
		return;
	memset(p, 0, sizeof *p);
	p->parts = it->n;
	memcpy(p->hash, it->hash, sizeof p->hash);
	p->src = src;
	p->other_src = other_src;
}

static int
add_whole(struct sym_qrcollect *c, const uint8_t *data, size_t len,
    unsigned src)
{
	uint8_t *bytes = NULL;
	size_t bytes_len = 0;
	struct item *it;
	int rc;

	rc = sym_bundle_decode(&bytes, &bytes_len, data, len, NULL);
	if (rc != SYM_OK)
		return rc;
	for (size_t i = 0; i < c->item_count; i++) {
		it = &c->items[i];
		if (!it->multi && it->len == bytes_len &&
		    sodium_memcmp(it->bytes, bytes, bytes_len) == 0) {
			sym_secmem_free(bytes);
			return SYM_OK;
		}
	}
	rc = reserve((void **)&c->items, &c->item_cap, c->item_count,
	    sizeof *c->items);
	if (rc != SYM_OK) {
		sym_secmem_free(bytes);
		return rc;
	}
	it = &c->items[c->item_count++];
	memset(it, 0, sizeof *it);
	it->bytes = bytes;
	it->len = bytes_len;
	it->src = src;
	return SYM_OK;
}

static int
add_part(struct sym_qrcollect *c, const uint8_t *data, size_t len,
    unsigned src, struct sym_qrcollect_problem *p)
{
	struct sym_qrframe_part fp;
	struct item *it = NULL;
	size_t index;
	int rc;

	rc = sym_qrframe_parse(&fp, data, len, NULL);
	if (rc != SYM_OK)
		return rc;
	for (index = 0; index < c->item_count; index++) {
		it = &c->items[index];
		if (it->multi && memcmp(it->hash, fp.hash, sizeof fp.hash) == 0)
			break;
	}
	if (index == c->item_count) {
		rc = reserve((void **)&c->items, &c->item_cap, c->item_count,
		    sizeof *c->items);
		if (rc != SYM_OK)
			goto out;
		it = &c->items[c->item_count++];
		memset(it, 0, sizeof *it);
		it->multi = 1;
		it->src = src;
		it->n = fp.n;
		it->total = fp.total;
		memcpy(it->hash, fp.hash, sizeof it->hash);
	} else if (it->n != fp.n || it->total != fp.total) {
		problem(p, it, src, it->src);
		rc = SYM_EQRMIX;
		goto out;
	}
	for (size_t i = 0; i < c->part_count; i++) {
		struct part *q = &c->parts[i];

		if (q->item != index || q->k != fp.k)
			continue;
		/* The same part again (a second scan, a second copy) is
		 * ignored; other bytes under the same name are not. */
		if (q->slice_len == fp.slice_len &&
		    sodium_memcmp(q->slice, fp.slice, fp.slice_len) == 0) {
			rc = SYM_OK;
		} else {
			problem(p, it, src, q->src);
			if (p != NULL)
				p->part = fp.k;
			rc = SYM_EQRMIX;
		}
		goto out;
	}
	rc = SYM_ETOOBIG;
	if (fp.slice_len > COLLECT_MAX_BYTES - c->held)
		goto out;
	rc = reserve((void **)&c->parts, &c->part_cap, c->part_count,
	    sizeof *c->parts);
	if (rc != SYM_OK)
		goto out;
	c->parts[c->part_count].item = index;
	c->parts[c->part_count].k = fp.k;
	c->parts[c->part_count].slice = fp.slice;
	c->parts[c->part_count].slice_len = fp.slice_len;
	c->parts[c->part_count].src = src;
	c->part_count++;
	c->held += fp.slice_len;
	fp.slice = NULL;
	rc = SYM_OK;
out:
	sym_qrframe_part_clear(&fp);
	return rc;
}

int
sym_qrcollect_add(struct sym_qrcollect *c, const uint8_t *data, size_t len,
    unsigned src, struct sym_qrcollect_problem *p)
{
	if (p != NULL)
		memset(p, 0, sizeof *p);
	if (c->finished)
		return SYM_EUSAGE;
	if (sym_qrframe_is_part(data, len))
		return add_part(c, data, len, src, p);
	if (!sym_bundle_sniff(data, len))
		return SYM_ENOTBUNDLE;
	return add_whole(c, data, len, src);
}

int
sym_qrcollect_complete(const struct sym_qrcollect *c)
{
	if (c->item_count == 0)
		return 0;
	for (size_t i = 0; i < c->item_count; i++) {
		size_t have = 0;

		if (!c->items[i].multi)
			continue;
		/* Parts are kept once each, so a count is enough. */
		for (size_t j = 0; j < c->part_count; j++)
			have += c->parts[j].item == i;
		if (have < c->items[i].n)
			return 0;
	}
	return 1;
}

/* Reassembles group item index if every part is in: 1 done, 0 if a part
 * is missing (*missing is the first), or an error. */
static int
assemble(struct sym_qrcollect *c, size_t index, unsigned *missing)
{
	struct item *it = &c->items[index];
	uint8_t hash[SYM_QRFRAME_HASH_BYTES];
	size_t slice = slice_of(it->total, it->n);
	uint8_t *seen;
	int rc;

	seen = calloc(it->n + 1u, 1);
	if (seen == NULL)
		return SYM_ENOMEM;
	for (size_t i = 0; i < c->part_count; i++)
		if (c->parts[i].item == index)
			seen[c->parts[i].k] = 1;
	for (unsigned k = 1; k <= it->n; k++) {
		if (!seen[k]) {
			*missing = k;
			free(seen);
			return 0;
		}
	}
	free(seen);
	it->bytes = sym_secmem_alloc(it->total);
	if (it->bytes == NULL)
		return SYM_ENOMEM;
	it->len = it->total;
	for (size_t i = 0; i < c->part_count; i++) {
		const struct part *q = &c->parts[i];

		if (q->item == index)
			memcpy(it->bytes + (size_t)(q->k - 1) * slice, q->slice,
			    q->slice_len);
	}
	sym_qrframe_hash(hash, it->bytes, it->len);
	rc = memcmp(hash, it->hash, sizeof hash) == 0 ? 1 : SYM_EQRMIX;
	if (rc != 1) {
		sym_secmem_free(it->bytes);
		it->bytes = NULL;
		it->len = 0;
	}
	return rc;
}

int
sym_qrcollect_finish(struct sym_qrcollect *c, struct sym_qrcollect_problem *p)
{
	size_t incomplete = 0, first = 0;
	unsigned missing = 0, first_missing = 0;
	int rc = SYM_OK;

	if (p != NULL)
		memset(p, 0, sizeof *p);
	if (c->finished)
		return SYM_EUSAGE;
	c->finished = 1;
	for (size_t i = 0; i < c->item_count && rc == SYM_OK; i++) {
		if (!c->items[i].multi)
			continue;
		rc = assemble(c, i, &missing);
		if (rc == 1) {
			rc = SYM_OK;
		} else if (rc == 0) {
			if (incomplete == 0) {
				first = i;
				first_missing = missing;
			} else if (incomplete == 1) {
				problem(p, &c->items[first], c->items[first].src,
				    c->items[i].src);
			}
			incomplete++;
		} else if (rc == SYM_EQRMIX) {
			problem(p, &c->items[i], c->items[i].src,
			    c->items[i].src);
		}
	}
	if (rc == SYM_OK && incomplete == 1) {
		problem(p, &c->items[first], c->items[first].src,
		    c->items[first].src);
		if (p != NULL)
			p->part = first_missing;
		rc = SYM_EQRPART;
	} else if (rc == SYM_OK && incomplete > 1) {
		rc = SYM_EQRMIX;
	}
	for (size_t i = 0; i < c->part_count; i++) {
		sym_secmem_free(c->parts[i].slice);
		c->parts[i].slice = NULL;
	}
	c->part_count = 0;
	c->held = 0;
	if (rc != SYM_OK)
		for (size_t i = 0; i < c->item_count; i++) {
			sym_secmem_free(c->items[i].bytes);
			c->items[i].bytes = NULL;
			c->items[i].len = 0;
		}
	if (rc != SYM_OK)
		c->item_count = 0;
	return rc;
}

size_t
sym_qrcollect_count(const struct sym_qrcollect *c)
{
	return c->finished ? c->item_count : 0;
}

void
sym_qrcollect_get(const struct sym_qrcollect *c, size_t i,
    const uint8_t **bytes, size_t *len, unsigned *src)
{
	*bytes = NULL;
	*len = 0;
	if (!c->finished || i >= c->item_count)
		return;
	*bytes = c->items[i].bytes;
	*len = c->items[i].len;
	if (src != NULL)
		*src = c->items[i].src;
}
