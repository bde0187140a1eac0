import KilnIR

/// The exact RV32IM meaning of the IR's operations, shared by the interpreter
/// (internal, so that it never clashes with another module's extension of the IR).
extension BinaryOperation {
  /// The 32-bit result of this operation, with RISC-V rules: shifts use the
  /// low five bits of `rhs`, division never traps (see `BinaryOperation`).
  @inline(__always)
  func evaluate(_ lhs: UInt32, _ rhs: UInt32) -> UInt32 {
    let signedLHS = Int32(bitPattern: lhs)
    let signedRHS = Int32(bitPattern: rhs)
    switch self {
    case .add: return lhs &+ rhs
    case .sub: return lhs &- rhs
    case .and: return lhs & rhs
    case .or: return lhs | rhs
    case .xor: return lhs ^ rhs
    case .shiftLeft: return lhs << (rhs & 31)
    case .shiftRightLogical: return lhs >> (rhs & 31)
    case .shiftRightArithmetic: return UInt32(bitPattern: signedLHS >> Int32(rhs & 31))
    case .setLessThan: return signedLHS < signedRHS ? 1 : 0
    case .setLessThanUnsigned: return lhs < rhs ? 1 : 0
    case .multiply: return lhs &* rhs
    case .multiplyHighSigned:
      let product = Int64(signedLHS) * Int64(signedRHS)
      return UInt32(truncatingIfNeeded: product >> 32)
    case .multiplyHighSignedUnsigned:
      // |signed| ≤ 2^31 and unsigned < 2^32, so the product fits in Int64.
      let product = Int64(signedLHS) * Int64(rhs)
      return UInt32(truncatingIfNeeded: product >> 32)
    case .multiplyHighUnsigned:
      let product = UInt64(lhs) * UInt64(rhs)
      return UInt32(truncatingIfNeeded: product >> 32)
    case .divide:
      if rhs == 0 { return 0xFFFF_FFFF }
      if signedLHS == .min && signedRHS == -1 { return lhs }
      return UInt32(bitPattern: signedLHS / signedRHS)
    case .divideUnsigned:
      return rhs == 0 ? 0xFFFF_FFFF : lhs / rhs
    case .remainder:
      if rhs == 0 { return lhs }
      if signedLHS == .min && signedRHS == -1 { return 0 }
      return UInt32(bitPattern: signedLHS % signedRHS)
    case .remainderUnsigned:
      return rhs == 0 ? lhs : lhs % rhs
    }
  }
}

extension Condition {
  /// Whether a branch with this condition is taken.
  @inline(__always)
  func evaluate(_ lhs: UInt32, _ rhs: UInt32) -> Bool {
    switch self {
    case .equal: return lhs == rhs
    case .notEqual: return lhs != rhs
    case .lessThan: return Int32(bitPattern: lhs) < Int32(bitPattern: rhs)
    case .greaterOrEqual: return Int32(bitPattern: lhs) >= Int32(bitPattern: rhs)
    case .lessThanUnsigned: return lhs < rhs
    case .greaterOrEqualUnsigned: return lhs >= rhs
    }
  }
}
