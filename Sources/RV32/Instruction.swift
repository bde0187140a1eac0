import KilnIR

/// A decoded RV32IM instruction. Immediates are sign-extended and scaled as
/// the ISA says: `lui`/`auipc` carry the value with its low 12 bits zero,
/// branch and jump offsets are byte offsets from the instruction's PC,
/// shift immediates are the 5-bit shift amount.
public enum Instruction: Equatable, Sendable {
  /// `rd = immediate` (low 12 bits zero).
  case lui(rd: Register, immediate: Int32)
  /// `rd = pc + immediate` (low 12 bits zero).
  case auipc(rd: Register, immediate: Int32)
  /// `rd = pc + 4; pc += offset`.
  case jal(rd: Register, offset: Int32)
  /// `t = (rs1 + offset) & ~1; rd = pc + 4; pc = t`.
  case jalr(rd: Register, rs1: Register, offset: Int32)
  /// `if condition(rs1, rs2) { pc += offset }`.
  case branch(Condition, rs1: Register, rs2: Register, offset: Int32)
  /// `rd = memory[rs1 + offset]`, sign- or zero-extended.
  case load(AccessSize, signed: Bool, rd: Register, rs1: Register, offset: Int32)
  /// `memory[rs1 + offset] = low bytes of rs2`.
  case store(AccessSize, rs1: Register, rs2: Register, offset: Int32)
  /// `rd = operation(rs1, immediate)`: ADDI … ANDI and the shift immediates.
  case operationImmediate(BinaryOperation, rd: Register, rs1: Register, immediate: Int32)
  /// `rd = operation(rs1, rs2)`: the register-register ALU and M instructions.
  case operation(BinaryOperation, rd: Register, rs1: Register, rs2: Register)
  /// A memory fence: a no-op for a single hart. Fields are 4-bit sets of `iorw`.
  case fence(mode: UInt8, predecessor: UInt8, successor: UInt8)
  /// Instruction-stream fence: code written before it is visible after it.
  case fenceI
  case ecall
  case ebreak
}
