/* Telling a picture from other input without decoding it: kept apart from
 * raster.c (cairo, libjpeg) so that every program can sniff an input and
 * load the picture plugin (picture.h) only for a picture. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "symbolon/raster.h"

static const uint8_t png_signature[8] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
};

enum sym_raster_kind
sym_raster_sniff(const uint8_t *bytes, size_t len)
{
	if (len >= sizeof png_signature &&
	    memcmp(bytes, png_signature, sizeof png_signature) == 0)
		return SYM_RASTER_PNG;
	if (len >= 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff)
		return SYM_RASTER_JPEG;
	return SYM_RASTER_NONE;
}

enum sym_raster_kind
sym_raster_file_kind(const char *path)
{
	uint8_t head[8];
	ssize_t n;
	int fd;

	if (strcmp(path, "-") == 0)
		return SYM_RASTER_NONE;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return SYM_RASTER_NONE;
	do
		n = read(fd, head, sizeof head);
	while (n < 0 && errno == EINTR);
	close(fd);
	return n > 0 ? sym_raster_sniff(head, (size_t)n) : SYM_RASTER_NONE;
}
