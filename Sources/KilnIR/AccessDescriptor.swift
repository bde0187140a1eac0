/// One guest memory access as generated code describes it to the runtime:
/// the `b` argument of `HostCall.load` and `.store` (RV32 blocks) and the
/// `errorDetail` word of a `FunctionEnvironment` state block (eBPF). Ports
/// emit `encoded` as a constant; the runtime decodes it with
/// `init?(encoded:)`. This is the only place that knows the bits:
///
///     bits  0…7    size in bytes: 1, 2, 4 or 8
///     bit   8      signed: a load that sign-extends
///     bit   9      isWrite
///     bits 10…31   zero
///     bits 32…63   guest pc (0 where the site is recorded elsewhere, as
///                  eBPF records it in `errorSite`)
///
/// Without a pc the encoding fits in 32 bits (`encoded32`), a constant a
/// port can load into a 32-bit register.
public struct AccessDescriptor: Hashable, Sendable {
  /// Bytes accessed: 1, 2, 4 or 8.
  public let size: Int
  /// A load that sign-extends its value (RV32 `lb`, `lh`, `lw`; eBPF `ldsx`).
  public let signed: Bool
  /// A store (or the write half of an atomic).
  public let isWrite: Bool
  /// The guest pc of the access, or 0 where the site travels separately.
  public let pc: UInt32

  /// Whether `size` is an access size (1, 2, 4 or 8).
  public static func isValidSize(_ size: Int) -> Bool {
    size == 1 || size == 2 || size == 4 || size == 8
  }

  /// An access of `size` bytes; nil unless `size` is 1, 2, 4 or 8.
  public init?(size: Int, signed: Bool = false, isWrite: Bool, pc: UInt32 = 0) {
    guard Self.isValidSize(size) else { return nil }
    self.size = size
    self.signed = signed
    self.isWrite = isWrite
    self.pc = pc
  }

  /// An access of a guest block (whose sizes are valid by type).
  public init(_ size: AccessSize, signed: Bool = false, isWrite: Bool, pc: UInt32 = 0) {
    self.size = size.rawValue
    self.signed = signed
    self.isWrite = isWrite
    self.pc = pc
  }

  static let sizeMask: UInt64 = 0xFF
  static let signedBit: UInt64 = 1 << 8
  static let writeBit: UInt64 = 1 << 9
  static let pcShift: UInt64 = 32
  /// Bits 10…31, zero in every encoding.
  static let reservedMask: UInt64 = 0xFFFF_FC00

  /// The encoding (see the type's documentation).
  public var encoded: UInt64 {
    UInt64(size) | (signed ? Self.signedBit : 0) | (isWrite ? Self.writeBit : 0)
      | UInt64(pc) << Self.pcShift
  }

  /// `encoded` as a 32-bit value: nil unless the pc is 0 (eBPF accesses,
  /// whose site is recorded separately).
  public var encoded32: UInt32? { UInt32(exactly: encoded) }

  /// Decodes `encoded`; nil if the size is not 1, 2, 4 or 8 or a reserved
  /// bit is set (the value did not come from `encoded`).
  public init?(encoded: UInt64) {
    guard encoded & Self.reservedMask == 0 else { return nil }
    self.init(
      size: Int(encoded & Self.sizeMask), signed: encoded & Self.signedBit != 0,
      isWrite: encoded & Self.writeBit != 0,
      pc: UInt32(truncatingIfNeeded: encoded >> Self.pcShift))
  }
}
