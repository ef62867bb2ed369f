#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>

#include "symbolon/bundle.h"
#include "symbolon/commitment.h"
#include "symbolon/fingerprint.h"
#include "symbolon/qrframe.h"
#include "symbolon/secmem.h"
#include "symbolon/share.h"
#include "symbolon/sheet.h"

#define SANS "DejaVu Sans"
#define MONO "DejaVu Sans Mono"
#define MARGIN 48.0
#define LABEL_WIDTH 112.0

/* What a page says about its bundle: public fields only. */
struct about {
	unsigned type;
	uint8_t signer[SYM_SIGN_PUBLICKEY_BYTES];
	const struct sym_share *share;	/* NULL unless a share */
	char hash[SYM_QRFRAME_HASH_TEXT_MAX];
	size_t part, parts;		/* this QR code of the bundle's */
};

struct pdf_sink {
	uint8_t *buf;
	size_t len, cap;
	int rc;
};

static cairo_status_t
pdf_write(void *closure, const unsigned char *data, unsigned int length)
{
	struct pdf_sink *s = closure;

	if (s->rc != SYM_OK)
		return CAIRO_STATUS_WRITE_ERROR;
	if (length > s->cap - s->len) {
		size_t want = s->cap ? s->cap : 65536;

		while (want - s->len < length)
			want *= 2;
		s->rc = sym_secmem_grow(&s->buf, &s->cap, s->len, want);
		if (s->rc != SYM_OK)
			return CAIRO_STATUS_WRITE_ERROR;
	}
	memcpy(s->buf + s->len, data, length);
	s->len += length;
	return CAIRO_STATUS_SUCCESS;
}

static void
font(cairo_t *cr, const char *family, int bold, double size)
{
	cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL,
	    bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

static void
grey(cairo_t *cr, double level)
{
	cairo_set_source_rgb(cr, level, level, level);
}

static double
text_width(cairo_t *cr, const char *s)
{
	cairo_text_extents_t e;

	cairo_text_extents(cr, s, &e);
	return e.x_advance;
}

static void
text_at(cairo_t *cr, double x, double y, const char *s)
{
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
}

static void
text_centred(cairo_t *cr, double cx, double y, const char *s)
{
	text_at(cr, cx - text_width(cr, s) / 2, y, s);
}

/* Draws s word-wrapped in width from baseline y; returns the baseline
 * after the last line. */
static double
wrap_text(cairo_t *cr, double x, double y, double width, double leading,
    const char *s, int draw)
{
	char line[800], word[256];
	size_t used = 0;

	line[0] = '\0';
	while (*s != '\0') {
		size_t n = strcspn(s, " ");
		char trial[800];

		if (n >= sizeof word)
			n = sizeof word - 1;
		memcpy(word, s, n);
		word[n] = '\0';
		s += n;
		while (*s == ' ')
			s++;
		snprintf(trial, sizeof trial, "%s%s%s", line, used ? " " : "",
		    word);
		if (used && text_width(cr, trial) > width) {
			if (draw)
				text_at(cr, x, y, line);
			y += leading;
			snprintf(line, sizeof line, "%s", word);
		} else {
			snprintf(line, sizeof line, "%s", trial);
		}
		used = strlen(line);
	}
	if (used) {
		if (draw)
			text_at(cr, x, y, line);
		y += leading;
	}
	return y;
}

static double
wrap(cairo_t *cr, double x, double y, double width, double leading,
    const char *s)
{
	return wrap_text(cr, x, y, width, leading, s, 1);
}

/* A row of the details table: a grey label, then value lines. */
static double
row_alert(cairo_t *cr, double x, double y, double width, const char *label,
    const char *value, const char *family, double size, int alert)
{
	double next;

	font(cr, SANS, 1, 8);
	grey(cr, 0.4);
	text_at(cr, x, y, label);
	font(cr, family, alert, size);
	if (alert)
		cairo_set_source_rgb(cr, 0.62, 0.08, 0.08);
	else
		grey(cr, 0);
	next = wrap(cr, x + LABEL_WIDTH, y, width - LABEL_WIDTH, size + 3.5,
	    value) + 3;
	grey(cr, 0);
	return next;
}

static double
row(cairo_t *cr, double x, double y, double width, const char *label,
    const char *value, const char *family, double size)
{
	return row_alert(cr, x, y, width, label, value, family, size, 0);
}

static void
draw_qr(cairo_t *cr, const struct sym_qr *qr, double x, double y,
    double module)
{
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, (qr->width + 2 * SYM_QR_QUIET_MODULES) *
	    module, (qr->width + 2 * SYM_QR_QUIET_MODULES) * module);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	x += SYM_QR_QUIET_MODULES * module;
	y += SYM_QR_QUIET_MODULES * module;
	for (unsigned r = 0; r < qr->width; r++) {
		for (unsigned c = 0; c < qr->width;) {
			unsigned run = 0;

			while (c + run < qr->width &&
			    qr->modules[(size_t)r * qr->width + c + run])
				run++;
			if (run == 0) {
				c++;
				continue;
			}
			cairo_rectangle(cr, x + c * module, y + r * module,
			    run * module, module);
			c += run;
		}
	}
	cairo_fill(cr);
}

