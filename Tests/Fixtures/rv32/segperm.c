/* Segment permissions, as Linux (and qemu-riscv32) enforce them. argv[1]:
 *   read    reads the read-only data and the code: allowed, exits 0;
 *   rodata  writes to a const table in .rodata (a read-only segment);
 *   text    writes over the code of a function (the read-only, executable segment);
 *   data    calls code placed in .data (a writable segment that is not executable);
 *   stack   calls code copied to the stack (Linux maps the stack without execute);
 *   heap    calls code copied to memory from brk (not executable either);
 *   mmap    calls code copied to an anonymous PROT_READ|PROT_WRITE mapping;
 *   mmapx   calls code in a PROT_READ|PROT_WRITE|PROT_EXEC mapping: allowed, exits 0;
 *   mprotect  makes a mapping PROT_READ|PROT_EXEC with mprotect and calls it:
 *           allowed, exits 0;
 *   mprotectw  writes to such a mapping (refused);
 *   syscall read(2)s into .rodata: the kernel refuses with EFAULT, exits 0.
 * A refused access ends the process with SIGSEGV before it prints "survived". */
#include "rt.h"

static const unsigned table[4] = {1, 2, 3, 4};
/* addi a0, a0, 1; ret */
static volatile unsigned code_in_data[2] = {0x00150513u, 0x00008067u};  /* volatile: stays in .data */

static int plus_one(int x) { return x + 1; }

#define SYS_mprotect 226

/* Copies the two instructions to `where` and calls them with 1. */
static int call_copy(volatile unsigned *where) {
  where[0] = 0x00150513u;
  where[1] = 0x00008067u;
  int (*f)(int) = (int (*)(int))(uintptr_t)where;
  return f(1);
}

static volatile unsigned *map(int prot) {
  long p = rt_syscall6(SYS_mmap2, 0, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p < 0 && p > -4096) {
    rt_printf("mmap2 failed: %ld\n", p);
    return NULL;
  }
  return (volatile unsigned *)p;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  const char *mode = argv[1];
  volatile unsigned *target = (volatile unsigned *)table;
  if (strcmp(mode, "read") == 0) {
    unsigned sum = target[0] + target[3] + *(volatile unsigned *)(uintptr_t)plus_one;
    rt_printf("read %u\n", sum != 0);
    return 0;
  }
  if (strcmp(mode, "rodata") == 0) target[1] = 99;
  if (strcmp(mode, "text") == 0) *(volatile unsigned *)(uintptr_t)plus_one = 0x00000013u;
  if (strcmp(mode, "data") == 0) {
    code_in_data[0] = 0x00150513u; /* written: a writable page */
    int (*f)(int) = (int (*)(int))(uintptr_t)code_in_data;
    rt_printf("f(1) = %d\n", f(1));
  }
  if (strcmp(mode, "stack") == 0) {
    volatile unsigned on_stack[2];
    rt_printf("f(1) = %d\n", call_copy(on_stack));
  }
  if (strcmp(mode, "heap") == 0) {
    long start = rt_syscall1(SYS_brk, 0);
    long end = rt_syscall1(SYS_brk, start + 8192);
    if (end < start + 8192) return 3;
    rt_printf("f(1) = %d\n", call_copy((volatile unsigned *)(uintptr_t)start));
  }
  if (strcmp(mode, "mmap") == 0) {
    volatile unsigned *m = map(PROT_READ | PROT_WRITE);
    if (m == NULL) return 3;
    rt_printf("f(1) = %d\n", call_copy(m));
  }
  if (strcmp(mode, "mmapx") == 0) {
    volatile unsigned *m = map(PROT_READ | PROT_WRITE | PROT_EXEC);
    if (m == NULL) return 3;
    rt_printf("mmapx f(1) = %d\n", call_copy(m));
    return 0;
  }
  if (strcmp(mode, "mprotect") == 0 || strcmp(mode, "mprotectw") == 0) {
    volatile unsigned *m = map(PROT_READ | PROT_WRITE);
    if (m == NULL) return 3;
    m[0] = 0x00150513u;
    m[1] = 0x00008067u;
    long r = rt_syscall3(SYS_mprotect, m, 4096, PROT_READ | PROT_EXEC);
    if (strcmp(mode, "mprotectw") == 0) m[0] = 0;
    int (*f)(int) = (int (*)(int))(uintptr_t)m;
    rt_printf("mprotect %ld f(1) = %d\n", r, f(1));
    if (strcmp(mode, "mprotect") == 0) return 0;
  }
  if (strcmp(mode, "syscall") == 0) {
    /* read from stdin into the const table: EFAULT (-14) before any byte is read. */
    long r = rt_syscall3(SYS_read, 0, (void *)(uintptr_t)table, 4);
    rt_printf("read into rodata: %ld, table[0] = %u\n", r, target[0]);
    return 0;
  }
  rt_printf("survived %s: %u\n", mode, target[1]);
  return 1;
}
