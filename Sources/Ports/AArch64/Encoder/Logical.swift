/// The logical operations, shifted-register and bitmask-immediate forms, and
/// the TST, MOV (register), MVN and MOV (bitmask immediate) aliases.
///
///     opc  N=0   N=1 (second operand inverted)
///     00   and   bic
///     01   orr   orn
///     10   eor   eon
///     11   ands  bics
extension AArch64Assembler {
  // MARK: Encoder functions

  /// Logical (shifted register):
  ///
  ///     31 30-29 28-24 23-22 21 20-16 15-10 9-5 4-0
  ///     sf opc   01010 shift N  Rm    imm6  Rn  Rd      Rd, Rn, Rm: 31 = zr
  mutating func logicalShifted(
    sf: UInt32, opc: UInt32, n: UInt32, shift: Shift, rm: UInt32, rn: UInt32, rd: UInt32
  ) {
    let imm6 = shift.imm6(bits: sf == 1 ? 64 : 32)
    emit(
      sf << 31 | opc << 29 | 0b01010 << 24 | shift.type << 22 | n << 21 | rm << 16 | imm6 << 10
        | rn << 5 | rd)
  }

  /// Logical (immediate):
  ///
  ///     31 30-29 28-23  22 21-16 15-10 9-5 4-0
  ///     sf opc   100100 N  immr  imms  Rn  Rd    Rn: 31 = zr; Rd: sp, or zr for ands
  mutating func logicalImmediate(
    sf: UInt32, opc: UInt32, imm: some BitmaskImmediate, rn: UInt32, rd: UInt32
  ) {
    emit(
      sf << 31 | opc << 29 | 0b100100 << 23 | imm.n << 22 | imm.immr << 16 | imm.imms << 10
        | rn << 5 | rd)
  }

  // MARK: Shifted register

  /// `and d, n, m{, shift}`.
  public mutating func and<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ shift: Shift = .lsl(0)) {
    logicalShifted(sf: R.sf, opc: 0b00, n: 0, shift: shift, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `bic d, n, m{, shift}`: d = n & ~m.
  public mutating func bic<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ shift: Shift = .lsl(0)) {
    logicalShifted(sf: R.sf, opc: 0b00, n: 1, shift: shift, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `orr d, n, m{, shift}`.
  public mutating func orr<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ shift: Shift = .lsl(0)) {
    logicalShifted(sf: R.sf, opc: 0b01, n: 0, shift: shift, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `orn d, n, m{, shift}`: d = n | ~m.
  public mutating func orn<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ shift: Shift = .lsl(0)) {
    logicalShifted(sf: R.sf, opc: 0b01, n: 1, shift: shift, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `eor d, n, m{, shift}`.
  public mutating func eor<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ shift: Shift = .lsl(0)) {
    logicalShifted(sf: R.sf, opc: 0b10, n: 0, shift: shift, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `eon d, n, m{, shift}`: d = n ^ ~m.
  public mutating func eon<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ shift: Shift = .lsl(0)) {
    logicalShifted(sf: R.sf, opc: 0b10, n: 1, shift: shift, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `ands d, n, m{, shift}`: sets N and Z from the result, clears C and V.
  public mutating func ands<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ shift: Shift = .lsl(0)) {
    logicalShifted(sf: R.sf, opc: 0b11, n: 0, shift: shift, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `bics d, n, m{, shift}`.
  public mutating func bics<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ shift: Shift = .lsl(0)) {
    logicalShifted(sf: R.sf, opc: 0b11, n: 1, shift: shift, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `tst n, m{, shift}` — `ands zr, n, m{, shift}`.
  public mutating func tst<R: RegisterOrZR>(_ n: R, _ m: R, _ shift: Shift = .lsl(0)) {
    ands(R.zr, n, m, shift)
  }

  /// `mov d, m` — `orr d, zr, m`. (Moves to or from sp are `movSP`.) The
  /// 32-bit form zeroes bits 32–63 of `d`.
  public mutating func mov<R: RegisterOrZR>(_ d: R, _ m: R) {
    orr(d, R.zr, m)
  }

  /// `mvn d, m{, shift}` — `orn d, zr, m{, shift}`.
  public mutating func mvn<R: RegisterOrZR>(_ d: R, _ m: R, _ shift: Shift = .lsl(0)) {
    orn(d, R.zr, m, shift)
  }

  // MARK: Bitmask immediate

  /// `and d, n, #imm` (`d` may be sp).
  public mutating func and<R: RegisterOrZR>(_ d: R.SP, _ n: R, _ imm: R.Bitmask) {
    logicalImmediate(sf: R.sf, opc: 0b00, imm: imm, rn: n.field, rd: d.field)
  }

  /// `orr d, n, #imm` (`d` may be sp).
  public mutating func orr<R: RegisterOrZR>(_ d: R.SP, _ n: R, _ imm: R.Bitmask) {
    logicalImmediate(sf: R.sf, opc: 0b01, imm: imm, rn: n.field, rd: d.field)
  }

  /// `eor d, n, #imm` (`d` may be sp).
  public mutating func eor<R: RegisterOrZR>(_ d: R.SP, _ n: R, _ imm: R.Bitmask) {
    logicalImmediate(sf: R.sf, opc: 0b10, imm: imm, rn: n.field, rd: d.field)
  }

  /// `ands d, n, #imm`.
  public mutating func ands<R: RegisterOrZR>(_ d: R, _ n: R, _ imm: R.Bitmask) {
    logicalImmediate(sf: R.sf, opc: 0b11, imm: imm, rn: n.field, rd: d.field)
  }

  /// `tst n, #imm` — `ands zr, n, #imm`.
  public mutating func tst<R: RegisterOrZR>(_ n: R, _ imm: R.Bitmask) {
    ands(R.zr, n, imm)
  }
}
