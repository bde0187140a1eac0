import KilnIR

extension Condition {
  /// The condition code that holds after `cmp lhs, rhs` (or `tst` for
  /// `andNonZero`) exactly when the IR's condition holds.
  ///
  ///     IR                      code   IR                        code
  ///     equal                   eq     lessThanUnsigned          lo
  ///     notEqual                ne     lessOrEqualUnsigned       ls
  ///     lessThan                lt     greaterThanUnsigned       hi
  ///     lessOrEqual             le     greaterOrEqualUnsigned    hs
  ///     greaterThan             gt     andNonZero (after tst)    ne
  ///     greaterOrEqual          ge
  public init(_ condition: KilnIR.Condition) {
    self =
      switch condition {
      case .equal: .eq
      case .notEqual: .ne
      case .lessThan: .lt
      case .lessOrEqual: .le
      case .greaterThan: .gt
      case .greaterOrEqual: .ge
      case .lessThanUnsigned: .lo
      case .lessOrEqualUnsigned: .ls
      case .greaterThanUnsigned: .hi
      case .greaterOrEqualUnsigned: .hs
      case .andNonZero: .ne
      }
  }
}
