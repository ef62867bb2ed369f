#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <qrencode.h>
#include <sodium.h>
#include <zbar.h>

#include "symbolon/bundle_text.h"
#include "symbolon/picture.h"
#include "symbolon/qr.h"
#include "symbolon/qrframe.h"
#include "symbolon/secmem.h"

static const QRecLevel qr_levels[] = {
	QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H
};

static int
is_alphanumeric(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c != '\0' && strchr(" $%*+-./:", c) != NULL);
}

/* The QRcode for text, or NULL with errno (ERANGE: too large for v40). */
static QRcode *
encode_raw(const char *text, size_t len, enum sym_qr_level level)
{
	QRinput *in;
	QRcode *code;

	if (len > 7089) {
		errno = ERANGE;
		return NULL;
	}
	in = QRinput_new2(0, qr_levels[level]);
	if (in == NULL)
		return NULL;
	if (QRinput_append(in, QR_MODE_AN, (int)len,
	    (const unsigned char *)text) != 0) {
		QRinput_free(in);
		errno = EINVAL;
		return NULL;
	}
	code = QRcode_encodeInput(in);
	QRinput_free(in);
	return code;
}

static void
code_free(QRcode *code)
{
	if (code == NULL)
		return;
	sodium_memzero(code->data, (size_t)code->width * (size_t)code->width);
	QRcode_free(code);
}

int
sym_qr_encode(struct sym_qr *qr, const char *text, size_t len,
    enum sym_qr_level level, unsigned max_version)
{
	QRcode *code;
	size_t cells;

	memset(qr, 0, sizeof *qr);
	if ((unsigned)level > SYM_QR_LEVEL_H || max_version < 1 ||
	    max_version > SYM_QR_MAX_VERSION || len == 0)
		return SYM_EUSAGE;
	for (size_t i = 0; i < len; i++)
		if (!is_alphanumeric(text[i]))
			return SYM_EUSAGE;
	code = encode_raw(text, len, level);
	if (code == NULL)
		return errno == ERANGE ? SYM_ETOOBIG :
		    errno == ENOMEM ? SYM_ENOMEM : SYM_EINTERNAL;
	if ((unsigned)code->version > max_version) {
		code_free(code);
		return SYM_ETOOBIG;
	}
	qr->version = (unsigned)code->version;
	qr->width = (unsigned)code->width;
	cells = (size_t)qr->width * qr->width;
	qr->modules = sym_secmem_alloc(cells);
	if (qr->modules == NULL) {
		code_free(code);
		memset(qr, 0, sizeof *qr);
		return SYM_ENOMEM;
	}
	for (size_t i = 0; i < cells; i++)
		qr->modules[i] = code->data[i] & 1;
	code_free(code);
	return SYM_OK;
}

void
sym_qr_free(struct sym_qr *qr)
{
	if (qr == NULL)
		return;
	sym_secmem_free(qr->modules);
	memset(qr, 0, sizeof *qr);
}

static int
fits(size_t len, enum sym_qr_level level, unsigned max_version)
{
	char filler[7090];
	QRcode *code;
	int ok;

	/* Alphanumeric segments cost the same for any text of a length. */
	memset(filler, 'A', sizeof filler);
	code = encode_raw(filler, len, level);
	ok = code != NULL && (unsigned)code->version <= max_version;
	code_free(code);
	return ok;
}

