/* SPDX-License-Identifier: GPL-2.0 */
/* Streamed findings and histograms, as text or JSON Lines. */
#ifndef LT_LIVE_H
#define LT_LIVE_H

#include "maps_read.h"
#include "session.h"

struct lt_finding;

void live__finding(struct lt_session *s, const struct lt_finding *f);
/* The n histogram rows of a maps__hists() snapshot; sorts rows[] in
 * place. */
void live__hists(struct lt_session *s, struct hist_row *rows, size_t n);

#endif
