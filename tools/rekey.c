/*
 * symbolon rekey: Vault's `operator rekey`, offline.
 *
 *   --init        record a pending rekey (no shares needed)
 *   --nonce N     submit current shares, across as many invocations as
 *                 there are holders; at the threshold the new shares are
 *                 issued (and, without --verify, take effect at once)
 *   --verify      the new holders prove their shares; then they take effect
 *   --status, --cancel, --verify --cancel
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "symbolon/bundle.h"
#include "symbolon/identity.h"
#include "symbolon/image.h"
#include "symbolon/io.h"
#include "symbolon/random.h"
#include "symbolon/rekey.h"
#include "symbolon/secmem.h"

#include "cli.h"
#include "gather.h"

static const char synopsis[] =
    "usage: symbolon rekey --image FILE --init --key-shares N --key-threshold T\n"
    "                      --out-dir DIR [--verify] [--to A.pub,... |\n"
    "                      --holders A,...] [--signer PATH.key]\n"
    "       symbolon rekey --image FILE --nonce NONCE [--share FILE]...\n"
    "       symbolon rekey --image FILE --verify --nonce NONCE [--all]\n"
    "                      [--share FILE]...\n"
    "       symbolon rekey --image FILE --status [--format json]\n"
    "       symbolon rekey --image FILE --cancel [--verify]\n"
    "       symbolon rekey --image FILE --backup-retrieve | --backup-delete\n"
    "\n"
    "Replaces the unseal key and its shares.  --init needs no shares; then\n"
    "holders of the current shares submit them, one invocation each or all\n"
    "at once, with the nonce.  At the threshold the new shares are written\n"
    "to DIR.  With --verify they take effect only once a threshold (or,\n"
    "with --all, every one) of the new shares has been presented back; the\n"
    "old shares keep working until then.\n"
    "  --key-shares N, --key-threshold T  the new configuration\n"
    "  --out-dir DIR        where the new shares will be written\n"
    "  --to, --holders      the new holders (identities or names)\n"
    "  --signer PATH.key    the operator starting the rekey\n"
    "  --signer-passphrase-file FILE  that key's passphrase\n"
    GATHER_USAGE
    "  --ttl SECONDS        forget shares entered more than SECONDS ago\n"
    "                       (default 3600)\n"
    "  --pgp-keys K1,...    --init: seal new share I to OpenPGP key I (file or\n"
    "                       fingerprint); shares are share-I-of-N.asc\n"
    "  --backup             --init, with --pgp-keys: keep the sealed new shares\n"
    "                       in the image too (Vault's -backup)\n"
    "  --backup-retrieve    print the kept shares, their recipients and nonce\n"
    "  --backup-delete      delete the kept shares\n"
    "  --all                --verify: require every new share\n"
    "  --armor              the invocation that completes the rekey writes\n"
    "                       the new bundles in text form (.txt)\n"
    "  --format table|json  --status output\n";

struct options {
	const char *path, *nonce_text, *out_dir, *signer, *signer_pass;
	int init, verify, status, cancel, all, json, armor;
	int backup, backup_retrieve, backup_delete;
	const char *pgp[SYM_SHAMIR_MAX_SHARES];
	int pgp_count;
	unsigned shares, threshold;
	uint64_t ttl;
	const char *to[SYM_SHAMIR_MAX_SHARES], *names[SYM_SHAMIR_MAX_SHARES];
	int to_count, name_count;
	struct gather_options share_opts;
};

static uint64_t
now_seconds(void)
{
	return (uint64_t)time(NULL);
}

static void
format_time(char out[32], uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%llu", (unsigned long long)t);
}

/* Loads the pending operations and, if there is one, the rekey. */
static int
load_rekey(struct sym_image *img, struct sym_image_pending *pending,
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
	return rc;
}

static size_t
progress_count(const struct sym_image *img, const uint8_t *nonce,
    uint64_t ttl)
{
	struct sym_rekey_progress *p = NULL;
	size_t n = 0;

	if (sym_rekey_progress_load(&p, sym_image_info(img)->image_id, nonce,
	    now_seconds(), ttl, NULL) == SYM_OK) {
		n = sym_rekey_progress_count(p);
		sym_rekey_progress_free(p);
	}
	return n;
}

