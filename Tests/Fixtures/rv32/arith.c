/* Integer arithmetic: ALU ops, shifts, comparisons, 32x32->64 multiplies
 * (MULH/MULHU/MULHSU), 64-bit arithmetic, and a few checksums. */
#include "rt.h"

static volatile int32_t vals[] = {0, 1, -1, 7, -7, 12345, -98765, INT_MAX, INT_MIN, 0x55555555, (int32_t)0xAAAAAAAA};
#define NV (int)(sizeof vals / sizeof vals[0])

static int32_t mulhsu(int32_t a, uint32_t b) {
  int32_t r;
  __asm__("mulhsu %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}

static uint32_t crc32(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  while (n--) {
    c ^= *p++;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
  }
  return ~c;
}

int main(void) {
  uint32_t acc = 0;
  for (int i = 0; i < NV; i++) {
    for (int j = 0; j < NV; j++) {
      int32_t a = vals[i], b = vals[j];
      uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
      int64_t sp = (int64_t)a * b;
      uint64_t up = (uint64_t)ua * ub;
      rt_printf("%x %x: add=%x sub=%x and=%x or=%x xor=%x slt=%d sltu=%d mul=%x mulh=%x mulhu=%x mulhsu=%x\n",
                ua, ub, ua + ub, ua - ub, ua & ub, ua | ub, ua ^ ub, a < b, ua < ub, ua * ub,
                (uint32_t)(sp >> 32), (uint32_t)(up >> 32), (uint32_t)mulhsu(a, ub));
      int s = b & 31;
      acc = acc * 31 + (ua << s) + (ua >> s) + (uint32_t)(a >> s);
    }
  }
  rt_printf("shift acc %x\n", acc);

  /* immediates and sign extension */
  volatile int8_t c8 = -100;
  volatile int16_t c16 = -30000;
  volatile uint8_t u8 = 200;
  volatile uint16_t u16 = 60000;
  rt_printf("ext %d %d %u %u\n", c8, c16, u8, u16);
  rt_printf("lui %x auipc-ish %x\n", 0x12345000u | 0x678, (uint32_t)(uintptr_t)&vals[0] & 3);

  /* 64-bit arithmetic through the runtime helpers */
  int64_t big = 0x123456789abcdefLL;
  rt_printf("64: %lld %lld %lld %llu\n", big / 12345, big % 12345, -big / 77, (uint64_t)-1 / 3);

  /* checksums */
  static uint8_t data[4096];
  uint32_t x = 1;
  for (int i = 0; i < (int)sizeof data; i++) {
    x = x * 1103515245u + 12345u;
    data[i] = (uint8_t)(x >> 16);
  }
  rt_printf("crc32 %08x\n", crc32(data, sizeof data));
  uint32_t h = 2166136261u;
  for (int i = 0; i < (int)sizeof data; i++) h = (h ^ data[i]) * 16777619u;
  rt_printf("fnv1a %08x\n", h);
  return (int)(h & 0x7f);
}
