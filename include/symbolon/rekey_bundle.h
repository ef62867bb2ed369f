/*
 * The codecs of a rekey (bundle layer; rekey.h drives them against an
 * image): the pending rekey bundle, the --backup record of OpenPGP-sealed
 * new shares, Vault's UUID nonces, and the progress file.
 *
 * The pending rekey is a signed bundle (type rekey) kept in the image
 * header's envelope, so that starting, cancelling and showing a rekey
 * need no shares:
 *    4 image id (bstr 16)    5 nonce (bstr 16)     6 started (uint)
 *    7 generation it replaces (uint)    8 new share count (uint)
 *    9 new threshold (uint)  10 verification required (bool)
 *   11 holders: array of n maps { ? 1: name (tstr), ? 2: identity bundle,
 *      ? 3: OpenPGP public key (bstr, as given), ? 4: OpenPGP fingerprint
 *      (tstr, 40 hex: a key in the keyring of whoever completes) }
 *   12 output directory for the new shares (tstr)
 *   13 backup (bool, optional): keep the OpenPGP-sealed new shares in the
 *      image header until `rekey --backup-delete` (Vault's -backup)
 *   14 target (uint, optional; added with auto seals): 1, the recovery
 *      key (`--target recovery`); absent, the barrier (unseal) key, as
 *      every bundle written before it reads.  A barrier rekey of an
 *      auto-sealed image deals no shares: 8 and 9 are 0, 11 is empty,
 *      12 is "".
 * signed by the operator who started it (--signer) or a one-time key.
 *
 * Shares entered in earlier invocations are kept only in a progress file
 * on a RAM-backed file system (tmpfs: $XDG_RUNTIME_DIR, else /dev/shm),
 * mode 0600, bound to the image and nonce, wiped on completion, cancel,
 * failure, and expiry.  Everything here is public except the raw shares
 * a progress holds (secure memory).
 */
#ifndef SYMBOLON_REKEY_BUNDLE_H
#define SYMBOLON_REKEY_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/deal.h"
#include "symbolon/error.h"
#include "symbolon/identity.h"
#include "symbolon/pgp.h"
#include "symbolon/quorum.h"
#include "symbolon/share.h"

#define SYM_REKEY_DEFAULT_TTL 3600u
#define SYM_REKEY_NONCE_BYTES 16u	/* = SYM_IMAGE_NONCE_BYTES */
#define SYM_UUID_TEXT_BYTES 37u

/* What a rekey replaces (Vault's -target): the unseal key (barrier), or
 * an auto-sealed image's recovery key. */
enum sym_rekey_target {
	SYM_REKEY_BARRIER = 0,
	SYM_REKEY_RECOVERY = 1,
};

struct sym_rekey {
	enum sym_rekey_target target;
	uint8_t signer[SYM_SIGN_PUBLICKEY_BYTES];
	uint8_t image_id[SYM_SET_ID_BYTES];
	uint8_t nonce[SYM_REKEY_NONCE_BYTES];
	uint64_t started;
	uint64_t generation;		/* of the target's key */
	unsigned shares, threshold;	/* 0, 0: the seal wraps the new key */
	int verify;
	char holder_names[SYM_SHAMIR_MAX_SHARES][SYM_IDENTITY_NAME_MAX + 1];
	int has_identity[SYM_SHAMIR_MAX_SHARES];
	struct sym_identity identities[SYM_SHAMIR_MAX_SHARES];
	/* OpenPGP holders: the key as given (pointing into the parsed
	 * bundle's bytes, valid while they are), or a fingerprint. */
	const uint8_t *pgp_key[SYM_SHAMIR_MAX_SHARES];
	size_t pgp_key_len[SYM_SHAMIR_MAX_SHARES];
	char pgp_fpr[SYM_SHAMIR_MAX_SHARES][SYM_PGP_FPR_CHARS + 1];
	int backup;
	char out_dir[1024];
	/* Not recorded: set by the invocation that completes the rekey
	 * (--armor), to write the new bundles in text form (.txt). */
	int armor;
};

/* The OpenPGP-sealed new shares kept by --backup, in the header envelope:
 *   { 1: rekey nonce (bstr 16),
 *     2: [* [share index, fingerprint (bstr 20), message (bstr)]] }
 * Built from a completed deal, and read back for --backup-retrieve. */
int sym_rekey_backup_encode(uint8_t **out, size_t *len,
    const uint8_t nonce[static SYM_REKEY_NONCE_BYTES],
    const struct sym_deal_output *deal) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 4);
typedef int (*sym_rekey_backup_visit)(void *ctx, unsigned index,
    const uint8_t fingerprint[20], const uint8_t *message, size_t len);
int sym_rekey_backup_parse(const uint8_t *backup, size_t len,
    uint8_t nonce[static SYM_REKEY_NONCE_BYTES], sym_rekey_backup_visit visit,
    void *ctx) SYM_WARN_UNUSED SYM_NONNULL(1, 3);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", as Vault prints nonces. */
void sym_uuid_text(char out[static SYM_UUID_TEXT_BYTES],
    const uint8_t nonce[static SYM_REKEY_NONCE_BYTES]);
int sym_uuid_parse(uint8_t nonce[static SYM_REKEY_NONCE_BYTES],
    const char *text) SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* Builds and signs a rekey bundle from r (nonce drawn here); identity
 * bundles for holders are passed as bytes in identity_bundles[i] (NULL
 * when holder i has none). */
int sym_rekey_encode(uint8_t **bundle, size_t *len, struct sym_rekey *r,
    const uint8_t *const identity_bundles[], const size_t identity_lens[],
    const uint8_t *signer_secret) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

int sym_rekey_parse(struct sym_rekey *r, const uint8_t *bundle, size_t len)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

/* The directory for progress files: SYM_ENOTMPFS when neither candidate
 * is on tmpfs or ramfs. */
int sym_rekey_progress_dir(char *out, size_t cap) SYM_WARN_UNUSED SYM_NONNULL(1);

/* Progress: the share bundles accepted so far, each with its decrypted
 * raw share.  Loading one that is older than ttl seconds wipes it. */
struct sym_rekey_progress;

int sym_rekey_progress_load(struct sym_rekey_progress **out,
    const uint8_t image_id[static SYM_SET_ID_BYTES],
    const uint8_t nonce[static SYM_REKEY_NONCE_BYTES], uint64_t now,
    uint64_t ttl, int *expired) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);
/* Adds every saved share to q (after checking it still verifies). */
int sym_rekey_progress_replay(const struct sym_rekey_progress *p,
    struct sym_quorum *q) SYM_WARN_UNUSED SYM_NONNULL(1, 2);
size_t sym_rekey_progress_count(const struct sym_rekey_progress *p)
    SYM_NONNULL(1);
/* Records a share (its bundle and its raw share) in the progress. */
int sym_rekey_progress_add(struct sym_rekey_progress *p,
    const uint8_t *bundle, size_t bundle_len, const uint8_t *raw,
    size_t raw_len) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 4);
int sym_rekey_progress_save(const struct sym_rekey_progress *p)
    SYM_WARN_UNUSED SYM_NONNULL(1);
/* Overwrites and removes the file; frees p. */
void sym_rekey_progress_wipe(struct sym_rekey_progress *p);
void sym_rekey_progress_free(struct sym_rekey_progress *p);

#endif
