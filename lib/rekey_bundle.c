/*
 * The rekey bundle layer: the pending rekey bundle, the --backup record
 * and the progress file on tmpfs (rekey_bundle.h).  Knows nothing of
 * images: the ceremony (rekey.c) binds these to one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <sodium.h>

#include "symbolon/bundle.h"
#include "symbolon/cbor.h"
#include "symbolon/io.h"
#include "symbolon/random.h"
#include "symbolon/rekey_bundle.h"
#include "symbolon/secmem.h"
#include "symbolon/share.h"

#define TMPFS_MAGIC_NUMBER 0x01021994L
#define RAMFS_MAGIC_NUMBER 0x858458f6L
#define PROGRESS_MAX_BYTES (4u << 20)

enum {
	FIELD_IMAGE_ID = 4,
	FIELD_NONCE = 5,
	FIELD_STARTED = 6,
	FIELD_GENERATION = 7,
	FIELD_SHARES = 8,
	FIELD_THRESHOLD = 9,
	FIELD_VERIFY = 10,
	FIELD_HOLDERS = 11,
	FIELD_OUT_DIR = 12,
	FIELD_BACKUP = 13,
	FIELD_TARGET = 14,
};

void
sym_uuid_text(char out[static SYM_UUID_TEXT_BYTES],
    const uint8_t n[static SYM_REKEY_NONCE_BYTES])
{
	snprintf(out, SYM_UUID_TEXT_BYTES,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", n[0], n[1], n[2], n[3], n[4], n[5],
	    n[6], n[7], n[8], n[9], n[10], n[11], n[12], n[13], n[14], n[15]);
}

int
sym_uuid_parse(uint8_t nonce[static SYM_REKEY_NONCE_BYTES], const char *text)
{
	char canonical[SYM_UUID_TEXT_BYTES];
	size_t len;
	const char *end;

	if (strlen(text) != SYM_UUID_TEXT_BYTES - 1)
		return SYM_EFORMAT;
	{
		char hex[33];
		size_t j = 0;

		for (size_t i = 0; text[i]; i++) {
			if (text[i] == '-')
				continue;
			if (j == 32)
				return SYM_EFORMAT;
			hex[j++] = text[i];
		}
		hex[j] = '\0';
		if (j != 32 || sodium_hex2bin(nonce, SYM_REKEY_NONCE_BYTES, hex,
		    32, NULL, &len, &end) != 0 || len != SYM_REKEY_NONCE_BYTES)
			return SYM_EFORMAT;
	}
	/* Dashes exactly where a UUID has them, hex case ignored. */
	sym_uuid_text(canonical, nonce);
	if (strcasecmp(canonical, text) != 0)
		return SYM_EFORMAT;
	return SYM_OK;
}

/* Field 11: one map per holder, with what is known of them. */
static void
put_holders(struct sym_cbor_writer *w, const struct sym_rekey *r,
    const uint8_t *const identity_bundles[], const size_t identity_lens[])
{
	sym_cbor_put_array(w, r->shares);
	for (unsigned i = 0; i < r->shares; i++) {
		int named = r->holder_names[i][0] != '\0';
		int with_id = identity_bundles && identity_bundles[i];
		int with_pgp = r->pgp_key[i] != NULL;
		int with_fpr = r->pgp_fpr[i][0] != '\0';

		sym_cbor_put_map(w, (size_t)named + (size_t)with_id +
		    (size_t)with_pgp + (size_t)with_fpr);
		if (named) {
			sym_cbor_put_uint(w, 1);
			sym_cbor_put_text(w, r->holder_names[i],
			    strlen(r->holder_names[i]));
		}
		if (with_id) {
			sym_cbor_put_uint(w, 2);
			sym_cbor_put_bytes(w, identity_bundles[i],
			    identity_lens[i]);
		}
		if (with_pgp) {
			sym_cbor_put_uint(w, 3);
			sym_cbor_put_bytes(w, r->pgp_key[i], r->pgp_key_len[i]);
		}
		if (with_fpr) {
			sym_cbor_put_uint(w, 4);
			sym_cbor_put_text(w, r->pgp_fpr[i],
			    strlen(r->pgp_fpr[i]));
		}
	}
}

