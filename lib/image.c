/*
 * The image itself: open, unseal, commit, create, and the wrappings of
 * the root key that rekey installs.  The parts it is made of have their
 * own modules: header slots (image_slot.c), the signed core and data area
 * (image_core.c), keyring terms (keyring.c), the entry index
 * (image_index.c), pending operations and journal (journal.c); the audit
 * log (audit.c) works on the small interface image_core.c lends it.
 * Which seal made the unseal key is not known here (symbolon/seal.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "symbolon/bundle.h"
#include "symbolon/random.h"
#include "symbolon/secmem.h"

#include "image_index.h"
#include "image_internal.h"
#include "image_slot.h"
#include "journal_internal.h"
#include "keyring.h"

/* ---------------------------------------------------------------- */
/* Open, close, info */

static void
image_free(struct sym_image *img)
{
	if (img == NULL)
		return;
	if (img->fd >= 0)
		close(img->fd);
	free(img->keyring_blob.ciphertext);
	free(img->identity_blob.ciphertext);
	free(img->index_blob.ciphertext);
	sym_image_seal_free(&img->seal_part);
	free(img->pending);
	free(img->core_bytes);
	if (img->create_tmp != NULL)
		(void)unlink(img->create_tmp);
	free(img->create_tmp);
	free(img->create_path);
	sym_secmem_free(img->root_key);
	sym_secmem_free(img->identity_secret);
	sym_secmem_free(img->terms);
	if (img->entries != NULL)
		sodium_memzero(img->entries,
		    SYM_IMAGE_MAX_ENTRIES * sizeof img->entries[0]);
	free(img->entries);
	sodium_memzero(img, sizeof *img);
	free(img);
}

void
sym_image_close(struct sym_image *img)
{
	image_free(img);
}

static struct sym_image *
image_alloc(void)
{
	struct sym_image *img = calloc(1, sizeof *img);

	if (img == NULL)
		return NULL;
	img->fd = -1;
	img->entries = calloc(SYM_IMAGE_MAX_ENTRIES, sizeof img->entries[0]);
	img->terms = sym_secmem_alloc(SYM_IMAGE_MAX_TERMS *
	    sizeof img->terms[0]);
	if (img->entries == NULL || img->terms == NULL) {
		image_free(img);
		return NULL;
	}
	return img;
}

/* A slot is usable only if its core verifies too; the higher commit (then
 * seqid) wins, slot 0 on a tie.  *best is -1 when neither is usable. */
static int
pick_slot(struct sym_image *img, struct sym_image_slot slots[2], int *best_out)
{
	struct sym_image_info other;
	int rc, best = -1;

	for (int i = 0; i < 2; i++) {
		struct sym_image probe;

		if (!slots[i].valid)
			continue;
		memset(&probe, 0, sizeof probe);
		rc = sym_image_core_parse(&probe, slots[i].core,
		    slots[i].core_len);
		/* Only the sealed blobs are on the heap: info stays usable. */
		sym_image_core_probe_free(&probe);
		if (rc == SYM_ENOMEM)
			return rc;
		if (rc != SYM_OK) {
			slots[i].valid = 0;
			continue;
		}
		if (best >= 0 && (memcmp(other.image_id, probe.info.image_id,
		    SYM_IMAGE_ID_BYTES) != 0 || memcmp(other.identity,
		    probe.info.identity, SYM_SIGN_PUBLICKEY_BYTES) != 0)) {
			/* Two authentic headers of different images: one
			 * was spliced in.  Trust neither. */
			return SYM_EBADHEADER;
		}
		/* The envelope's seqid is not signed; the core's commit
		 * counter is.  An envelope claiming less than its core is
		 * inconsistent; an old core cannot win by a bumped seqid. */
		if (slots[i].seqid < probe.core_commit) {
			slots[i].valid = 0;
			continue;
		}
		slots[i].commit = probe.core_commit;
		other = probe.info;
		img->info.slot_valid[i] = 1;
		if (best < 0 || slots[i].commit > slots[best].commit ||
		    (slots[i].commit == slots[best].commit &&
		    slots[i].seqid > slots[best].seqid))
			best = i;
	}
	*best_out = best;
	return SYM_OK;
}

