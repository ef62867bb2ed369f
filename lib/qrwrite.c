#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "symbolon/bundle.h"
#include "symbolon/qrwrite.h"
#include "symbolon/secmem.h"
#include "symbolon/source.h"

static int
load(struct sym_qrwrite *w, const char *const paths[], size_t count)
{
	w->paths = paths;
	w->bundles = calloc(count ? count : 1, sizeof *w->bundles);
	if (w->bundles == NULL)
		return SYM_ENOMEM;
	w->count = count;
	for (size_t i = 0; i < count; i++) {
		struct sym_source s;
		struct sym_bundle opened;
		int rc;

		rc = sym_source_read(&s, paths[i], SYM_SOURCE_BUNDLE_FILE_MAX_BYTES,
		    SYM_SOURCE_DECODE);
		w->bundles[i].bytes = s.bytes;
		w->bundles[i].len = s.len;
		if (rc == SYM_OK)
			rc = sym_bundle_open(&opened, s.bytes, s.len,
			    SYM_BUNDLE_ANY);
		if (rc == SYM_EFORMAT)
			snprintf(w->why, sizeof w->why, "bad base45 at offset "
			    "%zu", s.error_offset);
		if (rc != SYM_OK) {
			w->subject = sym_source_name(paths[i]);
			return rc;
		}
	}
	return SYM_OK;
}

static int
plan(struct sym_qrwrite *w, const struct sym_qrwrite_options *o)
{
	w->texts = calloc(w->count ? w->count : 1, sizeof *w->texts);
	if (w->texts == NULL)
		return SYM_ENOMEM;
	for (size_t i = 0; i < w->count; i++) {
		int rc = sym_qr_plan(&w->texts[i], w->bundles[i].bytes,
		    w->bundles[i].len, o->level, o->max_version);

		if (rc != SYM_OK) {
			w->subject = w->paths[i];
			return rc;
		}
		w->codes += w->texts[i].count;
	}
	return SYM_OK;
}

static int
render_pdf(struct sym_fileset *fs, const struct sym_qrwrite *w,
    const struct sym_qrwrite_options *o)
{
	struct sym_sheet_options so;
	uint8_t *pdf = NULL;
	size_t len = 0;
	int rc;

	memset(&so, 0, sizeof so);
	so.paper = o->paper;
	so.level = o->level;
	so.max_version = o->max_version;
	so.date = o->date;
	so.contact = o->contact;
	rc = sym_sheet_pdf(&pdf, &len, w->bundles, w->count, &so);
	if (rc != SYM_OK)
		return rc;
	return sym_fileset_add(fs, o->out, pdf, len);
}

static int
render(uint8_t **data, size_t *len, const char *text, size_t text_len,
    const struct sym_qrwrite_options *o)
{
	struct sym_qr qr;
	int rc;

	rc = sym_qr_encode(&qr, text, text_len, o->level, o->max_version);
	if (rc != SYM_OK)
		return rc;
	if (o->format == SYM_QRWRITE_PNG)
		rc = sym_qr_png(data, len, &qr, o->module, SYM_QR_QUIET_MODULES);
	else if (o->format == SYM_QRWRITE_SVG)
		rc = sym_qr_svg((char **)data, len, &qr, o->module,
		    SYM_QR_QUIET_MODULES);
	else
		rc = sym_qr_term((char **)data, len, &qr, SYM_QR_QUIET_MODULES,
		    !o->plain);
	sym_qr_free(&qr);
	return rc;
}

/* Appends len bytes to the secure buffer *buf (holding *used of *cap). */
static int
append(uint8_t **buf, size_t *used, size_t *cap, const void *data,
    size_t len)
{
	if (len > *cap - *used) {
		size_t want = *cap ? *cap : 8192;
		int rc;

		while (want - *used < len)
			want *= 2;
		if (*buf == NULL) {
			*buf = sym_secmem_alloc(want);
			if (*buf == NULL)
				return SYM_ENOMEM;
			*cap = want;
		} else if ((rc = sym_secmem_grow(buf, cap, *used, want)) !=
		    SYM_OK) {
			return rc;
		}
	}
	memcpy(*buf + *used, data, len);
	*used += len;
	return SYM_OK;
}

