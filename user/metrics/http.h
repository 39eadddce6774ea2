/* SPDX-License-Identifier: GPL-2.0 */
/* The --metrics server (http_server.c). */
#ifndef LT_HTTP_H
#define LT_HTTP_H

#include "session.h"

/*
 * Binds s->cfg.metrics_* before anything is attached (a busy port fails
 * early, a port below 1024 still works). 0, or -errno after a one-line error.
 */
int http_listen(struct lt_session *s);
/* Serves on that socket from a thread of its own; 0 or -errno. */
int http_start(struct lt_session *s);
/* Stops serving; waits for a scrape in progress. */
void http_stop(struct lt_session *s);

#endif
