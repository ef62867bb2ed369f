/*
 * symbolon error model.
 *
 * Every library function returns SYM_OK (0) or a negative SYM_E* code; the
 * library never prints and never exits.  sym_strerror() gives a short,
 * lower-case phrase that a program puts after the name of the thing that
 * failed ("share-3.txt: duplicate share (x already entered)").
 *
 * Codes fall in two classes, which decide a program's exit status
 * (minisign's convention): "invalid" means the answer is no (bad share,
 * bad input data) and exits 1; everything else (usage, I/O, resources)
 * exits 2.
 */
#ifndef SYMBOLON_ERROR_H
#define SYMBOLON_ERROR_H

#define SYM_WARN_UNUSED __attribute__((warn_unused_result))
#define SYM_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))

enum sym_error {
	SYM_OK = 0,

	/* invalid input: exit status 1 */
	SYM_EFORMAT = -1,       /* bytes are not in the expected encoding */
	SYM_ETOOFEW = -2,       /* fewer than two shares */
	SYM_ESHARELEN = -3,     /* shares of different lengths */
	SYM_EDUPSHARE = -4,     /* two shares with the same x */
	SYM_EZEROX = -5,        /* a share with x = 0 */
	SYM_EEMPTYSHARE = -6,   /* a share with no y bytes */
	SYM_EEMPTYSECRET = -7,  /* nothing to split */
	SYM_ETOOBIG = -8,       /* input larger than the cap for it */
	SYM_ETRUNCATED = -9,    /* input ends before it should */
	SYM_ENONCANONICAL = -10,/* CBOR not in core deterministic encoding */
	SYM_ETRAILING = -11,    /* bytes after the end of the item */
	SYM_EBADSIG = -12,      /* signature does not verify */
	SYM_EBUNDLETYPE = -13,  /* unknown or unexpected bundle type */
	SYM_EVERSION = -14,     /* unsupported format version */
	SYM_EKID = -15,         /* kid does not name the expected signer */
	SYM_EWRONGSET = -16,    /* share belongs to another set or image */
	SYM_EGENERATION = -17,  /* share of another generation */
	SYM_ECOMMITMENT = -18,  /* share or secret does not match commitment */
	SYM_EDECRYPT = -19,     /* wrong key or passphrase, or tampered */
	SYM_EMANIFEST = -20,    /* manifest does not match */
	SYM_ESCHEMA = -21,      /* a field is missing, extra or of wrong type */
	SYM_ENOTBUNDLE = -22,   /* neither a binary nor a text bundle */
	SYM_ENOTIMAGE = -23,    /* not a symbolon image */
	SYM_EBADHEADER = -24,   /* neither header copy is valid */
	SYM_EWRONGIMAGE = -25,  /* share of another image */
	SYM_EUNSEAL = -26,      /* the shares do not unseal the image */
	SYM_ENOENTRY = -27,     /* no entry of that name */
	SYM_ECORRUPT = -28,     /* stored data fails authentication */
	SYM_EAUDIT = -29,       /* audit chain broken */
	SYM_ESEALED = -30,      /* operation needs an unsealed image */
	SYM_ESHAREROLE = -31,   /* a recovery share where an unseal share is
	                         * expected, or the reverse */
	SYM_ERECOVERY = -32,    /* the recovery shares do not match the
	                         * image's recovery key */

	SYM_ENOQR = -40,        /* no readable QR code in an image */
	SYM_EQRPART = -41,      /* a part of a multi-part bundle is missing */
	SYM_EQRMIX = -42,       /* parts of different bundles, or conflicting */
	SYM_EQRMANY = -43,      /* more than one bundle where one was expected */
	SYM_EIMAGEFILE = -44,   /* not a PNG or JPEG file, or a damaged one */
	SYM_EPIXELS = -45,      /* image has more pixels than the cap */

