import KilnIR
import RV32
import Testing

/// Words assembled by LLVM from the source in each row's comment:
///
///     clang --target=riscv32-unknown-elf -march=rv32im -c t.s -o t.o
///     llvm-objdump -d -M no-aliases t.o          (LLVM 21, /opt/swift/usr/bin)
///
/// Expected fields are read off the assembly source, not from the decoder.
let llvmWords: [(UInt32, Instruction)] = [
  (0x1234_5537, .lui(rd: .a0, immediate: 0x1234_5000)),  // lui a0, 0x12345
  (0xFFFF_FFB7, .lui(rd: .t6, immediate: -4096)),  // lui t6, 0xfffff
  (0x0000_1097, .auipc(rd: .ra, immediate: 0x1000)),  // auipc ra, 0x1
  (0x8000_0D97, .auipc(rd: .s11, immediate: .min)),  // auipc s11, 0x80000
  (0x1000_00EF, .jal(rd: .ra, offset: 0x100)),  // jal ra, 0x100
  (0x801F_F06F, .jal(rd: .zero, offset: -0x800)),  // jal zero, -0x800
  (0x7FFF_F2EF, .jal(rd: .t0, offset: 0xFFFFE)),  // jal t0, 0xffffe
  (0x0005_00E7, .jalr(rd: .ra, rs1: .a0, offset: 0)),  // jalr ra, 0(a0)
  (0x8003_0067, .jalr(rd: .zero, rs1: .t1, offset: -2048)),  // jalr zero, -2048(t1)
  (0x7FF5_0567, .jalr(rd: .a0, rs1: .a0, offset: 2047)),  // jalr a0, 2047(a0)
  (0x00B5_0863, .branch(.equal, rs1: .a0, rs2: .a1, offset: 0x10)),  // beq a0, a1, 0x10
  (0xFE94_1EE3, .branch(.notEqual, rs1: .s0, rs2: .s1, offset: -4)),  // bne s0, s1, -4
  (0x7E62_CFE3, .branch(.lessThan, rs1: .t0, rs2: .t1, offset: 4094)),  // blt t0, t1, 4094
  (0x80D6_5063, .branch(.greaterOrEqual, rs1: .a2, rs2: .a3, offset: -4096)),  // bge a2, a3, -4096
  (0x0139_6463, .branch(.lessThanUnsigned, rs1: .s2, rs2: .s3, offset: 8)),  // bltu s2, s3, 8
  (0xFFEF_FCE3, .branch(.greaterOrEqualUnsigned, rs1: .t6, rs2: .t5, offset: -8)),  // bgeu x31, x30, -8
  (0x0081_0503, .load(.byte, signed: true, rd: .a0, rs1: .sp, offset: 8)),  // lb a0, 8(sp)
  (0xFFF1_1583, .load(.half, signed: true, rd: .a1, rs1: .sp, offset: -1)),  // lh a1, -1(sp)
  (0x7FF4_2603, .load(.word, signed: true, rd: .a2, rs1: .s0, offset: 2047)),  // lw a2, 2047(s0)
  (0x8004_C683, .load(.byte, signed: false, rd: .a3, rs1: .s1, offset: -2048)),  // lbu a3, -2048(s1)
  (0x0000_5703, .load(.half, signed: false, rd: .a4, rs1: .zero, offset: 0)),  // lhu a4, 0(zero)
  (0x00A1_0423, .store(.byte, rs1: .sp, rs2: .a0, offset: 8)),  // sb a0, 8(sp)
  (0xFEB1_1FA3, .store(.half, rs1: .sp, rs2: .a1, offset: -1)),  // sh a1, -1(sp)
  (0x7EC4_2FA3, .store(.word, rs1: .s0, rs2: .a2, offset: 2047)),  // sw a2, 2047(s0)
  (0x0015_0513, .operationImmediate(.add, rd: .a0, rs1: .a0, immediate: 1)),  // addi a0, a0, 1
  (0xFF01_0113, .operationImmediate(.add, rd: .sp, rs1: .sp, immediate: -16)),  // addi sp, sp, -16
  (0xFFF3_2293, .operationImmediate(.setLessThan, rd: .t0, rs1: .t1, immediate: -1)),  // slti t0, t1, -1
  (0x7FF3_3293, .operationImmediate(.setLessThanUnsigned, rd: .t0, rs1: .t1, immediate: 2047)),  // sltiu t0, t1, 2047
  (0xFFF5_C513, .operationImmediate(.xor, rd: .a0, rs1: .a1, immediate: -1)),  // xori a0, a1, -1
  (0x5555_E513, .operationImmediate(.or, rd: .a0, rs1: .a1, immediate: 0x555)),  // ori a0, a1, 0x555
  (0x0FF5_F513, .operationImmediate(.and, rd: .a0, rs1: .a1, immediate: 0xFF)),  // andi a0, a1, 0xff
  (0x01F5_1513, .operationImmediate(.shiftLeft, rd: .a0, rs1: .a0, immediate: 31)),  // slli a0, a0, 31
  (0x0015_D593, .operationImmediate(.shiftRightLogical, rd: .a1, rs1: .a1, immediate: 1)),  // srli a1, a1, 1
  (0x4116_5613, .operationImmediate(.shiftRightArithmetic, rd: .a2, rs1: .a2, immediate: 17)),  // srai a2, a2, 17
  (0x00C5_8533, .operation(.add, rd: .a0, rs1: .a1, rs2: .a2)),  // add a0, a1, a2
  (0x4073_02B3, .operation(.sub, rd: .t0, rs1: .t1, rs2: .t2)),  // sub t0, t1, t2
  (0x0124_9433, .operation(.shiftLeft, rd: .s0, rs1: .s1, rs2: .s2)),  // sll s0, s1, s2
  (0x015A_29B3, .operation(.setLessThan, rd: .s3, rs1: .s4, rs2: .s5)),  // slt s3, s4, s5
  (0x018B_BB33, .operation(.setLessThanUnsigned, rd: .s6, rs1: .s7, rs2: .s8)),  // sltu s6, s7, s8
  (0x01BD_4CB3, .operation(.xor, rd: .s9, rs1: .s10, rs2: .s11)),  // xor s9, s10, s11
  (0x01EE_DE33, .operation(.shiftRightLogical, rd: .t3, rs1: .t4, rs2: .t5)),  // srl t3, t4, t5
  (0x4020_DFB3, .operation(.shiftRightArithmetic, rd: .t6, rs1: .ra, rs2: .sp)),  // sra t6, ra, sp
  (0x0052_61B3, .operation(.or, rd: .gp, rs1: .tp, rs2: .t0)),  // or gp, tp, t0
  (0x00F8_78B3, .operation(.and, rd: .a7, rs1: .a6, rs2: .a5)),  // and a7, a6, a5
  (0x0FF0_000F, .fence(mode: 0, predecessor: 0b1111, successor: 0b1111)),  // fence iorw, iorw
  (0x0210_000F, .fence(mode: 0, predecessor: 0b0010, successor: 0b0001)),  // fence r, w
  (0x8330_000F, .fence(mode: 0b1000, predecessor: 0b0011, successor: 0b0011)),  // fence.tso
  (0x0000_100F, .fenceI),  // fence.i
  (0x0000_0073, .ecall),  // ecall
  (0x0010_0073, .ebreak),  // ebreak
  (0x02C5_8533, .operation(.multiply, rd: .a0, rs1: .a1, rs2: .a2)),  // mul a0, a1, a2
  (0x02C5_9533, .operation(.multiplyHighSigned, rd: .a0, rs1: .a1, rs2: .a2)),  // mulh a0, a1, a2
  (0x02C5_A533, .operation(.multiplyHighSignedUnsigned, rd: .a0, rs1: .a1, rs2: .a2)),  // mulhsu a0, a1, a2
  (0x02C5_B533, .operation(.multiplyHighUnsigned, rd: .a0, rs1: .a1, rs2: .a2)),  // mulhu a0, a1, a2
  (0x02C5_C533, .operation(.divide(.riscv), rd: .a0, rs1: .a1, rs2: .a2)),  // div a0, a1, a2
  (0x02C5_D533, .operation(.divideUnsigned(.riscv), rd: .a0, rs1: .a1, rs2: .a2)),  // divu a0, a1, a2
  (0x02C5_E533, .operation(.remainder, rd: .a0, rs1: .a1, rs2: .a2)),  // rem a0, a1, a2
  (0x02C5_F533, .operation(.remainderUnsigned, rd: .a0, rs1: .a1, rs2: .a2)),  // remu a0, a1, a2
  (0x4200_0513, .operationImmediate(.add, rd: .a0, rs1: .zero, immediate: 0x420)),  // .word 0x42000513
]

