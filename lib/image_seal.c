/* The seal records of an image's core: see image_seal.h. */
#include <stdlib.h>
#include <string.h>

#include "symbolon/secmem.h"

#include "image_seal.h"
#include "image_slot.h"

static const char label_recovery[] = "recovery";
static const char label_pending_recovery[] = "recovery-pending";

void
sym_image_put_seal(struct sym_cbor_writer *w, const struct sym_image_seal *seal)
{
	sym_cbor_put_map(w, 5);
	sym_cbor_put_uint(w, 1);
	sym_cbor_put_uint(w, seal->type);
	sym_cbor_put_uint(w, 2);
	sym_cbor_put_uint(w, seal->shares);
	sym_cbor_put_uint(w, 3);
	sym_cbor_put_uint(w, seal->threshold);
	sym_cbor_put_uint(w, 4);
	sym_cbor_put_uint(w, seal->generation);
	sym_cbor_put_uint(w, 5);
	sym_cbor_put_bytes(w, seal->manifest_hash, sizeof seal->manifest_hash);
}

int
sym_image_read_seal(struct sym_cbor_reader *r, struct sym_image_seal *seal)
{
	uint64_t type;
	size_t pairs;

	if (sym_cbor_read_map(r, &pairs) != SYM_OK || pairs != 5 ||
	    sym_image_read_key(r, 1) != SYM_OK ||
	    sym_cbor_read_uint(r, &type) != SYM_OK ||
	    (type != SYM_SEAL_SHAMIR && type != SYM_SEAL_AUTO) ||
	    sym_image_read_key(r, 2) != SYM_OK ||
	    sym_cbor_read_uint_max(r, &seal->shares, 255) != SYM_OK ||
	    sym_image_read_key(r, 3) != SYM_OK ||
	    sym_cbor_read_uint_max(r, &seal->threshold, 255) != SYM_OK ||
	    sym_image_read_key(r, 4) != SYM_OK ||
	    sym_cbor_read_uint(r, &seal->generation) != SYM_OK ||
	    sym_image_read_key(r, 5) != SYM_OK ||
	    sym_cbor_read_fixed(r, seal->manifest_hash,
	    SYM_MANIFEST_HASH_BYTES) != SYM_OK)
		return SYM_ECORRUPT;
	seal->type = (enum sym_seal_type)type;
	/* An auto seal's barrier configuration is one stored key (Vault's
	 * 1 of 1); shares dealt to holders need a threshold of two. */
	if (type == SYM_SEAL_AUTO ? seal->shares != 1 || seal->threshold != 1 :
	    seal->threshold < 2 || seal->threshold > seal->shares)
		return SYM_ECORRUPT;
	return SYM_OK;
}


size_t
sym_image_seal_field_count(const struct sym_image_info *info)
{
	return (info->recovery_seal ? 2u : 0u) +
	    (info->recovery_pending ? 2u : 0u) + (info->device_count ? 1u : 0u);
}

static void
put_device(struct sym_cbor_writer *w, const struct sym_image_device *d)
{
	sym_cbor_put_map(w, 5);
	sym_cbor_put_uint(w, 1);
	sym_cbor_put_text(w, d->name, strlen(d->name));
	sym_cbor_put_uint(w, 2);
	sym_cbor_put_text(w, d->type, strlen(d->type));
	sym_cbor_put_uint(w, 3);
	sym_cbor_put_uint(w, d->priority);
	/* Parameters as [key, value, key, value, ...]: their order is the
	 * provider's, and a CBOR map would have to be sorted. */
	sym_cbor_put_uint(w, 4);
	sym_cbor_put_array(w, 2 * d->params.count);
	for (size_t i = 0; i < d->params.count; i++) {
		const struct sym_seal_param_item *p = &d->params.item[i];

		sym_cbor_put_text(w, p->key, strlen(p->key));
		sym_cbor_put_text(w, p->value, strlen(p->value));
	}
	sym_cbor_put_uint(w, 5);
	sym_cbor_put_bytes(w, d->wrapped, d->wrapped_len);
}

void
sym_image_seal_encode(struct sym_cbor_writer *w,
    const struct sym_image_info *info, const struct sym_image_seal_part *p)
{
	if (info->recovery_seal) {
		sym_cbor_put_uint(w, CORE_RECOVERY);
		sym_image_put_seal(w, &info->recovery);
		sym_cbor_put_uint(w, CORE_RECOVERY_KEY);
		sym_image_put_blob(w, &p->recovery_blob);
	}
	if (info->recovery_pending) {
		sym_cbor_put_uint(w, CORE_PENDING_RECOVERY);
		sym_image_put_seal(w, &info->pending_recovery);
		sym_cbor_put_uint(w, CORE_PENDING_RECOVERY_KEY);
		sym_image_put_blob(w, &p->pending_recovery_blob);
	}
	if (info->device_count) {
		sym_cbor_put_uint(w, CORE_DEVICES);
		sym_cbor_put_array(w, info->device_count);
		for (size_t i = 0; i < info->device_count; i++)
			put_device(w, &info->devices[i]);
	}
}

