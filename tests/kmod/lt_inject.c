// SPDX-License-Identifier: GPL-2.0
/*
 * lt_inject: make lazy MMU violations on purpose, for lazytrace's tests.
 *
 * debugfs file /sys/kernel/debug/lt_inject/ctl
 *   read:  the words this build supports on the running kernel, one a line
 *   write: "WORD [N]" injects WORD N times (N defaults to 1) from the
 *          writer's own context, then returns with the kernel healthy
 *          (except open_user/open_exit, which return with a section open on
 *          purpose, see below). "hold MS" holds one section for MS ms.
 *          "close" only closes the writer's section left open by open_user.
 *
 * Every write first closes a section that an earlier open_user/open_exit
 * write of the same task left open, and forgets tasks that have exited
 * (logging the counters a task died with).
 *
 * Two eras:
 *  - 7.0+ with CONFIG_ARCH_HAS_LAZY_MMU_MODE: the generic nesting API
 *    lazy_mmu_mode_enable/disable/pause/resume (static inline in
 *    include/linux/pgtable.h) and the per-task counters
 *    current->lazy_mmu_state.{enable_count,pause_count}.
 *  - before 7.0 (Debian bookworm 6.1, trixie 6.12; x86 PARAVIRT_XXL defines
 *    __HAVE_ARCH_ENTER_LAZY_MMU_MODE): arch_enter/leave/flush_lazy_mmu_mode,
 *    which are pv_ops calls (pv_ops is EXPORT_SYMBOL in the Module.symvers of
 *    both kernels). Sections do not nest by those rules; Xen PV keeps a
 *    per-cpu lazy mode and BUG()s on a leave without enter (and, before the
 *    xen_lazy_nesting change, on a nested enter), and a section left open
 *    would meet the next enter of the same task. So unbalanced,
 *    enable_paused, open_user and open_exit are not offered, nest only on
 *    6.12; on bare metal the hooks are no-ops.
 *
 * Each injector is a noinline function named lt_inject_<word> so that it is
 * recognisable in stack traces.
 */
#define pr_fmt(fmt) "lt_inject: " fmt

#include <linux/module.h>
#include <linux/version.h>
#include <linux/kernel.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/preempt.h>
#include <linux/bottom_half.h>
#include <linux/mutex.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/spinlock.h>
#include <linux/mman.h>
#include <asm/tlbflush.h>
#ifdef CONFIG_XEN
#include <xen/xen.h>
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 0, 0) && defined(CONFIG_ARCH_HAS_LAZY_MMU_MODE)
#define LT_NEW 1	/* nesting API + task counters */
#define LT_OLD 0
#elif LINUX_VERSION_CODE < KERNEL_VERSION(7, 0, 0) && defined(__HAVE_ARCH_ENTER_LAZY_MMU_MODE)
#define LT_NEW 0
#define LT_OLD 1	/* bare arch hooks, no nesting */
#else
#define LT_NEW 0
#define LT_OLD 0	/* no lazy MMU mode in this kernel: no words */
#endif
#define LT_ANY (LT_NEW || LT_OLD)

/*
 * A TLB flush a module can reach:
 *  - 7.x, any arch: unmap a page of the writer's own mm with vm_munmap()
 *    (EXPORT_SYMBOL, mm/mmap.c): its mmu_gather clears the PTE and flushes
 *    through tlb_flush(), which on x86 is flush_tlb_mm_range() (7.2
 *    arch/x86/include/asm/tlb.h:13-24), the symbol lazytrace's plan takes
 *    there. zap_pte_range()'s own section nests inside ours (legal since
 *    7.0). The flushes a module can call itself are no use: x86 7.x exports
 *    __flush_tlb_all() to KVM only (EXPORT_SYMBOL_FOR_KVM, namespace
 *    "module:kvm,kvm-amd,kvm-intel": modpost refuses it), and
 *    flush_tlb_kernel_range() is not an mm flush.
 *  - x86 before 7.0: __flush_tlb_all() is EXPORT_SYMBOL_GPL (6.1, 6.12
 *    Module.symvers); it flushes this CPU and wants preemption off. An
 *    munmap would nest arch_enter, which 6.1's Xen BUG()s on.
 */
