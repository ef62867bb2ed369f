/*
 * The rekey ceremony (rekey.h): Vault's rekey state machine on an image,
 * through image.h's public functions only.  The codecs are rekey_bundle.c.
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
#include "symbolon/bundle.h"
#include "symbolon/fingerprint.h"
#include "symbolon/io.h"
#include "symbolon/random.h"
#include "symbolon/rekey.h"
#include "symbolon/secmem.h"

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
	    r == SYM_REKEY_NO_SHARES ? 2 : 1;
}

/* Records a refusal and says it in words; returns SYM_OK (a refusal is
 * an answer, not an error). */
static int refuse(struct sym_rekey_said *out, enum sym_rekey_refusal r,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
refuse(struct sym_rekey_said *out, enum sym_rekey_refusal r,
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

static void
text_bytes(struct sym_rekey_text *t, const void *bytes, size_t n)
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

static void text_add(struct sym_rekey_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
text_add(struct sym_rekey_text *t, const char *fmt, ...)
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
	text_bytes(t, more, (size_t)n);
	free(more);
}

/* One row of Vault's "Key  Value" table. */
#define text_row(t, key, fmt, ...) \
	text_add((t), "%-22s " fmt "\n", (key), __VA_ARGS__)

/* The rows naming a signer: its fingerprint and its words. */
static void
text_signer(struct sym_rekey_text *t, const char *label, const uint8_t *pk)
{
	uint8_t fingerprint[SYM_FINGERPRINT_BYTES];
	char hex[SYM_FINGERPRINT_HEX_MAX], words[SYM_FINGERPRINT_WORDS_MAX];

	sym_fingerprint(fingerprint, pk);
	if (sym_fingerprint_hex(hex, sizeof hex, fingerprint) != SYM_OK ||
	    sym_fingerprint_words(words, sizeof words, fingerprint,
	    SYM_FINGERPRINT_WORD_BYTES) != SYM_OK)
		return;
	text_row(t, label, "%s", hex);
	text_row(t, "", "%s", words);
}

static const char *
uuid(char out[SYM_UUID_TEXT_BYTES], const uint8_t *nonce)
{
	sym_uuid_text(out, nonce);
	return out;
}

static const char *
when(char out[32], uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%llu", (unsigned long long)t);
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
static int
fail(char why[SYM_REKEY_WHY_MAX], const char *subject, int rc)
{
	if (subject != NULL)
		snprintf(why, SYM_REKEY_WHY_MAX, "%s: %s", subject,
		    sym_strerror(rc));
	else
		snprintf(why, SYM_REKEY_WHY_MAX, "%s", sym_strerror(rc));
	return rc;
}

/* Loads the pending operations and, if there is one, the rekey. */
static int
load_rekey(const struct sym_image *img, struct sym_image_pending *pending,
    struct sym_rekey *rekey, int *have)
{
	int rc = sym_image_pending_get(img, pending);

	*have = 0;
	if (rc != SYM_OK || pending->rekey == NULL)
		return rc;
	rc = sym_rekey_parse(rekey, pending->rekey, pending->rekey_len);
	if (rc == SYM_OK && memcmp(rekey->image_id, sym_image_info(img)->image_id,
	    SYM_IMAGE_ID_BYTES) != 0)
		rc = SYM_EWRONGIMAGE;
	*have = rc == SYM_OK;
	if (rc != SYM_OK)
		sym_image_pending_clear(pending);
	return rc;
}

/* Where a verification stands: issued, and its nonce recorded. */
static int
verifying(const struct sym_image *img, const struct sym_image_pending *p)
{
	return p->has_verification_nonce &&
	    sym_image_info(img)->verification_pending;
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

static void
status_text(struct sym_rekey_status *s, unsigned flags)
{
	struct sym_rekey_text *t = &s->said.text;
	char n[SYM_UUID_TEXT_BYTES] = "", v[SYM_UUID_TEXT_BYTES] = "", at[32] = "";

	if (s->started)
		uuid(n, s->nonce), when(at, s->started_at);
	if (s->verifying)
		uuid(v, s->verification_nonce);
	if (flags & SYM_REKEY_STATUS_JSON) {
		text_add(t, "{\n  \"nonce\": \"%s\",\n  \"started\": %s,\n"
		    "  \"started_at\": \"%s\",\n  \"t\": %u,\n  \"n\": %u,\n"
		    "  \"progress\": %zu,\n  \"required\": %u,\n", n,
		    yes(s->started), at, s->threshold, s->shares, s->progress,
		    s->required);
		text_add(t, "  \"verification_required\": %s,\n  \"verification_"
		    "nonce\": \"%s\",\n  \"verification_progress\": %zu\n}\n",
		    yes(s->verify), v, s->verification_progress);
		return;
	}
	text_row(t, "Key", "%s", "Value");
	text_row(t, "---", "%s", "-----");
	text_row(t, "Nonce", "%s", s->started ? n : "n/a");
	text_row(t, "Started", "%s", yes(s->started));
	if (s->started) {
		text_row(t, "Started At", "%s", at);
		text_row(t, "Rekey Progress", "%zu/%u%s", s->progress, s->required,
		    s->verifying ? " (verification in progress)" : "");
		text_row(t, "New Shares", "%u", s->shares);
		text_row(t, "New Threshold", "%u", s->threshold);
		text_row(t, "Verification Required", "%s", yes(s->verify));
		text_signer(t, "Started By", s->signer);
	}
	if (s->verifying) {
		text_row(t, "Verification Nonce", "%s", v);
		text_row(t, "Verification Progress", "%zu/%u",
		    s->verification_progress, flags & SYM_REKEY_STATUS_ALL ?
		    s->new_shares : s->new_threshold);
	}
}

int
sym_rekey_status(struct sym_rekey_status *out, struct sym_image *img,
    uint64_t now, uint64_t ttl, unsigned flags)
{
	const struct sym_image_info *info = sym_image_info(img);
	struct sym_image_pending pending;
	struct sym_rekey *rekey = rekey_alloc();
	int rc;

	memset(out, 0, sizeof *out);
	if (rekey == NULL)
		return SYM_ENOMEM;
	rc = load_rekey(img, &pending, rekey, &out->started);
	if (rc != SYM_OK) {
		free(rekey);
		return rc;
	}
	out->required = info->seal.threshold;
	if (out->started) {
		memcpy(out->nonce, rekey->nonce, sizeof out->nonce);
		memcpy(out->signer, rekey->signer, sizeof out->signer);
		out->started_at = rekey->started;
		out->shares = rekey->shares;
		out->threshold = rekey->threshold;
		out->verify = rekey->verify;
		out->progress = progress_count(img, rekey->nonce, now, ttl);
	}
	if (verifying(img, &pending)) {
		out->verifying = 1;
		memcpy(out->verification_nonce, pending.verification_nonce,
		    sizeof out->verification_nonce);
		out->verification_progress = progress_count(img,
		    pending.verification_nonce, now, ttl);
		out->new_threshold = info->pending_seal.threshold;
		out->new_shares = info->pending_seal.shares;
		out->progress = 0;
	}
	status_text(out, flags);
	sym_image_pending_clear(&pending);
	free(rekey);
	return SYM_OK;
}

/* ---------------------------------------------------------------- */
/* Start */

/* A holder name from an OpenPGP user id, as tools/cli.c's
 * cli_pgp_holder_name makes it for keygen. */
static void
pgp_holder_name(char *out, size_t cap, const struct sym_pgp_key *key)
{
	snprintf(out, cap, "%.*s", (int)(cap - 1 < SYM_IDENTITY_NAME_MAX ?
	    cap - 1 : SYM_IDENTITY_NAME_MAX), key->uid);
	if (sym_identity_check_name(out) != SYM_OK)
		snprintf(out, cap, "OpenPGP %s", key->keyid);
}

/* Names the key refused, not only where it came from, as tools/cli.c's
 * cli_pgp_resolve does for the other programs. */
static int
pgp_refused(char why[SYM_REKEY_WHY_MAX], const char *spec,
    const struct sym_pgp_key *seen, int rc)
{
	char fpr[SYM_PGP_FPR_CHARS + 1];

	if (seen->fpr[0] == '\0')
		return fail(why, spec, rc);
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
			rc = sym_identity_parse_public(&r->identities[i], ids[i],
			    id_lens[i]);
		if (rc != SYM_OK)
			return fail(out->said.why, p->to[i], rc);
	}
	for (int i = 0; i < p->pgp_count; i++) {
		struct sym_pgp_recipient *key = NULL;
		char fpr[SYM_PGP_FPR_CHARS + 1];

		/* Checked now, so that a bad key stops the rekey before any
		 * holder is called; checked again when the shares are made. */
		rc = sym_pgp_recipient_resolve_key(&key, &out->pgp[i], p->pgp[i]);
		if (rc != SYM_OK)
			return pgp_refused(out->said.why, p->pgp[i], &out->pgp[i], rc);
		if (!r->holder_names[i][0])
			pgp_holder_name(r->holder_names[i],
			    sizeof r->holder_names[i], sym_pgp_recipient_key(key));
		out->pgp[i] = *sym_pgp_recipient_key(key);
		sym_pgp_recipient_free(key);
		if (sym_pgp_parse_fingerprint(fpr, p->pgp[i]) == SYM_OK) {
			memcpy(r->pgp_fpr[i], fpr, sizeof fpr);
			continue;
		}
		rc = sym_io_read_all(&pgp_keys[i], &r->pgp_key_len[i], p->pgp[i],
		    SYM_PGP_KEYFILE_MAX);
		if (rc != SYM_OK)
			return fail(out->said.why, p->pgp[i], rc);
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
			return fail(out->said.why, p->signer, rc);
	}
	rc = sym_rekey_encode(&bundle, &len, r, (const uint8_t *const *)ids,
	    id_lens, signer ? signer->sign_secret : NULL);
	if (rc == SYM_OK && (pending->rekey = malloc(len)) == NULL)
		rc = SYM_ENOMEM;
	if (rc != SYM_OK)
		fail(out->said.why, NULL, rc);
	if (rc == SYM_OK) {
		memcpy(pending->rekey, bundle, len);
		pending->rekey_len = len;
		sym_uuid_text(nonce, r->nonce);
		snprintf(detail, sizeof detail, "nonce %s, new %u of %u%s%s%s",
		    nonce, r->threshold, r->shares, r->verify ? ", verify" : "",
		    signer ? ", by " : "", signer ? signer->pub.name : "");
		sym_image_journal_add(pending, r->started,
		    SYM_AUDIT_REKEY_INIT, detail);
		rc = sym_image_pending_put(img, pending);
	}
	if (rc == SYM_OK && signer != NULL) {
		out->has_signer = 1;
		memcpy(out->signer, signer->pub.sign_public, sizeof out->signer);
	}
	sym_secmem_free(bundle);
	sym_identity_secret_free(signer);
	return rc;
}

static void
start_text(struct sym_rekey_start_result *out, const struct sym_rekey *r,
    int pgp_count)
{
	struct sym_rekey_text *t = &out->said.text;
	char n[SYM_UUID_TEXT_BYTES], at[32];

	text_row(t, "Key", "%s", "Value");
	text_row(t, "---", "%s", "-----");
	text_row(t, "Nonce", "%s", uuid(n, r->nonce));
	text_row(t, "Started", "%s", when(at, r->started));
	text_row(t, "Rekey Progress", "0/%u", out->required);
	text_row(t, "New Shares", "%u", r->shares);
	text_row(t, "New Threshold", "%u", r->threshold);
	text_row(t, "Verification Required", "%s", yes(r->verify));
	/* Vault prints the fingerprints; the holders confirm them. */
	for (int i = 0; i < pgp_count; i++)
		text_add(t, "PGP Key %-14d %s %s\n", i + 1, out->pgp[i].fpr,
		    out->pgp[i].uid);
	if (pgp_count)
		text_row(t, "Backup", "%s", yes(r->backup));
	if (out->has_signer)
		text_signer(t, "Started By", out->signer);
}

int
sym_rekey_start_check(char why[SYM_REKEY_WHY_MAX],
    const struct sym_rekey_start_params *p, int starting)
{
	const unsigned n = p->shares;

	why[0] = '\0';
	if (!starting && (n || p->threshold || p->out_dir || p->to_count ||
	    p->name_count || p->signer || p->pgp_count || p->backup))
		snprintf(why, SYM_REKEY_WHY_MAX, "--key-shares, --key-threshold, "
		    "--out-dir, --to, --holders, --pgp-keys, --backup and "
		    "--signer go with --init");
	else if (!starting)
		return SYM_OK;
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
		snprintf(why, SYM_REKEY_WHY_MAX, "cannot request a backup of the "
		    "new keys without providing PGP keys for encryption");
	for (int i = 0; !why[0] && i < p->name_count; i++)
		if (sym_identity_check_name(p->names[i]) != SYM_OK)
			snprintf(why, SYM_REKEY_WHY_MAX, "--holders: name %d is not "
			    "1 to %u printable bytes", i + 1, SYM_IDENTITY_NAME_MAX);
	return why[0] ? SYM_EUSAGE : SYM_OK;
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
	if ((rc = sym_rekey_start_check(out->said.why, p, 1)) != SYM_OK)
		goto out;
	if ((rc = load_rekey(img, &pending, r, &have)) != SYM_OK)
		goto out;
	if (have || pending.has_verification_nonce) {
		refuse(&out->said, SYM_REKEY_IN_PROGRESS,
		    "rekey already in progress");
		goto out;
	}
	memset(r, 0, sizeof *r);
	memcpy(r->image_id, info->image_id, SYM_IMAGE_ID_BYTES);
	r->started = p->now;
	r->generation = info->seal.generation;
	r->shares = p->shares;
	r->threshold = p->threshold;
	r->verify = p->verify;
	snprintf(r->out_dir, sizeof r->out_dir, "%s", p->out_dir);
	if (snprintf(path, sizeof path, "%s/manifest.cbor", p->out_dir) > 0 &&
	    sym_io_check_absent(path) != SYM_OK) {
		refuse(&out->said, SYM_REKEY_DEALT_DIR, "%s: already "
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
		out->required = info->seal.threshold;
		start_text(out, r, p->pgp_count);
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
    int verification, uint64_t now, uint64_t ttl)
{
	struct sym_image_pending pending;
	struct sym_rekey *rekey = rekey_alloc();
	char nonce[SYM_UUID_TEXT_BYTES];
	int rc, have;

	memset(out, 0, sizeof *out);
	if (rekey == NULL)
		return SYM_ENOMEM;
	if ((rc = load_rekey(img, &pending, rekey, &have)) != SYM_OK)
		goto done;
	if (verification) {
		/* Vault's "rekey -cancel -verify": a fresh verification
		 * nonce, progress cleared, the rekey kept. */
		if (!verifying(img, &pending)) {
			refuse(&out->said, SYM_REKEY_NO_VERIFICATION,
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
			progress_forget(img, pending.verification_nonce, now, ttl);
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
		text_add(&out->said.text, "Success! Rekey verification canceled; the "
		    "new verification nonce is %s\n",
		    uuid(nonce, out->verification_nonce));
	} else if (rc == SYM_OK) {
		text_add(&out->said.text, "Success! Canceled rekeying (if it was "
		    "started)\n");
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

int
sym_rekey_backup_get(struct sym_rekey_backup *out, const struct sym_image *img)
{
	struct sym_image_pending pending;
	char nonce[SYM_UUID_TEXT_BYTES];
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = sym_image_pending_get(img, &pending)) != SYM_OK)
		return rc;
	if (pending.backup == NULL) {
		refuse(&out->said, SYM_REKEY_NO_BACKUP,
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
	text_row(&out->said.text, "Nonce", "%s", uuid(nonce, out->nonce));
	for (size_t i = 0; i < out->count; i++) {
		const struct sym_rekey_backup_entry *e = &out->entries[i];

		text_add(&out->said.text, "\n%-22s %u\n%-22s %s\n", "Key", e->index,
		    "Recipient", e->fpr);
		if (e->uid[0])
			text_row(&out->said.text, "User ID", "%s", e->uid);
		text_bytes(&out->said.text, e->message, e->message_len);
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
    uint64_t now)
{
	struct sym_image_pending pending;
	int rc;

	memset(out, 0, sizeof *out);
	if ((rc = sym_image_pending_get(img, &pending)) != SYM_OK)
		return rc;
	free(pending.backup);
	pending.backup = NULL;
	pending.backup_len = 0;
	sym_image_journal_add(&pending, now, SYM_AUDIT_REKEY_BACKUP_DELETE,
	    "backed-up shares deleted");
	rc = sym_image_pending_put(img, &pending);
	sym_image_pending_clear(&pending);
	if (rc == SYM_OK)
		text_add(&out->said.text, "Success! Deleted backed-up keys (if any)\n");
	return rc;
}

/* ---------------------------------------------------------------- */
/* Completion: the new unseal key and its shares */

/* A holder's OpenPGP key as the rekey recorded it: the key bytes go
 * through a private temporary file, since resolving reads a file. */
static int
resolve_pgp(struct sym_pgp_recipient **out, const struct sym_rekey *r,
    unsigned i)
{
	char path[] = "/tmp/symbolon-pgpkey-XXXXXX";
	int fd, rc;

	if (r->pgp_key[i] == NULL)
		return sym_pgp_recipient_resolve(out, r->pgp_fpr[i]);
	fd = mkstemp(path);
	if (fd < 0)
		return sym_error_from_errno(errno);
	rc = sym_io_write_fd(fd, r->pgp_key[i], r->pgp_key_len[i]);
	close(fd);
	if (rc == SYM_OK)
		rc = sym_pgp_recipient_resolve(out, path);
	(void)unlink(path);
	return rc;
}

/* The holders of r, for the deal; pgp[i] gets holder i's OpenPGP key. */
static int
deal_holders(struct sym_deal_holder holders[], struct sym_pgp_recipient *pgp[],
    const struct sym_rekey *r)
{
	int rc;

	memset(holders, 0, SYM_SHAMIR_MAX_SHARES * sizeof holders[0]);
	for (unsigned i = 0; i < r->shares; i++) {
		holders[i].name = r->holder_names[i][0] ? r->holder_names[i] :
		    (r->has_identity[i] ? r->identities[i].name : NULL);
		if (r->has_identity[i]) {
			holders[i].protection = SYM_SHARE_TO_IDENTITY;
			holders[i].recipient = &r->identities[i];
		}
		if (r->pgp_key[i] != NULL || r->pgp_fpr[i][0] != '\0') {
			/* Checked again now: a key may have expired or been
			 * revoked since the rekey was started. */
			if ((rc = resolve_pgp(&pgp[i], r, i)) != SYM_OK)
				return rc;
			holders[i].protection = SYM_SHARE_OPENPGP;
			holders[i].pgp = sym_pgp_recipient_key(pgp[i]);
		}
	}
	return SYM_OK;
}

/*
 * On an image unsealed by the current quorum: a new unseal key, dealt as
 * generation + 1 to r's holders and signed by the image identity, written
 * into r->out_dir, then installed (pending verification when r->verify).
 * The caller commits.  On failure nothing has changed and the files
 * written are removed.
 */
static int
complete(struct sym_image *img, const struct sym_rekey *r, int armor,
    uint64_t now, struct sym_deal_output *out)
{
	const struct sym_image_info *info = sym_image_info(img);
	struct sym_pgp_recipient *pgp[SYM_SHAMIR_MAX_SHARES] = { 0 };
	struct sym_deal_holder holders[SYM_SHAMIR_MAX_SHARES];
	struct sym_image_seal seal;
	uint8_t *key = NULL;
	int rc, written = 0;

	memset(out, 0, sizeof *out);
	if (!sym_image_is_unsealed(img))
		return SYM_ESEALED;
	if ((rc = deal_holders(holders, pgp, r)) != SYM_OK)
		goto out;
	if ((key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES)) == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	rc = sym_random_bytes(key, SYM_IMAGE_KEY_BYTES, SYM_RANDOM_SECRET);
	if (rc == SYM_OK) {
		struct sym_deal spec = {
			.secret = key, .secret_len = SYM_IMAGE_KEY_BYTES,
			.threshold = r->threshold, .count = r->shares,
			.generation = info->seal.generation + 1,
			.created = now, .set_id = info->image_id,
			.signer_secret = sym_image_identity_secret(img),
			.holders = holders,
		};

		rc = sym_deal_run(out, &spec);
		if (rc == SYM_OK)
			rc = sym_deal_seal_pgp(out, pgp);
	}
	/* The new shares reach their directory before anything in the image
	 * changes: a crash now leaves the old shares valid. */
	if (rc == SYM_OK) {
		rc = sym_deal_write(out, r->out_dir, armor);
		written = rc == SYM_OK;
	}
	if (rc == SYM_OK) {
		memset(&seal, 0, sizeof seal);
		seal.type = SYM_SEAL_SHAMIR;
		seal.shares = r->shares;
		seal.threshold = r->threshold;
		seal.generation = info->seal.generation + 1;
		memcpy(seal.manifest_hash, out->record->hash,
		    SYM_MANIFEST_HASH_BYTES);
		rc = sym_image_rekey_install(img, key, &seal, r->verify);
	}
out:
	if (rc != SYM_OK) {
		if (written)
			sym_deal_remove(out, r->out_dir, armor);
		sym_deal_output_free(out);
	}
	for (unsigned i = 0; i < r->shares; i++)
		sym_pgp_recipient_free(pgp[i]);
	sym_secmem_free(key);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Submission */

struct sym_rekey_submission {
	struct sym_image *img;
	struct sym_image_pending pending;
	struct sym_rekey rekey;		/* its pgp keys point into pending */
	int verification, armor;
	const char *name;		/* of the image, for messages */
	uint64_t now, ttl;
	uint8_t want[SYM_REKEY_NONCE_BYTES];	/* the nonce of this step */
	unsigned needed;
	struct sym_rekey_progress *progress;
	size_t saved;			/* shares in the progress loaded */
};

void
sym_rekey_submission_free(struct sym_rekey_submission *s)
{
	if (s == NULL)
		return;
	sym_rekey_progress_free(s->progress);
	sym_image_pending_clear(&s->pending);
	free(s);
}

/* What the shares about to be entered will bring about. */
static void
plan_text(struct sym_rekey_text *t, const struct sym_rekey *r)
{
	text_add(t, "Rekey to %u of %u new shares%s, written to %s; holders:",
	    r->threshold, r->shares, r->verify ? " (verification required)" :
	    "", r->out_dir);
	for (unsigned i = 0; i < r->shares; i++)
		text_add(t, "%s %s%s", i ? "," : "", r->holder_names[i][0] ?
		    r->holder_names[i] : r->has_identity[i] ?
		    r->identities[i].name : "(unnamed)", r->has_identity[i] ?
		    " (encrypted to their identity)" : "");
	text_add(t, "\n");
	text_signer(t, "Started by", r->signer);
}

/* The refusals of open, in the order Vault checks them. */
static int
submission_check(struct sym_rekey_submission *s,
    struct sym_rekey_submission_info *info, int have, const char *nonce_text)
{
	const struct sym_image_info *ii = sym_image_info(s->img);
	uint8_t nonce[SYM_REKEY_NONCE_BYTES];
	char want[SYM_UUID_TEXT_BYTES];

	if (!s->verification && !have)
		return refuse(&info->said, SYM_REKEY_NONE,
		    "no rekey in progress");
	if (s->verification && !verifying(s->img, &s->pending))
		return refuse(&info->said,
		    SYM_REKEY_NO_VERIFICATION, "no rekey verification in "
		    "progress");
	memcpy(s->want, s->verification || s->pending.has_verification_nonce ?
	    s->pending.verification_nonce : s->rekey.nonce, sizeof s->want);
	memcpy(info->expected, s->want, sizeof info->expected);
	sym_uuid_text(want, s->want);
	if (!s->verification && s->pending.has_verification_nonce)
		return refuse(&info->said,
		    SYM_REKEY_AWAITS_VERIFICATION, "rekey operation already "
		    "finished; verification must be performed; nonce for the "
		    "verification operation is %s", want);
	if (nonce_text == NULL)
		return refuse(&info->said, SYM_REKEY_NO_NONCE,
		    "missing nonce: give it with --nonce (it is %s)", want);
	if (sym_uuid_parse(nonce, nonce_text) != SYM_OK ||
	    memcmp(nonce, s->want, sizeof nonce) != 0)
		return refuse(&info->said, SYM_REKEY_WRONG_NONCE,
		    "incorrect nonce supplied; nonce for this %s operation is "
		    "%s", s->verification ? "verify" : "rekey", want);
	if (!s->verification && s->rekey.generation != ii->seal.generation)
		return refuse(&info->said, SYM_REKEY_STALE,
		    "the rekey was started for generation %llu, but the image "
		    "is at generation %llu; cancel it",
		    (unsigned long long)s->rekey.generation,
		    (unsigned long long)ii->seal.generation);
	return SYM_OK;
}

int
sym_rekey_submission_open(struct sym_rekey_submission **out,
    struct sym_rekey_submission_info *info, struct sym_image *img,
    const struct sym_rekey_submit_params *p)
{
	const struct sym_image_info *ii = sym_image_info(img);
	struct sym_rekey_submission *s = calloc(1, sizeof *s);
	int rc, have;

	*out = NULL;
	memset(info, 0, sizeof *info);
	if (s == NULL)
		return SYM_ENOMEM;
	s->img = img;
	s->verification = p->verification;
	s->armor = p->armor;
	s->now = p->now;
	s->ttl = p->ttl;
	s->name = p->image_name ? p->image_name : "image";
	if (p->no_shares) {
		refuse(&info->said, SYM_REKEY_NO_SHARES, "no share "
		    "given: use --share FILE, or run at a terminal to be asked "
		    "for one");
		free(s);
		return SYM_OK;
	}
	if ((rc = load_rekey(img, &s->pending, &s->rekey, &have)) != SYM_OK) {
		free(s);
		return rc;
	}
	(void)submission_check(s, info, have, p->nonce);
	if (info->said.refusal != SYM_REKEY_ACCEPTED) {
		sym_rekey_submission_free(s);
		return SYM_OK;
	}
	s->needed = !s->verification ? ii->seal.threshold : p->all ?
	    ii->pending_seal.shares : ii->pending_seal.threshold;
	info->needed = s->needed;
	info->progress_label = s->verification ? "Verification Progress" :
	    "Rekey Progress";
	if (!s->verification)
		plan_text(&info->plan, &s->rekey);
	*out = s;
	return SYM_OK;
}

const struct sym_rekey *
sym_rekey_submission_rekey(const struct sym_rekey_submission *s)
{
	return &s->rekey;
}

/* Replays the progress into a quorum of its own first: shares saved that
 * no longer fit (the image changed) mean starting afresh, not mixing. */
static int
progress_fits(const struct sym_rekey_progress *p)
{
	struct sym_quorum *trial = NULL;
	int rc = sym_quorum_new(&trial);

	if (rc == SYM_OK)
		rc = sym_rekey_progress_replay(p, trial);
	sym_quorum_free(trial);
	return rc;
}

int
sym_rekey_submission_load(struct sym_rekey_submission *s,
    struct sym_rekey_submission_info *info, struct sym_quorum *q)
{
	const uint8_t *id = sym_image_info(s->img)->image_id;
	int rc;

	info->expired = 0;
	sym_rekey_progress_free(s->progress);
	s->progress = NULL;
	rc = sym_rekey_progress_load(&s->progress, id, s->want, s->now, s->ttl,
	    &info->expired);
	if (rc != SYM_OK)
		return fail(info->said.why, NULL, rc);
	if (info->expired)
		snprintf(info->warning, sizeof info->warning, "warning: shares "
		    "entered more than %llu seconds ago expired and were wiped; "
		    "enter them again", (unsigned long long)s->ttl);
	if (progress_fits(s->progress) != SYM_OK) {
		sym_rekey_progress_wipe(s->progress);
		s->progress = NULL;
		rc = sym_rekey_progress_load(&s->progress, id, s->want, s->now,
		    s->ttl, NULL);
	} else {
		rc = sym_rekey_progress_replay(s->progress, q);
	}
	if (rc != SYM_OK)
		return fail(info->said.why, NULL, rc);
	s->saved = info->saved = sym_rekey_progress_count(s->progress);
	return SYM_OK;
}

int
sym_rekey_submission_accept(void *ctx, const uint8_t *bundle, size_t len,
    const struct sym_share *share)
{
	struct sym_rekey_submission *s = ctx;
	char detail[160];

	if (s->progress == NULL)
		return SYM_EUSAGE;
	snprintf(detail, sizeof detail, "%s share %u of %u (x %u%s%s) accepted",
	    s->verification ? "new" : "current", share->index, share->count,
	    share->x, share->holder[0] ? ", holder " : "", share->holder);
	sym_image_journal_add(&s->pending, (uint64_t)time(NULL),
	    SYM_AUDIT_REKEY_SHARE, detail);
	return sym_rekey_progress_add(s->progress, bundle, len, share->raw,
	    share->raw_len);
}

/* Keeps the shares accepted so far on tmpfs and the steps in the journal. */
static int
keep_progress(struct sym_rekey_submission *s)
{
	int rc = sym_rekey_progress_save(s->progress);

	if (rc == SYM_OK)
		rc = sym_image_pending_put(s->img, &s->pending);
	return rc;
}

/* The new shares issued, in the same header commit as the new wrapping:
 * the verification nonce or the end of the rekey, the backup of OpenPGP
 * shares, and the audit record. */
static int
record_new_shares(struct sym_rekey_submission *s,
    struct sym_rekey_submit_result *out)
{
	const struct sym_image_info *info = sym_image_info(s->img);
	struct sym_image_pending *pending = &s->pending;
	const struct sym_rekey *r = &s->rekey;
	char detail[160];
	int rc = SYM_OK;

	if (r->verify) {
		pending->has_verification_nonce = 1;
		rc = sym_random_bytes(pending->verification_nonce,
		    SYM_IMAGE_NONCE_BYTES, SYM_RANDOM_PUBLIC);
	} else {
		free(pending->rekey);
		pending->rekey = NULL;
		pending->rekey_len = 0;
	}
	if (rc == SYM_OK && r->backup) {
		/* Written with the new wrapping, in the same header commit: if
		 * the shares count, so does their backup. */
		free(pending->backup);
		pending->backup = NULL;
		rc = sym_rekey_backup_encode(&pending->backup,
		    &pending->backup_len, r->nonce, &out->deal);
	}
	if (rc == SYM_OK)
		rc = sym_image_pending_put(s->img, pending);
	if (rc == SYM_OK) {
		snprintf(detail, sizeof detail, "generation %llu: %u of %u "
		    "shares%s", (unsigned long long)info->seal.generation +
		    (r->verify ? 1 : 0), r->threshold, r->shares,
		    r->verify ? ", pending verification" : ", active");
		rc = sym_image_commit(s->img, r->verify ? SYM_AUDIT_REKEY_ISSUED :
		    SYM_AUDIT_REKEY, detail, s->now);
	}
	return rc;
}

/* The current quorum is in: unseal, deal, write, install, commit.  The
 * order is what makes a crash safe; rekey_crash.bats counts its writes. */
static int
finish_complete(struct sym_rekey_submission *s,
    struct sym_rekey_submit_result *out, const struct sym_quorum *q)
{
	const struct sym_image_info *info = sym_image_info(s->img);
	struct sym_rekey *r = &s->rekey;
	struct sym_image_pending *pending = &s->pending;
	char nonce[SYM_UUID_TEXT_BYTES];
	uint64_t seqid;
	int rc;

	if (sym_image_unseal(s->img, q) != SYM_OK) {
		/* Vault's behaviour: progress cleared, nonce kept. */
		sym_rekey_progress_wipe(s->progress);
		s->progress = NULL;
		sym_image_journal_add(pending, s->now, SYM_AUDIT_REKEY_FAILED,
		    "threshold met but the shares do not unseal; progress "
		    "cleared");
		out->journal_rc = sym_image_pending_put(s->img, pending);
		if (out->journal_rc != SYM_OK)
			snprintf(out->warning, sizeof out->warning, "warning: the "
			    "failure could not be journaled in %s", s->name);
		sym_uuid_text(nonce, s->want);
		refuse(&out->said, SYM_REKEY_NO_UNSEAL, "the shares "
		    "do not unseal this image: rekey progress cleared, nonce %s "
		    "kept", nonce);
		return SYM_OK;
	}
	seqid = info->seqid;
	rc = complete(s->img, r, s->armor, s->now, &out->deal);
	if (rc == SYM_EEXIST) {
		/* Left by an interrupted completion: those shares never took
		 * effect, but they are not ours to remove. */
		refuse(&out->said, SYM_REKEY_SHARES_LEFT, "%s: "
		    "already holds share files (from an interrupted rekey?); "
		    "move them away and submit again: the current shares still "
		    "unseal the image", r->out_dir);
		return SYM_OK;
	}
	if (rc != SYM_OK)	/* nothing changed; mostly, writing failed */
		return fail(out->said.why, r->out_dir, rc);
	rc = record_new_shares(s, out);
	if (rc != SYM_OK && info->seqid != seqid) {
		/* The commit failed after its first header copy was written (a
		 * failed fsync): that copy may be the state on disk, so the new
		 * shares may be the only ones that open the image.  Never
		 * remove them then. */
		refuse(&out->said, SYM_REKEY_AFTER_HEADER, "%s: %s "
		    "after the new header was written: keep the new shares in "
		    "%s and the current ones, and see which unseal", s->name,
		    sym_strerror(rc), r->out_dir);
		sym_deal_output_free(&out->deal);
		return rc;
	}
	if (rc != SYM_OK) {
		sym_deal_remove(&out->deal, r->out_dir, s->armor);
		sym_deal_output_free(&out->deal);
		return rc;
	}
	sym_rekey_progress_wipe(s->progress);
	s->progress = NULL;
	out->outcome = r->verify ? SYM_REKEY_ISSUED : SYM_REKEY_COMPLETED;
	out->generation = r->verify ? info->pending_seal.generation :
	    info->seal.generation;
	memcpy(out->verification_nonce, pending->verification_nonce,
	    sizeof out->verification_nonce);
	return SYM_OK;
}

/* The new quorum is in: it must open the pending wrapping; then it
 * becomes the active one, the old destroyed, in one commit. */
static int
finish_verify(struct sym_rekey_submission *s,
    struct sym_rekey_submit_result *out, const struct sym_quorum *q)
{
	const struct sym_image_info *info = sym_image_info(s->img);
	struct sym_image_pending *pending = &s->pending;
	uint8_t *key = NULL;
	size_t key_len = 0;
	char detail[96];
	int rc = sym_quorum_recover(&key, &key_len, q);

	if (rc == SYM_OK && key_len == SYM_IMAGE_KEY_BYTES)
		rc = sym_image_unseal_pending(s->img, key);
	else if (rc == SYM_OK || rc == SYM_ECOMMITMENT)
		rc = SYM_EUNSEAL;
	if (rc != SYM_OK) {
		sym_rekey_progress_wipe(s->progress);
		s->progress = NULL;
		/* Vault rotates the verification nonce on a wrong set. */
		out->journal_rc = sym_random_bytes(pending->verification_nonce,
		    SYM_IMAGE_NONCE_BYTES, SYM_RANDOM_PUBLIC);
		if (out->journal_rc == SYM_OK) {
			sym_image_journal_add(pending, s->now,
			    SYM_AUDIT_REKEY_VERIFY_FAILED, "incorrect key shares "
			    "supplied; verification nonce rotated");
			out->journal_rc = sym_image_pending_put(s->img, pending);
		}
		if (out->journal_rc != SYM_OK)
			snprintf(out->warning, sizeof out->warning, "warning: the "
			    "verification nonce could not be rotated in %s",
			    s->name);
		refuse(&out->said, SYM_REKEY_VERIFY_FAILED, "rekey "
		    "verification failed; incorrect key shares supplied");
		sym_secmem_free(key);
		return SYM_OK;
	}
	free(pending->rekey);
	pending->rekey = NULL;
	pending->rekey_len = 0;
	pending->has_verification_nonce = 0;
	rc = sym_image_rekey_promote(s->img, key);
	if (rc == SYM_OK)
		rc = sym_image_pending_put(s->img, pending);
	if (rc == SYM_OK) {
		snprintf(detail, sizeof detail, "generation %llu active; the "
		    "previous generation destroyed",
		    (unsigned long long)info->seal.generation);
		rc = sym_image_commit(s->img, SYM_AUDIT_REKEY_VERIFIED, detail,
		    s->now);
	}
	if (rc == SYM_OK) {
		sym_rekey_progress_wipe(s->progress);
		s->progress = NULL;
		out->outcome = SYM_REKEY_VERIFIED;
		out->generation = info->seal.generation;
	}
	sym_secmem_free(key);
	return rc;
}

/* The new shares, for their holders to pick up, and what they are now. */
static void
issued_text(struct sym_rekey_submit_result *out)
{
	const struct sym_manifest *m = out->deal.record;
	struct sym_rekey_text *t = &out->said.text;
	char file[4096], v[SYM_UUID_TEXT_BYTES];

	for (unsigned i = 1; i <= m->count; i++) {
		const struct sym_manifest_entry *e = &m->entries[i - 1];

		if (sym_deal_path(file, sizeof file, &out->deal, out->out_dir, i,
		    out->armor) != SYM_OK)
			continue;
		text_add(t, "Key %-18u %s%s%s", i, file, e->holder[0] ?
		    "  holder " : "", e->holder);
		/* Each holder confirms their key by its fingerprint. */
		if (e->protection == SYM_SHARE_OPENPGP)
			text_add(t, "  OpenPGP ");
		for (size_t j = 0; e->protection == SYM_SHARE_OPENPGP &&
		    j < sizeof e->pgp_fingerprint; j++)
			text_add(t, "%02X", e->pgp_fingerprint[j]);
		text_add(t, "\n");
	}
	if (out->outcome == SYM_REKEY_COMPLETED)
		text_add(t, "\nRekey complete: generation %llu, %u of %u shares. "
		    "The old shares no longer\nunseal the image.\n",
		    (unsigned long long)out->generation, out->threshold,
		    out->shares);
	else
		text_add(t, "\n%-22s %s\n\nThese key shares are not valid "
		    "until verification is performed.  Do not\nlose or discard "
		    "your current key shares until after verification is\n"
		    "complete.  If you cancel the rekey before verification is "
		    "complete the\nnew shares are discarded and the current "
		    "shares remain valid.\n", "Verification Nonce",
		    uuid(v, out->verification_nonce));
}

int
sym_rekey_submission_finish(struct sym_rekey_submission *s,
    struct sym_rekey_submit_result *out, const struct sym_quorum *q,
    int interrupted)
{
	int rc = SYM_OK;

	memset(out, 0, sizeof *out);
	out->count = sym_quorum_count(q);
	out->needed = s->needed;
	out->shares = s->rekey.shares;
	out->threshold = s->rekey.threshold;
	out->armor = s->armor;
	snprintf(out->out_dir, sizeof out->out_dir, "%s", s->rekey.out_dir);
	s->rekey.armor = s->armor;
	if (s->progress == NULL) {
		rc = SYM_EUSAGE;
	} else if (interrupted || out->count < s->needed) {
		/* Shares reported accepted before a refusal are kept, as
		 * Vault keeps each key it took. */
		out->outcome = SYM_REKEY_KEPT;
		if (!interrupted ||
		    sym_rekey_progress_count(s->progress) > s->saved)
			rc = keep_progress(s);
		if (rc != SYM_OK && interrupted) {
			out->journal_rc = rc;
			snprintf(out->warning, sizeof out->warning, "warning: the "
			    "shares accepted could not be kept: %s",
			    sym_strerror(rc));
			rc = SYM_OK;
		}
		if (rc == SYM_OK && !interrupted)
			text_add(&out->said.text, "%s %zu/%u\n",
			    s->verification ? "Verification Progress" :
			    "Rekey Progress", out->count, out->needed);
	} else if (!s->verification) {
		rc = finish_complete(s, out, q);
	} else {
		rc = finish_verify(s, out, q);
	}
	if (rc == SYM_OK && (out->outcome == SYM_REKEY_COMPLETED ||
	    out->outcome == SYM_REKEY_ISSUED))
		issued_text(out);
	if (rc == SYM_OK && out->outcome == SYM_REKEY_VERIFIED)
		text_add(&out->said.text, "Rekey verification successful. The new "
		    "shares (generation %llu) are now active;\nthe old shares "
		    "no longer unseal the image.\n",
		    (unsigned long long)out->generation);
	sym_rekey_submission_free(s);
	return rc;
}

void
sym_rekey_submit_result_free(struct sym_rekey_submit_result *r)
{
	sym_deal_output_free(&r->deal);
	sym_rekey_text_free(&r->said.text);
}