static void
fingerprint_lines(char hex1[48], char hex2[48], char *words, size_t cap,
    const uint8_t public_key[static 32])
{
	uint8_t fp[SYM_FINGERPRINT_BYTES];
	char hex[SYM_FINGERPRINT_HEX_MAX];

	sym_fingerprint(fp, public_key);
	if (sym_fingerprint_hex(hex, sizeof hex, fp) != SYM_OK)
		hex[0] = '\0';
	/* Sixteen groups of four: two lines of eight. */
	snprintf(hex1, 48, "%.39s", hex);
	snprintf(hex2, 48, "%s", strlen(hex) > 40 ? hex + 40 : "");
	if (sym_fingerprint_words(words, cap, fp,
	    SYM_FINGERPRINT_WORD_BYTES) != SYM_OK)
		words[0] = '\0';
}

static const char *
blank(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "______________________________";
}

static void
header(cairo_t *cr, double w, const struct about *a, const char *title,
    const char *subtitle)
{
	const char *badge = a->share ? "KEY MATERIAL \xe2\x80\x94 KEEP SEALED" :
	    "SIGNED BUNDLE";
	double bw;

	font(cr, SANS, 1, 8.5);
	grey(cr, 0.35);
	text_at(cr, MARGIN, MARGIN + 8, "SYMBOLON \xc2\xb7 OFFLINE KEY CEREMONY");
	bw = text_width(cr, badge) + 16;
	cairo_set_source_rgb(cr, a->share ? 0.62 : 0.2, 0.08, 0.08);
	if (!a->share)
		grey(cr, 0.2);
	cairo_rectangle(cr, w - MARGIN - bw, MARGIN - 4, bw, 17);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	text_at(cr, w - MARGIN - bw + 8, MARGIN + 8, badge);
	grey(cr, 0);
	font(cr, SANS, 1, 26);
	text_at(cr, MARGIN, MARGIN + 44, title);
	font(cr, SANS, 0, 11);
	grey(cr, 0.15);
	text_at(cr, MARGIN, MARGIN + 64, subtitle);
	cairo_set_line_width(cr, 1.2);
	grey(cr, 0);
	cairo_move_to(cr, MARGIN, MARGIN + 76);
	cairo_line_to(cr, w - MARGIN, MARGIN + 76);
	cairo_stroke(cr);
}

static double
box(cairo_t *cr, double x, double y, double w, double h, double fill)
{
	grey(cr, fill);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill_preserve(cr);
	grey(cr, 0.55);
	cairo_set_line_width(cr, 0.6);
	cairo_stroke(cr);
	grey(cr, 0);
	return y + h;
}