static int
load_headers(struct sym_image *img)
{
	struct sym_image_slot slots[2];
	uint8_t *buf;
	struct stat st;
	int rc, best = -1;

	memset(slots, 0, sizeof slots);
	if (fstat(img->fd, &st) != 0)
		return sym_error_from_errno(errno);
	if (S_ISDIR(st.st_mode))
		return SYM_EISDIR;
	img->info.file_size = (uint64_t)st.st_size;
	buf = malloc(SYM_IMAGE_DATA_START);
	if (buf == NULL)
		return SYM_ENOMEM;
	memset(buf, 0, SYM_IMAGE_DATA_START);
	rc = sym_io_pread_all(img->fd, buf,
	    (size_t)(st.st_size < SYM_IMAGE_DATA_START ? st.st_size :
	    SYM_IMAGE_DATA_START), 0);
	if (rc != SYM_OK)
		goto out;
	if (!sym_image_slot_has_magic(buf) &&
	    !sym_image_slot_has_magic(buf + SYM_IMAGE_SLOT_BYTES)) {
		rc = SYM_ENOTIMAGE;
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		rc = sym_image_slot_parse(&slots[i],
		    buf + (size_t)i * SYM_IMAGE_SLOT_BYTES);
		if (rc != SYM_OK)
			goto out;
	}
	if ((rc = pick_slot(img, slots, &best)) != SYM_OK)
		goto out;
	if (best < 0) {
		rc = SYM_EBADHEADER;
		goto out;
	}
	rc = sym_image_core_parse(img, slots[best].core, slots[best].core_len);
	if (rc != SYM_OK)
		goto out;
	img->info.format_version = slots[best].version;
	/* A version-1 header cannot carry an auto seal. */
	if (slots[best].version < SYM_IMAGE_FORMAT_VERSION &&
	    img->info.device_count != 0) {
		rc = SYM_ECORRUPT;
		goto out;
	}
	img->info.seqid = slots[best].seqid;
	img->info.slot_current = best;
	img->pending = slots[best].pending;
	img->pending_len = slots[best].pending_len;
	slots[best].pending = NULL;
	/* The MAC can only be checked once unsealed: keep it with the core. */
	memcpy(img->stored_mac, slots[best].mac, 32);
	img->core_bytes = slots[best].core;
	img->core_len = slots[best].core_len;
	slots[best].core = NULL;
	img->data_end = img->info.data_end;
	if (img->info.file_size < img->info.data_end)
		rc = SYM_ETRUNCATED;
out:
	sym_image_slot_free(&slots[0]);
	sym_image_slot_free(&slots[1]);
	free(buf);
	return rc;
}

int
sym_image_open(struct sym_image **out, const char *path,
    enum sym_image_mode mode)
{
	struct sym_image *img;
	int rc;

