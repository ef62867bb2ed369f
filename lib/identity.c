#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "symbolon/cbor.h"
#include "symbolon/codec.h"
#include "symbolon/io.h"
#include "symbolon/identity.h"
#include "symbolon/passphrase.h"
#include "symbolon/pgp.h"
#include "symbolon/random.h"
#include "symbolon/secmem.h"

enum {
	FIELD_NAME = 4,
	FIELD_BOX_PUBLIC = 5,
	FIELD_CREATED = 6,
};

/* Key file keys. */
enum {
	KEYFILE_MAGIC = 1,		/* tstr "symbolon secret key" */
	KEYFILE_VERSION = 2,
	KEYFILE_SIGN_PUBLIC = 3,
	KEYFILE_NAME = 4,
	KEYFILE_CREATED = 5,
	KEYFILE_SECRET = 6,		/* seed || box secret, clear or sealed */
	KEYFILE_SALT = 7,
	KEYFILE_NONCE = 8,
	KEYFILE_OPSLIMIT = 9,
	KEYFILE_MEMLIMIT = 10,
};

static const char keyfile_magic[] = "symbolon secret key";
#define KEYFILE_VERSION_1 1u
#define SECRET_PLAIN_BYTES (32u + SYM_BOX_SECRETKEY_BYTES)

int
sym_identity_check_name(const char *name)
{
	return sym_text_check_name(name, SYM_IDENTITY_NAME_MAX);
}

static int
set_from_seed(struct sym_identity_secret *id, const uint8_t seed[32],
    const uint8_t box_secret[32])
{
	uint8_t public_key[SYM_SIGN_PUBLICKEY_BYTES];

	if (crypto_sign_seed_keypair(public_key, id->sign_secret, seed) != 0)
		return SYM_EINTERNAL;
	memcpy(id->pub.sign_public, public_key, sizeof public_key);
	memcpy(id->box_secret, box_secret, SYM_BOX_SECRETKEY_BYTES);
	if (crypto_scalarmult_base(id->pub.box_public, id->box_secret) != 0)
		return SYM_EINTERNAL;
	return SYM_OK;
}

void
sym_identity_secret_free(struct sym_identity_secret *id)
{
	sym_secmem_free(id);
}

