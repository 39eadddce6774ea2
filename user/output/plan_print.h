/* SPDX-License-Identifier: GPL-2.0 */
/* --list-probes: the plan for this kernel, and what it cannot observe. */
#ifndef LT_PLAN_PRINT_H
#define LT_PLAN_PRINT_H

#include "session.h"

void plan_print(struct lt_session *s, FILE *out);

#endif
