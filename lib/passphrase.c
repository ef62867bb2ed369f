#include <string.h>

#include <sodium.h>

#include "symbolon/io.h"
#include "symbolon/passphrase.h"
#include "symbolon/random.h"
#include "symbolon/secmem.h"

static int
derive_key(uint8_t key[static crypto_aead_xchacha20poly1305_ietf_KEYBYTES],
    const struct sym_passphrase_box *box, const char *passphrase,
    size_t passphrase_len)
{
	if (box->opslimit < crypto_pwhash_OPSLIMIT_MODERATE ||
	    box->memlimit < crypto_pwhash_MEMLIMIT_MODERATE ||
	    box->opslimit > SYM_PASSPHRASE_MAX_OPSLIMIT ||
	    box->memlimit > SYM_PASSPHRASE_MAX_MEMLIMIT)
		return SYM_EUSAGE;
	if (crypto_pwhash(key, crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
	    passphrase, passphrase_len, box->salt, box->opslimit,
	    (size_t)box->memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return SYM_ENOMEM;
	return SYM_OK;
}

int
sym_passphrase_seal(uint8_t *ciphertext, struct sym_passphrase_box *box,
    const uint8_t *plaintext, size_t plaintext_len, const uint8_t *aad,
    size_t aad_len, const char *passphrase, size_t passphrase_len)
{
	uint8_t *key = sym_secmem_alloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
	int rc;

	if (key == NULL)
		return SYM_ENOMEM;
	box->opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
	box->memlimit = crypto_pwhash_MEMLIMIT_MODERATE;
	rc = sym_random_bytes(box->salt, sizeof box->salt, SYM_RANDOM_PUBLIC);
	if (rc == SYM_OK)
		rc = sym_random_bytes(box->nonce, sizeof box->nonce,
		    SYM_RANDOM_PUBLIC);
	if (rc == SYM_OK)
		rc = derive_key(key, box, passphrase, passphrase_len);
	if (rc == SYM_OK)
		crypto_aead_xchacha20poly1305_ietf_encrypt(ciphertext, NULL,
		    plaintext, plaintext_len, aad, aad_len, NULL, box->nonce,
		    key);
	sym_secmem_free(key);
	return rc;
}

int
sym_passphrase_open(uint8_t *plaintext, const struct sym_passphrase_box *box,
    const uint8_t *ciphertext, size_t ciphertext_len, const uint8_t *aad,
    size_t aad_len, const char *passphrase, size_t passphrase_len)
{
	uint8_t *key;
	int rc;

	if (ciphertext_len < SYM_PASSPHRASE_TAG_BYTES)
		return SYM_ETRUNCATED;
	key = sym_secmem_alloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
	if (key == NULL)
		return SYM_ENOMEM;
	rc = derive_key(key, box, passphrase, passphrase_len);
	if (rc == SYM_OK && crypto_aead_xchacha20poly1305_ietf_decrypt(
	    plaintext, NULL, NULL, ciphertext, ciphertext_len, aad, aad_len,
	    box->nonce, key) != 0) {
		sodium_memzero(plaintext,
		    ciphertext_len - SYM_PASSPHRASE_TAG_BYTES);
		rc = SYM_EDECRYPT;
	}
	sym_secmem_free(key);
	return rc;
}

int
sym_passphrase_get(char *buf, size_t cap, size_t *len, const char *prompt,
    int confirm, const char *file)
{
	char *again = NULL;
	size_t again_len;
	int rc;

	*len = 0;
	if (file != NULL) {
		uint8_t *text = NULL;
		size_t text_len = 0, n = 0;

		rc = sym_io_read_all(&text, &text_len, file,
		    SYM_PASSPHRASE_MAX_BYTES + 2);
		if (rc == SYM_ETOOBIG)
			return SYM_ETOOBIG;
		if (rc != SYM_OK)
			return rc;
		while (n < text_len && text[n] != '\n' && text[n] != '\r')
			n++;
		if (n == 0 || n + 1 > cap) {
			sym_secmem_free(text);
			return n == 0 ? SYM_EEMPTYSECRET : SYM_ETOOBIG;
		}
		memcpy(buf, text, n);
		buf[n] = '\0';
		*len = n;
		sym_secmem_free(text);
		return SYM_OK;
	}
	rc = sym_io_prompt_hidden(buf, cap, len, prompt);
	if (rc != SYM_OK)
		return rc;
	if (*len == 0) {
		rc = SYM_EEMPTYSECRET;
		goto out;
	}
	if (!confirm)
		return SYM_OK;
	again = sym_secmem_alloc(cap);
	if (again == NULL) {
		rc = SYM_ENOMEM;
		goto out;
	}
	rc = sym_io_prompt_hidden(again, cap, &again_len, "Again: ");
	if (rc == SYM_OK && (again_len != *len ||
	    sodium_memcmp(again, buf, *len) != 0))
		rc = SYM_EMISMATCH;
out:
	sym_secmem_free(again);
	if (rc != SYM_OK) {
		sodium_memzero(buf, cap);
		*len = 0;
	}
	return rc;
}

int
sym_passphrase_get_line(char *buf, size_t cap, size_t *len, const char *file,
    unsigned line)
{
	uint8_t *text = NULL;
	size_t text_len = 0, start = 0, end;
	int rc;

	*len = 0;
	rc = sym_io_read_all(&text, &text_len, file,
	    (size_t)SYM_PASSPHRASE_MAX_BYTES * 256);
	if (rc != SYM_OK)
		return rc;
	for (unsigned i = 1; i < line && start < text_len; i++) {
		const uint8_t *nl = memchr(text + start, '\n', text_len - start);

		start = nl ? (size_t)(nl - text) + 1 : text_len;
	}
	end = start;
	while (end < text_len && text[end] != '\n' && text[end] != '\r')
		end++;
	if (line == 0 || end == start)
		rc = SYM_EEMPTYSECRET;
	else if (end - start + 1 > cap)
		rc = SYM_ETOOBIG;
	else {
		memcpy(buf, text + start, end - start);
		buf[end - start] = '\0';
		*len = end - start;
	}
	sym_secmem_free(text);
	return rc;
}
