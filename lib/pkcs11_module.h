/*
 * Private to the pkcs11 seal (lib/seal_pkcs11.c): a PKCS#11 module
 * dlopen'ed once per process and shared by every seal on it, the token
 * found by label and/or serial, and one operation's session and login.
 * Not installed.  One thread at a time.
 */
#ifndef SYMBOLON_PKCS11_MODULE_H
#define SYMBOLON_PKCS11_MODULE_H

#include <stddef.h>

#include <p11-kit/pkcs11.h>

#include "symbolon/seal_device.h"

struct pkcs11_module;           /* a loaded module (opaque) */

/* A token as the user named it.  All fields public but mod. */
struct pkcs11_token {
	char module[SYM_SEAL_PARAM_VALUE_MAX + 1];      /* absolute path */
	char token[33], serial[17];     /* label, serial; "" if not given */
	const struct sym_seal_pin *pin; /* the PIN for pkcs11_login */
	struct pkcs11_module *mod;      /* NULL until the first operation */
};

/* One operation on the token: from pkcs11_op_begin to pkcs11_op_end. */
struct pkcs11_op {
	struct pkcs11_token *tok;
	CK_FUNCTION_LIST_PTR fl;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE session;
	int open, logged_in;
	CK_FLAGS flags;                 /* the token's, when it was found */
	char label[33], serial[17];     /* the token's own */
};

/*
 * Loads tok's module (once: later operations share it), finds its token
 * over the slots that hold one (by label and/or serial: slot numbers
 * change) and, if session, opens a serial session on it.  SYM_OK;
 * SYM_ENODEVICE (no module file, no such token, the token went away),
 * SYM_ESEALSPEC (not a PKCS#11 module, two tokens of that label),
 * SYM_EDEVICE, SYM_ENOMEM; why says which.  Call pkcs11_op_end either way.
 */
int pkcs11_op_begin(struct pkcs11_op *op, struct pkcs11_token *tok,
    int session, char *why) SYM_WARN_UNUSED;

/* Logs out and closes the session, if open; the module stays loaded. */
void pkcs11_op_end(struct pkcs11_op *op);

/*
 * One C_Login as the user, with the PIN read once (sym_seal_pin_get, into
 * secure memory, wiped) and never retried.  SYM_OK; SYM_EBADPIN ("wrong
 * PIN for token 'LABEL'", and whether the next wrong one locks it),
 * SYM_EPINLOCKED, SYM_EDEVICE, or the PIN's own error.
 */
int pkcs11_login(struct pkcs11_op *op, char *why) SYM_WARN_UNUSED;

/* Lets go of tok's module: the last user C_Finalizes it (if we
 * initialised it) and unloads it. */
void pkcs11_module_put(struct pkcs11_token *tok);

#endif
