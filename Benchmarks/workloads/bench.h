/* Shim so every workload builds two ways from the same source:
 *   - RV32 (static, -nostdlib) against the test fixtures' tiny runtime
 *     (Tests/Fixtures/rv32/rt.h, rt.c, start.S), and
 *   - natively against the host libc.
 * Only the portable subset is used: fixed-width integer types, malloc/free,
 * and a printf restricted to what rt_printf understands (%d %u %x with an
 * optional 0-pad width, %s, %c). All arithmetic is on explicit 32/64-bit
 * types, so both builds print byte-identical output. */
#ifndef KILN_BENCH_H
#define KILN_BENCH_H

#ifdef __riscv
#include "rt.h"
#define bench_printf rt_printf
#else
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define bench_printf printf
#endif

/* argv[index] as a positive decimal integer, else `def`. */
static inline uint32_t bench_arg(int argc, char **argv, int index, uint32_t def) {
  if (argc <= index || !argv[index] || !argv[index][0]) return def;
  uint32_t n = 0;
  for (const char *p = argv[index]; *p; p++) {
    if (*p < '0' || *p > '9') return def;
    n = n * 10u + (uint32_t)(*p - '0');
  }
  return n ? n : def;
}

/* The iteration count: argv[1], else `def`. */
static inline uint32_t bench_iterations(int argc, char **argv, uint32_t def) {
  return bench_arg(argc, argv, 1, def);
}

/* Allocation that cannot fail silently. */
static inline void *bench_alloc(uint32_t bytes) {
  void *p = malloc(bytes);
  if (!p) {
    bench_printf("out of memory (%u bytes)\n", bytes);
#ifdef __riscv
    rt_exit(2);
#else
    exit(2);
#endif
  }
  return p;
}

/* CRC-16/CCITT-FALSE style update over one byte (shared by workloads). */
static inline uint16_t bench_crc16(uint16_t crc, uint8_t byte) {
  crc ^= (uint16_t)byte << 8;
  for (int i = 0; i < 8; i++) crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
  return crc;
}

static inline uint16_t bench_crc16_u32(uint16_t crc, uint32_t v) {
  crc = bench_crc16(crc, (uint8_t)v);
  crc = bench_crc16(crc, (uint8_t)(v >> 8));
  crc = bench_crc16(crc, (uint8_t)(v >> 16));
  return bench_crc16(crc, (uint8_t)(v >> 24));
}

#endif
