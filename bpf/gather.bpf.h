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

/* Bit 1 of every entry ORed together, 8 entries a step. */
static __always_inline __u64 batch_or(const struct lt_batch_buf *buf, __u32 nr)
{
	__u32 blocks = nr / 8;
	__u64 acc = 0;

	for (__u32 k = 0; k < LT_BATCH_MAX / 8; k++) {
		const __u64 *e = &buf->e[k * 8];

		if (k >= blocks)
			break;
		acc |= e[0] | e[1] | e[2] | e[3] | e[4] | e[5] | e[6] | e[7];
	}
	/* The mask is a no-op (i < nr <= LT_BATCH_MAX) that the verifier
	 * can follow; clang's rewrite of the bound alone it cannot. */
	for (__u32 j = 0; j < 8; j++) {
		__u32 i = blocks * 8 + j;

		if (i >= nr)
			break;
		acc |= buf->e[i & (LT_BATCH_MAX - 1)];
	}
	return acc & 2;
}

/*
 * Pages held by one batch. Since 6.9 a folio range takes two slots: the
 * page with ENCODED_PAGE_BIT_NR_PAGES_NEXT (value 2) set, then nr << 2,
 * whose own low bits are clear. So pages = entries - 2 * ranges + the
 * ranges' nr. Older kernels never set that bit, so this returns nr there.
 * One read of the whole batch, not one per 16 entries. Ranges come only
 * from large folios: a batch of small pages, the common case, is settled
 * by one OR over its entries (a third of the per-entry walk's cost, which
 * was the costliest probe on an exit: docs/PERFORMANCE.md), and only a
 * batch that holds a range is walked entry by entry.
 */
static __always_inline __u64 batch_pages(struct mmu_gather_batch *b)
{
	__u32 nr = BPF_CORE_READ(b, nr), zero = 0, size;
	struct lt_batch_buf *buf;
	__u64 ranges = 0, in_ranges = 0, lone = 0;
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
	if (!batch_or(buf, nr))
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
	return nr - 2 * ranges - lone + in_ranges;
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
