#include <stdlib.h>
#include <string.h>

#include "symbolon/quorum.h"
#include "symbolon/secmem.h"
#include "symbolon/shareset.h"

struct sym_quorum {
	int bound;			/* reference below is set */
	int has_manifest;
	struct sym_manifest manifest;
	struct sym_share reference;	/* public fields of the first share */
	struct sym_shareset *set;
	uint8_t indices[SYM_SHAMIR_MAX_SHARES + 1];
};

int
sym_quorum_new(struct sym_quorum **out)
{
	struct sym_quorum *q = calloc(1, sizeof *q);
	int rc;

	*out = NULL;
	if (q == NULL)
		return SYM_ENOMEM;
	rc = sym_shareset_new(&q->set);
	if (rc != SYM_OK) {
		free(q);
		return rc;
	}
	*out = q;
	return SYM_OK;
}

void
sym_quorum_free(struct sym_quorum *q)
{
	if (q == NULL)
		return;
	sym_shareset_free(q->set);
	free(q);
}

int
sym_quorum_set_manifest(struct sym_quorum *q, const struct sym_manifest *m)
{
	if (q->bound)
		return SYM_EUSAGE;
	q->manifest = *m;
	q->has_manifest = 1;
	return SYM_OK;
}

static int
check_against_reference(const struct sym_share *ref, const struct sym_share *s)
{
	if (memcmp(ref->set_id, s->set_id, sizeof ref->set_id) != 0)
		return SYM_EWRONGSET;
	if (ref->generation != s->generation)
		return SYM_EGENERATION;
	if (memcmp(ref->signer, s->signer, sizeof ref->signer) != 0)
		return SYM_EKID;
	if (ref->recovery != s->recovery)
		return SYM_ESHAREROLE;
	if (ref->threshold != s->threshold || ref->count != s->count ||
	    (s->raw != NULL && ref->raw_len != s->raw_len) ||
	    memcmp(ref->manifest_hash, s->manifest_hash,
	    sizeof ref->manifest_hash) != 0 ||
	    memcmp(ref->salt, s->salt, sizeof ref->salt) != 0 ||
	    memcmp(ref->secret_commitment, s->secret_commitment,
	    sizeof ref->secret_commitment) != 0)
		return SYM_EMANIFEST;
	return SYM_OK;
}

int
sym_quorum_check(const struct sym_quorum *q, const struct sym_share *share)
{
	int rc;

	if (q->has_manifest)
		rc = sym_manifest_check_share(&q->manifest, share);
	else if (q->bound)
		rc = check_against_reference(&q->reference, share);
	else
		rc = SYM_OK;
	if (rc == SYM_OK && q->indices[share->index])
		rc = SYM_EDUPSHARE;
	return rc;
}

int
sym_quorum_add(struct sym_quorum *q, const struct sym_share *share)
{
	int rc;

	if (share->raw == NULL)
		return SYM_EUSAGE;
	if (q->has_manifest)
		rc = sym_manifest_check_share(&q->manifest, share);
	else if (q->bound)
		rc = check_against_reference(&q->reference, share);
	else
		rc = SYM_OK;
	if (rc != SYM_OK)
		return rc;
	if (q->indices[share->index])
		return SYM_EDUPSHARE;
	rc = sym_shareset_add(q->set, share->raw, share->raw_len);
	if (rc != SYM_OK)
		return rc;
	q->indices[share->index] = 1;
	if (!q->bound) {
		/* Keep only the public fields: the raw share stays in the
		 * share set's secure memory. */
		q->reference = *share;
		q->reference.raw = NULL;	/* raw_len is kept */
		q->reference.ciphertext = NULL;
		q->reference.ciphertext_len = 0;
		q->bound = 1;
	}
	return SYM_OK;
}

size_t
sym_quorum_count(const struct sym_quorum *q)
{
	return sym_shareset_count(q->set);
}

unsigned
sym_quorum_threshold(const struct sym_quorum *q)
{
	if (q->has_manifest)
		return q->manifest.threshold;
	return q->bound ? q->reference.threshold : 0;
}

const uint8_t *
sym_quorum_set_id(const struct sym_quorum *q)
{
	if (q->has_manifest)
		return q->manifest.set_id;
	return q->bound ? q->reference.set_id : NULL;
}

uint64_t
sym_quorum_generation(const struct sym_quorum *q)
{
	if (q->has_manifest)
		return q->manifest.generation;
	return q->bound ? q->reference.generation : 0;
}

const uint8_t *
sym_quorum_signer(const struct sym_quorum *q)
{
	if (q->has_manifest)
		return q->manifest.signer;
	return q->bound ? q->reference.signer : NULL;
}

int
sym_quorum_has_index(const struct sym_quorum *q, unsigned index)
{
	return index <= SYM_SHAMIR_MAX_SHARES && q->indices[index];
}

int
sym_quorum_recover(uint8_t **secret, size_t *len, const struct sym_quorum *q)
{
	const struct sym_share *ref = &q->reference;
	size_t n;
	int rc;

	*secret = NULL;
	*len = 0;
	if (!q->bound || sym_quorum_count(q) < sym_quorum_threshold(q))
		return SYM_ETOOFEW;
	n = sym_shareset_secret_len(q->set);
	*secret = sym_secmem_alloc(n);
	if (*secret == NULL)
		return SYM_ENOMEM;
	rc = sym_shareset_combine(*secret, q->set);
	if (rc == SYM_OK)
		rc = sym_commit_check_secret(ref->secret_commitment, ref->salt,
		    ref->set_id, ref->generation, *secret, n);
	if (rc != SYM_OK) {
		sym_secmem_free(*secret);
		*secret = NULL;
		return rc;
	}
	*len = n;
	return SYM_OK;
}
