/*
 * Source of fuzz/corpus/elfsyms/tiny-model{,.o}: the shape of the uprobe
 * model (the kernel's names as user functions) in a 5 KB ELF, so that the
 * fuzzer mutates headers and symbols rather than megabytes of libc.
 *   clang-19 -O1 -nostdlib -static -fno-pie -Wl,--build-id=none \
 *     -Wl,-z,norelro -fno-asynchronous-unwind-tables -o tiny-model elf-seed.c
 *   clang-19 -O1 -c -o tiny-model.o elf-seed.c
 */
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