static int
print_status(struct sym_image *img, const struct options *o)
{
	const struct sym_image_info *info = sym_image_info(img);
	struct sym_image_pending pending;
	struct sym_rekey rekey;
	char nonce[SYM_UUID_TEXT_BYTES] = "", vnonce[SYM_UUID_TEXT_BYTES] = "";
	char started[32] = "";
	size_t progress = 0, vprogress = 0;
	int have, rc;

	rc = load_rekey(img, &pending, &rekey, &have);
	if (rc != SYM_OK)
		return cli_fail(rc, o->path);
	if (have) {
		sym_uuid_text(nonce, rekey.nonce);
		format_time(started, rekey.started);
		progress = progress_count(img, rekey.nonce, o->ttl);
	}
	if (pending.has_verification_nonce && info->verification_pending) {
		sym_uuid_text(vnonce, pending.verification_nonce);
		vprogress = progress_count(img, pending.verification_nonce, o->ttl);
		progress = 0;
	}
	if (o->json) {
		printf("{\n  \"nonce\": \"%s\",\n  \"started\": %s,\n", nonce,
		    have ? "true" : "false");
		printf("  \"started_at\": \"%s\",\n", started);
		printf("  \"t\": %u,\n  \"n\": %u,\n", have ? rekey.threshold : 0,
		    have ? rekey.shares : 0);
		printf("  \"progress\": %zu,\n  \"required\": %u,\n", progress,
		    info->seal.threshold);
		printf("  \"verification_required\": %s,\n",
		    have && rekey.verify ? "true" : "false");
		printf("  \"verification_nonce\": \"%s\",\n", vnonce);
		printf("  \"verification_progress\": %zu\n}\n", vprogress);
	} else {
		printf("%-22s %s\n", "Key", "Value");
		printf("%-22s %s\n", "---", "-----");
		printf("%-22s %s\n", "Nonce", have ? nonce : "n/a");
		printf("%-22s %s\n", "Started", have ? "true" : "false");
		if (have) {
			printf("%-22s %s\n", "Started At", started);
			printf("%-22s %zu/%u%s\n", "Rekey Progress", progress,
			    info->seal.threshold, vnonce[0] ?
			    " (verification in progress)" : "");
			printf("%-22s %u\n", "New Shares", rekey.shares);
			printf("%-22s %u\n", "New Threshold", rekey.threshold);
			printf("%-22s %s\n", "Verification Required",
			    rekey.verify ? "true" : "false");
			cli_print_signer("Started By", rekey.signer);
		}
		if (vnonce[0]) {
			printf("%-22s %s\n", "Verification Nonce", vnonce);
			printf("%-22s %zu/%u\n", "Verification Progress",
			    vprogress, o->all ? info->pending_seal.shares :
			    info->pending_seal.threshold);
		}
	}
	sym_image_pending_clear(&pending);
	return 0;
}

