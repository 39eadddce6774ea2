// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel release string (uname -r, e.g. "7.2.1+deb14-cloud-amd64")
 * through kinfo_parse_release(), then what is decided from it: the default
 * rule set and the state plan on both architectures. Checks that the
 * version numbers come out non-negative and match the leading digits, and
 * lets UBSan watch the arithmetic done on them.
 */
#include <ctype.h>
#include "fuzz.h"
#include "rules.h"
#include "state_src.h"

/* The leading "MAJOR.MINOR" digits, independently, when they fit. */
static void expect(const char *s, long *maj, long *min)
{
	char *e;

	*maj = *min = 0;
	if (!isdigit((unsigned char)*s))
		return;
	*maj = strtol(s, &e, 10);
	if (*e == '.' && isdigit((unsigned char)e[1]))
		*min = strtol(e + 1, NULL, 10);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const machines[] = { "x86_64", "aarch64" };
	char *s = fuzz_text(data, size);
	struct lt_state_plan sp;
	struct lt_plan plan;
	struct lt_kinfo ki;
	long maj, min;

	memset(&plan, 0, sizeof(plan));
	for (size_t i = 0; i < 2; i++) {
		memset(&ki, 0, sizeof(ki));
		snprintf(ki.machine, sizeof(ki.machine), "%s", machines[i]);
		kinfo_parse_release(&ki, s);
		FUZZ_CHECK(memchr(ki.release, '\0', sizeof(ki.release)));
		FUZZ_CHECK(!strncmp(ki.release, s, sizeof(ki.release) - 1));
		FUZZ_CHECK(ki.major >= 0 && ki.minor >= 0);
		expect(s, &maj, &min);
		if (maj < 100000 && min < 100000)
			FUZZ_CHECK(ki.major == maj && ki.minor == min);
		state_plan(NULL, &ki, &plan, &sp);
		FUZZ_CHECK(sp.primary < LT_SRC_MAX && sp.nnotes <= LT_MAX_NOTES);
		FUZZ_CHECK(rules_default(&ki, &sp) < LT_RULES_MAX);
	}
	free(s);
	return 0;
}
