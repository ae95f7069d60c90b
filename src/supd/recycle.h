/*
 * Recycling: restart a process gracefully when its tree's resident memory
 * stays above max_rss for max_rss_secs, or after max_uptime (plus up to
 * max_uptime_jitter) seconds in RUNNING, and send PROCESS_RECYCLED.
 */
#ifndef RECYCLE_H
#define RECYCLE_H

/* Watch process states. Once, after bounce_init. */
void	recycle_init(void);
/* Drop timers and records (at exit). */
void	recycle_done(void);

#endif