static void
signature_line(cairo_t *cr, double x, double y, double w, const char *label)
{
	font(cr, SANS, 0, 7.5);
	grey(cr, 0.35);
	text_at(cr, x, y + 10, label);
	grey(cr, 0);
	cairo_set_line_width(cr, 0.5);
	cairo_move_to(cr, x, y);
	cairo_line_to(cr, x + w, y);
	cairo_stroke(cr);
}

/* The holder's instructions from baseline top + 15; returns the bottom
 * of the box they need.  Measures only, without draw. */
static double
instructions(cairo_t *cr, double top, double inner,
    const struct sym_share *s, const char *set_text,
    const struct sym_sheet_options *o, int draw)
{
	double bx = MARGIN + 10, bw = inner - 20, tx = bx + 80, y = top + 15;
	char buf[600];

	font(cr, SANS, 1, 9);
	if (draw)
		text_at(cr, bx, y, "What this is");
	font(cr, SANS, 0, 8.5);
	snprintf(buf, sizeof buf, "One of %u shares of the unseal key of set "
	    "%s. Keep it sealed in its tamper-evident bag, apart from the "
	    "other shares, and bring it only to a ceremony. Do not copy, "
	    "photograph or scan it anywhere else.", s->count, set_text);
	y = wrap_text(cr, tx, y, bw - 80, 11, buf, draw) + 4;
	font(cr, SANS, 1, 9);
	if (draw)
		text_at(cr, bx, y, "Check it");
	font(cr, SANS, 0, 8.5);
	y = wrap_text(cr, tx, y, bw - 80, 11, "Offline, without unsealing "
	    "anything; the signer's words must match those read out at the "
	    "ceremony:", draw);
	font(cr, MONO, 0, 8.5);
	if (draw)
		text_at(cr, tx, y, "symbolon verify --manifest manifest.cbor "
		    "sheet.png");
	y += 15;
	font(cr, SANS, 1, 9);
	if (draw)
		text_at(cr, bx, y, "Whom to call");
	font(cr, SANS, 0, 8.5);
	snprintf(buf, sizeof buf, "If the bag is opened or damaged, or this "
	    "sheet is lost or copied: %s", blank(o->contact));
	y = wrap_text(cr, tx, y, bw - 80, 11, buf, draw);
	return y - 3;
}

static void
bag(cairo_t *cr, double y, double inner)
{
	double bx = MARGIN + 10, bw = inner - 20;

	box(cr, MARGIN, y, inner, 60, 1);
	font(cr, SANS, 1, 9);
	text_at(cr, bx, y + 16, "Tamper-evident bag");
	font(cr, SANS, 0, 8.5);
	text_at(cr, bx + 110, y + 16, "serial no.");
	cairo_set_line_width(cr, 0.5);
	cairo_move_to(cr, bx + 160, y + 17);
	cairo_line_to(cr, bx + bw, y + 17);
	cairo_stroke(cr);
	signature_line(cr, bx, y + 44, bw / 3 - 12, "sealed on (date)");
	signature_line(cr, bx + bw / 3, y + 44, bw / 3 - 12,
	    "holder's signature");
	signature_line(cr, bx + 2 * bw / 3, y + 44, bw / 3,
	    "witness's signature");
}

/* Everything under the code, from baseline y; returns the bottom. */
/* What protects a share, as its sheet says it. */
static void
protection_text(char *buf, size_t cap, const struct sym_share *s)
{
	switch (s->protection) {
	case SYM_SHARE_TO_IDENTITY:
		snprintf(buf, cap, "encrypted to the holder's "
		    "identity %02X%02X %02X%02X %02X%02X %02X%02X",
		    s->recipient[0],
		    s->recipient[1], s->recipient[2], s->recipient[3],
		    s->recipient[4], s->recipient[5], s->recipient[6],
		    s->recipient[7]);
		break;
	case SYM_SHARE_PASSPHRASE:
		snprintf(buf, cap, "encrypted under the holder's "
		    "passphrase (Argon2id): never write it on this sheet");
		break;
	default:
		snprintf(buf, cap, "IN CLEAR: this sheet is the "
		    "share itself; whoever holds it holds the share");
		break;
	}
}

