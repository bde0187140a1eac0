import EBPF
import Testing

/// One test per ``EBPFError`` that loading can produce.
@Suite struct CheckerTests {
  @Test func truncatedProgram() {
    #expect(
      error { () throws(EBPFError) in try Program(bytes: [0x95, 0, 0, 0, 0, 0, 0]) }
        == .truncatedProgram(byteCount: 7))
  }

  @Test func emptyProgram() {
    #expect(check([]) == .emptyProgram)
  }

  @Test func programTooLarge() {
    let slots = [RawInstruction](repeating: RawInstruction(opcode: 0xB7), count: 4) + [exitSlot]
    #expect(check(slots, limit: 4) == .programTooLarge(count: 5, limit: 4))
    #expect(check(slots, limit: 5) == nil)
    // The default limit is 65536 slots.
    let big = [RawInstruction](repeating: RawInstruction(opcode: 0xB7), count: 65536) + [exitSlot]
    #expect(check(big) == .programTooLarge(count: 65537, limit: 65536))
  }

  @Test(arguments: [
    // Opcodes that are no instruction at all.
    RawInstruction(opcode: 0xFF),
    RawInstruction(opcode: 0x8F),  // neg with register source
    RawInstruction(opcode: 0xDF),  // END in ALU64 class with source bit
    RawInstruction(opcode: 0x99),  // ldxs double (no such size)
    // Known opcodes with undefined variants.
    RawInstruction(opcode: 0x3F, offset: 2),  // div: offset must be 0 or 1
    RawInstruction(opcode: 0xBF, offset: 7),  // movsx: 8, 16 or 32
    RawInstruction(opcode: 0xBC, offset: 32),  // movsx32 only in ALU64
    RawInstruction(opcode: 0xD4, imm: 8),  // le8
    RawInstruction(opcode: 0xDB, imm: 0x02),  // atomic op
    RawInstruction(opcode: 0x85, src: 3),  // call mode
    RawInstruction(opcode: 0x18, src: 7),  // lddw mode
  ])
  func unknownOpcode(_ raw: RawInstruction) {
    #expect(check([exitSlot, raw, exitSlot]) == .unknownOpcode(index: 1, opcode: raw.opcode))
  }

  @Test func invalidRegister() {
    #expect(
      check([RawInstruction(opcode: 0xB7, dst: 11), exitSlot])
        == .invalidRegister(index: 0, register: 11))
    #expect(
      check([exitSlot, RawInstruction(opcode: 0x61, dst: 1, src: 15), exitSlot])
        == .invalidRegister(index: 1, register: 15))
    // callx names its register in dst.
    #expect(
      check([RawInstruction(opcode: 0x8D, dst: 12), exitSlot])
        == .invalidRegister(index: 0, register: 12))
    // The assembler refuses them too.
    #expect(error { () throws(EBPFError) in try Assembler.assemble("mov %r11, 1") } != nil)
  }

  @Test func incompleteLoadImm64() {
    #expect(check([exitSlot, RawInstruction(opcode: 0x18)]) == .incompleteLoadImm64(index: 1))
    #expect(
      check([RawInstruction(opcode: 0x18), RawInstruction(opcode: 0xB7), exitSlot])
        == .incompleteLoadImm64(index: 0))
  }

  @Test(arguments: [
    "mov %r10, 1", "add32 %r10, %r1", "neg %r10", "be16 %r10", "movsx864 %r10, %r1",
    "ldxdw %r10, [%r1]", "ldxsb %r10, [%r1]", "lddw %r10, 0x1",
    "lock fetch add [%r1], %r10", "lock xchg32 [%r1], %r10",
  ])
  func writesFrameRegister(_ line: String) throws {
    let slots = try Assembler.assemble("mov %r0, 0\n" + line + "\nexit")
    #expect(check(slots) == .writesFrameRegister(index: 1))
  }

  @Test func readingAndStoringThroughR10IsFine() throws {
    let slots = try Assembler.assemble(
      "stxdw [%r10-8], %r1\nlock add [%r10-8], %r1\nmov %r1, %r10\nexit")
    #expect(check(slots) == nil)
  }

  @Test func jumpOutOfBounds() throws {
    #expect(check(try Assembler.assemble("ja +1\nexit")) == .jumpOutOfBounds(index: 0, target: 2))
    #expect(
      check(try Assembler.assemble("mov %r0, 0\njeq %r0, 0, -3\nexit"))
        == .jumpOutOfBounds(index: 1, target: -1))
    #expect(
      check(try Assembler.assemble("ja32 +5\nexit")) == .jumpOutOfBounds(index: 0, target: 6))
    // A jump to the last instruction and a backward jump to 0 are fine.
    #expect(check(try Assembler.assemble("mov %r0, 0\njne32 %r0, 1, +0\nja -3")) == nil)
  }

  @Test func jumpIntoLoadImm64() throws {
    #expect(
      check(try Assembler.assemble("ja +1\nlddw %r0, 0x100000000\nexit"))
        == .jumpIntoLoadImm64(index: 0, target: 2))
    #expect(
      check(try Assembler.assemble("call local +1\nlddw %r0, 1\nexit"))
        == .jumpIntoLoadImm64(index: 0, target: 2))
  }

  @Test func invalidCallTarget() throws {
    #expect(
      check(try Assembler.assemble("call local +4\nexit"))
        == .invalidCallTarget(index: 0, target: 5))
    #expect(
      check(try Assembler.assemble("call local -2\nexit"))
        == .invalidCallTarget(index: 0, target: -1))
  }

  @Test func unknownHelper() throws {
    #expect(
      check(try Assembler.assemble("call 6\nexit")) == .unknownHelper(index: 0, id: 6))
    #expect(
      check(try Assembler.assemble("call 5\nexit"), helpers: HelperTable())
        == .unknownHelper(index: 0, id: 5))
    #expect(check(try Assembler.assemble("call 5\nexit")) == nil)
  }

  @Test func unsupportedForms() throws {
    #expect(
      check(try Assembler.assemble("lddw %r1, map_by_fd(3)\nexit"))
        == .unsupportedInstruction(index: 0, mnemonic: "lddw map_by_fd"))
    #expect(
      check(try Assembler.assemble("lddw %r1, map_val_by_idx(3)+16\nexit"))
        == .unsupportedInstruction(index: 0, mnemonic: "lddw map_val_by_idx"))
    #expect(
      check(try Assembler.assemble("call runtime 7\nexit"))
        == .unsupportedInstruction(index: 0, mnemonic: "call runtime"))
  }

  @Test func fallsOffEnd() throws {
    #expect(check(try Assembler.assemble("mov %r0, 0")) == .fallsOffEnd(index: 0))
    #expect(check(try Assembler.assemble("exit\nlddw %r0, 1")) == .fallsOffEnd(index: 1))
    #expect(check(try Assembler.assemble("exit\njeq %r0, 0, -2")) == .fallsOffEnd(index: 1))
  }

  @Test func descriptionsNameTheInstruction() {
    #expect(
      EBPFError.unknownOpcode(index: 3, opcode: 0xFF).description
        == "invalid opcode 0xff at instruction 3")
    #expect(
      EBPFError.outOfBounds(index: 7, address: 0x1000, size: 4, isWrite: true).description
        == "out-of-bounds store of 4 bytes at 0x1000 (instruction 7)")
  }
}

