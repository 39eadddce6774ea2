// SPDX-License-Identifier: GPL-2.0
/*
 * The --uprobe-target ELF file through elfsyms_from_image(): libelf
 * section and symbol walking, the kallsyms-text rendering and its parse.
 * Checks that an accepted file yields a non-empty table with usable
 * addresses, in which every symbol a name search returns has a non-zero
 * address that looks up to a symbol at that address.
 */
#include "fuzz.h"
#include "elfsyms.h"

#define MAX_OUT	4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* libelf may write into the image: give it a private copy. */
	char *image = fuzz_text(data, size);
	const struct lt_ksym *out[MAX_OUT];
	static const char *const names[] = {
		"main", "_start", "arch_enter_lazy_mmu_mode",
		"arch_leave_lazy_mmu_mode", "f",
	};
	struct lt_ksyms *ks = elfsyms_from_image(image, size);

	if (!ks) {
		free(image);
		return 0;
	}
	FUZZ_CHECK(ksyms_count(ks) > 0);
	FUZZ_CHECK(!ksyms_hidden(ks));	/* symbols at 0 are left out */
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		size_t n = ksyms_find_all(ks, names[i], out, MAX_OUT);

		for (size_t j = 0; j < n && j < MAX_OUT; j++) {
			const struct lt_ksym *s = ksyms_lookup(ks, out[j]->addr, NULL);

			FUZZ_CHECK(out[j]->addr);
			FUZZ_CHECK(s && s->addr == out[j]->addr);
		}
	}
	ksyms_free(ks);
	free(image);
	return 0;
}
