/*
 * The dashboard's static files, compiled into the binary from
 * src/supd/web/ by web/embed.py (a meson custom_target): no build step
 * for the page, nothing fetched from elsewhere.
 */
#ifndef WEB_ASSETS_H
#define WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char		*name;		/* "app.js" */
	const char		*type;		/* Content-Type */
	const unsigned char	*data;
	size_t			 len;
};

/* Ended by an entry with a NULL name. */
extern const struct web_asset web_assets[];

#endif
