/* Big dense switches compile to jump tables (indirect jumps through a
 * table in .rodata); a tiny bytecode interpreter uses one per opcode. */
#include "rt.h"

__attribute__((noinline)) static int classify(int x) {
  switch (x) {
  case 0: return 17;
  case 1: return x * 3;
  case 2: return -4;
  case 3: return x << 5;
  case 4: return 99;
  case 5: return x ^ 0x55;
  case 6: return 1000;
  case 7: return -x;
  case 8: return 8 * 8;
  case 9: return 12;
  case 10: return x + 1000;
  case 11: return 31337;
  case 12: return x - 40;
  case 13: return 7;
  case 14: return x * x;
  case 15: return 0x7fff;
  case 16: return -16;
  case 17: return 1 << 17;
  case 18: return 18 * 7;
  case 19: return 3;
  default: return -1;
  }
}

enum { PUSH, ADD, SUB, MUL, DUP, SWAP, JNZ, DEC, PRINT, HALT, OVER, DROP };

static void run(const int *code) {
  int stack[64], sp = 0, pc = 0;
  for (;;) {
    switch (code[pc++]) {
    case PUSH: stack[sp++] = code[pc++]; break;
    case ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
    case DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case SWAP: { int t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
    case JNZ: { int target = code[pc++]; if (stack[--sp]) pc = target; break; }
    case DEC: stack[sp - 1]--; break;
    case PRINT: rt_printf("vm: %d\n", stack[sp - 1]); break;
    case OVER: stack[sp] = stack[sp - 2]; sp++; break;
    case DROP: sp--; break;
    case HALT: return;
    }
  }
}

int main(void) {
  int sum = 0;
  for (int i = -3; i < 25; i++) {
    int c = classify(i);
    rt_printf("classify(%d) = %d\n", i, c);
    sum += c;
  }
  /* factorial of 10 and a countdown sum in the bytecode VM */
  static const int prog[] = {PUSH, 1, PUSH, 10,                   /* acc n */
                             DUP, PRINT, DROP, SWAP, OVER, MUL, SWAP, DEC, DUP, JNZ, 4,
                             DROP, PRINT, HALT};
  run(prog);
  rt_printf("sum %d\n", sum);
  return sum & 0xff;
}
