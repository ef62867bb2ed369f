/*
 * PKCS#11 modules, tokens and sessions for the pkcs11 seal (see
 * pkcs11_module.h).  The seal itself (parameters, keys, wrapping) is
 * seal_pkcs11.c.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <p11-kit/pkcs11.h>

#include "symbolon/secmem.h"

#include "pkcs11_module.h"

#define MODULES_MAX 8u

/*
 * A loaded module, shared by every seal on it: two seals on two tokens of
 * one module (SoftHSM, an HSM with two partitions) must not finalise each
 * other's library.  C_Finalize only when the last user closes, and only if
 * we initialised it (someone else in the process may have).
 */
struct pkcs11_module {
	void *dl;
	CK_FUNCTION_LIST_PTR fl;
	unsigned refs;
	int owner;
};
static struct pkcs11_module modules[MODULES_MAX];	/* one thread only */

/* The token as the user named it, for messages. */
static const char *
token_name(const struct pkcs11_token *p, char *buf, size_t cap)
{
	if (p->token[0] != '\0' && p->serial[0] != '\0')
		snprintf(buf, cap, "token '%s' with serial '%s'", p->token,
		    p->serial);
	else if (p->token[0] != '\0')
		snprintf(buf, cap, "token '%s'", p->token);
	else
		snprintf(buf, cap, "token with serial '%s'", p->serial);
	return buf;
}

/* ---------------------------------------------------------------- */
/* The module */

static int
module_init(struct pkcs11_module *m, const char *path, char *why)
{
	CK_C_GetFunctionList get;
	CK_C_INITIALIZE_ARGS args = { .flags = CKF_OS_LOCKING_OK };
	CK_RV rv;

	*(void **)&get = dlsym(m->dl, "C_GetFunctionList");
	if (get == NULL) {
		snprintf(why, SYM_SEAL_WHY_MAX, "'%.200s' is not a PKCS#11 "
		    "module (no C_GetFunctionList)", path);
		return SYM_ESEALSPEC;
	}
	if ((rv = get(&m->fl)) != CKR_OK || m->fl == NULL) {
		snprintf(why, SYM_SEAL_WHY_MAX, "PKCS#11 module '%.180s': "
		    "C_GetFunctionList failed (0x%lx)", path, rv);
		return SYM_EDEVICE;
	}
	rv = m->fl->C_Initialize(&args);
	if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		snprintf(why, SYM_SEAL_WHY_MAX, "PKCS#11 module '%.180s': "
		    "C_Initialize failed (0x%lx)", path, rv);
		return SYM_EDEVICE;
	}
	m->owner = rv == CKR_OK;
	return SYM_OK;
}

/*
 * The module path comes from a seal string or from an image's header,
 * which anyone who can write the image file can change: loading it runs
 * its code and, at unseal, hands it the PIN.  So it is loaded only if
 * nobody but root could have written it: the file and every directory
 * above it (after symbolic links are resolved) owned by root and not
 * writable by group or others, as sshd and sudo judge their files.
 */
static int
module_trusted(const char *module, char *why)
{
	char real[PATH_MAX], *slash;
	struct stat st;

	if (realpath(module, real) == NULL) {
		snprintf(why, SYM_SEAL_WHY_MAX, "no PKCS#11 module at '%.200s'",
		    module);
		return SYM_ENODEVICE;
	}
	for (;;) {
		if (stat(real, &st) != 0 || st.st_uid != 0 ||
		    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
			snprintf(why, SYM_SEAL_WHY_MAX, "PKCS#11 module refused: "
			    "'%.150s' is not root's alone (another user could "
			    "replace the module)", real);
			return SYM_ESEALSPEC;
		}
		if ((slash = strrchr(real, '/')) == NULL || slash == real)
			break;
		*slash = '\0';
	}
	return stat("/", &st) == 0 && st.st_uid == 0 &&
	    (st.st_mode & (S_IWGRP | S_IWOTH)) == 0 ? SYM_OK : SYM_ESEALSPEC;
}

