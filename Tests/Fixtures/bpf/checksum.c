/* Loops over the context, a helper call and a static noinline function. */
#include "bpf.h"

NOINLINE u64 fold(u64 a, u64 b) { return (a % 65521) | ((b % 65521) << 16); }

u64 checksum(u8 *mem, u64 len) {
  u64 a = 1, b = 0;
  for (u64 i = 0; i < len; i++) {
    a += mem[i];
    b += a;
  }
  return mix(fold(a, b), len) ^ identity(b);
}