int
sym_rekey_encode(uint8_t **bundle, size_t *len, struct sym_rekey *r,
    const uint8_t *const identity_bundles[], const size_t identity_lens[],
    const uint8_t *signer_secret)
{
	struct sym_cbor_writer w;
	uint8_t *payload, *one_time = NULL;
	size_t cap = 2048, payload_len;
	int rc;

	*bundle = NULL;
	*len = 0;
	for (unsigned i = 0; i < r->shares; i++)
		cap += 160 + r->pgp_key_len[i] + (identity_bundles &&
		    identity_bundles[i] ? identity_lens[i] : 0);
	if ((rc = sym_random_bytes(r->nonce, sizeof r->nonce,
	    SYM_RANDOM_PUBLIC)) != SYM_OK)
		return rc;
	if (signer_secret == NULL) {
		if ((rc = sym_bundle_one_time_key(&one_time)) != SYM_OK)
			return rc;
		signer_secret = one_time;
	}
	memcpy(r->signer, signer_secret + 32, sizeof r->signer);
	payload = malloc(cap);
	if (payload == NULL) {
		sym_secmem_free(one_time);
		return SYM_ENOMEM;
	}
	sym_cbor_writer_init(&w, payload, cap);
	sym_bundle_begin(&w, 9u + (r->backup ? 1u : 0u) +
	    (r->target != SYM_REKEY_BARRIER ? 1u : 0u), SYM_BUNDLE_REKEY,
	    r->signer);
	sym_cbor_put_uint(&w, FIELD_IMAGE_ID);
	sym_cbor_put_bytes(&w, r->image_id, sizeof r->image_id);
	sym_cbor_put_uint(&w, FIELD_NONCE);
	sym_cbor_put_bytes(&w, r->nonce, sizeof r->nonce);
	sym_cbor_put_uint(&w, FIELD_STARTED);
	sym_cbor_put_uint(&w, r->started);
	sym_cbor_put_uint(&w, FIELD_GENERATION);
	sym_cbor_put_uint(&w, r->generation);
	sym_cbor_put_uint(&w, FIELD_SHARES);
	sym_cbor_put_uint(&w, r->shares);
	sym_cbor_put_uint(&w, FIELD_THRESHOLD);
	sym_cbor_put_uint(&w, r->threshold);
	sym_cbor_put_uint(&w, FIELD_VERIFY);
	sym_cbor_put_bool(&w, r->verify);
	sym_cbor_put_uint(&w, FIELD_HOLDERS);
	put_holders(&w, r, identity_bundles, identity_lens);
	sym_cbor_put_uint(&w, FIELD_OUT_DIR);
	sym_cbor_put_text(&w, r->out_dir, strlen(r->out_dir));
	if (r->backup) {
		sym_cbor_put_uint(&w, FIELD_BACKUP);
		sym_cbor_put_bool(&w, 1);
	}
	if (r->target != SYM_REKEY_BARRIER) {
		sym_cbor_put_uint(&w, FIELD_TARGET);
		sym_cbor_put_uint(&w, (uint64_t)r->target);
	}
	rc = sym_cbor_writer_finish(&w, &payload_len);
	if (rc == SYM_OK)
		rc = sym_bundle_sign(bundle, len, payload, payload_len,
		    signer_secret);
	free(payload);
	sym_secmem_free(one_time);
	return rc;
}

