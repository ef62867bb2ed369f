/*
 * The rekey ceremony (rekey.h): Vault's rekey state machine on an image,
 * through image.h's public functions only.  Here: status, start, cancel,
 * backup, and what they share with the submission (rekey_submit.c: the
 * shares toward completion, and verification).  The codecs are
 * rekey_bundle.c.
 *
 * States, as the header's pending operations hold them:
 *    none --start--> rekey pending --submit (threshold)--> done
 *                         |              \--(verify)--> issued
 *                         |                   --verify (threshold)--> done
 *    cancel: back to none from either; cancel -verify: issued, fresh nonce.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "symbolon/audit.h"
#include "symbolon/codec.h"
#include "symbolon/bundle.h"
#include "symbolon/fingerprint.h"
#include "symbolon/io.h"
#include "symbolon/random.h"
#include "symbolon/rekey.h"
#include "symbolon/secmem.h"
#include "symbolon/seal.h"

#include "rekey_internal.h"

_Static_assert(SYM_REKEY_NONCE_BYTES == SYM_IMAGE_NONCE_BYTES,
    "a rekey nonce is an image nonce");
_Static_assert(SYM_SET_ID_BYTES == SYM_IMAGE_ID_BYTES,
    "a rekey names its image by the share set id");

int
sym_rekey_exit_status(int rc, enum sym_rekey_refusal r)
{
	if (rc != SYM_OK || r == SYM_REKEY_ACCEPTED)
		return sym_exit_status(rc);
	return r == SYM_REKEY_NO_NONCE || r == SYM_REKEY_DEALT_DIR ||
	    r == SYM_REKEY_NO_SHARES || r == SYM_REKEY_NOT_AUTO ? 2 : 1;
}

int
sym_rekey_refuse(struct sym_rekey_said *out, enum sym_rekey_refusal r,
    const char *fmt, ...)
{
	va_list ap;

	out->refusal = r;
	va_start(ap, fmt);
	vsnprintf(out->why, SYM_REKEY_WHY_MAX, fmt, ap);
	va_end(ap);
	return SYM_OK;
}

/* ---------------------------------------------------------------- */
/* The text a program prints */

void
sym_rekey_text_free(struct sym_rekey_text *t)
{
	free(t->bytes);
	memset(t, 0, sizeof *t);
}

void
sym_rekey_say_bytes(struct sym_rekey_text *t, const void *bytes, size_t n)
{
	if (t->lost)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = 2 * (t->len + n + 1);
		char *grown = realloc(t->bytes, cap);

		if (grown == NULL) {
			t->lost = 1;
			return;
		}
		t->bytes = grown;
		t->cap = cap;
	}
	memcpy(t->bytes + t->len, bytes, n);
	t->len += n;
	t->bytes[t->len] = '\0';
}

void
sym_rekey_say(struct sym_rekey_text *t, const char *fmt, ...)
{
	va_list ap;
	char *more = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&more, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->lost = 1;
		return;
	}
	sym_rekey_say_bytes(t, more, (size_t)n);
	free(more);
}

/* The rows naming a signer: its fingerprint and its words. */
void
sym_rekey_say_signer(struct sym_rekey_text *t, const char *label,
    const uint8_t *pk)
{
	uint8_t fingerprint[SYM_FINGERPRINT_BYTES];
	char hex[SYM_FINGERPRINT_HEX_MAX], words[SYM_FINGERPRINT_WORDS_MAX];

	sym_fingerprint(fingerprint, pk);
	if (sym_fingerprint_hex(hex, sizeof hex, fingerprint) != SYM_OK ||
	    sym_fingerprint_words(words, sizeof words, fingerprint,
	    SYM_FINGERPRINT_WORD_BYTES) != SYM_OK)
		return;
	SYM_REKEY_ROW(t, label, "%s", hex);
	SYM_REKEY_ROW(t, "", "%s", words);
}

const char *
sym_rekey_uuid(char out[SYM_UUID_TEXT_BYTES], const uint8_t *nonce)
{
	sym_uuid_text(out, nonce);
	return out;
}

static const char *
yes(int b)
{
	return b ? "true" : "false";
}

/* ---------------------------------------------------------------- */
/* The image's rekey state */

/* A failure that concerns a file (or nothing in particular): why says
 * "FILE: reason".  Returns rc. */
int
sym_rekey_fail(char why[SYM_REKEY_WHY_MAX], const char *subject, int rc)
{
	if (subject != NULL)
		snprintf(why, SYM_REKEY_WHY_MAX, "%s: %s", subject,
		    sym_strerror(rc));
	else
		snprintf(why, SYM_REKEY_WHY_MAX, "%s", sym_strerror(rc));
	return rc;
}

