#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "symbolon/io.h"
#include "symbolon/passphrase.h"
#include "symbolon/secmem.h"
#include "symbolon/share_files.h"
#include "symbolon/split.h"

/* Text is written a piece at a time: a multiple of 3 bytes, so that the
 * base64 of a share is the base64 of its pieces. */
#define TEXT_PIECE_BYTES (3u * 64u * 1024u)

int
sym_split_text(int fd, const uint8_t *secret, size_t secret_len,
    unsigned count, unsigned threshold, enum sym_text_format format)
{
	uint8_t *shares[SYM_SHAMIR_MAX_SHARES] = { 0 };
	size_t share_len = secret_len + SYM_SHAMIR_SHARE_OVERHEAD;
	size_t piece_cap = sym_codec_encoded_len(TEXT_PIECE_BYTES, format);
	char *piece = NULL;
	int rc = SYM_OK;

	if (count > SYM_SHAMIR_MAX_SHARES)
		return SYM_ESHARES;
	for (unsigned i = 0; i < count && rc == SYM_OK; i++)
		if ((shares[i] = sym_secmem_alloc(share_len)) == NULL)
			rc = SYM_ENOMEM;
	if (rc == SYM_OK)
		rc = sym_shamir_split(shares, count, threshold, secret,
		    secret_len);
	if (rc == SYM_OK && (piece = sym_secmem_alloc(piece_cap + 1)) == NULL)
		rc = SYM_ENOMEM;
	for (unsigned i = 0; i < count && rc == SYM_OK; i++) {
		for (size_t off = 0; off < share_len && rc == SYM_OK;
		    off += TEXT_PIECE_BYTES) {
			size_t n = share_len - off < TEXT_PIECE_BYTES ?
			    share_len - off : TEXT_PIECE_BYTES;

			if ((rc = sym_codec_encode(piece, piece_cap, shares[i] +
			    off, n, format)) == SYM_OK)
				rc = sym_io_write_fd(fd, (const uint8_t *)piece,
				    strlen(piece));
		}
		if (rc == SYM_OK)
			rc = sym_io_write_fd(fd, (const uint8_t *)"\n", 1);
	}
	for (unsigned i = 0; i < count; i++)
		sym_secmem_free(shares[i]);
	sym_secmem_free(piece);
	return rc;
}

static int
fail(struct sym_split_result *r, enum sym_split_step step, int code,
    const char *subject)
{
	r->step = step;
	snprintf(r->subject, sizeof r->subject, "%s", subject ? subject : "");
	return r->code = code;
}

/* Per-share passphrases: from lines of a file, or asked twice. */
static int
get_passphrases(struct sym_split_result *r, const struct sym_split_options *o,
    char *passphrases[], size_t lens[])
{
	for (unsigned i = 0; i < o->count; i++) {
		char prompt[96];
		int rc;

		passphrases[i] = sym_secmem_alloc(SYM_PASSPHRASE_MAX_BYTES + 1);
		if (passphrases[i] == NULL)
			return fail(r, SYM_SPLIT_PASSPHRASE, SYM_ENOMEM, NULL);
		snprintf(prompt, sizeof prompt, "Passphrase for share %u of %u "
		    "(will be hidden): ", i + 1, o->count);
		if (o->passphrase_file != NULL)
			rc = sym_passphrase_get_line(passphrases[i],
			    SYM_PASSPHRASE_MAX_BYTES + 1, &lens[i],
			    o->passphrase_file, i + 1);
		else
			rc = sym_passphrase_get(passphrases[i],
			    SYM_PASSPHRASE_MAX_BYTES + 1, &lens[i], prompt, 1,
			    NULL);
		if (rc != SYM_OK) {
			char where[4200];

			snprintf(where, sizeof where, "%s:%u", o->passphrase_file ?
			    o->passphrase_file : "passphrase for share", i + 1);
			return fail(r, SYM_SPLIT_PASSPHRASE, rc, where);
		}
	}
	return SYM_OK;
}

/* Who holds each share, and how it is protected. */
static int
describe_holders(struct sym_split_result *r, const struct sym_split_options *o,
    struct sym_deal_holder holders[], char *passphrases[], size_t lens[])
{
	int rc;

