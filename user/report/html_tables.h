/* SPDX-License-Identifier: GPL-2.0 */
/* The report's findings and top-comms tables, one card per trace. */
#ifndef LT_HTML_TABLES_H
#define LT_HTML_TABLES_H

#include <stdio.h>
#include "trace_load.h"

/* Trace i of n: findings grouped by kind and stack. */
void html_findings(FILE *out, const struct lt_trace *t, int n, int i);
/* Trace i of n: the comms with most findings, and their samples. */
void html_comms(FILE *out, const struct lt_trace *t, int n, int i);

#endif
