/* SPDX-License-Identifier: GPL-2.0 */
/* Choosing the lazy-state source for the running kernel. */
#ifndef LT_STATE_SRC_H
#define LT_STATE_SRC_H

#include <stdbool.h>
#include "catalog.h"

struct lt_kinfo {
	char release[128];
	char machine[65];
	int major, minor;
	bool xen_pv;		/* /sys/hypervisor/guest_type says PV */
};

/* uname(2) plus the hypervisor guest type. */
void kinfo_read(struct lt_kinfo *ki);
/* Parses "7.2.1+deb14-cloud-amd64" style releases into major/minor. */
void kinfo_parse_release(struct lt_kinfo *ki, const char *release);

#define LT_MAX_NOTES 6

struct lt_state_plan {
	enum lt_state_src primary, secondary;
	enum lt_counter_layout layout;
	unsigned int tif_bit;
	bool irq_check;
	char notes[LT_MAX_NOTES][160];
	int nnotes;
	char lost[240];		/* empty when nothing is lost */
};

void state_plan(const struct btf *btf, const struct lt_kinfo *ki,
		const struct lt_plan *probes, struct lt_state_plan *sp);
const char *state_src_name(enum lt_state_src src);

#endif
