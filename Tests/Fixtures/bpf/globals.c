/* Globals in .data and .bss, a pointer table in .rodata (R_BPF_64_ABS64). */
#include "bpf.h"

u64 calls = 100;           /* .data */
static u32 histogram[16];  /* .bss */
static const char *const names[] = {"zero", "one", "two", "three", "four"};

NOINLINE u64 length(const char *s) {
  u64 n = 0;
  while (s[n]) n++;
  return n;
}

NOINLINE void count(u8 *mem, u64 len) {
  for (u64 i = 0; i < len; i++) histogram[mem[i] & 15]++;
}

u64 stats(u8 *mem, u64 len) {
  calls++;
  count(mem, len);
  count(mem, len / 2);
  u32 best = 0;
  for (u32 i = 1; i < 16; i++)
    if (histogram[i] > histogram[best]) best = i;
  u64 name_len = len ? length(names[mem[0] % 5]) : 0;
  /* Write the histogram back over the start of the context. */
  for (u64 i = 0; i < 16 && i < len; i++) mem[i] = (u8)histogram[i];
  return calls * 1000000 + best * 10000 + histogram[best] * 10 + name_len;
}
