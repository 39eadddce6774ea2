/* Content negotiation of /metrics: which Accept headers get protobuf. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "http_accept.h"

#define PB "application/vnd.google.protobuf;" \
	"proto=io.prometheus.client.MetricFamily;encoding=delimited"

static void test_prometheus_headers(void **state)
{
	(void)state;
	/* Prometheus 2.42 with --enable-feature=native-histograms */
	assert_int_equal(http_accept(PB ",application/openmetrics-text;"
		"version=1.0.0;q=0.8,application/openmetrics-text;"
		"version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
		LT_FMT_PROTOBUF);
	/* and without it: no protobuf offered */
	assert_int_equal(http_accept("application/openmetrics-text;"
		"version=1.0.0,application/openmetrics-text;version=0.0.1;"
		"q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"), LT_FMT_TEXT);
	/* older servers and other scrapers: weights decide */
	assert_int_equal(http_accept(PB ";q=0.7,text/plain;version=0.0.4;"
		"q=0.3,*/*;q=0.1"), LT_FMT_PROTOBUF);
	assert_int_equal(http_accept(PB ";q=0.3,text/plain;q=0.7"), LT_FMT_TEXT);
}

static void test_other_clients(void **state)
{
	(void)state;
	assert_int_equal(http_accept(NULL), LT_FMT_TEXT);	/* none */
	assert_int_equal(http_accept("*/*"), LT_FMT_TEXT);	/* curl */
	assert_int_equal(http_accept(""), LT_FMT_TEXT);
	assert_int_equal(http_accept("text/html,application/xhtml+xml"),
			 LT_FMT_TEXT);
	/* spaces, case and quotes as RFC 9110 allows them */
	assert_int_equal(http_accept(" Application/Vnd.Google.Protobuf ; "
		"proto=\"io.prometheus.client.MetricFamily\" ; "
		"Encoding=Delimited ; Q=1 , text/plain ; q=0.5"),
		LT_FMT_PROTOBUF);
}

static void test_not_our_protobuf(void **state)
{
	(void)state;
	/* another message, another encoding, or none named */
	assert_int_equal(http_accept("application/vnd.google.protobuf;"
		"proto=io.prometheus.client.Metric;encoding=delimited"),
		LT_FMT_TEXT);
	assert_int_equal(http_accept("application/vnd.google.protobuf;"
		"proto=io.prometheus.client.MetricFamily;encoding=text"),
		LT_FMT_TEXT);
	assert_int_equal(http_accept("application/vnd.google.protobuf"),
			 LT_FMT_TEXT);
	/* refused outright, or a weight that is no weight */
	assert_int_equal(http_accept(PB ";q=0"), LT_FMT_TEXT);
	assert_int_equal(http_accept(PB ";q=2"), LT_FMT_TEXT);
	assert_int_equal(http_accept(PB ";q=abc"), LT_FMT_TEXT);
	assert_int_equal(http_accept(PB ";q="), LT_FMT_TEXT);
	/* garbage does not crash and means text */
	assert_int_equal(http_accept(";;;,,,=;=,q"), LT_FMT_TEXT);
	assert_int_equal(http_accept(PB ";;;=="), LT_FMT_PROTOBUF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prometheus_headers),
		cmocka_unit_test(test_other_clients),
		cmocka_unit_test(test_not_our_protobuf),
	};

	return cmocka_run_group_tests_name("http_accept: content negotiation",
					   tests, NULL, NULL);
}
