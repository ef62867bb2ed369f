/*
 * The rekey submission (rekey.h): current shares toward completion, with
 * the crash-safe order of a completion (new shares on disk first, then
 * one header commit), and the new shares proving themselves for -verify.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbolon/audit.h"
#include "symbolon/io.h"
#include "symbolon/random.h"
#include "symbolon/rekey.h"
#include "symbolon/secmem.h"
#include "symbolon/seal_auto.h"
#include "symbolon/seal_devices.h"
#include "symbolon/seal_shamir.h"

#include "rekey_internal.h"

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

/* The new key becomes the target's: the unseal key (its wrapping, with a
 * new root key) or the recovery key, at once or pending verification. */
static int
install(struct sym_image *img, const struct sym_rekey *r, const uint8_t *key,
    const struct sym_manifest *record)
{
	struct sym_image_seal seal;

	memset(&seal, 0, sizeof seal);
	seal.type = SYM_SEAL_SHAMIR;
	seal.shares = r->shares;
	seal.threshold = r->threshold;
	seal.generation = sym_rekey_generation(img, r->target) + 1;
	memcpy(seal.manifest_hash, record->hash, SYM_MANIFEST_HASH_BYTES);
	if (r->target == SYM_REKEY_RECOVERY)
		return sym_image_recovery_install(img, key, &seal, r->verify);
	return sym_image_rekey_install(img, key, &seal, r->verify);
}

/*
 * On an image unsealed for the current quorum: a new key for r's target
 * (the unseal key, or the recovery key), dealt as generation + 1 to r's
 * holders and signed by the image identity, written into r->out_dir,
 * then installed (pending verification when r->verify).  The caller
 * commits.  On failure nothing has changed and the files written are
 * removed.
 */
