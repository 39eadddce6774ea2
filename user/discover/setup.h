/* SPDX-License-Identifier: GPL-2.0 */
/* Discovering the running kernel: caps, BTF, symbols, features, plan. */
#ifndef LT_SETUP_H
#define LT_SETUP_H

#include "session.h"

/*
 * Everything learned about the running kernel before any BPF is loaded:
 * capabilities, output, kallsyms, BTF, tracefs, features, the probe plan,
 * the lazy-state source and the rules (s->ki, s->feat, s->plan, s->sp,
 * s->rules). 0, or -errno after printing why (main exits 2).
 */
int setup_discover(struct lt_session *s);
int setup_reload_ksyms(struct lt_session *s);	/* after attach: stacks */
void setup_free(struct lt_session *s);		/* closes the output too */

#endif
