/// Multiplies (MADD, MSUB and their MUL/MNEG aliases, the widening
/// SMADDL/UMADDL with SMULL/UMULL, the high halves SMULH/UMULH) and the
/// divisions UDIV/SDIV. A division by zero gives 0 and never traps; the
/// overflowing INT_MIN / −1 gives INT_MIN.
extension AArch64Assembler {
  /// Data-processing (3 source):
  ///
  ///     31 30-29 28-24 23-21 20-16 15 14-10 9-5 4-0
  ///     sf 00    11011 op31  Rm    o0 Ra    Rn  Rd
  ///
  ///     op31 o0  instruction
  ///     000  0   madd    d = a + n × m
  ///     000  1   msub    d = a − n × m
  ///     001  0   smaddl  xd = xa + sext(wn) × sext(wm)    (sf = 1)
  ///     101  0   umaddl  xd = xa + zext(wn) × zext(wm)    (sf = 1)
  ///     010  0   smulh   xd = (xn × xm) >> 64, signed     (sf = 1, Ra = 11111)
  ///     110  0   umulh   xd = (xn × xm) >> 64, unsigned   (sf = 1, Ra = 11111)
  mutating func dataProcessing3(
    sf: UInt32, op31: UInt32, o0: UInt32, rm: UInt32, ra: UInt32, rn: UInt32, rd: UInt32
  ) {
    emit(sf << 31 | 0b11011 << 24 | op31 << 21 | rm << 16 | o0 << 15 | ra << 10 | rn << 5 | rd)
  }

  /// `madd d, n, m, a`: d = a + n × m.
  public mutating func madd<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ a: R) {
    dataProcessing3(
      sf: R.sf, op31: 0b000, o0: 0, rm: m.field, ra: a.field, rn: n.field, rd: d.field)
  }

  /// `msub d, n, m, a`: d = a − n × m (a remainder is `msub r, q, divisor, dividend`).
  public mutating func msub<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ a: R) {
    dataProcessing3(
      sf: R.sf, op31: 0b000, o0: 1, rm: m.field, ra: a.field, rn: n.field, rd: d.field)
  }

  /// `mul d, n, m` — `madd d, n, m, zr`.
  public mutating func mul<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R) { madd(d, n, m, R.zr) }

  /// `mneg d, n, m` — `msub d, n, m, zr`.
  public mutating func mneg<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R) { msub(d, n, m, R.zr) }

  /// `smaddl xd, wn, wm, xa`.
  public mutating func smaddl(_ d: XReg, _ n: WReg, _ m: WReg, _ a: XReg) {
    dataProcessing3(sf: 1, op31: 0b001, o0: 0, rm: m.field, ra: a.field, rn: n.field, rd: d.field)
  }

  /// `umaddl xd, wn, wm, xa`.
  public mutating func umaddl(_ d: XReg, _ n: WReg, _ m: WReg, _ a: XReg) {
    dataProcessing3(sf: 1, op31: 0b101, o0: 0, rm: m.field, ra: a.field, rn: n.field, rd: d.field)
  }

  /// `smull xd, wn, wm` — `smaddl xd, wn, wm, xzr`: the 64-bit signed product.
  public mutating func smull(_ d: XReg, _ n: WReg, _ m: WReg) { smaddl(d, n, m, .xzr) }

  /// `umull xd, wn, wm` — `umaddl xd, wn, wm, xzr`: the 64-bit unsigned product.
  public mutating func umull(_ d: XReg, _ n: WReg, _ m: WReg) { umaddl(d, n, m, .xzr) }

  /// `smulh xd, xn, xm`: the high 64 bits of the signed 128-bit product.
  public mutating func smulh(_ d: XReg, _ n: XReg, _ m: XReg) {
    dataProcessing3(sf: 1, op31: 0b010, o0: 0, rm: m.field, ra: 31, rn: n.field, rd: d.field)
  }

  /// `umulh xd, xn, xm`: the high 64 bits of the unsigned 128-bit product.
  public mutating func umulh(_ d: XReg, _ n: XReg, _ m: XReg) {
    dataProcessing3(sf: 1, op31: 0b110, o0: 0, rm: m.field, ra: 31, rn: n.field, rd: d.field)
  }

  /// `udiv d, n, m`: unsigned n / m, 0 if m is 0.
  public mutating func udiv<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R) {
    dataProcessing2(sf: R.sf, opcode: 0b000010, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `sdiv d, n, m`: signed n / m rounded towards zero, 0 if m is 0.
  public mutating func sdiv<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R) {
    dataProcessing2(sf: R.sf, opcode: 0b000011, rm: m.field, rn: n.field, rd: d.field)
  }
}
