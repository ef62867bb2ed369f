#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbolon/bundle.h"
#include "symbolon/fingerprint.h"
#include "symbolon/io.h"
#include "symbolon/passphrase.h"
#include "symbolon/pgp.h"
#include "symbolon/source.h"
#include "symbolon/secmem.h"
#include "symbolon/share.h"

#include "cli.h"
#include "gather.h"

#define SHARE_FILE_MAX_BYTES (SYM_BUNDLE_MAX_BYTES * 2u)
#define PROMPT_MAX_BYTES 8192u

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
	for (size_t i = 0; i < GATHER_MAX_SOURCES; i++) {
		sym_identity_secret_free(g->identities[i]);
		g->identities[i] = NULL;
	}
	sym_quorum_free(g->quorum);
	g->quorum = NULL;
}

int
gather_option(struct gather_options *o, int opt, char *arg)
{
	switch (opt) {
	case GATHER_OPT_SHARE:
		if (o->source_count == GATHER_MAX_SOURCES) {
			cli_error("more than %d --share options",
			    GATHER_MAX_SOURCES);
			return CLI_EXIT_USAGE;
		}
		o->sources[o->source_count++] = arg;
		return 1;
	case GATHER_OPT_IDENTITY:
		if (o->identity_count == GATHER_MAX_SOURCES) {
			cli_error("more than %d --identity options",
			    GATHER_MAX_SOURCES);
			return CLI_EXIT_USAGE;
		}
		o->identity_paths[o->identity_count++] = arg;
		return 1;
	case GATHER_OPT_IDENTITY_PASSPHRASE:
		o->identity_passphrase_file = arg;
		return 1;
	case GATHER_OPT_PASSPHRASE_FILE:
		o->passphrase_file = arg;
		return 1;
	default:
		return 0;
	}
}

unsigned
gather_needed(const struct gather *g)
{
	if (g->required)
		return g->required;
	if (g->image != NULL && g->pending_generation)
		return sym_image_info(g->image)->pending_seal.threshold;
	if (g->image != NULL)
		return sym_image_info(g->image)->seal.threshold;
	return sym_quorum_threshold(g->quorum);
}

#define threshold gather_needed

void
gather_print_progress(const struct gather *g)
{
	if (threshold(g))
		fprintf(stderr, "%s %zu/%u\n", g->progress_label,
		    sym_quorum_count(g->quorum), threshold(g));
	else
		fprintf(stderr, "%s %zu/?\n", g->progress_label,
		    sym_quorum_count(g->quorum));
}

int
gather_find_identity(struct gather *g, const struct sym_share *share,
    struct sym_identity_secret **out)
{
	*out = NULL;
	/* Keys are loaded on first need, each asked for by name. */
	for (size_t i = 0; i < g->opts.identity_count; i++) {
		uint8_t fingerprint[SYM_FINGERPRINT_BYTES];

		if (g->identities[i] == NULL) {
			char prompt[4200];
			int rc;

			snprintf(prompt, sizeof prompt, "Passphrase for %s (will "
			    "be hidden): ", g->opts.identity_paths[i]);
			rc = sym_identity_load_secret(&g->identities[i],
			    g->opts.identity_paths[i],
			    g->opts.identity_passphrase_file, prompt);
			if (rc != SYM_OK) {
				cli_error("%s: %s", g->opts.identity_paths[i],
				    sym_strerror(rc));
				return sym_exit_status(rc);
			}
		}
		sym_fingerprint(fingerprint, g->identities[i]->pub.sign_public);
		if (memcmp(fingerprint, share->recipient, sizeof fingerprint) == 0) {
			*out = g->identities[i];
			return 0;
		}
	}
	return 0;
}

/* Decrypts a sealed share: SYM_OK, a library error (< 0), or an exit
 * status (> 0) for an error already printed. */
static int
unseal_share(struct gather *g, struct sym_share *share, const char *name)
{
	char *passphrase = NULL;
	size_t len = 0;
	int rc;

	if (share->protection == SYM_SHARE_TO_IDENTITY) {
		struct sym_identity_secret *id = NULL;

		rc = gather_find_identity(g, share, &id);
		if (rc > 0)
			return rc;
		if (id != NULL)
			return sym_share_unseal_identity(share, id);
		cli_error("%s: share %u of %u is encrypted to %s; give %s key "
		    "with --identity", name, share->index, share->count,
		    share->holder[0] ? share->holder : "an identity",
		    share->holder[0] ? "that holder's" : "its");
		return g->opts.identity_count ? CLI_EXIT_INVALID : CLI_EXIT_USAGE;
	}
	passphrase = sym_secmem_alloc(SYM_PASSPHRASE_MAX_BYTES + 1);
	if (passphrase == NULL)
		return SYM_ENOMEM;
	if (g->opts.passphrase_file != NULL) {
		rc = sym_passphrase_get_line(passphrase,
		    SYM_PASSPHRASE_MAX_BYTES + 1, &len, g->opts.passphrase_file,
		    share->index);
	} else {
		char prompt[160];

		snprintf(prompt, sizeof prompt, "Passphrase for share %u of %u%s%s "
		    "(will be hidden): ", share->index, share->count,
		    share->holder[0] ? ", " : "", share->holder);
		rc = sym_passphrase_get(passphrase, SYM_PASSPHRASE_MAX_BYTES + 1,
		    &len, prompt, 0, NULL);
	}
	if (rc == SYM_OK)
		rc = sym_share_unseal_passphrase(share, passphrase, len);
	sym_secmem_free(passphrase);
	return rc;
}

