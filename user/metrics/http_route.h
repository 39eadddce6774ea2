/* SPDX-License-Identifier: GPL-2.0 */
/* Which page an HTTP request gets: pure, so it can be fuzzed. */
#ifndef LT_HTTP_ROUTE_H
#define LT_HTTP_ROUTE_H

#include <stdbool.h>

#define LT_URL_MAX	256	/* longer targets get 414 */

enum lt_page {
	LT_PAGE_ERROR,		/* status says which 4xx */
	LT_PAGE_INDEX,		/* "/": a pointer to /metrics */
	LT_PAGE_METRICS,	/* "/metrics": the exposition */
};

struct lt_route {
	enum lt_page page;
	unsigned int status;
};

/*
 * method and url as the server parsed them (url without the query);
 * has_query when the request carried one. NULLs are bad requests.
 */
struct lt_route http_route(const char *method, const char *url,
			   bool has_query);

#endif
