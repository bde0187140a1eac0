#include "workloads.h"
/* bpf-to-bpf calls: a chain of small non-inlined functions per element. */
NOINLINE u64 mix(u64 a, u64 b) { return (a ^ (b * 0x9E3779B97F4A7C15ull)) + (a >> 7); }
NOINLINE u64 step(u64 h, u8 v) { return mix(h, v) * 3 + 1; }
NOINLINE u64 fold(u64 h, u64 g) { return mix(h, g) ^ (g << 3); }

u64 entry(u8 *p, u64 n) {
  u64 h = 0, g = 1;
  for (u64 i = 0; i < n; i++) {
    h = step(h, p[i]);
    if ((i & 15) == 15) g = fold(g, h);
  }
  return h ^ g;
}
