/// Conditions of two-way branches, shared by every IR of Kiln: RV32's six
/// branches and eBPF's eleven jumps are all among them. `lhs` is compared
/// with `rhs` at a ``Width`` (32-bit conditions look at the low halves).
public enum Condition: String, Sendable, Hashable, CaseIterable {
  case equal, notEqual
  /// Signed comparisons (two's complement).
  case lessThan, lessOrEqual, greaterThan, greaterOrEqual
  /// Unsigned comparisons.
  case lessThanUnsigned, lessOrEqualUnsigned, greaterThanUnsigned, greaterOrEqualUnsigned
  /// `lhs & rhs != 0` (eBPF's `jset`).
  case andNonZero

  /// Whether the condition holds for `lhs` and `rhs` at `width`.
  @inline(always)
  public func holds(_ lhs: UInt64, _ rhs: UInt64, width: Width) -> Bool {
    switch width {
    case .w64: compare(lhs, rhs, signed: Int64.self)
    case .w32: holds(UInt32(truncatingIfNeeded: lhs), UInt32(truncatingIfNeeded: rhs))
    }
  }

  /// Whether the condition holds for 32-bit `lhs` and `rhs`.
  @inline(always)
  public func holds(_ lhs: UInt32, _ rhs: UInt32) -> Bool {
    compare(lhs, rhs, signed: Int32.self)
  }

  @inlinable @inline(always)
  func compare<U: FixedWidthInteger & UnsignedInteger, S: FixedWidthInteger & SignedInteger>(
    _ a: U, _ b: U, signed _: S.Type
  ) -> Bool {
    let sa = S(truncatingIfNeeded: a)
    let sb = S(truncatingIfNeeded: b)
    switch self {
    case .equal: return a == b
    case .notEqual: return a != b
    case .lessThan: return sa < sb
    case .lessOrEqual: return sa <= sb
    case .greaterThan: return sa > sb
    case .greaterOrEqual: return sa >= sb
    case .lessThanUnsigned: return a < b
    case .lessOrEqualUnsigned: return a <= b
    case .greaterThanUnsigned: return a > b
    case .greaterOrEqualUnsigned: return a >= b
    case .andNonZero: return a & b != 0
    }
  }
}
