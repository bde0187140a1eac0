import KilnIR

/// What an instruction does, in terms of the host-neutral IR where possible.
/// The decoder, interpreter and translator all switch on this.
public enum InstructionKind: Sendable, Equatable {
  case lui
  case auipc
  case jal
  case jalr
  case branch(Condition)
  case load(AccessSize, signed: Bool)
  case store(AccessSize)
  /// `rd = op(rs1, imm)`: ADDI, SLTI, SLTIU, XORI, ORI, ANDI, SLLI, SRLI, SRAI.
  case operationImmediate(BinaryOperation)
  /// `rd = op(rs1, rs2)`: the OP major opcode, RV32I and M.
  case operation(BinaryOperation)
  case fence
  case fenceI
  case ecall
  case ebreak
}

/// One row of the instruction table: a word is this instruction when
/// `word & mask == match`.
public struct InstructionEntry: Sendable {
  public let mnemonic: String
  public let format: InstructionFormat
  public let match: UInt32
  public let mask: UInt32
  public let kind: InstructionKind
}

/// The single description of RV32IM that the decoder, disassembler and
/// interpreter share. Every word that matches no entry is illegal (this
/// includes all 16-bit compressed encodings, whose low two bits are not `0b11`).
public enum InstructionTable {
  /// Major opcodes (bits 6:0).
  enum Opcode {
    static let load: UInt32 = 0b000_0011
    static let miscMem: UInt32 = 0b000_1111
    static let opImm: UInt32 = 0b001_0011
    static let auipc: UInt32 = 0b001_0111
    static let store: UInt32 = 0b010_0011
    static let op: UInt32 = 0b011_0011
    static let lui: UInt32 = 0b011_0111
    static let branch: UInt32 = 0b110_0011
    static let jalr: UInt32 = 0b110_0111
    static let jal: UInt32 = 0b110_1111
    static let system: UInt32 = 0b111_0011
  }

  private static let opcodeMask: UInt32 = 0x0000_007F
  private static let funct3Mask: UInt32 = 0x0000_707F
  private static let funct7Mask: UInt32 = 0xFE00_707F
  private static let wholeWord: UInt32 = 0xFFFF_FFFF

  private static func entry(
    _ mnemonic: String, _ format: InstructionFormat, _ kind: InstructionKind,
    opcode: UInt32, funct3: UInt32? = nil, funct7: UInt32? = nil, exact: UInt32? = nil
  ) -> InstructionEntry {
    if let exact {
      return InstructionEntry(
        mnemonic: mnemonic, format: format, match: exact, mask: wholeWord, kind: kind)
    }
    var match = opcode
    var mask = opcodeMask
    if let funct3 {
      match |= funct3 << 12
      mask = funct3Mask
    }
    if let funct7 {
      match |= funct7 << 25
      mask = funct7Mask
    }
    return InstructionEntry(
      mnemonic: mnemonic, format: format, match: match, mask: mask, kind: kind)
  }

