// SPDX-License-Identifier: GPL-2.0
/*
 * The name parsers: --mode, --rules, finding kinds, and the comma list of
 * --fail-on (through cli_parse(), where it lives). Checks that a name is
 * accepted only if it reads back to itself, and compares --fail-on with an
 * independent reading of the list: accepted exactly when it has at least
 * one item and every item is "any" or a kind, with exactly those bits set.
 */
#include <stdbool.h>
#include "fuzz.h"
#include "cli.h"
#include "rules.h"

static const char *const modes[] = { "auto", "fentry", "kprobe", "tracepoint" };

/* Returns the expected fail_on bits, or 0 when the list must be refused. */
static unsigned int expect_fail_on(const char *s)
{
	unsigned int bits = 0;
	bool items = false;

	while (*s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		bool known = false;

		if (n) {
			items = true;
			if (n == 3 && !memcmp(s, "any", 3)) {
				bits |= LT_FAIL_ANY;
				known = true;
			}
			for (unsigned int k = 0; k < LT_K_MAX && !known; k++) {
				if (strlen(kind_name(k)) == n &&
				    !memcmp(s, kind_name(k), n)) {
					bits |= 1u << k;
					known = true;
				}
			}
			if (!known)
				return 0;
		}
		s += n + (e != NULL);
	}
	return items ? bits : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_text(data, size);
	char *argv[] = { "lazytrace", "--fail-on", s, NULL };
	struct lt_config c;
	enum lt_rules r;
	enum lt_kind k;
	enum lt_mode m;
	unsigned int want;
	int rc;

	if (!kind_parse(s, &k))
		FUZZ_CHECK(k < LT_K_MAX && !strcmp(kind_name(k), s));
	if (!mode_parse(s, &m))
		FUZZ_CHECK(m <= LT_MODE_TRACEPOINT && !strcmp(modes[m], s));
	if (!rules_parse(s, &r)) {
		enum lt_rules again;

		FUZZ_CHECK(r < LT_RULES_MAX);
		FUZZ_CHECK(!rules_parse(lt_rulesets[r].name, &again) &&
			   again == r);
	}
	want = expect_fail_on(s);
	rc = cli_parse(3, argv, &c, true);
	FUZZ_CHECK(rc ? !want && c.err[0] : want && c.fail_on == want);
	free(s);
	return 0;
}