static int
parse_holders(struct sym_rekey *r, struct sym_cbor_reader *c)
{
	size_t items, pairs, n;
	const char *text;
	const uint8_t *bytes;
	uint64_t key, last;

	if (sym_cbor_read_array(c, &items) != SYM_OK || items != r->shares)
		return SYM_ESCHEMA;
	for (size_t i = 0; i < items; i++) {
		if (sym_cbor_read_map(c, &pairs) != SYM_OK || pairs > 4)
			return SYM_ESCHEMA;
		last = 0;
		for (size_t j = 0; j < pairs; j++) {
			if (sym_cbor_read_uint(c, &key) != SYM_OK || key <= last ||
			    key > 4)
				return SYM_ESCHEMA;
			last = key;
			if (key == 1) {
				if (sym_identity_read_name(c,
				    r->holder_names[i]) != SYM_OK)
					return SYM_ESCHEMA;
			} else if (key == 2) {
				if (sym_cbor_read_bytes(c, &bytes, &n) != SYM_OK ||
				    sym_identity_parse_public(&r->identities[i],
				    bytes, n) != SYM_OK)
					return SYM_ESCHEMA;
				r->has_identity[i] = 1;
			} else if (key == 3) {
				if (sym_cbor_read_bytes(c, &bytes, &n) != SYM_OK ||
				    n == 0 || n > SYM_PGP_KEYFILE_MAX)
					return SYM_ESCHEMA;
				r->pgp_key[i] = bytes;
				r->pgp_key_len[i] = n;
			} else {
				char fpr[SYM_PGP_FPR_CHARS + 1];

				if (sym_cbor_read_text(c, &text, &n) != SYM_OK ||
				    n != SYM_PGP_FPR_CHARS)
					return SYM_ESCHEMA;
				memcpy(fpr, text, n);
				fpr[n] = '\0';
				if (sym_pgp_parse_fingerprint(r->pgp_fpr[i],
				    fpr) != SYM_OK)
					return SYM_ESCHEMA;
			}
		}
	}
	return SYM_OK;
}

/* The optional fields after 12: backup (13), target (14), then the end. */
static int
parse_optional(struct sym_rekey *r, struct sym_bundle *b)
{
	uint64_t key, target;

	if (sym_bundle_next_field(b, &key) != SYM_OK)
		return SYM_ESCHEMA;
	if (key == FIELD_BACKUP) {
		if (sym_cbor_read_bool(&b->fields, &r->backup) != SYM_OK ||
		    !r->backup || sym_bundle_next_field(b, &key) != SYM_OK)
			return SYM_ESCHEMA;
	}
	if (key == FIELD_TARGET) {
		if (sym_cbor_read_uint(&b->fields, &target) != SYM_OK ||
		    target != SYM_REKEY_RECOVERY ||
		    sym_bundle_next_field(b, &key) != SYM_OK)
			return SYM_ESCHEMA;
		r->target = SYM_REKEY_RECOVERY;
	}
	/* No shares only for the barrier, and then nothing to verify or
	 * back up. */
	if (key != 0 || (r->shares == 0 && (r->target != SYM_REKEY_BARRIER ||
	    r->verify || r->backup)))
		return SYM_ESCHEMA;
	return SYM_OK;
}

