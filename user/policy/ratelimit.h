/* SPDX-License-Identifier: GPL-2.0 */
/* Token bucket for --rate-limit N/s: caps printing, never counting. */
#ifndef LT_RATELIMIT_H
#define LT_RATELIMIT_H

#include <stdbool.h>
#include "clock.h"

struct lt_ratelimit {
	double rate;		/* tokens per second, 0 = unlimited */
	double tokens;		/* burst: one second's worth, >= 1 */
	double last;		/* seconds, monotonic */
};

void ratelimit_init(struct lt_ratelimit *r, double rate, double now);
/* Takes a token if one is there. */
bool ratelimit_admit(struct lt_ratelimit *r, double now);

#endif
