/* Division edge cases with the RISC-V rules: x/0 gives all ones (DIV, DIVU)
 * and the dividend (REM, REMU); INT_MIN/-1 gives INT_MIN and remainder 0.
 * The instructions are emitted with inline asm so the C compiler cannot
 * treat the undefined cases specially. */
#include "rt.h"

#define OP(name)                                               \
  static uint32_t name(uint32_t a, uint32_t b) {               \
    uint32_t r;                                                \
    __asm__ volatile(#name " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); \
    return r;                                                  \
  }
OP(div)
OP(divu)
OP(rem)
OP(remu)

static const uint32_t cases[] = {0, 1, 2, 3, 7, 0xFFFFFFFFu, 0xFFFFFFFEu, 0x80000000u, 0x7FFFFFFFu, 100, (uint32_t)-100, 0x80000001u};
#define N (int)(sizeof cases / sizeof cases[0])

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      uint32_t a = cases[i], b = cases[j];
      rt_printf("%08x %08x div=%08x divu=%08x rem=%08x remu=%08x\n", a, b, div(a, b), divu(a, b),
                rem(a, b), remu(a, b));
    }
  /* the same through C with volatile operands */
  volatile int32_t m = INT_MIN, n1 = -1, z = 0, x = 12345;
  rt_printf("c: %d %d\n", m / n1, m % n1);
  rt_printf("c: %d %d %u %u\n", x / z, x % z, (uint32_t)x / (uint32_t)z, (uint32_t)x % (uint32_t)z);
  volatile int32_t a = -7, b = 2;
  rt_printf("c: %d %d %d %d\n", a / b, a % b, -a / -b, a % -b);
  return 0;
}
