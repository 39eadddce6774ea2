/* SPDX-License-Identifier: GPL-2.0 */
/* The end-of-run summary: exact in-kernel counts, drops, the plan. */
#ifndef LT_SUMMARY_H
#define LT_SUMMARY_H

#include "maps_read.h"

/* Rows of the comms table the JSON summary shows. */
#define LT_SUMMARY_COMMS	32

void summary_print(struct lt_session *s, const struct lt_summary *sum);
/* True when --fail-on matched a warning or error. */
int summary_failed(const struct lt_config *cfg, const struct lt_summary *sum);

#endif
