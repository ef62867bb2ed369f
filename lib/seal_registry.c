/* The device providers and seal strings: symbolon/seal_registry.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbolon/plugin.h"
#include "symbolon/seal_openpgp.h"
#include "symbolon/seal_pkcs11.h"
#include "symbolon/seal_registry.h"
#include "symbolon/seal_tpm2.h"

/* Providers that link heavy libraries live in plugins (plugin.h): the
 * TPM's tpm2-tss and OpenSSL, the OpenPGP card's GPGME, which a program
 * such as status would otherwise load at every start. */
static const struct plugin_provider {
	const char *type, *file, *symbol, *what;
} plugins[] = {
	{ "tpm2", SYM_SEAL_TPM2_FILE, SYM_SEAL_TPM2_SYMBOL, "TPM 2.0" },
	{ "openpgp", SYM_SEAL_OPENPGP_FILE, SYM_SEAL_OPENPGP_SYMBOL,
	    "OpenPGP card" },
};

static const struct sym_device_ops *
from_plugin(const struct plugin_provider *p, char *why)
{
	static const struct sym_device_ops *loaded[2];
	size_t i = (size_t)(p - plugins);

	if (loaded[i] == NULL) {
		const struct sym_device_ops *ops = sym_plugin_symbol(p->file,
		    p->symbol);

		if (ops != NULL && ops->abi == SYM_SEAL_DEVICE_ABI)
			loaded[i] = ops;
	}
	if (loaded[i] == NULL)
		snprintf(why, SYM_SEAL_WHY_MAX, "%s support is not installed "
		    "(%s)", p->what, p->file);
	return loaded[i];
}

int
sym_seal_device_ops(const struct sym_device_ops **ops, const char *type,
    char *why)
{
	*ops = NULL;
	if (strcmp(type, "pkcs11") == 0) {
		*ops = &sym_seal_pkcs11_device;
		return SYM_OK;
	}
	for (size_t i = 0; i < sizeof plugins / sizeof plugins[0]; i++)
		if (strcmp(type, plugins[i].type) == 0)
			return (*ops = from_plugin(&plugins[i], why)) != NULL ?
			    SYM_OK : SYM_ENODEVICE;
	snprintf(why, SYM_SEAL_WHY_MAX, "unknown seal type '%.32s' (known: "
	    "shamir, pkcs11, tpm2, openpgp)", type);
	return SYM_ESEALSPEC;
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

/* The keys a seal string of type may give, known without loading any
 * plugin; NULL for a type there is not. */
static const char *const *
type_keys(const char *type)
{
	static const char *const none[] = { NULL };

	if (strcmp(type, "pkcs11") == 0)
		return sym_seal_pkcs11_device.keys;
	if (strcmp(type, "tpm2") == 0)
		return sym_seal_tpm2_keys;
	if (strcmp(type, "openpgp") == 0)
		return sym_seal_openpgp_keys;
	return strcmp(type, "shamir") == 0 ? none : NULL;
}

static int
known_key(const struct sym_seal_spec *spec, const char *key)
{
	const char *const *keys = type_keys(spec->type);

	for (const char *const *k = keys; k != NULL && *k != NULL; k++)
		if (strcmp(*k, key) == 0)
			return 1;
	return 0;
}

/* One "key=value" of a seal string into out. */
static int
parse_pair(struct sym_seal_spec *out, char *pair, char *why)
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
	if (!known_key(out, pair)) {
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
	/* A missing plugin is reported when the seal is used. */
	if (type_keys(out->type) == NULL) {
		snprintf(why, SYM_SEAL_WHY_MAX, "unknown seal type '%.32s' "
		    "(known: shamir, pkcs11, tpm2, openpgp)", out->type);
		return SYM_ESEALSPEC;
	}
	snprintf(out->name, sizeof out->name, "%s", out->type);
	out->priority = 1;
	if (colon == NULL || colon[1] == '\0')
		return SYM_OK;
	/* strsep, not strtok: an empty pair ("a=1,,b=2", a trailing ',')
	 * is a typo to name, not to skip. */
	save = colon + 1;
	while ((pair = strsep(&save, ",")) != NULL) {
		if (pair[0] == '\0') {
			snprintf(why, SYM_SEAL_WHY_MAX, "empty parameter in seal "
			    "string '%.60s'", text);
			return SYM_ESEALSPEC;
		}
		if ((rc = parse_pair(out, pair, why)) != SYM_OK)
			return rc;
	}
	return SYM_OK;
}
