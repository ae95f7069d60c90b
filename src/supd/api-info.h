/*
 * A process as the JSON API shows it: the keys of supd.getProcessInfo
 * (Supervisor's getProcessInfo and supd's own), in one place.
 */
#ifndef API_INFO_H
#define API_INFO_H

#include <jansson.h>

struct process;

/*
 * The object for p at now (new reference). Its rss and cpu come from a
 * sample of every process at most a second old.
 */
json_t	*api_info_process(const struct process *, double now);
/* Every process in getAllProcessInfo's order, sampled now (new). */
json_t	*api_info_all(void);
/* Any bytes as a JSON string, invalid UTF-8 as U+FFFD (new reference). */
json_t	*api_info_text(const char *, size_t);
/* Free what the sampling keeps between calls. */
void	 api_info_close(void);

#endif
