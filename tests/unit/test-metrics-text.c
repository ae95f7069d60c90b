/* Tests of the Prometheus text writer: values, label escaping, histograms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/buffer.h>

#include "metrics-text.h"

static char *
drain(struct evbuffer *b)
{
	size_t	 n = evbuffer_get_length(b);
	char	*s = malloc(n + 1);

	evbuffer_remove(b, s, n);
	s[n] = '\0';
	return (s);
}

static void
test_values(void **state)
{
	char	buf[32];

	assert_int_equal(metrics_format_value(buf, sizeof buf, 0), 1);
	assert_string_equal(buf, "0");
	buf[metrics_format_value(buf, sizeof buf, 1234567)] = '\0';
	assert_string_equal(buf, "1234567");
	buf[metrics_format_value(buf, sizeof buf, 0.25)] = '\0';
	assert_string_equal(buf, "0.25");
	buf[metrics_format_value(buf, sizeof buf, -3)] = '\0';
	assert_string_equal(buf, "-3");
	buf[metrics_format_value(buf, sizeof buf, NAN)] = '\0';
	assert_string_equal(buf, "NaN");
	buf[metrics_format_value(buf, sizeof buf, INFINITY)] = '\0';
	assert_string_equal(buf, "+Inf");
	buf[metrics_format_value(buf, sizeof buf, 1764993600.5)] = '\0';
	assert_string_equal(buf, "1764993600.5");
}

static void
test_milli(void **state)
{
	struct evbuffer	*b = evbuffer_new();
	char		*s;

	metrics_sample_milli(b, "t", "", 1764993600500);
	metrics_sample_milli(b, "t", "", 0);
	metrics_sample_milli(b, "t", "{a=\"b\"}", 1250);
	metrics_sample_milli(b, "t", "", 7);
	metrics_sample_milli(b, "t", "", 3000);
	s = drain(b);
	assert_string_equal(s, "t 1764993600.5\nt 0\nt{a=\"b\"} 1.25\n"
	    "t 0.007\nt 3\n");
	free(s);
	evbuffer_free(b);
}

static void
test_labels_and_samples(void **state)
{
	struct evbuffer		*b = evbuffer_new();
	const char		*pairs[] = { "group", "web", "name",
				    "we\"ird\\na\nme" };
	char			 labels[128], small[8], *s;

	assert_true(metrics_labels(labels, sizeof labels, pairs, 2) > 0);
	assert_string_equal(labels,
	    "{group=\"web\",name=\"we\\\"ird\\\\na\\nme\"}");
	assert_int_equal(metrics_labels(small, sizeof small, pairs, 2), 0);
	assert_string_equal(small, "");
	assert_int_equal(metrics_labels(small, sizeof small, pairs, 0), 0);

	metrics_family(b, "supd_process_up", "gauge", "1 when RUNNING.");
	metrics_sample_u64(b, "supd_process_up", labels, 1);
	metrics_sample(b, "process_cpu_seconds_total", "", 0.5);
	s = drain(b);
	assert_string_equal(s,
	    "# HELP supd_process_up 1 when RUNNING.\n"
	    "# TYPE supd_process_up gauge\n"
	    "supd_process_up{group=\"web\",name=\"we\\\"ird\\\\na\\nme\"} 1\n"
	    "process_cpu_seconds_total 0.5\n");
	free(s);
	evbuffer_free(b);
}

static void
test_histogram(void **state)
{
	static const double	 bounds[] = { 0.001, 0.01, 0.1 };
	uint64_t		 counts[4] = { 0 };
	struct metrics_histogram h = { bounds, 3, counts, 0, 0 };
	struct evbuffer		*b = evbuffer_new();
	char			*s;

	metrics_histogram_observe(&h, 0.0005);
	metrics_histogram_observe(&h, 0.001);	/* le is inclusive */
	metrics_histogram_observe(&h, 0.05);
	metrics_histogram_observe(&h, 3);
	metrics_histogram_write(b, "supd_rpc_duration_seconds", "", &h);
	metrics_histogram_write(b, "x", "{m=\"a\"}", &h);
	s = drain(b);
	assert_string_equal(s,
	    "supd_rpc_duration_seconds_bucket{le=\"0.001\"} 2\n"
	    "supd_rpc_duration_seconds_bucket{le=\"0.01\"} 2\n"
	    "supd_rpc_duration_seconds_bucket{le=\"0.1\"} 3\n"
	    "supd_rpc_duration_seconds_bucket{le=\"+Inf\"} 4\n"
	    "supd_rpc_duration_seconds_sum 3.0515\n"
	    "supd_rpc_duration_seconds_count 4\n"
	    "x_bucket{m=\"a\",le=\"0.001\"} 2\n"
	    "x_bucket{m=\"a\",le=\"0.01\"} 2\n"
	    "x_bucket{m=\"a\",le=\"0.1\"} 3\n"
	    "x_bucket{m=\"a\",le=\"+Inf\"} 4\n"
	    "x_sum{m=\"a\"} 3.0515\n"
	    "x_count{m=\"a\"} 4\n");
	free(s);
	evbuffer_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_milli),
		cmocka_unit_test(test_labels_and_samples),
		cmocka_unit_test(test_histogram),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
