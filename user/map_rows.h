/* SPDX-License-Identifier: GPL-2.0 */
/* Snapshots of BPF hash maps for reporting. */
#ifndef LT_MAP_ROWS_H
#define LT_MAP_ROWS_H

#include <stddef.h>

/*
 * Every (key, value) of hash map fd, as rows of key_size + value_size bytes
 * with the value right after the key: a struct { key; value; } whose key
 * size is a multiple of the value's alignment has that layout. *rows (to
 * free) and *n get the rows; an empty map gives NULL and 0. Returns 0, or
 * -ENOMEM with *rows NULL and *n 0.
 */
int map_rows(int fd, size_t key_size, size_t value_size, void **rows,
	     size_t *n);

#endif
