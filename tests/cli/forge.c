/*
 * forge: makes the forged and corrupted bundles the command-line tests
 * must see refused (signify's regress tests do the same with their own
 * tools).  Built as build/tests/forge; never installed.
 *
 *   forge payload BUNDLE              the signed payload, as it is
 *   forge set-uint PAYLOAD KEY VALUE  the payload with top-level field KEY
 *                                     (which must hold a uint) set to VALUE
 *   forge sign KEYFILE PAYLOAD        a bundle of PAYLOAD signed by the key
 *                                     (made by keygen --no-passphrase); the
 *                                     signer field 3 becomes that key's
 *
 * '-' reads standard input; results go to standard output.  Nothing here
 * checks that the payload makes sense: that is the point.  Exit 0 on
 * success, 2 with a message otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbolon/bundle.h"
#include "symbolon/cbor.h"
#include "symbolon/cose.h"
#include "symbolon/identity.h"
#include "symbolon/io.h"
#include "symbolon/secmem.h"

#define INPUT_MAX_BYTES (SYM_BUNDLE_MAX_BYTES * 2u)

static int
die(const char *what, int rc)
{
	fprintf(stderr, "forge: %s: %s\n", what, sym_strerror(rc));
	return 2;
}

static int
emit(const uint8_t *bytes, size_t len)
{
	int rc = sym_io_write_fd(STDOUT_FILENO, bytes, len);

	return rc == SYM_OK ? 0 : die("standard output", rc);
}

static int
payload(const char *path)
{
	const uint8_t *p, *kid;
	uint8_t *bytes = NULL;
	size_t len = 0, p_len, kid_len, offset = 0;
	int rc, status;

	rc = sym_bundle_read_file(&bytes, &len, path, &offset);
	if (rc == SYM_OK)
		rc = sym_cose_parse1(&p, &p_len, &kid, &kid_len, bytes, len,
		    &offset);
	status = rc == SYM_OK ? emit(p, p_len) : die(path, rc);
	sym_secmem_free(bytes);
	return status;
}

/*
 * Copies the top-level map of in to w, passing each pair to edit, which
 * writes the value (and returns 1) or leaves it to be copied (0).
 */
typedef int (*edit_fn)(struct sym_cbor_writer *w, uint64_t key,
    struct sym_cbor_reader *r, void *arg);

static int
rewrite(uint8_t **out, size_t *out_len, const uint8_t *in, size_t len,
    edit_fn edit, void *arg)
{
	struct sym_cbor_reader r;
	struct sym_cbor_writer w;
	const uint8_t *item;
	size_t pairs, item_len, cap = len + 64;
	uint64_t key;
	int rc, done;

	*out = sym_secmem_alloc(cap);
	if (*out == NULL)
		return SYM_ENOMEM;
	sym_cbor_reader_init(&r, in, len);
	sym_cbor_writer_init(&w, *out, cap);
	if ((rc = sym_cbor_read_map(&r, &pairs)) != SYM_OK)
		return rc;
	sym_cbor_put_map(&w, pairs);
	for (size_t i = 0; i < pairs; i++) {
		if ((rc = sym_cbor_read_uint(&r, &key)) != SYM_OK)
			return rc;
		sym_cbor_put_uint(&w, key);
		done = edit(&w, key, &r, arg);
		if (done < 0)
			return done;
		if (done)
			continue;
		if ((rc = sym_cbor_read_item(&r, &item, &item_len)) != SYM_OK)
			return rc;
		sym_cbor_put_raw(&w, item, item_len);
	}
	if ((rc = sym_cbor_reader_end(&r)) != SYM_OK)
		return rc;
	return sym_cbor_writer_finish(&w, out_len);
}

struct set_uint {
	uint64_t key, value;
	int found;
};

