import KilnIR
import RV32
import Testing

// Instruction words from LLVM 21:
//   clang --target=riscv32-unknown-elf -march=rv32im -c ops.s -o ops.o
//   llvm-objdump -d -M no-aliases ops.o
// Expected results are worked out by hand from the RISC-V unprivileged spec.

let codeBase: UInt32 = 0x1000

/// Runs one instruction at `codeBase` with `a1`, `a2` set; returns the state after it.
func runOne(
  _ word: UInt32, a0: UInt32 = 0, a1: UInt32 = 0, a2: UInt32 = 0, ra: UInt32 = 0,
  memory: inout ArrayMemory
) throws(RV32MemoryFault) -> (RV32State, StepEvent?) {
  var state = RV32State(pc: codeBase)
  state[.a0] = a0
  state[.a1] = a1
  state[.a2] = a2
  state[.ra] = ra
  memory.write(codeBase, word, size: 4)
  let event = try Interpreter.run(&state, memory: &memory, stopPC: 0xFFFF_FFF0, budget: 1)
  return (state, event)
}

func runOne(
  _ word: UInt32, a0: UInt32 = 0, a1: UInt32 = 0, a2: UInt32 = 0, ra: UInt32 = 0
) throws(RV32MemoryFault) -> (RV32State, StepEvent?) {
  var memory = ArrayMemory(base: codeBase, size: 0x100)
  return try runOne(word, a0: a0, a1: a1, a2: a2, ra: ra, memory: &memory)
}

enum Word {
  static let add: UInt32 = 0x00C5_8533  // add a0, a1, a2
  static let sub: UInt32 = 0x40C5_8533
  static let sll: UInt32 = 0x00C5_9533
  static let slt: UInt32 = 0x00C5_A533
  static let sltu: UInt32 = 0x00C5_B533
  static let xor: UInt32 = 0x00C5_C533
  static let srl: UInt32 = 0x00C5_D533
  static let sra: UInt32 = 0x40C5_D533
  static let or: UInt32 = 0x00C5_E533
  static let and: UInt32 = 0x00C5_F533
  static let mul: UInt32 = 0x02C5_8533
  static let mulh: UInt32 = 0x02C5_9533
  static let mulhsu: UInt32 = 0x02C5_A533
  static let mulhu: UInt32 = 0x02C5_B533
  static let div: UInt32 = 0x02C5_C533
  static let divu: UInt32 = 0x02C5_D533
  static let rem: UInt32 = 0x02C5_E533
  static let remu: UInt32 = 0x02C5_F533
}