static int
do_init(struct sym_image *img, const struct options *o)
{
	static struct sym_rekey rekey;
	struct sym_image_pending pending;
	uint8_t *identity_bundles[SYM_SHAMIR_MAX_SHARES] = { 0 };
	size_t identity_lens[SYM_SHAMIR_MAX_SHARES] = { 0 };
	uint8_t *pgp_keys[SYM_SHAMIR_MAX_SHARES] = { 0 };
	static struct sym_pgp_key pgp_info[SYM_SHAMIR_MAX_SHARES];
	struct sym_identity_secret *signer = NULL;
	uint8_t *bundle = NULL;
	size_t len = 0;
	char nonce[SYM_UUID_TEXT_BYTES], started[32], path[4096], detail[160];
	int rc, have, status = 0;

	rc = load_rekey(img, &pending, &rekey, &have);
	if (rc != SYM_OK)
		return cli_fail(rc, o->path);
	if (have || pending.has_verification_nonce) {
		sym_image_pending_clear(&pending);
		cli_error("rekey already in progress");
		return CLI_EXIT_INVALID;
	}
	memset(&rekey, 0, sizeof rekey);
	memcpy(rekey.image_id, sym_image_info(img)->image_id, SYM_IMAGE_ID_BYTES);
	rekey.started = now_seconds();
	rekey.generation = sym_image_info(img)->seal.generation;
	rekey.shares = o->shares;
	rekey.threshold = o->threshold;
	rekey.verify = o->verify;
	snprintf(rekey.out_dir, sizeof rekey.out_dir, "%s", o->out_dir);
	if (snprintf(path, sizeof path, "%s/manifest.cbor", o->out_dir) > 0 &&
	    sym_io_check_absent(path) != SYM_OK) {
		cli_error("%s: already holds a deal; give an empty directory for "
		    "the new shares", o->out_dir);
		status = CLI_EXIT_USAGE;
		goto out;
	}
	for (int i = 0; i < o->name_count; i++)
		snprintf(rekey.holder_names[i], sizeof rekey.holder_names[i],
		    "%s", o->names[i]);
	for (int i = 0; i < o->to_count; i++) {
		/* The identity bundle goes into the rekey as it was given, so
		 * that the shares are encrypted to exactly that key. */
		rc = sym_bundle_read_file(&identity_bundles[i], &identity_lens[i],
		    o->to[i], NULL);
		if (rc == SYM_OK)
			rc = sym_identity_parse_public(&rekey.identities[i],
			    identity_bundles[i], identity_lens[i]);
		if (rc != SYM_OK) {
			status = cli_fail(rc, o->to[i]);
			goto out;
		}
	}
	rekey.backup = o->backup;
	for (int i = 0; i < o->pgp_count; i++) {
		struct sym_pgp_recipient *key = NULL;
		char fpr[SYM_PGP_FPR_CHARS + 1];

		/* Checked now, so that a bad key stops the rekey before any
		 * holder is called; checked again when the shares are made. */
		if ((status = cli_pgp_resolve(&key, &o->pgp[i], 1)) != 0)
			goto out;
		if (!rekey.holder_names[i][0])
			cli_pgp_holder_name(rekey.holder_names[i],
			    sizeof rekey.holder_names[i],
			    sym_pgp_recipient_key(key));
		pgp_info[i] = *sym_pgp_recipient_key(key);
		sym_pgp_recipient_free(key);
		if (sym_pgp_parse_fingerprint(fpr, o->pgp[i]) == SYM_OK) {
			memcpy(rekey.pgp_fpr[i], fpr, sizeof fpr);
			continue;
		}
		rc = sym_io_read_all(&pgp_keys[i], &rekey.pgp_key_len[i],
		    o->pgp[i], SYM_PGP_KEYFILE_MAX);
		if (rc != SYM_OK) {
			status = cli_fail(rc, o->pgp[i]);
			goto out;
		}
		rekey.pgp_key[i] = pgp_keys[i];
	}
	if (o->signer != NULL) {
		rc = sym_identity_load_secret(&signer, o->signer, o->signer_pass,
		    "Passphrase for the signer key (will be hidden): ");
		if (rc != SYM_OK) {
			status = cli_fail(rc, o->signer);
			goto out;
		}
	}
	rc = sym_rekey_encode(&bundle, &len, &rekey,
	    (const uint8_t *const *)identity_bundles, identity_lens,
	    signer ? signer->sign_secret : NULL);
	if (rc != SYM_OK) {
		status = cli_fail(rc, NULL);
		goto out;
	}
	pending.rekey = malloc(len);
	if (pending.rekey == NULL) {
		status = cli_fail(SYM_ENOMEM, NULL);
		goto out;
	}
	memcpy(pending.rekey, bundle, len);
	pending.rekey_len = len;
	sym_uuid_text(nonce, rekey.nonce);
	snprintf(detail, sizeof detail, "nonce %s, new %u of %u%s%s%s", nonce,
	    rekey.threshold, rekey.shares, rekey.verify ? ", verify" : "",
	    signer ? ", by " : "", signer ? signer->pub.name : "");
	sym_image_journal_add(&pending, rekey.started, "rekey-init", detail);
	rc = sym_image_pending_put(img, &pending);
	if (rc != SYM_OK) {
		status = cli_fail(rc, o->path);
		goto out;
	}
	format_time(started, rekey.started);
	printf("%-22s %s\n", "Key", "Value");
	printf("%-22s %s\n", "---", "-----");
	printf("%-22s %s\n", "Nonce", nonce);
	printf("%-22s %s\n", "Started", started);
	printf("%-22s 0/%u\n", "Rekey Progress", sym_image_info(img)->seal.threshold);
	printf("%-22s %u\n", "New Shares", rekey.shares);
	printf("%-22s %u\n", "New Threshold", rekey.threshold);
	printf("%-22s %s\n", "Verification Required", rekey.verify ? "true" :
	    "false");
	/* Vault prints the fingerprints; the holders confirm them. */
	for (int i = 0; i < o->pgp_count; i++) {
		char label[32];

		snprintf(label, sizeof label, "PGP Key %d", i + 1);
		printf("%-22s %s %s\n", label, pgp_info[i].fpr, pgp_info[i].uid);
	}
	if (o->pgp_count)
		printf("%-22s %s\n", "Backup", rekey.backup ? "true" : "false");
	if (signer != NULL)
		cli_print_signer("Started By", signer->pub.sign_public);
out:
	for (int i = 0; i < o->to_count; i++)
		sym_secmem_free(identity_bundles[i]);
	for (int i = 0; i < o->pgp_count; i++)
		sym_secmem_free(pgp_keys[i]);
	sym_secmem_free(bundle);
	sym_identity_secret_free(signer);
	sym_image_pending_clear(&pending);
	return status;
}

static int
do_cancel(struct sym_image *img, const struct options *o)
{
	struct sym_image_pending pending;
	struct sym_rekey rekey;
	struct sym_rekey_progress *p = NULL;
	int rc, have;

	rc = load_rekey(img, &pending, &rekey, &have);
	if (rc != SYM_OK)
		return cli_fail(rc, o->path);
	if (o->verify) {
		/* Vault's "rekey -cancel -verify": a fresh verification nonce,
		 * progress cleared, the rekey kept. */
		if (!pending.has_verification_nonce ||
		    !sym_image_info(img)->verification_pending) {
			sym_image_pending_clear(&pending);
			cli_error("no rekey verification in progress");
			return CLI_EXIT_INVALID;
		}
		if (sym_rekey_progress_load(&p, sym_image_info(img)->image_id,
		    pending.verification_nonce, now_seconds(), o->ttl,
		    NULL) == SYM_OK)
			sym_rekey_progress_wipe(p);
		rc = sym_random_bytes(pending.verification_nonce,
		    SYM_IMAGE_NONCE_BYTES, SYM_RANDOM_PUBLIC);
		sym_image_journal_add(&pending, now_seconds(),
		    "rekey-verify-cancel", "verification restarted");
	} else {
		if (have && sym_rekey_progress_load(&p,
		    sym_image_info(img)->image_id, rekey.nonce, now_seconds(),
		    o->ttl, NULL) == SYM_OK)
			sym_rekey_progress_wipe(p);
		if (pending.has_verification_nonce &&
		    sym_rekey_progress_load(&p, sym_image_info(img)->image_id,
		    pending.verification_nonce, now_seconds(), o->ttl,
		    NULL) == SYM_OK)
			sym_rekey_progress_wipe(p);
		if (have || pending.has_verification_nonce)
			sym_image_journal_add(&pending, now_seconds(),
			    "rekey-cancel", "rekey canceled; the new shares, if "
			    "any, are discarded");
		free(pending.rekey);
		pending.rekey = NULL;
		pending.rekey_len = 0;
		pending.has_verification_nonce = 0;
		rc = SYM_OK;
	}
	if (rc == SYM_OK)
		rc = sym_image_pending_put(img, &pending);
	sym_image_pending_clear(&pending);
	if (rc != SYM_OK)
		return cli_fail(rc, o->path);
	if (o->verify) {
		char vnonce[SYM_UUID_TEXT_BYTES];
		struct sym_image_pending now_pending;

		if (sym_image_pending_get(img, &now_pending) == SYM_OK) {
			sym_uuid_text(vnonce, now_pending.verification_nonce);
			printf("Success! Rekey verification canceled; the new "
			    "verification nonce is %s\n", vnonce);
			sym_image_pending_clear(&now_pending);
		}
	} else {
		printf("Success! Canceled rekeying (if it was started)\n");
	}
	return 0;
}

