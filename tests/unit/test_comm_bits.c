/* lt_comm_cut() (bpf/comm_bits.h), which the BPF programs use in place of
 * bpf_get_current_comm(), against the helper's rule written out byte by
 * byte: copy up to the first NUL or 15 bytes, zero the rest. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "comm_bits.h"

#define LEN 16

static void helper_rule(const unsigned char in[LEN], unsigned char out[LEN])
{
	size_t i;

	memset(out, 0, LEN);
	for (i = 0; i < LEN - 1 && in[i]; i++)
		out[i] = in[i];
}

static void check(const unsigned char in[LEN])
{
	unsigned long long w[2];
	unsigned char want[LEN];

	memcpy(w, in, LEN);
	lt_comm_cut(w);
	helper_rule(in, want);
	if (memcmp(w, want, LEN)) {
		char hex[3 * LEN + 1];

		for (int i = 0; i < LEN; i++)
			snprintf(hex + 3 * i, 4, "%02x ", in[i]);
		fail_msg("cut differs from the helper for %s", hex);
	}
}

/* Every NUL position (and none), the bytes before it any non-zero value
 * (0x01 and 0x80+ are where a borrow trick goes wrong), garbage after. */
static void test_every_nul_position(void **state)
{
	unsigned char in[LEN];
	unsigned int seed = 1;

	for (int nul = 0; nul <= LEN; nul++)
		for (int round = 0; round < 20000; round++) {
			for (int i = 0; i < LEN; i++)
				in[i] = (unsigned char)(rand_r(&seed) % 255 + 1);
			if (round % 3 == 0)	/* the awkward values */
				for (int i = 0; i < LEN; i++)
					in[i] = (unsigned char[]){ 0x01, 0x80,
						 0xff, 0x7f }[rand_r(&seed) % 4];
			if (nul < LEN)
				in[nul] = 0;
			check(in);
		}
}

/* What the kernel really holds: a name, then zeroes. */
static void test_real_names(void **state)
{
	static const char *const names[] = {
		"", "a", "lt-munmap", "kworker/u8:1", "123456789012345",
		"systemd-journal",
	};
	unsigned char in[LEN];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		unsigned long long w[2];

		memset(in, 0, LEN);
		memcpy(in, names[i], strlen(names[i]));
		memcpy(w, in, LEN);
		lt_comm_cut(w);
		assert_memory_equal(w, in, LEN);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_nul_position),
		cmocka_unit_test(test_real_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
