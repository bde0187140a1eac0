/// How many bits an operation works on. A 32-bit operation reads the low
/// halves of its operands and zero-extends its result; the RV32 block IR is
/// 32-bit throughout, ``FunctionIR`` has both.
public enum Width: Sendable, Hashable, CaseIterable {
  case w32, w64

  /// The all-ones value of this width, zero-extended to 64 bits.
  @inlinable
  public var mask: UInt64 { self == .w64 ? .max : 0xFFFF_FFFF }
}
