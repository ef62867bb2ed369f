/* Unit tests for the error model: texts, exit-status classes, errno map. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "symbolon/error.h"
#include "symbolon/secmem.h"

/* Every code of error.h, by class.  Keep in step with the header: the
 * range scan in test_no_code_left_out catches a code added to error.c's
 * table but not here. */
static const int invalid_codes[] = {
	SYM_EFORMAT, SYM_ETOOFEW, SYM_ESHARELEN, SYM_EDUPSHARE, SYM_EZEROX,
	SYM_EEMPTYSHARE, SYM_EEMPTYSECRET, SYM_ETOOBIG, SYM_ETRUNCATED,
	SYM_ENONCANONICAL, SYM_ETRAILING, SYM_EBADSIG, SYM_EBUNDLETYPE,
	SYM_EVERSION, SYM_EKID, SYM_EWRONGSET, SYM_EGENERATION,
	SYM_ECOMMITMENT, SYM_EDECRYPT, SYM_EMANIFEST, SYM_ESCHEMA,
	SYM_ENOTBUNDLE, SYM_ENOTIMAGE, SYM_EBADHEADER, SYM_EWRONGIMAGE,
	SYM_EUNSEAL, SYM_ENOENTRY, SYM_ECORRUPT, SYM_EAUDIT, SYM_ESEALED,
	SYM_ESHAREROLE, SYM_ERECOVERY,
	SYM_ENOQR, SYM_EQRPART, SYM_EQRMIX, SYM_EQRMANY, SYM_EIMAGEFILE,
	SYM_EPIXELS, SYM_ENOTPGPKEY, SYM_EPGPSECRET, SYM_EKEYEXPIRED,
	SYM_EKEYREVOKED, SYM_EKEYDISABLED, SYM_ENOENCSUBKEY, SYM_EMANYKEYS,
	SYM_ENOPGPKEY, SYM_ENOTPGPMSG, SYM_ENOSECKEY, SYM_EPGPCORRUPT,
	SYM_ENOTPGPSIG, SYM_ENOPUBKEY,
};

