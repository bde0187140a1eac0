/// The reference semantics of ``BinaryOperation``: the one place where its
/// edge cases are decided (division by zero, `INT_MIN / -1`, shift masking,
/// sign fill, the high half of mixed-sign products, 32-bit zero extension).
/// The interpreters use it, the JITs are tested against it, and
/// `Tests/KilnIRTests` checks it against values worked out by hand from the
/// RISC-V M extension and RFC 9669 §4.
///
/// Pure, free of existentials (it compiles as Embedded Swift) and always
/// inlined (`@inline(always)`): an interpreter that calls it with an
/// operation known per case (eBPF's) gets that operation's code alone, and
/// one that switches on its own `BinaryOperation` values (RV32's) gets one
/// switch, as if it had written the arithmetic itself.
extension BinaryOperation {
  /// The result at `width`: 32-bit operations use the low halves of `lhs`
  /// and `rhs` and return a zero-extended result.
  @inline(always)
  public func evaluate(_ lhs: UInt64, _ rhs: UInt64, width: Width) -> UInt64 {
    switch width {
    case .w64: apply(lhs, rhs, signed: Int64.self)
    case .w32:
      UInt64(evaluate(UInt32(truncatingIfNeeded: lhs), UInt32(truncatingIfNeeded: rhs)))
    }
  }

  /// The 32-bit result on 32-bit values (what `width: .w32` computes).
  @inline(always)
  public func evaluate(_ lhs: UInt32, _ rhs: UInt32) -> UInt32 {
    apply(lhs, rhs, signed: Int32.self)
  }

  /// The operation on `U`, whose signed reading is `S` (the same width).
  @inlinable @inline(always)
  func apply<U: FixedWidthInteger & UnsignedInteger, S: FixedWidthInteger & SignedInteger>(
    _ a: U, _ b: U, signed _: S.Type
  ) -> U {
    let sa = S(truncatingIfNeeded: a)
    let sb = S(truncatingIfNeeded: b)
    // Shift counts use the low log2(width) bits: 5 or 6.
    let count = b & U(truncatingIfNeeded: U.bitWidth - 1)
    switch self {
    case .add: return a &+ b
    case .sub: return a &- b
    case .and: return a & b
    case .or: return a | b
    case .xor: return a ^ b
    case .shiftLeft: return a &<< count
    case .shiftRightLogical: return a &>> count
    case .shiftRightArithmetic: return U(truncatingIfNeeded: sa &>> S(truncatingIfNeeded: count))
    case .setLessThan: return sa < sb ? 1 : 0
    case .setLessThanUnsigned: return a < b ? 1 : 0
    case .multiply: return a &* b
    case .multiplyHighSigned: return U(truncatingIfNeeded: sa.multipliedFullWidth(by: sb).high)
    case .multiplyHighSignedUnsigned:
      // Read as unsigned, a negative `a` is 2^n too large, which adds
      // exactly `b` to the high half of the unsigned product.
      let high = a.multipliedFullWidth(by: b).high
      return sa < 0 ? high &- b : high
    case .multiplyHighUnsigned: return a.multipliedFullWidth(by: b).high
    case .divide(let rule):
      if b == 0 { return rule.quotientOfDivisionByZero(as: U.self) }
      if sb == -1 { return 0 &- a }  // INT_MIN / -1 wraps to INT_MIN
      return U(truncatingIfNeeded: sa / sb)
    case .divideUnsigned(let rule):
      if b == 0 { return rule.quotientOfDivisionByZero(as: U.self) }
      return a / b
    case .remainder:
      if b == 0 { return a }
      if sb == -1 { return 0 }  // INT_MIN % -1 = 0
      return U(truncatingIfNeeded: sa % sb)
    case .remainderUnsigned:
      return b == 0 ? a : a % b
    case .move: return b
    }
  }
}
