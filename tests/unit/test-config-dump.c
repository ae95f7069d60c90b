/* Unit tests for config-dump.c: what supd check --print writes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config-dump.h"

/* The dump as text. Caller frees. */
static char *
written(const struct config_dump *d)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	config_dump_write(d, f);
	fclose(f);
	return (buf);
}

static void
test_sections_in_order_first_value_wins(void **state)
{
	struct config_dump	*d = config_dump_create();
	char			*s;

	config_dump_add(d, "supervisord", "loglevel", "info", NULL, 0);
	config_dump_add(d, "program:a", "command", "/bin/true", "a.conf", 3);
	config_dump_add(d, "program:a", "user", NULL, NULL, 0);
	config_dump_add(d, "program:a", "command", "/bin/false", "a.conf", 3);
	config_dump_add(d, "supervisord", "pidfile", "/run/x.pid", NULL, 0);
	s = written(d);
	assert_string_equal(s,
	    "[supervisord]\n"
	    "loglevel = info\n"
	    "pidfile = /run/x.pid\n"
	    "\n"
	    "[program:a]\n"
	    "command = /bin/true\n"
	    "; user is not set\n");
	free(s);
	config_dump_free(d);
}

static void
test_newlines_become_continuation_lines(void **state)
{
	struct config_dump	*d = config_dump_create();
	char			*s;

	config_dump_add(d, "include", "files", "a/*.conf\nb/*.conf", "x", 1);
	s = written(d);
	assert_string_equal(s, "[include]\nfiles = a/*.conf\n    b/*.conf\n");
	free(s);
	config_dump_free(d);
}

static void
test_where(void **state)
{
	struct config_dump	*d = config_dump_create();

	config_dump_add(d, "program:a", "command", "x", "/etc/a.conf", 12);
	config_dump_add(d, "program:a", "umask", "-1", NULL, 0);
	assert_string_equal(config_dump_where(d, "program:a", "command"),
	    "/etc/a.conf:12");
	assert_null(config_dump_where(d, "program:a", "umask"));
	assert_null(config_dump_where(d, "program:b", "command"));
	config_dump_free(d);
	config_dump_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections_in_order_first_value_wins),
		cmocka_unit_test(test_newlines_become_continuation_lines),
		cmocka_unit_test(test_where),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
