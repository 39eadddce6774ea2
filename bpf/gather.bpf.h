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

#define LT_VOLATILE(x)	(*(volatile typeof(x) *)&(x))

/* Marks each block of 8 entries in which some entry has bit 1 set. */
static __always_inline void batch_mark(struct lt_batch_buf *buf, __u32 nr)
{
	__u32 blocks = nr / 8;
	__u64 tail = 0;

	for (__u32 k = 0; k < LT_BATCH_MAX / 8; k++) {
		const __u64 *e = &buf->e[k * 8];

		if (k >= blocks)
			break;
		if ((e[0] | e[1] | e[2] | e[3] | e[4] | e[5] | e[6] | e[7]) & 2)
			LT_VOLATILE(buf->ranged) |= 1ULL << k;
	}
	/* The mask is a no-op (i < nr <= LT_BATCH_MAX) that the verifier
	 * can follow; clang's rewrite of the bound alone it cannot. */
	for (__u32 j = 0; j < 8; j++) {
		__u32 i = blocks * 8 + j;

		if (i >= nr)
			break;
		tail |= buf->e[i & (LT_BATCH_MAX - 1)];
	}
	if ((tail & 2) && blocks < LT_BATCH_MAX / 8)
		LT_VOLATILE(buf->ranged) |= 1ULL << blocks;
}

/*
 * Pages held by one batch. Since 6.9 a folio range takes two slots: the
 * page with ENCODED_PAGE_BIT_NR_PAGES_NEXT (value 2) set, then nr << 2,
 * whose own low bits are clear. So pages = entries + (nr - 2) for each
 * range, and - 1 for a range cut off its count. Older kernels never set
 * that bit, so this returns the entries there. One read of the whole
 * batch, not one per 16 entries. Ranges come only from large folios: the
 * entries are ORed 8 at a time and only a block of 8 that holds a range
 * start is walked entry by entry. The per-entry walk of every batch was
 * the costliest probe on an exit (docs/PERFORMANCE.md).
 */
static __always_inline __u64 batch_pages(struct mmu_gather_batch *b)
{
	__u32 nr = BPF_CORE_READ(b, nr), zero = 0, size;
	struct lt_batch_buf *buf;
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
	LT_VOLATILE(buf->ranged) = 0;
	batch_mark(buf, nr);
	if (!LT_VOLATILE(buf->ranged))
		return nr;
	LT_VOLATILE(buf->delta) = 0;
	for (__u32 k = 0; k < LT_BATCH_MAX / 8; k++) {
		if (!((LT_VOLATILE(buf->ranged) >> k) & 1))
			continue;
		for (__u32 j = 0; j < 8; j++) {
			__u32 i = k * 8 + j;

			if (i >= nr)
				break;
			if (!(buf->e[i & (LT_BATCH_MAX - 1)] & 2))
				continue;
			if (i + 1 < nr)	/* the range's count follows */
				LT_VOLATILE(buf->delta) +=
					(__s64)(buf->e[(i + 1) & (LT_BATCH_MAX - 1)] >> 2) - 2;
			else		/* cut off its count: no pages */
				LT_VOLATILE(buf->delta) -= 1;
		}
	}
	return (__u64)((__s64)nr + LT_VOLATILE(buf->delta));
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
