/// Move wide (MOVZ, MOVN, MOVK) and whole constants (`mov(_:imm:)`).
///
///     opc  instruction
///     00   movn   d = ~(imm16 << shift)
///     10   movz   d = imm16 << shift
///     11   movk   d[shift+15:shift] = imm16, other bits kept
extension AArch64Assembler {
  /// Move wide (immediate):
  ///
  ///     31 30-29 28-23  22-21 20-5  4-0
  ///     sf opc   100101 hw    imm16 Rd     Rd: 31 = zr
  mutating func moveWide(sf: UInt32, opc: UInt32, imm16: UInt16, hw: HalfwordShift, rd: UInt32) {
    precondition(sf == 1 || hw.bits < 32, "\(hw) needs a 64-bit register")
    emit(sf << 31 | opc << 29 | 0b100101 << 23 | hw.rawValue << 21 | UInt32(imm16) << 5 | rd)
  }

  /// `movz d, #imm16{, lsl #shift}`.
  public mutating func movz<R: RegisterOrZR>(
    _ d: R, _ imm16: UInt16, _ shift: HalfwordShift = .lsl0
  ) {
    moveWide(sf: R.sf, opc: 0b10, imm16: imm16, hw: shift, rd: d.field)
  }

  /// `movn d, #imm16{, lsl #shift}`.
  public mutating func movn<R: RegisterOrZR>(
    _ d: R, _ imm16: UInt16, _ shift: HalfwordShift = .lsl0
  ) {
    moveWide(sf: R.sf, opc: 0b00, imm16: imm16, hw: shift, rd: d.field)
  }

  /// `movk d, #imm16{, lsl #shift}`.
  public mutating func movk<R: RegisterOrZR>(
    _ d: R, _ imm16: UInt16, _ shift: HalfwordShift = .lsl0
  ) {
    moveWide(sf: R.sf, opc: 0b11, imm16: imm16, hw: shift, rd: d.field)
  }

  /// Sets `d` to `value` with the shortest sequence `ConstantPlan` finds
  /// (one to four instructions). A write to xzr emits nothing.
  public mutating func mov(_ d: XReg, imm value: UInt64) {
    guard d != .xzr else { return }
    let plan = ConstantPlan(value)
    if plan.bits == 32 { emit(plan, to: d.w) } else { emit(plan, to: d) }
  }

  /// Sets `d` (and zeroes bits 32–63) to `value`, in one or two instructions.
  public mutating func mov(_ d: WReg, imm value: UInt32) {
    guard d != .wzr else { return }
    emit(ConstantPlan(value), to: d)
  }

  private mutating func emit<R: RegisterOrZR>(_ plan: ConstantPlan, to d: R) {
    for step in plan.steps {
      switch step {
      case .movz(let imm16, let shift): movz(d, imm16, shift)
      case .movn(let imm16, let shift): movn(d, imm16, shift)
      case .movk(let imm16, let shift): movk(d, imm16, shift)
      case .orr(let n, let immr, let imms):
        // d is not zr here, so the same field names d in the sp view.
        logicalImmediate(
          sf: R.sf, opc: 0b01, imm: RawBitmask(n: n, immr: immr, imms: imms), rn: 31, rd: d.field)
      }
    }
  }
}

/// N:immr:imms already validated by `ConstantPlan`.
private struct RawBitmask: BitmaskImmediate {
  let n: UInt32
  let immr: UInt32
  let imms: UInt32
  var description: String { "#<bitmask>" }
}
