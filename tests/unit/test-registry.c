/* Unit tests for the pure parts of the registry clients. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "registry-backend.h"
#include "registry-consul.h"
#include "registry-etcd.h"

/* Compare JSON text with the JSON want, ignoring key order. */
static void
check_json(char *got, const char *want)
{
	json_t	*a, *b;

	a = json_loads(got, 0, NULL);
	b = json_loads(want, 0, NULL);
	assert_non_null(a);
	assert_non_null(b);
	if (!json_equal(a, b))
		fail_msg("got %s, want %s", got, want);
	json_decref(a);
	json_decref(b);
	free(got);
}

static void
check_b64(const char *in, const char *want)
{
	char	*got = registry_etcd_base64(in, strlen(in));

	assert_string_equal(got, want);
	free(got);
}

static void
test_base64(void **state)
{
	/* RFC 4648, section 10. */
	check_b64("", "");
	check_b64("f", "Zg==");
	check_b64("fo", "Zm8=");
	check_b64("foo", "Zm9v");
	check_b64("foob", "Zm9vYg==");
	check_b64("fooba", "Zm9vYmE=");
	check_b64("foobar", "Zm9vYmFy");
	check_b64("/services/api/h-0", "L3NlcnZpY2VzL2FwaS9oLTA=");
	check_b64("\xff\xfe", "//4=");
}

static void
test_consul_id(void **state)
{
	char	*id = registry_consul_id("api", "host1", "api_0");

	assert_string_equal(id, "api-host1-api_0");
	free(id);
}

static void
test_consul_register_body(void **state)
{
	const char		*tags[] = { "web", "v2" };
	struct registry_meta	 meta[] = { { "zone", "a" }, { "k", "v" } };
	struct registry_service	 s = {
		.name = "api", .id = "api-h-api_0", .address = "10.0.0.1",
		.port = 8080, .tags = tags, .ntags = 2, .meta = meta,
		.nmeta = 2, .check = REGISTRY_CHECK_TTL,
	};

	check_json(registry_consul_register_body(&s, REGISTRY_PASSING),
	    "{\"ID\":\"api-h-api_0\",\"Name\":\"api\",\"Address\":\"10.0.0.1\","
	    "\"Port\":8080,\"Tags\":[\"web\",\"v2\"],\"Meta\":{\"zone\":\"a\","
	    "\"k\":\"v\"},\"Check\":{\"Name\":\"supd\",\"TTL\":\"30s\","
	    "\"Status\":\"passing\",\"Notes\":\"supd passes and fails this "
	    "check from the process's state\"}}");

	/* No address, port or meta: left out, so Consul uses its own. */
	s.address = NULL;
	s.port = 0;
	s.nmeta = 0;
	s.ntags = 0;
	s.check = REGISTRY_CHECK_HTTP;
	s.check_target = "http://10.0.0.1:8080/health";
	check_json(registry_consul_register_body(&s, REGISTRY_FAILING),
	    "{\"ID\":\"api-h-api_0\",\"Name\":\"api\",\"Tags\":[],"
	    "\"Check\":{\"Name\":\"http\",\"HTTP\":\"http://10.0.0.1:8080/"
	    "health\",\"Interval\":\"10s\",\"Timeout\":\"5s\","
	    "\"Method\":\"GET\"}}");

	/* tcp with no target and no port: no check at all. */
	s.check = REGISTRY_CHECK_TCP;
	s.check_target = NULL;
	check_json(registry_consul_register_body(&s, REGISTRY_PASSING),
	    "{\"ID\":\"api-h-api_0\",\"Name\":\"api\",\"Tags\":[]}");
	s.address = "10.0.0.1";
	s.port = 81;
	check_json(registry_consul_register_body(&s, REGISTRY_PASSING),
	    "{\"ID\":\"api-h-api_0\",\"Name\":\"api\",\"Address\":\"10.0.0.1\","
	    "\"Port\":81,\"Tags\":[],\"Check\":{\"Name\":\"tcp\",\"TCP\":"
	    "\"10.0.0.1:81\",\"Interval\":\"10s\",\"Timeout\":\"5s\"}}");
	s.check = REGISTRY_CHECK_NONE;
	check_json(registry_consul_register_body(&s, REGISTRY_PASSING),
	    "{\"ID\":\"api-h-api_0\",\"Name\":\"api\",\"Address\":\"10.0.0.1\","
	    "\"Port\":81,\"Tags\":[]}");
}

