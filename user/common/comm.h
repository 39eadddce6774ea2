/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Task names for output. A comm is whatever bytes a task gave
 * prctl(PR_SET_NAME), cut at 15 bytes, maybe mid-character: printed raw
 * it can fake report lines (a newline, terminal escapes) or make JSON
 * Lines invalid UTF-8 for strict readers.
 */
#ifndef LT_COMM_H
#define LT_COMM_H

#include <stdbool.h>
#include "lazytrace.h"

/*
 * Copies at most LT_COMM_LEN - 1 bytes of comm (NUL-terminated or not)
 * into out, NUL-terminated, with '?' for every byte that is not part of
 * valid UTF-8 and, unless keep_controls, for control bytes too (JSON
 * escapes those itself). Returns out.
 */
const char *comm_clean(const char *comm, char out[LT_COMM_LEN],
		       bool keep_controls);

#endif
