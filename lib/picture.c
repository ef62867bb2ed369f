#include <stddef.h>

#include "symbolon/picture.h"
#include "symbolon/plugin.h"

/* Weak: a program that links the picture code has it; one that does not
 * sees NULL here and loads the plugin instead (picture.h). */
extern const struct sym_picture_ops sym_picture_plugin
    __attribute__((weak));

static const struct sym_picture_ops *
load(void)
{
	const struct sym_picture_ops *ops =
	    sym_plugin_symbol(SYM_PICTURE_FILE, SYM_PICTURE_SYMBOL);

	return ops != NULL && ops->abi == SYM_PICTURE_ABI ? ops : NULL;
}

int
sym_picture_get(const struct sym_picture_ops **ops)
{
	static const struct sym_picture_ops *loaded;

	if (loaded == NULL)
		loaded = &sym_picture_plugin != NULL ? &sym_picture_plugin :
		    load();
	*ops = loaded;
	return loaded != NULL ? SYM_OK : SYM_ENOPICTURE;
}