#if LT_NEW || (defined(CONFIG_X86) && LT_OLD)
#define LT_HAVE_FLUSH 1
#else
#define LT_HAVE_FLUSH 0
#endif

#if LT_NEW && defined(CONFIG_XEN_PV)
#define LT_HAVE_MISMATCH 1
#else
#define LT_HAVE_MISMATCH 0
#endif

#define LT_MAX_N	100000
#define LT_MAX_OPEN	8	/* nesting depth for open_* */
#define LT_MAX_HOLD_MS	5000	/* stay well below the soft-lockup threshold */

static struct dentry *lt_dir;

/* ---- section helpers ------------------------------------------------------ */

static __always_inline void lt_enter(void)
{
#if LT_NEW
	lazy_mmu_mode_enable();
#elif LT_OLD
	/* Real callers hold the PTE lock here; keep the per-cpu transition
	 * on one CPU. The section body stays preemptible: the pv
	 * context-switch hooks carry the mode across a switch. */
	preempt_disable();
	arch_enter_lazy_mmu_mode();
	preempt_enable();
#endif
}

static __always_inline void lt_leave(void)
{
#if LT_NEW
	lazy_mmu_mode_disable();
#elif LT_OLD
	preempt_disable();
	arch_leave_lazy_mmu_mode();
	preempt_enable();
#endif
}

static inline void lt_free(unsigned long addr)
{
	if (addr)
		free_page(addr);
}

/* ---- open sections that outlive a write: per-task notes ----------------- */

struct lt_open {
	struct list_head node;
	struct task_struct *task;	/* reference held */
	pid_t pid;
	unsigned int depth;		/* enables still to undo */
	bool pinned;			/* holds a module reference */
	const char *word;
};

static LIST_HEAD(lt_opens);
static DEFINE_MUTEX(lt_lock);

static void lt_open_drop(struct lt_open *o)
{
	list_del(&o->node);
	put_task_struct(o->task);
	if (o->pinned)
		module_put(THIS_MODULE);
	kfree(o);
}

/* Caller holds lt_lock. Forget exited tasks; close current's section. */
static void lt_open_sweep(void)
{
	struct lt_open *o, *tmp;

	list_for_each_entry_safe(o, tmp, &lt_opens, node) {
		if (o->task == current) {
			while (o->depth) {
				lt_leave();
				o->depth--;
			}
			pr_info("closed the %s section of pid %d\n", o->word, o->pid);
			lt_open_drop(o);
		} else if (o->task->exit_state) {
#if LT_NEW
			pr_info("pid %d (%s) exited with its section open: enable_count=%u pause_count=%u\n",
				o->pid, o->word, o->task->lazy_mmu_state.enable_count,
				o->task->lazy_mmu_state.pause_count);
#else
			pr_info("pid %d (%s) exited with its section open\n", o->pid, o->word);
#endif
			lt_open_drop(o);
		}
	}
}

/* ---- injectors ------------------------------------------------------------ */

#if LT_ANY
/* Page allocation that may sleep, inside a section. */
static noinline void lt_inject_alloc(void)
{
	unsigned long p;

	lt_enter();
	p = __get_free_page(GFP_KERNEL);
	lt_free(p);
	lt_leave();
}

/* What tlb_next_batch() does inside zap_pte_range(): legal under 7.0 rules. */
static noinline void lt_inject_alloc_nowait(void)
{
	unsigned long p;

	lt_enter();
	p = __get_free_page(GFP_NOWAIT);
	lt_leave();
	lt_free(p);
}

/*
 * BH disabled around the section. On 7.x this is NOT a lazy section for the
 * kernel: local_bh_disable() raises softirq_count(), so in_interrupt() is
 * true and lazy_mmu_mode_enable()/disable() return without touching the
 * counters (include/linux/pgtable.h of 7.2: "Has no effect if called: ... In
 * interrupt context"; is_lazy_mmu_mode_active() in include/linux/sched.h is
 * false in interrupt context too). A tracer must not report this one as an
 * allocation inside an active section. Before 7.0 the arch hooks have no
 * such check: there it is a real section.
 */
