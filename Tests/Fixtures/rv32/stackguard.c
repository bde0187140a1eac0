/* Overflows the 8 MiB stack by 512 KiB, one 1 KiB frame at a time, after
 * filling a 1 MiB mmap2 mapping (which lands just below the stack). Linux
 * and qemu-riscv32 stop it with SIGSEGV at the stack's guard gap; without
 * one, the frames overwrite the mapping and the program reports it. */
#include "rt.h"

static volatile char *bottom;

static int dive(int n) {
  volatile char frame[1024];
  frame[0] = (char)n;
  frame[1023] = (char)n;
  if (n == 0) {
    bottom = frame;
    return frame[0];
  }
  return dive(n - 1) + frame[1023];
}

int main(void) {
  enum { size = 1 << 20 };
  volatile char *map = rt_mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  for (int i = 0; i < size; i++) map[i] = 0x5A;
  int r = dive(8 * 1024 + 512);
  int bad = 0;
  for (int i = 0; i < size; i++) bad += map[i] != 0x5A;
  rt_printf("stack reached %x; %d bytes of the mapping overwritten\n", (unsigned)(unsigned long)bottom, bad);
  return r & 1;
}
