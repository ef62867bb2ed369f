/*
 * Entries of an image: each one a libsodium secretstream
 * (XChaCha20-Poly1305) under its keyring term's key, in chunks of
 * ENTRY_CHUNK bytes, every chunk carrying as associated data a hash that
 * binds it to the image, the term and the entry's name.  The stream's
 * final tag marks the last chunk, so truncation and reordering are caught.
 * Memory use is two chunks, whatever the entry's size.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "symbolon/codec.h"
#include "symbolon/io.h"
#include "symbolon/secmem.h"

#include "image_internal.h"

#define ENTRY_CHUNK (256u * 1024u)
#define STREAM_HEADER crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define STREAM_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define BINDING_BYTES 32u
/* Bytes written between writeback hints (see start_writeback). */
#define WRITEBACK_BYTES (8u * 1024u * 1024u)

/*
 * Asks the kernel to start writing fd's dirty pages now, without waiting.
 * Otherwise nothing of a large entry reaches the disk before the fsync that
 * makes it durable (background writeback starts only at a share of RAM),
 * and that fsync then writes it all while the CPU idles; with the hint the
 * disk works while the next chunks are encrypted.  Only a hint: fsync still
 * provides durability, and errors (ESPIPE on a pipe, ...) are ignored.
 */
static void
start_writeback(int fd)
{
#ifdef SYNC_FILE_RANGE_WRITE
	(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)fd;
#endif
}

static void
entry_binding(uint8_t out[BINDING_BYTES], const struct sym_image *img,
    unsigned term, const char *name)
{
	static const unsigned char personal[16] = "symbolon-ent-v1";
	crypto_generichash_blake2b_state st;
	uint8_t term_le[4];

	for (int i = 0; i < 4; i++)
		term_le[i] = (uint8_t)(term >> (8 * i));
	crypto_generichash_blake2b_init_salt_personal(&st, NULL, 0,
	    BINDING_BYTES, NULL, personal);
	crypto_generichash_blake2b_update(&st, img->info.image_id,
	    SYM_IMAGE_ID_BYTES);
	crypto_generichash_blake2b_update(&st, term_le, sizeof term_le);
	crypto_generichash_blake2b_update(&st, (const uint8_t *)name,
	    strlen(name) + 1);
	crypto_generichash_blake2b_final(&st, out, BINDING_BYTES);
}

/* Bytes an entry of size plaintext bytes takes in the data area. */
static uint64_t
stored_size(uint64_t size)
{
	uint64_t chunks = size / ENTRY_CHUNK + (size % ENTRY_CHUNK != 0);

	if (chunks == 0)
		chunks = 1;	/* an empty entry is one empty final chunk */
	return STREAM_HEADER + size + chunks * STREAM_ABYTES;
}

/* Reads up to len bytes from fd (stops early only at end of input). */
static int
read_full(int fd, uint8_t *buf, size_t len, size_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = read(fd, buf + *got, len - *got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sym_error_from_errno(errno);
		}
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return SYM_OK;
}

/*
 * The streaming core of put and re-encryption: encrypts what next_chunk
 * yields under term, appending to the data area.  next_chunk fills buf
 * with up to ENTRY_CHUNK bytes and sets *len (0 only at the end).
 */
typedef int (*chunk_source)(void *ctx, uint8_t *buf, size_t *len);