static noinline void lt_inject_alloc_bh(void)
{
	unsigned long p;

	local_bh_disable();
	lt_enter();
	p = __get_free_page(GFP_ATOMIC);
	lt_leave();
	local_bh_enable();
	lt_free(p);
}

/*
 * An allocation in softirq-disabled code inside an open section: the
 * counters say enabled, but in_interrupt() is true, so for the kernel the
 * mode is not active there (7.2 sched.h is_lazy_mmu_mode_active(); Xen's
 * getters before 7.0 say the same). Not a finding.
 */
static noinline void lt_inject_alloc_bh_in(void)
{
	unsigned long p;

	lt_enter();
	local_bh_disable();
	p = __get_free_page(GFP_ATOMIC);
	local_bh_enable();
	lt_leave();
	lt_free(p);
}

/* Sleeping inside an active section. */
static noinline void lt_inject_sleep(void)
{
	lt_enter();
	msleep(1);
	lt_leave();
}

#if LT_HAVE_FLUSH
/* A TLB flush inside a section. */
static noinline void lt_inject_flush(void)
{
#if LT_NEW
	unsigned long addr = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
				     MAP_ANONYMOUS | MAP_PRIVATE, 0);

	if (IS_ERR_VALUE(addr))
		return;
	/* a write fault maps a page, so the unmap clears a PTE */
	if (clear_user((void __user *)addr, 1))
		pr_info("flush: could not touch the page at %lx\n", addr);
	lt_enter();
	vm_munmap(addr, PAGE_SIZE);	/* -> tlb_flush() of our mm */
	lt_leave();
#else
	lt_enter();
	preempt_disable();	/* __flush_tlb_all() flushes this CPU */
	__flush_tlb_all();
	preempt_enable();
	lt_leave();
#endif
}
#endif

/* Busy-wait inside a section, preemptible: with preempt=full another
 * runnable task takes the CPU inside the section. */
static noinline void lt_inject_hold(unsigned int ms)
{
	unsigned long nivcsw = current->nivcsw;
	ktime_t end;

	lt_enter();
	end = ktime_add_ms(ktime_get(), ms);
	while (ktime_before(ktime_get(), end))
		cpu_relax();
	lt_leave();
	/* Involuntary context switches taken inside the section. */
	pr_info("hold %ums: preempted %lu times inside the section\n",
		ms, current->nivcsw - nivcsw);
}
#endif /* LT_ANY */

#if LT_NEW && defined(CONFIG_PREEMPT_RT)
/*
 * PREEMPT_RT: spinlock_t is an rtmutex, and a task that finds it held
 * blocks in TASK_RTLOCK_WAIT (include/linux/sched.h, 7.2:123) through
 * schedule_rtlock(), not preempted (kernel/sched/core.c __schedule,
 * SM_RTLOCK_WAIT). A holder thread keeps lt_rt_lock until the writer, inside
 * its section, is about to take it; the writer then waits for the lock with
 * its section open. Without RT the holder would spin with preemption off and
 * the writer could never run on one CPU: RT kernels only.
 */
#define LT_HAVE_RTLOCK 1
static DEFINE_SPINLOCK(lt_rt_lock);
static DECLARE_COMPLETION(lt_rt_held);
static int lt_rt_trying;