static double
details(cairo_t *cr, double y, double inner, const struct about *a,
    const struct sym_sheet_options *o)
{
	char buf[600], hex1[48], hex2[48], set_text[SYM_SET_ID_TEXT_MAX];
	char words[SYM_FINGERPRINT_WORDS_MAX + 8];
	const struct sym_share *s = a->share;

	if (s != NULL) {
		uint8_t id_bytes[SYM_SET_ID_BYTES];

		y = row(cr, MARGIN, y, inner, "HOLDER", s->holder[0] ?
		    s->holder : "(not named: write the holder's name here) "
		    "______________________", SANS, 12);
		snprintf(buf, sizeof buf, "share %u of %u, threshold %u, "
		    "generation %llu", s->index, s->count, s->threshold,
		    (unsigned long long)s->generation);
		y = row(cr, MARGIN, y, inner, "SHARE", buf, SANS, 10.5);
		memcpy(id_bytes, s->set_id, sizeof id_bytes);
		snprintf(buf, sizeof buf, "%02x%02x%02x%02x %02x%02x%02x%02x "
		    "%02x%02x%02x%02x %02x%02x%02x%02x", id_bytes[0],
		    id_bytes[1], id_bytes[2], id_bytes[3], id_bytes[4],
		    id_bytes[5], id_bytes[6], id_bytes[7], id_bytes[8],
		    id_bytes[9], id_bytes[10], id_bytes[11], id_bytes[12],
		    id_bytes[13], id_bytes[14], id_bytes[15]);
		y = row(cr, MARGIN, y, inner, "SET / IMAGE ID", buf, MONO, 9.5);
		if (sym_fingerprint_words(words, sizeof words, id_bytes,
		    SYM_SET_ID_BYTES / 2) != SYM_OK)
			words[0] = '\0';
		y = row(cr, MARGIN, y - 1, inner, "", words, SANS, 9.5);
	}
	fingerprint_lines(hex1, hex2, words, sizeof words, a->signer);
	y = row(cr, MARGIN, y, inner, "SIGNED BY", hex1, MONO, 9.5) - 3;
	y = row(cr, MARGIN, y, inner, "", hex2, MONO, 9.5) - 3;
	y = row(cr, MARGIN, y, inner, "", words, SANS, 9.5) - 3;
	if (s != NULL) {
		font(cr, SANS, 0, 7.5);
		grey(cr, 0.4);
		text_at(cr, MARGIN + LABEL_WIDTH, y, "the image identity for an "
		    "image's shares; the dealer for a deal's");
		grey(cr, 0);
		y += 13;
	}
	if (s != NULL) {
		protection_text(buf, sizeof buf, s);
		y = row_alert(cr, MARGIN, y, inner, "PROTECTION", buf, SANS, 9.5,
		    s->protection == SYM_SHARE_CLEAR);
	}
	snprintf(buf, sizeof buf, "%s", blank(o->date));
	y = row(cr, MARGIN, y, inner, "PRINTED", buf, SANS, 9.5);
	y += 4;

	if (s != NULL) {
		double top = y, height;

		sym_set_id_text(set_text, s->set_id);
		/* Measured first, then drawn on its grey box. */
		height = instructions(cr, top, inner, s, set_text, o, 0) - top;
		box(cr, MARGIN, top, inner, height, 0.94);
		instructions(cr, top, inner, s, set_text, o, 1);
		bag(cr, top + height + 10, inner);
		y = top + height + 10 + 60;
	} else {
		double top = y, bx = MARGIN + 10, bw = inner - 20;

		box(cr, MARGIN, top, inner, 50, 0.94);
		font(cr, SANS, 0, 8.5);
		y = wrap(cr, bx, top + 15, bw, 11, "Scan every part with "
		    "`symbolon qr decode`, or give the image to any symbolon "
		    "program in place of the bundle file. Check it with:");
		font(cr, MONO, 0, 8.5);
		text_at(cr, bx, y + 1, "symbolon verify bundle.png");
		y = top + 50;
	}

	return y;
}

