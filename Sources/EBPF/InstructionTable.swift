/// How an instruction's operands are written and which fields they occupy.
/// The assembler parses and the disassembler prints by this; the decoder uses
/// it to know which register fields must hold valid registers.
public enum OperandForm: Hashable, Sendable {
  /// `op %dst, %src`
  case dstSrc
  /// `op %dst, imm`
  case dstImm
  /// `op %dst`
  case dst
  /// `ja +off` (target in `offset`)
  case jumpOffset
  /// `ja32 +imm` (target in `imm`)
  case jumpImm
  /// `jxx %dst, %src, +off`
  case branchReg
  /// `jxx %dst, imm, +off`
  case branchImm
  /// `call imm` (helper id), `call runtime imm`
  case callImm
  /// `call local +imm`
  case callLocal
  /// `call %dst`
  case callReg
  /// `exit`
  case none
  /// `lddw %dst, imm64` or `lddw %dst, map_by_fd(imm)` …
  case loadImm64
  /// `ldx %dst, [%src+off]`
  case load
  /// `st [%dst+off], imm`
  case storeImm
  /// `stx [%dst+off], %src` (also the atomics)
  case storeReg
  /// `ldabs imm`
  case packetAbsolute
  /// `ldind %src, imm`
  case packetIndirect

  /// Whether the `dst` field names a register for this form.
  public var usesDst: Bool {
    switch self {
    case .dstSrc, .dstImm, .dst, .branchReg, .branchImm, .callReg, .loadImm64, .load, .storeImm,
      .storeReg:
      true
    default: false
    }
  }

  /// Whether `imm` is an operand of this form (rows may also fix it, see ``InstructionSpec/requiredImm``).
  public var usesImm: Bool {
    switch self {
    case .dstImm, .jumpImm, .branchImm, .callImm, .callLocal, .loadImm64, .storeImm,
      .packetAbsolute, .packetIndirect:
      true
    default: false
    }
  }

  /// Whether `offset` is an operand of this form (rows may also fix it).
  public var usesOffset: Bool {
    switch self {
    case .jumpOffset, .branchReg, .branchImm, .load, .storeImm, .storeReg: true
    default: false
    }
  }

  /// Whether the `src` field names a register for this form.
  public var usesSrc: Bool {
    switch self {
    case .dstSrc, .branchReg, .load, .storeReg, .packetIndirect: true
    default: false
    }
  }
}

/// One row of the instruction table: an encoding, its spelling and its meaning.
public struct InstructionSpec: Sendable {
  /// Full mnemonic as the assembler writes it: `add32`, `ldxw`, `lock fetch add32`, `call local`.
  public let mnemonic: String
  public let opcode: UInt8
  public let operation: Operation
  public let form: OperandForm
  /// Value that `offset` must have (ALU variants: `sdiv`/`smod` 1, `movsx` 8/16/32), if fixed.
  public let requiredOffset: Int16?
  /// Value that `imm` must have (byte swaps: 16/32/64; atomics: the operation), if fixed.
  public let requiredImm: Int32?
  /// Value that the `src` field must have (calls, `lddw` modes), if fixed.
  public let requiredSrc: UInt8?

  /// Whether a slot's fields select this row.
  @inline(__always)
  public func matches(_ raw: RawInstruction) -> Bool {
    raw.opcode == opcode && (requiredOffset.map { $0 == raw.offset } ?? true)
      && (requiredImm.map { $0 == raw.imm } ?? true) && (requiredSrc.map { $0 == raw.src } ?? true)
  }
}

/// The one table of RFC 9669 instructions. Decoder, disassembler, assembler
/// and (through ``Operation``) the interpreter all read it.
public enum InstructionTable {
  public static let all: [InstructionSpec] = build()

  /// Row indices by opcode byte, for the decoder.
  static let byOpcode: [[Int]] = {
    var buckets = [[Int]](repeating: [], count: 256)
    for (i, spec) in all.enumerated() { buckets[Int(spec.opcode)].append(i) }
    return buckets
  }()

  /// The row that a slot encodes, if any.
  public static func spec(for raw: RawInstruction) -> InstructionSpec? {
    for i in byOpcode[Int(raw.opcode)] where all[i].matches(raw) { return all[i] }
    return nil
  }

  /// The rows spelled `mnemonic` (several when the operand shape decides).
  public static func specs(named mnemonic: Substring) -> [InstructionSpec] {
    var out: [InstructionSpec] = []
    for spec in all where spec.mnemonic.utf8.elementsEqual(mnemonic.utf8) { out.append(spec) }
    return out
  }

