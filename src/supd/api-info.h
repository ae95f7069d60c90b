/*
 * A process as the JSON API shows it: the keys of supd.getProcessInfo
 * (Supervisor's getProcessInfo and supd's own), in one place.
 */
#ifndef API_INFO_H
#define API_INFO_H

#include <jansson.h>

struct process;
struct proctree_sample;

/*
 * The object for p at now (new reference). sample, if not NULL, is p's
 * resource use from proctree_sample(); without it api_info_process
 * samples p alone.
 */
json_t	*api_info_process(const struct process *, double now,
	    const struct proctree_sample *);
/* Every process in getAllProcessInfo's order, sampled at once (new). */
json_t	*api_info_all(void);
/* Any bytes as a JSON string, invalid UTF-8 as U+FFFD (new reference). */
json_t	*api_info_text(const char *, size_t);
/* Free what the sampling keeps between calls. */
void	 api_info_close(void);

#endif
