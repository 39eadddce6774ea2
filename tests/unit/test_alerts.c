/* The streaming policy's pure parts: dedup, the rate limiter, the HTTP
 * router, and the new command line options. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include "alerts.h"
#include "cli.h"
#include "dedup.h"
#include "http_route.h"
#include "ratelimit.h"

static void test_dedup_add(void **state)
{
	struct lt_dedup d = { 0 };
	struct lt_dedup_rec *r;

	r = dedup_add(&d, LT_K_ALLOC_IN_LAZY, LT_SEV_WARNING, 7, 100, 1);
	assert_int_equal(r->count, 1);
	r = dedup_add(&d, LT_K_ALLOC_IN_LAZY, LT_SEV_ERROR, 7, 300, 1);
	assert_int_equal(r->count, 2);
	assert_int_equal(r->first_ns, 100);
	assert_int_equal(r->last_ns, 300);
	assert_int_equal(r->severity, LT_SEV_ERROR);
	/* same stack, other kind; same kind, other stack: new records */
	assert_int_equal(dedup_add(&d, LT_K_NESTED_ENTER, LT_SEV_INFO, 7, 5, 1)->count, 1);
	assert_int_equal(dedup_add(&d, LT_K_ALLOC_IN_LAZY, LT_SEV_ERROR, -1, 5, 1)->count, 1);
	/* growth keeps every record */
	for (int i = 0; i < 1000; i++)
		dedup_add(&d, LT_K_OPEN_AT_EXIT, LT_SEV_ERROR, i, i, 1);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(dedup_add(&d, LT_K_OPEN_AT_EXIT, LT_SEV_ERROR,
					   i, i, 1)->count, 2);
	assert_int_equal(d.n, 1003);
	dedup_free(&d);
}

static void test_dedup_groups(void **state)
{
	/* one stack seen at two events and two severities, plus another */
	struct lt_group g[4] = {
		{ { LT_K_ALLOC_IN_LAZY, LT_SEV_WARNING, 3, LT_EV_PAGE_ALLOC }, { 5, 200, 900 } },
		{ { LT_K_ALLOC_IN_LAZY, LT_SEV_ERROR, 3, LT_EV_NEXT_BATCH }, { 2, 100, 400 } },
		{ { LT_K_ALLOC_IN_LAZY, LT_SEV_ERROR, 4, LT_EV_PAGE_ALLOC }, { 1, 50, 50 } },
		{ { LT_K_NESTED_ENTER, LT_SEV_INFO, 3, LT_EV_ENTER }, { 0, 0, 0 } },
	};
	struct lt_dedup_rec *r;
	long n = dedup_groups(g, 4, &r);

	assert_int_equal(n, 2);
	/* oldest first */
	assert_int_equal(r[0].stack_id, 4);
	assert_int_equal(r[0].count, 1);
	assert_int_equal(r[1].stack_id, 3);
	assert_int_equal(r[1].count, 7);
	assert_int_equal(r[1].first_ns, 100);
	assert_int_equal(r[1].last_ns, 900);
	assert_int_equal(r[1].severity, LT_SEV_ERROR);
	free(r);
	assert_int_equal(dedup_groups(g, 0, &r), 0);
	free(r);
}

static void test_ratelimit(void **state)
{
	struct lt_ratelimit rl;
	int n = 0;

	ratelimit_init(&rl, 10, 100.0);
	for (int i = 0; i < 50; i++)	/* a burst at one instant */
		n += ratelimit_admit(&rl, 100.0);
	assert_int_equal(n, 10);
	assert_false(ratelimit_admit(&rl, 100.05));	/* half a token */
	assert_true(ratelimit_admit(&rl, 100.2));	/* 1.5 more */
	/* a long quiet spell refills one second's worth, not more */
	n = 0;
	for (int i = 0; i < 50; i++)
		n += ratelimit_admit(&rl, 1000.0);
	assert_int_equal(n, 10);
	/* 0.5/s: one now, the next two seconds later */
	ratelimit_init(&rl, 0.5, 0);
	assert_true(ratelimit_admit(&rl, 0));
	assert_false(ratelimit_admit(&rl, 1.0));
	assert_true(ratelimit_admit(&rl, 2.0));
	/* 0 = unlimited */
	ratelimit_init(&rl, 0, 0);
	for (int i = 0; i < 1000; i++)
		assert_true(ratelimit_admit(&rl, 0));
}

