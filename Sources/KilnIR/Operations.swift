/// One straight-line operation of a block. Arithmetic is a
/// ``BinaryOperation`` at 32 bits (the vocabulary ``FunctionIR`` shares);
/// the RV32 translator gives its divisions the ``DivisionRule/riscv`` rule.
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
