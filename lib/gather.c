#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbolon/bundle.h"
#include "symbolon/fingerprint.h"
#include "symbolon/gather.h"
#include "symbolon/manifest.h"
#include "symbolon/passphrase.h"
#include "symbolon/secmem.h"
#include "symbolon/seal_shamir.h"

int
sym_gather_find_identity(struct sym_identity_secret **out, const char **failed,
    struct sym_gather_keys *keys, const struct sym_share *share)
{
	*out = NULL;
	*failed = NULL;
	/* Keys are loaded on first need, each asked for by name. */
	for (size_t i = 0; i < keys->identity_count; i++) {
		uint8_t fingerprint[SYM_FINGERPRINT_BYTES];

		if (keys->loaded[i] == NULL) {
			char prompt[4200];
			int rc;

			snprintf(prompt, sizeof prompt, "Passphrase for %s (will "
			    "be hidden): ", keys->identity_paths[i]);
			rc = sym_identity_load_secret(&keys->loaded[i],
			    keys->identity_paths[i],
			    keys->identity_passphrase_file, prompt);
			if (rc != SYM_OK) {
				*failed = keys->identity_paths[i];
				return rc;
			}
		}
		sym_fingerprint(fingerprint, keys->loaded[i]->pub.sign_public);
		if (memcmp(fingerprint, share->recipient, sizeof fingerprint) == 0) {
			*out = keys->loaded[i];
			return SYM_OK;
		}
	}
	return SYM_OK;
}

static int
unseal_passphrase(struct sym_share *share, const struct sym_gather_keys *keys)
{
	char *passphrase = sym_secmem_alloc(SYM_PASSPHRASE_MAX_BYTES + 1);
	size_t len = 0;
	int rc;

	if (passphrase == NULL)
		return SYM_ENOMEM;
	if (keys->passphrase_file != NULL) {
		rc = sym_passphrase_get_line(passphrase,
		    SYM_PASSPHRASE_MAX_BYTES + 1, &len, keys->passphrase_file,
		    share->index);
	} else {
		char prompt[160];

		snprintf(prompt, sizeof prompt, "Passphrase for share %u of %u%s%s "
		    "(will be hidden): ", share->index, share->count,
		    share->holder[0] ? ", " : "", share->holder);
		rc = sym_passphrase_get(passphrase, SYM_PASSPHRASE_MAX_BYTES + 1,
		    &len, prompt, 0, NULL);
	}
	if (rc == SYM_OK)
		rc = sym_share_unseal_passphrase(share, passphrase, len);
	sym_secmem_free(passphrase);
	return rc;
}

int
sym_gather_unseal_share(struct sym_share *share, struct sym_gather_keys *keys,
    struct sym_gather_report *report)
{
	struct sym_identity_secret *id = NULL;
	int rc;

	if (share->protection != SYM_SHARE_TO_IDENTITY)
		return unseal_passphrase(share, keys);
	rc = sym_gather_find_identity(&id, &report->key_path, keys, share);
	if (rc != SYM_OK) {
		report->refusal = SYM_GATHER_KEY_FAILED;
		return rc;
	}
	if (id != NULL)
		return sym_share_unseal_identity(share, id);
	report->refusal = SYM_GATHER_NO_IDENTITY;
	/* No key given is a usage error; the wrong keys, an invalid try. */
	return keys->identity_count ? SYM_EDECRYPT : SYM_EUSAGE;
}

/* The kind of share g takes, and the configuration it must be of. */
static enum sym_image_share_kind
expected_kind(const struct sym_gather *g)
{
	if (g->recovery)
		return g->pending_generation ? SYM_IMAGE_PENDING_RECOVERY_SHARE :
		    SYM_IMAGE_RECOVERY_SHARE;
	return g->pending_generation ? SYM_IMAGE_PENDING_UNSEAL_SHARE :
	    SYM_IMAGE_UNSEAL_SHARE;
}

static const struct sym_image_seal *
expected_seal(const struct sym_gather *g)
{
	return sym_image_share_seal(sym_image_info(g->image), expected_kind(g));
}

/* Turns a refusal code into data the program can explain. */
static void
classify(const struct sym_gather *g, struct sym_gather_report *r)
{
	const uint8_t *set;

	if (r->refusal != SYM_GATHER_ACCEPTED)
		return;
	r->refusal = SYM_GATHER_ERROR;
	r->against_image = g->image != NULL;
	r->pending = g->pending_generation;
	if (g->image != NULL) {
		const struct sym_image_info *info = sym_image_info(g->image);

		set = info->image_id;
		r->expected_generation = expected_seal(g)->generation;
	} else {
		set = sym_quorum_set_id(g->quorum);
		r->expected_generation = sym_quorum_generation(g->quorum);
	}
	if (set != NULL)
		memcpy(r->expected_set, set, sizeof r->expected_set);
	if ((r->code == SYM_EWRONGSET || r->code == SYM_EWRONGIMAGE) &&
	    set != NULL)
		r->refusal = SYM_GATHER_WRONG_SET;
	else if (r->code == SYM_EGENERATION)
		r->refusal = SYM_GATHER_WRONG_GENERATION;
	else if (r->code == SYM_EDUPSHARE)
		r->refusal = SYM_GATHER_DUPLICATE;
	else if (r->code == SYM_ESHAREROLE)
		r->refusal = SYM_GATHER_WRONG_ROLE;
}

