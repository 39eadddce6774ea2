// SPDX-License-Identifier: GPL-2.0
/*
 * Request routing for the metrics server. Strict on purpose: the endpoint
 * serves one page to Prometheus, so anything else is refused with the 4xx
 * that says why, before any work is done for it.
 */
#include <string.h>
#include "http_route.h"

static struct lt_route refuse(unsigned int status)
{
	return (struct lt_route){ .page = LT_PAGE_ERROR, .status = status };
}

struct lt_route http_route(const char *method, const char *url,
			   bool has_query)
{
	size_t n;

	if (!method || !url)
		return refuse(400);
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return refuse(405);
	n = strnlen(url, LT_URL_MAX + 1);
	if (n > LT_URL_MAX)
		return refuse(414);
	if (url[0] != '/')
		return refuse(400);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)url[i] <= ' ' || (unsigned char)url[i] >= 0x7f)
			return refuse(400);
	/* Prometheus sends no parameters; one that does is misconfigured. */
	if (has_query)
		return refuse(400);
	if (!strcmp(url, "/metrics"))
		return (struct lt_route){ .page = LT_PAGE_METRICS, .status = 200 };
	if (!strcmp(url, "/"))
		return (struct lt_route){ .page = LT_PAGE_INDEX, .status = 200 };
	return refuse(404);
}
