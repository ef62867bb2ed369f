/*
 * OpenPGP packets without GnuPG (RFC 4880 4.2, 5.1, 6): ASCII armour,
 * packet headers, the recipients of an encrypted message as its session
 * key packets name them, and telling an OpenPGP message or signature from
 * other input.  A codec: no GPGME, no gpg, no secret data.  Everything it
 * reads is untrusted; it reads packet headers and the first bytes of
 * session key packets, never encrypted data, and refuses (never reads
 * past) any length that runs beyond the input.
 *
 * symbolon/pgp.h builds on this (encryption and decryption through GPGME)
 * and keeps sym_pgp_list_recipients and sym_pgp_sniff as its names for
 * the two functions most callers want.
 */
#ifndef SYMBOLON_PGP_PACKET_H
#define SYMBOLON_PGP_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "symbolon/error.h"

#define SYM_PGP_KEYID_CHARS 16u         /* long key id, upper-case hex */
#define SYM_PGP_MESSAGE_MAX (16u << 20) /* a message to decrypt or list */
#define SYM_PGP_RECIPIENTS_MAX 32u

/* RFC 4880 4.3 packet tags */
#define SYM_PGP_TAG_PKESK 1u            /* public-key session key */
#define SYM_PGP_TAG_SIG 2u              /* signature */
#define SYM_PGP_TAG_SKESK 3u            /* passphrase session key */
#define SYM_PGP_TAG_SED 9u              /* symmetrically encrypted data */
#define SYM_PGP_TAG_MARKER 10u          /* "PGP" */
#define SYM_PGP_TAG_SEIPD 18u           /* ... with integrity protection */
#define SYM_PGP_TAG_AEAD 20u            /* AEAD encrypted data */

/* The armour labels of "-----BEGIN PGP MESSAGE-----" and its kin. */
#define SYM_PGP_ARMOR_MESSAGE "PGP MESSAGE"
#define SYM_PGP_ARMOR_SIGNATURE "PGP SIGNATURE"

/* Binary or ASCII-armoured: what sym_pgp_sniff finds, what encrypt makes. */
enum sym_pgp_form {
	SYM_PGP_NONE = 0,
	SYM_PGP_BINARY = 1,
	SYM_PGP_ARMORED = 2,
};

/* Recipients of a message, as its session key packets name them. */
struct sym_pgp_keyids {
	size_t count;           /* public-key packets stored in key[] */
	size_t passphrases;     /* passphrase (symmetric) packets */
	int more;               /* 1 if more than SYM_PGP_RECIPIENTS_MAX */
	struct {
		/* The (sub)key id; "0000000000000000" for a hidden
		 * recipient (gpg --throw-keyids). */
		char keyid[SYM_PGP_KEYID_CHARS + 1];
		int algo;       /* public-key algorithm, RFC 4880 9.1 */
	} key[SYM_PGP_RECIPIENTS_MAX];
};

/* A packet header, as sym_pgp_packet_header decodes it. */
struct sym_pgp_packet {
	unsigned tag;
	size_t header_len;      /* bytes of the header itself */
	size_t body_len;        /* of the first part when partial; not
	                         * checked against the input */
	int partial;            /* new-format partial body length */
	int indeterminate;      /* old-format length type 3 */
};

/*
 * Decodes the packet header at p[0..len), old or new format.  SYM_OK,
 * SYM_EFORMAT (the first byte is not a packet tag) or SYM_ETRUNCATED (the
 * header is cut off).  The caller checks body_len against what is left.
 */
int sym_pgp_packet_header(struct sym_pgp_packet *pk, const uint8_t *p,
    size_t len) SYM_WARN_UNUSED SYM_NONNULL(1);

/* 1 if buf starts, after white space (and a UTF-8 byte order mark), with
 * the line "-----BEGIN <label>-----"; else 0. */
int sym_pgp_packet_armored(const uint8_t *buf, size_t len, const char *label)
    SYM_NONNULL(3);

