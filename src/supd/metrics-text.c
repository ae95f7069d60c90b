/*
 * Prometheus text format 0.0.4. A scrape of a thousand programs writes
 * tens of thousands of lines, so integers, which most values are, take a
 * path without printf, and label sets are rendered once per series by the
 * caller, not per line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "metrics-text.h"

void
metrics_family(struct evbuffer *out, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

size_t
metrics_labels(char *buf, size_t len, const char *const *pairs, int npairs)
{
	size_t		 n = 0;
	const char	*v;
	int		 i;

#define PUT(c) do {			\
	if (n + 1 >= len)		\
		goto overflow;		\
	buf[n++] = (c);			\
} while (0)
	if (npairs == 0) {
		if (len > 0)
			buf[0] = '\0';
		return (0);
	}
	PUT('{');
	for (i = 0; i < npairs; i++) {
		if (i > 0)
			PUT(',');
		for (v = pairs[2 * i]; *v != '\0'; v++)
			PUT(*v);
		PUT('=');
		PUT('"');
		for (v = pairs[2 * i + 1]; *v != '\0'; v++) {
			if (*v == '\\' || *v == '"') {
				PUT('\\');
				PUT(*v);
			} else if (*v == '\n') {
				PUT('\\');
				PUT('n');
			} else
				PUT(*v);
		}
		PUT('"');
	}
	PUT('}');
#undef PUT
	buf[n] = '\0';
	return (n);
overflow:
	if (len > 0)
		buf[0] = '\0';
	return (0);
}

/* Decimal digits of v, without printf. */
static size_t
metrics_format_u64(char *buf, uint64_t v)
{
	char	tmp[24];
	size_t	n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return (n);
}

size_t
metrics_format_value(char *buf, size_t len, double value)
{
	int	n;

	if (isnan(value))
		n = snprintf(buf, len, "NaN");
	else if (isinf(value))
		n = snprintf(buf, len, value > 0 ? "+Inf" : "-Inf");
	else if (value >= 0 && value < 1e15 && value == (double)(uint64_t)value &&
	    len >= 24) {
		n = (int)metrics_format_u64(buf, (uint64_t)value);
		buf[n] = '\0';
		return ((size_t)n);
	} else {
		/* The shortest form that reads back as the same double. */
		n = snprintf(buf, len, "%.15g", value);
		if (strtod(buf, NULL) != value)
			n = snprintf(buf, len, "%.17g", value);
	}
	return (n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1);
}

static void
metrics_line(struct evbuffer *out, const char *name, const char *labels,
    const char *value, size_t vlen)
{
	struct evbuffer_iovec	 iov;
	size_t			 nlen = strlen(name), llen = strlen(labels);
	size_t			 need = nlen + llen + vlen + 2;
	char			*p;

	/* One reservation per line: no intermediate copies. */
	if (evbuffer_reserve_space(out, need, &iov, 1) < 1)
		return;
	p = iov.iov_base;
	memcpy(p, name, nlen);
	p += nlen;
	memcpy(p, labels, llen);
	p += llen;
	*p++ = ' ';
	memcpy(p, value, vlen);
	p += vlen;
	*p++ = '\n';
	iov.iov_len = need;
	evbuffer_commit_space(out, &iov, 1);
}

void
metrics_sample(struct evbuffer *out, const char *name, const char *labels,
    double value)
{
	char	v[32];
	size_t	n;

	n = metrics_format_value(v, sizeof v, value);
	metrics_line(out, name, labels, v, n);
}

void
metrics_sample_u64(struct evbuffer *out, const char *name,
    const char *labels, uint64_t value)
{
	char	v[24];
	size_t	n;

	n = metrics_format_u64(v, value);	/* no NUL needed here */
	metrics_line(out, name, labels, v, n);
}

void
metrics_sample_milli(struct evbuffer *out, const char *name,
    const char *labels, uint64_t millis)
{
	char	v[32];
	size_t	n;
	int	frac = (int)(millis % 1000);

	/* Integer digits only: printf of a double costs a microsecond. */
	n = metrics_format_u64(v, millis / 1000);
	if (frac != 0) {
		v[n++] = '.';
		v[n++] = (char)('0' + frac / 100);
		if (frac % 100 != 0) {
			v[n++] = (char)('0' + frac / 10 % 10);
			if (frac % 10 != 0)
				v[n++] = (char)('0' + frac % 10);
		}
	}
	metrics_line(out, name, labels, v, n);
}

void
metrics_histogram_observe(struct metrics_histogram *h, double value)
{
	int	i;

	for (i = 0; i < h->nbounds && value > h->bounds[i]; i++)
		;
	h->counts[i]++;
	h->sum += value;
	h->count++;
}

/* labels with le="bound" added: {a="b",le="0.5"} or {le="0.5"}. */
static void
metrics_bucket_labels(char *buf, size_t len, const char *labels,
    const char *le)
{
	size_t	llen = strlen(labels);

	if (llen >= 2)
		snprintf(buf, len, "%.*s,le=\"%s\"}", (int)(llen - 1), labels,
		    le);
	else
		snprintf(buf, len, "{le=\"%s\"}", le);
}

void
metrics_histogram_write(struct evbuffer *out, const char *name,
    const char *labels, const struct metrics_histogram *h)
{
	char		 metric[128], lab[512], le[32];
	uint64_t	 cumulative = 0;
	int		 i;

	snprintf(metric, sizeof metric, "%s_bucket", name);
	for (i = 0; i <= h->nbounds; i++) {
		cumulative += h->counts[i];
		if (i < h->nbounds)
			metrics_format_value(le, sizeof le, h->bounds[i]);
		else
			snprintf(le, sizeof le, "+Inf");
		metrics_bucket_labels(lab, sizeof lab, labels, le);
		metrics_sample_u64(out, metric, lab, cumulative);
	}
	snprintf(metric, sizeof metric, "%s_sum", name);
	metrics_sample(out, metric, labels, h->sum);
	snprintf(metric, sizeof metric, "%s_count", name);
	metrics_sample_u64(out, metric, labels, h->count);
}
