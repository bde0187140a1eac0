import RV32
import Testing

/// Expected text from LLVM 21 (`/opt/swift/usr/bin`), tabs turned into spaces
/// and the `<symbol+offset>` comments dropped:
///
///     clang --target=riscv32-unknown-elf -march=rv32im -c t.s -o t.o
///     llvm-objdump -d --no-show-raw-insn -M no-aliases t.o | sed 's/\t/ /g'
///
/// (t.s is the source listed in the comments of `llvmWords` in DecoderTests.)
let llvmDisassembly: [(UInt32, UInt32, String)] = [
  (0x0, 0x1234_5537, "lui a0, 0x12345"),
  (0x4, 0xFFFF_FFB7, "lui t6, 0xfffff"),
  (0x8, 0x0000_1097, "auipc ra, 0x1"),
  (0xC, 0x8000_0D97, "auipc s11, 0x80000"),
  (0x10, 0x1000_00EF, "jal ra, 0x110"),
  (0x14, 0x801F_F06F, "jal zero, 0xfffff814"),
  (0x18, 0x7FFF_F2EF, "jal t0, 0x100016"),
  (0x1C, 0x0005_00E7, "jalr ra, 0x0(a0)"),
  (0x20, 0x8003_0067, "jalr zero, -0x800(t1)"),
  (0x24, 0x7FF5_0567, "jalr a0, 0x7ff(a0)"),
  (0x28, 0x00B5_0863, "beq a0, a1, 0x38"),
  (0x2C, 0xFE94_1EE3, "bne s0, s1, 0x28"),
  (0x30, 0x7E62_CFE3, "blt t0, t1, 0x102e"),
  (0x34, 0x80D6_5063, "bge a2, a3, 0xfffff034"),
  (0x38, 0x0139_6463, "bltu s2, s3, 0x40"),
  (0x3C, 0xFFEF_FCE3, "bgeu t6, t5, 0x34"),
  (0x40, 0x0081_0503, "lb a0, 0x8(sp)"),
  (0x44, 0xFFF1_1583, "lh a1, -0x1(sp)"),
  (0x48, 0x7FF4_2603, "lw a2, 0x7ff(s0)"),
  (0x4C, 0x8004_C683, "lbu a3, -0x800(s1)"),
  (0x50, 0x0000_5703, "lhu a4, 0x0(zero)"),
  (0x54, 0x00A1_0423, "sb a0, 0x8(sp)"),
  (0x58, 0xFEB1_1FA3, "sh a1, -0x1(sp)"),
  (0x5C, 0x7EC4_2FA3, "sw a2, 0x7ff(s0)"),
  (0x60, 0x0015_0513, "addi a0, a0, 0x1"),
  (0x64, 0xFF01_0113, "addi sp, sp, -0x10"),
  (0x68, 0xFFF3_2293, "slti t0, t1, -0x1"),
  (0x6C, 0x7FF3_3293, "sltiu t0, t1, 0x7ff"),
  (0x70, 0xFFF5_C513, "xori a0, a1, -0x1"),
  (0x74, 0x5555_E513, "ori a0, a1, 0x555"),
  (0x78, 0x0FF5_F513, "andi a0, a1, 0xff"),
  (0x7C, 0x01F5_1513, "slli a0, a0, 0x1f"),
  (0x80, 0x0015_D593, "srli a1, a1, 0x1"),
  (0x84, 0x4116_5613, "srai a2, a2, 0x11"),
  (0x88, 0x00C5_8533, "add a0, a1, a2"),
  (0x8C, 0x4073_02B3, "sub t0, t1, t2"),
  (0x90, 0x0124_9433, "sll s0, s1, s2"),
  (0x94, 0x015A_29B3, "slt s3, s4, s5"),
  (0x98, 0x018B_BB33, "sltu s6, s7, s8"),
  (0x9C, 0x01BD_4CB3, "xor s9, s10, s11"),
  (0xA0, 0x01EE_DE33, "srl t3, t4, t5"),
  (0xA4, 0x4020_DFB3, "sra t6, ra, sp"),
  (0xA8, 0x0052_61B3, "or gp, tp, t0"),
  (0xAC, 0x00F8_78B3, "and a7, a6, a5"),
  (0xB0, 0x0FF0_000F, "fence iorw, iorw"),
  (0xB4, 0x0210_000F, "fence r, w"),
  (0xB8, 0x8330_000F, "fence.tso"),
  (0xBC, 0x0000_100F, "fence.i"),
  (0xC0, 0x0000_0073, "ecall"),
  (0xC4, 0x0010_0073, "ebreak"),
  (0xC8, 0x02C5_8533, "mul a0, a1, a2"),
  (0xCC, 0x02C5_9533, "mulh a0, a1, a2"),
  (0xD0, 0x02C5_A533, "mulhsu a0, a1, a2"),
  (0xD4, 0x02C5_B533, "mulhu a0, a1, a2"),
  (0xD8, 0x02C5_C533, "div a0, a1, a2"),
  (0xDC, 0x02C5_D533, "divu a0, a1, a2"),
  (0xE0, 0x02C5_E533, "rem a0, a1, a2"),
  (0xE4, 0x02C5_F533, "remu a0, a1, a2"),
  (0xE8, 0xC000_1073, "unimp"),
  (0xF0, 0x4200_0513, "addi a0, zero, 0x420"),
  // `.word 0x0000000f`, `.word 0x0100000f`, `.word 0x0010000f` at 0:
  (0x0, 0x0000_000F, "fence 0, 0"),
  (0x0, 0x0100_000F, "fence w, 0"),
  (0x0, 0x0010_000F, "fence 0, w"),
  // w.s = "beq a0, a1, 0x10; jal ra, -0x10; jal zero, 0x20; bne a0, zero, -8",
  // llvm-objdump -d -M no-aliases --adjust-vma=0x80000ff8 w.o
  (0x8000_0FF8, 0x00B5_0863, "beq a0, a1, 0x80001008"),
  (0x8000_0FFC, 0xFF1F_F0EF, "jal ra, 0x80000fec"),
  (0x8000_1000, 0x0200_006F, "jal zero, 0x80001020"),
  (0x8000_1004, 0xFE05_1CE3, "bne a0, zero, 0x80000ffc"),
  // --adjust-vma=0xfffffff8: targets wrap around the 32-bit address space
  // (LLVM shows the third and fourth at 0x100000000 and 0x100000004).
  (0xFFFF_FFF8, 0x00B5_0863, "beq a0, a1, 0x8"),
  (0xFFFF_FFFC, 0xFF1F_F0EF, "jal ra, 0xffffffec"),
  (0x0000_0000, 0x0200_006F, "jal zero, 0x20"),
  (0x0000_0004, 0xFE05_1CE3, "bne a0, zero, 0xfffffffc"),
]

@Suite struct DisassemblerTests {
  @Test(arguments: llvmDisassembly)
  func matchesLLVM(pc: UInt32, word: UInt32, expected: String) {
    #expect(disassemble(word, pc: pc) == expected)
  }

  @Test(arguments: [
    (UInt32(0x0000_0000), ".word 0x00000000"),
    (0x0205_1513, ".word 0x02051513"),
    (0xFFFF_FFFF, ".word 0xffffffff"),
  ])
  func illegalWords(word: UInt32, expected: String) {
    #expect(disassemble(word, pc: 0x1000) == expected)
  }
}