	*out = NULL;
	img = image_alloc();
	if (img == NULL)
		return SYM_ENOMEM;
	img->mode = mode;
	img->fd = open(path, (mode == SYM_IMAGE_WRITE ? O_RDWR : O_RDONLY) |
	    O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (img->fd < 0) {
		rc = sym_error_from_errno(errno);
		image_free(img);
		return rc;
	}
	/* One writer at a time; readers see a consistent header. */
	if (flock(img->fd, mode == SYM_IMAGE_WRITE ? LOCK_EX : LOCK_SH) != 0) {
		rc = sym_error_from_errno(errno);
		image_free(img);
		return rc;
	}
	rc = load_headers(img);
	if (rc != SYM_OK) {
		image_free(img);
		return rc;
	}
	*out = img;
	return SYM_OK;
}

const struct sym_image_info *
sym_image_info(const struct sym_image *img)
{
	return &img->info;
}

int
sym_image_is_unsealed(const struct sym_image *img)
{
	return img->unsealed;
}

const uint8_t *
sym_image_identity_secret(const struct sym_image *img)
{
	return img->unsealed ? img->identity_secret : NULL;
}

int
sym_image_check_share(const struct sym_image *img, const struct sym_share *share)
{
	return sym_image_check_share_of(img, share, SYM_IMAGE_UNSEAL_SHARE);
}

/* ---------------------------------------------------------------- */
/* Unseal */

static int
unseal_with_root(struct sym_image *img)
{
	uint8_t mac[SYM_IMAGE_MAC_BYTES], public_key[SYM_SIGN_PUBLICKEY_BYTES];
	uint8_t *plain = NULL;
	size_t len;
	int rc;

	sym_image_core_mac(mac, img->root_key, img->info.image_id, img->core_bytes,
	    img->core_len);
	if (sodium_memcmp(mac, img->stored_mac, sizeof mac) != 0)
		return SYM_ECORRUPT;
	rc = sym_image_blob_open(&plain, &len, &img->identity_blob, img->root_key,
	    img->info.image_id, sym_image_label_identity);
	if (rc != SYM_OK)
		return rc;
	if (len != 32) {
		sym_secmem_free(plain);
		return SYM_ECORRUPT;
	}
	img->identity_secret = sym_secmem_alloc(SYM_SIGN_SECRETKEY_BYTES);
	if (img->identity_secret == NULL ||
	    crypto_sign_seed_keypair(public_key, img->identity_secret,
	    plain) != 0) {
		sym_secmem_free(plain);
		return SYM_ENOMEM;
	}
	sym_secmem_free(plain);
	if (memcmp(public_key, img->info.identity, sizeof public_key) != 0)
		return SYM_ECORRUPT;
	rc = sym_image_blob_open(&plain, &len, &img->keyring_blob, img->root_key,
	    img->info.image_id, sym_image_label_keyring);
	if (rc == SYM_OK)
		rc = sym_keyring_decode(img, plain, len);
	sym_secmem_free(plain);
	if (rc != SYM_OK)
		return rc;
	if (img->term_count != img->info.terms ||
	    sym_image_term_key(img, img->info.active_term) == NULL)
		return SYM_ECORRUPT;
	rc = sym_image_blob_open(&plain, &len, &img->index_blob, img->root_key,
	    img->info.image_id, sym_image_label_index);
	if (rc == SYM_OK)
		rc = sym_image_index_decode(img, plain, len);
	sym_secmem_free(plain);
	if (rc != SYM_OK)
		return rc;
	if (img->entry_count != img->info.entries)
		return SYM_ECORRUPT;
	if ((rc = sym_image_seal_open(&img->seal_part, &img->info,
	    img->root_key)) != SYM_OK)
		return rc;
	img->unsealed = 1;
	return SYM_OK;
}

/* After a failed unseal: nothing decrypted is left. */
static void
forget_unsealed(struct sym_image *img)
{
	sym_secmem_free(img->root_key);
	img->root_key = NULL;
	sym_secmem_free(img->identity_secret);
	img->identity_secret = NULL;
	sym_image_seal_forget(&img->seal_part);
	sodium_memzero(img->terms, SYM_IMAGE_MAX_TERMS * sizeof img->terms[0]);
	img->term_count = 0;
	img->entry_count = 0;
}

/* Unseals through the wrapping of role (1 active, 2 pending verification)
 * and generation that key opens; on failure nothing decrypted is left. */
static int
unseal_through(struct sym_image *img, const uint8_t *key, unsigned role,
    uint64_t generation)
{
	int rc = SYM_EUNSEAL;

	img->root_key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES);
	if (img->root_key == NULL)
		return SYM_ENOMEM;
	for (unsigned i = 0; i < img->wrapping_count && rc != SYM_OK; i++) {
		const struct sym_image_wrapping *w = &img->wrappings[i];

		if (w->role == role && w->generation == generation)
			rc = sym_image_unwrap_root(img->root_key, w, key,
			    img->info.image_id);
	}
	if (rc == SYM_OK)
		rc = unseal_with_root(img);
	if (rc != SYM_OK)
		forget_unsealed(img);
	return rc;
}

