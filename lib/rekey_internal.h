/*
 * What rekey.c and rekey_submit.c share, private to the rekey ceremony:
 * the words a call says, the text it renders, and the image's rekey state.
 */
#ifndef SYMBOLON_REKEY_INTERNAL_H
#define SYMBOLON_REKEY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/image.h"
#include "symbolon/rekey.h"

/* Records a refusal and says it in words; returns SYM_OK (a refusal is
 * an answer, not an error). */
int sym_rekey_refuse(struct sym_rekey_said *out, enum sym_rekey_refusal r,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A failure that concerns a file (or nothing in particular): why says
 * "FILE: reason".  Returns rc. */
int sym_rekey_fail(char why[SYM_REKEY_WHY_MAX], const char *subject, int rc);

/* Appends to a text (out of memory: sets lost). */
void sym_rekey_say_bytes(struct sym_rekey_text *t, const void *bytes,
    size_t n);
void sym_rekey_say(struct sym_rekey_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* One row of Vault's "Key  Value" table. */
#define SYM_REKEY_ROW(t, key, fmt, ...) \
	sym_rekey_say((t), "%-22s " fmt "\n", (key), __VA_ARGS__)
/* The rows naming a signer: its fingerprint and its words. */
void sym_rekey_say_signer(struct sym_rekey_text *t, const char *label,
    const uint8_t *pk);
const char *sym_rekey_uuid(char out[SYM_UUID_TEXT_BYTES],
    const uint8_t *nonce);

/* Loads the pending operations and, if there is one, the rekey (*have);
 * on failure the pending operations are cleared. */
int sym_rekey_load(const struct sym_image *img,
    struct sym_image_pending *pending, struct sym_rekey *rekey, int *have);
/* New shares (or recovery shares) issued and their verification nonce
 * recorded. */
int sym_rekey_verifying(const struct sym_image *img,
    const struct sym_image_pending *p);

/* The image's seal is a device's (an auto seal). */
int sym_rekey_auto(const struct sym_image *img);
/* "barrier" or "recovery". */
const char *sym_rekey_target_name(enum sym_rekey_target target);
/* The configuration of the shares that form a quorum for a rekey of
 * img: the recovery shares on an auto seal, else the unseal shares; the
 * pending (new) ones for a verification. */
const struct sym_image_seal *sym_rekey_quorum_seal(const struct sym_image *img,
    int pending);
/* The generation of target's key (what a rekey of it replaces). */
uint64_t sym_rekey_generation(const struct sym_image *img,
    enum sym_rekey_target target);
/* Refuses (and returns 1) a call for target that the image or the
 * pending rekey (have: r) is not for. */
int sym_rekey_target_refused(struct sym_rekey_said *out,
    const struct sym_image *img, enum sym_rekey_target target, int have,
    const struct sym_rekey *r);

#endif