/* A text of 1..max bytes with no NUL into out (max + 1 bytes). */
static int
read_text(struct sym_cbor_reader *r, char *out, size_t max)
{
	const char *text;
	size_t len;

	if (sym_cbor_read_text(r, &text, &len) != SYM_OK || len == 0 ||
	    len > max || memchr(text, '\0', len) != NULL)
		return SYM_ECORRUPT;
	memcpy(out, text, len);
	out[len] = '\0';
	return SYM_OK;
}

static int
read_params(struct sym_cbor_reader *r, struct sym_seal_params *p)
{
	size_t items;

	if (sym_cbor_read_array(r, &items) != SYM_OK || items % 2 != 0 ||
	    items / 2 > SYM_SEAL_PARAMS_MAX)
		return SYM_ECORRUPT;
	p->count = items / 2;
	for (size_t i = 0; i < p->count; i++)
		if (read_text(r, p->item[i].key, SYM_SEAL_PARAM_KEY_MAX) !=
		    SYM_OK || read_text(r, p->item[i].value,
		    SYM_SEAL_PARAM_VALUE_MAX) != SYM_OK)
			return SYM_ECORRUPT;
	return SYM_OK;
}

static int
read_device(struct sym_cbor_reader *r, struct sym_image_device *d)
{
	const uint8_t *wrapped;
	size_t pairs;

	if (sym_cbor_read_map(r, &pairs) != SYM_OK || pairs != 5 ||
	    sym_image_read_key(r, 1) != SYM_OK ||
	    read_text(r, d->name, SYM_SEAL_NAME_BYTES_MAX) != SYM_OK ||
	    sym_image_read_key(r, 2) != SYM_OK ||
	    read_text(r, d->type, SYM_SEAL_TYPE_MAX) != SYM_OK ||
	    sym_image_read_key(r, 3) != SYM_OK ||
	    sym_cbor_read_uint_max(r, &d->priority, 100) != SYM_OK ||
	    sym_image_read_key(r, 4) != SYM_OK ||
	    read_params(r, &d->params) != SYM_OK ||
	    sym_image_read_key(r, 5) != SYM_OK ||
	    sym_cbor_read_bytes(r, &wrapped, &d->wrapped_len) != SYM_OK ||
	    d->wrapped_len == 0 || d->wrapped_len > SYM_SEAL_WRAPPED_MAX)
		return SYM_ECORRUPT;
	memcpy(d->wrapped, wrapped, d->wrapped_len);
	return SYM_OK;
}

/* 1 if every byte of s is one of chars (or, punct set, any printable
 * but a space) and s is not empty. */
static int
text_of(const char *s, const char *chars, int printable)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (printable ? (*s <= ' ' || *s > '~') :
		    strchr(chars, *s) == NULL)
			return 0;
	return 1;
}

#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
    "0123456789_.-"

static int
device_ok(const struct sym_image_device *d)
{
	/* What a seal string can give (seal_registry.c), so that messages
	 * and JSON that name a seal carry no quote or escape from a
	 * crafted header. */
	if (!text_of(d->name, NAME_CHARS, 0) || strlen(d->name) >
	    SYM_SEAL_NAME_BYTES_MAX || !text_of(d->type,
	    "abcdefghijklmnopqrstuvwxyz0123456789", 0) || d->priority < 1 ||
	    d->priority > 100 || d->wrapped_len == 0 ||
	    d->wrapped_len > SYM_SEAL_WRAPPED_MAX ||
	    d->params.count > SYM_SEAL_PARAMS_MAX)
		return 0;
	for (size_t i = 0; i < d->params.count; i++)
		if (!text_of(d->params.item[i].key, NAME_CHARS, 0) ||
		    !text_of(d->params.item[i].value, NULL, 1))
			return 0;
	return 1;
}

int
sym_image_seal_check_devices(const struct sym_image_device *devices,
    size_t count)
{
	if (count == 0 || count > SYM_IMAGE_MAX_DEVICES)
		return SYM_ECORRUPT;
	for (size_t i = 0; i < count; i++) {
		if (!device_ok(&devices[i]))
			return SYM_ECORRUPT;
		/* Names are unique, and the list is in priority order. */
		for (size_t j = 0; j < i; j++)
			if (strcmp(devices[j].name, devices[i].name) == 0)
				return SYM_ECORRUPT;
		if (i > 0 && devices[i].priority < devices[i - 1].priority)
			return SYM_ECORRUPT;
	}
	return SYM_OK;
}

static int
read_devices(struct sym_cbor_reader *r, struct sym_image_info *info)
{
	size_t count;

	if (sym_cbor_read_array(r, &count) != SYM_OK || count == 0 ||
	    count > SYM_IMAGE_MAX_DEVICES)
		return SYM_ECORRUPT;
	info->device_count = count;
	for (size_t i = 0; i < count; i++)
		if (read_device(r, &info->devices[i]) != SYM_OK)
			return SYM_ECORRUPT;
	return sym_image_seal_check_devices(info->devices, count);
}

