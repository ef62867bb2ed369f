/* The device providers and seal strings: symbolon/seal_registry.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbolon/plugin.h"
#include "symbolon/seal_openpgp.h"
#include "symbolon/seal_pkcs11.h"
#include "symbolon/seal_registry.h"
#include "symbolon/seal_tpm2.h"

static const struct sym_device_ops *
tpm2_plugin(void)
{
	static const struct sym_device_ops *loaded;

	if (loaded == NULL) {
		const struct sym_device_ops *ops = sym_plugin_symbol(
		    SYM_SEAL_TPM2_FILE, SYM_SEAL_TPM2_SYMBOL);

		if (ops != NULL && ops->abi == SYM_SEAL_DEVICE_ABI)
			loaded = ops;
	}
	return loaded;
}

int
sym_seal_device_ops(const struct sym_device_ops **ops, const char *type,
    char *why)
{
	*ops = NULL;
	if (strcmp(type, "pkcs11") == 0)
		*ops = &sym_seal_pkcs11_device;
	else if (strcmp(type, "openpgp") == 0)
		*ops = &sym_seal_openpgp_device;
	else if (strcmp(type, "tpm2") == 0) {
		*ops = tpm2_plugin();
		if (*ops == NULL) {
			snprintf(why, SYM_SEAL_WHY_MAX, "TPM 2.0 support is not "
			    "installed (%s)", SYM_SEAL_TPM2_FILE);
			return SYM_ENODEVICE;
		}
	} else {
		snprintf(why, SYM_SEAL_WHY_MAX, "unknown seal type '%.32s' "
		    "(known: shamir, pkcs11, tpm2, openpgp)", type);
		return SYM_ESEALSPEC;
	}
	return SYM_OK;
}

/* ---------------------------------------------------------------- */
/* Seal strings */

static int
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SYM_SEAL_NAME_BYTES_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

static int
known_key(const struct sym_device_ops *ops, const char *key)
{
	/* The TPM's keys are known without its plugin. */
	const char *const *keys = ops != NULL ? ops->keys : sym_seal_tpm2_keys;

	for (const char *const *k = keys; k != NULL && *k != NULL; k++)
		if (strcmp(*k, key) == 0)
			return 1;
	return 0;
}

/* One "key=value" of a seal string into out. */
static int
parse_pair(struct sym_seal_spec *out, const struct sym_device_ops *ops,
    char *pair, char *why)
{
	char *eq = strchr(pair, '='), *end;
	unsigned long prio;

	if (eq == NULL || eq == pair || eq[1] == '\0') {
		snprintf(why, SYM_SEAL_WHY_MAX, "'%.60s' is not key=value",
		    pair);
		return SYM_ESEALSPEC;
	}
	*eq = '\0';
	if (strcmp(pair, "name") == 0) {
		if (!name_ok(eq + 1)) {
			snprintf(why, SYM_SEAL_WHY_MAX, "seal name '%.40s' is "
			    "not 1..32 of A-Z a-z 0-9 _ . -", eq + 1);
			return SYM_ESEALSPEC;
		}
		snprintf(out->name, sizeof out->name, "%s", eq + 1);
		return SYM_OK;
	}
	if (strcmp(pair, "priority") == 0) {
		prio = strtoul(eq + 1, &end, 10);
		if (*end != '\0' || prio < 1 || prio > 100) {
			snprintf(why, SYM_SEAL_WHY_MAX, "priority '%.20s' is "
			    "not 1..100", eq + 1);
			return SYM_ESEALSPEC;
		}
		out->priority = (unsigned)prio;
		return SYM_OK;
	}
	if (!known_key(ops, pair)) {
		snprintf(why, SYM_SEAL_WHY_MAX, "unknown %s seal parameter "
		    "'%.31s'", out->type, pair);
		return SYM_ESEALSPEC;
	}
	if (sym_seal_param(&out->params, pair) != NULL) {
		snprintf(why, SYM_SEAL_WHY_MAX, "seal parameter '%.31s' given "
		    "twice", pair);
		return SYM_ESEALSPEC;
	}
	if (sym_seal_param_set(&out->params, pair, eq + 1) != SYM_OK) {
		snprintf(why, SYM_SEAL_WHY_MAX, "seal parameter '%.31s' is too "
		    "long", pair);
		return SYM_ESEALSPEC;
	}
	return SYM_OK;
}

int
sym_seal_spec_parse(struct sym_seal_spec *out, const char *text, char *why)
{
	const struct sym_device_ops *ops = NULL;
	char buf[2048], *colon, *pair, *save = NULL;
	size_t tlen;
	int rc;

	memset(out, 0, sizeof *out);
	why[0] = '\0';
	if (strlen(text) >= sizeof buf) {
		snprintf(why, SYM_SEAL_WHY_MAX, "seal string is too long");
		return SYM_ESEALSPEC;
	}
	snprintf(buf, sizeof buf, "%s", text);
	colon = strchr(buf, ':');
	if (colon != NULL)
		*colon = '\0';
	tlen = strlen(buf);
	if (tlen == 0 || tlen > SYM_SEAL_TYPE_MAX) {
		snprintf(why, SYM_SEAL_WHY_MAX, "seal string '%.40s' does not "
		    "begin with a type (shamir, pkcs11, tpm2, openpgp)", text);
		return SYM_ESEALSPEC;
	}
	snprintf(out->type, sizeof out->type, "%s", buf);
	if (strcmp(out->type, "shamir") != 0) {
		/* Only the table of keys is needed here: a missing TPM
		 * plugin is reported when the seal is used. */
		rc = sym_seal_device_ops(&ops, out->type, why);
		if (rc == SYM_ESEALSPEC)
			return rc;
	}
	snprintf(out->name, sizeof out->name, "%s", out->type);
	out->priority = 1;
	if (colon == NULL || colon[1] == '\0')
		return SYM_OK;
	for (pair = strtok_r(colon + 1, ",", &save); pair != NULL;
	    pair = strtok_r(NULL, ",", &save))
		if ((rc = parse_pair(out, ops, pair, why)) != SYM_OK)
			return rc;
	return SYM_OK;
}