static void
page(cairo_t *cr, double w, double h, const struct about *a,
    const struct sym_qr *qr, const struct sym_sheet_options *o,
    size_t page_no, size_t pages)
{
	char title[96], subtitle[200], buf[600], set_text[SYM_SET_ID_TEXT_MAX];
	const struct sym_share *s = a->share;
	double y, side, module, below, x0, y0, ew, eh;
	cairo_surface_t *rec;
	cairo_t *rc;

	if (s != NULL) {
		snprintf(title, sizeof title, "Key share %u of %u", s->index,
		    s->count);
		snprintf(subtitle, sizeof subtitle, "Threshold %u: any %u of the "
		    "%u shares unseal the key; fewer reveal nothing about it.",
		    s->threshold, s->threshold, s->count);
	} else {
		const char *name = sym_bundle_type_name(a->type);

		snprintf(title, sizeof title, "%c%s bundle",
		    name[0] >= 'a' && name[0] <= 'z' ? name[0] - 'a' + 'A' :
		    name[0], name + 1);
		snprintf(subtitle, sizeof subtitle, "A signed symbolon %s, "
		    "carried as QR code%s between offline machines.", name,
		    a->parts > 1 ? "s" : "");
	}
	header(cr, w, a, title, subtitle);

	/* The details are drawn first, aside, to measure them: the code
	 * then gets the height left, at most about 100 mm. */
	rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
	rc = cairo_create(rec);
	below = details(rc, 0, w - 2 * MARGIN, a, o);
	cairo_destroy(rc);
	cairo_recording_surface_ink_extents(rec, &x0, &y0, &ew, &eh);
	below = y0 + eh > below ? y0 + eh : below;
	y = MARGIN + 88;
	side = (h - 40) - below - 36 - y;
	if (side > 286)
		side = 286;
	module = side / (qr->width + 2 * SYM_QR_QUIET_MODULES);
	side = module * (qr->width + 2 * SYM_QR_QUIET_MODULES);
	draw_qr(cr, qr, (w - side) / 2, y, module);
	y += side + 12;
	font(cr, SANS, a->parts > 1, 9.5);
	grey(cr, 0.1);
	if (a->parts > 1)
		snprintf(buf, sizeof buf, "Part %zu of %zu of bundle %s: "
		    "scan all %zu parts, in any order", a->part, a->parts,
		    a->hash, a->parts);
	else
		snprintf(buf, sizeof buf, "Bundle %s \xc2\xb7 QR version %u, "
		    "error correction %c", a->hash, qr->version,
		    "LMQH"[o->level]);
	text_centred(cr, w / 2, y, buf);
	y += 24;
	cairo_set_source_surface(cr, rec, 0, y);
	cairo_paint(cr);
	cairo_surface_destroy(rec);
	grey(cr, 0);
	if (s != NULL)
		sym_set_id_text(set_text, s->set_id);

	font(cr, SANS, 0, 7);
	grey(cr, 0.4);
	if (s != NULL)
		snprintf(buf, sizeof buf, "symbolon share sheet \xc2\xb7 set %s "
		    "\xc2\xb7 generation %llu \xc2\xb7 share %u/%u \xc2\xb7 "
		    "page %zu of %zu", set_text,
		    (unsigned long long)s->generation, s->index, s->count,
		    page_no, pages);
	else
		snprintf(buf, sizeof buf, "symbolon %s \xc2\xb7 bundle %s "
		    "\xc2\xb7 page %zu of %zu", sym_bundle_type_name(a->type),
		    a->hash, page_no, pages);
	text_centred(cr, w / 2, h - 26, buf);
}

