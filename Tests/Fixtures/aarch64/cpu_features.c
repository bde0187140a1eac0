// Prints what Sources/CKilnCPU detects on the CPU it runs on: "lse 1" or
// "lse 0". Cross-compiled with aarch64-linux-gnu-gcc together with
// Sources/CKilnCPU/cpu.c and run under qemu-aarch64 with -cpu cortex-a53
// (ARMv8.0: no LSE) and -cpu max (LSE) by AArch64Tests/CPUFeaturesTests.
#include <stdio.h>

#include "CKilnCPU.h"

int main(void) {
  printf("lse %d\n", kiln_cpu_has_lse());
  return 0;
}