static int lt_rt_holder(void *unused)
{
	ktime_t end = ktime_add_ms(ktime_get(), 2000);

	spin_lock(&lt_rt_lock);
	complete(&lt_rt_held);
	/* preemptible on RT: the tick lets the writer run and block */
	while (!READ_ONCE(lt_rt_trying) && ktime_before(ktime_get(), end))
		cpu_relax();
	udelay(200);
	spin_unlock(&lt_rt_lock);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/* Returns the times the writer blocked (voluntary switches) in the section. */
static noinline unsigned long lt_inject_rtlock(void)
{
	struct task_struct *k;
	unsigned long nvcsw;

	reinit_completion(&lt_rt_held);
	WRITE_ONCE(lt_rt_trying, 0);
	k = kthread_create(lt_rt_holder, NULL, "lt_rtlock");
	if (IS_ERR(k))
		return 0;
	get_task_struct(k);
	wake_up_process(k);
	wait_for_completion(&lt_rt_held);
	nvcsw = current->nvcsw;
	lt_enter();
	WRITE_ONCE(lt_rt_trying, 1);
	spin_lock(&lt_rt_lock);
	spin_unlock(&lt_rt_lock);
	lt_leave();
	nvcsw = current->nvcsw - nvcsw;
	kthread_stop(k);
	put_task_struct(k);
	return nvcsw;
}
#else
#define LT_HAVE_RTLOCK 0
#endif

/*
 * Nested sections: legal since 7.0; a violation of the pre-7.0 rules. Before
 * 7.0 only where Xen PV survives it: Debian 6.12.117's
 * arch/x86/include/asm/xen/hypervisor.h enter_lazy() counts a nested enter of
 * the same mode in xen_lazy_nesting; older Xen code BUG()s on it (not offered
 * on 6.1).
 */
#if LT_NEW || (LT_OLD && LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0))
#define LT_HAVE_NEST 1
static noinline void lt_inject_nest(void)
{
	/* Pre-7.0 Xen cannot switch tasks inside a nested section: the
	 * switch-out hook leaves one level, then enter_lazy(XEN_LAZY_CPU)
	 * BUG()s on the MMU mode still set (6.12 enlighten_pv.c:423-432,
	 * hypervisor.h:86; seen under preempt=full). Real nesters hold a
	 * lock; so does this one. */
	if (LT_OLD)
		preempt_disable();
	/* The barriers keep the inner pair: where the arch hooks are empty
	 * inlines (sid 7.2 amd64 cloud), the compiler folds ++ -- of the
	 * counter away, and a watchpoint saw 5 of 10 enters. Real nesters
	 * call out of line between them. */
	lt_enter();
	barrier();
	lt_enter();
	barrier();
	lt_leave();	/* 7.x inner: arch_flush_lazy_mmu_mode() */
	barrier();
	lt_leave();
	if (LT_OLD)
		preempt_enable();
}
#else
#define LT_HAVE_NEST 0
#endif

#if LT_NEW

/* enable/disable while paused: no effect by the 7.2 API ("Any call to the
 * lazy_mmu_mode_* API between those two calls has no effect"). */
static noinline void lt_inject_enable_paused(void)
{
	lazy_mmu_mode_enable();
	lazy_mmu_mode_pause();
	lazy_mmu_mode_enable();
	lazy_mmu_mode_disable();
	lazy_mmu_mode_resume();
	lazy_mmu_mode_disable();
}

/*
 * disable() with enable_count == 0. In 7.2 disable() does
 * VM_WARN_ON_ONCE(enable_count == 0) (only with CONFIG_DEBUG_VM, off in
 * Debian), then --enable_count wraps the u8 to 255, which is != 0, so it takes
 * the "nested section" branch and calls arch_flush_lazy_mmu_mode() only: no
 * arch leave runs. We restore by writing 0 directly: no arch hook ran for
 * the wrap, so none must run for the restore. (One enable() would also bring
 * 255 back to 0 without arch_enter, since it only enters on 0->1, but it
 * trips VM_WARN_ON_ONCE(enable_count == U8_MAX) on DEBUG_VM kernels.)
 * Skipped (returns false) if the writer is inside a section already.
 */
static noinline bool lt_inject_unbalanced(void)
{
	struct lazy_mmu_state *st = &current->lazy_mmu_state;

	if (in_interrupt() || st->enable_count || st->pause_count)
		return false;
	lazy_mmu_mode_disable();
	WRITE_ONCE(st->enable_count, 0);
	return true;
}

/* Leave a section open on return to user space (and, for open_exit, at
 * task exit: the writer _exit()s right after the write). */
static noinline int lt_inject_open(const char *word, unsigned int n, bool pin)
{
	struct lt_open *o;
	unsigned int i;

	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	if (pin && !try_module_get(THIS_MODULE)) {
		kfree(o);
		return -ENODEV;
	}
	get_task_struct(current);
	o->task = current;
	o->pid = task_pid_nr(current);
	o->pinned = pin;
	o->word = word;
	for (i = 0; i < n; i++)
		lazy_mmu_mode_enable();
	o->depth = n;
	list_add_tail(&o->node, &lt_opens);
	return 0;
}
#endif /* LT_NEW */

#if LT_HAVE_MISMATCH
/*
 * Xen PV 7.x: move the task counter without the API, so that the counters
 * and the arch (Xen) lazy state disagree. On x86 7.2 arch_enter_lazy_mmu_mode()
 * is empty and arch_leave_lazy_mmu_mode() is a pv flush
 * (arch/x86/include/asm/paravirt.h): setting the counter to 1 makes Xen see
 * an active section without an enter, setting it back to 0 skips the flush
 * that leave would do. The trailing arch_flush_lazy_mmu_mode() issues
 * whatever was batched so the kernel stays consistent; the disagreement is
 * the window between the raw writes and that flush.
 */
static noinline bool lt_inject_mismatch(void)
{
	struct lazy_mmu_state *st = &current->lazy_mmu_state;
	unsigned long p;

	if (in_interrupt() || st->enable_count || st->pause_count)
		return false;
	preempt_disable();
	WRITE_ONCE(st->enable_count, 1);
	p = __get_free_page(GFP_NOWAIT);
	WRITE_ONCE(st->enable_count, 0);
	arch_flush_lazy_mmu_mode();
	preempt_enable();
	lt_free(p);
	return true;
}
#endif

/* ---- word table ----------------------------------------------------------- */

enum lt_word {
	W_ALLOC, W_ALLOC_NOWAIT, W_ALLOC_BH, W_SLEEP, W_OPEN_USER, W_OPEN_EXIT,
	W_UNBALANCED, W_ENABLE_PAUSED, W_NEST, W_FLUSH, W_HOLD, W_MISMATCH,
	W_UNWRAP, W_UNBALANCED_KEEP, W_ALLOC_BH_IN, W_RTLOCK, W_CLOSE,
};

static const struct {
	const char *name;
	bool built;
} lt_words[] = {
	[W_ALLOC]         = { "alloc",         LT_ANY },
	[W_ALLOC_NOWAIT]  = { "alloc_nowait",  LT_ANY },
	[W_ALLOC_BH]      = { "alloc_bh",      LT_ANY },
	[W_SLEEP]         = { "sleep",         LT_ANY },
	[W_OPEN_USER]     = { "open_user",     LT_NEW },
	[W_OPEN_EXIT]     = { "open_exit",     LT_NEW },
	[W_UNBALANCED]    = { "unbalanced",    LT_NEW },
	[W_ENABLE_PAUSED] = { "enable_paused", LT_NEW },
	[W_NEST]          = { "nest",          LT_HAVE_NEST },
	[W_FLUSH]         = { "flush",         LT_HAVE_FLUSH },
	[W_HOLD]          = { "hold",          LT_ANY },
	[W_MISMATCH]      = { "mismatch",      LT_HAVE_MISMATCH },
	[W_UNWRAP]        = { "unwrap",        LT_NEW },
	[W_UNBALANCED_KEEP] = { "unbalanced_keep", LT_NEW },
	[W_ALLOC_BH_IN]   = { "alloc_bh_in",   LT_ANY },
	[W_RTLOCK]        = { "rtlock",        LT_HAVE_RTLOCK },
	[W_CLOSE]         = { "close",         true },	/* not listed */
};

static bool lt_word_ok(int w)
{
	if (!lt_words[w].built)
		return false;
#if LT_HAVE_MISMATCH
	if (w == W_MISMATCH)
		return xen_pv_domain();	/* only meaningful where Xen batches */
#endif
	return true;
}

static ssize_t lt_ctl_read(struct file *f, char __user *ubuf, size_t len, loff_t *ppos)
{
	char buf[256];
	size_t n = 0;
	int w;

	for (w = 0; w < ARRAY_SIZE(lt_words); w++) {
		if (w == W_CLOSE || !lt_word_ok(w))
			continue;
		n += scnprintf(buf + n, sizeof(buf) - n, "%s\n", lt_words[w].name);
	}
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static int lt_run(int w, unsigned int n)
{
	unsigned int i;
	int ret = 0;

	switch (w) {
#if LT_ANY
	case W_ALLOC:
		for (i = 0; i < n; i++)
			lt_inject_alloc();
		break;
	case W_ALLOC_NOWAIT:
		for (i = 0; i < n; i++)
			lt_inject_alloc_nowait();
		break;
	case W_ALLOC_BH:
		for (i = 0; i < n; i++)
			lt_inject_alloc_bh();
		break;
	case W_SLEEP:
		for (i = 0; i < n; i++)
			lt_inject_sleep();
		break;
	case W_ALLOC_BH_IN:
		for (i = 0; i < n; i++)
			lt_inject_alloc_bh_in();
		break;
	case W_HOLD:
		lt_inject_hold(n);
		break;
#endif
#if LT_HAVE_RTLOCK
	case W_RTLOCK: {
		unsigned long waits = 0;

		for (i = 0; i < n; i++)
			waits += lt_inject_rtlock();
		/* the test's count to compare with lazytrace's */
		pr_info("rtlock %u: blocked %lu times in the section\n", n, waits);
		break;
	}
#endif
#if LT_HAVE_FLUSH
	case W_FLUSH:
		for (i = 0; i < n; i++)
			lt_inject_flush();
		break;
#endif
#if LT_HAVE_NEST
	case W_NEST:
		for (i = 0; i < n; i++)
			lt_inject_nest();
		break;
#endif
#if LT_NEW
	case W_ENABLE_PAUSED:
		for (i = 0; i < n; i++)
			lt_inject_enable_paused();
		break;
	case W_UNBALANCED:
		for (i = 0; i < n; i++)
			if (!lt_inject_unbalanced())
				goto busy;
		break;
	case W_OPEN_USER:
		/* Pinned: rmmod fails (EBUSY) while a live task has one open;
		 * another task's counters cannot be reset safely. */
		ret = lt_inject_open("open_user", n, true);
		break;
	case W_OPEN_EXIT:
		ret = lt_inject_open("open_exit", n, false);
		break;
#endif
#if LT_HAVE_MISMATCH
	case W_MISMATCH:
		for (i = 0; i < n; i++)
			if (!lt_inject_mismatch())
				goto busy;
		break;
#endif
#if LT_NEW
	case W_UNWRAP:
		/* A test device, not a violation: Debian 7.2 as Xen PV dom0
		 * runs forked tasks with pause_count wrapped (docs/STATE.md),
		 * where no section can open. Set the writer's back to 0 so the
		 * other words work there; its next switch keeps it right.
		 * Also ends an unbalanced_keep: no arch hook ran for the wrap,
		 * so none runs for this (see lt_inject_unbalanced). */
		if (current->lazy_mmu_state.pause_count >= 128 &&
		    !current->lazy_mmu_state.enable_count) {
			pr_info("unwrap: pause_count %u -> 0\n",
				current->lazy_mmu_state.pause_count);
			current->lazy_mmu_state.pause_count = 0;
		}
		if (current->lazy_mmu_state.enable_count >= 128) {
			pr_info("unwrap: enable_count %u -> 0\n",
				current->lazy_mmu_state.enable_count);
			WRITE_ONCE(current->lazy_mmu_state.enable_count, 0);
		}
		break;
	case W_UNBALANCED_KEEP:
		/* An unbalanced disable left as a real one is: the counter
		 * wrapped until the writer's next "unwrap" (the driver's
		 * "unbalanced" makes a child do both, one syscall between). */
		if (n != 1 || in_interrupt() || current->lazy_mmu_state.enable_count ||
		    current->lazy_mmu_state.pause_count)
			goto busy;
		lazy_mmu_mode_disable();
		break;
#endif
	case W_CLOSE:
		break;
	default:
		ret = -EOPNOTSUPP;
	}
	return ret;
#if LT_NEW
busy:
	/* Needs a writer outside any section and not paused. Seen on Debian
	 * 7.2 Xen PV dom0: every forked task runs with pause_count != 0 (the
	 * context-switch resume of a task never paused wraps it; fork copies
	 * it), so these refuse there. */
	pr_info("%s skipped: writer has enable_count=%u pause_count=%u\n", lt_words[w].name,
		current->lazy_mmu_state.enable_count, current->lazy_mmu_state.pause_count);
	return -EBUSY;
#endif
}

static ssize_t lt_ctl_write(struct file *f, const char __user *ubuf, size_t len, loff_t *ppos)
{
	char buf[64], word[24];
	unsigned int n = 1;
	int w, got, ret;

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	got = sscanf(buf, "%23s %u", word, &n);
	if (got < 1)
		return -EINVAL;
	for (w = 0; w < ARRAY_SIZE(lt_words); w++)
		if (!strcmp(word, lt_words[w].name))
			break;
	if (w == ARRAY_SIZE(lt_words) || !lt_word_ok(w))
		return -EOPNOTSUPP;
	if (w == W_HOLD) {
		if (got < 2)
			n = 10;
		if (n > LT_MAX_HOLD_MS)
			return -ERANGE;
	} else if (n == 0 || n > LT_MAX_N) {
		return -ERANGE;
	} else if ((w == W_OPEN_USER || w == W_OPEN_EXIT) && n > LT_MAX_OPEN) {
		return -ERANGE;	/* enable_count is a u8 */
	}

	mutex_lock(&lt_lock);
	lt_open_sweep();
	mutex_unlock(&lt_lock);
	if (w == W_CLOSE)
		return len;

	/* open_* touch the list; the others run unlocked (they sleep/spin). */
	if (w == W_OPEN_USER || w == W_OPEN_EXIT) {
		mutex_lock(&lt_lock);
		ret = lt_run(w, n);
		mutex_unlock(&lt_lock);
	} else {
		ret = lt_run(w, n);
	}
	if (ret)
		return ret;
	if (w != W_HOLD)
		pr_info("%s x%u\n", lt_words[w].name, n);
#if LT_NEW
	{
		/* The writer's counters after the batch: 0/0, or n/0 for open_*
		 * (a section opened by an earlier write was closed above). */
		struct lazy_mmu_state *st = &current->lazy_mmu_state;
		unsigned int want = (w == W_OPEN_USER || w == W_OPEN_EXIT) ? n :
				    w == W_UNBALANCED_KEEP ? 255 : 0;

		if (st->enable_count != want || st->pause_count != 0)
			pr_err("%s left enable_count=%u pause_count=%u (want %u/0)\n",
			       lt_words[w].name, st->enable_count, st->pause_count, want);
	}
#endif
	return len;
}

static const struct file_operations lt_ctl_fops = {
	.owner = THIS_MODULE,
	.read = lt_ctl_read,
	.write = lt_ctl_write,
	.llseek = default_llseek,
};

static int __init lt_init(void)
{
	lt_dir = debugfs_create_dir("lt_inject", NULL);
	if (IS_ERR_OR_NULL(lt_dir))
		return lt_dir ? PTR_ERR(lt_dir) : -ENODEV;
	debugfs_create_file("ctl", 0600, lt_dir, NULL, &lt_ctl_fops);
	pr_info("loaded (%s era)\n", LT_NEW ? "7.0+ nesting API" : LT_OLD ? "pre-7.0 arch hooks" : "no lazy MMU");
	return 0;
}

static void __exit lt_exit(void)
{
	struct lt_open *o, *tmp;

	debugfs_remove(lt_dir);
	mutex_lock(&lt_lock);
	lt_open_sweep();
	/* Left: open_exit notes of tasks that have not exited yet (open_user
	 * ones pin the module). Their counters belong to a live task: leave
	 * them alone, only drop our references. */
	list_for_each_entry_safe(o, tmp, &lt_opens, node) {
		pr_warn("pid %d still alive with its %s section open; not touched\n", o->pid, o->word);
		lt_open_drop(o);
	}
	mutex_unlock(&lt_lock);
	pr_info("unloaded\n");
}

module_init(lt_init);
module_exit(lt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lazytrace: inject lazy MMU mode violations for tests");