static void test_priority(void **state)
{
	assert_int_equal(alerts_priority(LT_SEV_ERROR), LOG_ERR);
	assert_int_equal(alerts_priority(LT_SEV_WARNING), LOG_WARNING);
	assert_int_equal(alerts_priority(LT_SEV_INFO), LOG_INFO);
}

static void route_is(const char *m, const char *u, bool q, enum lt_page p,
		     unsigned int status)
{
	struct lt_route r = http_route(m, u, q);

	if (r.page != p || r.status != status)
		fail_msg("%s %s%s: page %d status %u, expected %d %u",
			 m ? m : "(null)", u ? u : "(null)", q ? "?..." : "",
			 r.page, r.status, p, status);
}

static void test_route(void **state)
{
	char big[LT_URL_MAX + 2];

	route_is("GET", "/metrics", false, LT_PAGE_METRICS, 200);
	route_is("HEAD", "/metrics", false, LT_PAGE_METRICS, 200);
	route_is("GET", "/", false, LT_PAGE_INDEX, 200);
	route_is("POST", "/metrics", false, LT_PAGE_ERROR, 405);
	route_is("get", "/metrics", false, LT_PAGE_ERROR, 405);
	route_is("GET", "/metrics", true, LT_PAGE_ERROR, 400);
	route_is("GET", "/metrics/", false, LT_PAGE_ERROR, 404);
	route_is("GET", "/../metrics", false, LT_PAGE_ERROR, 404);
	route_is("GET", "metrics", false, LT_PAGE_ERROR, 400);
	route_is("GET", "/met rics", false, LT_PAGE_ERROR, 400);
	route_is("GET", "/m\xffx", false, LT_PAGE_ERROR, 400);
	route_is(NULL, "/", false, LT_PAGE_ERROR, 400);
	route_is("GET", NULL, false, LT_PAGE_ERROR, 400);
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = 0;
	route_is("GET", big, false, LT_PAGE_ERROR, 414);
	big[LT_URL_MAX] = 0;
	route_is("GET", big, false, LT_PAGE_ERROR, 404);
}

static int parse(struct lt_config *cfg, const char *a, const char *b)
{
	char *argv[] = { "lazytrace", (char *)a, (char *)b, NULL };

	return cli_parse(b ? 3 : 2, argv, cfg, true);
}

static void test_cli(void **state)
{
	struct lt_config c;

	assert_int_equal(parse(&c, "--metrics", "9464"), 0);
	assert_true(c.metrics_on);
	assert_int_equal(c.metrics_port, 9464);
	assert_int_equal(c.metrics_addr, htonl(0x7f000001));
	assert_int_equal(parse(&c, "--metrics", "0.0.0.0:80"), 0);
	assert_int_equal(c.metrics_addr, 0);
	assert_int_equal(c.metrics_port, 80);
	assert_int_not_equal(parse(&c, "--metrics", "0"), 0);
	assert_int_not_equal(parse(&c, "--metrics", "65536"), 0);
	assert_int_not_equal(parse(&c, "--metrics", "host:80"), 0);
	assert_int_not_equal(parse(&c, "--metrics", "1.2.3.4:"), 0);
	assert_non_null(strstr(c.err, "--metrics"));
	assert_int_equal(parse(&c, "--rate-limit", "10/s"), 0);
	assert_true(c.rate_limit == 10);
	assert_int_equal(parse(&c, "--rate-limit", "2.5"), 0);
	assert_true(c.rate_limit == 2.5);
	assert_int_not_equal(parse(&c, "--rate-limit", "10/m"), 0);
	assert_int_not_equal(parse(&c, "--rate-limit", "0/s"), 0);
	assert_int_equal(parse(&c, "--dedup", "--syslog"), 0);
	assert_true(c.dedup && c.syslog);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dedup_add),
		cmocka_unit_test(test_dedup_groups),
		cmocka_unit_test(test_ratelimit),
		cmocka_unit_test(test_priority),
		cmocka_unit_test(test_route),
		cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
