/* Programs in their own sections calling a global function and a static one
 * in .text: relocations against a function symbol and a section symbol. */
#include "bpf.h"

__attribute__((noinline)) u64 score(u8 *p, u64 n) {
  u64 s = 0;
  for (u64 i = 0; i < n; i++) s = clamp_add(s * 3, p[i], 1000000007);
  return s;
}

NOINLINE u64 weigh(u64 a, u64 b) { return weigh5(a, b, a ^ b, a & b, a | b); }

SEC("xdp") u64 classify(u8 *mem, u64 len) {
  u64 half = len / 2;
  return weigh(score(mem, half), score(mem + half, len - half));
}

SEC("tc") u64 tail_sum(u8 *mem, u64 len) {
  return len ? weigh(mem[len - 1], score(mem, len)) : 7;
}
