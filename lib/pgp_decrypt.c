/*
 * Decryption through GPGME (see pgp.h) into secure memory: with the
 * user's own pinentry (sym_pgp_decrypt), or in a chosen pinentry mode
 * with a PIN callback (sym_pgp_decrypt_pin); and whether gpg-agent
 * answers at all, which gpg cannot tell from a missing secret key.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gpgme.h>
#include <sodium.h>

#include "symbolon/pgp.h"
#include "symbolon/pgp_packet.h"
#include "symbolon/secmem.h"

#include "pgp_internal.h"

/* ---- decryption ---- */

/* Where decrypted bytes go: secure memory only.  grow: a buffer of ours
 * that grows (with room for a NUL) up to max; else the caller's, of cap. */
struct secure_sink {
	unsigned char *buf;
	size_t len, cap, max;
	int grow, too_big, no_mem;
};

static ssize_t
sink_write(void *handle, const void *data, size_t size)
{
	struct secure_sink *s = handle;

	if (size > s->max - s->len) {
		s->too_big = 1;
		errno = EFBIG;
		return -1;
	}
	/* +1: room for the NUL that sym_pgp_decrypt promises. */
	if (s->grow && s->len + size + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 256;

		while (cap < s->len + size + 1)
			cap *= 2;
		if (sym_secmem_grow(&s->buf, &s->cap, s->len, cap) != SYM_OK) {
			s->no_mem = 1;
			errno = ENOMEM;
			return -1;
		}
	}
	memcpy(s->buf + s->len, data, size);
	s->len += size;
	return (ssize_t)size;
}

/* Runs gpgme_op_decrypt of msg on ctx into sink; *err: gpg's verdict. */
static int
run_decrypt(gpgme_error_t *err, gpgme_ctx_t ctx, struct secure_sink *sink,
    const uint8_t *msg, size_t msg_len)
{
	/* GPGME keeps a pointer to cbs: it lives as long as out. */
	struct gpgme_data_cbs cbs = { NULL, sink_write, NULL, NULL };
	gpgme_data_t in = NULL, out = NULL;
	int ret = SYM_ENOMEM;

	*err = 0;
	if (gpgme_data_new_from_mem(&in, (const char *)msg, msg_len, 0) != 0 ||
	    gpgme_data_new_from_cbs(&out, &cbs, sink) != 0)
		goto out;
	/*
	 * The plaintext reaches us only through sink_write, into secure
	 * memory.  On its way GPGME reads each chunk from gpg's pipe into a
	 * buffer on its stack (_gpgme_data_inbound_handler) that it does not
	 * wipe, and gpg itself holds it in ordinary memory.
	 */
	*err = gpgme_op_decrypt(ctx, in, out);
	ret = SYM_OK;
out:
	gpgme_data_release(out);
	gpgme_data_release(in);
	return ret;
}

/*
 * 1 if gpg-agent answers on its socket.  gpg reports a missing agent as
 * "no secret key" (NO_SECKEY status), so after such a failure we ask the
 * agent ourselves; gpg will already have tried to start it.
 */
int
sym_pgp_agent_reachable(void)
{
	const char *socket;
	gpgme_ctx_t ctx = NULL;
	gpgme_error_t err, op_err = 0;
	int ok = 0;

	if (sym_pgp_init() != SYM_OK)
		return 0;
	socket = gpgme_get_dirinfo("agent-socket");
	if (socket == NULL || gpgme_new(&ctx) != 0)
		return 0;
	if (gpgme_set_protocol(ctx, GPGME_PROTOCOL_ASSUAN) == 0 &&
	    gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_ASSUAN, socket,
	    NULL) == 0) {
		err = gpgme_op_assuan_transact_ext(ctx, "GETINFO version",
		    NULL, NULL, NULL, NULL, NULL, NULL, &op_err);
		ok = err == 0 && op_err == 0;
	}
	gpgme_release(ctx);
	return ok;
}

static int
all_hidden(const struct sym_pgp_keyids *ids)
{
	if (ids->count == 0)
		return 0;
	for (size_t i = 0; i < ids->count; i++)
		if (strspn(ids->key[i].keyid, "0") != SYM_PGP_KEYID_CHARS)
			return 0;
	return 1;
}

/* What a failed gpgme_op_decrypt means, in our codes: gpg reports a
 * missing key, a dead agent and a damaged message in several ways. */