/* The file name of path without directories and its last extension. */
static void
stem(char *out, size_t cap, const char *path)
{
	const char *base = strrchr(path, '/');
	char *dot;

	snprintf(out, cap, "%s", base != NULL ? base + 1 : path);
	dot = strrchr(out, '.');
	if (dot != NULL && dot != out)
		*dot = '\0';
	if (out[0] == '\0')
		snprintf(out, cap, "bundle");
}

/* One stream: a caption over each code when there are several. */
struct stream {
	uint8_t *bytes;
	size_t used, cap;
};

static int
put_code(struct sym_fileset *fs, struct stream *s, struct sym_qrwrite *w,
    size_t i, size_t k, const struct sym_qrwrite_options *o)
{
	const char *ext = o->format == SYM_QRWRITE_PNG ? "png" : "svg";
	size_t parts = w->texts[i].count, len = 0;
	char base[1024], path[4096], label[1200];
	uint8_t *data = NULL;
	int rc, n = 0;

	stem(base, sizeof base, w->paths[i]);
	rc = render(&data, &len, w->texts[i].text[k], w->texts[i].len[k], o);
	if (rc != SYM_OK) {
		w->subject = w->paths[i];
		return rc;
	}
	if (o->format == SYM_QRWRITE_TERM) {
		if (w->codes > 1)
			n = parts > 1 ? snprintf(label, sizeof label,
			    "%s%s: part %zu of %zu\n", s->used ? "\n" : "", base,
			    k + 1, parts) : snprintf(label, sizeof label, "%s%s\n",
			    s->used ? "\n" : "", base);
		if (n > 0)
			rc = append(&s->bytes, &s->used, &s->cap, label,
			    (size_t)n);
		if (rc == SYM_OK)
			rc = append(&s->bytes, &s->used, &s->cap, data, len);
		sym_secmem_free(data);
		return rc;
	}
	if (o->out_dir != NULL) {
		char name[1100];

		n = parts > 1 ? snprintf(name, sizeof name,
		    "%s-part-%zu-of-%zu", base, k + 1, parts) :
		    snprintf(name, sizeof name, "%s", base);
		/* Two inputs of the same name get name.ext and name-2.ext. */
		rc = n < 0 || (size_t)n >= sizeof name ? SYM_ETOOBIG :
		    sym_fileset_path(path, sizeof path, fs, o->out_dir, name,
		    ext);
	} else if ((size_t)snprintf(path, sizeof path, "%s", o->out) >=
	    sizeof path) {
		rc = SYM_ETOOBIG;
	}
	if (rc != SYM_OK) {
		sym_secmem_free(data);
		return rc;
	}
	return sym_fileset_add(fs, path, data, len);
}

static int
render_all(struct sym_fileset *fs, struct sym_qrwrite *w,
    const struct sym_qrwrite_options *o)
{
	struct stream s = { NULL, 0, 0 };
	int rc = SYM_OK;

	for (size_t i = 0; i < w->count && rc == SYM_OK; i++) {
		for (size_t k = 0; k < w->texts[i].count && rc == SYM_OK; k++)
			rc = put_code(fs, &s, w, i, k, o);
	}
	if (rc == SYM_OK && o->format == SYM_QRWRITE_TERM) {
		rc = sym_fileset_add(fs, o->out, s.bytes, s.used);
		s.bytes = NULL;
	}
	sym_secmem_free(s.bytes);
	return rc;
}

