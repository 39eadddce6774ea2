/* SPDX-License-Identifier: GPL-2.0 */
/* Symbols of a uprobe target's ELF, in the kallsyms table shape. */
#ifndef LT_ELFSYMS_H
#define LT_ELFSYMS_H

#include "ksyms.h"

/* NULL with errno set (ENOEXEC: not an ELF or no function symbols). */
struct lt_ksyms *elfsyms_load(const char *path);

#endif