static int
print_backup_entry(void *ctx, unsigned index, const uint8_t fingerprint[20],
    const uint8_t *message, size_t len)
{
	char fpr[SYM_PGP_FPR_CHARS + 1];
	struct sym_pgp_key key;

	(void)ctx;
	for (size_t i = 0; i < 20; i++)
		snprintf(fpr + 2 * i, 3, "%02X", fingerprint[i]);
	printf("\n%-22s %u\n%-22s %s\n", "Key", index, "Recipient", fpr);
	memset(&key, 0, sizeof key);
	if (sym_pgp_lookup_keyid(&key, fpr + 24) == SYM_OK && key.uid[0])
		printf("%-22s %s\n", "User ID", key.uid);
	fwrite(message, 1, len, stdout);
	return 0;
}

/* Vault's rekey backup: retrieve or delete the sealed new shares. */
static int
do_backup(struct sym_image *img, const struct options *o)
{
	struct sym_image_pending pending;
	uint8_t nonce[SYM_IMAGE_NONCE_BYTES];
	char nonce_text[SYM_UUID_TEXT_BYTES];
	int rc = sym_image_pending_get(img, &pending);

	if (rc != SYM_OK)
		return cli_fail(rc, o->path);
	if (o->backup_delete) {
		free(pending.backup);
		pending.backup = NULL;
		pending.backup_len = 0;
		sym_image_journal_add(&pending, now_seconds(), "rekey-backup-delete",
		    "backed-up shares deleted");
		rc = sym_image_pending_put(img, &pending);
		sym_image_pending_clear(&pending);
		if (rc != SYM_OK)
			return cli_fail(rc, o->path);
		printf("Success! Deleted backed-up keys (if any)\n");
		return 0;
	}
	if (pending.backup == NULL) {
		sym_image_pending_clear(&pending);
		cli_error("no backed-up keys found");
		return CLI_EXIT_INVALID;
	}
	rc = sym_rekey_backup_parse(pending.backup, pending.backup_len, nonce,
	    NULL, NULL);
	if (rc == SYM_OK) {
		sym_uuid_text(nonce_text, nonce);
		printf("%-22s %s\n", "Nonce", nonce_text);
		rc = sym_rekey_backup_parse(pending.backup, pending.backup_len,
		    nonce, print_backup_entry, NULL);
	}
	sym_image_pending_clear(&pending);
	return rc == SYM_OK ? 0 : cli_fail(rc, o->path);
}

/* What the shares about to be entered will bring about. */
static void
print_plan(const struct sym_rekey *r)
{
	fprintf(stderr, "Rekey to %u of %u new shares%s, written to %s; "
	    "holders:", r->threshold, r->shares, r->verify ?
	    " (verification required)" : "", r->out_dir);
	for (unsigned i = 0; i < r->shares; i++) {
		const char *name = r->holder_names[i][0] ? r->holder_names[i] :
		    r->has_identity[i] ? r->identities[i].name : "(unnamed)";

		fprintf(stderr, "%s %s%s", i ? "," : "", name,
		    r->has_identity[i] ? " (encrypted to their identity)" : "");
	}
	fprintf(stderr, "\n");
	cli_print_signer_stderr("Started by", r->signer);
}

/* Records an accepted share in the progress and the journal. */
struct accept_ctx {
	struct sym_rekey_progress *progress;
	struct sym_image_pending *pending;
	const char *phase;
};

static int
on_accept(void *ctx, const uint8_t *bundle, size_t len,
    const struct sym_share *share)
{
	struct accept_ctx *a = ctx;
	char detail[160];

	snprintf(detail, sizeof detail, "%s share %u of %u (x %u%s%s) accepted",
	    a->phase, share->index, share->count, share->x,
	    share->holder[0] ? ", holder " : "", share->holder);
	sym_image_journal_add(a->pending, now_seconds(), "rekey-share", detail);
	return sym_rekey_progress_add(a->progress, bundle, len, share->raw,
	    share->raw_len);
}