static int
complete(struct sym_image *img, const struct sym_rekey *r, int armor,
    uint64_t now, struct sym_deal_output *out)
{
	const struct sym_image_info *info = sym_image_info(img);
	struct sym_pgp_recipient *pgp[SYM_SHAMIR_MAX_SHARES] = { 0 };
	struct sym_deal_holder holders[SYM_SHAMIR_MAX_SHARES];
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
			.recovery = r->target == SYM_REKEY_RECOVERY,
			.secret = key, .secret_len = SYM_IMAGE_KEY_BYTES,
			.threshold = r->threshold, .count = r->shares,
			.generation = sym_rekey_generation(img, r->target) + 1,
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
	if (rc == SYM_OK)
		rc = install(img, r, key, out->record);
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

/*
 * The barrier of an auto-sealed image (unsealed by its device): a new
 * unseal key, wrapped by the image's seal for generation + 1 (the binding
 * names it), installed with a new root key; no shares.  The caller
 * commits; on failure the image is as it was, and why may name the
 * device's reason.
 */
static int
complete_sealed(struct sym_image *img, const struct sym_seal_pin *pin,
    uint64_t now, char why[SYM_REKEY_WHY_MAX])
{
	const struct sym_image_info *info = sym_image_info(img);
	struct sym_image_device before;
	struct sym_seal_spec spec;
	struct sym_seal seal;
	struct sym_seal_made made;
	char device_why[SYM_SEAL_WHY_MAX] = "";
	uint8_t *key = NULL;
	int rc;

	if (!sym_image_is_unsealed(img))
		return SYM_ESEALED;
	if (info->device_count != 1) {
		snprintf(why, SYM_REKEY_WHY_MAX, "the image has %zu seals: a "
		    "barrier rekey wraps the new key by one seal only (Seal HA "
		    "is not supported yet)", info->device_count);
		return SYM_EUSAGE;
	}
	before = info->devices[0];
	memset(&made, 0, sizeof made);
	memset(&spec, 0, sizeof spec);
	snprintf(spec.type, sizeof spec.type, "%s", before.type);
	snprintf(spec.name, sizeof spec.name, "%s", before.name);
	spec.priority = before.priority;
	spec.params = before.params;
	rc = sym_seal_auto_new(&seal, &spec, pin, NULL, device_why);
	if (rc == SYM_OK &&
	    (key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES)) == NULL)
		rc = SYM_ENOMEM;
	if (rc == SYM_OK)
		rc = sym_seal_make(&seal, key, &made, img, now);
	if (rc != SYM_OK && device_why[0] != '\0')
		snprintf(why, SYM_REKEY_WHY_MAX, "%s", device_why);
	if (rc == SYM_OK)
		rc = sym_image_set_devices(img, &made.device, 1);
	if (rc == SYM_OK)
		rc = sym_image_rekey_install(img, key, &made.record, 0);
	/* The image's own record back (it passed the same checks). */
	if (rc != SYM_OK && made.has_device &&
	    sym_image_set_devices(img, &before, 1) != SYM_OK)
		rc = SYM_EINTERNAL;	/* its own record: never refused */
	sym_seal_free(&seal);
	sym_secmem_free(key);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Submission */

struct sym_rekey_submission {
	struct sym_image *img;
	struct sym_image_pending pending;
	struct sym_rekey rekey;	/* its pgp keys point into pending */
	enum sym_rekey_target target;
	int auto_seal;			/* quorum: recovery shares + device */
	struct sym_seal_pin pin;
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
plan_text(struct sym_rekey_text *t, const struct sym_image *img,
    const struct sym_rekey *r)
{
	const struct sym_image_info *info = sym_image_info(img);

	if (r->shares == 0) {
		sym_rekey_say(t, "Rekey the barrier: a new unseal key, wrapped "
		    "by seal '%s' (%s); no shares are made, the recovery "
		    "shares stay valid\n", info->devices[0].name,
		    info->devices[0].type);
		sym_rekey_say_signer(t, "Started by", r->signer);
		return;
	}
	sym_rekey_say(t, "Rekey to %u of %u new %sshares%s, written to %s; "
	    "holders:", r->threshold, r->shares, r->target ==
	    SYM_REKEY_RECOVERY ? "recovery " : "", r->verify ?
	    " (verification required)" : "", r->out_dir);
	for (unsigned i = 0; i < r->shares; i++)
		sym_rekey_say(t, "%s %s%s", i ? "," : "",
		    r->holder_names[i][0] ? r->holder_names[i] :
		    r->has_identity[i] ? r->identities[i].name : "(unnamed)",
		    r->has_identity[i] ? " (encrypted to their identity)" : "");
	sym_rekey_say(t, "\n");
	sym_rekey_say_signer(t, "Started by", r->signer);
}

/* The refusals of open, in the order Vault checks them. */
static int
submission_check(struct sym_rekey_submission *s,
    struct sym_rekey_submission_info *info, int have, const char *nonce_text)
{
	uint8_t nonce[SYM_REKEY_NONCE_BYTES];
	char want[SYM_UUID_TEXT_BYTES];

	if (sym_rekey_target_refused(&info->said, s->img, s->target, have,
	    &s->rekey))
		return SYM_OK;
	if (!s->verification && !have)
		return sym_rekey_refuse(&info->said, SYM_REKEY_NONE,
		    "no %srekey in progress", s->target == SYM_REKEY_RECOVERY ?
		    "recovery " : "");
	if (s->verification && !sym_rekey_verifying(s->img, &s->pending))
		return sym_rekey_refuse(&info->said,
		    SYM_REKEY_NO_VERIFICATION, "no rekey verification in "
		    "progress");
	memcpy(s->want, s->verification || s->pending.has_verification_nonce ?
	    s->pending.verification_nonce : s->rekey.nonce, sizeof s->want);
	memcpy(info->expected, s->want, sizeof info->expected);
	sym_uuid_text(want, s->want);
	if (!s->verification && s->pending.has_verification_nonce)
		return sym_rekey_refuse(&info->said,
		    SYM_REKEY_AWAITS_VERIFICATION, "rekey operation already "
		    "finished; verification must be performed; nonce for the "
		    "verification operation is %s", want);
	if (nonce_text == NULL)
		return sym_rekey_refuse(&info->said, SYM_REKEY_NO_NONCE,
		    "missing nonce: give it with --nonce (it is %s)", want);
	if (sym_uuid_parse(nonce, nonce_text) != SYM_OK ||
	    memcmp(nonce, s->want, sizeof nonce) != 0)
		return sym_rekey_refuse(&info->said, SYM_REKEY_WRONG_NONCE,
		    "incorrect nonce supplied; nonce for this %s operation is "
		    "%s", s->verification ? "verify" : "rekey", want);
	if (!s->verification && s->rekey.generation !=
	    sym_rekey_generation(s->img, s->target))
		return sym_rekey_refuse(&info->said, SYM_REKEY_STALE,
		    "the rekey was started for generation %llu, but the "
		    "image%s is at generation %llu; cancel it",
		    (unsigned long long)s->rekey.generation, s->target ==
		    SYM_REKEY_RECOVERY ? "'s recovery key" : "",
		    (unsigned long long)sym_rekey_generation(s->img,
		    s->target));
	return SYM_OK;
}

int
sym_rekey_submission_open(struct sym_rekey_submission **out,
    struct sym_rekey_submission_info *info, struct sym_image *img,
    const struct sym_rekey_submit_params *p)
{
	struct sym_rekey_submission *s = calloc(1, sizeof *s);
	const struct sym_image_seal *quorum;
	int rc, have;

	*out = NULL;
	memset(info, 0, sizeof *info);
	if (s == NULL)
		return SYM_ENOMEM;
	s->img = img;
	s->target = p->target;
	s->auto_seal = sym_rekey_auto(img);
	if (p->pin != NULL)
		s->pin = *p->pin;
	s->verification = p->verification;
	s->armor = p->armor;
	s->now = p->now;
	s->ttl = p->ttl;
	s->name = p->image_name ? p->image_name : "image";
	if (p->no_shares) {
		sym_rekey_refuse(&info->said, SYM_REKEY_NO_SHARES, "no share "
		    "given: use --share FILE, or run at a terminal to be asked "
		    "for one");
		free(s);
		return SYM_OK;
	}
	rc = sym_rekey_load(img, &s->pending, &s->rekey, &have);
	if (rc != SYM_OK) {
		free(s);
		return rc;
	}
	(void)submission_check(s, info, have, p->nonce);
	if (info->said.refusal != SYM_REKEY_ACCEPTED) {
		sym_rekey_submission_free(s);
		return SYM_OK;
	}
	quorum = sym_rekey_quorum_seal(img, s->verification);
	s->needed = s->verification && p->all ? quorum->shares :
	    quorum->threshold;
	info->needed = s->needed;
	info->recovery = s->auto_seal;
	info->progress_label = s->verification ? "Verification Progress" :
	    "Rekey Progress";
	if (!s->verification)
		plan_text(&info->plan, img, &s->rekey);
	*out = s;
	return SYM_OK;
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
		return sym_rekey_fail(info->said.why, NULL, rc);
	if (info->expired)
		snprintf(info->warning, sizeof info->warning, "warning: "
		    "shares entered more than %llu seconds ago expired and "
		    "were wiped; enter them again", (unsigned long long)s->ttl);
	if (progress_fits(s->progress) != SYM_OK) {
		sym_rekey_progress_wipe(s->progress);
		s->progress = NULL;
		rc = sym_rekey_progress_load(&s->progress, id, s->want, s->now,
		    s->ttl, NULL);
	} else {
		rc = sym_rekey_progress_replay(s->progress, q);
	}
	if (rc != SYM_OK)
		return sym_rekey_fail(info->said.why, NULL, rc);
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
	snprintf(detail, sizeof detail, "%s%s share %u of %u (x %u%s%s) "
	    "accepted", s->verification ? "new" : "current", share->recovery ?
	    " recovery" : "", share->index, share->count,
	    share->x, share->holder[0] ? ", holder " : "", share->holder);
	sym_image_journal_add(&s->pending, s->now, SYM_AUDIT_REKEY_SHARE,
	    detail);
	return sym_rekey_progress_add(s->progress, bundle, len, share->raw,
	    share->raw_len);
}

static void warn(struct sym_rekey_submit_result *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A warning about a step that failed after the main one (its text). */
static void
warn(struct sym_rekey_submit_result *out, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(out->warning, sizeof out->warning, "warning: ");

	va_start(ap, fmt);
	vsnprintf(out->warning + n, sizeof out->warning - (size_t)n, fmt, ap);
	va_end(ap);
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

/* What the commit of a completion says in the audit log. */
static void
new_shares_detail(char *detail, size_t cap,
    const struct sym_rekey_submission *s)
{
	const struct sym_image_info *info = sym_image_info(s->img);
	const struct sym_rekey *r = &s->rekey;
	const int recovery = r->target == SYM_REKEY_RECOVERY;

	if (r->shares == 0) {
		snprintf(detail, cap, "generation %llu: barrier key rotated by "
		    "seal '%s'; no shares (auto seal)",
		    (unsigned long long)info->seal.generation,
		    info->devices[0].name);
		return;
	}
	snprintf(detail, cap, "%sgeneration %llu: %u of %u %sshares%s",
	    recovery ? "recovery " : "", (unsigned long long)
	    sym_rekey_generation(s->img, r->target) + (r->verify ? 1 : 0),
	    r->threshold, r->shares, recovery ? "recovery " : "",
	    r->verify ? ", pending verification" : ", active");
}

/* The new shares issued, in the same header commit as the new wrapping
 * (or recovery key): the verification nonce or the end of the rekey, the
 * backup of OpenPGP shares, and the audit record. */
static int
record_new_shares(struct sym_rekey_submission *s,
    struct sym_rekey_submit_result *out)
{
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
		new_shares_detail(detail, sizeof detail, s);
		rc = sym_image_commit(s->img, r->verify ?
		    SYM_AUDIT_REKEY_ISSUED : SYM_AUDIT_REKEY, detail, s->now);
	}
	return rc;
}

/* A wrong set at the threshold: its progress wiped, and the failure
 * journaled (the image still sealed) or committed with its audit record
 * (unsealed by its device).  Returns SYM_OK: what failed to be recorded
 * is out's warning. */
static int
record_failure(struct sym_rekey_submission *s,
    struct sym_rekey_submit_result *out, const char *operation,
    const char *detail, const char *unrecorded)
{
	sym_rekey_progress_wipe(s->progress);
	s->progress = NULL;
	if (out->journal_rc != SYM_OK) {
		/* nothing more to record */
	} else if (sym_image_is_unsealed(s->img)) {
		out->journal_rc = sym_image_pending_put(s->img, &s->pending);
		if (out->journal_rc == SYM_OK)
			out->journal_rc = sym_image_commit(s->img, operation,
			    detail, s->now);
	} else {
		sym_image_journal_add(&s->pending, s->now, operation, detail);
		out->journal_rc = sym_image_pending_put(s->img, &s->pending);
	}
	if (out->journal_rc != SYM_OK)
		warn(out, "%s in %s", unrecorded, s->name);
	return SYM_OK;
}

/*
 * An auto-sealed image: unsealed through its device (a failure: its one
 * line in why), then the recovery key the quorum recovers checked
 * against the image's (pending: the new one): SYM_ERECOVERY when it is
 * not that key.
 */
static int
open_by_device(struct sym_rekey_submission *s, char why[SYM_REKEY_WHY_MAX],
    const struct sym_quorum *q, int pending)
{
	struct sym_seal_devices_report report;
	char line[SYM_SEAL_WHY_MAX * 2];
	int rc = sym_seal_devices_authorise(s->img, &s->pin, q, pending,
	    &report);

	if (rc != SYM_OK && report.used < 0) {
		sym_seal_devices_explain(line, sizeof line, &report);
		snprintf(why, SYM_REKEY_WHY_MAX, "%s; nothing changed, rekey "
		    "progress kept at %zu/%u", line, s->saved, s->needed);
	}
	return rc;
}

/* The current quorum opens the image, or the recovery shares match its
 * recovery key: SYM_OK, or a refusal (a wrong set: progress cleared, the
 * nonce kept, as Vault does), or an error that changed nothing. */
static int
authorise(struct sym_rekey_submission *s, struct sym_rekey_submit_result *out,
    const struct sym_quorum *q)
{
	char nonce[SYM_UUID_TEXT_BYTES];
	int rc;

	sym_uuid_text(nonce, s->want);
	if (s->auto_seal) {
		rc = open_by_device(s, out->said.why, q, 0);
		if (rc != SYM_ERECOVERY)
			return rc;
		record_failure(s, out, SYM_AUDIT_REKEY_FAILED, "threshold met "
		    "but the recovery shares do not match; progress cleared",
		    "the failure could not be recorded");
		return sym_rekey_refuse(&out->said, SYM_REKEY_NO_RECOVERY,
		    "threshold met but the recovery shares do not match this "
		    "image's recovery key: rekey progress cleared, nonce %s "
		    "kept", nonce);
	}
	rc = sym_seal_shamir_unseal(s->img, q);
	/* Only shares that do not open the image count against them; an
	 * I/O or memory failure keeps the holders' progress. */
	if (rc != SYM_EUNSEAL)
		return rc;
	record_failure(s, out, SYM_AUDIT_REKEY_FAILED, "threshold met but the "
	    "shares do not unseal; progress cleared",
	    "the failure could not be journaled");
	return sym_rekey_refuse(&out->said, SYM_REKEY_NO_UNSEAL, "the shares "
	    "do not unseal this image: rekey progress cleared, nonce %s kept",
	    nonce);
}

/* The commit failed: after its first header copy was written (a failed
 * fsync) that copy may be the state on disk, so new shares may be the
 * only ones that open the image: never remove them then. */
static int
commit_failed(struct sym_rekey_submission *s,
    struct sym_rekey_submit_result *out, int rc, int after_header)
{
	const struct sym_rekey *r = &s->rekey;

	if (after_header && r->shares == 0)
		sym_rekey_refuse(&out->said, SYM_REKEY_AFTER_HEADER, "%s: %s "
		    "after the new header was written: the image holds the "
		    "old or the new key, and its seal opens either", s->name,
		    sym_strerror(rc));
	else if (after_header)
		sym_rekey_refuse(&out->said, SYM_REKEY_AFTER_HEADER, "%s: %s "
		    "after the new header was written: keep the new shares in "
		    "%s and the current ones, and see which unseal", s->name,
		    sym_strerror(rc), r->out_dir);
	else if (r->shares != 0)
		sym_deal_remove(&out->deal, r->out_dir, s->armor);
	sym_deal_output_free(&out->deal);
	return rc;
}

/* The current quorum is in: authorise, make the new key (deal, write,
 * install; or wrap by the seal), commit.  The order is what makes a crash
 * safe; rekey_crash.bats counts its writes. */
static int
finish_complete(struct sym_rekey_submission *s,
    struct sym_rekey_submit_result *out, const struct sym_quorum *q)
{
	const struct sym_image_info *info = sym_image_info(s->img);
	struct sym_rekey *r = &s->rekey;
	uint64_t seqid;
	int rc = authorise(s, out, q);

	if (rc != SYM_OK || out->said.refusal != SYM_REKEY_ACCEPTED)
		return rc;
	seqid = info->seqid;
	if (r->shares == 0)
		rc = complete_sealed(s->img, &s->pin, s->now, out->said.why);
	else
		rc = complete(s->img, r, s->armor, s->now, &out->deal);
	if (rc == SYM_EEXIST && r->shares != 0) {
		/* Left by an interrupted completion: those shares never took
		 * effect, but they are not ours to remove. */
		return sym_rekey_refuse(&out->said, SYM_REKEY_SHARES_LEFT, "%s: "
		    "already holds share files (from an interrupted rekey?); "
		    "move them away and submit again: the current shares still "
		    "%s the image", r->out_dir, s->auto_seal ? "authorise" :
		    "unseal");
	}
	if (rc != SYM_OK)	/* nothing changed; mostly, writing failed */
		return out->said.why[0] ? rc : sym_rekey_fail(out->said.why,
		    r->shares ? r->out_dir : NULL, rc);
	rc = record_new_shares(s, out);
	if (rc != SYM_OK)
		return commit_failed(s, out, rc, info->seqid != seqid);
	sym_rekey_progress_wipe(s->progress);
	s->progress = NULL;
	out->outcome = r->verify ? SYM_REKEY_ISSUED : SYM_REKEY_COMPLETED;
	out->no_shares = r->shares == 0;
	if (r->target == SYM_REKEY_RECOVERY)
		out->generation = r->verify ?
		    info->pending_recovery.generation :
		    info->recovery.generation;
	else
		out->generation = r->verify ? info->pending_seal.generation :
		    info->seal.generation;
	memcpy(out->verification_nonce, s->pending.verification_nonce,
	    sizeof out->verification_nonce);
	return SYM_OK;
}

/* The new quorum opens the pending wrapping (Shamir; *key: the new unseal
 * key), or recovers the pending recovery key (auto, once the device has
 * unsealed the image).  SYM_EUNSEAL for a wrong set. */
static int
open_pending(struct sym_rekey_submission *s, char why[SYM_REKEY_WHY_MAX],
    const struct sym_quorum *q, uint8_t **key)
{
	size_t key_len = 0;
	int rc;

	*key = NULL;
	if (s->auto_seal) {
		rc = open_by_device(s, why, q, 1);
		return rc == SYM_ERECOVERY ? SYM_EUNSEAL : rc;
	}
	rc = sym_quorum_recover(key, &key_len, q);
	if (rc == SYM_OK && key_len == SYM_IMAGE_KEY_BYTES)
		rc = sym_image_unseal_pending(s->img, *key);
	else if (rc == SYM_OK || rc == SYM_ECOMMITMENT)
		rc = SYM_EUNSEAL;
	return rc;
}

/* The new quorum is in: it must open the pending wrapping (or match the
 * pending recovery key); then it becomes the active one, the old
 * destroyed, in one commit. */
static int
finish_verify(struct sym_rekey_submission *s,
    struct sym_rekey_submit_result *out, const struct sym_quorum *q)
{
	struct sym_image_pending *pending = &s->pending;
	const int recovery = s->target == SYM_REKEY_RECOVERY;
	uint8_t *key = NULL;
	char detail[96];
	int rc = open_pending(s, out->said.why, q, &key);

	if (rc == SYM_EUNSEAL) {
		/* Vault rotates the verification nonce on a wrong set. */
		out->journal_rc = sym_random_bytes(pending->verification_nonce,
		    SYM_IMAGE_NONCE_BYTES, SYM_RANDOM_PUBLIC);
		record_failure(s, out, SYM_AUDIT_REKEY_VERIFY_FAILED, "incorrect "
		    "key shares supplied; verification nonce rotated",
		    "the verification nonce could not be rotated");
		sym_rekey_refuse(&out->said, SYM_REKEY_VERIFY_FAILED, "rekey "
		    "verification failed; incorrect key shares supplied");
		rc = SYM_OK;
		goto out;
	}
	if (rc != SYM_OK)	/* not a wrong set: progress kept */
		goto out;
	free(pending->rekey);
	pending->rekey = NULL;
	pending->rekey_len = 0;
	pending->has_verification_nonce = 0;
	rc = recovery ? sym_image_recovery_promote(s->img) :
	    sym_image_rekey_promote(s->img, key);
	if (rc == SYM_OK)
		rc = sym_image_pending_put(s->img, pending);
	if (rc == SYM_OK) {
		snprintf(detail, sizeof detail, "%sgeneration %llu active; the "
		    "previous generation destroyed", recovery ? "recovery " :
		    "", (unsigned long long)sym_rekey_generation(s->img,
		    s->target));
		rc = sym_image_commit(s->img, SYM_AUDIT_REKEY_VERIFIED, detail,
		    s->now);
	}
	if (rc == SYM_OK) {
		sym_rekey_progress_wipe(s->progress);
		s->progress = NULL;
		out->outcome = SYM_REKEY_VERIFIED;
		out->generation = sym_rekey_generation(s->img, s->target);
	}
out:
	sym_secmem_free(key);
	return rc;
}

/* The new shares, for their holders to pick up. */
static void
share_list(struct sym_rekey_submit_result *out)
{
	const struct sym_manifest *m = out->deal.record;
	struct sym_rekey_text *t = &out->said.text;
	char file[4096];

	for (unsigned i = 1; i <= m->count; i++) {
		const struct sym_manifest_entry *e = &m->entries[i - 1];

		if (sym_deal_path(file, sizeof file, &out->deal, out->out_dir,
		    i, out->armor) != SYM_OK)
			continue;
		sym_rekey_say(t, "Key %-18u %s%s%s", i, file, e->holder[0] ?
		    "  holder " : "", e->holder);
		/* Each holder confirms their key by its fingerprint. */
		if (e->protection == SYM_SHARE_OPENPGP)
			sym_rekey_say(t, "  OpenPGP ");
		for (size_t j = 0; e->protection == SYM_SHARE_OPENPGP &&
		    j < sizeof e->pgp_fingerprint; j++)
			sym_rekey_say(t, "%02X", e->pgp_fingerprint[j]);
		sym_rekey_say(t, "\n");
	}
}

/* The new shares and what they are now; or, for an auto seal's barrier,
 * plainly that there are none (Vault's users were left wondering where
 * their new key went, V #18574). */
static void
issued_text(struct sym_rekey_submit_result *out, const char *seal)
{
	struct sym_rekey_text *t = &out->said.text;
	const int recovery = out->target == SYM_REKEY_RECOVERY;
	char v[SYM_UUID_TEXT_BYTES];

	if (out->no_shares) {
		sym_rekey_say(t, "Rekey complete: a new unseal key (generation "
		    "%llu), wrapped by seal '%s'.\nNo shares were produced: "
		    "the image unseals through its seal.  The recovery\nshares "
		    "are unchanged and still authorise rekey and export-root.\n",
		    (unsigned long long)out->generation, seal);
		return;
	}
	share_list(out);
	if (out->outcome == SYM_REKEY_COMPLETED)
		sym_rekey_say(t, "\nRekey complete: generation %llu, %u of %u "
		    "%sshares. The old %sshares no longer\n%s.\n",
		    (unsigned long long)out->generation, out->threshold,
		    out->shares, recovery ? "recovery " : "", recovery ?
		    "recovery " : "", recovery ? "authorise anything" :
		    "unseal the image");
	else
		sym_rekey_say(t, "\n%-22s %s\n\nThese key shares are not valid "
		    "until verification is performed.  Do not\nlose or discard "
		    "your current key shares until after verification is\n"
		    "complete.  If you cancel the rekey before verification is "
		    "complete the\nnew shares are discarded and the current "
		    "shares remain valid.\n", "Verification Nonce",
		    sym_rekey_uuid(v, out->verification_nonce));
}

int
sym_rekey_submission_finish(struct sym_rekey_submission *s,
    struct sym_rekey_submit_result *out, const struct sym_quorum *q,
    int interrupted)
{
	const struct sym_image_info *info = sym_image_info(s->img);
	int rc = SYM_OK;

	memset(out, 0, sizeof *out);
	out->count = sym_quorum_count(q);
	out->needed = s->needed;
	out->target = s->target;
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
			warn(out, "the shares accepted could not be kept: %s",
			    sym_strerror(rc));
			rc = SYM_OK;
		}
		if (rc == SYM_OK && !interrupted)
			sym_rekey_say(&out->said.text, "%s %zu/%u\n",
			    s->verification ? "Verification Progress" :
			    "Rekey Progress", out->count, out->needed);
	} else if (!s->verification) {
		rc = finish_complete(s, out, q);
	} else {
		rc = finish_verify(s, out, q);
	}
	if (rc == SYM_OK && (out->outcome == SYM_REKEY_COMPLETED ||
	    out->outcome == SYM_REKEY_ISSUED))
		issued_text(out, info->device_count ? info->devices[0].name :
		    "");
	if (rc == SYM_OK && out->outcome == SYM_REKEY_VERIFIED)
		sym_rekey_say(&out->said.text, "Rekey verification "
		    "successful. The new %sshares (generation %llu) are now "
		    "active;\nthe old %sshares no longer %s.\n", out->target ==
		    SYM_REKEY_RECOVERY ? "recovery " : "",
		    (unsigned long long)out->generation, out->target ==
		    SYM_REKEY_RECOVERY ? "recovery " : "", out->target ==
		    SYM_REKEY_RECOVERY ? "authorise anything" :
		    "unseal the image");
	sym_rekey_submission_free(s);
	return rc;
}

void
sym_rekey_submit_result_free(struct sym_rekey_submit_result *r)
{
	sym_deal_output_free(&r->deal);
	sym_rekey_text_free(&r->said.text);
}