int
sym_image_unseal_root(struct sym_image *img,
    const uint8_t root_key[static SYM_IMAGE_KEY_BYTES])
{
	int rc;

	if (img->unsealed)
		return SYM_OK;
	img->root_key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES);
	if (img->root_key == NULL)
		return SYM_ENOMEM;
	memcpy(img->root_key, root_key, SYM_IMAGE_KEY_BYTES);
	rc = unseal_with_root(img);
	if (rc != SYM_OK)
		forget_unsealed(img);
	return rc;
}

const uint8_t *
sym_image_root_key(const struct sym_image *img)
{
	return img->unsealed ? img->root_key : NULL;
}

int
sym_image_unseal_key(struct sym_image *img,
    const uint8_t unseal_key[static SYM_IMAGE_KEY_BYTES])
{
	if (img->unsealed)
		return SYM_OK;
	/* The old shares stay valid while new ones await verification:
	 * only the active wrapping opens the image. */
	return unseal_through(img, unseal_key, 1, img->info.seal.generation);
}

/* ---------------------------------------------------------------- */
/* Commit */

/* Seals the keyring, identity and index under R with fresh nonces, and
 * signs the new core into *core (secure memory). */
static int
sign_core(struct sym_image *img, uint8_t **core, size_t *core_len)
{
	uint8_t *payload = NULL, *plain = NULL;
	size_t payload_len, plain_len;
	int rc;

	rc = sym_keyring_encode(&plain, &plain_len, img);
	if (rc == SYM_OK)
		rc = sym_image_blob_seal(&img->keyring_blob, img->root_key,
		    img->info.image_id, sym_image_label_keyring, plain,
		    plain_len);
	sym_secmem_free(plain);
	plain = NULL;
	if (rc == SYM_OK)
		rc = sym_image_blob_seal(&img->identity_blob, img->root_key,
		    img->info.image_id, sym_image_label_identity,
		    img->identity_secret, 32);
	if (rc == SYM_OK)
		rc = sym_image_index_encode(&plain, &plain_len, img);
	if (rc == SYM_OK)
		rc = sym_image_blob_seal(&img->index_blob, img->root_key,
		    img->info.image_id, sym_image_label_index, plain,
		    plain_len);
	sym_secmem_free(plain);
	if (rc == SYM_OK)
		rc = sym_image_seal_reseal(&img->seal_part, &img->info,
		    img->root_key);
	if (rc == SYM_OK)
		rc = sym_image_core_encode(&payload, &payload_len, img);
	if (rc == SYM_OK)
		rc = sym_bundle_sign(core, core_len, payload, payload_len,
		    img->identity_secret);
	free(payload);
	return rc;
}

/* *durable is set once the new state is on disk (first slot written). */
static int
write_headers(struct sym_image *img, int *durable)
{
	uint8_t *core = NULL;
	struct sym_image_slot slot;
	uint64_t seqid = img->info.seqid + 1;
	int rc, first = 1 - img->info.slot_current;
	struct sym_image_info before = img->info;

	*durable = 0;
	memset(&slot, 0, sizeof slot);
	img->info.data_end = img->data_end;
	img->info.entries = img->entry_count;
	img->info.terms = img->term_count;
	img->info.audit_count = img->audit.count;
	img->info.reencrypt_pending = img->reencrypt_term != 0;
	img->core_commit = seqid;
	rc = sign_core(img, &core, &slot.core_len);
	if (rc != SYM_OK)
		goto out;
	slot.core = core;
	slot.seqid = seqid;
	/* The lowest version that can say it: Shamir images stay readable
	 * by the programs that came before auto seals. */
	img->info.format_version = img->info.device_count ?
	    SYM_IMAGE_FORMAT_VERSION : SYM_IMAGE_FORMAT_SHAMIR;
	slot.version = img->info.format_version;
	slot.pending = img->pending;
	slot.pending_len = img->pending_len;
	sym_image_core_mac(slot.mac, img->root_key, img->info.image_id, core,
	    slot.core_len);
	/* The other slot first: until it is complete the current one holds
	 * the old state.  Then the current one, so that both hold the new
	 * state and either alone survives damage to the other. */
	rc = sym_image_slot_write(img->fd, first, &slot, 0);
	if (rc != SYM_OK)
		goto out;
	/* Once written, the slot may reach the disk even if fsync fails, so
	 * the data it names must not be dropped: report the error, but as
	 * durable. */
	*durable = 1;
	img->info.seqid = seqid;
	img->info.slot_current = first;
	img->info.slot_valid[first] = 1;
	rc = sym_io_fsync(img->fd);
	if (rc != SYM_OK)
		goto out;
	img->info.slot_valid[1 - first] =
	    sym_image_slot_write(img->fd, 1 - first, &slot, 1) == SYM_OK;
	free(img->core_bytes);
	img->core_bytes = malloc(slot.core_len);
	if (img->core_bytes != NULL)
		memcpy(img->core_bytes, core, slot.core_len);
	img->core_len = img->core_bytes ? slot.core_len : 0;
	memcpy(img->stored_mac, slot.mac, sizeof slot.mac);
	/* The new state is durable once the first slot is written. */
	rc = SYM_OK;
out:
	if (!*durable)
		img->info = before;
	sym_secmem_free(core);
	return rc;
}

