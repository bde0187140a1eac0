/* vm: an interpreter loop — a small stack-based bytecode VM.
 *
 * A switch-dispatched interpreter (an indirect jump through a jump table
 * per bytecode, the classic hard case for binary translators) runs three
 * bytecode programs assembled at start-up:
 *   - fib:   recursive Fibonacci with CALL/RET frames;
 *   - sieve: Sieve of Eratosthenes over VM memory (LOADM/STOREM), counting primes;
 *   - mix:   a xorshift loop with shifts, xors and a running sum.
 * Each iteration runs all three with parameters that depend on the
 * iteration number and folds the results into a checksum.
 *
 * Usage: vm [iterations]   (default 6) */
#include "bench.h"

enum {
  OP_HALT, OP_PUSH, OP_POP, OP_DUP, OP_LOADL, OP_STOREL, OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_XOR,
  OP_SHL, OP_SHR, OP_LT, OP_JMP, OP_JZ, OP_JNZ, OP_CALL, OP_RET, OP_LOADM, OP_STOREM, OP_INC
};

#define CODE_MAX 1024
#define STACK_MAX 4096
#define FRAMES_MAX 1024
#define MEM_WORDS 65536
#define LABELS_MAX 32

/* ------------------------------------------------------------ assembler */

static int32_t code[CODE_MAX];
static int32_t code_len;
static int32_t label_at[LABELS_MAX];
static int32_t fixup_pos[256], fixup_label[256];
static int32_t fixups;

static void emit(int32_t w) { code[code_len++] = w; }
static void op0(int32_t op) { emit(op); }
static void op1(int32_t op, int32_t arg) { emit(op), emit(arg); }
static void label(int32_t l) { label_at[l] = code_len; }
static void jump(int32_t op, int32_t l) {
  emit(op);
  fixup_pos[fixups] = code_len, fixup_label[fixups++] = l;
  emit(0);
}
static void call(int32_t l, int32_t nargs) {
  jump(OP_CALL, l);
  emit(nargs);
}
static void resolve(void) {
  for (int32_t i = 0; i < fixups; i++) code[fixup_pos[i]] = label_at[fixup_label[i]];
}

enum { L_FIB, L_FIB_REC, L_SIEVE, L_CLR, L_CLR_END, L_OUTER, L_INNER, L_NEXT, L_COUNT, L_COUNT_SKIP,
       L_DONE, L_MIX, L_MIX_LOOP, L_MIX_END };

/* Returns the entry points of the three programs. */
static void assemble(int32_t *fib_entry, int32_t *sieve_entry, int32_t *mix_entry) {
  /* fib(n): local 0 = n */
  *fib_entry = code_len;
  op1(OP_LOADL, 0), call(L_FIB, 1), op0(OP_HALT);
  label(L_FIB);
  op1(OP_LOADL, 0), op1(OP_PUSH, 2), op0(OP_LT), jump(OP_JZ, L_FIB_REC);
  op1(OP_LOADL, 0), op0(OP_RET);
  label(L_FIB_REC);
  op1(OP_LOADL, 0), op1(OP_PUSH, 1), op0(OP_SUB), call(L_FIB, 1);
  op1(OP_LOADL, 0), op1(OP_PUSH, 2), op0(OP_SUB), call(L_FIB, 1);
  op0(OP_ADD), op0(OP_RET);

  /* sieve(m): local 0 = m, 1 = i, 2 = j, 3 = count */
  *sieve_entry = code_len;
  op1(OP_LOADL, 0), call(L_SIEVE, 1), op0(OP_HALT);
  label(L_SIEVE);
  op1(OP_PUSH, 0), op1(OP_PUSH, 0), op1(OP_PUSH, 0); /* make locals 1..3 */
  /* clear mem[0..m) */
  label(L_CLR);
  op1(OP_LOADL, 1), op1(OP_LOADL, 0), op0(OP_LT), jump(OP_JZ, L_CLR_END);
  op1(OP_LOADL, 1), op1(OP_PUSH, 0), op0(OP_STOREM), op1(OP_INC, 1), jump(OP_JMP, L_CLR);
  label(L_CLR_END);
  op1(OP_PUSH, 2), op1(OP_STOREL, 1);
  label(L_OUTER); /* while i*i < m */
  op1(OP_LOADL, 1), op0(OP_DUP), op0(OP_MUL), op1(OP_LOADL, 0), op0(OP_LT), jump(OP_JZ, L_COUNT);
  op1(OP_LOADL, 1), op0(OP_LOADM), jump(OP_JNZ, L_NEXT);
  op1(OP_LOADL, 1), op0(OP_DUP), op0(OP_MUL), op1(OP_STOREL, 2);
  label(L_INNER); /* for j = i*i; j < m; j += i: mem[j] = 1 */
  op1(OP_LOADL, 2), op1(OP_LOADL, 0), op0(OP_LT), jump(OP_JZ, L_NEXT);
  op1(OP_LOADL, 2), op1(OP_PUSH, 1), op0(OP_STOREM);
  op1(OP_LOADL, 2), op1(OP_LOADL, 1), op0(OP_ADD), op1(OP_STOREL, 2), jump(OP_JMP, L_INNER);
  label(L_NEXT);
  op1(OP_INC, 1), jump(OP_JMP, L_OUTER);
  label(L_COUNT); /* count zeros in mem[2..m) */
  op1(OP_PUSH, 2), op1(OP_STOREL, 1);
  label(L_COUNT_SKIP);
  op1(OP_LOADL, 1), op1(OP_LOADL, 0), op0(OP_LT), jump(OP_JZ, L_DONE);
  op1(OP_LOADL, 3), op1(OP_LOADL, 1), op0(OP_LOADM), op1(OP_PUSH, 1), op0(OP_XOR), op0(OP_ADD),
      op1(OP_STOREL, 3);
  op1(OP_INC, 1), jump(OP_JMP, L_COUNT_SKIP);
  label(L_DONE);
  op1(OP_LOADL, 3), op0(OP_RET);

  /* mix(n, seed): local 0 = n, 1 = x, 2 = acc */
  *mix_entry = code_len;
  op1(OP_LOADL, 0), op1(OP_LOADL, 1), call(L_MIX, 2), op0(OP_HALT);
  label(L_MIX);
  op1(OP_PUSH, 0);
  label(L_MIX_LOOP);
  op1(OP_LOADL, 0), jump(OP_JZ, L_MIX_END);
  op1(OP_LOADL, 1), op0(OP_DUP), op1(OP_PUSH, 13), op0(OP_SHL), op0(OP_XOR), op1(OP_STOREL, 1);
  op1(OP_LOADL, 1), op0(OP_DUP), op1(OP_PUSH, 17), op0(OP_SHR), op0(OP_XOR), op1(OP_STOREL, 1);
  op1(OP_LOADL, 1), op0(OP_DUP), op1(OP_PUSH, 5), op0(OP_SHL), op0(OP_XOR), op1(OP_STOREL, 1);
  op1(OP_LOADL, 2), op1(OP_PUSH, 31), op0(OP_MUL), op1(OP_LOADL, 1), op1(OP_PUSH, 255), op0(OP_AND),
      op0(OP_ADD), op1(OP_STOREL, 2);
  op1(OP_LOADL, 0), op1(OP_PUSH, 1), op0(OP_SUB), op1(OP_STOREL, 0), jump(OP_JMP, L_MIX_LOOP);
  label(L_MIX_END);
  op1(OP_LOADL, 2), op0(OP_RET);
  resolve();
}

