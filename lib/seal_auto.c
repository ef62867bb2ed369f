/* Auto seals: see symbolon/seal_auto.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/random.h"
#include "symbolon/seal_auto.h"
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

/* Wraps (wrap 1) or unwraps key by the device of one seal record. */
static int
device_run(const struct sym_device_ops *ops, const struct sym_seal_params *p,
    const struct sym_seal_pin *pin, const uint8_t *binding, size_t binding_len,
    uint8_t *key, struct sym_image_device *dev, int wrap, char *why)
{
	void *state = NULL;
	int rc;

	why[0] = '\0';
	rc = ops->open(&state, p, pin, why);
	if (rc == SYM_OK && wrap) {
		dev->params.count = 0;
		rc = ops->wrap(state, binding, binding_len, key, dev->wrapped,
		    &dev->wrapped_len, &dev->params, why);
	} else if (rc == SYM_OK) {
		rc = ops->unwrap(state, binding, binding_len, dev->wrapped,
		    dev->wrapped_len, key, why);
	}
	if (state != NULL)
		ops->close(state);
	if (rc != SYM_OK && why[0] == '\0')
		snprintf(why, SYM_SEAL_WHY_MAX, "%s", sym_strerror(rc));
	return rc;
}

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
		rc = device_run(s->ops, &s->spec.params, s->pin, binding,
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

static const struct sym_image_device *
find_device(const struct sym_image_info *info, const char *name)
{
	for (size_t i = 0; i < info->device_count; i++)
		if (strcmp(info->devices[i].name, name) == 0)
			return &info->devices[i];
	return NULL;
}

/* U from the image's copy for one of its devices. */
static int
release_device(uint8_t *key, const struct sym_image_info *info,
    const struct sym_image_device *d, const struct sym_seal_pin *pin,
    char *why)
{
	const struct sym_device_ops *ops;
	struct sym_image_device copy = *d;
	uint8_t binding[SYM_SEAL_BINDING_MAX];
	size_t binding_len;
	int rc;

	why[0] = '\0';
	rc = sym_seal_device_ops(&ops, d->type, why);
	if (rc == SYM_OK)
		rc = sym_seal_binding(binding, &binding_len, info->image_id,
		    d->name, info->seal.generation);
	if (rc == SYM_OK)
		rc = device_run(ops, &d->params, pin, binding, binding_len,
		    key, &copy, 0, why);
	if (rc != SYM_OK)
		sym_seal_device_why(why, d->name, d->type);
	return rc;
}

static int
auto_release(void *state, uint8_t *key, const struct sym_image *img,
    const uint8_t *blob, size_t blob_len)
{
	struct auto_state *s = state;
	const struct sym_image_info *info = sym_image_info(img);
	const struct sym_image_device *d = find_device(info, s->spec.name);

	(void)blob;
	(void)blob_len;
	if (d == NULL) {
		snprintf(s->why, SYM_SEAL_WHY_MAX, "the image has no seal "
		    "named '%s'", s->spec.name);
		return SYM_EUSAGE;
	}
	return release_device(key, info, d, s->pin, s->why);
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
	.release = auto_release,
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

/* ---------------------------------------------------------------- */
/* Using an auto-sealed image */

static void
report_init(struct sym_seal_auto_report *report,
    const struct sym_image_info *info)
{
	memset(report, 0, sizeof *report);
	report->used = -1;
	report->count = info->device_count;
	for (size_t i = 0; i < info->device_count; i++) {
		snprintf(report->devices[i].name, sizeof report->devices[i].name,
		    "%s", info->devices[i].name);
		snprintf(report->devices[i].type, sizeof report->devices[i].type,
		    "%s", info->devices[i].type);
	}
}

int
sym_seal_auto_unseal(struct sym_image *img, const struct sym_seal_pin *pin,
    struct sym_seal_auto_report *report)
{
	const struct sym_image_info *info = sym_image_info(img);
	uint8_t *key;
	int first = SYM_OK;

	report_init(report, info);
	if (info->seal.type != SYM_SEAL_AUTO || info->device_count == 0)
		return SYM_EUSAGE;
	if ((key = sym_secmem_alloc(SYM_IMAGE_KEY_BYTES)) == NULL)
		return SYM_ENOMEM;
	for (size_t i = 0; i < info->device_count; i++) {
		struct sym_seal_auto_device *r = &report->devices[i];

		r->tried = 1;
		r->code = release_device(key, info, &info->devices[i], pin,
		    r->why);
		if (r->code == SYM_OK &&
		    (r->code = sym_image_unseal_key(img, key)) != SYM_OK) {
			/* The device answered, with a key that is not this
			 * image's. */
			snprintf(r->why, sizeof r->why, "seal '%s' (%s): the "
			    "device's key does not open this image (%s)",
			    r->name, r->type, sym_strerror(r->code));
			r->code = SYM_EDEVUNWRAP;
		}
		if (r->code == SYM_OK) {
			report->used = (int)i;
			break;
		}
		if (first == SYM_OK)
			first = r->code;
	}
	sym_secmem_free(key);
	return report->used >= 0 ? SYM_OK : first;
}

void
sym_seal_auto_probe(const struct sym_image_info *info,
    struct sym_seal_auto_report *report)
{
	static const struct sym_seal_pin no_pin = { .no_prompt = 1 };

	report_init(report, info);
	for (size_t i = 0; i < info->device_count; i++) {
		const struct sym_image_device *d = &info->devices[i];
		struct sym_seal_auto_device *r = &report->devices[i];
		const struct sym_device_ops *ops;
		void *state = NULL;

		r->tried = 1;
		r->code = sym_seal_device_ops(&ops, d->type, r->why);
		if (r->code == SYM_OK)
			r->code = ops->open(&state, &d->params, &no_pin, r->why);
		if (r->code == SYM_OK)
			r->code = ops->probe(state, r->why);
		if (state != NULL)
			ops->close(state);
		if (r->code != SYM_OK) {
			if (r->why[0] == '\0')
				snprintf(r->why, sizeof r->why, "%s",
				    sym_strerror(r->code));
			snprintf(r->reason, sizeof r->reason, "%s", r->why);
			sym_seal_device_why(r->why, d->name, d->type);
		}
	}
}

void
sym_seal_auto_explain(char *out, size_t cap,
    const struct sym_seal_auto_report *report)
{
	size_t failed = 0, first = report->count;

	for (size_t i = 0; i < report->count; i++)
		if (report->devices[i].tried && report->devices[i].code != 0) {
			failed++;
			if (first == report->count)
				first = i;
		}
	if (first == report->count) {
		snprintf(out, cap, "no seal answered");
		return;
	}
	if (failed > 1)
		snprintf(out, cap, "%s (and %zu more seal%s did not answer)",
		    report->devices[first].why, failed - 1,
		    failed > 2 ? "s" : "");
	else
		snprintf(out, cap, "%s", report->devices[first].why);
}
