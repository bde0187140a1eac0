/* Segment permissions, as Linux (and qemu-riscv32) enforce them. argv[1]:
 *   read    reads the read-only data and the code: allowed, exits 0;
 *   rodata  writes to a const table in .rodata (a read-only segment);
 *   text    writes over the code of a function (the read-only, executable segment);
 *   data    calls code placed in .data (a writable segment that is not executable).
 * A refused access ends the process with SIGSEGV before it prints "survived". */
#include "rt.h"

static const unsigned table[4] = {1, 2, 3, 4};
/* addi a0, a0, 1; ret */
static volatile unsigned code_in_data[2] = {0x00150513u, 0x00008067u};  /* volatile: stays in .data */

static int plus_one(int x) { return x + 1; }

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
  rt_printf("survived %s: %u\n", mode, target[1]);
  return 1;
}