/* ---------------------------------------------------------- interpreter */

static int32_t stack[STACK_MAX];
static int32_t frame_pc[FRAMES_MAX], frame_fp[FRAMES_MAX];
static int32_t mem[MEM_WORDS];
static uint32_t executed;

/* Runs from `entry` with args as locals 0..nargs-1; returns the top of stack at HALT. */
static int32_t run(int32_t entry, const int32_t *args, int32_t nargs) {
  int32_t pc = entry, sp = 0, fp = 0, depth = 0;
  uint32_t count = 0;
  for (int32_t i = 0; i < nargs; i++) stack[sp++] = args[i];
  for (;;) {
    count++;
    int32_t op = code[pc++];
    switch (op) {
    case OP_HALT:
      executed += count;
      return stack[sp - 1];
    case OP_PUSH: stack[sp++] = code[pc++]; break;
    case OP_POP: sp--; break;
    case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case OP_LOADL: stack[sp++] = stack[fp + code[pc++]]; break;
    case OP_STOREL: stack[fp + code[pc++]] = stack[--sp]; break;
    case OP_INC: stack[fp + code[pc++]]++; break;
    case OP_ADD: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] + (uint32_t)stack[sp]); break;
    case OP_SUB: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] - (uint32_t)stack[sp]); break;
    case OP_MUL: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] * (uint32_t)stack[sp]); break;
    case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
    case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
    case OP_SHL: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] << (stack[sp] & 31)); break;
    case OP_SHR: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] >> (stack[sp] & 31)); break;
    case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
    case OP_JMP: pc = code[pc]; break;
    case OP_JZ: pc = stack[--sp] == 0 ? code[pc] : pc + 1; break;
    case OP_JNZ: pc = stack[--sp] != 0 ? code[pc] : pc + 1; break;
    case OP_CALL: {
      int32_t target = code[pc], nargs_ = code[pc + 1];
      frame_pc[depth] = pc + 2, frame_fp[depth] = fp, depth++;
      fp = sp - nargs_;
      pc = target;
      break;
    }
    case OP_RET: {
      int32_t result = stack[sp - 1];
      sp = fp;
      depth--;
      pc = frame_pc[depth], fp = frame_fp[depth];
      stack[sp++] = result;
      break;
    }
    case OP_LOADM: stack[sp - 1] = mem[(uint32_t)stack[sp - 1] % MEM_WORDS]; break;
    case OP_STOREM: sp -= 2; mem[(uint32_t)stack[sp] % MEM_WORDS] = stack[sp + 1]; break;
    default:
      bench_printf("bad opcode %d at %d\n", op, pc - 1);
      return -1;
    }
  }
}

int main(int argc, char **argv) {
  uint32_t iterations = bench_iterations(argc, argv, 6);
  int32_t fib_entry, sieve_entry, mix_entry;
  assemble(&fib_entry, &sieve_entry, &mix_entry);
  uint32_t checksum = 0;
  int32_t fib = 0, primes = 0, mix = 0;
  for (uint32_t it = 0; it < iterations; it++) {
    int32_t n = 22 + (int32_t)(it & 1);
    fib = run(fib_entry, &n, 1);
    int32_t m = 60000 + (int32_t)(it * 97u % 5000u);
    primes = run(sieve_entry, &m, 1);
    int32_t args[2] = {300000, (int32_t)(2463534242u + it)};
    mix = run(mix_entry, args, 2);
    checksum = (checksum * 31u + (uint32_t)fib) ^ ((uint32_t)primes << 7) ^ (uint32_t)mix;
  }
  bench_printf("vm iterations=%u code=%d fib=%d primes=%d mix=%08x ops=%u checksum=%08x\n", iterations,
               code_len, fib, primes, (uint32_t)mix, executed, checksum);
  return 0;
}
