/* Using an auto-sealed image: see symbolon/seal_devices.h. */
#include <stdio.h>
#include <string.h>

#include "symbolon/quorum.h"
#include "symbolon/seal_devices.h"
#include "symbolon/seal_registry.h"
#include "symbolon/secmem.h"

/* Wraps (wrap 1) or unwraps key by the device of one seal record. */
int
sym_seal_devices_run(const struct sym_device_ops *ops, const struct sym_seal_params *p,
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

int
sym_seal_devices_release(uint8_t *key, const struct sym_image_info *info,
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
		rc = sym_seal_devices_run(ops, &d->params, pin, binding, binding_len,
		    key, &copy, 0, why);
	if (rc != SYM_OK)
		sym_seal_device_why(why, d->name, d->type);
	return rc;
}


static void
report_init(struct sym_seal_devices_report *report,
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
sym_seal_devices_unseal(struct sym_image *img, const struct sym_seal_pin *pin,
    struct sym_seal_devices_report *report)
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
		struct sym_seal_devices_entry *r = &report->devices[i];

		r->tried = 1;
		r->code = sym_seal_devices_release(key, info, &info->devices[i], pin,
		    r->why);
		if (r->code == SYM_OK &&
		    (r->code = sym_image_unseal_key(img, key)) != SYM_OK) {
			/* A key that is not this image's is the device's
			 * fault, and the next device may have the right one;
			 * anything else (a header failing its MAC, memory)
			 * is the image's or ours: stop there. */
			if (r->code != SYM_EUNSEAL) {
				snprintf(r->why, sizeof r->why, "%s",
				    sym_strerror(r->code));
				first = r->code;
				break;
			}
			snprintf(r->why, sizeof r->why, "seal '%s' (%s): the "
			    "device's key does not open this image", r->name,
			    r->type);
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

int
sym_seal_devices_authorise(struct sym_image *img,
    const struct sym_seal_pin *pin, const struct sym_quorum *q, int pending,
    struct sym_seal_devices_report *report)
{
	uint8_t *key = NULL;
	size_t len = 0;
	int rc = sym_seal_devices_unseal(img, pin, report);

	if (rc != SYM_OK)
		return rc;
	rc = sym_quorum_recover(&key, &len, q);
	if (rc == SYM_ECOMMITMENT ||
	    (rc == SYM_OK && len != SYM_IMAGE_KEY_BYTES))
		rc = SYM_ERECOVERY;
	else if (rc == SYM_OK)
		rc = sym_image_recovery_check(img, key, pending);
	sym_secmem_free(key);
	return rc;
}

void
sym_seal_devices_probe(const struct sym_image_info *info,
    struct sym_seal_devices_report *report)
{
	static const struct sym_seal_pin no_pin = { .no_prompt = 1 };

	report_init(report, info);
	for (size_t i = 0; i < info->device_count; i++) {
		const struct sym_image_device *d = &info->devices[i];
		struct sym_seal_devices_entry *r = &report->devices[i];
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
sym_seal_devices_explain(char *out, size_t cap,
    const struct sym_seal_devices_report *report)
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