static int
module_get(struct pkcs11_token *p, char *why)
{
	struct pkcs11_module *free_slot = NULL;
	void *dl;
	int rc;

	if (p->mod != NULL)
		return SYM_OK;
	if ((rc = module_trusted(p->module, why)) != SYM_OK)
		return rc;
	dl = dlopen(p->module, RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL) {
		/* dlerror names the path and says why (not ELF, a missing
		 * dependency). */
		snprintf(why, SYM_SEAL_WHY_MAX, "not a PKCS#11 module that "
		    "loads: %.200s", dlerror());
		return SYM_ESEALSPEC;
	}
	for (size_t i = 0; i < MODULES_MAX; i++) {
		if (modules[i].refs > 0 && modules[i].dl == dl) {
			/* dlopen counted this reference: give it back. */
			dlclose(dl);
			modules[i].refs++;
			p->mod = &modules[i];
			return SYM_OK;
		}
		if (modules[i].refs == 0 && free_slot == NULL)
			free_slot = &modules[i];
	}
	if (free_slot == NULL) {
		dlclose(dl);
		snprintf(why, SYM_SEAL_WHY_MAX, "more than %u PKCS#11 modules "
		    "in use", MODULES_MAX);
		return SYM_EDEVICE;
	}
	memset(free_slot, 0, sizeof *free_slot);
	free_slot->dl = dl;
	if ((rc = module_init(free_slot, p->module, why)) != SYM_OK) {
		dlclose(dl);
		return rc;
	}
	free_slot->refs = 1;
	p->mod = free_slot;
	return SYM_OK;
}

void
pkcs11_module_put(struct pkcs11_token *p)
{
	struct pkcs11_module *m = p->mod;

	if (m == NULL)
		return;
	p->mod = NULL;
	if (--m->refs > 0)
		return;
	if (m->owner)
		(void)m->fl->C_Finalize(NULL);
	dlclose(m->dl);
	memset(m, 0, sizeof *m);
}

/* ---------------------------------------------------------------- */
/* The token */

/* A blank-padded PKCS#11 text field as a C string. */
static void
unpad(char *out, const unsigned char *field, size_t len)
{
	while (len > 0 && (field[len - 1] == ' ' || field[len - 1] == '\0'))
		len--;
	memcpy(out, field, len);
	out[len] = '\0';
}

/* Of the slots in list, the one whose token is p's; SYM_ENODEVICE when
 * none is, SYM_ESEALSPEC when two are (a label is not unique). */
static int
pick_slot(struct pkcs11_op *op, const CK_SLOT_ID *list, CK_ULONG n,
    CK_SLOT_ID *slot, char *why)
{
	const struct pkcs11_token *p = op->tok;
	CK_TOKEN_INFO info;
	char label[33], serial[17], first[17] = "", tn[96];
	unsigned found = 0;

	for (CK_ULONG i = 0; i < n; i++) {
		if (op->fl->C_GetTokenInfo(list[i], &info) != CKR_OK ||
		    !(info.flags & CKF_TOKEN_INITIALIZED))
			continue;
		unpad(label, info.label, sizeof info.label);
		unpad(serial, info.serialNumber, sizeof info.serialNumber);
		if ((p->token[0] && strcmp(label, p->token) != 0) ||
		    (p->serial[0] && strcmp(serial, p->serial) != 0))
			continue;
		if (found++ > 0) {
			snprintf(why, SYM_SEAL_WHY_MAX, "two tokens labelled "
			    "'%s' (serials %s and %s): name one by serial=",
			    label, first, serial);
			return SYM_ESEALSPEC;
		}
		memcpy(first, serial, sizeof first);
		*slot = op->slot = list[i];
		op->flags = info.flags;
		memcpy(op->label, label, sizeof label);
		memcpy(op->serial, serial, sizeof serial);
	}
	if (found == 0) {
		snprintf(why, SYM_SEAL_WHY_MAX, "%s not found",
		    token_name(p, tn, sizeof tn));
		return SYM_ENODEVICE;
	}
	return SYM_OK;
}

