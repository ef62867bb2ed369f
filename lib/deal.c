#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/deal.h"
#include "symbolon/fileset.h"
#include "symbolon/fingerprint.h"
#include "symbolon/random.h"
#include "symbolon/secmem.h"

void
sym_deal_output_free(struct sym_deal_output *out)
{
	sym_secmem_free(out->manifest);
	free(out->record);
	for (unsigned i = 0; i < SYM_SHAMIR_MAX_SHARES; i++) {
		sym_secmem_free(out->shares[i]);
		free(out->sealed[i]);
	}
	memset(out, 0, sizeof *out);
}

/* The manifest's record of one share: x, commitment, holder, protection. */
static int
fill_entry(struct sym_manifest_entry *e, const struct sym_manifest *m,
    const struct sym_deal_holder *h, const uint8_t *raw, size_t raw_len)
{
	e->index = (unsigned)(e - m->entries) + 1;
	e->x = raw[raw_len - 1];
	sym_commit_share(e->commitment, m->salt, m->set_id, m->generation, raw,
	    raw_len);
	if (h != NULL && h->name != NULL) {
		if (sym_identity_check_name(h->name) != SYM_OK)
			return SYM_EUSAGE;
		memcpy(e->holder, h->name, strlen(h->name) + 1);
	}
	e->protection = h ? h->protection : SYM_SHARE_CLEAR;
	if (e->protection == SYM_SHARE_TO_IDENTITY)
		sym_fingerprint(e->recipient, h->recipient->sign_public);
	if (e->protection == SYM_SHARE_OPENPGP) {
		size_t n1 = 0, n2 = 0;

		if (h->pgp == NULL ||
		    sodium_hex2bin(e->pgp_fingerprint,
		    sizeof e->pgp_fingerprint, h->pgp->fpr,
		    strlen(h->pgp->fpr), NULL, &n1, NULL) != 0 ||
		    sodium_hex2bin(e->pgp_subkey_id,
		    sizeof e->pgp_subkey_id, h->pgp->subkey_keyid,
		    strlen(h->pgp->subkey_keyid), NULL, &n2, NULL) != 0 ||
		    n1 != sizeof e->pgp_fingerprint ||
		    n2 != sizeof e->pgp_subkey_id)
			return SYM_EUSAGE;
	}
	return SYM_OK;
}

/* The share bundles, each naming the manifest it belongs to. */
static int
encode_shares(struct sym_deal_output *out, const struct sym_deal *deal,
    const struct sym_manifest *m, uint8_t *const raw[], size_t raw_len,
    const uint8_t *signer)
{
	int rc;

	for (unsigned i = 0; i < deal->count; i++) {
		const struct sym_deal_holder *h =
		    deal->holders ? &deal->holders[i] : NULL;
		struct sym_share_spec spec = {
			.recovery = m->recovery,
			.signer_secret = signer,
			.set_id = m->set_id,
			.generation = m->generation,
			.threshold = m->threshold,
			.count = m->count,
			.index = i + 1,
			.holder = m->entries[i].holder[0] ?
			    m->entries[i].holder : NULL,
			.manifest_hash = m->hash,
			.salt = m->salt,
			.secret_commitment = m->secret_commitment,
			.raw = raw[i],
			.raw_len = raw_len,
			/* An OpenPGP-sealed share is a clear bundle inside
			 * the message. */
			.protection = m->entries[i].protection ==
			    SYM_SHARE_OPENPGP ? SYM_SHARE_CLEAR :
			    m->entries[i].protection,
			.recipient = h ? h->recipient : NULL,
			.passphrase = h ? h->passphrase : NULL,
			.passphrase_len = h ? h->passphrase_len : 0,
		};

		rc = sym_share_encode(&out->shares[i], &out->share_lens[i],
		    &spec);
		if (rc != SYM_OK)
			return rc;
	}
	return SYM_OK;
}

int
sym_deal_run(struct sym_deal_output *out, const struct sym_deal *deal)
{
	uint8_t *raw[SYM_SHAMIR_MAX_SHARES] = { 0 };
	uint8_t *dealer_key = NULL;
	const uint8_t *signer;
	struct sym_manifest *m;
	size_t raw_len = deal->secret_len + SYM_SHAMIR_SHARE_OVERHEAD;
	int rc;

	memset(out, 0, sizeof *out);
	if (deal->count < 2 || deal->count > SYM_SHAMIR_MAX_SHARES)
		return SYM_ESHARES;
	if (deal->threshold < 2 || deal->threshold > deal->count)
		return SYM_ETHRESHOLD;
	if (deal->secret_len == 0)
		return SYM_EEMPTYSECRET;
	if (raw_len > SYM_SHARE_MAX_BYTES)
		return SYM_ETOOBIG;
	m = out->record = calloc(1, sizeof *out->record);
	if (m == NULL)
		return SYM_ENOMEM;
	for (unsigned i = 0; i < deal->count; i++)
		if ((raw[i] = sym_secmem_alloc(raw_len)) == NULL) {
			rc = SYM_ENOMEM;
			goto out;
		}
	signer = deal->signer_secret;
	if (signer == NULL) {
		if ((rc = sym_bundle_one_time_key(&dealer_key)) != SYM_OK)
			goto out;
		signer = dealer_key;
	}
	rc = sym_shamir_split(raw, deal->count, deal->threshold, deal->secret,
	    deal->secret_len);
	if (rc != SYM_OK)
		goto out;

	if (deal->set_id != NULL)
		memcpy(m->set_id, deal->set_id, sizeof m->set_id);
	else if ((rc = sym_random_bytes(m->set_id, sizeof m->set_id,
	    SYM_RANDOM_PUBLIC)) != SYM_OK)
		goto out;
	if ((rc = sym_random_bytes(m->salt, sizeof m->salt,
	    SYM_RANDOM_PUBLIC)) != SYM_OK)
		goto out;
	m->recovery = deal->recovery;
	m->generation = deal->generation;
	m->threshold = deal->threshold;
	m->count = deal->count;
	m->secret_len = deal->secret_len;
	m->created = deal->created;
	sym_commit_secret(m->secret_commitment, m->salt, m->set_id,
	    m->generation, deal->secret, deal->secret_len);
	for (unsigned i = 0; i < deal->count; i++)
		if ((rc = fill_entry(&m->entries[i], m, deal->holders ?
		    &deal->holders[i] : NULL, raw[i], raw_len)) != SYM_OK)
			goto out;
	rc = sym_manifest_encode(&out->manifest, &out->manifest_len, m, signer);
	if (rc != SYM_OK)
		goto out;

	if ((rc = encode_shares(out, deal, m, raw, raw_len, signer)) != SYM_OK)
		goto out;
	rc = SYM_OK;
out:
	for (unsigned i = 0; i < deal->count; i++)
		sym_secmem_free(raw[i]);
	sym_secmem_free(dealer_key);
	if (rc != SYM_OK)
		sym_deal_output_free(out);
	return rc;
}

