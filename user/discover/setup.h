/* SPDX-License-Identifier: GPL-2.0 */
/* Discovering the running kernel: caps, BTF, symbols, features, plan. */
#ifndef LT_SETUP_H
#define LT_SETUP_H

#include "session.h"

/* 0, or -errno after printing why (a setup error; main exits 2). */
int setup_discover(struct lt_session *s);
int setup_reload_ksyms(struct lt_session *s);
void setup_free(struct lt_session *s);

#endif
