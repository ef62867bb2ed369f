/*
 * Unit tests for QR writing and reading: libqrencode in, pixels, zbar out,
 * byte for byte; the binary-safe zbar setting proved with a negative
 * control; renderings inverted back to modules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <qrencode.h>
#include <zbar.h>

#include "symbolon/bundle.h"
#include "symbolon/qr.h"
#include "symbolon/qrframe.h"
#include "symbolon/raster.h"
#include "symbolon/secmem.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint8_t
next_byte(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint8_t)(rng >> 24);
}

static void
random_bytes(uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		b[i] = next_byte();
}

/* A canvas of modules that several codes are drawn onto; white = 0. */
struct canvas {
	unsigned width, height;
	uint8_t *cells;
};

static void
canvas_init(struct canvas *c, unsigned width, unsigned height)
{
	c->width = width;
	c->height = height;
	c->cells = calloc((size_t)width * height, 1);
	assert_non_null(c->cells);
}

static void
canvas_put(struct canvas *c, const uint8_t *modules, unsigned qr_width,
    unsigned x0, unsigned y0)
{
	for (unsigned y = 0; y < qr_width; y++)
		for (unsigned x = 0; x < qr_width; x++)
			c->cells[(size_t)(y + y0) * c->width + x + x0] =
			    modules[(size_t)y * qr_width + x] & 1;
}

/* The canvas as grey pixels, module pixels a side, with a quiet zone. */
static void
canvas_raster(struct sym_raster *r, const struct canvas *c, unsigned module)
{
	unsigned q = SYM_QR_QUIET_MODULES;

	r->width = (c->width + 2 * q) * module;
	r->height = (c->height + 2 * q) * module;
	r->grey = sym_secmem_alloc((size_t)r->width * r->height);
	assert_non_null(r->grey);
	memset(r->grey, 255, (size_t)r->width * r->height);
	for (unsigned y = 0; y < r->height; y++)
		for (unsigned x = 0; x < r->width; x++) {
			unsigned mx = x / module, my = y / module;

			if (mx >= q && my >= q && mx < q + c->width &&
			    my < q + c->height &&
			    c->cells[(size_t)(my - q) * c->width + mx - q])
				r->grey[(size_t)y * r->width + x] = 0;
		}
}

/* The canvas as PNG bytes (through sym_qr_png with a square canvas). */
static uint8_t *
canvas_png(const struct canvas *c, size_t *len)
{
	struct sym_qr fake;
	uint8_t *png = NULL;

	assert_int_equal(c->width, c->height);
	fake.version = 0;
	fake.width = c->width;
	fake.modules = c->cells;
	assert_int_equal(sym_qr_png(&png, len, &fake, 3, SYM_QR_QUIET_MODULES),
	    SYM_OK);
	return png;
}

struct found {
	size_t count;
	uint8_t data[8][8192];
	size_t len[8];
};

static int
record(void *ctx, const uint8_t *data, size_t len)
{
	struct found *f = ctx;

	if (f->count < 8 && len <= sizeof f->data[0]) {
		memcpy(f->data[f->count], data, len);
		f->len[f->count] = len;
	}
	f->count++;
	return SYM_OK;
}

static void
test_encode_rules(void **state)
{
	struct sym_qr qr;

	(void)state;
	assert_int_equal(sym_qr_encode(&qr, "HELLO WORLD", 11, SYM_QR_LEVEL_Q,
	    40), SYM_OK);
	assert_int_equal(qr.version, 1);
	assert_int_equal(qr.width, 21);
	/* The finder pattern's corner is dark, the module inside its ring
	 * light. */
	assert_int_equal(qr.modules[0], 1);
	assert_int_equal(qr.modules[21 + 1], 0);
	sym_qr_free(&qr);
	assert_null(qr.modules);
	assert_int_equal(sym_qr_encode(&qr, "hello", 5, SYM_QR_LEVEL_Q, 40),
	    SYM_EUSAGE);
	assert_int_equal(sym_qr_encode(&qr, "A\nB", 3, SYM_QR_LEVEL_Q, 40),
	    SYM_EUSAGE);
	assert_int_equal(sym_qr_encode(&qr, "A", 1, SYM_QR_LEVEL_Q, 0),
	    SYM_EUSAGE);
	assert_int_equal(sym_qr_encode(&qr, "A", 1, SYM_QR_LEVEL_Q, 41),
	    SYM_EUSAGE);
	assert_int_equal(sym_qr_encode(&qr, "A", 1, (enum sym_qr_level)4, 40),
	    SYM_EUSAGE);
	assert_int_equal(sym_qr_encode(&qr, "", 0, SYM_QR_LEVEL_Q, 40),
	    SYM_EUSAGE);
	assert_int_equal(sym_qr_encode(&qr, "0123456789ABCDEFG", 17,
	    SYM_QR_LEVEL_Q, 1), SYM_ETOOBIG);
	assert_null(qr.modules);
}

