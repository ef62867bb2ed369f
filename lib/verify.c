#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "symbolon/codec.h"
#include "symbolon/bundle.h"
#include "symbolon/fingerprint.h"
#include "symbolon/io.h"
#include "symbolon/passphrase.h"
#include "symbolon/secmem.h"
#include "symbolon/share.h"
#include "symbolon/source.h"
#include "symbolon/verify.h"

/* Decrypts a sealed share when the means were given: 1 if it is now
 * clear, 0 if it stays sealed, < 0 on error. */
static int
try_unseal(struct sym_verify *v, struct sym_verify_report *r,
    struct sym_share *s)
{
	char *passphrase;
	size_t len;
	int rc;

	if (s->protection == SYM_SHARE_TO_IDENTITY) {
		struct sym_identity_secret *id = NULL;

		rc = sym_gather_find_identity(&id, &r->key_path, &v->keys, s);
		if (rc != SYM_OK) {
			r->key_code = rc;
			return SYM_EDECRYPT;
		}
		if (id == NULL)
			return 0;	/* sealed to someone else: fine */
		rc = sym_share_unseal_identity(s, id);
		return rc == SYM_OK ? 1 : rc;
	}
	if (v->keys.passphrase_file == NULL)
		return 0;
	passphrase = sym_secmem_alloc(SYM_PASSPHRASE_MAX_BYTES + 1);
	if (passphrase == NULL)
		return SYM_ENOMEM;
	rc = sym_passphrase_get_line(passphrase, SYM_PASSPHRASE_MAX_BYTES + 1,
	    &len, v->keys.passphrase_file, s->index);
	if (rc == SYM_OK)
		rc = sym_share_unseal_passphrase(s, passphrase, len);
	sym_secmem_free(passphrase);
	return rc == SYM_OK ? 1 : rc;
}

static void
describe_share(struct sym_verify_report *r, const struct sym_share *s)
{
	r->share_described = 1;
	r->share.index = s->index;
	r->share.recovery = s->recovery;
	r->share.count = s->count;
	r->share.threshold = s->threshold;
	memcpy(r->share.holder, s->holder, sizeof r->share.holder);
	memcpy(r->share.set_id, s->set_id, sizeof r->share.set_id);
	r->share.generation = s->generation;
	memcpy(r->share.signer, s->signer, sizeof r->share.signer);
}

/* expected_index: the manifest entry an OpenPGP envelope was addressed
 * to (0: any). */
static int
verify_share(struct sym_verify *v, struct sym_verify_report *r,
    const uint8_t *bytes, size_t len, unsigned expected_index)
{
	struct sym_share *s = NULL;
	int rc, clear;

	if ((rc = sym_share_parse(&s, bytes, len)) != SYM_OK)
		return r->code = rc;
	/* Here too, not only in open_bundle: a share inside an OpenPGP
	 * message reaches verification by this path alone. */
	if (v->signer != NULL &&
	    memcmp(s->signer, v->signer, sizeof s->signer) != 0) {
		rc = SYM_EKID;
		goto out;
	}
	clear = s->raw != NULL;
	if (!clear && v->manifest != NULL) {
		if ((rc = try_unseal(v, r, s)) < 0)
			goto out;
		clear = rc;
	}
	rc = SYM_OK;
	if (v->manifest != NULL)
		rc = sym_manifest_check_share(v->manifest, s);
	if (rc == SYM_OK && expected_index && s->index != expected_index)
		rc = SYM_EMANIFEST;	/* share i in holder j's envelope */
	describe_share(r, s);
	if (v->manifest != NULL && !clear)
		r->share.note = SYM_VERIFY_NOTE_UNCHECKED;
	else if (v->manifest == NULL)
		r->share.note = s->raw ? SYM_VERIFY_NOTE_NONE :
		    SYM_VERIFY_NOTE_SEALED;
	else
		r->share.note = SYM_VERIFY_NOTE_COMMITMENT;
	if (rc == SYM_OK && v->manifest != NULL && !v->seen_index[s->index]) {
		v->seen_index[s->index] = 1;
		v->valid_shares++;
	}
out:
	sym_share_free(s);
	return r->code = rc;
}

