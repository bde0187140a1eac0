/* .rodata strings and tables; rewrites the context in place. */
#include "bpf.h"

static const char vowels[] = "aeiouAEIOU";
static const u16 weights[10] = {3, 5, 7, 11, 13, 17, 19, 23, 29, 31};

NOINLINE int vowel_index(u8 c) {
  for (int i = 0; i < 10; i++)
    if ((u8)vowels[i] == c) return i;
  return -1;
}

NOINLINE u8 rot13(u8 c) {
  if (c >= 'a' && c <= 'z') return 'a' + (c - 'a' + 13) % 26;
  if (c >= 'A' && c <= 'Z') return 'A' + (c - 'A' + 13) % 26;
  return c;
}

u64 vowel_score(u8 *mem, u64 len) {
  u64 score = 0, count = 0;
  for (u64 i = 0; i < len; i++) {
    int v = vowel_index(mem[i]);
    if (v >= 0) {
      score += weights[v] * (i + 1);
      count++;
    }
    mem[i] = rot13(mem[i]);
  }
  return score << 8 | count;
}