/// (word of `op a0, a1, a2`, a1, a2, expected a0)
let registerOperations: [(UInt32, UInt32, UInt32, UInt32)] = [
  (Word.add, 0x7FFF_FFFF, 1, 0x8000_0000),
  (Word.add, 0xFFFF_FFFF, 1, 0),
  (Word.sub, 0, 1, 0xFFFF_FFFF),
  (Word.sub, 0x8000_0000, 1, 0x7FFF_FFFF),
  (Word.sll, 1, 31, 0x8000_0000),
  (Word.sll, 1, 32, 1),  // low five bits: 0
  (Word.sll, 1, 0xFFFF_FFE1, 2),  // low five bits: 1
  (Word.slt, 0xFFFF_FFFF, 0, 1),  // -1 < 0
  (Word.slt, 0, 0xFFFF_FFFF, 0),
  (Word.slt, 0x8000_0000, 0x7FFF_FFFF, 1),
  (Word.slt, 5, 5, 0),
  (Word.sltu, 0, 0xFFFF_FFFF, 1),
  (Word.sltu, 0xFFFF_FFFF, 0, 0),
  (Word.xor, 0xF0F0_F0F0, 0xFFFF_0000, 0x0F0F_F0F0),
  (Word.srl, 0x8000_0000, 31, 1),
  (Word.srl, 0x8000_0000, 33, 0x4000_0000),
  (Word.sra, 0x8000_0000, 31, 0xFFFF_FFFF),
  (Word.sra, 0x8000_0000, 1, 0xC000_0000),
  (Word.sra, 0x4000_0000, 1, 0x2000_0000),
  (Word.sra, 0x8000_0000, 0x3F, 0xFFFF_FFFF),  // low five bits: 31
  (Word.or, 0xF000_000F, 0x0FF0_0000, 0xFFF0_000F),
  (Word.and, 0xF0F0_F0F0, 0xFFFF_0000, 0xF0F0_0000),
  (Word.mul, 0xFFFF_FFFF, 0xFFFF_FFFF, 1),
  (Word.mul, 0x0001_0000, 0x0001_0000, 0),
  (Word.mul, 7, 0xFFFF_FFFD, 0xFFFF_FFEB),  // 7 × -3 = -21
  (Word.mulh, 0xFFFF_FFFF, 0xFFFF_FFFF, 0),  // -1 × -1 = 1
  (Word.mulh, 0x8000_0000, 0x8000_0000, 0x4000_0000),  // 2^62
  (Word.mulh, 0x8000_0000, 0xFFFF_FFFF, 0),  // 2^31
  (Word.mulh, 0xFFFF_FFFF, 1, 0xFFFF_FFFF),  // -1
  (Word.mulh, 0x7FFF_FFFF, 0x7FFF_FFFF, 0x3FFF_FFFF),
  (Word.mulhsu, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF),  // -1 × (2^32 - 1)
  (Word.mulhsu, 0x8000_0000, 0xFFFF_FFFF, 0x8000_0000),  // -2^63 + 2^31
  (Word.mulhsu, 1, 0xFFFF_FFFF, 0),
  (Word.mulhsu, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x7FFF_FFFE),
  (Word.mulhu, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFE),
  (Word.mulhu, 0x8000_0000, 2, 1),
  (Word.div, 7, 0xFFFF_FFFE, 0xFFFF_FFFD),  // 7 / -2 = -3 (toward zero)
  (Word.div, 0xFFFF_FFF9, 2, 0xFFFF_FFFD),  // -7 / 2 = -3
  (Word.div, 0x8000_0000, 0xFFFF_FFFF, 0x8000_0000),  // INT_MIN / -1 overflows to INT_MIN
  (Word.div, 42, 0, 0xFFFF_FFFF),
  (Word.div, 0, 0, 0xFFFF_FFFF),
  (Word.divu, 0xFFFF_FFFF, 2, 0x7FFF_FFFF),
  (Word.divu, 42, 0, 0xFFFF_FFFF),
  (Word.rem, 7, 0xFFFF_FFFE, 1),  // 7 % -2 = 1
  (Word.rem, 0xFFFF_FFF9, 2, 0xFFFF_FFFF),  // -7 % 2 = -1
  (Word.rem, 0x8000_0000, 0xFFFF_FFFF, 0),
  (Word.rem, 0xFFFF_FFFB, 0, 0xFFFF_FFFB),  // x % 0 = x
  (Word.remu, 0xFFFF_FFFF, 10, 5),
  (Word.remu, 0xFFFF_FFFB, 0, 0xFFFF_FFFB),
]

/// (word of `opi a0, a1, imm`, a1, expected a0)
let immediateOperations: [(UInt32, UInt32, UInt32)] = [
  (0xFFF5_8513, 0, 0xFFFF_FFFF),  // addi a0, a1, -1
  (0x7FF5_8513, 0xFFFF_F801, 0),  // addi a0, a1, 2047
  (0xFFF5_A513, 0xFFFF_FFFE, 1),  // slti a0, a1, -1: -2 < -1
  (0xFFF5_A513, 0xFFFF_FFFF, 0),  // slti: -1 < -1 is false
  (0xFFF5_B513, 0xFFFF_FFFE, 1),  // sltiu a0, a1, -1: compares with 0xFFFFFFFF
  (0xFFF5_B513, 0xFFFF_FFFF, 0),
  (0x0015_B513, 0, 1),  // sltiu a0, a1, 1 (seqz)
  (0x0015_B513, 7, 0),
  (0xFFF5_C513, 0x1234_5678, 0xEDCB_A987),  // xori a0, a1, -1 (not)
  (0x8005_E513, 0x0000_0001, 0xFFFF_F801),  // ori a0, a1, -0x800
  (0x7F05_F513, 0xFFFF_FFFF, 0x0000_07F0),  // andi a0, a1, 0x7f0
  (0x01F5_9513, 3, 0x8000_0000),  // slli a0, a1, 31
  (0x01F5_D513, 0x8000_0000, 1),  // srli a0, a1, 31
  (0x41F5_D513, 0x8000_0000, 0xFFFF_FFFF),  // srai a0, a1, 31
  (0x4005_D513, 0x8000_0000, 0x8000_0000),  // srai a0, a1, 0
]

