/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's floor (--bench-floor, docs/PERFORMANCE.md): programs
 * that return at once, attached where the plan's own programs would be,
 * by the same method. What a workload pays under them is what the probes
 * cost by themselves (trampoline or kprobe, the kernel's run accounting),
 * so the default plan's overhead splits into that floor and what
 * lazytrace's programs add. Separate programs rather than a flag in the
 * real ones: a kprobe program reads its cookie and fe_batch_free walks
 * its batch before any handler could test a flag, so those would not be
 * empty. A fentry program is bound to one target when it loads (7.2
 * kernel/bpf/syscall.c:3127, attach_btf_id): one per event (user/discover/floor.c);
 * a kprobe or raw tracepoint program attaches to any number of targets:
 * one each.
 */
#ifndef LT_FLOOR_BPF_H
#define LT_FLOOR_BPF_H

#define LT_FLOOR_FE(n)	SEC("fentry") int BPF_PROG(fe_floor##n) { return 0; }

LT_FLOOR_FE(0)  LT_FLOOR_FE(1)  LT_FLOOR_FE(2)  LT_FLOOR_FE(3)
LT_FLOOR_FE(4)  LT_FLOOR_FE(5)  LT_FLOOR_FE(6)  LT_FLOOR_FE(7)
LT_FLOOR_FE(8)  LT_FLOOR_FE(9)  LT_FLOOR_FE(10) LT_FLOOR_FE(11)
LT_FLOOR_FE(12) LT_FLOOR_FE(13) LT_FLOOR_FE(14) LT_FLOOR_FE(15)
/* one per event: user/discover/floor.c asserts LT_EV_MAX <= 16 */

SEC("kprobe")
int BPF_KPROBE(kp_floor) { return 0; }

SEC("raw_tp")
int tp_floor(struct bpf_raw_tracepoint_args *ctx) { return 0; }

#endif