static void
describe(struct sym_gather_report *r, const struct sym_share *share)
{
	r->have_share = 1;
	r->recovery = share->recovery;
	r->index = share->index;
	r->count = share->count;
	memcpy(r->holder, share->holder, sizeof r->holder);
	memcpy(r->set_id, share->set_id, sizeof r->set_id);
	r->generation = share->generation;
}

/* The checks that need no secret come before any passphrase is asked. */
static int
add_bundle(struct sym_gather *g, const uint8_t *input, size_t input_len,
    struct sym_gather_report *r)
{
	struct sym_share *share = NULL;
	uint8_t *bytes = NULL;
	size_t len = 0, offset = 0;
	int rc;

	rc = sym_bundle_decode(&bytes, &len, input, input_len, &offset);
	if (rc == SYM_OK)
		rc = sym_share_parse(&share, bytes, len);
	if (rc == SYM_OK)
		describe(r, share);
	if (rc == SYM_OK && g->signer != NULL &&
	    memcmp(share->signer, g->signer, sizeof share->signer) != 0)
		rc = SYM_EKID;
	if (rc == SYM_OK && g->image != NULL)
		rc = sym_image_check_share_of(g->image, share,
		    expected_kind(g));
	if (rc == SYM_OK)
		rc = sym_quorum_check(g->quorum, share);
	if (rc == SYM_OK && share->raw == NULL)
		rc = sym_gather_unseal_share(share, &g->keys, r);
	if (rc == SYM_OK)
		rc = sym_quorum_add(g->quorum, share);
	if (rc == SYM_OK && g->on_accept != NULL)
		rc = g->on_accept(g->on_accept_ctx, bytes, len, share);
	r->code = rc;
	if (rc != SYM_OK)
		r->refusal = share != NULL ? r->refusal : SYM_GATHER_ERROR;
	if (rc != SYM_OK && share != NULL)
		classify(g, r);
	sym_share_free(share);
	sym_secmem_free(bytes);
	return rc;
}

static int
add_text_line(struct sym_gather *g, const char *text, size_t text_len)
{
	uint8_t *share = sym_secmem_alloc(text_len ? text_len : 1);
	size_t len = 0;
	int rc;

	if (share == NULL)
		return SYM_ENOMEM;
	rc = sym_codec_decode(share, text_len, &len, text, text_len, g->format);
	if (rc == SYM_OK)
		rc = sym_shareset_add(g->text, share, len);
	sym_secmem_free(share);
	if (rc == SYM_OK && g->on_text != NULL)
		g->on_text(g->on_text_ctx);
	return rc;
}

static int
add_text_file(struct sym_gather *g, const uint8_t *input, size_t len,
    struct sym_gather_report *r)
{
	const char *cursor = (const char *)input, *end = cursor + len, *line;
	size_t line_len;
	unsigned lineno = 0;
	int rc;

	while (sym_text_next_line(&cursor, end, &line, &line_len, &lineno)) {
		if ((rc = add_text_line(g, line, line_len)) != SYM_OK) {
			r->line = lineno;
			return rc;
		}
		r->text_added++;
	}
	if (r->text_added == 0) {
		r->refusal = SYM_GATHER_NO_SHARE;
		return SYM_EFORMAT;
	}
	return SYM_OK;
}

static int
refuse(struct sym_gather_report *r, enum sym_gather_refusal why, int code)
{
	r->refusal = why;
	return r->code = code;
}

static int
add_any(struct sym_gather *g, const uint8_t *input, size_t len,
    enum sym_gather_input how, struct sym_gather_report *r)
{
	if (g->text == NULL) {
		g->kind = SYM_GATHER_BUNDLES;
		return add_bundle(g, input, len, r);
	}
	if (sym_bundle_sniff(input, len)) {
		if (g->kind == SYM_GATHER_TEXT)
			return refuse(r, SYM_GATHER_MIXED, SYM_EUSAGE);
		g->kind = SYM_GATHER_BUNDLES;
		return add_bundle(g, input, len, r);
	}
	/* A bundle with a corrupt first byte is no longer sniffed as one:
	 * in a file among bundles, say that, not "cannot mix". */
	if (g->kind == SYM_GATHER_BUNDLES)
		return how == SYM_GATHER_FILE ?
		    refuse(r, SYM_GATHER_ERROR, SYM_ENOTBUNDLE) :
		    refuse(r, SYM_GATHER_MIXED, SYM_EUSAGE);
	g->kind = SYM_GATHER_TEXT;
	r->code = how == SYM_GATHER_FILE ? add_text_file(g, input, len, r) :
	    add_text_line(g, (const char *)input, len);
	if (r->code != SYM_OK && r->refusal == SYM_GATHER_ACCEPTED)
		r->refusal = SYM_GATHER_ERROR;
	return r->code;
}

