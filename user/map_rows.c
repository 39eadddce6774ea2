// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "map_rows.h"

int map_rows(int fd, size_t key_size, size_t value_size, void **out,
	     size_t *n)
{
	size_t row = key_size + value_size, cap = 0;
	char *rows = NULL, *prev = NULL, *next = malloc(key_size), *nr;

	*out = NULL;
	*n = 0;
	if (!next)
		return -ENOMEM;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			nr = realloc(rows, cap * row);
			if (!nr)
				goto fail;
			rows = nr;
		}
		memcpy(rows + *n * row, next, key_size);
		prev = rows + *n * row;
		/* a key deleted since get_next_key is skipped, not an error */
		if (!bpf_map_lookup_elem(fd, prev, prev + key_size))
			(*n)++;
	}
	free(next);
	*out = rows;
	return 0;
fail:
	free(rows);
	free(next);
	*n = 0;
	return -ENOMEM;
}