	/* OpenPGP (pgp.h): invalid keys, messages and signatures */
	SYM_ENOTPGPKEY = -50,   /* not an OpenPGP public key */
	SYM_EPGPSECRET = -51,   /* a secret key given where a public key belongs */
	SYM_EKEYEXPIRED = -52,  /* OpenPGP key (or signature) expired */
	SYM_EKEYREVOKED = -53,  /* OpenPGP key revoked */
	SYM_EKEYDISABLED = -54, /* OpenPGP key disabled in the keyring */
	SYM_ENOENCSUBKEY = -55, /* no valid encryption-capable (sub)key */
	SYM_EMANYKEYS = -56,    /* key file holds more than one key */
	SYM_ENOPGPKEY = -57,    /* no key with that fingerprint in the keyring */
	SYM_ENOTPGPMSG = -58,   /* not an OpenPGP encrypted message */
	SYM_ENOSECKEY = -59,    /* no secret key for any recipient */
	SYM_EPGPCORRUPT = -60,  /* OpenPGP message corrupted or truncated */
	SYM_ENOTPGPSIG = -61,   /* not an OpenPGP detached signature */
	SYM_ENOPUBKEY = -62,    /* signed by a key not in the keyring */

	/* usage, I/O and resources: exit status 2 */
	SYM_EUSAGE = -64,       /* an argument is out of range */
	SYM_ETHRESHOLD = -65,   /* threshold outside 2..shares */
	SYM_ESHARES = -66,      /* share count outside threshold..255 */
	SYM_ENOMEM = -67,
	SYM_ERANDOM = -68,      /* the random source failed */
	SYM_EIO = -69,          /* read/write failed (other errno) */
	SYM_ENOENT = -70,       /* no such file or directory */
	SYM_EACCES = -71,       /* permission denied */
	SYM_EEXIST = -72,       /* output exists (use --force) */
	SYM_ENOSPC = -73,       /* no space left on device */
	SYM_EROFS = -74,        /* read-only file system */
	SYM_ENOTTY = -75,       /* no terminal to prompt on */
	SYM_EINIT = -76,        /* libsodium could not be initialised */
	SYM_EISDIR = -77,       /* a directory where a file was expected */
	SYM_EINTERNAL = -78,
	SYM_EMISMATCH = -79,    /* the two passphrases typed differ */
	SYM_ENOTMPFS = -81,     /* no RAM-backed file system for progress */
	SYM_ENOCAMERA = -88,    /* no camera support, or the camera failed */
	SYM_ENOPICTURE = -89,   /* the picture plugin (picture.h) is missing */

	/* OpenPGP (pgp.h): the GnuPG machinery */
	SYM_ENOAGENT = -90,     /* gpg-agent (or its pinentry) unavailable */
	SYM_EGPGME = -91,       /* GnuPG/GPGME failed otherwise */
	SYM_ECANCELED = -92,    /* passphrase entry cancelled */
	SYM_ENOGPG = -93,       /* GPGME or gpg >= 2.2 not found */

	/* Device seals (seal_device.h) */
	SYM_ENODEVICE = -94,    /* the seal's device is absent or unreachable */
	SYM_EBADPIN = -95,      /* the device refused the PIN */
	SYM_EPINLOCKED = -96,   /* the device's PIN is locked */
	SYM_EDEVKEY = -97,      /* no such key on the device, or one that
	                         * could be copied off it */
	SYM_EDEVUNWRAP = -98,   /* the device does not unwrap this blob:
	                         * another device's, or tampered */
	SYM_EDEVICE = -99,      /* the device failed otherwise */
	SYM_ESEALSPEC = -100,   /* a bad seal string or parameter */
};

/* A short description of code; never NULL. */
const char *sym_strerror(int code);

/* 1 for codes that mean "the input is invalid", 0 otherwise. */
int sym_error_is_invalid(int code);

/* The process exit status for code: 0, 1 (invalid) or 2 (other). */
int sym_exit_status(int code);

/* Maps an errno value to the closest SYM_E* code. */
int sym_error_from_errno(int errnum);

#endif