static int
keep_record(void *ctx, const struct sym_audit_record *rec)
{
	struct sym_verify_report *r = ctx;
	size_t n = r->transcript.count;

	/* Records are public: an ordinary growing array. */
	if ((n & (n - 1)) == 0) {
		struct sym_audit_record *more = realloc(r->transcript.records,
		    (n ? 2 * n : 1) * sizeof *more);

		if (more == NULL)
			return SYM_ENOMEM;
		r->transcript.records = more;
	}
	r->transcript.records[r->transcript.count++] = *rec;
	return 0;
}

/* Witness signatures (gpg --detach-sign) over the transcript file. */
static void
verify_witnesses(const struct sym_verify *v, struct sym_verify_report *r,
    const uint8_t *file, size_t file_len)
{
	if (v->witness_count == 0)
		return;
	r->transcript.witnesses = calloc(v->witness_count,
	    sizeof *r->transcript.witnesses);
	if (r->transcript.witnesses == NULL) {
		r->code = SYM_ENOMEM;
		return;
	}
	r->transcript.witness_count = v->witness_count;
	for (size_t i = 0; i < v->witness_count; i++) {
		struct sym_verify_witness *w = &r->transcript.witnesses[i];
		uint8_t *sig = NULL;
		size_t sig_len = 0;

		w->path = v->witness_sigs[i];
		w->read_code = sym_io_read_all(&sig, &sig_len, w->path,
		    SYM_PGP_SIGNATURE_MAX);
		if (w->read_code != SYM_OK)
			continue;
		w->code = sym_pgp_verify_detached(&w->sigs, sig, sig_len, file,
		    file_len);
		sym_secmem_free(sig);
	}
}

static int
verify_transcript(struct sym_verify *v, struct sym_verify_report *r,
    const uint8_t *bytes, size_t len, const uint8_t *file, size_t file_len)
{
	int rc;

	v->transcripts++;
	rc = sym_audit_verify_transcript(bytes, len, r->transcript.image_id,
	    r->transcript.identity, keep_record, r);
	if (rc != SYM_OK) {
		free(r->transcript.records);
		r->transcript.records = NULL;
		r->transcript.count = 0;
		return r->code = rc;
	}
	verify_witnesses(v, r, file, file_len);
	return r->code;
}

/* The recipients of a share sealed to an OpenPGP key, against the
 * manifest's OpenPGP holders. */
static void
match_recipients(const struct sym_verify *v, struct sym_verify_report *r,
    const struct sym_pgp_keyids *to)
{
	const struct sym_manifest *m = v->manifest;
	int manifest_keys = 0;

	/* A manifest of shares dealt in clear names no OpenPGP keys: a
	 * holder may still keep their share under their own (gpg
	 * --encrypt), and it is checked once decrypted. */
	for (unsigned j = 0; m != NULL && j < m->count; j++)
		if (m->entries[j].protection == SYM_SHARE_OPENPGP)
			manifest_keys = 1;
	for (size_t i = 0; m != NULL && i < to->count && !r->pgp_matched; i++)
		for (unsigned j = 0; j < m->count && !r->pgp_matched; j++) {
			const struct sym_manifest_entry *e = &m->entries[j];
			char id[SYM_PGP_KEYID_CHARS + 1];

			if (e->protection != SYM_SHARE_OPENPGP)
				continue;
			for (size_t k = 0; k < 8; k++)
				snprintf(id + 2 * k, 3, "%02X", e->pgp_subkey_id[k]);
			if (strcmp(id, to->key[i].keyid) != 0)
				continue;
			r->pgp_matched = 1;
			r->pgp_index = e->index;
			memcpy(r->pgp_holder, e->holder, sizeof r->pgp_holder);
			memcpy(r->pgp_fingerprint, e->pgp_fingerprint,
			    sizeof r->pgp_fingerprint);
		}
	r->pgp_stranger = manifest_keys && !r->pgp_matched;
	snprintf(r->pgp_keyid, sizeof r->pgp_keyid, "%s", to->count ?
	    to->key[0].keyid : "(none)");
}

/*
 * A share sealed to an OpenPGP key (.asc): its recipients are checked
 * against the manifest without decrypting; if the holder's key is here,
 * it is decrypted (gpg-agent) and checked like any share.
 */