/* Loads the pending operations and, if there is one, the rekey. */
int
sym_rekey_load(const struct sym_image *img, struct sym_image_pending *pending,
    struct sym_rekey *rekey, int *have)
{
	int rc = sym_image_pending_get(img, pending);

	*have = 0;
	if (rc != SYM_OK || pending->rekey == NULL)
		return rc;
	rc = sym_rekey_parse(rekey, pending->rekey, pending->rekey_len);
	if (rc == SYM_OK && memcmp(rekey->image_id,
	    sym_image_info(img)->image_id, SYM_IMAGE_ID_BYTES) != 0)
		rc = SYM_EWRONGIMAGE;
	/* No shares exactly for the barrier of an auto seal. */
	if (rc == SYM_OK && (rekey->shares == 0) != (sym_rekey_auto(img) &&
	    rekey->target == SYM_REKEY_BARRIER))
		rc = SYM_ESCHEMA;
	*have = rc == SYM_OK;
	if (rc != SYM_OK)
		sym_image_pending_clear(pending);
	return rc;
}

/* Where a verification stands: issued, and its nonce recorded.  An image
 * has pending unseal shares (Shamir) or pending recovery shares (auto),
 * never both. */
int
sym_rekey_verifying(const struct sym_image *img,
    const struct sym_image_pending *p)
{
	const struct sym_image_info *info = sym_image_info(img);

	return p->has_verification_nonce && (info->verification_pending ||
	    info->recovery_pending);
}

int
sym_rekey_auto(const struct sym_image *img)
{
	return sym_image_info(img)->seal.type == SYM_SEAL_AUTO;
}

const char *
sym_rekey_target_name(enum sym_rekey_target target)
{
	return target == SYM_REKEY_RECOVERY ? "recovery" : "barrier";
}

const struct sym_image_seal *
sym_rekey_quorum_seal(const struct sym_image *img, int pending)
{
	return sym_image_share_seal(sym_image_info(img),
	    sym_image_quorum_kind(img, pending));
}

uint64_t
sym_rekey_generation(const struct sym_image *img,
    enum sym_rekey_target target)
{
	const struct sym_image_info *info = sym_image_info(img);

	return target == SYM_REKEY_RECOVERY ? info->recovery.generation :
	    info->seal.generation;
}

int
sym_rekey_target_refused(struct sym_rekey_said *out,
    const struct sym_image *img, enum sym_rekey_target target, int have,
    const struct sym_rekey *r)
{
	if (target == SYM_REKEY_RECOVERY && !sym_rekey_auto(img)) {
		sym_rekey_refuse(out, SYM_REKEY_NOT_AUTO, "recovery rekeying "
		    "is for auto-sealed images; this image's seal is %s",
		    sym_seal_type_name(sym_image_info(img)->seal.type));
		return 1;
	}
	if (have && r->target != target) {
		sym_rekey_refuse(out, SYM_REKEY_OTHER_TARGET, "a %s rekey is "
		    "in progress, not a %s rekey: give --target %s",
		    sym_rekey_target_name(r->target),
		    sym_rekey_target_name(target),
		    sym_rekey_target_name(r->target));
		return 1;
	}
	return 0;
}

static size_t
progress_count(const struct sym_image *img, const uint8_t *nonce,
    uint64_t now, uint64_t ttl)
{
	struct sym_rekey_progress *p = NULL;
	size_t n = 0;

	if (sym_rekey_progress_load(&p, sym_image_info(img)->image_id, nonce,
	    now, ttl, NULL) == SYM_OK) {
		n = sym_rekey_progress_count(p);
		sym_rekey_progress_free(p);
	}
	return n;
}

/* Wipes the progress kept for nonce, if there is any to be found. */
static void
progress_forget(const struct sym_image *img, const uint8_t *nonce,
    uint64_t now, uint64_t ttl)
{
	struct sym_rekey_progress *p = NULL;

	if (sym_rekey_progress_load(&p, sym_image_info(img)->image_id, nonce,
	    now, ttl, NULL) == SYM_OK)
		sym_rekey_progress_wipe(p);
}

static struct sym_rekey *
rekey_alloc(void)
{
	return calloc(1, sizeof(struct sym_rekey));
}

/* ---------------------------------------------------------------- */
/* Status */

/* Vault's table, with the target named on an auto-sealed image (where
 * there are two); a Shamir image's stays Vault's exactly. */
