/* SPDX-License-Identifier: GPL-2.0 */
/* What happens to a streamed finding: --dedup, --rate-limit, --syslog. */
#ifndef LT_ALERTS_H
#define LT_ALERTS_H

#include "session.h"

struct lt_finding;

/* 0 or -ENOMEM; opens the syslog connection when asked for. */
int alerts_init(struct lt_session *s);
/* Counts the finding, then prints and logs it unless held back. */
void alerts_finding(struct lt_session *s, const struct lt_finding *f);
void alerts_free(struct lt_session *s);
/* syslog priority of a finding severity */
int alerts_priority(unsigned int severity);

#endif