static int
verify_pgp_share(struct sym_verify *v, struct sym_verify_report *r,
    const uint8_t *msg, size_t len)
{
	struct sym_pgp_keyids to;
	uint8_t *plain = NULL, *bytes = NULL;
	size_t plain_len = 0, bytes_len = 0;
	int rc;

	r->pgp = 1;
	if ((rc = sym_pgp_list_recipients(&to, msg, len)) != SYM_OK)
		return r->code = rc;
	match_recipients(v, r, &to);
	if (r->pgp_stranger)
		return r->code = SYM_EMANIFEST;
	rc = sym_pgp_decrypt(&plain, &plain_len, NULL, msg, len);
	if (rc == SYM_ENOSECKEY) {
		r->pgp_no_key = 1;
		return r->code = SYM_OK;
	}
	if (rc != SYM_OK)
		return r->code = rc;
	rc = sym_bundle_decode(&bytes, &bytes_len, plain, plain_len, NULL);
	sym_secmem_free(plain);
	if (rc != SYM_OK)
		return r->code = rc;
	rc = verify_share(v, r, bytes, bytes_len, r->pgp_matched ?
	    r->pgp_index : 0);
	sym_secmem_free(bytes);
	return rc;
}

static int
open_bundle(const struct sym_verify *v, struct sym_verify_report *r,
    const uint8_t *bytes, size_t len)
{
	struct sym_bundle b;
	int rc = sym_bundle_open(&b, bytes, len, SYM_BUNDLE_ANY);

	if (rc == SYM_OK && v->signer != NULL &&
	    memcmp(b.signer, v->signer, sizeof b.signer) != 0)
		rc = SYM_EKID;
	if (rc == SYM_ENONCANONICAL || rc == SYM_ETRUNCATED ||
	    rc == SYM_ETRAILING) {
		r->at = SYM_VERIFY_AT_BYTE;
		r->offset = b.error_offset;
	}
	if (rc == SYM_OK) {
		r->type = b.type;
		memcpy(r->signer, b.signer, sizeof r->signer);
	}
	return r->code = rc;
}

static void
describe_manifest(struct sym_verify_report *r, const struct sym_manifest *m)
{
	r->type = m->recovery ? SYM_BUNDLE_RECOVERY_MANIFEST :
	    SYM_BUNDLE_MANIFEST;
	memcpy(r->signer, m->signer, sizeof r->signer);
	memcpy(r->manifest.set_id, m->set_id, sizeof r->manifest.set_id);
	r->manifest.generation = m->generation;
	r->manifest.threshold = m->threshold;
	r->manifest.count = m->count;
}

/* A bundle that opened: checked as its type says. */
static int
verify_contents(struct sym_verify *v, struct sym_verify_report *r,
    const uint8_t *bytes, size_t len, const uint8_t *raw, size_t raw_len)
{
	struct sym_identity id;
	struct sym_manifest *m;
	int rc;

	switch (r->type) {
	case SYM_BUNDLE_SHARE:
	case SYM_BUNDLE_RECOVERY_SHARE:
		return verify_share(v, r, bytes, len, 0);
	case SYM_BUNDLE_TRANSCRIPT:
		return verify_transcript(v, r, bytes, len, raw, raw_len);
	case SYM_BUNDLE_IDENTITY:
		if ((rc = sym_identity_parse_public(&id, bytes, len)) == SYM_OK)
			memcpy(r->identity_name, id.name, sizeof r->identity_name);
		return r->code = rc;
	case SYM_BUNDLE_MANIFEST:
	case SYM_BUNDLE_RECOVERY_MANIFEST:
		m = calloc(1, sizeof *m);
		rc = m ? sym_manifest_parse(m, bytes, len) : SYM_ENOMEM;
		if (rc == SYM_OK)
			describe_manifest(r, m);
		free(m);
		return r->code = rc;
	default:
		return r->code = SYM_OK;	/* signature valid */
	}
}

/*
 * Reads path once (sym_source_read): *raw is the file, *bytes the binary
 * bundle it holds; a picture gives only the bundle (*raw is *bytes).  An
 * OpenPGP message, when pgp_ok, is left as it is: r->pgp says so.
 */
