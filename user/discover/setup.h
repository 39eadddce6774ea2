/* SPDX-License-Identifier: GPL-2.0 */
/* Discovering the running kernel: caps, BTF, symbols, features, plan. */
#ifndef LT_SETUP_H
#define LT_SETUP_H

#include "session.h"

/* One line on stderr, "lazytrace: ..." */
void lt_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 0, or 2 after printing why (a setup error). */
int setup_discover(struct lt_session *s);
int setup_reload_ksyms(struct lt_session *s);
void setup_free(struct lt_session *s);

#endif
