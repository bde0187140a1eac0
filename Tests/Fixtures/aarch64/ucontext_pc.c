// Prints offsetof(ucontext_t, uc_mcontext.pc) of Linux AArch64 (glibc), the
// number AArch64Port.facts.signalContextPC must equal. Cross-compiled with
// aarch64-linux-gnu-gcc -static and run under qemu-aarch64 by
// Tests/AArch64Tests/PortFactsTests.swift.
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <ucontext.h>

int main(void) {
  printf("%zu\n", offsetof(ucontext_t, uc_mcontext.pc));
  return 0;
}
