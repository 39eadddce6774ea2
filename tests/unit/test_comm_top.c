/* The comm slots behind lazytrace_findings_total: re-ranked top N, and
 * every exposed series monotonic with exact sums, over random runs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "comm_top.h"

static void row(struct lt_comm_row *r, const char *comm,
		unsigned long long count)
{
	memset(r, 0, sizeof(*r));
	r->key.kind = LT_K_ALLOC_IN_LAZY;
	r->key.severity = LT_SEV_ERROR;
	strncpy(r->key.comm, comm, LT_COMM_LEN);
	r->count = count;
}

/* The exposed value for comm (or "other"), -1 when it has no slot. */
static long long shown(const struct lt_comm_top *t,
		       const struct lt_comm_row *rows, size_t n,
		       const char *comm)
{
	static struct lt_comm_split sp;
	int i;

	comm_top_split(t, rows, n, &sp);
	if (!strcmp(comm, "other"))
		return sp.other[LT_K_ALLOC_IN_LAZY][LT_SEV_ERROR];
	i = comm_top_find(t, comm);
	return i < 0 ? -1 : (long long)sp.slot[i][LT_K_ALLOC_IN_LAZY][LT_SEV_ERROR];
}

static void test_rerank_to_top_n(void **state)
{
	struct lt_comm_row r[4];
	struct lt_comm_top t;

	comm_top_init(&t, 2);
	row(&r[0], "x", 1);
	row(&r[1], "y", 2);
	assert_int_equal(comm_top_update(&t, r, 2), 0);
	assert_int_equal(t.n, 2);
	/* z and w outgrow both: they take the slots, biggest first */
	row(&r[2], "z", 50);
	row(&r[3], "w", 40);
	assert_int_equal(comm_top_update(&t, r, 4), 0);
	assert_true(comm_top_find(&t, "z") >= 0);
	assert_true(comm_top_find(&t, "w") >= 0);
	assert_int_equal(comm_top_find(&t, "x"), -1);
	assert_int_equal(comm_top_find(&t, "y"), -1);
	assert_int_equal(t.nretired, 2);
	/* new slots count from 0; the rest is exactly in other */
	assert_int_equal(shown(&t, r, 4, "z"), 0);
	assert_int_equal(shown(&t, r, 4, "other"), 93);
	r[2].count = 57;
	assert_int_equal(comm_top_update(&t, r, 4), 0);
	assert_int_equal(shown(&t, r, 4, "z"), 7);
	assert_int_equal(shown(&t, r, 4, "other"), 93);
}

static void test_equal_never_trades(void **state)
{
	struct lt_comm_row r[2];
	struct lt_comm_top t;

	comm_top_init(&t, 1);
	row(&r[0], "a", 5);
	assert_int_equal(comm_top_update(&t, r, 1), 0);
	row(&r[1], "b", 5);
	assert_int_equal(comm_top_update(&t, r, 2), 0);
	assert_true(comm_top_find(&t, "a") >= 0);
	assert_int_equal(t.nretired, 0);
}

static void test_retired_stays_other(void **state)
{
	struct lt_comm_row r[2];
	struct lt_comm_top t;

	comm_top_init(&t, 1);
	row(&r[0], "a", 1);
	assert_int_equal(comm_top_update(&t, r, 1), 0);
	row(&r[1], "b", 10);
	assert_int_equal(comm_top_update(&t, r, 2), 0);
	assert_int_equal(comm_top_find(&t, "a"), -1);
	/* a outgrows b again, but its label set never comes back */
	r[0].count = 1000;
	assert_int_equal(comm_top_update(&t, r, 2), 0);
	assert_int_equal(comm_top_find(&t, "a"), -1);
	assert_int_equal(shown(&t, r, 2, "other"), 1010);
}

static void test_zero_slots(void **state)
{
	struct lt_comm_row r[1];
	struct lt_comm_top t;

	comm_top_init(&t, 0);
	row(&r[0], "a", 3);
	assert_int_equal(comm_top_update(&t, r, 1), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(shown(&t, r, 1, "other"), 3);
}

#define NCOMM 12
#define NSCRAPE 400

/*
 * Random runs: counts grow at random, comms appear late. After every
 * scrape: at most cap slots, the shown values sum to the exact total, no
 * label set ever shows less than before, and none comes back once gone.
 */
static void test_random_runs_monotonic(void **state)
{
	static long long last[NCOMM + 1];	/* [NCOMM]: other */
	static int had[NCOMM], gone[NCOMM];
	struct lt_comm_row r[NCOMM];
	struct lt_comm_top t;
	char name[NCOMM][8];

	for (unsigned int seed = 1; seed <= 20; seed++) {
		unsigned int cap = seed % 5, n = 0;

		srand(seed);
		comm_top_init(&t, cap);
		memset(last, 0, sizeof(last));
		memset(had, 0, sizeof(had));
		memset(gone, 0, sizeof(gone));
		for (int s = 0; s < NSCRAPE; s++) {
			unsigned long long total = 0, sum = 0;

			if (n < NCOMM && rand() % 20 == 0) {
				snprintf(name[n], sizeof(name[n]), "c%u", n);
				row(&r[n], name[n], 0);
				n++;
			}
			for (unsigned int i = 0; i < n; i++) {
				/* skewed rates, so ranks really change */
				r[i].count += rand() % (1 + (i * 7 + s / 50) % 13);
				total += r[i].count;
			}
			assert_int_equal(comm_top_update(&t, r, n), 0);
			assert_true(t.n <= cap);
			for (unsigned int j = 0; j <= n; j++) {
				unsigned int i = j < n ? j : NCOMM;
				const char *c = j < n ? name[j] : "other";
				long long v = shown(&t, r, n, c);

				if (v < 0) {
					if (i < NCOMM && had[i])
						gone[i] = 1;
					continue;
				}
				assert_false(i < NCOMM && gone[i]);
				if (i < NCOMM)
					had[i] = 1;
				assert_true(v >= last[i]);
				last[i] = v;
				sum += (unsigned long long)v;
			}
			assert_int_equal(sum, total);
		}
		/* the runs must exercise re-ranking, not only free slots */
		if (cap)
			assert_true(t.nretired > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rerank_to_top_n),
		cmocka_unit_test(test_equal_never_trades),
		cmocka_unit_test(test_retired_stays_other),
		cmocka_unit_test(test_zero_slots),
		cmocka_unit_test(test_random_runs_monotonic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
