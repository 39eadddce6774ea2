// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming policy. The in-kernel maps count every finding exactly; this
 * only decides what is printed and logged, and counts what was held back
 * so the summary and /metrics can say so.
 */
#include <errno.h>
#include <stdlib.h>
#include <syslog.h>
#include "alerts.h"
#include "comm_top.h"
#include "dedup.h"
#include "ratelimit.h"
#include "live.h"

struct lt_alerts {
	struct lt_dedup seen;
	struct lt_ratelimit rl;
};

int alerts_init(struct lt_session *s)
{
	s->alerts = calloc(1, sizeof(*s->alerts));
	if (!s->alerts)
		return -ENOMEM;
	ratelimit_init(&s->alerts->rl, s->cfg.rate_limit, mono_now());
	/* connect now: /dev/log may be out of reach once privileges drop */
	if (s->cfg.syslog)
		openlog("lazytrace", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	return 0;
}

void alerts_free(struct lt_session *s)
{
	if (!s->alerts)
		return;
	dedup_free(&s->alerts->seen);
	free(s->alerts);
	s->alerts = NULL;
	if (s->cfg.syslog)
		closelog();
}

int alerts_priority(unsigned int severity)
{
	switch (severity) {
	case LT_SEV_ERROR:
		return LOG_ERR;
	case LT_SEV_WARNING:
		return LOG_WARNING;
	default:
		return LOG_INFO;
	}
}

static void add(unsigned long long *v)
{
	__atomic_fetch_add(v, 1, __ATOMIC_RELAXED);	/* /metrics reads it */
}

void alerts_finding(struct lt_session *s, const struct lt_finding *f)
{
	struct lt_alerts *a = s->alerts;

	add(&s->streamed);
	if (s->cfg.dedup) {
		struct lt_dedup_rec *r = dedup_add(&a->seen, f->kind,
						   f->severity, f->stack_id,
						   f->ts_ns, 1);

		if (r && r->count > 1) {
			add(&s->deduplicated);
			return;
		}
	}
	if (!ratelimit_admit(&a->rl, mono_now())) {
		add(&s->rate_limited);
		return;
	}
	live__finding(s, f);
	if (s->cfg.syslog) {
		/* a task names itself: control bytes would forge log lines */
		char comm[LT_LABEL_LEN];

		comm_label(f->comm, comm);
		syslog(alerts_priority(f->severity),
		       "%s %s comm=%s pid=%u tid=%u event=%s",
		       severity_name(f->severity), kind_name(f->kind),
		       comm, f->pid, f->tid, event_name(f->event));
	}
}