static void
status_table(struct sym_rekey_status *s, unsigned flags, const char *n,
    const char *v, const char *at)
{
	struct sym_rekey_text *t = &s->said.text;

	SYM_REKEY_ROW(t, "Key", "%s", "Value");
	SYM_REKEY_ROW(t, "---", "%s", "-----");
	SYM_REKEY_ROW(t, "Nonce", "%s", s->started ? n : "n/a");
	SYM_REKEY_ROW(t, "Started", "%s", yes(s->started));
	if (s->auto_seal)
		SYM_REKEY_ROW(t, "Target", "%s",
		    sym_rekey_target_name(s->target));
	if (s->started) {
		SYM_REKEY_ROW(t, "Started At", "%s", at);
		SYM_REKEY_ROW(t, "Rekey Progress", "%zu/%u%s", s->progress,
		    s->required, s->verifying ? " (verification in progress)" :
		    "");
		if (s->shares == 0)
			SYM_REKEY_ROW(t, "New Shares", "%s", "none (the seal "
			    "wraps the new key)");
		else {
			SYM_REKEY_ROW(t, "New Shares", "%u", s->shares);
			SYM_REKEY_ROW(t, "New Threshold", "%u", s->threshold);
		}
		SYM_REKEY_ROW(t, "Verification Required", "%s", yes(s->verify));
		sym_rekey_say_signer(t, "Started By", s->signer);
	}
	if (s->verifying) {
		SYM_REKEY_ROW(t, "Verification Nonce", "%s", v);
		SYM_REKEY_ROW(t, "Verification Progress", "%zu/%u",
		    s->verification_progress, flags & SYM_REKEY_STATUS_ALL ?
		    s->new_shares : s->new_threshold);
	}
}

static void
status_text(struct sym_rekey_status *s, unsigned flags)
{
	struct sym_rekey_text *t = &s->said.text;
	char n[SYM_UUID_TEXT_BYTES] = "", v[SYM_UUID_TEXT_BYTES] = "";
	char at[SYM_TIME_TEXT_BYTES] = "";

	if (s->started)
		sym_rekey_uuid(n, s->nonce), sym_time_text(at, s->started_at);
	if (s->verifying)
		sym_rekey_uuid(v, s->verification_nonce);
	if (!(flags & SYM_REKEY_STATUS_JSON)) {
		status_table(s, flags, n, v, at);
		return;
	}
	sym_rekey_say(t, "{\n  \"nonce\": \"%s\",\n  \"started\": %s,\n", n,
	    yes(s->started));
	if (s->auto_seal)
		sym_rekey_say(t, "  \"target\": \"%s\",\n",
		    sym_rekey_target_name(s->target));
	sym_rekey_say(t, "  \"started_at\": \"%s\",\n  \"t\": %u,\n"
	    "  \"n\": %u,\n  \"progress\": %zu,\n  \"required\": %u,\n", at,
	    s->threshold, s->shares, s->progress, s->required);
	sym_rekey_say(t, "  \"verification_required\": %s,\n"
	    "  \"verification_nonce\": \"%s\",\n"
	    "  \"verification_progress\": %zu\n}\n",
	    yes(s->verify), v, s->verification_progress);
}

int
sym_rekey_status(struct sym_rekey_status *out, struct sym_image *img,
    enum sym_rekey_target target, uint64_t now, uint64_t ttl, unsigned flags)
{
	struct sym_image_pending pending;
	struct sym_rekey *rekey = rekey_alloc();
	int rc;

	memset(out, 0, sizeof *out);
	if (rekey == NULL)
		return SYM_ENOMEM;
	rc = sym_rekey_load(img, &pending, rekey, &out->started);
	if (rc != SYM_OK) {
		free(rekey);
		return rc;
	}
	out->target = target;
	out->auto_seal = sym_rekey_auto(img);
	out->required = sym_rekey_quorum_seal(img, 0)->threshold;
	if (sym_rekey_target_refused(&out->said, img, target, out->started,
	    rekey))
		goto out;
	if (out->started) {
		memcpy(out->nonce, rekey->nonce, sizeof out->nonce);
		memcpy(out->signer, rekey->signer, sizeof out->signer);
		out->started_at = rekey->started;
		out->shares = rekey->shares;
		out->threshold = rekey->threshold;
		out->verify = rekey->verify;
		out->progress = progress_count(img, rekey->nonce, now, ttl);
	}
	if (sym_rekey_verifying(img, &pending)) {
		const struct sym_image_seal *next =
		    sym_rekey_quorum_seal(img, 1);

		out->verifying = 1;
		memcpy(out->verification_nonce, pending.verification_nonce,
		    sizeof out->verification_nonce);
		out->verification_progress = progress_count(img,
		    pending.verification_nonce, now, ttl);
		out->new_threshold = next->threshold;
		out->new_shares = next->shares;
		out->progress = 0;
	}
	status_text(out, flags);
out:
	sym_image_pending_clear(&pending);
	free(rekey);
	return SYM_OK;
}

