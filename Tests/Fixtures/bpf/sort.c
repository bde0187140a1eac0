/* Sorts the context in place with a stack buffer; nested local calls. */
#include "bpf.h"

NOINLINE void swap(u8 *p, u64 i, u64 j) {
  u8 t = p[i];
  p[i] = p[j];
  p[j] = t;
}

NOINLINE void insertion_sort(u8 *p, u64 n) {
  for (u64 i = 1; i < n; i++)
    for (u64 j = i; j > 0 && p[j - 1] > p[j]; j--) swap(p, j - 1, j);
}

u64 sort_bytes(u8 *mem, u64 len) {
  u8 copy[64];
  u64 n = len < 64 ? len : 64;
  for (u64 i = 0; i < n; i++) copy[i] = mem[i];
  insertion_sort(mem, len);
  u64 moved = 0;
  for (u64 i = 0; i < n; i++) moved += copy[i] != mem[i];
  return moved << 32 | (len ? mem[len / 2] : 0);
}