@Suite struct InterpreterTests {
  @Test(arguments: registerOperations)
  func registerOperation(word: UInt32, a1: UInt32, a2: UInt32, expected: UInt32) throws {
    let (state, event) = try runOne(word, a1: a1, a2: a2)
    #expect(event == nil)
    #expect(state[.a0] == expected)
    #expect(state.pc == codeBase + 4)
  }

  @Test(arguments: immediateOperations)
  func immediateOperation(word: UInt32, a1: UInt32, expected: UInt32) throws {
    let (state, _) = try runOne(word, a1: a1)
    #expect(state[.a0] == expected)
  }

  @Test func upperImmediates() throws {
    #expect(try runOne(0x8000_0537).0[.a0] == 0x8000_0000)  // lui a0, 0x80000
    #expect(try runOne(0xFFFF_F517).0[.a0] == 0x0000_0000)  // auipc a0, 0xfffff at 0x1000
  }

  /// (load word `l? a0, 0(a1)` / `lw a0, -1(a1)`, address in a1, expected a0);
  /// memory at 0x1100 holds 80 ff 7f 01 fe.
  @Test(arguments: [
    (UInt32(0x0005_8503), UInt32(0x1100), UInt32(0xFFFF_FF80)),  // lb
    (0x0005_C503, 0x1100, 0x0000_0080),  // lbu
    (0x0005_8503, 0x1102, 0x0000_007F),  // lb, positive
    (0x0005_9503, 0x1100, 0xFFFF_FF80),  // lh 0xff80
    (0x0005_D503, 0x1100, 0x0000_FF80),  // lhu
    (0x0005_9503, 0x1101, 0x0000_7FFF),  // lh, unaligned, positive
    (0x0005_A503, 0x1100, 0x017F_FF80),  // lw
    (0x0005_A503, 0x1101, 0xFE01_7FFF),  // lw, unaligned
    (0xFFF5_A503, 0x1101, 0x017F_FF80),  // lw a0, -1(a1)
  ])
  func loads(word: UInt32, address: UInt32, expected: UInt32) throws {
    var memory = ArrayMemory(base: codeBase, size: 0x200)
    for (i, byte) in [0x80, 0xFF, 0x7F, 0x01, 0xFE].enumerated() {
      memory.write(0x1100 + UInt32(i), UInt32(byte), size: 1)
    }
    let (state, _) = try runOne(word, a1: address, memory: &memory)
    #expect(state[.a0] == expected)
  }

  /// (store word `s? a2, 0(a1)` / `sw a2, 3(a1)` with a1 = 0x1100, bytes from 0x1100 on)
  static let storeCases: [(UInt32, [UInt8])] = [
    (0x00C5_8023, [0x88, 0, 0, 0, 0]),  // sb
    (0x00C5_9023, [0x88, 0x77, 0, 0, 0]),  // sh
    (0x00C5_A023, [0x88, 0x77, 0x66, 0x55, 0]),  // sw
    (0x00C5_A1A3, [0, 0, 0, 0x88, 0x77, 0x66, 0x55]),  // sw a2, 3(a1): unaligned
  ]

  @Test(arguments: storeCases)
  func stores(word: UInt32, bytes: [UInt8]) throws {
    var memory = ArrayMemory(base: codeBase, size: 0x200)
    _ = try runOne(word, a1: 0x1100, a2: 0x5566_7788, memory: &memory)
    for (i, byte) in bytes.enumerated() {
      #expect(memory.read(0x1100 + UInt32(i), size: 1) == UInt32(byte), "byte \(i)")
    }
  }

