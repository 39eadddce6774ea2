/* SPDX-License-Identifier: GPL-2.0 */
/* The `lazytrace report` page: one self-contained HTML file, no scripts. */
#ifndef LT_HTML_REPORT_H
#define LT_HTML_REPORT_H

#include <stdio.h>
#include "trace_load.h"

/* One trace, or two (t[0] before, t[1] after) side by side. */
void html_report_write(FILE *out, const struct lt_trace *const *t, int n);

#endif
