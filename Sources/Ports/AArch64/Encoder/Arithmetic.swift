/// ADD, SUB, ADDS, SUBS in their three forms, and the CMP, CMN, NEG and MOV
/// (to/from SP) aliases. `op` is 0 for add and 1 for subtract, `s` sets the
/// flags.
extension AArch64Assembler {
  // MARK: Encoder functions

  /// ADD/SUB (shifted register):
  ///
  ///     31 30 29 28-24 23-22 21 20-16 15-10 9-5 4-0
  ///     sf op S  01011 shift 0  Rm    imm6  Rn  Rd      Rd, Rn, Rm: 31 = zr
  mutating func addSubShifted(
    sf: UInt32, op: UInt32, s: UInt32, shift: Shift, rm: UInt32, rn: UInt32, rd: UInt32
  ) {
    precondition(shift.type != 0b11, "ADD/SUB cannot rotate (ror)")
    let imm6 = shift.imm6(bits: sf == 1 ? 64 : 32)
    emit(
      sf << 31 | op << 30 | s << 29 | 0b01011 << 24 | shift.type << 22 | rm << 16 | imm6 << 10
        | rn << 5 | rd)
  }

  /// ADD/SUB (extended register):
  ///
  ///     31 30 29 28-24 23-22 21 20-16 15-13  12-10 9-5 4-0
  ///     sf op S  01011 00    1  Rm    option imm3  Rn  Rd   Rn: 31 = sp; Rd: sp, or zr if S
  mutating func addSubExtended(
    sf: UInt32, op: UInt32, s: UInt32, rm: UInt32, extend: Extend, amount: UInt32,
    rn: UInt32, rd: UInt32
  ) {
    precondition(amount <= 4, "extended-register shift \(amount) is not 0…4")
    emit(
      sf << 31 | op << 30 | s << 29 | 0b01011 << 24 | 1 << 21 | rm << 16 | extend.rawValue << 13
        | amount << 10 | rn << 5 | rd)
  }

  /// ADD/SUB (immediate):
  ///
  ///     31 30 29 28-23  22 21-10 9-5 4-0
  ///     sf op S  100010 sh imm12 Rn  Rd     Rn: 31 = sp; Rd: sp, or zr if S
  mutating func addSubImmediate(
    sf: UInt32, op: UInt32, s: UInt32, imm: AddSubImmediate, rn: UInt32, rd: UInt32
  ) {
    let sh: UInt32 = imm.shifted ? 1 : 0
    emit(sf << 31 | op << 30 | s << 29 | 0b100010 << 23 | sh << 22 | imm.imm12 << 10 | rn << 5 | rd)
  }

  // MARK: Shifted register

