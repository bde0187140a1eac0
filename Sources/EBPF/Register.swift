/// An eBPF register, `r0` … `r10` (RFC 9669 §2.2 / §4).
///
/// * `r0`: return value of helpers, local functions and the program;
/// * `r1`–`r5`: arguments;
/// * `r6`–`r9`: callee-saved;
/// * `r10`: the read-only frame pointer.
///
/// The raw encoding has four bits per register field; 11–15 are not
/// registers, so the initialiser is failable and an invalid field is caught
/// once, by the decoder.
public struct Register: RawRepresentable, Hashable, Sendable, Comparable {
  public let rawValue: UInt8

  public init?(rawValue: UInt8) {
    guard rawValue <= 10 else { return nil }
    self.rawValue = rawValue
  }

  private init(unchecked: UInt8) { rawValue = unchecked }

  public static func < (a: Register, b: Register) -> Bool { a.rawValue < b.rawValue }

  /// Index into a register file.
  @inline(__always) public var index: Int { Int(rawValue) }

  public static let r0 = Register(unchecked: 0)
  public static let r1 = Register(unchecked: 1)
  public static let r2 = Register(unchecked: 2)
  public static let r3 = Register(unchecked: 3)
  public static let r4 = Register(unchecked: 4)
  public static let r5 = Register(unchecked: 5)
  public static let r6 = Register(unchecked: 6)
  public static let r7 = Register(unchecked: 7)
  public static let r8 = Register(unchecked: 8)
  public static let r9 = Register(unchecked: 9)
  /// The frame pointer: read-only, points just past the current 512-byte frame.
  public static let r10 = Register(unchecked: 10)
  public static let frame = r10

  /// The assembler spelling, `%r0` … `%r10`.
  public var name: String { "%r" + String(rawValue) }
}
