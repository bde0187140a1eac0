/// Which guest's rule gives the quotient of a division by zero: the one
/// point where the division rules of Kiln's guests differ.
///
/// Both rules agree everywhere else, and every port implements them without
/// host shortcuts (no host trap, whatever the host's divide instruction does):
///
///     x % 0          = x          (32-bit: the low half of x, zero-extended)
///     INT_MIN / -1   = INT_MIN    (the quotient wraps)
///     INT_MIN % -1   = 0
///
/// Signed division truncates toward zero, so a remainder has the sign of
/// the dividend.
public enum DivisionRule: String, Sendable, Hashable, CaseIterable {
  /// RISC-V M extension (unprivileged spec, "Division Operations"):
  /// `x / 0` is all ones, for the signed and the unsigned quotient alike
  /// (−1 signed, 2^XLEN − 1 unsigned).
  case riscv
  /// eBPF (RFC 9669 §4.1): `x / 0 = 0`, signed or unsigned.
  case ebpf

  /// The quotient of `x / 0` at `width`, zero-extended to 64 bits.
  @inlinable
  public func quotientOfDivisionByZero(_ width: Width) -> UInt64 {
    switch width {
    case .w64: quotientOfDivisionByZero(as: UInt64.self)
    case .w32: UInt64(quotientOfDivisionByZero(as: UInt32.self))
    }
  }

  /// The quotient of `x / 0` as a `U`: all ones, or 0.
  @inlinable @inline(always)
  func quotientOfDivisionByZero<U: FixedWidthInteger & UnsignedInteger>(as _: U.Type) -> U {
    self == .riscv ? U.max : 0
  }
}

/// The operations on two values that every IR of Kiln shares: one set, one
/// meaning each (see ``evaluate(_:_:width:)``), implemented exactly by every
/// port. The RV32 block IR uses them as `Operation.binary` at 32 bits; the
/// eBPF ``FunctionIR`` as `FunctionIR.Op.alu` at 32 or 64 bits.
///
/// Operands are `lhs` and `rhs` (``FunctionIR`` computes `dst = dst op src`:
/// `lhs` is `dst`). At 32 bits an operation reads the low halves and
/// zero-extends its result.
public enum BinaryOperation: Sendable, Hashable {
  /// Wrapping arithmetic and bitwise logic.
  case add, sub, and, or, xor
  /// Shifts by the low five (32-bit) or six (64-bit) bits of `rhs`;
  /// `shiftRightArithmetic` fills with the sign bit.
  case shiftLeft, shiftRightLogical, shiftRightArithmetic
  /// 1 if `lhs < rhs` (signed / unsigned), else 0.
  case setLessThan, setLessThanUnsigned
  /// The low half of the product (the same for signed and unsigned).
  case multiply
  /// The high half of the double-width product: signed × signed,
  /// signed `lhs` × unsigned `rhs`, unsigned × unsigned.
  case multiplyHighSigned, multiplyHighSignedUnsigned, multiplyHighUnsigned
  /// Quotients, truncated toward zero; `x / 0` follows the rule, and
  /// `INT_MIN / -1 = INT_MIN` (see ``DivisionRule``).
  case divide(DivisionRule)
  case divideUnsigned(DivisionRule)
  /// Remainders: `x % 0 = x`, `INT_MIN % -1 = 0`, the sign of the dividend.
  /// Every guest agrees on these, so they carry no rule.
  case remainder, remainderUnsigned
  /// `rhs` itself (`lhs` is not read): eBPF's `mov`.
  case move
}

extension BinaryOperation: CaseIterable {
  /// Every operation, the divisions under each rule.
  public static let allCases: [BinaryOperation] =
    [
      .add, .sub, .and, .or, .xor, .shiftLeft, .shiftRightLogical, .shiftRightArithmetic,
      .setLessThan, .setLessThanUnsigned, .multiply, .multiplyHighSigned,
      .multiplyHighSignedUnsigned, .multiplyHighUnsigned,
    ] + DivisionRule.allCases.flatMap { [.divide($0), .divideUnsigned($0)] } + [
      .remainder, .remainderUnsigned, .move,
    ]
}
