// Byte reversal and extension.
//
//     16-bit (both low)               32-bit
//     REV    1011101000 Rm Rd         111110101001 Rm | 1111 Rd 1000 Rm
//     REV16  1011101001 Rm Rd         111110101001 Rm | 1111 Rd 1001 Rm
//     REVSH  1011101011 Rm Rd         111110101001 Rm | 1111 Rd 1011 Rm
//     SXTH   1011001000 Rm Rd         11111010 0000 1111 | 1111 Rd 10 rot Rm
//     SXTB   1011001001 Rm Rd         11111010 0100 1111 | 1111 Rd 10 rot Rm
//     UXTH   1011001010 Rm Rd         11111010 0001 1111 | 1111 Rd 10 rot Rm
//     UXTB   1011001011 Rm Rd         11111010 0101 1111 | 1111 Rd 10 rot Rm
//
// None of these touches the flags, so the 16-bit form is right inside and
// outside IT blocks. Kiln uses rotation 0 only.

extension Thumb2Assembler {
  private mutating func bytes(_ narrow: UInt32, _ wide: UInt32, _ d: Reg, _ m: Reg) {
    precondition(d != .sp && d != .pc && m != .sp && m != .pc, "byte op with sp or pc")
    if d.isLow && m.isLow {
      emit16(narrow | m.field << 3 | d.field)
    } else {
      emit32(wide | d.field << 8 | m.field)
    }
  }

  /// `rev d, m`: reverses the four bytes.
  public mutating func rev(_ d: Reg, _ m: Reg) {
    bytes(0xBA00, 0xFA90_F080 | m.field << 16, d, m)
  }
  /// `rev16 d, m`: reverses the bytes of each halfword.
  public mutating func rev16(_ d: Reg, _ m: Reg) {
    bytes(0xBA40, 0xFA90_F090 | m.field << 16, d, m)
  }
  /// `revsh d, m`: reverses the low halfword's bytes and sign-extends.
  public mutating func revsh(_ d: Reg, _ m: Reg) {
    bytes(0xBAC0, 0xFA90_F0B0 | m.field << 16, d, m)
  }
  /// `sxtb d, m`: sign-extends the low byte.
  public mutating func sxtb(_ d: Reg, _ m: Reg) { bytes(0xB240, 0xFA4F_F080, d, m) }
  /// `sxth d, m`: sign-extends the low halfword.
  public mutating func sxth(_ d: Reg, _ m: Reg) { bytes(0xB200, 0xFA0F_F080, d, m) }
  /// `uxtb d, m`: zero-extends the low byte.
  public mutating func uxtb(_ d: Reg, _ m: Reg) { bytes(0xB2C0, 0xFA5F_F080, d, m) }
  /// `uxth d, m`: zero-extends the low halfword.
  public mutating func uxth(_ d: Reg, _ m: Reg) { bytes(0xB280, 0xFA1F_F080, d, m) }
}
