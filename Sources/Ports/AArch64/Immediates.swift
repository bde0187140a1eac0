// Validated immediates and operand modifiers. Each type accepts exactly the
// values its instruction field can hold: a failable initialiser for values
// computed at run time, and an integer-literal initialiser that stops with a
// message if a literal does not fit (a bug in the code generator, caught at
// the one place the value is made).
//
// Logical (bitmask) immediates are in LogicalImmediate.swift, whole 64-bit
// constants in Constants.swift.

/// The 12-bit unsigned immediate of ADD/SUB/ADDS/SUBS (immediate), optionally
/// shifted left by 12: 0…4095, or a multiple of 4096 up to 4095 << 12.
public struct AddSubImmediate: Sendable, Hashable, ExpressibleByIntegerLiteral,
  CustomStringConvertible
{
  /// The 12-bit field (bits 10–21).
  public let imm12: UInt32
  /// The `sh` bit (22): the field is shifted left by 12.
  public let shifted: Bool

  /// `value` as imm12 or imm12 << 12 (the unshifted form when both fit), or
  /// nil if it is neither.
  public init?(exactly value: Int) {
    if value >= 0 && value < 4096 {
      (imm12, shifted) = (UInt32(value), false)
    } else if value > 0 && value & 0xFFF == 0 && value >> 12 < 4096 {
      (imm12, shifted) = (UInt32(value >> 12), true)
    } else {
      return nil
    }
  }

  /// The field as written: `imm12` (0…4095), shifted by 12 if `lsl12`.
  public init?(imm12: Int, lsl12: Bool) {
    guard imm12 >= 0 && imm12 < 4096 else { return nil }
    (self.imm12, shifted) = (UInt32(imm12), lsl12)
  }

  public init(integerLiteral value: Int) {
    guard let imm = AddSubImmediate(exactly: value) else {
      preconditionFailure("\(value) is not an ADD/SUB immediate (imm12, optionally << 12)")
    }
    self = imm
  }

  /// The value added or subtracted.
  public var value: Int { Int(imm12) << (shifted ? 12 : 0) }

  public var description: String { shifted ? "#\(imm12), lsl #12" : "#\(imm12)" }
}

/// How the second register of a shifted-register instruction is shifted.
/// The amount must be less than the operation's width (32 or 64); `ror` is
/// only available to the logical instructions.
public enum Shift: Sendable, Hashable, CustomStringConvertible {
  case lsl(UInt32)
  case lsr(UInt32)
  case asr(UInt32)
  case ror(UInt32)

  /// The `shift` field (bits 22–23).
  var type: UInt32 {
    switch self {
    case .lsl: 0b00
    case .lsr: 0b01
    case .asr: 0b10
    case .ror: 0b11
    }
  }

  /// The shift amount (imm6, bits 10–15).
  public var amount: UInt32 {
    switch self {
    case .lsl(let a), .lsr(let a), .asr(let a), .ror(let a): a
    }
  }

  /// The amount, checked against the width `bits` (the one place a bad
  /// amount is caught).
  func imm6(bits: UInt32) -> UInt32 {
    precondition(amount < bits, "shift amount \(amount) out of range for a \(bits)-bit operation")
    return amount
  }

  public var description: String {
    switch self {
    case .lsl(let a): "lsl #\(a)"
    case .lsr(let a): "lsr #\(a)"
    case .asr(let a): "asr #\(a)"
    case .ror(let a): "ror #\(a)"
    }
  }
}

/// How the last register of an extended-register ADD/SUB is extended before
/// it is shifted left by 0–4 (the `option` field, bits 13–15). The `b`, `h`
/// and `w` kinds read a W register, `uxtx`/`sxtx` an X register.
public enum Extend: UInt32, Sendable, CaseIterable, CustomStringConvertible {
  case uxtb = 0
  case uxth, uxtw, uxtx, sxtb, sxth, sxtw, sxtx

  /// True for `uxtx`/`sxtx`, whose source is a 64-bit register.
  public var readsX: Bool { self == .uxtx || self == .sxtx }