/* Whether the outputs asked for fit the format and the codes. */
static int
check_outputs(struct sym_qrwrite *w, const struct sym_qrwrite_options *o)
{
	const char *ext = o->format == SYM_QRWRITE_PNG ? "png" : "svg";

	if (o->format == SYM_QRWRITE_PDF && o->out == NULL)
		snprintf(w->why, sizeof w->why, "--format pdf needs --out FILE");
	else if (o->format == SYM_QRWRITE_PDF)
		return SYM_OK;
	else if (o->format == SYM_QRWRITE_TERM && o->out_dir != NULL)
		snprintf(w->why, sizeof w->why, "--format term writes one "
		    "stream: --out FILE or standard output");
	else if (o->format != SYM_QRWRITE_TERM && o->out_dir == NULL &&
	    o->out == NULL)
		snprintf(w->why, sizeof w->why, "--format %s needs --out FILE "
		    "or --out-dir DIR", ext);
	else if (o->format != SYM_QRWRITE_TERM && o->out_dir == NULL &&
	    w->codes > 1)
		snprintf(w->why, sizeof w->why, "%zu QR codes, one per file: "
		    "give --out-dir DIR", w->codes);
	return w->why[0] ? SYM_EUSAGE : SYM_OK;
}

int
sym_qrwrite_run(struct sym_qrwrite *w, const char *const paths[],
    size_t count, const struct sym_qrwrite_options *o)
{
	struct sym_qrwrite_options dated = *o;
	char date[32];
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	memset(w, 0, sizeof *w);
	sym_fileset_init(&w->fs);
	if (dated.date == NULL && (localtime_r(&now, &tm) == NULL ||
	    strftime(date, sizeof date, "%Y-%m-%d", &tm) == 0))
		date[0] = '\0';
	if (dated.date == NULL)
		dated.date = date;
	if ((rc = load(w, paths, count)) != SYM_OK)
		return rc;
	/* The pdf's sheets plan their own codes; the usage check for it
	 * comes first, as for the others after planning. */
	if (o->format == SYM_QRWRITE_PDF && (rc = check_outputs(w, o)) != SYM_OK)
		return rc;
	if (o->format != SYM_QRWRITE_PDF && ((rc = plan(w, o)) != SYM_OK ||
	    (rc = check_outputs(w, o)) != SYM_OK))
		return rc;
	rc = o->format == SYM_QRWRITE_PDF ? render_pdf(&w->fs, w, &dated) :
	    render_all(&w->fs, w, o);
	if (rc != SYM_OK)
		return rc;
	rc = sym_fileset_write(&w->fs, o->out_dir, o->force);
	if (rc != SYM_OK)
		w->subject = w->fs.failed_stdout ? "standard output" :
		    w->fs.failed_path;
	return rc;
}

void
sym_qrwrite_free(struct sym_qrwrite *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; w->bundles != NULL && i < w->count; i++)
		sym_secmem_free((void *)w->bundles[i].bytes);
	for (size_t i = 0; w->texts != NULL && i < w->count; i++)
		sym_qr_texts_free(&w->texts[i]);
	free(w->bundles);
	free(w->texts);
	sym_fileset_free(&w->fs);
	memset(w, 0, sizeof *w);
}

static int
word(const char *s, const char *const words[], size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(s, words[i]) == 0)
			return (int)i;
	return -1;
}

int
sym_qrwrite_parse_format(const char *s)
{
	static const char *const words[] = { "term", "png", "svg", "pdf" };

	return word(s, words, 4);
}

int
sym_qrwrite_parse_level(const char *s)
{
	static const char *const words[] = {
		"L", "M", "Q", "H", "l", "m", "q", "h"
	};
	int i = word(s, words, 8);

	return i < 0 ? -1 : i % 4;
}

int
sym_qrwrite_parse_paper(const char *s)
{
	static const char *const words[] = { "a4", "letter", "A4" };
	int i = word(s, words, 3);

	return i == 2 ? SYM_SHEET_A4 : i;
}