static int
load(struct sym_verify_report *r, uint8_t **raw, size_t *raw_len,
    uint8_t **bytes, size_t *len, const char *path, int pgp_ok)
{
	struct sym_source s;
	int rc;

	memset(r, 0, sizeof *r);
	if ((rc = sym_source_read(&s, path, SYM_PGP_MESSAGE_MAX, 0)) != SYM_OK) {
		if (rc == SYM_EFORMAT)
			r->at = SYM_VERIFY_AT_BASE45;	/* offset 0: a picture */
		return r->code = rc;
	}
	*raw = s.bytes;
	*raw_len = s.len;
	if (s.kind == SYM_SOURCE_PICTURE) {
		*bytes = s.bytes;
		*len = s.len;
		return r->code = SYM_OK;
	}
	if (pgp_ok && sym_pgp_sniff(s.bytes, s.len) != SYM_PGP_NONE) {
		r->pgp = 1;
		return r->code = SYM_OK;
	}
	if (s.len > SYM_SOURCE_BUNDLE_FILE_MAX_BYTES)
		return r->code = SYM_ETOOBIG;
	rc = sym_bundle_decode(bytes, len, s.bytes, s.len, &r->offset);
	if (rc == SYM_EFORMAT)
		r->at = SYM_VERIFY_AT_BASE45;
	return r->code = rc;
}

/* Frees what load read. */
static void
unload(uint8_t *raw, uint8_t *bytes)
{
	if (bytes != raw)
		sym_secmem_free(bytes);
	sym_secmem_free(raw);
}

int
sym_verify_file(struct sym_verify *v, struct sym_verify_report *r,
    const char *path)
{
	uint8_t *raw = NULL, *bytes = NULL;
	size_t raw_len = 0, len = 0;
	int rc = load(r, &raw, &raw_len, &bytes, &len, path, 1);

	if (rc == SYM_OK && r->pgp)
		rc = verify_pgp_share(v, r, raw, raw_len);
	else if (rc == SYM_OK && (rc = open_bundle(v, r, bytes, len)) == SYM_OK)
		rc = verify_contents(v, r, bytes, len, raw, raw_len);
	unload(raw, bytes);
	return rc;
}

int
sym_verify_load_manifest(struct sym_verify *v, struct sym_verify_report *r,
    const char *path)
{
	uint8_t *raw = NULL, *bytes = NULL;
	size_t raw_len = 0, len = 0;
	int rc = load(r, &raw, &raw_len, &bytes, &len, path, 0);

	if (rc == SYM_OK && v->manifest == NULL &&
	    (v->manifest = calloc(1, sizeof *v->manifest)) == NULL)
		rc = SYM_ENOMEM;
	if (rc == SYM_OK)
		rc = sym_manifest_parse(v->manifest, bytes, len);
	if (rc == SYM_OK && v->signer != NULL && memcmp(v->manifest->signer,
	    v->signer, sizeof v->manifest->signer) != 0)
		rc = SYM_EKID;
	unload(raw, bytes);
	if (rc != SYM_OK) {
		free(v->manifest);
		v->manifest = NULL;
		memset(r, 0, sizeof *r);
		return rc;
	}
	describe_manifest(r, v->manifest);
	return r->code = SYM_OK;
}

int
sym_verify_pin_signer(struct sym_verify *v, const char *path)
{
	int rc = sym_identity_load_public(&v->pinned, path);

	v->signer = rc == SYM_OK ? v->pinned.sign_public : NULL;
	return rc;
}

void
sym_verify_report_free(struct sym_verify_report *r)
{
	free(r->transcript.records);
	free(r->transcript.witnesses);
	r->transcript.records = NULL;
	r->transcript.witnesses = NULL;
	r->transcript.count = r->transcript.witness_count = 0;
}

void
sym_verify_free(struct sym_verify *v)
{
	free(v->manifest);
	v->manifest = NULL;
}

static int
count_record(void *ctx, const struct sym_audit_record *rec)
{
	(void)rec;
	(*(uint64_t *)ctx)++;
	return 0;
}

/* With the image unsealed: every entry, then the transcript. */
static int
verify_unsealed(struct sym_verify_image_report *r, struct sym_image *img)
{
	const char *bad = NULL;

	r->unsealed = 1;
	r->entries_code = sym_image_verify_entries(img, &bad);
	if (r->entries_code != SYM_OK)
		snprintf(r->bad_entry, sizeof r->bad_entry, "%s", bad ? bad : "?");
	r->entry_count = sym_image_entry_count(img);
	return r->entries_code;
}

static int
export_transcript(struct sym_verify_image_report *r, struct sym_image *img,
    const struct sym_verify_image_options *o)
{
	uint8_t *bundle = NULL;
	size_t len = 0;
	int rc = sym_audit_transcript(img, &bundle, &len, NULL);

	if (rc == SYM_OK)
		rc = sym_bundle_write_file(o->transcript_path, bundle, len,
		    o->armor, SYM_IO_NO_OVERWRITE);
	sym_secmem_free(bundle);
	r->transcript_written = rc == SYM_OK;
	return r->transcript_code = rc;
}