static void
test_consul_update_body(void **state)
{
	check_json(registry_consul_update_body(REGISTRY_PASSING, NULL),
	    "{\"Status\":\"passing\",\"Output\":\"ready\"}");
	check_json(registry_consul_update_body(REGISTRY_FAILING, "exited"),
	    "{\"Status\":\"critical\",\"Output\":\"exited\"}");
}

static void
test_etcd_bodies(void **state)
{
	check_json(registry_etcd_put_body("/s/a", "v", "7587"),
	    "{\"key\":\"L3MvYQ==\",\"value\":\"dg==\",\"lease\":\"7587\"}");
	check_json(registry_etcd_default_value("10.0.0.1", 8080, 42, "api",
	    "api_0"), "{\"address\":\"10.0.0.1\",\"port\":8080,\"pid\":42,"
	    "\"group\":\"api\",\"name\":\"api_0\"}");
	check_json(registry_etcd_default_value(NULL, 0, 42, "api", "api_0"),
	    "{\"address\":null,\"port\":null,\"pid\":42,\"group\":\"api\","
	    "\"name\":\"api_0\"}");
}

static void
test_backoff(void **state)
{
	int	attempt, ms, base;

	/* Drawn from the upper half of 1, 2, 4, 8, 16, 30, 30 s. */
	base = 1000;
	for (attempt = 1; attempt < 12; attempt++) {
		ms = registry_backoff_ms(attempt, 1000, 30000, 0);
		assert_int_equal(ms, base - base / 2);
		ms = registry_backoff_ms(attempt, 1000, 30000, ~0U);
		assert_true(ms >= base / 2 && ms <= base);
		ms = registry_backoff_ms(attempt, 1000, 30000, 12345);
		assert_true(ms >= base / 2 && ms <= base);
		base = base * 2 > 30000 ? 30000 : base * 2;
	}
	assert_int_equal(registry_backoff_ms(1, 1000, 30000, 500), 1000);
	assert_int_equal(registry_backoff_ms(1000, 1000, 30000, 0), 15000);
	assert_int_equal(registry_backoff_ms(1, 1, 1, 7), 1);
}

static void
check_endpoint(const char *s, const char *scheme, const char *host, int port)
{
	char	*gs, *gh, *cause = NULL;
	int	 gp;

	if (registry_endpoint_parse(s, 99, &gs, &gh, &gp, &cause) != 0)
		fail_msg("%s: %s", s, cause);
	if (scheme == NULL)
		assert_null(gs);
	else
		assert_string_equal(gs, scheme);
	assert_string_equal(gh, host);
	assert_int_equal(gp, port);
	free(gs);
	free(gh);
}

static void
check_endpoint_bad(const char *s)
{
	char	*gs, *gh, *cause = NULL;
	int	 gp;

	assert_int_equal(registry_endpoint_parse(s, 99, &gs, &gh, &gp,
	    &cause), -1);
	assert_non_null(strstr(cause, "bad address"));
	free(cause);
}

static void
test_endpoint_parse(void **state)
{
	check_endpoint("127.0.0.1:8500", NULL, "127.0.0.1", 8500);
	check_endpoint("127.0.0.1", NULL, "127.0.0.1", 99);
	check_endpoint(" http://127.0.0.1:2379", "http", "127.0.0.1", 2379);
	check_endpoint("https://consul.local:8501/", "https", "consul.local",
	    8501);
	check_endpoint("http://[::1]:2379", "http", "::1", 2379);
	check_endpoint("[::1]", NULL, "::1", 99);
	check_endpoint_bad("");
	check_endpoint_bad("http://");
	check_endpoint_bad("h:0");
	check_endpoint_bad("h:65536");
	check_endpoint_bad("h:12x");
	check_endpoint_bad("[::1");
	check_endpoint_bad("[::1]x");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_consul_id),
		cmocka_unit_test(test_consul_register_body),
		cmocka_unit_test(test_consul_update_body),
		cmocka_unit_test(test_etcd_bodies),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_endpoint_parse),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
