/* SPDX-License-Identifier: GPL-2.0 */
/* Symbols of a uprobe target's ELF, in the kallsyms table shape. */
#ifndef LT_ELFSYMS_H
#define LT_ELFSYMS_H

#include <stddef.h>
#include "ksyms.h"

/* NULL with errno set (ENOEXEC: not an ELF or no function symbols). */
struct lt_ksyms *elfsyms_load(const char *path);
/* The same from an ELF image in writable memory (libelf may write into
 * it), needed only for the duration of the call. */
struct lt_ksyms *elfsyms_from_image(char *image, size_t size);

#endif
