#include <stdint.h>

#include <sodium.h>

#include "symbolon/base45.h"

#include "base45_ct.h"

/*
 * Bundles may carry secrets, so neither direction looks anything up by a
 * data byte or symbol, or branches on one: symbols and values are mapped
 * with range masks, and division by 45 is a multiply and a shift
 * (base45_ct.h).  The decoder does not branch on validity either: it runs
 * over every symbol, accumulates the error and the offset of the first bad
 * symbol with masks, and selects its results with them, so only the return
 * value tells a bad text from a good one.  Lengths are public.
 */

/*
 * Symbols 36..44 come after the digits and the upper-case letters.  Written
 * out rather than looped over: gcc -Os rewrote such a loop's counter in
 * terms of the secret value and ended it with a compare on that.
 */
#define SPECIALS(X) \
	X(' ', 36) X('$', 37) X('%', 38) X('*', 39) X('+', 40) \
	X('-', 41) X('.', 42) X('/', 43) X(':', 44)

/* The value of symbol ch (0..44), and *ok all ones if ch is a symbol. */
static uint32_t
symbol_value(char ch, uint32_t *ok)
{
	uint32_t c = (unsigned char)ch;
	uint32_t digit = sym_ct_in_range(c, '0', '9');
	uint32_t upper = sym_ct_in_range(c, 'A', 'Z');
	uint32_t v = (digit & (c - '0')) | (upper & (c - 'A' + 10u));
	uint32_t valid = digit | upper, m;

#define SYMBOL_VALUE(sym, val) \
	m = sym_ct_eq(c, (unsigned char)(sym)); v |= m & (val); valid |= m;
	SPECIALS(SYMBOL_VALUE)
#undef SYMBOL_VALUE
	*ok = valid;
	return v;
}

/* The symbol for value v (0..44). */
static char
value_symbol(uint32_t v)
{
	uint32_t c = (sym_ct_in_range(v, 0, 9) & (v + '0')) |
	    (sym_ct_in_range(v, 10, 35) & (v - 10u + 'A'));

#define VALUE_SYMBOL(sym, val) \
	c |= sym_ct_eq(v, (val)) & (unsigned char)(sym);
	SPECIALS(VALUE_SYMBOL)
#undef VALUE_SYMBOL
	return (char)c;
}

size_t
sym_base45_encoded_len(size_t len)
{
	/* Saturates, so that no buffer is ever big enough. */
	if (len / 2 > (SIZE_MAX - 2) / 3)
		return SIZE_MAX;
	return len / 2 * 3 + len % 2 * 2;
}

size_t
sym_base45_decoded_len(size_t text_len)
{
	return text_len / 3 * 2 + (text_len % 3 == 2);
}

int
sym_base45_encode(char *out, size_t cap, const uint8_t *in, size_t len)
{
	size_t need = sym_base45_encoded_len(len);
	size_t i, o = 0;

	if (need >= cap) {
		sodium_memzero(out, cap);
		return SYM_ETOOBIG;
	}
	if (in == NULL && len != 0)
		return SYM_EUSAGE;
	for (i = 0; i + 1 < len; i += 2, o += 3) {
		uint32_t n = (uint32_t)in[i] << 8 | in[i + 1];
		uint32_t t = sym_ct_div45(n);

		out[o] = value_symbol(sym_ct_mod45(n));
		out[o + 1] = value_symbol(sym_ct_mod45(t));
		out[o + 2] = value_symbol(sym_ct_div45(t));
	}
	if (len % 2 != 0) {
		uint32_t n = in[len - 1];

		out[o] = value_symbol(sym_ct_mod45(n));
		out[o + 1] = value_symbol(sym_ct_div45(n));
		o += 2;
	}
	out[o] = '\0';
	return SYM_OK;
}

static size_t
size_mask(uint32_t mask)
{
	return (size_t)0 - (size_t)(mask & 1u);
}

/* Records pos as the first bad offset if bad and nothing bad came before. */
static void
note_bad(size_t *first, uint32_t *found, uint32_t bad, size_t pos)
{
	size_t take = size_mask(bad & ~*found);

	*first = (*first & ~take) | (pos & take);
	*found |= bad;
}

/* All ones if n > max. */
static uint32_t
above(uint32_t n, uint32_t max)
{
	return sym_ct_barrier(0u - ((max - n) >> 31));
}

int
sym_base45_decode(uint8_t *out, size_t cap, size_t *out_len,
    const char *text, size_t text_len, size_t *error_offset)
{
	size_t n_out = sym_base45_decoded_len(text_len);
	size_t i, o, first = 0, fail;
	uint32_t found = 0;

	*out_len = 0;
	if (n_out > cap) {
		sodium_memzero(out, cap);
		/* The first group whose bytes would not fit. */
		if (error_offset != NULL)
			*error_offset = cap / 2 * 3;
		return SYM_ETOOBIG;
	}
	if (text == NULL && text_len != 0)
		return SYM_EUSAGE;

	for (i = 0, o = 0; text_len - i >= 3; i += 3, o += 2) {
		uint32_t ok0, ok1, ok2, n;

		n = symbol_value(text[i], &ok0) +
		    45u * symbol_value(text[i + 1], &ok1) +
		    2025u * symbol_value(text[i + 2], &ok2);
		/* A triple above 65535 is bad at its first symbol, unless one
		 * of its symbols is not a symbol at all. */
		note_bad(&first, &found,
		    ~ok0 | (above(n, 0xffffu) & ok1 & ok2), i);
		note_bad(&first, &found, ~ok1, i + 1);
		note_bad(&first, &found, ~ok2, i + 2);
		out[o] = (uint8_t)sym_ct_div256(n);
		out[o + 1] = (uint8_t)sym_ct_mod256(n);
	}
	if (text_len - i == 2) {
		uint32_t ok0, ok1, n;

		n = symbol_value(text[i], &ok0) +
		    45u * symbol_value(text[i + 1], &ok1);
		note_bad(&first, &found, ~ok0 | (above(n, 0xffu) & ok1), i);
		note_bad(&first, &found, ~ok1, i + 1);
		out[o] = (uint8_t)n;
	} else if (text_len - i == 1) {
		/* A single symbol encodes nothing. */
		note_bad(&first, &found, 0xffffffffu, i);
	}

	/* On error, wipe what was written: masked, not branched. */
	for (o = 0; o < n_out; o++)
		out[o] &= (uint8_t)~found;
	fail = size_mask(found);
	*out_len = n_out & ~fail;
	if (error_offset != NULL)
		*error_offset = (first & fail) | (*error_offset & ~fail);
	return SYM_EFORMAT * (int)(found & 1u);
}
