/*
 * Writing Prometheus's text exposition format (version 0.0.4) into an
 * evbuffer: families, label sets, samples and histograms. It allocates
 * nothing of its own; the caller owns the buffer.
 */
#ifndef METRICS_TEXT_H
#define METRICS_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct evbuffer;

#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* "# HELP name help" and "# TYPE name type" (counter, gauge, ...). */
void	metrics_family(struct evbuffer *, const char *name, const char *type,
	    const char *help);

/*
 * Render a label set {k1="v1",k2="v2"} into buf, escaping backslash,
 * double quote and newline in values. pairs holds npairs name/value pairs
 * (2 * npairs strings). Returns the length, or 0 with buf "" when it does
 * not fit (the caller's buffer is sized for its names).
 */
size_t	metrics_labels(char *buf, size_t len, const char *const *pairs,
	    int npairs);

/* One sample line: name, label set (may be ""), value. */
void	metrics_sample(struct evbuffer *, const char *name,
	    const char *labels, double value);
void	metrics_sample_u64(struct evbuffer *, const char *name,
	    const char *labels, uint64_t value);
/* A value given in thousandths, written as 12.5 or 12.345 (no printf). */
void	metrics_sample_milli(struct evbuffer *, const char *name,
	    const char *labels, uint64_t millis);

/* A histogram with fixed upper bounds (ascending, +Inf implied). */
struct metrics_histogram {
	const double	*bounds;
	int		 nbounds;
	uint64_t	*counts;	/* nbounds + 1, not cumulative */
	double		 sum;
	uint64_t	 count;
};

void	metrics_histogram_observe(struct metrics_histogram *, double);
/* The _bucket (cumulative, with le), _sum and _count lines. */
void	metrics_histogram_write(struct evbuffer *, const char *name,
	    const char *labels, const struct metrics_histogram *);

/* Format a value as Prometheus parses it: 3, 0.25, NaN, +Inf. */
size_t	metrics_format_value(char *buf, size_t len, double value);

#endif
