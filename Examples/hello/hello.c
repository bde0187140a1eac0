/* hello.c: a self-contained static RV32 Linux program (no libc).
 *
 * Build (any clang with the RISC-V target and lld, e.g. the Swift toolchain's):
 *   clang --target=riscv32-unknown-linux-elf -march=rv32im -mabi=ilp32 \
 *         -nostdlib -static -fuse-ld=lld -O2 -fno-builtin -Wl,--build-id=none \
 *         hello.c -o hello.elf
 * Run:
 *   swift run kiln run Examples/hello/hello.elf [names...]
 *   qemu-riscv32 Examples/hello/hello.elf [names...]   (same output)
 */

/* Process entry: the kernel leaves argc at 0(sp), argv at 4(sp). */
__asm__(".section .text._start, \"ax\", @progbits\n"
        ".globl _start\n"
        "_start:\n"
        "  .option push\n"
        "  .option norelax\n"
        "  la gp, __global_pointer$\n"
        "  .option pop\n"
        "  lw a0, 0(sp)\n"       /* argc */
        "  addi a1, sp, 4\n"     /* argv */
        "  call main\n"
        "  li a7, 93\n"          /* exit(main's result) */
        "  ecall\n");

static long syscall3(long n, long a, long b, long c) {
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a7 __asm__("a7") = n;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

static void print(const char *s) {
  unsigned long n = 0;
  while (s[n]) n++;
  syscall3(64 /* write */, 1, (long)s, (long)n);
}

static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static void print_number(unsigned v) {
  char buf[12];
  int i = 11;
  buf[i] = 0;
  do buf[--i] = (char)('0' + v % 10), v /= 10;
  while (v);
  print(buf + i);
}

int main(int argc, char **argv) {
  print("Hello from RISC-V, running on Kiln!\n");
  for (int i = 1; i < argc; i++) {
    print("Hello, ");
    print(argv[i]);
    print("!\n");
  }
  print("fib(25) = ");
  print_number(fib(25));
  print("\n");
  return 0;
}