static int
write_stream(struct sym_image *img, const char *name, unsigned term,
    chunk_source next_chunk, void *ctx, struct sym_image_entry *e)
{
	crypto_secretstream_xchacha20poly1305_state *st;
	uint8_t header[STREAM_HEADER], binding[BINDING_BYTES];
	const uint8_t *key = sym_image_term_key(img, term);
	uint8_t *cur = NULL, *next = NULL, *out = NULL;
	size_t cur_len, next_len;
	uint64_t offset, total = 0, start = img->data_end, hinted = start;
	int rc;

	if (key == NULL)
		return SYM_ECORRUPT;
	st = sym_secmem_alloc(sizeof *st);
	cur = sym_secmem_alloc(ENTRY_CHUNK);
	next = sym_secmem_alloc(ENTRY_CHUNK);
	out = malloc(ENTRY_CHUNK + STREAM_ABYTES);
	if (st == NULL || cur == NULL || next == NULL || out == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	entry_binding(binding, img, term, name);
	crypto_secretstream_xchacha20poly1305_init_push(st, header, key);
	if ((rc = sym_image_append_data(img, header, sizeof header,
	    &offset)) != SYM_OK)
		goto out;
	/* One chunk of look-ahead: the last chunk must carry the final tag. */
	if ((rc = next_chunk(ctx, cur, &cur_len)) != SYM_OK)
		goto out;
	for (;;) {
		unsigned char tag;
		unsigned long long out_len;
		uint8_t *swap;

		next_len = 0;
		if (cur_len == ENTRY_CHUNK &&
		    (rc = next_chunk(ctx, next, &next_len)) != SYM_OK)
			goto out;
		tag = next_len == 0 ? crypto_secretstream_xchacha20poly1305_TAG_FINAL :
		    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
		crypto_secretstream_xchacha20poly1305_push(st, out, &out_len, cur,
		    cur_len, binding, sizeof binding, tag);
		if ((rc = sym_image_append_data(img, out, (size_t)out_len,
		    NULL)) != SYM_OK)
			goto out;
		total += cur_len;
		if (img->data_end - hinted >= WRITEBACK_BYTES) {
			start_writeback(img->fd);
			hinted = img->data_end;
		}
		if (next_len == 0)
			break;
		swap = cur;
		cur = next;
		next = swap;
		cur_len = next_len;
	}
	e->term = term;
	e->offset = offset;
	e->size = total;
	e->stored = stored_size(total);
	rc = SYM_OK;
out:
	if (rc != SYM_OK && img->data_end != start) {
		/* Nothing names a half-written entry: drop it, so a failed put
		 * leaves the file as it was.  If that fails too, the bytes are
		 * harmless and the next append overwrites them. */
		if (sym_io_ftruncate(img->fd, start) != SYM_OK) {
			/* see above */
		}
		img->data_end = start;
	}
	sym_secmem_free(st);
	sym_secmem_free(cur);
	sym_secmem_free(next);
	free(out);
	return rc;
}

/* The streaming core of get, verify and re-encryption. */
typedef int (*chunk_sink)(void *ctx, const uint8_t *buf, size_t len);

static int
read_stream(struct sym_image *img, const struct sym_image_entry *e,
    chunk_sink sink, void *ctx)
{
	crypto_secretstream_xchacha20poly1305_state *st;
	uint8_t header[STREAM_HEADER], binding[BINDING_BYTES];
	const uint8_t *key = sym_image_term_key(img, e->term);
	uint8_t *in = NULL, *plain = NULL;
	uint64_t pos, left = e->size;
	int rc, first = 1;

	if (key == NULL || e->stored != stored_size(e->size) ||
	    e->offset < SYM_IMAGE_DATA_START ||
	    e->offset + e->stored > img->info.data_end)
		return SYM_ECORRUPT;
	st = sym_secmem_alloc(sizeof *st);
	plain = sym_secmem_alloc(ENTRY_CHUNK);
	in = malloc(ENTRY_CHUNK + STREAM_ABYTES);
	if (st == NULL || plain == NULL || in == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	entry_binding(binding, img, e->term, e->name);
	if ((rc = sym_image_read_data(img, e->offset, header,
	    sizeof header)) != SYM_OK)
		goto out;
	if (crypto_secretstream_xchacha20poly1305_init_pull(st, header,
	    key) != 0) {
		rc = SYM_ECORRUPT;
		goto out;
	}
	pos = e->offset + STREAM_HEADER;
	while (first || left > 0) {
		size_t chunk = left > ENTRY_CHUNK ? ENTRY_CHUNK : (size_t)left;
		unsigned long long plain_len;
		unsigned char tag;

		first = 0;
		if ((rc = sym_image_read_data(img, pos, in,
		    chunk + STREAM_ABYTES)) != SYM_OK)
			goto out;
		if (crypto_secretstream_xchacha20poly1305_pull(st, plain,
		    &plain_len, &tag, in, chunk + STREAM_ABYTES, binding,
		    sizeof binding) != 0 || plain_len != chunk) {
			rc = SYM_ECORRUPT;
			goto out;
		}
		left -= chunk;
		pos += chunk + STREAM_ABYTES;
		if ((tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) !=
		    (left == 0)) {
			rc = SYM_ECORRUPT;
			goto out;
		}
		if (sink != NULL && (rc = sink(ctx, plain, chunk)) != SYM_OK)
			goto out;
	}
	rc = SYM_OK;
out:
	sym_secmem_free(st);
	sym_secmem_free(plain);
	free(in);
	return rc;
}

struct fd_source {
	int fd;
};

static int
from_fd(void *ctx, uint8_t *buf, size_t *len)
{
	return read_full(((struct fd_source *)ctx)->fd, buf, ENTRY_CHUNK, len);
}

struct fd_sink {
	int fd;
	uint64_t unhinted;	/* bytes written since the last hint */
};

static int
to_fd(void *ctx, const uint8_t *buf, size_t len)
{
	struct fd_sink *s = ctx;
	int rc = sym_io_write_fd(s->fd, buf, len);

	s->unhinted += len;
	if (rc == SYM_OK && s->unhinted >= WRITEBACK_BYTES) {
		start_writeback(s->fd);
		s->unhinted = 0;
	}
	return rc;
}

int
sym_image_check_name(const char *name)
{
	return sym_text_check_name(name, SYM_IMAGE_NAME_MAX);
}

/* A failed commit leaves the file as it was; the entries in memory then
 * no longer match it, so the image must be closed (as every program
 * does after an error). */
static int
commit_entry(struct sym_image *img, const char *operation, const char *name,
    uint64_t now)
{
	char detail[SYM_IMAGE_NAME_MAX + 32];

	snprintf(detail, sizeof detail, "entry %s", name);
	return sym_image_commit(img, operation, detail, now);
}

static int
writable(const struct sym_image *img)
{
	if (!img->unsealed)
		return SYM_ESEALED;
	if (img->mode != SYM_IMAGE_WRITE)
		return SYM_EUSAGE;
	return SYM_OK;
}

int
sym_image_put(struct sym_image *img, const char *name, int fd, uint64_t now)
{
	struct sym_image_entry e;
	struct fd_source src = { fd };
	long at;
	int rc;

	if ((rc = writable(img)) != SYM_OK)
		return rc;
	if (sym_image_check_name(name) != SYM_OK)
		return SYM_EUSAGE;
	at = sym_image_find_entry(img, name);
	if (at < 0 && img->entry_count >= SYM_IMAGE_MAX_ENTRIES)
		return SYM_ETOOBIG;
	memset(&e, 0, sizeof e);
	memcpy(e.name, name, strlen(name) + 1);
	rc = write_stream(img, name, img->info.active_term, from_fd, &src, &e);
	if (rc != SYM_OK)
		return rc;
	e.created = at >= 0 ? img->entries[at].created : now;
	e.modified = now;
	if (at >= 0)
		img->entries[at] = e;
	else
		img->entries[img->entry_count++] = e;
	return commit_entry(img, SYM_AUDIT_PUT, name, now);
}

int
sym_image_get(struct sym_image *img, const char *name, int fd)
{
	struct fd_sink sink = { fd, 0 };
	long at;

	if (!img->unsealed)
		return SYM_ESEALED;
	at = sym_image_find_entry(img, name);
	if (at < 0)
		return SYM_ENOENTRY;
	return read_stream(img, &img->entries[at], to_fd, &sink);
}

int
sym_image_delete(struct sym_image *img, const char *name, uint64_t now)
{
	long at;
	int rc;

	if ((rc = writable(img)) != SYM_OK)
		return rc;
	at = sym_image_find_entry(img, name);
	if (at < 0)
		return SYM_ENOENTRY;
	memmove(&img->entries[at], &img->entries[at + 1],
	    (img->entry_count - (size_t)at - 1) * sizeof img->entries[0]);
	img->entry_count--;
	sodium_memzero(&img->entries[img->entry_count],
	    sizeof img->entries[0]);
	/* The record's time: delete takes none (its signature is shared). */
	return commit_entry(img, SYM_AUDIT_DELETE, name, now);
}

size_t
sym_image_entry_count(const struct sym_image *img)
{
	return img->unsealed ? img->entry_count : 0;
}

const struct sym_image_entry *
sym_image_entry_at(const struct sym_image *img, size_t i)
{
	return img->unsealed && i < img->entry_count ? &img->entries[i] : NULL;
}

int
sym_image_verify_entries(struct sym_image *img, const char **bad)
{
	if (bad != NULL)
		*bad = NULL;
	if (!img->unsealed)
		return SYM_ESEALED;
	for (size_t i = 0; i < img->entry_count; i++) {
		int rc = read_stream(img, &img->entries[i], NULL, NULL);

		if (rc != SYM_OK) {
			if (bad != NULL)
				*bad = img->entries[i].name;
			return rc;
		}
	}
	return SYM_OK;
}

/*
 * Re-encryption feeds write_stream from a source that decrypts the old
 * stream one chunk at a time: plaintext never touches the disk and never
 * exceeds a chunk in memory.
 */
struct reencrypt_source {
	struct sym_image *img;
	const struct sym_image_entry *old;
	crypto_secretstream_xchacha20poly1305_state *st;
	uint8_t binding[BINDING_BYTES];
	uint8_t *in;
	uint64_t pos, left;
	int started;
};

static int
from_old_entry(void *ctx, uint8_t *buf, size_t *len)
{
	struct reencrypt_source *s = ctx;
	size_t chunk;
	unsigned long long plain_len;
	unsigned char tag;
	int rc;

	*len = 0;
	if (s->started && s->left == 0)
		return SYM_OK;
	s->started = 1;
	chunk = s->left > ENTRY_CHUNK ? ENTRY_CHUNK : (size_t)s->left;
	if ((rc = sym_image_read_data(s->img, s->pos, s->in,
	    chunk + STREAM_ABYTES)) != SYM_OK)
		return rc;
	if (crypto_secretstream_xchacha20poly1305_pull(s->st, buf, &plain_len,
	    &tag, s->in, chunk + STREAM_ABYTES, s->binding,
	    sizeof s->binding) != 0 || plain_len != chunk)
		return SYM_ECORRUPT;
	s->left -= chunk;
	s->pos += chunk + STREAM_ABYTES;
	if ((tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) !=
	    (s->left == 0))
		return SYM_ECORRUPT;
	*len = chunk;
	return SYM_OK;
}

static int
reencrypt_entry(struct sym_image *img, size_t i)
{
	struct sym_image_entry *old = &img->entries[i], moved;
	struct reencrypt_source src;
	uint8_t header[STREAM_HEADER];
	const uint8_t *key = sym_image_term_key(img, old->term);
	int rc;

	if (key == NULL || old->stored != stored_size(old->size))
		return SYM_ECORRUPT;
	memset(&src, 0, sizeof src);
	src.img = img;
	src.old = old;
	src.pos = old->offset + STREAM_HEADER;
	src.left = old->size;
	src.st = sym_secmem_alloc(sizeof *src.st);
	src.in = malloc(ENTRY_CHUNK + STREAM_ABYTES);
	if (src.st == NULL || src.in == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	entry_binding(src.binding, img, old->term, old->name);
	if ((rc = sym_image_read_data(img, old->offset, header,
	    sizeof header)) != SYM_OK)
		goto out;
	if (crypto_secretstream_xchacha20poly1305_init_pull(src.st, header,
	    key) != 0) {
		rc = SYM_ECORRUPT;
		goto out;
	}
	moved = *old;
	rc = write_stream(img, old->name, img->info.active_term, from_old_entry,
	    &src, &moved);
	if (rc == SYM_OK)
		*old = moved;	/* created and modified times are kept */
out:
	sym_secmem_free(src.st);
	free(src.in);
	return rc;
}

int
sym_image_reencrypt(struct sym_image *img, uint64_t now)
{
	int rc;

	if ((rc = writable(img)) != SYM_OK)
		return rc;
	/* The target is recorded first, so an interrupted run is resumed
	 * towards the same term rather than starting over. */
	if (img->reencrypt_term == 0) {
		img->reencrypt_term = img->info.active_term;
		rc = sym_image_commit(img, SYM_AUDIT_REENCRYPT_START, "", now);
		if (rc != SYM_OK)
			return rc;
	}
	for (size_t i = 0; i < img->entry_count; i++) {
		char detail[SYM_IMAGE_NAME_MAX + 64];

		if (img->entries[i].term == img->reencrypt_term)
			continue;
		snprintf(detail, sizeof detail, "entry %s: term %u to %u",
		    img->entries[i].name, img->entries[i].term,
		    (unsigned)img->reencrypt_term);
		rc = reencrypt_entry(img, i);
		if (rc == SYM_OK)
			rc = sym_image_commit(img, SYM_AUDIT_REENCRYPT_ENTRY,
			    detail, now);
		if (rc != SYM_OK)
			return rc;
	}
	sym_image_drop_unused_terms(img);
	img->reencrypt_term = 0;
	return sym_image_commit(img, SYM_AUDIT_REENCRYPT_DONE, "", now);
}
