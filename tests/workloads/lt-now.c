// SPDX-License-Identifier: GPL-2.0
/*
 * lt-now: prints CLOCK_MONOTONIC in nanoseconds, the clock of the
 * findings' ts_ns (bpf_ktime_get_ns), so that a guest script can mark
 * when a workload started and ended (tests/vm/guest-stress.sh).
 */
#include <stdio.h>
#include <time.h>

int main(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 1;
	printf("%llu\n", (unsigned long long)ts.tv_sec * 1000000000ULL +
	       (unsigned long long)ts.tv_nsec);
	return 0;
}