static const int other_codes[] = {
	SYM_EUSAGE, SYM_ETHRESHOLD, SYM_ESHARES, SYM_ENOMEM, SYM_ERANDOM,
	SYM_EIO, SYM_ENOENT, SYM_EACCES, SYM_EEXIST, SYM_ENOSPC, SYM_EROFS,
	SYM_ENOTTY, SYM_EINIT, SYM_EISDIR, SYM_EINTERNAL, SYM_EMISMATCH,
	SYM_ENOTMPFS, SYM_ENOCAMERA, SYM_ENOPICTURE, SYM_ENOAGENT, SYM_EGPGME,
	SYM_ECANCELED,
	SYM_ENOGPG, SYM_ENODEVICE, SYM_EBADPIN, SYM_EPINLOCKED, SYM_EDEVKEY,
	SYM_EDEVUNWRAP, SYM_EDEVICE, SYM_ESEALSPEC,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define ALL_CODES (1 + COUNT(invalid_codes) + COUNT(other_codes))

static size_t
all_codes(int out[ALL_CODES])
{
	size_t n = 0;

	out[n++] = SYM_OK;
	for (size_t i = 0; i < COUNT(invalid_codes); i++)
		out[n++] = invalid_codes[i];
	for (size_t i = 0; i < COUNT(other_codes); i++)
		out[n++] = other_codes[i];
	return n;
}

static void
test_codes_are_distinct(void **state)
{
	int codes[ALL_CODES];
	size_t n = all_codes(codes);

	(void)state;
	assert_int_equal(n, ALL_CODES);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			assert_int_not_equal(codes[i], codes[j]);
}

static void
test_strerror_distinct_and_known(void **state)
{
	int codes[ALL_CODES];
	size_t n = all_codes(codes);
	const char *unknown = sym_strerror(12345);

	(void)state;
	assert_non_null(unknown);
	assert_string_equal(unknown, "unknown error");
	assert_string_equal(sym_strerror(-1000), "unknown error");
	assert_string_equal(sym_strerror(1), "unknown error");
	for (size_t i = 0; i < n; i++) {
		const char *text = sym_strerror(codes[i]);

		assert_non_null(text);
		assert_true(strlen(text) > 0);
		assert_string_not_equal(text, unknown);
		/* A phrase that follows "name: ": no final dot or newline. */
		assert_int_not_equal(text[strlen(text) - 1], '.');
		assert_int_not_equal(text[strlen(text) - 1], '\n');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(text, sym_strerror(codes[j]));
	}
	assert_string_equal(sym_strerror(SYM_OK), "success");
	assert_string_equal(sym_strerror(SYM_EDUPSHARE),
	    "duplicate share (same x already entered)");
}

static void
test_no_code_left_out(void **state)
{
	/* Any value with a text of its own must be in the lists above. */
	int codes[ALL_CODES];
	size_t n = all_codes(codes);

	(void)state;
	for (int c = -300; c <= 300; c++) {
		int listed = 0;

		for (size_t i = 0; i < n; i++)
			listed |= codes[i] == c;
		if (!listed && strcmp(sym_strerror(c), "unknown error") != 0)
			fail_msg("code %d (\"%s\") is not in test_error.c", c,
			    sym_strerror(c));
	}
}

static void
test_exit_status_classes(void **state)
{
	(void)state;
	assert_int_equal(sym_exit_status(SYM_OK), 0);
	assert_int_equal(sym_error_is_invalid(SYM_OK), 0);
	for (size_t i = 0; i < COUNT(invalid_codes); i++) {
		assert_int_equal(sym_error_is_invalid(invalid_codes[i]), 1);
		assert_int_equal(sym_exit_status(invalid_codes[i]), 1);
	}
	for (size_t i = 0; i < COUNT(other_codes); i++) {
		assert_int_equal(sym_error_is_invalid(other_codes[i]), 0);
		assert_int_equal(sym_exit_status(other_codes[i]), 2);
	}
	/* The class boundary itself. */
	assert_int_equal(sym_exit_status(SYM_ESCHEMA), 1);
	assert_int_equal(sym_exit_status(SYM_EUSAGE), 2);
	/* Positive values are not errors the library returns; they are not
	 * "invalid input" either. */
	assert_int_equal(sym_error_is_invalid(1), 0);
}

static void
test_error_from_errno(void **state)
{
	static const struct {
		int errnum;
		int code;
	} map[] = {
		{ 0, SYM_EIO },
		{ ENOENT, SYM_ENOENT },
		{ ENOTDIR, SYM_ENOENT },
		{ EACCES, SYM_EACCES },
		{ EPERM, SYM_EACCES },
		{ EEXIST, SYM_EEXIST },
		{ ENOSPC, SYM_ENOSPC },
		{ EDQUOT, SYM_ENOSPC },
		{ EROFS, SYM_EROFS },
		{ ENOMEM, SYM_ENOMEM },
		{ EISDIR, SYM_EISDIR },
		{ ENOTTY, SYM_ENOTTY },
		{ ENXIO, SYM_ENOTTY },
		{ EIO, SYM_EIO },
		{ EBADF, SYM_EIO },
		{ EINVAL, SYM_EIO },
		{ EPIPE, SYM_EIO },
		{ 99999, SYM_EIO },
	};

	(void)state;
	for (size_t i = 0; i < COUNT(map); i++) {
		int code = sym_error_from_errno(map[i].errnum);

		if (code != map[i].code)
			fail_msg("errno %d (%s) mapped to %d, expected %d",
			    map[i].errnum, strerror(map[i].errnum), code,
			    map[i].code);
		/* Every errno-derived code is an I/O-class failure. */
		assert_int_equal(sym_exit_status(code), 2);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes_are_distinct),
		cmocka_unit_test(test_strerror_distinct_and_known),
		cmocka_unit_test(test_no_code_left_out),
		cmocka_unit_test(test_exit_status_classes),
		cmocka_unit_test(test_error_from_errno),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
