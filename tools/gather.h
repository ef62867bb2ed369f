/*
 * Gathering share bundles from the people at the keyboard: files named
 * with --share, then, on a terminal, hidden prompts until the threshold
 * is met, with "Progress k/t" (or "Unseal Progress k/t") after each.  A
 * refused share is named and the shares already in are kept.  The engine
 * (verification, checks, refusals, recovery) is lib/gather.c; this is the
 * interaction shared by combine and every program that unseals an image.
 */
#ifndef SYMBOLON_TOOLS_GATHER_H
#define SYMBOLON_TOOLS_GATHER_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/gather.h"
#include "symbolon/identity.h"
#include "symbolon/image.h"
#include "symbolon/quorum.h"

#define GATHER_MAX_SOURCES 255

/* What the command line says about shares (see GATHER_OPTIONS). */
struct gather_options {
	const char *sources[GATHER_MAX_SOURCES];
	size_t source_count;
	/* --identity is repeatable: each holder's key at the ceremony. */
	const char *identity_paths[GATHER_MAX_SOURCES];
	size_t identity_count;
	const char *identity_passphrase_file;
	const char *passphrase_file;
	const char *pin_file;		/* --pin-file: a seal device's PIN */
	const char *root_key_file;	/* --root-key: an exported root key */
};

struct gather {
	struct gather_options opts;
	struct sym_quorum *quorum;
	struct sym_image *image;	/* shares must belong to it, if set */
	const char *progress_label;
	struct sym_identity_secret *identities[GATHER_MAX_SOURCES];
	/* rekey: shares of the pending generation; a required count other
	 * than the threshold (--all); a hook that sees each accepted share
	 * (its bundle bytes and, decrypted, its raw share). */
	int pending_generation;
	int recovery;			/* recovery shares (auto seals) */
	unsigned required;
	/* --signer: every share must be signed by this key */
	int pin_signer;
	uint8_t signer[32];
	int (*on_accept)(void *ctx, const uint8_t *bundle, size_t len,
	    const struct sym_share *share);
	void *on_accept_ctx;
	/* The lib engine, refreshed from the fields above at each call;
	 * combine sets engine.text (and its format and threshold) to take
	 * Vault text shares, and input_max for their larger files. */
	struct sym_gather engine;
	size_t input_max;
};

/* Returns 0 or an exit status (error printed).  opts may be NULL. */
int gather_init(struct gather *g, struct sym_image *image,
    const struct gather_options *opts);
void gather_free(struct gather *g);

/* Options shared by every program that takes shares: returns 1 if opt
 * (a getopt_long value from GATHER_OPTIONS) was one of them, 0 if not,
 * or an exit status > 1 on a usage error. */
#define GATHER_OPT_SHARE 0x1001
#define GATHER_OPT_IDENTITY 0x1002
#define GATHER_OPT_IDENTITY_PASSPHRASE 0x1003
#define GATHER_OPT_PASSPHRASE_FILE 0x1004
#define GATHER_OPT_PIN_FILE 0x1005
#define GATHER_OPT_ROOT_KEY 0x1006
#define GATHER_OPTIONS \
	{ "share", required_argument, NULL, GATHER_OPT_SHARE }, \
	{ "identity", required_argument, NULL, GATHER_OPT_IDENTITY }, \
	{ "identity-passphrase-file", required_argument, NULL, \
	    GATHER_OPT_IDENTITY_PASSPHRASE }, \
	{ "passphrase-file", required_argument, NULL, GATHER_OPT_PASSPHRASE_FILE }, \
	{ "pin-file", required_argument, NULL, GATHER_OPT_PIN_FILE }, \
	{ "root-key", required_argument, NULL, GATHER_OPT_ROOT_KEY }
#define GATHER_USAGE \
    "  --share FILE         a share bundle (binary, SYM1: text, or a PNG or\n" \
    "                       JPEG of its QR code: a share sheet); repeatable\n" \
    "  --identity PATH.key  decrypt shares encrypted to this identity;\n" \
    "                       repeatable, one per holder present\n" \
    "  --identity-passphrase-file FILE  that key's passphrase\n" \
    "  --passphrase-file FILE  line I: passphrase of share I\n" \
    "  --pin-file FILE      an auto-sealed image: its device's PIN (first\n" \
    "                       line; default: asked, hidden)\n" \
    "  --root-key FILE      unseal with a root key keygen export-root wrote\n"
/* options: a struct gather_options (void, so that cli_getopt takes it). */
int gather_option(void *options, int opt, char *arg);

/*
 * Verifies, decrypts and checks one share bundle (text or binary) and adds
 * it.  Returns 0, a library error (< 0, not printed) or an exit status
 * (> 0, printed).  name labels messages.
 */
int gather_add_bundle(struct gather *g, const uint8_t *input, size_t len,
    const char *name);

/* Reads a share file into a new secure buffer, as sym_io_read_all does
 * (at most max bytes); a PNG or JPEG file is scanned for its QR code(s)
 * instead and gives the binary bundle they hold (qr.h); an OpenPGP
 * message is decrypted through GPGME (gpg-agent, pinentry, smartcards)
 * and gives what it holds.  Returns 0, or an exit status (> 0) with the
 * error printed, naming path and, for OpenPGP, the recipient keys. */
int gather_read_input(uint8_t **input, size_t *len, const char *path,
    size_t max);

/* Adds the share in a file.  Returns 0 or an exit status (printed). */
int gather_file(struct gather *g, const char *path);

/* Prompts for shares until the threshold is met (or an empty line when it
 * is unknown).  Returns 0 or an exit status (printed). */
int gather_prompt(struct gather *g);

/* The --share files, then prompts on a terminal while below threshold.
 * Returns 0 once the threshold is met, else an exit status (printed). */
int gather_all(struct gather *g);

/* Gathers shares for g->image and unseals it (an auto-sealed image:
 * through its device, gather_unseal_device).  Returns 0 or an exit
 * status (printed). */
int gather_unseal(struct gather *g);
/* Unseals an auto-sealed g->image through its devices (the PIN from
 * --pin-file or asked); shares given are refused: they do not open an
 * auto-sealed image.  tools/gather_unseal.c. */
int gather_unseal_device(struct gather *g);

void gather_print_progress(const struct gather *g);

/* Shares needed: the required count, or the threshold once known; and
 * shares gathered. */
unsigned gather_needed(const struct gather *g);
size_t gather_count(const struct gather *g);

/* The lib engine (include/symbolon/gather.h) e, refreshed from g's
 * fields: &g->engine, or a copy of it.  Returns e. */
struct sym_gather *gather_view(struct sym_gather *e, const struct gather *g);

#endif
