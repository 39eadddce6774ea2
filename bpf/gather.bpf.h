/* SPDX-License-Identifier: GPL-2.0 */
/* mmu_gather readers: batch sizes, gather totals, flush spans. */
#ifndef LT_GATHER_BPF_H
#define LT_GATHER_BPF_H

#include "maps.bpf.h"


/* Pre-6.3 batches held struct page *pages[], not encoded_pages[]. */
struct mmu_gather_batch___old {
	struct mmu_gather_batch___old *next;
	unsigned int nr;
	unsigned int max;
	struct page *pages[0];
} __attribute__((preserve_access_index));

/*
 * Pages held by one batch. Since 6.9 a folio range takes two slots: the
 * page with ENCODED_PAGE_BIT_NR_PAGES_NEXT (value 2) set, then nr << 2,
 * whose own low bits are clear. So pages = entries - 2 * ranges + the
 * ranges' nr: one flag test per entry, a branch only for the rare range.
 * Older kernels never set that bit, so the same count returns nr there.
 * One read of the whole batch, not one per 16 entries: the walk of 510
 * entries was the costliest probe on an exit (docs/PERFORMANCE.md).
 */
static __always_inline __u64 batch_pages(struct mmu_gather_batch *b)
{
	__u32 nr = BPF_CORE_READ(b, nr), zero = 0, size;
	struct lt_batch_buf *buf;
	__u64 pages, ranges = 0, in_ranges = 0, lone = 0;
	void *base;

	if (nr > LT_BATCH_MAX)
		nr = LT_BATCH_MAX;
	if (!bpf_core_field_exists(b->encoded_pages))
		return nr;
	base = (void *)__builtin_preserve_access_index(&b->encoded_pages);
	buf = bpf_map_lookup_elem(&lt_batch_scratch, &zero);
	size = nr * sizeof(__u64);
	if (!buf || !size || size > sizeof(buf->e) ||
	    bpf_probe_read_kernel(buf->e, size, base))
		return nr;
	for (__u32 i = 0; i < LT_BATCH_MAX; i++) {
		if (i >= nr)
			break;
		if (!(buf->e[i] & 2))
			continue;
		if (i + 1 < nr && i + 1 < LT_BATCH_MAX) {
			ranges++;
			in_ranges += buf->e[i + 1] >> 2;
		} else {
			lone++;	/* a range cut off its count: no pages */
		}
	}
	pages = nr - 2 * ranges - lone + in_ranges;
	return pages;
}

/*
 * batch_pages() out of line, as a global function, which the verifier
 * checks once, on its own, for any argument: its callers then see one
 * unknown return value instead of one state per way out of the 512-entry
 * walk. Inlined into a walk of a whole batch chain (tlb_batch_pages_flush),
 * 20 copies overflow the verifier's 8192 pending branches ("The sequence of
 * 8193 jumps is too complex"); inlined once, after on_flush_work, the
 * program costs ~850k of the 1M verified instructions (6.18), ~70k out of
 * line. Global functions take scalars, hence the address. Kernels 5.6+.
 */
__noinline __u64 batch_pages_global(__u64 batch)
{
	return batch_pages((struct mmu_gather_batch *)batch);
}

/* fentry hands typed (trusted) pointers, which a global function refuses
 * even cast: reading the pointer back through a helper makes it a number. */
static __always_inline __u64 batch_pages_at(const void *batch)
{
	__u64 addr = 0;

	bpf_probe_read_kernel(&addr, sizeof(addr), &batch);
	return batch_pages_global(addr);
}

static __always_inline __u64 span_pages(__u64 start, __u64 end)
{
	if (end == ~0ULL)	/* TLB_FLUSH_ALL */
		return ~0ULL;
	return end > start ? (end - start) >> cfg_page_shift : 0;
}

#endif
