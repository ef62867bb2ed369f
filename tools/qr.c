/*
 * symbolon qr: bundles to QR codes (terminal, PNG, SVG, share-sheet PDF)
 * and back from PNG and JPEG images or a camera (qrwrite.h, qrread.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "symbolon/io.h"
#include "symbolon/qrread.h"
#include "symbolon/qrwrite.h"

#include "cli.h"

#define MAX_FILES 1024
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

struct options {
	struct sym_qrwrite_options w;
	unsigned timeout;
	int armor, force, camera;
	const char *device, *files[MAX_FILES];
	size_t file_count;
};

/* What is wrong with the options of encode (or decode), or NULL. */
static const char *
misuse(const struct options *o, int encode)
{
	const struct sym_qrwrite_options *w = &o->w;

	if (encode && o->file_count == 0)
		return "no BUNDLE to encode";
	if (!encode && o->file_count == 0 && !o->camera)
		return "no IMAGE to decode";
	if (encode && (o->armor || o->camera))
		return "--armor and --camera go with decode";
	if (!encode && o->file_count > 0 && o->camera)
		return "give IMAGE files or --camera, not both";
	if (w->out != NULL && w->out_dir != NULL)
		return "give --out or --out-dir, not both";
	if (encode && w->format == SYM_QRWRITE_PDF && w->out_dir != NULL)
		return "--format pdf writes one file: --out FILE";
	if (encode)
		return NULL;
	if (w->date || w->contact || w->plain || w->paper != SYM_SHEET_A4)
		return "--date, --contact, --paper and --plain go with encode";
	if (!w->out && !w->out_dir && !o->armor && sym_io_isatty(STDOUT_FILENO))
		return "not writing binary bundles to a terminal: give --armor, "
		    "--out or --out-dir";
	return NULL;
}

/* Prints what went wrong (or, into a directory, what went where). */
static int
report(int rc, const char *subject, const char *why,
    const struct sym_fileset *fs, int list)
{
	if (rc == SYM_EUSAGE && why[0])
		return cli_usage_error(synopsis, "%s", why);
	if (rc != SYM_OK && why[0]) {
		cli_error("%s: %s", subject, why);
		return CLI_EXIT_INVALID;
	}
	if (rc != SYM_OK)
		return cli_fail(rc, subject);
	for (size_t i = 0; list && i < fs->count; i++)
		fprintf(stderr, "%s\n", fs->files[i].path);
	return 0;
}

static int
do_encode(struct options *o)
{
	struct sym_qrwrite w;
	const char *why = misuse(o, 1);
	int rc, status;

	if (why != NULL)
		return cli_usage_error(synopsis, "%s", why);
	o->w.force = o->force;
	rc = sym_qrwrite_run(&w, o->files, o->file_count, &o->w);
	status = report(rc, w.subject, w.why, &w.fs, 0);
	sym_qrwrite_free(&w);
	return status;
}

static int
do_decode(const struct options *o)
{
	struct sym_qrread_request q = {
		.paths = o->files, .count = o->file_count, .camera = o->camera,
		.device = o->device, .timeout_ms = o->timeout * 1000u,
		.out = o->w.out, .out_dir = o->w.out_dir, .armor = o->armor,
		.force = o->force,
	};
	struct sym_qrread r;
	const char *why = misuse(o, 0);
	int rc, status;

	if (why != NULL)
		return cli_usage_error(synopsis, "%s", why);
	rc = sym_qrread_run(&r, &q);
	status = report(rc, r.subject, r.why, &r.fs, o->w.out_dir != NULL);
	sym_qrread_free(&r);
	return status;
}

