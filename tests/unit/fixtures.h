/* Paths of test fixtures: text ones in LT_FIXTURES, built ones in LT_BUILD. */
#ifndef LT_TEST_FIXTURES_H
#define LT_TEST_FIXTURES_H

#include <stdio.h>
#include <stdlib.h>

static inline const char *fixture(const char *name)
{
	static char buf[4][512];
	static int i;
	const char *dir = getenv("LT_FIXTURES");

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir ? dir : "tests/fixtures",
		 name);
	return buf[i];
}

static inline const char *built(const char *name)
{
	static char buf[512];
	const char *dir = getenv("LT_BUILD");

	snprintf(buf, sizeof(buf), "%s/%s", dir ? dir : "build", name);
	return buf;
}

#endif
