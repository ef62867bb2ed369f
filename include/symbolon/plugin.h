/*
 * Plugins (base layer): parts of the library that link heavy libraries
 * (cairo and zbar for pictures, tpm2-tss for the TPM seal) live in shared
 * objects loaded on first use, so that programs which never meet a
 * picture or a TPM start without them.
 *
 * A plugin file is looked for beside the running program first (bin/
 * next to build/, build/test-bin/ and build/tests/ inside build/,
 * build/asan/tests/ two levels down, an installed bin/ next to
 * lib/symbolon/), then in the installed directory.
 */
#ifndef SYMBOLON_PLUGIN_H
#define SYMBOLON_PLUGIN_H

#ifndef SYM_PICTURE_DIR
#define SYM_PICTURE_DIR "/usr/local/lib/symbolon"
#endif
/* Where plugins are installed (the Makefile's PICTUREDIR). */
#define SYM_PLUGIN_DIR SYM_PICTURE_DIR

/* The address of symbol in plugin file, or NULL when no such file loads
 * or it lacks the symbol.  A loaded plugin is never unloaded: what it
 * returns may live as long as the process. */
void *sym_plugin_symbol(const char *file, const char *symbol);

#endif
