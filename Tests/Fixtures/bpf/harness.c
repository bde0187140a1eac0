/* Native oracle for the eBPF test programs: built with
 *   clang -O2 -DENTRY=<function> harness.c <program>.c -o <exe>
 * Usage: <exe> HEX   (the context memory as hex, may be empty)
 * Prints "result <r0 in decimal>" and "memory <the memory afterwards, hex>". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bpf.h"

u64 identity(u64 a) { return a; }
u64 mix(u64 a, u64 b) { return (a * 0x9E3779B97F4A7C15ul) ^ b; }
u64 clamp_add(u64 a, u64 b, u64 limit) {
  u64 s = a + b;
  return s < limit ? s : limit;
}
u64 weigh5(u64 a, u64 b, u64 c, u64 d, u64 e) { return a + 2 * b + 3 * c + 4 * d + 5 * e; }

u64 ENTRY(u8 *mem, u64 len);

int main(int argc, char **argv) {
  const char *hex = argc > 1 ? argv[1] : "";
  size_t len = strlen(hex) / 2;
  u8 *mem = malloc(len + 1);
  for (size_t i = 0; i < len; i++) {
    unsigned v;
    sscanf(hex + 2 * i, "%2x", &v);
    mem[i] = (u8)v;
  }
  u64 r = ENTRY(len ? mem : 0, len);
  printf("result %lu\nmemory ", r);
  for (size_t i = 0; i < len; i++) printf("%02x", mem[i]);
  printf("\n");
  return 0;
}