/*
 * Removes the ASCII armour labelled label from buf: *out (malloc; free()
 * it) gets the binary, *out_len bytes, at least one.  SYM_EFORMAT if buf
 * does not start with the BEGIN line, else SYM_EPGPCORRUPT for any damage
 * (bad base64, a wrong CRC-24 checksum, data after it, no END line) or
 * SYM_ENOMEM.  On error *out is NULL.
 */
int sym_pgp_packet_dearmor(uint8_t **out, size_t *out_len, const uint8_t *buf,
    size_t len, const char *label) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 5);

/*
 * The binary form of msg: if msg is armoured with label, *owned (malloc;
 * free() it) gets the dearmoured bytes and *bin points to them; else *bin
 * is msg itself and *owned NULL.  Errors as sym_pgp_packet_dearmor.
 */
int sym_pgp_packet_binary(const uint8_t **bin, size_t *bin_len,
    uint8_t **owned, const uint8_t *msg, size_t msg_len, const char *label)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3, 6);

/*
 * Lists the session key packets at the start of the binary message
 * p[0..len) (marker packets are skipped) up to the encrypted data packet.
 * SYM_OK, SYM_ENOTPGPMSG (no session key packet first), SYM_EPGPCORRUPT
 * (truncated, or something else after the session keys), SYM_EVERSION (a
 * public-key session key packet of a version other than 3).  *out is
 * zeroed first; on error it may hold the packets read before it.
 */
int sym_pgp_packet_list_esk(struct sym_pgp_keyids *out, const uint8_t *p,
    size_t len) SYM_WARN_UNUSED SYM_NONNULL(1);

/*
 * Lists the recipients of msg (binary or armoured) without decrypting.
 * SYM_OK, SYM_ENOTPGPMSG (not an encrypted message), SYM_EPGPCORRUPT
 * (bad armour, truncated packets), SYM_EVERSION (a session key packet of
 * a version other than 3), SYM_ETOOBIG (above SYM_PGP_MESSAGE_MAX).  On
 * error *out is all zero.
 */
int sym_pgp_packet_list_recipients(struct sym_pgp_keyids *out,
    const uint8_t *msg, size_t msg_len) SYM_WARN_UNUSED SYM_NONNULL(1);

/*
 * Whether the binary message p[0..len) is in its only encoding: public-key
 * session key packets (v3; RSA, Elgamal or ECDH values, each
 * multiprecision integer with its exact bit count, nothing after them),
 * then one integrity-protected data packet (v1) that ends at the last
 * byte, every header (and partial chunk length) in its shortest form; no
 * indeterminate length, no other packet.  gpg accepts bytes after a
 * message, long length forms and inexact bit counts: a caller that
 * compares or stores messages byte for byte refuses those.  SYM_OK or
 * SYM_ENONCANONICAL; *bad, if not NULL, gets the offset of the header
 * (or chunk length) where the refusal was found (0 on success).  Reads
 * headers and session key packets only, never the encrypted data.
 */
int sym_pgp_packet_canonical(size_t *bad, const uint8_t *p, size_t len)
    SYM_WARN_UNUSED;

/*
 * Whether buf looks like an OpenPGP encrypted message: SYM_PGP_ARMORED
 * if, after leading white space, it starts with the line
 * "-----BEGIN PGP MESSAGE-----"; SYM_PGP_BINARY if it starts (after any
 * marker packet) with a well-formed session key packet, public-key (v3)
 * or passphrase (v4/v5); else SYM_PGP_NONE.  Neither a COSE bundle
 * (0xD2), CBOR, base45 text nor a key or signature passes.  Reads at
 * most the first two packet headers.  buf may be NULL (SYM_PGP_NONE).
 */
enum sym_pgp_form sym_pgp_packet_sniff(const uint8_t *buf, size_t len);

/* 1 if buf looks like a detached signature: armoured ("-----BEGIN PGP
 * SIGNATURE-----"), or a whole v3, v4 or v5 signature packet first. */
int sym_pgp_packet_sniff_signature(const uint8_t *buf, size_t len);

#endif
