# Process entry for static RV32 Linux programs built with -nostdlib.
#
# The kernel (or kiln, or qemu-riscv32) enters _start with
#   sp -> argc, argv[0..argc-1], NULL, envp[..], NULL, auxv pairs, AT_NULL
# and sp 16-byte aligned. We set up gp for linker relaxation, then call
# __rt_start(sp), which calls main and exits with its result.
    .section .text._start, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    mv      a0, sp
    andi    sp, sp, -16
    call    __rt_start
1:  j       1b              # __rt_start never returns
    .size _start, . - _start