/* ---------------------------------------------------------------- */
/* Start */

/* Names the key refused, not only where it came from, as tools/cli.c's
 * cli_pgp_resolve does for the other programs. */
static int
pgp_refused(char why[SYM_REKEY_WHY_MAX], const char *spec,
    const struct sym_pgp_key *seen, int rc)
{
	char fpr[SYM_PGP_FPR_CHARS + 1];

	if (seen->fpr[0] == '\0')
		return sym_rekey_fail(why, spec, rc);
	if (sym_pgp_parse_fingerprint(fpr, spec) == SYM_OK)
		snprintf(why, SYM_REKEY_WHY_MAX, "%s (%s): %s", seen->fpr,
		    seen->uid, sym_strerror(rc));
	else
		snprintf(why, SYM_REKEY_WHY_MAX, "%s: key %s (%s): %s", spec,
		    seen->fpr, seen->uid, sym_strerror(rc));
	return rc;
}

/* The new holders: names, identities (their bundles kept as given, so
 * that the shares are encrypted to exactly those keys), OpenPGP keys. */
static int
start_holders(struct sym_rekey_start_result *out, struct sym_rekey *r,
    const struct sym_rekey_start_params *p, uint8_t *ids[], size_t id_lens[],
    uint8_t *pgp_keys[])
{
	int rc;

	for (int i = 0; i < p->name_count; i++)
		snprintf(r->holder_names[i], sizeof r->holder_names[i], "%s",
		    p->names[i]);
	for (int i = 0; i < p->to_count; i++) {
		rc = sym_bundle_read_file(&ids[i], &id_lens[i], p->to[i], NULL);
		if (rc == SYM_OK)
			rc = sym_identity_parse_public(&r->identities[i],
			    ids[i], id_lens[i]);
		if (rc != SYM_OK)
			return sym_rekey_fail(out->said.why, p->to[i], rc);
	}
	for (int i = 0; i < p->pgp_count; i++) {
		struct sym_pgp_recipient *key = NULL;
		char fpr[SYM_PGP_FPR_CHARS + 1];

		/* Checked now, so that a bad key stops the rekey before any
		 * holder is called; checked again when the shares are made. */
		rc = sym_pgp_recipient_resolve_key(&key, &out->pgp[i],
		    p->pgp[i]);
		if (rc != SYM_OK)
			return pgp_refused(out->said.why, p->pgp[i],
			    &out->pgp[i], rc);
		if (!r->holder_names[i][0])
			sym_identity_name_from_pgp(r->holder_names[i],
			    sizeof r->holder_names[i],
			    sym_pgp_recipient_key(key));
		out->pgp[i] = *sym_pgp_recipient_key(key);
		sym_pgp_recipient_free(key);
		if (sym_pgp_parse_fingerprint(fpr, p->pgp[i]) == SYM_OK) {
			memcpy(r->pgp_fpr[i], fpr, sizeof fpr);
			continue;
		}
		rc = sym_io_read_all(&pgp_keys[i], &r->pgp_key_len[i],
		    p->pgp[i], SYM_PGP_KEYFILE_MAX);
		if (rc != SYM_OK)
			return sym_rekey_fail(out->said.why, p->pgp[i], rc);
		r->pgp_key[i] = pgp_keys[i];
	}
	r->backup = p->backup;
	return SYM_OK;
}

