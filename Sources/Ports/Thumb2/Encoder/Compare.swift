// Compare and test: set the flags, write no register.
//
//     CMP T1 (reg)   0100001010 Rm Rn                  both low
//     CMP T2 (reg)   01000101 N Rm Rn                  any registers, not both low
//     CMN T1         0100001011 Rm Rn                  low
//     TST T1         0100001000 Rm Rn                  low
//     CMP T1 (imm)   00101 Rn imm8                     low, 0–255
//     32-bit reg     1110101 op 1 Rn | 0 imm3 1111 imm2 type Rm     (op: tst 0000,
//                                                    teq 0100, cmn 1000, cmp 1101)
//     32-bit imm     11110 i 0 op 1 Rn | 0 imm3 1111 imm8

extension Thumb2Assembler {
  /// `cmp n, m{, shift}`: flags of n − m.
  public mutating func cmp(_ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    precondition(n != .pc && m != .pc && m != .sp, "cmp \(n), \(m)")
    if shift.isNone && n.isLow && m.isLow {
      emit16(0x4280 | m.field << 3 | n.field)
    } else if shift.isNone {
      emit16(0x4500 | (n.field >> 3) << 7 | m.field << 3 | n.field & 7)
    } else {
      emit32(Self.dataRegister(.sub, s: true, d: 15, n: n.field, m: m.field, shift))
    }
  }

  /// `cmn n, m{, shift}`: flags of n + m.
  public mutating func cmn(_ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    test(.add, narrow: 0x42C0, n, m, shift)
  }

  /// `tst n, m{, shift}`: flags of n & m.
  public mutating func tst(_ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    test(.and, narrow: 0x4200, n, m, shift)
  }

  /// `teq n, m{, shift}`: flags of n ^ m (always 32-bit).
  public mutating func teq(_ n: Reg, _ m: Reg, _ shift: Shift = .lsl(0)) {
    test(.eor, narrow: nil, n, m, shift)
  }

  private mutating func test(_ op: DataOp, narrow: UInt32?, _ n: Reg, _ m: Reg, _ shift: Shift) {
    precondition(n != .pc && n != .sp && m != .pc && m != .sp, "\(op) test \(n), \(m)")
    if let narrow, shift.isNone && n.isLow && m.isLow {
      emit16(narrow | m.field << 3 | n.field)
    } else {
      emit32(Self.dataRegister(op, s: true, d: 15, n: n.field, m: m.field, shift))
    }
  }

  /// `cmp n, #imm`: CMP T1 for a low register and 0–255, else `cmp.w`.
  public mutating func cmp(_ n: Reg, imm: ModifiedImmediate) {
    precondition(n != .pc, "cmp pc")
    if n.isLow && imm.value <= 255 {
      emit16(0x2800 | n.field << 8 | imm.value)
    } else {
      emit32(Self.dataImmediate(.sub, s: true, d: 15, n: n.field, imm))
    }
  }

  /// `cmn n, #imm`: flags of n + imm.
  public mutating func cmn(_ n: Reg, imm: ModifiedImmediate) {
    precondition(n != .pc, "cmn pc")
    emit32(Self.dataImmediate(.add, s: true, d: 15, n: n.field, imm))
  }

  /// `tst n, #imm`: flags of n & imm.
  public mutating func tst(_ n: Reg, imm: ModifiedImmediate) {
    precondition(n != .pc && n != .sp, "tst \(n)")
    emit32(Self.dataImmediate(.and, s: true, d: 15, n: n.field, imm))
  }

  /// `teq n, #imm`: flags of n ^ imm.
  public mutating func teq(_ n: Reg, imm: ModifiedImmediate) {
    precondition(n != .pc && n != .sp, "teq \(n)")
    emit32(Self.dataImmediate(.eor, s: true, d: 15, n: n.field, imm))
  }
}