static int
find_token(struct pkcs11_op *op, CK_SLOT_ID *slot, char *why)
{
	CK_SLOT_ID *list = NULL;
	CK_ULONG n = 0;
	CK_RV rv;
	int rc;

	rv = op->fl->C_GetSlotList(CK_TRUE, NULL, &n);
	if (rv == CKR_OK && n > 0) {
		list = calloc(n, sizeof *list);
		if (list == NULL)
			return SYM_ENOMEM;
		rv = op->fl->C_GetSlotList(CK_TRUE, list, &n);
	}
	if (rv != CKR_OK) {
		free(list);
		snprintf(why, SYM_SEAL_WHY_MAX, "C_GetSlotList failed (0x%lx)",
		    rv);
		return SYM_EDEVICE;
	}
	rc = pick_slot(op, list, n, slot, why);
	free(list);
	return rc;
}

/* Loads the module, finds the token, and with session set opens a
 * session on it. */
int
pkcs11_op_begin(struct pkcs11_op *op, struct pkcs11_token *p, int session,
    char *why)
{
	CK_SLOT_ID slot = 0;
	CK_RV rv;
	int rc;

	memset(op, 0, sizeof *op);
	op->tok = p;
	why[0] = '\0';
	if ((rc = module_get(p, why)) != SYM_OK)
		return rc;
	op->fl = p->mod->fl;
	if ((rc = find_token(op, &slot, why)) != SYM_OK || !session)
		return rc;
	rv = op->fl->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL,
	    &op->session);
	if (rv != CKR_OK) {
		snprintf(why, SYM_SEAL_WHY_MAX, "token '%s': C_OpenSession "
		    "failed (0x%lx)", op->label, rv);
		return rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_DEVICE_REMOVED ||
		    rv == CKR_SLOT_ID_INVALID ? SYM_ENODEVICE : SYM_EDEVICE;
	}
	op->open = 1;
	return SYM_OK;
}

void
pkcs11_op_end(struct pkcs11_op *op)
{
	if (op->logged_in)
		(void)op->fl->C_Logout(op->session);
	if (op->open)
		(void)op->fl->C_CloseSession(op->session);
	op->open = op->logged_in = 0;
}

/* Whether the token says its next wrong user PIN locks it. */
static int
final_try(struct pkcs11_op *op)
{
	CK_TOKEN_INFO info;

	return op->fl->C_GetTokenInfo(op->slot, &info) == CKR_OK &&
	    (info.flags & CKF_USER_PIN_FINAL_TRY);
}

/* One C_Login with the PIN asked once; never retried. */
int
pkcs11_login(struct pkcs11_op *op, char *why)
{
	char prompt[96], *pin = sym_secmem_alloc(SYM_SEAL_PIN_MAX + 1);
	size_t len = 0;
	CK_RV rv;
	int rc;

	if (pin == NULL)
		return SYM_ENOMEM;
	if (op->flags & CKF_USER_PIN_LOCKED) {
		rc = SYM_EPINLOCKED;
		goto locked;
	}
	snprintf(prompt, sizeof prompt, "PIN for token '%s' (will be "
	    "hidden): ", op->label);
	rc = sym_seal_pin_get(pin, SYM_SEAL_PIN_MAX + 1, &len, op->tok->pin,
	    prompt);
	if (rc != SYM_OK) {
		snprintf(why, SYM_SEAL_WHY_MAX, "no PIN for token '%s': %s",
		    op->label, sym_strerror(rc));
		goto out;
	}
	rv = op->fl->C_Login(op->session, CKU_USER, (CK_UTF8CHAR_PTR)pin,
	    (CK_ULONG)len);
	if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) {
		op->logged_in = rv == CKR_OK;
		rc = SYM_OK;
	} else if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_INVALID ||
	    rv == CKR_PIN_LEN_RANGE) {
		snprintf(why, SYM_SEAL_WHY_MAX, "wrong PIN for token '%s'%s",
		    op->label, final_try(op) ? " (one more wrong PIN locks "
		    "it)" : "");
		rc = SYM_EBADPIN;
	} else if (rv == CKR_PIN_LOCKED) {
		rc = SYM_EPINLOCKED;
		goto locked;
	} else {
		snprintf(why, SYM_SEAL_WHY_MAX, "token '%s': C_Login failed "
		    "(0x%lx)", op->label, rv);
		rc = SYM_EDEVICE;
	}
	goto out;
locked:
	snprintf(why, SYM_SEAL_WHY_MAX, "the user PIN of token '%s' is "
	    "locked", op->label);
out:
	sym_secmem_free(pin);
	return rc;
}
