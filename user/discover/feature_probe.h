/* SPDX-License-Identifier: GPL-2.0 */
/* Feature detection by trial load and attach. */
#ifndef LT_FEATURE_PROBE_H
#define LT_FEATURE_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include "catalog.h"

/* fentry is tried on fentry_target (a BTF FUNC), kprobes at kprobe_addr. */
void features_probe(const struct btf *btf, const char *fentry_target,
		    uint64_t kprobe_addr, struct lt_features *f);

/* perf kprobe PMU type, or -1 when the kernel has no kprobes. */
int kprobe_pmu_type(void);
/* Opens a perf kprobe (or kretprobe) at a kernel address; -1 and errno. */
int kprobe_open_addr(uint64_t addr, bool retprobe);

#endif
