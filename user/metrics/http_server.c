// SPDX-License-Identifier: GPL-2.0
/*
 * The --metrics endpoint on libmicrohttpd. One internal polling thread,
 * started after the privilege drop, serves every connection without
 * blocking: a slow or hostile client costs a connection slot until its
 * timeout, never the tracing loop, which runs on the main thread.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "http.h"
#include "http_accept.h"
#include "http_route.h"
#include "metrics.h"
#include "log.h"

#define HTTP_MAX_CONN	16	/* Prometheus needs one */
#define HTTP_PER_IP	8
#define HTTP_TIMEOUT_S	5	/* partial requests are dropped after it */
#define HTTP_MEM	(32 * 1024)	/* per connection; bigger heads: 414/431 */

struct lt_http {
	int fd;
	struct MHD_Daemon *d;
	struct lt_comm_top top;	/* touched by the server thread only */
	struct lt_session *s;
};

static const char index_page[] =
	"lazytrace: metrics at /metrics\n";

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status,
			     const char *type, void *body, size_t len,
			     enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body,
								 mode);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	/* caches must not hand a text scrape to a protobuf scraper */
	if (status == MHD_HTTP_OK)
		MHD_add_response_header(r, "Vary", "Accept");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result error_page(struct MHD_Connection *c,
				  unsigned int status)
{
	char *body = malloc(64);

	if (!body)
		return MHD_NO;
	snprintf(body, 64, "%u: only GET /metrics is served\n", status);
	return reply(c, status, "text/plain", body, strlen(body),
		     MHD_RESPMEM_MUST_FREE);
}

/* Protobuf (native histograms) when the scraper asks for it, else text. */
static enum MHD_Result metrics_page(struct lt_http *h,
				    struct MHD_Connection *c)
{
	bool pb = http_accept(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
				MHD_HTTP_HEADER_ACCEPT)) == LT_FMT_PROTOBUF;
	struct lt_metrics m;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	if (metrics_read(h->s, &m))
		return error_page(c, MHD_HTTP_INTERNAL_SERVER_ERROR);
	f = open_memstream(&buf, &len);
	err = !f || (pb ? metrics_render_pb(f, &m, &h->top) :
		     metrics_render(f, &m, &h->top));
	if (f && fclose(f))
		err = 1;
	metrics_free(&m);
	if (err) {
		free(buf);
		return error_page(c, MHD_HTTP_INTERNAL_SERVER_ERROR);
	}
	return reply(c, MHD_HTTP_OK, pb ? LT_PB_TYPE :
		     "text/plain; version=0.0.4; charset=utf-8",
		     buf, len, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result count_arg(void *cls, enum MHD_ValueKind kind,
				 const char *key, const char *value)
{
	(*(unsigned int *)cls)++;
	return MHD_YES;
}

/*
 * Answers on the first call, before any body is read: MHD then discards
 * the body and closes the connection, so a POST costs nothing.
 */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct lt_http *h = cls;
	unsigned int nargs = 0;
	struct lt_route r;

	/* RFC 9112 3.2: an HTTP/1.1 request without Host gets 400 */
	if (!strcmp(version, MHD_HTTP_VERSION_1_1) &&
	    !MHD_lookup_connection_value(c, MHD_HEADER_KIND,
					 MHD_HTTP_HEADER_HOST))
		return error_page(c, MHD_HTTP_BAD_REQUEST);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, count_arg, &nargs);
	r = http_route(method, url, nargs > 0);
	if (r.page == LT_PAGE_METRICS)
		return metrics_page(h, c);
	if (r.page == LT_PAGE_INDEX)
		return reply(c, MHD_HTTP_OK, "text/plain", (void *)index_page,
			     sizeof(index_page) - 1, MHD_RESPMEM_PERSISTENT);
	return error_page(c, r.status);
}

int http_listen(struct lt_session *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct lt_http *h;
	int one = 1;

	if (!s->cfg.metrics_on)
		return 0;
	h = calloc(1, sizeof(*h));
	if (!h) {
		lt_err("out of memory");
		return -ENOMEM;
	}
	h->s = s;
	comm_top_init(&h->top, s->cfg.metrics_top);
	a.sin_addr.s_addr = s->cfg.metrics_addr;
	a.sin_port = htons(s->cfg.metrics_port);
	h->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (h->fd < 0 ||
	    setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(h->fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(h->fd, 16)) {
		char ip[INET_ADDRSTRLEN];

		lt_err("cannot listen on %s:%u: %s",
		       inet_ntop(AF_INET, &a.sin_addr, ip, sizeof(ip)),
		       s->cfg.metrics_port, strerror(errno));
		if (h->fd >= 0)
			close(h->fd);
		free(h);
		return -EADDRNOTAVAIL;
	}
	s->http = h;
	return 0;
}

int http_start(struct lt_session *s)
{
	struct lt_http *h = s->http;

	if (!h)
		return 0;
	h->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
				MHD_USE_EPOLL, 0, NULL, NULL, on_request, h,
				MHD_OPTION_LISTEN_SOCKET, h->fd,
				MHD_OPTION_CONNECTION_LIMIT, HTTP_MAX_CONN,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, HTTP_PER_IP,
				MHD_OPTION_CONNECTION_TIMEOUT, HTTP_TIMEOUT_S,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT,
				(size_t)HTTP_MEM, MHD_OPTION_END);
	if (!h->d) {
		lt_err("--metrics: cannot start the HTTP server");
		return -EIO;
	}
	h->fd = -1;	/* the daemon owns it now */
	return 0;
}

void http_stop(struct lt_session *s)
{
	struct lt_http *h = s->http;

	if (!h)
		return;
	if (h->d)
		MHD_stop_daemon(h->d);
	if (h->fd >= 0)
		close(h->fd);
	free(h);
	s->http = NULL;
}