/* One bundle verified, described and cut into QR texts. */
static int
plan_bundle(struct about *about, struct sym_share **share,
    struct sym_qr_texts *texts, const struct sym_sheet_bundle *bundle,
    const struct sym_sheet_options *o)
{
	struct sym_bundle b;
	uint8_t hash[SYM_QRFRAME_HASH_BYTES];
	int rc = sym_bundle_open(&b, bundle->bytes, bundle->len,
	    SYM_BUNDLE_ANY);

	if (rc != SYM_OK)
		return rc;
	about->type = b.type;
	memcpy(about->signer, b.signer, sizeof b.signer);
	if (SYM_BUNDLE_IS_SHARE(b.type)) {
		rc = sym_share_parse(share, bundle->bytes, bundle->len);
		if (rc != SYM_OK)
			return rc;
		about->share = *share;
	}
	sym_qrframe_hash(hash, bundle->bytes, bundle->len);
	sym_qrframe_hash_text(about->hash, hash);
	rc = sym_qr_plan(texts, bundle->bytes, bundle->len, o->level,
	    o->max_version);
	if (rc != SYM_OK)
		return rc;
	about->parts = texts->count;
	return SYM_OK;
}

int
sym_sheet_pdf(uint8_t **pdf, size_t *len,
    const struct sym_sheet_bundle *bundles, size_t count,
    const struct sym_sheet_options *o)
{
	struct pdf_sink sink = { NULL, 0, 0, SYM_OK };
	struct sym_qr_texts *texts = NULL;
	struct sym_share **shares = NULL;
	struct about *about = NULL;
	cairo_surface_t *surface = NULL;
	cairo_t *cr = NULL;
	size_t pages = 0, page_no = 0;
	double w, h;
	int rc;

	*pdf = NULL;
	*len = 0;
	if (count == 0 || (unsigned)o->paper > SYM_SHEET_LETTER ||
	    (unsigned)o->level > SYM_QR_LEVEL_H || o->max_version < 1 ||
	    o->max_version > SYM_QR_MAX_VERSION)
		return SYM_EUSAGE;
	w = o->paper == SYM_SHEET_A4 ? 595.28 : 612;
	h = o->paper == SYM_SHEET_A4 ? 841.89 : 792;
	texts = calloc(count, sizeof *texts);
	shares = calloc(count, sizeof *shares);
	about = calloc(count, sizeof *about);
	rc = SYM_ENOMEM;
	if (texts == NULL || shares == NULL || about == NULL)
		goto out;
	/* Everything verified and planned before the first page. */
	for (size_t i = 0; i < count; i++) {
		rc = plan_bundle(&about[i], &shares[i], &texts[i], &bundles[i],
		    o);
		if (rc != SYM_OK)
			goto out;
		pages += texts[i].count;
	}
	surface = cairo_pdf_surface_create_for_stream(pdf_write, &sink, w, h);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
	    "symbolon share sheets");
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR,
	    "symbolon");
	cr = cairo_create(surface);
	for (size_t i = 0; i < count; i++) {
		for (size_t k = 0; k < texts[i].count; k++) {
			struct sym_qr qr;

			rc = sym_qr_encode(&qr, texts[i].text[k], texts[i].len[k],
			    o->level, o->max_version);
			if (rc != SYM_OK)
				goto out;
			about[i].part = k + 1;
			page(cr, w, h, &about[i], &qr, o, ++page_no, pages);
			sym_qr_free(&qr);
			cairo_show_page(cr);
		}
	}
	cairo_destroy(cr);
	cr = NULL;
	cairo_surface_finish(surface);
	rc = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS ? SYM_OK :
	    SYM_EINTERNAL;
	if (sink.rc != SYM_OK)
		rc = sink.rc;
out:
	if (cr != NULL)
		cairo_destroy(cr);
	if (surface != NULL)
		cairo_surface_destroy(surface);
	for (size_t i = 0; texts != NULL && i < count; i++)
		sym_qr_texts_free(&texts[i]);
	for (size_t i = 0; shares != NULL && i < count; i++)
		sym_share_free(shares[i]);
	free(texts);
	free(shares);
	free(about);
	if (rc == SYM_OK) {
		*pdf = sink.buf;
		*len = sink.len;
	} else {
		sym_secmem_free(sink.buf);
	}
	return rc;
}
