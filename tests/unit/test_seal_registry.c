/* Unit tests for seal strings and the provider table (seal_registry.h),
 * and the binding every device wrap is bound to (seal_device.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "symbolon/seal_device.h"
#include "symbolon/seal_registry.h"
#include "symbolon/secmem.h"

static void
test_parse_good(void **state)
{
	struct sym_seal_spec s;
	char why[SYM_SEAL_WHY_MAX];

	(void)state;
	assert_int_equal(sym_seal_spec_parse(&s, "pkcs11:module=/m.so,"
	    "token=ceremony,key=seal-aes,name=hsm1,priority=2", why), SYM_OK);
	assert_string_equal(s.type, "pkcs11");
	assert_string_equal(s.name, "hsm1");
	assert_int_equal(s.priority, 2);
	assert_int_equal(s.params.count, 3);
	assert_string_equal(sym_seal_param(&s.params, "token"), "ceremony");
	assert_null(sym_seal_param(&s.params, "name"));
	/* Defaults: the name is the type, priority 1; '=' may be in a value. */
	assert_int_equal(sym_seal_spec_parse(&s,
	    "tpm2:tcti=swtpm:host=127.0.0.1;port=2321", why), SYM_OK);
	assert_string_equal(s.name, "tpm2");
	assert_int_equal(s.priority, 1);
	assert_string_equal(sym_seal_param(&s.params, "tcti"),
	    "swtpm:host=127.0.0.1;port=2321");
	assert_int_equal(sym_seal_spec_parse(&s, "openpgp:fpr=ABCD", why),
	    SYM_OK);
}

static void
test_parse_bad(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "hsm:x=1", "unknown seal type 'hsm'" },
		{ "", "does not begin with a type" },
		{ ":module=x", "does not begin with a type" },
		{ "pkcs11:colour=red", "unknown pkcs11 seal parameter 'colour'" },
		{ "pkcs11:token=a,token=b", "given twice" },
		{ "pkcs11:token", "is not key=value" },
		{ "pkcs11:token=", "is not key=value" },
		{ "pkcs11:name=no space", "seal name 'no space'" },
		{ "pkcs11:name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "seal name" },
		{ "pkcs11:priority=0", "priority '0' is not 1..100" },
		{ "pkcs11:priority=101", "is not 1..100" },
		{ "tpm2:module=x", "unknown tpm2 seal parameter 'module'" },
		{ "pkcs11:token=a,,key=b", "empty parameter" },
		{ "pkcs11:token=a,", "empty parameter" },
		{ "shamir:x=1", "unknown shamir seal parameter 'x'" },
	};
	struct sym_seal_spec s;
	char why[SYM_SEAL_WHY_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(sym_seal_spec_parse(&s, bad[i].text, why),
		    SYM_ESEALSPEC);
		if (strstr(why, bad[i].why) == NULL)
			fail_msg("'%s': why '%s' lacks '%s'", bad[i].text, why,
			    bad[i].why);
	}
}

static void
test_providers(void **state)
{
	const struct sym_device_ops *ops;
	char why[SYM_SEAL_WHY_MAX];

	(void)state;
	assert_int_equal(sym_seal_device_ops(&ops, "pkcs11", why), SYM_OK);
	assert_string_equal(ops->type, "pkcs11");
	assert_int_equal(ops->abi, SYM_SEAL_DEVICE_ABI);
	assert_int_equal(sym_seal_device_ops(&ops, "openpgp", why), SYM_OK);
	assert_string_equal(ops->type, "openpgp");
	assert_int_equal(sym_seal_device_ops(&ops, "shamir", why),
	    SYM_ESEALSPEC);
	assert_null(ops);
}

static void
test_binding(void **state)
{
	uint8_t a[SYM_SEAL_BINDING_MAX], b[SYM_SEAL_BINDING_MAX];
	uint8_t id[16] = { 1, 2, 3 };
	size_t alen, blen;

	(void)state;
	assert_int_equal(sym_seal_binding(a, &alen, id, "hsm1", 1), SYM_OK);
	assert_int_equal(alen, 16 + 16 + 1 + 4 + 8);
	assert_memory_equal(a, "symbolon-seal-v1", 16);
	/* Another generation, name or image: other bytes. */
	assert_int_equal(sym_seal_binding(b, &blen, id, "hsm1", 2), SYM_OK);
	assert_true(alen == blen && memcmp(a, b, alen) != 0);
	assert_int_equal(sym_seal_binding(b, &blen, id, "hsm2", 1), SYM_OK);
	assert_true(memcmp(a, b, alen) != 0);
	/* "hsm" + generation byte cannot pass for "hsm1": the name's length
	 * is bound too. */
	assert_int_equal(sym_seal_binding(b, &blen, id, "hsm", 1), SYM_OK);
	assert_int_not_equal(alen, blen);
	id[0] ^= 1;
	assert_int_equal(sym_seal_binding(b, &blen, id, "hsm1", 1), SYM_OK);
	assert_true(memcmp(a, b, alen) != 0);
	assert_int_equal(sym_seal_binding(b, &blen, id, "", 1), SYM_EUSAGE);
}

static void
test_params(void **state)
{
	struct sym_seal_params p;
	char big[SYM_SEAL_PARAM_VALUE_MAX + 2];

	(void)state;
	memset(&p, 0, sizeof p);
	assert_int_equal(sym_seal_param_set(&p, "k", "1"), SYM_OK);
	assert_int_equal(sym_seal_param_set(&p, "k", "2"), SYM_OK);
	assert_int_equal(p.count, 1);
	assert_string_equal(sym_seal_param(&p, "k"), "2");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(sym_seal_param_set(&p, "v", big), SYM_ETOOBIG);
	for (unsigned i = 1; i < SYM_SEAL_PARAMS_MAX; i++) {
		char key[8];

		key[0] = 'a';
		key[1] = (char)('a' + i);
		key[2] = '\0';
		assert_int_equal(sym_seal_param_set(&p, key, "v"), SYM_OK);
	}
	assert_int_equal(sym_seal_param_set(&p, "full", "v"), SYM_ETOOBIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_providers),
		cmocka_unit_test(test_binding),
		cmocka_unit_test(test_params),
	};

	if (sym_secmem_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
