// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "map_rows.h"

/* Counters add up across CPUs: every 64-bit word is a count or a sum. */
static void sum_words(void *acc, const void *cpu, size_t value_size)
{
	uint64_t *a = acc;
	const uint64_t *c = cpu;

	for (size_t i = 0; i < value_size / sizeof(uint64_t); i++)
		a[i] += c[i];
}

/* A per-CPU value is one slot per possible CPU, each rounded up to 8 bytes
 * (the kernel's layout for BPF_MAP_TYPE_PERCPU_HASH lookups). */
static int lookup_merged(int fd, const void *key, void *value,
			 size_t value_size, int ncpus, map_merge_fn merge,
			 void *tmp)
{
	size_t slot = (value_size + 7) & ~(size_t)7;

	if (ncpus <= 0)
		return bpf_map_lookup_elem(fd, key, value);
	if (bpf_map_lookup_elem(fd, key, tmp))
		return -1;
	memcpy(value, tmp, value_size);
	for (int c = 1; c < ncpus; c++)
		merge(value, (char *)tmp + c * slot, value_size);
	return 0;
}

static int percpu_cpus(int fd)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -1;
	if (info.type != BPF_MAP_TYPE_PERCPU_HASH &&
	    info.type != BPF_MAP_TYPE_LRU_PERCPU_HASH)
		return 0;
	return libbpf_num_possible_cpus();
}

int map_rows_merge(int fd, size_t key_size, size_t value_size,
		   map_merge_fn merge, void **out, size_t *n)
{
	size_t row = key_size + value_size, cap = 0;
	int ncpus = percpu_cpus(fd);
	char *rows = NULL, *prev = NULL, *next = malloc(key_size), *nr;
	void *tmp = NULL;

	*out = NULL;
	*n = 0;
	if (ncpus < 0) {
		free(next);
		return -errno;
	}
	if (ncpus > 0)
		tmp = malloc(ncpus * ((value_size + 7) & ~(size_t)7));
	if (!next || (ncpus > 0 && !tmp))
		goto fail;
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
		if (!lookup_merged(fd, prev, prev + key_size, value_size, ncpus,
				   merge ? merge : sum_words, tmp))
			(*n)++;
	}
	free(tmp);
	free(next);
	*out = rows;
	return 0;
fail:
	free(tmp);
	free(rows);
	free(next);
	*n = 0;
	return -ENOMEM;
}

int map_rows(int fd, size_t key_size, size_t value_size, void **out,
	     size_t *n)
{
	return map_rows_merge(fd, key_size, value_size, NULL, out, n);
}
