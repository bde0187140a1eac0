/// Instructions → text in the bpf_conformance assembler syntax, by the
/// ``InstructionTable``. ``Assembler`` reads everything this writes back to the
/// same slots (unused fields are not printed, so they come back as zero).
public enum Disassembler {
  /// One line per instruction (none for `lddw`'s second slot).
  public static func lines(_ program: Program) -> [String] {
    var out: [String] = []
    for inst in program.instructions where inst.operation != .loadImm64Tail {
      out.append(format(inst))
    }
    return out
  }

  /// The whole program as assembler source, one instruction per line.
  public static func text(_ program: Program) -> String {
    var s = ""
    for line in lines(program) {
      s += line
      s += "\n"
    }
    return s
  }

  /// A listing with slot indices: `   3: jeq %r1, 5, +2`.
  public static func listing(_ program: Program) -> String {
    var s = ""
    for (i, inst) in program.instructions.enumerated() where inst.operation != .loadImm64Tail {
      var n = String(i)
      while n.count < 4 { n = " " + n }
      s += n + ": " + format(inst) + "\n"
    }
    return s
  }

  /// One instruction. `lddw` prints its full 64-bit immediate.
  public static func format(_ inst: Instruction) -> String {
    guard let spec = Encoder.spec(for: inst.operation) else { return "<lddw tail>" }
    let m = spec.mnemonic
    let d = inst.dst.name
    let s = inst.src.name
    switch spec.form {
    case .dstSrc: return m + " " + d + ", " + s
    case .dstImm: return m + " " + d + ", " + immediate(inst.imm)
    case .dst: return m + " " + d
    case .jumpOffset: return m + " " + relative(Int64(inst.offset))
    case .jumpImm: return m + " " + relative(Int64(inst.imm))
    case .branchReg: return m + " " + d + ", " + s + ", " + relative(Int64(inst.offset))
    case .branchImm:
      return m + " " + d + ", " + immediate(inst.imm) + ", " + relative(Int64(inst.offset))
    case .callImm: return m + " " + immediate(inst.imm)
    case .callLocal: return m + " " + relative(Int64(inst.imm))
    case .callReg: return m + " " + d
    case .none: return m
    case .loadImm64:
      guard case .loadImm64(let kind) = inst.operation, kind != .immediate else {
        return m + " " + d + ", 0x" + hex(inst.imm64)
      }
      var operand = kind.pseudoName + "(" + immediate(inst.imm) + ")"
      if kind.hasValueOffset {
        operand += "+" + immediate(Int32(truncatingIfNeeded: inst.imm64 >> 32))
      }
      return m + " " + d + ", " + operand
    case .load: return m + " " + d + ", " + memory(inst.src, inst.offset)
    case .storeImm: return m + " " + memory(inst.dst, inst.offset) + ", " + immediate(inst.imm)
    case .storeReg: return m + " " + memory(inst.dst, inst.offset) + ", " + s
    case .packetAbsolute: return m + " " + immediate(inst.imm)
    case .packetIndirect: return m + " " + s + ", " + immediate(inst.imm)
    }
  }

  /// Small and negative values in decimal, others as 32-bit hex.
  static func immediate(_ v: Int32) -> String {
    if (v < 0 && v != Int32.min) || v <= 255 { return String(v) }
    return "0x" + hex(UInt64(UInt32(bitPattern: v)))
  }

  static func relative(_ v: Int64) -> String { v >= 0 ? "+" + String(v) : String(v) }

  static func memory(_ r: Register, _ offset: Int16) -> String {
    if offset == 0 { return "[" + r.name + "]" }
    return "[" + r.name + (offset > 0 ? "+" : "") + String(offset) + "]"
  }
}
