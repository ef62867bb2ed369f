/*
 * Which device seals there are (seal layer): the provider table and the
 * seal string parser (the syntax is in symbolon/seal_device.h).  Kept
 * apart from seal_device.h, the contract the providers include, so that
 * the table may name every provider.
 */
#ifndef SYMBOLON_SEAL_REGISTRY_H
#define SYMBOLON_SEAL_REGISTRY_H

#include "symbolon/seal_device.h"

/* The provider for type, or NULL (SYM_ESEALSPEC, why says which types
 * there are).  tpm2 is loaded from its plugin (libsymbolon-tpm2.so) the
 * first time it is asked for: SYM_ENODEVICE when it is not installed. */
int sym_seal_device_ops(const struct sym_device_ops **ops, const char *type,
    char *why) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* Parses a seal string: SYM_ESEALSPEC with why for an unknown type, an
 * unknown or repeated key, an empty or bad value, a name that is not
 * 1..32 of [A-Za-z0-9_.-], a priority outside 1..100. */
int sym_seal_spec_parse(struct sym_seal_spec *out, const char *text,
    char *why) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

#endif