/* Signs the rekey bundle and records it with its journal line. */
static int
start_record(struct sym_rekey_start_result *out, struct sym_image *img,
    struct sym_image_pending *pending, struct sym_rekey *r,
    const struct sym_rekey_start_params *p, uint8_t *ids[],
    const size_t id_lens[])
{
	struct sym_identity_secret *signer = NULL;
	uint8_t *bundle = NULL;
	size_t len = 0;
	char nonce[SYM_UUID_TEXT_BYTES], detail[160];
	int rc = SYM_OK;

	if (p->signer != NULL) {
		rc = sym_identity_load_secret(&signer, p->signer,
		    p->signer_passphrase_file, p->signer_prompt ?
		    p->signer_prompt : "Passphrase for the signer key (will be "
		    "hidden): ");
		if (rc != SYM_OK)
			return sym_rekey_fail(out->said.why, p->signer, rc);
	}
	rc = sym_rekey_encode(&bundle, &len, r, (const uint8_t *const *)ids,
	    id_lens, signer ? signer->sign_secret : NULL);
	if (rc == SYM_OK && (pending->rekey = malloc(len)) == NULL)
		rc = SYM_ENOMEM;
	if (rc != SYM_OK)
		sym_rekey_fail(out->said.why, NULL, rc);
	if (rc == SYM_OK) {
		memcpy(pending->rekey, bundle, len);
		pending->rekey_len = len;
		sym_uuid_text(nonce, r->nonce);
		if (r->shares == 0)
			snprintf(detail, sizeof detail, "nonce %s, barrier key "
			    "wrapped by the seal, no shares%s%s", nonce,
			    signer ? ", by " : "",
			    signer ? signer->pub.name : "");
		else
			snprintf(detail, sizeof detail, "nonce %s, %snew %u of "
			    "%u%s%s%s", nonce, r->target == SYM_REKEY_RECOVERY ?
			    "recovery key, " : "", r->threshold, r->shares,
			    r->verify ? ", verify" : "", signer ? ", by " : "",
			    signer ? signer->pub.name : "");
		sym_image_journal_add(pending, r->started,
		    SYM_AUDIT_REKEY_INIT, detail);
		rc = sym_image_pending_put(img, pending);
	}
	if (rc == SYM_OK && signer != NULL) {
		out->has_signer = 1;
		memcpy(out->signer, signer->pub.sign_public,
		    sizeof out->signer);
	}
	sym_secmem_free(bundle);
	sym_identity_secret_free(signer);
	return rc;
}

static void
start_text(struct sym_rekey_start_result *out, const struct sym_rekey *r,
    int pgp_count, int auto_seal)
{
	struct sym_rekey_text *t = &out->said.text;
	char n[SYM_UUID_TEXT_BYTES], at[32];

	SYM_REKEY_ROW(t, "Key", "%s", "Value");
	SYM_REKEY_ROW(t, "---", "%s", "-----");
	SYM_REKEY_ROW(t, "Nonce", "%s", sym_rekey_uuid(n, r->nonce));
	SYM_REKEY_ROW(t, "Started", "%s", sym_time_text(at, r->started));
	if (auto_seal)
		SYM_REKEY_ROW(t, "Target", "%s",
		    sym_rekey_target_name(r->target));
	SYM_REKEY_ROW(t, "Rekey Progress", "0/%u", out->required);
	if (r->shares == 0) {
		/* Vault printed "New Shares 1" here and then no share
		 * (V #18574): say what happens instead. */
		SYM_REKEY_ROW(t, "New Shares", "%s", "none (the seal wraps "
		    "the new key)");
	} else {
		SYM_REKEY_ROW(t, "New Shares", "%u", r->shares);
		SYM_REKEY_ROW(t, "New Threshold", "%u", r->threshold);
	}
	SYM_REKEY_ROW(t, "Verification Required", "%s", yes(r->verify));
	/* Vault prints the fingerprints; the holders confirm them. */
	for (int i = 0; i < pgp_count; i++)
		sym_rekey_say(t, "PGP Key %-14d %s %s\n", i + 1,
		    out->pgp[i].fpr, out->pgp[i].uid);
	if (pgp_count)
		SYM_REKEY_ROW(t, "Backup", "%s", yes(r->backup));
	if (out->has_signer)
		sym_rekey_say_signer(t, "Started By", out->signer);
}

/* The barrier of an auto-sealed image: its seal wraps the new key, so
 * there is nothing to deal, encrypt, back up or verify (Vault's words). */
static int
start_check_sealed(char why[SYM_REKEY_WHY_MAX],
    const struct sym_rekey_start_params *p)
{
	if (p->pgp_count)
		snprintf(why, SYM_REKEY_WHY_MAX, "--pgp-keys: PGP key "
		    "encryption not supported when using stored keys (the "
		    "barrier of an auto-sealed image has no shares)");
	else if (p->backup)
		snprintf(why, SYM_REKEY_WHY_MAX, "--backup: key backup not "
		    "supported when using stored keys");
	else if (p->verify)
		snprintf(why, SYM_REKEY_WHY_MAX, "--verify: requiring "
		    "verification not supported when rekeying the barrier key "
		    "with recovery keys");
	else if (p->shares || p->threshold || p->out_dir || p->to_count ||
	    p->name_count)
		snprintf(why, SYM_REKEY_WHY_MAX, "--key-shares, "
		    "--key-threshold, --out-dir, --to and --holders: not "
		    "applicable to the barrier of an auto-sealed image (its "
		    "seal wraps the new key; --target recovery deals new "
		    "recovery shares)");
	return why[0] ? SYM_EUSAGE : SYM_OK;
}