/// Words that are not RV32IM instructions. Each was checked to print as
/// `<unknown>` (or a privileged/CSR instruction) with the commands above.
let illegalWords: [UInt32] = [
  0x0000_0000,  // compressed (low bits 00): c.unimp
  0x0000_0001,  // compressed (low bits 01): c.nop
  0x0000_4502,  // compressed (low bits 10)
  0x1234_5530,  // low bits 00
  0xFFFF_FFFF,  // 0x7F major opcode: a longer encoding
  0x40C5_9533,  // sll with funct7 0b0100000
  0x04C5_8533,  // add with funct7 0b0000010
  0x80C5_8533,  // add with funct7 0b1000000
  0x4000_4533,  // xor with funct7 0b0100000
  0x0081_3503,  // load funct3 011 (ld)
  0x0081_6503,  // load funct3 110 (lwu)
  0x0081_7503,  // load funct3 111
  0x00A1_3423,  // store funct3 011 (sd)
  0x00A1_4423,  // store funct3 100
  0x00A1_7423,  // store funct3 111
  0x00B5_2863,  // branch funct3 010
  0x00B5_3863,  // branch funct3 011
  0x0205_1513,  // slli with bit 25 set (shamt 32)
  0x0205_D593,  // srli with bit 25 set
  0x4206_5613,  // srai with bit 25 set
  0x4005_1513,  // slli with funct7 0b0100000
  0x0005_10E7,  // jalr funct3 001
  0x1050_0073,  // wfi
  0x3020_0073,  // mret
  0xC000_1073,  // unimp (csrrw zero, cycle, zero): no Zicsr
  0x0000_00F3,  // ecall with rd != 0
  0x0020_0073,  // ebreak-like with imm 2
  0x0000_200F,  // MISC-MEM funct3 010
  0x0005_A52F,  // lr.w (A extension)
  0x0005_2007,  // flw (F extension)
  0x0000_001B,  // OP-IMM-32 (RV64)
  0x0000_003B,  // OP-32 (RV64)
  0x0000_0077,  // reserved major opcode
]

@Suite struct DecoderTests {
  @Test(arguments: llvmWords)
  func decodesLLVMWords(word: UInt32, expected: Instruction) {
    #expect(decode(word) == expected)
  }

  @Test(arguments: illegalWords)
  func rejectsIllegalWords(word: UInt32) {
    #expect(decode(word) == nil)
    #expect(InstructionTable.entry(of: word) == nil)
  }

  /// FENCE and FENCE.I ignore their reserved fields, as the ISA asks.
  @Test(arguments: [
    (UInt32(0x0FF0_050F), Instruction.fence(mode: 0, predecessor: 0xF, successor: 0xF)),  // rd = a0
    (0x9FF0_000F, .fence(mode: 0b1001, predecessor: 0xF, successor: 0xF)),  // reserved fm
    (0x0010_100F, .fenceI),  // imm = 1
  ])
  func fencesIgnoreReservedFields(word: UInt32, expected: Instruction) {
    #expect(decode(word) == expected)
  }
}
