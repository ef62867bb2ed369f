#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "symbolon/codec.h"
#include "symbolon/gf256.h"
#include "symbolon/io.h"
#include "symbolon/random.h"
#include "symbolon/secmem.h"
#include "symbolon/shamir.h"
#include "symbolon/shamir_stream.h"

#define BLOCK SYM_STREAM_BLOCK_BYTES
#define TEXT_BLOCK (BLOCK / 3u * 4u)
/* A secret this short takes every coefficient from the system. */
#define DIRECT_MAX 4096u

/* Reads up to len bytes (fewer only at the end of input). */
static int
read_block(int fd, uint8_t *buf, size_t len, size_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t r = read(fd, buf + *got, len - *got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return sym_error_from_errno(errno);
		if (r == 0)
			break;
		*got += (size_t)r;
	}
	return SYM_OK;
}

struct split_state {
	unsigned n, t;
	enum sym_stream_form form;
	uint8_t xs[SYM_SHAMIR_MAX_SHARES];
	uint8_t *secret;		/* BLOCK */
	uint8_t *coefficients;		/* (t - 1) * BLOCK */
	uint8_t *y[SYM_SHAMIR_MAX_SHARES];	/* BLOCK + 1 each */
	char *text;			/* TEXT_BLOCK + 8 */
	struct sym_random_stream *stream;
};

static void
split_free(struct split_state *s)
{
	sym_secmem_free(s->secret);
	sym_secmem_free(s->coefficients);
	for (unsigned i = 0; i < s->n; i++)
		sym_secmem_free(s->y[i]);
	sym_secmem_free(s->text);
	sym_random_stream_free(s->stream);
}

static int
split_alloc(struct split_state *s)
{
	s->secret = sym_secmem_alloc(BLOCK);
	s->coefficients = sym_secmem_alloc((size_t)(s->t - 1) * BLOCK);
	s->text = sym_secmem_alloc(TEXT_BLOCK + 8);
	if (s->secret == NULL || s->coefficients == NULL || s->text == NULL)
		return SYM_ENOMEM;
	for (unsigned i = 0; i < s->n; i++)
		if ((s->y[i] = sym_secmem_alloc(BLOCK + 1)) == NULL)
			return SYM_ENOMEM;
	return SYM_OK;
}

/* Writes len y bytes of share i (len a multiple of 3 for base64, or the
 * last piece with its x byte appended: then also the padding and "\n"). */
static int
emit(struct split_state *s, int fd, const uint8_t *bytes, size_t len,
    int last)
{
	size_t chars;
	int rc;

	if (s->form == SYM_STREAM_RAW)
		return sym_io_write_fd(fd, bytes, len);
	if ((rc = sym_codec_encode(s->text, TEXT_BLOCK + 8, bytes, len,
	    SYM_TEXT_BASE64)) != SYM_OK)
		return rc;
	chars = (len + 2) / 3 * 4;
	if (last)
		s->text[chars++] = '\n';
	return sym_io_write_fd(fd, (const uint8_t *)s->text, chars);
}

/* Evaluates one block of count secret bytes for every share and writes
 * it; the final block also carries x (and so may be any length). */
static int
split_block(struct split_state *s, const int out_fds[], size_t count,
    int final)
{
	int rc;

	/* Exactly the coefficients of count bytes, laid out as evaluate
	 * reads them: degree d of byte i at (d - 1) * count + i. */
	rc = s->stream != NULL ?
	    sym_random_stream_read(s->stream, s->coefficients,
	    (size_t)(s->t - 1) * count) :
	    sym_random_bytes(s->coefficients, (size_t)(s->t - 1) * count,
	    SYM_RANDOM_SECRET);
	if (rc != SYM_OK)
		return rc;
	if ((rc = sym_shamir_evaluate(s->y, s->xs, s->n, s->t, s->secret,
	    count, s->coefficients)) != SYM_OK)
		return rc;
	for (unsigned i = 0; i < s->n; i++) {
		/* y then x: sym_shamir_evaluate put x at y[count]. */
		rc = emit(s, out_fds[i], s->y[i], final ? count + 1 : count,
		    final);
		if (rc != SYM_OK)
			return rc;
	}
	return SYM_OK;
}