  @Test func zeroRegisterIsImmutable() throws {
    #expect(try runOne(0x0050_0013).0.registers[0] == 0)  // addi zero, zero, 5
    #expect(try runOne(0x0000_1037).0.registers[0] == 0)  // lui zero, 1
    var state = RV32State(registers: [7, 1, 2], pc: 0)
    #expect(state.registers.count == 32)
    #expect(state.registers[0] == 0)
    state[.zero] = 9
    #expect(state[.zero] == 0)
  }

  /// `lw zero, 0(a1)` still performs its access: it faults outside memory.
  @Test func loadIntoZeroStillAccessesMemory() throws {
    #expect(throws: RV32MemoryFault(pc: codeBase, address: 0x9000)) {
      _ = try runOne(0x0005_A003, a1: 0x9000)
    }
    let (state, _) = try runOne(0x0005_A003, a1: 0x1000)
    #expect(state.registers[0] == 0)
  }

  @Test func memoryFaultLeavesStateAtTheInstruction() throws {
    var memory = ArrayMemory(base: codeBase, size: 0x100)
    memory.write(codeBase, 0x0005_A503, size: 4)  // lw a0, 0(a1)
    var state = RV32State(pc: codeBase)
    state[.a1] = 0x8000
    state[.a0] = 0x1234
    #expect(throws: RV32MemoryFault(pc: codeBase, address: 0x8000)) {
      _ = try Interpreter.run(&state, memory: &memory, stopPC: 0)
    }
    #expect(state.pc == codeBase)
    #expect(state[.a0] == 0x1234)
  }

  @Test func jumpAndLink() throws {
    let (state, event) = try runOne(0x1000_00EF)  // jal ra, 0x100
    #expect(event == nil)
    #expect(state.pc == codeBase + 0x100)
    #expect(state[.ra] == codeBase + 4)
  }

  /// JALR clears bit 0 of the target and reads rs1 before writing rd.
  @Test func jumpAndLinkRegister() throws {
    var (state, _) = try runOne(0x0010_80E7, ra: 0x2000)  // jalr ra, 1(ra)
    #expect(state.pc == 0x2000)
    #expect(state[.ra] == codeBase + 4)
    (state, _) = try runOne(0x0025_0567, a0: 0x1FFE)  // jalr a0, 2(a0)
    #expect(state.pc == 0x2000)
    #expect(state[.a0] == codeBase + 4)
  }

  @Test func misalignedJumpsFaultWithoutSideEffects() throws {
    var (state, event) = try runOne(0x0060_00EF, ra: 0x77)  // jal ra, 6
    #expect(event == .fault(.misalignedJump(pc: codeBase, target: codeBase + 6)))
    #expect(state.pc == codeBase)
    #expect(state[.ra] == 0x77)
    (state, event) = try runOne(0x0010_80E7, ra: 0x2003)  // jalr ra, 1(ra) → 0x2004 & ~1 is aligned
    #expect(event == nil)
    #expect(state.pc == 0x2004)
    (state, event) = try runOne(0x0025_0567, a0: 0x2000)  // jalr a0, 2(a0) → 0x2002
    #expect(event == .fault(.misalignedJump(pc: codeBase, target: 0x2002)))
    #expect(state[.a0] == 0x2000)
    #expect(state.pc == codeBase)
  }

  @Test func branches() throws {
    // beq a0, a1, 6: misaligned only when taken.
    #expect(
      try runOne(0x00B5_0363, a0: 1, a1: 2) == (
        RV32State(registers: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2], pc: codeBase + 4), nil
      ))
    let (_, event) = try runOne(0x00B5_0363, a0: 1, a1: 1)
    #expect(event == .fault(.misalignedJump(pc: codeBase, target: codeBase + 6)))
    #expect(try runOne(0xFEB5_0CE3, a0: 3, a1: 3).0.pc == codeBase - 8)  // beq a0, a1, -8
    #expect(try runOne(0x00B5_5463, a0: 0xFFFF_FFFF, a1: 0).0.pc == codeBase + 4)  // bge: -1 ≥ 0 false
    #expect(try runOne(0x00B5_5463, a0: 0, a1: 0xFFFF_FFFF).0.pc == codeBase + 8)  // bge: 0 ≥ -1
    #expect(try runOne(0x00B5_6463, a0: 0, a1: 0xFFFF_FFFF).0.pc == codeBase + 8)  // bltu
    #expect(try runOne(0x00B5_6463, a0: 0xFFFF_FFFF, a1: 0).0.pc == codeBase + 4)
  }

  @Test(arguments: [
    (UInt32(0x0000_0073), StepEvent.ecall(pc: codeBase)),
    (0x0010_0073, .ebreak(pc: codeBase)),
    (0x0000_100F, .fenceI(pc: codeBase)),
  ])
  func events(word: UInt32, expected: StepEvent) throws {
    let (state, event) = try runOne(word)
    #expect(event == expected)
    #expect(state.pc == codeBase + 4)
  }

  @Test func fenceIsANoOp() throws {
    let (state, event) = try runOne(0x0FF0_000F, a0: 5)
    #expect(event == nil)
    #expect(state.pc == codeBase + 4)
    #expect(state[.a0] == 5)
  }

  @Test func illegalInstruction() throws {
    let (state, event) = try runOne(0x0205_1513)  // slli with bit 25
    #expect(event == .fault(.illegalInstruction(pc: codeBase, word: 0x0205_1513)))
    #expect(state.pc == codeBase)
  }

  @Test func fetchOutsideMemory() throws {
    var memory = ArrayMemory(base: codeBase, words: [0x1000_00EF])  // jal ra, 0x100
    var state = RV32State(pc: codeBase)
    let event = try Interpreter.run(&state, memory: &memory, stopPC: 0)
    #expect(event == .fault(.fetchOutsideMemory(pc: codeBase + 0x100)))
    #expect(state.pc == codeBase + 0x100)
    #expect(state[.ra] == codeBase + 4)
  }

  /// prog.s: sum 10…1 in a loop, call a function that doubles it, store and reload, ecall.
  ///     clang --target=riscv32-unknown-elf -march=rv32im -c prog.s; llvm-objdump -d
  static let program: [UInt32] = [
    0x0000_0513,  // addi a0, zero, 0
    0x00A0_0593,  // addi a1, zero, 10
    0x00B5_0533,  // loop: add a0, a0, a1
    0xFFF5_8593,  // addi a1, a1, -1
    0xFE05_9CE3,  // bne a1, zero, loop
    0x0100_00EF,  // jal ra, double
    0x00A1_2023,  // sw a0, 0(sp)
    0x0001_2603,  // lw a2, 0(sp)
    0x0000_0073,  // ecall
    0x00A5_0533,  // double: add a0, a0, a0
    0x0000_8067,  // jalr zero, 0(ra)
  ]

  @Test func smallProgram() throws {
    var memory = ArrayMemory(base: codeBase, words: Self.program, extra: 64)
    var state = RV32State(pc: codeBase)
    state[.sp] = codeBase + 0x40
    let event = try Interpreter.run(&state, memory: &memory, stopPC: 0)
    #expect(event == .ecall(pc: codeBase + 0x20))
    #expect(state.pc == codeBase + 0x24)
    #expect(state[.a0] == 110)
    #expect(state[.a2] == 110)
    #expect(state[.a1] == 0)
    #expect(state[.ra] == codeBase + 0x18)
  }

  @Test func stopPCAndBudget() throws {
    var memory = ArrayMemory(base: codeBase, words: Self.program, extra: 64)
    var state = RV32State(pc: codeBase)
    // Stop when the loop's branch is reached the first time.
    #expect(try Interpreter.run(&state, memory: &memory, stopPC: codeBase + 0x10) == nil)
    #expect(state.pc == codeBase + 0x10)
    #expect(state[.a0] == 10)
    #expect(state[.a1] == 9)
    // Already at stopPC: nothing runs.
    #expect(try Interpreter.run(&state, memory: &memory, stopPC: codeBase + 0x10) == nil)
    #expect(state.pc == codeBase + 0x10)
    // A budget of 3: bne, add, addi.
    #expect(try Interpreter.run(&state, memory: &memory, stopPC: 0, budget: 3) == nil)
    #expect(state.pc == codeBase + 0x10)
    #expect(state[.a0] == 19)
    #expect(try Interpreter.run(&state, memory: &memory, stopPC: 0, budget: 0) == nil)
    #expect(state.pc == codeBase + 0x10)
  }
}