int
sym_verify_image(struct sym_verify_image_report *r, const char *path,
    const struct sym_verify_image_options *o)
{
	struct sym_image *img = NULL;
	const struct sym_image_info *info;
	int rc = SYM_OK;

	memset(r, 0, sizeof *r);
	if (o->transcript_path != NULL &&
	    (r->transcript_absent = sym_io_check_absent(o->transcript_path)) !=
	    SYM_OK)
		return r->transcript_absent;
	if ((r->open_code = sym_image_open(&img, path, SYM_IMAGE_READ)) != SYM_OK)
		return r->open_code;
	info = sym_image_info(img);
	memcpy(r->image_id, info->image_id, sizeof r->image_id);
	memcpy(r->identity, info->identity, sizeof r->identity);
	r->generation = info->seal.generation;
	r->slot_valid[0] = info->slot_valid[0];
	r->slot_valid[1] = info->slot_valid[1];
	if (!r->slot_valid[0] || !r->slot_valid[1])
		rc = SYM_EBADHEADER;
	r->audit_code = sym_audit_walk(img, count_record, &r->records);
	if (r->audit_code != SYM_OK)
		rc = r->audit_code;
	if (o->unseal != NULL) {
		if ((r->unseal_status = o->unseal(o->unseal_ctx, img, r)) != 0) {
			rc = SYM_EUNSEAL;
			goto out;
		}
		if (verify_unsealed(r, img) != SYM_OK)
			rc = r->entries_code;
	}
	if (o->transcript_path != NULL && rc == SYM_OK)
		rc = export_transcript(r, img, o);
out:
	sym_image_close(img);
	return rc;
}

/* The text of a report: a growing heap string (reports are public). */
struct text {
	char *s;
	size_t len, cap;
	int failed;
};

static void addf(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
addf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = t->failed ? -1 : vsnprintf(t->s ? t->s + t->len : NULL,
		    t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = 1;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = t->cap ? t->cap : 256;
		while (cap - t->len <= (size_t)n)
			cap *= 2;
		char *more = realloc(t->s, cap);
		if (more == NULL) {
			t->failed = 1;
			return;
		}
		t->s = more;
		t->cap = cap;
	}
}

static int
finish(char **out, struct text *t)
{
	if (t->s == NULL)
		addf(t, "%s", "");
	if (t->failed) {
		free(t->s);
		*out = NULL;
		return SYM_ENOMEM;
	}
	*out = t->s;
	return SYM_OK;
}

static void
short_fingerprint(char out[20], const uint8_t public_key[32])
{
	uint8_t fingerprint[SYM_FINGERPRINT_BYTES];
	char hex[SYM_FINGERPRINT_HEX_MAX];

	sym_fingerprint(fingerprint, public_key);
	if (sym_fingerprint_hex(hex, sizeof hex, fingerprint) != SYM_OK)
		hex[0] = '\0';
	snprintf(out, 20, "%.19s", hex);
}

static int
text_invalid(struct text *t, const char *path,
    const struct sym_verify_report *r)
{
	if (r->at == SYM_VERIFY_AT_BASE45)
		addf(t, "%s: INVALID: bad base45 at offset %zu\n", path, r->offset);
	else if (r->at == SYM_VERIFY_AT_BYTE)
		addf(t, "%s: INVALID: %s (at byte %zu)\n", path,
		    sym_strerror(r->code), r->offset);
	else
		addf(t, "%s: INVALID: %s\n", path, sym_strerror(r->code));
	return sym_exit_status(r->code);
}

