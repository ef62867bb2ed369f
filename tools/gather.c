#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "symbolon/bundle.h"
#include "symbolon/io.h"
#include "symbolon/source.h"
#include "symbolon/secmem.h"

#include "cli.h"
#include "gather.h"

#define SHARE_FILE_MAX_BYTES (SYM_BUNDLE_MAX_BYTES * 2u)
#define PROMPT_MAX_BYTES 8192u

static void
text_taken(void *ctx)
{
	gather_print_progress(ctx);
}

/* The engine sees g's fields as callers set them (rekey: after init). */
struct sym_gather *
gather_view(struct sym_gather *e, const struct gather *g)
{
	e->quorum = g->quorum;
	e->image = g->image;
	e->pending_generation = g->pending_generation;
	e->recovery = g->recovery;
	e->required = g->required;
	e->signer = g->pin_signer ? g->signer : NULL;
	e->keys = (struct sym_gather_keys){ g->opts.identity_paths,
	    g->opts.identity_count, g->opts.identity_passphrase_file,
	    g->opts.passphrase_file, (struct sym_identity_secret **)
	    g->identities };
	e->on_accept = g->on_accept;
	e->on_accept_ctx = g->on_accept_ctx;
	e->on_text = text_taken;
	e->on_text_ctx = (void *)g;
	return e;
}

int
gather_init(struct gather *g, struct sym_image *image,
    const struct gather_options *opts)
{
	int rc;

	memset(g, 0, sizeof *g);
	if (opts != NULL)
		g->opts = *opts;
	g->image = image;
	g->progress_label = image ? "Unseal Progress" : "Progress";
	rc = sym_quorum_new(&g->quorum);
	return rc == SYM_OK ? 0 : cli_fail(rc, NULL);
}

void
gather_free(struct gather *g)
{
	for (size_t i = 0; i < GATHER_MAX_SOURCES; i++)
		sym_identity_secret_free(g->identities[i]);
	memset(g->identities, 0, sizeof g->identities);
	sym_quorum_free(g->quorum);
	g->quorum = NULL;
}

int
gather_option(void *options, int opt, char *arg)
{
	struct gather_options *o = options;
	int share = opt == GATHER_OPT_SHARE;
	size_t *count = share ? &o->source_count : &o->identity_count;

	if (opt == GATHER_OPT_IDENTITY_PASSPHRASE)
		o->identity_passphrase_file = arg;
	else if (opt == GATHER_OPT_PASSPHRASE_FILE)
		o->passphrase_file = arg;
	else if (opt == GATHER_OPT_PIN_FILE)
		o->pin_file = arg;
	else if (opt == GATHER_OPT_ROOT_KEY)
		o->root_key_file = arg;
	else if (!share && opt != GATHER_OPT_IDENTITY)
		return 0;
	else if (*count < GATHER_MAX_SOURCES)
		(share ? o->sources : o->identity_paths)[(*count)++] = arg;
	else {
		cli_error("more than %d %s options", GATHER_MAX_SOURCES,
		    share ? "--share" : "--identity");
		return CLI_EXIT_USAGE;
	}
	return 1;
}

unsigned
gather_needed(const struct gather *g)
{
	struct sym_gather e = g->engine;

	return sym_gather_needed(gather_view(&e, g));
}

size_t
gather_count(const struct gather *g)
{
	struct sym_gather e = g->engine;

	return sym_gather_count(gather_view(&e, g));
}

static int
below(const struct gather *g)
{
	return gather_needed(g) == 0 || gather_count(g) < gather_needed(g);
}

void
gather_print_progress(const struct gather *g)
{
	char of[16] = "?";

	if (gather_needed(g))
		snprintf(of, sizeof of, "%u", gather_needed(g));
	fprintf(stderr, "%s %zu/%s\n", g->progress_label, gather_count(g), of);
}

static int
take(struct gather *g, const uint8_t *input, size_t len, const char *name,
    enum sym_gather_input how)
{
	struct sym_gather_report r;
	char why[600];

	if (sym_gather_add(gather_view(&g->engine, g), input, len, how,
	    &r) != SYM_OK) {
		if (!sym_gather_explain(why, sizeof why, &r, name))
			return r.code;
		cli_error("%s", why);
		return sym_exit_status(r.code);
	}
	if (r.have_share) {
		fprintf(stderr, "%s: %sshare %u of %u%s%s accepted\n", name,
		    r.recovery ? "recovery " : "", r.index, r.count,
		    r.holder[0] ? ", " : "", r.holder);
		gather_print_progress(g);
	}
	return 0;
}

int
gather_add_bundle(struct gather *g, const uint8_t *input, size_t input_len,
    const char *name)
{
	return take(g, input, input_len, name, SYM_GATHER_LINE);
}

int
gather_read_input(uint8_t **input, size_t *len, const char *path, size_t max)
{
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	struct sym_source s;
	char whom[600];
	int rc = sym_source_read(&s, path, max, SYM_SOURCE_DECRYPT);

	*input = s.bytes;
	*len = s.len;
	if (rc == SYM_OK)
		return 0;
	if (s.kind != SYM_SOURCE_PGP)
		return cli_fail(rc, name);
	sym_source_recipients(whom, sizeof whom, &s);
	if (rc == SYM_ENOSECKEY && whom[0])
		cli_error("%s: encrypted to %s, whose secret key is not here",
		    name, whom);
	else if (whom[0])
		cli_error("%s: %s (encrypted to %s)", name, sym_strerror(rc), whom);
	else
		cli_error("%s: %s", name, sym_strerror(rc));
	return sym_exit_status(rc);
}

int
gather_file(struct gather *g, const char *path)
{
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	uint8_t *input = NULL;
	size_t len = 0;
	int rc;

	if ((rc = gather_read_input(&input, &len, path, g->input_max ?
	    g->input_max : SHARE_FILE_MAX_BYTES)) != 0)
		return rc;
	rc = take(g, input, len, name, SYM_GATHER_FILE);
	sym_secmem_free(input);
	return rc < 0 ? cli_fail(rc, name) : rc;
}

int
gather_prompt(struct gather *g)
{
	char *line = sym_secmem_alloc(PROMPT_MAX_BYTES);
	size_t len;
	int rc, status = 0;

	if (line == NULL)
		return cli_fail(SYM_ENOMEM, NULL);
	while (below(g)) {
		rc = sym_io_prompt_hidden(line, PROMPT_MAX_BYTES, &len,
		    "Share (will be hidden): ");
		if (rc == SYM_ETRUNCATED || (rc == SYM_OK && len == 0))
			break;
		if (rc != SYM_OK && rc != SYM_ETOOBIG) {
			status = cli_fail(rc, "terminal");
			break;
		}
		if (rc == SYM_OK)
			rc = take(g, (const uint8_t *)line, len, "share",
			    SYM_GATHER_LINE);
		if (rc == SYM_ENOMEM) {
			status = cli_fail(rc, NULL);
			break;
		}
		if (rc < 0)
			cli_error("share refused: %s", sym_strerror(rc));
	}
	sym_secmem_free(line);
	return status;
}

int
gather_all(struct gather *g)
{
	int status = 0;

	for (size_t i = 0; i < g->opts.source_count && status == 0; i++)
		status = gather_file(g, g->opts.sources[i]);
	if (status == 0 && below(g) && sym_io_isatty(STDIN_FILENO))
		status = gather_prompt(g);
	if (status == 0 && below(g)) {
		cli_error("only %zu of %u shares given", gather_count(g),
		    gather_needed(g));
		status = CLI_EXIT_INVALID;
	}
	return status;
}