int
sym_rekey_start_check(char why[SYM_REKEY_WHY_MAX],
    const struct sym_rekey_start_params *p, int starting,
    const struct sym_image_info *info)
{
	const unsigned n = p->shares;

	why[0] = '\0';
	if (!starting && (n || p->threshold || p->out_dir || p->to_count ||
	    p->name_count || p->signer || p->pgp_count || p->backup))
		snprintf(why, SYM_REKEY_WHY_MAX, "--key-shares, "
		    "--key-threshold, --out-dir, --to, --holders, --pgp-keys, "
		    "--backup and --signer go with --init");
	else if (!starting)
		return SYM_OK;
	else if (info != NULL && info->seal.type == SYM_SEAL_AUTO &&
	    p->target == SYM_REKEY_BARRIER)
		return start_check_sealed(why, p);
	else if (n < 2 || n > SYM_SHAMIR_MAX_SHARES)
		snprintf(why, SYM_REKEY_WHY_MAX, "--key-shares: 2 to %u shares",
		    SYM_SHAMIR_MAX_SHARES);
	else if (p->threshold < 2 || p->threshold > n)
		snprintf(why, SYM_REKEY_WHY_MAX, "--key-threshold %u: provided "
		    "threshold greater than the total shares or less than 2",
		    p->threshold);
	else if (p->out_dir == NULL)
		snprintf(why, SYM_REKEY_WHY_MAX, "missing --out-dir (where the "
		    "new shares will be written)");
	else if ((p->to_count && p->to_count != (int)n) ||
	    (p->name_count && p->name_count != (int)n))
		snprintf(why, SYM_REKEY_WHY_MAX, "--to and --holders name one "
		    "holder per new share (%u)", n);
	else if (p->to_count && p->name_count)
		snprintf(why, SYM_REKEY_WHY_MAX, "--to excludes --holders");
	else if (p->pgp_count && p->pgp_count != (int)n)
		snprintf(why, SYM_REKEY_WHY_MAX, "incorrect number of PGP keys "
		    "for rekey: %d for %u shares", p->pgp_count, n);
	else if (p->pgp_count && p->to_count)
		snprintf(why, SYM_REKEY_WHY_MAX, "--pgp-keys excludes --to");
	else if (p->backup && !p->pgp_count)
		snprintf(why, SYM_REKEY_WHY_MAX, "cannot request a backup of "
		    "the new keys without providing PGP keys for encryption");
	for (int i = 0; !why[0] && i < p->name_count; i++)
		if (sym_identity_check_name(p->names[i]) != SYM_OK)
			snprintf(why, SYM_REKEY_WHY_MAX, "--holders: name %d "
			    "is not 1 to %u printable bytes", i + 1,
			    SYM_IDENTITY_NAME_MAX);
	return why[0] ? SYM_EUSAGE : SYM_OK;
}

/* 1 when dir holds the manifest of a deal of this kind, in either
 * form: the completion would meet it (--armor is chosen then). */
static int
dealt_dir(char *path, size_t cap, const char *dir, int recovery)
{
	static const char *const ext[] = { "cbor", "txt" };

	for (size_t i = 0; i < 2; i++)
		if (sym_deal_file_name(path, cap, dir, 0, 0, recovery,
		    ext[i]) != SYM_OK || sym_io_check_absent(path) != SYM_OK)
			return 1;
	return 0;
}

