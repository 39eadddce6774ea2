// SPDX-License-Identifier: GPL-2.0
/*
 * After attach, lazytrace only reads maps and the ring buffer through fds
 * it already holds and writes its output: none of that checks
 * capabilities, so all of them go. Whatever runs later (the metrics
 * server parsing untrusted requests) cannot load programs or read kernel
 * memory even if it were subverted.
 */
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include "harden.h"
#include "log.h"

int harden_drop(void)
{
	cap_t none;
	int err = 0;

	/* Before the sets go: dropping the bounding set needs CAP_SETPCAP. */
	for (cap_value_t c = 0; cap_valid(c); c++)
		if (cap_drop_bound(c) && errno != EINVAL && errno != EPERM) {
			lt_err("cannot drop capability %d: %s", c,
			       strerror(errno));
			return -EPERM;
		}
	none = cap_init();	/* every flag of every set cleared */
	if (!none || cap_set_proc(none))
		err = errno;
	cap_free(none);
	if (err) {
		lt_err("cannot drop capabilities: %s", strerror(err));
		return -EPERM;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		lt_err("cannot set no_new_privs: %s", strerror(errno));
		return -EPERM;
	}
	return 0;
}
