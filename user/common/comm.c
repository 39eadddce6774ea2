// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "comm.h"

/*
 * Length of the UTF-8 sequence at s (n bytes available), 0 when invalid:
 * no overlong forms, no surrogates, nothing past U+10FFFF (RFC 3629).
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		if (s[0] == 0xf4)
			hi = 0x8f;	/* past U+10FFFF */
	} else {
		return 0;
	}
	if (len > n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

const char *comm_clean(const char *comm, char out[LT_COMM_LEN],
		       bool keep_controls)
{
	const unsigned char *s = (const unsigned char *)comm;
	size_t n = strnlen(comm, LT_COMM_LEN - 1), i = 0;

	while (i < n) {
		size_t len = utf8_len(s + i, n - i);

		if (!len || (!keep_controls && (s[i] < ' ' || s[i] == 0x7f))) {
			out[i++] = '?';
			continue;
		}
		memcpy(out + i, s + i, len);
		i += len;
	}
	out[n] = '\0';
	return out;
}
