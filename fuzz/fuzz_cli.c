// SPDX-License-Identifier: GPL-2.0
/*
 * The command line: one argument a line of input, through cli_parse() in
 * its quiet mode (no exit, no output). This covers every value parser
 * behind the options: pid, --comm, -c, durations, the interval and count,
 * --stacks, --mode, --rules, --fail-on, --ring-buffer, --metrics,
 * --rate-limit and the paths (--tracefs too). Checks that an accepted
 * configuration is within every documented range and that a rejection
 * always says why.
 */
#include <math.h>
#include <unistd.h>
#include "fuzz.h"
#include "cli.h"
#include "rules.h"

#define MAX_ARGS	24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *argv[MAX_ARGS + 2], *p = text;
	unsigned int kinds = (1u << LT_K_MAX) - 1;
	struct lt_config c;
	int argc = 0, rc;

	argv[argc++] = "lazytrace";
	while (argc <= MAX_ARGS) {
		char *nl = strchr(p, '\n');

		argv[argc++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	argv[argc] = NULL;
	rc = cli_parse(argc, argv, &c, true);
	FUZZ_CHECK(memchr(c.err, '\0', sizeof(c.err)));
	if (rc) {
		FUZZ_CHECK(c.err[0]);
		free(text);
		return 0;
	}
	FUZZ_CHECK(c.pid >= 0);
	FUZZ_CHECK(c.comm_on ? c.comm[0] && memchr(c.comm, '\0', LT_COMM_LEN)
			     : !c.comm[0]);
	FUZZ_CHECK(!c.cgroup_path || (c.cgroup_path >= text &&
				      c.cgroup_path <= text + size));
	FUZZ_CHECK(isfinite(c.duration) && c.duration >= 0 &&
		   c.duration <= 365 * 86400.0);
	FUZZ_CHECK(isfinite(c.interval) && c.interval >= 0 &&
		   c.interval <= 86400);
	FUZZ_CHECK(c.count >= 0 && (c.interval > 0 || !c.count));
	FUZZ_CHECK(c.stacks >= 0 && c.stacks <= LT_MAX_STACK);
	FUZZ_CHECK(c.mode >= LT_MODE_AUTO && c.mode <= LT_MODE_TRACEPOINT);
	FUZZ_CHECK(c.rules >= -1 && c.rules < LT_RULES_MAX);
	FUZZ_CHECK(!(c.fail_on & ~(kinds | LT_FAIL_ANY)));
	FUZZ_CHECK(c.verbose >= 0);
	/* --ring-buffer: unset, or a power of two of whole pages, 4..262144 */
	FUZZ_CHECK(!c.ring_kib || (c.ring_kib >= 4 && c.ring_kib <= 262144 &&
				   !(c.ring_kib & (c.ring_kib - 1)) &&
				   c.ring_kib * 1024L % sysconf(_SC_PAGESIZE) == 0));
	/* --metrics: a real port when on, nothing half-set when off */
	FUZZ_CHECK(c.metrics_on ? c.metrics_port >= 1
				: !c.metrics_port && !c.metrics_addr);
	/* --rate-limit: off, or a finite positive rate up to 1e9/s */
	FUZZ_CHECK(c.rate_limit == 0 || (isfinite(c.rate_limit) &&
					 c.rate_limit > 0 &&
					 c.rate_limit <= 1e9));
	/* paths are the user's own words, and --tracefs is never "" */
	FUZZ_CHECK(!c.tracefs_path || (c.tracefs_path[0] &&
				       c.tracefs_path >= text &&
				       c.tracefs_path <= text + size));
	FUZZ_CHECK(!c.btf_path || (c.btf_path >= text &&
				   c.btf_path <= text + size));
	FUZZ_CHECK(!c.kallsyms_path || (c.kallsyms_path >= text &&
					c.kallsyms_path <= text + size));
	free(text);
	return 0;
}
