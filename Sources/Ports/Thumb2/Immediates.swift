// Validated immediates. Each type accepts exactly the values its field can
// hold, through a failable `init(exactly:)`.

/// A Thumb-2 *modified immediate*: the 12-bit field `i:imm3:imm8` of the
/// 32-bit data-processing instructions, expanded by ThumbExpandImm (Arm ARM
/// A5.3.2) to one of
///
///     i:imm3:a  (bits 11–7)   value
///     0000x     00000000 00000000 00000000 abcdefgh      (imm12 = 000:abcdefgh)
///     0001x     00000000 abcdefgh 00000000 abcdefgh      (abcdefgh ≠ 0)
///     0010x     abcdefgh 00000000 abcdefgh 00000000      (abcdefgh ≠ 0)
///     0011x     abcdefgh abcdefgh abcdefgh abcdefgh      (abcdefgh ≠ 0)
///     01000 …   1bcdefgh rotated right by i:imm3:a (8–31)
///
/// `init(exactly:)` finds the field for a value (the byte patterns first,
/// as LLVM does, then the one rotation that fits), `value` expands it back.
public struct ModifiedImmediate: Hashable, Sendable, CustomStringConvertible {
  /// The 12-bit field `i:imm3:imm8`.
  public let imm12: UInt16

  /// The modified immediate for `value`, or nil if no 12-bit field expands to it.
  public init?(exactly value: UInt32) {
    let byte = value & 0xFF
    if value <= 0xFF {
      imm12 = UInt16(value)
    } else if value == byte | byte << 16 {
      imm12 = UInt16(0x100 | byte)
    } else if value == (value >> 8 & 0xFF) &* 0x0100_0100 {
      imm12 = UInt16(0x200 | value >> 8 & 0xFF)
    } else if value == byte &* 0x0101_0101 {
      imm12 = UInt16(0x300 | byte)
    } else {
      // value = ROR(1bcdefgh, rot) with rot in 8…31, i.e. ROL(value, rot) is
      // an 8-bit value with its top bit set. At most one rot fits.
      for rot: UInt32 in 8...31 {
        let unrotated = value << rot | value >> (32 - rot)
        if unrotated <= 0xFF && unrotated & 0x80 != 0 {
          imm12 = UInt16(rot << 7 | unrotated & 0x7F)
          return
        }
      }
      return nil
    }
  }

  /// The modified immediate with field `imm12`, or nil if the field is not
  /// 12 bits or is one of the UNPREDICTABLE patterns (a zero byte repeated).
  public init?(imm12: UInt16) {
    guard imm12 < 0x1000 else { return nil }
    if imm12 >> 10 == 0 && imm12 >> 8 != 0 && imm12 & 0xFF == 0 { return nil }
    self.imm12 = imm12
  }

  /// ThumbExpandImm(imm12): the 32-bit value the field stands for.
  public var value: UInt32 {
    let field = UInt32(imm12)
    let byte = field & 0xFF
    if field >> 10 == 0 {
      switch field >> 8 {
      case 0: return byte
      case 1: return byte | byte << 16
      case 2: return byte << 8 | byte << 24
      default: return byte &* 0x0101_0101
      }
    }
    let unrotated = 0x80 | field & 0x7F
    let rot = field >> 7
    return unrotated >> rot | unrotated << (32 - rot)
  }

  /// The field's bits placed in a 32-bit instruction (first halfword in
  /// bits 31–16): i at bit 26, imm3 at bits 14–12, imm8 at bits 7–0.
  var bits: UInt32 {
    let field = UInt32(imm12)
    return (field >> 11) << 26 | (field >> 8 & 7) << 12 | field & 0xFF
  }

  /// `#value` as LLVM prints it (decimal).
  public var description: String { "#\(value)" }
}
