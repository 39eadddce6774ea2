/* SPDX-License-Identifier: GPL-2.0 */
/* Whole-file reads for /proc, sysfs and tracefs files. */
#ifndef LT_READ_WHOLE_H
#define LT_READ_WHOLE_H

#include <stddef.h>

/* The file's bytes plus a NUL, length in *lenp; NULL with errno set. */
char *read_whole(const char *path, size_t *lenp);

#endif