  public var description: String {
    switch self {
    case .uxtb: "uxtb"
    case .uxth: "uxth"
    case .uxtw: "uxtw"
    case .uxtx: "uxtx"
    case .sxtb: "sxtb"
    case .sxth: "sxth"
    case .sxtw: "sxtw"
    case .sxtx: "sxtx"
    }
  }
}

/// Where MOVZ/MOVN/MOVK put their 16 bits (the `hw` field, bits 21–22).
/// 32-bit forms allow only `lsl0` and `lsl16`.
public enum HalfwordShift: UInt32, Sendable, CaseIterable, CustomStringConvertible {
  case lsl0 = 0
  case lsl16, lsl32, lsl48

  /// The shift in bits (0, 16, 32, 48).
  public var bits: UInt32 { rawValue * 16 }

  public var description: String { "lsl #\(bits)" }
}

/// The access sizes of loads and stores (the `size` field, bits 30–31).
public enum AccessSize: UInt32, Sendable, CaseIterable {
  case byte = 0
  case halfword, word, doubleword

  /// The size in bytes.
  public var bytes: Int { 1 << Int(rawValue) }
}

/// The unsigned offset of LDR/STR (immediate, unsigned offset) in bytes: a
/// multiple of the access size, at most 4095 × size. The field (imm12) holds
/// the offset divided by the size, so validity depends on the instruction;
/// the encoder checks it against the access size it emits.
public struct ScaledOffset: Sendable, Hashable, ExpressibleByIntegerLiteral,
  CustomStringConvertible
{
  public let bytes: Int

  /// `bytes`, if it is encodable for accesses of `size`.
  public init?(bytes: Int, size: AccessSize) {
    guard Self.imm12(bytes, size) != nil else { return nil }
    self.bytes = bytes
  }

  /// An offset literal; checked against the access size when it is emitted.
  public init(integerLiteral value: Int) {
    precondition(value >= 0 && value <= 4095 * 8, "\(value) is not an unsigned scaled offset")
    bytes = value
  }

  /// The field for an access of `size`, or nil if `bytes` does not fit.
  static func imm12(_ bytes: Int, _ size: AccessSize) -> UInt32? {
    guard bytes >= 0, bytes % size.bytes == 0, bytes / size.bytes < 4096 else { return nil }
    return UInt32(bytes / size.bytes)
  }

  public var description: String { "#\(bytes)" }
}

/// A signed 9-bit byte offset, −256…255: LDUR/STUR, and the writeback
/// amount of pre- and post-indexed loads and stores (not scaled).
public struct SImm9: Sendable, Hashable, ExpressibleByIntegerLiteral, CustomStringConvertible {
  public let value: Int

  /// `value`, or nil if it is outside −256…255.
  public init?(exactly value: Int) {
    guard value >= -256 && value <= 255 else { return nil }
    self.value = value
  }

  public init(integerLiteral value: Int) {
    guard let imm = SImm9(exactly: value) else {
      preconditionFailure("\(value) is not a signed 9-bit offset")
    }
    self = imm
  }

  /// The field (bits 12–20).
  var field: UInt32 { UInt32(truncatingIfNeeded: value) & 0x1FF }

  public var description: String { "#\(value)" }
}

/// The offset of LDP/STP of X registers in bytes: a multiple of 8 in
/// −512…504 (imm7, scaled by 8).
public struct PairOffset: Sendable, Hashable, ExpressibleByIntegerLiteral,
  CustomStringConvertible
{
  public let bytes: Int

  /// `bytes`, or nil if it is not a multiple of 8 in −512…504.
  public init?(exactly bytes: Int) {
    guard bytes % 8 == 0, bytes >= -512, bytes <= 504 else { return nil }
    self.bytes = bytes
  }

  public init(integerLiteral value: Int) { self.init(layout: value) }

  /// An offset the port's own frame layout computes (not input): one that
  /// does not fit is a bug in the layout, and stops here rather than
  /// emitting a wrong offset.
  public init(layout value: Int) {
    guard let imm = PairOffset(exactly: value) else {
      preconditionFailure("\(value) is not an LDP/STP offset (a multiple of 8 in −512…504)")
    }
    self = imm
  }

  /// The field (bits 15–21).
  var field: UInt32 { UInt32(truncatingIfNeeded: bytes / 8) & 0x7F }

  public var description: String { "#\(bytes)" }
}