int
sym_rekey_start(struct sym_rekey_start_result *out, struct sym_image *img,
    const struct sym_rekey_start_params *p)
{
	const struct sym_image_info *info = sym_image_info(img);
	struct sym_image_pending pending;
	struct sym_rekey *r = rekey_alloc();
	uint8_t *ids[SYM_SHAMIR_MAX_SHARES] = { 0 };
	uint8_t *pgp_keys[SYM_SHAMIR_MAX_SHARES] = { 0 };
	size_t id_lens[SYM_SHAMIR_MAX_SHARES] = { 0 };
	char path[4096];
	int rc, have;

	memset(out, 0, sizeof *out);
	memset(&pending, 0, sizeof pending);
	if (r == NULL)
		return SYM_ENOMEM;
	if ((rc = sym_rekey_start_check(out->said.why, p, 1, info)) != SYM_OK)
		goto out;
	if ((rc = sym_rekey_load(img, &pending, r, &have)) != SYM_OK)
		goto out;
	if (sym_rekey_target_refused(&out->said, img, p->target, 0, r))
		goto out;
	if (have || pending.has_verification_nonce) {
		/* One at a time, of either target, as Vault's core keeps. */
		const char *other = have && r->target != p->target ?
		    sym_rekey_target_name(r->target) : NULL;

		sym_rekey_refuse(&out->said, SYM_REKEY_IN_PROGRESS,
		    "rekey already in progress%s%s%s", other ? " (a " : "",
		    other ? other : "", other ? " rekey)" : "");
		goto out;
	}
	memset(r, 0, sizeof *r);
	memcpy(r->image_id, info->image_id, SYM_IMAGE_ID_BYTES);
	r->target = p->target;
	r->started = p->now;
	r->generation = sym_rekey_generation(img, p->target);
	r->shares = p->shares;
	r->threshold = p->threshold;
	r->verify = p->verify;
	if (p->out_dir != NULL)
		snprintf(r->out_dir, sizeof r->out_dir, "%s", p->out_dir);
	if (p->out_dir != NULL && dealt_dir(path, sizeof path, p->out_dir,
	    p->target == SYM_REKEY_RECOVERY)) {
		sym_rekey_refuse(&out->said, SYM_REKEY_DEALT_DIR, "%s: already "
		    "holds a deal; give an empty directory for the new shares",
		    p->out_dir);
		goto out;
	}
	rc = start_holders(out, r, p, ids, id_lens, pgp_keys);
	if (rc == SYM_OK)
		rc = start_record(out, img, &pending, r, p, ids, id_lens);
	if (rc == SYM_OK) {
		memcpy(out->nonce, r->nonce, sizeof out->nonce);
		out->started = r->started;
		out->required = sym_rekey_quorum_seal(img, 0)->threshold;
		start_text(out, r, p->pgp_count, sym_rekey_auto(img));
	}
out:
	for (size_t i = 0; i < SYM_SHAMIR_MAX_SHARES; i++) {
		sym_secmem_free(ids[i]);
		sym_secmem_free(pgp_keys[i]);
	}
	sym_image_pending_clear(&pending);
	free(r);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Cancel */

int
sym_rekey_cancel(struct sym_rekey_cancel_result *out, struct sym_image *img,
    enum sym_rekey_target target, int verification, uint64_t now,
    uint64_t ttl)
{
	struct sym_image_pending pending;
	struct sym_rekey *rekey = rekey_alloc();
	char nonce[SYM_UUID_TEXT_BYTES];
	int rc, have;

	memset(out, 0, sizeof *out);
	if (rekey == NULL)
		return SYM_ENOMEM;
	if ((rc = sym_rekey_load(img, &pending, rekey, &have)) != SYM_OK)
		goto done;
	if (sym_rekey_target_refused(&out->said, img, target, have, rekey))
		goto out;
	if (verification) {
		/* Vault's "rekey -cancel -verify": a fresh verification
		 * nonce, progress cleared, the rekey kept. */
		if (!sym_rekey_verifying(img, &pending)) {
			sym_rekey_refuse(&out->said, SYM_REKEY_NO_VERIFICATION,
			    "no rekey verification in progress");
			goto out;
		}
		progress_forget(img, pending.verification_nonce, now, ttl);
		rc = sym_random_bytes(pending.verification_nonce,
		    SYM_IMAGE_NONCE_BYTES, SYM_RANDOM_PUBLIC);
		sym_image_journal_add(&pending, now,
		    SYM_AUDIT_REKEY_VERIFY_CANCEL, "verification restarted");
	} else {
		if (have)
			progress_forget(img, rekey->nonce, now, ttl);
		if (pending.has_verification_nonce)
			progress_forget(img, pending.verification_nonce, now,
			    ttl);
		out->canceled = have || pending.has_verification_nonce;
		if (out->canceled)
			sym_image_journal_add(&pending, now,
			    SYM_AUDIT_REKEY_CANCEL, "rekey canceled; the new "
			    "shares, if any, are discarded");
		free(pending.rekey);
		pending.rekey = NULL;
		pending.rekey_len = 0;
		pending.has_verification_nonce = 0;
	}
	if (rc == SYM_OK)
		rc = sym_image_pending_put(img, &pending);
	if (rc == SYM_OK && verification) {
		out->canceled = 1;
		memcpy(out->verification_nonce, pending.verification_nonce,
		    sizeof out->verification_nonce);
		sym_rekey_say(&out->said.text, "Success! Rekey verification "
		    "canceled; the new verification nonce is %s\n",
		    sym_rekey_uuid(nonce, out->verification_nonce));
	} else if (rc == SYM_OK) {
		sym_rekey_say(&out->said.text, "Success! Canceled rekeying "
		    "(if it was started)\n");
	}
out:
	sym_image_pending_clear(&pending);
done:
	free(rekey);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Backup */

static int
backup_entry(void *ctx, unsigned index, const uint8_t fingerprint[20],
    const uint8_t *message, size_t len)
{
	struct sym_rekey_backup *b = ctx;
	struct sym_rekey_backup_entry *e;
	struct sym_pgp_key key;

	if (b->count == SYM_SHAMIR_MAX_SHARES)
		return SYM_ECORRUPT;
	e = &b->entries[b->count++];
	e->index = index;
	for (size_t i = 0; i < 20; i++)
		snprintf(e->fpr + 2 * i, 3, "%02X", fingerprint[i]);
	memset(&key, 0, sizeof key);
	if (sym_pgp_lookup_keyid(&key, e->fpr + 24) == SYM_OK)
		memcpy(e->uid, key.uid, sizeof e->uid);
	e->message = message;
	e->message_len = len;
	return SYM_OK;
}

/* The one backup an image keeps is its target's: a Shamir image's is
 * the barrier's, an auto-sealed image's the recovery key's (its barrier
 * has no shares to keep). */
static int
backup_target_refused(struct sym_rekey_said *out, const struct sym_image *img,
    enum sym_rekey_target target, int *theirs)
{
	*theirs = (target == SYM_REKEY_RECOVERY) == sym_rekey_auto(img);
	return sym_rekey_target_refused(out, img, target, 0, NULL);
}

int
sym_rekey_backup_get(struct sym_rekey_backup *out, const struct sym_image *img,
    enum sym_rekey_target target)
{
	struct sym_rekey_text *t = &out->said.text;
	struct sym_image_pending pending;
	char nonce[SYM_UUID_TEXT_BYTES];
	int rc, theirs;

	memset(out, 0, sizeof *out);
	if (backup_target_refused(&out->said, img, target, &theirs))
		return SYM_OK;
	if ((rc = sym_image_pending_get(img, &pending)) != SYM_OK)
		return rc;
	if (pending.backup == NULL || !theirs) {
		sym_rekey_refuse(&out->said, SYM_REKEY_NO_BACKUP,
		    "no backed-up keys found");
		sym_image_pending_clear(&pending);
		return SYM_OK;
	}
	/* The entries point into the bytes: take them from the pending. */
	out->bytes = pending.backup;
	out->len = pending.backup_len;
	pending.backup = NULL;
	sym_image_pending_clear(&pending);
	rc = sym_rekey_backup_parse(out->bytes, out->len, out->nonce, NULL,
	    NULL);
	if (rc == SYM_OK)
		rc = sym_rekey_backup_parse(out->bytes, out->len, out->nonce,
		    backup_entry, out);
	if (rc != SYM_OK) {
		sym_rekey_backup_free(out);
		return rc;
	}
	SYM_REKEY_ROW(t, "Nonce", "%s", sym_rekey_uuid(nonce, out->nonce));
	for (size_t i = 0; i < out->count; i++) {
		const struct sym_rekey_backup_entry *e = &out->entries[i];

		sym_rekey_say(t, "\n%-22s %u\n%-22s %s\n", "Key", e->index,
		    "Recipient", e->fpr);
		if (e->uid[0])
			SYM_REKEY_ROW(t, "User ID", "%s", e->uid);
		sym_rekey_say_bytes(t, e->message, e->message_len);
	}
	return SYM_OK;
}

void
sym_rekey_backup_free(struct sym_rekey_backup *b)
{
	free(b->bytes);
	sym_rekey_text_free(&b->said.text);
	memset(b, 0, sizeof *b);
}

int
sym_rekey_backup_delete(struct sym_rekey_backup *out, struct sym_image *img,
    enum sym_rekey_target target, uint64_t now)
{
	struct sym_image_pending pending;
	int rc, theirs;

	memset(out, 0, sizeof *out);
	if (backup_target_refused(&out->said, img, target, &theirs))
		return SYM_OK;
	if ((rc = sym_image_pending_get(img, &pending)) != SYM_OK)
		return rc;
	if (theirs) {
		free(pending.backup);
		pending.backup = NULL;
		pending.backup_len = 0;
		sym_image_journal_add(&pending, now,
		    SYM_AUDIT_REKEY_BACKUP_DELETE, "backed-up shares deleted");
		rc = sym_image_pending_put(img, &pending);
	}
	sym_image_pending_clear(&pending);
	if (rc == SYM_OK)
		sym_rekey_say(&out->said.text, "Success! Deleted backed-up "
		    "keys (if any)\n");
	return rc;
}
