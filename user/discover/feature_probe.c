// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel features, detected by trial: load a two-instruction program of each
 * type and attach it for real, then drop it. A config file or version check
 * can say "supported" on a kernel where loading still fails (the CI host
 * answers EPERM to tracing programs), so only a trial is trusted.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "feature_probe.h"

static int trivial_prog(enum bpf_prog_type type, enum bpf_attach_type at,
			int btf_id)
{
	const struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 },	/* r0 = 0 */
		{ .code = 0x95 },				/* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = at,
		    .attach_btf_id = btf_id);

	return bpf_prog_load(type, NULL, "GPL", insns, 2, &opts);
}

static void why(char *buf, size_t len, const char *what, int err)
{
	snprintf(buf, len, "%s: %s", what, strerror(err));
}

static void probe_fentry(const struct btf *btf, const char *target,
			 struct lt_features *f)
{
	int id, fd, link;

	if (!btf) {
		snprintf(f->fentry_why, sizeof(f->fentry_why), "no kernel BTF");
		return;
	}
	id = btf__find_by_name_kind(btf, target, BTF_KIND_FUNC);
	if (id < 0) {
		snprintf(f->fentry_why, sizeof(f->fentry_why),
			 "trial target %s not in BTF", target);
		return;
	}
	fd = trivial_prog(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, id);
	if (fd < 0) {
		why(f->fentry_why, sizeof(f->fentry_why), "trial load", errno);
		return;
	}
	link = bpf_raw_tracepoint_open(NULL, fd);
	if (link < 0)
		why(f->fentry_why, sizeof(f->fentry_why), "trial attach", errno);
	else
		f->fentry = true;
	if (link >= 0)
		close(link);
	close(fd);
}

int kprobe_pmu_type(void)
{
	FILE *fp = fopen("/sys/bus/event_source/devices/kprobe/type", "r");
	int type = -1;

	if (!fp)
		return -1;
	if (fscanf(fp, "%d", &type) != 1)
		type = -1;
	fclose(fp);
	return type;
}

/* A perf kprobe at an address, the way every kprobe here is attached. */
int kprobe_open_addr(uint64_t addr, bool retprobe)
{
	struct perf_event_attr attr = { .size = sizeof(attr) };
	int type = kprobe_pmu_type();

	if (type < 0) {
		errno = ENOENT;
		return -1;
	}
	attr.type = type;
	attr.config = retprobe ? 1 : 0;	/* format/retprobe: config:0 */
	attr.config1 = 0;		/* no function name ... */
	attr.config2 = addr;		/* ... so this is kprobe_addr */
	return syscall(__NR_perf_event_open, &attr, -1, 0, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

static int ioctl_set_bpf(int pfd, int prog_fd)
{
	return ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd);
}

static void probe_kprobe(uint64_t addr, struct lt_features *f)
{
	int fd, pfd;

	if (kprobe_pmu_type() < 0) {
		snprintf(f->kprobe_why, sizeof(f->kprobe_why),
			 "no kprobe PMU (CONFIG_KPROBES off?)");
		return;
	}
	if (!addr) {
		snprintf(f->kprobe_why, sizeof(f->kprobe_why),
			 "no kallsyms address to trial");
		return;
	}
	fd = trivial_prog(BPF_PROG_TYPE_KPROBE, 0, 0);
	if (fd < 0) {
		why(f->kprobe_why, sizeof(f->kprobe_why), "trial load", errno);
		return;
	}
	pfd = kprobe_open_addr(addr, false);
	if (pfd < 0) {
		why(f->kprobe_why, sizeof(f->kprobe_why), "trial kprobe", errno);
	} else if (ioctl_set_bpf(pfd, fd)) {
		why(f->kprobe_why, sizeof(f->kprobe_why), "trial attach", errno);
	} else {
		f->kprobe = true;
	}
	if (pfd >= 0)
		close(pfd);
	close(fd);
}

static void probe_raw_tp(struct lt_features *f)
{
	int fd = trivial_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0), link;

	if (fd < 0) {
		why(f->raw_tp_why, sizeof(f->raw_tp_why), "trial load", errno);
		return;
	}
	link = bpf_raw_tracepoint_open("sched_process_exit", fd);
	if (link < 0) {
		why(f->raw_tp_why, sizeof(f->raw_tp_why), "trial attach", errno);
	} else {
		f->raw_tp = true;
		close(link);
	}
	close(fd);
}

void features_probe(const struct btf *btf, const char *fentry_target,
		    uint64_t kprobe_addr, struct lt_features *f)
{
	memset(f, 0, sizeof(*f));
	probe_fentry(btf, fentry_target, f);
	probe_kprobe(kprobe_addr, f);
	probe_raw_tp(f);
	/* Tracing programs may allocate map elements at insert since
	 * bpf_mem_alloc (6.1, 96da3f7d489d); before it the kernel WARNs. */
	f->alloc_at_insert = btf && btf__find_by_name_kind(btf, "bpf_mem_alloc",
							   BTF_KIND_STRUCT) >= 0;
	f->prealloc_why = "kernel predates 6.1's\n"
		"  bpf_mem_alloc: run-time allocation would WARN";
}