int
sym_rekey_parse(struct sym_rekey *r, const uint8_t *bundle, size_t len)
{
	struct sym_bundle b;
	uint64_t key;
	const char *text;
	size_t n;
	int rc;

	memset(r, 0, sizeof *r);
	if ((rc = sym_bundle_open(&b, bundle, len, SYM_BUNDLE_REKEY)) != SYM_OK)
		return rc;
	memcpy(r->signer, b.signer, sizeof r->signer);
	for (uint64_t expect = FIELD_IMAGE_ID; expect <= FIELD_OUT_DIR;
	    expect++) {
		if (sym_bundle_next_field(&b, &key) != SYM_OK || key != expect)
			return SYM_ESCHEMA;
		switch (key) {
		case FIELD_IMAGE_ID:
			rc = sym_cbor_read_fixed(&b.fields, r->image_id, sizeof r->image_id);
			break;
		case FIELD_NONCE:
			rc = sym_cbor_read_fixed(&b.fields, r->nonce, sizeof r->nonce);
			break;
		case FIELD_STARTED:
			rc = sym_cbor_read_uint(&b.fields, &r->started);
			break;
		case FIELD_GENERATION:
			rc = sym_cbor_read_uint(&b.fields, &r->generation);
			break;
		case FIELD_SHARES:
			rc = sym_cbor_read_uint_max(&b.fields, &r->shares, SYM_SHAMIR_MAX_SHARES);
			break;
		case FIELD_THRESHOLD:
			rc = sym_cbor_read_uint_max(&b.fields, &r->threshold,
			    SYM_SHAMIR_MAX_SHARES);
			break;
		case FIELD_VERIFY:
			rc = sym_cbor_read_bool(&b.fields, &r->verify);
			break;
		case FIELD_HOLDERS:
			/* 0 of 0: a barrier rekey under an auto seal. */
			if ((r->shares != 0 || r->threshold != 0) &&
			    (r->shares < 2 || r->threshold < 2 ||
			    r->threshold > r->shares))
				return SYM_ESCHEMA;
			rc = parse_holders(r, &b.fields);
			break;
		case FIELD_OUT_DIR:
			rc = sym_cbor_read_text(&b.fields, &text, &n);
			if (rc == SYM_OK && ((n == 0) != (r->shares == 0) ||
			    n >= sizeof r->out_dir || memchr(text, 0, n)))
				rc = SYM_ESCHEMA;
			if (rc == SYM_OK) {
				memcpy(r->out_dir, text, n);
				r->out_dir[n] = '\0';
			}
			break;
		}
		if (rc != SYM_OK)
			return rc == SYM_ENOMEM ? rc : SYM_ESCHEMA;
	}
	return parse_optional(r, &b);
}

/* ---------------------------------------------------------------- */
/* Progress on tmpfs */

static int
on_ram(const char *dir)
{
	struct statfs fs;
	struct stat st;

	if (dir == NULL || dir[0] != '/' || statfs(dir, &fs) != 0 ||
	    stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	return (long)fs.f_type == TMPFS_MAGIC_NUMBER ||
	    (long)fs.f_type == RAMFS_MAGIC_NUMBER;
}

int
sym_rekey_progress_dir(char *out, size_t cap)
{
	const char *candidates[] = { getenv("XDG_RUNTIME_DIR"), "/dev/shm" };

	for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
		if (on_ram(candidates[i])) {
			if ((size_t)snprintf(out, cap, "%s", candidates[i]) >= cap)
				return SYM_ETOOBIG;
			return SYM_OK;
		}
	return SYM_ENOTMPFS;
}

struct progress_share {
	uint8_t *bundle;	/* secure */
	size_t bundle_len;
	uint8_t *raw;		/* secure */
	size_t raw_len;
};

struct sym_rekey_progress {
	char path[4096];
	uint8_t image_id[SYM_SET_ID_BYTES];
	uint8_t nonce[SYM_REKEY_NONCE_BYTES];
	uint64_t created;
	size_t count;
	struct progress_share shares[SYM_SHAMIR_MAX_SHARES];
};

void
sym_rekey_progress_free(struct sym_rekey_progress *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->count; i++) {
		sym_secmem_free(p->shares[i].bundle);
		sym_secmem_free(p->shares[i].raw);
	}
	free(p);
}

static void
wipe_file(const char *path)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0) {
		if (fstat(fd, &st) == 0 && st.st_size > 0) {
			uint8_t zeros[4096] = { 0 };

			for (off_t off = 0; off < st.st_size;
			    off += (off_t)sizeof zeros)
				if (pwrite(fd, zeros, sizeof zeros, off) < 0)
					break;
		}
		close(fd);
	}
	(void)unlink(path);
}

void
sym_rekey_progress_wipe(struct sym_rekey_progress *p)
{
	if (p == NULL)
		return;
	wipe_file(p->path);
	sym_rekey_progress_free(p);
}

