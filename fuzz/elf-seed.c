/* The shape of the uprobe model: the kernel's names as user functions. */
int depth;
__attribute__((noinline)) void arch_enter_lazy_mmu_mode(void) { depth++; }
__attribute__((noinline)) void arch_leave_lazy_mmu_mode(void) { depth--; }
__attribute__((noinline)) void tlb_flush_mmu(void) { __asm__ volatile(""); }
void _start(void)
{
	arch_enter_lazy_mmu_mode();
	tlb_flush_mmu();
	arch_leave_lazy_mmu_mode();
	__asm__ volatile("mov $60, %eax; xor %edi, %edi; syscall");
}