static void
print_new_shares(const struct sym_deal_output *out, const char *dir, int armor)
{
	const struct sym_manifest *m = out->record;

	for (unsigned i = 1; i <= m->count; i++) {
		char label[32], file[4096];
		const struct sym_manifest_entry *e = &m->entries[i - 1];

		if (sym_deal_path(file, sizeof file, out, dir, i, armor) !=
		    SYM_OK)
			continue;
		snprintf(label, sizeof label, "Key %u", i);
		printf("%-22s %s%s%s", label, file, e->holder[0] ?
		    "  holder " : "", e->holder);
		/* Each holder confirms their key by its fingerprint. */
		if (e->protection == SYM_SHARE_OPENPGP) {
			printf("  OpenPGP ");
			for (size_t j = 0; j < sizeof e->pgp_fingerprint; j++)
				printf("%02X", e->pgp_fingerprint[j]);
		}
		printf("\n");
	}
}

static int
do_submit(struct sym_image *img, struct options *o)
{
	const struct sym_image_info *info = sym_image_info(img);
	struct sym_image_pending pending;
	struct sym_rekey rekey;
	struct sym_rekey_progress *progress = NULL;
	struct sym_deal_output out;
	struct gather g;
	struct accept_ctx actx;
	uint8_t nonce[SYM_IMAGE_NONCE_BYTES];
	char expected[SYM_UUID_TEXT_BYTES];
	const uint8_t *want;
	uint8_t *new_key = NULL;	/* verification: the proven new key */
	size_t saved;
	uint64_t seqid;
	int rc, have, status = 0, expired = 0, verifying = o->verify;
	uint64_t now = now_seconds();

	memset(&g, 0, sizeof g);
	memset(&out, 0, sizeof out);
	if (o->share_opts.source_count == 0 && !sym_io_isatty(0)) {
		cli_error("no share given: use --share FILE, or run at a "
		    "terminal to be asked for one");
		return CLI_EXIT_USAGE;
	}
	rc = load_rekey(img, &pending, &rekey, &have);
	if (rc != SYM_OK)
		return cli_fail(rc, o->path);
	if (!verifying && !have) {
		cli_error("no rekey in progress");
		status = CLI_EXIT_INVALID;
		goto out;
	}
	if (verifying && !(pending.has_verification_nonce &&
	    info->verification_pending)) {
		cli_error("no rekey verification in progress");
		status = CLI_EXIT_INVALID;
		goto out;
	}
	if (!verifying && pending.has_verification_nonce) {
		sym_uuid_text(expected, pending.verification_nonce);
		cli_error("rekey operation already finished; verification must "
		    "be performed; nonce for the verification operation is %s",
		    expected);
		status = CLI_EXIT_INVALID;
		goto out;
	}
	want = verifying ? pending.verification_nonce : rekey.nonce;
	sym_uuid_text(expected, want);
	if (o->nonce_text == NULL) {
		cli_error("missing nonce: give it with --nonce (it is %s)",
		    expected);
		status = CLI_EXIT_USAGE;
		goto out;
	}
	if (sym_uuid_parse(nonce, o->nonce_text) != SYM_OK ||
	    memcmp(nonce, want, sizeof nonce) != 0) {
		cli_error("incorrect nonce supplied; nonce for this %s operation "
		    "is %s", verifying ? "verify" : "rekey", expected);
		status = CLI_EXIT_INVALID;
		goto out;
	}
	if (!verifying && rekey.generation != info->seal.generation) {
		cli_error("the rekey was started for generation %llu, but the "
		    "image is at generation %llu; cancel it",
		    (unsigned long long)rekey.generation,
		    (unsigned long long)info->seal.generation);
		status = CLI_EXIT_INVALID;
		goto out;
	}
	if (!verifying)
		/* Shown before anyone enters a share: the configuration lives
		 * outside the signed header until the rekey completes. */
		print_plan(&rekey);
	rc = sym_rekey_progress_load(&progress, info->image_id, want, now,
	    o->ttl, &expired);
	if (rc != SYM_OK) {
		status = cli_fail(rc, NULL);
		goto out;
	}
	if (expired)
		cli_error("warning: shares entered more than %llu seconds ago "
		    "expired and were wiped; enter them again",
		    (unsigned long long)o->ttl);
	if ((status = gather_init(&g, img, &o->share_opts)) != 0)
		goto out;
	g.progress_label = verifying ? "Verification Progress" :
	    "Rekey Progress";
	g.pending_generation = verifying;
	g.required = verifying && o->all ? info->pending_seal.shares : 0;
	rc = sym_rekey_progress_replay(progress, g.quorum);
	if (rc != SYM_OK) {
		/* Saved shares that no longer fit (the image changed): start
		 * afresh rather than mix. */
		sym_rekey_progress_wipe(progress);
		progress = NULL;
		rc = sym_rekey_progress_load(&progress, info->image_id, want,
		    now, o->ttl, NULL);
		gather_free(&g);
		if (rc != SYM_OK || (status = gather_init(&g, img,
		    &o->share_opts)) != 0) {
			status = status ? status : cli_fail(rc, NULL);
			goto out;
		}
		g.progress_label = verifying ? "Verification Progress" :
		    "Rekey Progress";
		g.pending_generation = verifying;
		g.required = verifying && o->all ? info->pending_seal.shares : 0;
	}
	actx.progress = progress;
	actx.pending = &pending;
	actx.phase = verifying ? "new" : "current";
	g.on_accept = on_accept;
	g.on_accept_ctx = &actx;
	saved = sym_rekey_progress_count(progress);
	for (size_t i = 0; i < g.opts.source_count && status == 0; i++)
		status = gather_file(&g, g.opts.sources[i]);
	if (status == 0 && g.opts.source_count == 0 &&
	    sym_io_isatty(0) && sym_quorum_count(g.quorum) < gather_needed(&g))
		status = gather_prompt(&g);
	if (status != 0) {
		/* The shares taken before the refusal were reported as
		 * accepted: keep them, as Vault keeps each key it took. */
		if (sym_rekey_progress_count(progress) > saved &&
		    ((rc = sym_rekey_progress_save(progress)) != SYM_OK ||
		    (rc = sym_image_pending_put(img, &pending)) != SYM_OK))
			cli_error("warning: the shares accepted could not be "
			    "kept: %s", sym_strerror(rc));
		goto out;
	}
	if (sym_quorum_count(g.quorum) < gather_needed(&g)) {
		/* Not yet: keep the shares on tmpfs, the steps in the
		 * journal, and say where we are. */
		if ((rc = sym_rekey_progress_save(progress)) != SYM_OK ||
		    (rc = sym_image_pending_put(img, &pending)) != SYM_OK) {
			status = cli_fail(rc, o->path);
			goto out;
		}
		printf("%s %zu/%u\n", g.progress_label,
		    sym_quorum_count(g.quorum), gather_needed(&g));
		goto out;
	}

	if (!verifying) {
		rc = sym_image_unseal(img, g.quorum);
		if (rc != SYM_OK) {
			/* Vault's behaviour: progress cleared, nonce kept. */
			sym_rekey_progress_wipe(progress);
			progress = NULL;
			sym_image_journal_add(&pending, now, "rekey-failed",
			    "threshold met but the shares do not unseal; "
			    "progress cleared");
			if (sym_image_pending_put(img, &pending) != SYM_OK)
				cli_error("warning: the failure could not be "
				    "journaled in %s", o->path);
			cli_error("the shares do not unseal this image: rekey "
			    "progress cleared, nonce %s kept", expected);
			status = CLI_EXIT_INVALID;
			goto out;
		}
		seqid = info->seqid;
		rekey.armor = o->armor;
		rc = sym_rekey_complete(img, &rekey, now, &out);
		if (rc == SYM_EEXIST) {
			/* Left by an interrupted completion: those shares
			 * never took effect, but they are not ours to remove. */
			cli_error("%s: already holds share files (from an "
			    "interrupted rekey?); move them away and submit "
			    "again: the current shares still unseal the image",
			    rekey.out_dir);
			status = CLI_EXIT_INVALID;
			goto out;
		}
		if (rc != SYM_OK) {
			/* Nothing changed; what failed was, mostly, writing
			 * the new shares. */
			status = cli_fail(rc, rekey.out_dir);
			goto out;
		}
		if (rekey.verify) {
			pending.has_verification_nonce = 1;
			rc = sym_random_bytes(pending.verification_nonce,
			    SYM_IMAGE_NONCE_BYTES, SYM_RANDOM_PUBLIC);
		} else {
			free(pending.rekey);
			pending.rekey = NULL;
			pending.rekey_len = 0;
		}
		if (rc == SYM_OK && rekey.backup) {
			/* Written with the new wrapping, in the same header
			 * commit: if the shares count, so does their backup. */
			free(pending.backup);
			pending.backup = NULL;
			rc = sym_rekey_backup_encode(&pending.backup,
			    &pending.backup_len, rekey.nonce, &out);
		}
		if (rc == SYM_OK)
			rc = sym_image_pending_put(img, &pending);
		if (rc == SYM_OK) {
			char detail[160];

			snprintf(detail, sizeof detail, "generation %llu: %u of %u "
			    "shares%s", (unsigned long long)info->seal.generation +
			    (rekey.verify ? 1 : 0), rekey.threshold, rekey.shares,
			    rekey.verify ? ", pending verification" : ", active");
			rc = sym_image_commit(img, rekey.verify ?
			    "rekey-issued" : "rekey", detail, now);
		}
		if (rc != SYM_OK && info->seqid != seqid) {
			/* The commit failed after its first header copy was
			 * written (a failed fsync): that copy may be the state
			 * on disk, so the new shares may be the only ones that
			 * open the image.  Never remove them then. */
			cli_error("%s: %s after the new header was written: keep "
			    "the new shares in %s and the current ones, and see "
			    "which unseal", o->path, sym_strerror(rc),
			    rekey.out_dir);
			status = sym_exit_status(rc);
			goto out;
		}
		if (rc != SYM_OK) {
			if (out.record != NULL)
				sym_deal_remove(&out, rekey.out_dir, rekey.armor);
			status = cli_fail(rc, o->path);
			goto out;
		}
		sym_rekey_progress_wipe(progress);
		progress = NULL;
		print_new_shares(&out, rekey.out_dir, rekey.armor);
		if (rekey.verify) {
			char vnonce[SYM_UUID_TEXT_BYTES];

			sym_uuid_text(vnonce, pending.verification_nonce);
			printf("\n%-22s %s\n", "Verification Nonce", vnonce);
			printf("\nThese key shares are not valid until verification "
			    "is performed.  Do not\nlose or discard your current key "
			    "shares until after verification is\ncomplete.  If you "
			    "cancel the rekey before verification is complete the\n"
			    "new shares are discarded and the current shares remain "
			    "valid.\n");
		} else {
			printf("\nRekey complete: generation %llu, %u of %u shares. "
			    "The old shares no longer\nunseal the image.\n",
			    (unsigned long long)sym_image_info(img)->seal.generation,
			    rekey.threshold, rekey.shares);
		}
		goto out;
	}

	/* Verification: the new shares must open the pending wrapping. */
	{
		size_t key_len = 0;

		rc = sym_quorum_recover(&new_key, &key_len, g.quorum);
		if (rc == SYM_OK && key_len == SYM_IMAGE_KEY_BYTES)
			rc = sym_image_unseal_pending(img, new_key);
		else if (rc == SYM_OK || rc == SYM_ECOMMITMENT)
			rc = SYM_EUNSEAL;
	}
	if (rc != SYM_OK) {
		sym_rekey_progress_wipe(progress);
		progress = NULL;
		/* Vault rotates the verification nonce on a wrong set. */
		if (sym_random_bytes(pending.verification_nonce,
		    SYM_IMAGE_NONCE_BYTES, SYM_RANDOM_PUBLIC) != SYM_OK ||
		    (sym_image_journal_add(&pending, now, "rekey-verify-failed",
		    "incorrect key shares supplied; verification nonce rotated"),
		    sym_image_pending_put(img, &pending)) != SYM_OK)
			cli_error("warning: the verification nonce could not be "
			    "rotated in %s", o->path);
		cli_error("rekey verification failed; incorrect key shares "
		    "supplied");
		status = CLI_EXIT_INVALID;
		goto out;
	}
	free(pending.rekey);
	pending.rekey = NULL;
	pending.rekey_len = 0;
	pending.has_verification_nonce = 0;
	rc = sym_image_rekey_promote(img, new_key);
	if (rc == SYM_OK)
		rc = sym_image_pending_put(img, &pending);
	if (rc == SYM_OK) {
		char detail[96];

		snprintf(detail, sizeof detail, "generation %llu active; the "
		    "previous generation destroyed",
		    (unsigned long long)info->seal.generation);
		rc = sym_image_commit(img, "rekey-verified", detail, now);
	}
	if (rc != SYM_OK) {
		status = cli_fail(rc, o->path);
		goto out;
	}
	sym_rekey_progress_wipe(progress);
	progress = NULL;
	printf("Rekey verification successful. The new shares (generation %llu) "
	    "are now active;\nthe old shares no longer unseal the image.\n",
	    (unsigned long long)info->seal.generation);
out:
	sym_secmem_free(new_key);
	sym_rekey_progress_free(progress);
	sym_deal_output_free(&out);
	gather_free(&g);
	sym_image_pending_clear(&pending);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "init", no_argument, NULL, 'I' },
		{ "key-shares", required_argument, NULL, 'n' },
		{ "key-threshold", required_argument, NULL, 't' },
		{ "out-dir", required_argument, NULL, 'o' },
		{ "verify", no_argument, NULL, 'v' },
		{ "to", required_argument, NULL, 'T' },
		{ "holders", required_argument, NULL, 'H' },
		{ "signer", required_argument, NULL, 's' },
		{ "signer-passphrase-file", required_argument, NULL, 'S' },
		{ "nonce", required_argument, NULL, 'N' },
		{ "status", no_argument, NULL, 'q' },
		{ "cancel", no_argument, NULL, 'c' },
		{ "all", no_argument, NULL, 'a' },
		{ "ttl", required_argument, NULL, 'L' },
		{ "format", required_argument, NULL, 'f' },
		{ "pgp-keys", required_argument, NULL, 'K' },
		{ "backup", no_argument, NULL, 'B' },
		{ "armor", no_argument, NULL, 'A' },
		{ "backup-retrieve", no_argument, NULL, 'R' },
		{ "backup-delete", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		GATHER_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct options o;
	struct sym_image *img = NULL;
	int opt, rc, status;
	unsigned ttl;

	memset(&o, 0, sizeof o);
	o.ttl = SYM_REKEY_DEFAULT_TTL;
	cli_init("symbolon-rekey");
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		int taken = gather_option(&o.share_opts, opt, optarg);

		if (taken > 1)
			return taken;
		if (taken)
			continue;
		switch (opt) {
		case 'i': o.path = optarg; break;
		case 'I': o.init = 1; break;
		case 'n':
			if (cli_parse_uint(optarg, 0, 65535, &o.shares) != 0)
				return cli_usage_error(synopsis,
				    "--key-shares: not a number: %s", optarg);
			break;
		case 't':
			if (cli_parse_uint(optarg, 0, 65535, &o.threshold) != 0)
				return cli_usage_error(synopsis,
				    "--key-threshold: not a number: %s", optarg);
			break;
		case 'o': o.out_dir = optarg; break;
		case 'v': o.verify = 1; break;
		case 'T':
			if ((status = cli_list_option(optarg, o.to,
			    &o.to_count, synopsis, "--to",
			    ".pub files")) != 0)
				return status;
			break;
		case 'H':
			if ((status = cli_list_option(optarg, o.names,
			    &o.name_count, synopsis, "--holders",
			    "names")) != 0)
				return status;
			break;
		case 's': o.signer = optarg; break;
		case 'S': o.signer_pass = optarg; break;
		case 'N': o.nonce_text = optarg; break;
		case 'q': o.status = 1; break;
		case 'c': o.cancel = 1; break;
		case 'a': o.all = 1; break;
		case 'L':
			if (cli_parse_uint(optarg, 1, 0x7fffffff, &ttl) != 0)
				return cli_usage_error(synopsis, "--ttl: a number "
				    "of seconds, not %s", optarg);
			o.ttl = ttl;
			break;
		case 'K':
			if ((status = cli_list_option(optarg, o.pgp,
			    &o.pgp_count, synopsis, "--pgp-keys",
			    "key files or fingerprints")) != 0)
				return status;
			break;
		case 'B': o.backup = 1; break;
		case 'A': o.armor = 1; break;
		case 'R': o.backup_retrieve = 1; break;
		case 'D': o.backup_delete = 1; break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				o.json = 1;
			else if (strcmp(optarg, "table") != 0)
				return cli_usage_error(synopsis, "--format: "
				    "expected table or json, not %s", optarg);
			break;
		case 'h':
			fputs(synopsis, stdout);
			return 0;
		default:
			return cli_usage_error(synopsis, "unknown option or "
			    "missing value: %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(synopsis, "unexpected argument (shares "
		    "are given with --share FILE)");
	if (o.path == NULL)
		return cli_usage_error(synopsis, "missing --image");
	if (o.init + o.status + o.cancel + o.backup_retrieve +
	    o.backup_delete > 1)
		return cli_usage_error(synopsis, "--init, --status and --cancel "
		    "exclude each other");
	if (o.init) {
		if (o.shares < 2 || o.shares > SYM_SHAMIR_MAX_SHARES)
			return cli_usage_error(synopsis, "--key-shares: 2 to %u "
			    "shares", SYM_SHAMIR_MAX_SHARES);
		if (o.threshold < 2 || o.threshold > o.shares)
			return cli_usage_error(synopsis, "--key-threshold %u: "
			    "provided threshold greater than the total shares "
			    "or less than 2", o.threshold);
		if (o.out_dir == NULL)
			return cli_usage_error(synopsis, "missing --out-dir (where "
			    "the new shares will be written)");
		if ((o.to_count && o.to_count != (int)o.shares) ||
		    (o.name_count && o.name_count != (int)o.shares))
			return cli_usage_error(synopsis, "--to and --holders name "
			    "one holder per new share (%u)", o.shares);
		if (o.to_count && o.name_count)
			return cli_usage_error(synopsis, "--to excludes --holders");
		if (o.pgp_count && o.pgp_count != (int)o.shares)
			return cli_usage_error(synopsis, "incorrect number of PGP "
			    "keys for rekey: %d for %u shares", o.pgp_count,
			    o.shares);
		if (o.pgp_count && o.to_count)
			return cli_usage_error(synopsis, "--pgp-keys excludes --to");
		if (o.backup && !o.pgp_count)
			return cli_usage_error(synopsis, "cannot request a backup "
			    "of the new keys without providing PGP keys for "
			    "encryption");
		for (int i = 0; i < o.name_count; i++)
			if (sym_identity_check_name(o.names[i]) != SYM_OK)
				return cli_usage_error(synopsis, "--holders: name "
				    "%d is not 1 to %u printable bytes", i + 1,
				    SYM_IDENTITY_NAME_MAX);
	} else if (o.shares || o.threshold || o.out_dir || o.to_count ||
	    o.name_count || o.signer || o.pgp_count || o.backup) {
		return cli_usage_error(synopsis, "--key-shares, --key-threshold, "
		    "--out-dir, --to, --holders, --pgp-keys, --backup and "
		    "--signer go with --init");
	}
	rc = sym_image_open(&img, o.path, o.status ? SYM_IMAGE_READ :
	    SYM_IMAGE_WRITE);
	if (rc != SYM_OK)
		return cli_fail(rc, o.path);
	if (o.status)
		status = print_status(img, &o);
	else if (o.init)
		status = do_init(img, &o);
	else if (o.backup_retrieve || o.backup_delete)
		status = do_backup(img, &o);
	else if (o.cancel)
		status = do_cancel(img, &o);
	else
		status = do_submit(img, &o);
	sym_image_close(img);
	return status;
}