static int
parse_progress(struct sym_rekey_progress *p, const uint8_t *buf, size_t len)
{
	struct sym_cbor_reader r;
	size_t pairs, items, n;
	const uint8_t *bytes;
	uint64_t key;

	if (sym_cbor_check_canonical(buf, len, NULL) != SYM_OK)
		return SYM_ECORRUPT;
	sym_cbor_reader_init(&r, buf, len);
	if (sym_cbor_read_map(&r, &pairs) != SYM_OK || pairs != 4 ||
	    sym_cbor_read_uint(&r, &key) != SYM_OK || key != 1 ||
	    sym_cbor_read_fixed(&r, p->image_id, sizeof p->image_id) != SYM_OK ||
	    sym_cbor_read_uint(&r, &key) != SYM_OK || key != 2 ||
	    sym_cbor_read_fixed(&r, p->nonce, sizeof p->nonce) != SYM_OK ||
	    sym_cbor_read_uint(&r, &key) != SYM_OK || key != 3 ||
	    sym_cbor_read_uint(&r, &p->created) != SYM_OK ||
	    sym_cbor_read_uint(&r, &key) != SYM_OK || key != 4 ||
	    sym_cbor_read_array(&r, &items) != SYM_OK ||
	    items > SYM_SHAMIR_MAX_SHARES)
		return SYM_ECORRUPT;
	for (size_t i = 0; i < items; i++) {
		struct progress_share *s = &p->shares[i];

		if (sym_cbor_read_array(&r, &n) != SYM_OK || n != 2 ||
		    sym_cbor_read_bytes(&r, &bytes, &n) != SYM_OK)
			return SYM_ECORRUPT;
		s->bundle = sym_secmem_alloc(n);
		if (s->bundle == NULL)
			return SYM_ENOMEM;
		memcpy(s->bundle, bytes, n);
		s->bundle_len = n;
		p->count = i + 1;
		if (sym_cbor_read_bytes(&r, &bytes, &n) != SYM_OK)
			return SYM_ECORRUPT;
		s->raw = sym_secmem_alloc(n);
		if (s->raw == NULL)
			return SYM_ENOMEM;
		memcpy(s->raw, bytes, n);
		s->raw_len = n;
	}
	return SYM_OK;
}

int
sym_rekey_progress_load(struct sym_rekey_progress **out,
    const uint8_t image_id[static SYM_SET_ID_BYTES],
    const uint8_t nonce[static SYM_REKEY_NONCE_BYTES], uint64_t now,
    uint64_t ttl, int *expired)
{
	struct sym_rekey_progress *p;
	char dir[4000], id_hex[2 * SYM_SET_ID_BYTES + 1];
	char nonce_hex[2 * SYM_REKEY_NONCE_BYTES + 1];
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (expired != NULL)
		*expired = 0;
	if ((rc = sym_rekey_progress_dir(dir, sizeof dir)) != SYM_OK)
		return rc;
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return SYM_ENOMEM;
	sodium_bin2hex(id_hex, sizeof id_hex, image_id, SYM_SET_ID_BYTES);
	sodium_bin2hex(nonce_hex, sizeof nonce_hex, nonce, SYM_REKEY_NONCE_BYTES);
	snprintf(p->path, sizeof p->path, "%s/symbolon-rekey-%s-%s", dir,
	    id_hex, nonce_hex);
	memcpy(p->image_id, image_id, SYM_SET_ID_BYTES);
	memcpy(p->nonce, nonce, SYM_REKEY_NONCE_BYTES);
	p->created = now;
	rc = sym_io_read_all(&buf, &len, p->path, PROGRESS_MAX_BYTES);
	if (rc == SYM_ENOENT) {
		*out = p;
		return SYM_OK;
	}
	if (rc == SYM_OK) {
		struct sym_rekey_progress *loaded = calloc(1, sizeof *loaded);

		if (loaded == NULL) {
			rc = SYM_ENOMEM;
		} else {
			memcpy(loaded->path, p->path, sizeof p->path);
			rc = parse_progress(loaded, buf, len);
			if (rc == SYM_OK && (memcmp(loaded->image_id, image_id,
			    SYM_SET_ID_BYTES) != 0 || memcmp(loaded->nonce,
			    nonce, SYM_REKEY_NONCE_BYTES) != 0))
				rc = SYM_ECORRUPT;
			if (rc == SYM_OK && now > loaded->created + ttl) {
				/* Expired: the shares go, the rekey stays. */
				if (expired != NULL)
					*expired = 1;
				sym_rekey_progress_wipe(loaded);
				loaded = NULL;
			} else if (rc != SYM_OK) {
				sym_rekey_progress_wipe(loaded);
				loaded = NULL;
			}
			if (loaded != NULL) {
				sym_rekey_progress_free(p);
				p = loaded;
			}
			rc = SYM_OK;
		}
	}
	sym_secmem_free(buf);
	if (rc != SYM_OK) {
		sym_rekey_progress_free(p);
		return rc;
	}
	*out = p;
	return SYM_OK;
}

