/* The Shamir seal: see symbolon/seal_shamir.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/random.h"
#include "symbolon/secmem.h"
#include "symbolon/seal_shamir.h"

struct shamir_state {
	struct sym_seal_shamir_params p;
	struct sym_deal_output deal;
	int made, published;
};

static int
shamir_make(void *state, uint8_t *key, struct sym_seal_made *made,
    const struct sym_image *img, uint64_t now)
{
	struct shamir_state *s = state;
	const struct sym_image_info *info = sym_image_info(img);
	const uint8_t *signer = sym_image_identity_secret(img);
	int rc;

	if (signer == NULL)
		return SYM_ESEALED;
	if (s->p.shares < 2 || s->p.shares > SYM_SHAMIR_MAX_SHARES)
		return SYM_ESHARES;
	if (s->p.threshold < 2 || s->p.threshold > s->p.shares)
		return SYM_ETHRESHOLD;
	sym_deal_output_free(&s->deal);
	s->made = 0;
	rc = sym_random_bytes(key, SYM_IMAGE_KEY_BYTES, SYM_RANDOM_SECRET);
	if (rc == SYM_OK) {
		struct sym_deal spec = {
			.secret = key, .secret_len = SYM_IMAGE_KEY_BYTES,
			.threshold = s->p.threshold, .count = s->p.shares,
			.generation = 1, .created = now,
			.set_id = info->image_id, .signer_secret = signer,
			.holders = s->p.holders, .recovery = s->p.recovery,
		};

		rc = sym_deal_run(&s->deal, &spec);
	}
	if (rc == SYM_OK && s->p.pgp != NULL)
		rc = sym_deal_seal_pgp(&s->deal, s->p.pgp);
	if (rc != SYM_OK) {
		sym_deal_output_free(&s->deal);
		return rc;
	}
	made->record.type = SYM_SEAL_SHAMIR;
	made->record.shares = s->p.shares;
	made->record.threshold = s->p.threshold;
	made->record.generation = 1;
	memcpy(made->record.manifest_hash, s->deal.record->hash,
	    SYM_MANIFEST_HASH_BYTES);
	snprintf(made->detail, sizeof made->detail, "shamir %s, %u of %u "
	    "shares, generation 1", s->p.recovery ? "recovery" : "seal",
	    s->p.threshold, s->p.shares);
	s->made = 1;
	return SYM_OK;
}

static int
shamir_publish(void *state)
{
	struct shamir_state *s = state;
	int rc;

	if (!s->made)
		return SYM_EUSAGE;
	if (s->p.out_dir == NULL)
		return SYM_OK;
	rc = sym_deal_write(&s->deal, s->p.out_dir, s->p.armor);
	s->published = rc == SYM_OK;
	return rc;
}

static void
shamir_withdraw(void *state)
{
	struct shamir_state *s = state;

	if (s->published)
		sym_deal_remove(&s->deal, s->p.out_dir, s->p.armor);
	s->published = 0;
}

static int
shamir_release(void *state, uint8_t *key, const struct sym_image *img)
{
	struct shamir_state *s = state;
	uint8_t *secret = NULL;
	size_t len = 0;
	int rc;

	(void)img;
	if (s->p.quorum == NULL)
		return SYM_EUSAGE;
	rc = sym_quorum_recover(&secret, &len, s->p.quorum);
	if (rc == SYM_ECOMMITMENT)
		return SYM_EUNSEAL;
	if (rc != SYM_OK)
		return rc;
	if (len == SYM_IMAGE_KEY_BYTES)
		memcpy(key, secret, SYM_IMAGE_KEY_BYTES);
	else
		rc = SYM_EUNSEAL;
	sym_secmem_free(secret);
	return rc;
}

static void
shamir_free(void *state)
{
	struct shamir_state *s = state;

	sym_deal_output_free(&s->deal);
	sodium_memzero(s, sizeof *s);
	free(s);
}

const struct sym_seal_ops sym_seal_shamir_ops = {
	.type = SYM_SEAL_SHAMIR_TYPE,
	.kind = SYM_SEAL_KIND_QUORUM,
	.make = shamir_make,
	.publish = shamir_publish,
	.withdraw = shamir_withdraw,
	.release = shamir_release,
	.free = shamir_free,
};

int
sym_seal_shamir_new(struct sym_seal *seal,
    const struct sym_seal_shamir_params *params)
{
	struct shamir_state *s;

	memset(seal, 0, sizeof *seal);
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return SYM_ENOMEM;
	s->p = *params;
	seal->ops = &sym_seal_shamir_ops;
	seal->state = s;
	snprintf(seal->name, sizeof seal->name, "%s", SYM_SEAL_SHAMIR_TYPE);
	seal->config.name = seal->name;
	seal->config.type = SYM_SEAL_SHAMIR_TYPE;
	return SYM_OK;
}

struct sym_deal_output *
sym_seal_shamir_deal(struct sym_seal *seal)
{
	struct shamir_state *s = seal->state;

	return seal->ops == &sym_seal_shamir_ops && s != NULL && s->made ?
	    &s->deal : NULL;
}

/* The shortcut image.h declares: the image takes only U. */
int
sym_seal_shamir_unseal(struct sym_image *img, const struct sym_quorum *q)
{
	struct sym_seal_shamir_params p = { .quorum = q };
	struct sym_seal seal;
	int rc = sym_seal_shamir_new(&seal, &p);

	if (rc == SYM_OK)
		rc = sym_seal_unseal(img, &seal);
	sym_seal_free(&seal);
	return rc;
}
