/* Finding records: JSON encoding (parsed back with json-c) and text width. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "live.h"
#include "fixtures.h"

static struct lt_session s;
static char *buf;
static size_t len;

static int setup(void **state)
{
	s.ks = ksyms_load(fixture("kallsyms.catalog"));
	gfp_table_add(&s.gfp, 0x400, "__GFP_DIRECT_RECLAIM");
	gfp_table_add(&s.gfp, 0x800, "__GFP_KSWAPD_RECLAIM");
	gfp_table_add(&s.gfp, 0x2000, "__GFP_NOWARN");
	s.rules = LT_RULES_V7;
	s.cfg.stacks = 8;
	return s.ks ? 0 : -1;
}

static int teardown(void **state)
{
	ksyms_free(s.ks);
	return 0;
}

static struct lt_finding alloc_finding(void)
{
	struct lt_finding f = {
		.ts_ns = 123456789, .kind = LT_K_ALLOC_IN_LAZY,
		.severity = LT_SEV_INFO, .pid = 10, .tid = 11, .cpu = 1,
		.depth = 1, .event = LT_EV_PAGE_ALLOC, .order = 0,
		.gfp = 0x2800, .nstack = 5,
		.stack = { 0xffffffffc0100040ULL, 0xffffffff81100009ULL,
			   0xffffffff81100411ULL, 0xffffffff8120004fULL,
			   0xffffffff81200641ULL },
	};
	/* a comm that needs escaping */
	memcpy(f.comm, "a\"b\\c\td", 8);
	return f;
}

static json_object *emit_json(const struct lt_finding *f)
{
	json_object *o;

	s.cfg.json = true;
	s.out = open_memstream(&buf, &len);
	live__finding(&s, f);
	fclose(s.out);
	assert_non_null(strchr(buf, '\n'));
	assert_ptr_equal(strchr(buf, '\n'), buf + len - 1);	/* one line */
	o = json_tokener_parse(buf);
	free(buf);
	assert_non_null(o);
	return o;
}

static const char *str(json_object *o, const char *k)
{
	json_object *v;

	assert_true(json_object_object_get_ex(o, k, &v));
	return json_object_get_string(v);
}

static int64_t num(json_object *o, const char *k)
{
	json_object *v;

	assert_true(json_object_object_get_ex(o, k, &v));
	return json_object_get_int64(v);
}

static void alloc_finding_json(void **state)
{
	struct lt_finding f = alloc_finding();
	json_object *o = emit_json(&f), *st;

	assert_string_equal(str(o, "type"), "finding");
	assert_string_equal(str(o, "kind"), "alloc_in_lazy");
	assert_string_equal(str(o, "severity"), "info");
	assert_string_equal(str(o, "rules"), "7.0");
	assert_string_equal(str(o, "comm"), "a\"b\\c\td");
	assert_int_equal(num(o, "pid"), 10);
	assert_int_equal(num(o, "tid"), 11);
	assert_int_equal(num(o, "cpu"), 1);
	assert_int_equal(num(o, "depth"), 1);
	assert_int_equal(num(o, "pause"), 0);
	assert_int_equal(num(o, "ts_ns"), 123456789);
	assert_int_equal(num(o, "order"), 0);
	assert_string_equal(str(o, "gfp_flags"), "__GFP_KSWAPD_RECLAIM|__GFP_NOWARN");
	assert_string_equal(str(o, "allocator"), "get_free_pages_noprof");
	assert_string_equal(str(o, "caller"), "tlb_next_batch.isra.0");
	assert_true(json_object_object_get_ex(o, "stack", &st));
	/* the BPF program frame is dropped */
	assert_int_equal(json_object_array_length(st), 4);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(st, 0)),
			    "__alloc_frozen_pages_noprof+0x9");
	json_object_put(o);
}

static void stacks_limit_and_flush_pages(void **state)
{
	struct lt_finding f = alloc_finding();
	json_object *o, *st;

	f.kind = LT_K_FLUSH_IN_LAZY;
	f.event = LT_EV_TLB_FLUSH;
	f.pages = 512;
	s.cfg.stacks = 2;
	o = emit_json(&f);
	s.cfg.stacks = 8;
	assert_int_equal(num(o, "pages"), 512);
	assert_false(json_object_object_get_ex(o, "order", NULL));
	assert_true(json_object_object_get_ex(o, "stack", &st));
	assert_int_equal(json_object_array_length(st), 2);
	json_object_put(o);
}

static void text_stays_under_80_columns(void **state)
{
	struct lt_finding f = alloc_finding();
	char *line, *save = NULL;
	int lines = 0;

	memcpy(f.comm, "fifteen-chars-x", 16);
	f.pid = f.tid = 4194304;
	s.cfg.json = false;
	s.out = open_memstream(&buf, &len);
	live__finding(&s, &f);
	fclose(s.out);
	assert_non_null(strstr(buf, "allocator get_free_pages_noprof <- "));
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), lines++)
		assert_true(strlen(line) < 80);
	free(buf);
	assert_int_equal(lines, 4 + 4);
}

/* found by fuzz_finding: a comm is any 15 bytes a task chose */
static void hostile_comm(void **state)
{
	struct lt_finding f = alloc_finding();
	json_object *o;

	/* a newline and an escape would fake lines in the text report */
	memcpy(f.comm, "x\n12:00 error\x1b[", 16);
	s.cfg.json = false;
	s.out = open_memstream(&buf, &len);
	live__finding(&s, &f);
	fclose(s.out);
	assert_non_null(strstr(buf, " x?12:00 error?[ 10/11\n"));
	free(buf);
	/* a name cut mid-character: JSON stays valid UTF-8 */
	memcpy(f.comm, "ab\xe5\x90\x8d\xe5\x89", 8);
	o = emit_json(&f);
	assert_string_equal(str(o, "comm"), "ab\xe5\x90\x8d??");
	json_object_put(o);
	/* no NUL at all: 15 bytes, never the bytes after the field */
	memset(f.comm, 'z', sizeof(f.comm));
	o = emit_json(&f);
	assert_string_equal(str(o, "comm"), "zzzzzzzzzzzzzzz");
	json_object_put(o);
}

/* found by fuzz_finding: real gfp masks decode past one line */
static void long_gfp_wraps(void **state)
{
	struct lt_finding f = alloc_finding();
	struct lt_gfp_table saved = s.gfp;
	char *line, *save = NULL;

	for (int i = 0; i < 24; i++) {
		char name[40];

		snprintf(name, sizeof(name), "__GFP_FLAG_NUMBER_%d", i);
		gfp_table_add(&s.gfp, 1ULL << (i + 16), name);
	}
	f.gfp = ~0ULL;
	f.nstack = 99;	/* more than stack[] holds: clamped */
	s.cfg.json = false;
	s.out = open_memstream(&buf, &len);
	live__finding(&s, &f);
	fclose(s.out);
	s.gfp = saved;
	assert_non_null(strstr(buf, "__GFP_FLAG_NUMBER_23|"));
	assert_true(strstr(buf, "|0x") || strstr(buf, "\n    0x"));
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		assert_true(strlen(line) < 80);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alloc_finding_json),
		cmocka_unit_test(stacks_limit_and_flush_pages),
		cmocka_unit_test(text_stays_under_80_columns),
		cmocka_unit_test(hostile_comm),
		cmocka_unit_test(long_gfp_wraps),
	};
	return cmocka_run_group_tests_name("report", tests, setup, teardown);
}