/// `HelperTable` keeps small ids in an array and others in a dictionary:
/// lookups, replacement and `ids` must not depend on which.
@Suite("HelperTable lookups")
struct HelperTableTests {
  @Test func smallLargeAndMissingIds() {
    var table = HelperTable()
    table.register(5) { a, _, _, _, _ in a + 1 }
    table.register(255) { _, _, _, _, _ in 255 }
    table.register(256) { _, _, _, _, _ in 256 }
    table.register(0xFFFF_FFFF) { _, _, _, _, _ in 7 }
    table.register(5) { a, _, _, _, _ in a + 2 }  // replaces
    #expect(table.function(for: 5)?(40, 0, 0, 0, 0) == 42)
    #expect(table.function(for: 255)?(0, 0, 0, 0, 0) == 255)
    #expect(table.function(for: 256)?(0, 0, 0, 0, 0) == 256)
    #expect(table.function(for: 0xFFFF_FFFF)?(0, 0, 0, 0, 0) == 7)
    for missing: UInt64 in [0, 4, 6, 254, 257, 0x1_0000_0000, .max] {
      #expect(table.function(for: missing) == nil, "id \(missing)")
      #expect(!table.contains(missing))
    }
    #expect(table.ids == [5, 255, 256, 0xFFFF_FFFF])
  }
}