int
sym_shamir_split_stream(const int out_fds[], unsigned n, unsigned t,
    int in_fd, enum sym_stream_form form, uint64_t *secret_len)
{
	struct split_state s = { .n = n, .t = t, .form = form };
	size_t got = 0, next = 0;
	int rc;

	*secret_len = 0;
	if (n < 2 || n > SYM_SHAMIR_MAX_SHARES)
		return SYM_ESHARES;
	if (t < SYM_SHAMIR_MIN_THRESHOLD || t > n)
		return SYM_ETHRESHOLD;
	if (form != SYM_STREAM_RAW && form != SYM_STREAM_BASE64)
		return SYM_EUSAGE;
	if ((rc = split_alloc(&s)) != SYM_OK ||
	    (rc = sym_shamir_draw_x(s.xs, n)) != SYM_OK ||
	    (rc = read_block(in_fd, s.secret, BLOCK, &got)) != SYM_OK)
		goto out;
	if (got == 0) {
		rc = SYM_EEMPTYSECRET;
		goto out;
	}
	if (got > DIRECT_MAX && (rc = sym_random_stream_new(&s.stream)) !=
	    SYM_OK)
		goto out;
	/* A block is final (it carries x) when the input ends inside it or
	 * right after it: a one-byte look-ahead tells the two apart. */
	for (;;) {
		int final = got < BLOCK;

		if (!final) {
			/* Peek one byte: a full block may be the last. */
			uint8_t peek;
			size_t one = 0;

			if ((rc = read_block(in_fd, &peek, 1, &one)) != SYM_OK)
				goto out;
			final = one == 0;
			if (!final) {
				rc = split_block(&s, out_fds, got, 0);
				if (rc != SYM_OK)
					goto out;
				*secret_len += got;
				s.secret[0] = peek;
				sodium_memzero(&peek, 1);
				if ((rc = read_block(in_fd, s.secret + 1,
				    BLOCK - 1, &next)) != SYM_OK)
					goto out;
				got = next + 1;
				continue;
			}
		}
		rc = split_block(&s, out_fds, got, 1);
		if (rc != SYM_OK)
			goto out;
		*secret_len += got;
		break;
	}
	rc = SYM_OK;
out:
	split_free(&s);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Combine */

struct share_in {
	int fd;
	uint64_t size;		/* bytes of the share's data (text trimmed) */
	size_t padding;		/* base64 '=' count of the last group */
	uint8_t x;
};

/* The x byte and the data size of a share file. */
static int
probe(struct share_in *sh, enum sym_stream_form form, uint64_t *ylen)
{
	struct stat st;
	uint8_t tail[8];
	int rc;

	if (fstat(sh->fd, &st) != 0)
		return sym_error_from_errno(errno);
	if (!S_ISREG(st.st_mode))
		return SYM_EUSAGE;
	sh->size = (uint64_t)st.st_size;
	if (form == SYM_STREAM_RAW) {
		if (sh->size < 2)
			return SYM_EEMPTYSHARE;
		if ((rc = sym_io_pread_all(sh->fd, &sh->x, 1,
		    sh->size - 1)) != SYM_OK)
			return rc;
		*ylen = sh->size - 1;
		return SYM_OK;
	}
	/* Text: trailing newline and spaces are not part of it. */
	while (sh->size > 0) {
		uint8_t c;

		if ((rc = sym_io_pread_all(sh->fd, &c, 1, sh->size - 1)) !=
		    SYM_OK)
			return rc;
		if (c != '\n' && c != '\r' && c != ' ' && c != '\t')
			break;
		sh->size--;
	}
	if (sh->size < 4 || sh->size % 4 != 0)
		return SYM_EFORMAT;
	{
		uint8_t group[4];
		size_t n = 0;

		if ((rc = sym_io_pread_all(sh->fd, group, 4, sh->size - 4)) !=
		    SYM_OK)
			return rc;
		sh->padding = (size_t)(group[3] == '=') + (group[2] == '=');
		rc = sym_codec_decode(tail, sizeof tail, &n,
		    (const char *)group, 4, SYM_TEXT_BASE64);
		if (rc != SYM_OK || n == 0)
			return SYM_EFORMAT;
		sh->x = tail[n - 1];
		sodium_memzero(tail, sizeof tail);
	}
	*ylen = sh->size / 4 * 3 - sh->padding - 1;
	return SYM_OK;
}

/* Reads share bytes [off, off + count) of one share into y (count + 3
 * bytes of room): raw with pread, text by decoding the characters that
 * hold them (off a multiple of 3). */
static int
read_y(const struct share_in *sh, enum sym_stream_form form, uint8_t *y,
    char *text, uint64_t off, size_t count)
{
	size_t chars, n = 0, room = count + 3;
	uint64_t at;
	int rc;

	if (form == SYM_STREAM_RAW)
		return sym_io_pread_all(sh->fd, y, count, off);
	at = off / 3 * 4;
	chars = (count + 2) / 3 * 4;
	if (at + chars > sh->size)
		chars = (size_t)(sh->size - at);
	if ((rc = sym_io_pread_all(sh->fd, (uint8_t *)text, chars, at)) !=
	    SYM_OK)
		return rc;
	rc = sym_codec_decode(y, room, &n, text, chars, SYM_TEXT_BASE64);
	if (rc != SYM_OK)
		return rc;
	return n >= count ? SYM_OK : SYM_EFORMAT;
}

int
sym_shamir_combine_stream(int out_fd, const int in_fds[], size_t k,
    enum sym_stream_form form, uint64_t *secret_len, size_t *bad)
{
	struct share_in sh[SYM_SHAMIR_MAX_SHARES];
	uint8_t xs[SYM_SHAMIR_MAX_SHARES], basis[SYM_SHAMIR_MAX_SHARES];
	uint8_t *out = NULL, *y = NULL;
	char *text = NULL;
	uint64_t len = 0;
	int rc;

	*secret_len = 0;
	*bad = 0;
	if (k < 2)
		return SYM_ETOOFEW;
	if (k > SYM_SHAMIR_MAX_SHARES)
		return SYM_EDUPSHARE;
	for (size_t i = 0; i < k; i++) {
		uint64_t ylen = 0;

		*bad = i;
		sh[i].fd = in_fds[i];
		if ((rc = probe(&sh[i], form, &ylen)) != SYM_OK)
			return rc;
		if (ylen == 0)
			return SYM_EEMPTYSHARE;
		if (i > 0 && ylen != len)
			return SYM_ESHARELEN;
		len = ylen;
		xs[i] = sh[i].x;
		if (xs[i] == 0)
			return SYM_EZEROX;
		for (size_t j = 0; j < i; j++)
			if (xs[j] == xs[i])
				return SYM_EDUPSHARE;
	}
	*bad = 0;
	if ((rc = sym_shamir_basis(basis, xs, k)) != SYM_OK)
		return rc;
	out = sym_secmem_alloc(BLOCK);
	y = sym_secmem_alloc(BLOCK + 8);
	text = sym_secmem_alloc(TEXT_BLOCK + 8);
	if (out == NULL || y == NULL || text == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	for (uint64_t off = 0; off < len; off += BLOCK) {
		size_t count = len - off < BLOCK ? (size_t)(len - off) : BLOCK;

		memset(out, 0, count);
		for (size_t i = 0; i < k; i++) {
			*bad = i;
			if ((rc = read_y(&sh[i], form, y, text, off, count)) !=
			    SYM_OK)
				goto out;
			sym_gf256_add_mul(out, y, basis[i], count);
		}
		*bad = k;	/* the output's, if writing fails */
		if ((rc = sym_io_write_fd(out_fd, out, count)) != SYM_OK)
			goto out;
	}
	*bad = 0;
	*secret_len = len;
	rc = SYM_OK;
out:
	sym_secmem_free(out);
	sym_secmem_free(y);
	sym_secmem_free(text);
	return rc;
}