size_t
sym_rekey_progress_count(const struct sym_rekey_progress *p)
{
	return p->count;
}

int
sym_rekey_progress_replay(const struct sym_rekey_progress *p,
    struct sym_quorum *q)
{
	for (size_t i = 0; i < p->count; i++) {
		struct sym_share *share = NULL;
		int rc = sym_share_parse(&share, p->shares[i].bundle,
		    p->shares[i].bundle_len);

		if (rc == SYM_OK && share->raw == NULL) {
			share->raw = sym_secmem_alloc(p->shares[i].raw_len);
			if (share->raw == NULL)
				rc = SYM_ENOMEM;
			else {
				memcpy(share->raw, p->shares[i].raw,
				    p->shares[i].raw_len);
				share->raw_len = p->shares[i].raw_len;
			}
		}
		if (rc == SYM_OK)
			rc = sym_quorum_add(q, share);
		sym_share_free(share);
		if (rc != SYM_OK)
			return rc;
	}
	return SYM_OK;
}

int
sym_rekey_progress_add(struct sym_rekey_progress *p, const uint8_t *bundle,
    size_t bundle_len, const uint8_t *raw, size_t raw_len)
{
	struct progress_share *s;

	if (p->count == SYM_SHAMIR_MAX_SHARES)
		return SYM_ETOOBIG;
	s = &p->shares[p->count];
	s->bundle = sym_secmem_alloc(bundle_len);
	s->raw = sym_secmem_alloc(raw_len);
	if (s->bundle == NULL || s->raw == NULL) {
		sym_secmem_free(s->bundle);
		sym_secmem_free(s->raw);
		s->bundle = s->raw = NULL;
		return SYM_ENOMEM;
	}
	memcpy(s->bundle, bundle, bundle_len);
	s->bundle_len = bundle_len;
	memcpy(s->raw, raw, raw_len);
	s->raw_len = raw_len;
	p->count++;
	return SYM_OK;
}

