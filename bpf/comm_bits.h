/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A task comm read as two little-endian words, cut as bpf_get_current_comm()
 * cuts it: the bytes up to the first NUL kept, the rest zeroed, byte 15
 * always NUL. Plain C, so the unit test (tests/unit/test_comm_bits.c) runs
 * the same code the BPF programs do.
 */
#ifndef LT_COMM_BITS_H
#define LT_COMM_BITS_H

static inline void lt_comm_cut(unsigned long long w[2])
{
	const unsigned long long ones = 0x0101010101010101ULL;
	const unsigned long long highs = ones << 7;
	/* Below the first zero byte no borrow happens, so the lowest high
	 * bit set marks exactly that byte; the bytes before it survive. */
	unsigned long long z0 = (w[0] - ones) & ~w[0] & highs;
	unsigned long long z1 = (w[1] - ones) & ~w[1] & highs;

	if (z0) {
		w[0] &= ((z0 & -z0) >> 7) - 1;
		w[1] = 0;
	} else {
		w[1] &= (((z1 & -z1) >> 7) - 1) & ~(0xffULL << 56);
	}
}

#endif