static int
text_share(struct text *t, const char *path, const struct sym_verify_report *r)
{
	static const char *const notes[] = {
		[SYM_VERIFY_NOTE_NONE] = "",
		[SYM_VERIFY_NOTE_SEALED] = " (sealed)",
		[SYM_VERIFY_NOTE_UNCHECKED] = " (sealed: signature and manifest "
		    "checked, commitment not; give the key to check it)",
		[SYM_VERIFY_NOTE_COMMITMENT] = " (commitment matches the "
		    "manifest)",
	};
	char set_id[SYM_SET_ID_TEXT_MAX], signer[20];

	sym_set_id_text(set_id, r->share.set_id);
	short_fingerprint(signer, r->share.signer);
	addf(t, "%s: %sshare %u of %u%s%s, set %s, generation %llu, threshold "
	    "%u, signer %s: ", path, r->share.recovery ? "recovery " : "",
	    r->share.index, r->share.count,
	    r->share.holder[0] ? ", " : "", r->share.holder, set_id,
	    (unsigned long long)r->share.generation, r->share.threshold, signer);
	if (r->code != SYM_OK) {
		addf(t, "INVALID: %s\n", sym_strerror(r->code));
		return 1;
	}
	addf(t, "valid%s\n", notes[r->share.note]);
	return 0;
}

/* An OpenPGP message: what its recipients say; -1 when the share inside
 * follows. */
static int
text_pgp(struct text *t, const char *path, const struct sym_verify_report *r,
    const struct sym_verify *v)
{
	if (r->pgp_stranger) {
		addf(t, "%s: INVALID: encrypted to key id %s, which the manifest "
		    "names for no holder\n", path, r->pgp_keyid);
		return 1;
	}
	if (r->pgp_matched) {
		addf(t, "%s: OpenPGP message addressed to share %u's holder%s%s, "
		    "key ", path, r->pgp_index, r->pgp_holder[0] ? " " : "",
		    r->pgp_holder);
		for (size_t k = 0; k < sizeof r->pgp_fingerprint; k++)
			addf(t, "%02X", r->pgp_fingerprint[k]);
		addf(t, ", as the manifest says\n");
	}
	if (!r->pgp_no_key)
		return -1;
	addf(t, "%s: not decrypted: the holder's secret key is not here (%s)\n",
	    path, r->pgp_matched ? "recipients checked" : v->manifest == NULL ?
	    "give --manifest to check the recipients against the deal" :
	    "the manifest names no OpenPGP keys to check the recipients "
	    "against");
	return 0;
}

static int
text_witnesses(struct text *t, const struct sym_verify_report *r)
{
	int status = 0;

	for (size_t i = 0; i < r->transcript.witness_count; i++) {
		const struct sym_verify_witness *w = &r->transcript.witnesses[i];

		if (w->read_code != SYM_OK) {
			status = sym_exit_status(w->read_code);
			continue;
		}
		for (size_t j = 0; j < w->sigs.count; j++) {
			const struct sym_pgp_signature *s = &w->sigs.sig[j];

			addf(t, "  witness %s: %s %s, key %s (validity %s)\n",
			    w->path, s->status == SYM_OK ? "good signature by" :
			    "INVALID signature:", s->status == SYM_OK ?
			    (s->uid[0] ? s->uid : "(unknown user id)") :
			    sym_strerror(s->status), s->fpr[0] ? s->fpr :
			    s->signing_fpr, sym_pgp_validity_name(s->validity));
		}
		if (w->code != SYM_OK && w->sigs.count == 0)
			addf(t, "  witness %s: INVALID: %s\n", w->path,
			    sym_strerror(w->code));
		if (w->code != SYM_OK && status == 0)
			status = sym_exit_status(w->code);
	}
	return status;
}

static int
text_transcript(struct text *t, const char *path,
    const struct sym_verify_report *r, const char *exporter)
{
	char id_text[SYM_SET_ID_TEXT_MAX], identity_fp[20], when[SYM_TIME_TEXT_BYTES];

	sym_set_id_text(id_text, r->transcript.image_id);
	short_fingerprint(identity_fp, r->transcript.identity);
	addf(t, "%s: transcript of image %s, identity %s, %llu records, "
	    "exported by %s: valid\n", path, id_text, identity_fp,
	    (unsigned long long)r->transcript.count, exporter);
	for (size_t i = 0; i < r->transcript.count; i++) {
		const struct sym_audit_record *rec = &r->transcript.records[i];
		addf(t, "  #%-4llu %s  %-16s %s\n", (unsigned long long)rec->seq,
		    sym_time_text(when, rec->time), rec->operation, rec->detail);
	}
	return text_witnesses(t, r);
}

