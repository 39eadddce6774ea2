/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LT_CLOCK_H
#define LT_CLOCK_H

/* CLOCK_MONOTONIC in seconds: the poll loop's clock and the rate
 * limiter's (policy/ratelimit.c). */
double mono_now(void);

#endif
