// SPDX-License-Identifier: GPL-2.0
/*
 * The static build's stand-in for http_server.c: Debian ships no static
 * p11-kit or libunistring, which the static libmicrohttpd needs through
 * gnutls, so the static loader (VM initramfs) has no metrics server.
 */
#include "http.h"
#include "setup.h"

int http_listen(struct lt_session *s)
{
	if (!s->cfg.metrics_on)
		return 0;
	lt_err("--metrics: not in this static build; use build/dyn/lazytrace");
	return 2;
}

int http_start(struct lt_session *s)
{
	(void)s;
	return 0;
}

void http_stop(struct lt_session *s)
{
	(void)s;
}
