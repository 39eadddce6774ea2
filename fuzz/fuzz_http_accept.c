// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for user/metrics/http_accept.c: the input is an Accept header.
 * Checks the contract, not just "no crash": protobuf is chosen only when
 * the header names the delimited MetricFamily stream, and the answer does
 * not depend on anything after a NUL.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http_accept.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = fuzz_text(data, size);
	enum lt_format f = http_accept(t);

	FUZZ_CHECK(f == LT_FMT_TEXT || f == LT_FMT_PROTOBUF);
	if (f == LT_FMT_PROTOBUF)
		FUZZ_CHECK(strcasestr(t, "application/vnd.google.protobuf") &&
			   strstr(t, "io.prometheus.client.MetricFamily") &&
			   strcasestr(t, "delimited"));
	FUZZ_CHECK(http_accept(t) == f);
	free(t);
	return 0;
}
