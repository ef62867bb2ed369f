/*
 * symbolon qr: bundles to QR codes (terminal, PNG, SVG, share-sheet PDF)
 * and back from PNG and JPEG images or a camera.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "symbolon/bundle.h"
#include "symbolon/io.h"
#include "symbolon/qr.h"
#include "symbolon/qrframe.h"
#include "symbolon/raster.h"
#include "symbolon/secmem.h"
#include "symbolon/share.h"
#include "symbolon/sheet.h"

#include "cli.h"

#define MAX_FILES 1024
#define MAX_OUTPUTS 4096
#define TERM_MAX_VERSION 20u

static const char synopsis[] =
    "usage: symbolon qr encode BUNDLE... [--format term|png|svg|pdf]\n"
    "                  [--out FILE | --out-dir DIR] [--level Q|H|M|L]\n"
    "                  [--max-version N] [--module N] [--plain]\n"
    "                  [--paper a4|letter] [--date TEXT] [--contact TEXT]\n"
    "       symbolon qr decode IMAGE... [--out FILE | --out-dir DIR] [--armor]\n"
    "       symbolon qr decode --camera[=DEVICE] [--timeout SECONDS] ...\n"
    "\n"
    "encode: each bundle's text form (SYM1:, base45) in QR alphanumeric mode;\n"
    "a bundle too large for one code is cut into parts (SYMP1:), each its own\n"
    "code and page.  term prints to the terminal (or --out); png and svg\n"
    "write one code per file; pdf writes share sheets, one page per code.\n"
    "decode: reads every QR code in PNG and JPEG images, in any order,\n"
    "reassembles parts, verifies each bundle and writes it out (binary, or\n"
    "text with --armor) to FILE, DIR, or standard output.\n"
    "  --format F         term (default), png, svg or pdf\n"
    "  --level Q|H|M|L    error correction (default Q; H for worn paper)\n"
    "  --max-version N    largest QR version before cutting into parts\n"
    "                     (1..40; default 40, term 20)\n"
    "  --module N         png: pixels per module (default 8); svg: units\n"
    "  --plain            term: no colours (dark ink on a light terminal)\n"
    "  --paper a4|letter  pdf page size (default a4)\n"
    "  --date TEXT        pdf: date printed (default today)\n"
    "  --contact TEXT     pdf: whom a holder calls (default a blank line)\n"
    "  --out FILE         the one output file\n"
    "  --out-dir DIR      png/svg: one file per code; decode: one per bundle\n"
    "  --armor            decode: write SYM1: text instead of binary\n"
    "  --camera[=DEVICE]  decode from a video device (default /dev/video0)\n"
    "  --timeout SECONDS  --camera: give up after SECONDS (default 60)\n"
    "  --force            replace existing output files\n";

enum format { FORMAT_TERM, FORMAT_PNG, FORMAT_SVG, FORMAT_PDF };

struct options {
	enum format format;
	enum sym_qr_level level;
	unsigned max_version, module, timeout;
	int plain, armor, force, camera;
	const char *out, *out_dir, *device, *date, *contact;
	enum sym_sheet_paper paper;
	const char *files[MAX_FILES];
	size_t file_count;
};

/* An output planned in full before anything is written. */
struct output {
	char *path;		/* NULL: standard output */
	uint8_t *data;		/* secure memory */
	size_t len;
};

struct outputs {
	struct output items[MAX_OUTPUTS];
	size_t count;
};

static void
outputs_free(struct outputs *o)
{
	for (size_t i = 0; i < o->count; i++) {
		free(o->items[i].path);
		sym_secmem_free(o->items[i].data);
	}
	o->count = 0;
}

static int
outputs_add(struct outputs *o, const char *path, uint8_t *data, size_t len)
{
	struct output *it;

	if (o->count == MAX_OUTPUTS) {
		sym_secmem_free(data);
		return SYM_ETOOBIG;
	}
	it = &o->items[o->count];
	it->path = NULL;
	if (path != NULL && (it->path = strdup(path)) == NULL) {
		sym_secmem_free(data);
		return SYM_ENOMEM;
	}
	it->data = data;
	it->len = len;
	o->count++;
	return SYM_OK;
}

static int
make_dir(const char *dir)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return cli_fail(sym_error_from_errno(errno), dir);
	return 0;
}

/* Writes every output: all checked absent first, so that a refusal
 * leaves nothing behind. */
