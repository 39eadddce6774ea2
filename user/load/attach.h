/* SPDX-License-Identifier: GPL-2.0 */
/* From plan to running programs: configure, load, attach, detach. */
#ifndef LT_ATTACH_H
#define LT_ATTACH_H

#include "session.h"

/* Open the skeleton, set knobs and autoload from the plan, load. 0 or -errno,
 * after a one-line error. */
int attach_open_load(struct lt_session *s);
/* Attach every chosen probe. 0 or -errno, after a one-line error. */
int attach_all(struct lt_session *s);
/* Detach every probe: the maps stop moving (the session stays open). */
void attach_detach(struct lt_session *s);
/* Detach and free everything attach_* made; safe to call at any point. */
void attach_teardown(struct lt_session *s);

#endif
