/* Self-modifying code: instructions are written into an anonymous
 * read-write-execute mmap2 region, made visible with FENCE.I, run,
 * overwritten, and run again. The last case stores into the very block
 * that is executing, then FENCE.I, then runs the new instruction. */
#include "rt.h"

static uint32_t addi(int rd, int rs1, int imm) {
  return ((uint32_t)(imm & 0xfff) << 20) | (uint32_t)rs1 << 15 | (uint32_t)rd << 7 | 0x13;
}
static uint32_t add(int rd, int rs1, int rs2) { return (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 | (uint32_t)rd << 7 | 0x33; }
static uint32_t sub(int rd, int rs1, int rs2) { return 0x40000000u | add(rd, rs1, rs2); }
static uint32_t bne(int rs1, int rs2, int offset) {
  uint32_t o = (uint32_t)offset;
  return ((o >> 12) & 1) << 31 | ((o >> 5) & 0x3f) << 25 | (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 |
         1u << 12 | ((o >> 1) & 0xf) << 8 | ((o >> 11) & 1) << 7 | 0x63;
}
static uint32_t sw(int rs2, int rs1, int imm) {
  return ((uint32_t)(imm >> 5) & 0x7f) << 25 | (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 | 2u << 12 |
         ((uint32_t)imm & 0x1f) << 7 | 0x23;
}
#define RET 0x00008067u
#define FENCE_I 0x0000100fu
enum { ZERO = 0, T0 = 5, A0 = 10, A1 = 11, A2 = 12 };

static inline void fence_i(void) { __asm__ volatile("fence.i" ::: "memory"); }

typedef int (*fn1)(int);
typedef int (*fn3)(int, uint32_t *, uint32_t);

int main(void) {
  volatile uint32_t *code =
      rt_mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS);
  if ((long)code < 0 && (long)code > -4096) {
    rt_printf("mmap failed %d\n", (int)(long)code);
    return 1;
  }
  fn1 f = (fn1)(uintptr_t)code;

  /* 1. write, run, overwrite, run */
  code[0] = addi(A0, A0, 5);
  code[1] = RET;
  fence_i();
  rt_printf("first: %d\n", f(10));
  code[0] = addi(A0, A0, -3);
  fence_i();
  rt_printf("patched: %d\n", f(10));

  /* 2. patch the immediate many times (the block is recompiled each time) */
  int total = 0;
  for (int i = 0; i < 200; i++) {
    code[0] = addi(A0, A0, i);
    fence_i();
    total += f(i);
  }
  rt_printf("loop of patches: %d\n", total);

  /* 3. a loop function, then swap its body from add to sub */
  code[0] = addi(T0, ZERO, 0);
  code[1] = add(T0, T0, A0);          /* loop: */
  code[2] = addi(A0, A0, -1);
  code[3] = bne(A0, ZERO, -8);        /*   bne a0, zero, loop */
  code[4] = addi(A0, T0, 0);
  code[5] = RET;
  fence_i();
  rt_printf("sum 1..100: %d\n", f(100));
  code[1] = sub(T0, T0, A0);
  fence_i();
  rt_printf("negated sum 1..100: %d\n", f(100));

  /* 4. code in the second page, called from a stub in the first */
  code[1024] = addi(A0, A0, 1000);
  code[1025] = RET;
  fence_i();
  rt_printf("second page: %d\n", ((fn1)(uintptr_t)(code + 1024))(1));

  /* 5. a function that rewrites its own next-but-one instruction, then
   *    FENCE.I, then executes it */
  code[0] = sw(A2, A1, 12);           /* store a2 at code+12 */
  code[1] = FENCE_I;
  code[2] = addi(A0, ZERO, 1);
  code[3] = addi(A0, A0, 100);        /* replaced before it runs */
  code[4] = RET;
  fence_i();
  fn3 g = (fn3)(uintptr_t)code;
  rt_printf("self-rewrite: %d\n", g(0, (uint32_t *)code, addi(A0, A0, 7)));
  rt_printf("self-rewrite again: %d\n", g(0, (uint32_t *)code, addi(A0, A0, 41)));
  return 0;
}
