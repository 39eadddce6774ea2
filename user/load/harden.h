/* SPDX-License-Identifier: GPL-2.0 */
/* Privilege drop once every program is attached. */
#ifndef LT_HARDEN_H
#define LT_HARDEN_H

/*
 * Clears every capability set and the bounding set, and sets
 * no_new_privs, for the calling thread (call before starting threads).
 * 0, or -errno after a one-line error.
 */
int harden_drop(void);

#endif
