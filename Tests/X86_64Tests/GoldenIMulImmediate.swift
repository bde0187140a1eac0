@testable import X86_64Port

// `imul r, r/m, imm` (6B /r ib, 69 /r id), kept apart from the generated
// GoldenTables.swift. Bytes from LLVM, never from Kiln's encoder: the rows'
// text, after `.intel_syntax noprefix`, in imul.s, then
//   clang --target=x86_64-linux-gnu -c imul.s -o imul.o && llvm-objdump -d --x86-asm-syntax=intel imul.o
// (clang 21.0.0 from the Swift 6.3.1 toolchain). The immediates cover both
// ends of the byte form and of the 32-bit form, and REX.R/REX.B registers.
let goldenIMulImmediate: [Golden] = [
  Golden(.imulRRI(.dword, .rax, .rax, 3), "imul eax, eax, 3", [0x6B, 0xC0, 0x03]),
  Golden(.imulRRI(.dword, .rcx, .rdx, -128), "imul ecx, edx, -128", [0x6B, 0xCA, 0x80]),
  Golden(.imulRRI(.dword, .r8, .r9, 127), "imul r8d, r9d, 127", [0x45, 0x6B, 0xC1, 0x7F]),
  Golden(
    .imulRRI(.dword, .rbx, .r13, 1_664_525), "imul ebx, r13d, 1664525",
    [0x41, 0x69, 0xDD, 0x0D, 0x66, 0x19, 0x00]),
  Golden(.imulRRI(.dword, .r15, .rax, -1), "imul r15d, eax, -1", [0x44, 0x6B, 0xF8, 0xFF]),
  Golden(
    .imulRRI(.qword, .rax, .rax, 128), "imul rax, rax, 128",
    [0x48, 0x69, 0xC0, 0x80, 0x00, 0x00, 0x00]),
  Golden(
    .imulRRI(.qword, .r11, .rbp, -129), "imul r11, rbp, -129",
    [0x4C, 0x69, 0xDD, 0x7F, 0xFF, 0xFF, 0xFF]),
  Golden(
    .imulRRI(.qword, .rsp, .r12, 2_147_483_647), "imul rsp, r12, 2147483647",
    [0x49, 0x69, 0xE4, 0xFF, 0xFF, 0xFF, 0x7F]),
  Golden(
    .imulRRI(.qword, .rdi, .rsp, -2_147_483_648), "imul rdi, rsp, -2147483648",
    [0x48, 0x69, 0xFC, 0x00, 0x00, 0x00, 0x80]),
  Golden(
    .imulRRI(.qword, .r13, .r13, 1_103_515_245), "imul r13, r13, 1103515245",
    [0x4D, 0x69, 0xED, 0x6D, 0x4E, 0xC6, 0x41]),
]
