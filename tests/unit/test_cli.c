/* argp parsing: every option, and the one-line errors for bad values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "cli.h"
#include "rules.h"
#include "floor.h"

#define PARSE(cfg, ...) ({						\
	char *argv[] = { "lazytrace", __VA_ARGS__, NULL };		\
	cli_parse(sizeof(argv) / sizeof(argv[0]) - 1, argv, cfg, true);	\
})

static void defaults(void **state)
{
	struct lt_config c;
	char *argv[] = { "lazytrace", NULL };

	assert_int_equal(cli_parse(1, argv, &c, true), 0);
	assert_int_equal(c.stacks, 8);
	assert_int_equal(c.rules, -1);
	assert_int_equal(c.mode, LT_MODE_AUTO);
	assert_false(c.json);
	assert_null(c.tracefs_path);	/* the usual two places */
	assert_true(c.duration == 0 && c.interval == 0 && c.count == 0);
}

static void all_options(void **state)
{
	struct lt_config c;

	assert_int_equal(PARSE(&c, "-p", "42", "-c", "/sys/fs/cgroup/x",
			       "--comm", "postgres", "-d", "1.5", "-j",
			       "--stacks", "4", "-v", "-v", "--fail-on",
			       "alloc_in_lazy,open_at_exit", "--mode", "kprobe",
			       "--rules", "pre-7.0", "--by-cgroup", "-o", "out",
			       "--btf", "/tmp/btf", "--tracefs", "/mnt/tr",
			       "5", "3"), 0);
	assert_int_equal(c.pid, 42);
	assert_string_equal(c.cgroup_path, "/sys/fs/cgroup/x");
	assert_string_equal(c.comm, "postgres");
	assert_true(c.comm_on);
	assert_true(c.duration == 1.5);
	assert_true(c.json);
	assert_int_equal(c.stacks, 4);
	assert_int_equal(c.verbose, 2);
	assert_int_equal(c.fail_on, (1u << LT_K_ALLOC_IN_LAZY) |
				    (1u << LT_K_OPEN_AT_EXIT));
	assert_int_equal(c.mode, LT_MODE_KPROBE);
	assert_int_equal(c.rules, LT_RULES_PRE7);
	assert_true(c.by_cgroup);
	assert_string_equal(c.output, "out");
	assert_string_equal(c.btf_path, "/tmp/btf");
	assert_string_equal(c.tracefs_path, "/mnt/tr");
	assert_true(c.interval == 5);
	assert_int_equal(c.count, 3);
}

static void fail_on_any(void **state)
{
	struct lt_config c;

	assert_int_equal(PARSE(&c, "--fail-on", "any"), 0);
	assert_int_equal(c.fail_on, LT_FAIL_ANY);
}

static void metrics_top_and_rate(void **state)
{
	struct lt_config c;

	assert_int_equal(PARSE(&c, "--dedup"), 0);
	assert_int_equal(c.metrics_top, 10);	/* the default */
	assert_int_equal(c.info, LT_INFO_COUNT);	/* the default */
	assert_int_equal(PARSE(&c, "--info", "all"), 0);
	assert_int_equal(c.info, LT_INFO_ALL);
	assert_int_equal(PARSE(&c, "--info=first"), 0);
	assert_int_equal(c.info, LT_INFO_FIRST);
	assert_int_not_equal(PARSE(&c, "--info", "some"), 0);
	assert_non_null(strstr(c.err, "unknown --info 'some'"));
	assert_int_equal(PARSE(&c, "--metrics-top", "0"), 0);
	assert_int_equal(c.metrics_top, 0);
	assert_int_equal(PARSE(&c, "--metrics-top", "64"), 0);
	assert_int_equal(c.metrics_top, 64);
	assert_int_equal(PARSE(&c, "--rate-limit",
			       "00000000000000000000000000005/s"), 0);
	assert_true(c.rate_limit == 5);
	assert_int_equal(PARSE(&c, "--rate-limit", "2.5"), 0);
	assert_true(c.rate_limit == 2.5);
}