static int
text_file(struct text *t, const char *path, const struct sym_verify_report *r,
    const struct sym_verify *v)
{
	char signer[20], set_id[SYM_SET_ID_TEXT_MAX];
	int status;

	if (r->pgp && (status = text_pgp(t, path, r, v)) >= 0)
		return status;
	if (r->share_described)
		return text_share(t, path, r);
	if (r->code != SYM_OK)
		return text_invalid(t, path, r);
	short_fingerprint(signer, r->signer);
	sym_set_id_text(set_id, r->manifest.set_id);
	if (r->type == SYM_BUNDLE_TRANSCRIPT)
		return text_transcript(t, path, r, signer);
	if (r->type == SYM_BUNDLE_IDENTITY)
		addf(t, "%s: identity \"%s\", fingerprint %s: valid\n", path,
		    r->identity_name, signer);
	else if (SYM_BUNDLE_IS_MANIFEST(r->type))
		addf(t, "%s: %s, set %s, generation %llu, %u of %u, signer "
		    "%s: valid\n", path, sym_bundle_type_name(r->type), set_id,
		    (unsigned long long)r->manifest.generation,
		    r->manifest.threshold, r->manifest.count, signer);
	else
		addf(t, "%s: %s bundle, signer %s: signature valid (not a type "
		    "verify checks further)\n", path,
		    sym_bundle_type_name(r->type), signer);
	return 0;
}

int
sym_verify_report_text(char **text, int *status,
    const struct sym_verify_report *r, const struct sym_verify *v,
    const char *path)
{
	struct text t = { 0 };

	*status = text_file(&t, path, r, v);
	return finish(text, &t);
}

int
sym_verify_quorum_text(char **text, const struct sym_verify *v)
{
	struct text t = { 0 };
	char set_id[SYM_SET_ID_TEXT_MAX];

	if (v->manifest != NULL) {
		sym_set_id_text(set_id, v->manifest->set_id);
		addf(&t, "Quorum: %u valid share%s of set %s, generation %llu; "
		    "threshold %u: %s\n", v->valid_shares,
		    v->valid_shares == 1 ? "" : "s", set_id,
		    (unsigned long long)v->manifest->generation,
		    v->manifest->threshold, v->valid_shares >=
		    v->manifest->threshold ? "a quorum is present" :
		    "NOT a quorum");
	}
	return finish(text, &t);
}

/* The image's lines up to where its checks stopped. */
static int
text_image(struct text *t, const char *path,
    const struct sym_verify_image_report *r, const char *transcript_path)
{
	char id_text[SYM_SET_ID_TEXT_MAX], identity_fp[20];
	int status = 0;

	if (r->open_code != SYM_OK) {
		addf(t, "%s: INVALID: %s\n", path, sym_strerror(r->open_code));
		return sym_exit_status(r->open_code);
	}
	sym_set_id_text(id_text, r->image_id);
	short_fingerprint(identity_fp, r->identity);
	addf(t, "%s: image %s, identity %s, generation %llu\n", path, id_text,
	    identity_fp, (unsigned long long)r->generation);
	for (int i = 0; i < 2; i++)
		addf(t, "  header copy %d: %s\n", i, r->slot_valid[i] ?
		    "valid (checksum, identity signature)" :
		    "INVALID (damaged or forged)");
	if (!r->slot_valid[0] || !r->slot_valid[1])
		status = 1;
	if (r->audit_code != SYM_OK)
		addf(t, "  audit log: INVALID: %s\n", sym_strerror(r->audit_code));
	else
		addf(t, "  audit log: %llu records, chain and signatures valid\n",
		    (unsigned long long)r->records);
	if (r->audit_code != SYM_OK)
		status = 1;
	if (r->unseal_status != 0)
		return r->unseal_status;
	if (r->unsealed)
		addf(t, "  unsealed: root key, keyring, index and header MAC "
		    "valid\n");
	if (r->unsealed && r->entries_code != SYM_OK) {
		addf(t, "  entry %s: INVALID: %s\n", r->bad_entry,
		    sym_strerror(r->entries_code));
		status = 1;
	} else if (r->unsealed) {
		addf(t, "  entries: all %zu authenticate\n", r->entry_count);
	}
	if (r->transcript_code != SYM_OK)
		return sym_exit_status(r->transcript_code);
	if (r->transcript_written)
		addf(t, "  transcript: %s (%llu records)\n", transcript_path,
		    (unsigned long long)r->records);
	return status;
}

int
sym_verify_image_text(char **text, int *status,
    const struct sym_verify_image_report *r, const char *path,
    const char *transcript_path)
{
	struct text t = { 0 };

	*status = text_image(&t, path, r, transcript_path);
	return finish(text, &t);
}