size_t
sym_qr_capacity(enum sym_qr_level level, unsigned max_version)
{
	size_t lo = 0, hi = 7089;

	if ((unsigned)level > SYM_QR_LEVEL_H || max_version < 1 ||
	    max_version > SYM_QR_MAX_VERSION)
		return 0;
	/* Largest length that fits: lo always fits, hi + 1 never does. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (fits(mid, level, max_version))
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

void
sym_qr_texts_free(struct sym_qr_texts *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->count; i++)
		sym_secmem_free(t->text[i]);
	free(t->text);
	free(t->len);
	memset(t, 0, sizeof *t);
}

static int
texts_alloc(struct sym_qr_texts *t, size_t count)
{
	t->text = calloc(count, sizeof *t->text);
	t->len = calloc(count, sizeof *t->len);
	if (t->text == NULL || t->len == NULL) {
		free(t->text);
		free(t->len);
		t->text = NULL;
		t->len = NULL;
		return SYM_ENOMEM;
	}
	return SYM_OK;
}

int
sym_qr_plan(struct sym_qr_texts *t, const uint8_t *bundle, size_t len,
    enum sym_qr_level level, unsigned max_version)
{
	char *whole = NULL;
	size_t whole_len = 0, parts = 0, cap;
	int rc;

	memset(t, 0, sizeof *t);
	if ((unsigned)level > SYM_QR_LEVEL_H || max_version < 1 ||
	    max_version > SYM_QR_MAX_VERSION)
		return SYM_EUSAGE;
	rc = sym_bundle_armor(&whole, &whole_len, bundle, len);
	if (rc != SYM_OK)
		return rc;
	if (fits(whole_len, level, max_version)) {
		rc = texts_alloc(t, 1);
		if (rc != SYM_OK) {
			sym_secmem_free(whole);
			return rc;
		}
		t->count = 1;
		t->text[0] = whole;
		t->len[0] = whole_len;
		return SYM_OK;
	}
	sym_secmem_free(whole);
	cap = sym_qr_capacity(level, max_version);
	rc = sym_qrframe_count(&parts, len, cap);
	if (rc == SYM_OK)
		rc = texts_alloc(t, parts);
	for (size_t k = 1; rc == SYM_OK && k <= parts; k++) {
		rc = sym_qrframe_part(&t->text[k - 1], &t->len[k - 1], bundle,
		    len, k, parts);
		t->count = k;
	}
	if (rc != SYM_OK)
		sym_qr_texts_free(t);
	return rc;
}

/* ---- renderings ---- */

static int
dark(const struct sym_qr *qr, unsigned quiet, unsigned x, unsigned y)
{
	if (x < quiet || y < quiet || x >= quiet + qr->width ||
	    y >= quiet + qr->width)
		return 0;
	return qr->modules[(size_t)(y - quiet) * qr->width + (x - quiet)];
}

struct sink {
	uint8_t *buf;
	size_t len, cap;
	int rc;
};

static int
sink_put(struct sink *s, const void *data, size_t len)
{
	if (s->rc != SYM_OK)
		return s->rc;
	if (len > s->cap - s->len) {
		size_t want = s->cap ? s->cap : 4096;

		while (want - s->len < len + 1)
			want *= 2;
		s->rc = sym_secmem_grow(&s->buf, &s->cap, s->len, want);
		if (s->rc != SYM_OK)
			return s->rc;
	}
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	return SYM_OK;
}

static cairo_status_t
png_write(void *closure, const unsigned char *data, unsigned int length)
{
	return sink_put(closure, data, length) == SYM_OK ?
	    CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int
sink_finish(struct sink *s, uint8_t **out, size_t *len, int text)
{
	if (text && s->rc == SYM_OK)
		(void)sink_put(s, "", 1);
	if (s->rc != SYM_OK) {
		sym_secmem_free(s->buf);
		*out = NULL;
		*len = 0;
		return s->rc;
	}
	*out = s->buf;
	*len = text ? s->len - 1 : s->len;
	return SYM_OK;
}

int
sym_qr_png(uint8_t **png, size_t *len, const struct sym_qr *qr,
    unsigned module, unsigned quiet)
{
	struct sink s = { NULL, 0, 0, SYM_OK };
	cairo_surface_t *surface;
	cairo_t *cr;
	unsigned side;
	int rc;

	*png = NULL;
	*len = 0;
	if (module < 1 || module > 100 || quiet > 40 || qr->modules == NULL)
		return SYM_EUSAGE;
	side = (qr->width + 2 * quiet) * module;
	/* One bit a pixel: cairo writes an A1 surface as a 1-bit greyscale
	 * PNG (alpha 1 white, 0 black), a 24th of the rows libpng must filter
	 * and deflate for RGB (most of the time a share's PNG took). */
	surface = cairo_image_surface_create(CAIRO_FORMAT_A1, (int)side,
	    (int)side);
	cr = cairo_create(surface);
	cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
	cairo_set_source_rgba(cr, 0, 0, 0, 1);
	cairo_paint(cr);
	cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
	for (unsigned y = 0; y < qr->width; y++)
		for (unsigned x = 0; x < qr->width; x++)
			if (qr->modules[(size_t)y * qr->width + x])
				cairo_rectangle(cr, (x + quiet) * module,
				    (y + quiet) * module, module, module);
	cairo_fill(cr);
	cairo_surface_flush(surface);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		s.rc = SYM_ENOMEM;
	else if (cairo_surface_write_to_png_stream(surface, png_write, &s) !=
	    CAIRO_STATUS_SUCCESS && s.rc == SYM_OK)
		s.rc = SYM_EINTERNAL;
	cairo_destroy(cr);
	if (cairo_image_surface_get_data(surface) != NULL)
		sodium_memzero(cairo_image_surface_get_data(surface),
		    (size_t)cairo_image_surface_get_stride(surface) * side);
	cairo_surface_destroy(surface);
	rc = sink_finish(&s, png, len, 0);
	return rc;
}

int
sym_qr_svg(char **svg, size_t *len, const struct sym_qr *qr,
    unsigned module, unsigned quiet)
{
	struct sink s = { NULL, 0, 0, SYM_OK };
	char line[256];
	unsigned side;
	int n;

	*svg = NULL;
	*len = 0;
	if (module < 1 || module > 100 || quiet > 40 || qr->modules == NULL)
		return SYM_EUSAGE;
	side = qr->width + 2 * quiet;
	/* Drawn in modules, scaled by width and height: exact edges. */
	n = snprintf(line, sizeof line,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" "
	    "shape-rendering=\"crispEdges\">\n", side * module, side * module,
	    side, side);
	(void)sink_put(&s, line, (size_t)n);
	n = snprintf(line, sizeof line, "<rect width=\"%u\" height=\"%u\" "
	    "fill=\"#ffffff\"/>\n<path fill=\"#000000\" d=\"", side, side);
	(void)sink_put(&s, line, (size_t)n);
	for (unsigned y = 0; y < qr->width; y++) {
		for (unsigned x = 0; x < qr->width;) {
			unsigned run = 0;

			while (x + run < qr->width &&
			    qr->modules[(size_t)y * qr->width + x + run])
				run++;
			if (run == 0) {
				x++;
				continue;
			}
			n = snprintf(line, sizeof line, "M%u %uh%uv1h-%uz",
			    x + quiet, y + quiet, run, run);
			(void)sink_put(&s, line, (size_t)n);
			x += run;
		}
	}
	(void)sink_put(&s, "\"/>\n</svg>\n", 11);
	return sink_finish(&s, (uint8_t **)svg, len, 1);
}

int
sym_qr_term(char **text, size_t *len, const struct sym_qr *qr,
    unsigned quiet, int ansi)
{
	static const char *const cell[4] = {
		" ", "\xe2\x96\x80", "\xe2\x96\x84", "\xe2\x96\x88"
	};			/* none, upper half, lower half, full block */
	struct sink s = { NULL, 0, 0, SYM_OK };
	unsigned side;

	*text = NULL;
	*len = 0;
	if (quiet > 40 || qr->modules == NULL)
		return SYM_EUSAGE;
	side = qr->width + 2 * quiet;
	for (unsigned y = 0; y < side; y += 2) {
		if (ansi)
			(void)sink_put(&s, "\033[30;107m", 9);
		for (unsigned x = 0; x < side; x++) {
			unsigned c = (unsigned)dark(qr, quiet, x, y) |
			    (unsigned)(y + 1 < side ? dark(qr, quiet, x, y + 1) :
			    0) << 1;

			(void)sink_put(&s, cell[c], strlen(cell[c]));
		}
		if (ansi)
			(void)sink_put(&s, "\033[0m", 4);
		(void)sink_put(&s, "\n", 1);
	}
	return sink_finish(&s, (uint8_t **)text, len, 1);
}

/* ---- scanning ---- */

static zbar_image_scanner_t *
scanner_new(void)
{
	zbar_image_scanner_t *scanner = zbar_image_scanner_create();

	if (scanner == NULL)
		return NULL;
	/* QR codes only, and their bytes as they are: without BINARY, zbar
	 * guesses a character set for byte-mode data and converts it. */
	zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	return scanner;
}

/* Runs zbar over width x height grey pixels: the number of QR codes
 * passed to found, or an error. */
static int
scan_pixels(zbar_image_scanner_t *scanner, const uint8_t *grey,
    unsigned width, unsigned height, sym_qr_found_fn found, void *ctx)
{
	zbar_image_t *image = zbar_image_create();
	const zbar_symbol_t *sym;
	int count = 0, rc = SYM_OK;

	if (image == NULL)
		return SYM_ENOMEM;
	zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(image, width, height);
	zbar_image_set_data(image, grey, (unsigned long)width * height, NULL);
	if (zbar_scan_image(scanner, image) < 0) {
		zbar_image_destroy(image);
		return SYM_ENOMEM;
	}
	for (sym = zbar_image_first_symbol(image); sym != NULL && rc == SYM_OK;
	    sym = zbar_symbol_next(sym)) {
		if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
			continue;
		rc = found(ctx, (const uint8_t *)zbar_symbol_get_data(sym),
		    zbar_symbol_get_data_length(sym));
		count++;
	}
	zbar_image_destroy(image);
	if (rc < 0)
		return rc;
	return count;
}

/* The image at half size (2x2 box filter) or twice the size (nearest). */
static uint8_t *
rescale(const struct sym_raster *r, int up, unsigned *w, unsigned *h)
{
	uint8_t *out;

	if (up) {
		if ((uint64_t)r->width * r->height * 4 > SYM_RASTER_MAX_PIXELS)
			return NULL;
		*w = r->width * 2;
		*h = r->height * 2;
	} else {
		if (r->width < 64 || r->height < 64)
			return NULL;
		*w = r->width / 2;
		*h = r->height / 2;
	}
	out = sym_secmem_alloc((size_t)*w * *h);
	if (out == NULL)
		return NULL;
	for (unsigned y = 0; y < *h; y++) {
		for (unsigned x = 0; x < *w; x++) {
			const uint8_t *p;

			if (up) {
				p = r->grey + (size_t)(y / 2) * r->width + x / 2;
				out[(size_t)y * *w + x] = *p;
			} else {
				p = r->grey + (size_t)(y * 2) * r->width + x * 2;
				out[(size_t)y * *w + x] = (uint8_t)((p[0] + p[1] +
				    p[r->width] + p[r->width + 1] + 2) / 4);
			}
		}
	}
	return out;
}

int
sym_qr_scan(const struct sym_raster *r, sym_qr_found_fn found, void *ctx)
{
	zbar_image_scanner_t *scanner;
	int n;

	if (r->grey == NULL || r->width == 0 || r->height == 0)
		return SYM_EUSAGE;
	scanner = scanner_new();
	if (scanner == NULL)
		return SYM_ENOMEM;
	n = scan_pixels(scanner, r->grey, r->width, r->height, found, ctx);
	for (int up = 0; n == 0 && up <= 1; up++) {
		unsigned w = 0, h = 0;
		uint8_t *scaled = rescale(r, up, &w, &h);

		if (scaled == NULL)
			continue;
		n = scan_pixels(scanner, scaled, w, h, found, ctx);
		sym_secmem_free(scaled);
	}
	if (n == 0) {
		/* Light on dark: a code on a dark-themed terminal.  (zbar's
		 * own ZBAR_CFG_TEST_INVERTED crashes 0.23.92 on some blank
		 * images.) */
		size_t cells = (size_t)r->width * r->height;
		uint8_t *inverted = sym_secmem_alloc(cells);

		if (inverted != NULL) {
			for (size_t i = 0; i < cells; i++)
				inverted[i] = (uint8_t)(255 - r->grey[i]);
			n = scan_pixels(scanner, inverted, r->width, r->height,
			    found, ctx);
			sym_secmem_free(inverted);
		}
	}
	zbar_image_scanner_destroy(scanner);
	if (n < 0)
		return n;
	return n == 0 ? SYM_ENOQR : SYM_OK;
}

struct image_read {
	struct sym_qrcollect *collect;
	int ours, foreign;
};

static int
collect_code(void *ctx, const uint8_t *data, size_t len)
{
	struct image_read *ir = ctx;
	int rc = sym_qrcollect_add(ir->collect, data, len, 0, NULL);

	if (rc == SYM_ENOTBUNDLE) {
		ir->foreign++;
		return SYM_OK;
	}
	if (rc == SYM_OK)
		ir->ours++;
	return rc;
}

static int
read_bundle(uint8_t **bytes, size_t *len, const struct sym_raster *r)
{
	struct image_read ir = { NULL, 0, 0 };
	const uint8_t *b;
	size_t b_len;
	int rc;

	rc = sym_qrcollect_new(&ir.collect);
	if (rc != SYM_OK)
		return rc;
	rc = sym_qr_scan(r, collect_code, &ir);
	if (rc == SYM_OK && ir.ours == 0)
		rc = SYM_ENOTBUNDLE;
	if (rc == SYM_OK)
		rc = sym_qrcollect_finish(ir.collect, NULL);
	if (rc == SYM_OK && sym_qrcollect_count(ir.collect) != 1)
		rc = SYM_EQRMANY;
	if (rc == SYM_OK) {
		sym_qrcollect_get(ir.collect, 0, &b, &b_len, NULL);
		*bytes = sym_secmem_alloc(b_len);
		if (*bytes == NULL) {
			rc = SYM_ENOMEM;
		} else {
			memcpy(*bytes, b, b_len);
			*len = b_len;
		}
	}
	sym_qrcollect_free(ir.collect);
	return rc;
}

int
sym_qr_read_bundle(uint8_t **bytes, size_t *len, const uint8_t *image,
    size_t image_len)
{
	struct sym_raster r;
	int rc;

	*bytes = NULL;
	*len = 0;
	rc = sym_raster_decode(&r, image, image_len);
	if (rc != SYM_OK)
		return rc;
	rc = read_bundle(bytes, len, &r);
	sym_raster_free(&r);
	return rc;
}

int
sym_qr_read_bundle_file(uint8_t **bytes, size_t *len, const char *path)
{
	struct sym_raster r;
	int rc;

	*bytes = NULL;
	*len = 0;
	rc = sym_raster_read_file(&r, path);
	if (rc != SYM_OK)
		return rc;
	rc = read_bundle(bytes, len, &r);
	sym_raster_free(&r);
	return rc;
}

#ifdef SYMBOLON_NO_CAMERA
int
sym_qr_camera(const char *device, sym_qr_found_fn found, void *ctx,
    unsigned timeout_ms)
{
	(void)device;
	(void)found;
	(void)ctx;
	(void)timeout_ms;
	return SYM_ENOCAMERA;
}
#else
int
sym_qr_camera(const char *device, sym_qr_found_fn found, void *ctx,
    unsigned timeout_ms)
{
	zbar_processor_t *proc = zbar_processor_create(0);
	unsigned waited = 0;
	int rc = SYM_ENOQR;

	if (proc == NULL)
		return SYM_ENOMEM;
	zbar_processor_set_config(proc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_processor_set_config(proc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_processor_set_config(proc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	if (zbar_processor_init(proc, device ? device : "/dev/video0", 0) != 0 ||
	    zbar_processor_set_active(proc, 1) != 0) {
		zbar_processor_destroy(proc);
		return SYM_ENOCAMERA;
	}
	while (waited < timeout_ms) {
		const zbar_symbol_set_t *set;
		const zbar_symbol_t *sym;
		int n = zbar_process_one(proc, 500);

		waited += 500;
		if (n < 0) {
			rc = SYM_ENOCAMERA;
			break;
		}
		if (n == 0)
			continue;
		set = zbar_processor_get_results(proc);
		if (set == NULL)
			continue;
		for (sym = zbar_symbol_set_first_symbol(set); sym != NULL;
		    sym = zbar_symbol_next(sym)) {
			if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
				continue;
			rc = found(ctx, (const uint8_t *)zbar_symbol_get_data(sym),
			    zbar_symbol_get_data_length(sym));
			if (rc != SYM_OK)
				break;
		}
		zbar_symbol_set_ref((zbar_symbol_set_t *)set, -1);
		if (rc == 1) {
			rc = SYM_OK;
			break;
		}
		if (rc < 0)
			break;
		rc = SYM_ENOQR;
	}
	zbar_processor_set_active(proc, 0);
	zbar_processor_destroy(proc);
	return rc;
}
#endif

/* The plugin's table (picture.h). */
const struct sym_picture_ops sym_picture_plugin = {
	.abi = SYM_PICTURE_ABI,
	.read_bundle = sym_qr_read_bundle,
	.read_bundle_file = sym_qr_read_bundle_file,
};
