/// Two-operand operations on 32-bit values. Each has one precise meaning that
/// every port must implement exactly (no host-specific shortcuts).
public enum BinaryOperation: String, Sendable, CaseIterable {
  case add, sub, and, or, xor
  /// Shifts use the low five bits of the right operand.
  case shiftLeft, shiftRightLogical, shiftRightArithmetic
  /// 1 if lhs < rhs (signed / unsigned), else 0.
  case setLessThan, setLessThanUnsigned
  /// Low 32 bits of the product.
  case multiply
  /// High 32 bits of the 64-bit product: signed×signed, signed×unsigned, unsigned×unsigned.
  case multiplyHighSigned, multiplyHighSignedUnsigned, multiplyHighUnsigned
  /// RISC-V division rules: x/0 = 0xFFFF_FFFF (signed and unsigned),
  /// x%0 = x, INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0. Never traps.
  case divide, divideUnsigned, remainder, remainderUnsigned
}

/// Conditions of two-way branches.
public enum Condition: String, Sendable, CaseIterable {
  case equal, notEqual, lessThan, greaterOrEqual, lessThanUnsigned, greaterOrEqualUnsigned
}

/// One straight-line operation of a block.
public enum Operation: Sendable, Equatable {
  case move(GuestRegister, Value)
  case binary(BinaryOperation, GuestRegister, Value, Value)
  /// dst = memory[base + offset], sign- or zero-extended. `pc` is the guest
  /// address of the instruction, for errors and for resuming after slow paths.
  case load(GuestRegister, base: Value, offset: Int32, size: AccessSize, signed: Bool, pc: UInt32)
  /// memory[base + offset] = low bytes of value. A store that hits a page
  /// holding compiled code ends the block after it (self-modifying code).
  case store(Value, base: Value, offset: Int32, size: AccessSize, pc: UInt32)
}
