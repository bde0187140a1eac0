import KilnIR
import RV32
import Testing

// Instruction words from LLVM 21 (clang --target=riscv32-unknown-elf -march=rv32im -c;
// llvm-objdump -d -M no-aliases), as in InterpreterTests. Expected IR is written by hand.

/// A fetch function over `words` placed at `base`; nil elsewhere.
func fetcher(_ words: [UInt32], at base: UInt32 = codeBase) -> (UInt32) -> UInt32? {
  { pc in
    let offset = pc &- base
    guard offset % 4 == 0, Int(offset / 4) < words.count else { return nil }
    return words[Int(offset / 4)]
  }
}

func g(_ register: Register) -> GuestRegister { GuestRegister(register.index) }
func r(_ register: Register) -> Value { .register(GuestRegister(register.index)) }

@Suite struct TranslatorTests {
  let translator = Translator()

  @Test func straightLineCodeEndingInABranch() {
    let words: [UInt32] = [
      0x0000_0513,  // addi a0, zero, 0
      0x00A0_0593,  // addi a1, zero, 10
      0x00B5_0533,  // add a0, a0, a1
      0xFFF5_8593,  // addi a1, a1, -1
      0xFE05_9CE3,  // bne a1, zero, -8
      0x0100_00EF,  // not reached by this block
    ]
    let block = translator.translate(at: codeBase, fetch: fetcher(words))
    #expect(
      block
        == Block(
          startPC: codeBase,
          operations: [
            .move(g(.a0), .immediate(0)),
            .move(g(.a1), .immediate(10)),
            // a1 was just set to 10: the add reads the constant.
            .binary(.add, g(.a0), r(.a0), .immediate(10)),
            .binary(.add, g(.a1), r(.a1), .immediate(0xFFFF_FFFF)),
          ],
          terminator: .branch(
            .notEqual, r(.a1), .immediate(0), taken: .pc(codeBase + 8),
            notTaken: .pc(codeBase + 0x14)),
          guestInstructionCount: 5, endPC: codeBase + 0x14))
  }

  @Test func constantsFoldIntoTheNextInstruction() {
    let words: [UInt32] = [
      0x1234_5537,  // lui a0, 0x12345
      0x6785_0513,  // addi a0, a0, 0x678
      0x0000_0297,  // auipc t0, 0
      0x0102_A583,  // lw a1, 16(t0)
      0x00A0_0613,  // addi a2, zero, 10
      0x00C5_C463,  // blt a1, a2, 8
    ]
    let block = translator.translate(at: codeBase, fetch: fetcher(words))
    #expect(
      block
        == Block(
          startPC: codeBase,
          operations: [
            .move(g(.a0), .immediate(0x1234_5678)),
            // t0 stays written (the load may fault); the load's base is the constant.
            .move(g(.t0), .immediate(codeBase + 8)),
            .load(
              g(.a1), base: .immediate(codeBase + 8), offset: 16, size: .word, signed: true,
              pc: codeBase + 0xC),
            .move(g(.a2), .immediate(10)),
          ],
          terminator: .branch(
            .lessThan, r(.a1), .immediate(10), taken: .pc(codeBase + 0x1C),
            notTaken: .pc(codeBase + 0x18)),
          guestInstructionCount: 6, endPC: codeBase + 0x18))
  }

  @Test func upperImmediatesAndX0() {
    let words: [UInt32] = [
      0x8000_0537,  // lui a0, 0x80000
      0xFFFF_F517,  // auipc a0, 0xfffff
      0x0050_0013,  // addi zero, zero, 5: dropped
      0x0000_1037,  // lui zero, 1: dropped
      0x00C5_8533,  // add a0, a1, a2
      0x0000_5703,  // lhu a4, 0(zero)
      0x0005_A003,  // lw zero, 0(a1): loads into the scratch slot
      0x00A1_0423,  // sb a0, 8(sp)
      0x0FF0_000F,  // fence iorw, iorw: nothing
      0x0000_0073,  // ecall
    ]
    let block = translator.translate(at: codeBase, fetch: fetcher(words))
    #expect(
      block
        == Block(
          startPC: codeBase,
          operations: [
            // lui a0 and auipc a0 are overwritten by the next instruction
            // without being read: their moves are dropped.
            .binary(.add, g(.a0), r(.a1), r(.a2)),
            .load(
              g(.a4), base: .immediate(0), offset: 0, size: .half, signed: false,
              pc: codeBase + 0x14),
            .load(
              Translator.scratchSlot, base: r(.a1), offset: 0, size: .word, signed: true,
              pc: codeBase + 0x18),
            .store(r(.a0), base: r(.sp), offset: 8, size: .byte, pc: codeBase + 0x1C),
          ],
          terminator: .syscall(pc: codeBase + 0x24, next: codeBase + 0x28),
          guestInstructionCount: 10, endPC: codeBase + 0x28))
    #expect(Translator.scratchSlot == GuestRegister(32))
    #expect(Translator.registerSlotCount == 33)
  }

  @Test(arguments: [
    // jal ra, 0x100
    (
      UInt32(0x1000_00EF), [Operation.move(GuestRegister(1), .immediate(codeBase + 4))],
      Terminator.jump(.pc(codeBase + 0x100))
    ),
    // jal zero, -0x800
    (0x801F_F06F, [], .jump(.pc(codeBase - 0x800))),
    // jal ra, 6: misaligned, so ra is not written
    (0x0060_00EF, [], .jump(.fault(.misalignedJump(pc: codeBase, target: codeBase + 6)))),
    // jalr ra, 1(ra)
    (
      0x0010_80E7, [],
      .jumpIndirect(
        base: .register(GuestRegister(1)), offset: 1, link: GuestRegister(1),
        returnAddress: codeBase + 4, pc: codeBase)
    ),
    // jalr zero, -2048(t1)
    (
      0x8003_0067, [],
      .jumpIndirect(
        base: .register(GuestRegister(6)), offset: -2048, link: nil, returnAddress: codeBase + 4,
        pc: codeBase)
    ),
    // beq a0, a1, 6: the taken side faults
    (
      0x00B5_0363, [],
      .branch(
        .equal, .register(GuestRegister(10)), .register(GuestRegister(11)),
        taken: .fault(.misalignedJump(pc: codeBase, target: codeBase + 6)),
        notTaken: .pc(codeBase + 4))
    ),
    // bgeu t6, t5, -8
    (
      0xFFEF_FCE3, [],
      .branch(
        .greaterOrEqualUnsigned, .register(GuestRegister(31)), .register(GuestRegister(30)),
        taken: .pc(codeBase - 8), notTaken: .pc(codeBase + 4))
    ),
    (0x0000_0073, [], .syscall(pc: codeBase, next: codeBase + 4)),  // ecall
    (0x0010_0073, [], .breakpoint(pc: codeBase, next: codeBase + 4)),  // ebreak
    (0x0000_100F, [], .synchronize(next: codeBase + 4)),  // fence.i
    (0x0205_1513, [], .fault(.illegalInstruction(pc: codeBase, word: 0x0205_1513))),  // illegal
  ])
  func singleInstructionBlocks(word: UInt32, operations: [Operation], terminator: Terminator) {
    let block = translator.translate(at: codeBase, fetch: fetcher([word, 0x0000_0013]))
    #expect(
      block
        == Block(
          startPC: codeBase, operations: operations, terminator: terminator,
          guestInstructionCount: 1, endPC: codeBase + 4))
  }

  @Test func illegalInstructionAfterOthers() {
    let words: [UInt32] = [0x0015_0513, 0x0000_0000, 0x0015_0513]  // addi a0, a0, 1; illegal
    let block = translator.translate(at: codeBase, fetch: fetcher(words))
    #expect(block.operations == [.binary(.add, g(.a0), r(.a0), .immediate(1))])
    #expect(block.terminator == .fault(.illegalInstruction(pc: codeBase + 4, word: 0)))
    #expect(block.guestInstructionCount == 2)
    #expect(block.endPC == codeBase + 8)
  }

  @Test func fetchFailures() {
    let first = translator.translate(at: 0x5000, fetch: fetcher([0x0015_0513]))
    #expect(
      first
        == Block(
          startPC: 0x5000, operations: [], terminator: .fault(.fetchOutsideMemory(pc: 0x5000)),
          guestInstructionCount: 0, endPC: 0x5000))
    // Running off the end of memory: the fault is raised only when 0x1008 runs.
    let later = translator.translate(at: codeBase, fetch: fetcher([0x0015_0513, 0x0015_0513]))
    #expect(later.terminator == .jump(.pc(codeBase + 8)))
    #expect(later.operations.count == 2)
    #expect(later.guestInstructionCount == 2)
    #expect(later.endPC == codeBase + 8)
  }

  @Test func blockLengthLimit() {
    let words = [UInt32](repeating: 0x0015_0513, count: 10)  // addi a0, a0, 1
    let block = Translator(maxBlockInstructions: 4).translate(at: codeBase, fetch: fetcher(words))
    #expect(block.operations.count == 4)
    #expect(block.terminator == .jump(.pc(codeBase + 16)))
    #expect(block.guestInstructionCount == 4)
    #expect(block.endPC == codeBase + 16)
    // A block that ends exactly at the limit with a jump keeps the jump.
    let jump = Translator(maxBlockInstructions: 2).translate(
      at: codeBase, fetch: fetcher([0x0015_0513, 0x1000_00EF]))
    #expect(jump.terminator == .jump(.pc(codeBase + 4 + 0x100)))
    #expect(jump.guestInstructionCount == 2)
  }
}
