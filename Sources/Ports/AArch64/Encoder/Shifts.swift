/// Shifts by a register (LSLV, LSRV, ASRV, RORV), the bitfield moves UBFM
/// and SBFM, and their aliases: shifts by an immediate, bitfield extracts
/// and the zero/sign extensions.
extension AArch64Assembler {
  // MARK: Encoder functions

  /// Data-processing (2 source): shifts and divisions.
  ///
  ///     31 30 29 28-21     20-16 15-10  9-5 4-0
  ///     sf 0  0  11010110  Rm    opcode Rn  Rd
  ///
  ///     opcode 000010 udiv, 000011 sdiv, 001000 lslv, 001001 lsrv, 001010 asrv, 001011 rorv
  mutating func dataProcessing2(sf: UInt32, opcode: UInt32, rm: UInt32, rn: UInt32, rd: UInt32) {
    emit(sf << 31 | 0b11010110 << 21 | rm << 16 | opcode << 10 | rn << 5 | rd)
  }

  /// Bitfield (SBFM opc 00, BFM 01, UBFM 10); N equals sf.
  ///
  ///     31 30-29 28-23  22 21-16 15-10 9-5 4-0
  ///     sf opc   100110 N  immr  imms  Rn  Rd
  mutating func bitfield(
    sf: UInt32, opc: UInt32, immr: UInt32, imms: UInt32, rn: UInt32, rd: UInt32
  ) {
    let bits: UInt32 = sf == 1 ? 64 : 32
    precondition(immr < bits && imms < bits, "bitfield immr/imms out of range for \(bits) bits")
    emit(
      sf << 31 | opc << 29 | 0b100110 << 23 | sf << 22 | immr << 16 | imms << 10 | rn << 5 | rd)
  }

  // MARK: Shifts by a register (the amount is taken modulo the width)

  /// `lslv d, n, m`: d = n << (m mod width).
  public mutating func lslv<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R) {
    dataProcessing2(sf: R.sf, opcode: 0b001000, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `lsrv d, n, m`: logical shift right.
  public mutating func lsrv<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R) {
    dataProcessing2(sf: R.sf, opcode: 0b001001, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `asrv d, n, m`: arithmetic shift right.
  public mutating func asrv<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R) {
    dataProcessing2(sf: R.sf, opcode: 0b001010, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `rorv d, n, m`: rotate right.
  public mutating func rorv<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R) {
    dataProcessing2(sf: R.sf, opcode: 0b001011, rm: m.field, rn: n.field, rd: d.field)
  }

  // MARK: Bitfield moves

  /// `ubfm d, n, #immr, #imms`.
  public mutating func ubfm<R: RegisterOrZR>(_ d: R, _ n: R, immr: UInt32, imms: UInt32) {
    bitfield(sf: R.sf, opc: 0b10, immr: immr, imms: imms, rn: n.field, rd: d.field)
  }

  /// `sbfm d, n, #immr, #imms`.
  public mutating func sbfm<R: RegisterOrZR>(_ d: R, _ n: R, immr: UInt32, imms: UInt32) {
    bitfield(sf: R.sf, opc: 0b00, immr: immr, imms: imms, rn: n.field, rd: d.field)
  }

  /// `lsl d, n, #amount` — `ubfm d, n, #(-amount mod width), #(width − 1 − amount)`.
  public mutating func lsl<R: RegisterOrZR>(_ d: R, _ n: R, _ amount: UInt32) {
    precondition(amount < R.bits, "shift amount \(amount) out of range")
    ubfm(d, n, immr: (R.bits - amount) % R.bits, imms: R.bits - 1 - amount)
  }

  /// `lsr d, n, #amount` — `ubfm d, n, #amount, #(width − 1)`.
  public mutating func lsr<R: RegisterOrZR>(_ d: R, _ n: R, _ amount: UInt32) {
    ubfm(d, n, immr: amount, imms: R.bits - 1)
  }

  /// `asr d, n, #amount` — `sbfm d, n, #amount, #(width − 1)`.
  public mutating func asr<R: RegisterOrZR>(_ d: R, _ n: R, _ amount: UInt32) {
    sbfm(d, n, immr: amount, imms: R.bits - 1)
  }

  /// `extr d, n, m, #lsb`: bits lsb… of the concatenation n:m.
  ///
  ///     31 30-29 28-23  22 21 20-16 15-10 9-5 4-0
  ///     sf 00    100111 N  0  Rm    imms  Rn  Rd     (N = sf, imms = lsb)
  public mutating func extr<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, lsb: UInt32) {
    precondition(lsb < R.bits, "extr lsb \(lsb) out of range")
    emit(
      R.sf << 31 | 0b100111 << 23 | R.sf << 22 | m.field << 16 | lsb << 10 | n.field << 5
        | d.field)
  }

  /// `ror d, n, #amount` — `extr d, n, n, #amount`.
  public mutating func ror<R: RegisterOrZR>(_ d: R, _ n: R, _ amount: UInt32) {
    extr(d, n, n, lsb: amount)
  }

  /// `ubfx d, n, #lsb, #width` — `ubfm d, n, #lsb, #(lsb + width − 1)`:
  /// the `width` bits of `n` from `lsb` up, zero-extended.
  public mutating func ubfx<R: RegisterOrZR>(_ d: R, _ n: R, lsb: UInt32, width: UInt32) {
    precondition(width >= 1 && lsb + width <= R.bits, "ubfx field out of range")
    ubfm(d, n, immr: lsb, imms: lsb + width - 1)
  }

  /// `sbfx d, n, #lsb, #width` — `sbfm d, n, #lsb, #(lsb + width − 1)`:
  /// the `width` bits of `n` from `lsb` up, sign-extended.
  public mutating func sbfx<R: RegisterOrZR>(_ d: R, _ n: R, lsb: UInt32, width: UInt32) {
    precondition(width >= 1 && lsb + width <= R.bits, "sbfx field out of range")
    sbfm(d, n, immr: lsb, imms: lsb + width - 1)
  }

  // MARK: Extensions

  /// `uxtb d, n` — `ubfm wd, wn, #0, #7` (zeroes bits 8–63 of the X register).
  public mutating func uxtb(_ d: WReg, _ n: WReg) { ubfm(d, n, immr: 0, imms: 7) }

  /// `uxth d, n` — `ubfm wd, wn, #0, #15` (zeroes bits 16–63).
  public mutating func uxth(_ d: WReg, _ n: WReg) { ubfm(d, n, immr: 0, imms: 15) }

  /// `sxtb d, wn` — `sbfm d, n, #0, #7`, to a W or an X register.
  public mutating func sxtb<R: RegisterOrZR>(_ d: R, _ n: WReg) {
    bitfield(sf: R.sf, opc: 0b00, immr: 0, imms: 7, rn: n.field, rd: d.field)
  }

  /// `sxth d, wn` — `sbfm d, n, #0, #15`, to a W or an X register.
  public mutating func sxth<R: RegisterOrZR>(_ d: R, _ n: WReg) {
    bitfield(sf: R.sf, opc: 0b00, immr: 0, imms: 15, rn: n.field, rd: d.field)
  }

  /// `sxtw xd, wn` — `sbfm xd, xn, #0, #31`.
  public mutating func sxtw(_ d: XReg, _ n: WReg) {
    bitfield(sf: 1, opc: 0b00, immr: 0, imms: 31, rn: n.field, rd: d.field)
  }
}
