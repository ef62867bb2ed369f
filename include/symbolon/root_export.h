/*
 * Exporting an image's root key (ceremony layer): what an administrator
 * needs to move an image's content to a new system, or to keep opening it
 * when its seal device is to be retired (Vault's generate-root is the
 * nearest thing Vault has).  Released only to a quorum: unseal shares for
 * a Shamir image, recovery shares and the device for an auto-sealed one
 * (the program gathers them); the export is an audit record.
 *
 * The file is one line, mode 0600, never replacing a file:
 *   "symbolon-root-key-v1 IMAGE-ID-HEX ROOT-KEY-BASE64\n"
 * WARNING: whoever holds it opens the image without shares or device.
 */
#ifndef SYMBOLON_ROOT_EXPORT_H
#define SYMBOLON_ROOT_EXPORT_H

#include <stdint.h>

#include "symbolon/error.h"
#include "symbolon/image.h"

/* Writes the root key of img (unsealed, open for writing) to path, then
 * commits the audit record SYM_AUDIT_EXPORT_ROOT with detail; a failed
 * commit removes the file again (nothing exported without its record). */
int sym_root_export(struct sym_image *img, const char *path,
    const char *detail, uint64_t now) SYM_WARN_UNUSED SYM_NONNULL(1, 2, 3);

/* Unseals img with the root key in the file at path: SYM_EWRONGIMAGE
 * when it is another image's, SYM_EFORMAT when it is not such a file,
 * SYM_ECORRUPT when the key does not open the image. */
int sym_root_export_unseal(struct sym_image *img, const char *path)
    SYM_WARN_UNUSED SYM_NONNULL(1, 2);

#endif
