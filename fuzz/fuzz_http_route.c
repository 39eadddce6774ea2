// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for user/metrics/http_route.c. Input layout: first byte's low
 * bit = has_query, then "METHOD\0URL" (a missing NUL leaves url NULL).
 * Checks the contract, not just "no crash": every answer is 200 with a
 * page or a 4xx without one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "http_route.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *url;
	struct lt_route r;
	bool q;

	if (size < 1)
		return 0;
	q = data[0] & 1;
	buf = malloc(size);	/* size - 1 bytes plus a terminating NUL */
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = 0;
	url = memchr(buf, 0, size - 1) ? buf + strlen(buf) + 1 : NULL;
	r = http_route(buf, url, q);
	/* 200 always carries a page; anything else is a 4xx without one */
	if (r.status == 200)
		FUZZ_CHECK(r.page != LT_PAGE_ERROR);
	else
		FUZZ_CHECK(r.page == LT_PAGE_ERROR && r.status >= 400 &&
			   r.status <= 499);
	/* only a plain GET or HEAD is ever served */
	if (r.status == 200)
		FUZZ_CHECK(!q && (!strcmp(buf, "GET") || !strcmp(buf, "HEAD")));
	free(buf);
	return 0;
}