int
sym_rekey_progress_save(const struct sym_rekey_progress *p)
{
	struct sym_cbor_writer w;
	uint8_t *buf;
	size_t cap = 256, len;
	int rc;

	for (size_t i = 0; i < p->count; i++)
		cap += p->shares[i].bundle_len + p->shares[i].raw_len + 16;
	buf = sym_secmem_alloc(cap);
	if (buf == NULL)
		return SYM_ENOMEM;
	sym_cbor_writer_init(&w, buf, cap);
	sym_cbor_put_map(&w, 4);
	sym_cbor_put_uint(&w, 1);
	sym_cbor_put_bytes(&w, p->image_id, sizeof p->image_id);
	sym_cbor_put_uint(&w, 2);
	sym_cbor_put_bytes(&w, p->nonce, sizeof p->nonce);
	sym_cbor_put_uint(&w, 3);
	sym_cbor_put_uint(&w, p->created);
	sym_cbor_put_uint(&w, 4);
	sym_cbor_put_array(&w, p->count);
	for (size_t i = 0; i < p->count; i++) {
		sym_cbor_put_array(&w, 2);
		sym_cbor_put_bytes(&w, p->shares[i].bundle,
		    p->shares[i].bundle_len);
		sym_cbor_put_bytes(&w, p->shares[i].raw, p->shares[i].raw_len);
	}
	rc = sym_cbor_writer_finish(&w, &len);
	if (rc == SYM_OK)
		rc = sym_io_write_file(p->path, buf, len, SYM_IO_OVERWRITE);
	sym_secmem_free(buf);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Backup of OpenPGP-sealed new shares */

int
sym_rekey_backup_encode(uint8_t **out, size_t *len,
    const uint8_t nonce[static SYM_REKEY_NONCE_BYTES],
    const struct sym_deal_output *deal)
{
	const struct sym_manifest *m = deal->record;
	struct sym_cbor_writer w;
	size_t cap = 64, count = 0;
	int rc;

	for (unsigned i = 0; i < m->count; i++)
		if (deal->sealed[i] != NULL) {
			cap += deal->sealed_lens[i] + 40;
			count++;
		}
	*out = malloc(cap);
	if (*out == NULL)
		return SYM_ENOMEM;
	sym_cbor_writer_init(&w, *out, cap);
	sym_cbor_put_map(&w, 2);
	sym_cbor_put_uint(&w, 1);
	sym_cbor_put_bytes(&w, nonce, SYM_REKEY_NONCE_BYTES);
	sym_cbor_put_uint(&w, 2);
	sym_cbor_put_array(&w, count);
	for (unsigned i = 0; i < m->count; i++) {
		if (deal->sealed[i] == NULL)
			continue;
		sym_cbor_put_array(&w, 3);
		sym_cbor_put_uint(&w, i + 1);
		sym_cbor_put_bytes(&w, m->entries[i].pgp_fingerprint,
		    sizeof m->entries[i].pgp_fingerprint);
		sym_cbor_put_bytes(&w, deal->sealed[i], deal->sealed_lens[i]);
	}
	rc = sym_cbor_writer_finish(&w, len);
	if (rc != SYM_OK) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

int
sym_rekey_backup_parse(const uint8_t *backup, size_t len,
    uint8_t nonce[static SYM_REKEY_NONCE_BYTES], sym_rekey_backup_visit visit,
    void *ctx)
{
	struct sym_cbor_reader r;
	size_t pairs, items, n;
	uint64_t key, index;
	const uint8_t *fpr, *msg;
	int rc;

	if (sym_cbor_check_canonical(backup, len, NULL) != SYM_OK)
		return SYM_ECORRUPT;
	sym_cbor_reader_init(&r, backup, len);
	if (sym_cbor_read_map(&r, &pairs) != SYM_OK || pairs != 2 ||
	    sym_cbor_read_uint(&r, &key) != SYM_OK || key != 1 ||
	    sym_cbor_read_fixed(&r, nonce, SYM_REKEY_NONCE_BYTES) != SYM_OK ||
	    sym_cbor_read_uint(&r, &key) != SYM_OK || key != 2 ||
	    sym_cbor_read_array(&r, &items) != SYM_OK)
		return SYM_ECORRUPT;
	for (size_t i = 0; i < items; i++) {
		if (sym_cbor_read_array(&r, &n) != SYM_OK || n != 3 ||
		    sym_cbor_read_uint(&r, &index) != SYM_OK || index == 0 ||
		    index > SYM_SHAMIR_MAX_SHARES ||
		    sym_cbor_read_bytes(&r, &fpr, &n) != SYM_OK || n != 20 ||
		    sym_cbor_read_bytes(&r, &msg, &n) != SYM_OK)
			return SYM_ECORRUPT;
		if (visit != NULL &&
		    (rc = visit(ctx, (unsigned)index, fpr, msg, n)) != 0)
			return rc;
	}
	return SYM_OK;
}
