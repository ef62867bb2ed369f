#include <errno.h>
#include <stddef.h>

#include "symbolon/error.h"

static const struct {
	int code;
	const char *text;
} error_texts[] = {
	{ SYM_OK, "success" },
	{ SYM_EFORMAT, "not a valid encoding" },
	{ SYM_ETOOFEW, "fewer than two shares" },
	{ SYM_ESHARELEN, "shares are of different lengths" },
	{ SYM_EDUPSHARE, "duplicate share (same x already entered)" },
	{ SYM_EZEROX, "share has x = 0, which no valid share has" },
	{ SYM_EEMPTYSHARE, "share is empty" },
	{ SYM_EEMPTYSECRET, "secret is empty" },
	{ SYM_ETOOBIG, "input is too large" },
	{ SYM_ETRUNCATED, "input is truncated" },
	{ SYM_ENONCANONICAL, "CBOR is not in deterministic encoding" },
	{ SYM_ETRAILING, "trailing bytes after the end" },
	{ SYM_EBADSIG, "signature does not verify" },
	{ SYM_EBUNDLETYPE, "unknown or unexpected bundle type" },
	{ SYM_EVERSION, "unsupported format version" },
	{ SYM_EKID, "signed by an unexpected key" },
	{ SYM_EWRONGSET, "share belongs to another set" },
	{ SYM_EGENERATION, "share is of another generation" },
	{ SYM_ECOMMITMENT, "does not match its commitment" },
	{ SYM_EDECRYPT, "cannot decrypt: wrong key or passphrase, or tampered" },
	{ SYM_EMANIFEST, "manifest does not match" },
	{ SYM_ESCHEMA, "missing, unexpected or mistyped field" },
	{ SYM_EUSAGE, "invalid argument" },
	{ SYM_ETHRESHOLD, "threshold must be at least 2 and at most the number of shares" },
	{ SYM_ESHARES, "number of shares must be between the threshold and 255" },
	{ SYM_ENOMEM, "out of memory" },
	{ SYM_ERANDOM, "random source failed" },
	{ SYM_EIO, "input/output error" },
	{ SYM_ENOENT, "no such file or directory" },
	{ SYM_EACCES, "permission denied" },
	{ SYM_EEXIST, "file exists (use --force to replace it)" },
	{ SYM_ENOSPC, "no space left on device" },
	{ SYM_EROFS, "read-only file system" },
	{ SYM_ENOTTY, "no terminal to prompt on" },
	{ SYM_EINIT, "libsodium could not be initialised" },
	{ SYM_EISDIR, "is a directory" },
	{ SYM_EINTERNAL, "internal error" },
	{ SYM_EMISMATCH, "the passphrases do not match" },
	{ SYM_ENOTMPFS, "no RAM-backed file system (tmpfs) for rekey progress: set XDG_RUNTIME_DIR or mount /dev/shm" },
	{ SYM_ENOTIMAGE, "not a symbolon image" },
	{ SYM_EBADHEADER, "both header copies are damaged or forged" },
	{ SYM_EWRONGIMAGE, "share belongs to another image" },
	{ SYM_EUNSEAL, "the shares do not unseal this image" },
	{ SYM_ENOENTRY, "no such entry" },
	{ SYM_ECORRUPT, "stored data fails authentication (corrupted or tampered)" },
	{ SYM_EAUDIT, "audit log chain is broken" },
	{ SYM_ESEALED, "the image must be unsealed first" },
	{ SYM_ENOQR, "no readable QR code in the image (none, or damaged)" },
	{ SYM_EQRPART, "a part of the multi-part bundle is missing" },
	{ SYM_EQRMIX, "QR parts of different bundles, or conflicting copies of a part" },
	{ SYM_EQRMANY, "more than one bundle where one was expected" },
	{ SYM_EIMAGEFILE, "not a PNG or JPEG image, or a damaged one" },
	{ SYM_EPIXELS, "image has more pixels than the cap (40 megapixels)" },
	{ SYM_ENOCAMERA, "camera not available (no video support, or no such device)" },
	{ SYM_ENOPICTURE, "picture support not installed (libsymbolon-picture.so)" },
	{ SYM_ENOTBUNDLE, "not a symbolon bundle (neither binary COSE nor SYM1: text)" },
	{ SYM_ENOTPGPKEY, "not an OpenPGP public key" },
	{ SYM_EPGPSECRET, "this is an OpenPGP secret key: give the public key (gpg --export)" },
	{ SYM_EKEYEXPIRED, "OpenPGP key has expired" },
	{ SYM_EKEYREVOKED, "OpenPGP key has been revoked" },
	{ SYM_EKEYDISABLED, "OpenPGP key is disabled in the keyring" },
	{ SYM_ENOENCSUBKEY, "OpenPGP key has no valid encryption subkey" },
	{ SYM_EMANYKEYS, "more than one OpenPGP key in the file" },
	{ SYM_ENOPGPKEY, "no OpenPGP key with that fingerprint in the keyring" },
	{ SYM_ENOTPGPMSG, "not an OpenPGP encrypted message" },
	{ SYM_ENOSECKEY, "no secret key for any recipient of the OpenPGP message" },
	{ SYM_EPGPCORRUPT, "OpenPGP message is corrupted or truncated" },
	{ SYM_ENOTPGPSIG, "not an OpenPGP detached signature" },
	{ SYM_ENOPUBKEY, "signed by an OpenPGP key that is not in the keyring" },
	{ SYM_ENOAGENT, "gpg-agent (or its pinentry) is not available" },
	{ SYM_EGPGME, "GnuPG failed" },
	{ SYM_ECANCELED, "cancelled at the passphrase prompt" },
	{ SYM_ENOGPG, "GnuPG 2.2 or later (gpg, GPGME) not found" },
	{ SYM_ESHAREROLE, "a recovery share where an unseal share is expected, or the reverse" },
	{ SYM_ERECOVERY, "the recovery shares do not match this image's recovery key" },
	{ SYM_ENODEVICE, "the seal's device is absent or does not answer" },
	{ SYM_EBADPIN, "the device refused the PIN" },
	{ SYM_EPINLOCKED, "the device's PIN is locked" },
	{ SYM_EDEVKEY, "no suitable key on the device" },
	{ SYM_EDEVUNWRAP, "the device does not unwrap this key (another device's key, or tampered)" },
	{ SYM_EDEVICE, "the seal's device failed" },
	{ SYM_ESEALSPEC, "bad seal string" },
};

const char *
sym_strerror(int code)
{
	for (size_t i = 0; i < sizeof error_texts / sizeof error_texts[0]; i++)
		if (error_texts[i].code == code)
			return error_texts[i].text;
	return "unknown error";
}

int
sym_error_is_invalid(int code)
{
	/* Invalid-input codes sit just below zero; see error.h. */
	return code < 0 && code > SYM_EUSAGE;
}

int
sym_exit_status(int code)
{
	if (code == SYM_OK)
		return 0;
	return sym_error_is_invalid(code) ? 1 : 2;
}

int
sym_error_from_errno(int errnum)
{
	switch (errnum) {
	case 0:
		return SYM_EIO;
	case ENOENT:
	case ENOTDIR:
		return SYM_ENOENT;
	case EACCES:
	case EPERM:
		return SYM_EACCES;
	case EEXIST:
		return SYM_EEXIST;
	case ENOSPC:
	case EDQUOT:
		return SYM_ENOSPC;
	case EROFS:
		return SYM_EROFS;
	case ENOMEM:
		return SYM_ENOMEM;
	case EISDIR:
		return SYM_EISDIR;
	case ENOTTY:
	case ENXIO:
		return SYM_ENOTTY;
	default:
		return SYM_EIO;
	}
}
