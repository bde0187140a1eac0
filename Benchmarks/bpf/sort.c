#include "workloads.h"
/* Fills the buffer with pseudo-random 32-bit keys (an LCG, so every run
 * sorts the same data), sorts them with a Shell sort, returns a checksum. */
u64 entry(u8 *p, u64 n) {
  u32 *a = (u32 *)p;
  u64 count = n / 4;
  u32 x = 12345;
  for (u64 i = 0; i < count; i++) {
    x = x * 1103515245u + 12345u;
    a[i] = x;
  }
  for (u64 gap = count / 2; gap > 0; gap /= 2) {
    for (u64 i = gap; i < count; i++) {
      u32 v = a[i];
      u64 j = i;
      while (j >= gap && a[j - gap] > v) {
        a[j] = a[j - gap];
        j -= gap;
      }
      a[j] = v;
    }
  }
  u64 sum = 0;
  for (u64 i = 0; i < count; i++) sum = sum * 31 + a[i];
  return sum;
}