	for (int i = 0; i < o->to_count; i++) {
		rc = sym_identity_load_public(&r->recipients[i], o->to[i]);
		if (rc != SYM_OK)
			return fail(r, SYM_SPLIT_RECIPIENT, rc, o->to[i]);
		holders[i].name = r->recipients[i].name;
		holders[i].protection = SYM_SHARE_TO_IDENTITY;
		holders[i].recipient = &r->recipients[i];
	}
	for (int i = 0; i < o->holder_count; i++)
		holders[i].name = o->holders[i];
	for (int i = 0; i < o->pgp_count; i++) {
		holders[i].protection = SYM_SHARE_OPENPGP;
		holders[i].pgp = sym_pgp_recipient_key(o->pgp[i]);
		/* Holders not named otherwise are named by their key. */
		if (i >= o->holder_count) {
			sym_identity_name_from_pgp(r->pgp_names[i],
			    sizeof r->pgp_names[i], holders[i].pgp);
			holders[i].name = r->pgp_names[i];
		}
	}
	if (!o->passphrase && o->passphrase_file == NULL)
		return SYM_OK;
	if ((rc = get_passphrases(r, o, passphrases, lens)) != SYM_OK)
		return rc;
	for (unsigned i = 0; i < o->count; i++) {
		holders[i].protection = SYM_SHARE_PASSPHRASE;
		holders[i].passphrase = passphrases[i];
		holders[i].passphrase_len = lens[i];
	}
	return SYM_OK;
}

int
sym_split_bundles(struct sym_split_result *r, const struct sym_split_options *o)
{
	struct sym_deal_holder holders[SYM_SHAMIR_MAX_SHARES];
	char *passphrases[SYM_SHAMIR_MAX_SHARES] = { 0 };
	size_t passphrase_lens[SYM_SHAMIR_MAX_SHARES] = { 0 };
	struct sym_identity_secret *signer = NULL;
	struct sym_deal deal = {
		.secret = o->secret, .secret_len = o->secret_len,
		.threshold = o->threshold, .count = o->count, .generation = 0,
		.created = (uint64_t)time(NULL), .holders = holders,
	};
	int rc;

	memset(r, 0, sizeof *r);
	memset(holders, 0, sizeof holders);
	if (o->count > SYM_SHAMIR_MAX_SHARES)
		return fail(r, SYM_SPLIT_DEAL, SYM_ESHARES, NULL);
	if (describe_holders(r, o, holders, passphrases,
	    passphrase_lens) != SYM_OK)
		goto out;
	if (o->signer_path != NULL) {
		rc = sym_identity_load_secret(&signer, o->signer_path,
		    o->signer_passphrase_file,
		    "Passphrase for the signer key (will be hidden): ");
		if (rc != SYM_OK) {
			fail(r, SYM_SPLIT_SIGNER, rc, o->signer_path);
			goto out;
		}
		deal.signer_secret = signer->sign_secret;
	}
	rc = sym_deal_run(&r->deal, &deal);
	if (rc == SYM_OK && o->pgp_count)
		rc = sym_deal_seal_pgp(&r->deal, o->pgp);
	if (rc != SYM_OK) {
		fail(r, SYM_SPLIT_DEAL, rc, NULL);
		goto out;
	}
	if ((rc = sym_deal_write(&r->deal, o->out_dir, o->armor)) != SYM_OK)
		fail(r, SYM_SPLIT_WRITE, rc, o->out_dir);
out:
	for (unsigned i = 0; i < SYM_SHAMIR_MAX_SHARES; i++)
		sym_secmem_free(passphrases[i]);
	sym_identity_secret_free(signer);
	return r->code;
}

void
sym_split_result_free(struct sym_split_result *r)
{
	sym_deal_output_free(&r->deal);
}