int
sym_image_seal_parse(struct sym_cbor_reader *r, struct sym_image_info *info,
    struct sym_image_seal_part *p, uint64_t key)
{
	int rc;

	switch (key) {
	case CORE_RECOVERY:
		rc = sym_image_read_seal(r, &info->recovery);
		info->recovery_seal = rc == SYM_OK;
		return rc;
	case CORE_RECOVERY_KEY:
		return sym_image_read_blob(r, &p->recovery_blob);
	case CORE_PENDING_RECOVERY:
		rc = sym_image_read_seal(r, &info->pending_recovery);
		info->recovery_pending = rc == SYM_OK;
		return rc;
	case CORE_PENDING_RECOVERY_KEY:
		return sym_image_read_blob(r, &p->pending_recovery_blob);
	case CORE_DEVICES:
		return read_devices(r, info);
	}
	return SYM_ECORRUPT;
}

int
sym_image_seal_check(const struct sym_image_info *info, uint32_t seen)
{
	int has = (seen & (1u << CORE_RECOVERY)) != 0;

	/* Each configuration comes with its key. */
	if (has != ((seen & (1u << CORE_RECOVERY_KEY)) != 0) ||
	    ((seen & (1u << CORE_PENDING_RECOVERY)) != 0) !=
	    ((seen & (1u << CORE_PENDING_RECOVERY_KEY)) != 0))
		return SYM_ECORRUPT;
	if (info->seal.type == SYM_SEAL_AUTO) {
		if (info->device_count == 0 || !info->recovery_seal ||
		    info->recovery.type != SYM_SEAL_SHAMIR ||
		    info->verification_pending)
			return SYM_ECORRUPT;
	} else if (info->device_count != 0 || info->recovery_seal ||
	    info->recovery_pending) {
		return SYM_ECORRUPT;
	}
	/* Only a Shamir rekey has new unseal shares to verify. */
	if (info->verification_pending &&
	    info->pending_seal.type != SYM_SEAL_SHAMIR)
		return SYM_ECORRUPT;
	if (info->recovery_pending && (info->pending_recovery.type !=
	    SYM_SEAL_SHAMIR || info->pending_recovery.generation <=
	    info->recovery.generation))
		return SYM_ECORRUPT;
	return SYM_OK;
}

/* ---------------------------------------------------------------- */
/* Unsealed: the recovery keys */

static int
open_key(uint8_t **key, const struct sym_sealed_blob *blob,
    const struct sym_image_info *info, const uint8_t *root_key,
    const char *label)
{
	size_t len;
	int rc;

	rc = sym_image_blob_open(key, &len, blob, root_key, info->image_id,
	    label);
	if (rc == SYM_OK && len != SYM_IMAGE_KEY_BYTES) {
		sym_secmem_free(*key);
		*key = NULL;
		rc = SYM_ECORRUPT;
	}
	return rc;
}

int
sym_image_seal_open(struct sym_image_seal_part *p,
    const struct sym_image_info *info, const uint8_t *root_key)
{
	int rc = SYM_OK;

	sym_image_seal_forget(p);
	if (info->recovery_seal)
		rc = open_key(&p->recovery_key, &p->recovery_blob, info,
		    root_key, label_recovery);
	if (rc == SYM_OK && info->recovery_pending)
		rc = open_key(&p->pending_recovery_key,
		    &p->pending_recovery_blob, info, root_key,
		    label_pending_recovery);
	if (rc != SYM_OK)
		sym_image_seal_forget(p);
	return rc;
}

int
sym_image_seal_reseal(struct sym_image_seal_part *p,
    const struct sym_image_info *info, const uint8_t *root_key)
{
	int rc = SYM_OK;

	if (info->recovery_seal)
		rc = p->recovery_key == NULL ? SYM_ESEALED :
		    sym_image_blob_seal(&p->recovery_blob, root_key,
		    info->image_id, label_recovery, p->recovery_key,
		    SYM_IMAGE_KEY_BYTES);
	if (rc == SYM_OK && info->recovery_pending)
		rc = p->pending_recovery_key == NULL ? SYM_ESEALED :
		    sym_image_blob_seal(&p->pending_recovery_blob, root_key,
		    info->image_id, label_pending_recovery,
		    p->pending_recovery_key, SYM_IMAGE_KEY_BYTES);
	return rc;
}

void
sym_image_seal_forget(struct sym_image_seal_part *p)
{
	sym_secmem_free(p->recovery_key);
	sym_secmem_free(p->pending_recovery_key);
	p->recovery_key = p->pending_recovery_key = NULL;
}

void
sym_image_seal_free(struct sym_image_seal_part *p)
{
	free(p->recovery_blob.ciphertext);
	free(p->pending_recovery_blob.ciphertext);
	p->recovery_blob.ciphertext = NULL;
	p->pending_recovery_blob.ciphertext = NULL;
	sym_image_seal_forget(p);
}
