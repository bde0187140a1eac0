// Fletcher-16 over a buffer: two running sums modulo 255, the second summing
// the first; result (sum2 << 8) | sum1. As an eBPF program, the buffer is
// the context (r1 = address, r2 = length).
#include "programs.h"

unsigned long fletcher16(const unsigned char *data, unsigned long length) {
  unsigned int sum1 = 0, sum2 = 0;
  for (unsigned long i = 0; i < length; i++) {
    sum1 = (sum1 + data[i]) % 255;
    sum2 = (sum2 + sum1) % 255;
  }
  return (sum2 << 8) | sum1;
}
