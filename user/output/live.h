/* SPDX-License-Identifier: GPL-2.0 */
/* Streamed findings and histograms, as text or JSON Lines. */
#ifndef LT_LIVE_H
#define LT_LIVE_H

#include "session.h"

struct lt_finding;

/* One row of the lt_hists map as map_rows() returns it. */
struct hist_row {
	struct lt_hist_key key;
	struct lt_hist_val val;
};
_Static_assert(sizeof(struct lt_hist_key) % 8 == 0,
	       "map_rows() puts the value right after the key");

void report_finding(struct lt_session *s, const struct lt_finding *f);
/* Every histogram in the map; fd is the lt_hists map. */
void report_hists(struct lt_session *s, int fd);
/* The histogram name and unit, as used in text and JSON. */
const char *hist_name(unsigned int id);
const char *hist_unit(unsigned int id);

#endif