/* The journal becomes signed records, then the record of this commit. */
static int
append_records(struct sym_image *img, const char *operation,
    const char *detail, uint64_t now)
{
	struct sym_audit_log log;
	int nonce_pending, rc;

	rc = sym_journal_drain(img, now, &nonce_pending);
	/* A verification cancelled while sealed leaves a pending wrapping
	 * that nothing can promote any more: drop it now. */
	if (rc == SYM_OK && img->info.verification_pending && !nonce_pending)
		rc = sym_image_rekey_discard(img);
	/* So do new recovery shares (rekey --target recovery --verify). */
	if (rc == SYM_OK && img->info.recovery_pending && !nonce_pending)
		rc = sym_image_recovery_discard(img);
	if (rc != SYM_OK)
		return rc;
	sym_image_audit_log(img, &log);
	return sym_audit_append(&log, operation, detail ? detail : "", now);
}

int
sym_image_commit(struct sym_image *img, const char *operation,
    const char *detail, uint64_t now)
{
	uint64_t committed_end = img->info.data_end;
	int rc, durable = 0;

	if (img->mode != SYM_IMAGE_WRITE)
		return SYM_EUSAGE;
	if (!img->unsealed)
		return SYM_ESEALED;
	rc = append_records(img, operation, detail, now);
	if (rc == SYM_OK && img->dirty_data)
		rc = sym_io_fsync(img->fd);
	if (rc == SYM_OK) {
		img->dirty_data = 0;
		rc = write_headers(img, &durable);
	}
	if (rc != SYM_OK && !durable) {
		/* The header still names the old end: drop what was appended,
		 * so a failed update leaves the file as it was.  If even this
		 * fails the extra bytes are harmless: nothing points at them. */
		if (sym_io_ftruncate(img->fd, committed_end) != SYM_OK) {
			/* still consistent: see above */
		}
		img->data_end = committed_end;
	}
	return rc;
}

int
sym_image_rotate(struct sym_image *img, uint64_t now)
{
	char detail[64];
	int rc = sym_keyring_add(img, now);

	if (rc != SYM_OK)
		return rc;
	snprintf(detail, sizeof detail, "term %u installed",
	    img->info.active_term);
	return sym_image_commit(img, SYM_AUDIT_ROTATE, detail, now);
}

/* ---------------------------------------------------------------- */
/* Create */