int
sym_identity_generate(struct sym_identity_secret **out, const char *name,
    uint64_t created)
{
	struct sym_identity_secret *id;
	uint8_t *material;
	int rc;

	*out = NULL;
	if ((rc = sym_identity_check_name(name)) != SYM_OK)
		return rc;
	id = sym_secmem_alloc(sizeof *id);
	material = sym_secmem_alloc(SECRET_PLAIN_BYTES);
	if (id == NULL || material == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	rc = sym_random_bytes(material, SECRET_PLAIN_BYTES, SYM_RANDOM_SECRET);
	if (rc == SYM_OK)
		rc = set_from_seed(id, material, material + 32);
	if (rc != SYM_OK)
		goto out;
	memcpy(id->pub.name, name, strlen(name) + 1);
	id->pub.created = created;
	*out = id;
	id = NULL;
out:
	sym_secmem_free(material);
	sym_secmem_free(id);
	return rc;
}

int
sym_identity_export_public(uint8_t **bundle, size_t *len,
    const struct sym_identity_secret *id)
{
	uint8_t payload[256];
	struct sym_cbor_writer w;
	size_t payload_len;
	int rc;

	sym_cbor_writer_init(&w, payload, sizeof payload);
	sym_bundle_begin(&w, 3, SYM_BUNDLE_IDENTITY, id->pub.sign_public);
	sym_cbor_put_uint(&w, FIELD_NAME);
	sym_cbor_put_text(&w, id->pub.name, strlen(id->pub.name));
	sym_cbor_put_uint(&w, FIELD_BOX_PUBLIC);
	sym_cbor_put_bytes(&w, id->pub.box_public, SYM_BOX_PUBLICKEY_BYTES);
	sym_cbor_put_uint(&w, FIELD_CREATED);
	sym_cbor_put_uint(&w, id->pub.created);
	if ((rc = sym_cbor_writer_finish(&w, &payload_len)) != SYM_OK)
		return rc;
	return sym_bundle_sign(bundle, len, payload, payload_len,
	    id->sign_secret);
}

int
sym_identity_read_name(struct sym_cbor_reader *r,
    char name[static SYM_IDENTITY_NAME_MAX + 1])
{
	const char *text;
	size_t len;
	int rc = sym_cbor_read_text(r, &text, &len);

	if (rc != SYM_OK)
		return rc;
	if (len == 0 || len > SYM_IDENTITY_NAME_MAX || memchr(text, 0, len))
		return SYM_ESCHEMA;
	memcpy(name, text, len);
	name[len] = '\0';
	return sym_identity_check_name(name) == SYM_OK ? SYM_OK : SYM_ESCHEMA;
}

int
sym_identity_parse_public(struct sym_identity *out, const uint8_t *bundle,
    size_t len)
{
	struct sym_bundle b;
	uint64_t key;
	unsigned seen = 0;
	int rc;

	memset(out, 0, sizeof *out);
	rc = sym_bundle_open(&b, bundle, len, SYM_BUNDLE_IDENTITY);
	if (rc != SYM_OK)
		return rc;
	while ((rc = sym_bundle_next_field(&b, &key)) == SYM_OK && key != 0) {
		switch (key) {
		case FIELD_NAME:
			rc = sym_identity_read_name(&b.fields, out->name);
			break;
		case FIELD_BOX_PUBLIC:
			rc = sym_bundle_read_fixed(&b, out->box_public,
			    SYM_BOX_PUBLICKEY_BYTES);
			break;
		case FIELD_CREATED:
			rc = sym_cbor_read_uint(&b.fields, &out->created);
			break;
		default:
			rc = SYM_ESCHEMA;
		}
		if (rc != SYM_OK)
			return rc;
		seen |= 1u << key;
	}
	if (rc != SYM_OK)
		return rc;
	if (seen != ((1u << FIELD_NAME) | (1u << FIELD_BOX_PUBLIC) |
	    (1u << FIELD_CREATED)))
		return SYM_ESCHEMA;
	memcpy(out->sign_public, b.signer, SYM_SIGN_PUBLICKEY_BYTES);
	return SYM_OK;
}

int
sym_identity_export_secret(uint8_t **file, size_t *len,
    const struct sym_identity_secret *id, const char *passphrase,
    size_t passphrase_len)
{
	struct sym_passphrase_box box;
	struct sym_cbor_writer w;
	uint8_t *plain = NULL, *sealed = NULL, *buf = NULL;
	size_t cap = 512;
	int rc;

	*file = NULL;
	*len = 0;
	plain = sym_secmem_alloc(SECRET_PLAIN_BYTES);
	sealed = sym_secmem_alloc(SECRET_PLAIN_BYTES + SYM_PASSPHRASE_TAG_BYTES);
	buf = sym_secmem_alloc(cap);
	if (plain == NULL || sealed == NULL || buf == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	memcpy(plain, id->sign_secret, 32);	/* the seed */
	memcpy(plain + 32, id->box_secret, SYM_BOX_SECRETKEY_BYTES);
	if (passphrase != NULL) {
		rc = sym_passphrase_seal(sealed, &box, plain, SECRET_PLAIN_BYTES,
		    id->pub.sign_public, SYM_SIGN_PUBLICKEY_BYTES, passphrase,
		    passphrase_len);
		if (rc != SYM_OK)
			goto out;
	}
	sym_cbor_writer_init(&w, buf, cap);
	sym_cbor_put_map(&w, passphrase ? 10 : 6);
	sym_cbor_put_uint(&w, KEYFILE_MAGIC);
	sym_cbor_put_text(&w, keyfile_magic, sizeof keyfile_magic - 1);
	sym_cbor_put_uint(&w, KEYFILE_VERSION);
	sym_cbor_put_uint(&w, KEYFILE_VERSION_1);
	sym_cbor_put_uint(&w, KEYFILE_SIGN_PUBLIC);
	sym_cbor_put_bytes(&w, id->pub.sign_public, SYM_SIGN_PUBLICKEY_BYTES);
	sym_cbor_put_uint(&w, KEYFILE_NAME);
	sym_cbor_put_text(&w, id->pub.name, strlen(id->pub.name));
	sym_cbor_put_uint(&w, KEYFILE_CREATED);
	sym_cbor_put_uint(&w, id->pub.created);
	sym_cbor_put_uint(&w, KEYFILE_SECRET);
	if (passphrase != NULL) {
		sym_cbor_put_bytes(&w, sealed,
		    SECRET_PLAIN_BYTES + SYM_PASSPHRASE_TAG_BYTES);
		sym_cbor_put_uint(&w, KEYFILE_SALT);
		sym_cbor_put_bytes(&w, box.salt, sizeof box.salt);
		sym_cbor_put_uint(&w, KEYFILE_NONCE);
		sym_cbor_put_bytes(&w, box.nonce, sizeof box.nonce);
		sym_cbor_put_uint(&w, KEYFILE_OPSLIMIT);
		sym_cbor_put_uint(&w, box.opslimit);
		sym_cbor_put_uint(&w, KEYFILE_MEMLIMIT);
		sym_cbor_put_uint(&w, box.memlimit);
	} else {
		sym_cbor_put_bytes(&w, plain, SECRET_PLAIN_BYTES);
	}
	rc = sym_cbor_writer_finish(&w, len);
	if (rc == SYM_OK) {
		*file = buf;
		buf = NULL;
	}
out:
	sym_secmem_free(plain);
	sym_secmem_free(sealed);
	sym_secmem_free(buf);
	return rc;
}

struct keyfile {
	struct sym_identity pub;
	const uint8_t *secret;
	size_t secret_len;
	int protected;
	struct sym_passphrase_box box;
};

static int
parse_keyfile(struct keyfile *k, const uint8_t *file, size_t len)
{
	struct sym_cbor_reader r;
	const char *text;
	const uint8_t *bytes;
	size_t pairs, n;
	uint64_t key, value;
	unsigned seen = 0;
	int rc;

	memset(k, 0, sizeof *k);
	if ((rc = sym_cbor_check_canonical(file, len, NULL)) != SYM_OK)
		return rc;
	sym_cbor_reader_init(&r, file, len);
	if ((rc = sym_cbor_read_map(&r, &pairs)) != SYM_OK)
		return rc;
	for (size_t i = 0; i < pairs; i++) {
		if ((rc = sym_cbor_read_uint(&r, &key)) != SYM_OK)
			return rc;
		if (key < KEYFILE_MAGIC || key > KEYFILE_MEMLIMIT)
			return SYM_ESCHEMA;
		switch (key) {
		case KEYFILE_MAGIC:
			rc = sym_cbor_read_text(&r, &text, &n);
			if (rc == SYM_OK && (n != sizeof keyfile_magic - 1 ||
			    memcmp(text, keyfile_magic, n) != 0))
				rc = SYM_ENOTBUNDLE;
			break;
		case KEYFILE_VERSION:
			rc = sym_cbor_read_uint(&r, &value);
			if (rc == SYM_OK && value != KEYFILE_VERSION_1)
				rc = SYM_EVERSION;
			break;
		case KEYFILE_SIGN_PUBLIC:
		case KEYFILE_SALT:
		case KEYFILE_NONCE:
			rc = sym_cbor_read_bytes(&r, &bytes, &n);
			if (rc != SYM_OK)
				break;
			if (key == KEYFILE_SIGN_PUBLIC && n == 32)
				memcpy(k->pub.sign_public, bytes, n);
			else if (key == KEYFILE_SALT && n == sizeof k->box.salt)
				memcpy(k->box.salt, bytes, n);
			else if (key == KEYFILE_NONCE && n == sizeof k->box.nonce)
				memcpy(k->box.nonce, bytes, n);
			else
				rc = SYM_ESCHEMA;
			break;
		case KEYFILE_NAME:
			rc = sym_identity_read_name(&r, k->pub.name);
			break;
		case KEYFILE_CREATED:
			rc = sym_cbor_read_uint(&r, &k->pub.created);
			break;
		case KEYFILE_SECRET:
			rc = sym_cbor_read_bytes(&r, &k->secret, &k->secret_len);
			break;
		case KEYFILE_OPSLIMIT:
			rc = sym_cbor_read_uint(&r, &k->box.opslimit);
			break;
		case KEYFILE_MEMLIMIT:
			rc = sym_cbor_read_uint(&r, &k->box.memlimit);
			break;
		}
		if (rc != SYM_OK)
			return rc;
		seen |= 1u << key;
	}
	if ((rc = sym_cbor_reader_end(&r)) != SYM_OK)
		return rc;
	if ((seen & 0x7e) != 0x7e)	/* keys 1..6 are required */
		return (seen & 2) ? SYM_ESCHEMA : SYM_ENOTBUNDLE;
	k->protected = (seen & (1u << KEYFILE_SALT)) != 0;
	if (k->protected && (seen & 0x780) != 0x780)
		return SYM_ESCHEMA;
	if (!k->protected && (seen & 0x780) != 0)
		return SYM_ESCHEMA;
	if (k->secret_len != SECRET_PLAIN_BYTES +
	    (k->protected ? SYM_PASSPHRASE_TAG_BYTES : 0))
		return SYM_ESCHEMA;
	return SYM_OK;
}

int
sym_identity_secret_protected(const uint8_t *file, size_t len)
{
	struct keyfile k;
	int rc = parse_keyfile(&k, file, len);

	return rc != SYM_OK ? rc : k.protected;
}

int
sym_identity_parse_secret(struct sym_identity_secret **out,
    const uint8_t *file, size_t len, const char *passphrase,
    size_t passphrase_len)
{
	struct sym_identity_secret *id = NULL;
	uint8_t *plain = NULL;
	struct keyfile k;
	int rc;

	*out = NULL;
	if ((rc = parse_keyfile(&k, file, len)) != SYM_OK)
		return rc;
	id = sym_secmem_alloc(sizeof *id);
	plain = sym_secmem_alloc(SECRET_PLAIN_BYTES);
	if (id == NULL || plain == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	if (k.protected) {
		if (passphrase == NULL) {
			rc = SYM_EDECRYPT;
			goto out;
		}
		rc = sym_passphrase_open(plain, &k.box, k.secret, k.secret_len,
		    k.pub.sign_public, SYM_SIGN_PUBLICKEY_BYTES, passphrase,
		    passphrase_len);
		if (rc != SYM_OK)
			goto out;
	} else {
		memcpy(plain, k.secret, SECRET_PLAIN_BYTES);
	}
	if ((rc = set_from_seed(id, plain, plain + 32)) != SYM_OK)
		goto out;
	/* The stored public key must be the one the seed gives: a key file
	 * edited to claim another identity is refused. */
	if (sodium_memcmp(id->pub.sign_public, k.pub.sign_public,
	    SYM_SIGN_PUBLICKEY_BYTES) != 0) {
		rc = SYM_EKID;
		goto out;
	}
	memcpy(id->pub.name, k.pub.name, sizeof id->pub.name);
	id->pub.created = k.pub.created;
	*out = id;
	id = NULL;
out:
	sym_secmem_free(plain);
	sym_secmem_free(id);
	return rc;
}

int
sym_identity_seal(uint8_t *ciphertext, const uint8_t *plaintext, size_t len,
    const struct sym_identity *to)
{
	if (crypto_box_seal(ciphertext, plaintext, len, to->box_public) != 0)
		return SYM_EINTERNAL;
	return SYM_OK;
}

int
sym_identity_unseal(uint8_t *plaintext, const uint8_t *ciphertext, size_t len,
    const struct sym_identity_secret *id)
{
	if (len < SYM_SEAL_OVERHEAD)
		return SYM_ETRUNCATED;
	if (crypto_box_seal_open(plaintext, ciphertext, len, id->pub.box_public,
	    id->box_secret) != 0) {
		sodium_memzero(plaintext, len - SYM_SEAL_OVERHEAD);
		return SYM_EDECRYPT;
	}
	return SYM_OK;
}

int
sym_identity_load_public(struct sym_identity *out, const char *path)
{
	uint8_t *bytes = NULL;
	size_t len = 0;
	int rc = sym_bundle_read_file(&bytes, &len, path, NULL);

	if (rc != SYM_OK)
		return rc;
	rc = sym_identity_parse_public(out, bytes, len);
	sym_secmem_free(bytes);
	return rc;
}

/* Key files are a few hundred bytes. */
#define KEYFILE_MAX_BYTES 4096u

int
sym_identity_load_secret(struct sym_identity_secret **out, const char *path,
    const char *passphrase_file, const char *prompt)
{
	uint8_t *file = NULL;
	char *passphrase = NULL;
	size_t len = 0, passphrase_len = 0;
	int rc, protected;

	*out = NULL;
	rc = sym_io_read_all(&file, &len, path, KEYFILE_MAX_BYTES);
	if (rc != SYM_OK)
		return rc;
	protected = sym_identity_secret_protected(file, len);
	if (protected < 0) {
		rc = protected;
		goto out;
	}
	if (protected) {
		passphrase = sym_secmem_alloc(SYM_PASSPHRASE_MAX_BYTES + 1);
		if (passphrase == NULL) {
			rc = SYM_ENOMEM;
			goto out;
		}
		rc = sym_passphrase_get(passphrase, SYM_PASSPHRASE_MAX_BYTES + 1,
		    &passphrase_len, prompt, 0, passphrase_file);
		if (rc != SYM_OK)
			goto out;
	}
	rc = sym_identity_parse_secret(out, file, len, passphrase,
	    passphrase_len);
out:
	sym_secmem_free(passphrase);
	sym_secmem_free(file);
	return rc;
}

void
sym_identity_name_from_pgp(char *out, size_t cap, const struct sym_pgp_key *key)
{
	snprintf(out, cap, "%.*s", (int)(cap - 1 < SYM_IDENTITY_NAME_MAX ?
	    cap - 1 : SYM_IDENTITY_NAME_MAX), key->uid);
	if (sym_identity_check_name(out) != SYM_OK)
		snprintf(out, cap, "OpenPGP %s", key->keyid);
}
