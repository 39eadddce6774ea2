/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LT_LOG_H
#define LT_LOG_H

/* One line on stderr, "lazytrace: ..." */
void lt_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