static int
edit_uint(struct sym_cbor_writer *w, uint64_t key, struct sym_cbor_reader *r,
    void *arg)
{
	struct set_uint *s = arg;
	uint64_t old;
	int rc;

	if (key != s->key)
		return 0;
	if ((rc = sym_cbor_read_uint(r, &old)) != SYM_OK)
		return rc;
	sym_cbor_put_uint(w, s->value);
	s->found = 1;
	return 1;
}

static int
edit_signer(struct sym_cbor_writer *w, uint64_t key, struct sym_cbor_reader *r,
    void *arg)
{
	const uint8_t *old;
	size_t old_len;
	int rc;

	if (key != SYM_BUNDLE_KEY_SIGNER)
		return 0;
	if ((rc = sym_cbor_read_bytes(r, &old, &old_len)) != SYM_OK)
		return rc;
	sym_cbor_put_bytes(w, arg, SYM_SIGN_PUBLICKEY_BYTES);
	return 1;
}

static int
parse_u64(const char *text, uint64_t *out)
{
	char *end;

	if (*text < '0' || *text > '9')
		return -1;
	*out = strtoull(text, &end, 10);
	return *end == '\0' ? 0 : -1;
}

static int
set_uint(const char *path, const char *key, const char *value)
{
	struct set_uint s = { 0 };
	uint8_t *in = NULL, *out = NULL;
	size_t len = 0, out_len = 0;
	int rc, status;

	if (parse_u64(key, &s.key) != 0 || parse_u64(value, &s.value) != 0) {
		fprintf(stderr, "forge: set-uint: KEY and VALUE are numbers\n");
		return 2;
	}
	rc = sym_io_read_all(&in, &len, path, INPUT_MAX_BYTES);
	if (rc == SYM_OK)
		rc = rewrite(&out, &out_len, in, len, edit_uint, &s);
	if (rc == SYM_OK && !s.found) {
		fprintf(stderr, "forge: %s: no field %s\n", path, key);
		status = 2;
	} else {
		status = rc == SYM_OK ? emit(out, out_len) : die(path, rc);
	}
	sym_secmem_free(in);
	sym_secmem_free(out);
	return status;
}

static int
sign(const char *key_path, const char *path)
{
	struct sym_identity_secret *id = NULL;
	uint8_t *key = NULL, *in = NULL, *out = NULL, *bundle = NULL;
	size_t key_len = 0, len = 0, out_len = 0, bundle_len = 0;
	int rc, status;

	rc = sym_io_read_all(&key, &key_len, key_path, 4096);
	if (rc == SYM_OK)
		rc = sym_identity_parse_secret(&id, key, key_len, NULL, 0);
	if (rc != SYM_OK) {
		status = die(key_path, rc);
		goto out;
	}
	rc = sym_io_read_all(&in, &len, path, INPUT_MAX_BYTES);
	if (rc == SYM_OK)
		rc = rewrite(&out, &out_len, in, len, edit_signer,
		    id->pub.sign_public);
	if (rc == SYM_OK)
		rc = sym_bundle_sign(&bundle, &bundle_len, out, out_len,
		    id->sign_secret);
	status = rc == SYM_OK ? emit(bundle, bundle_len) : die(path, rc);
out:
	sym_identity_secret_free(id);
	sym_secmem_free(key);
	sym_secmem_free(in);
	sym_secmem_free(out);
	sym_secmem_free(bundle);
	return status;
}

int
main(int argc, char **argv)
{
	if (sym_secmem_init() != SYM_OK)
		return die("init", SYM_EINIT);
	if (argc == 3 && strcmp(argv[1], "payload") == 0)
		return payload(argv[2]);
	if (argc == 5 && strcmp(argv[1], "set-uint") == 0)
		return set_uint(argv[2], argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "sign") == 0)
		return sign(argv[2], argv[3]);
	fputs("usage: forge payload BUNDLE\n"
	    "       forge set-uint PAYLOAD KEY VALUE\n"
	    "       forge sign KEYFILE PAYLOAD\n", stderr);
	return 2;
}
