// Logical ("bitmask") immediates of AND, ORR, EOR and ANDS.
//
// A bitmask immediate is an element of e = 2, 4, 8, 16, 32 or 64 bits,
// replicated to fill the register, where the element is a run of k ones
// (0 < k < e) rotated right by r (0 ≤ r < e). The instruction holds it in
// 13 bits, N:immr:imms:
//
//     N  immr     imms        element size
//     1  rrrrrr   kkkkkk      64 (X only)
//     0  0rrrrr   0kkkkk      32
//     0  00rrrr   10kkkk      16
//     0  000rrr   110kkk      8
//     0  0000rr   1110kk      4
//     0  00000r   11110k      2
//
// with imms's k bits = k − 1 and immr = r. Zero and all-ones are not
// encodable (no run of ones fits 0 < k < e), nor is any value whose
// smallest repeating element is not a single rotated run (0x1234).

/// A validated N:immr:imms bitmask immediate of one width.
public protocol BitmaskImmediate: Sendable, Hashable, CustomStringConvertible {
  /// N (bit 22 of the instruction).
  var n: UInt32 { get }
  /// immr (bits 16–21): the rotation.
  var immr: UInt32 { get }
  /// imms (bits 10–15): the element size and the number of ones − 1.
  var imms: UInt32 { get }
}

extension BitmaskImmediate {
  /// N:immr:imms as the 13 bits 10–22 of the instruction, shifted down.
  public var fields: UInt32 { n << 12 | immr << 6 | imms }
}

/// A bitmask immediate for the 64-bit forms.
public struct LogicalImmediate64: BitmaskImmediate {
  public let n: UInt32
  public let immr: UInt32
  public let imms: UInt32

  /// The encoding of `value`, or nil if no bitmask immediate has that value
  /// (0, all ones, and anything that is not a replicated rotated run of ones).
  public init?(_ value: UInt64) {
    guard let (n, immr, imms) = encodeBitmask(value) else { return nil }
    (self.n, self.immr, self.imms) = (n, immr, imms)
  }

  /// The encoding N:immr:imms as written, or nil if it is not a valid 64-bit
  /// bitmask (the reserved element sizes, an all-ones element).
  public init?(n: UInt32, immr: UInt32, imms: UInt32) {
    guard n < 2, immr < 64, imms < 64, decodeBitmask(n: n, immr: immr, imms: imms) != nil
    else { return nil }
    (self.n, self.immr, self.imms) = (n, immr, imms)
  }

  /// The 64-bit value this immediate stands for.
  public var value: UInt64 {
    // Valid by construction, so decoding cannot fail.
    decodeBitmask(n: n, immr: immr, imms: imms) ?? 0
  }

  public var description: String { "#0x" + String(value, radix: 16) }
}

/// A bitmask immediate for the 32-bit forms (N is always 0, elements of at
/// most 32 bits).
public struct LogicalImmediate32: BitmaskImmediate {
  public var n: UInt32 { 0 }
  public let immr: UInt32
  public let imms: UInt32

  /// The encoding of `value`, or nil if no 32-bit bitmask immediate has that value.
  public init?(_ value: UInt32) {
    // A 32-bit pattern is a 64-bit one whose two halves are equal, and the
    // 64-bit encoder then picks an element of at most 32 bits (N = 0).
    guard let (_, immr, imms) = encodeBitmask(UInt64(value) << 32 | UInt64(value)) else {
      return nil
    }
    (self.immr, self.imms) = (immr, imms)
  }

  /// The 32-bit value this immediate stands for.
  public var value: UInt32 {
    UInt32(truncatingIfNeeded: decodeBitmask(n: 0, immr: immr, imms: imms) ?? 0)
  }

  public var description: String { "#0x" + String(value, radix: 16) }
}

/// N:immr:imms for a 64-bit value, or nil if it is not a bitmask immediate.
func encodeBitmask(_ value: UInt64) -> (n: UInt32, immr: UInt32, imms: UInt32)? {
  guard value != 0, value != .max else { return nil }
  // The smallest element size e such that the value repeats every e bits.
  var size = 64
  while size > 2 {
    let half = size / 2
    let mask: UInt64 = (1 << UInt64(half)) &- 1
    guard value & mask == (value >> UInt64(half)) & mask else { break }
    size = half
  }
  let mask: UInt64 = size == 64 ? .max : (1 << UInt64(size)) &- 1
  let element = value & mask
  let ones = element.nonzeroBitCount
  // `start` is where the run of ones begins: rotating the element right by
  // `start` must leave exactly `ones` ones at the bottom.
  let start: Int
  if element & 1 == 0 {
    start = element.trailingZeroBitCount
  } else {
    // The run wraps around bit 0: it starts just after the run of zeros.
    let zeros = ~element & mask
    start = zeros.trailingZeroBitCount + zeros.nonzeroBitCount
  }
  let rotated = rotateRight(element, by: start % size, width: size)
  guard rotated == (UInt64(1) << UInt64(ones)) &- 1 else { return nil }
  // ROR(ones, immr) puts bit 0 of the run at (size − immr) mod size.
  let immr = UInt32((size - start) % size)
  let sizeBits = UInt32(~(size * 2 - 1) & 0x3F)  // 0, 10_0000, 11_0000, … for e < 64
  let n: UInt32 = size == 64 ? 1 : 0
  let imms = (size == 64 ? 0 : sizeBits) | UInt32(ones - 1)
  return (n, immr, imms)
}

/// The Arm ARM's DecodeBitMasks for a 64-bit register: the value of
/// N:immr:imms, or nil for the reserved encodings.
func decodeBitmask(n: UInt32, immr: UInt32, imms: UInt32) -> UInt64? {
  // The element size is 2^len, len = the highest set bit of N:NOT(imms).
  let combined = n << 6 | (~imms & 0x3F)
  guard combined > 1 else { return nil }
  let len = 31 - combined.leadingZeroBitCount
  let size = 1 << len
  let levels = UInt32(size - 1)
  let s = Int(imms & levels)
  let r = Int(immr & levels)
  guard s != size - 1 else { return nil }  // an all-ones element
  let element = rotateRight((UInt64(1) << UInt64(s + 1)) &- 1, by: r, width: size)
  var value: UInt64 = 0
  for i in stride(from: 0, to: 64, by: size) { value |= element << UInt64(i) }
  return value
}

/// Rotates the low `width` bits of `value` right by `amount` (< width).
private func rotateRight(_ value: UInt64, by amount: Int, width: Int) -> UInt64 {
  guard amount != 0 else { return value }
  let mask: UInt64 = width == 64 ? .max : (1 << UInt64(width)) &- 1
  return ((value >> UInt64(amount)) | (value << UInt64(width - amount))) & mask
}