int
sym_gather_add(struct sym_gather *g, const uint8_t *input, size_t len,
    enum sym_gather_input how, struct sym_gather_report *r)
{
	enum sym_gather_kind before = g->kind;
	int rc;

	memset(r, 0, sizeof *r);
	rc = add_any(g, input, len, how, r);
	/* The first share taken decides the kind: a refused one does not
	 * (gather.h: a refusal leaves g as it was). */
	if (rc != SYM_OK && sym_gather_count(g) == 0)
		g->kind = before;
	return rc;
}

size_t
sym_gather_count(const struct sym_gather *g)
{
	if (g->kind == SYM_GATHER_TEXT)
		return sym_shareset_count(g->text);
	return sym_quorum_count(g->quorum);
}

unsigned
sym_gather_needed(const struct sym_gather *g)
{
	if (g->required)
		return g->required;
	if (g->image != NULL)
		return expected_seal(g)->threshold;
	if (g->text != NULL && g->kind != SYM_GATHER_BUNDLES)
		return g->text_threshold;
	return sym_quorum_threshold(g->quorum);
}

int
sym_gather_recover(uint8_t **secret, size_t *len, const struct sym_gather *g)
{
	int rc;

	*secret = NULL;
	*len = 0;
	if (g->kind == SYM_GATHER_BUNDLES || g->text == NULL)
		return sym_quorum_recover(secret, len, g->quorum);
	if (g->kind != SYM_GATHER_TEXT || sym_shareset_count(g->text) == 0)
		return SYM_ETOOFEW;
	*secret = sym_secmem_alloc(sym_shareset_secret_len(g->text));
	if (*secret == NULL)
		return SYM_ENOMEM;
	rc = sym_shareset_combine(*secret, g->text);
	if (rc != SYM_OK) {
		sym_secmem_free(*secret);
		*secret = NULL;
		return rc;
	}
	*len = sym_shareset_secret_len(g->text);
	return SYM_OK;
}

int
sym_gather_unseal(struct sym_gather *g)
{
	if (g->image == NULL)
		return SYM_EUSAGE;
	return sym_seal_shamir_unseal(g->image, g->quorum);
}

int
sym_gather_load_manifest(struct sym_gather *g, const char *path)
{
	struct sym_manifest *m = calloc(1, sizeof *m);
	uint8_t *bytes = NULL;
	size_t len = 0;
	int rc;

	if (m == NULL)
		return SYM_ENOMEM;
	rc = sym_bundle_read_file(&bytes, &len, path, NULL);
	if (rc == SYM_OK)
		rc = sym_manifest_parse(m, bytes, len);
	if (rc == SYM_OK)
		rc = sym_quorum_set_manifest(g->quorum, m);
	sym_secmem_free(bytes);
	free(m);
	if (rc == SYM_OK)
		g->kind = SYM_GATHER_BUNDLES;
	return rc;
}

int
sym_gather_explain(char *out, size_t cap, const struct sym_gather_report *r,
    const char *name)
{
	char have[SYM_SET_ID_TEXT_MAX], want[SYM_SET_ID_TEXT_MAX];

	sym_set_id_text(have, r->set_id);
	sym_set_id_text(want, r->expected_set);
	switch (r->refusal) {
	case SYM_GATHER_WRONG_SET:
		snprintf(out, cap, "%s: share belongs to %s %s, not %s", name,
		    r->against_image ? "image" : "set", have, want);
		return 1;
	case SYM_GATHER_WRONG_GENERATION:
		snprintf(out, cap, "%s: share is of generation %llu, not %llu%s",
		    name, (unsigned long long)r->generation,
		    (unsigned long long)r->expected_generation,
		    r->pending ? " (a current share, not one of the new shares "
		    "being verified)" : r->generation < r->expected_generation ?
		    " (replaced by a rekey)" : "");
		return 1;
	case SYM_GATHER_DUPLICATE:
		snprintf(out, cap, "%s: share %u of %u was already entered", name,
		    r->index, r->count);
		return 1;
	case SYM_GATHER_NO_IDENTITY:
		snprintf(out, cap, "%s: share %u of %u is encrypted to %s; give "
		    "%s key with --identity", name, r->index, r->count,
		    r->holder[0] ? r->holder : "an identity",
		    r->holder[0] ? "that holder's" : "its");
		return 1;
	case SYM_GATHER_KEY_FAILED:
		snprintf(out, cap, "%s: %s", r->key_path, sym_strerror(r->code));
		return 1;
	case SYM_GATHER_MIXED:
		snprintf(out, cap, "%s: cannot mix share bundles and text shares",
		    name);
		return 1;
	case SYM_GATHER_NO_SHARE:
		snprintf(out, cap, "%s: no share found", name);
		return 1;
	case SYM_GATHER_WRONG_ROLE:
		snprintf(out, cap, "%s: share %u of %u is %s share; this needs "
		    "%s shares", name, r->index, r->count, r->recovery ?
		    "a recovery" : "an unseal", r->recovery ? "unseal" :
		    "recovery");
		return 1;
	default:
		if (r->line == 0)
			return 0;
		snprintf(out, cap, "%s:%u: %s", name, r->line,
		    sym_strerror(r->code));
		return 1;
	}
}
