/*
 * Key resolution for OpenPGP recipients (see pgp.h): a fingerprint in the
 * user's keyring, or a key file imported into a throw-away GnuPG home that
 * is deleted with the recipient; the checks every recipient passes; and
 * naming the key behind a key id, and whether its secret half is at hand.
 * Encryption and signatures are in pgp.c, decryption in pgp_decrypt.c.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gpgme.h>

#include "symbolon/io.h"
#include "symbolon/pgp.h"
#include "symbolon/secmem.h"

#include "pgp_internal.h"

void
pgp_fill_key(struct sym_pgp_key *out, gpgme_key_t key, gpgme_subkey_t sub)
{
	gpgme_user_id_t uid, best = NULL;
	char *algo;

	memset(out, 0, sizeof *out);
	pgp_copy_hex(out->fpr, sizeof out->fpr, key->fpr);
	if (key->subkeys != NULL) {
		pgp_copy_hex(out->keyid, sizeof out->keyid,
		    key->subkeys->keyid);
		out->created = key->subkeys->timestamp;
		out->expires = key->subkeys->expires;
	}
	if (sub != NULL) {
		pgp_copy_hex(out->subkey_fpr, sizeof out->subkey_fpr, sub->fpr);
		pgp_copy_hex(out->subkey_keyid, sizeof out->subkey_keyid,
		    sub->keyid);
		if (sub->expires > 0 &&
		    (out->expires == 0 || sub->expires < out->expires))
			out->expires = sub->expires;
		algo = gpgme_pubkey_algo_string(sub);
		if (algo != NULL)
			pgp_copy_text(out->subkey_algo, sizeof out->subkey_algo,
			    algo);
		gpgme_free(algo);
	}
	/* gpg lists the primary user id first. */
	for (uid = key->uids; uid != NULL; uid = uid->next)
		if (!uid->revoked && !uid->invalid) {
			best = uid;
			break;
		}
	if (best == NULL)
		best = key->uids;
	if (best != NULL)
		pgp_copy_text(out->uid, sizeof out->uid, best->uid);
}

/* The checks of pgp.h on key; *chosen gets the encryption subkey. */
static int
check_key(gpgme_key_t key, gpgme_subkey_t *chosen)
{
	gpgme_subkey_t sub;
	int any_enc = 0, any_revoked = 0, any_expired = 0, any_disabled = 0;

	*chosen = NULL;
	if (key->secret)
		return SYM_EPGPSECRET;
	if (key->revoked)
		return SYM_EKEYREVOKED;
	if (key->expired)
		return SYM_EKEYEXPIRED;
	if (key->disabled)
		return SYM_EKEYDISABLED;
	if (key->invalid || key->subkeys == NULL)
		return SYM_ENOTPGPKEY;
	for (sub = key->subkeys; sub != NULL; sub = sub->next) {
		if (!sub->can_encrypt)
			continue;
		any_enc = 1;
		any_revoked |= sub->revoked;
		any_expired |= sub->expired;
		any_disabled |= sub->disabled;
		if (sub->revoked || sub->expired || sub->disabled ||
		    sub->invalid)
			continue;
		/* The newest valid one, as gpg picks it. */
		if (*chosen == NULL || sub->timestamp > (*chosen)->timestamp)
			*chosen = sub;
	}
	if (*chosen != NULL)
		return SYM_OK;
	if (!any_enc)
		return SYM_ENOENCSUBKEY;
	if (any_revoked)
		return SYM_EKEYREVOKED;
	if (any_expired)
		return SYM_EKEYEXPIRED;
	if (any_disabled)
		return SYM_EKEYDISABLED;
	return SYM_ENOENCSUBKEY;
}