int
sym_image_create(struct sym_image **out, const char *path, uint64_t now)
{
	struct sym_image *img = NULL;
	uint8_t *seed = NULL;
	int rc;

	*out = NULL;
	if ((rc = sym_io_check_absent(path)) != SYM_OK)
		return rc;
	img = image_alloc();
	seed = sym_secmem_alloc(32);
	if (img == NULL || seed == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	img->mode = SYM_IMAGE_WRITE;
	img->root_key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES);
	img->identity_secret = sym_secmem_alloc(SYM_SIGN_SECRETKEY_BYTES);
	img->create_path = strdup(path);
	if (img->root_key == NULL || img->identity_secret == NULL ||
	    img->create_path == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	if ((rc = sym_random_bytes(img->info.image_id, SYM_IMAGE_ID_BYTES,
	    SYM_RANDOM_PUBLIC)) != SYM_OK ||
	    (rc = sym_random_bytes(seed, 32, SYM_RANDOM_SECRET)) != SYM_OK ||
	    (rc = sym_random_bytes(img->root_key, SYM_IMAGE_KEY_BYTES,
	    SYM_RANDOM_SECRET)) != SYM_OK ||
	    (rc = sym_random_bytes(img->terms[0].key, SYM_IMAGE_KEY_BYTES,
	    SYM_RANDOM_SECRET)) != SYM_OK)
		goto out;
	if (crypto_sign_seed_keypair(img->info.identity, img->identity_secret,
	    seed) != 0) {
		rc = SYM_EINTERNAL;
		goto out;
	}
	img->info.format_version = SYM_IMAGE_FORMAT_VERSION;
	img->info.created = now;
	img->terms[0].term = 1;
	img->terms[0].installed = now;
	img->term_count = 1;
	img->info.terms = 1;
	img->info.active_term = 1;
	img->info.slot_current = 1;	/* so the first commit writes slot 0 */
	img->unsealed = 1;		/* it holds its keys: seals use them */
	*out = img;
	img = NULL;
	rc = SYM_OK;
out:
	sym_secmem_free(seed);
	image_free(img);
	return rc;
}

int
sym_image_create_seal(struct sym_image *img,
    const uint8_t unseal_key[static SYM_IMAGE_KEY_BYTES],
    const struct sym_image_seal *seal, const char *detail, uint64_t now)
{
	char tmp[PATH_MAX];
	int rc;

	if (img->create_path == NULL || img->create_tmp != NULL)
		return SYM_EUSAGE;
	img->info.seal = *seal;
	img->wrappings[0].role = 1;
	img->wrappings[0].generation = seal->generation;
	img->wrapping_count = 1;
	if ((rc = sym_image_wrap_root(&img->wrappings[0], unseal_key,
	    img->root_key, img->info.image_id)) != SYM_OK)
		return rc;
	if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", img->create_path) >=
	    (int)sizeof tmp)
		return SYM_ETOOBIG;
	img->fd = mkostemp(tmp, O_CLOEXEC);
	if (img->fd < 0)
		return sym_error_from_errno(errno);
	img->create_tmp = strdup(tmp);
	if (img->create_tmp == NULL) {
		(void)unlink(tmp);
		return SYM_ENOMEM;
	}
	if ((rc = sym_io_ftruncate(img->fd, SYM_IMAGE_DATA_START)) != SYM_OK)
		return rc;
	img->data_end = SYM_IMAGE_DATA_START;
	img->info.data_end = SYM_IMAGE_DATA_START;
	rc = sym_image_commit(img, SYM_AUDIT_INIT, detail, now);
	/* A commit survives losing the second header copy; a new image
	 * has no older state to fall back on and starts with both. */
	if (rc == SYM_OK && !(img->info.slot_valid[0] && img->info.slot_valid[1]))
		rc = SYM_EIO;
	return rc;
}

