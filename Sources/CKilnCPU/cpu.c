#include "CKilnCPU.h"

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
// <asm/hwcap.h>: bit 8 of AT_HWCAP is FEAT_LSE (the kernel's "atomics").
#ifndef HWCAP_ATOMICS
#define HWCAP_ATOMICS (1UL << 8)
#endif
#elif defined(__aarch64__) && defined(__APPLE__)
#include <stddef.h>
#include <sys/sysctl.h>
#endif

int kiln_cpu_has_lse(void) {
#if defined(__aarch64__) && defined(__linux__)
  return (getauxval(AT_HWCAP) & HWCAP_ATOMICS) != 0;
#elif defined(__aarch64__) && defined(__APPLE__)
  int value = 0;
  size_t size = sizeof value;
  if (sysctlbyname("hw.optional.arm.FEAT_LSE", &value, &size, NULL, 0) != 0) return 0;
  return value != 0;
#else
  return 0;
#endif
}