/* Deletes what GnuPG left in a temporary home, never following links. */
static void
remove_tree_at(int dirfd, int depth)
{
	int fd = dup(dirfd);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (dir == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(dir)) != NULL) {
		int sub;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd, e->d_name, 0) == 0)
			continue;
		if (depth > 0 && (sub = openat(dirfd, e->d_name, O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
			remove_tree_at(sub, depth - 1);
			close(sub);
			(void)unlinkat(dirfd, e->d_name, AT_REMOVEDIR);
		}
	}
	closedir(dir);
}

static void
remove_home(const char *home)
{
	int fd;

	if (home[0] == '\0')
		return;
	fd = open(home, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		remove_tree_at(fd, 4);
		close(fd);
	}
	(void)rmdir(home);
}

/* A private GnuPG home under $TMPDIR where gpg never starts an agent. */
static int
make_home(char *home, size_t cap)
{
	static const char conf[] = "no-autostart\n";
	const char *tmp = getenv("TMPDIR");
	char path[300];
	int fd, n, ret = SYM_OK;

	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	n = snprintf(home, cap, "%s/symbolon-gpg-XXXXXX", tmp);
	if (n < 0 || (size_t)n >= cap)
		n = snprintf(home, cap, "/tmp/symbolon-gpg-XXXXXX");
	if (n < 0 || (size_t)n >= cap || mkdtemp(home) == NULL) {
		ret = sym_error_from_errno(errno);
		home[0] = '\0';
		return ret;
	}
	n = snprintf(path, sizeof path, "%s/gpg.conf", home);
	fd = (n > 0 && (size_t)n < sizeof path) ? open(path, O_WRONLY |
	    O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600) : -1;
	if (fd < 0 || write(fd, conf, sizeof conf - 1) !=
	    (ssize_t)(sizeof conf - 1))
		ret = sym_error_from_errno(errno);
	if (fd >= 0 && close(fd) != 0 && ret == SYM_OK)
		ret = sym_error_from_errno(errno);
	if (ret != SYM_OK) {
		remove_home(home);
		home[0] = '\0';
	}
	return ret;
}

/* Lists the keys in data without importing: one public key, or why not.
 * fpr gets its fingerprint; seen (if not NULL) the key's details, to
 * name a key that is refused. */
static int
inspect_key_data(char fpr[static SYM_PGP_FPR_CHARS + 1], gpgme_ctx_t ctx,
    gpgme_data_t data, struct sym_pgp_key *seen)
{
	gpgme_key_t key;
	gpgme_error_t err;
	int ret = SYM_OK, count = 0, secret = 0;

	fpr[0] = '\0';
	err = gpgme_op_keylist_from_data_start(ctx, data, 0);
	if (err != 0)
		return pgp_map_gpgme_error(err);
	while ((err = gpgme_op_keylist_next(ctx, &key)) == 0) {
		if (count++ == 0) {
			pgp_copy_hex(fpr, SYM_PGP_FPR_CHARS + 1, key->fpr);
			if (seen != NULL)
				pgp_fill_key(seen, key, NULL);
		}
		secret |= key->secret;
		gpgme_key_unref(key);
	}
	if (gpg_err_code(err) != GPG_ERR_EOF)
		ret = pgp_map_gpgme_error(err);
	(void)gpgme_op_keylist_end(ctx);
	if (ret != SYM_OK)
		return ret;
	if (count > 1 && seen != NULL)
		memset(seen, 0, sizeof *seen);  /* no one key to name */
	if (secret)
		return SYM_EPGPSECRET;
	if (count == 0)
		return SYM_ENOTPGPKEY;
	if (count > 1)
		return SYM_EMANYKEYS;
	if (strlen(fpr) != SYM_PGP_FPR_CHARS)
		return SYM_ENOTPGPKEY;
	return SYM_OK;
}

