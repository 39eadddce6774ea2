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
 * Pages minus entries over nr (<= LT_BATCH_MAX) entries of a batch at
 * kernel address addr. Since 6.9 a folio range takes two slots: the page
 * with ENCODED_PAGE_BIT_NR_PAGES_NEXT (value 2) set, then nr << 2, whose
 * own low bits are clear. So each range adds nr - 2, and one cut off its
 * count (the last entry here) - 1. Older kernels never set that bit. One
 * read of the entries, not one per 16. Ranges come only from large folios:
 * the entries are ORed 8 at a time and only a block of 8 that holds a range
 * start is walked entry by entry. The per-entry walk of every batch was the
 * costliest probe on an exit (docs/PERFORMANCE.md).
 */
static __always_inline __s64 chunk_delta(__u64 addr, __u64 nr64)
{
	struct lt_batch_buf *buf;
	__u32 zero = 0, nr, size;

	if (nr64 > LT_BATCH_MAX)
		return 0;
	nr = nr64;
	size = nr * sizeof(__u64);
	buf = bpf_map_lookup_elem(&lt_batch_scratch, &zero);
	if (!buf || !size || size > sizeof(buf->e) ||
	    bpf_probe_read_kernel(buf->e, size, (void *)addr))
		return 0;
	LT_VOLATILE(buf->ranged) = 0;
	batch_mark(buf, nr);
	if (!LT_VOLATILE(buf->ranged))
		return 0;
	LT_VOLATILE(buf->delta) = 0;
	LT_VOLATILE(buf->nr) = nr;
	for (__u32 k = 0; k < LT_BATCH_MAX / 8; k++) {
		if (!((LT_VOLATILE(buf->ranged) >> k) & 1))
			continue;
		for (__u32 j = 0; j < 8; j++) {
			__u32 i = k * 8 + j;

			if (i >= LT_VOLATILE(buf->nr))
				break;
			if (!(buf->e[i & (LT_BATCH_MAX - 1)] & 2))
				continue;
			if (i + 1 < LT_VOLATILE(buf->nr))	/* its count follows */
				LT_VOLATILE(buf->delta) +=
					(__s64)(buf->e[(i + 1) & (LT_BATCH_MAX - 1)] >> 2) - 2;
			else		/* cut off its count: no pages */
				LT_VOLATILE(buf->delta) -= 1;
		}
	}
	return LT_VOLATILE(buf->delta);
}

/*
 * chunk_delta() out of line, as a global function, which the verifier
 * checks once, on its own, for any argument: its callers then see one
 * unknown return value instead of one state per way out of the 512-entry
 * walk. Inlined into a walk of a whole batch chain (tlb_batch_pages_flush),
 * 20 copies overflow the verifier's 8192 pending branches ("The sequence of
 * 8193 jumps is too complex"); inlined once, after on_flush_work, the
 * program costs ~850k of the 1M verified instructions (6.18), ~70k out of
 * line. Global functions take scalars, hence addresses; 64-bit ones, as
 * the verifier bounds a u32 argument in its low half only. Kernels 5.6+.
 */
__noinline __s64 chunk_delta_global(__u64 addr, __u64 nr)
{
	return chunk_delta(addr, nr);
}

/*
 * Pages held by one batch, read LT_BATCH_MAX entries at a time: a batch
 * page holds MAX_GATHER_BATCH = (PAGE_SIZE - 16) / 8 entries
 * (include/asm-generic/tlb.h, struct mmu_gather_batch): 510 on 4K pages,
 * 2046 on 16K (Debian's arm64-16k), 8190 on 64K.
 */
__noinline __u64 batch_pages_global(__u64 batch)
{
	struct mmu_gather_batch *b = (void *)batch;
	__u32 nr = BPF_CORE_READ(b, nr), off, n;
	__s64 delta = 0;
	__u64 base;

	if (nr > LT_BATCH_ENTRIES_MAX)
		nr = LT_BATCH_ENTRIES_MAX;
	if (!bpf_core_field_exists(b->encoded_pages))
		return nr;
	base = (__u64)__builtin_preserve_access_index(&b->encoded_pages);
	for (__u32 c = 0; c < LT_BATCH_ENTRIES_MAX / LT_BATCH_MAX; c++) {
		off = c * LT_BATCH_MAX;
		if (off >= nr)
			break;
		n = nr - off < LT_BATCH_MAX ? nr - off : LT_BATCH_MAX;
		delta += chunk_delta_global(base + off * sizeof(__u64), n);
		/* a range whose count is the next chunk's first entry: the
		 * walk above took it as cut off (-1); it holds count pages */
		if (off + n < nr) {
			__u64 e[2] = {};

			if (!bpf_probe_read_kernel(e, sizeof(e), (void *)(base +
					(off + n - 1) * sizeof(__u64))) && (e[0] & 2))
				delta += (__s64)(e[1] >> 2) - 2 + 1;
		}
	}
	return (__u64)((__s64)nr + delta);
}

/* fentry hands typed (trusted) pointers, which a global function refuses
 * even cast: reading the pointer back through a helper makes it a number. */
static __always_inline __u64 batch_pages_at(const void *batch)
{
	__u64 addr = 0;

	bpf_probe_read_kernel(&addr, sizeof(addr), &batch);
	return batch_pages_global(addr);
}

/* One unsigned bitfield of *s through reader (bpf_probe_read_kernel or
 * _user): libbpf's BPF_CORE_READ_BITFIELD_PROBED reads kernel memory only. */
#define LT_BITFIELD(reader, s, field) ({				\
	unsigned long long __v = 0;					\
	reader(&__v, __CORE_RELO(s, field, BYTE_SIZE),			\
	       (const void *)(s) + __CORE_RELO(s, field, BYTE_OFFSET));	\
	__v <<= __CORE_RELO(s, field, LSHIFT_U64);			\
	__v >> __CORE_RELO(s, field, RSHIFT_U64);			\
})

/* unshared_tables (hugetlb PMD table unsharing): in the tlb.h of Debian's
 * 6.12.117 and 7.2, not of 6.1.176. */
struct mmu_gather___unshare {
	unsigned int unshared_tables : 1;
} __attribute__((preserve_access_index));

/* The test tlb_flush_mmu_tlbonly() itself makes before it flushes. */
#define gather_has_work(tlb, reader) (					\
	LT_BITFIELD(reader, tlb, freed_tables) ||			\
	LT_BITFIELD(reader, tlb, cleared_ptes) ||			\
	LT_BITFIELD(reader, tlb, cleared_pmds) ||			\
	LT_BITFIELD(reader, tlb, cleared_puds) ||			\
	LT_BITFIELD(reader, tlb, cleared_p4ds) ||			\
	(bpf_core_field_exists(((struct mmu_gather___unshare *)(tlb))->unshared_tables) && \
	 LT_BITFIELD(reader, (struct mmu_gather___unshare *)(tlb), unshared_tables)))

static __always_inline __u64 span_pages(__u64 start, __u64 end)
{
	if (end == ~0ULL)	/* TLB_FLUSH_ALL */
		return ~0ULL;
	return end > start ? (end - start) >> cfg_page_shift : 0;
}

#endif
