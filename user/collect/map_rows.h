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

/*
 * The same; a per-CPU hash map's values are merged across CPUs into one
 * value with merge(acc, cpu_value, value_size), which map_rows() does by
 * adding every 64-bit word. Findings and histograms are counted per CPU
 * (bpf/maps.bpf.h): no counter is shared between CPUs.
 */
typedef void (*map_merge_fn)(void *acc, const void *cpu, size_t value_size);
int map_rows_merge(int fd, size_t key_size, size_t value_size,
		   map_merge_fn merge, void **rows, size_t *n);

#endif
