/// An address of LDP/STP: a base (X register or sp) and a signed offset,
/// a multiple of 8 in −512…504.
public enum PairAddress: Sendable, Hashable {
  /// `[base, #bytes]`.
  case offset(XRegSP, PairOffset)
  /// `[base, #bytes]!`: base += bytes, then access at the new base.
  case preIndex(XRegSP, PairOffset)
  /// `[base], #bytes`: access at base, then base += bytes.
  case postIndex(XRegSP, PairOffset)
}

/// LDP and STP of two X registers (a frame's saved register pairs).
extension AArch64Assembler {
  /// Load/store pair (64-bit, opc = 10):
  ///
  ///     31-30 29-27 26 25-23 22 21-15 14-10 9-5 4-0
  ///     10    101   0  mode  L  imm7  Rt2   Rn  Rt     mode: 001 post, 010 offset, 011 pre
  mutating func loadStorePair(
    mode: UInt32, load: Bool, imm7: UInt32, rt2: UInt32, rn: UInt32, rt: UInt32
  ) {
    // UNPREDICTABLE: loading both halves into one register, or writeback to
    // a register that is loaded or stored.
    precondition(!load || rt != rt2, "ldp loads one register twice")
    precondition(
      mode == 0b010 || rn == 31 || (rn != rt && rn != rt2), "writeback base is also a data register"
    )
    let l: UInt32 = load ? 1 : 0
    emit(0b10 << 30 | 0b101 << 27 | mode << 23 | l << 22 | imm7 << 15 | rt2 << 10 | rn << 5 | rt)
  }

  private mutating func loadStorePair(load: Bool, _ t1: XReg, _ t2: XReg, _ address: PairAddress) {
    switch address {
    case .offset(let base, let offset):
      loadStorePair(
        mode: 0b010, load: load, imm7: offset.field, rt2: t2.field, rn: base.field, rt: t1.field)
    case .preIndex(let base, let offset):
      loadStorePair(
        mode: 0b011, load: load, imm7: offset.field, rt2: t2.field, rn: base.field, rt: t1.field)
    case .postIndex(let base, let offset):
      loadStorePair(
        mode: 0b001, load: load, imm7: offset.field, rt2: t2.field, rn: base.field, rt: t1.field)
    }
  }

  /// `ldp xt1, xt2, address`: t1 from the address, t2 from address + 8.
  public mutating func ldp(_ t1: XReg, _ t2: XReg, _ address: PairAddress) {
    loadStorePair(load: true, t1, t2, address)
  }

  /// `stp xt1, xt2, address`: t1 to the address, t2 to address + 8.
  public mutating func stp(_ t1: XReg, _ t2: XReg, _ address: PairAddress) {
    loadStorePair(load: false, t1, t2, address)
  }
}
