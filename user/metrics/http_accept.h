/* SPDX-License-Identifier: GPL-2.0 */
/* Which exposition format a scraper asks for: pure, so it can be fuzzed. */
#ifndef LT_HTTP_ACCEPT_H
#define LT_HTTP_ACCEPT_H

enum lt_format {
	LT_FMT_TEXT,		/* text/plain; version=0.0.4 */
	LT_FMT_PROTOBUF,	/* delimited io.prometheus.client.MetricFamily */
};

#define LT_PB_TYPE "application/vnd.google.protobuf; " \
	"proto=io.prometheus.client.MetricFamily; encoding=delimited"

/*
 * The Accept header's choice (RFC 9110 media ranges, q weights): protobuf
 * when it names the delimited MetricFamily stream with a weight above 0
 * and no less than text's (text/plain, text/ *, * / *); text otherwise,
 * and for a missing or unreadable header. Openmetrics is not served.
 */
enum lt_format http_accept(const char *accept);

#endif
