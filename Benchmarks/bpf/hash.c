#include "workloads.h"
/* A 64-bit multiply-xorshift hash (murmur-style mixing) over 8-byte words. */
u64 entry(u8 *p, u64 n) {
  u64 h = 0x9E3779B97F4A7C15ull ^ n;
  u64 words = n / 8;
  for (u64 i = 0; i < words; i++) {
    u64 k = 0;
    for (int j = 7; j >= 0; j--) k = (k << 8) | p[i * 8 + j];
    k *= 0x87C37B91114253D5ull;
    k = (k << 31) | (k >> 33);
    k *= 0x4CF5AD432745937Full;
    h ^= k;
    h = ((h << 27) | (h >> 37)) * 5 + 0x52DCE729;
  }
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  return h;
}
