/* Large arrays spanning many pages: a 256 KiB bss sieve, a 1.25 MiB bss
 * matrix, unaligned accesses that straddle page boundaries, and stack
 * arrays of several pages. */
#include "rt.h"

#define SIEVE (256u << 10) /* 256 KiB */
static uint8_t composite[SIEVE];     /* bss, 256 KiB */
static uint32_t matrix[320][1024];   /* bss, 1.25 MiB */

static uint32_t load32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

int main(void) {
  /* bss must start zeroed */
  uint32_t nonzero = 0;
  for (uint32_t i = 0; i < SIEVE; i += 4093) nonzero += composite[i];
  rt_printf("bss zero check %u\n", nonzero);

  uint32_t primes = 0, last = 0;
  for (uint32_t i = 2; i < SIEVE; i++) {
    if (composite[i]) continue;
    primes++;
    last = i;
    if (i < 512) /* i * i < SIEVE */
      for (uint32_t j = i * i; j < SIEVE; j += i) composite[j] = 1;
  }
  rt_printf("primes below %u: %u, largest %u\n", SIEVE, primes, last);

  for (int r = 0; r < 320; r++)
    for (int c = 0; c < 1024; c++) matrix[r][c] = (uint32_t)(r * 1024 + c) * 2654435761u;
  uint32_t colsum = 0;
  for (int c = 0; c < 1024; c += 7)
    for (int r = 0; r < 320; r++) colsum ^= matrix[r][c] + (uint32_t)r;
  rt_printf("matrix colsum %08x\n", colsum);

  /* unaligned word accesses across every page boundary of the sieve */
  uint8_t *bytes = (uint8_t *)matrix;
  uint32_t straddle = 0;
  for (uint32_t page = 1; page < sizeof matrix / 4096; page++) {
    volatile uint32_t *p = (volatile uint32_t *)(bytes + page * 4096 - 2);
    *p = page * 0x01010101u;
    straddle += load32(bytes + page * 4096 - 2) + bytes[page * 4096 - 1];
    volatile uint16_t *h = (volatile uint16_t *)(bytes + page * 4096 + 4095);
    *h = (uint16_t)page;
    straddle += *h;
  }
  rt_printf("straddle %08x\n", straddle);

  /* a 64 KiB stack array */
  volatile uint32_t local[16384];
  for (int i = 0; i < 16320; i++) local[i] = (uint32_t)i * i;
  uint32_t s = 0;
  for (int i = 0; i < 16320; i += 3) s += local[i];
  rt_printf("stack array %u\n", s);
  return (int)(primes & 0x7f);
}