static int
explain_refusal(const struct gather *g, const struct sym_share *share,
    int rc, const char *name)
{
	char have[SYM_SET_ID_TEXT_MAX], want[SYM_SET_ID_TEXT_MAX];
	const uint8_t *set;
	uint64_t generation;

	if (g->image != NULL) {
		set = sym_image_info(g->image)->image_id;
		generation = sym_image_info(g->image)->seal.generation;
	} else {
		set = sym_quorum_set_id(g->quorum);
		generation = sym_quorum_generation(g->quorum);
	}
	sym_set_id_text(have, share->set_id);
	if (set != NULL)
		sym_set_id_text(want, set);
	switch (rc) {
	case SYM_EWRONGSET:
	case SYM_EWRONGIMAGE:
		if (set == NULL)
			return rc;
		cli_error("%s: share belongs to %s %s, not %s", name,
		    g->image ? "image" : "set", have, want);
		return CLI_EXIT_INVALID;
	case SYM_EGENERATION:
		if (g->image != NULL && g->pending_generation)
			generation = sym_image_info(g->image)->pending_seal.generation;
		cli_error("%s: share is of generation %llu, not %llu%s", name,
		    (unsigned long long)share->generation,
		    (unsigned long long)generation,
		    g->pending_generation ? " (a current share, not one of "
		    "the new shares being verified)" :
		    share->generation < generation ?
		    " (replaced by a rekey)" : "");
		return CLI_EXIT_INVALID;
	case SYM_EDUPSHARE:
		cli_error("%s: share %u of %u was already entered", name,
		    share->index, share->count);
		return CLI_EXIT_INVALID;
	default:
		return rc;
	}
}

int
gather_add_bundle(struct gather *g, const uint8_t *input, size_t input_len,
    const char *name)
{
	struct sym_share *share = NULL;
	uint8_t *bytes = NULL;
	size_t len = 0, offset = 0;
	int rc;

	rc = sym_bundle_decode(&bytes, &len, input, input_len, &offset);
	if (rc == SYM_OK)
		rc = sym_share_parse(&share, bytes, len);
	/* Every check that needs no secret comes before any passphrase is
	 * asked for. */
	if (rc == SYM_OK && g->pin_signer &&
	    memcmp(share->signer, g->signer, sizeof g->signer) != 0)
		rc = SYM_EKID;
	if (rc == SYM_OK && g->image != NULL)
		rc = g->pending_generation ?
		    sym_image_check_pending_share(g->image, share) :
		    sym_image_check_share(g->image, share);
	if (rc == SYM_OK)
		rc = sym_quorum_check(g->quorum, share);
	if (rc == SYM_OK && share->raw == NULL)
		rc = unseal_share(g, share, name);
	if (rc == SYM_OK)
		rc = sym_quorum_add(g->quorum, share);
	if (rc == SYM_OK && g->on_accept != NULL)
		rc = g->on_accept(g->on_accept_ctx, bytes, len, share);
	if (rc < 0 && share != NULL)
		rc = explain_refusal(g, share, rc, name);
	if (rc == SYM_OK) {
		fprintf(stderr, "%s: share %u of %u%s%s accepted\n", name,
		    share->index, share->count, share->holder[0] ? ", " : "",
		    share->holder);
		gather_print_progress(g);
	}
	sym_share_free(share);
	sym_secmem_free(bytes);
	return rc;
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

	if ((rc = gather_read_input(&input, &len, path,
	    SHARE_FILE_MAX_BYTES)) != 0)
		return rc;
	rc = gather_add_bundle(g, input, len, name);
	sym_secmem_free(input);
	if (rc < 0)
		return cli_fail(rc, name);
	return rc;
}

int
gather_prompt(struct gather *g)
{
	char *line = sym_secmem_alloc(PROMPT_MAX_BYTES);
	size_t len;
	int rc, status = 0;

	if (line == NULL)
		return cli_fail(SYM_ENOMEM, NULL);
	while (threshold(g) == 0 || sym_quorum_count(g->quorum) < threshold(g)) {
		rc = sym_io_prompt_hidden(line, PROMPT_MAX_BYTES, &len,
		    "Share (will be hidden): ");
		if (rc == SYM_ETRUNCATED || (rc == SYM_OK && len == 0))
			break;
		if (rc == SYM_ETOOBIG) {
			cli_error("share refused: %s", sym_strerror(rc));
			continue;
		}
		if (rc != SYM_OK) {
			status = cli_fail(rc, "terminal");
			break;
		}
		rc = gather_add_bundle(g, (const uint8_t *)line, len, "share");
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
	if (status != 0)
		return status;
	if ((threshold(g) == 0 || sym_quorum_count(g->quorum) < threshold(g)) &&
	    sym_io_isatty(STDIN_FILENO))
		status = gather_prompt(g);
	if (status != 0)
		return status;
	if (threshold(g) == 0 || sym_quorum_count(g->quorum) < threshold(g)) {
		cli_error("only %zu of %u shares given",
		    sym_quorum_count(g->quorum), threshold(g));
		return CLI_EXIT_INVALID;
	}
	return 0;
}

int
gather_unseal(struct gather *g)
{
	int rc, status = gather_all(g);

	if (status != 0)
		return status;
	rc = sym_image_unseal(g->image, g->quorum);
	if (rc != SYM_OK)
		return cli_fail(rc, NULL);
	return 0;
}
