/// Data-processing (1 source): count leading zeros and byte/bit reversal.
///
///     opcode  sf=0        sf=1
///     000000  rbit        rbit
///     000001  rev16       rev16     bytes swapped within each halfword
///     000010  rev (32)    rev32     bytes swapped within each word
///     000011  —           rev (64)
///     000100  clz         clz
extension AArch64Assembler {
  /// Data-processing (1 source):
  ///
  ///     31 30 29 28-21     20-16  15-10  9-5 4-0
  ///     sf 1  0  11010110  00000  opcode Rn  Rd
  mutating func dataProcessing1(sf: UInt32, opcode: UInt32, rn: UInt32, rd: UInt32) {
    emit(sf << 31 | 1 << 30 | 0b11010110 << 21 | opcode << 10 | rn << 5 | rd)
  }

  /// `clz d, n`: the number of leading zero bits (the width if n is 0).
  public mutating func clz<R: RegisterOrZR>(_ d: R, _ n: R) {
    dataProcessing1(sf: R.sf, opcode: 0b000100, rn: n.field, rd: d.field)
  }

  /// `rbit d, n`: the bits in reverse order.
  public mutating func rbit<R: RegisterOrZR>(_ d: R, _ n: R) {
    dataProcessing1(sf: R.sf, opcode: 0b000000, rn: n.field, rd: d.field)
  }

  /// `rev d, n`: all bytes of the register in reverse order.
  public mutating func rev<R: RegisterOrZR>(_ d: R, _ n: R) {
    dataProcessing1(sf: R.sf, opcode: R.sf == 1 ? 0b000011 : 0b000010, rn: n.field, rd: d.field)
  }

  /// `rev16 d, n`: the two bytes of each halfword swapped.
  public mutating func rev16<R: RegisterOrZR>(_ d: R, _ n: R) {
    dataProcessing1(sf: R.sf, opcode: 0b000001, rn: n.field, rd: d.field)
  }

  /// `rev32 xd, xn`: the bytes of each 32-bit word reversed.
  public mutating func rev32(_ d: XReg, _ n: XReg) {
    dataProcessing1(sf: 1, opcode: 0b000010, rn: n.field, rd: d.field)
  }
}
