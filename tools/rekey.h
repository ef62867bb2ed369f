/* symbolon rekey: what tools/rekey.c (options, and the actions that take
 * no shares) and tools/rekey_submit.c (shares toward a rekey) share. */
#ifndef SYMBOLON_TOOLS_REKEY_H
#define SYMBOLON_TOOLS_REKEY_H

#include "symbolon/image.h"
#include "symbolon/rekey.h"

#include "gather.h"

/* Prints what the library says, or why not (path: the image, for a
 * failure that names nothing else); frees the text.  Returns the exit
 * status. */
int rekey_report(int rc, struct sym_rekey_said *said, const char *path);

/* Current shares toward the rekey of p->target, or the new ones for its
 * verification: gather.c asks for them (recovery shares on an auto-sealed
 * image), the submission keeps what it accepts.  Returns the exit
 * status. */
int rekey_submit(struct sym_image *img, struct sym_rekey_submit_params *p,
    const struct gather_options *share_opts);

#endif