  /// All RV32I and M instructions.
  public static let entries: [InstructionEntry] = [
    entry("lui", .upper, .lui, opcode: Opcode.lui),
    entry("auipc", .upper, .auipc, opcode: Opcode.auipc),
    entry("jal", .jump, .jal, opcode: Opcode.jal),
    entry("jalr", .jumpRegister, .jalr, opcode: Opcode.jalr, funct3: 0b000),

    entry("beq", .branch, .branch(.equal), opcode: Opcode.branch, funct3: 0b000),
    entry("bne", .branch, .branch(.notEqual), opcode: Opcode.branch, funct3: 0b001),
    entry("blt", .branch, .branch(.lessThan), opcode: Opcode.branch, funct3: 0b100),
    entry("bge", .branch, .branch(.greaterOrEqual), opcode: Opcode.branch, funct3: 0b101),
    entry("bltu", .branch, .branch(.lessThanUnsigned), opcode: Opcode.branch, funct3: 0b110),
    entry(
      "bgeu", .branch, .branch(.greaterOrEqualUnsigned), opcode: Opcode.branch, funct3: 0b111),

    entry("lb", .load, .load(.byte, signed: true), opcode: Opcode.load, funct3: 0b000),
    entry("lh", .load, .load(.half, signed: true), opcode: Opcode.load, funct3: 0b001),
    entry("lw", .load, .load(.word, signed: true), opcode: Opcode.load, funct3: 0b010),
    entry("lbu", .load, .load(.byte, signed: false), opcode: Opcode.load, funct3: 0b100),
    entry("lhu", .load, .load(.half, signed: false), opcode: Opcode.load, funct3: 0b101),

    entry("sb", .store, .store(.byte), opcode: Opcode.store, funct3: 0b000),
    entry("sh", .store, .store(.half), opcode: Opcode.store, funct3: 0b001),
    entry("sw", .store, .store(.word), opcode: Opcode.store, funct3: 0b010),

    entry("addi", .immediate, .operationImmediate(.add), opcode: Opcode.opImm, funct3: 0b000),
    entry(
      "slti", .immediate, .operationImmediate(.setLessThan), opcode: Opcode.opImm, funct3: 0b010
    ),
    entry(
      "sltiu", .immediate, .operationImmediate(.setLessThanUnsigned), opcode: Opcode.opImm,
      funct3: 0b011),
    entry("xori", .immediate, .operationImmediate(.xor), opcode: Opcode.opImm, funct3: 0b100),
    entry("ori", .immediate, .operationImmediate(.or), opcode: Opcode.opImm, funct3: 0b110),
    entry("andi", .immediate, .operationImmediate(.and), opcode: Opcode.opImm, funct3: 0b111),
    entry(
      "slli", .shiftImmediate, .operationImmediate(.shiftLeft), opcode: Opcode.opImm,
      funct3: 0b001, funct7: 0b000_0000),
    entry(
      "srli", .shiftImmediate, .operationImmediate(.shiftRightLogical), opcode: Opcode.opImm,
      funct3: 0b101, funct7: 0b000_0000),
    entry(
      "srai", .shiftImmediate, .operationImmediate(.shiftRightArithmetic), opcode: Opcode.opImm,
      funct3: 0b101, funct7: 0b010_0000),

    entry("add", .register, .operation(.add), opcode: Opcode.op, funct3: 0b000, funct7: 0),
    entry("sub", .register, .operation(.sub), opcode: Opcode.op, funct3: 0b000, funct7: 0b010_0000),
    entry("sll", .register, .operation(.shiftLeft), opcode: Opcode.op, funct3: 0b001, funct7: 0),
    entry("slt", .register, .operation(.setLessThan), opcode: Opcode.op, funct3: 0b010, funct7: 0),
    entry(
      "sltu", .register, .operation(.setLessThanUnsigned), opcode: Opcode.op, funct3: 0b011,
      funct7: 0),
    entry("xor", .register, .operation(.xor), opcode: Opcode.op, funct3: 0b100, funct7: 0),
    entry(
      "srl", .register, .operation(.shiftRightLogical), opcode: Opcode.op, funct3: 0b101, funct7: 0
    ),
    entry(
      "sra", .register, .operation(.shiftRightArithmetic), opcode: Opcode.op, funct3: 0b101,
      funct7: 0b010_0000),
    entry("or", .register, .operation(.or), opcode: Opcode.op, funct3: 0b110, funct7: 0),
    entry("and", .register, .operation(.and), opcode: Opcode.op, funct3: 0b111, funct7: 0),

    entry("fence", .fence, .fence, opcode: Opcode.miscMem, funct3: 0b000),
    entry("fence.i", .system, .fenceI, opcode: Opcode.miscMem, funct3: 0b001),
    entry("ecall", .system, .ecall, opcode: Opcode.system, exact: 0x0000_0073),
    entry("ebreak", .system, .ebreak, opcode: Opcode.system, exact: 0x0010_0073),

    entry("mul", .register, .operation(.multiply), opcode: Opcode.op, funct3: 0b000, funct7: 1),
    entry(
      "mulh", .register, .operation(.multiplyHighSigned), opcode: Opcode.op, funct3: 0b001,
      funct7: 1),
    entry(
      "mulhsu", .register, .operation(.multiplyHighSignedUnsigned), opcode: Opcode.op,
      funct3: 0b010, funct7: 1),
    entry(
      "mulhu", .register, .operation(.multiplyHighUnsigned), opcode: Opcode.op, funct3: 0b011,
      funct7: 1),
    entry(
      "div", .register, .operation(.divide(.riscv)), opcode: Opcode.op, funct3: 0b100, funct7: 1),
    entry(
      "divu", .register, .operation(.divideUnsigned(.riscv)), opcode: Opcode.op, funct3: 0b101,
      funct7: 1),
    entry("rem", .register, .operation(.remainder), opcode: Opcode.op, funct3: 0b110, funct7: 1),
    entry(
      "remu", .register, .operation(.remainderUnsigned), opcode: Opcode.op, funct3: 0b111,
      funct7: 1),
  ]

  /// Bucket of a word: bits 6:2 (the major opcode without the `0b11` suffix) and funct3.
  @inline(__always)
  private static func bucket(_ word: UInt32) -> Int {
    Int(truncatingIfNeeded: (word >> 2) & 0x1F) << 3 | Int(truncatingIfNeeded: (word >> 12) & 7)
  }

  /// Candidate entries per bucket, built once from `entries`: the table stays
  /// the only place that says which words are legal. `bucketStart[b]..<bucketStart[b + 1]`
  /// indexes `bucketEntries`.
  private static let buckets: (start: [Int], entries: [Int]) = {
    var perBucket = [[Int]](repeating: [], count: 256)
    for (index, entry) in entries.enumerated() {
      precondition(entry.match & 3 == 3, "32-bit encodings end in 0b11")
      for funct3 in 0..<UInt32(8) {
        // The entry can live in this bucket if its fixed bits agree with it.
        let probe = (entry.match & ~funct3Mask) | (entry.match & opcodeMask) | funct3 << 12
        let fixedFunct3 = entry.mask & 0x7000
        if (probe ^ entry.match) & fixedFunct3 == 0 {
          perBucket[bucket(probe)].append(index)
        }
      }
    }
    var start = [0]
    var flat: [Int] = []
    for list in perBucket {
      flat.append(contentsOf: list)
      start.append(flat.count)
    }
    return (start, flat)
  }()

  /// The index into `entries` of the instruction `word` encodes, or nil if it is illegal.
  @inline(__always)
  public static func entryIndex(of word: UInt32) -> Int? {
    guard word & 3 == 3 else { return nil }
    let table = buckets
    let b = bucket(word)
    var i = table.start[b]
    let end = table.start[b + 1]
    while i < end {
      let index = table.entries[i]
      let entry = entries[index]
      if word & entry.mask == entry.match { return index }
      i += 1
    }
    return nil
  }

  /// The entry of the instruction `word` encodes, or nil if it is illegal.
  public static func entry(of word: UInt32) -> InstructionEntry? {
    guard let index = entryIndex(of: word) else { return nil }
    return entries[index]
  }
}