/* Imports the key file at path into r's private home; *key from there. */
static int
load_key_file(struct sym_pgp_recipient *r, gpgme_key_t *key,
    const char *path, struct sym_pgp_key *seen)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	gpgme_data_t data = NULL;
	gpgme_import_result_t res;
	char fpr[SYM_PGP_FPR_CHARS + 1];
	gpgme_error_t err;
	int ret;

	*key = NULL;
	ret = sym_io_read_all(&buf, &len, path, SYM_PGP_KEYFILE_MAX);
	if (ret != SYM_OK)
		return ret;
	if (len == 0) {
		ret = SYM_ENOTPGPKEY;
		goto out;
	}
	if ((ret = make_home(r->home, sizeof r->home)) != SYM_OK ||
	    (ret = pgp_new_ctx(&r->ctx, r->home)) != SYM_OK)
		goto out;
	if (gpgme_data_new_from_mem(&data, (const char *)buf, len, 0) != 0) {
		ret = SYM_ENOMEM;
		goto out;
	}
	if ((ret = inspect_key_data(fpr, r->ctx, data, seen)) != SYM_OK)
		goto out;
	if (gpgme_data_seek(data, 0, SEEK_SET) != 0) {
		ret = SYM_EGPGME;
		goto out;
	}
	err = gpgme_op_import(r->ctx, data);
	if (err != 0) {
		ret = pgp_map_gpgme_error(err);
		goto out;
	}
	res = gpgme_op_import_result(r->ctx);
	if (res == NULL || res->secret_read != 0) {
		ret = res == NULL ? SYM_EGPGME : SYM_EPGPSECRET;
		goto out;
	}
	err = gpgme_get_key(r->ctx, fpr, key, 0);
	if (err != 0) {
		/* gpg drops a key without a valid self-signed user id. */
		*key = NULL;
		ret = gpg_err_code(err) == GPG_ERR_EOF ? SYM_ENOTPGPKEY :
		    pgp_map_gpgme_error(err);
		goto out;
	}
	ret = SYM_OK;
out:
	gpgme_data_release(data);
	sym_secmem_free(buf);
	return ret;
}

/* The key with primary fingerprint fpr from the user's keyring. */
static int
load_keyring_key(struct sym_pgp_recipient *r, gpgme_key_t *key,
    const char *fpr)
{
	gpgme_error_t err;
	char got[SYM_PGP_FPR_CHARS + 1];
	int ret;

	*key = NULL;
	if ((ret = pgp_new_ctx(&r->ctx, NULL)) != SYM_OK)
		return ret;
	err = gpgme_get_key(r->ctx, fpr, key, 0);
	if (err != 0) {
		*key = NULL;
		switch (gpg_err_code(err)) {
		case GPG_ERR_EOF:
		case GPG_ERR_AMBIGUOUS_NAME:
			return SYM_ENOPGPKEY;
		default:
			return pgp_map_gpgme_error(err);
		}
	}
	/* gpg also finds a key by a subkey's fingerprint: we want the
	 * holder's primary key, as Vault prints it. */
	pgp_copy_hex(got, sizeof got, (*key)->fpr);
	if (strcmp(got, fpr) != 0) {
		gpgme_key_unref(*key);
		*key = NULL;
		return SYM_ENOPGPKEY;
	}
	return SYM_OK;
}

int
sym_pgp_recipient_resolve(struct sym_pgp_recipient **out, const char *spec)
{
	return sym_pgp_recipient_resolve_key(out, NULL, spec);
}

int
sym_pgp_recipient_resolve_key(struct sym_pgp_recipient **out,
    struct sym_pgp_key *seen, const char *spec)
{
	struct sym_pgp_recipient *r;
	gpgme_key_t key = NULL;
	gpgme_subkey_t sub;
	char fpr[SYM_PGP_FPR_CHARS + 1];
	int ret;