static int
decrypt_error(gpgme_error_t err, const struct sym_pgp_keyids *ids)
{
	int ret;

	switch (gpg_err_code(err)) {
	case GPG_ERR_NO_ERROR:
		ret = SYM_OK;
		break;
	case GPG_ERR_NO_SECKEY:
		ret = sym_pgp_agent_reachable() ? SYM_ENOSECKEY : SYM_ENOAGENT;
		break;
	case GPG_ERR_DECRYPT_FAILED:
		/* gpg cannot say NO_SECKEY for hidden recipients. */
		if (!sym_pgp_agent_reachable())
			ret = SYM_ENOAGENT;
		else if (all_hidden(ids) && ids->passphrases == 0)
			ret = SYM_ENOSECKEY;
		else
			ret = SYM_EPGPCORRUPT;
		break;
	case GPG_ERR_NO_DATA:
		/* It looked like a message (sniffed), but gpg found none. */
		ret = SYM_EPGPCORRUPT;
		break;
	case GPG_ERR_BAD_DATA:
	case GPG_ERR_INV_PACKET:
	case GPG_ERR_INV_DATA:
	case GPG_ERR_CHECKSUM:
	case GPG_ERR_TRUNCATED:
	case GPG_ERR_UNEXPECTED:
	case GPG_ERR_INV_KEYLEN:
	case GPG_ERR_BAD_KEY:
	case GPG_ERR_INV_LENGTH:
		ret = SYM_EPGPCORRUPT;
		break;
	default:
		ret = pgp_map_gpgme_error(err);
		break;
	}
	return ret;
}

int
sym_pgp_decrypt(uint8_t **plain, size_t *plain_len,
    struct sym_pgp_keyids *to, const uint8_t *msg, size_t msg_len)
{
	struct secure_sink sink = { NULL, 0, 0, SYM_PGP_PLAINTEXT_MAX, 1, 0,
	    0 };
	struct sym_pgp_keyids ids;
	gpgme_ctx_t ctx = NULL;
	gpgme_error_t err;
	int ret;

	*plain = NULL;
	*plain_len = 0;
	if (to != NULL)
		memset(to, 0, sizeof *to);
	if (msg_len > SYM_PGP_MESSAGE_MAX)
		return SYM_ETOOBIG;
	if (sym_pgp_sniff(msg, msg_len) == SYM_PGP_NONE)
		return SYM_ENOTPGPMSG;
	if (sym_pgp_list_recipients(&ids, msg, msg_len) != SYM_OK)
		memset(&ids, 0, sizeof ids);
	if (to != NULL)
		*to = ids;
	if ((ret = pgp_new_ctx(&ctx, NULL)) != SYM_OK ||
	    (ret = run_decrypt(&err, ctx, &sink, msg, msg_len)) != SYM_OK)
		goto out;
	if (sink.too_big) {
		ret = SYM_ETOOBIG;
		goto out;
	}
	if (sink.no_mem) {
		ret = SYM_ENOMEM;
		goto out;
	}
	ret = decrypt_error(err, &ids);
	if (ret != SYM_OK)
		goto out;
	if (sink.buf == NULL) {
		/* An empty plaintext: still a buffer with its NUL. */
		sink.buf = sym_secmem_alloc(1);
		if (sink.buf == NULL) {
			ret = SYM_ENOMEM;
			goto out;
		}
		sink.cap = 1;
	}
	sink.buf[sink.len] = '\0';
	*plain = sink.buf;
	*plain_len = sink.len;
	sink.buf = NULL;
	ret = SYM_OK;
out:
	sym_secmem_free(sink.buf);
	gpgme_release(ctx);
	return ret;
}

/* ---- decryption with a chosen pinentry mode ---- */

struct pin_hook {
	sym_pgp_pin_fn fn;
	void *arg;
	int err;                /* the PIN could not be handed to gpg */
};

static gpgme_error_t
pin_cb(void *hook, const char *uid_hint, const char *info, int prev_was_bad,
    int fd)
{
	struct pin_hook *h = hook;
	char *buf;
	size_t len = 0;
	int ret;

	(void)uid_hint;
	(void)info;
	if ((buf = sym_secmem_alloc(SYM_PGP_PIN_MAX + 2)) == NULL) {
		h->err = SYM_ENOMEM;
		return gpg_error(GPG_ERR_CANCELED);
	}
	ret = h->fn(h->arg, buf, SYM_PGP_PIN_MAX + 1, &len, prev_was_bad != 0);
	if (ret == SYM_OK && len > SYM_PGP_PIN_MAX)
		ret = SYM_EUSAGE;
	if (ret == SYM_OK) {
		buf[len++] = '\n';
		if (gpgme_io_writen(fd, buf, len) != 0)
			h->err = ret = SYM_EIO;
	}
	sym_secmem_free(buf);
	return ret == SYM_OK ? 0 : gpg_error(GPG_ERR_CANCELED);
}

