// Multiply, divide, count leading zeros. All 32-bit except MULS T1.
//
//     MULS T1   0100001101 Rn Rdm                          low, Rd = Rm (sets NZ outside IT)
//     MUL T2    111110110000 Rn | 1111 Rd 0000 Rm
//     MLA T1    111110110000 Rn | Ra Rd 0000 Rm           d = a + n·m
//     MLS T1    111110110000 Rn | Ra Rd 0001 Rm           d = a − n·m
//     SMULL T1  111110111000 Rn | RdLo RdHi 0000 Rm
//     UMULL T1  111110111010 Rn | RdLo RdHi 0000 Rm
//     UMLAL T1  111110111110 Rn | RdLo RdHi 0000 Rm       hi:lo += n·m
//     SDIV T1   111110111001 Rn | 1111 Rd 1111 Rm
//     UDIV T1   111110111011 Rn | 1111 Rd 1111 Rm
//     CLZ T1    111110101011 Rm | 1111 Rd 1000 Rm
//
// No operand may be sp or pc.

extension Thumb2Assembler {
  private static func check(_ regs: Reg..., what: StaticString) {
    for r in regs { precondition(r != .sp && r != .pc, "\(what) with sp or pc") }
  }

  /// The common shape: hw1 = base | Rn, hw2 = Ra/RdLo:Rd/RdHi:op2:Rm.
  private static func multiply(_ base: UInt32, n: Reg, _ x: UInt32, _ y: UInt32, m: Reg) -> UInt32 {
    base | n.field << 16 | x << 12 | y << 8 | m.field
  }

  /// `mul d, n, m`: d = n·m (low 32 bits), flags untouched (MULS T1 only
  /// inside an IT block, with d = n or d = m).
  public mutating func mul(_ d: Reg, _ n: Reg, _ m: Reg) {
    Self.check(d, n, m, what: "mul")
    if narrowFlagsMatch(setsFlags: false) && d.isLow && n.isLow && m.isLow && (d == m || d == n) {
      emit16(0x4340 | (d == m ? n : m).field << 3 | d.field)
    } else {
      emit32(Self.multiply(0xFB00_0000, n: n, 15, d.field, m: m))
    }
  }

  /// `muls d, n, m`: d = n·m, sets NZ. MULS T1 (low, d = n or d = m) outside
  /// an IT block; ARMv7-M has no 32-bit MULS.
  public mutating func muls(_ d: Reg, _ n: Reg, _ m: Reg) {
    precondition(
      !isInITBlock && d.isLow && n.isLow && m.isLow && (d == m || d == n),
      "muls needs low registers with d = n or d = m, outside IT")
    emit16(0x4340 | (d == m ? n : m).field << 3 | d.field)
  }

  /// `mla d, n, m, a`: d = a + n·m.
  public mutating func mla(_ d: Reg, _ n: Reg, _ m: Reg, _ a: Reg) {
    Self.check(d, n, m, a, what: "mla")
    emit32(Self.multiply(0xFB00_0000, n: n, a.field, d.field, m: m))
  }

  /// `mls d, n, m, a`: d = a − n·m.
  public mutating func mls(_ d: Reg, _ n: Reg, _ m: Reg, _ a: Reg) {
    Self.check(d, n, m, a, what: "mls")
    emit32(Self.multiply(0xFB00_0010, n: n, a.field, d.field, m: m))
  }

  /// `smull lo, hi, n, m`: hi:lo = n·m signed (lo ≠ hi).
  public mutating func smull(_ lo: Reg, _ hi: Reg, _ n: Reg, _ m: Reg) {
    Self.check(lo, hi, n, m, what: "smull")
    precondition(lo != hi, "smull: lo and hi must differ")
    emit32(Self.multiply(0xFB80_0000, n: n, lo.field, hi.field, m: m))
  }

  /// `umull lo, hi, n, m`: hi:lo = n·m unsigned (lo ≠ hi).
  public mutating func umull(_ lo: Reg, _ hi: Reg, _ n: Reg, _ m: Reg) {
    Self.check(lo, hi, n, m, what: "umull")
    precondition(lo != hi, "umull: lo and hi must differ")
    emit32(Self.multiply(0xFBA0_0000, n: n, lo.field, hi.field, m: m))
  }

  /// `umlal lo, hi, n, m`: hi:lo += n·m unsigned (lo ≠ hi).
  public mutating func umlal(_ lo: Reg, _ hi: Reg, _ n: Reg, _ m: Reg) {
    Self.check(lo, hi, n, m, what: "umlal")
    precondition(lo != hi, "umlal: lo and hi must differ")
    emit32(Self.multiply(0xFBE0_0000, n: n, lo.field, hi.field, m: m))
  }

  /// `sdiv d, n, m`: signed n / m rounded towards zero; 0 if m = 0 (DIV_0_TRP
  /// clear, the reset value), INT_MIN for INT_MIN / −1.
  public mutating func sdiv(_ d: Reg, _ n: Reg, _ m: Reg) {
    Self.check(d, n, m, what: "sdiv")
    emit32(Self.multiply(0xFB90_0000, n: n, 15, d.field, m: m) | 0xF0)
  }

  /// `udiv d, n, m`: unsigned n / m; 0 if m = 0 (DIV_0_TRP clear).
  public mutating func udiv(_ d: Reg, _ n: Reg, _ m: Reg) {
    Self.check(d, n, m, what: "udiv")
    emit32(Self.multiply(0xFBB0_0000, n: n, 15, d.field, m: m) | 0xF0)
  }

  /// `clz d, m`: the number of leading zero bits of m (32 for 0).
  public mutating func clz(_ d: Reg, _ m: Reg) {
    Self.check(d, m, what: "clz")
    emit32(Self.multiply(0xFAB0_0080, n: m, 15, d.field, m: m))
  }
}
