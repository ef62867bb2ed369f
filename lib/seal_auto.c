/* Auto seals: see symbolon/seal_auto.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/random.h"
#include "symbolon/seal_auto.h"
#include "symbolon/seal_devices.h"
#include "symbolon/seal_registry.h"
#include "symbolon/seal_shamir.h"
#include "symbolon/secmem.h"

struct auto_state {
	struct sym_seal_spec spec;
	const struct sym_seal_pin *pin;
	const struct sym_device_ops *ops;
	char *why;			/* the caller's, SYM_SEAL_WHY_MAX */
	int with_recovery;
	struct sym_seal recovery;	/* a Shamir seal dealing recovery */
	uint8_t *recovery_key;		/* secure */
};

static int
auto_make(void *state, uint8_t *key, struct sym_seal_made *made,
    const struct sym_image *img, uint64_t now)
{
	struct auto_state *s = state;
	const struct sym_image_info *info = sym_image_info(img);
	struct sym_image_device *dev = &made->device;
	uint8_t binding[SYM_SEAL_BINDING_MAX];
	size_t binding_len;
	uint64_t generation = info->seal.generation + 1;
	int rc;

	rc = sym_seal_binding(binding, &binding_len, info->image_id,
	    s->spec.name, generation);
	if (rc == SYM_OK)
		rc = sym_random_bytes(key, SYM_IMAGE_KEY_BYTES,
		    SYM_RANDOM_SECRET);
	if (rc == SYM_OK)
		rc = sym_seal_devices_run(s->ops, &s->spec.params, s->pin, binding,
		    binding_len, key, dev, 1, s->why);
	if (rc != SYM_OK) {
		sym_seal_device_why(s->why, s->spec.name, s->spec.type);
		return rc;
	}
	snprintf(dev->name, sizeof dev->name, "%s", s->spec.name);
	snprintf(dev->type, sizeof dev->type, "%s", s->spec.type);
	dev->priority = s->spec.priority;
	made->has_device = 1;
	made->record.type = SYM_SEAL_AUTO;
	made->record.shares = made->record.threshold = 1;
	made->record.generation = generation;
	snprintf(made->detail, sizeof made->detail, "auto seal %s '%s', "
	    "generation %llu", s->spec.type, s->spec.name,
	    (unsigned long long)generation);
	if (!s->with_recovery)
		return SYM_OK;
	{
		struct sym_seal_made inner;

		rc = sym_seal_make(&s->recovery, s->recovery_key, &inner, img,
		    now);
		if (rc != SYM_OK)
			return rc;
		made->has_recovery = 1;
		made->recovery = inner.record;
		made->recovery_key = s->recovery_key;
		snprintf(made->detail, sizeof made->detail, "auto seal %s "
		    "'%s', generation %llu; recovery %u of %u shares, "
		    "generation 1", s->spec.type, s->spec.name,
		    (unsigned long long)generation, inner.record.threshold,
		    inner.record.shares);
	}
	return SYM_OK;
}

static int
auto_publish(void *state)
{
	struct auto_state *s = state;

	return s->with_recovery ? sym_seal_publish(&s->recovery) : SYM_OK;
}

static void
auto_withdraw(void *state)
{
	struct auto_state *s = state;

	if (s->with_recovery)
		sym_seal_withdraw(&s->recovery);
}

static void
auto_free(void *state)
{
	struct auto_state *s = state;

	sym_seal_free(&s->recovery);
	sym_secmem_free(s->recovery_key);
	sodium_memzero(s, sizeof *s);
	free(s);
}

static const struct sym_seal_ops auto_ops = {
	.type = "auto",
	.kind = SYM_SEAL_KIND_DEVICE,
	.make = auto_make,
	.publish = auto_publish,
	.withdraw = auto_withdraw,
	.free = auto_free,
};

int
sym_seal_auto_new(struct sym_seal *seal, const struct sym_seal_spec *spec,
    const struct sym_seal_pin *pin,
    const struct sym_seal_auto_recovery *recovery, char *why)
{
	struct auto_state *s;
	int rc;

	memset(seal, 0, sizeof *seal);
	why[0] = '\0';
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return SYM_ENOMEM;
	s->spec = *spec;
	s->pin = pin;
	s->why = why;
	rc = sym_seal_device_ops(&s->ops, spec->type, why);
	if (rc == SYM_OK && recovery != NULL) {
		struct sym_seal_shamir_params p = {
			.shares = recovery->shares,
			.threshold = recovery->threshold,
			.holders = recovery->holders, .pgp = recovery->pgp,
			.out_dir = recovery->out_dir, .armor = recovery->armor,
			.recovery = 1,
		};

		s->with_recovery = 1;
		s->recovery_key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES);
		rc = s->recovery_key == NULL ? SYM_ENOMEM :
		    sym_seal_shamir_new(&s->recovery, &p);
	}
	if (rc != SYM_OK) {
		if (why[0] != '\0')
			sym_seal_device_why(why, spec->name, spec->type);
		auto_free(s);
		return rc;
	}
	seal->ops = &auto_ops;
	seal->state = s;
	snprintf(seal->name, sizeof seal->name, "%s", spec->name);
	return SYM_OK;
}

struct sym_deal_output *
sym_seal_auto_deal(struct sym_seal *seal)
{
	struct auto_state *s = seal->state;

	if (seal->ops != &auto_ops || s == NULL || !s->with_recovery)
		return NULL;
	return sym_seal_shamir_deal(&s->recovery);
}