static void
test_capacity_known_answers(void **state)
{
	/* ISO/IEC 18004 table 7, alphanumeric mode. */
	static const struct {
		enum sym_qr_level level;
		unsigned version;
		size_t chars;
	} table[] = {
		{ SYM_QR_LEVEL_L, 1, 25 }, { SYM_QR_LEVEL_M, 1, 20 },
		{ SYM_QR_LEVEL_Q, 1, 16 }, { SYM_QR_LEVEL_H, 1, 10 },
		{ SYM_QR_LEVEL_L, 40, 4296 }, { SYM_QR_LEVEL_M, 40, 3391 },
		{ SYM_QR_LEVEL_Q, 40, 2420 }, { SYM_QR_LEVEL_H, 40, 1852 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		assert_int_equal(sym_qr_capacity(table[i].level,
		    table[i].version), table[i].chars);
	assert_int_equal(sym_qr_capacity(SYM_QR_LEVEL_Q, 0), 0);
}

static void
test_plan_single_and_parts(void **state)
{
	static uint8_t bundle[6000];
	struct sym_qr_texts t;
	struct sym_qrcollect *c;
	char *armor;
	size_t armor_len;

	(void)state;
	random_bytes(bundle, sizeof bundle);
	bundle[0] = 0xd2;
	/* Small: one code, exactly the --armor text. */
	assert_int_equal(sym_qr_plan(&t, bundle, 300, SYM_QR_LEVEL_Q, 40),
	    SYM_OK);
	assert_int_equal(t.count, 1);
	assert_int_equal(sym_bundle_armor(&armor, &armor_len, bundle, 300),
	    SYM_OK);
	assert_int_equal(t.len[0], armor_len);
	assert_memory_equal(t.text[0], armor, armor_len);
	sym_secmem_free(armor);
	sym_qr_texts_free(&t);
	/* Large: parts, each fitting, reassembling to the bundle. */
	for (unsigned v = 8; v <= 40; v += 16) {
		const uint8_t *out;
		size_t out_len;

		assert_int_equal(sym_qr_plan(&t, bundle, sizeof bundle,
		    SYM_QR_LEVEL_H, v), SYM_OK);
		assert_true(t.count > 1);
		assert_int_equal(sym_qrcollect_new(&c), SYM_OK);
		for (size_t k = 0; k < t.count; k++) {
			struct sym_qr qr;

			assert_int_equal(strncmp(t.text[k], "SYMP1:", 6), 0);
			assert_int_equal(sym_qr_encode(&qr, t.text[k], t.len[k],
			    SYM_QR_LEVEL_H, v), SYM_OK);
			assert_true(qr.version <= v);
			sym_qr_free(&qr);
			assert_int_equal(sym_qrcollect_add(c, (uint8_t *)t.text[k],
			    t.len[k], 0, NULL), SYM_OK);
		}
		/* The fewest parts: one fewer would not fit. */
		assert_true(sym_qrframe_part_len((sizeof bundle + t.count - 2) /
		    (t.count - 1)) > sym_qr_capacity(SYM_QR_LEVEL_H, v));
		assert_int_equal(sym_qrcollect_finish(c, NULL), SYM_OK);
		sym_qrcollect_get(c, 0, &out, &out_len, NULL);
		assert_int_equal(out_len, sizeof bundle);
		assert_memory_equal(out, bundle, sizeof bundle);
		sym_qrcollect_free(c);
		sym_qr_texts_free(&t);
	}
	assert_int_equal(sym_qr_plan(&t, bundle, 10, SYM_QR_LEVEL_Q, 41),
	    SYM_EUSAGE);
}

static void
test_scan_round_trip(void **state)
{
	static const size_t lengths[] = { 1, 2, 17, 100, 388, 900, 1500 };
	static const enum sym_qr_level levels[] = {
		SYM_QR_LEVEL_L, SYM_QR_LEVEL_M, SYM_QR_LEVEL_Q, SYM_QR_LEVEL_H
	};
	uint8_t bytes[1500];

	(void)state;
	for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
		char *text;
		size_t len;
		struct sym_qr qr;
		struct canvas c;
		struct sym_raster r;
		struct found f;

		random_bytes(bytes, lengths[i]);
		assert_int_equal(sym_bundle_armor(&text, &len, bytes, lengths[i]),
		    SYM_OK);
		assert_int_equal(sym_qr_encode(&qr, text, len, levels[i % 4], 40),
		    SYM_OK);
		canvas_init(&c, qr.width, qr.width);
		canvas_put(&c, qr.modules, qr.width, 0, 0);
		canvas_raster(&r, &c, 2 + (unsigned)i % 3);
		memset(&f, 0, sizeof f);
		assert_int_equal(sym_qr_scan(&r, record, &f), SYM_OK);
		assert_int_equal(f.count, 1);
		assert_int_equal(f.len[0], len);
		assert_memory_equal(f.data[0], text, len);
		/* Light on dark, as on a dark terminal: read as well. */
		for (size_t p = 0; i == 2 && p < (size_t)r.width * r.height; p++)
			r.grey[p] = (uint8_t)(255 - r.grey[p]);
		if (i == 2) {
			memset(&f, 0, sizeof f);
			assert_int_equal(sym_qr_scan(&r, record, &f), SYM_OK);
			assert_int_equal(f.len[0], len);
			assert_memory_equal(f.data[0], text, len);
		}
		sym_raster_free(&r);
		free(c.cells);
		sym_qr_free(&qr);
		sym_secmem_free(text);
	}
}

/* Every byte value, and runs that look like UTF-8, Shift JIS and Big5
 * lead bytes: what zbar's character-set guessing would rewrite. */
static size_t
awkward_bytes(uint8_t *b)
{
	static const uint8_t tail[] = {
		0xef, 0xbb, 0xbf, 0xc3, 0x28, 0x82, 0xa0, 0x81, 0x40, 0xa4,
		0x40, 0xff, 0xfe, 0x00, 0x00, 0x5c, 0x7e
	};
	size_t n = 0;

	b[n++] = 0xd2;	/* a binary bundle's first byte */
	for (unsigned v = 0; v < 256; v++)
		b[n++] = (uint8_t)(255 - v);
	memcpy(b + n, tail, sizeof tail);
	return n + sizeof tail;
}

static void
scan_byte_mode(const uint8_t *data, size_t len, int binary, struct found *f)
{
	QRcode *code = QRcode_encodeData((int)len, data, 0, QR_ECLEVEL_M);
	zbar_image_scanner_t *scanner = zbar_image_scanner_create();
	zbar_image_t *image = zbar_image_create();
	struct canvas c;
	struct sym_raster r;
	const zbar_symbol_t *sym;

	assert_non_null(code);
	canvas_init(&c, (unsigned)code->width, (unsigned)code->width);
	canvas_put(&c, code->data, (unsigned)code->width, 0, 0);
	canvas_raster(&r, &c, 3);
	memset(f, 0, sizeof *f);
	if (binary) {
		assert_int_equal(sym_qr_scan(&r, record, f), SYM_OK);
	} else {
		/* The negative control: zbar as it comes. */
		zbar_image_scanner_set_config(scanner, ZBAR_NONE,
		    ZBAR_CFG_ENABLE, 0);
		zbar_image_scanner_set_config(scanner, ZBAR_QRCODE,
		    ZBAR_CFG_ENABLE, 1);
		zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
		zbar_image_set_size(image, r.width, r.height);
		zbar_image_set_data(image, r.grey, (unsigned long)r.width *
		    r.height, NULL);
		assert_true(zbar_scan_image(scanner, image) > 0);
		sym = zbar_image_first_symbol(image);
		assert_non_null(sym);
		record(f, (const uint8_t *)zbar_symbol_get_data(sym),
		    zbar_symbol_get_data_length(sym));
	}
	zbar_image_destroy(image);
	zbar_image_scanner_destroy(scanner);
	sym_raster_free(&r);
	free(c.cells);
	QRcode_free(code);
}

static void
test_byte_mode_comes_back_exact(void **state)
{
	uint8_t data[300];
	size_t len = awkward_bytes(data);
	struct found f;

	(void)state;
	scan_byte_mode(data, len, 1, &f);
	assert_int_equal(f.count, 1);
	assert_int_equal(f.len[0], len);
	assert_memory_equal(f.data[0], data, len);
	/* Without ZBAR_CFG_BINARY the same code comes back changed: the
	 * setting is what keeps the bytes, and this test would see it go. */
	scan_byte_mode(data, len, 0, &f);
	assert_int_equal(f.count, 1);
	assert_false(f.len[0] == len && memcmp(f.data[0], data, len) == 0);
}

static void
test_png_svg_term(void **state)
{
	struct sym_qr qr;
	struct sym_raster r;
	struct found f;
	uint8_t *png;
	char *svg, *term, *line;
	size_t len, lines = 0;
	const char *text = "SYM1:ABC $%*+-./:0123456789";

	(void)state;
	assert_int_equal(sym_qr_encode(&qr, text, strlen(text),
	    SYM_QR_LEVEL_H, 40), SYM_OK);
	/* PNG: the size asked for, black on white, and it scans. */
	assert_int_equal(sym_qr_png(&png, &len, &qr, 5, 4), SYM_OK);
	assert_int_equal(sym_raster_decode(&r, png, len), SYM_OK);
	assert_int_equal(r.width, (qr.width + 8) * 5);
	assert_int_equal(r.height, r.width);
	assert_int_equal(r.grey[0], 255);
	assert_int_equal(r.grey[(size_t)20 * r.width + 20], 0);
	memset(&f, 0, sizeof f);
	assert_int_equal(sym_qr_scan(&r, record, &f), SYM_OK);
	assert_int_equal(f.len[0], strlen(text));
	assert_memory_equal(f.data[0], text, strlen(text));
	sym_raster_free(&r);
	sym_secmem_free(png);
	assert_int_equal(sym_qr_png(&png, &len, &qr, 0, 4), SYM_EUSAGE);

	assert_int_equal(sym_qr_svg(&svg, &len, &qr, 4, 4), SYM_OK);
	assert_int_equal(strlen(svg), len);
	{
		char want[64];

		snprintf(want, sizeof want, "viewBox=\"0 0 %u %u\"",
		    qr.width + 8, qr.width + 8);
		assert_non_null(strstr(svg, want));
		snprintf(want, sizeof want, "width=\"%u\"", (qr.width + 8) * 4);
		assert_non_null(strstr(svg, want));
	}
	assert_non_null(strstr(svg, "M4 4h7v1h-7z"));	/* finder's top edge */
	assert_int_equal(strcmp(svg + len - 7, "</svg>\n"), 0);
	sym_secmem_free(svg);

	/* Terminal: two module rows per line; read back, it is the code. */
	assert_int_equal(sym_qr_term(&term, &len, &qr, 2, 0), SYM_OK);
	assert_int_equal(strlen(term), len);
	for (line = term; *line; lines++) {
		char *end = strchr(line, '\n');
		unsigned x = 0;

		assert_non_null(end);
		for (char *p = line; p < end; x++) {
			unsigned top, bottom, y = (unsigned)lines * 2;

			if (*p == ' ') {
				top = bottom = 0;
				p++;
			} else {
				assert_int_equal((uint8_t)p[0], 0xe2);
				assert_int_equal((uint8_t)p[1], 0x96);
				top = (uint8_t)p[2] == 0x80 || (uint8_t)p[2] == 0x88;
				bottom = (uint8_t)p[2] == 0x84 ||
				    (uint8_t)p[2] == 0x88;
				p += 3;
			}
			for (unsigned half = 0; half < 2; half++) {
				unsigned yy = y + half, want = 0;

				if (x >= 2 && yy >= 2 && x < qr.width + 2 &&
				    yy < qr.width + 2)
					want = qr.modules[(size_t)(yy - 2) *
					    qr.width + x - 2];
				assert_int_equal(half ? bottom : top, want);
			}
		}
		assert_int_equal(x, qr.width + 4);
		line = end + 1;
	}
	assert_int_equal(lines, (qr.width + 4 + 1) / 2);
	sym_secmem_free(term);
	/* With colours: black on white, reset at each line's end. */
	assert_int_equal(sym_qr_term(&term, &len, &qr, 4, 1), SYM_OK);
	assert_int_equal(strncmp(term, "\033[30;107m", 9), 0);
	assert_non_null(strstr(term, "\033[0m\n"));
	sym_secmem_free(term);
	sym_qr_free(&qr);
}

static void
put_text(struct canvas *c, const char *text, enum sym_qr_level level,
    unsigned x0, unsigned y0)
{
	struct sym_qr qr;

	assert_int_equal(sym_qr_encode(&qr, text, strlen(text), level, 40),
	    SYM_OK);
	canvas_put(c, qr.modules, qr.width, x0, y0);
	sym_qr_free(&qr);
}

static void
put_url(struct canvas *c, unsigned x0, unsigned y0)
{
	QRcode *code = QRcode_encodeString("https://example.org/symbolon", 0,
	    QR_ECLEVEL_M, QR_MODE_8, 1);

	assert_non_null(code);
	canvas_put(c, code->data, (unsigned)code->width, x0, y0);
	QRcode_free(code);
}

static int
read_canvas(const struct canvas *c, uint8_t **bytes, size_t *len)
{
	size_t png_len;
	uint8_t *png = canvas_png(c, &png_len);
	int rc = sym_qr_read_bundle(bytes, len, png, png_len);

	sym_secmem_free(png);
	return rc;
}

static void
test_read_bundle(void **state)
{
	static const uint8_t bundle[3] = { 0xd2, 0x84, 0x40 };
	uint8_t *bytes, big[900];
	size_t len;
	struct canvas c;
	struct sym_qr_texts t;

	(void)state;
	/* One code: its bundle. */
	canvas_init(&c, 120, 120);
	put_text(&c, "SYM1:RRQJ1", SYM_QR_LEVEL_Q, 0, 0);
	assert_int_equal(read_canvas(&c, &bytes, &len), SYM_OK);
	assert_int_equal(len, sizeof bundle);
	assert_memory_equal(bytes, bundle, sizeof bundle);
	sym_secmem_free(bytes);
	/* And a URL beside it is ignored. */
	put_url(&c, 60, 60);
	assert_int_equal(read_canvas(&c, &bytes, &len), SYM_OK);
	sym_secmem_free(bytes);
	/* Two bundles: which one? */
	put_text(&c, "SYM1:100", SYM_QR_LEVEL_Q, 60, 0);
	assert_int_equal(read_canvas(&c, &bytes, &len), SYM_EQRMANY);
	assert_null(bytes);
	free(c.cells);
	/* A URL alone, and nothing at all. */
	canvas_init(&c, 60, 60);
	put_url(&c, 10, 10);
	assert_int_equal(read_canvas(&c, &bytes, &len), SYM_ENOTBUNDLE);
	memset(c.cells, 0, 3600);
	assert_int_equal(read_canvas(&c, &bytes, &len), SYM_ENOQR);
	free(c.cells);
	/* All the parts of a bundle on one page, in any order. */
	random_bytes(big, sizeof big);
	assert_int_equal(sym_qr_plan(&t, big, sizeof big, SYM_QR_LEVEL_Q, 12),
	    SYM_OK);
	assert_true(t.count >= 3 && t.count <= 9);
	/* A 3 x 3 grid of cells of 65 + 7 modules, filled backwards. */
	canvas_init(&c, 216, 216);
	for (size_t k = 0; k < t.count; k++)
		put_text(&c, t.text[t.count - 1 - k], SYM_QR_LEVEL_Q,
		    (unsigned)(k % 3) * 72, (unsigned)(k / 3) * 72);
	assert_int_equal(read_canvas(&c, &bytes, &len), SYM_OK);
	assert_int_equal(len, sizeof big);
	assert_memory_equal(bytes, big, sizeof big);
	sym_secmem_free(bytes);
	/* One part missing. */
	memset(c.cells, 0, 72);
	for (unsigned y = 0; y < 72; y++)
		memset(c.cells + (size_t)y * 216, 0, 72);
	assert_int_equal(read_canvas(&c, &bytes, &len), SYM_EQRPART);
	free(c.cells);
	sym_qr_texts_free(&t);
	/* Not an image. */
	assert_int_equal(sym_qr_read_bundle(&bytes, &len, bundle,
	    sizeof bundle), SYM_EIMAGEFILE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_rules),
		cmocka_unit_test(test_capacity_known_answers),
		cmocka_unit_test(test_plan_single_and_parts),
		cmocka_unit_test(test_scan_round_trip),
		cmocka_unit_test(test_byte_mode_comes_back_exact),
		cmocka_unit_test(test_png_svg_term),
		cmocka_unit_test(test_read_bundle),
	};

	if (sym_secmem_init() != SYM_OK)
		return 2;
	return cmocka_run_group_tests_name("qr", tests, NULL, NULL);
}
