/// Rotates and shifts: the `/digit` of the `C1`/`D1`/`D3` groups.
public enum ShiftOp: UInt8, Sendable, CaseIterable, CustomStringConvertible {
  case rol = 0
  case ror = 1
  case shl = 4
  case shr = 5
  case sar = 7

  public var description: String {
    switch self {
    case .rol: "rol"
    case .ror: "ror"
    case .shl: "shl"
    case .shr: "shr"
    case .sar: "sar"
    }
  }
}

extension X86Assembler {
  /// `op r, imm8` — `[REX.W] C1 /op ib`, or `[REX.W] D1 /op` for a count of 1
  /// (as LLVM encodes it). The CPU masks the count to 5 (dword) or 6 (qword) bits.
  public mutating func shift(_ op: ShiftOp, _ size: OperandSize, _ dst: GPR, imm: UInt8) {
    if imm == 1 {
      emitModRM(w: size.rexW, opcode: 0xD1, reg: op.rawValue, rm: .reg(dst))
    } else {
      emitModRM(
        w: size.rexW, opcode: 0xC1, reg: op.rawValue, rm: .reg(dst), immediate: UInt32(imm),
        immediateBytes: 1)
    }
  }

  /// `op r, cl` — `[REX.W] D3 /op`.
  public mutating func shiftByCL(_ op: ShiftOp, _ size: OperandSize, _ dst: GPR) {
    emitModRM(w: size.rexW, opcode: 0xD3, reg: op.rawValue, rm: .reg(dst))
  }
}