static int
outputs_write(struct outputs *o, const struct options *opt)
{
	int rc;

	if (opt->out_dir != NULL && make_dir(opt->out_dir) != 0)
		return CLI_EXIT_USAGE;
	for (size_t i = 0; i < o->count && !opt->force; i++) {
		if (o->items[i].path != NULL &&
		    (rc = sym_io_check_absent(o->items[i].path)) != SYM_OK)
			return cli_fail(rc, o->items[i].path);
	}
	for (size_t i = 0; i < o->count; i++) {
		if (o->items[i].path == NULL) {
			rc = sym_io_write_fd(STDOUT_FILENO, o->items[i].data,
			    o->items[i].len);
			if (rc != SYM_OK)
				return cli_fail(rc, "standard output");
			continue;
		}
		rc = sym_io_write_file(o->items[i].path, o->items[i].data,
		    o->items[i].len, opt->force ? SYM_IO_OVERWRITE :
		    SYM_IO_NO_OVERWRITE);
		if (rc != SYM_OK)
			return cli_fail(rc, o->items[i].path);
	}
	return 0;
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

/* ---- encode ---- */

struct loaded {
	uint8_t *bytes;
	size_t len;
};

static int
load_bundles(struct loaded *b, const struct options *o)
{
	for (size_t i = 0; i < o->file_count; i++) {
		const char *path = o->files[i];
		const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
		struct sym_bundle opened;
		size_t offset = 0;
		int rc;

		rc = sym_bundle_read_file(&b[i].bytes, &b[i].len, path, &offset);
		if (rc == SYM_EFORMAT) {
			cli_error("%s: bad base45 at offset %zu", name, offset);
			return CLI_EXIT_INVALID;
		}
		if (rc == SYM_OK)
			rc = sym_bundle_open(&opened, b[i].bytes, b[i].len,
			    SYM_BUNDLE_ANY);
		if (rc != SYM_OK)
			return cli_fail(rc, name);
	}
	return 0;
}

static void
today(char out[32])
{
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%d", &tm) == 0)
		out[0] = '\0';
}

static int
encode_pdf(struct outputs *outs, const struct loaded *b,
    const struct options *o)
{
	struct sym_sheet_bundle items[MAX_FILES];
	struct sym_sheet_options so;
	char date[32];
	uint8_t *pdf = NULL;
	size_t len = 0;
	int rc;

	if (o->out == NULL)
		return cli_usage_error(synopsis, "--format pdf needs --out FILE");
	for (size_t i = 0; i < o->file_count; i++) {
		items[i].bytes = b[i].bytes;
		items[i].len = b[i].len;
	}
	today(date);
	memset(&so, 0, sizeof so);
	so.paper = o->paper;
	so.level = o->level;
	so.max_version = o->max_version;
	so.date = o->date != NULL ? o->date : date;
	so.contact = o->contact;
	rc = sym_sheet_pdf(&pdf, &len, items, o->file_count, &so);
	if (rc != SYM_OK)
		return cli_fail(rc, NULL);
	rc = outputs_add(outs, o->out, pdf, len);
	return rc == SYM_OK ? 0 : cli_fail(rc, NULL);
}

static int
render(uint8_t **data, size_t *len, const char *text, size_t text_len,
    const struct options *o)
{
	struct sym_qr qr;
	int rc;

	rc = sym_qr_encode(&qr, text, text_len, o->level, o->max_version);
	if (rc != SYM_OK)
		return rc;
	switch (o->format) {
	case FORMAT_PNG:
		rc = sym_qr_png(data, len, &qr, o->module, SYM_QR_QUIET_MODULES);
		break;
	case FORMAT_SVG:
		rc = sym_qr_svg((char **)data, len, &qr, o->module,
		    SYM_QR_QUIET_MODULES);
		break;
	default:
		rc = sym_qr_term((char **)data, len, &qr, SYM_QR_QUIET_MODULES,
		    !o->plain);
		break;
	}
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

static int
encode_images(struct outputs *outs, const struct loaded *b,
    const struct options *o)
{
	struct sym_qr_texts *texts;
	const char *ext = o->format == FORMAT_PNG ? "png" : "svg";
	uint8_t *stream = NULL;
	size_t total = 0, used = 0, cap = 0;
	int status = 0, rc = SYM_OK;

	texts = calloc(o->file_count, sizeof *texts);
	if (texts == NULL)
		return cli_fail(SYM_ENOMEM, NULL);
	for (size_t i = 0; i < o->file_count && status == 0; i++) {
		rc = sym_qr_plan(&texts[i], b[i].bytes, b[i].len, o->level,
		    o->max_version);
		if (rc != SYM_OK)
			status = cli_fail(rc, o->files[i]);
		total += texts[i].count;
	}
	if (status == 0 && o->format == FORMAT_TERM && o->out_dir != NULL)
		status = cli_usage_error(synopsis, "--format term writes one "
		    "stream: --out FILE or standard output");
	else if (status == 0 && o->format != FORMAT_TERM && o->out_dir == NULL &&
	    o->out == NULL)
		status = cli_usage_error(synopsis, "--format %s needs --out FILE "
		    "or --out-dir DIR", ext);
	else if (status == 0 && o->format != FORMAT_TERM && o->out_dir == NULL &&
	    total > 1)
		status = cli_usage_error(synopsis, "%zu QR codes, one per file: "
		    "give --out-dir DIR", total);
	for (size_t i = 0; status == 0 && i < o->file_count; i++) {
		char base[1024];

		stem(base, sizeof base, o->files[i]);
		for (size_t k = 0; status == 0 && k < texts[i].count; k++) {
			char path[4096], label[1200];
			uint8_t *data = NULL;
			size_t len = 0;
			int n;

			rc = render(&data, &len, texts[i].text[k],
			    texts[i].len[k], o);
			if (rc != SYM_OK) {
				status = cli_fail(rc, o->files[i]);
				break;
			}
			if (o->format == FORMAT_TERM) {
				/* One stream; a caption over each code when
				 * there are several. */
				rc = SYM_OK;
				if (total > 1) {
					n = texts[i].count > 1 ?
					    snprintf(label, sizeof label, "%s%s: "
					    "part %zu of %zu\n", used ? "\n" : "",
					    base, k + 1, texts[i].count) :
					    snprintf(label, sizeof label, "%s%s\n",
					    used ? "\n" : "", base);
					rc = append(&stream, &used, &cap, label,
					    (size_t)n);
				}
				if (rc == SYM_OK)
					rc = append(&stream, &used, &cap, data, len);
				sym_secmem_free(data);
				if (rc != SYM_OK)
					status = cli_fail(rc, NULL);
				continue;
			}
			if (o->out_dir != NULL && texts[i].count > 1)
				snprintf(path, sizeof path, "%s/%s-part-%zu-of-%zu.%s",
				    o->out_dir, base, k + 1, texts[i].count, ext);
			else if (o->out_dir != NULL)
				snprintf(path, sizeof path, "%s/%s.%s", o->out_dir,
				    base, ext);
			else
				snprintf(path, sizeof path, "%s", o->out);
			rc = outputs_add(outs, path, data, len);
			if (rc != SYM_OK)
				status = cli_fail(rc, NULL);
		}
	}
	if (status == 0 && o->format == FORMAT_TERM) {
		rc = outputs_add(outs, o->out, stream, used);
		stream = NULL;
		if (rc != SYM_OK)
			status = cli_fail(rc, NULL);
	}
	sym_secmem_free(stream);
	for (size_t i = 0; i < o->file_count; i++)
		sym_qr_texts_free(&texts[i]);
	free(texts);
	return status;
}

static int
do_encode(const struct options *o)
{
	struct loaded b[MAX_FILES];
	struct outputs *outs;
	int status;

	if (o->file_count == 0)
		return cli_usage_error(synopsis, "no BUNDLE to encode");
	if (o->armor || o->camera)
		return cli_usage_error(synopsis, "--armor and --camera go with "
		    "decode");
	if (o->out != NULL && o->out_dir != NULL)
		return cli_usage_error(synopsis, "give --out or --out-dir, not "
		    "both");
	if (o->format == FORMAT_PDF && o->out_dir != NULL)
		return cli_usage_error(synopsis, "--format pdf writes one file: "
		    "--out FILE");
	outs = calloc(1, sizeof *outs);
	if (outs == NULL)
		return cli_fail(SYM_ENOMEM, NULL);
	memset(b, 0, sizeof b);
	status = load_bundles(b, o);
	if (status == 0)
		status = o->format == FORMAT_PDF ? encode_pdf(outs, b, o) :
		    encode_images(outs, b, o);
	if (status == 0)
		status = outputs_write(outs, o);
	for (size_t i = 0; i < o->file_count; i++)
		sym_secmem_free(b[i].bytes);
	outputs_free(outs);
	free(outs);
	return status;
}

/* ---- decode ---- */

struct decoding {
	struct sym_qrcollect *collect;
	const struct options *o;
	unsigned src;
	int ours, foreign;
	int rc;			/* first error from the collector */
	struct sym_qrcollect_problem problem;
};

static int
found_code(void *ctx, const uint8_t *data, size_t len)
{
	struct decoding *d = ctx;
	int rc = sym_qrcollect_add(d->collect, data, len, d->src, &d->problem);

	if (rc == SYM_ENOTBUNDLE) {
		d->foreign++;
		return SYM_OK;
	}
	if (rc != SYM_OK) {
		d->rc = rc;
		return rc;
	}
	d->ours++;
	return SYM_OK;
}

static const char *
file_name(const struct options *o, unsigned src)
{
	if (o->camera)
		return o->device ? o->device : "camera";
	return src < o->file_count ? o->files[src] : "?";
}

/* Explains a collector problem in one line; returns the exit status. */
static int
explain(const struct decoding *d, int rc, const char *name)
{
	const struct sym_qrcollect_problem *p = &d->problem;
	char hash[SYM_QRFRAME_HASH_TEXT_MAX];

	sym_qrframe_hash_text(hash, p->hash);
	if (rc == SYM_EQRPART) {
		cli_error("%s: part %u of %u of bundle %s is missing", name,
		    p->part, p->parts, hash);
		return CLI_EXIT_INVALID;
	}
	if (rc == SYM_EQRMIX && p->parts != 0) {
		if (p->part != 0)
			cli_error("%s: part %u of bundle %s differs from the copy "
			    "in %s", name, p->part, hash,
			    file_name(d->o, p->other_src));
		else if (p->other_src != p->src)
			cli_error("%s: parts of different bundles (%s, and "
			    "another in %s), none complete", name, hash,
			    file_name(d->o, p->other_src));
		else
			cli_error("%s: the parts of bundle %s do not reassemble "
			    "into it", name, hash);
		return CLI_EXIT_INVALID;
	}
	return cli_fail(rc, name);
}

static int
decode_file(struct decoding *d, unsigned src)
{
	const char *path = d->o->files[src];
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	struct sym_raster r;
	int rc;

	d->src = src;
	d->ours = d->foreign = 0;
	d->rc = SYM_OK;
	rc = sym_raster_read_file(&r, path);
	if (rc != SYM_OK)
		return cli_fail(rc, name);
	rc = sym_qr_scan(&r, found_code, d);
	sym_raster_free(&r);
	if (rc == SYM_OK && d->ours == 0)
		rc = SYM_ENOTBUNDLE;
	if (rc == SYM_ENOTBUNDLE && d->foreign > 0) {
		cli_error("%s: QR code is not a symbolon bundle (no SYM1: or "
		    "SYMP1: text)", name);
		return CLI_EXIT_INVALID;
	}
	if (rc != SYM_OK)
		return explain(d, rc, name);
	return 0;
}

static int
camera_code(void *ctx, const uint8_t *data, size_t len)
{
	struct decoding *d = ctx;
	int rc = found_code(ctx, data, len);

	if (rc != SYM_OK)
		return rc;
	return d->ours > 0 && sym_qrcollect_complete(d->collect) ? 1 : 0;
}

static void
out_name(char *path, size_t cap, const struct options *o,
    const uint8_t *bytes, size_t len, unsigned type, size_t index)
{
	const char *ext = o->armor ? "txt" : "cbor";
	struct sym_share *share = NULL;
	char name[64];

	if (type == SYM_BUNDLE_SHARE && sym_share_parse(&share, bytes, len) ==
	    SYM_OK)
		snprintf(name, sizeof name, "share-%u-of-%u", share->index,
		    share->count);
	else
		snprintf(name, sizeof name, "%s", sym_bundle_type_name(type));
	sym_share_free(share);
	for (char *c = name; *c; c++)
		if (*c == ' ')
			*c = '-';
	if (index > 0)
		snprintf(path, cap, "%s/%s-%zu.%s", o->out_dir, name, index + 1,
		    ext);
	else
		snprintf(path, cap, "%s/%s.%s", o->out_dir, name, ext);
}

static int
do_decode(const struct options *o)
{
	struct decoding d;
	struct outputs *outs = NULL;
	size_t count;
	int status = 0, rc;

	if (o->file_count == 0 && !o->camera)
		return cli_usage_error(synopsis, "no IMAGE to decode");
	if (o->file_count > 0 && o->camera)
		return cli_usage_error(synopsis, "give IMAGE files or --camera, "
		    "not both");
	if (o->out != NULL && o->out_dir != NULL)
		return cli_usage_error(synopsis, "give --out or --out-dir, not "
		    "both");
	if (o->date || o->contact || o->plain || o->paper != SYM_SHEET_A4)
		return cli_usage_error(synopsis, "--date, --contact, --paper and "
		    "--plain go with encode");
	if (o->out == NULL && o->out_dir == NULL && !o->armor &&
	    sym_io_isatty(STDOUT_FILENO))
		return cli_usage_error(synopsis, "not writing binary bundles to "
		    "a terminal: give --armor, --out or --out-dir");
	memset(&d, 0, sizeof d);
	d.o = o;
	rc = sym_qrcollect_new(&d.collect);
	if (rc != SYM_OK)
		return cli_fail(rc, NULL);
	if (o->camera) {
		rc = sym_qr_camera(o->device, camera_code, &d,
		    o->timeout * 1000u);
		if (rc != SYM_OK) {
			status = d.rc != SYM_OK ? explain(&d, d.rc,
			    file_name(o, 0)) : cli_fail(rc, file_name(o, 0));
			goto out;
		}
	}
	for (unsigned i = 0; i < o->file_count && status == 0; i++)
		status = decode_file(&d, i);
	if (status != 0)
		goto out;
	rc = sym_qrcollect_finish(d.collect, &d.problem);
	if (rc != SYM_OK) {
		status = explain(&d, rc, file_name(o, d.problem.src));
		goto out;
	}
	count = sym_qrcollect_count(d.collect);
	if (o->out != NULL && count > 1) {
		status = cli_usage_error(synopsis, "%zu bundles decoded: give "
		    "--out-dir DIR", count);
		goto out;
	}
	if (o->out == NULL && o->out_dir == NULL && !o->armor && count > 1) {
		status = cli_usage_error(synopsis, "%zu bundles decoded: give "
		    "--out-dir DIR or --armor", count);
		goto out;
	}
	outs = calloc(1, sizeof *outs);
	if (outs == NULL) {
		status = cli_fail(SYM_ENOMEM, NULL);
		goto out;
	}
	for (size_t i = 0; i < count && status == 0; i++) {
		struct sym_bundle b;
		const uint8_t *bytes;
		char path[4096];
		const char *target = o->out;
		uint8_t *data = NULL;
		size_t len, data_len = 0, same = 0;
		unsigned src;

		sym_qrcollect_get(d.collect, i, &bytes, &len, &src);
		rc = sym_bundle_open(&b, bytes, len, SYM_BUNDLE_ANY);
		if (rc != SYM_OK) {
			status = cli_fail(rc, file_name(o, src));
			break;
		}
		if (o->armor) {
			char *text = NULL;

			rc = sym_bundle_armor(&text, &data_len, bytes, len);
			if (rc == SYM_OK) {
				/* armor leaves room for the NUL: the newline. */
				text[data_len++] = '\n';
				data = (uint8_t *)text;
			}
		} else {
			data = sym_secmem_alloc(len);
			rc = data == NULL ? SYM_ENOMEM : SYM_OK;
			if (data != NULL)
				memcpy(data, bytes, len);
			data_len = len;
		}
		if (rc != SYM_OK) {
			status = cli_fail(rc, NULL);
			break;
		}
		if (o->out_dir != NULL) {
			/* Two bundles of one name: the second is NAME-2. */
			do {
				out_name(path, sizeof path, o, bytes, len, b.type,
				    same++);
				rc = 0;
				for (size_t j = 0; j < outs->count; j++)
					if (strcmp(outs->items[j].path, path) == 0)
						rc = 1;
			} while (rc);
			target = path;
		}
		rc = outputs_add(outs, target, data, data_len);
		if (rc != SYM_OK)
			status = cli_fail(rc, NULL);
	}
	if (status == 0)
		status = outputs_write(outs, o);
	/* Into a directory: say what went where. */
	if (status == 0 && o->out_dir != NULL)
		for (size_t i = 0; i < outs->count; i++)
			fprintf(stderr, "%s\n", outs->items[i].path);
out:
	if (outs != NULL) {
		outputs_free(outs);
		free(outs);
	}
	sym_qrcollect_free(d.collect);
	return status;
}

/* ---- options ---- */

static int
parse_level(const char *s, enum sym_qr_level *level)
{
	if (strlen(s) != 1)
		return -1;
	switch (s[0]) {
	case 'L': case 'l': *level = SYM_QR_LEVEL_L; return 0;
	case 'M': case 'm': *level = SYM_QR_LEVEL_M; return 0;
	case 'Q': case 'q': *level = SYM_QR_LEVEL_Q; return 0;
	case 'H': case 'h': *level = SYM_QR_LEVEL_H; return 0;
	default: return -1;
	}
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "out-dir", required_argument, NULL, 'd' },
		{ "level", required_argument, NULL, 'l' },
		{ "max-version", required_argument, NULL, 'V' },
		{ "module", required_argument, NULL, 'm' },
		{ "plain", no_argument, NULL, 'p' },
		{ "paper", required_argument, NULL, 'P' },
		{ "date", required_argument, NULL, 'D' },
		{ "contact", required_argument, NULL, 'C' },
		{ "armor", no_argument, NULL, 'a' },
		{ "camera", optional_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o;
	const char *verb;
	int opt;

	cli_init("symbolon-qr");
	memset(&o, 0, sizeof o);
	o.level = SYM_QR_LEVEL_Q;
	o.max_version = 0;	/* by format: see below */
	o.module = 8;
	o.timeout = 60;
	o.paper = SYM_SHEET_A4;
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(synopsis, stdout);
		return 0;
	}
	if (argc < 2)
		return cli_usage_error(synopsis, "missing encode or decode");
	verb = argv[1];
	if (strcmp(verb, "encode") != 0 && strcmp(verb, "decode") != 0)
		return cli_usage_error(synopsis, "unknown command '%s': encode or "
		    "decode", verb);
	argv++;
	argc--;
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (strcmp(optarg, "term") == 0)
				o.format = FORMAT_TERM;
			else if (strcmp(optarg, "png") == 0)
				o.format = FORMAT_PNG;
			else if (strcmp(optarg, "svg") == 0)
				o.format = FORMAT_SVG;
			else if (strcmp(optarg, "pdf") == 0)
				o.format = FORMAT_PDF;
			else
				return cli_usage_error(synopsis, "--format must be "
				    "term, png, svg or pdf");
			if (strcmp(verb, "decode") == 0)
				return cli_usage_error(synopsis, "--format goes "
				    "with encode");
			break;
		case 'o': o.out = optarg; break;
		case 'd': o.out_dir = optarg; break;
		case 'l':
			if (parse_level(optarg, &o.level) != 0)
				return cli_usage_error(synopsis, "--level must be "
				    "L, M, Q or H");
			break;
		case 'V':
			if (cli_parse_uint(optarg, 1, SYM_QR_MAX_VERSION,
			    &o.max_version) != 0)
				return cli_usage_error(synopsis, "--max-version "
				    "must be 1..40");
			break;
		case 'm':
			if (cli_parse_uint(optarg, 1, 100, &o.module) != 0)
				return cli_usage_error(synopsis, "--module must be "
				    "1..100");
			break;
		case 'p': o.plain = 1; break;
		case 'P':
			if (strcmp(optarg, "a4") == 0 || strcmp(optarg, "A4") == 0)
				o.paper = SYM_SHEET_A4;
			else if (strcmp(optarg, "letter") == 0)
				o.paper = SYM_SHEET_LETTER;
			else
				return cli_usage_error(synopsis, "--paper must be "
				    "a4 or letter");
			break;
		case 'D': o.date = optarg; break;
		case 'C': o.contact = optarg; break;
		case 'a': o.armor = 1; break;
		case 'c':
			o.camera = 1;
			o.device = optarg;
			break;
		case 't':
			if (cli_parse_uint(optarg, 1, 86400, &o.timeout) != 0)
				return cli_usage_error(synopsis, "--timeout must be "
				    "1..86400 seconds");
			break;
		case 'F': o.force = 1; break;
		case 'h':
			fputs(synopsis, stdout);
			return 0;
		default:
			return cli_usage_error(synopsis, "unknown option or "
			    "missing value: %s", argv[optind - 1]);
		}
	}
	for (int i = optind; i < argc; i++) {
		if (o.file_count == MAX_FILES)
			return cli_usage_error(synopsis, "more than %d files",
			    MAX_FILES);
		o.files[o.file_count++] = argv[i];
	}
	/* A terminal is about 100 columns: version 20 is 105 with its quiet
	 * zone, and holds any share; paper and files take up to 40. */
	if (o.max_version == 0)
		o.max_version = o.format == FORMAT_TERM ? TERM_MAX_VERSION :
		    SYM_QR_MAX_VERSION;
	return strcmp(verb, "encode") == 0 ? do_encode(&o) : do_decode(&o);
}