int
sym_image_create_link(struct sym_image *img)
{
	char dir_buf[PATH_MAX];
	int dirfd, rc;

	if (img->create_tmp == NULL)
		return SYM_EUSAGE;
	rc = sym_io_link(img->create_tmp, img->create_path);
	if (rc != SYM_OK)
		return rc;
	(void)unlink(img->create_tmp);
	free(img->create_tmp);
	img->create_tmp = NULL;
	snprintf(dir_buf, sizeof dir_buf, "%s", img->create_path);
	dirfd = open(dirname(dir_buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd >= 0) {
		(void)fsync(dirfd);
		close(dirfd);
	}
	return SYM_OK;
}

/* ---------------------------------------------------------------- */
/* Rekey: the wrappings of the root key */

/* Replaces the root key; everything under it is re-sealed at commit. */
static int
new_root_key(struct sym_image *img)
{
	return sym_random_bytes(img->root_key, SYM_IMAGE_KEY_BYTES,
	    SYM_RANDOM_SECRET);
}

int
sym_image_rekey_install(struct sym_image *img,
    const uint8_t new_key[static SYM_IMAGE_KEY_BYTES],
    const struct sym_image_seal *new_seal, int verify)
{
	struct sym_image_wrapping w;
	unsigned kept = 0;
	int rc;

	if (!img->unsealed || img->mode != SYM_IMAGE_WRITE)
		return SYM_ESEALED;
	memset(&w, 0, sizeof w);
	w.role = verify ? 2 : 1;
	w.generation = new_seal->generation;
	/* As Vault does, a completed rekey also replaces the root key, so
	 * that an old wrapping kept anywhere (a backup of the image) opens
	 * nothing that is still in use.  While verification is pending the
	 * old shares must keep working: the root key changes at promote. */
	if (!verify && (rc = new_root_key(img)) != SYM_OK)
		return rc;
	if ((rc = sym_image_wrap_root(&w, new_key, img->root_key,
	    img->info.image_id)) != SYM_OK)
		return rc;
	/* Keep the active wrapping only while verification is pending. */
	for (unsigned i = 0; i < img->wrapping_count; i++)
		if (verify && img->wrappings[i].role == 1)
			img->wrappings[kept++] = img->wrappings[i];
	img->wrappings[kept++] = w;
	img->wrapping_count = kept;
	if (verify) {
		img->info.pending_seal = *new_seal;
		img->info.verification_pending = 1;
	} else {
		img->info.seal = *new_seal;
		img->info.verification_pending = 0;
		memset(&img->info.pending_seal, 0, sizeof img->info.pending_seal);
	}
	return SYM_OK;
}

int
sym_image_unseal_pending(struct sym_image *img,
    const uint8_t new_key[static SYM_IMAGE_KEY_BYTES])
{
	if (!img->info.verification_pending || img->unsealed)
		return SYM_EUSAGE;
	return unseal_through(img, new_key, 2,
	    img->info.pending_seal.generation);
}

int
sym_image_rekey_promote(struct sym_image *img,
    const uint8_t new_key[static SYM_IMAGE_KEY_BYTES])
{
	unsigned kept = 0;
	int rc;

	if (!img->unsealed || !img->info.verification_pending)
		return SYM_EUSAGE;
	/* The old wrapping is destroyed in the same header write that makes
	 * the new one active, and the root key is replaced (see install). */
	for (unsigned i = 0; i < img->wrapping_count; i++)
		if (img->wrappings[i].role == 2) {
			img->wrappings[kept] = img->wrappings[i];
			img->wrappings[kept++].role = 1;
		}
	if (kept != 1)
		return SYM_ECORRUPT;
	if ((rc = new_root_key(img)) != SYM_OK ||
	    (rc = sym_image_wrap_root(&img->wrappings[0], new_key, img->root_key,
	    img->info.image_id)) != SYM_OK)
		return rc;
	sodium_memzero(&img->wrappings[1],
	    sizeof img->wrappings - sizeof img->wrappings[0]);
	img->wrapping_count = 1;
	img->info.seal = img->info.pending_seal;
	img->info.verification_pending = 0;
	memset(&img->info.pending_seal, 0, sizeof img->info.pending_seal);
	return SYM_OK;
}

int
sym_image_rekey_discard(struct sym_image *img)
{
	unsigned kept = 0;

	if (!img->unsealed)
		return SYM_ESEALED;
	for (unsigned i = 0; i < img->wrapping_count; i++)
		if (img->wrappings[i].role == 1)
			img->wrappings[kept++] = img->wrappings[i];
	img->wrapping_count = kept;
	img->info.verification_pending = 0;
	memset(&img->info.pending_seal, 0, sizeof img->info.pending_seal);
	return SYM_OK;
}

int
sym_image_check_pending_share(const struct sym_image *img,
    const struct sym_share *share)
{
	return sym_image_check_share_of(img, share,
	    SYM_IMAGE_PENDING_UNSEAL_SHARE);
}