int
sym_deal_file_name(char *out, size_t cap, const char *dir, unsigned index,
    unsigned count, int recovery, const char *ext)
{
	/* Recovery shares have names of their own: the two kinds may share
	 * a directory, and a holder sees which one a file is. */
	const char *kind = recovery ? "recovery-" : "";
	int n;

	if (index == 0)
		n = snprintf(out, cap, "%s/%smanifest.%s", dir, kind, ext);
	else
		n = snprintf(out, cap, "%s/%sshare-%u-of-%u.%s", dir, kind,
		    index, count, ext);
	return n > 0 && (size_t)n < cap ? SYM_OK : SYM_ETOOBIG;
}

/* The deal's files (index 0 the manifest, then the shares) as a file
 * set: with their bytes, or (bytes 0) their paths only. */
static int
deal_files(struct sym_fileset *fs, const struct sym_deal_output *out,
    const char *dir, int armor, int bytes)
{
	char path[4096];
	int rc = SYM_OK;

	sym_fileset_init(fs);
	for (unsigned i = 0; i <= out->record->count && rc == SYM_OK; i++) {
		const uint8_t *b = i ? out->shares[i - 1] : out->manifest;
		size_t len = i ? out->share_lens[i - 1] : out->manifest_len;
		char *text = NULL;
		size_t text_len = 0;

		if ((rc = sym_deal_path(path, sizeof path, out, dir, i,
		    armor)) != SYM_OK)
			break;
		if (!bytes)
			rc = sym_fileset_add(fs, path, NULL, 0);
		else if (i && out->sealed[i - 1] != NULL)
			rc = sym_fileset_add_copy(fs, path, out->sealed[i - 1],
			    out->sealed_lens[i - 1]);
		else if (!armor)
			rc = sym_fileset_add_copy(fs, path, b, len);
		else if ((rc = sym_bundle_armor(&text, &text_len, b, len)) ==
		    SYM_OK) {
			/* armor leaves room for the NUL: the newline. */
			text[text_len++] = '\n';
			rc = sym_fileset_add(fs, path, (uint8_t *)text, text_len);
		}
	}
	if (rc != SYM_OK)
		sym_fileset_free(fs);
	return rc;
}

int
sym_deal_write(const struct sym_deal_output *out, const char *dir, int armor)
{
	struct sym_fileset fs;
	int rc;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return sym_error_from_errno(errno);
	if ((rc = deal_files(&fs, out, dir, armor, 1)) != SYM_OK)
		return rc;
	rc = sym_fileset_write(&fs, NULL, 0);
	sym_fileset_free(&fs);
	return rc;
}

void
sym_deal_remove(const struct sym_deal_output *out, const char *dir, int armor)
{
	struct sym_fileset fs;

	if (deal_files(&fs, out, dir, armor, 0) != SYM_OK)
		return;
	sym_fileset_remove(&fs);
	sym_fileset_free(&fs);
}

int
sym_deal_path(char *out, size_t cap, const struct sym_deal_output *deal,
    const char *dir, unsigned index, int armor)
{
	return sym_deal_file_name(out, cap, dir, index, deal->record->count,
	    deal->record->recovery, index && deal->sealed[index - 1] != NULL ?
	    "asc" : armor ? "txt" : "cbor");
}

int
sym_deal_seal_pgp(struct sym_deal_output *out,
    struct sym_pgp_recipient *const recipients[])
{
	for (unsigned i = 0; i < out->record->count; i++) {
		char *text = NULL;
		size_t text_len = 0;
		int rc;

		if (out->record->entries[i].protection != SYM_SHARE_OPENPGP)
			continue;
		if (recipients[i] == NULL)
			return SYM_EUSAGE;
		/* The text form, so that `gpg --decrypt` shows a holder the
		 * same SYM1: line that --armor writes. */
		rc = sym_bundle_armor(&text, &text_len, out->shares[i],
		    out->share_lens[i]);
		if (rc == SYM_OK) {
			text[text_len] = '\n';
			rc = sym_pgp_encrypt(&out->sealed[i], &out->sealed_lens[i],
			    (const uint8_t *)text, text_len + 1, SYM_PGP_ARMORED,
			    recipients[i]);
		}
		sym_secmem_free(text);
		if (rc != SYM_OK)
			return rc;
	}
	return SYM_OK;
}
