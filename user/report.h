/* SPDX-License-Identifier: GPL-2.0 */
/* Streamed findings and histograms, as text or JSON Lines. */
#ifndef LT_REPORT_H
#define LT_REPORT_H

#include "session.h"

struct lt_finding;

void report_finding(struct lt_session *s, const struct lt_finding *f);
/* Every histogram in the map; fd is the lt_hists map. */
void report_hists(struct lt_session *s, int fd);
/* The histogram name and unit, as used in text and JSON. */
const char *hist_name(unsigned int id);
const char *hist_unit(unsigned int id);

#endif
