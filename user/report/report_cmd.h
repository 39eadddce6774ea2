/* SPDX-License-Identifier: GPL-2.0 */
/* `lazytrace report`: JSON Lines in, one self-contained HTML page out. */
#ifndef LT_REPORT_CMD_H
#define LT_REPORT_CMD_H

/* argv[0] is "report"; returns the exit code (2 on bad input). */
int report_cmd(int argc, char **argv);

#endif