static void rejects(void **state)
{
	static const struct { const char *opt, *val, *msg; } bad[] = {
		{ "-p", "0", "invalid pid" },
		{ "-p", "abc", "invalid pid" },
		{ "-d", "-1", "invalid duration" },
		{ "-d", "0", "invalid duration" },
		{ "-d", "1e9", "invalid duration" },
		{ "-d", "5x", "invalid duration" },
		{ "--mode", "uprobe", "unknown --mode 'uprobe'" },
		{ "--rules", "6.0", "unknown --rules '6.0'" },
		{ "--fail-on", "alloc_in_lazy,bogus", "unknown --fail-on kind 'bogus'" },
		/* found by fuzz_names: an empty list would never fail */
		{ "--fail-on", "", "--fail-on needs a kind" },
		{ "--fail-on", ",,", "--fail-on needs a kind" },
		{ "--comm", "a-name-far-too-long", "--comm takes 1 to 15" },
		{ "--stacks", "33", "--stacks takes 0 to 32" },
		{ "--ring-buffer", "3000", "--ring-buffer takes KiB" },
		{ "--ring-buffer", "2", "--ring-buffer takes KiB" },
		{ "--ring-buffer", "524288", "--ring-buffer takes KiB" },
		{ "--metrics-top", "65", "--metrics-top takes 0 to 64" },
		{ "--metrics-top", "-1", "--metrics-top takes 0 to 64" },
		{ "--metrics-top", "3x", "--metrics-top takes 0 to 64" },
		{ "--rate-limit", "5/sjunk", "invalid --rate-limit" },
		{ "--rate-limit", "5/m", "invalid --rate-limit" },
		{ "--rate-limit", "0/s", "invalid --rate-limit" },
		/* a 32-byte copy once cut the junk off and accepted this */
		{ "--rate-limit", "00000000000000000000000000005/sjunk",
		  "invalid --rate-limit" },
		{ "--tracefs", "", "--tracefs needs a directory" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lt_config c;
		char *argv[] = { "lazytrace", (char *)bad[i].opt,
				 (char *)bad[i].val, NULL };

		assert_int_not_equal(cli_parse(3, argv, &c, true), 0);
		assert_non_null(strstr(c.err, bad[i].msg));
		assert_null(strchr(c.err, '\n'));
	}
}

/* found by fuzz_names: a fixed 256-byte copy cut this list after "any"
 * and accepted it */
static void fail_on_long_list(void **state)
{
	char list[300] = "", *argv[] = { "lazytrace", "--fail-on", list, NULL };
	struct lt_config c;

	for (int i = 0; i < 18; i++)
		strcat(list, "alloc_in_lazy,");
	strcat(list, "anyXYZ");
	assert_int_not_equal(cli_parse(3, argv, &c, true), 0);
	assert_non_null(strstr(c.err, "unknown --fail-on kind 'anyXYZ'"));
	list[strlen(list) - 3] = '\0';
	assert_int_equal(cli_parse(3, argv, &c, true), 0);
	assert_int_equal(c.fail_on, LT_FAIL_ANY | 1u << LT_K_ALLOC_IN_LAZY);
}

static void positional_limits(void **state)
{
	struct lt_config c;

	assert_int_not_equal(PARSE(&c, "0"), 0);
	assert_non_null(strstr(c.err, "invalid interval"));
	assert_int_not_equal(PARSE(&c, "100000"), 0);
	assert_int_not_equal(PARSE(&c, "1", "0"), 0);
	assert_non_null(strstr(c.err, "invalid count"));
	assert_int_not_equal(PARSE(&c, "1", "2", "3"), 0);
	assert_non_null(strstr(c.err, "unexpected argument '3'"));
}

static void boundaries(void **state)
{
	struct lt_config c;

	assert_int_equal(PARSE(&c, "-p", "7"), 0);
	assert_false(c.watch);
	assert_int_equal(PARSE(&c, "-p", "7", "--boundaries", "watch"), 0);
	assert_true(c.watch);
	assert_int_equal(PARSE(&c, "--boundaries", "watch", "-p", "7"), 0);
	assert_true(c.watch);	/* the check runs after every option */
	assert_int_equal(PARSE(&c, "-p", "7", "--boundaries", "probes"), 0);
	assert_false(c.watch);
	assert_int_not_equal(PARSE(&c, "--boundaries", "watch"), 0);
	assert_string_equal(c.err, "--boundaries watch needs -p PID");
	assert_int_not_equal(PARSE(&c, "-p", "7", "--boundaries", "dr7"), 0);
	assert_non_null(strstr(c.err, "unknown --boundaries 'dr7'"));
	assert_int_not_equal(PARSE(&c, "-p", "7", "--boundaries", "watch",
				   "--uprobe-target", "/bin/true"), 0);
	assert_non_null(strstr(c.err, "not --uprobe-target"));
	assert_int_not_equal(PARSE(&c, "-p", "7", "--boundaries", "watch",
				   "--bench-floor", "all"), 0);
	assert_non_null(strstr(c.err, "not --boundaries watch's"));
}

static void bench_floor(void **state)
{
	struct lt_config c;

	assert_int_equal(PARSE(&c, "--bench-floor", "all"), 0);
	assert_int_equal(c.bench_floor, LT_FLOOR_ALL);
	assert_int_equal(PARSE(&c, "--bench-floor", "alloc"), 0);
	assert_int_equal(c.bench_floor, LT_FLOOR_ALLOC);
	assert_int_equal(PARSE(&c, "-d", "1"), 0);
	assert_int_equal(c.bench_floor, LT_FLOOR_OFF);
	assert_int_not_equal(PARSE(&c, "--bench-floor", "off"), 0);
	assert_non_null(strstr(c.err, "unknown --bench-floor 'off'"));
	/* in either order */
	assert_int_not_equal(PARSE(&c, "--fail-on", "any", "--bench-floor",
				   "all"), 0);
	assert_non_null(strstr(c.err, "--fail-on could never fail"));
	assert_int_not_equal(PARSE(&c, "--bench-floor", "alloc", "--fail-on",
				   "any"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(all_options),
		cmocka_unit_test(fail_on_any),
		cmocka_unit_test(metrics_top_and_rate),
		cmocka_unit_test(rejects),
		cmocka_unit_test(fail_on_long_list),
		cmocka_unit_test(positional_limits),
		cmocka_unit_test(boundaries),
		cmocka_unit_test(bench_floor),
	};
	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