  private static func build() -> [InstructionSpec] {
    var t: [InstructionSpec] = []
    func add(
      _ m: String, _ op: UInt8, _ operation: Operation, _ form: OperandForm, offset: Int16? = nil,
      imm: Int32? = nil, src: UInt8? = nil
    ) {
      t.append(
        InstructionSpec(
          mnemonic: m, opcode: op, operation: operation, form: form, requiredOffset: offset,
          requiredImm: imm, requiredSrc: src))
    }

    // Arithmetic (RFC 9669 §4.1).
    for (width, cls, suffix) in [(Width.w64, Opcode.classALU64, ""), (.w32, Opcode.classALU, "32")]
    {
      for alu in ALUOperation.allCases {
        let base = alu.code | cls
        switch alu {
        case .neg:
          add("neg" + suffix, base | Opcode.sourceK, .alu(.neg, width, .imm), .dst, offset: 0)
        case .movsx8, .movsx16, .movsx32:
          // MOVSX exists only with a register source; 32-bit form only for 8 and 16.
          if width == .w32 && alu == .movsx32 { continue }
          add(
            alu.mnemonic + (width == .w64 ? "64" : "32"), base | Opcode.sourceX,
            .alu(alu, width, .reg), .dstSrc, offset: alu.offset)
        default:
          add(
            alu.mnemonic + suffix, base | Opcode.sourceK, .alu(alu, width, .imm), .dstImm,
            offset: alu.offset)
          add(
            alu.mnemonic + suffix, base | Opcode.sourceX, .alu(alu, width, .reg), .dstSrc,
            offset: alu.offset)
        }
      }
    }
    // Byte swaps (§4.2): END = 0xd0.
    for bits: UInt8 in [16, 32, 64] {
      let b = String(bits)
      add(
        "le" + b, 0xD0 | Opcode.classALU, .byteSwap(.toLittle, bits: bits), .dst, imm: Int32(bits))
      add(
        "be" + b, 0xD0 | Opcode.endToBE | Opcode.classALU, .byteSwap(.toBig, bits: bits), .dst,
        imm: Int32(bits))
      add(
        "bswap" + b, 0xD0 | Opcode.classALU64, .byteSwap(.always, bits: bits), .dst,
        imm: Int32(bits))
    }
    // Jumps (§4.3).
    add("ja", 0x00 | Opcode.classJMP, .jumpAlways(.w64), .jumpOffset)
    add("ja32", 0x00 | Opcode.classJMP32, .jumpAlways(.w32), .jumpImm)
    for (width, cls, suffix) in [(Width.w64, Opcode.classJMP, ""), (.w32, Opcode.classJMP32, "32")]
    {
      for c in Condition.allCases {
        add(c.mnemonic + suffix, c.code | cls | Opcode.sourceK, .branch(c, width, .imm), .branchImm)
        add(c.mnemonic + suffix, c.code | cls | Opcode.sourceX, .branch(c, width, .reg), .branchReg)
      }
    }
    add("call", 0x80 | Opcode.classJMP, .callHelper, .callImm, src: 0)
    add("call local", 0x80 | Opcode.classJMP, .callLocal, .callLocal, src: 1)
    add("call runtime", 0x80 | Opcode.classJMP, .callBTF, .callImm, src: 2)
    add("call", 0x80 | Opcode.sourceX | Opcode.classJMP, .callRegister, .callReg, src: 0)
    add("exit", 0x90 | Opcode.classJMP, .exit, .none)

    // 64-bit immediate loads (§5.4), all source modes.
    for kind in LoadImm64Kind.allCases {
      add(
        "lddw", Opcode.modeIMM | AccessSize.double.rawValue | Opcode.classLD, .loadImm64(kind),
        .loadImm64, src: kind.rawValue)
    }
    // Regular loads and stores (§5.1, §5.2).
    for size in [AccessSize.byte, .half, .word, .double] {
      let s = size.suffix
      add("ldx" + s, Opcode.modeMEM | size.rawValue | Opcode.classLDX, .load(size), .load)
      if size != .double {
        add(
          "ldxs" + s, Opcode.modeMEMSX | size.rawValue | Opcode.classLDX, .loadSigned(size), .load)
      }
      add("st" + s, Opcode.modeMEM | size.rawValue | Opcode.classST, .storeImm(size), .storeImm)
      add("stx" + s, Opcode.modeMEM | size.rawValue | Opcode.classSTX, .storeReg(size), .storeReg)
    }
    // Atomics (§5.3), 32 and 64 bits.
    for (size, suffix) in [(AccessSize.double, ""), (.word, "32")] {
      for a in AtomicOperation.allCases {
        add(
          "lock " + a.mnemonic + suffix, Opcode.modeATOMIC | size.rawValue | Opcode.classSTX,
          .atomic(a, size), .storeReg, imm: a.imm)
      }
    }
    // Legacy packet access (§5.5).
    for size in [AccessSize.byte, .half, .word, .double] {
      add(
        "ldabs" + size.suffix, Opcode.modeABS | size.rawValue | Opcode.classLD,
        .packetLoad(.absolute, size), .packetAbsolute)
      add(
        "ldind" + size.suffix, Opcode.modeIND | size.rawValue | Opcode.classLD,
        .packetLoad(.indirect, size), .packetIndirect)
    }
    return t
  }
}
