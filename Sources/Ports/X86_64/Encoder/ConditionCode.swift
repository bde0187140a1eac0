/// The sixteen x86 condition codes (the `tttn` field of `Jcc`, `SETcc`,
/// `CMOVcc`). Flipping bit 0 negates a condition.
public enum ConditionCode: UInt8, Sendable, CaseIterable, CustomStringConvertible {
  case o = 0
  case no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g

  /// The negated condition (`e` ↔ `ne`, `l` ↔ `ge`, …).
  public var inverted: ConditionCode {
    // Exhaustive: 16 cases cover every 4-bit value.
    ConditionCode(rawValue: rawValue ^ 1) ?? self
  }

  /// The mnemonic suffix (`jne`, `setb`), for dumps.
  public var description: String {
    switch self {
    case .o: "o"
    case .no: "no"
    case .b: "b"
    case .ae: "ae"
    case .e: "e"
    case .ne: "ne"
    case .be: "be"
    case .a: "a"
    case .s: "s"
    case .ns: "ns"
    case .p: "p"
    case .np: "np"
    case .l: "l"
    case .ge: "ge"
    case .le: "le"
    case .g: "g"
    }
  }
}

/// Flag consumers that are not branches.
extension X86Assembler {
  /// `setcc r8` — `[REX] 0F 90+cc /0`; writes the low byte only. An empty REX
  /// selects spl/bpl/sil/dil.
  public mutating func setcc(_ cc: ConditionCode, _ dst: GPR) {
    emitModRM(
      w: false, map: .escape0F, opcode: 0x90 | cc.rawValue, reg: 0, rm: .reg(dst),
      forceREX: dst.byteNeedsREX)
  }

  /// `cmovcc r, r/m` — `[REX.W] 0F 40+cc /r`. The dword form zero-extends
  /// `dst` even when the condition is false.
  public mutating func cmov(_ cc: ConditionCode, _ size: OperandSize, _ dst: GPR, _ src: GPR) {
    emitModRM(
      w: size.rexW, map: .escape0F, opcode: 0x40 | cc.rawValue, reg: dst.rawValue, rm: .reg(src))
  }
}
