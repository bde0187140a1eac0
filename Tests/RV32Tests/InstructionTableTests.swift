import KilnIR
import RV32
import Testing

@Suite struct InstructionTableTests {
  /// Every RV32I and M instruction, once.
  static let mnemonics = [
    "lui", "auipc", "jal", "jalr", "beq", "bne", "blt", "bge", "bltu", "bgeu",
    "lb", "lh", "lw", "lbu", "lhu", "sb", "sh", "sw",
    "addi", "slti", "sltiu", "xori", "ori", "andi", "slli", "srli", "srai",
    "add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
    "fence", "fence.i", "ecall", "ebreak",
    "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu",
  ]

  @Test func coversRV32IMExactlyOnce() {
    let names = InstructionTable.entries.map(\.mnemonic)
    #expect(names.count == 49)
    #expect(Set(names) == Set(Self.mnemonics))
    #expect(Set(names).count == names.count)
  }

  /// No word can match two entries: their fixed bits disagree somewhere.
  @Test func entriesDoNotOverlap() {
    let entries = InstructionTable.entries
    for i in entries.indices {
      #expect(entries[i].match & ~entries[i].mask == 0, "\(entries[i].mnemonic)")
      for j in entries.indices where j > i {
        let common = entries[i].mask & entries[j].mask
        #expect(
          (entries[i].match ^ entries[j].match) & common != 0,
          "\(entries[i].mnemonic) overlaps \(entries[j].mnemonic)")
      }
    }
  }

  /// The fast lookup finds every entry from its own match pattern.
  @Test func lookupFindsEveryEntry() {
    for (index, entry) in InstructionTable.entries.enumerated() {
      #expect(InstructionTable.entryIndex(of: entry.match) == index, "\(entry.mnemonic)")
    }
  }

  @Test func registers() {
    #expect(Register(31) == .t6)
    #expect(Register(32) == nil)
    #expect(Register.fp == .s0)
    #expect(Register.zero.name == "zero")
    #expect(
      (0..<32).compactMap { Register(UInt8($0))?.name }.joined(separator: " ")
        == "zero ra sp gp tp t0 t1 t2 s0 s1 a0 a1 a2 a3 a4 a5 a6 a7 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 t3 t4 t5 t6"
    )
  }
}
