// Exclusives, barriers, interrupt masking, special registers, IT, misc.
//
//     LDREX    111010000101 Rn | Rt 1111 imm8        offset imm8×4 (0…1020)
//     STREX    111010000100 Rn | Rt Rd imm8          Rd = status (0 stored, 1 failed)
//     LDREXB   111010001101 Rn | Rt 1111 0100 1111
//     LDREXH   111010001101 Rn | Rt 1111 0101 1111
//     STREXB   111010001100 Rn | Rt 1111 0100 Rd
//     STREXH   111010001100 Rn | Rt 1111 0101 Rd
//     CLREX    1111001110111111 | 1000 1111 0010 1111
//     DSB/DMB/ISB sy   1111001110111111 | 1000 1111 01op 1111   (dsb 00, dmb 01, isb 10)
//     CPSID/CPSIE i    10110110011 im 0010
//     MRS      1111001111101111 | 1000 Rd SYSm       primask: SYSm 00010000
//     MSR      111100111000 Rn | 1000 1000 SYSm      (mask 10)
//     IT       10111111 firstcond mask
//     NOP      1011111100000000
//     UDF      11011110 imm8
//     BKPT     10111110 imm8

extension Thumb2Assembler {
  private static func checkExclusive(_ regs: Reg..., what: StaticString) {
    for r in regs { precondition(r != .sp && r != .pc, "\(what) with sp or pc") }
  }

  /// `ldrex t, [base, #offset]` (offset a multiple of 4, 0…1020).
  public mutating func ldrex(_ t: Reg, _ base: Reg, _ offset: Int32 = 0) {
    Self.checkExclusive(t, what: "ldrex")
    precondition(
      base != .pc && offset % 4 == 0 && offset >= 0 && offset <= 1020, "ldrex offset \(offset)")
    emit32(0xE850_0F00 | base.field << 16 | t.field << 12 | UInt32(offset) / 4)
  }

  /// `strex status, t, [base, #offset]`: status = 0 if stored, 1 if not.
  public mutating func strex(_ status: Reg, _ t: Reg, _ base: Reg, _ offset: Int32 = 0) {
    Self.checkExclusive(status, t, what: "strex")
    precondition(status != t && status != base, "strex: status must differ from t and base")
    precondition(
      base != .pc && offset % 4 == 0 && offset >= 0 && offset <= 1020, "strex offset \(offset)")
    emit32(0xE840_0000 | base.field << 16 | t.field << 12 | status.field << 8 | UInt32(offset) / 4)
  }

  /// `ldrexb t, [base]`.
  public mutating func ldrexb(_ t: Reg, _ base: Reg) {
    Self.checkExclusive(t, what: "ldrexb")
    precondition(base != .pc, "ldrexb [pc]")
    emit32(0xE8D0_0F4F | base.field << 16 | t.field << 12)
  }

  /// `ldrexh t, [base]`.
  public mutating func ldrexh(_ t: Reg, _ base: Reg) {
    Self.checkExclusive(t, what: "ldrexh")
    precondition(base != .pc, "ldrexh [pc]")
    emit32(0xE8D0_0F5F | base.field << 16 | t.field << 12)
  }

  /// `strexb status, t, [base]`.
  public mutating func strexb(_ status: Reg, _ t: Reg, _ base: Reg) {
    Self.checkExclusive(status, t, what: "strexb")
    precondition(status != t && status != base && base != .pc, "strexb operands")
    emit32(0xE8C0_0F40 | base.field << 16 | t.field << 12 | status.field)
  }

  /// `strexh status, t, [base]`.
  public mutating func strexh(_ status: Reg, _ t: Reg, _ base: Reg) {
    Self.checkExclusive(status, t, what: "strexh")
    precondition(status != t && status != base && base != .pc, "strexh operands")
    emit32(0xE8C0_0F50 | base.field << 16 | t.field << 12 | status.field)
  }

  /// `clrex`: clears the local exclusive monitor.
  public mutating func clrex() { emit32(0xF3BF_8F2F) }
  /// `dsb sy`.
  public mutating func dsb() { emit32(0xF3BF_8F4F) }
  /// `dmb sy`.
  public mutating func dmb() { emit32(0xF3BF_8F5F) }
  /// `isb sy`.
  public mutating func isb() { emit32(0xF3BF_8F6F) }

  /// `cpsid i`: masks interrupts (PRIMASK = 1).
  public mutating func cpsid() {
    precondition(!isInITBlock, "cpsid inside an IT block is UNPREDICTABLE")
    emit16(0xB672)
  }
  /// `cpsie i`: unmasks interrupts (PRIMASK = 0).
  public mutating func cpsie() {
    precondition(!isInITBlock, "cpsie inside an IT block is UNPREDICTABLE")
    emit16(0xB662)
  }

  /// `mrs d, primask`.
  public mutating func mrsPrimask(_ d: Reg) {
    precondition(d != .sp && d != .pc, "mrs \(d)")
    emit32(0xF3EF_8010 | d.field << 8)
  }

  /// `msr primask, n`.
  public mutating func msrPrimask(_ n: Reg) {
    precondition(n != .sp && n != .pc, "msr primask, \(n)")
    emit32(0xF380_8810 | n.field << 16)
  }

  /// `it{x{y{z}}} first`: the next `1 + rest.count` instructions are
  /// conditional: the first on `first`, each following one on `first`
  /// (`rest[i] == true`, "then") or its inverse (false, "else"). At most 3
  /// more; `al` only with "then"s. Inside the block the 16-bit flag-setting
  /// forms mean their non-flag-setting variants, which the encoder methods
  /// take into account; branches are not allowed inside.
  public mutating func it(_ first: Condition, _ rest: [Bool] = []) {
    precondition(!isInITBlock, "it inside an IT block")
    precondition(rest.count <= 3, "it: at most 4 instructions")
    precondition(first != .al || !rest.contains(false), "it al: no else")
    var mask: UInt32 = 1 << (3 - UInt32(rest.count))
    for (i, then) in rest.enumerated() {
      let bit = then ? first.field & 1 : ~first.field & 1
      mask |= bit << (3 - UInt32(i))
    }
    emit16(0xBF00 | first.field << 4 | mask)
    itRemaining = 1 + rest.count
  }

  /// `nop`.
  public mutating func nop() { emit16(0xBF00) }
  /// `udf #imm`: permanently undefined (a trap).
  public mutating func udf(_ imm: UInt8) { emit16(0xDE00 | UInt32(imm)) }
  /// `bkpt #imm`: breakpoint.
  public mutating func bkpt(_ imm: UInt8) { emit16(0xBE00 | UInt32(imm)) }
}