static int
parse(struct options *o, int opt, const char *verb)
{
	int v;

	switch (opt) {
	case 'f':
		if ((v = sym_qrwrite_parse_format(optarg)) < 0)
			return cli_usage_error(synopsis, "--format must be term, "
			    "png, svg or pdf");
		o->w.format = (enum sym_qrwrite_format)v;
		return strcmp(verb, "decode") == 0 ? cli_usage_error(synopsis,
		    "--format goes with encode") : 0;
	case 'l':
		if ((v = sym_qrwrite_parse_level(optarg)) < 0)
			return cli_usage_error(synopsis, "--level must be L, M, "
			    "Q or H");
		o->w.level = (enum sym_qr_level)v;
		return 0;
	case 'P':
		if ((v = sym_qrwrite_parse_paper(optarg)) < 0)
			return cli_usage_error(synopsis, "--paper must be a4 or "
			    "letter");
		o->w.paper = (enum sym_sheet_paper)v;
		return 0;
	case 'V':
		return cli_parse_uint(optarg, 1, SYM_QR_MAX_VERSION,
		    &o->w.max_version) ? cli_usage_error(synopsis,
		    "--max-version must be 1..40") : 0;
	case 'm':
		return cli_parse_uint(optarg, 1, 100, &o->w.module) ?
		    cli_usage_error(synopsis, "--module must be 1..100") : 0;
	case 't':
		return cli_parse_uint(optarg, 1, 86400, &o->timeout) ?
		    cli_usage_error(synopsis, "--timeout must be 1..86400 "
		    "seconds") : 0;
	case 'o': o->w.out = optarg; return 0;
	case 'd': o->w.out_dir = optarg; return 0;
	case 'p': o->w.plain = 1; return 0;
	case 'D': o->w.date = optarg; return 0;
	case 'C': o->w.contact = optarg; return 0;
	case 'a': o->armor = 1; return 0;
	case 'c': o->camera = 1; o->device = optarg; return 0;
	default: o->force = 1; return 0;
	}
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		CLI_ARG("format", 'f'), CLI_ARG("out", 'o'),
		CLI_ARG("out-dir", 'd'), CLI_ARG("level", 'l'),
		CLI_ARG("max-version", 'V'), CLI_ARG("module", 'm'),
		CLI_NOARG("plain", 'p'), CLI_ARG("paper", 'P'),
		CLI_ARG("date", 'D'), CLI_ARG("contact", 'C'),
		CLI_NOARG("armor", 'a'),
		{ "camera", optional_argument, NULL, 'c' },
		CLI_ARG("timeout", 't'), CLI_NOARG("force", 'F'),
		CLI_NOARG("help", 'h'), CLI_OPT_END,
	};
	struct options o = { .w = { .level = SYM_QR_LEVEL_Q, .module = 8 },
	    .timeout = 60 };
	const char *verb = argc >= 2 ? argv[1] : "";
	int opt, status;

	cli_init("symbolon-qr");
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-help") == 0 ||
	    strcmp(verb, "-h") == 0)
		return fputs(synopsis, stdout) < 0;
	if (argc < 2)
		return cli_usage_error(synopsis, "missing encode or decode");
	if (strcmp(verb, "encode") != 0 && strcmp(verb, "decode") != 0)
		return cli_usage_error(synopsis, "unknown command '%s': encode or "
		    "decode", verb);
	argv++;
	argc--;
	opterr = 0;
	while ((opt = getopt_long_only(argc, argv, "h", options, NULL)) != -1) {
		if (opt == 'h')
			return fputs(synopsis, stdout) < 0;
		if (opt == '?' || opt == ':')
			return cli_usage_error(synopsis, "unknown option or "
			    "missing value: %s", argv[optind - 1]);
		if ((status = parse(&o, opt, verb)) != 0)
			return status;
	}
	for (int i = optind; i < argc; i++) {
		if (o.file_count == MAX_FILES)
			return cli_usage_error(synopsis, "more than %d files",
			    MAX_FILES);
		o.files[o.file_count++] = argv[i];
	}
	/* A terminal is about 100 columns: version 20 is 105 with its quiet
	 * zone, and holds any share; paper and files take up to 40. */
	if (o.w.max_version == 0)
		o.w.max_version = o.w.format == SYM_QRWRITE_TERM ?
		    TERM_MAX_VERSION : SYM_QR_MAX_VERSION;
	return strcmp(verb, "encode") == 0 ? do_encode(&o) : do_decode(&o);
}