/* Why the options do not go together, into why; SYM_EUSAGE. */
static int
usage(char *why, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
usage(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
	return SYM_EUSAGE;
}

int
sym_split_check(char *why, size_t cap, const struct sym_split_options *o)
{
	int n = (int)o->count;

	if (!o->have_count)
		return usage(why, cap, "missing --key-shares");
	if (!o->have_threshold)
		return usage(why, cap, "missing --key-threshold");
	if (o->count > SYM_SHAMIR_MAX_SHARES)
		return usage(why, cap, "--key-shares %u: at most %u shares",
		    o->count, SYM_SHAMIR_MAX_SHARES);
	if (o->threshold < SYM_SHAMIR_MIN_THRESHOLD)
		return usage(why, cap, "--key-threshold %u: must be at least 2",
		    o->threshold);
	if (o->threshold > o->count)
		return usage(why, cap, "--key-threshold %u: cannot exceed "
		    "--key-shares %u", o->threshold, o->count);
	for (int i = 0; i < o->holder_count; i++)
		if (sym_identity_check_name(o->holders[i]) != SYM_OK)
			return usage(why, cap, "--holders: name %d is not 1 to %u "
			    "printable bytes", i + 1, SYM_IDENTITY_NAME_MAX);
	if (o->raw && o->out_dir == NULL)
		return usage(why, cap, "--format raw writes one file per share: "
		    "give --out-dir");
	if (o->raw && (o->signer_path || o->to_count || o->holder_count ||
	    o->passphrase || o->passphrase_file || o->armor || o->pgp_count))
		return usage(why, cap, "--format raw shares are unsigned and in "
		    "clear: --signer, --to, --holders, --passphrase, --pgp-keys "
		    "and --armor make bundles");
	if (o->raw && o->in_path == NULL && sym_io_isatty(STDIN_FILENO))
		return usage(why, cap, "--format raw reads the secret from --in "
		    "FILE or standard input, not a prompt");
	if (o->out_dir == NULL && (o->signer_path || o->to_count ||
	    o->holder_count || o->passphrase || o->passphrase_file || o->armor))
		return usage(why, cap, "--signer, --to, --holders, --passphrase "
		    "and --armor need --out-dir");
	if (o->to_count && o->to_count != n)
		return usage(why, cap, "--to names %d identities for %u shares",
		    o->to_count, o->count);
	if (o->holder_count && o->holder_count != n)
		return usage(why, cap, "--holders names %d holders for %u shares",
		    o->holder_count, o->count);
	if (o->pgp_count && o->pgp_count != n)
		return usage(why, cap, "incorrect number of PGP keys: %d for %u "
		    "shares", o->pgp_count, o->count);
	if (o->pgp_count && o->out_dir == NULL)
		return usage(why, cap, "--pgp-keys needs --out-dir");
	if (o->pgp_count && (o->to_count || o->passphrase ||
	    o->passphrase_file))
		return usage(why, cap, "--pgp-keys excludes --to and --passphrase");
	if (o->to_count && (o->holder_count || o->passphrase ||
	    o->passphrase_file))
		return usage(why, cap, "--to excludes --holders and --passphrase");
	return SYM_OK;
}

int
sym_split_raw(uint64_t *secret_len, const char **subject,
    const struct sym_split_options *o)
{
	int fd = STDIN_FILENO, rc;

	*secret_len = 0;
	*subject = o->in_path && strcmp(o->in_path, "-") != 0 ? o->in_path :
	    "standard input";
	if (o->in_path != NULL && strcmp(o->in_path, "-") != 0 &&
	    (fd = open(o->in_path, O_RDONLY | O_CLOEXEC)) < 0)
		return sym_error_from_errno(errno);
	rc = sym_share_files_split(o->out_dir, o->count, o->threshold, fd,
	    secret_len);
	/* What went wrong with the directory is the directory's. */
	if (rc == SYM_EEXIST || rc == SYM_ENOENT || rc == SYM_EACCES ||
	    rc == SYM_ENOSPC || rc == SYM_EROFS || rc == SYM_EISDIR)
		*subject = o->out_dir;
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

#define SECRET_MAX_BYTES (256u << 20)
#define PROMPT_MAX_BYTES 4096u

int
sym_split_read_secret(uint8_t **secret, size_t *len,
    const struct sym_split_options *o)
{
	int rc;

	*secret = NULL;
	*len = 0;
	if (o->in_path != NULL || !sym_io_isatty(STDIN_FILENO)) {
		rc = sym_io_read_all(secret, len, o->in_path ? o->in_path : "-",
		    SECRET_MAX_BYTES);
	} else if ((*secret = sym_secmem_alloc(PROMPT_MAX_BYTES)) == NULL) {
		rc = SYM_ENOMEM;
	} else {
		rc = sym_io_prompt_hidden((char *)*secret, PROMPT_MAX_BYTES, len,
		    "Secret (will be hidden): ");
	}
	if (rc == SYM_OK && *len == 0)
		rc = SYM_EEMPTYSECRET;
	if (rc == SYM_OK && o->out_dir != NULL &&
	    *len + SYM_SHAMIR_SHARE_OVERHEAD > SYM_SHARE_MAX_BYTES)
		rc = SYM_ETOOBIG;
	if (rc != SYM_OK) {
		sym_secmem_free(*secret);
		*secret = NULL;
		*len = 0;
	}
	return rc;
}
