import KilnIR

/// The shared IR vocabulary (``Condition``, ``BinaryOperation``) in x86
/// terms: the one mapping both lowerings use, RV32 blocks and ``FunctionIR``.

extension Condition {
  /// Whether the flags come from `test lhs, rhs` (`lhs & rhs`) rather than
  /// from `cmp lhs, rhs` (`lhs - rhs`).
  var setsFlagsByTest: Bool { self == .andNonZero }
}

extension ConditionCode {
  /// The condition code that holds exactly when `condition` does, after
  /// `cmp lhs, rhs` (or `test lhs, rhs` where ``Condition/setsFlagsByTest``)
  /// at the condition's width.
  init(_ condition: Condition) {
    self =
      switch condition {
      case .equal: .e
      case .notEqual: .ne
      case .lessThan: .l
      case .lessOrEqual: .le
      case .greaterThan: .g
      case .greaterOrEqual: .ge
      case .lessThanUnsigned: .b
      case .lessOrEqualUnsigned: .be
      case .greaterThanUnsigned: .a
      case .greaterOrEqualUnsigned: .ae
      case .andNonZero: .ne
      }
  }
}

/// How x86 computes a ``BinaryOperation``: the instruction families both
/// lowerings select from, so that each maps the vocabulary the same way.
enum ALUForm: Equatable {
  /// add, sub, and, or, xor: one two-operand instruction.
  case alu(ALUOp)
  /// shl, shr, sar (x86 masks the count to five or six bits, as the IR does).
  case shift(ShiftOp)
  /// `cmp` then `setcc`: 1 if the condition holds, else 0.
  case set(ConditionCode)
  /// `imul`: the low half of the product.
  case multiply
  /// The high half of the double-width product.
  case multiplyHigh(signedLHS: Bool, signedRHS: Bool)
  /// `div`/`idiv` behind the checks for 0 and −1; `quotient` is the rule of
  /// a quotient, nil for a remainder.
  case division(signed: Bool, quotient: DivisionRule?)
  /// `rhs` itself.
  case move

  init(_ op: BinaryOperation) {
    self =
      switch op {
      case .add: .alu(.add)
      case .sub: .alu(.sub)
      case .and: .alu(.and)
      case .or: .alu(.or)
      case .xor: .alu(.xor)
      case .shiftLeft: .shift(.shl)
      case .shiftRightLogical: .shift(.shr)
      case .shiftRightArithmetic: .shift(.sar)
      case .setLessThan: .set(ConditionCode(.lessThan))
      case .setLessThanUnsigned: .set(ConditionCode(.lessThanUnsigned))
      case .multiply: .multiply
      case .multiplyHighSigned: .multiplyHigh(signedLHS: true, signedRHS: true)
      case .multiplyHighSignedUnsigned: .multiplyHigh(signedLHS: true, signedRHS: false)
      case .multiplyHighUnsigned: .multiplyHigh(signedLHS: false, signedRHS: false)
      case .divide(let rule): .division(signed: true, quotient: rule)
      case .divideUnsigned(let rule): .division(signed: false, quotient: rule)
      case .remainder: .division(signed: true, quotient: nil)
      case .remainderUnsigned: .division(signed: false, quotient: nil)
      case .move: .move
      }
  }
}