  /// `add d, n, m{, shift}`.
  public mutating func add<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ shift: Shift = .lsl(0)) {
    addSubShifted(sf: R.sf, op: 0, s: 0, shift: shift, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `adds d, n, m{, shift}`.
  public mutating func adds<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ shift: Shift = .lsl(0)) {
    addSubShifted(sf: R.sf, op: 0, s: 1, shift: shift, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `sub d, n, m{, shift}`.
  public mutating func sub<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ shift: Shift = .lsl(0)) {
    addSubShifted(sf: R.sf, op: 1, s: 0, shift: shift, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `subs d, n, m{, shift}`.
  public mutating func subs<R: RegisterOrZR>(_ d: R, _ n: R, _ m: R, _ shift: Shift = .lsl(0)) {
    addSubShifted(sf: R.sf, op: 1, s: 1, shift: shift, rm: m.field, rn: n.field, rd: d.field)
  }

  /// `cmp n, m{, shift}` — `subs zr, n, m{, shift}`.
  public mutating func cmp<R: RegisterOrZR>(_ n: R, _ m: R, _ shift: Shift = .lsl(0)) {
    subs(R.zr, n, m, shift)
  }

  /// `cmn n, m{, shift}` — `adds zr, n, m{, shift}`.
  public mutating func cmn<R: RegisterOrZR>(_ n: R, _ m: R, _ shift: Shift = .lsl(0)) {
    adds(R.zr, n, m, shift)
  }

  /// `neg d, m{, shift}` — `sub d, zr, m{, shift}`.
  public mutating func neg<R: RegisterOrZR>(_ d: R, _ m: R, _ shift: Shift = .lsl(0)) {
    sub(d, R.zr, m, shift)
  }

  /// `negs d, m{, shift}` — `subs d, zr, m{, shift}`.
  public mutating func negs<R: RegisterOrZR>(_ d: R, _ m: R, _ shift: Shift = .lsl(0)) {
    subs(d, R.zr, m, shift)
  }

  // MARK: Extended register

  /// `add d, n, wm, extend {#amount}`: `m` zero- or sign-extended from
  /// 8, 16 or 32 bits (`uxtb`…`sxtw`, not `uxtx`/`sxtx`), then shifted left by 0–4.
  public mutating func add<R: RegisterOrSP>(
    _ d: R, _ n: R, _ m: WReg, _ extend: Extend, _ amount: UInt32 = 0
  ) {
    precondition(!extend.readsX, "\(extend) reads an X register")
    addSubExtended(
      sf: R.sf, op: 0, s: 0, rm: m.field, extend: extend, amount: amount, rn: n.field, rd: d.field)
  }

  /// `add d, n, xm, uxtx|sxtx {#amount}` (LLVM writes `uxtx` as `lsl`): the
  /// form that adds a register to sp.
  public mutating func add(
    _ d: XRegSP, _ n: XRegSP, _ m: XReg, _ extend: Extend, _ amount: UInt32 = 0
  ) {
    precondition(extend.readsX, "\(extend) reads a W register")
    addSubExtended(
      sf: 1, op: 0, s: 0, rm: m.field, extend: extend, amount: amount, rn: n.field, rd: d.field)
  }

  /// `sub d, n, wm, extend {#amount}` (see `add`).
  public mutating func sub<R: RegisterOrSP>(
    _ d: R, _ n: R, _ m: WReg, _ extend: Extend, _ amount: UInt32 = 0
  ) {
    precondition(!extend.readsX, "\(extend) reads an X register")
    addSubExtended(
      sf: R.sf, op: 1, s: 0, rm: m.field, extend: extend, amount: amount, rn: n.field, rd: d.field)
  }

  /// `sub d, n, xm, uxtx|sxtx {#amount}`.
  public mutating func sub(
    _ d: XRegSP, _ n: XRegSP, _ m: XReg, _ extend: Extend, _ amount: UInt32 = 0
  ) {
    precondition(extend.readsX, "\(extend) reads a W register")
    addSubExtended(
      sf: 1, op: 1, s: 0, rm: m.field, extend: extend, amount: amount, rn: n.field, rd: d.field)
  }

  /// `adds d, n, wm, extend {#amount}` (`d` may be zr, `n` sp).
  public mutating func adds<R: RegisterOrZR>(
    _ d: R, _ n: R.SP, _ m: WReg, _ extend: Extend, _ amount: UInt32 = 0
  ) {
    precondition(!extend.readsX, "\(extend) reads an X register")
    addSubExtended(
      sf: R.sf, op: 0, s: 1, rm: m.field, extend: extend, amount: amount, rn: n.field, rd: d.field)
  }

  /// `subs d, n, wm, extend {#amount}` (`d` may be zr, `n` sp).
  public mutating func subs<R: RegisterOrZR>(
    _ d: R, _ n: R.SP, _ m: WReg, _ extend: Extend, _ amount: UInt32 = 0
  ) {
    precondition(!extend.readsX, "\(extend) reads an X register")
    addSubExtended(
      sf: R.sf, op: 1, s: 1, rm: m.field, extend: extend, amount: amount, rn: n.field, rd: d.field)
  }

  /// `cmp n, wm, extend {#amount}` — `subs zr, n, wm, extend {#amount}`.
  public mutating func cmp<R: RegisterOrSP>(
    _ n: R, _ m: WReg, _ extend: Extend, _ amount: UInt32 = 0
  ) {
    subs(R.ZR.zr, n, m, extend, amount)
  }

  // MARK: Immediate

  /// `add d, n, #imm` (either may be sp).
  public mutating func add<R: RegisterOrSP>(_ d: R, _ n: R, _ imm: AddSubImmediate) {
    addSubImmediate(sf: R.sf, op: 0, s: 0, imm: imm, rn: n.field, rd: d.field)
  }

  /// `sub d, n, #imm` (either may be sp).
  public mutating func sub<R: RegisterOrSP>(_ d: R, _ n: R, _ imm: AddSubImmediate) {
    addSubImmediate(sf: R.sf, op: 1, s: 0, imm: imm, rn: n.field, rd: d.field)
  }

  /// `adds d, n, #imm` (`d` may be zr, `n` sp).
  public mutating func adds<R: RegisterOrZR>(_ d: R, _ n: R.SP, _ imm: AddSubImmediate) {
    addSubImmediate(sf: R.sf, op: 0, s: 1, imm: imm, rn: n.field, rd: d.field)
  }

  /// `subs d, n, #imm` (`d` may be zr, `n` sp).
  public mutating func subs<R: RegisterOrZR>(_ d: R, _ n: R.SP, _ imm: AddSubImmediate) {
    addSubImmediate(sf: R.sf, op: 1, s: 1, imm: imm, rn: n.field, rd: d.field)
  }

  /// `cmp n, #imm` — `subs zr, n, #imm`.
  public mutating func cmp<R: RegisterOrSP>(_ n: R, _ imm: AddSubImmediate) {
    subs(R.ZR.zr, n, imm)
  }

  /// `cmn n, #imm` — `adds zr, n, #imm`.
  public mutating func cmn<R: RegisterOrSP>(_ n: R, _ imm: AddSubImmediate) {
    adds(R.ZR.zr, n, imm)
  }

  /// `mov d, n` where either is sp — `add d, n, #0`. (A move between two
  /// other registers is `mov`, an ORR.)
  public mutating func movSP<R: RegisterOrSP>(_ d: R, _ n: R) {
    add(d, n, 0)
  }
}
