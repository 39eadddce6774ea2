// SPDX-License-Identifier: GPL-2.0
#include "ratelimit.h"

void ratelimit_init(struct lt_ratelimit *r, double rate, double now)
{
	r->rate = rate;
	r->tokens = rate < 1 ? 1 : rate;
	r->last = now;
}

bool ratelimit_admit(struct lt_ratelimit *r, double now)
{
	if (!r->rate)
		return true;
	if (now > r->last) {
		r->tokens += (now - r->last) * r->rate;
		/* a burst of more than one second's worth is not a cap */
		if (r->tokens > (r->rate < 1 ? 1 : r->rate))
			r->tokens = r->rate < 1 ? 1 : r->rate;
		r->last = now;
	}
	if (r->tokens < 1)
		return false;
	r->tokens -= 1;
	return true;
}
