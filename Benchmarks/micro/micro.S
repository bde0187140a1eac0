// RV32 microbenchmark loops for Scripts/bench-hosts.sh: what a guest
// instruction of one kind costs in host instructions. One loop per build,
// chosen with -DLOOP_<NAME>; each runs ITERATIONS times, then exits with
// status 0 (Linux exit, a7 = 93). Built like the benchmark programs:
//   clang --target=riscv32-unknown-linux-elf -march=rv32im -mabi=ilp32 -nostdlib
//         -static -fuse-ld=lld -DLOOP_ALU micro.S -o alu.elf
//
//   empty    the loop alone (addi + bnez), subtracted from load and store
//   alu      16 ALU instructions on registers every port keeps busy (a*, s*, t0–t2)
//   alu_mem  the same on s11, t3–t6, gp and tp (memory-backed on AArch64)
//   branchy  ALU code with three data-dependent forward branches (small blocks)
//   load     16 word loads from a 64-byte buffer
//   store    16 word stores to it
#ifndef ITERATIONS
#define ITERATIONS 100000
#endif

  .text
  .globl _start
_start:
  li t0, ITERATIONS
  la a0, buffer
  li a1, 1
  li a2, 2
  li a3, 3
  li a4, 4
  li a5, 5
  li t1, 1

#if defined(LOOP_EMPTY)
1:
  addi t0, t0, -1
  bnez t0, 1b

#elif defined(LOOP_ALU)
1:
  add a1, a1, a2
  xor a2, a2, a3
  sub a3, a3, a4
  slli a4, a4, 1
  or a5, a5, a1
  srli s1, a2, 3
  and s2, s2, a3
  addi s3, s3, 7
  sltu s4, a1, a2
  sra s5, a3, t1
  xori s6, s7, 0x55
  add s7, s6, a5
  srl s8, a4, t1
  andi s9, a1, 0xff
  sll s10, a2, t1
  or t2, s8, s9
  addi t0, t0, -1
  bnez t0, 1b

#elif defined(LOOP_ALU_MEM)
  li t3, 3
  li t4, 4
  li t5, 5
1:
  add t3, t3, t4
  xor t4, t4, t5
  sub t5, t5, t6
  slli t6, t6, 1
  or s11, s11, t3
  srli gp, t4, 3
  and tp, tp, t5
  addi t3, t3, 7
  sltu t4, t3, gp
  sra t5, t5, t1
  xori t6, s11, 0x55
  add s11, t6, tp
  srl gp, t4, t1
  andi tp, t3, 0xff
  sll t6, t4, t1
  or s11, gp, tp
  addi t0, t0, -1
  bnez t0, 1b

#elif defined(LOOP_BRANCHY)
1:
  andi t1, t0, 1
  beqz t1, 2f
  addi a1, a1, 3
2:
  andi t1, t0, 2
  bnez t1, 3f
  xor a2, a2, a1
3:
  slt t2, a1, a2
  beqz t2, 4f
  sub a3, a3, a1
4:
  add a4, a4, a3
  addi t0, t0, -1
  bnez t0, 1b

#elif defined(LOOP_LOAD)
1:
  lw a1, 0(a0)
  lw a2, 4(a0)
  lw a3, 8(a0)
  lw a4, 12(a0)
  lw a5, 16(a0)
  lw s1, 20(a0)
  lw s2, 24(a0)
  lw s3, 28(a0)
  lw s4, 32(a0)
  lw s5, 36(a0)
  lw s6, 40(a0)
  lw s7, 44(a0)
  lw s8, 48(a0)
  lw s9, 52(a0)
  lw s10, 56(a0)
  lw t2, 60(a0)
  addi t0, t0, -1
  bnez t0, 1b

#elif defined(LOOP_STORE)
1:
  sw a1, 0(a0)
  sw a2, 4(a0)
  sw a3, 8(a0)
  sw a4, 12(a0)
  sw a5, 16(a0)
  sw t0, 20(a0)
  sw t1, 24(a0)
  sw a1, 28(a0)
  sw a2, 32(a0)
  sw a3, 36(a0)
  sw a4, 40(a0)
  sw a5, 44(a0)
  sw t0, 48(a0)
  sw t1, 52(a0)
  sw a1, 56(a0)
  sw a2, 60(a0)
  addi t0, t0, -1
  bnez t0, 1b

#else
#error "define one LOOP_<NAME>"
#endif

  li a0, 0
  li a7, 93
  ecall

  .data
  .balign 64
buffer:
  .fill 16, 4, 0x01020304