	*out = NULL;
	if (seen != NULL)
		memset(seen, 0, sizeof *seen);
	if ((ret = sym_pgp_init()) != SYM_OK)
		return ret;
	r = calloc(1, sizeof *r);
	if (r == NULL)
		return SYM_ENOMEM;
	if (sym_pgp_parse_fingerprint(fpr, spec) == SYM_OK)
		ret = load_keyring_key(r, &key, fpr);
	else
		ret = load_key_file(r, &key, spec, seen);
	if (ret != SYM_OK)
		goto out;
	if (seen != NULL)
		pgp_fill_key(seen, key, NULL);
	if ((ret = check_key(key, &sub)) != SYM_OK)
		goto out;
	pgp_fill_key(&r->info, key, sub);
	if (seen != NULL)
		*seen = r->info;
	if (strlen(r->info.subkey_fpr) != SYM_PGP_FPR_CHARS) {
		ret = SYM_EGPGME;
		goto out;
	}
	*out = r;
	r = NULL;
	ret = SYM_OK;
out:
	if (key != NULL)
		gpgme_key_unref(key);
	sym_pgp_recipient_free(r);
	return ret;
}

const struct sym_pgp_key *
sym_pgp_recipient_key(const struct sym_pgp_recipient *r)
{
	return &r->info;
}

void
sym_pgp_recipient_free(struct sym_pgp_recipient *r)
{
	if (r == NULL)
		return;
	if (r->ctx != NULL)
		gpgme_release(r->ctx);
	remove_home(r->home);
	free(r);
}

int
sym_pgp_lookup_keyid(struct sym_pgp_key *out, const char *keyid)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_key_t key = NULL;
	gpgme_subkey_t sub;
	gpgme_error_t err;
	char want[SYM_PGP_KEYID_CHARS + 1], got[SYM_PGP_KEYID_CHARS + 1];
	int ret;

	memset(out, 0, sizeof *out);
	pgp_copy_hex(want, sizeof want, keyid);
	if (strlen(want) != SYM_PGP_KEYID_CHARS)
		return SYM_EFORMAT;
	if (strspn(want, "0") == SYM_PGP_KEYID_CHARS)
		return SYM_ENOPGPKEY;   /* hidden recipient */
	if ((ret = pgp_new_ctx(&ctx, NULL)) != SYM_OK)
		return ret;
	err = gpgme_get_key(ctx, want, &key, 0);
	if (err != 0) {
		key = NULL;
		ret = gpg_err_code(err) == GPG_ERR_EOF ||
		    gpg_err_code(err) == GPG_ERR_AMBIGUOUS_NAME ?
		    SYM_ENOPGPKEY : pgp_map_gpgme_error(err);
		goto out;
	}
	ret = SYM_ENOPGPKEY;
	for (sub = key->subkeys; sub != NULL; sub = sub->next) {
		pgp_copy_hex(got, sizeof got, sub->keyid);
		if (strcmp(got, want) == 0) {
			pgp_fill_key(out, key, sub);
			ret = SYM_OK;
			break;
		}
	}
out:
	if (key != NULL)
		gpgme_key_unref(key);
	gpgme_release(ctx);
	return ret;
}

/* A stub of a card counts: gpg-agent then asks for the card. */
int
sym_pgp_secret_present(const char *fpr)
{
	gpgme_ctx_t ctx;
	gpgme_key_t key = NULL;
	gpgme_subkey_t sub;
	gpgme_error_t err;
	char got[SYM_PGP_FPR_CHARS + 1];
	int ret;

	if ((ret = pgp_new_ctx(&ctx, NULL)) != SYM_OK)
		return ret;
	err = gpgme_get_key(ctx, fpr, &key, 1);
	if (err != 0) {
		ret = gpg_err_code(err) == GPG_ERR_EOF ||
		    gpg_err_code(err) == GPG_ERR_AMBIGUOUS_NAME ? 0 :
		    SYM_EGPGME;
		goto out;
	}
	ret = 0;
	snprintf(got, sizeof got, "%s", key->fpr ? key->fpr : "");
	if (strcasecmp(got, fpr) != 0)
		goto out;
	for (sub = key->subkeys; sub != NULL; sub = sub->next)
		if (sub->can_encrypt && sub->secret && !sub->revoked)
			ret = 1;
out:
	if (key != NULL)
		gpgme_key_unref(key);
	gpgme_release(ctx);
	return ret;
}
