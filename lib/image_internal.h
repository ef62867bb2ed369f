/*
 * Private to the image layer (lib/image.c, lib/entry.c, lib/transcript.c;
 * lib/rekey.c still reads img->info, mode, unsealed, identity_secret):
 * the open image and the parts it is made of.  Not installed; programs
 * use include/symbolon/image.h.
 */
#ifndef SYMBOLON_IMAGE_INTERNAL_H
#define SYMBOLON_IMAGE_INTERNAL_H

#include "symbolon/audit.h"
#include "symbolon/image.h"

#include "image_core.h"
#include "image_index.h"
#include "keyring.h"

#endif