/* gpg's verdict (the failing recipient's own status first) in our
 * codes, with its text. */
static void
verdict(struct sym_pgp_verdict *v, gpgme_ctx_t ctx, gpgme_error_t err)
{
	gpgme_decrypt_result_t res = gpgme_op_decrypt_result(ctx);

	if (err != 0 && res != NULL && res->recipients != NULL &&
	    res->recipients->status != 0)
		err = res->recipients->status;
	snprintf(v->detail, sizeof v->detail, "%s",
	    err != 0 ? gpgme_strerror(err) : "");
	switch (gpg_err_code(err)) {
	case GPG_ERR_NO_ERROR:
		v->status = SYM_OK;
		break;
	case GPG_ERR_BAD_PASSPHRASE:
	case GPG_ERR_BAD_PIN:
		v->status = SYM_EBADPIN;
		break;
	case GPG_ERR_PIN_BLOCKED:
		v->status = SYM_EPINLOCKED;
		break;
	case GPG_ERR_CANCELED:
	case GPG_ERR_FULLY_CANCELED:
		v->status = SYM_ECANCELED;
		break;
	case GPG_ERR_NO_PIN_ENTRY:
	case GPG_ERR_PIN_ENTRY:
		v->status = SYM_ENOTTY;
		break;
	case GPG_ERR_NO_AGENT:
	case GPG_ERR_AGENT:
		v->status = SYM_ENOAGENT;
		break;
	case GPG_ERR_NO_SCDAEMON:
	case GPG_ERR_CARD_NOT_PRESENT:
	case GPG_ERR_CARD_REMOVED:
	case GPG_ERR_ENODEV:
		v->status = SYM_ENODEVICE;
		break;
	case GPG_ERR_NO_SECKEY:
		v->status = SYM_ENOSECKEY;
		break;
	default:
		v->status = SYM_EDECRYPT;
		break;
	}
}

static int
set_pinentry(gpgme_ctx_t ctx, enum sym_pgp_pinentry mode,
    struct pin_hook *h)
{
	gpgme_error_t err = 0;

	switch (mode) {
	case SYM_PGP_PINENTRY_LOOPBACK:
		if (h->fn == NULL)
			return SYM_EUSAGE;
		err = gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_LOOPBACK);
		gpgme_set_passphrase_cb(ctx, pin_cb, h);
		break;
	case SYM_PGP_PINENTRY_ERROR:
		err = gpgme_set_pinentry_mode(ctx, GPGME_PINENTRY_MODE_ERROR);
		break;
	case SYM_PGP_PINENTRY_AGENT:
		break;
	default:
		return SYM_EUSAGE;
	}
	return err != 0 ? SYM_ENOGPG : SYM_OK;
}

int
sym_pgp_decrypt_pin(uint8_t *plain, size_t *plain_len, size_t cap,
    struct sym_pgp_verdict *v, const uint8_t *msg, size_t msg_len,
    enum sym_pgp_pinentry mode, sym_pgp_pin_fn pin, void *arg)
{
	struct secure_sink sink = { plain, 0, cap, cap, 0, 0, 0 };
	struct pin_hook h = { pin, arg, SYM_OK };
	gpgme_ctx_t ctx = NULL;
	gpgme_error_t err;
	int ret;

	*plain_len = 0;
	memset(v, 0, sizeof *v);
	v->status = SYM_EDECRYPT;
	if (msg_len > SYM_PGP_MESSAGE_MAX)
		return SYM_ETOOBIG;
	if ((ret = pgp_new_ctx(&ctx, NULL)) != SYM_OK ||
	    (ret = set_pinentry(ctx, mode, &h)) != SYM_OK ||
	    (ret = run_decrypt(&err, ctx, &sink, msg, msg_len)) != SYM_OK)
		goto out;
	verdict(v, ctx, err);
	if (h.err != SYM_OK)
		v->status = h.err;
	else if (v->status == SYM_OK && sink.too_big)
		v->status = SYM_ETOOBIG;
	if (v->status == SYM_OK)
		*plain_len = sink.len;
	ret = SYM_OK;
out:
	if (*plain_len == 0 && cap > 0)
		sodium_memzero(plain, cap);
	gpgme_release(ctx);
	return ret;
}
