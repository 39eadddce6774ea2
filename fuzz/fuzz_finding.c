// SPDX-License-Identifier: GPL-2.0
/*
 * A finding record as the ring buffer delivers it (struct lt_finding,
 * filled by BPF from kernel state, its comm chosen by whatever task was
 * running: prctl(PR_SET_NAME) takes any bytes) through live__finding(),
 * as JSON and as text. Checks that each JSON record is one line that a
 * strict, UTF-8-validating parser reads back to an object with the record's
 * numbers, and that text output stays in its lines: no control bytes, no
 * line of 80 columns or more, whatever the comm.
 */
#include <json-c/json.h>
#include "fuzz.h"
#include "live.h"

/* Real names, from a 6.18 /proc/kallsyms, at made-up addresses. */
static const char ksyms_text[] =
	"ffffffff81100000 T __alloc_frozen_pages_noprof\n"
	"ffffffff81100400 T get_free_pages_noprof\n"
	"ffffffff81200000 t tlb_next_batch.isra.0\n"
	"ffffffff81200300 T tlb_finish_mmu\n"
	"ffffffff81300200 t zap_pte_range\n"
	"ffffffff81600100 T exit_mmap\n"
	"ffffffff81800000 D init_task\n"
	"ffffffffc0100000 t bpf_prog_6deef7357e7b4530_fe_alloc\t[bpf]\n";

static struct lt_session s;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	s.ks = ksyms_from_text(strdup(ksyms_text), sizeof(ksyms_text) - 1);
	FUZZ_CHECK(s.ks);
	gfp_table_add(&s.gfp, 0x400, "__GFP_DIRECT_RECLAIM");
	gfp_table_add(&s.gfp, 0x800, "__GFP_KSWAPD_RECLAIM");
	gfp_table_add(&s.gfp, 0x2000, "__GFP_NOWARN");
	return 0;
}

static void emit(const struct lt_finding *f, bool json, char **buf,
		 size_t *len)
{
	s.cfg.json = json;
	s.out = open_memstream(buf, len);
	FUZZ_CHECK(s.out);
	live__finding(&s, f);
	FUZZ_CHECK(!fclose(s.out));
}

static int64_t num(json_object *o, const char *key)
{
	json_object *v;

	FUZZ_CHECK(json_object_object_get_ex(o, key, &v));
	return json_object_get_int64(v);
}

static void check_json(const struct lt_finding *f)
{
	json_tokener *tok = json_tokener_new();
	json_object *o, *v;
	char *buf;
	size_t len;

	emit(f, true, &buf, &len);
	FUZZ_CHECK(len && memchr(buf, '\n', len) == buf + len - 1);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
			       JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, buf, (int)len - 1);
	FUZZ_CHECK(o && json_object_is_type(o, json_type_object));
	FUZZ_CHECK(num(o, "tid") == (int32_t)f->tid);
	FUZZ_CHECK((uint64_t)num(o, "ts_ns") == f->ts_ns ||
		   f->ts_ns > INT64_MAX);
	FUZZ_CHECK(json_object_object_get_ex(o, "comm", &v));
	FUZZ_CHECK(json_object_get_string_len(v) < LT_COMM_LEN);
	FUZZ_CHECK(json_object_object_get_ex(o, "stack", &v));
	FUZZ_CHECK(json_object_array_length(v) <= (size_t)s.cfg.stacks);
	json_object_put(o);
	json_tokener_free(tok);
	free(buf);
}

static void check_text(const struct lt_finding *f)
{
	char *buf, *line;
	size_t len;

	emit(f, false, &buf, &len);
	for (line = buf; line < buf + len; ) {
		char *nl = memchr(line, '\n', (size_t)(buf + len - line));

		FUZZ_CHECK(nl);		/* every line ends */
		FUZZ_CHECK(nl - line < 80);
		for (char *c = line; c < nl; c++)
			FUZZ_CHECK((unsigned char)*c >= ' ' && *c != 0x7f);
		line = nl + 1;
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_finding f;

	if (size < sizeof(f) + 2)	/* on_finding() drops short records */
		return 0;
	memcpy(&f, data, sizeof(f));
	s.rules = data[sizeof(f)] % LT_RULES_MAX;
	s.cfg.stacks = data[sizeof(f) + 1] % (LT_MAX_STACK + 1);
	check_json(&f);
	check_text(&f);
	return 0;
}
